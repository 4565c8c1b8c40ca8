/**
 * The three serving engines (vLLM, SGLang, TGI) as the program deploys them: the SageMaker Model and
 * endpoint configuration the real program registers under mocks, the sizing arithmetic by hand, the
 * settings' refusals, the AWS GovCloud sample's configuration and the instance allow-lists.
 * Expected values are written out literally (not recomputed with the product's helpers).
 */
import { strict as assert } from "assert";
import { containerEnvironment } from "../components/llmEndpoint";
import { sagemakerEndpointConfigInstanceTypeApproved } from "../policies/instances/sagemakerEndpointConfigInstanceTypeApproved";
import { ENGINES, releasesFrom } from "../policies/catalog/engines";
import { endpointInstanceTypesOffered, findInstanceType, InstanceType } from "../policies/catalog/instances";
import { findModel, MODELS, weightsGiB } from "../policies/catalog/models";
import { PARTITION_IDS } from "../policies/catalog/partitions";
import {
    kvBytesPerToken,
    longestFittingContext,
    sizeDeployment,
    SizingQuestion,
    tensorParallelProblem,
    validTensorParallelDegrees,
} from "../policies/catalog/sizing";
import { Graph, runRepoStack } from "./graph";
import { GOVCLOUD_SAMPLE } from "./govcloudSample";
import { gpuProblems } from "../components/modelDeployment";
import { problemAt, refusal, settingsFor } from "./parsedSettings";

const T = {
    model: "aws:sagemaker/model:Model",
    config: "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
};
const MODEL_TAG = "sagemaker-llm:model";
const CONCURRENCY_TAG = "sagemaker-llm:concurrent-requests";
const HF_DLC_AMI = "al2-ami-sagemaker-inference-gpu-3-1";
const GiB = 2 ** 30;

async function graphOf(stack: string, overrides: Record<string, unknown>): Promise<Graph> {
    // The research notebook is not under test here.
    const run = await runRepoStack(stack, { notebookEnabled: false, ...overrides });
    assert.equal(run.result.error, undefined, run.result.error?.stack);
    return new Graph(run.result.resources);
}

// ---------------------------------------------------------------------------------------------
// 1. Engine × model × partition, through the real program
// ---------------------------------------------------------------------------------------------

interface EngineCase {
    /** Deployment name (prefixes the resource names). */
    name: string;
    engine: string;
    entry: Record<string, unknown>;
    image: string;
    env: Record<string, string>;
    instanceType: string;
    concurrentRequests: string;
    catalogId: string;
    inferenceAmiVersion: string | undefined;
}

const US_EAST_1 = "763104351884.dkr.ecr.us-east-1.amazonaws.com";
const US_GOV_WEST_1 = "442386744353.dkr.ecr.us-gov-west-1.amazonaws.com";

const ENGINE_CASES: Record<"commercial" | "govcloud", EngineCase[]> = {
    commercial: [
        {
            name: "e-vllm",
            engine: "vllm (quantize fp8, L40S)",
            entry: { id: "llama-3.1-8b-instruct", engine: "vllm", instanceType: "ml.g6e.xlarge", quantize: "fp8" },
            image: `${US_EAST_1}/huggingface-vllm:0.21.0-transformers5.8.1-gpu-py312-cu130-ubuntu22.04`,
            env: {
                SM_VLLM_MODEL: "/opt/ml/model",
                SM_VLLM_TENSOR_PARALLEL_SIZE: "1",
                SM_VLLM_MAX_MODEL_LEN: "32768",
                SM_VLLM_SERVED_MODEL_NAME: "meta-llama/Llama-3.1-8B-Instruct",
                SM_VLLM_GPU_MEMORY_UTILIZATION: "0.9",
                SM_VLLM_QUANTIZATION: "fp8",
            },
            instanceType: "ml.g6e.xlarge",
            concurrentRequests: "4",
            catalogId: "llama-3.1-8b-instruct",
            inferenceAmiVersion: HF_DLC_AMI,
        },
        {
            name: "e-sglang",
            engine: "sglang (trustRemoteCode, 2 requests, L40S)",
            entry: { id: "qwen3-8b", engine: "sglang", instanceType: "ml.g6e.xlarge", trustRemoteCode: true, concurrentRequests: 2 },
            image: `${US_EAST_1}/huggingface-sglang:0.5.8-transformers4.57.3-gpu-py312-cu129-ubuntu24.04`,
            env: {
                SM_SGLANG_MODEL_PATH: "/opt/ml/model",
                SM_SGLANG_TP_SIZE: "1",
                SM_SGLANG_CONTEXT_LENGTH: "16384",
                SM_SGLANG_SERVED_MODEL_NAME: "Qwen/Qwen3-8B",
                SM_SGLANG_MEM_FRACTION_STATIC: "0.8",
                SM_SGLANG_TRUST_REMOTE_CODE: "",
            },
            instanceType: "ml.g6e.xlarge",
            concurrentRequests: "2",
            catalogId: "qwen3-8b",
            inferenceAmiVersion: HF_DLC_AMI,
        },
        {
            name: "e-tgi",
            engine: "tgi 3.3.6 (trustRemoteCode, L4)",
            entry: { id: "qwen2.5-7b-instruct", engine: "tgi", instanceType: "ml.g6.2xlarge", trustRemoteCode: true },
            image: `${US_EAST_1}/huggingface-pytorch-tgi-inference:2.7.0-tgi3.3.6-gpu-py311-cu124-ubuntu22.04`,
            env: {
                HF_MODEL_ID: "/opt/ml/model",
                SM_NUM_GPUS: "1",
                MAX_TOTAL_TOKENS: "8192",
                MAX_INPUT_TOKENS: "4096",
                HF_MODEL_TRUST_REMOTE_CODE: "true",
            },
            instanceType: "ml.g6.2xlarge",
            concurrentRequests: "4",
            catalogId: "qwen2.5-7b-instruct",
            inferenceAmiVersion: undefined,
        },
    ],
    govcloud: [
        {
            name: "e-vllm",
            engine: "vllm (bfloat16 model on T4 → float16)",
            entry: { id: "llama-3.1-8b-instruct", engine: "vllm", instanceType: "ml.g4dn.12xlarge" },
            image: `${US_GOV_WEST_1}/huggingface-vllm:0.21.0-transformers5.8.1-gpu-py312-cu130-ubuntu22.04`,
            env: {
                SM_VLLM_MODEL: "/opt/ml/model",
                SM_VLLM_TENSOR_PARALLEL_SIZE: "4",
                SM_VLLM_MAX_MODEL_LEN: "32768",
                SM_VLLM_SERVED_MODEL_NAME: "meta-llama/Llama-3.1-8B-Instruct",
                SM_VLLM_GPU_MEMORY_UTILIZATION: "0.9",
                SM_VLLM_DTYPE: "float16",
            },
            instanceType: "ml.g4dn.12xlarge",
            concurrentRequests: "4",
            catalogId: "llama-3.1-8b-instruct",
            inferenceAmiVersion: HF_DLC_AMI,
        },
        {
            name: "e-sglang",
            engine: "sglang (gpuMemoryUtilization 0.8, 4× A10G)",
            entry: { id: "qwen3-8b", engine: "sglang", instanceType: "ml.g5.12xlarge", gpuMemoryUtilization: 0.8 },
            image: `${US_GOV_WEST_1}/huggingface-sglang:0.5.8-transformers4.57.3-gpu-py312-cu129-ubuntu24.04`,
            env: {
                SM_SGLANG_MODEL_PATH: "/opt/ml/model",
                SM_SGLANG_TP_SIZE: "4",
                SM_SGLANG_CONTEXT_LENGTH: "32768",
                SM_SGLANG_SERVED_MODEL_NAME: "Qwen/Qwen3-8B",
                SM_SGLANG_MEM_FRACTION_STATIC: "0.8",
            },
            instanceType: "ml.g5.12xlarge",
            concurrentRequests: "4",
            catalogId: "qwen3-8b",
            inferenceAmiVersion: HF_DLC_AMI,
        },
        {
            name: "e-tgi",
            engine: "tgi via the tgiVersion alias 2.3.1 (T4 → DTYPE float16)",
            entry: {
                id: "qwen2.5-7b-instruct",
                tgiVersion: "2.3.1",
                instanceType: "ml.g4dn.12xlarge",
                maxTotalTokens: 4096,
                maxInputTokens: 3000,
                concurrentRequests: 8,
            },
            image: `${US_GOV_WEST_1}/huggingface-pytorch-tgi-inference:2.4.0-tgi2.3.1-gpu-py311-cu124-ubuntu22.04`,
            env: {
                HF_MODEL_ID: "/opt/ml/model",
                SM_NUM_GPUS: "4",
                MAX_TOTAL_TOKENS: "4096",
                MAX_INPUT_TOKENS: "3000",
                DTYPE: "float16",
            },
            instanceType: "ml.g4dn.12xlarge",
            concurrentRequests: "8",
            catalogId: "qwen2.5-7b-instruct",
            inferenceAmiVersion: undefined,
        },
    ],
};

