/**
 * Stack settings: read every setting from Pulumi config once, validate it, and hand the components
 * one typed object. An invalid stack stops the program before any resource is registered, with every
 * problem listed together (setting, bad value, fix).
 *
 * Defaults of top-level settings live in one place: the `config` block of Pulumi.yaml, which the
 * Pulumi CLI (and the offline harness in ../offline) applies before the program runs. Defaults of
 * per-model fields come from the catalog (./models.ts) and the partition (./partitions.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { LIFECYCLE_SCRIPT_MAX_CHARS, lifecycleScriptLength } from "../components/notebookSample";
import {
    compareVersions,
    Engine,
    EngineRelease,
    engineImageUri,
    ENGINE_IDS,
    findEngine,
    findRelease,
    releaseQuantizations,
    releasesFrom,
} from "../policies/catalog/engines";
import { endpointInstanceTypesOffered, findInstanceType, InstanceType, notebookInstanceTypesOffered } from "../policies/catalog/instances";
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
import { Partition, PARTITIONS, PARTITION_IDS, PartitionId, partitionOfRegion, regionsOf } from "../policies/catalog/partitions";
import { isConfigSecret } from "./configSecrets";

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
 * The VPC created when `vpcCidr` is empty. Its default lives here, not in Pulumi.yaml, because an
 * existing VPC takes no CIDR (it is looked up) and the program must tell "unset" from a value.
 */
