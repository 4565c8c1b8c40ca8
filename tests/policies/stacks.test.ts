/**
 * End to end: the repo's stacks pass every mandatory policy with their ready-made policy config,
 * and careless changes to the program (staged as stack transformations on its real resources) are
 * caught by exactly the policies that should catch them.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { guardrails } from "../../policies/guardrails";
import { README_END, README_START, renderPolicyTable } from "../../policies/lib/docs";
import { loadPolicyConfigFile } from "../../offline/policyEval";
import { section } from "../../offline/readme";
import { REPO_ROOT } from "../graph";
import { evaluateRepoStack, PACK_DIR } from "./harness";

function policyConfig(stack: string): Record<string, unknown> {
    return loadPolicyConfigFile(path.join(PACK_DIR, "config", `${stack}.json`));
}

/** A transformation that changes the props of resources of one type. */
function change(type: string, edit: (props: Record<string, any>) => Record<string, any>): pulumi.ResourceTransformation {
    return (args) => (args.type === type ? { props: edit({ ...args.props }), opts: args.opts } : undefined);
}

describe("the stacks pass the guardrails", () => {
    for (const stack of ["govcloud", "commercial"]) {
        for (const preview of [true, false]) {
            it(`${stack} (${preview ? "preview" : "update"}): no mandatory violation, no policy error`, async () => {
                const e = await evaluateRepoStack(stack, { policyConfig: policyConfig(stack), preview });
                assert.deepEqual(
                    e.result.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => `${v.policyName}: ${v.message}`),
                    [],
                );
                assert.deepEqual(e.result.errors, []);
                assert.equal(e.result.policies.length, guardrails.length);
            });
        }
    }
});

interface CarelessChange {
    stack: string;
    what: string;
    transformation: pulumi.ResourceTransformation;
    caughtBy: string[];
}

const SUBNET = "aws:ec2/subnet:Subnet";
const CHANGES: CarelessChange[] = [
    {
        stack: "govcloud",
        what: "a SageMaker subnet that gives public IPs",
        transformation: change(SUBNET, (p) => ({ ...p, mapPublicIpOnLaunch: true })),
        caughtBy: ["sagemaker-subnets-private"],
    },
    {
        stack: "govcloud",
        what: "a notebook volume without the stack key",
        transformation: change("aws:sagemaker/notebookInstance:NotebookInstance", ({ kmsKeyId, ...p }) => p),
        caughtBy: ["sagemaker-notebook-kms"],
    },
    {
        stack: "govcloud",
        what: "log groups without KMS",
        transformation: change("aws:cloudwatch/logGroup:LogGroup", ({ kmsKeyId, ...p }) => p),
        caughtBy: ["cloudwatch-log-group-kms"],
    },
    {
        stack: "govcloud",
        what: "an instance type not approved in GovCloud",
        transformation: change("aws:sagemaker/endpointConfiguration:EndpointConfiguration", (p) => ({
            ...p,
            productionVariants: p.productionVariants.map((v: object) => ({ ...v, instanceType: "ml.p4d.24xlarge" })),
        })),
        caughtBy: ["endpoint-instance-type-approved"],
    },
    {
        stack: "govcloud",
        what: "a required tag missing from the provider's default tags",
        transformation: change("pulumi:providers:aws", (p) => ({
            ...p,
            defaultTags: { tags: { Owner: "ml-platform", Project: "llm-hosting", Environment: "govcloud" } },
        })),
        caughtBy: ["tags-required"],
    },
    {
        stack: "govcloud",
        what: "the commercial TGI image in GovCloud",
        transformation: change("aws:sagemaker/model:Model", (p) => ({
            ...p,
            primaryContainer: {
                ...p.primaryContainer,
                image: "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.0.1-tgi1.0.3-gpu-py39-cu118-ubuntu20.04",
            },
        })),
        caughtBy: ["partition-consistent-references"],
    },
    {
        stack: "commercial",
        what: "endpoint security group open to the internet",
        transformation: change("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", (p) => (p.cidrIpv4 ? { ...p, cidrIpv4: "0.0.0.0/0" } : p)),
        caughtBy: ["security-group-no-public-ingress"],
    },
    {
        stack: "commercial",
        what: "a notebook with direct internet access",
        transformation: change("aws:sagemaker/notebookInstance:NotebookInstance", (p) => ({ ...p, directInternetAccess: "Enabled" })),
        caughtBy: ["sagemaker-notebook-no-direct-internet"],
    },
    {
        stack: "commercial",
        what: "a volume KMS key on an NVMe instance type (ml.g5), which SageMaker rejects",
        transformation: (args) =>
            args.type === "aws:sagemaker/endpointConfiguration:EndpointConfiguration"
                ? { props: { ...args.props, kmsKeyArn: "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab" }, opts: args.opts }
                : undefined,
        caughtBy: ["sagemaker-endpoint-volume-kms"],
    },
    {
        stack: "commercial",
        what: "AmazonSageMakerFullAccess on a role",
        transformation: change("aws:iam/role:Role", (p) => ({ ...p, managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"] })),
        caughtBy: ["iam-no-broad-managed-policies"],
    },
    {
        stack: "commercial",
        what: "bucket versioning suspended",
        transformation: change("aws:s3/bucketVersioning:BucketVersioning", (p) => ({ ...p, versioningConfiguration: { status: "Suspended" } })),
        caughtBy: ["s3-bucket-versioning"],
    },
    {
        stack: "commercial",
        what: "root access on the notebook",
        transformation: change("aws:sagemaker/notebookInstance:NotebookInstance", (p) => ({ ...p, rootAccess: "Enabled" })),
        caughtBy: ["notebook-root-access-disabled"],
    },
];

describe("careless changes are caught by exactly the expected policies", () => {
    for (const c of CHANGES) {
        it(`${c.stack}: ${c.what} → ${c.caughtBy.join(", ")}`, async () => {
            // An update-mode run: every value is known, so every policy decides.
            const e = await evaluateRepoStack(c.stack, { policyConfig: policyConfig(c.stack), preview: false, transformations: [c.transformation] });
            const mandatory = [...new Set(e.result.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => v.policyName))].sort();
            assert.deepEqual(mandatory, [...c.caughtBy].sort());
            assert.deepEqual(e.result.errors, []);
        });
    }
});

describe("the README lists every policy", () => {
    it("its policy table is the one rendered from the policies' metadata (npm run docs)", () => {
        const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
        assert.equal(section(readme, README_START, README_END), renderPolicyTable(guardrails));
    });

    it("every policy names its NIST controls, remediation and rationale; names are unique", () => {
        assert.equal(new Set(guardrails.map((g) => g.name)).size, guardrails.length);
        for (const g of guardrails) {
            assert.ok(g.meta.controls.length > 0 && g.meta.controls.every((c) => /^[A-Z]{2}-\d+(\(\d+\))?$/.test(c)), `${g.name}: ${g.meta.controls}`);
            assert.ok(g.meta.remediation.length > 20, `${g.name} has no remediation`);
            assert.ok(g.meta.rationale.length > 20, `${g.name} has no rationale`);
        }
    });
});