for (const stack of ["commercial", "govcloud"] as const) {
    describe(`engines on the ${stack} stack (real program under mocks, weights from S3)`, () => {
        let g: Graph;
        let endpoints: Array<{ name: string; gpuMemorySizing: string[] }>;
        before(async () => {
            const run = await runRepoStack(stack, {
                notebookEnabled: false,
                egress: "none",
                models: ENGINE_CASES[stack].map((c) => ({ ...c.entry, name: c.name, weightsSource: "s3" })),
            });
            assert.equal(run.result.error, undefined, run.result.error?.stack);
            g = new Graph(run.result.resources);
            endpoints = run.result.stackOutputs.llmEndpoints as typeof endpoints;
        });

        for (const c of ENGINE_CASES[stack]) {
            it(`${c.engine}: ${c.catalogId} on ${c.instanceType}: image, environment, tags`, () => {
                const model = g.inputs(g.one(T.model, `${c.name}-model`));
                assert.equal(model.primaryContainer.image, c.image);
                assert.deepEqual(model.primaryContainer.environment, c.env);
                assert.deepEqual(model.tags, { [MODEL_TAG]: c.catalogId, [CONCURRENCY_TAG]: c.concurrentRequests });
                assert.equal(model.enableNetworkIsolation, true, "weights from S3: no network in the container");
            });

            it(`${c.engine}: the sizing the plan prints (llmEndpoints[].gpuMemorySizing): this engine's memory share, context and concurrency`, () => {
                const lines = endpoints.find((e) => e.name === c.name)!.gpuMemorySizing.join("\n");
                const share = c.env.SM_VLLM_GPU_MEMORY_UTILIZATION ?? c.env.SM_SGLANG_MEM_FRACTION_STATIC ?? c.env.CUDA_MEMORY_FRACTION ?? "1";
                const tp = c.env.SM_VLLM_TENSOR_PARALLEL_SIZE ?? c.env.SM_SGLANG_TP_SIZE ?? c.env.SM_NUM_GPUS;
                const context = c.env.SM_VLLM_MAX_MODEL_LEN ?? c.env.SM_SGLANG_CONTEXT_LENGTH ?? c.env.MAX_TOTAL_TOKENS;
                assert.match(lines, new RegExp(`available .*\\(${share} × ${tp} × [0-9.]+ GiB .* on ${c.instanceType.replace(/\./g, "\\.")}\\)`));
                assert.match(lines, new RegExp(`KV cache .* × ${context} tokens × ${c.concurrentRequests} requests\\)`));
            });

            it(`${c.engine}: endpoint configuration variant's instance type and inference AMI`, () => {
                const config = g.inputs(g.one(T.config, `${c.name}-config`));
                assert.equal(config.productionVariants.length, 1);
                const variant = config.productionVariants[0];
                assert.equal(variant.instanceType, c.instanceType);
                assert.equal(variant.inferenceAmiVersion, c.inferenceAmiVersion);
            });
        }
    });
}

