/**
 * The encryption family (policies/encryption/) through @pulumi/policy's own analyzer: on this
 * repo's stacks and variants of them (evaluateRepoStack), and on the fixture program
 * tests/fixtures/policy-encryption for what the real program cannot produce (evaluateStack).
 */
import { strict as assert } from "assert";
import * as path from "path";
import { PolicyResource } from "@pulumi/policy";
import { UNKNOWN as WIRE_UNKNOWN } from "../../offline/mockRun";
import { encryptionGuardrails } from "../../policies/encryption";
import { volumeKeyProblems } from "../../policies/encryption/sagemakerEndpointConfigVolumeKms";
import { rotationProblem } from "../../policies/encryption/kmsKeyRotation";
import { retentionProblem } from "../../policies/encryption/cloudwatchLogGroupRetention";
import { publicAccessProblem } from "../../policies/encryption/s3BucketPublicAccessBlock";
import { bucketSseProblem, sseRuleProblem, sseRulesFor } from "../../policies/encryption/s3BucketSseKms";
import { versioningFor, versioningProblem } from "../../policies/encryption/s3BucketVersioning";
import { bucketPoliciesFor, deniesInsecureTransport, tlsOnlyProblem } from "../../policies/encryption/s3BucketTlsOnly";
import { Deferrals, UNKNOWN } from "../../policies/lib/values";
import { freshRequire, requireRepoModule } from "../freshModules";
import { assertClean, errorsOf, levels, notRunProperties, policyResource } from "./assertions";
import { EvaluateOptions, Evaluation, evaluateRepoStack, evaluateStack, FIXTURES } from "./harness";
import { familyOf } from "../../policies/lib/guardrail";
import { controlsOf } from "../../policies/lib/nist";

const FIXTURE = path.join(FIXTURES, "policy-encryption");
const MINE = new Set(encryptionGuardrails.map((g) => g.name));

const P = {
    endpointVolume: "sagemaker-endpoint-config-volume-kms",
    dataCapture: "sagemaker-endpoint-config-data-capture-kms",
    notebook: "sagemaker-notebook-kms",
    sse: "s3-bucket-sse-kms",
    versioning: "s3-bucket-versioning",
    publicAccess: "s3-bucket-public-access-block",
    tls: "s3-bucket-tls-only",
    logKms: "cloudwatch-log-group-kms",
    logRetention: "cloudwatch-log-group-retention",
    rotation: "kms-key-rotation",
};

const fixture = (stack: string, options?: EvaluateOptions) => evaluateStack(FIXTURE, stack, options);

function messageFor(e: Evaluation, policy: string, resource: string): string {
    const v = e.of(policy).find((x) => x.resourceName === resource);
    assert.ok(v, `${policy} reported nothing on ${resource}`);
    return v.message;
}

/**
 * An EBS-backed ml.p3 (V100, compute capability 7.0): vLLM 0.14.0 is the release that still runs there,
 * and Llama 2 7B with its 4k context needs the 4 GPUs of ml.p3.8xlarge.
 */
const EBS_VARIANT = { models: [{ id: "llama-2-7b-chat", engine: "vllm", engineVersion: "0.14.0", instanceType: "ml.p3.8xlarge" }] };
const CAPTURE_VARIANT = { models: [{ id: "mistral-7b-instruct", dataCapturePercent: 20 }] };

