/**
 * Catalog of open-weight LLMs this project knows how to host, with the facts the sizing
 * (./sizing.ts), the settings and the policy pack need, and each partition's default deployment.
 *
 * Sources (checked 2026-12-01). Per model, its Hugging Face model card and `config.json`:
 * `num_hidden_layers`, `num_attention_heads`, `num_key_value_heads`, `head_dim` (where absent:
 * hidden_size / num_attention_heads), `max_position_embeddings`, `torch_dtype`, the licence and
 * whether the repository is gated. Where a value rests on a copy of the config rather than the
 * repository itself, the entry says so. Notes:
 * - Qwen3-8B/32B: config 40,960 positions; the card: "32,768 natively and 131,072 tokens with YaRN".
 *   Qwen3-32B's head_dim 128 is not hidden_size/heads (80). Qwen3-8B/32B values from copies of
 *   config.json that agree with the Qwen3 technical report (arXiv 2505.09388, table 1).
 * - Qwen3-30B-A3B-Instruct-2507: mixture of experts, 128 experts, 8 active, 3.3B active parameters.
 * - gpt-oss-20b/120b (openai/gpt-oss README and config.json): MoE expert weights stored in MXFP4
 *   (the rest bfloat16); "gpt-oss-120b ... fit into a single 80GB GPU", "gpt-oss-20b ... within 16GB
 *   of memory". Expert parameters: layers × experts × 3 × hidden (2880) × intermediate (2880).
 *   MXFP4 is 4-bit elements with one 8-bit scale per 32 (OCP Microscaling Formats v1.0): 4.25 bits.
 *   vLLM runs MXFP4 from compute capability 8.0 (vllm-project/vllm vllm/model_executor/layers/
 *   quantization/mxfp4.py `get_min_capability` 80).
 * - Gemma 3 (google-deepmind/gemma; config.json): 5 sliding-window (1,024 tokens) layers to 1 global;
 *   the sizing counts every layer at full context (an upper bound).
 * - Mistral-Small-3.2-24B-Instruct-2506: values from a text-only copy of its config; whether the
 *   repository is gated was not confirmed (its 2501 predecessor was), so it is treated as gated.
 * - phi-4: 40 heads but 10 KV heads, so tensor parallelism 1 or 2 only.
 * - Falcon-7B: 71 heads and one shared KV head (multi_query); Falcon-40B: 60 layers, 128 heads,
 *   8 KV heads, head size 64 (tiiuae config.json; transformers FalconConfig).
 * - Llama 2 7B/13B use multi-head attention (KV heads = heads); 70B has 8 KV heads.
 * Engines per model: the architectures each engine lists (vLLM "Supported Models", SGLang
 * "Supported Models", huggingface/text-generation-inference docs/source/supported_models.md: Llama,
 * Phi 3, Gemma3, Mistral, Mixtral, Falcon, Qwen 2; no Qwen3, Mistral3 or gpt-oss). The first TGI
 * release for each: the first tag containing the commit that lists the architecture there (`git
 * describe --contains`: Mistral v1.1.0, Mixtral v1.4.0, Qwen 2 and Phi 3 v2.0.4, Gemma3 v3.2.0);
 * Llama 3.1's rope scaling from v2.2.0 ("Add support for Llama 3 rotary embeddings", PR #2286).
 * Defaults: each is sized by ./sizing.ts (a test checks every default fits and is approved for its
 * partition); GovCloud defaults use the GPU types the SageMaker SDK lists there (./instances.ts).
 * The GovCloud Falcon-40B default is the AWS GovCloud sample's configuration
 * (aws-samples/generative-ai-cdk-constructs-samples, samples/llm-on-govcloud-sagemaker:
 * ml.g4dn.12xlarge, HF_MODEL_QUANTIZE=bitsandbytes-nf4, SM_NUM_GPUS=4, MAX_INPUT_LENGTH=1024,
 * MAX_TOTAL_TOKENS=2048, 900 s health check, TGI 1.0.3).
 */
import { EngineId } from "./engines";
import { PartitionId } from "./partitions";

