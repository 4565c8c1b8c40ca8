/**
 * Catalog of open-weight LLMs this project knows how to host with TGI, and the sizing arithmetic
 * shared by the settings validation and the policy pack.
 *
 * Sources (per model: the Hugging Face model card and its `config.json`: parameter count from the
 * safetensors metadata shown on the card, `num_attention_heads` (Falcon-7B: `n_head`),
 * `max_position_embeddings` (Falcon: the 2048-token sequence length of the card / FalconConfig
 * default), and whether the repository is gated):
 * - tiiuae/falcon-7b-instruct (7.22B, 71 heads), tiiuae/falcon-40b-instruct (41.8B, 128 heads,
 *   8 KV heads); Apache-2.0, not gated
 * - mistralai/Mistral-7B-Instruct-v0.2 (7.24B, 32 heads, 32768), mistralai/Mixtral-8x7B-Instruct-v0.1
 *   (46.7B, 32 heads, 32768; config.json at huggingface.co/mistralai/Mixtral-8x7B-Instruct-v0.1);
 *   Apache-2.0, gated (contact sharing)
 * - meta-llama/Llama-2-{7b,13b,70b}-chat-hf (6.74B/13.0B/69.0B; 32/40/64 heads; 4096; licence
 *   "llama2"), meta-llama/Meta-Llama-3-{8B,70B}-Instruct (8.03B/70.6B; 32/64 heads, 8 KV heads;
 *   8192; licence "llama3"); gated (Meta licence)
 * Instance recommendations: the Hugging Face blog "Llama 2 on Amazon SageMaker a Benchmark" (7B/13B on ml.g5.2xlarge
 * with GPTQ, 13B on ml.g5.12xlarge, 70B on ml.p4d.24xlarge); the GovCloud Falcon-40B default is
 * the AWS GovCloud sample's (aws-samples/generative-ai-cdk-constructs-samples,
 * samples/llm-on-govcloud-sagemaker: ml.g4dn.12xlarge, HF_MODEL_QUANTIZE=bitsandbytes-nf4,
 * SM_NUM_GPUS=4, MAX_INPUT_LENGTH=1024, MAX_TOTAL_TOKENS=2048, 900 s health check, TGI 1.0.3).
 * GovCloud defaults use ml.g4dn only: it is the one GPU family confirmed for SageMaker hosting
 * there (./instances.ts). The 40B-70B models follow the sample's pattern (4x T4, NF4 weights):
 * 4-bit weights × 1.2 fit in 64 GiB, which the sizing rule below checks; this is a sizing
 * argument, not a tested deployment.
 * Sizing rule: weights ≈ parameters × bytes per parameter, with 1.2× headroom for the runtime (a rule
 * of thumb, not a measured figure; it does not count the KV cache).
 */
import { PartitionId } from "./partitions";

/** TGI `HF_MODEL_QUANTIZE` values that quantize unquantized weights while loading. */
export type OnTheFlyQuantization = "bitsandbytes" | "bitsandbytes-nf4" | "bitsandbytes-fp4" | "eetq" | "fp8";
/** Values that need weights already quantized in that format (not the case for this catalog). */
export type PreQuantizedFormat = "awq" | "gptq" | "marlin" | "exl2" | "compressed-tensors";
export type Quantization = OnTheFlyQuantization | PreQuantizedFormat;

/** Bytes each parameter occupies in GPU memory: the storage size of its number format. */
export const BYTES_PER_PARAMETER: Record<Quantization | "float16" | "bfloat16", number> = {
    float16: 2,
    bfloat16: 2,
    bitsandbytes: 1,
    eetq: 1,
    fp8: 1,
    "bitsandbytes-nf4": 0.5,
    "bitsandbytes-fp4": 0.5,
    awq: 0.5,
    gptq: 0.5,
    marlin: 0.5,
    exl2: 0.5,
    "compressed-tensors": 0.5,
};

export const ON_THE_FLY_QUANTIZATIONS: OnTheFlyQuantization[] = ["bitsandbytes", "bitsandbytes-nf4", "bitsandbytes-fp4", "eetq", "fp8"];
export const PRE_QUANTIZED_FORMATS: PreQuantizedFormat[] = ["awq", "gptq", "marlin", "exl2", "compressed-tensors"];

/**
 * Tag on each SageMaker Model naming its catalog entry, so the policy pack can size a model whose
 * weights come from S3 (HF_MODEL_ID is then a local path).
 */
export const MODEL_TAG_KEY = "sagemaker-llm:model";

/** Headroom the SageMaker SDK's ModelBuilder adds over the weights. */
export const DEFAULT_MEMORY_HEADROOM = 1.2;