export const DEFAULT_VPC_CIDR = "10.80.0.0/16";
/** CloudWatch Logs PutRetentionPolicy accepted values. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

export type Egress = "none" | "nat";
export type WeightsSource = "hub" | "s3";
export type ScalingMetric = "concurrency" | "invocations";

// ---------------------------------------------------------------------------------------------
// Raw shapes (what config may contain), validated with zod.
// ---------------------------------------------------------------------------------------------

const modelEntrySchema = z.strictObject({
    id: z.string(),
    name: z.string().optional(),
    engine: z.enum(ENGINE_IDS).optional(),
    engineVersion: z.string().optional(),
    instanceType: z.string().optional(),
    instanceCount: z.number().int().min(1).optional(),
    numGpus: z.number().int().min(1).optional(),
    quantize: z.string().optional(),
    dtype: z.enum(["float16", "bfloat16"]).optional(),
    maxInputTokens: z.number().int().min(1).optional(),
    maxTotalTokens: z.number().int().min(2).optional(),
    maxBatchPrefillTokens: z.number().int().min(1).optional(),
    concurrentRequests: z.number().int().min(1).optional(),
    gpuMemoryUtilization: z.number().positive().max(1).optional(),
    weightsSource: z.enum(["hub", "s3"]).optional(),
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
    scalingMetric: z.enum(["concurrency", "invocations"]).optional(),
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
export type ModelEntry = z.infer<typeof modelEntrySchema>;

/** Every top-level setting. Keys must match the `config` block of Pulumi.yaml (a test checks it). */
export const rawSettingsSchema = z.strictObject({
    partition: z.string(),
    region: z.string(),
    allowedAccountIds: z.array(z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id")),
    production: z.boolean(),
    tags: z.record(z.string(), z.string()),
    requiredTagKeys: z.array(z.string().min(1)),
    networkMode: z.enum(["create", "existing"]),
    egress: z.enum(["none", "nat"]),
    vpcCidr: z.string(),
    availabilityZones: z.array(z.string()),
    fipsEndpoints: z.boolean(),
    existingVpcId: z.string(),
    existingPrivateSubnetIds: z.array(z.string()),
    logRetentionDays: z.number().int(),
    approvedInstanceTypes: z.array(z.string()),
    modelsEnabled: z.boolean(),
    retainDataOnDestroy: z.boolean(),
    notebookEnabled: z.boolean(),
    notebookInstanceType: z.string(),
    notebookVolumeSizeGb: z.number().int().min(5).max(16384),
    notebookPlatform: z.string(),
    alarmTopicArn: z.string(),
    huggingFaceToken: z.string(),
    models: z.array(modelEntrySchema).min(1, "list at least one model"),
});
export type RawSettings = z.infer<typeof rawSettingsSchema>;
export const SETTING_KEYS = Object.keys(rawSettingsSchema.shape) as (keyof RawSettings)[];

// ---------------------------------------------------------------------------------------------
// The typed settings the components receive.
// ---------------------------------------------------------------------------------------------

export type NetworkSettings =
    | { mode: "create"; egress: Egress; vpcCidr: string; availabilityZones: string[]; fipsEndpoints: boolean }
    | { mode: "existing"; egress: Egress; vpcId: string; privateSubnetIds: string[]; fipsEndpoints: boolean };
export type ExistingNetworkSettings = Extract<NetworkSettings, { mode: "existing" }>;

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
    model: ModelSpec;
    /** The serving engine and its release (with an image override: what the image runs). */
    engine: Engine;
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

export interface NotebookSettings {
    instanceType: string;
    volumeSizeGb: number;
    platformIdentifier: string;
}

export interface StackSettings {
    stack: string;
    partition: Partition;
    region: string;
    allowedAccountIds: string[];
    production: boolean;
    tags: Record<string, string>;
    network: NetworkSettings;
    logRetentionDays: number;
    approvedInstanceTypes: string[];
    notebook?: NotebookSettings;
    alarmTopicArn?: string;
    /** Validated deployments; their endpoints exist only when `modelsEnabled`. */
    models: ModelDeployment[];
    /** False for a first deployment: network, key and bucket only, so weights can be staged first. */
    modelsEnabled: boolean;
    /** Keep the key, the bucket with its guards, and the log groups when the stack is destroyed. */
    retainDataOnDestroy: boolean;
    /** Hub token for gated models, from a secret setting; undefined when none is set. */
    huggingFaceToken?: pulumi.Output<string>;
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

export interface SettingProblem {
    /** The setting, as a user writes it in the stack file: `models[0].instanceType`. */
    key: string;
    /** The offending value, if there is one. */
    value?: unknown;
    /** What is wrong and how to fix it. */
    message: string;
}

export class SettingsError extends Error {
    constructor(
        readonly stack: string,
        readonly namespace: string,
        readonly problems: SettingProblem[],
    ) {
        super(formatProblems(stack, namespace, problems));
        this.name = "SettingsError";
    }
}

function formatProblems(stack: string, namespace: string, problems: SettingProblem[]): string {
    const lines = problems.map((p) => {
        const value = p.value === undefined ? "" : ` = ${JSON.stringify(p.value)}`;
        // A key of another namespace (`aws:region`) is shown as it is.
        const key = /^[^.[]*:/.test(p.key) ? p.key : `${namespace}:${p.key}`;
        return `  - ${key}${value}: ${p.message}`;
    });
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    return `Invalid settings for stack '${stack}' (${count}); nothing was created:\n${lines.join("\n")}`;
}

function oneOf(values: readonly (string | number)[]): string {
    return values.map((v) => String(v)).join(", ");
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

/** Inputs to the pure parser: raw config values (already JSON-decoded where they were JSON). */
export interface ParseInput {
    stack: string;
    /** Config namespace (the project name), used in messages. */
    namespace: string;
    /** Every key the stack sets in the namespace, without it: the settings, and any other (refused). */
    values: Record<string, unknown>;
    /** Whether `huggingFaceToken` was stored as a secret. */
    tokenIsSecret: boolean;
    /** Other keys of the namespace stored as secrets (or holding one): their values are never shown. */
    secretKeys?: string[];
    /** Fully qualified keys the stack sets in other namespaces (`aws:region`); their values are never read. */
    otherNamespaceKeys?: string[];
}

/** Validated settings without Pulumi outputs; `loadSettings` adds the secret token. */
export type ParsedSettings = Omit<StackSettings, "huggingFaceToken"> & { huggingFaceTokenSet: boolean };

/** Validates raw settings; throws SettingsError listing every problem. Pure: no Pulumi calls. */
export function parseSettings(input: ParseInput): ParsedSettings {
    const problems: SettingProblem[] = [...keyProblems(input)];
    const values = Object.fromEntries(Object.entries(input.values).filter(([k]) => (SETTING_KEYS as string[]).includes(k)));
    input = { ...input, values };
    const missing = SETTING_KEYS.filter((k) => input.values[k] === undefined);
    for (const key of missing) {
        problems.push({
            key,
            message: `is not set. Set it with 'pulumi config set ${key} ...' (settings with defaults get them from Pulumi.yaml; run through the Pulumi CLI or the offline plan, which apply them).`,
        });
    }
    const shape = rawSettingsSchema.safeParse(input.values, { reportInput: true });
    if (!shape.success) {
        for (const issue of shape.error.issues) {
            // A missing setting is already reported above (zod reports an undefined value once, at its key).
            if (missing.includes(issue.path[0] as keyof RawSettings)) continue;
            problems.push({ key: pathToKey(issue.path), value: issue.input, message: zodMessage(issue) });
        }
        refuse(input, problems);
    }
    const settings = crossCheck(input, shape.data, problems);
    if (problems.length > 0) refuse(input, problems);
    return settings!;
}

/** Throws the SettingsError, without the values of secret settings. */
function refuse(input: ParseInput, problems: SettingProblem[]): never {
    const secret = new Set([...(input.secretKeys ?? []), ...(input.tokenIsSecret ? ["huggingFaceToken"] : [])]);
    const shown = problems.map((p) => (secret.has(p.key.split(/[.[]/)[0]) ? { ...p, value: undefined } : p));
    throw new SettingsError(input.stack, input.namespace, shown);
}

/**
 * `aws:*` keys and the project setting that takes each one's place. The program's AWS provider is
 * explicit and built from its settings alone (index.ts): stack config in the `aws` namespace
 * configures only Pulumi's default provider (pulumi/pulumi pkg/resource/deploy/default_providers.go
 * newRegisterDefaultProviderEvent, GetPackageConfig), which no resource here uses; an explicit
 * provider's inputs are its arguments (@pulumi/aws 7.x provider.js: `region` falls back to the
 * AWS_REGION environment variable only). Checked 2026-12-02.
 */
const AWS_KEY_REPLACEMENTS: Record<string, keyof RawSettings> = {
    region: "region",
    allowedAccountIds: "allowedAccountIds",
    forbiddenAccountIds: "allowedAccountIds",
    defaultTags: "tags",
};
/** `aws:*` keys that choose credentials, which the explicit provider takes from the environment (AWS SDK variables). */
const AWS_CREDENTIAL_KEYS = new Set([
    "profile",
    "accessKey",
    "secretKey",
    "token",
    "sharedCredentialsFiles",
    "sharedConfigFiles",
    "assumeRole",
    "assumeRoles",
    "assumeRoleWithWebIdentity",
]);

/** Keys the program would otherwise ignore: unknown keys of the namespace (a typo, a path set without --path), and `aws:*` keys. */
function keyProblems(input: ParseInput): SettingProblem[] {
    const problems: SettingProblem[] = [];
    const secret = new Set(input.secretKeys ?? []);
    for (const [key, value] of Object.entries(input.values)) {
        if ((SETTING_KEYS as string[]).includes(key)) continue;
        const root = key.split(/[.[]/)[0];
        const shown = secret.has(key) ? undefined : value;
        if (root !== key && (SETTING_KEYS as string[]).includes(root)) {
            problems.push({
                key,
                value: shown,
                message: `is not a setting: it names a path inside '${root}', set as a key of its own. Remove it ('pulumi config rm ${key}') and set the path with 'pulumi config set --path ${key} <value>'.`,
            });
            continue;
        }
        if (Object.keys(modelEntrySchema.shape).includes(key)) {
            problems.push({
                key,
                value: shown,
                message: `is a field of a model entry, not a setting of its own. Remove it and set it on the model: 'pulumi config set --path models[<index>].${key} <value>'.`,
            });
            continue;
        }
        const near = nearestKey(key, SETTING_KEYS);
        problems.push({
            key,
            value: shown,
            message: near
                ? `is not a setting of this project; did you mean '${near}'? Rename it to ${near}.`
                : `is not a setting of this project (Pulumi.yaml's config block lists them; README, Settings). Remove it or correct its name.`,
        });
    }
    for (const fullKey of input.otherNamespaceKeys ?? []) {
        const [namespace, key] = [fullKey.slice(0, fullKey.indexOf(":")), fullKey.slice(fullKey.indexOf(":") + 1)];
        if (namespace !== "aws") continue;
        const replacement = AWS_KEY_REPLACEMENTS[key.split(/[.[]/)[0]];
        const ignored = `is ignored by this program: its AWS provider is explicit, built from ${input.namespace} settings, and aws:* config configures only Pulumi's default provider.`;
        const fix = replacement
            ? `Set ${input.namespace}:${replacement} instead ('pulumi config rm ${fullKey}', then 'pulumi config set ${replacement === "tags" ? "--path tags.<Key> <value>" : `${replacement} <value>`}').`
            : AWS_CREDENTIAL_KEYS.has(key)
              ? `The provider takes credentials from the environment of the shell running pulumi (AWS_PROFILE, AWS_ACCESS_KEY_ID and the other AWS SDK variables, or the default credential chain): set them there and 'pulumi config rm ${fullKey}'.`
              : `No setting of this project replaces it; remove it ('pulumi config rm ${fullKey}').`;
        problems.push({ key: fullKey, message: `${ignored} ${fix}` });
    }
    for (const key of secret) {
        if (key === "huggingFaceToken" || !(SETTING_KEYS as string[]).includes(key)) continue;
        problems.push({
            key,
            message: `is stored as a secret (or holds one), but the program reads this setting in plain text: it would reach the stack's state, and AWS, unencrypted. Store it in plain text ('pulumi config set ${key} <value>', with --path for a field), or keep secrets out of it.`,
        });
    }
    return problems;
}

/** Levenshtein distance, case-insensitive. */
function editDistance(a: string, b: string): number {
    const [x, y] = [a.toLowerCase(), b.toLowerCase()];
    let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
    for (let i = 1; i <= x.length; i++) {
        const current = [i];
        for (let j = 1; j <= y.length; j++) current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
        previous = current;
    }
    return previous[y.length];
}

/** The known key nearest to `key` by edit distance, when near enough to be a typo of it (at most 2 edits, or a third of its length). */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
    let best: { name: string; distance: number } | undefined;
    for (const name of known) {
        const distance = editDistance(key, name);
        if (!best || distance < best.distance) best = { name, distance };
    }
    return best && best.distance <= Math.max(2, Math.floor(key.length / 3)) ? best.name : undefined;
}

function pathToKey(path: PropertyKey[]): string {
    return path.reduce<string>((key, part) => (typeof part === "number" ? `${key}[${part}]` : key ? `${key}.${String(part)}` : String(part)), "");
}

function zodMessage(issue: z.core.$ZodIssue): string {
    if (issue.code === "unrecognized_keys") {
        const fields = Object.keys(modelEntrySchema.shape);
        const guesses = issue.keys.flatMap((k) => {
            const near = nearestKey(k, fields);
            return near ? [`${k} → ${near}`] : [];
        });
        return `unknown field(s) ${issue.keys.join(", ")}${guesses.length > 0 ? ` (did you mean ${guesses.join(", ")}?)` : ""}; see the README's settings table for the fields a model entry takes.`;
    }
    if (issue.code === "invalid_value") return `must be one of ${oneOf(issue.values as string[])}.`;
    return `${issue.message}.`;
}

/** Cross-field checks on well-shaped settings. Pushes problems; returns settings when it could build them. */
function crossCheck(input: ParseInput, raw: RawSettings, problems: SettingProblem[]): ParsedSettings | undefined {
    const partitionId = raw.partition as PartitionId;
    const partition = PARTITIONS[partitionId];
    if (!partition) {
        problems.push({ key: "partition", value: raw.partition, message: `is not a partition this project deploys to; use one of ${oneOf(PARTITION_IDS)}.` });
    }

    const regionPartition = partitionOfRegion(raw.region);
    if (partition && regionPartition && regionPartition !== partition.id) {
        problems.push({
            key: "region",
            value: raw.region,
            message: `is a region of partition '${regionPartition}', but partition is '${partition.id}'. Use a region of ${partition.id} (${oneOf(regionsOf(partition.id))}) or set partition to '${regionPartition}'.`,
        });
    } else if (partition && !regionsOf(partition.id).includes(raw.region)) {
        problems.push({
            key: "region",
            value: raw.region,
            message: `is not a region of partition '${partition.id}' where the Hugging Face SageMaker images are published; use one of ${oneOf(regionsOf(partition.id))}.`,
        });
    }

    checkTags(raw, problems);
    const network = checkNetwork(raw, problems);

    if (!(LOG_RETENTION_DAYS as readonly number[]).includes(raw.logRetentionDays)) {
        problems.push({
            key: "logRetentionDays",
            value: raw.logRetentionDays,
            message: `is not a retention CloudWatch Logs accepts; use one of ${oneOf(LOG_RETENTION_DAYS)}.`,
        });
    }

    if (raw.alarmTopicArn && partition && !raw.alarmTopicArn.startsWith(`${partition.arnPrefix}:sns:${raw.region}:`)) {
        problems.push({
            key: "alarmTopicArn",
            value: raw.alarmTopicArn,
            message: `must be an SNS topic ARN in ${partition.id}/${raw.region} (starting '${partition.arnPrefix}:sns:${raw.region}:'), or empty for no alarm notifications.`,
        });
    }

    if (raw.huggingFaceToken && !input.tokenIsSecret) {
        problems.push({
            key: "huggingFaceToken",
            message: "is stored in plain text. Remove it from the stack file and set it as a secret: 'pulumi config set --secret huggingFaceToken <token>'.",
        });
    }

    if (!partition) return undefined;

    const approved = raw.approvedInstanceTypes.length > 0 ? raw.approvedInstanceTypes : endpointInstanceTypesOffered(partition.id);
    for (const [i, type] of raw.approvedInstanceTypes.entries()) {
        const known = findInstanceType(type);
        if (!known || !known.offeredIn.includes(partition.id)) {
            problems.push({
                key: `approvedInstanceTypes[${i}]`,
                value: type,
                message: `is not an instance type SageMaker hosting offers in ${partition.id} per policies/catalog/instances.ts; remove it or add the type to that table with its source.`,
            });
        }
    }

    const models: ModelDeployment[] = [];
    const names = new Set<string>();
    for (const [index, entry] of raw.models.entries()) {
        const deployment = checkModel(raw, entry, index, partition, approved, network?.egress, problems);
        if (!deployment) continue;
        if (names.has(deployment.name)) {
            problems.push({
                key: `models[${index}].name`,
                value: deployment.name,
                message: "is used by another model entry; give each entry a unique 'name'.",
            });
        }
        names.add(deployment.name);
        models.push(deployment);
    }

    const gatedFromHub = models.filter((m) => m.model.gated && m.weights.source === "hub");
    if (gatedFromHub.length > 0 && !raw.huggingFaceToken) {
        problems.push({
            key: "huggingFaceToken",
            message: `is required: ${gatedFromHub.map((m) => m.model.hfModelId).join(", ")} ${gatedFromHub.length === 1 ? "is" : "are"} gated on the Hugging Face Hub. Set 'pulumi config set --secret huggingFaceToken <token>', or stage the weights in S3 (weightsSource: s3).`,
        });
    }

    let notebook: NotebookSettings | undefined;
    if (raw.notebookEnabled) {
        const notebookTypes = notebookInstanceTypesOffered(partition.id);
        if (!notebookTypes.includes(raw.notebookInstanceType)) {
            problems.push({
                key: "notebookInstanceType",
                value: raw.notebookInstanceType,
                message: `is not a notebook instance type offered in ${partition.id}; use one of ${oneOf(notebookTypes)}.`,
            });
        }
        if (!/^notebook-al2023-v\d+$/.test(raw.notebookPlatform)) {
            problems.push({
                key: "notebookPlatform",
                value: raw.notebookPlatform,
                message: "must be a current Amazon Linux 2023 platform such as 'notebook-al2023-v1' (Amazon Linux 2 platforms are being retired).",
            });
        }
        // Endpoint names are the deployment name and an 8-character suffix.
        const scriptLength = lifecycleScriptLength(
            raw.region,
            Object.fromEntries(
                models.map((m) => [
                    m.name,
                    { endpointName: `${m.name}-xxxxxxxx`, engine: m.engine.id, engineVersion: m.release.version, servedModelName: m.model.hfModelId },
                ]),
            ),
        );
        if (scriptLength > LIFECYCLE_SCRIPT_MAX_CHARS) {
            problems.push({
                key: "notebookEnabled",
                value: true,
                message: `the notebook's sample (listing all ${models.length} endpoints) would need a ${scriptLength}-character lifecycle script, above SageMaker's ${LIFECYCLE_SCRIPT_MAX_CHARS}; set notebookEnabled to false or use fewer or shorter model names.`,
            });
        }
        notebook = { instanceType: raw.notebookInstanceType, volumeSizeGb: raw.notebookVolumeSizeGb, platformIdentifier: raw.notebookPlatform };
    }

    if (!network) return undefined;
    return {
        stack: input.stack,
        partition,
        region: raw.region,
        allowedAccountIds: raw.allowedAccountIds,
        production: raw.production,
        tags: raw.tags,
        network,
        logRetentionDays: raw.logRetentionDays,
        approvedInstanceTypes: approved,
        notebook,
        alarmTopicArn: raw.alarmTopicArn || undefined,
        models,
        modelsEnabled: raw.modelsEnabled,
        retainDataOnDestroy: raw.retainDataOnDestroy,
        huggingFaceTokenSet: raw.huggingFaceToken.length > 0,
    };
}

function checkTags(raw: RawSettings, problems: SettingProblem[]): void {
    for (const key of raw.requiredTagKeys) {
        const value = raw.tags[key];
        if (value === undefined || value.trim() === "") {
            problems.push({
                key: `tags.${key}`,
                message: `is a required tag (requiredTagKeys) and is missing or empty. Set it with 'pulumi config set --path tags.${key} <value>'.`,
            });
        }
    }
    for (const [key, value] of Object.entries(raw.tags)) {
        if (key.length > 128 || value.length > 256 || key.startsWith("aws:")) {
            problems.push({ key: `tags.${key}`, value, message: "is not a valid AWS tag (key up to 128 characters, value up to 256, no 'aws:' prefix)." });
        }
    }
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** A created VPC is split into /+4 subnets, so it can be at most a /22 (giving /26 subnets). */
function checkCidr(key: string, cidr: string, maxPrefix: number, problems: SettingProblem[]): boolean {
    const m = CIDR.exec(cidr);
    const ok = !!m && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) >= 16 && Number(m[5]) <= maxPrefix;
    if (!ok) problems.push({ key, value: cidr, message: `must be an IPv4 CIDR block from /16 to /${maxPrefix}, e.g. 10.80.0.0/16.` });
    return ok;
}

function checkNetwork(raw: RawSettings, problems: SettingProblem[]): NetworkSettings | undefined {
    const before = problems.length;
    if (raw.networkMode === "create") {
        checkCidr("vpcCidr", raw.vpcCidr || DEFAULT_VPC_CIDR, 22, problems);
        if (raw.availabilityZones.length === 1) {
            problems.push({
                key: "availabilityZones",
                value: raw.availabilityZones,
                message: "must list at least two zones (SageMaker needs subnets in two AZs), or be empty to use the region's first two.",
            });
        }
        for (const [i, az] of raw.availabilityZones.entries()) {
            if (!az.startsWith(raw.region)) {
                problems.push({ key: `availabilityZones[${i}]`, value: az, message: `is not a zone of region ${raw.region}.` });
            }
        }
        if (problems.length > before) return undefined;
        return {
            mode: "create",
            egress: raw.egress,
            vpcCidr: raw.vpcCidr || DEFAULT_VPC_CIDR,
            availabilityZones: raw.availabilityZones,
            fipsEndpoints: raw.fipsEndpoints,
        };
    }
    if (!/^vpc-[0-9a-f]{8,17}$/.test(raw.existingVpcId)) {
        problems.push({
            key: "existingVpcId",
            value: raw.existingVpcId,
            message: "must be the id of the landing-zone VPC (vpc-...) when networkMode is 'existing'.",
        });
    }
    if (raw.existingPrivateSubnetIds.length < 2) {
        problems.push({
            key: "existingPrivateSubnetIds",
            value: raw.existingPrivateSubnetIds,
            message: "must list at least two private subnets in different AZs when networkMode is 'existing'.",
        });
    }
    for (const [i, id] of raw.existingPrivateSubnetIds.entries()) {
        if (!/^subnet-[0-9a-f]{8,17}$/.test(id))
            problems.push({ key: `existingPrivateSubnetIds[${i}]`, value: id, message: "is not a subnet id (subnet-...)." });
    }
    if (raw.vpcCidr !== "") {
        problems.push({
            key: "vpcCidr",
            value: raw.vpcCidr,
            message:
                "applies only to networkMode 'create'. With 'existing' the program reads the VPC's CIDR from AWS (security groups admit it); remove vpcCidr from the stack file.",
        });
    }
    if (problems.length > before) return undefined;
    return {
        mode: "existing",
        egress: raw.egress,
        vpcId: raw.existingVpcId,
        privateSubnetIds: raw.existingPrivateSubnetIds,
        fipsEndpoints: raw.fipsEndpoints,
    };
}

function checkModel(
    raw: RawSettings,
    entry: ModelEntry,
    index: number,
    partition: Partition,
    approved: string[],
    egress: Egress | undefined,
    problems: SettingProblem[],
): ModelDeployment | undefined {
    const key = (field: string) => `models[${index}].${field}`;
    const before = problems.length;
    const model = findModel(entry.id);
    if (!model) {
        problems.push({
            key: key("id"),
            value: entry.id,
            message: `is not in the model catalog (policies/catalog/models.ts); use one of ${oneOf(MODEL_IDS)}.`,
        });
        return undefined;
    }
    const defaults = model.defaults[partition.id];

    const name = entry.name ?? defaultDeploymentName(model.id);
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
        if (engine && release && regionsOf(partition.id).includes(raw.region)) {
            imageUri = engineImageUri(engine, release.version, raw.region, partition.dnsSuffix);
        }
    } else if (
        !new RegExp(`^\\d{12}\\.dkr\\.ecr\\.${raw.region}\\.${partition.dnsSuffix.replace(/\./g, "\\.")}/[a-z0-9._/-]+(:[\\w.-]+|@sha256:[0-9a-f]{64})$`).test(
            imageUri,
        )
    ) {
        problems.push({
            key: key("imageUri"),
            value: imageUri,
            message: `must be an ECR image in ${raw.region} (<account>.dkr.ecr.${raw.region}.${partition.dnsSuffix}/<repository>:<tag>); SageMaker in a private VPC pulls only from ECR in its own region.`,
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

    const instanceCount = entry.instanceCount ?? (raw.production ? 2 : 1);
    const minInstances = entry.minInstances ?? instanceCount;
    const maxInstances = entry.maxInstances ?? Math.max(minInstances, raw.production ? 4 : 2);
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
    entry: ModelEntry,
    model: ModelSpec,
    defaultEngine: Engine["id"],
    key: (f: string) => string,
    problems: SettingProblem[],
): Engine | undefined {
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
    entry: ModelEntry,
    model: ModelSpec,
    engine: Engine,
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
    engine: Engine,
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
function sizingFixes(q: SizingQuestion, model: ModelSpec, engine: Engine, release: EngineRelease, approved: string[], quantize: string | undefined): string {
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

// ---------------------------------------------------------------------------------------------
// Reading from Pulumi config
// ---------------------------------------------------------------------------------------------

/** Decodes a raw config string: JSON where it is JSON (objects, arrays, numbers, booleans), else the string. */
export function decodeConfigValue(value: string | undefined): unknown {
    if (value === undefined) return undefined;
    try {
        return JSON.parse(value);
    } catch {
        return value;
    }
}

/**
 * Reads and validates the stack's settings from Pulumi config. Call once, before creating any
 * resource: it throws SettingsError (with every problem) when the stack is invalid. It reads every
 * key the stack sets, so a key it would otherwise ignore (a typo, an `aws:*` key) is refused too.
 */
export function loadSettings(): StackSettings {
    const namespace = pulumi.getProject();
    const config = new pulumi.Config(namespace);
    const values: Record<string, unknown> = {};
    const secretKeys: string[] = [];
    const otherNamespaceKeys: string[] = [];
    for (const [fullKey, text] of Object.entries(pulumi.runtime.allConfig())) {
        const key = fullKey.slice(fullKey.indexOf(":") + 1);
        if (!fullKey.startsWith(`${namespace}:`)) {
            otherNamespaceKeys.push(fullKey);
            continue;
        }
        // huggingFaceToken must never be decoded as JSON (a token could look like a number).
        values[key] = key === "huggingFaceToken" ? text : decodeConfigValue(text);
        if (isConfigSecret(fullKey)) secretKeys.push(key);
    }
    const parsed = parseSettings({
        stack: pulumi.getStack(),
        namespace,
        values,
        tokenIsSecret: secretKeys.includes("huggingFaceToken"),
        secretKeys,
        otherNamespaceKeys,
    });
    const { huggingFaceTokenSet, ...settings } = parsed;
    return {
        ...settings,
        huggingFaceToken: huggingFaceTokenSet ? config.requireSecret("huggingFaceToken") : undefined,
    };
}
