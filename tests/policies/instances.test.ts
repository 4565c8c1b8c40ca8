/**
 * The "instances" family (policies/instances/), through @pulumi/policy's own analyzer: this repo's
 * program for its two stacks and variants, and fixture programs (tests/fixtures/policy-instances)
 * for what the program's settings validation refuses before registering anything.
 */
import { strict as assert } from "assert";
import { allowedTypes, checkInstanceType } from "../../policies/instances/endpointInstanceTypeApproved";
import { checkWeightsFit } from "../../policies/instances/modelFitsGpuMemory";
import { checkNumGpus } from "../../policies/instances/smNumGpusWithinInstance";
import { endpointInstanceTypesOffered } from "../../stacks/instances";
import { findModel } from "../../stacks/models";
import { assertClean, messages, notRunMessage } from "./assertions";
import { evaluateRepoStack, evaluateStack, EvaluateOptions, FIXTURES, guardrailsPack } from "./harness";

const ENDPOINT_TYPES = "endpoint-instance-type-approved";
const NOTEBOOK_TYPES = "notebook-instance-type-approved";
const NUM_GPUS = "sm-num-gpus-within-instance";
const MEMORY_FIT = "model-fits-gpu-memory";
const INSTANCE_POLICIES = [ENDPOINT_TYPES, NOTEBOOK_TYPES, NUM_GPUS, MEMORY_FIT];

const fixture = (name: string, options: EvaluateOptions = {}) => evaluateStack(`${FIXTURES}/policy-instances`, name, options);

