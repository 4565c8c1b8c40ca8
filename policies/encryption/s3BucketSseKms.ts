/**
 * Every S3 bucket in the stack encrypts objects by default with SSE-KMS (`aws:kms`, with an S3
 * Bucket Key, or dual-layer `aws:kms:dsse`, for which S3 does not support Bucket Keys) and, by
 * default, a customer-managed key (`kmsMasterKeyId` set and not the AWS managed `aws/s3`).
 *
 * Where: the v7 companion resource aws.s3.BucketServerSideEncryptionConfiguration whose `bucket`
 * depends on the bucket, or the deprecated inline `serverSideEncryptionConfiguration` on the bucket.
 * Any compliant rule from either source satisfies the policy (after creation the bucket's own
 * output shows S3's default SSE-S3 even when a companion sets SSE-KMS).
 *
 * Unknowns: a key ARN from an in-stack key counts as set; an unknown algorithm or bucketKeyEnabled
 * defers the policy to `pulumi up` (violations among known values are still reported).
 */
import { PolicyResource } from "@pulumi/policy";
import { companionsOf, COMPANION_TYPES, reportBucketProblems } from "../lib/encryptionBuckets";
import { stackGuardrail } from "../lib/guardrail";
import { Deferrals, isPresent, isUnknownProperty, isUnset, Maybe, peek, UNKNOWN } from "../lib/values";

export interface SseRuleFacts {
    /** Where the rule is, for messages. */
    source: string;
    sseAlgorithm: Maybe<unknown>;
    /** The key id/ARN/alias when known; UNKNOWN when it is an unknown (present) value. */
    kmsMasterKeyId: Maybe<unknown>;
    bucketKeyEnabled: Maybe<unknown>;
}

const KMS_ALGORITHMS = ["aws:kms", "aws:kms:dsse"];

/**
 * An AWS managed key, named by its alias or alias ARN: `alias/aws/` is reserved for AWS managed keys,
 * so no customer managed key has an alias under it (AWS KMS Developer Guide, "Create aliases").
 */
function isAwsManagedKey(keyId: unknown): boolean {
    return typeof keyId === "string" && /(^|:)alias\/aws\//.test(keyId);
}

/** The problem with one rule, or undefined when it is compliant. */
export function sseRuleProblem(rule: SseRuleFacts, requireCustomerManagedKey: boolean): string | undefined {
    if (rule.sseAlgorithm === UNKNOWN) return undefined;
    if (typeof rule.sseAlgorithm !== "string" || !KMS_ALGORITHMS.includes(rule.sseAlgorithm)) {
        return `${rule.source} sets sseAlgorithm ${JSON.stringify(rule.sseAlgorithm ?? null)}, not aws:kms or aws:kms:dsse`;
    }
    if (rule.sseAlgorithm === "aws:kms" && rule.bucketKeyEnabled !== true && rule.bucketKeyEnabled !== UNKNOWN) {
        return `${rule.source} uses aws:kms with bucketKeyEnabled ${rule.bucketKeyEnabled === undefined ? "unset" : JSON.stringify(rule.bucketKeyEnabled)}`;
    }
    if (requireCustomerManagedKey) {
        const key = rule.kmsMasterKeyId;
        if (isUnset(key) || key === "") return `${rule.source} sets no kmsMasterKeyId (S3 would use the AWS managed key aws/s3)`;
        if (isAwsManagedKey(key)) return `${rule.source} sets kmsMasterKeyId ${JSON.stringify(key)}, the AWS managed key`;
    }
    return undefined;
}

/** The bucket's problem given every default-encryption rule found for it, or undefined. */
export function bucketSseProblem(rules: SseRuleFacts[], requireCustomerManagedKey: boolean): string | undefined {
    if (rules.length === 0) {
        return "has no default encryption configuration (no aws.s3.BucketServerSideEncryptionConfiguration for it): S3 would apply SSE-S3 with S3-owned keys";
    }
    const problems = rules.map((r) => sseRuleProblem(r, requireCustomerManagedKey));
    if (problems.some((p) => p === undefined)) return undefined;
    return problems.join("; ");
}

