/**
 * The pack on programs written outside this repository (tests/fixtures/outside-acme): explicit tags
 * on every resource and no provider default tags, IAM documents from aws.iam.getPolicyDocument
 * (rendered offline as the provider renders them: offline/policyDocument.ts), security group rules as
 * aws.ec2.SecurityGroupRule, roles with managedPolicyArns, the team's own components taking
 * `providers`/`provider`. The correct stack passes every policy; for each policy of the pack, a
 * broken stack makes it report on the resource that must change, and no finding names this
 * repository's settings ("In this program:"), since none of these resources is the program's.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { guardrails } from "../../policies/guardrails";
import { WAIVED_FINDINGS_POLICY, WAIVERS_POLICY } from "../../policies/lib/waivers";
import { PolicyViolation } from "../../offline/policyEngine";
import { errorsOf, messages } from "./assertions";
import { Evaluation, evaluateStack, FIXTURES } from "./harness";

const PROGRAM = path.join(FIXTURES, "outside-acme");

/**
 * The platform team's pack config for these stacks (a --policy-pack-config file): the sizes of the
 * models the team stages in S3 (their environment says nothing of the model:
 * `SM_VLLM_MODEL=/opt/ml/model`), the Environment values it allows, and the token variable it attests
 * is set only from a secret.
 */
const POLICY_CONFIG = JSON.parse(fs.readFileSync(path.join(PROGRAM, "policy-config.json"), "utf8")) as Record<string, unknown>;

const evaluate = (stack: string, preview: boolean, policyConfig: Record<string, unknown> = POLICY_CONFIG): Promise<Evaluation> =>
    evaluateStack(PROGRAM, stack, { preview, policyConfig });

/** `<name> (<type>)` of a violation's resource, e.g. `acme-artifacts (BucketPolicy)`; `(stack)` for stack-wide ones. */
const where = (v: PolicyViolation) => (v.resourceName === undefined ? "(stack)" : `${v.resourceName} (${String(v.resourceType).split(":").pop()})`);
const reported = (e: Evaluation, policy: string) => [...new Set(e.of(policy).map(where))].sort();

interface Case {
    stack: string;
    /** The resources the policy reports, `<name> (<type>)`, each once. */
    on: string[];
    /**
     * Where the policy cannot judge in preview (resource names, "(stack)" for a stack policy): what it
     * reads is built from names and ARNs AWS assigns at creation (documents from
     * getPolicyDocumentOutput, S3 URIs), unknown until the update as in a real `pulumi preview`. The
     * policy then reports these as not run in preview, and nothing else.
     */
    previewNotRunOn?: string[];
}

