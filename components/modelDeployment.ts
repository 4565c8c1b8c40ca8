/**
 * One model deployment, resolved from plain settings: the catalog model, its engine and release, the
 * instance type, the GPU-memory arithmetic that admits it, and every default (partition, production,
 * egress). LlmEndpoint resolves its own arguments here, so a program in any language gets the same
 * defaults and the same refusals; the stack settings (stacks/settings.ts) resolve each `models`
 * entry here too, so an invalid stack stops before any resource is registered.
 */
import { z } from "zod";
import {
    compareVersions,
    Engine as EngineSpec,
    EngineRelease,
    engineImageUri,
    findEngine,
    findRelease,
    releaseQuantizations,
    releasesFrom,
} from "../policies/catalog/engines";
import { endpointInstanceTypesOffered, findInstanceType, InstanceType } from "../policies/catalog/instances";
import {
    DEFAULT_CONCURRENT_REQUESTS,
    defaultDeploymentName,
    findModel,
    isPreQuantized,
    ModelSpec,
    MODEL_IDS,
    QUANTIZED_FORMAT,
    servedWeights,
    weightsGiB,
    weightsReckoning,
} from "../policies/catalog/models";
import { longestFittingContext, Sizing, SizingQuestion, sizeDeployment, tensorParallelProblem, validTensorParallelDegrees } from "../policies/catalog/sizing";
import { Partition, PartitionId, regionsOf } from "../policies/catalog/partitions";
import { Dtype, Egress, Engine, enumValues, ScalingMetric, WeightsSource } from "./enums";

/** SageMaker endpoint, config, model and notebook names (SageMaker API Reference). */
export const SAGEMAKER_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/;
export const SAGEMAKER_NAME_MAX = 63;
/** A deployment name is followed by `-model-` and an 8-character suffix in resource names. */
export const DEPLOYMENT_NAME_MAX = 40;
/** ContainerStartupHealthCheckTimeoutInSeconds and ModelDataDownloadTimeoutInSeconds bounds. */
export const TIMEOUT_MIN_SECONDS = 60;
export const TIMEOUT_MAX_SECONDS = 3600;
/** ML storage volume bounds (VolumeSizeInGB). */
export const VOLUME_MIN_GB = 1;
export const VOLUME_MAX_GB = 512;

/**
 * How one model is served: every field optional, each with the default the component applies. The
 * same fields make a `models` entry of the stack settings (with `id` and `name`).
 */