/** Formats weights are stored or served in, and the bytes one parameter takes in each. */
export const BYTES_PER_PARAMETER = {
    float16: 2,
    bfloat16: 2,
    fp8: 1,
    int8: 1,
    awq: 0.5,
    gptq: 0.5,
    nf4: 0.5,
    fp4: 0.5,
    mxfp4: 4.25 / 8,
} as const;
export type WeightFormat = keyof typeof BYTES_PER_PARAMETER;

/**
 * What each engine's on-the-fly quantization stores a parameter as: TGI `bitsandbytes` is 8-bit
 * LLM.int8, `-nf4`/`-fp4` 4-bit, `eetq` int8, `fp8` FP8 (TGI launcher docs, `--quantize`); vLLM
 * `bitsandbytes` quantizes in flight to 4-bit (vllm-project/vllm docs/features/quantization/bnb.md)
 * and `fp8` to FP8 (fp8.md); SGLang `fp8` likewise.
 */
export const QUANTIZED_FORMAT: Record<EngineId, Record<string, WeightFormat>> = {
    vllm: { fp8: "fp8", bitsandbytes: "nf4" },
    sglang: { fp8: "fp8" },
    tgi: { bitsandbytes: "int8", "bitsandbytes-nf4": "nf4", "bitsandbytes-fp4": "fp4", eetq: "int8", fp8: "fp8" },
};

/**
 * Tag on each SageMaker Model naming its catalog entry, so the policy pack can size a model whose
 * weights come from S3 (the model variable is then a local path).
 */
export const MODEL_TAG_KEY = "sagemaker-llm:model";
/** Tag on each SageMaker Model: the full-context requests its KV cache was sized for, so the pack sizes it the same way. */
export const CONCURRENCY_TAG_KEY = "sagemaker-llm:concurrent-requests";
/** Full-context requests the KV cache is sized for when nothing says otherwise. */
export const DEFAULT_CONCURRENT_REQUESTS = 4;

export interface PartitionModelDefaults {
    engine: EngineId;
    instanceType: string;
    /** Tensor-parallel degree; defaults to the instance's GPU count. */
    numGpus?: number;
    /** Context length (prompt + generated tokens) the deployment serves. */
    maxTotalTokens: number;
    /** TGI only: the prompt limit; defaults to half the context. */
    maxInputTokens?: number;
    quantize?: string;
    /** Engine release; defaults to the engine's default. */
    engineVersion?: string;
}

/** A part of the weights and the format it is stored in. */
export interface WeightPart {
    billions: number;
    format: WeightFormat;
}

export interface ModelSpec {
    /** Catalog key used in stack settings. */
    id: string;
    /** Hugging Face Hub repository. */
    hfModelId: string;
    parametersBillions: number;
    /** Mixture of experts: parameters active per token. */
    activeParametersBillions?: number;
    layers: number;
    attentionHeads: number;
    kvHeads: number;
    headDim: number;
    /** Longest context the model's configuration allows (max_position_embeddings). */
    contextLength: number;
    /** The weights as stored in the repository. */
    weights: WeightPart[];
    /** Gated on the Hub: downloading needs an access token. */
    gated: boolean;
    license: string;
    /** Engines that list the model's architecture. */
    engines: EngineId[];
    /** The first release of an engine that serves the model, where older releases of this table do not. */
    minReleases?: Partial<Record<EngineId, string>>;
    /** Why the model cannot run in float16 (so not on GPUs without bfloat16), when it cannot. */
    float16Unsupported?: string;
    /** Kept for existing stacks; the newer model to prefer. */
    supersededBy?: string;
    /** Seconds SageMaker waits for the container to pass /ping (weights load within it). */
    startupHealthCheckTimeoutSeconds: number;
    defaults: Record<PartitionId, PartitionModelDefaults>;
}

const ALL: EngineId[] = ["vllm", "sglang", "tgi"];
const OPEN: EngineId[] = ["vllm", "sglang"];
const bf16 = (billions: number): WeightPart[] => [{ billions, format: "bfloat16" }];
const fp16 = (billions: number): WeightPart[] => [{ billions, format: "float16" }];

