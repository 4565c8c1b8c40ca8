/**
 * A served model fits the GPU memory it is sharded over: weights + KV cache for the context it is
 * configured for and the concurrency it is sized for + the engine allowance, against the engine's
 * share of the tensor-parallel GPUs' memory. The arithmetic is ../catalog/sizing.ts, the same the
 * program's settings validation uses; each engine's variables come from ../catalog/engines.ts.
 */
import { Engine } from "../catalog/engines";
import { findInstanceType, InstanceType } from "../catalog/instances";
import {
    BYTES_PER_PARAMETER,
    CONCURRENCY_TAG_KEY,
    QUANTIZED_FORMAT,
    servedWeights,
    WeightFormat,
    WeightPart,
    weightsGiB,
    weightsReckoning,
} from "../catalog/models";
import { sizeDeployment, Sizing, WEIGHTS_BUFFER } from "../catalog/sizing";
import { stackGuardrail } from "../lib/guardrail";
import { engineOf, envValue, identifyModel, tagValue, ModelIdentity, servedContainers, unidentifiedModelReason } from "../lib/instancesServing";
import { Deferrals, UNKNOWN } from "../lib/values";

export interface FitQuestion {
    model: ModelIdentity;
    engine: Engine;
    instanceType: string;
    /** The engine's variables as set (undefined: unset, the engine's default applies). */
    tensorParallel?: string;
    contextLength?: string;
    quantization?: string;
    memoryFraction?: string;
    concurrentRequests: number;
}

const isWeightFormat = (value: string): value is WeightFormat => Object.prototype.hasOwnProperty.call(BYTES_PER_PARAMETER, value);
const wholeNumber = (value: string | undefined): value is string => value !== undefined && /^\s*\d+\s*$/.test(value);

/**
 * vLLM's names for kernels of pre-quantized checkpoints (vllm-project/vllm
 * vllm/model_executor/layers/quantization/__init__.py): the same stored formats as awq and gptq.
 */
const CHECKPOINT_FORMAT_ALIASES: Record<string, WeightFormat> = { awq_marlin: "awq", gptq_marlin: "gptq" };

function quantizedFormat(q: FitQuestion): WeightFormat | undefined {
    const quantization = q.quantization?.trim();
    if (!quantization) return undefined;
    return QUANTIZED_FORMAT[q.engine.id][quantization] ?? CHECKPOINT_FORMAT_ALIASES[quantization] ?? (isWeightFormat(quantization) ? quantization : undefined);
}

/**
 * Why the weights' size cannot be reckoned (a quantization whose bytes per parameter are not on
 * record, e.g. compressed-tensors, which holds several formats): the policy then reports that the
 * model cannot be sized, on the model, instead of guessing.
 */
export function unsizedQuantization(q: FitQuestion): string | undefined {
    const quantization = q.quantization?.trim();
    if (!quantization || quantizedFormat(q)) return undefined;
    return `${q.engine.variables.quantization} = "${quantization}" is a quantization whose size the pack's model catalog does not record for ${q.engine.label}`;
}

/** The weights as served: stored format, or the engine's quantization (on-the-fly or a named checkpoint format). */
function servedParts(q: FitQuestion): WeightPart[] {
    const parts: WeightPart[] = q.model.spec ? q.model.spec.weights : [{ billions: q.model.parametersBillions, format: "bfloat16" }];
    const format = quantizedFormat(q);
    if (!format) return parts;
    return q.model.spec ? servedWeights(q.model.spec, format) : [{ billions: q.model.parametersBillions, format }];
}

/** The arithmetic behind a fit judgement, with the engine settings it resolved. */
export interface FitSizing {
    sizing: Sizing;
    instance: InstanceType;
    /** GPUs the model is sharded over: the tensor-parallel degree (as set, or the engine's default) up to the instance's GPUs. */
    gpus: number;
    /** The degree set or defaulted, before the cap at the instance's GPUs. */
    requested: number;
    memoryFraction: number;
    /** Tokens of one request: the engine's setting, else the catalog's context; undefined without KV facts. */
    contextLength?: number;
}