export interface ModelSettings {
    /** The serving engine. Default: the catalog's engine for the model in the partition (README, model table). @default the catalog's engine for the model in the partition (README, model table) */
    engine?: Engine;
    /** The engine's release. Default: the engine's newest release, or the catalog's pinned one for its own default deployment. @default the engine's newest release, or the catalog's pinned one for its own default deployment */
    engineVersion?: string;
    /** SageMaker GPU instance type. Default: the catalog's instance type for the model in the partition. @default the catalog's instance type for the model in the partition */
    instanceType?: string;
    /** Instances the endpoint starts with. Default: 1, or 2 with `production`. @default 1, or 2 with `production` */
    instanceCount?: number;
    /** Tensor-parallel degree: the GPUs the model is sharded over. Default: the instance's GPUs, or the catalog's degree on its own default instance type. @default the instance's GPUs, or the catalog's degree on its own default instance type */
    numGpus?: number;
    /** The engine's on-the-fly quantization method, or `none`. Default: none, or the catalog's on its own default deployment. @default none, or the catalog's on its own default deployment */
    quantize?: string;
    /** The dtype the engine runs the model in (bfloat16 needs an Ampere or newer GPU). Default: the model's own; float16 for bfloat16 models on GPUs without bfloat16. @default the model's own; float16 for bfloat16 models on GPUs without bfloat16 */
    dtype?: Dtype;
    /** TGI only: the longest prompt, in tokens. Default: the catalog's, else half of maxTotalTokens. @default the catalog's, else half of maxTotalTokens */
    maxInputTokens?: number;
    /** The context length: prompt plus generated tokens of one request. Default: the catalog's for the model in the partition. @default the catalog's for the model in the partition */
    maxTotalTokens?: number;
    /** TGI only: tokens prefilled in one batch. Default: the release's own default. @default the release's own default */
    maxBatchPrefillTokens?: number;
    /** Full-context requests the KV cache is sized for. Default: 4. @default 4 */
    concurrentRequests?: number;
    /** Share of each GPU's memory the engine may use, above 0 and at most 1. Default: the engine's (vLLM 0.9, SGLang 0.8, TGI 1). @default the engine's (vLLM 0.9, SGLang 0.8, TGI 1) */
    gpuMemoryUtilization?: number;
    /** Where the weights come from. Default: `s3`, or `hub` when egress is `nat`. @default `s3`, or `hub` when egress is `nat` */
    weightsSource?: WeightsSource;
    /** With weights from the Hub: the commit sha of the model's Hub repository. Default: the repository's default branch (unpinned). @default the repository's default branch (unpinned) */
    hubRevision?: string;
    /** Key prefix of the staged weights in the artifact bucket. Default: `models/<deployment name>/`. @default `models/<deployment name>/` */
    weightsS3Prefix?: string;
    /** Deprecated: the TGI release; use engine `tgi` and engineVersion. Default: none. @default none */
    tgiVersion?: string;
    /** An ECR image in the region to run instead of the engine release's image; engine and engineVersion still say what it runs. Default: the engine release's Hugging Face image for the region. @default the engine release's Hugging Face image for the region */
    imageUri?: string;
    /** Let the engine run code from the model's repository. Default: false. @default false */
    trustRemoteCode?: boolean;
    /** Seconds SageMaker waits for the container's health check (60–3600). Default: the catalog's for the model. @default the catalog's for the model */
    startupHealthCheckTimeoutSeconds?: number;
    /** Seconds SageMaker allows for downloading the weights (60–3600). Default: the catalog's startup timeout for the model. @default the catalog's startup timeout for the model */
    modelDataDownloadTimeoutSeconds?: number;
    /** ML storage volume size in GB (1–512), on EBS-backed instance types only. Default: SageMaker's for the instance type. @default SageMaker's for the instance type */
    volumeSizeGb?: number;
    /** Autoscaling minimum. Default: instanceCount. @default instanceCount */
    minInstances?: number;
    /** Autoscaling maximum. Default: the larger of minInstances and 2 (4 with `production`). @default the larger of minInstances and 2 (4 with `production`) */
    maxInstances?: number;
    /** Target-tracking metric. Default: `concurrency`. @default `concurrency` */
    scalingMetric?: ScalingMetric;
    /** Target per instance: concurrent requests, or invocations per minute. Default: 4 for concurrency, 60 for invocations. @default 4 for concurrency, 60 for invocations */
    scalingTarget?: number;
    /** Seconds between scale-in steps (an LLM instance takes minutes to start). Default: 1800. @default 1800 */
    scaleInCooldownSeconds?: number;
    /** Seconds between scale-out steps. Default: 300. @default 300 */
    scaleOutCooldownSeconds?: number;
    /** Percentage of requests captured to the artifact bucket (0–100). Default: 0 (off). @default 0 (off) */
    dataCapturePercent?: number;
    /** Notification alarm: p90 model latency above this many milliseconds for 5 minutes. Default: 30000. @default 30000 */
    latencyAlarmMs?: number;
    /** Deployment rollback: share (percent) of the new fleet's requests answered with 5XX, per minute, two minutes running. Default: 10. @default 10 */
    rollbackErrorPercent?: number;
    /** Notification alarm on GPU memory use, percent summed over the model's GPUs (up to 800). Default: 95 per GPU. @default 95 per GPU */
    gpuMemoryAlarmPercent?: number;
}

/** ModelSettings as validated at run time (a program in another language passes anything); the type below must equal ModelSettings. */
export const modelSettingsSchema = z.strictObject({
    engine: z.enum(enumValues(Engine)).optional(),
    engineVersion: z.string().optional(),
    instanceType: z.string().optional(),
    instanceCount: z.number().int().min(1).optional(),
    numGpus: z.number().int().min(1).optional(),
    quantize: z.string().optional(),
    dtype: z.enum(enumValues(Dtype)).optional(),
    maxInputTokens: z.number().int().min(1).optional(),
    maxTotalTokens: z.number().int().min(2).optional(),
    maxBatchPrefillTokens: z.number().int().min(1).optional(),
    concurrentRequests: z.number().int().min(1).optional(),
    gpuMemoryUtilization: z.number().positive().max(1).optional(),
    weightsSource: z.enum(enumValues(WeightsSource)).optional(),
    hubRevision: z.string().optional(),
    weightsS3Prefix: z.string().optional(),
    tgiVersion: z.string().optional(),
    imageUri: z.string().optional(),
    trustRemoteCode: z.boolean().optional(),
    startupHealthCheckTimeoutSeconds: z.number().int().optional(),
    modelDataDownloadTimeoutSeconds: z.number().int().optional(),
    volumeSizeGb: z.number().int().optional(),
    minInstances: z.number().int().min(1).optional(),
    maxInstances: z.number().int().min(1).optional(),
    scalingMetric: z.enum(enumValues(ScalingMetric)).optional(),
    scalingTarget: z.number().positive().optional(),
    scaleInCooldownSeconds: z.number().int().min(0).optional(),
    scaleOutCooldownSeconds: z.number().int().min(0).optional(),
    dataCapturePercent: z.number().int().min(0).max(100).optional(),
    latencyAlarmMs: z.number().int().positive().optional(),
    rollbackErrorPercent: z.number().positive().max(100).optional(),
    gpuMemoryAlarmPercent: z
        .number()
        .positive()
        .max(100 * 8)
        .optional(),
});
// The schema and the documented interface describe the same fields: a compile error here means one changed without the other.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesSettings: Same<z.infer<typeof modelSettingsSchema>, ModelSettings> = true;
void schemaMatchesSettings;