export interface PartitionModelDefaults {
    instanceType: string;
    /** SM_NUM_GPUS; defaults to the instance's GPU count. */
    numGpus?: number;
    quantize?: OnTheFlyQuantization;
    /** TGI release; defaults to images.DEFAULT_TGI_VERSION. */
    tgiVersion?: string;
}

export interface ModelSpec {
    /** Catalog key used in stack settings. */
    id: string;
    /** Short alphanumeric name used in resource names, e.g. `Falcon40B`. */
    shortName: string;
    /** Hugging Face Hub repository. */
    hfModelId: string;
    parametersBillions: number;
    /** Tensor-parallel degree (SM_NUM_GPUS) must divide this. */
    attentionHeads: number;
    defaultDtype: "float16" | "bfloat16";
    /** Gated on the Hub: downloading needs an access token. */
    gated: boolean;
    license: string;
    contextLength: number;
    maxInputTokens: number;
    maxTotalTokens: number;
    /** Seconds SageMaker waits for the container to pass /ping (weights load within it). */
    startupHealthCheckTimeoutSeconds: number;
    defaults: Record<PartitionId, PartitionModelDefaults>;
}

export const MODELS: ModelSpec[] = [
    {
        id: "falcon-7b-instruct",
        shortName: "Falcon7B",
        hfModelId: "tiiuae/falcon-7b-instruct",
        parametersBillions: 7.22,
        attentionHeads: 71, // prime: Falcon-7B cannot be sharded across GPUs
        defaultDtype: "bfloat16",
        gated: false,
        license: "apache-2.0",
        contextLength: 2048,
        maxInputTokens: 1024,
        maxTotalTokens: 2048,
        startupHealthCheckTimeoutSeconds: 600,
        defaults: {
            aws: { instanceType: "ml.g5.2xlarge" },
            // 7.22B × 2 bytes × 1.2 exceeds one 16 GiB T4; int8 fits.
            "aws-us-gov": { instanceType: "ml.g4dn.2xlarge", quantize: "bitsandbytes" },
        },
    },
    {
        id: "falcon-40b-instruct",
        shortName: "Falcon40B",
        hfModelId: "tiiuae/falcon-40b-instruct",
        parametersBillions: 41.8,
        attentionHeads: 128,
        defaultDtype: "bfloat16",
        gated: false,
        license: "apache-2.0",
        contextLength: 2048,
        maxInputTokens: 1024,
        maxTotalTokens: 2048,
        startupHealthCheckTimeoutSeconds: 900,
        defaults: {
            aws: { instanceType: "ml.g5.12xlarge" },
            // The AWS GovCloud sample's configuration.
            "aws-us-gov": { instanceType: "ml.g4dn.12xlarge", numGpus: 4, quantize: "bitsandbytes-nf4", tgiVersion: "1.0.3" },
        },
    },
    {
        id: "mistral-7b-instruct",
        shortName: "Mistral7B",
        hfModelId: "mistralai/Mistral-7B-Instruct-v0.2",
        parametersBillions: 7.24,
        attentionHeads: 32,
        defaultDtype: "bfloat16",
        gated: true,
        license: "apache-2.0",
        contextLength: 32768,
        maxInputTokens: 4096,
        maxTotalTokens: 8192,
        startupHealthCheckTimeoutSeconds: 600,
        defaults: {
            aws: { instanceType: "ml.g5.2xlarge" },
            "aws-us-gov": { instanceType: "ml.g4dn.12xlarge" },
        },
    },
    {
        id: "mixtral-8x7b-instruct",
        shortName: "Mixtral8x7B",
        hfModelId: "mistralai/Mixtral-8x7B-Instruct-v0.1",
        parametersBillions: 46.7,
        attentionHeads: 32,
        defaultDtype: "bfloat16",
        gated: true,
        license: "apache-2.0",
        contextLength: 32768,
        maxInputTokens: 4096,
        maxTotalTokens: 8192,
        startupHealthCheckTimeoutSeconds: 1800,
        defaults: {
            aws: { instanceType: "ml.g5.48xlarge" },
            // ml.p4d is not confirmed for GovCloud hosting; 4-bit on 4x T4 as in the GovCloud sample.
            "aws-us-gov": { instanceType: "ml.g4dn.12xlarge", numGpus: 4, quantize: "bitsandbytes-nf4" },
        },
    },
    {
        id: "llama-2-7b-chat",
        shortName: "Llama2x7B",
        hfModelId: "meta-llama/Llama-2-7b-chat-hf",
        parametersBillions: 6.74,
        attentionHeads: 32,
        defaultDtype: "float16",
        gated: true,
        license: "llama2",
        contextLength: 4096,
        maxInputTokens: 2048,
        maxTotalTokens: 4096,
        startupHealthCheckTimeoutSeconds: 600,
        defaults: {
            aws: { instanceType: "ml.g5.2xlarge" },
            "aws-us-gov": { instanceType: "ml.g4dn.12xlarge" },
        },
    },
    {
        id: "llama-2-13b-chat",
        shortName: "Llama2x13B",
        hfModelId: "meta-llama/Llama-2-13b-chat-hf",
        parametersBillions: 13.0,
        attentionHeads: 40,
        defaultDtype: "float16",
        gated: true,
        license: "llama2",
        contextLength: 4096,
        maxInputTokens: 2048,
        maxTotalTokens: 4096,
        startupHealthCheckTimeoutSeconds: 900,
        defaults: {
            aws: { instanceType: "ml.g5.12xlarge" },
            "aws-us-gov": { instanceType: "ml.g4dn.12xlarge" },
        },
    },
    {
        id: "llama-2-70b-chat",
        shortName: "Llama2x70B",
        hfModelId: "meta-llama/Llama-2-70b-chat-hf",
        parametersBillions: 69.0,
        attentionHeads: 64,
        defaultDtype: "float16",
        gated: true,
        license: "llama2",
        contextLength: 4096,
        maxInputTokens: 2048,
        maxTotalTokens: 4096,
        startupHealthCheckTimeoutSeconds: 1800,
        defaults: {
            aws: { instanceType: "ml.g5.48xlarge" },
            // ml.p4d is not confirmed for GovCloud hosting; 4-bit on 4x T4 as in the GovCloud sample.
            "aws-us-gov": { instanceType: "ml.g4dn.12xlarge", numGpus: 4, quantize: "bitsandbytes-nf4" },
        },
    },
    {
        id: "llama-3-8b-instruct",
        shortName: "Llama3x8B",
        hfModelId: "meta-llama/Meta-Llama-3-8B-Instruct",
        parametersBillions: 8.03,
        attentionHeads: 32,
        defaultDtype: "bfloat16",
        gated: true,
        license: "llama3",
        contextLength: 8192,
        maxInputTokens: 4096,
        maxTotalTokens: 8192,
        startupHealthCheckTimeoutSeconds: 600,
        defaults: {
            aws: { instanceType: "ml.g5.2xlarge" },
            "aws-us-gov": { instanceType: "ml.g4dn.12xlarge" },
        },
    },
    {
        id: "llama-3-70b-instruct",
        shortName: "Llama3x70B",
        hfModelId: "meta-llama/Meta-Llama-3-70B-Instruct",
        parametersBillions: 70.6,
        attentionHeads: 64,
        defaultDtype: "bfloat16",
        gated: true,
        license: "llama3",
        contextLength: 8192,
        maxInputTokens: 4096,
        maxTotalTokens: 8192,
        startupHealthCheckTimeoutSeconds: 1800,
        defaults: {
            aws: { instanceType: "ml.p4d.24xlarge" },
            // ml.p4d is not confirmed for GovCloud hosting; 4-bit on 4x T4 as in the GovCloud sample.
            "aws-us-gov": { instanceType: "ml.g4dn.12xlarge", numGpus: 4, quantize: "bitsandbytes-nf4" },
        },
    },
];

