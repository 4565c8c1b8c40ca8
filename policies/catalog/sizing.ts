/**
 * Whether a model fits the GPUs it is sharded over, counting what the engine keeps in GPU memory:
 * the weights, the KV cache for the configured context and concurrency, and an allowance for the
 * engine's own use (activations, CUDA graphs), against the share of GPU memory the engine may use.
 * The settings validation, the policy pack's sagemaker-model-fits-gpu-memory and the offline plan print the
 * same arithmetic.
 *
 * Sources:
 * - Weights: parameters × bytes per parameter of their stored or quantized format (./models.ts).
 * - KV cache per token: 2 (key and value) × layers × KV heads × head size × bytes per element
 *   (2 for float16/bfloat16), the layout of vLLM's paged KV cache (vllm-project/vllm
 *   vllm/v1/kv_cache_interface.py `AttentionSpec.page_size_bytes`: 2 × block_size ×
 *   num_kv_heads × head_size × dtype size, per layer). Every layer is counted at the full context,
 *   an upper bound for models whose sliding-window layers keep only the window.
 * - KV heads under tensor parallelism: each GPU holds at least one KV head, so a degree above the
 *   KV heads replicates them (vllm-project/vllm vllm/config/model.py `get_num_kv_heads`:
 *   `max(1, total_num_kv_heads // tensor_parallel_size)` per GPU).
 * - Tensor parallelism must divide the attention heads, and the KV heads must divide it or it them
 *   (vllm-project/vllm model code, e.g. vllm/model_executor/models/llama.py: `assert
 *   self.total_num_kv_heads % tp_size == 0` or `tp_size % self.total_num_kv_heads == 0`).
 * - Engine allowance: 20% of the weights, the buffer the SageMaker Python SDK adds when it sizes a
 *   model for an instance (aws/sagemaker-python-sdk sagemaker-serve/src/sagemaker/serve/utils/
 *   hardware_detector.py `MEMORY_BUFFER_MULTIPLIER = 1.2  # 20% buffer`). A rule of thumb, not a
 *   measurement.
 * - Memory share: the engine's memory setting (vLLM --gpu-memory-utilization, SGLang
 *   --mem-fraction-static, TGI --cuda-memory-fraction; ./engines.ts).
 */
import { InstanceType } from "./instances";

/** The buffer over the weights (aws/sagemaker-python-sdk hardware_detector.py MEMORY_BUFFER_MULTIPLIER). */
export const WEIGHTS_BUFFER = 0.2;
/** Bytes of one KV-cache element (float16/bfloat16 cache). */
export const KV_BYTES_PER_ELEMENT = 2;
const GiB = 2 ** 30;

export interface SizingQuestion {
    /** For messages: `meta-llama/Llama-3.1-8B-Instruct`. */
    label: string;
    /** GiB of the weights in the format they are served in. */
    weightsGiB: number;
    /** How the weights' size was reckoned, for the printed arithmetic: `8.03B × 2 bytes (bfloat16)`. */
    weightsReckoning: string;
    layers: number;
    kvHeads: number;
    headDim: number;
    instance: InstanceType;
    tensorParallel: number;
    /** Tokens of one request: prompt plus generated. */
    contextLength: number;
    /** Requests of full context length the KV cache must hold at once. */
    concurrentRequests: number;
    /** Share of each GPU's memory the engine may use. */
    memoryFraction: number;
}

export interface Sizing {
    weightsGiB: number;
    /** Bytes per token of context across all GPUs. */
    kvBytesPerToken: number;
    kvCacheGiB: number;
    engineAllowanceGiB: number;
    requiredGiB: number;
    availableGiB: number;
    fits: boolean;
    /** The arithmetic, one line per term, for the plan and error messages. */
    lines: string[];
}

/** KV-cache bytes per token of context across `tensorParallel` GPUs. */
export function kvBytesPerToken(layers: number, kvHeads: number, headDim: number, tensorParallel: number): number {
    return 2 * layers * Math.max(kvHeads, tensorParallel) * headDim * KV_BYTES_PER_ELEMENT;
}

export function sizeDeployment(q: SizingQuestion): Sizing {
    const perToken = kvBytesPerToken(q.layers, q.kvHeads, q.headDim, q.tensorParallel);
    const kvCacheGiB = (perToken * q.contextLength * q.concurrentRequests) / GiB;
    const engineAllowanceGiB = q.weightsGiB * WEIGHTS_BUFFER;
    const requiredGiB = q.weightsGiB + kvCacheGiB + engineAllowanceGiB;
    const availableGiB = q.memoryFraction * q.tensorParallel * q.instance.gpuMemoryGiB;
    const kvHeadsHeld = Math.max(q.kvHeads, q.tensorParallel);
    const lines = [
        `weights      ${fmt(q.weightsGiB)} GiB  (${q.weightsReckoning})`,
        `KV cache     ${fmt(kvCacheGiB)} GiB  (2 × ${q.layers} layers × ${kvHeadsHeld} KV heads × ${q.headDim} × ${KV_BYTES_PER_ELEMENT} bytes = ${(perToken / 1024).toFixed(0)} KiB/token × ${q.contextLength} tokens × ${q.concurrentRequests} requests)`,
        `engine       ${fmt(engineAllowanceGiB)} GiB  (${WEIGHTS_BUFFER * 100}% of the weights)`,
        `required     ${fmt(requiredGiB)} GiB`,
        `available    ${fmt(availableGiB)} GiB  (${q.memoryFraction} × ${q.tensorParallel} × ${fmt(q.instance.gpuMemoryGiB)} GiB ${q.instance.gpu?.name ?? "GPU"} on ${q.instance.name})`,
    ];
    return {
        weightsGiB: q.weightsGiB,
        kvBytesPerToken: perToken,
        kvCacheGiB,
        engineAllowanceGiB,
        requiredGiB,
        availableGiB,
        fits: requiredGiB <= availableGiB,
        lines,
    };
}

/**
 * The longest context (a multiple of 1024 tokens) that fits with the rest unchanged, or 0 when even
 * the weights do not fit: the number a refusal suggests.
 */
export function longestFittingContext(q: SizingQuestion): number {
    const s = sizeDeployment({ ...q, contextLength: 0 });
    const spare = s.availableGiB - s.requiredGiB;
    // Stryker disable next-line EqualityOperator: at a spare of exactly 0 the formula below gives 0 too.
    if (spare <= 0) return 0;
    const tokens = (spare * GiB) / (s.kvBytesPerToken * q.concurrentRequests);
    return Math.floor(tokens / 1024) * 1024;
}

/** Why a tensor-parallel degree cannot shard a model, or undefined when it can. */
export function tensorParallelProblem(degree: number, attentionHeads: number, kvHeads: number): string | undefined {
    if (attentionHeads % degree !== 0) return `must divide the model's ${attentionHeads} attention heads`;
    if (kvHeads % degree !== 0 && degree % kvHeads !== 0) return `and the model's ${kvHeads} KV heads must divide each other`;
    return undefined;
}

/** Tensor-parallel degrees up to `max` that shard a model. */
export function validTensorParallelDegrees(attentionHeads: number, kvHeads: number, max: number): number[] {
    const out: number[] = [];
    for (let d = 1; d <= max; d++) if (!tensorParallelProblem(d, attentionHeads, kvHeads)) out.push(d);
    return out;
}

function fmt(n: number): string {
    return n.toFixed(1);
}