/** For each policy of the pack, the broken stack that makes it report, and where. */
const CASES: Record<string, Case> = {
    "sagemaker-notebook-no-direct-internet": { stack: "broken-network", on: ["acme-research (NotebookInstance)"] },
    "sagemaker-model-in-vpc": { stack: "broken-serving", on: ["acme-assistant-model (Model)"] },
    "sagemaker-workload-subnets-private": { stack: "broken-network", on: ["acme-net-private-b (Subnet)"] },
    "sagemaker-workload-external-subnets-approved": { stack: "broken-network", on: ["acme-assistant-model (Model)", "acme-research (NotebookInstance)"] },
    "ec2-security-group-no-public-ingress": { stack: "broken-network", on: ["acme-net-endpoints-https-anywhere (SecurityGroupRule)"] },
    "ec2-vpc-flow-logs-enabled": { stack: "broken-network", on: ["acme-net (Vpc)"] },
    "ec2-vpc-endpoint-private-dns": { stack: "broken-network", on: ["acme-net-sts (VpcEndpoint)"] },
    "ec2-vpc-private-endpoints-complete": { stack: "broken-network", on: ["acme-net (Vpc)"] },
    "sagemaker-model-weights-reachable": { stack: "broken-egress", on: ["acme-assistant-model (Model)"] },
    "sagemaker-model-network-isolation": { stack: "broken-serving", on: ["acme-assistant-model (Model)"] },
    "sagemaker-workload-cui-no-egress": {
        stack: "broken-egress",
        on: ["acme-assistant-model (Model)", "acme-net-private-0-default (Route)", "acme-net-private-1-default (Route)"],
    },
    "sagemaker-endpoint-config-volume-kms": { stack: "broken-data", on: ["acme-assistant-config (EndpointConfiguration)"] },
    "sagemaker-endpoint-config-data-capture-kms": { stack: "broken-data", on: ["acme-assistant-config (EndpointConfiguration)"] },
    "sagemaker-notebook-kms": { stack: "broken-data", on: ["acme-research (NotebookInstance)"] },
    "s3-bucket-sse-kms": { stack: "broken-data", on: ["acme-artifacts (Bucket)"] },
    "s3-bucket-versioning": { stack: "broken-data", on: ["acme-artifacts (Bucket)"] },
    "s3-bucket-public-access-block": { stack: "broken-data", on: ["acme-artifacts (Bucket)"] },
    "s3-bucket-tls-only": { stack: "broken-data", on: ["acme-artifacts (Bucket)"], previewNotRunOn: ["(stack)"] },
    "cloudwatch-log-group-kms": { stack: "broken-data", on: ["acme-net-flow-logs (LogGroup)"] },
    "cloudwatch-log-group-retention": { stack: "broken-data", on: ["acme-net-flow-logs (LogGroup)"] },
    "kms-key-rotation": { stack: "broken-data", on: ["acme-data (Key)"] },
    "kms-key-deletion-window-minimum": { stack: "broken-data", on: ["acme-data (Key)"] },
    // The model's S3 URI names the bucket only once AWS has named it: in preview, the policy defers to the update.
    "s3-bucket-weights-retained": { stack: "broken-data", on: ["acme-artifacts (Bucket)"], previewNotRunOn: ["(stack)"] },
    "sagemaker-endpoint-config-instance-type-approved": { stack: "broken-serving", on: ["acme-community-config (EndpointConfiguration)"] },
    "sagemaker-notebook-instance-type-approved": { stack: "broken-serving", on: ["acme-research (NotebookInstance)"] },
    "sagemaker-model-num-gpus-within-instance": { stack: "broken-serving", on: ["acme-assistant-model (Model)"] },
    "sagemaker-model-fits-gpu-memory": {
        stack: "broken-serving",
        on: ["acme-community-config (EndpointConfiguration)", "acme-large-config (EndpointConfiguration)"],
    },
    "sagemaker-model-serving-engine-maintained": { stack: "broken-serving", on: ["acme-legacy-model (Model)"] },
    "sagemaker-model-hub-revision-pinned": { stack: "broken-egress", on: ["acme-assistant-model (Model)"] },
    "sagemaker-model-image-digest-pinned": { stack: "broken-serving", on: ["acme-community-model (Model)"] },
    "sagemaker-model-image-registry-approved": { stack: "broken-serving", on: ["acme-community-model (Model)"] },
    "aws-resource-tags-required": { stack: "broken-governance", on: ["acme-artifacts (Bucket)"] },
    "aws-resource-tag-values-allowed": { stack: "broken-governance", on: ["acme-research (NotebookInstance)"] },
    "aws-resource-partition-consistent": { stack: "broken-governance", on: ["acme-assistant-execution (Role)"] },
    "aws-resource-region-allowed": { stack: "broken-governance", on: ["acme-dr (aws)"] },
    "sagemaker-notebook-root-access-disabled": { stack: "broken-notebook", on: ["acme-research (NotebookInstance)"] },
    "sagemaker-notebook-imdsv2-required": { stack: "broken-notebook", on: ["acme-research (NotebookInstance)"] },
    "sagemaker-notebook-platform-approved": { stack: "broken-notebook", on: ["acme-research (NotebookInstance)"] },
    "sagemaker-notebook-not-default-security-group": { stack: "broken-notebook", on: ["acme-research (NotebookInstance)"] },
    "iam-identity-no-broad-managed-policies": { stack: "broken-iam", on: ["acme-assistant-execution (Role)"] },
    "iam-policy-no-wildcard-actions": {
        stack: "broken-iam",
        on: ["acme-assistant-execution-inline (RolePolicy)"],
        previewNotRunOn: ["acme-assistant-execution-inline", "acme-net-flow-logs", "acme-research-notebook"],
    },
    "iam-role-trust-sagemaker-only": { stack: "broken-iam", on: ["acme-assistant-execution (Role)"] },
    "iam-role-trust-source-account": { stack: "broken-iam", on: ["acme-assistant-execution (Role)"] },
    "iam-policy-no-pass-role-wildcard": {
        stack: "broken-iam",
        on: ["acme-assistant-execution-inline (RolePolicy)"],
        previewNotRunOn: ["acme-assistant-execution-inline", "acme-net-flow-logs", "acme-research-notebook"],
    },
    "aws-resource-policy-principals-limited": { stack: "broken-data", on: ["acme-artifacts (BucketPolicy)"], previewNotRunOn: ["acme-artifacts"] },
    "sagemaker-endpoint-config-production-redundancy": { stack: "broken-serving", on: ["acme-assistant (Endpoint)"] },
    "sagemaker-endpoint-auto-rollback-alarms": { stack: "broken-serving", on: ["acme-assistant (Endpoint)"] },
    "sagemaker-endpoint-config-startup-health-check-timeout": { stack: "broken-serving", on: ["acme-assistant-config (EndpointConfiguration)"] },
    // The literal token is the mandatory policy's; the attested secret-sourced one is still visible in DescribeModel (the advisory's).
    "sagemaker-model-env-no-credentials": { stack: "broken-serving", on: ["acme-assistant-model (Model)"] },
    "sagemaker-model-env-credential-exposure": { stack: "broken-serving", on: ["acme-community-model (Model)"] },
};

