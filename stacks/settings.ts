/**
 * Stack settings: read every setting from Pulumi config once, validate it, and hand the components
 * one typed object. An invalid stack stops the program before any resource is registered, with every
 * problem listed together (setting, bad value, fix).
 *
 * Defaults of top-level settings live in one place: the `config` block of Pulumi.yaml, which the
 * Pulumi CLI (and the offline harness in ../offline) applies before the program runs (a test checks
 * those the components share agree with theirs). A `models` entry, the network's shape and the
 * notebook instance are resolved by the component package's own code (components/modelDeployment.ts,
 * network.ts, notebook.ts), so the stack and a component called from any language get the same
 * defaults and the same refusals; here only the keys are the stack file's.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { LIFECYCLE_SCRIPT_MAX_CHARS, lifecycleScriptLength } from "../components/notebookSample";
import { LOG_RETENTION_DAYS } from "../components/arguments";
import { checkApprovedInstanceTypes, ModelDeployment, modelSettingsSchema, oneOf, resolveModelDeployment, SettingProblem } from "../components/modelDeployment";
import { ExistingNetwork, NetworkPlan, resolveNetwork } from "../components/network";
import { resolveNotebookInstance } from "../components/notebook";
import { Partition, PARTITIONS, PARTITION_IDS, PartitionId, partitionOfRegion, regionsOf } from "../policies/catalog/partitions";
import { isConfigSecret } from "./configSecrets";

export type { AutoscalingSettings, ModelDeployment, SettingProblem } from "../components/modelDeployment";
export type { Egress, ScalingMetric, WeightsSource } from "../components/enums";

// ---------------------------------------------------------------------------------------------
// Raw shapes (what config may contain), validated with zod.
// ---------------------------------------------------------------------------------------------

/** A `models` entry: the catalog id, the deployment name, and the model settings of the LlmEndpoint component. */
const modelEntrySchema = z.strictObject({
    id: z.string(),
    name: z.string().optional(),
    ...modelSettingsSchema.shape,
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

/** The network the stack builds or uses (components/network.ts resolves it). */
export type NetworkSettings = NetworkPlan;
export type ExistingNetworkSettings = ExistingNetwork;

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
    const network = resolveNetwork(
        {
            networkMode: raw.networkMode,
            egress: raw.egress,
            vpcCidr: raw.vpcCidr,
            availabilityZones: raw.availabilityZones,
            fipsEndpoints: raw.fipsEndpoints,
            existingVpcId: raw.existingVpcId,
            existingPrivateSubnetIds: raw.existingPrivateSubnetIds,
        },
        raw.region,
        problems,
    );

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

    const approved = checkApprovedInstanceTypes(partition, raw.approvedInstanceTypes, "approvedInstanceTypes", problems);

    const models: ModelDeployment[] = [];
    const names = new Set<string>();
    for (const [index, entry] of raw.models.entries()) {
        const { id, name, ...settings } = entry;
        const deployment = resolveModelDeployment(
            { modelId: id, name, settings },
            { partition, region: raw.region, production: raw.production, approved, egress: network?.egress },
            (field) => `models[${index}].${field === "modelId" ? "id" : field}`,
            problems,
        );
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
        const notebookKeys = { instanceType: "notebookInstanceType", volumeSizeGb: "notebookVolumeSizeGb", platformIdentifier: "notebookPlatform" } as const;
        const instance = resolveNotebookInstance(
            { instanceType: raw.notebookInstanceType, volumeSizeGb: raw.notebookVolumeSizeGb, platformIdentifier: raw.notebookPlatform },
            partition,
            (field) => notebookKeys[field],
            problems,
        );
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
        notebook = instance;
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