export interface AutoscalingSettings {
    minInstances: number;
    maxInstances: number;
    metric: ScalingMetric;
    /** Target per instance: concurrent requests, or invocations per minute. */
    targetValue: number;
    scaleInCooldownSeconds: number;
    scaleOutCooldownSeconds: number;
}

export interface ModelDeployment {
    /** Unique within the stack; the base of every resource name of this deployment. */
    name: string;
    /** What the deployment was resolved from: the catalog id and the settings as given (LlmEndpoint's arguments). */
    requested: { modelId: string; settings: ModelSettings };
    model: ModelSpec;
    /** The serving engine and its release (with an image override: what the image runs). */
    engine: EngineSpec;
    release: EngineRelease;
    instance: InstanceType;
    instanceCount: number;
    /** Tensor-parallel degree: the GPUs the model is sharded over. */
    numGpus: number;
    /** The engine's on-the-fly quantization, when quantizing. */
    quantize?: string;
    /** The dtype the engine is told; undefined: the model's own. */
    dtype?: "float16" | "bfloat16";
    /** Context length: prompt plus generated tokens of one request. */
    maxTotalTokens: number;
    /** TGI only. */
    maxInputTokens?: number;
    maxBatchPrefillTokens?: number;
    /** Share of each GPU's memory the engine may use. */
    memoryFraction: number;
    /** Full-context requests the KV cache is sized for. */
    concurrentRequests: number;
    /** The memory arithmetic that admitted this deployment. */
    sizing: Sizing;
    /** `revision`: the Hub commit the engine downloads; unset, the repository's default branch. */
    weights: { source: "hub"; revision?: string } | { source: "s3"; s3Prefix: string };
    imageUri: string;
    trustRemoteCode: boolean;
    startupHealthCheckTimeoutSeconds: number;
    modelDataDownloadTimeoutSeconds: number;
    /** ML storage volume size; only on EBS-backed instance types. */
    volumeSizeGb?: number;
    autoscaling: AutoscalingSettings;
    /** Percentage of requests captured to S3; 0 disables data capture. */
    dataCapturePercent: number;
    /** Notification only: p90 model latency above this, for 5 minutes. */
    latencyAlarmMs: number;
    gpuMemoryAlarmPercent: number;
    /** Deployment rollback: share of the new fleet's requests answered with 5XX, per minute, two minutes running. */
    rollbackErrorPercent: number;
}

export interface SettingProblem {
    /** The setting or argument, as the user writes it: `models[0].instanceType` in a stack file, `instanceType` for a component. */
    key: string;
    /** The offending value, if there is one. */
    value?: unknown;
    /** What is wrong and how to fix it. */
    message: string;
}

export function oneOf(values: readonly (string | number)[]): string {
    return values.map((v) => String(v)).join(", ");
}

/** What a deployment's defaults and checks depend on besides its own settings. */
export interface DeploymentContext {
    partition: Partition;
    region: string;
    /** Production: two instances and a higher autoscaling maximum by default. */
    production: boolean;
    /** The instance types the deployment may use (resolved: never empty). */
    approved: string[];
    /** The network's egress; undefined when unknown (no default weights source can follow from it). */
    egress: Egress | undefined;
}

/**
 * The approved instance types: those listed, else every GPU type SageMaker hosting offers in the
 * partition. Each listed one must be a type the instance table (policies/catalog/instances.ts) says
 * SageMaker hosting offers there; a problem with the key `key[i]` otherwise. Only the valid ones are
 * returned, so the checks that follow never meet an unknown type.
 */
export function checkApprovedInstanceTypes(partition: Partition, listed: unknown, key: string, problems: SettingProblem[]): string[] {
    const offered = endpointInstanceTypesOffered(partition.id);
    if (listed === undefined) return offered;
    if (!Array.isArray(listed)) {
        problems.push({ key, value: listed, message: `must be a list of instance type names, e.g. ["${offered[0]}"]; leave it unset for every type offered.` });
        return offered;
    }
    const valid: string[] = [];
    for (const [i, type] of listed.entries()) {
        // String(): a value of another type names no instance type, and is refused below.
        if (findInstanceType(String(type))?.offeredIn.includes(partition.id)) valid.push(String(type));
        else
            problems.push({
                key: `${key}[${i}]`,
                value: type,
                message: `is not an instance type SageMaker hosting offers in ${partition.id} per policies/catalog/instances.ts; remove it or add the type to that table with its source.`,
            });
    }
    return valid.length > 0 ? valid : offered;
}