/** The policies the correct stack cannot judge in preview, and on what (the documents above, unknown until the update). */
const CORRECT_PREVIEW_NOT_RUN = [
    "aws-resource-policy-principals-limited on acme-artifacts",
    "iam-policy-no-pass-role-wildcard on acme-assistant-execution-inline",
    "iam-policy-no-pass-role-wildcard on acme-net-flow-logs",
    "iam-policy-no-pass-role-wildcard on acme-research-notebook",
    "iam-policy-no-wildcard-actions on acme-assistant-execution-inline",
    "iam-policy-no-wildcard-actions on acme-net-flow-logs",
    "iam-policy-no-wildcard-actions on acme-research-notebook",
    "s3-bucket-tls-only on (stack)",
];

const BROKEN_STACKS = [...new Set(Object.values(CASES).map((c) => c.stack))].sort();
const POLICIES = guardrails.map((g) => g.name).filter((name) => name !== WAIVERS_POLICY && name !== WAIVED_FINDINGS_POLICY);
const MODES = [
    { label: "preview", preview: true },
    { label: "update", preview: false },
];

describe("the pack on a program written outside this repository (tests/fixtures/outside-acme)", function () {
    it("has a broken-stack case for every policy of the pack (former names and the waiver policies aside)", function () {
        // guardrails holds each policy once, under its current name; former names are added only when the pack starts.
        assert.deepEqual(
            POLICIES.filter((name) => !(name in CASES)),
            [],
            "policies without an outside-program case: add a mistake to tests/fixtures/outside-acme and a row to CASES",
        );
        assert.deepEqual(
            Object.keys(CASES).filter((name) => !POLICIES.includes(name)),
            [],
            "CASES names policies the pack does not have",
        );
    });

    for (const { label, preview } of MODES) {
        describe(`in ${label}`, function () {
            it("the correct stack violates nothing and raises no error", async function () {
                const e = await evaluate("correct", preview);
                assert.deepEqual(
                    e.result.violations.map((v) => `${v.policyName} on ${where(v)}: ${v.message}`),
                    [],
                );
                assert.deepEqual(e.result.errors, []);
                const notRun = e.result.notRun.map((n) => `${n.policyName} on ${n.resourceName ?? "(stack)"}`).sort();
                assert.deepEqual(notRun, preview ? CORRECT_PREVIEW_NOT_RUN : []);
            });

            it("under the pack's default config, the correct stack's one mandatory finding is the model the pack cannot size without the platform's modelParameters", async function () {
                const e = await evaluate("correct", preview, {});
                assert.deepEqual(
                    e.result.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => `${v.policyName} on ${where(v)}`),
                    ["sagemaker-model-fits-gpu-memory on acme-assistant-model (Model)"],
                );
                assert.match(messages(e, "sagemaker-model-fits-gpu-memory").join(), /does not say which model acme-assistant\S* holds/);
                assert.deepEqual(e.result.errors, []);
            });

            for (const [policy, c] of Object.entries(CASES)) {
                it(`${policy}: ${c.stack} reports it on ${c.on.join(", ")}`, async function () {
                    const e = await evaluate(c.stack, preview);
                    if (preview && c.previewNotRunOn) {
                        assert.deepEqual(e.of(policy), [], "reported in preview although its document is unknown");
                        assert.deepEqual([...new Set(e.notRunOn(policy))], [...c.previewNotRunOn].sort());
                        return;
                    }
                    assert.deepEqual(reported(e, policy), [...c.on].sort());
                    assert.deepEqual(errorsOf(e, [policy]), []);
                });
            }

            it("no finding on these stacks names this repository's settings", async function () {
                for (const stack of BROKEN_STACKS) {
                    const e = await evaluate(stack, preview);
                    const hinted = POLICIES.flatMap((p) =>
                        messages(e, p)
                            .filter((m) => m.includes("In this program:"))
                            .map((m) => `${stack} ${p}: ${m}`),
                    );
                    assert.deepEqual(hinted, []);
                    assert.deepEqual(e.result.errors, [], stack);
                }
            });
        });
    }

    // The VPC's default security group read from the aws.ec2.Vpc (not from an aws.ec2.DefaultSecurityGroup resource).
    it("sagemaker-notebook-not-default-security-group: broken-default-sg (securityGroups from vpc.defaultSecurityGroupId) reports the notebook", async function () {
        for (const { preview } of MODES) {
            const e = await evaluate("broken-default-sg", preview);
            assert.deepEqual(reported(e, "sagemaker-notebook-not-default-security-group"), ["acme-research (NotebookInstance)"]);
        }
    });
});