// ---------------------------------------------------------------------------------------------
// 2. Sizing arithmetic, by hand
// ---------------------------------------------------------------------------------------------

describe("sizing arithmetic (hand-computed)", () => {
    const g5x12 = findInstanceType("ml.g5.12xlarge")!;
    const g5x2 = findInstanceType("ml.g5.2xlarge")!;
    // Llama-3.1-8B: 32 layers, 8 KV heads, head size 128.
    const llama8b = (instance: InstanceType, tensorParallel: number, weights: number, contextLength: number): SizingQuestion => ({
        label: "meta-llama/Llama-3.1-8B-Instruct",
        weightsGiB: weights,
        weightsReckoning: "hand",
        layers: 32,
        kvHeads: 8,
        headDim: 128,
        instance,
        tensorParallel,
        contextLength,
        concurrentRequests: 4,
        memoryFraction: 0.9,
    });

    it("KV bytes per token: Llama-3.1-8B is 2 × 32 × 8 × 128 × 2 = 131072; unchanged up to 8-way tensor parallelism", () => {
        assert.equal(kvBytesPerToken(32, 8, 128, 1), 131072);
        assert.equal(kvBytesPerToken(32, 8, 128, 8), 131072);
    });

    it("KV heads are replicated when tensor parallelism exceeds them", () => {
        // 16 GPUs, 8 KV heads: each GPU holds one, 16 in all: 2 × 32 × 16 × 128 × 2.
        assert.equal(kvBytesPerToken(32, 8, 128, 16), 262144);
        // Falcon-7B (multi-query, 1 KV head, head size 64) on 4 GPUs: 2 × 32 × 4 × 64 × 2 vs 2 × 32 × 1 × 64 × 2.
        assert.equal(kvBytesPerToken(32, 1, 64, 1), 8192);
        assert.equal(kvBytesPerToken(32, 1, 64, 4), 32768);
    });

    it("bfloat16 weights of 8.03B parameters: 8.03e9 × 2 / 2^30 GiB", () => {
        const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} ≠ ${expected}`);
        close(weightsGiB([{ billions: 8.03, format: "bfloat16" }]), (8.03e9 * 2) / GiB); // 14.957
        close(weightsGiB([{ billions: 32.8, format: "fp8" }]), 32.8e9 / GiB);
        // gpt-oss-20b: 19.1B MXFP4 at 4.25 bits + 1.8B bfloat16.
        close(
            weightsGiB([
                { billions: 19.1, format: "mxfp4" },
                { billions: 1.8, format: "bfloat16" },
            ]),
            (19.1e9 * 4.25) / 8 / GiB + (1.8e9 * 2) / GiB,
        );
    });

    it("sizeDeployment totals: 16 GiB weights + 16 GiB KV (131072 B × 32768 × 4) + 3.2 GiB engine = 35.2 of 80.47 GiB on 4× A10G at 0.9", () => {
        const s = sizeDeployment(llama8b(g5x12, 4, 16, 32768));
        assert.equal(s.kvBytesPerToken, 131072);
        assert.equal(s.kvCacheGiB, 16); // 2^17 × 2^15 × 2^2 / 2^30
        assert.ok(Math.abs(s.engineAllowanceGiB - 3.2) < 1e-9, String(s.engineAllowanceGiB));
        assert.ok(Math.abs(s.requiredGiB - 35.2) < 1e-9, String(s.requiredGiB));
        // 0.9 × 4 × 22888 MiB / 1024 = 80.465625 GiB.
        assert.ok(Math.abs(s.availableGiB - 80.465625) < 1e-9, String(s.availableGiB));
        assert.equal(s.fits, true);
        assert.match(
            s.lines.join("\n"),
            /KV cache {5}16\.0 GiB {2}\(2 × 32 layers × 8 KV heads × 128 × 2 bytes = 128 KiB\/token × 32768 tokens × 4 requests\)/,
        );
        assert.match(s.lines.join("\n"), /available {4}80\.5 GiB {2}\(0\.9 × 4 × 22\.4 GiB A10G on ml\.g5\.12xlarge\)/);
    });

    it("sizeDeployment refuses the same on one A10G: 35.2 > 0.9 × 22.3515625 = 20.1 GiB", () => {
        const s = sizeDeployment(llama8b(g5x2, 1, 16, 32768));
        assert.ok(Math.abs(s.availableGiB - 20.11640625) < 1e-9, String(s.availableGiB));
        assert.equal(s.fits, false);
    });

    it("longestFittingContext: spare GiB × 2^30 / (131072 B × 4 requests), down to a multiple of 1024", () => {
        // Spare: 80.465625 − 16 × 1.2 = 61.265625 GiB → 61.265625 × 2048 = 125472 tokens → 122 × 1024.
        assert.equal(longestFittingContext(llama8b(g5x12, 4, 16, 32768)), 124928);
        // Real Llama-3.1-8B weights on one A10G: 20.11640625 − 1.2 × 14.957 = 2.168 GiB → 4439 tokens → 4096.
        assert.equal(longestFittingContext(llama8b(g5x2, 1, (8.03e9 * 2) / GiB, 131072)), 4096);
        // Weights alone do not fit: 0.
        assert.equal(longestFittingContext(llama8b(g5x2, 1, 100, 1024)), 0);
    });

    it("tensor parallelism must divide the heads, and KV heads and degree must divide each other", () => {
        assert.equal(tensorParallelProblem(2, 40, 10), undefined);
        assert.match(tensorParallelProblem(4, 40, 10)!, /10 KV heads/);
        assert.match(tensorParallelProblem(3, 40, 10)!, /40 attention heads/);
        assert.equal(tensorParallelProblem(4, 71, 1), "must divide the model's 71 attention heads");
    });

    it("a degree that is a multiple of the KV heads shards the model (8 GPUs over 2 KV heads, each head held by 4 GPUs); the largest degree asked is included", () => {
        assert.equal(tensorParallelProblem(8, 32, 2), undefined);
        assert.deepEqual(validTensorParallelDegrees(32, 2, 8), [1, 2, 4, 8]);
        assert.deepEqual(validTensorParallelDegrees(40, 10, 4), [1, 2]);
    });

    it("an exact fit fits: 10 GiB weights + 2 GiB engine = 12 GiB of 0.75 × 16 GiB", () => {
        const s = sizeDeployment({ ...llama8b({ ...g5x2, gpuMemoryGiB: 16 }, 1, 10, 0), memoryFraction: 0.75 });
        assert.equal(s.requiredGiB, 12);
        assert.equal(s.availableGiB, 12);
        assert.equal(s.fits, true);
    });

    it("an instance type without a recorded GPU model is named a GPU in the arithmetic", () => {
        const s = sizeDeployment(llama8b({ ...g5x2, gpu: undefined }, 1, 16, 1024));
        assert.match(s.lines[4], /× 22\.4 GiB GPU on ml\.g5\.2xlarge\)$/);
    });
});

// ---------------------------------------------------------------------------------------------
// 3. Settings refusals
// ---------------------------------------------------------------------------------------------

describe("settings refuse what cannot run, with the arithmetic or the fix", () => {
    it("llama-3.3-70b-instruct on ml.g5.2xlarge: GiB needed vs available, the weights line, and instances where it fits", () => {
        const problems = refusal("aws-us-gov", [{ id: "llama-3.3-70b-instruct", instanceType: "ml.g5.2xlarge" }]);
        // Weights 70.6e9 × 2 / 2^30 = 131.5; KV 2 × 80 × 8 × 128 × 2 = 327680 B × 32768 × 4 = 40 GiB; engine 26.3.
        const p = problemAt(problems, "models[0].instanceType", /GiB needed/);
        assert.equal(p.value, "ml.g5.2xlarge");
        assert.match(p.message, /197\.8 GiB needed, 20\.1 GiB available/);
        assert.match(p.message, /weights {6}131\.5 GiB {2}\(70\.6B × 2 bytes \(bfloat16\)\)/);
        assert.match(p.message, /KV cache {5}40\.0 GiB/);
        // The arithmetic reads as a table: each line of it on its own, indented under the message.
        assert.match(p.message, /available\.\n {6}weights {6}131\.5 GiB[^\n]*\n {6}KV cache {5}40\.0 GiB/);
        const fits = /an instance type where it fits: ([^(]+) \(instanceType/.exec(p.message);
        assert.ok(fits, p.message);
        const named = fits[1].split(", ").map((s) => s.trim());
        assert.ok(named.includes("ml.p4d.24xlarge"), named.join(", "));
        assert.ok(!named.includes("ml.g5.48xlarge"), "8× A10G (160.9 GiB at 0.9) is too small");
        // Each named instance really fits (accepted by the settings).
        for (const instanceType of named) {
            const ok = settingsFor("aws-us-gov", [{ id: "llama-3.3-70b-instruct", instanceType }]);
            assert.equal(ok.models[0].sizing.fits, true, instanceType);
        }
        assert.match(p.message, /quantize: fp8, bitsandbytes/);
        assert.doesNotMatch(p.message, /shorter context/, "the weights alone do not fit: no context would");
    });

    it("maxTotalTokens above the model's context length is refused, naming the limit", () => {
        const problems = refusal("aws", [{ id: "qwen3-8b", maxTotalTokens: 65536 }]);
        const p = problemAt(problems, "models[0].maxTotalTokens", /context length/);
        assert.equal(p.value, 65536);
        assert.match(p.message, /above Qwen\/Qwen3-8B's context length of 40960 tokens/);
    });

    it("a context that does not fit the memory suggests a shorter maxTotalTokens (4096 for Llama-3.1-8B on one A10G)", () => {
        const problems = refusal("aws-us-gov", [{ id: "llama-3.1-8b-instruct", instanceType: "ml.g5.2xlarge", maxTotalTokens: 131072 }]);
        const p = problemAt(problems, "models[0].instanceType", /GiB needed/);
        // 14.96 + 64 (131072 B × 131072 × 4) + 2.99 = 81.9 GiB.
        assert.match(p.message, /81\.9 GiB needed, 20\.1 GiB available/);
        assert.match(p.message, /a shorter context: maxTotalTokens 4096 or less/);
        // And that shorter context is accepted.
        const ok = settingsFor("aws-us-gov", [{ id: "llama-3.1-8b-instruct", instanceType: "ml.g5.2xlarge", maxTotalTokens: 4096 }]);
        assert.equal(ok.models[0].sizing.fits, true);
    });

    it("phi-4 with numGpus 4 on ml.g5.12xlarge: 4 divides 40 heads but not 10 KV heads; valid degrees 1, 2", () => {
        const problems = refusal("aws-us-gov", [{ id: "phi-4", instanceType: "ml.g5.12xlarge", numGpus: 4 }]);
        const p = problemAt(problems, "models[0].numGpus", /KV heads/);
        assert.equal(p.value, 4);
        assert.match(p.message, /10 KV heads/);
        assert.match(p.message, /use one of 1, 2\.$/);
    });

    it("an engine that does not list the model: gpt-oss-20b on TGI", () => {
        const problems = refusal("aws", [{ id: "gpt-oss-20b", engine: "tgi" }]);
        const p = problemAt(problems, "models[0].engine", /supported models/);
        assert.equal(p.value, "tgi");
        assert.match(p.message, /openai\/gpt-oss-20b's architecture/);
        assert.match(p.message, /use one of vllm, sglang\./);
    });

    it("vLLM 0.21.0 on a V100 (ml.p3.2xlarge, compute capability 7.0) is refused; 0.14.0 is not refused for it", () => {
        const problems = refusal("aws", [
            { id: "qwen2.5-7b-instruct", engine: "vllm", engineVersion: "0.21.0", instanceType: "ml.p3.2xlarge", maxTotalTokens: 1024 },
        ]);
        const p = problemAt(problems, "models[0].instanceType", /compute capability/);
        assert.match(p.message, /V100 GPUs \(compute capability 7(\.0)?\); vLLM 0\.21\.0 needs 7\.5 or higher/);
        // 0.14.0 supports 7.0: the same deployment with 4-bit weights is accepted on it.
        const [old] = settingsFor("aws", [
            {
                id: "qwen2.5-7b-instruct",
                engine: "vllm",
                engineVersion: "0.14.0",
                instanceType: "ml.p3.2xlarge",
                maxTotalTokens: 1024,
                quantize: "bitsandbytes",
            },
        ]).models;
        assert.equal(old.release.version, "0.14.0");
        assert.equal(old.dtype, "float16", "V100 has no bfloat16");
    });

    it("GPU limits beyond the release: FP8 (a checkpoint's or quantize's) below 7.5 but not at it, MXFP4 below 8.0 or with float16, a model that refuses float16 on a GPU without bfloat16", () => {
        const fp8 = refusal("aws", [{ id: "qwen3-32b-fp8", engine: "vllm", engineVersion: "0.14.0", instanceType: "ml.p3.16xlarge", maxTotalTokens: 2048 }]);
        assert.match(problemAt(fp8, "models[0].instanceType", /FP8/).message, /V100 GPUs \(compute capability 7\.0\); FP8 weights need 7\.5 or higher/);
        // FP8 from on-the-fly quantization too; at 7.5 (T4) it runs.
        const fp8Quantized = refusal("aws", [
            { id: "llama-3.1-8b-instruct", engine: "vllm", engineVersion: "0.14.0", instanceType: "ml.p3.2xlarge", quantize: "fp8", maxTotalTokens: 1024 },
        ]);
        assert.match(
            problemAt(fp8Quantized, "models[0].instanceType", /FP8/).message,
            /V100 GPUs \(compute capability 7\.0\); FP8 weights need 7\.5 or higher/,
        );
        // Accepted (settingsFor throws on a refusal) on a T4, compute capability 7.5.
        const onT4 = settingsFor("aws", [
            { id: "qwen3-32b-fp8", engine: "vllm", engineVersion: "0.14.0", instanceType: "ml.g4dn.12xlarge", maxTotalTokens: 2048 },
        ]);
        assert.equal(onT4.models[0].instance.gpu?.computeCapability, 7.5);
        // MXFP4 below 8.0, and with float16 where it runs.
        assert.deepEqual(
            refusal("aws", [{ id: "gpt-oss-20b", instanceType: "ml.g4dn.12xlarge", maxTotalTokens: 2048 }]).map((p) => p.message),
            ["has T4 GPUs (compute capability 7.5); openai/gpt-oss-20b's MXFP4 weights need 8.0 or higher (Ampere: ml.g5, ml.p4d, or newer)."],
        );
        const mxfp4 = refusal("aws", [{ id: "gpt-oss-20b", dtype: "float16" }]);
        assert.match(problemAt(mxfp4, "models[0].instanceType", /MXFP4/).message, /with dtype float16: their kernels take bfloat16 only/);
        for (const id of ["gemma-3-12b-it", "gemma-3-27b-it"]) {
            const gemma = refusal("aws-us-gov", [{ id, instanceType: "ml.g4dn.12xlarge", maxTotalTokens: 4096 }]);
            assert.match(
                problemAt(gemma, "models[0].instanceType", /float16/).message,
                /T4 GPUs .* does not run in float16 \(vLLM refuses it: numerical instability\)/,
                id,
            );
        }
        // The same model on an Ampere GPU is fine.
        assert.equal(settingsFor("aws-us-gov", [{ id: "gemma-3-12b-it", instanceType: "ml.g5.12xlarge", maxTotalTokens: 4096 }]).models[0].dtype, undefined);
    });

    it("FP8 weights in any part of a checkpoint need 7.5: a made-up checkpoint of FP8 and bfloat16 parts on a V100", () => {
        const qwen = findModel("qwen3-32b-fp8")!;
        const mixed = {
            ...qwen,
            weights: [
                { billions: 30, format: "fp8" as const },
                { billions: 2.8, format: "bfloat16" as const },
            ],
        };
        const v100 = findInstanceType("ml.p3.16xlarge")!;
        const release = ENGINES.vllm.releases.find((r) => r.version === "0.14.0")!;
        assert.deepEqual(gpuProblems(v100, mixed, ENGINES.vllm, release, undefined, undefined), [
            "has V100 GPUs (compute capability 7.0); FP8 weights need 7.5 or higher (ml.g4dn, ml.g5 or newer).",
        ]);
    });

    it("a refusal suggests only instance types the engine release can run on", () => {
        const problems = refusal("aws", [{ id: "llama-3.1-8b-instruct", instanceType: "ml.g5.2xlarge", maxTotalTokens: 65536 }]);
        const p = problemAt(problems, "models[0].instanceType", /GiB needed/);
        const suggested = /an instance type where it fits: ([^(]*)\(/.exec(p.message)?.[1] ?? "";
        assert.ok(suggested.length > 0, p.message);
        assert.doesNotMatch(suggested, /ml\.p3\./, "vLLM 0.21.0 does not run on V100");
    });

    it("a refusal names at most four instance types where it fits, in the approved list's order, each accepted as named", () => {
        const entry = { id: "llama-3.1-8b-instruct", instanceType: "ml.g5.xlarge", maxTotalTokens: 65536 };
        const p = problemAt(refusal("aws", [entry]), "models[0].instanceType", /GiB needed/);
        const named = /an instance type where it fits: ([^(]+) \(instanceType/.exec(p.message)?.[1].trim().split(", ") ?? [];
        const fitting = endpointInstanceTypesOffered("aws").filter((instanceType) => {
            try {
                return settingsFor("aws", [{ ...entry, instanceType }]).models.length === 1;
            } catch (e) {
                // Refused (too small, or a GPU the engine cannot use): not a type where it fits.
                if ((e as Error).name === "SettingsError") return false;
                throw e;
            }
        });
        assert.ok(fitting.length > 4, `more than four approved types fit: ${fitting.join(", ")}`);
        assert.deepEqual(named, fitting.slice(0, 4));
    });

    it("a refusal suggests only instance types whose GPU count can shard the model: none with 4 or 8 GPUs for phi-4's 10 KV heads", () => {
        const p = problemAt(refusal("aws", [{ id: "phi-4", instanceType: "ml.g5.2xlarge", maxTotalTokens: 16384 }]), "models[0].instanceType", /GiB needed/);
        // 45.4 GiB needed: 4 × A10G on ml.g5.12xlarge (80.6 GiB at 0.9) would hold it, but 4 does not divide 10 KV heads.
        assert.match(p.message, /an instance type where it fits: ml\.p5\.4xlarge \(instanceType/);
    });

    it("a refusal offers no instance type when none of the approved ones fits", () => {
        const problems = refusal("aws", [{ id: "llama-3.3-70b-instruct", instanceType: "ml.g5.2xlarge", maxTotalTokens: 131072, concurrentRequests: 64 }]);
        const p = problemAt(problems, "models[0].instanceType", /2717\.8 GiB needed/);
        assert.match(p.message, /Fix: quantization \(quantize: fp8, bitsandbytes\); or fewer concurrentRequests \(now 64\)\.$/);
    });

    it("a refusal offers no quantization when quantize is set already", () => {
        const problems = refusal("aws", [{ id: "llama-3.1-8b-instruct", instanceType: "ml.g5.2xlarge", maxTotalTokens: 131072, quantize: "fp8" }]);
        const p = problemAt(problems, "models[0].instanceType", /73\.0 GiB needed/);
        assert.doesNotMatch(p.message, /quantization \(quantize/);
        assert.match(p.message, /or a shorter context: maxTotalTokens 22528 or less; or fewer concurrentRequests \(now 4\)\.$/);
    });

    it("a refused context or tensor-parallel degree is the only problem reported (no sizing on top of it)", () => {
        assert.deepEqual(
            refusal("aws", [{ id: "qwen3-8b", maxTotalTokens: 65536 }]).map((p) => p.key),
            ["models[0].maxTotalTokens"],
        );
        assert.deepEqual(
            refusal("aws", [{ id: "phi-4", instanceType: "ml.g5.12xlarge", numGpus: 4 }]).map((p) => p.key),
            ["models[0].numGpus"],
        );
    });

    it("an engine version that is not a release is refused, naming the releases", () => {
        const problems = refusal("aws", [{ id: "qwen3-8b", engine: "vllm", engineVersion: "9.9.9" }]);
        assert.deepEqual(
            problems.map((p) => [p.key, p.value, p.message]),
            [
                [
                    "models[0].engineVersion",
                    "9.9.9",
                    "is not a vLLM release in policies/catalog/engines.ts; use one of 0.14.0, 0.17.0, 0.21.0, or set imageUri (with engineVersion naming the closest release).",
                ],
            ],
        );
    });

    it("the catalog's engine release follows its engine only: Falcon-40B's GovCloud default (TGI 1.0.3) on vLLM takes vLLM's default", () => {
        const [d] = settingsFor("aws-us-gov", [{ id: "falcon-40b-instruct", engine: "vllm", quantize: "bitsandbytes", maxTotalTokens: 2048 }]).models;
        assert.equal(d.instance.name, "ml.g4dn.12xlarge", "the catalog's instance type");
        assert.equal(d.engine.id, "vllm");
        assert.equal(d.release.version, ENGINES.vllm.defaultVersion);
    });

    it("a refusal offers only the fixes that apply: no quantization of weights quantized already, no fewer requests than one", () => {
        const problems = refusal("aws", [{ id: "qwen3-32b-fp8", instanceType: "ml.g5.2xlarge", concurrentRequests: 1, maxTotalTokens: 4096 }]);
        const p = problemAt(problems, "models[0].instanceType", /GiB needed/);
        assert.match(p.message, /Fix: an instance type where it fits: /);
        assert.doesNotMatch(p.message, /quantization \(quantize/, "the weights are FP8 already");
        assert.doesNotMatch(p.message, /fewer concurrentRequests/, "one request at a time already");
    });

    it("a model's first serving release is itself among the releases that serve it (releasesFrom includes the minimum)", () => {
        // policies/catalog/engines.ts lists no release equal to a model's minimum today, so an engine with one is made here.
        const releases = ["1.0.3", "2.2.0", "2.10.1", "3.0"].map((version) => ({ ...ENGINES.tgi.releases[0], version }));
        const engine = { ...ENGINES.tgi, releases };
        assert.deepEqual(
            releasesFrom(engine, "2.2.0").map((r) => r.version),
            ["2.2.0", "2.10.1", "3.0"],
        );
        assert.deepEqual(
            releasesFrom(engine, "2.2").map((r) => r.version),
            ["2.2.0", "2.10.1", "3.0"],
            "2.2 and 2.2.0 are the same release",
        );
        assert.deepEqual(releasesFrom(engine, "3.0.1"), []);
    });

    it("TGI releases older than a model's architecture are refused, naming the releases that serve it", () => {
        for (const [id, hubId] of [
            ["llama-3.1-8b-instruct", "meta-llama\\/Llama-3\\.1-8B-Instruct"],
            ["llama-3.3-70b-instruct", "meta-llama\\/Llama-3\\.3-70B-Instruct"],
        ]) {
            const problems = refusal("aws", [{ id, engine: "tgi", engineVersion: "2.0.2", maxTotalTokens: 4096 }]);
            const p = problemAt(problems, "models[0].engineVersion", /older than/);
            assert.match(p.message, new RegExp(`older than TGI 2\\.2\\.0, the first release that serves ${hubId}; use one of 2\\.3\\.1, 3\\.2\\.3, 3\\.3\\.6`));
        }
        // Through the deprecated alias too; each catalog model's first release (Gemma 3 needs 3.2).
        for (const [id, older, first] of [
            ["gemma-3-12b-it", "2.3.1", "3.2.0"],
            ["gemma-3-27b-it", "2.3.1", "3.2.0"],
            ["qwen2.5-7b-instruct", "2.0.2", "2.0.4"],
            ["phi-4", "2.0.2", "2.0.4"],
            ["mistral-7b-instruct", "1.0.3", "1.1.0"],
            ["mixtral-8x7b-instruct", "1.0.3", "1.4.0"],
        ]) {
            const problems = refusal("aws", [{ id, engine: "tgi", tgiVersion: older, maxTotalTokens: 4096 }]);
            assert.match(problemAt(problems, "models[0].tgiVersion", /older than/).message, new RegExp(`older than TGI ${first.replace(/\./g, "\\.")},`), id);
        }
        assert.equal(
            settingsFor("aws", [{ id: "llama-3.1-8b-instruct", engine: "tgi", engineVersion: "2.3.1", maxTotalTokens: 4096 }]).models[0].release.version,
            "2.3.1",
        );
    });

    it("quantizations are the release's: TGI 1.0.3 has no fp8 or eetq; 1.4.5 adds eetq", () => {
        const problems = refusal("aws-us-gov", [{ ...GOVCLOUD_SAMPLE, quantize: "fp8" }]);
        assert.match(
            problemAt(problems, "models[0].quantize", /1\.0\.3/).message,
            /not a quantization TGI 1\.0\.3 applies while loading; use one of bitsandbytes, bitsandbytes-nf4, bitsandbytes-fp4 or 'none'/,
        );
        for (const quantize of ["eetq", "bitsandbytes-fp4"]) {
            const entry = { id: "llama-3-8b-instruct", engine: "tgi", engineVersion: "1.4.5", quantize, maxTotalTokens: 4096 };
            assert.equal(settingsFor("aws", [entry]).models[0].quantize, quantize);
        }
    });

    it("SGLang's fp8 stores weights in one byte: Gemma 3 27B fits one L40S in FP8, not in bfloat16", () => {
        const entry = { id: "gemma-3-27b-it", engine: "sglang", instanceType: "ml.g6e.xlarge", maxTotalTokens: 4096, concurrentRequests: 1 };
        assert.match(problemAt(refusal("aws", [entry]), "models[0].instanceType", /too small/).message, /27\.4B × 2 bytes \(bfloat16\)/);
        assert.equal(settingsFor("aws", [{ ...entry, quantize: "fp8" }]).models[0].quantize, "fp8");
    });

    it("TGI before 2.0 prefills at most 4096 tokens by default: a longer input limit needs maxBatchPrefillTokens", () => {
        const entry = { id: "llama-3-8b-instruct", engine: "tgi", engineVersion: "1.4.5", maxTotalTokens: 8192, maxInputTokens: 6000 };
        const p = problemAt(refusal("aws", [entry]), "models[0].maxBatchPrefillTokens", /unset/);
        assert.equal(p.value, 4096);
        assert.match(p.message, /TGI 1\.4\.5 uses its default 4096, below maxInputTokens \(6000\).*at least 6000/);
        const [d] = settingsFor("aws", [{ ...entry, maxBatchPrefillTokens: 6000 }]).models;
        assert.equal(containerEnvironment(d).MAX_BATCH_PREFILL_TOKENS, "6000");
        // From 2.0 the launcher follows the input limit.
        assert.equal(settingsFor("aws", [{ ...entry, engineVersion: "2.0.2" }]).models[0].maxBatchPrefillTokens, undefined);
    });

    it("the catalog's quantization, tensor parallelism and release belong to its default deployment only", () => {
        // Falcon-40B's GovCloud default is the sample (TGI 1.0.3, NF4, 4 GPUs on ml.g4dn.12xlarge); on ml.p4de none of that follows it.
        const [d] = settingsFor("aws-us-gov", [{ id: "falcon-40b-instruct", engine: "tgi", instanceType: "ml.p4de.24xlarge" }]).models;
        assert.equal(d.quantize, undefined);
        assert.equal(d.numGpus, 8);
        assert.equal(d.release.version, "3.3.6");
    });

    it("dtype bfloat16 on a T4 is refused", () => {
        const problems = refusal("aws-us-gov", [{ id: "llama-3.1-8b-instruct", instanceType: "ml.g4dn.12xlarge", dtype: "bfloat16" }]);
        const p = problemAt(problems, "models[0].dtype", /bfloat16 needs 8\.0/);
        assert.equal(p.value, "bfloat16");
        assert.match(p.message, /T4 GPUs \(compute capability 7\.5/);
        assert.match(p.message, /Use float16/);
    });

    it("quantize on a pre-quantized checkpoint (qwen3-32b-fp8) is refused", () => {
        const problems = refusal("aws", [{ id: "qwen3-32b-fp8", quantize: "fp8" }]);
        const p = problemAt(problems, "models[0].quantize", /already quantized/);
        assert.match(p.message, /Qwen\/Qwen3-32B-FP8 is already quantized \(fp8\); remove quantize or use 'none'/);
    });

    it("maxInputTokens with engine vllm is refused (TGI only)", () => {
        const problems = refusal("aws", [{ id: "qwen3-8b", engine: "vllm", maxInputTokens: 1024 }]);
        const p = problemAt(problems, "models[0].maxInputTokens", /applies only to engine 'tgi'/);
        assert.equal(p.value, 1024);
        assert.match(p.message, /Remove maxInputTokens/);
    });

    it("tgiVersion with engine vllm is refused", () => {
        const problems = refusal("aws", [{ id: "llama-3.1-8b-instruct", engine: "vllm", tgiVersion: "3.3.6" }]);
        const p = problemAt(problems, "models[0].tgiVersion", /applies only to engine 'tgi'/);
        assert.equal(p.value, "3.3.6");
        assert.match(p.message, /engine is 'vllm'; remove tgiVersion/);
    });

    it("gpuMemoryUtilization with engine tgi becomes CUDA_MEMORY_FRACTION; TGI's own default (1.0) is left unset", () => {
        const [shared, plain] = settingsFor("aws", [
            { id: "qwen2.5-7b-instruct", engine: "tgi", gpuMemoryUtilization: 0.95, maxTotalTokens: 4096 },
            { id: "qwen2.5-7b-instruct", name: "plain", engine: "tgi" },
        ]).models;
        assert.equal(containerEnvironment(shared).CUDA_MEMORY_FRACTION, "0.95");
        assert.equal(shared.sizing.availableGiB.toFixed(1), ((0.95 * 22888) / 1024).toFixed(1));
        assert.equal("CUDA_MEMORY_FRACTION" in containerEnvironment(plain), false);
    });
});

// ---------------------------------------------------------------------------------------------
// 4. The AWS GovCloud sample's configuration
// ---------------------------------------------------------------------------------------------

describe("the AWS GovCloud sample's Falcon-40B configuration stays reproducible", () => {
    const SAMPLE = GOVCLOUD_SAMPLE;
    const IMAGE = "442386744353.dkr.ecr.us-gov-west-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.0.1-tgi1.0.3-gpu-py39-cu118-ubuntu20.04";
    const ENV = {
        HF_MODEL_ID: "/opt/ml/model",
        SM_NUM_GPUS: "4",
        MAX_TOTAL_TOKENS: "2048",
        MAX_INPUT_LENGTH: "1024",
        HF_MODEL_QUANTIZE: "bitsandbytes-nf4",
    };

    let g: Graph;
    before(async () => {
        g = await graphOf("govcloud", {
            egress: "none",
            models: [
                { ...SAMPLE, name: "falcon-sample" },
                { id: "falcon-40b-instruct", name: "falcon-default", weightsSource: "s3" },
            ],
        });
    });

    for (const name of ["falcon-sample", "falcon-default"]) {
        it(`${name}: TGI 1.0.3 image in us-gov-west-1 and the sample's environment (no DTYPE), on ml.g4dn.12xlarge without an AMI override`, () => {
            const model = g.inputs(g.one(T.model, `${name}-model`));
            assert.equal(model.primaryContainer.image, IMAGE);
            assert.deepEqual(model.primaryContainer.environment, ENV);
            assert.equal("DTYPE" in model.primaryContainer.environment, false);
            assert.deepEqual(model.tags, { [MODEL_TAG]: "falcon-40b-instruct", [CONCURRENCY_TAG]: "4" });
            const variant = g.inputs(g.one(T.config, `${name}-config`)).productionVariants[0];
            assert.equal(variant.instanceType, "ml.g4dn.12xlarge");
            assert.equal(variant.inferenceAmiVersion, undefined);
        });
    }

    it("the GovCloud catalog default (no engine given) is exactly the sample's configuration", () => {
        const { weightsSource: _unused, ...sampleEntry } = SAMPLE;
        void _unused;
        const [explicit, byDefault] = settingsFor("aws-us-gov", [
            { ...sampleEntry, name: "sample" },
            { id: "falcon-40b-instruct", name: "default" },
        ]).models;
        for (const d of [explicit, byDefault]) {
            assert.equal(d.engine.id, "tgi");
            assert.equal(d.release.version, "1.0.3");
            assert.equal(d.instance.name, "ml.g4dn.12xlarge");
            assert.equal(d.numGpus, 4);
            assert.equal(d.quantize, "bitsandbytes-nf4");
            assert.equal(d.maxInputTokens, 1024);
            assert.equal(d.maxTotalTokens, 2048);
            assert.equal(d.dtype, undefined);
            assert.equal(d.imageUri, IMAGE);
            assert.equal(d.startupHealthCheckTimeoutSeconds, 900);
            assert.deepEqual(containerEnvironment(d), ENV);
        }
    });
});