/** A model id the catalog does not have, under `key`. */
export function unknownModelProblem(key: string, modelId: unknown): SettingProblem {
    return { key, value: modelId, message: `is not in the model catalog (policies/catalog/models.ts); use one of ${oneOf(MODEL_IDS)}.` };
}

/**
 * Resolves one deployment: its defaults applied and every check made, each problem pushed with the
 * key `key` gives the field (`modelId` and `name` for the model id and the deployment name).
 * Undefined when any problem was found.
 */
export function resolveModelDeployment(
    deployment: { modelId: string; name: string | undefined; settings: ModelSettings },
    context: DeploymentContext,
    key: (field: string) => string,
    problems: SettingProblem[],
): ModelDeployment | undefined {
    const { partition, region, production, approved, egress } = context;
    const entry = deployment.settings;
    const before = problems.length;
    const model = findModel(deployment.modelId);
    if (!model) {
        problems.push(unknownModelProblem(key("modelId"), deployment.modelId));
        return undefined;
    }
    const defaults = model.defaults[partition.id];

    const name = deployment.name ?? defaultDeploymentName(model.id);
    if (!SAGEMAKER_NAME_PATTERN.test(name) || name.length > DEPLOYMENT_NAME_MAX) {
        problems.push({
            key: key("name"),
            value: name,
            message: `must match ${SAGEMAKER_NAME_PATTERN.source} and be at most ${DEPLOYMENT_NAME_MAX} characters (it prefixes SageMaker names, limited to ${SAGEMAKER_NAME_MAX}).`,
        });
    }

    const engine = checkEngine(entry, model, defaults.engine, key, problems);
    const release = engine ? checkRelease(entry, model, engine, defaults, key, problems) : undefined;

    const instanceTypeName = entry.instanceType ?? defaults.instanceType;
    const found = findInstanceType(instanceTypeName);
    const instance = found && found.gpuCount > 0 ? found : undefined;
    if (!instance) {
        problems.push({
            key: key("instanceType"),
            value: instanceTypeName,
            message: `is not a GPU instance type this project knows; use one of ${oneOf(approved)}.`,
        });
    } else if (!approved.includes(instance.name)) {
        problems.push({
            key: key("instanceType"),
            value: instance.name,
            message: `is not approved for partition ${partition.id}; use one of ${oneOf(approved)} (approvedInstanceTypes).`,
        });
    }
    const gpu = instance?.gpu;
    // The catalog's quantization, tensor-parallel degree and release belong to its default deployment
    // (engine and instance type), not to the model wherever it runs.
    const isDefaultDeployment = engine?.id === defaults.engine && instance?.name === defaults.instanceType;

    // Quantization: the engine's own on-the-fly methods, on weights not already quantized.
    const quantizeRaw = entry.quantize === "none" ? undefined : (entry.quantize ?? (isDefaultDeployment ? defaults.quantize : undefined));
    let quantize: string | undefined;
    if (quantizeRaw !== undefined && engine) {
        if (isPreQuantized(model)) {
            problems.push({
                key: key("quantize"),
                value: quantizeRaw,
                message: `cannot apply: ${model.hfModelId} is already quantized (${model.weights.map((p) => p.format).join(" + ")}); remove quantize or use 'none'.`,
            });
        } else if (release && !releaseQuantizations(engine, release).includes(quantizeRaw)) {
            problems.push({
                key: key("quantize"),
                value: quantizeRaw,
                message: `is not a quantization ${engine.label} ${release.version} applies while loading; use one of ${oneOf(releaseQuantizations(engine, release))} or 'none' (pre-quantized checkpoints are catalog entries of their own, e.g. qwen3-32b-fp8).`,
            });
        } else {
            quantize = quantizeRaw;
        }
    }

    // dtype: GPUs before compute capability 8.0 have no bfloat16, so bfloat16 models run as float16 there.
    let dtype = entry.dtype;
    if (dtype === "bfloat16" && gpu && !gpu.bf16) {
        problems.push({
            key: key("dtype"),
            value: dtype,
            message: `is not supported by ${gpu.name} GPUs (compute capability ${gpu.computeCapability.toFixed(1)}; bfloat16 needs 8.0). Use float16 or an Ampere or newer instance type.`,
        });
    }
    if (entry.dtype && quantizeRaw && engine?.id === "tgi") {
        problems.push({
            key: key("dtype"),
            value: entry.dtype,
            message: "cannot be combined with quantize (TGI rejects DTYPE with quantization); remove one of them.",
        });
    }
    // Stryker disable next-line MethodExpression: `every` for `some` differs only for models with bfloat16 and other formats (gpt-oss: MXFP4 + bfloat16), whose MXFP4 needs compute capability 8.0, which always has bfloat16.
    if (dtype === undefined && gpu && !gpu.bf16 && model.weights.some((p) => p.format === "bfloat16") && !(engine?.id === "tgi" && quantize)) {
        dtype = "float16";
    }
    if (instance && engine && release) {
        for (const message of gpuProblems(instance, model, engine, release, quantize, dtype)) {
            problems.push({ key: key("instanceType"), value: instance.name, message });
        }
    }

    // The catalog's degree belongs to its default instance type.
    const defaultNumGpus = isDefaultDeployment ? defaults.numGpus : undefined;
    const numGpus = entry.numGpus ?? defaultNumGpus ?? instance?.gpuCount ?? 1;
    let tensorParallelOk = false;
    if (instance) {
        const tpProblem = tensorParallelProblem(numGpus, model.attentionHeads, model.kvHeads);
        if (numGpus > instance.gpuCount) {
            problems.push({
                key: key("numGpus"),
                value: numGpus,
                message: `(tensor parallelism) is above the ${instance.gpuCount} GPU(s) of ${instance.name}; use at most ${instance.gpuCount} or a larger instance type.`,
            });
        } else if (tpProblem) {
            problems.push({
                key: key("numGpus"),
                value: numGpus,
                message: `(tensor parallelism) ${tpProblem} (${model.hfModelId}); use one of ${oneOf(validTensorParallelDegrees(model.attentionHeads, model.kvHeads, instance.gpuCount))}.`,
            });
        } else {
            tensorParallelOk = true;
        }
    }

    const maxTotalTokens = entry.maxTotalTokens ?? defaults.maxTotalTokens;
    if (maxTotalTokens > model.contextLength) {
        problems.push({
            key: key("maxTotalTokens"),
            value: maxTotalTokens,
            message: `is above ${model.hfModelId}'s context length of ${model.contextLength} tokens.`,
        });
    }
    let maxInputTokens: number | undefined;
    if (engine?.id === "tgi") {
        maxInputTokens = entry.maxInputTokens ?? defaults.maxInputTokens ?? Math.floor(maxTotalTokens / 2);
        if (maxTotalTokens <= maxInputTokens) {
            problems.push({
                key: key("maxTotalTokens"),
                value: maxTotalTokens,
                message: `(MAX_TOTAL_TOKENS) must be above maxInputTokens (${maxInputTokens}); the difference is the room left for generated tokens.`,
            });
        }
        const prefill = entry.maxBatchPrefillTokens ?? release?.defaultMaxBatchPrefillTokens;
        if (prefill !== undefined && prefill < maxInputTokens) {
            problems.push({
                key: key("maxBatchPrefillTokens"),
                value: prefill,
                message:
                    entry.maxBatchPrefillTokens === undefined
                        ? `is unset, so TGI ${release!.version} uses its default ${prefill}, below maxInputTokens (${maxInputTokens}), and refuses to start; set maxBatchPrefillTokens to at least ${maxInputTokens}.`
                        : `must be at least maxInputTokens (${maxInputTokens}).`,
            });
        }
    } else if (engine) {
        for (const field of ["maxInputTokens", "maxBatchPrefillTokens"] as const) {
            if (entry[field] !== undefined) {
                problems.push({
                    key: key(field),
                    value: entry[field],
                    message: `applies only to engine 'tgi'; ${engine.label} limits a request by maxTotalTokens (its context length). Remove ${field}.`,
                });
            }
        }
    }

    const memoryFraction = entry.gpuMemoryUtilization ?? engine?.defaultMemoryFraction ?? 1;
    const concurrentRequests = entry.concurrentRequests ?? DEFAULT_CONCURRENT_REQUESTS;

    let sizing: Sizing | undefined;
    if (instance && engine && tensorParallelOk && maxTotalTokens <= model.contextLength) {
        const parts = servedWeights(model, quantize ? QUANTIZED_FORMAT[engine.id][quantize] : undefined);
        const question: SizingQuestion = {
            label: model.hfModelId,
            weightsGiB: weightsGiB(parts),
            weightsReckoning: weightsReckoning(parts),
            layers: model.layers,
            kvHeads: model.kvHeads,
            headDim: model.headDim,
            instance,
            tensorParallel: numGpus,
            contextLength: maxTotalTokens,
            concurrentRequests,
            memoryFraction,
        };
        sizing = sizeDeployment(question);
        if (!sizing.fits) {
            problems.push({
                key: key("instanceType"),
                value: instance.name,
                message: `too small for ${model.hfModelId} on ${engine.label}: ${sizing.requiredGiB.toFixed(1)} GiB needed, ${sizing.availableGiB.toFixed(1)} GiB available.\n      ${sizing.lines.join("\n      ")}\n    ${sizingFixes(question, model, engine, release!, approved, quantize)}`,
            });
        }
    }

    const weightsSource: WeightsSource = entry.weightsSource ?? (egress === "nat" ? "hub" : "s3");
    if (weightsSource === "hub" && egress === "none") {
        problems.push({
            key: key("weightsSource"),
            value: "hub",
            message: `cannot work with egress 'none': the container cannot reach the Hugging Face Hub. Stage the weights in the artifact bucket and use weightsSource 's3', or set egress to 'nat'.`,
        });
    }
    if (entry.hubRevision !== undefined && weightsSource !== "hub") {
        problems.push({
            key: key("hubRevision"),
            value: entry.hubRevision,
            message: `applies only to weightsSource 'hub' (this model's weights come from S3, staged from the revision you chose). Remove it, or set weightsSource 'hub'.`,
        });
    } else if (entry.hubRevision !== undefined && !HUB_COMMIT.test(entry.hubRevision)) {
        problems.push({
            key: key("hubRevision"),
            value: entry.hubRevision,
            message: `must be a commit sha of the Hub repository (40 hex characters, from https://huggingface.co/${model.hfModelId}/commits/main): a branch or tag name can move.`,
        });
    }
    const s3Prefix = normalizeKeyPrefix(entry.weightsS3Prefix ?? `models/${name}/`);
    if (entry.weightsS3Prefix !== undefined && !KEY_PREFIX_PATTERN.test(s3Prefix)) {
        problems.push({
            key: key("weightsS3Prefix"),
            value: entry.weightsS3Prefix,
            message: "must be a key prefix in the artifact bucket such as 'models/falcon-40b/' (no bucket name, no s3://).",
        });
    }

    let imageUri = entry.imageUri;
    if (imageUri === undefined) {
        if (engine && release && regionsOf(partition.id).includes(region)) {
            imageUri = engineImageUri(engine, release.version, region, partition.dnsSuffix);
        }
    } else if (
        !new RegExp(`^\\d{12}\\.dkr\\.ecr\\.${region}\\.${partition.dnsSuffix.replace(/\./g, "\\.")}/[a-z0-9._/-]+(:[\\w.-]+|@sha256:[0-9a-f]{64})$`).test(
            imageUri,
        )
    ) {
        problems.push({
            key: key("imageUri"),
            value: imageUri,
            message: `must be an ECR image in ${region} (<account>.dkr.ecr.${region}.${partition.dnsSuffix}/<repository>:<tag>); SageMaker in a private VPC pulls only from ECR in its own region.`,
        });
    }

    const startup = entry.startupHealthCheckTimeoutSeconds ?? model.startupHealthCheckTimeoutSeconds;
    const download = entry.modelDataDownloadTimeoutSeconds ?? model.startupHealthCheckTimeoutSeconds;
    for (const [field, seconds] of [
        ["startupHealthCheckTimeoutSeconds", startup],
        ["modelDataDownloadTimeoutSeconds", download],
    ] as const) {
        if (seconds < TIMEOUT_MIN_SECONDS || seconds > TIMEOUT_MAX_SECONDS) {
            problems.push({
                key: key(field),
                value: seconds,
                message: `must be between ${TIMEOUT_MIN_SECONDS} and ${TIMEOUT_MAX_SECONDS} seconds (SageMaker's limits).`,
            });
        }
    }

    if (entry.volumeSizeGb !== undefined) {
        if (instance?.localNvme) {
            problems.push({
                key: key("volumeSizeGb"),
                value: entry.volumeSizeGb,
                message: `cannot be set on ${instance.name}: it uses local NVMe instance storage, whose size is fixed. Remove volumeSizeGb.`,
            });
        } else if (entry.volumeSizeGb < VOLUME_MIN_GB || entry.volumeSizeGb > VOLUME_MAX_GB) {
            problems.push({ key: key("volumeSizeGb"), value: entry.volumeSizeGb, message: `must be between ${VOLUME_MIN_GB} and ${VOLUME_MAX_GB} GB.` });
        }
    }

    const instanceCount = entry.instanceCount ?? (production ? 2 : 1);
    const minInstances = entry.minInstances ?? instanceCount;
    const maxInstances = entry.maxInstances ?? Math.max(minInstances, production ? 4 : 2);
    if (maxInstances < minInstances) {
        problems.push({ key: key("maxInstances"), value: maxInstances, message: `must be at least minInstances (${minInstances}).` });
    }
    if (instanceCount < minInstances || instanceCount > maxInstances) {
        problems.push({
            key: key("instanceCount"),
            value: instanceCount,
            message: `must lie between minInstances (${minInstances}) and maxInstances (${maxInstances}).`,
        });
    }

    if (problems.length > before || !instance || !imageUri || !engine || !release || !sizing) return undefined;
    const metric = entry.scalingMetric ?? "concurrency";
    return {
        name,
        requested: { modelId: deployment.modelId, settings: entry },
        model,
        engine,
        release,
        instance,
        instanceCount,
        numGpus,
        quantize,
        dtype,
        maxTotalTokens,
        maxInputTokens,
        // Stryker disable next-line ConditionalExpression: other engines refuse the setting above, so it is never set there.
        maxBatchPrefillTokens: engine.id === "tgi" ? entry.maxBatchPrefillTokens : undefined,
        memoryFraction,
        concurrentRequests,
        sizing,
        weights: weightsSource === "s3" ? { source: "s3", s3Prefix } : { source: "hub", revision: entry.hubRevision },
        imageUri,
        trustRemoteCode: entry.trustRemoteCode ?? false,
        startupHealthCheckTimeoutSeconds: startup,
        modelDataDownloadTimeoutSeconds: download,
        volumeSizeGb: entry.volumeSizeGb,
        autoscaling: {
            minInstances,
            maxInstances,
            metric,
            // The engines batch continuously: a few concurrent requests per GPU instance keeps latency steady.
            targetValue: entry.scalingTarget ?? (metric === "concurrency" ? 4 : 60),
            // An LLM instance takes many minutes to start; scale in slowly.
            scaleInCooldownSeconds: entry.scaleInCooldownSeconds ?? 1800,
            scaleOutCooldownSeconds: entry.scaleOutCooldownSeconds ?? 300,
        },
        dataCapturePercent: entry.dataCapturePercent ?? 0,
        latencyAlarmMs: entry.latencyAlarmMs ?? 30_000,
        gpuMemoryAlarmPercent: entry.gpuMemoryAlarmPercent ?? 95 * numGpus,
        rollbackErrorPercent: entry.rollbackErrorPercent ?? 10,
    };
}

