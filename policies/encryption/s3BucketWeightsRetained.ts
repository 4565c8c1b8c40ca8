/**
 * Advisory: a stack bucket a SageMaker model reads its weights from survives `pulumi destroy`: it
 * is not `forceDestroy: true`, and, where the pack is configured to require it (`requireProtect`),
 * it has the `protect` resource option.
 *
 * Weights buckets: the S3 URIs of an aws.sagemaker.Model's containers (`primaryContainer` and each
 * of `containers`): `modelDataUrl`, `modelDataSource.s3DataSources[].s3Uri` and
 * `additionalModelDataSources[].s3DataSources[].s3Uri`, `s3://<bucket>/...`. A stack bucket is one
 * when a known URI names its known name, or when the container property depends on the bucket
 * (the engine's property dependencies) and nothing known says otherwise. When that dependency is
 * all there is (the URI is unknown in preview), a bucket that would be reported makes the policy
 * "not run" instead, and it runs at `pulumi up` (`deferred`).
 *
 * What a policy can see of a resource's deletion (checked 2026-12-02): @pulumi/policy gives
 * policies `opts.protect` (policy.d.ts, PolicyResourceOptions: protect, ignoreChanges,
 * deleteBeforeReplace, aliases, customTimeouts, additionalSecretOutputs, parent), which is all the
 * engine sends an analyzer: pulumi/pulumi proto/pulumi/analyzer.proto, AnalyzerResourceOptions, has
 * no retainOnDelete field, and pkg/resource/deploy/step_generator.go fills only those options for
 * Analyze and AnalyzeStack. So `retainOnDelete` cannot be checked by any policy. What a policy can
 * judge instead:
 * - `forceDestroy: true` empties the bucket of every object version when it is deleted (@pulumi/aws
 *   s3/bucket.d.ts, forceDestroy: "These objects are *not* recoverable"), so a destroy that deletes
 *   the bucket deletes the weights with it. Reported.
 * - Without it, S3 deletes no bucket that holds an object (Amazon S3 API Reference, DeleteBucket:
 *   "All objects (including all object versions and delete markers) in the bucket must be deleted
 *   before the bucket itself can be deleted"; S3 User Guide, "Deleting a general purpose bucket"):
 *   a destroy fails on a bucket holding weights and keeps them, or, with retainOnDelete, leaves the
 *   bucket without failing. Accepted, unless `requireProtect` asks for the one guard policies can see.
 */
import { PolicyResource } from "@pulumi/policy";
import { bucketNames, bucketsOf, describeBucket } from "../lib/encryptionBuckets";
import { stackGuardrail } from "../lib/guardrail";
import { MODEL_TYPE } from "../lib/instancesServing";
import { depsOf } from "../lib/networkGraph";
import { Deferrals, isUnknownValue, isUnset, peek } from "../lib/values";

/** One S3 URI a model's container reads weights from: where, and the bucket it names (UNKNOWN_BUCKET in preview). */
export interface WeightsUri {
    model: PolicyResource;
    /** The top-level property of the model (`primaryContainer`, `containers`), whose dependencies link it. */
    property: string;
    path: string;
    bucket: string | typeof UNKNOWN_BUCKET | undefined;
}

export const UNKNOWN_BUCKET: unique symbol = Symbol("bucket unknown in preview");

/** The bucket of an `s3://bucket/key` URI; undefined for another value. Pure. */
export function bucketOfS3Uri(uri: string): string | undefined {
    return /^s3:\/\/([^/]+)/.exec(uri.trim())?.[1];
}

/** A URI value as a WeightsUri's bucket: unknown, absent, or the bucket it names. */
function bucketOf(value: unknown): WeightsUri["bucket"] | null {
    if (isUnknownValue(value)) return UNKNOWN_BUCKET;
    if (typeof value !== "string" || value === "") return null;
    return bucketOfS3Uri(value);
}

/** The S3 URIs of a container's weights (model data and additional model data). */
function containerUris(container: unknown, property: string, path: string, model: PolicyResource): WeightsUri[] {
    const out: WeightsUri[] = [];
    const add = (value: unknown, where: string) => {
        const bucket = bucketOf(value);
        if (bucket !== null) out.push({ model, property, path: where, bucket });
    };
    if (isUnknownValue(container)) {
        out.push({ model, property, path, bucket: UNKNOWN_BUCKET });
        return out;
    }
    add(peek(container, "modelDataUrl"), `${path}.modelDataUrl`);
    const sources = (owner: unknown, where: string) => {
        const list = peek(owner, "s3DataSources");
        if (isUnknownValue(list)) return add(list, `${where}.s3DataSources`);
        if (Array.isArray(list)) list.forEach((s, i) => add(peek(s, "s3Uri"), `${where}.s3DataSources[${i}].s3Uri`));
    };
    const source = peek(container, "modelDataSource");
    if (isUnknownValue(source)) add(source, `${path}.modelDataSource`);
    else sources(source, `${path}.modelDataSource`);
    const additional = peek(container, "additionalModelDataSources");
    if (isUnknownValue(additional)) add(additional, `${path}.additionalModelDataSources`);
    else if (Array.isArray(additional)) additional.forEach((a, i) => sources(a, `${path}.additionalModelDataSources[${i}]`));
    return out;
}

