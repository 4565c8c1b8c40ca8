/**
 * A served model's weights fit the GPU memory it is sharded over: parameters × bytes per parameter
 * (for HF_MODEL_QUANTIZE, else DTYPE, else the model's default dtype) × headroom must not exceed
 * SM_NUM_GPUS × the instance type's per-GPU memory. The arithmetic is stacks/models.ts `memoryFit`,
 * the same the program's settings validation uses.
 */
import { findInstanceType } from "../../stacks/instances";
import { BYTES_PER_PARAMETER, DEFAULT_MEMORY_HEADROOM, memoryFit } from "../../stacks/models";
import { stackGuardrail } from "../lib/guardrail";
import { envValue, identifyModel, ModelIdentity, servedContainers, unidentifiedModelReason } from "../lib/instancesServing";
import { Deferrals, UNKNOWN } from "../lib/values";

export type Precision = keyof typeof BYTES_PER_PARAMETER;

export interface FitQuestion {
    model: ModelIdentity;
    instanceType: string;
    /** SM_NUM_GPUS as set; unset: TGI runs one shard. */
    smNumGpus?: string;
    quantize?: string;
    dtype?: string;
    headroom: number;
}

const isPrecision = (value: string): value is Precision => Object.prototype.hasOwnProperty.call(BYTES_PER_PARAMETER, value);

/** Why the weights do not fit (with the numbers), or undefined when they fit or SM_NUM_GPUS is invalid (sm-num-gpus-within-instance reports that). */
export function checkWeightsFit(q: FitQuestion): string | undefined {
    const type = findInstanceType(q.instanceType);
    if (!type) return `is not in stacks/instances.ts, so its GPU memory is unknown and ${q.model.label} cannot be sized`;
    if (type.gpuCount === 0) return `has no GPUs; ${q.model.label} needs GPU memory`;
    let precision: Precision;
    if (q.quantize !== undefined && q.quantize !== "") {
        if (!isPrecision(q.quantize))
            return `cannot be sized for HF_MODEL_QUANTIZE = "${q.quantize}", which is not a quantization in stacks/models.ts BYTES_PER_PARAMETER`;
        precision = q.quantize;
    } else if (q.dtype !== undefined && q.dtype !== "") {
        if (!isPrecision(q.dtype)) return `cannot be sized for DTYPE = "${q.dtype}", which is not a dtype in stacks/models.ts BYTES_PER_PARAMETER`;
        precision = q.dtype;
    } else {
        precision = q.model.spec?.defaultDtype ?? "float16";
    }
    if (q.smNumGpus !== undefined && !/^\s*\d+\s*$/.test(q.smNumGpus)) return undefined;
    const requested = q.smNumGpus === undefined ? 1 : Math.max(1, Number(q.smNumGpus));
    const gpus = Math.min(requested, type.gpuCount);
    const fit = memoryFit(q.model.parametersBillions, precision, type.gpuMemoryGiB, gpus, q.headroom);
    if (fit.fits) return undefined;
    const shards = q.smNumGpus === undefined ? "SM_NUM_GPUS unset (1 shard)" : `SM_NUM_GPUS=${q.smNumGpus}`;
    return (
        `is too small for ${q.model.label} in ${precision} (${BYTES_PER_PARAMETER[precision]} bytes/parameter): it needs ~${fit.requiredGiB.toFixed(1)} GiB ` +
        `(${fit.weightsGiB.toFixed(1)} GiB weights × ${q.headroom} headroom) but ${shards} gives ${gpus} × ${type.gpuMemoryGiB} GiB = ${fit.availableGiB} GiB`
    );
}

const REMEDIATION =
    "Choose an instance type with more GPU memory, raise SM_NUM_GPUS up to the instance's GPU count (models[].numGpus), or quantize " +
    "(HF_MODEL_QUANTIZE, models[].quantize); for weights from S3, make the model known to the policy (modelParameters config or the sagemaker-llm:model tag).";

interface FitConfig {
    memoryHeadroom?: number;
    modelParameters?: Record<string, number>;
}

export const modelFitsGpuMemory = stackGuardrail(
    {
        name: "model-fits-gpu-memory",
        description: "A served model's weights (parameters × bytes per parameter × headroom) fit the GPU memory of the SM_NUM_GPUS GPUs of its instance type.",
        enforcementLevel: "mandatory",
        configSchema: {
            properties: {
                memoryHeadroom: {
                    type: "number",
                    minimum: 1,
                    default: DEFAULT_MEMORY_HEADROOM,
                    description: "Factor over the weights' size that must fit in GPU memory (the SageMaker SDK's ModelBuilder uses 1.2).",
                },
                modelParameters: {
                    type: "object",
                    additionalProperties: { type: "number", minimum: 0 },
                    default: {},
                    description:
                        "Parameter counts (billions) of models the catalog does not name: by deployment name or Model resource name (weights from S3), by sagemaker-llm:model tag value, or by Hugging Face Hub id.",
                },
            },
        },
        family: "instances",
        remediation: REMEDIATION,
        controls: ["SA-8", "SC-5", "CM-6", "CP-2(2)"],
        unknowns: "deferred",
        rationale:
            "Weights that do not fit the GPUs make the container fail to load and the endpoint never becomes healthy; sizing before deployment avoids hours-long failed rollouts on scarce GPU quota.",
    },
    (args, reportViolation) => {
        const config = args.getConfig<FitConfig>();
        const headroom = config.memoryHeadroom ?? DEFAULT_MEMORY_HEADROOM;
        const modelParameters = config.modelParameters ?? {};
        const deferrals = new Deferrals();
        for (const { config: endpointConfig, variant, instanceType, model, container } of servedContainers(args.resources, deferrals)) {
            const hfModelId = envValue(model, container, "HF_MODEL_ID", deferrals);
            if (hfModelId === UNKNOWN || hfModelId === undefined) continue; // not a TGI container
            const values = ["SM_NUM_GPUS", "HF_MODEL_QUANTIZE", "DTYPE"].map((k) => envValue(model, container, k, deferrals));
            if (values.includes(UNKNOWN)) continue;
            const [smNumGpus, quantize, dtype] = values as (string | undefined)[];
            const identity = identifyModel(model, hfModelId, modelParameters);
            if (!identity) {
                deferrals.add(
                    model.name,
                    `${container.path}.environment.HF_MODEL_ID`,
                    undefined,
                    `model not determined: ${unidentifiedModelReason(model, hfModelId)}`,
                );
                continue;
            }
            const problem = checkWeightsFit({ model: identity, instanceType, smNumGpus, quantize, dtype, headroom });
            if (problem) {
                reportViolation(
                    `${endpointConfig.name}: ${variant.list}[${variant.index}].instanceType = "${instanceType}" ${problem} (model ${model.name}). ${REMEDIATION}`,
                    endpointConfig.urn,
                );
            }
        }
        deferrals.settle();
    },
);
