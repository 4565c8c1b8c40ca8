/**
 * Every S3 bucket in the stack refuses requests not made over TLS: an aws.s3.BucketPolicy whose
 * `bucket` depends on the bucket (or the deprecated inline `policy`) has a statement with
 * Effect Deny, Principal "*", Action "s3:*" (or "*"), a Resource covering the objects ("…/*" or
 * "*"), and Condition Bool (or BoolIfExists) aws:SecureTransport = false.
 *
 * The policy document usually embeds the bucket's ARN, unknown during preview: the policy is then
 * reported as not run and runs at `pulumi up` (violations for other buckets are still reported).
 */
import { PolicyResource } from "@pulumi/policy";
import { companionsOf, COMPANION_TYPES, reportBucketProblems } from "../lib/encryptionBuckets";
import { stackGuardrail } from "../lib/guardrail";
import { asList } from "../lib/iamDocuments";
import { Deferrals, isUnset, Maybe, UNKNOWN } from "../lib/values";

function isFalse(value: unknown): boolean {
    return asList(value).some((v) => v === false || (typeof v === "string" && v.toLowerCase() === "false"));
}

/** Whether one IAM policy statement denies every S3 request made without TLS. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a statement of a parsed JSON policy document
export function deniesInsecureTransport(statement: Record<string, any>): boolean {
    if (statement?.Effect !== "Deny") return false;
    const principal = statement.Principal;
    const everyone = principal === "*" || asList(principal?.AWS).includes("*");
    const actions = asList(statement.Action).map((a) => String(a).toLowerCase());
    const allActions = actions.includes("s3:*") || actions.includes("*");
    const resources = asList(statement.Resource).map(String);
    const objects = resources.some((r) => r === "*" || r.endsWith("/*"));
    const condition = statement.Condition ?? {};
    const insecure = ["Bool", "BoolIfExists"].some((op) =>
        Object.entries(condition[op] ?? {}).some(([key, value]) => key.toLowerCase() === "aws:securetransport" && isFalse(value)),
    );
    return everyone && allActions && objects && insecure;
}

export interface BucketPolicyFacts {
    source: string;
    /** The policy document: a JSON string or an object; UNKNOWN during preview. */
    document: Maybe<unknown>;
}

/** The bucket's problem given its policies, or undefined. */
export function tlsOnlyProblem(policies: BucketPolicyFacts[]): string | undefined {
    if (policies.length === 0) return "has no aws.s3.BucketPolicy";
    const problems: string[] = [];
    for (const p of policies) {
        if (p.document === UNKNOWN) return undefined;
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a parsed JSON policy document
        let doc: any = p.document;
        if (typeof doc === "string") {
            try {
                doc = JSON.parse(doc);
            } catch {
                problems.push(`${p.source} is not valid JSON`);
                continue;
            }
        }
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- statements of a parsed JSON policy document
        if (asList(doc?.Statement).some((s) => deniesInsecureTransport(s as Record<string, any>))) return undefined;
        problems.push(`${p.source} has no statement denying s3:* to "*" on the objects when aws:SecureTransport is false`);
    }
    return problems.join("; ");
}

const REMEDIATION =
    'Add to the bucket\'s aws.s3.BucketPolicy a statement { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [<bucket ARN>, "<bucket ARN>/*"], Condition: { Bool: { "aws:SecureTransport": "false" } } }.';

export function bucketPoliciesFor(bucket: PolicyResource, resources: PolicyResource[], deferrals: Deferrals): BucketPolicyFacts[] {
    const out: BucketPolicyFacts[] = companionsOf(bucket, resources, COMPANION_TYPES.policy).map((companion) => ({
        source: `aws.s3.BucketPolicy '${companion.name}' policy`,
        document: deferrals.read(companion.props, "policy"),
    }));
    const inline = deferrals.read(bucket.props, "policy");
    // An inline policy unknown in preview (UNKNOWN) is kept: tlsOnlyProblem defers on it.
    if (!isUnset(inline) && inline !== "") out.push({ source: "the bucket's inline policy", document: inline });
    return out;
}

export const s3BucketTlsOnly = stackGuardrail(
    {
        name: "s3-bucket-tls-only",
        description: "Every S3 bucket in the stack has a bucket policy that denies requests made without TLS (aws:SecureTransport false).",
        enforcementLevel: "mandatory",
        severity: "high",
        url: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies.html",
        family: "encryption",
        remediationSteps: REMEDIATION,
        controls: ["SC-8", "SC-8(1)", "SC-13", "AC-17(2)"],
        unknowns: "deferred",
        rationale: "S3 still answers plain HTTP; only a bucket-policy deny makes every read and write of weights and captured data travel encrypted.",
    },
    (args, reportViolation) => {
        reportBucketProblems(args, reportViolation, REMEDIATION, (bucket, deferrals) => tlsOnlyProblem(bucketPoliciesFor(bucket, args.resources, deferrals)));
    },
);