export const MODELS: ModelSpec[] = [
    // ---- Current models --------------------------------------------------------------------------
    {
        id: "llama-3.1-8b-instruct",
        hfModelId: "meta-llama/Llama-3.1-8B-Instruct",
        parametersBillions: 8.03,
        layers: 32,
        attentionHeads: 32,
        kvHeads: 8,
        headDim: 128,
        contextLength: 131072,
        weights: bf16(8.03),
        gated: true,
        license: "llama3.1",
        engines: ALL,
        minReleases: { tgi: "2.2.0" },
        startupHealthCheckTimeoutSeconds: 900,
        defaults: {
            aws: { engine: "vllm", instanceType: "ml.g6e.xlarge", maxTotalTokens: 32768 },
            "aws-us-gov": { engine: "vllm", instanceType: "ml.g5.12xlarge", maxTotalTokens: 32768 },
        },
    },
    {
        id: "llama-3.3-70b-instruct",
        hfModelId: "meta-llama/Llama-3.3-70B-Instruct",
        parametersBillions: 70.6,
        layers: 80,
        attentionHeads: 64,
        kvHeads: 8,
        headDim: 128,
        contextLength: 131072,
        weights: bf16(70.6),
        gated: true,
        license: "llama3.3",
        engines: ALL,
        minReleases: { tgi: "2.2.0" },
        startupHealthCheckTimeoutSeconds: 2400,
        defaults: {
            aws: { engine: "vllm", instanceType: "ml.p4de.24xlarge", maxTotalTokens: 32768 },
            "aws-us-gov": { engine: "vllm", instanceType: "ml.p4de.24xlarge", maxTotalTokens: 32768 },
        },
    },
    {
        id: "qwen3-8b",
        hfModelId: "Qwen/Qwen3-8B",
        parametersBillions: 8.2,
        layers: 36,
        attentionHeads: 32,
        kvHeads: 8,
        headDim: 128,
        contextLength: 40960,
        weights: bf16(8.2),
        gated: false,
        license: "apache-2.0",
        engines: OPEN,
        startupHealthCheckTimeoutSeconds: 900,
        defaults: {
            aws: { engine: "sglang", instanceType: "ml.g6e.xlarge", maxTotalTokens: 16384 },
            "aws-us-gov": { engine: "vllm", instanceType: "ml.g5.12xlarge", maxTotalTokens: 32768 },
        },
    },
    {
        id: "qwen3-32b",
        hfModelId: "Qwen/Qwen3-32B",
        parametersBillions: 32.8,
        layers: 64,
        attentionHeads: 64,
        kvHeads: 8,
        headDim: 128,
        contextLength: 40960,
        weights: bf16(32.8),
        gated: false,
        license: "apache-2.0",
        engines: OPEN,
        startupHealthCheckTimeoutSeconds: 1800,
        defaults: {
            aws: { engine: "vllm", instanceType: "ml.g6e.12xlarge", maxTotalTokens: 32768 },
            "aws-us-gov": { engine: "vllm", instanceType: "ml.p4d.24xlarge", maxTotalTokens: 32768 },
        },
    },
    {
        // Qwen's own FP8 checkpoint of Qwen3-32B (block-wise FP8; weight-only on GPUs before compute capability 8.9).
        id: "qwen3-32b-fp8",
        hfModelId: "Qwen/Qwen3-32B-FP8",
        parametersBillions: 32.8,
        layers: 64,
        attentionHeads: 64,
        kvHeads: 8,
        headDim: 128,
        contextLength: 40960,
        weights: [{ billions: 32.8, format: "fp8" }],
        gated: false,
        license: "apache-2.0",
        engines: OPEN,
        startupHealthCheckTimeoutSeconds: 1800,
        defaults: {
            aws: { engine: "vllm", instanceType: "ml.g6e.12xlarge", maxTotalTokens: 32768 },
            "aws-us-gov": { engine: "vllm", instanceType: "ml.g5.12xlarge", maxTotalTokens: 32768 },
        },
    },
    {
        id: "qwen3-30b-a3b-instruct-2507",
        hfModelId: "Qwen/Qwen3-30B-A3B-Instruct-2507",
        parametersBillions: 30.5,
        activeParametersBillions: 3.3,
        layers: 48,
        attentionHeads: 32,
        kvHeads: 4,
        headDim: 128,
        contextLength: 262144,
        weights: bf16(30.5),
        gated: false,
        license: "apache-2.0",
        engines: OPEN,
        startupHealthCheckTimeoutSeconds: 1800,
        defaults: {
            aws: { engine: "sglang", instanceType: "ml.g6e.12xlarge", maxTotalTokens: 65536 },
            "aws-us-gov": { engine: "vllm", instanceType: "ml.g5.12xlarge", maxTotalTokens: 32768 },
        },
    },
    {
        id: "qwen2.5-7b-instruct",
        hfModelId: "Qwen/Qwen2.5-7B-Instruct",
        parametersBillions: 7.61,
        layers: 28,
        attentionHeads: 28,
        kvHeads: 4,
        headDim: 128,
        contextLength: 32768,
        weights: bf16(7.61),
        gated: false,
        license: "apache-2.0",
        engines: ALL,
        minReleases: { tgi: "2.0.4" },
        startupHealthCheckTimeoutSeconds: 900,
        defaults: {
            aws: { engine: "vllm", instanceType: "ml.g6.2xlarge", maxTotalTokens: 8192 },
            "aws-us-gov": { engine: "vllm", instanceType: "ml.g5.2xlarge", maxTotalTokens: 8192 },
        },
    },
    {
        id: "mistral-small-3.2-24b-instruct",
        hfModelId: "mistralai/Mistral-Small-3.2-24B-Instruct-2506",
        parametersBillions: 24.0,
        layers: 40,
        attentionHeads: 32,
        kvHeads: 8,
        headDim: 128,
        contextLength: 131072,
        weights: bf16(24.0),
        gated: true,
        license: "apache-2.0",
        engines: ["vllm"],
        startupHealthCheckTimeoutSeconds: 1800,
        defaults: {
            aws: { engine: "vllm", instanceType: "ml.g6e.12xlarge", maxTotalTokens: 32768 },
            "aws-us-gov": { engine: "vllm", instanceType: "ml.g5.12xlarge", maxTotalTokens: 16384 },
        },
    },
    {
        id: "gemma-3-12b-it",
        hfModelId: "google/gemma-3-12b-it",
        parametersBillions: 12.2,
        layers: 48,
        attentionHeads: 16,
        kvHeads: 8,
        headDim: 256,
        contextLength: 131072,
        weights: bf16(12.2),
        float16Unsupported: "vLLM refuses it: numerical instability",
        gated: true,
        license: "gemma",
        engines: ALL,
        minReleases: { tgi: "3.2.0" },
        startupHealthCheckTimeoutSeconds: 1200,
        defaults: {
            aws: { engine: "vllm", instanceType: "ml.g6e.2xlarge", maxTotalTokens: 8192 },
            "aws-us-gov": { engine: "vllm", instanceType: "ml.g5.12xlarge", maxTotalTokens: 16384 },
        },
    },
    {
        id: "gemma-3-27b-it",
        hfModelId: "google/gemma-3-27b-it",
        parametersBillions: 27.4,
        layers: 62,
        attentionHeads: 32,
        kvHeads: 16,
        headDim: 128,
        contextLength: 131072,
        weights: bf16(27.4),
        float16Unsupported: "vLLM refuses it: numerical instability",
        gated: true,
        license: "gemma",
        engines: ALL,
        minReleases: { tgi: "3.2.0" },
        startupHealthCheckTimeoutSeconds: 1800,
        defaults: {
            aws: { engine: "vllm", instanceType: "ml.g6e.12xlarge", maxTotalTokens: 16384 },
            "aws-us-gov": { engine: "vllm", instanceType: "ml.p4d.24xlarge", maxTotalTokens: 32768 },
        },
    },
    {
        id: "gpt-oss-20b",
        hfModelId: "openai/gpt-oss-20b",
        parametersBillions: 20.9,
        activeParametersBillions: 3.6,
        layers: 24,
        attentionHeads: 64,
        kvHeads: 8,
        headDim: 64,
        contextLength: 131072,
        // 24 layers × 32 experts × 3 × 2880 × 2880 = 19.1B expert parameters in MXFP4.
        weights: [
            { billions: 19.1, format: "mxfp4" },
            { billions: 1.8, format: "bfloat16" },
        ],
        gated: false,
        license: "apache-2.0",
        engines: OPEN,
        startupHealthCheckTimeoutSeconds: 900,
        defaults: {
            aws: { engine: "vllm", instanceType: "ml.g6e.xlarge", maxTotalTokens: 65536 },
            "aws-us-gov": { engine: "vllm", instanceType: "ml.g5.2xlarge", maxTotalTokens: 16384 },
        },
    },
    {
        id: "gpt-oss-120b",
        hfModelId: "openai/gpt-oss-120b",
        parametersBillions: 116.8,
        activeParametersBillions: 5.1,
        layers: 36,
        attentionHeads: 64,
        kvHeads: 8,
        headDim: 64,
        contextLength: 131072,
        // 36 layers × 128 experts × 3 × 2880 × 2880 = 114.7B expert parameters in MXFP4.
        weights: [
            { billions: 114.7, format: "mxfp4" },
            { billions: 2.1, format: "bfloat16" },
        ],
        gated: false,
        license: "apache-2.0",
        engines: OPEN,
        startupHealthCheckTimeoutSeconds: 2400,
        defaults: {
            aws: { engine: "vllm", instanceType: "ml.p5.48xlarge", maxTotalTokens: 131072 },
            "aws-us-gov": { engine: "vllm", instanceType: "ml.p4de.24xlarge", maxTotalTokens: 131072 },
        },
    },
    {
        id: "phi-4",
        hfModelId: "microsoft/phi-4",
        parametersBillions: 14.7,
        layers: 40,
        attentionHeads: 40,
        kvHeads: 10,
        headDim: 128,
        contextLength: 16384,
        weights: bf16(14.7),
        gated: false,
        license: "mit",
        engines: ALL,
        minReleases: { tgi: "2.0.4" },
        startupHealthCheckTimeoutSeconds: 1200,
        defaults: {
            aws: { engine: "vllm", instanceType: "ml.g6e.2xlarge", maxTotalTokens: 8192 },
            // 10 KV heads: tensor parallelism 1 or 2 only.
            "aws-us-gov": { engine: "vllm", instanceType: "ml.g5.12xlarge", maxTotalTokens: 8192, numGpus: 2 },
        },
    },
    // ---- Kept for existing stacks and the AWS GovCloud sample ---------------------------------------
    {
        id: "falcon-40b-instruct",
        hfModelId: "tiiuae/falcon-40b-instruct",
        parametersBillions: 41.8,
        layers: 60,
        attentionHeads: 128,
        kvHeads: 8,
        headDim: 64,
        contextLength: 2048,
        weights: bf16(41.8),
        gated: false,
        license: "apache-2.0",
        engines: ["tgi", "vllm"],
        supersededBy: "llama-3.3-70b-instruct",
        startupHealthCheckTimeoutSeconds: 900,
        defaults: {
            aws: { engine: "vllm", instanceType: "ml.g5.48xlarge", maxTotalTokens: 2048 },
            // The AWS GovCloud sample's configuration.
            "aws-us-gov": {
                engine: "tgi",
                engineVersion: "1.0.3",
                instanceType: "ml.g4dn.12xlarge",
                numGpus: 4,
                quantize: "bitsandbytes-nf4",
                maxTotalTokens: 2048,
                maxInputTokens: 1024,
            },
        },
    },
    {
        id: "falcon-7b-instruct",
        hfModelId: "tiiuae/falcon-7b-instruct",
        parametersBillions: 7.22,
        layers: 32,
        attentionHeads: 71,
        kvHeads: 1,
        headDim: 64,
        contextLength: 2048,
        weights: bf16(7.22),
        gated: false,
        license: "apache-2.0",
        engines: ["tgi", "vllm"],
        supersededBy: "qwen2.5-7b-instruct",
        startupHealthCheckTimeoutSeconds: 600,
        defaults: {
            aws: { engine: "vllm", instanceType: "ml.g6e.xlarge", maxTotalTokens: 2048 },
            "aws-us-gov": { engine: "vllm", instanceType: "ml.g5.2xlarge", maxTotalTokens: 2048 },
        },
    },
    {
        id: "mistral-7b-instruct",
        hfModelId: "mistralai/Mistral-7B-Instruct-v0.2",
        parametersBillions: 7.24,
        layers: 32,
        attentionHeads: 32,
        kvHeads: 8,
        headDim: 128,
        contextLength: 32768,
        weights: bf16(7.24),
        gated: true,
        license: "apache-2.0",
        engines: ALL,
        minReleases: { tgi: "1.1.0" },
        supersededBy: "mistral-small-3.2-24b-instruct",
        startupHealthCheckTimeoutSeconds: 600,
        defaults: {
            aws: { engine: "vllm", instanceType: "ml.g6e.xlarge", maxTotalTokens: 8192 },
            "aws-us-gov": { engine: "vllm", instanceType: "ml.g5.2xlarge", maxTotalTokens: 4096 },
        },
    },
    {
        id: "mixtral-8x7b-instruct",
        hfModelId: "mistralai/Mixtral-8x7B-Instruct-v0.1",
        parametersBillions: 46.7,
        activeParametersBillions: 12.9,
        layers: 32,
        attentionHeads: 32,
        kvHeads: 8,
        headDim: 128,
        contextLength: 32768,
        weights: bf16(46.7),
        gated: true,
        license: "apache-2.0",
        engines: ALL,
        minReleases: { tgi: "1.4.0" },
        supersededBy: "qwen3-30b-a3b-instruct-2507",
        startupHealthCheckTimeoutSeconds: 1800,
        defaults: {
            aws: { engine: "vllm", instanceType: "ml.g5.48xlarge", maxTotalTokens: 8192 },
            "aws-us-gov": { engine: "vllm", instanceType: "ml.g5.48xlarge", maxTotalTokens: 8192 },
        },
    },
    {
        id: "llama-2-7b-chat",
        hfModelId: "meta-llama/Llama-2-7b-chat-hf",
        parametersBillions: 6.74,
        layers: 32,
        attentionHeads: 32,
        kvHeads: 32,
        headDim: 128,
        contextLength: 4096,
        weights: fp16(6.74),
        gated: true,
        license: "llama2",
        engines: ALL,
        supersededBy: "llama-3.1-8b-instruct",
        startupHealthCheckTimeoutSeconds: 600,
        defaults: {
            aws: { engine: "vllm", instanceType: "ml.g6e.xlarge", maxTotalTokens: 4096 },
            "aws-us-gov": { engine: "vllm", instanceType: "ml.g5.12xlarge", maxTotalTokens: 4096 },
        },
    },
    {
        id: "llama-2-13b-chat",
        hfModelId: "meta-llama/Llama-2-13b-chat-hf",
        parametersBillions: 13.0,
        layers: 40,
        attentionHeads: 40,
        kvHeads: 40,
        headDim: 128,
        contextLength: 4096,
        weights: fp16(13.0),
        gated: true,
        license: "llama2",
        engines: ALL,
        supersededBy: "llama-3.1-8b-instruct",
        startupHealthCheckTimeoutSeconds: 900,
        defaults: {
            aws: { engine: "vllm", instanceType: "ml.g6e.12xlarge", maxTotalTokens: 4096 },
            "aws-us-gov": { engine: "vllm", instanceType: "ml.g5.12xlarge", maxTotalTokens: 4096 },
        },
    },
    {
        id: "llama-2-70b-chat",
        hfModelId: "meta-llama/Llama-2-70b-chat-hf",
        parametersBillions: 69.0,
        layers: 80,
        attentionHeads: 64,
        kvHeads: 8,
        headDim: 128,
        contextLength: 4096,
        weights: fp16(69.0),
        gated: true,
        license: "llama2",
        engines: ALL,
        supersededBy: "llama-3.3-70b-instruct",
        startupHealthCheckTimeoutSeconds: 1800,
        defaults: {
            aws: { engine: "vllm", instanceType: "ml.p4d.24xlarge", maxTotalTokens: 4096 },
            "aws-us-gov": { engine: "vllm", instanceType: "ml.p4d.24xlarge", maxTotalTokens: 4096 },
        },
    },
    {
        id: "llama-3-8b-instruct",
        hfModelId: "meta-llama/Meta-Llama-3-8B-Instruct",
        parametersBillions: 8.03,
        layers: 32,
        attentionHeads: 32,
        kvHeads: 8,
        headDim: 128,
        contextLength: 8192,
        weights: bf16(8.03),
        gated: true,
        license: "llama3",
        engines: ALL,
        supersededBy: "llama-3.1-8b-instruct",
        startupHealthCheckTimeoutSeconds: 600,
        defaults: {
            aws: { engine: "vllm", instanceType: "ml.g6e.xlarge", maxTotalTokens: 8192 },
            "aws-us-gov": { engine: "vllm", instanceType: "ml.g5.12xlarge", maxTotalTokens: 8192 },
        },
    },
    {
        id: "llama-3-70b-instruct",
        hfModelId: "meta-llama/Meta-Llama-3-70B-Instruct",
        parametersBillions: 70.6,
        layers: 80,
        attentionHeads: 64,
        kvHeads: 8,
        headDim: 128,
        contextLength: 8192,
        weights: bf16(70.6),
        gated: true,
        license: "llama3",
        engines: ALL,
        supersededBy: "llama-3.3-70b-instruct",
        startupHealthCheckTimeoutSeconds: 1800,
        defaults: {
            aws: { engine: "vllm", instanceType: "ml.p4d.24xlarge", maxTotalTokens: 8192 },
            "aws-us-gov": { engine: "vllm", instanceType: "ml.p4d.24xlarge", maxTotalTokens: 8192 },
        },
    },
];