/** Every weights URI of the stack's SageMaker models. */
export function weightsUris(resources: PolicyResource[]): WeightsUri[] {
    const out: WeightsUri[] = [];
    for (const model of resources.filter((r) => r.type === MODEL_TYPE)) {
        const primary = peek(model.props, "primaryContainer");
        if (!isUnset(primary)) out.push(...containerUris(primary, "primaryContainer", "primaryContainer", model));
        const containers = peek(model.props, "containers");
        if (isUnknownValue(containers)) out.push({ model, property: "containers", path: "containers", bucket: UNKNOWN_BUCKET });
        else if (Array.isArray(containers)) containers.forEach((c, i) => out.push(...containerUris(c, "containers", `containers[${i}]`, model)));
    }
    return out;
}

/** A bucket's known S3 names (`bucket`, and `id`, which is the name). */
/**
 * Whether the models read weights from `bucket`: `yes` when a known URI names it, or when a model's
 * container property depends on it, its name cannot be compared (not in the resource's properties)
 * and a known URI there names no other bucket of the stack; `maybe` when the property depends on
 * it and only URIs unknown in preview could name it; `no` otherwise. Pure.
 */
export function weightsLink(
    bucket: PolicyResource,
    uris: readonly WeightsUri[],
    stackBuckets: readonly PolicyResource[],
): { link: "yes" | "maybe" | "no"; readers: WeightsUri[] } {
    const names = bucketNames(bucket);
    const named = uris.filter((u) => typeof u.bucket === "string" && names.includes(u.bucket));
    if (named.length > 0) return { link: "yes", readers: named };
    const otherNames = new Set(stackBuckets.filter((b) => b !== bucket).flatMap(bucketNames));
    const dependent = uris.filter(
        (u) => depsOf(u.model, u.property).some((d) => d.urn === bucket.urn) && !(typeof u.bucket === "string" && otherNames.has(u.bucket)),
    );
    if (names.length === 0 && dependent.some((u) => typeof u.bucket === "string"))
        return { link: "yes", readers: dependent.filter((u) => typeof u.bucket === "string") };
    const unknown = dependent.filter((u) => u.bucket === UNKNOWN_BUCKET);
    return unknown.length > 0 ? { link: "maybe", readers: unknown } : { link: "no", readers: [] };
}

/** What keeps the bucket from surviving a destroy, and what to change, or undefined. Pure. */
export function retentionProblem(forceDestroy: unknown, protect: boolean, requireProtect: boolean): { problem: string; fix: string } | undefined {
    if (forceDestroy === true)
        return {
            problem: "has forceDestroy: true: pulumi destroy deletes every object version in it, the weights included, and then the bucket",
            fix: "Leave forceDestroy unset (or false) on the bucket, and set its retainOnDelete or protect resource option, so that pulumi destroy keeps the bucket and its weights.",
        };
    if (requireProtect && !protect)
        return {
            problem: "does not have the protect resource option (policy config requireProtect), so pulumi destroy may delete it",
            fix: "Set the protect resource option on the bucket (retainOnDelete is not sent to policy packs, so this policy cannot see it).",
        };
    return undefined;
}

const REMEDIATION =
    "On the bucket the model's weights are read from, leave forceDestroy unset (or false) and set the retainOnDelete or protect resource option " +
    "(protect, where this policy's requireProtect is on), so that pulumi destroy keeps the bucket and its weights.";

export const s3BucketWeightsRetained = stackGuardrail(
    {
        name: "s3-bucket-weights-retained",
        description: "A bucket a SageMaker model reads its weights from is not forceDestroy: true (and is protected where the pack requires it).",
        enforcementLevel: "advisory",
        severity: "low",
        url: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/delete-bucket.html",
        family: "encryption",
        remediationSteps: REMEDIATION,
        controls: ["CP-9", "SI-12"],
        unknowns: "deferred",
        rationale:
            "Staged weights are large and slow to copy again, and S3 cannot restore a deleted bucket: a destroy should leave them in place " +
            "rather than empty the bucket.",
        configSchema: {
            properties: {
                requireProtect: {
                    type: "boolean",
                    default: false,
                    description:
                        "Also require the protect resource option on weights buckets (retainOnDelete is not sent to policy packs, so it cannot satisfy this).",
                },
            },
        },
        inThisProgram: "retainDataOnDestroy true (the default) keeps the artifact bucket on destroy, with forceDestroy false.",
    },
    (args, reportViolation) => {
        const { requireProtect } = args.getConfig<{ requireProtect: boolean }>();
        const deferrals = new Deferrals();
        const uris = weightsUris(args.resources);
        const buckets = bucketsOf(args.resources);
        for (const bucket of buckets) {
            const { link, readers } = weightsLink(bucket, uris, buckets);
            if (link === "no") continue;
            const forceDestroy = deferrals.readKnown(bucket.props, "forceDestroy", { resource: bucket.name, path: "forceDestroy" });
            const retention = retentionProblem(forceDestroy, bucket.opts.protect, requireProtect);
            if (!retention) continue;
            const reader = readers[0];
            if (link === "maybe") {
                deferrals.add(reader.model.name, reader.path, undefined, `whether it names bucket ${bucket.name}, which ${retention.problem}`);
                continue;
            }
            const models = [...new Set(readers.map((r) => `'${r.model.name}' (${r.path})`))].join(", ");
            reportViolation(`${describeBucket(bucket)} holds the weights of SageMaker model ${models} and ${retention.problem}. ${retention.fix}`, bucket.urn);
        }
        deferrals.settle();
    },
);