const REMEDIATION =
    'Add an aws.s3.BucketServerSideEncryptionConfiguration for the bucket with rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: <customer-managed key ARN> }, bucketKeyEnabled: true }].';

function ruleFacts(rule: unknown, source: string, deferrals: Deferrals): SseRuleFacts {
    const byDefault = deferrals.read(rule, "applyServerSideEncryptionByDefault");
    // An absent block reads as absent values (Deferrals.read and peek take undefined and null).
    const known = byDefault !== UNKNOWN;
    return {
        source,
        sseAlgorithm: known ? deferrals.read(byDefault, "sseAlgorithm") : UNKNOWN,
        kmsMasterKeyId: !known
            ? undefined
            : isUnknownProperty(byDefault, "kmsMasterKeyId")
              ? UNKNOWN
              : isPresent(byDefault, "kmsMasterKeyId")
                ? peek(byDefault, "kmsMasterKeyId")
                : undefined,
        bucketKeyEnabled: deferrals.read(rule, "bucketKeyEnabled"),
    };
}

function rulesOf(config: unknown, deferrals: Deferrals): unknown[] {
    const out: unknown[] = [];
    for (const key of ["rules", "rule"]) {
        const value = deferrals.read(config, key);
        if (value === UNKNOWN || isUnset(value)) continue;
        if (Array.isArray(value)) out.push(...value);
        else out.push(value);
    }
    return out;
}

/** Every default-encryption rule that applies to `bucket`: companions' and inline. */
export function sseRulesFor(bucket: PolicyResource, resources: PolicyResource[], deferrals: Deferrals): SseRuleFacts[] {
    const rules: SseRuleFacts[] = [];
    for (const companion of companionsOf(bucket, resources, COMPANION_TYPES.encryption)) {
        rulesOf(companion.props, deferrals).forEach((rule, i) =>
            rules.push(ruleFacts(rule, `aws.s3.BucketServerSideEncryptionConfiguration '${companion.name}' rules[${i}]`, deferrals)),
        );
    }
    // An absent inline block has no rules, nor does one unknown in preview (UNKNOWN has no properties; its read is remembered).
    const inline = deferrals.read(bucket.props, "serverSideEncryptionConfiguration");
    rulesOf(inline, deferrals).forEach((rule) => rules.push(ruleFacts(rule, "the bucket's inline serverSideEncryptionConfiguration", deferrals)));
    return rules;
}

export const s3BucketSseKms = stackGuardrail(
    {
        name: "s3-bucket-sse-kms",
        description:
            "Every S3 bucket in the stack has default encryption SSE-KMS (aws:kms with bucketKeyEnabled, or aws:kms:dsse) with a customer-managed key.",
        enforcementLevel: "mandatory",
        severity: "high",
        url: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-encryption.html",
        family: "encryption",
        remediationSteps: REMEDIATION,
        controls: ["SC-28", "SC-28(1)", "SC-12", "SC-13"],
        unknowns: "present",
        rationale:
            "The bucket holds model weights and captured inference data; SSE-KMS with a customer-managed key puts every read under the key policy and in CloudTrail, and the Bucket Key keeps KMS request costs and throttling down.",
        configSchema: {
            properties: {
                requireCustomerManagedKey: {
                    type: "boolean",
                    default: true,
                    description: "Require kmsMasterKeyId to be set and not the AWS managed aws/s3 key.",
                },
            },
        },
    },
    (args, reportViolation) => {
        const { requireCustomerManagedKey } = args.getConfig<{ requireCustomerManagedKey: boolean }>();
        reportBucketProblems(args, reportViolation, REMEDIATION, (bucket, deferrals) =>
            bucketSseProblem(sseRulesFor(bucket, args.resources, deferrals), requireCustomerManagedKey),
        );
    },
);