describe("instances policies", function () {
    before(async () => {
        const pack = await guardrailsPack();
        for (const name of INSTANCE_POLICIES) {
            const info = pack.policies.find((p) => p.name === name);
            assert.ok(info, `${name} is not in the pack`);
            assert.equal(info.enforcementLevel, "mandatory", `${name} is mandatory by default`);
        }
    });

    describe("the repo's stacks as they are", () => {
        for (const stack of ["govcloud", "commercial"]) {
            for (const preview of [true, false]) {
                it(`${stack}, ${preview ? "preview" : "update"}: no violation, error or not-run`, async () => {
                    const e = await evaluateRepoStack(stack, { preview });
                    assertClean(e, INSTANCE_POLICIES, `${stack} preview=${preview}`);
                    assert.equal(e.result.policies.filter((p) => INSTANCE_POLICIES.includes(p.name) && p.effectiveEnforcementLevel === "mandatory").length, 4);
                });
            }
        }
    });

    describe(ENDPOINT_TYPES, () => {
        it("passes an approved type: ml.g4dn in GovCloud, ml.g5 in commercial", async () => {
            assert.deepEqual(messages(await fixture("compliant"), ENDPOINT_TYPES), []);
            assert.deepEqual(messages(await evaluateRepoStack("commercial"), ENDPOINT_TYPES), []);
        });

        it("rejects ml.g5 in a GovCloud region, naming the property, value, partition and fix", async () => {
            const e = await fixture("g5-in-govcloud");
            const [violation, ...rest] = e.of(ENDPOINT_TYPES);
            assert.equal(rest.length, 0);
            assert.equal(violation.enforcementLevel, "mandatory");
            assert.equal(violation.resourceName, "mistral-config");
            assert.match(
                violation.message,
                /productionVariants\[0\]\.instanceType = "ml\.g5\.2xlarge" is not approved for partition aws-us-gov \(region us-gov-west-1\)/,
            );
            assert.match(violation.message, /approved: ml\.g4dn\.xlarge, .*ml\.g4dn\.12xlarge/);
            assert.match(violation.message, /Use an approved instance type/);
        });

        it("names an instance type the table does not know", async () => {
            assert.match(messages(await fixture("unknown-instance-type"), ENDPOINT_TYPES).join(), /"ml\.g9\.12xlarge" is not approved for partition aws/);
        });

        it("an instance type unknown in preview: not run in preview, checked in an update", async () => {
            const preview = await fixture("computed-instance-type");
            assert.equal(preview.notRun(ENDPOINT_TYPES), true);
            assert.match(notRunMessage(preview, ENDPOINT_TYPES), /\.productionVariants\.0\.instanceType can't be known during preview/);
            assert.deepEqual(messages(preview, ENDPOINT_TYPES), []);
            const update = await fixture("computed-instance-type", { preview: false });
            assert.equal(update.notRun(ENDPOINT_TYPES), false);
            assert.equal(update.of(ENDPOINT_TYPES).length, 1);
        });

        it("a provider region unknown in preview: not run in preview (the partition is unknown), checked in an update", async () => {
            const overrides = { regionComputed: true };
            const preview = await fixture("g5-in-govcloud", { overrides });
            assert.equal(preview.result.notRun.find((n) => n.policyName === ENDPOINT_TYPES)?.property, ".region");
            assert.deepEqual(messages(preview, ENDPOINT_TYPES), []);
            assert.equal((await fixture("g5-in-govcloud", { overrides, preview: false })).of(ENDPOINT_TYPES).length, 1);
        });

        it("config: a per-partition allow-list replaces the table's for that partition only", async () => {
            const policyConfig = { [ENDPOINT_TYPES]: { endpointInstanceTypes: { "aws-us-gov": ["ml.g4dn.2xlarge"] } } };
            const gov = await evaluateRepoStack("govcloud", { policyConfig });
            assert.match(messages(gov, ENDPOINT_TYPES).join(), /"ml\.g4dn\.12xlarge" is not approved for partition aws-us-gov .*approved: ml\.g4dn\.2xlarge\./);
            assert.deepEqual(messages(await evaluateRepoStack("commercial", { policyConfig }), ENDPOINT_TYPES), [], "aws keeps the table's list");
        });

        it("config: enforcement level advisory or disabled", async () => {
            const advisory = await fixture("g5-in-govcloud", { policyConfig: { [ENDPOINT_TYPES]: "advisory" } });
            assert.deepEqual(
                advisory.of(ENDPOINT_TYPES).map((v) => v.enforcementLevel),
                ["advisory"],
            );
            const disabled = await fixture("g5-in-govcloud", { policyConfig: { [ENDPOINT_TYPES]: { enforcementLevel: "disabled" } } });
            assert.deepEqual(messages(disabled, ENDPOINT_TYPES), []);
        });

        it("the check: unknown partition allows only types approved in every partition; an unset type is named", () => {
            const common = allowedTypes(undefined, undefined, endpointInstanceTypesOffered);
            assert.ok(common.includes("ml.g4dn.12xlarge"));
            assert.ok(!common.includes("ml.g5.2xlarge"));
            assert.match(checkInstanceType("instanceType", undefined, ["ml.t3.medium"], "aws", "us-east-1") ?? "", /instanceType is not set/);
            assert.equal(checkInstanceType("instanceType", "ml.t3.medium", ["ml.t3.medium"], "aws", "us-east-1"), undefined);
        });
    });

    describe(NOTEBOOK_TYPES, () => {
        it("passes the repo's ml.t3.medium notebook", async () => {
            assert.deepEqual(messages(await evaluateRepoStack("govcloud"), NOTEBOOK_TYPES), []);
        });

        it("rejects a GPU notebook type", async () => {
            const e = await fixture("g5-in-govcloud");
            const [violation, ...rest] = e.of(NOTEBOOK_TYPES);
            assert.equal(rest.length, 0);
            assert.equal(violation.resourceName, "notebook");
            assert.match(violation.message, /instanceType = "ml\.g4dn\.xlarge" is not approved for partition aws-us-gov .*approved: ml\.t3\.medium/);
        });

        it("an instance type unknown in preview: not run in preview, checked in an update", async () => {
            const preview = await fixture("computed-instance-type");
            assert.equal(preview.notRun(NOTEBOOK_TYPES), true);
            assert.deepEqual(messages(preview, NOTEBOOK_TYPES), []);
            assert.equal((await fixture("computed-instance-type", { preview: false })).of(NOTEBOOK_TYPES).length, 1);
        });

        it("config: notebookInstanceTypes and the enforcement level", async () => {
            const narrowed = await evaluateRepoStack("govcloud", {
                policyConfig: { [NOTEBOOK_TYPES]: { notebookInstanceTypes: { "aws-us-gov": ["ml.t3.large"] } } },
            });
            assert.match(messages(narrowed, NOTEBOOK_TYPES).join(), /instanceType = "ml\.t3\.medium" is not approved/);
            const widened = await fixture("g5-in-govcloud", {
                policyConfig: { [NOTEBOOK_TYPES]: { notebookInstanceTypes: { "aws-us-gov": ["ml.g4dn.xlarge"] } } },
            });
            assert.deepEqual(messages(widened, NOTEBOOK_TYPES), []);
            const disabled = await fixture("g5-in-govcloud", { policyConfig: { [NOTEBOOK_TYPES]: "disabled" } });
            assert.deepEqual(messages(disabled, NOTEBOOK_TYPES), []);
        });
    });

    describe(NUM_GPUS, () => {
        it("passes SM_NUM_GPUS equal to the instance's GPUs", async () => {
            assert.deepEqual(messages(await fixture("compliant"), NUM_GPUS), []);
        });

        it("rejects SM_NUM_GPUS 8 on the 4-GPU ml.g4dn.12xlarge, on the model", async () => {
            const e = await fixture("too-many-gpus");
            const [violation, ...rest] = e.of(NUM_GPUS);
            assert.equal(rest.length, 0);
            assert.equal(violation.enforcementLevel, "mandatory");
            assert.equal(violation.resourceName, "mistral-model");
            assert.match(
                violation.message,
                /primaryContainer\.environment\.SM_NUM_GPUS = "8" is above the 4 GPU\(s\) of ml\.g4dn\.12xlarge \(served by mistral-config productionVariants\[0\]/,
            );
        });

        it("an instance type the table does not know: a clear message", async () => {
            assert.match(
                messages(await fixture("unknown-instance-type"), NUM_GPUS).join(),
                /instance type "ml\.g9\.12xlarge" is not in stacks\/instances\.ts, so its GPU count is unknown/,
            );
        });

        it("two variants, model names unknown in preview: not run in preview; in an update, only the variant at fault", async () => {
            const preview = await fixture("two-variants");
            assert.equal(preview.notRun(NUM_GPUS), true);
            assert.match(notRunMessage(preview, NUM_GPUS), /productionVariants\.0\.modelName can't be known during preview .*2 models linked/);
            assert.deepEqual(messages(preview, NUM_GPUS), []);
            const update = await fixture("two-variants", { preview: false });
            assert.equal(update.notRun(NUM_GPUS), false);
            assert.deepEqual(
                update.of(NUM_GPUS).map((v) => v.resourceName),
                ["big-model"],
            );
            // Names known in preview link the variants by name.
            const known = await fixture("two-variants", { overrides: { knownNames: true } });
            assert.deepEqual(
                known.of(NUM_GPUS).map((v) => v.resourceName),
                ["big-model"],
            );
        });

        it("an instance type unknown in preview defers the check", async () => {
            assert.equal((await fixture("computed-instance-type")).notRun(NUM_GPUS), true);
            assert.equal((await fixture("computed-instance-type", { preview: false })).notRun(NUM_GPUS), false);
        });

        it("config: enforcement level (the policy has no properties)", async () => {
            const advisory = await fixture("too-many-gpus", { policyConfig: { [NUM_GPUS]: "advisory" } });
            assert.deepEqual(
                advisory.of(NUM_GPUS).map((v) => v.enforcementLevel),
                ["advisory"],
            );
            assert.deepEqual(messages(await fixture("too-many-gpus", { policyConfig: { [NUM_GPUS]: { enforcementLevel: "disabled" } } }), NUM_GPUS), []);
        });

        it("the check", () => {
            assert.equal(checkNumGpus("4", "ml.g4dn.12xlarge"), undefined);
            assert.match(checkNumGpus("5", "ml.g4dn.12xlarge") ?? "", /above the 4 GPU/);
            assert.match(checkNumGpus("0", "ml.g4dn.12xlarge") ?? "", /not a positive whole number/);
            assert.match(checkNumGpus("four", "ml.g4dn.12xlarge") ?? "", /not a positive whole number/);
        });
    });

    describe(MEMORY_FIT, () => {
        it("passes the GovCloud sample's Falcon-40B in NF4 on ml.g4dn.12xlarge", async () => {
            const e = await evaluateRepoStack("govcloud");
            assert.deepEqual(messages(e, MEMORY_FIT), []);
            assert.equal(e.notRun(MEMORY_FIT), false);
        });

        it("rejects Falcon-40B unquantized on ml.g4dn.12xlarge, with the numbers", async () => {
            const e = await fixture("falcon40b-unquantized");
            const [violation, ...rest] = e.of(MEMORY_FIT);
            assert.equal(rest.length, 0);
            assert.equal(violation.enforcementLevel, "mandatory");
            assert.equal(violation.resourceName, "falcon-config");
            assert.match(
                violation.message,
                /productionVariants\[0\]\.instanceType = "ml\.g4dn\.12xlarge" is too small for tiiuae\/falcon-40b-instruct \(41\.8B parameters/,
            );
            assert.match(
                violation.message,
                /in bfloat16 \(2 bytes\/parameter\): it needs ~93\.4 GiB \(77\.9 GiB weights × 1\.2 headroom\) but SM_NUM_GPUS=4 gives 4 × 16 GiB = 64 GiB/,
            );
            assert.match(violation.message, /quantize/);
        });

        it("weights from S3 naming no catalog model: not run (not passed), until modelParameters names it", async () => {
            // The fixture's "chat" model carries no sagemaker-llm:model tag.
            for (const preview of [true, false]) {
                const e = await fixture("s3-weights", { preview });
                assert.equal(e.notRun(MEMORY_FIT), true, "an unidentified model is reported as not run");
                assert.match(
                    notRunMessage(e, MEMORY_FIT),
                    /HF_MODEL_ID=\/opt\/ml\/model \(weights from S3\) does not say which model chat\S* holds; set policy config modelParameters \{"chat": <billions>\}/,
                );
            }
            const named = await fixture("s3-weights", { policyConfig: { [MEMORY_FIT]: { modelParameters: { chat: 41.8 } } } });
            assert.equal(named.notRun(MEMORY_FIT), false);
            const huge = await fixture("s3-weights", { policyConfig: { [MEMORY_FIT]: { modelParameters: { chat: 180 } } } });
            assert.match(messages(huge, MEMORY_FIT).join(), /too small for chat \(180B parameters, from policy config modelParameters/);
        });

        it("the program tags every Model with its catalog id, so a custom deployment name is still sized", async () => {
            const overrides = { models: [{ id: "falcon-40b-instruct", name: "chat" }] };
            for (const preview of [true, false]) {
                const e = await evaluateRepoStack("govcloud", { overrides, preview });
                assert.equal(e.notRun(MEMORY_FIT), false);
                assert.deepEqual(messages(e, MEMORY_FIT), []);
            }
            const unquantized = await evaluateRepoStack("govcloud", {
                overrides,
                preview: false,
                transformations: [
                    (a) =>
                        a.type === "aws:sagemaker/model:Model"
                            ? {
                                  props: {
                                      ...a.props,
                                      primaryContainer: {
                                          ...a.props.primaryContainer,
                                          environment: { ...a.props.primaryContainer.environment, HF_MODEL_QUANTIZE: undefined },
                                      },
                                  },
                                  opts: a.opts,
                              }
                            : undefined,
                ],
            });
            assert.match(messages(unquantized, MEMORY_FIT).join(), /from tag sagemaker-llm:model=falcon-40b-instruct/);
        });

        it("weights from S3 identified by the sagemaker-llm:model tag", async () => {
            const e = await fixture("s3-weights");
            assert.deepEqual(
                e.of(MEMORY_FIT).map((v) => v.resourceName),
                ["tagged-config"],
            );
            assert.match(messages(e, MEMORY_FIT).join(), /tiiuae\/falcon-40b-instruct \(41\.8B parameters, from tag sagemaker-llm:model=falcon-40b-instruct\)/);
            assert.equal(e.notRun(MEMORY_FIT), true, "the untagged model is still not determined");
        });

        it("model links unknown in preview: not run in preview, run in an update", async () => {
            assert.equal((await fixture("two-variants")).notRun(MEMORY_FIT), true);
            const update = await fixture("two-variants", { preview: false });
            assert.equal(update.notRun(MEMORY_FIT), false);
            assert.deepEqual(messages(update, MEMORY_FIT), []);
        });

        it("config: memoryHeadroom and the enforcement level", async () => {
            const strict = await evaluateRepoStack("commercial", { policyConfig: { [MEMORY_FIT]: { memoryHeadroom: 2 } } });
            assert.match(
                messages(strict, MEMORY_FIT).join(),
                /Mistral-7B-Instruct-v0\.2 .* needs ~27\.0 GiB \(13\.5 GiB weights × 2 headroom\) but SM_NUM_GPUS=1 gives 1 × 24 GiB = 24 GiB/,
            );
            assert.deepEqual(messages(await fixture("falcon40b-unquantized", { policyConfig: { [MEMORY_FIT]: "disabled" } }), MEMORY_FIT), []);
            const advisory = await fixture("falcon40b-unquantized", { policyConfig: { [MEMORY_FIT]: { enforcementLevel: "advisory" } } });
            assert.deepEqual(
                advisory.of(MEMORY_FIT).map((v) => v.enforcementLevel),
                ["advisory"],
            );
        });

        it("the check: quantization, dtype and unknown values", () => {
            const model = { parametersBillions: 41.8, spec: findModel("falcon-40b-instruct"), label: "falcon" };
            const base = { model, instanceType: "ml.g4dn.12xlarge", smNumGpus: "4", headroom: 1.2 };
            assert.ok(checkWeightsFit(base));
            assert.equal(checkWeightsFit({ ...base, quantize: "bitsandbytes-nf4" }), undefined);
            assert.match(checkWeightsFit({ ...base, quantize: "false" }) ?? "", /HF_MODEL_QUANTIZE = "false", which is not a quantization/);
            assert.match(
                checkWeightsFit({ ...base, smNumGpus: undefined, quantize: "bitsandbytes-nf4" }) ?? "",
                /SM_NUM_GPUS unset \(1 shard\) gives 1 × 16 GiB/,
            );
            assert.match(checkWeightsFit({ ...base, instanceType: "ml.t3.medium" }) ?? "", /has no GPUs/);
        });
    });
});