/**
 * The sizing of a fit question: a reason string when the instance type cannot be sized (not in the
 * catalog, no GPUs), undefined when a value is invalid (other policies report those) or the weights
 * cannot be sized (`unsizedQuantization`). The offline plan prints it per model.
 */
export function sizeFit(q: FitQuestion): FitSizing | string | undefined {
    if (unsizedQuantization(q)) return undefined;
    const type: InstanceType | undefined = findInstanceType(q.instanceType);
    if (!type) return `is not in the pack's instance catalog, so its GPU memory is unknown and ${q.model.label} cannot be sized`;
    if (type.gpuCount === 0) return `has no GPUs; ${q.model.label} needs GPU memory`;
    if (q.tensorParallel !== undefined && !wholeNumber(q.tensorParallel)) return undefined;
    // Unset: vLLM and SGLang use one GPU; TGI shards over every GPU it sees.
    const requested = q.tensorParallel !== undefined ? Math.max(1, Number(q.tensorParallel)) : q.engine.id === "tgi" ? type.gpuCount : 1;
    const gpus = Math.min(requested, type.gpuCount);
    const parts = servedParts(q);
    // Unset (NaN), zero or negative: the engine's default.
    const fraction = Number(q.memoryFraction) > 0 ? Number(q.memoryFraction) : q.engine.defaultMemoryFraction;
    const spec = q.model.spec;
    const context = wholeNumber(q.contextLength) ? Number(q.contextLength) : spec?.contextLength;
    const sizing = sizeDeployment({
        label: q.model.label,
        weightsGiB: weightsGiB(parts),
        weightsReckoning: weightsReckoning(parts),
        // A model known only by its parameter count has no KV facts: weights and allowance only.
        layers: spec?.layers ?? 0,
        kvHeads: spec?.kvHeads ?? 0,
        headDim: spec?.headDim ?? 0,
        instance: type,
        tensorParallel: gpus,
        contextLength: context ?? 0,
        concurrentRequests: q.concurrentRequests,
        memoryFraction: fraction,
    });
    return { sizing, instance: type, gpus, requested, memoryFraction: fraction, contextLength: context };
}

/**
 * Why the model does not fit (with the arithmetic), or undefined when it fits, a value is invalid
 * (other policies report those) or the weights cannot be sized (`unsizedQuantization`).
 */
export function checkModelFits(q: FitQuestion): string | undefined {
    const fit = sizeFit(q);
    if (fit === undefined || typeof fit === "string") return fit;
    const { sizing, requested, memoryFraction: fraction, contextLength: context } = fit;
    if (sizing.fits) return undefined;
    const v = q.engine.variables;
    const spec = q.model.spec;
    const settings = [
        `${v.tensorParallel}=${q.tensorParallel ?? `unset (${requested})`}`,
        `${v.contextLength}=${q.contextLength ?? `unset (${context ?? "no KV facts"})`}`,
        `${v.memoryFraction}=${q.memoryFraction ?? `unset (${fraction})`}`,
    ].join(", ");
    return (
        `is too small for ${q.model.label} on ${q.engine.label} (${settings}, ${q.concurrentRequests} concurrent full-context requests): ` +
        `${sizing.requiredGiB.toFixed(1)} GiB needed, ${sizing.availableGiB.toFixed(1)} GiB available [${sizing.lines.map((l) => l.replace(/\s+/g, " ")).join("; ")}]` +
        (spec ? "" : ` (no KV-cache facts for a model known only by its parameter count; weights × ${1 + WEIGHTS_BUFFER} only)`)
    );
}

const SIZE_REMEDIATION =
    "Make the model's size known to the policy: its catalog id in the model's sagemaker-llm:model tag, or its parameter count (billions) in this policy's modelParameters config; " +
    "a quantization whose bytes per parameter are not on record is not sized (serve an unquantized or catalog-quantized checkpoint, or waive the finding for this model).";

const REMEDIATION =
    "Choose an instance type with more GPU memory, raise the tensor-parallel degree up to the instance's GPU count, " +
    "quantize, or shorten the context (the engine variables above); for weights from S3, make the model known to the policy " +
    "(modelParameters config or the sagemaker-llm:model tag).";

interface FitConfig {
    modelParameters: Record<string, number>;
}