describe("encryption policies", function () {
    this.timeout(120_000);

    it("every policy carries its metadata: family, remediation, NIST controls, rationale, unknown handling", () => {
        assert.equal(encryptionGuardrails.length, 12);
        for (const g of encryptionGuardrails) {
            assert.equal(familyOf(g), "encryption", g.name);
            assert.equal(g.enforcementLevel, g.name === "s3-bucket-weights-retained" ? "advisory" : "mandatory", g.name);
            assert.ok(
                controlsOf(g.framework).length > 0 && controlsOf(g.framework).every((c) => /^[A-Z]{2}-\d+(\(\d+\))?$/.test(c)),
                `${g.name}: ${controlsOf(g.framework)}`,
            );
            assert.ok(g.remediationSteps.length > 20 && g.meta.rationale.length > 20, g.name);
            assert.match(g.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
        }
    });

    describe("this repo's stacks as they are: no violations, no errors", () => {
        for (const stack of ["govcloud", "commercial"]) {
            it(`${stack}, preview: only the TLS policy waits for the bucket policy's ARNs`, async () => {
                const e = await evaluateRepoStack(stack);
                assert.deepEqual(
                    e.result.violations.filter((v) => MINE.has(v.policyName)).map((v) => `${v.policyName} ${v.resourceName}`),
                    [],
                );
                assert.deepEqual(errorsOf(e, [...MINE]), []);
                assert.deepEqual([...new Set(e.result.notRun.filter((n) => MINE.has(n.policyName)).map((n) => n.policyName))], [P.tls]);
                assert.equal(e.notRunOn(P.tls).length, 1);
            });
            it(`${stack}, update (preview: false): every policy runs and passes`, async () => {
                const e = await evaluateRepoStack(stack, { preview: false });
                assertClean(e, [...MINE], `${stack} update`);
            });
        }
    });

    describe(P.endpointVolume, () => {
        it("its remediation lists the GPU instance families of policies/catalog/instances.ts with local NVMe, then those backed by EBS", () => {
            // The pack and the table loaded afresh (tests/freshModules.ts): the remediation is built when the policy loads.
            const { guardrails } = freshRequire<typeof import("../../policies/guardrails")>("policies/guardrails");
            const { INSTANCE_TYPES } = requireRepoModule<typeof import("../../policies/catalog/instances")>("policies/catalog/instances");
            const remediation = guardrails.find((g) => g.name === P.endpointVolume)!.remediationSteps;
            const listed = (pattern: RegExp) => new Set(pattern.exec(remediation)?.[1].split(", "));
            const families = (localNvme: boolean) =>
                new Set(INSTANCE_TYPES.filter((t) => t.gpuCount > 0 && t.localNvme === localNvme).map((t) => /^ml\.[a-z0-9]+/.exec(t.name)![0]));
            assert.deepEqual(listed(/On instance types with local NVMe storage \(([^)]+)\) leave kmsKeyArn unset/), families(true));
            assert.deepEqual(listed(/On EBS-backed types \(([^)]+)\) set kmsKeyArn/), families(false));
            assert.ok(families(true).has("ml.g5") && families(false).has("ml.p3"), "both kinds are in the table");
        });
        it("decides from policies/catalog/instances.ts: key forbidden on NVMe types, required on EBS-backed ones, undecidable on unlisted ones", () => {
            assert.deepEqual(volumeKeyProblems([{ where: "v[0]", instanceType: "ml.g4dn.12xlarge" }], false), []);
            assert.deepEqual(volumeKeyProblems([{ where: "v[0]", instanceType: "ml.p3.2xlarge" }], true), []);
            assert.match(
                volumeKeyProblems([{ where: "v[0]", instanceType: "ml.g6e.xlarge" }], true)[0],
                /'ml\.g6e\.xlarge' has local NVMe instance storage: SageMaker rejects a KmsKeyId for this instance type \(/,
            );
            assert.match(volumeKeyProblems([{ where: "v[0]", instanceType: "ml.p3.8xlarge" }], false)[0], /kmsKeyArn is not set .* EBS-backed/);
            assert.match(
                volumeKeyProblems(
                    [
                        { where: "v[0]", instanceType: "ml.g5.xlarge" },
                        { where: "v[1]", instanceType: "ml.g6.xlarge" },
                    ],
                    true,
                )[0],
                /^kmsKeyArn is set, but v\[0\]\.instanceType 'ml\.g5\.xlarge', v\[1\]\.instanceType 'ml\.g6\.xlarge' have local NVMe instance storage: SageMaker rejects a KmsKeyId for these instance types/,
            );
            assert.match(volumeKeyProblems([{ where: "v[0]", instanceType: "ml.trn1.2xlarge" }], false)[0], /not in the pack's instance catalog/);
            // A known NVMe type with a key is wrong whatever the unlisted one is.
            assert.match(
                volumeKeyProblems(
                    [
                        { where: "v[0]", instanceType: "ml.trn1.2xlarge" },
                        { where: "v[1]", instanceType: "ml.g5.xlarge" },
                    ],
                    true,
                )[0],
                /'ml\.g5\.xlarge' has local NVMe/,
            );
            assert.deepEqual(volumeKeyProblems([], false), [], "serverless-only configurations are not judged");
            // Several types are named together, in the plural.
            const variants = (types: string[]) => types.map((instanceType, i) => ({ where: `v[${i}]`, instanceType }));
            assert.match(
                volumeKeyProblems(variants(["ml.g5.xlarge", "ml.g6e.xlarge"]), true)[0],
                /^kmsKeyArn is set, but v\[0\]\.instanceType 'ml\.g5\.xlarge', v\[1\]\.instanceType 'ml\.g6e\.xlarge' have local NVMe instance storage: SageMaker rejects a KmsKeyId for these instance types \(/,
            );
            assert.match(
                volumeKeyProblems(variants(["ml.trn1.2xlarge", "ml.inf2.xlarge"]), true)[0],
                /^v\[0\]\.instanceType 'ml\.trn1\.2xlarge', v\[1\]\.instanceType 'ml\.inf2\.xlarge' are not in the pack's instance catalog, .* \(kmsKeyArn is set\)\./,
            );
        });

        it("compliant: the repo's NVMe types without a key; an EBS-backed ml.p3 with the stack key (unknown in preview counts as set)", async () => {
            const endpointConfig = (e: Evaluation) =>
                e.run.result.resources.find((r) => r.type === "aws:sagemaker/endpointConfiguration:EndpointConfiguration")!;
            for (const options of [{ overrides: EBS_VARIANT }, { overrides: EBS_VARIANT, preview: false }]) {
                const e = await evaluateRepoStack("commercial", options);
                assert.deepEqual(e.of(P.endpointVolume), []);
                assert.equal(e.notRun(P.endpointVolume), false);
                assert.equal((endpointConfig(e).inputs.productionVariants as { instanceType: string }[])[0].instanceType, "ml.p3.8xlarge");
                if (options.preview === false) assert.match(String(endpointConfig(e).inputs.kmsKeyArn), /^arn:aws:kms:us-east-1:/);
            }
            // The stacks' own types (ml.g5.12xlarge, ml.g6e.12xlarge) have local NVMe: no key.
            for (const stack of ["govcloud", "commercial"]) {
                const e = await evaluateRepoStack(stack, { preview: false });
                assert.deepEqual(e.of(P.endpointVolume), [], stack);
                assert.equal(endpointConfig(e).inputs.kmsKeyArn, undefined, stack);
            }
            const f = await fixture("endpoints");
            for (const name of ["nvme-without-key", "ebs-with-key", "capture-with-key"]) assert.ok(!f.flagged(P.endpointVolume).includes(name), name);
            // No instance type, nothing to judge: a serverless variant has no ML storage volume; an empty type is the instance-type policy's.
            for (const name of ["serverless-without-key", "empty-type"]) assert.ok(!f.flagged(P.endpointVolume).includes(name), name);
            assert.ok(f.flagged("sagemaker-endpoint-config-instance-type-approved").includes("empty-type"));
        });

        it("violating: a key on an NVMe type (production or shadow variant), no key on an EBS-backed type, an unlisted type", async () => {
            const e = await fixture("endpoints");
            assert.deepEqual(e.flagged(P.endpointVolume), ["ebs-with-nvme-shadow", "ebs-without-key", "nvme-with-key", "unlisted-type"]);
            assert.deepEqual(levels(e, P.endpointVolume), ["mandatory"]);
            assert.match(
                messageFor(e, P.endpointVolume, "nvme-with-key"),
                /kmsKeyArn is set, but productionVariants\[0\]\.instanceType 'ml\.g5\.2xlarge' has local NVMe instance storage: SageMaker rejects a KmsKeyId .*hardware\. Remove kmsKeyArn/,
            );
            assert.match(messageFor(e, P.endpointVolume, "ebs-with-nvme-shadow"), /shadowProductionVariants\[0\]\.instanceType 'ml\.g5\.xlarge'/);
            assert.match(messageFor(e, P.endpointVolume, "ebs-without-key"), /'ml\.p3\.2xlarge'.*AWS managed key\. Set kmsKeyArn/);
            assert.match(
                messageFor(e, P.endpointVolume, "unlisted-type"),
                /'ml\.inf2\.xlarge' is not in the pack's instance catalog, so this policy cannot tell .*add the type to the pack's instance catalog with its localNvme fact/,
            );
        });

        it("unknown instance type: not run in preview, decided in an update", async () => {
            const preview = await fixture("endpoints");
            assert.deepEqual(preview.notRunOn(P.endpointVolume), ["computed-type"]);
            assert.deepEqual(notRunProperties(preview, P.endpointVolume), ["computed-type .productionVariants.0.instanceType"]);
            assert.ok(!preview.flagged(P.endpointVolume).includes("computed-type"));
            const update = await fixture("endpoints", { preview: false });
            assert.deepEqual(update.notRunOn(P.endpointVolume), []);
            assert.match(messageFor(update, P.endpointVolume, "computed-type"), /'ml\.p3\.2xlarge'.*Set kmsKeyArn/);
        });

        it("a key on a known NVMe type is reported in preview even while another variant's type is unknown; without a key the policy waits for the type", async () => {
            const preview = await fixture("endpoints-partly-unknown");
            assert.deepEqual(preview.flagged(P.endpointVolume), ["nvme-with-key-and-computed-type"]);
            assert.match(
                messageFor(preview, P.endpointVolume, "nvme-with-key-and-computed-type"),
                /^.*\nkmsKeyArn is set, but productionVariants\[1\]\.instanceType 'ml\.g5\.2xlarge' has local NVMe instance storage: SageMaker rejects a KmsKeyId/,
            );
            assert.deepEqual(preview.notRunOn(P.endpointVolume), ["ebs-with-key-and-computed-type", "nvme-without-key-and-computed-type"]);
            const update = await fixture("endpoints-partly-unknown", { preview: false });
            assert.deepEqual(update.flagged(P.endpointVolume), [
                "ebs-with-key-and-computed-type",
                "nvme-with-key-and-computed-type",
                "nvme-without-key-and-computed-type",
            ]);
            assert.match(
                messageFor(update, P.endpointVolume, "nvme-without-key-and-computed-type"),
                /productionVariants\[1\]\.instanceType 'ml\.inf2\.xlarge' is not in the pack's instance catalog, so this policy cannot tell whether SageMaker requires or rejects kmsKeyArn \(kmsKeyArn is not set\)/,
            );
            assert.deepEqual(update.notRunOn(P.endpointVolume), []);
        });

        it("config: advisory and disabled levels", async () => {
            const advisory = await fixture("endpoints", { policyConfig: { [P.endpointVolume]: "advisory" } });
            assert.deepEqual(levels(advisory, P.endpointVolume), ["advisory"]);
            assert.equal(advisory.of(P.endpointVolume).length, 4);
            const disabled = await fixture("endpoints", { policyConfig: { [P.endpointVolume]: { enforcementLevel: "disabled" } } });
            assert.deepEqual(disabled.of(P.endpointVolume), []);
        });
    });

    describe(P.dataCapture, () => {
        it("compliant: the program's capture carries the stack key (unknown in preview counts as set), in preview and in an update", async () => {
            for (const preview of [true, false]) {
                const e = await evaluateRepoStack("commercial", { overrides: CAPTURE_VARIANT, preview });
                assert.deepEqual(e.of(P.dataCapture), []);
                assert.equal(e.notRun(P.dataCapture), false);
            }
        });

        it("violating: capture without kmsKeyId; capture explicitly disabled is not judged", async () => {
            const e = await fixture("endpoints");
            assert.deepEqual(e.flagged(P.dataCapture), ["capture-without-key"]);
            assert.match(messageFor(e, P.dataCapture, "capture-without-key"), /dataCaptureConfig\.kmsKeyId is not set.*Set dataCaptureConfig\.kmsKeyId/);
        });

        it("config: advisory and disabled levels", async () => {
            const advisory = await fixture("endpoints", { policyConfig: { [P.dataCapture]: "advisory" } });
            assert.deepEqual(levels(advisory, P.dataCapture), ["advisory"]);
            const disabled = await fixture("endpoints", { policyConfig: { [P.dataCapture]: { enforcementLevel: "disabled" } } });
            assert.deepEqual(disabled.of(P.dataCapture), []);
        });
    });

    describe(P.notebook, () => {
        it("compliant: the repo's notebook has the stack key (unknown in preview counts as set)", async () => {
            const e = await evaluateRepoStack("govcloud");
            assert.deepEqual(e.of(P.notebook), []);
            assert.equal(e.notRun(P.notebook), false);
        });

        it("violating: a notebook without kmsKeyId, in preview and in an update", async () => {
            for (const preview of [true, false]) {
                const e = await fixture("notebook", { preview });
                assert.deepEqual(e.flagged(P.notebook), ["without-key"]);
                assert.match(messageFor(e, P.notebook, "without-key"), /kmsKeyId is not set.*Set kmsKeyId/);
            }
        });

        it("config: advisory and disabled levels", async () => {
            assert.deepEqual(levels(await fixture("notebook", { policyConfig: { [P.notebook]: "advisory" } }), P.notebook), ["advisory"]);
            assert.deepEqual((await fixture("notebook", { policyConfig: { [P.notebook]: { enforcementLevel: "disabled" } } })).of(P.notebook), []);
        });
    });

    describe("S3 bucket policies (stack policies over each bucket's companion resources)", () => {
        const WEAK_OR_BARE = ["bare", "weak"];

        it(`${P.sse}: compliant through the v7 companion or the legacy inline rule (DSSE needs no bucket key); violating otherwise`, async () => {
            const e = await fixture("buckets", { preview: false });
            assert.deepEqual(e.flagged(P.sse), ["aws-managed-key", "bare", "no-bucket-key", "weak"]);
            assert.match(
                messageFor(e, P.sse, "weak"),
                /Bucket 'weak' \(weak-bucket\) aws\.s3\.BucketServerSideEncryptionConfiguration 'weak-sse' rules\[0\] sets sseAlgorithm "AES256"/,
            );
            assert.match(messageFor(e, P.sse, "no-bucket-key"), /uses aws:kms with bucketKeyEnabled unset/);
            assert.match(messageFor(e, P.sse, "aws-managed-key"), /kmsMasterKeyId "alias\/aws\/s3", the AWS managed key/);
            assert.match(messageFor(e, P.sse, "bare"), /has no default encryption configuration.*Add an aws\.s3\.BucketServerSideEncryptionConfiguration/);
        });

        it(`${P.sse}: config requireCustomerManagedKey false accepts the AWS managed key`, async () => {
            const e = await fixture("buckets", { preview: false, policyConfig: { [P.sse]: { requireCustomerManagedKey: false } } });
            assert.deepEqual(e.flagged(P.sse), ["bare", "no-bucket-key", "weak"]);
        });

        it(`${P.versioning}: Suspended or missing versioning is reported; inline versioning.enabled counts`, async () => {
            const e = await fixture("buckets", { preview: false });
            assert.deepEqual(e.flagged(P.versioning), ["aws-managed-key", "bare", "no-bucket-key", "weak"]);
            assert.match(
                messageFor(e, P.versioning, "weak"),
                /aws\.s3\.BucketVersioning 'weak-versioning' versioningConfiguration\.status is "Suspended"\. Add an aws\.s3\.BucketVersioning/,
            );
        });

        it(`${P.publicAccess}: every one of the four settings must be true`, async () => {
            const e = await fixture("buckets", { preview: false });
            assert.deepEqual(e.flagged(P.publicAccess), ["aws-managed-key", "bare", "no-bucket-key", "weak"]);
            assert.match(messageFor(e, P.publicAccess, "weak"), /'weak-pab' has restrictPublicBuckets false\. Add/);
        });

        it(`${P.tls}: a policy without the SecureTransport deny, or none, is reported (the deprecated inline policy counts as one)`, async () => {
            const e = await fixture("buckets", { preview: false });
            assert.deepEqual(e.flagged(P.tls), ["aws-managed-key", "bare", "no-bucket-key", "weak"]);
            assert.match(messageFor(e, P.tls, "weak"), /'weak-policy' policy has no statement denying s3:\* .*aws:SecureTransport is false/);
        });

        it(`${P.tls}: recognizes the deny in its usual spellings, and only a deny covering the objects`, () => {
            const base = {
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            };
            assert.equal(deniesInsecureTransport(base), true);
            assert.equal(deniesInsecureTransport({ ...base, Principal: { AWS: "*" }, Condition: { BoolIfExists: { "aws:securetransport": false } } }), true);
            assert.equal(deniesInsecureTransport({ ...base, Effect: "Allow" }), false);
            assert.equal(deniesInsecureTransport({ ...base, Resource: "arn:aws:s3:::b" }), false, "the bucket alone leaves GetObject over HTTP");
            assert.equal(deniesInsecureTransport({ ...base, Action: "s3:PutObject" }), false);
            assert.equal(deniesInsecureTransport({ ...base, Condition: { Bool: { "aws:SecureTransport": "true" } } }), false);
            assert.equal(
                deniesInsecureTransport({ ...base, Principal: { AWS: "arn:aws:iam::111122223333:root" } }),
                false,
                "a deny for one account leaves everyone else",
            );
            assert.equal(deniesInsecureTransport(null as unknown as Record<string, unknown>), false, "a null statement (malformed JSON) is no deny");
            assert.equal(deniesInsecureTransport({ ...base, Principal: undefined }), false, "a deny without a principal (IAM rejects it) is no deny");
            assert.equal(deniesInsecureTransport({ ...base, Action: "*", Resource: "*" }), true, "every action on every resource covers s3:* on the objects");
            assert.equal(
                deniesInsecureTransport({ ...base, Condition: { Bool: { "aws:ViaAWSService": "false" } } }),
                false,
                "another key that is false is not TLS",
            );
            assert.equal(deniesInsecureTransport({ ...base, Action: ["S3:*"], Resource: "arn:aws:s3:::b/*" }), true, "action names are case-insensitive");
            // Values of one condition key are ORed (IAM User Guide, "Multivalued context keys" and condition evaluation):
            // a deny for ["true", "false"] denies every request, the insecure ones among them.
            assert.equal(deniesInsecureTransport({ ...base, Condition: { Bool: { "aws:SecureTransport": ["true", "false"] } } }), true);
        });

        it(`${P.sse}, ${P.publicAccess} and ${P.tls}: what each message says of a rule, block or policy that falls short`, () => {
            const rule = { source: "rule 0", sseAlgorithm: "aws:kms", bucketKeyEnabled: true };
            // alias/aws/ is reserved for AWS managed keys (AWS KMS Developer Guide, "Create aliases"), by alias or alias ARN.
            for (const kmsMasterKeyId of ["alias/aws/s3", "arn:aws-us-gov:kms:us-gov-west-1:111122223333:alias/aws/s3", "alias/aws/ebs"]) {
                assert.equal(
                    sseRuleProblem({ ...rule, kmsMasterKeyId }, true),
                    `rule 0 sets kmsMasterKeyId ${JSON.stringify(kmsMasterKeyId)}, the AWS managed key`,
                );
            }
            for (const kmsMasterKeyId of [
                "alias/aws-team/s3",
                "alias/team/aws/s3",
                "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            ]) {
                assert.equal(sseRuleProblem({ ...rule, kmsMasterKeyId }, true), undefined, kmsMasterKeyId);
            }
            // Bucket keys belong to aws:kms: DSSE-KMS has none, and an unknown setting is judged at pulumi up.
            const key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
            assert.equal(sseRuleProblem({ ...rule, kmsMasterKeyId: key, bucketKeyEnabled: false }, true), "rule 0 uses aws:kms with bucketKeyEnabled false");
            assert.equal(
                sseRuleProblem({ ...rule, kmsMasterKeyId: key, bucketKeyEnabled: undefined }, true),
                "rule 0 uses aws:kms with bucketKeyEnabled unset",
            );
            assert.equal(sseRuleProblem({ ...rule, kmsMasterKeyId: key, bucketKeyEnabled: UNKNOWN }, true), undefined);
            assert.equal(sseRuleProblem({ ...rule, sseAlgorithm: "aws:kms:dsse", kmsMasterKeyId: key, bucketKeyEnabled: undefined }, true), undefined);
            for (const kmsMasterKeyId of [undefined, null, ""]) {
                assert.equal(sseRuleProblem({ ...rule, kmsMasterKeyId }, true), "rule 0 sets no kmsMasterKeyId (S3 would use the AWS managed key aws/s3)");
                assert.equal(sseRuleProblem({ ...rule, kmsMasterKeyId }, false), undefined, "without requireCustomerManagedKey the AWS managed key is enough");
            }
            assert.equal(
                tlsOnlyProblem([
                    { source: "aws.s3.BucketPolicy 'p' policy", document: "{not json" },
                    { source: "the bucket's inline policy", document: { Statement: [] } },
                    { source: "aws.s3.BucketPolicy 'q' policy", document: "null" },
                ]),
                `aws.s3.BucketPolicy 'p' policy is not valid JSON; the bucket's inline policy has no statement denying s3:* to "*" on the objects when aws:SecureTransport is false; ` +
                    `aws.s3.BucketPolicy 'q' policy has no statement denying s3:* to "*" on the objects when aws:SecureTransport is false`,
            );
            assert.equal(
                sseRuleProblem({ ...rule, sseAlgorithm: UNKNOWN, kmsMasterKeyId: undefined }, true),
                undefined,
                "an unknown algorithm is judged at pulumi up",
            );
            const allOn = { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true };
            assert.equal(
                publicAccessProblem([
                    { name: "partial", settings: { ...allOn, restrictPublicBuckets: false } },
                    { name: "complete", settings: { ...allOn, ignorePublicAcls: UNKNOWN } },
                ]),
                undefined,
                "one complete block is enough; an unknown setting counts as set",
            );
            assert.equal(versioningProblem([]), "has no aws.s3.BucketVersioning (versioning is off)");
            assert.equal(
                versioningProblem([
                    { source: "a", state: "Suspended" },
                    { source: "b", state: false },
                ]),
                'a is "Suspended"; b is false',
            );
            for (const on of ["Enabled", true, UNKNOWN])
                assert.equal(
                    versioningProblem([
                        { source: "a", state: "Suspended" },
                        { source: "b", state: on },
                    ]),
                    undefined,
                );
            const settings = { blockPublicAcls: true, blockPublicPolicy: false, ignorePublicAcls: undefined, restrictPublicBuckets: true };
            assert.equal(
                publicAccessProblem([{ name: "pab", settings }]),
                "aws.s3.BucketPublicAccessBlock 'pab' has blockPublicPolicy false, ignorePublicAcls unset",
            );
            assert.equal(
                publicAccessProblem([
                    { name: "a", settings },
                    { name: "b", settings: { ...allOn, restrictPublicBuckets: false } },
                ]),
                "aws.s3.BucketPublicAccessBlock 'a' has blockPublicPolicy false, ignorePublicAcls unset; aws.s3.BucketPublicAccessBlock 'b' has restrictPublicBuckets false",
            );
        });

        it(`${P.versioning}: a versioning configuration unknown in preview is judged at pulumi up, not read as unset`, () => {
            const unknown = WIRE_UNKNOWN; // a value unknown in preview, as the engine sends it
            const bucket = policyResource("aws:s3/bucket:Bucket", "data");
            const versioning = policyResource(
                "aws:s3/bucketVersioning:BucketVersioning",
                "data-versioning",
                { versioningConfiguration: unknown },
                { bucket: [bucket] },
            );
            const deferrals = new Deferrals();
            const facts = versioningFor(bucket, [bucket, versioning], deferrals);
            assert.deepEqual(facts, [{ source: "aws.s3.BucketVersioning 'data-versioning' versioningConfiguration.status", state: UNKNOWN }]);
            assert.equal(versioningProblem(facts), undefined);
            assert.equal(deferrals.pending, true);
        });

        it(`${P.sse}: a rule without applyServerSideEncryptionByDefault sets no algorithm; one unknown in preview is judged at pulumi up`, () => {
            const unknown = WIRE_UNKNOWN; // a value unknown in preview, as the engine sends it
            const bucket = policyResource("aws:s3/bucket:Bucket", "data");
            const config = (rules: unknown[]) =>
                policyResource(
                    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                    "data-sse",
                    { rules },
                    { bucket: [bucket] },
                );
            const rulesOf = (rules: unknown[]) => sseRulesFor(bucket, [bucket, config(rules)], new Deferrals());
            assert.deepEqual(rulesOf([{ bucketKeyEnabled: true }]), [
                {
                    source: "aws.s3.BucketServerSideEncryptionConfiguration 'data-sse' rules[0]",
                    sseAlgorithm: undefined,
                    kmsMasterKeyId: undefined,
                    bucketKeyEnabled: true,
                },
            ]);
            assert.equal(
                bucketSseProblem(rulesOf([{ bucketKeyEnabled: true }]), true),
                "aws.s3.BucketServerSideEncryptionConfiguration 'data-sse' rules[0] sets sseAlgorithm null, not aws:kms or aws:kms:dsse",
            );
            const deferred = rulesOf([{ applyServerSideEncryptionByDefault: unknown, bucketKeyEnabled: true }]);
            assert.equal(deferred[0].sseAlgorithm, UNKNOWN);
            assert.equal(bucketSseProblem(deferred, true), undefined);
            // A key unknown in preview (a key of the stack) counts as a customer managed key.
            const stackKey = rulesOf([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: unknown }, bucketKeyEnabled: true }]);
            assert.equal(stackKey[0].kmsMasterKeyId, UNKNOWN);
            assert.equal(bucketSseProblem(stackKey, true), undefined);
            // The v7 companion's `rule` (one object) counts as its `rules`; an absent or null list is none.
            const single = {
                ...config([]),
                props: { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }, rules: null },
            } as unknown as PolicyResource;
            assert.deepEqual(
                sseRulesFor(bucket, [bucket, single], new Deferrals()).map((r) => [r.source, r.sseAlgorithm]),
                [["aws.s3.BucketServerSideEncryptionConfiguration 'data-sse' rules[0]", "AES256"]],
            );
            // The bucket's deprecated inline block, when set.
            const inlineBucket = {
                ...bucket,
                props: { serverSideEncryptionConfiguration: { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms:dsse" } } } },
            } as unknown as PolicyResource;
            assert.deepEqual(
                sseRulesFor(inlineBucket, [inlineBucket], new Deferrals()).map((r) => [r.source, r.sseAlgorithm]),
                [["the bucket's inline serverSideEncryptionConfiguration", "aws:kms:dsse"]],
            );
            assert.deepEqual(sseRulesFor(bucket, [bucket], new Deferrals()), []);
            // A companion's rules, or the inline block, unknown in preview are no rule (no "sets sseAlgorithm null"): judged at pulumi up.
            const pending = new Deferrals();
            assert.deepEqual(sseRulesFor(bucket, [bucket, config(unknown as unknown as unknown[])], pending), []);
            assert.equal(pending.pending, true);
            const inlineUnknown = { ...bucket, props: { serverSideEncryptionConfiguration: unknown } } as unknown as PolicyResource;
            const inlinePending = new Deferrals();
            assert.deepEqual(sseRulesFor(inlineUnknown, [inlineUnknown], inlinePending), []);
            assert.equal(inlinePending.pending, true);
            // One compliant rule is enough; otherwise every rule's problem is named.
            const good = {
                applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "arn:aws:kms:us-east-1:111122223333:key/k" },
                bucketKeyEnabled: true,
            };
            const bad = { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } };
            assert.equal(bucketSseProblem(rulesOf([bad, good]), true), undefined);
            assert.equal(
                bucketSseProblem(rulesOf([bad, { bucketKeyEnabled: true }]), true),
                "aws.s3.BucketServerSideEncryptionConfiguration 'data-sse' rules[0] sets sseAlgorithm \"AES256\", not aws:kms or aws:kms:dsse; " +
                    "aws.s3.BucketServerSideEncryptionConfiguration 'data-sse' rules[1] sets sseAlgorithm null, not aws:kms or aws:kms:dsse",
            );
        });

        it(`${P.tls}: the bucket's deprecated inline policy counts when set, or unknown in preview; empty is none`, () => {
            const unknown = WIRE_UNKNOWN; // a value unknown in preview, as the engine sends it
            const sources = (policy: unknown) => {
                const bucket = policyResource("aws:s3/bucket:Bucket", "data", { policy });
                return bucketPoliciesFor(bucket, [bucket], new Deferrals()).map((p) => [p.source, p.document]);
            };
            for (const none of [undefined, null, ""]) assert.deepEqual(sources(none), [], String(none));
            assert.deepEqual(sources('{"Statement":[]}'), [["the bucket's inline policy", '{"Statement":[]}']]);
            assert.deepEqual(sources(unknown), [["the bucket's inline policy", UNKNOWN]]);
        });

        it(`${P.versioning}: the deprecated inline versioning block counts when set, and is named in the message`, () => {
            const bucket = (props: Record<string, unknown>) => policyResource("aws:s3/bucket:Bucket", "data", props);
            const off = bucket({ versioning: { enabled: false } });
            const facts = versioningFor(off, [off], new Deferrals());
            assert.equal(versioningProblem(facts), "the bucket's inline versioning.enabled is false");
            const none = bucket({});
            assert.deepEqual(versioningFor(none, [none], new Deferrals()), []);
            const on = bucket({ versioning: { enabled: true } });
            assert.equal(versioningProblem(versioningFor(on, [on], new Deferrals())), undefined);
            // An inline block unknown in preview is no state (not "enabled is unset"): judged at pulumi up.
            const computed = bucket({ versioning: WIRE_UNKNOWN });
            const pending = new Deferrals();
            assert.deepEqual(versioningFor(computed, [computed], pending), []);
            assert.equal(pending.pending, true);
        });

        it("unknown values: in preview each policy reports the known violations and is not run for the rest; in an update all run", async () => {
            const preview = await fixture("buckets");
            const update = await fixture("buckets", { preview: false });
            for (const policy of [P.sse, P.versioning, P.publicAccess, P.tls]) {
                assert.ok(preview.notRun(policy), `${policy} should wait for the computed bucket's settings`);
                assert.equal(update.notRun(policy), false, policy);
                for (const name of WEAK_OR_BARE) assert.ok(preview.flagged(policy).includes(name), `${policy} on ${name} in preview`);
                assert.ok(!update.flagged(policy).includes("computed"), `${policy}: the computed bucket is compliant once known`);
                assert.ok(!update.flagged(policy).includes("compliant") && !update.flagged(policy).includes("legacy"), policy);
            }
            // A key ARN unknown in preview counts as set: the compliant bucket is not held up by it.
            assert.ok(!preview.flagged(P.sse).includes("compliant"));
        });

        it("config: advisory and disabled levels, for each of the four", async () => {
            for (const policy of [P.sse, P.versioning, P.publicAccess, P.tls]) {
                const advisory = await fixture("buckets", { preview: false, policyConfig: { [policy]: "advisory" } });
                assert.deepEqual(levels(advisory, policy), ["advisory"], policy);
                const disabled = await fixture("buckets", { preview: false, policyConfig: { [policy]: { enforcementLevel: "disabled" } } });
                assert.deepEqual(disabled.of(policy), [], policy);
            }
        });
    });

    describe(P.logKms, () => {
        it("compliant: the repo's log groups have the stack key (unknown in preview counts as set)", async () => {
            const e = await evaluateRepoStack("govcloud");
            assert.deepEqual(e.of(P.logKms), []);
            assert.equal(e.notRun(P.logKms), false);
        });

        it("violating: a log group without kmsKeyId, in preview and in an update", async () => {
            for (const preview of [true, false]) {
                const e = await fixture("logs-and-keys", { preview });
                assert.deepEqual(e.flagged(P.logKms), ["bare-logs"]);
                assert.match(messageFor(e, P.logKms, "bare-logs"), /kmsKeyId is not set.*Set kmsKeyId/);
            }
        });

        it("config: advisory and disabled levels", async () => {
            assert.deepEqual(levels(await fixture("logs-and-keys", { policyConfig: { [P.logKms]: "advisory" } }), P.logKms), ["advisory"]);
            assert.deepEqual((await fixture("logs-and-keys", { policyConfig: { [P.logKms]: { enforcementLevel: "disabled" } } })).of(P.logKms), []);
        });
    });

    describe(P.logRetention, () => {
        it("judges unset, zero and short retention", () => {
            assert.match(retentionProblem(undefined, 90)!, /not set: .*never expire/);
            assert.match(retentionProblem(null, 90)!, /not set: .*never expire/);
            assert.equal(
                retentionProblem(0, 90),
                "retentionInDays is 0: the log group's events never expire, so the retention period is undefined. Set retentionInDays to a CloudWatch retention value of at least 90 days (e.g. 365).",
            );
            assert.match(retentionProblem(0, 90)!, /is 0: .*never expire/);
            assert.match(retentionProblem(30, 90)!, /is 30, below the minimum of 90/);
            assert.equal(retentionProblem(90, 90), undefined);
        });

        it("violating: no retention, and 30 days under the default minimum of 90; compliant: 365", async () => {
            const e = await fixture("logs-and-keys");
            assert.deepEqual(e.flagged(P.logRetention), ["bare-logs", "short-retention-logs"]);
            assert.match(messageFor(e, P.logRetention, "short-retention-logs"), /retentionInDays is 30, below the minimum of 90 days .*Set retentionInDays/);
        });

        it("unknown retention: not run in preview, judged in an update", async () => {
            assert.deepEqual((await fixture("logs-and-keys")).notRunOn(P.logRetention), ["computed-retention-logs"]);
            const update = await fixture("logs-and-keys", { preview: false });
            assert.deepEqual(update.notRunOn(P.logRetention), []);
            assert.match(messageFor(update, P.logRetention, "computed-retention-logs"), /retentionInDays is 14/);
        });

        it("config: minimumRetentionDays, and levels", async () => {
            const lenient = await fixture("logs-and-keys", { policyConfig: { [P.logRetention]: { minimumRetentionDays: 30 } } });
            assert.deepEqual(lenient.flagged(P.logRetention), ["bare-logs"]);
            const strict = await evaluateRepoStack("govcloud", { policyConfig: { [P.logRetention]: { minimumRetentionDays: 400 } } });
            assert.ok(strict.flagged(P.logRetention).length >= 2, "the repo's 365-day log groups fall under a 400-day minimum");
            assert.match(strict.of(P.logRetention)[0].message, /retentionInDays is 365, below the minimum of 400 days/);
            assert.deepEqual(levels(await fixture("logs-and-keys", { policyConfig: { [P.logRetention]: "advisory" } }), P.logRetention), ["advisory"]);
            assert.deepEqual((await fixture("logs-and-keys", { policyConfig: { [P.logRetention]: { enforcementLevel: "disabled" } } })).of(P.logRetention), []);
        });
    });

    describe(P.rotation, () => {
        it("judges only keys KMS can rotate: symmetric encryption keys in KMS's own key store", () => {
            // An RSA key for encryption is still asymmetric: the spec decides (customerMasterKeySpec, aws.kms.Key's only spec input).
            assert.equal(rotationProblem({ customerMasterKeySpec: "RSA_2048" }, 365), undefined);
            assert.equal(rotationProblem({ customerMasterKeySpec: "HMAC_256" }, 365), undefined);
            assert.equal(rotationProblem({ customKeyStoreId: "cks-1234567890abcdef0" }, 365), undefined);
            assert.match(rotationProblem({ customerMasterKeySpec: "SYMMETRIC_DEFAULT" }, 365)!, /enableKeyRotation is not set/);
            assert.match(rotationProblem({}, 365)!, /enableKeyRotation is not set/);
            assert.equal(rotationProblem({ enableKeyRotation: true }, 365), undefined);
            assert.equal(
                rotationProblem({ enableKeyRotation: true, rotationPeriodInDays: 400 }, 180),
                "rotationPeriodInDays is 400, longer than the maximum of 180 days (policy config maximumRotationPeriodDays). Set rotationPeriodInDays to at most 180 (or leave it unset for KMS's 365).",
            );
        });

        it("compliant: the repo's stack key; violating: no rotation, a rotation period over the maximum; an asymmetric key is not judged", async () => {
            assert.deepEqual((await evaluateRepoStack("commercial")).of(P.rotation), []);
            const e = await fixture("logs-and-keys");
            assert.deepEqual(e.flagged(P.rotation), ["not-rotating", "slow-rotation"]);
            assert.match(messageFor(e, P.rotation, "not-rotating"), /enableKeyRotation is not set.*Set enableKeyRotation: true/);
            assert.match(messageFor(e, P.rotation, "slow-rotation"), /rotationPeriodInDays is 730, longer than the maximum of 365/);
        });

        it("unknown enableKeyRotation: not run in preview, judged in an update", async () => {
            assert.deepEqual((await fixture("logs-and-keys")).notRunOn(P.rotation), ["computed-rotation"]);
            const update = await fixture("logs-and-keys", { preview: false });
            assert.match(messageFor(update, P.rotation, "computed-rotation"), /enableKeyRotation is false/);
        });

        it("config: maximumRotationPeriodDays, and levels", async () => {
            const e = await fixture("logs-and-keys", { policyConfig: { [P.rotation]: { maximumRotationPeriodDays: 730 } } });
            assert.deepEqual(e.flagged(P.rotation), ["not-rotating"]);
            assert.deepEqual(levels(await fixture("logs-and-keys", { policyConfig: { [P.rotation]: "advisory" } }), P.rotation), ["advisory"]);
            assert.deepEqual((await fixture("logs-and-keys", { policyConfig: { [P.rotation]: { enforcementLevel: "disabled" } } })).of(P.rotation), []);
        });
    });
});
