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
import { POLICY_RENAMES } from "../../policies/renamedPolicies";
import { loadPolicyConfigFile } from "../../offline/policyEngine";
import { section } from "../../offline/readme";
import { ENGINES, engineImageUri } from "../../policies/catalog/engines";
import { forgetRepoModules, freshRequire, requireRepoModule } from "../freshModules";
import { GOVCLOUD_SAMPLE } from "../govcloudSample";
import { REPO_ROOT } from "../graph";
import { evaluateRepoStack, guardrailsPack, PACK_DIR } from "./harness";
import { familyOf } from "../../policies/lib/guardrail";
import { moduleNameOf } from "../../policies/lib/naming";
import { controlsOf, NIST_CONTROL_TITLES } from "../../policies/lib/nist";

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
                // The pack also serves each former policy name (policies/renamedPolicies.ts), disabled unless a config uses it.
                assert.equal(e.result.policies.length, guardrails.length + POLICY_RENAMES.length);
            });
        }
    }
});

describe("the AWS GovCloud sample's configuration (TGI) passes the guardrails, with TGI's maintenance advisory", () => {
    for (const preview of [true, false]) {
        it(`govcloud with the sample (${preview ? "preview" : "update"}): no mandatory violation, no policy error; sagemaker-model-serving-engine-maintained reports the TGI model`, async () => {
            const e = await evaluateRepoStack("govcloud", { policyConfig: policyConfig("govcloud"), preview, overrides: { models: [GOVCLOUD_SAMPLE] } });
            assert.deepEqual(
                e.result.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => `${v.policyName}: ${v.message}`),
                [],
            );
            assert.deepEqual(e.result.errors, []);
            assert.deepEqual(
                e.result.violations
                    .filter((v) => v.policyName === "sagemaker-model-serving-engine-maintained")
                    .map((v) => `${v.enforcementLevel} ${v.resourceName}`),
                ["advisory falcon-40b-instruct-model"],
            );
        });
    }

    it("the repo's stacks (vLLM, SGLang) have no sagemaker-model-serving-engine-maintained advisory", async () => {
        for (const stack of ["govcloud", "commercial"]) {
            const e = await evaluateRepoStack(stack, { policyConfig: policyConfig(stack), preview: false });
            assert.deepEqual(e.of("sagemaker-model-serving-engine-maintained"), [], stack);
        }
    });
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
        caughtBy: ["sagemaker-workload-subnets-private"],
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
        what: "an instance type not approved in GovCloud (ml.g6e: commercial only)",
        transformation: change("aws:sagemaker/endpointConfiguration:EndpointConfiguration", (p) => ({
            ...p,
            productionVariants: p.productionVariants.map((v: object) => ({ ...v, instanceType: "ml.g6e.12xlarge" })),
        })),
        caughtBy: ["sagemaker-endpoint-config-instance-type-approved"],
    },
    {
        stack: "govcloud",
        what: "a required tag missing from the provider's default tags",
        transformation: change("pulumi:providers:aws", (p) => ({
            ...p,
            defaultTags: { tags: { Owner: "ml-platform", Project: "llm-hosting", Environment: "govcloud" } },
        })),
        caughtBy: ["aws-resource-tags-required"],
    },
    {
        stack: "govcloud",
        what: "the commercial vLLM image in GovCloud",
        transformation: change("aws:sagemaker/model:Model", (p) => ({
            ...p,
            primaryContainer: { ...p.primaryContainer, image: engineImageUri(ENGINES.vllm, "0.21.0", "us-east-1", "amazonaws.com") },
        })),
        // Another region's registry: inconsistent with the partition, and not an approved registry of the stack's region.
        caughtBy: ["aws-resource-partition-consistent", "sagemaker-model-image-registry-approved"],
    },
    {
        stack: "commercial",
        what: "endpoint security group open to the internet",
        transformation: change("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", (p) => (p.cidrIpv4 ? { ...p, cidrIpv4: "0.0.0.0/0" } : p)),
        caughtBy: ["ec2-security-group-no-public-ingress"],
    },
    {
        stack: "commercial",
        what: "a notebook with direct internet access",
        transformation: change("aws:sagemaker/notebookInstance:NotebookInstance", (p) => ({ ...p, directInternetAccess: "Enabled" })),
        caughtBy: ["sagemaker-notebook-no-direct-internet"],
    },
    {
        stack: "commercial",
        what: "a volume KMS key on an NVMe instance type (ml.g6e), which SageMaker rejects",
        transformation: (args) =>
            args.type === "aws:sagemaker/endpointConfiguration:EndpointConfiguration"
                ? { props: { ...args.props, kmsKeyArn: "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab" }, opts: args.opts }
                : undefined,
        caughtBy: ["sagemaker-endpoint-config-volume-kms"],
    },
    {
        stack: "commercial",
        what: "AmazonSageMakerFullAccess on a role",
        transformation: change("aws:iam/role:Role", (p) => ({ ...p, managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"] })),
        caughtBy: ["iam-identity-no-broad-managed-policies"],
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
        caughtBy: ["sagemaker-notebook-root-access-disabled"],
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

describe("every policy carries @pulumi/policy's own metadata fields, as the analyzer serves them to the engine and Pulumi Cloud", () => {
    it("severity, remediation steps, the NIST SP 800-53 Rev. 5 framework with control titles, the family as first tag, and a documentation url", async () => {
        const served = new Map((await guardrailsPack()).policies.map((p) => [p.name, p]));
        for (const g of guardrails) {
            const info = served.get(g.name)!;
            assert.ok(["low", "medium", "high", "critical"].includes(info.severity ?? ""), `${g.name} severity ${info.severity}`);
            assert.equal(info.remediationSteps, g.remediationSteps, g.name);
            const controls = controlsOf(g.framework);
            assert.deepEqual(info.framework, {
                name: "NIST SP 800-53",
                version: "Rev. 5",
                reference: controls.join(", "),
                specification: controls.map((c) => `${c} ${NIST_CONTROL_TITLES[c]}`).join("; "),
            });
            assert.deepEqual(info.tags, [familyOf(g)], g.name);
            // The family is the folder the policy's file sits in (tests/policies/naming.test.ts: the file is named after the policy).
            assert.ok(fs.existsSync(path.join(REPO_ROOT, "policies", familyOf(g), `${moduleNameOf(g.name)}.ts`)), g.name);
            assert.match(info.url ?? "", /^https:\/\/(docs\.aws\.amazon\.com|docs\.djl\.ai|huggingface\.co|pulumi\.com\/docs)\//, g.name);
        }
    });

    it("a control the pack's NIST table lacks stops the pack from loading, naming the control", () => {
        const { nistFramework } = requireRepoModule<typeof import("../../policies/lib/nist")>("policies/lib/nist");
        assert.throws(() => nistFramework(["SC-7", "XX-99"]), /control "XX-99" is not in policies\/lib\/nist\.ts/);
        assert.throws(() => nistFramework([]), /at least one NIST SP 800-53 Rev. 5 control/);
        assert.deepEqual(nistFramework(["SC-7(5)"]), {
            name: "NIST SP 800-53",
            version: "Rev. 5",
            reference: "SC-7(5)",
            specification: "SC-7(5) Boundary Protection | Deny by Default — Allow by Exception",
        });
    });
});

describe("the README lists every policy", () => {
    it("its policy table is the one rendered from the policies' metadata (npm run docs)", () => {
        const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
        // The pack loaded afresh (see tests/freshModules.ts), so the metadata is what its code makes now.
        forgetRepoModules();
        const fresh = requireRepoModule<typeof import("../../policies/guardrails")>("policies/guardrails");
        const docs = requireRepoModule<typeof import("../../policies/lib/docs")>("policies/lib/docs");
        assert.equal(section(readme, docs.README_START, docs.README_END), docs.renderPolicyTable(fresh.guardrails));
    });

    it("every policy names its NIST controls, and says what must hold, why and how to fix it in whole sentences; names are unique", () => {
        const fresh = freshRequire<typeof import("../../policies/guardrails")>("policies/guardrails").guardrails;
        assert.equal(new Set(fresh.map((g) => g.name)).size, fresh.length);
        // A sentence starts with a capital, a quote or a code name and ends with a full stop (or a closing parenthesis after one).
        const sentence = /^["'`A-Z].{20,}\.\)?$/s;
        for (const g of fresh) {
            assert.ok(
                controlsOf(g.framework).length > 0 && controlsOf(g.framework).every((c) => /^[A-Z]{2}-\d+(\(\d+\))?$/.test(c)),
                `${g.name}: ${controlsOf(g.framework)}`,
            );
            assert.match(g.description, sentence, `${g.name} description`);
            assert.match(g.remediationSteps, sentence, `${g.name} remediation`);
            assert.match(g.meta.rationale, sentence, `${g.name} rationale`);
        }
    });
});
