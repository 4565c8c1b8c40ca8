/**
 * Every S3 bucket in the stack has versioning Enabled: through the v7 companion
 * aws.s3.BucketVersioning (`versioningConfiguration.status: "Enabled"`) whose `bucket` depends on
 * the bucket, or the deprecated inline `versioning: { enabled: true }`. Either source suffices.
 * An unknown status defers the policy to `pulumi up` (violations among known values are still reported).
 */
import { PolicyResource } from "@pulumi/policy";
import { companionsOf, COMPANION_TYPES, reportBucketProblems } from "../lib/encryptionBuckets";
import { stackGuardrail } from "../lib/guardrail";
import { Deferrals, Maybe, UNKNOWN } from "../lib/values";

export interface VersioningFacts {
    source: string;
    /** "Enabled", "Suspended", "Disabled" (companion status) or true/false (inline `enabled`). */
    state: Maybe<unknown>;
}

/** The bucket's problem given every versioning setting found for it, or undefined. */
export function versioningProblem(settings: VersioningFacts[]): string | undefined {
    if (settings.some((s) => s.state === "Enabled" || s.state === true || s.state === UNKNOWN)) return undefined;
    if (settings.length === 0) return "has no aws.s3.BucketVersioning (versioning is off)";
    return settings.map((s) => `${s.source} is ${JSON.stringify(s.state ?? null)}`).join("; ");
}

const REMEDIATION = 'Add an aws.s3.BucketVersioning for the bucket with versioningConfiguration: { status: "Enabled" }.';

export function versioningFor(bucket: PolicyResource, resources: PolicyResource[], deferrals: Deferrals): VersioningFacts[] {
    const out: VersioningFacts[] = [];
    for (const companion of companionsOf(bucket, resources, COMPANION_TYPES.versioning)) {
        const config = deferrals.read(companion.props, "versioningConfiguration");
        const state = config === UNKNOWN ? UNKNOWN : deferrals.read(config, "status");
        out.push({ source: `aws.s3.BucketVersioning '${companion.name}' versioningConfiguration.status`, state });
    }
    const inline = deferrals.read(bucket.props, "versioning");
    if (inline !== UNKNOWN && inline) out.push({ source: "the bucket's inline versioning.enabled", state: deferrals.read(inline, "enabled") });
    return out;
}

export const s3BucketVersioning = stackGuardrail(
    {
        name: "s3-bucket-versioning",
        description: "Every S3 bucket in the stack has versioning Enabled.",
        enforcementLevel: "mandatory",
        severity: "medium",
        url: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html",
        family: "encryption",
        remediationSteps: REMEDIATION,
        controls: ["CP-9", "CP-10", "SI-12"],
        unknowns: "deferred",
        rationale:
            "Versioning keeps overwritten or deleted weights and capture data recoverable, so a bad sync or a deletion cannot silently replace what an endpoint serves.",
    },
    (args, reportViolation) => {
        reportBucketProblems(args, reportViolation, REMEDIATION, (bucket, deferrals) => versioningProblem(versioningFor(bucket, args.resources, deferrals)));
    },
);
