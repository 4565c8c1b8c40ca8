/**
 * A resource policy does not open its resource to anyone or to another account without saying who:
 * no Allow statement of a KMS key policy, S3 bucket policy, ECR repository policy, SNS topic policy
 * or VPC endpoint policy names `Principal: "*"` (also `{"AWS": "*"}`, or allows by `NotPrincipal`),
 * or an AWS principal of an account that is not the stack's, unless the statement has a condition
 * limiting who on one of the keys of ../catalog/limitingConditionKeys.ts (aws:PrincipalOrgID,
 * aws:SourceVpce, aws:PrincipalAccount, ...; kms:CallerAccount in key policies). Deny statements
 * restrict and pass; service principals (`Service`) are out of scope unless they are "*";
 * federated and canonical-user principals likewise.
 *
 * Where the policies are: `policy` of aws.kms.Key (and ExternalKey, ReplicaKey, ReplicaExternalKey),
 * aws.kms.KeyPolicy, aws.s3.BucketPolicy, aws.s3.Bucket / BucketV2 (the deprecated inline policy),
 * aws.ecr.RepositoryPolicy, aws.sns.Topic, aws.sns.TopicPolicy, aws.ec2.VpcEndpoint and
 * aws.ec2.VpcEndpointPolicy. The finding is on that resource, naming the statement and principal.
 *
 * Which account is the stack's: a policy pack sees resources and their provider, not the results of
 * `aws.getCallerIdentity` (data sources are not resources), so the stack's accounts are those the
 * resource's provider admits (`allowedAccountIds`: the provider refuses to deploy into any other,
 * so the stack's account is among them) together with the policy config `allowedAccounts`
 * (default []). When both are empty the stack's account is not known, and account principals are
 * not judged: only `*` is (a policy that guessed would report every key policy delegating to its own
 * account root, the standard first statement of a key policy).
 *
 * Condition operators that limit: those comparing the key with given values (StringEquals,
 * StringEqualsIgnoreCase, StringLike, ArnEquals, ArnLike, also with ForAnyValue:), with at least one
 * value that is not only wildcards. Not: the `...IfExists` forms and ForAllValues: (a request
 * without the key passes them), negated operators (they admit everyone else), and Null (presence only).
 *
 * Unknowns (`deferred`): a policy unknown in preview (it usually embeds ARNs of resources created
 * in the stack) makes the policy "not run" there; it runs at `pulumi up`.
 */
import { LIMITING_CONDITION_KEYS } from "../catalog/limitingConditionKeys";
import { providerAccountIds } from "../lib/context";
import { resourceGuardrail } from "../lib/guardrail";
import { asList, IamStatement, isAllow, PolicyDocumentError, principalsOf, statementLabel, statementsOf } from "../lib/iamDocuments";
import { isUnset } from "../lib/values";

/** The resource types holding a resource policy in `policy`, and whether it is a KMS key policy. */
export const RESOURCE_POLICY_TYPES: Readonly<Record<string, { kms: boolean }>> = {
    "aws:kms/key:Key": { kms: true },
    "aws:kms/externalKey:ExternalKey": { kms: true },
    "aws:kms/replicaKey:ReplicaKey": { kms: true },
    "aws:kms/replicaExternalKey:ReplicaExternalKey": { kms: true },
    "aws:kms/keyPolicy:KeyPolicy": { kms: true },
    "aws:s3/bucketPolicy:BucketPolicy": { kms: false },
    "aws:s3/bucket:Bucket": { kms: false },
    "aws:s3/bucketV2:BucketV2": { kms: false },
    "aws:ecr/repositoryPolicy:RepositoryPolicy": { kms: false },
    "aws:sns/topic:Topic": { kms: false },
    "aws:sns/topicPolicy:TopicPolicy": { kms: false },
    "aws:ec2/vpcEndpoint:VpcEndpoint": { kms: false },
    "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy": { kms: false },
};

/** Operators comparing a key with the values given (lower case; optionally after ForAnyValue:). */
const LIMITING_OPERATORS = new Set(["stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike"]);

const ACCOUNT_ID = /^\d{12}$/;

/** The account of an AWS principal: a 12-digit id or an IAM/STS ARN's account; undefined otherwise. Pure. */
export function accountOfPrincipal(value: string): string | undefined {
    const v = value.trim();
    if (ACCOUNT_ID.test(v)) return v;
    const m = /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(v);
    return m?.[1];
}

/** The condition keys that limit a statement in this kind of policy, as written. Pure. */
export function limitingKeys(kmsKeyPolicy: boolean, additional: readonly string[] = []): string[] {
    const keys = LIMITING_CONDITION_KEYS.filter((k) => k.scope === "any" || kmsKeyPolicy).map((k) => k.key);
    return [...new Set([...keys, ...additional])];
}