// ---------------------------------------------------------------------------------------------
// 5. Instance allow-lists
// ---------------------------------------------------------------------------------------------

describe("instance allow-lists: the program's settings and the pack agree", () => {
    const policyDefault = (sagemakerEndpointConfigInstanceTypeApproved as { configSchema?: { properties?: Record<string, { default?: unknown }> } })
        .configSchema?.properties?.endpointInstanceTypes?.default as Record<string, string[]> | undefined;

    it("GovCloud: settings' default approvedInstanceTypes equals the pack's sagemaker-endpoint-config-instance-type-approved default", () => {
        assert.ok(policyDefault, "the policy's configSchema has a default");
        const settings = settingsFor("aws-us-gov", [{ id: "llama-3.1-8b-instruct" }], { approvedInstanceTypes: [] });
        assert.deepEqual(settings.approvedInstanceTypes, policyDefault["aws-us-gov"]);
        assert.deepEqual(settings.approvedInstanceTypes, endpointInstanceTypesOffered("aws-us-gov"));
        for (const t of ["ml.g5.12xlarge", "ml.p4d.24xlarge", "ml.p5.48xlarge"]) assert.ok(settings.approvedInstanceTypes.includes(t), t);
    });

    it("ml.g6e.* is offered in commercial AWS only", () => {
        const gov = endpointInstanceTypesOffered("aws-us-gov");
        assert.deepEqual(
            gov.filter((t) => t.startsWith("ml.g6e.")),
            [],
        );
        assert.ok(endpointInstanceTypesOffered("aws").includes("ml.g6e.xlarge"));
        assert.ok(!policyDefault!["aws-us-gov"].includes("ml.g6e.12xlarge"));
        // A g6e type in a GovCloud stack is refused by the settings.
        const problems = refusal("aws-us-gov", [{ id: "qwen3-8b", instanceType: "ml.g6e.xlarge" }]);
        problemAt(problems, "models[0].instanceType", /not approved for partition aws-us-gov/);
    });

    for (const partition of PARTITION_IDS) {
        it(`every catalog default for ${partition} is approved there and fits`, () => {
            // parseSettings refuses a deployment that does not fit its GPUs, so parsing every default is the fit check.
            const settings = settingsFor(
                partition,
                MODELS.map((m) => ({ id: m.id })),
            );
            assert.equal(settings.models.length, MODELS.length);
            for (const d of settings.models) {
                assert.equal(d.instance.name, d.model.defaults[partition].instanceType, d.name);
                assert.equal(d.engine.id, d.model.defaults[partition].engine, d.name);
                assert.ok(policyDefault![partition].includes(d.instance.name), `${d.name}: ${d.instance.name} not approved in ${partition}`);
            }
        });
    }
});
