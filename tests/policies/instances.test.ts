/**
 * The "instances" family (policies/instances/), through @pulumi/policy's own analyzer: this repo's
 * program for its two stacks and variants, and fixture programs (tests/fixtures/policy-instances)
 * for what the program's settings validation refuses before registering anything.
 */
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { allowedTypes, checkInstanceType } from "../../policies/instances/sagemakerEndpointConfigInstanceTypeApproved";
import { checkModelFits, unsizedQuantization } from "../../policies/instances/sagemakerModelFitsGpuMemory";
import { ENGINES } from "../../policies/catalog/engines";
import { checkNumGpus } from "../../policies/instances/sagemakerModelNumGpusWithinInstance";
import { unmaintainedEngines } from "../../policies/instances/sagemakerModelServingEngineMaintained";
import { endpointInstanceTypesOffered } from "../../policies/catalog/instances";
import { findModel } from "../../policies/catalog/models";
import { freshRequire } from "../freshModules";
import { GOVCLOUD_SAMPLE } from "../govcloudSample";
import { assertClean, levels, messages, notRunMessage, notRunProperties, ownMessages } from "./assertions";
import { evaluateRepoStack, evaluateStack, EvaluateOptions, FIXTURES, guardrailsPack } from "./harness";

/** A stack transformation that overrides variables in every Model's container environment (undefined removes one). */
function withModelEnvironment(env: Record<string, string | undefined>): pulumi.ResourceTransformation {
    return (a) =>
        a.type === "aws:sagemaker/model:Model"
            ? {
                  props: { ...a.props, primaryContainer: { ...a.props.primaryContainer, environment: { ...a.props.primaryContainer.environment, ...env } } },
                  opts: a.opts,
              }
            : undefined;
}

const ENDPOINT_TYPES = "sagemaker-endpoint-config-instance-type-approved";
const NOTEBOOK_TYPES = "sagemaker-notebook-instance-type-approved";
const NUM_GPUS = "sagemaker-model-num-gpus-within-instance";
const MEMORY_FIT = "sagemaker-model-fits-gpu-memory";
const ENGINE_MAINTAINED = "sagemaker-model-serving-engine-maintained";
/** The mandatory policies of the family; sagemaker-model-serving-engine-maintained is advisory. */
const INSTANCE_POLICIES = [ENDPOINT_TYPES, NOTEBOOK_TYPES, NUM_GPUS, MEMORY_FIT];
/** The GovCloud stack running the AWS GovCloud sample's configuration: Falcon-40B on TGI 1.0.3, NF4, on ml.g4dn.12xlarge. */
const SAMPLE: EvaluateOptions = { overrides: { models: [GOVCLOUD_SAMPLE] } };

const fixture = (name: string, options: EvaluateOptions = {}) => evaluateStack(`${FIXTURES}/policy-instances`, name, options);