/** Whether a statement's condition limits who it admits: a limiting operator on one of `keys`, with a value that is not only wildcards. Pure. */
export function hasLimitingCondition(statement: IamStatement, limiting: readonly string[]): boolean {
    const keys = new Set(limiting.map((k) => k.toLowerCase()));
    const condition = statement.Condition;
    if (!condition || typeof condition !== "object") return false;
    return Object.entries(condition).some(([operator, byKey]) => {
        const op = operator.toLowerCase().replace(/^foranyvalue:/, "");
        if (!LIMITING_OPERATORS.has(op) || !byKey || typeof byKey !== "object") return false;
        return Object.entries(byKey).some(
            ([key, values]) => keys.has(key.toLowerCase()) && asList(values).some((v) => typeof v === "string" && v !== "" && !/^[*?]+$/.test(v)),
        );
    });
}

export interface PrincipalFinding {
    statement: string;
    principal: string;
}

/**
 * Allow statements admitting anyone, or an AWS principal of an account not in `ownAccounts`, without
 * a limiting condition. With `ownAccounts` empty, account principals are not judged. Pure.
 */
export function unlimitedPrincipals(statements: readonly IamStatement[], ownAccounts: readonly string[], keys: readonly string[]): PrincipalFinding[] {
    const own = new Set(ownAccounts);
    const findings: PrincipalFinding[] = [];
    statements.forEach((s, i) => {
        if (!isAllow(s) || hasLimitingCondition(s, keys)) return;
        const label = statementLabel(s, i);
        if (s.NotPrincipal !== undefined) {
            findings.push({ statement: label, principal: `everyone but NotPrincipal ${JSON.stringify(s.NotPrincipal)}` });
        }
        for (const p of principalsOf(s.Principal)) {
            const shown = p.type === "*" ? JSON.stringify(p.value) : `${p.type} ${JSON.stringify(p.value)}`;
            if (p.value.trim() === "*") {
                findings.push({ statement: label, principal: `${shown} (anyone)` });
                continue;
            }
            if (p.type !== "AWS" || own.size === 0) continue;
            const account = accountOfPrincipal(p.value);
            if (account !== undefined && !own.has(account)) {
                findings.push({ statement: label, principal: `${shown} (account ${account}, not the stack's ${[...own].join(", ")})` });
            }
        }
    });
    return findings;
}

const REMEDIATION =
    "In the resource's policy, name the principals that need access (role or account ARNs of the stack's account) instead of \"*\" or another account, " +
    'or add a condition that limits who, e.g. "Condition": { "StringEquals": { "aws:PrincipalOrgID": "o-..." } } or { "StringEquals": { "aws:SourceVpce": "vpce-..." } } ' +
    '(in a KMS key policy, { "StringEquals": { "kms:CallerAccount": "<account id>", "kms:ViaService": "<service>.<region>.amazonaws.com" } }).';

export const awsResourcePolicyPrincipalsLimited = resourceGuardrail(
    {
        name: "aws-resource-policy-principals-limited",
        description:
            'KMS key, S3 bucket, ECR repository, SNS topic and VPC endpoint policies allow "*" or another account\'s principals only under a condition that limits who.',
        enforcementLevel: "mandatory",
        severity: "critical",
        url: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html",
        family: "iam",
        remediationSteps: REMEDIATION,
        controls: ["AC-3", "AC-6", "AC-21", "SC-7"],
        unknowns: "deferred",
        rationale:
            'A resource policy grants access by itself: an Allow to "*" or to another account\'s principals without a limiting condition opens ' +
            "the key, the weights bucket, the images or the endpoint to callers outside the stack's account.",
        configSchema: {
            properties: {
                allowedAccounts: {
                    type: "array",
                    items: { type: "string", minLength: 1, pattern: "^\\d{12}$" },
                    default: [],
                    description:
                        "Account ids whose principals count as the stack's own, besides the provider's allowedAccountIds; with both empty, only \"*\" principals are judged.",
                },
                additionalLimitingConditionKeys: {
                    type: "array",
                    items: { type: "string", minLength: 1 },
                    default: [],
                    description: "Condition keys that also count as limiting who, besides the pack's table (e.g. a service's own source key).",
                },
            },
        },
        inThisProgram: "the stack's account is the provider's allowedAccountIds (setting allowedAccountIds); with it empty, only \"*\" principals are judged.",
    },
    (args, reportViolation) => {
        const kind = RESOURCE_POLICY_TYPES[args.type];
        if (!kind) return;
        const document = (args.props as Record<string, unknown>).policy; // throws in preview if unknown: deferred
        if (isUnset(document) || document === "") return;
        let statements: IamStatement[];
        try {
            statements = statementsOf(document);
        } catch (err) {
            // AWS rejects a policy that is no document when the resource is created: nothing is opened.
            if (err instanceof PolicyDocumentError) return;
            throw err;
        }
        const config = args.getConfig<{ allowedAccounts: string[]; additionalLimitingConditionKeys: string[] }>();
        const own = [...new Set([...providerAccountIds(args.provider), ...config.allowedAccounts])];
        const keys = limitingKeys(kind.kms, config.additionalLimitingConditionKeys);
        for (const f of unlimitedPrincipals(statements, own, keys)) {
            reportViolation(
                `${args.type} '${args.name}' property policy: ${f.statement} allows ${f.principal} without a condition limiting who ` +
                    `(${keys.join(", ")}). ${REMEDIATION}`,
            );
        }
    },
);