export const sagemakerModelFitsGpuMemory = stackGuardrail(
    {
        name: "sagemaker-model-fits-gpu-memory",
        description:
            "A served model's weights, KV cache (context × concurrency) and engine allowance fit the engine's share of the memory of the GPUs it is sharded over.",
        enforcementLevel: "mandatory",
        severity: "medium",
        url: "https://docs.djl.ai/docs/serving/serving/docs/lmi/deployment_guide/instance-type-selection.html",
        configSchema: {
            properties: {
                modelParameters: {
                    type: "object",
                    additionalProperties: { type: "number", minimum: 0 },
                    default: {},
                    description:
                        "Parameter counts (billions) of models the catalog does not name: by deployment name or Model resource name (weights from S3), by sagemaker-llm:model tag value, or by Hugging Face Hub id. Such models are sized by their weights only.",
                },
            },
        },
        family: "instances",
        remediationSteps: REMEDIATION,
        inThisProgram: "set models[].instanceType, numGpus, quantize or maxTotalTokens in the stack's settings.",
        controls: ["SA-8", "SC-5", "CM-6", "CP-2(2)"],
        unknowns: "deferred",
        rationale:
            "A model that does not fit its GPUs, with the KV cache its context needs, fails to load or runs out of memory under load; sizing before deployment avoids hours-long failed rollouts on scarce GPU quota.",
    },
    (args, reportViolation) => {
        const config = args.getConfig<FitConfig>();
        const modelParameters = config.modelParameters;
        const deferrals = new Deferrals();
        for (const { config: endpointConfig, variant, instanceType, model, container } of servedContainers(args.resources, deferrals)) {
            const engine = engineOf(container);
            if (!engine) continue; // not a serving engine this pack knows
            const v = engine.variables;
            const modelId = envValue(model, container, v.model, deferrals);
            if (modelId === UNKNOWN) continue;
            // SGLang reads /opt/ml/model when its model variable is unset; other engines' newer
            // entrypoints fall back on HF_MODEL_ID or /opt/ml/model, which says no more.
            const modelRef = modelId ?? (engine.id === "sglang" ? "/opt/ml/model" : undefined);
            // What the pack cannot size is reported as such (a known fact, not a value unknown in preview).
            const unsizable = (path: string, why: string) =>
                reportViolation(
                    `${model.name}: ${path}: ${why}, so the pack cannot tell whether the model fits ${variant.label}.instanceType = "${instanceType}" of ${endpointConfig.name}. ${SIZE_REMEDIATION}`,
                    model.urn,
                );
            if (modelRef === undefined) {
                unsizable(`${container.path}.environment.${v.model}`, `${v.model} is not set, so the model is not determined`);
                continue;
            }
            const values = [v.tensorParallel, v.contextLength, v.quantization, v.memoryFraction].map((k) =>
                k ? envValue(model, container, k, deferrals) : undefined,
            );
            if (values.includes(UNKNOWN)) continue;
            const [tensorParallel, contextLength, quantization, memoryFraction] = values as (string | undefined)[];
            const identity = identifyModel(model, modelRef, modelParameters, v.model);
            if (!identity) {
                unsizable(`${container.path}.environment.${v.model}`, unidentifiedModelReason(model, modelRef, v.model));
                continue;
            }
            // The program tags the concurrency it sized for; any other program is held to what an
            // engine needs to start: one request of the full context.
            const tagged = Number(tagValue(model.props, CONCURRENCY_TAG_KEY));
            const concurrentRequests = Number.isInteger(tagged) && tagged > 0 ? tagged : 1;
            const question = { model: identity, engine, instanceType, tensorParallel, contextLength, quantization, memoryFraction, concurrentRequests };
            const unsized = unsizedQuantization(question);
            if (unsized) {
                unsizable(`${container.path}.environment.${v.quantization}`, unsized);
                continue;
            }
            const problem = checkModelFits(question);
            if (problem) {
                reportViolation(
                    `${endpointConfig.name}: ${variant.label}.instanceType = "${instanceType}" ${problem} (model ${model.name}). ${REMEDIATION}`,
                    endpointConfig.urn,
                );
            }
        }
        deferrals.settle();
    },
);