/** The engine of a model entry: the setting, else the catalog's default; one that lists the model's architecture. */
function checkEngine(
    entry: ModelSettings,
    model: ModelSpec,
    defaultEngine: Engine,
    key: (f: string) => string,
    problems: SettingProblem[],
): EngineSpec | undefined {
    if (entry.tgiVersion !== undefined && entry.engine !== undefined && entry.engine !== "tgi") {
        problems.push({
            key: key("tgiVersion"),
            value: entry.tgiVersion,
            message: `applies only to engine 'tgi', but engine is '${entry.engine}'; remove tgiVersion (engineVersion sets any engine's release).`,
        });
    }
    // A model entry that names a TGI release keeps TGI: the deprecated tgiVersion setting predates `engine`.
    const id = entry.engine ?? (entry.tgiVersion !== undefined ? "tgi" : defaultEngine);
    const engine = findEngine(id)!;
    if (!model.engines.includes(engine.id)) {
        problems.push({
            key: key("engine"),
            value: engine.id,
            message: `does not list ${model.hfModelId}'s architecture among its supported models; use one of ${oneOf(model.engines)}.`,
        });
        return undefined;
    }
    return engine;
}

function checkRelease(
    entry: ModelSettings,
    model: ModelSpec,
    engine: EngineSpec,
    defaults: ModelSpec["defaults"][PartitionId],
    key: (f: string) => string,
    problems: SettingProblem[],
): EngineRelease | undefined {
    if (entry.engineVersion !== undefined && entry.tgiVersion !== undefined) {
        problems.push({ key: key("tgiVersion"), value: entry.tgiVersion, message: "and engineVersion both set the release; keep engineVersion only." });
        return undefined;
    }
    const field = entry.tgiVersion !== undefined ? "tgiVersion" : "engineVersion";
    const version =
        entry.engineVersion ??
        entry.tgiVersion ??
        (engine.id === defaults.engine && (entry.instanceType ?? defaults.instanceType) === defaults.instanceType ? defaults.engineVersion : undefined) ??
        engine.defaultVersion;
    const release = findRelease(engine, version);
    const minimum = model.minReleases?.[engine.id];
    if (release && minimum && compareVersions(release.version, minimum) < 0) {
        const newer = releasesFrom(engine, minimum).map((r) => r.version);
        problems.push({
            key: key(field),
            value: version,
            message: `is older than ${engine.label} ${minimum}, the first release that serves ${model.hfModelId}; use one of ${oneOf(newer)}.`,
        });
        return undefined;
    }
    if (!release) {
        problems.push({
            key: key(field),
            value: version,
            message: `is not a ${engine.label} release in policies/catalog/engines.ts; use one of ${oneOf(engine.releases.map((r) => r.version))}, or set imageUri (with engineVersion naming the closest release).`,
        });
    }
    return release;
}