const BY_ID = new Map(MODELS.map((m) => [m.id, m]));

export function findModel(id: string): ModelSpec | undefined {
    return BY_ID.get(id);
}

export const MODEL_IDS = MODELS.map((m) => m.id);

/** A catalog entry by catalog id, or by its Hugging Face repository id (case-insensitive). */
export function findModelByIdOrHubId(idOrHubId: string): ModelSpec | undefined {
    const lower = idOrHubId.toLowerCase();
    return findModel(idOrHubId) ?? MODELS.find((m) => m.hfModelId.toLowerCase() === lower);
}

/** GiB of GPU memory the weights occupy for a parameter count and precision. */
export function weightsGiB(parametersBillions: number, precision: Quantization | "float16" | "bfloat16"): number {
    return (parametersBillions * 1e9 * BYTES_PER_PARAMETER[precision]) / 2 ** 30;
}

export interface MemoryFit {
    weightsGiB: number;
    requiredGiB: number;
    availableGiB: number;
    fits: boolean;
}

/** Whether weights × headroom fit in the GPU memory of the GPUs the model is sharded over. */
export function memoryFit(
    parametersBillions: number,
    precision: Quantization | "float16" | "bfloat16",
    gpuMemoryGiB: number,
    numGpus: number,
    headroom = DEFAULT_MEMORY_HEADROOM,
): MemoryFit {
    const weights = weightsGiB(parametersBillions, precision);
    const required = weights * headroom;
    const available = gpuMemoryGiB * numGpus;
    return { weightsGiB: weights, requiredGiB: required, availableGiB: available, fits: required <= available };
}