const BY_ID = new Map(MODELS.map((m) => [m.id, m]));

export function findModel(id: string): ModelSpec | undefined {
    return BY_ID.get(id);
}

export const MODEL_IDS = MODELS.map((m) => m.id);

/** The deployment name a model entry gets when it names none: the catalog id, dots as dashes (SageMaker names allow no dots). */
export function defaultDeploymentName(catalogId: string): string {
    return catalogId.replace(/[^a-zA-Z0-9-]/g, "-");
}

/** A catalog entry by catalog id, or by its Hugging Face repository id (case-insensitive). */
export function findModelByIdOrHubId(idOrHubId: string): ModelSpec | undefined {
    const lower = idOrHubId.toLowerCase();
    return findModel(idOrHubId) ?? MODELS.find((m) => m.hfModelId.toLowerCase() === lower);
}

/** The weights' format when served: the stored format, or every part in the quantized format. */
export function servedWeights(model: ModelSpec, quantizedAs?: WeightFormat): WeightPart[] {
    return quantizedAs ? [{ billions: model.parametersBillions, format: quantizedAs }] : model.weights;
}

/** GiB of GPU memory weights occupy. */
export function weightsGiB(parts: WeightPart[]): number {
    return parts.reduce((sum, p) => sum + p.billions * 1e9 * BYTES_PER_PARAMETER[p.format], 0) / 2 ** 30;
}

/** `8.03B × 2 bytes (bfloat16)`, part by part. */
export function weightsReckoning(parts: WeightPart[]): string {
    return parts.map((p) => `${p.billions}B × ${+BYTES_PER_PARAMETER[p.format].toFixed(4)} bytes (${p.format})`).join(" + ");
}

/** Whether a model's stored weights are already quantized (not 16-bit). */
export function isPreQuantized(model: ModelSpec): boolean {
    return model.weights.some((p) => p.format !== "bfloat16" && p.format !== "float16");
}