/**
 * Why an instance type's GPUs cannot run this model on this engine release, one message per reason:
 * the release's minimum compute capability (policies/catalog/engines.ts); MXFP4 weights, which vLLM runs from
 * 8.0 with bfloat16 activations only (vllm-project/vllm vllm/model_executor/layers/quantization/
 * mxfp4.py `get_min_capability` 80, `get_supported_act_dtypes` [bfloat16]); FP8 weights, which run
 * from 7.5 (weight-only below 8.9; vllm docs/features/quantization/fp8.md); a model that refuses
 * float16 on a GPU without bfloat16 (vllm-project/vllm vllm/config/model.py
 * `_FLOAT16_NOT_SUPPORTED_MODELS`: gemma3, "Numerical instability").
 */
export function gpuProblems(
    instance: InstanceType,
    model: ModelSpec,
    engine: EngineSpec,
    release: EngineRelease,
    quantize: string | undefined,
    dtype: string | undefined,
): string[] {
    const gpu = instance.gpu;
    if (!gpu) return [];
    const has = `has ${gpu.name} GPUs (compute capability ${gpu.computeCapability.toFixed(1)})`;
    const out: string[] = [];
    if (release.minComputeCapability !== undefined && gpu.computeCapability < release.minComputeCapability) {
        out.push(
            `${has}; ${engine.label} ${release.version} needs ${release.minComputeCapability.toFixed(1)} or higher. Choose a newer GPU family (e.g. ml.g5, ml.g6e, ml.p4d).`,
        );
    }
    if (model.weights.some((p) => p.format === "mxfp4")) {
        if (gpu.computeCapability < 8) out.push(`${has}; ${model.hfModelId}'s MXFP4 weights need 8.0 or higher (Ampere: ml.g5, ml.p4d, or newer).`);
        else if (dtype === "float16")
            out.push(`cannot run ${model.hfModelId}'s MXFP4 weights with dtype float16: their kernels take bfloat16 only. Remove dtype.`);
    }
    const fp8 = quantize === "fp8" || model.weights.some((p) => p.format === "fp8");
    if (fp8 && gpu.computeCapability < 7.5) out.push(`${has}; FP8 weights need 7.5 or higher (ml.g4dn, ml.g5 or newer).`);
    if (model.float16Unsupported && !gpu.bf16) {
        out.push(
            `${has}, without bfloat16; ${model.hfModelId} does not run in float16 (${model.float16Unsupported}). Choose an Ampere or newer GPU (ml.g5, ml.p4d or newer).`,
        );
    }
    return out;
}

