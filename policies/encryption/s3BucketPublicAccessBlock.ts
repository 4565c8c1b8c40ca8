/**
 * Every S3 bucket in the stack has an aws.s3.BucketPublicAccessBlock, whose `bucket` depends on the
 * bucket, with all four settings true: blockPublicAcls, blockPublicPolicy, ignorePublicAcls,
 * restrictPublicBuckets. Unknown settings defer the policy to `pulumi up`.
 */
import { PolicyResource } from "@pulumi/policy";
import { companionsOf, COMPANION_TYPES, reportBucketProblems } from "../lib/encryptionBuckets";
import { stackGuardrail } from "../lib/guardrail";
import { Deferrals, Maybe, UNKNOWN } from "../lib/values";

export const PUBLIC_ACCESS_SETTINGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

export interface PublicAccessBlockFacts {
    name: string;
    settings: Record<(typeof PUBLIC_ACCESS_SETTINGS)[number], Maybe<unknown>>;
}

/** The bucket's problem given its public access blocks, or undefined. */
export function publicAccessProblem(blocks: PublicAccessBlockFacts[]): string | undefined {
    if (blocks.length === 0) return "has no aws.s3.BucketPublicAccessBlock";
    const gaps = blocks.map((b) => ({ b, off: PUBLIC_ACCESS_SETTINGS.filter((s) => b.settings[s] !== true && b.settings[s] !== UNKNOWN) }));
    if (gaps.some((g) => g.off.length === 0)) return undefined;
    return gaps
        .map(
            (g) =>
                `aws.s3.BucketPublicAccessBlock '${g.b.name}' has ${g.off.map((s) => `${s} ${g.b.settings[s] === undefined ? "unset" : JSON.stringify(g.b.settings[s])}`).join(", ")}`,
        )
        .join("; ");
}

const REMEDIATION =
    "Add an aws.s3.BucketPublicAccessBlock for the bucket with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true.";

export function publicAccessBlocksFor(bucket: PolicyResource, resources: PolicyResource[], deferrals: Deferrals): PublicAccessBlockFacts[] {
    return companionsOf(bucket, resources, COMPANION_TYPES.publicAccessBlock).map((companion) => ({
        name: companion.name,
        settings: Object.fromEntries(PUBLIC_ACCESS_SETTINGS.map((s) => [s, deferrals.read(companion.props, s)])) as PublicAccessBlockFacts["settings"],
    }));
}

export const s3BucketPublicAccessBlock = stackGuardrail(
    {
        name: "s3-bucket-public-access-block",
        description: "Every S3 bucket in the stack has a public access block with all four settings true.",
        enforcementLevel: "mandatory",
        severity: "critical",
        url: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html",
        family: "encryption",
        remediationSteps: REMEDIATION,
        controls: ["AC-3", "AC-4", "AC-6", "SC-7"],
        unknowns: "deferred",
        rationale: "Model weights and captured prompts must never become public through an ACL or a bucket policy, whatever the account-level setting is.",
    },
    (args, reportViolation) => {
        reportBucketProblems(args, reportViolation, REMEDIATION, (bucket, deferrals) =>
            publicAccessProblem(publicAccessBlocksFor(bucket, args.resources, deferrals)),
        );
    },
);