describe("instances policies", function () {
    before(async () => {
        const pack = await guardrailsPack();
        for (const name of INSTANCE_POLICIES) {
            const info = pack.policies.find((p) => p.name === name);
            assert.ok(info, `${name} is not in the pack`);
            assert.equal(info.enforcementLevel, "mandatory", `${name} is mandatory by default`);
        }
        assert.equal(pack.policies.find((p) => p.name === ENGINE_MAINTAINED)?.enforcementLevel, "advisory", `${ENGINE_MAINTAINED} is advisory by default`);
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
        it("a serverless variant has no instance type: reported as unset, saying why (an LLM needs GPUs)", async () => {
            const endpoints = [
                {
                    name: "mistral",
                    variants: [
                        { name: "serverless", model: "mistral", serverless: { maxConcurrency: 5, memorySizeInMb: 6144 } },
                        { name: "provisioned", model: "mistral", instanceType: "ml.g5.2xlarge", instanceCount: 2 },
                    ],
                },
            ];
            const e = await fixture("compliant", { overrides: { endpoints } });
            assert.deepEqual(
                ownMessages(e, ENDPOINT_TYPES).map((m) => m.split(";")[0]),
                ["productionVariants[0].instanceType is not set (a serverless variant has no GPUs)"],
            );
        });

        it("passes an approved type: ml.g4dn and ml.g5 in GovCloud, ml.g6e in commercial", async () => {
            assert.deepEqual(messages(await fixture("compliant"), ENDPOINT_TYPES), []);
            assert.deepEqual(messages(await evaluateRepoStack("govcloud"), ENDPOINT_TYPES), [], "ml.g5.12xlarge");
            assert.deepEqual(messages(await evaluateRepoStack("govcloud", SAMPLE), ENDPOINT_TYPES), [], "ml.g4dn.12xlarge");
            assert.deepEqual(messages(await evaluateRepoStack("commercial"), ENDPOINT_TYPES), [], "ml.g6e.12xlarge");
        });

        it("rejects ml.g6e (commercial only) in a GovCloud region, naming the property, value, partition and fix", async () => {
            const e = await fixture("g6e-in-govcloud");
            const [violation, ...rest] = e.of(ENDPOINT_TYPES);
            assert.equal(rest.length, 0);
            assert.equal(violation.enforcementLevel, "mandatory");
            assert.equal(violation.resourceName, "mistral-config");
            assert.match(
                violation.message,
                /productionVariants\[0\]\.instanceType = "ml\.g6e\.xlarge" is not approved for partition aws-us-gov \(region us-gov-west-1\)/,
            );
            // The approved list is the table's GovCloud list (no policy config lists types): ml.g4dn to ml.p5.48xlarge, no ml.g6/g6e/p5e.
            const approved = endpointInstanceTypesOffered("aws-us-gov");
            assert.ok(violation.message.includes(`approved: ${approved.join(", ")}.`), violation.message);
            for (const type of ["ml.g4dn.12xlarge", "ml.g5.12xlarge", "ml.p3.2xlarge", "ml.p4d.24xlarge", "ml.p4de.24xlarge", "ml.p5.48xlarge"]) {
                assert.ok(approved.includes(type), type);
            }
            assert.ok(!/ml\.g6|ml\.p5e/.test(approved.join()), approved.join());
            assert.match(violation.message, /Set the variant's instanceType to a type approved for the stack's partition/);
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
            const preview = await fixture("g6e-in-govcloud", { overrides });
            assert.equal(preview.result.notRun.find((n) => n.policyName === ENDPOINT_TYPES)?.property, ".region");
            assert.deepEqual(messages(preview, ENDPOINT_TYPES), []);
            assert.equal((await fixture("g6e-in-govcloud", { overrides, preview: false })).of(ENDPOINT_TYPES).length, 1);
        });

        it("config: a per-partition allow-list replaces the table's for that partition only", async () => {
            const policyConfig = { [ENDPOINT_TYPES]: { endpointInstanceTypes: { "aws-us-gov": ["ml.g4dn.2xlarge"] } } };
            const gov = await evaluateRepoStack("govcloud", { policyConfig });
            assert.match(messages(gov, ENDPOINT_TYPES).join(), /"ml\.g5\.12xlarge" is not approved for partition aws-us-gov .*approved: ml\.g4dn\.2xlarge\./);
            assert.deepEqual(messages(await evaluateRepoStack("commercial", { policyConfig }), ENDPOINT_TYPES), [], "aws keeps the table's list");
        });

        it("config: enforcement level advisory or disabled", async () => {
            const advisory = await fixture("g6e-in-govcloud", { policyConfig: { [ENDPOINT_TYPES]: "advisory" } });
            assert.deepEqual(
                advisory.of(ENDPOINT_TYPES).map((v) => v.enforcementLevel),
                ["advisory"],
            );
            const disabled = await fixture("g6e-in-govcloud", { policyConfig: { [ENDPOINT_TYPES]: { enforcementLevel: "disabled" } } });
            assert.deepEqual(messages(disabled, ENDPOINT_TYPES), []);
        });

        it("the check: unknown partition allows only types approved in every partition; an unset type is named", () => {
            const common = allowedTypes({}, undefined, endpointInstanceTypesOffered);
            assert.ok(common.includes("ml.g4dn.12xlarge"));
            assert.ok(common.includes("ml.g5.12xlarge"), "ml.g5 is offered in both partitions");
            assert.ok(!common.includes("ml.g6e.12xlarge"), "ml.g6e is commercial only");
            assert.deepEqual(
                allowedTypes({ aws: ["ml.g5.2xlarge", "ml.g6e.xlarge"] }, undefined, endpointInstanceTypesOffered),
                ["ml.g5.2xlarge"],
                "a configured list counts for its partition",
            );
            assert.equal(
                checkInstanceType("instanceType", undefined, ["ml.t3.medium"], "aws", "us-east-1"),
                "instanceType is not set; it must be one of the types approved for partition aws (region us-east-1): ml.t3.medium.",
            );
            for (const unset of [null, ""]) {
                assert.match(
                    checkInstanceType("instanceType", unset, ["ml.t3.medium"], "aws", "us-east-1") ?? "",
                    /^instanceType is not set;/,
                    JSON.stringify(unset),
                );
            }
            assert.equal(checkInstanceType("instanceType", "ml.t3.medium", ["ml.t3.medium"], "aws", "us-east-1"), undefined);
            const two = ["ml.g5.2xlarge", "ml.g6e.xlarge"];
            assert.match(checkInstanceType("instanceType", undefined, two, "aws", "us-east-1") ?? "", /: ml\.g5\.2xlarge, ml\.g6e\.xlarge\.$/);
            assert.match(checkInstanceType("instanceType", "ml.p5.48xlarge", two, "aws", "us-east-1") ?? "", /; approved: ml\.g5\.2xlarge, ml\.g6e\.xlarge\.$/);
            assert.equal(
                checkInstanceType("instanceType", "ml.p5.48xlarge", [], undefined, undefined),
                'instanceType = "ml.p5.48xlarge" is not approved for every partition (the provider\'s region is not set, so the partition is not known); approved: none.',
            );
        });
    });

    describe(NOTEBOOK_TYPES, () => {
        it("passes the repo's ml.t3.medium notebook", async () => {
            assert.deepEqual(messages(await evaluateRepoStack("govcloud"), NOTEBOOK_TYPES), []);
        });

        it("rejects a GPU notebook type", async () => {
            const e = await fixture("g6e-in-govcloud");
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
            const widened = await fixture("g6e-in-govcloud", {
                policyConfig: { [NOTEBOOK_TYPES]: { notebookInstanceTypes: { "aws-us-gov": ["ml.g4dn.xlarge"] } } },
            });
            assert.deepEqual(messages(widened, NOTEBOOK_TYPES), []);
            const disabled = await fixture("g6e-in-govcloud", { policyConfig: { [NOTEBOOK_TYPES]: "disabled" } });
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

        it("reads each engine's tensor-parallel variable: vLLM's on the GovCloud stack, SGLang's on the commercial one", async () => {
            for (const [stack, variable] of [
                ["govcloud", "SM_VLLM_TENSOR_PARALLEL_SIZE"],
                ["commercial", "SM_SGLANG_TP_SIZE"],
            ]) {
                const model = (await evaluateRepoStack(stack, { preview: false })).run.result.resources.find((r) => r.type === "aws:sagemaker/model:Model")!;
                assert.equal((model.inputs.primaryContainer as { environment: Record<string, string> }).environment[variable], "4", `${stack} ${variable}`);
                const e = await evaluateRepoStack(stack, {
                    preview: false,
                    transformations: [withModelEnvironment({ [variable]: "8" })],
                });
                assert.match(
                    messages(e, NUM_GPUS).join(),
                    new RegExp(`primaryContainer\\.environment\\.${variable} = "8" is above the 4 GPU\\(s\\) of ml\\.g`),
                    stack,
                );
            }
        });

        it("a model that lists its container in containers[] (the multi-container form): the variable is named by its place there", async () => {
            const inContainers: pulumi.ResourceTransformation = (a) =>
                a.type === "aws:sagemaker/model:Model"
                    ? { props: { ...a.props, primaryContainer: undefined, containers: [a.props.primaryContainer] }, opts: a.opts }
                    : undefined;
            const e = await evaluateRepoStack("govcloud", {
                preview: false,
                transformations: [withModelEnvironment({ SM_VLLM_TENSOR_PARALLEL_SIZE: "8" }), inContainers],
            });
            assert.match(messages(e, NUM_GPUS).join(), /: containers\.0\.environment\.SM_VLLM_TENSOR_PARALLEL_SIZE = "8" is above the 4 GPU\(s\) of ml\.g/);
        });

        it("an instance type the table does not know: a clear message", async () => {
            assert.match(
                messages(await fixture("unknown-instance-type"), NUM_GPUS).join(),
                /instance type "ml\.g9\.12xlarge" is not in the pack's instance catalog, so its GPU count is unknown/,
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
            assert.deepEqual(notRunProperties(await fixture("computed-instance-type"), NUM_GPUS), ["(stack) .productionVariants.0.instanceType"]);
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
            for (const notWhole of ["x4", "4x", "4.5", "-2", ""])
                assert.match(checkNumGpus(notWhole, "ml.g4dn.12xlarge") ?? "", /not a positive whole number/, notWhole);
            assert.equal(checkNumGpus(" 2 ", "ml.g4dn.12xlarge"), undefined, "surrounding spaces are read as the container reads them");
            assert.equal(checkNumGpus("10", "ml.p4d.24xlarge"), "is above the 8 GPU(s) of ml.p4d.24xlarge", "a number of several digits");
        });
    });

    describe(ENGINE_MAINTAINED, () => {
        it("the repo's stacks (vLLM in GovCloud, SGLang in commercial): nothing reported", async () => {
            for (const stack of ["govcloud", "commercial"]) {
                for (const preview of [true, false]) {
                    const e = await evaluateRepoStack(stack, { preview });
                    assert.ok(
                        e.run.result.resources.some((r) => r.type === "aws:sagemaker/model:Model"),
                        `${stack} has a model for the policy to judge`,
                    );
                    assertClean(e, [ENGINE_MAINTAINED], `${stack} preview=${preview}`);
                }
            }
        });

        it("the GovCloud sample's TGI model: an advisory naming TGI's maintenance mode and the fix, nothing mandatory", async () => {
            for (const preview of [true, false]) {
                const e = await evaluateRepoStack("govcloud", { ...SAMPLE, preview });
                assert.deepEqual(e.flagged(ENGINE_MAINTAINED), ["falcon-40b-instruct-model"]);
                assert.deepEqual(levels(e, ENGINE_MAINTAINED), ["advisory"]);
                assert.match(
                    ownMessages(e, ENGINE_MAINTAINED)[0],
                    /^primaryContainer runs TGI, archived: in maintenance mode since 2025-12-11 .*\. Serve the model with a maintained engine: vLLM or SGLang; .* In this program: set models\[\]\.engine to vllm or sglang in the stack's settings\.$/,
                );
                assertClean(e, INSTANCE_POLICIES, `sample preview=${preview}`);
            }
        });

        it("the same model on vLLM: nothing reported", async () => {
            const e = await evaluateRepoStack("govcloud", {
                overrides: { models: [{ id: "falcon-40b-instruct", engine: "vllm", instanceType: "ml.g5.48xlarge", weightsSource: "s3" }] },
            });
            assert.ok(e.run.result.resources.some((r) => r.type === "aws:sagemaker/model:Model" && r.name === "falcon-40b-instruct-model"));
            assertClean(e, [ENGINE_MAINTAINED], "Falcon-40B on vLLM");
        });

        it("the check: by image repository, else by the engine's model variable (an image from a private mirror); every container", () => {
            const gov = (repository: string) => `442386744353.dkr.ecr.us-gov-west-1.amazonaws.com/${repository}:x`;
            assert.deepEqual(
                unmaintainedEngines({ primaryContainer: { image: gov("huggingface-vllm"), environment: { SM_VLLM_MODEL: "/opt/ml/model" } } }),
                [],
            );
            assert.deepEqual(unmaintainedEngines({ primaryContainer: { image: gov("huggingface-sglang"), environment: {} } }), []);
            // A container without environment variables, from an image this table does not know: no engine to judge.
            assert.deepEqual(unmaintainedEngines({ primaryContainer: { image: "111122223333.dkr.ecr.us-east-1.amazonaws.com/mirror/llm:1" } }), []);
            assert.match(
                unmaintainedEngines({ primaryContainer: { image: gov("huggingface-pytorch-tgi-inference"), environment: {} } }).join(),
                /^primaryContainer runs TGI/,
            );
            const mirror = "123456789012.dkr.ecr.us-gov-west-1.amazonaws.com/mirror/llm:1";
            assert.match(
                unmaintainedEngines({ primaryContainer: { image: mirror, environment: { HF_MODEL_ID: "/opt/ml/model", SM_NUM_GPUS: "4" } } }).join(),
                /^primaryContainer runs TGI/,
            );
            // HF_MODEL_ID alone is read by other containers too (the inference toolkit, LMI): not taken for TGI.
            assert.deepEqual(
                unmaintainedEngines({ primaryContainer: { image: mirror, environment: { HF_MODEL_ID: "org/model", HF_TASK: "text-generation" } } }),
                [],
            );
            // Another repository of the Hugging Face/AWS registries is another container, whatever its variables.
            assert.deepEqual(
                unmaintainedEngines({ primaryContainer: { image: gov("djl-inference"), environment: { HF_MODEL_ID: "org/model", SM_NUM_GPUS: "4" } } }),
                [],
            );
            assert.deepEqual(unmaintainedEngines({ primaryContainer: { image: mirror, environment: { SM_SGLANG_MODEL_PATH: "/opt/ml/model" } } }), []);
            // A container without variables (none set, or null as a provider may report it) is no engine it can tell.
            assert.deepEqual(unmaintainedEngines({ primaryContainer: { image: mirror } }), []);
            assert.deepEqual(unmaintainedEngines({ primaryContainer: { image: mirror, environment: null as never } }), []);
            assert.deepEqual(
                unmaintainedEngines({
                    containers: [
                        { image: gov("huggingface-vllm"), environment: {} },
                        { image: gov("huggingface-pytorch-tgi-inference"), environment: {} },
                    ],
                }).map((line) => line.split(",")[0]),
                ["containers[1] runs TGI"],
            );
        });
    });

    describe(MEMORY_FIT, () => {
        it("passes the GovCloud sample's Falcon-40B in NF4 on ml.g4dn.12xlarge", async () => {
            for (const preview of [true, false]) {
                const e = await evaluateRepoStack("govcloud", { ...SAMPLE, preview });
                assert.deepEqual(messages(e, MEMORY_FIT), []);
                assert.equal(e.notRun(MEMORY_FIT), false);
                const model = e.run.result.resources.find((r) => r.type === "aws:sagemaker/model:Model")!;
                assert.equal((model.inputs.primaryContainer as { environment: Record<string, string> }).environment.HF_MODEL_QUANTIZE, "bitsandbytes-nf4");
            }
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
                /on TGI \(SM_NUM_GPUS=4, MAX_TOTAL_TOKENS=unset \(2048\), CUDA_MEMORY_FRACTION=unset \(1\), 1 concurrent full-context requests\): 93\.7 GiB needed, 64\.0 GiB available/,
            );
            // The arithmetic: bfloat16 weights, the KV cache of one request of Falcon-40B's 2048-token context (the fixture does not
            // tag the concurrency it was sized for, so the policy asks only what the engine needs to start), the 20% allowance,
            // TGI's whole GPU memory.
            assert.match(
                violation.message,
                /\[weights 77\.9 GiB \(41\.8B × 2 bytes \(bfloat16\)\); KV cache 0\.2 GiB \(2 × 60 layers × 8 KV heads × 64 × 2 bytes = 120 KiB\/token × 2048 tokens × 1 requests\); engine 15\.6 GiB \(20% of the weights\); required 93\.7 GiB; available 64\.0 GiB \(1 × 4 × 16\.0 GiB T4 on ml\.g4dn\.12xlarge\)\] \(model falcon-model\)\. /,
            );
            assert.match(violation.message, /quantize/);
        });

        it("weights from S3 naming no catalog model: reported on the model as not sizable (not passed, not 'not run'), until modelParameters names it", async () => {
            // The fixture's "chat" model carries no sagemaker-llm:model tag.
            for (const preview of [true, false]) {
                const e = await fixture("s3-weights", { preview });
                assert.equal(e.notRun(MEMORY_FIT), false, "a known fact, not a value unknown in preview");
                const unsizable = e.of(MEMORY_FIT).filter((v) => v.resourceName === "chat-model");
                assert.equal(unsizable.length, 1);
                assert.equal(unsizable[0].enforcementLevel, "mandatory");
                assert.match(
                    unsizable[0].message,
                    /chat-model: primaryContainer\.environment\.HF_MODEL_ID: HF_MODEL_ID=\/opt\/ml\/model \(weights from S3\) does not say which model chat\S* holds; set policy config modelParameters \{"chat": <billions>\}.*, so the pack cannot tell whether the model fits .*Make the model's size known to the policy/,
                );
            }
            const named = await fixture("s3-weights", { policyConfig: { [MEMORY_FIT]: { modelParameters: { chat: 41.8 } } } });
            assert.deepEqual(
                named.of(MEMORY_FIT).filter((v) => v.resourceName === "chat-model"),
                [],
            );
            const huge = await fixture("s3-weights", { policyConfig: { [MEMORY_FIT]: { modelParameters: { chat: 180 } } } });
            assert.match(messages(huge, MEMORY_FIT).join(), /too small for chat \(180B parameters, from policy config modelParameters/);
        });

        it("a context length unknown in preview is not taken for the model's full context: not run in preview, sized in an update", async () => {
            // Llama-3.1-8B fits one A10G at 8192 tokens, not at its full 131,072.
            const preview = await fixture("computed-context");
            assert.deepEqual(messages(preview, MEMORY_FIT), []);
            assert.equal(preview.notRun(MEMORY_FIT), true);
            assert.deepEqual(notRunProperties(preview, MEMORY_FIT), ["(stack) .primaryContainer.environment.MAX_TOTAL_TOKENS"]);
            const update = await fixture("computed-context", { preview: false });
            assert.equal(update.notRun(MEMORY_FIT), false);
            assert.deepEqual(messages(update, MEMORY_FIT), []);
        });

        it("the program tags every Model with its catalog id, so a custom deployment name is still sized", async () => {
            const overrides = { models: [{ ...GOVCLOUD_SAMPLE, name: "chat" }] };
            for (const preview of [true, false]) {
                const e = await evaluateRepoStack("govcloud", { overrides, preview });
                assert.equal(e.notRun(MEMORY_FIT), false);
                assert.deepEqual(messages(e, MEMORY_FIT), []);
            }
            const unquantized = await evaluateRepoStack("govcloud", {
                overrides,
                preview: false,
                transformations: [withModelEnvironment({ HF_MODEL_QUANTIZE: undefined })],
            });
            assert.match(messages(unquantized, MEMORY_FIT).join(), /from tag sagemaker-llm:model=falcon-40b-instruct/);
        });

        it("SGLang without its model variable reads /opt/ml/model, so the model is still sized from its tag; TGI without HF_MODEL_ID is not determined", async () => {
            const sglang = await evaluateRepoStack("commercial", {
                overrides: { models: [{ id: "qwen3-8b", engine: "sglang", maxTotalTokens: 4096 }] },
                preview: false,
                transformations: [withModelEnvironment({ SM_SGLANG_MODEL_PATH: undefined })],
            });
            assert.equal(sglang.notRun(MEMORY_FIT), false);
            assert.deepEqual(messages(sglang, MEMORY_FIT), []);
            const tgi = await evaluateRepoStack("govcloud", {
                preview: false,
                overrides: { models: [GOVCLOUD_SAMPLE] },
                transformations: [withModelEnvironment({ HF_MODEL_ID: undefined })],
            });
            assert.equal(tgi.notRun(MEMORY_FIT), false);
            assert.match(
                messages(tgi, MEMORY_FIT).join(),
                /primaryContainer\.environment\.HF_MODEL_ID: HF_MODEL_ID is not set, so the model is not determined, so the pack cannot tell/,
            );
        });

        it("a quantization whose size is not on record is not guessed: the model is reported as not sizable, naming the variable", async () => {
            const e = await evaluateRepoStack("commercial", {
                overrides: { models: [{ id: "qwen2.5-7b-instruct", engine: "vllm", maxTotalTokens: 4096 }] },
                preview: false,
                transformations: [withModelEnvironment({ SM_VLLM_QUANTIZATION: "compressed-tensors" })],
            });
            assert.equal(e.notRun(MEMORY_FIT), false);
            assert.deepEqual(
                e.of(MEMORY_FIT).map((v) => v.resourceName),
                ["qwen2-5-7b-instruct-model"],
            );
            assert.match(
                messages(e, MEMORY_FIT).join(),
                /primaryContainer\.environment\.SM_VLLM_QUANTIZATION: SM_VLLM_QUANTIZATION = "compressed-tensors" is a quantization whose size the pack's model catalog does not record/,
            );
        });

        it("weights from S3 identified by the sagemaker-llm:model tag", async () => {
            const e = await fixture("s3-weights");
            assert.deepEqual(
                e.of(MEMORY_FIT).map((v) => v.resourceName),
                ["chat-model", "tagged-config"],
                "the untagged model is reported as not sizable",
            );
            assert.match(messages(e, MEMORY_FIT).join(), /tiiuae\/falcon-40b-instruct \(41\.8B parameters, from tag sagemaker-llm:model=falcon-40b-instruct\)/);
        });

        it("model links unknown in preview: not run in preview, run in an update", async () => {
            assert.equal((await fixture("two-variants")).notRun(MEMORY_FIT), true);
            const update = await fixture("two-variants", { preview: false });
            assert.equal(update.notRun(MEMORY_FIT), false);
            assert.deepEqual(messages(update, MEMORY_FIT), []);
        });

        it("sizes for the concurrency the model's tag gives, a positive whole number; otherwise for one request", async () => {
            const concurrency = async (tag: string) => {
                const transformation: pulumi.ResourceTransformation = (a) =>
                    a.type === "aws:sagemaker/model:Model"
                        ? { props: { ...a.props, tags: { "sagemaker-llm:concurrent-requests": tag } }, opts: a.opts }
                        : undefined;
                const e = await fixture("falcon40b-unquantized", { transformations: [transformation] });
                return /, (\d+) concurrent full-context requests\)/.exec(messages(e, MEMORY_FIT).join())?.[1];
            };
            assert.equal(await concurrency("8"), "8");
            for (const tag of ["0", "-8", "2.5", "many"]) assert.equal(await concurrency(tag), "1", tag);
        });

        it("config: the enforcement level", async () => {
            assert.deepEqual(messages(await fixture("falcon40b-unquantized", { policyConfig: { [MEMORY_FIT]: "disabled" } }), MEMORY_FIT), []);
            const advisory = await fixture("falcon40b-unquantized", { policyConfig: { [MEMORY_FIT]: { enforcementLevel: "advisory" } } });
            assert.deepEqual(
                advisory.of(MEMORY_FIT).map((v) => v.enforcementLevel),
                ["advisory"],
            );
        });

        it("the check: quantization, context, KV cache and engine variables", () => {
            const model = { parametersBillions: 41.8, spec: findModel("falcon-40b-instruct"), label: "falcon" };
            const base = { model, engine: ENGINES.tgi, instanceType: "ml.g4dn.12xlarge", tensorParallel: "4", concurrentRequests: 4 };
            assert.match(checkModelFits(base) ?? "", /falcon on TGI .* GiB needed/);
            assert.equal(checkModelFits({ ...base, quantization: "bitsandbytes-nf4" }), undefined);
            assert.equal(
                checkModelFits({ ...base, quantization: " bitsandbytes-nf4 " }),
                undefined,
                "read as the launcher reads it, without surrounding spaces",
            );
            assert.equal(unsizedQuantization({ ...base, quantization: " bitsandbytes-nf4 " }), undefined);
            // A quantization whose size is not on record is not sized (the policy reports itself not run), never guessed.
            assert.equal(checkModelFits({ ...base, quantization: "false" }), undefined);
            assert.match(unsizedQuantization({ ...base, quantization: "false" }) ?? "", /HF_MODEL_QUANTIZE = "false" is a quantization whose size .* TGI/);
            assert.match(unsizedQuantization({ ...base, quantization: " false " }) ?? "", /HF_MODEL_QUANTIZE = "false" is/, "named as the launcher reads it");
            assert.equal(unsizedQuantization({ ...base, quantization: "bitsandbytes-nf4" }), undefined);
            // vLLM's kernel names for AWQ/GPTQ checkpoints are sized as those formats; compressed-tensors is not sized.
            const qwen = { parametersBillions: 7.61, spec: findModel("qwen2.5-7b-instruct"), label: "qwen" };
            const vllmQwen = { model: qwen, engine: ENGINES.vllm, instanceType: "ml.g4dn.xlarge", contextLength: "4096", concurrentRequests: 1 };
            assert.match(checkModelFits(vllmQwen) ?? "", /GiB needed/, "bfloat16 7.6B does not fit one T4");
            assert.equal(checkModelFits({ ...vllmQwen, quantization: "awq_marlin" }), undefined, "4-bit AWQ does");
            // The kernel names are a table loaded with the module: loaded afresh here, so a mutation run's change to it is seen.
            const fresh = freshRequire<typeof import("../../policies/instances/sagemakerModelFitsGpuMemory")>("policies/instances/sagemakerModelFitsGpuMemory");
            for (const kernel of ["awq_marlin", "gptq_marlin"])
                assert.equal(fresh.unsizedQuantization({ ...vllmQwen, quantization: kernel }), undefined, kernel);
            assert.match(unsizedQuantization({ ...vllmQwen, quantization: "compressed-tensors" }) ?? "", /SM_VLLM_QUANTIZATION/);
            // A degree that is not a whole number is sagemaker-model-num-gpus-within-instance's to report, not sized here.
            for (const tensorParallel of ["x4", "4x", "four"]) assert.equal(checkModelFits({ ...base, tensorParallel }), undefined, tensorParallel);
            // A model outside the catalog (sized by its parameter count) is quantized as the catalog's are: 180B at 4 bits is still 84 GiB.
            const custom = { ...base, model: { parametersBillions: 180, label: "custom" } };
            assert.match(checkModelFits({ ...custom, quantization: "bitsandbytes-nf4" }) ?? "", /custom on TGI .*weights 83\.8 GiB/);
            assert.equal(checkModelFits({ ...custom, model: { parametersBillions: 41.8, label: "custom" }, quantization: "bitsandbytes-nf4" }), undefined);
            // Unset, TGI shards over every GPU it sees: the same 4 × T4.
            assert.equal(checkModelFits({ ...base, tensorParallel: undefined, quantization: "bitsandbytes-nf4" }), undefined);
            assert.match(checkModelFits({ ...base, instanceType: "ml.t3.medium" }) ?? "", /has no GPUs/);
            assert.equal(
                checkModelFits({ ...base, instanceType: "ml.trn1.2xlarge" }),
                "is not in the pack's instance catalog, so its GPU memory is unknown and falcon cannot be sized",
            );
            // vLLM: unset tensor parallelism is one GPU; the KV cache of a long context counts.
            const llama = { parametersBillions: 8.03, spec: findModel("llama-3.1-8b-instruct"), label: "llama" };
            const vllm = { model: llama, engine: ENGINES.vllm, instanceType: "ml.g5.2xlarge", concurrentRequests: 4 };
            assert.match(checkModelFits({ ...vllm, contextLength: "32768" }) ?? "", /SM_VLLM_MAX_MODEL_LEN=32768.*KV cache 16\.0 GiB/);
            assert.equal(checkModelFits({ ...vllm, contextLength: "2048" }), undefined);
            assert.match(checkModelFits({ ...vllm, contextLength: "2048", concurrentRequests: 64 }) ?? "", /64 concurrent full-context requests/);
        });

        it("the check: the degree, memory fraction and context it sizes with, each named in the message, set or unset", () => {
            const llama = { parametersBillions: 8.03, spec: findModel("llama-3.1-8b-instruct"), label: "llama" };
            const vllm = { model: llama, engine: ENGINES.vllm, instanceType: "ml.g5.12xlarge", contextLength: "131072", concurrentRequests: 4 };
            const settingsAndAvailable = (q: Parameters<typeof checkModelFits>[0]) => {
                const message = checkModelFits(q) ?? "";
                return [/ on vLLM \((.*), \d+ concurrent/.exec(message)?.[1], /available [\d.]+ GiB \(([^)]*) on /.exec(message)?.[1]];
            };
            // Unset, vLLM uses one GPU of the four; a degree above the instance's GPUs is sized on the GPUs there are.
            assert.deepEqual(settingsAndAvailable(vllm), [
                "SM_VLLM_TENSOR_PARALLEL_SIZE=unset (1), SM_VLLM_MAX_MODEL_LEN=131072, SM_VLLM_GPU_MEMORY_UTILIZATION=unset (0.9)",
                "0.9 × 1 × 22.4 GiB A10G",
            ]);
            assert.deepEqual(settingsAndAvailable({ ...vllm, tensorParallel: "8" })[1], "0.9 × 4 × 22.4 GiB A10G");
            // A memory fraction is used as given; zero or less is no fraction, and the engine's default applies.
            assert.deepEqual(settingsAndAvailable({ ...vllm, memoryFraction: "0.5" })[1], "0.5 × 1 × 22.4 GiB A10G");
            for (const memoryFraction of ["0", "-1"]) {
                assert.deepEqual(settingsAndAvailable({ ...vllm, memoryFraction }), [
                    `SM_VLLM_TENSOR_PARALLEL_SIZE=unset (1), SM_VLLM_MAX_MODEL_LEN=131072, SM_VLLM_GPU_MEMORY_UTILIZATION=${memoryFraction}`,
                    "0.9 × 1 × 22.4 GiB A10G",
                ]);
            }
            // Unset, the context is the model's own; a model known only by its size has none.
            assert.match(checkModelFits({ ...vllm, contextLength: undefined }) ?? "", /SM_VLLM_MAX_MODEL_LEN=unset \(131072\)/);
            assert.match(
                checkModelFits({ ...vllm, contextLength: undefined, model: { parametersBillions: 70, label: "custom" } }) ?? "",
                /SM_VLLM_MAX_MODEL_LEN=unset \(no KV facts\).* \(no KV-cache facts for a model known only by its parameter count; weights × 1\.2 only\)$/,
            );
        });
    });
});