/** What would make a deployment fit: approved types where it fits as configured, quantization, a shorter context. */
function sizingFixes(
    q: SizingQuestion,
    model: ModelSpec,
    engine: EngineSpec,
    release: EngineRelease,
    approved: string[],
    quantize: string | undefined,
): string {
    const fixes: string[] = [];
    const bigger = approved
        .map((name) => findInstanceType(name)!)
        .filter((t) => t.gpuCount > 0 && !tensorParallelProblem(t.gpuCount, model.attentionHeads, model.kvHeads))
        .filter((t) => gpuProblems(t, model, engine, release, quantize, undefined).length === 0)
        .filter((t) => sizeDeployment({ ...q, instance: t, tensorParallel: t.gpuCount }).fits)
        .map((t) => t.name);
    if (bigger.length > 0) fixes.push(`an instance type where it fits: ${bigger.slice(0, 4).join(", ")} (instanceType, with numGpus unset)`);
    const quantizations = !quantize && !isPreQuantized(model) ? releaseQuantizations(engine, release) : [];
    if (quantizations.length > 0) {
        fixes.push(`quantization (quantize: ${oneOf(quantizations)})`);
    }
    const context = longestFittingContext(q);
    if (context > 0) fixes.push(`a shorter context: maxTotalTokens ${context} or less`);
    if (q.concurrentRequests > 1) fixes.push(`fewer concurrentRequests (now ${q.concurrentRequests})`);
    return `Fix: ${fixes.join("; or ")}.`;
}

/** A key prefix as the endpoint reads it: no leading '/', one trailing '/'. */
export function normalizeKeyPrefix(prefix: string): string {
    const trimmed = prefix.replace(/^\/+/, "");
    return trimmed.endsWith("/") ? trimmed : `${trimmed}/`;
}

/** Characters safe in S3 keys, ending with '/' (a normalized weights prefix). */
export const KEY_PREFIX_PATTERN = /^[A-Za-z0-9!_.*'()/-]+\/$/;
/** A Hub repository commit: what a pinned revision is (a branch or tag can be pushed to). */
const HUB_COMMIT = /^[0-9a-f]{40}$/;
