/**
 * S3 buckets and their companion resources in a stack. Since @pulumi/aws v7 a bucket's encryption,
 * versioning, public access block and policy are separate resources (aws.s3.BucketServerSide-
 * EncryptionConfiguration, BucketVersioning, BucketPublicAccessBlock, BucketPolicy) whose `bucket`
 * property names the bucket. A companion belongs to a bucket when its `bucket` property depends on
 * the bucket resource (the engine's property dependencies: `bucket: bucket.id`), or, for a bucket
 * named literally, when its `bucket` value equals the bucket's name.
 */
import { PolicyResource, ReportViolation, StackValidationArgs } from "@pulumi/policy";
import { Deferrals, isUnknownValue, peek } from "./values";

/** The bucket types (v7's Bucket; BucketV2 is its deprecated alias). */
export const BUCKET_TYPES = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];

export const COMPANION_TYPES = {
    encryption: [
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
    ],
    versioning: ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"],
    publicAccessBlock: ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"],
    policy: ["aws:s3/bucketPolicy:BucketPolicy"],
};

export function bucketsOf(resources: PolicyResource[]): PolicyResource[] {
    return resources.filter((r) => BUCKET_TYPES.includes(r.type));
}

function knownString(value: unknown): string | undefined {
    // Stryker disable next-line ConditionalExpression: an empty name is dropped by every caller too (they keep truthy names only)
    return typeof value === "string" && value !== "" && !isUnknownValue(value) ? value : undefined;
}

/** The names a bucket is known by now (its `bucket` and `id`), for matching references to it. */
export function bucketNames(bucket: PolicyResource): string[] {
    // Stryker disable next-line MethodExpression: an absent name (undefined) is never matched: only a truthy target is looked up
    return [knownString(peek(bucket.props, "bucket")), knownString(peek(bucket.props, "id"))].filter((n): n is string => !!n);
}

/** Companions of `bucket` among `resources`, of the given types. */
export function companionsOf(bucket: PolicyResource, resources: PolicyResource[], types: string[]): PolicyResource[] {
    const names = new Set(bucketNames(bucket));
    return resources.filter((r) => {
        if (!types.includes(r.type)) return false;
        // Stryker disable next-line ArrayDeclaration: a placeholder dependency has no urn, so it is not the bucket
        if ((r.propertyDependencies.bucket ?? []).some((dep) => dep.urn === bucket.urn)) return true;
        const target = knownString(peek(r.props, "bucket"));
        return !!target && names.has(target);
    });
}

/** How a violation names a bucket: its Pulumi name and, when known, its S3 name. */
export function describeBucket(bucket: PolicyResource): string {
    const s3Name = knownString(peek(bucket.props, "bucket"));
    return s3Name ? `Bucket '${bucket.name}' (${s3Name})` : `Bucket '${bucket.name}'`;
}

/**
 * The check of a stack policy on every bucket: reports the problem `problemOf` finds in what is
 * known of each bucket (on the bucket, with the remediation), then reports the policy as not run if
 * a value it needed is unknown in preview (`Deferrals.settle`).
 */
export function reportBucketProblems(
    args: StackValidationArgs,
    reportViolation: ReportViolation,
    remediation: string,
    problemOf: (bucket: PolicyResource, deferrals: Deferrals) => string | undefined,
): void {
    const deferrals = new Deferrals();
    for (const bucket of bucketsOf(args.resources)) {
        const problem = problemOf(bucket, deferrals);
        if (problem) reportViolation(`${describeBucket(bucket)} ${problem}. ${remediation}`, bucket.urn);
    }
    deferrals.settle();
}
