/**
 * Condition keys that limit who a resource policy statement admits: a condition on one of them
 * (with an operator that compares it to given values) makes an Allow to `Principal: "*"` or to
 * another account's principal apply only to the callers, accounts, organizations, source resources
 * or networks named. Read by the iam policy aws-resource-policy-principals-limited.
 *
 * Sources (checked 2026-12-02):
 * - AWS Identity and Access Management User Guide, "AWS global condition context keys"
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html), the
 *   sections of each key: aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalOrgID,
 *   aws:PrincipalOrgPaths (properties of the principal making the request), aws:SourceAccount,
 *   aws:SourceArn (the resource on whose behalf an AWS service principal calls; present only when a
 *   service principal calls), aws:SourceVpc, aws:SourceVpce (the VPC and VPC endpoint a request came
 *   through; present only for requests through a VPC endpoint). The same page's note on keys not in
 *   every request context is why the policy does not count `...IfExists` operators: a request
 *   without the key passes them.
 * - AWS Key Management Service Developer Guide, "AWS KMS condition keys"
 *   (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html), sections
 *   "kms:CallerAccount" (the account of the caller; the guide pairs it with kms:ViaService to allow
 *   every principal of one account that uses the key through one AWS service, as AWS managed keys'
 *   policies do) and "kms:ViaService" (limits the service, not the account: it is not in this table).
 *   kms: keys are evaluated by KMS only, so kms:CallerAccount counts in KMS key policies only.
 * - Not limiting: aws:SecureTransport (IAM User Guide, same page) says how a request is made, not by whom.
 */

/** Where a key can limit a statement: every resource policy, or KMS key policies only. */
export type LimitingKeyScope = "any" | "kms";

export interface LimitingConditionKey {
    /** The key as AWS writes it (keys compare case-insensitively). */
    key: string;
    scope: LimitingKeyScope;
    /** What the key compares, in a few words. */
    limits: string;
}

export const LIMITING_CONDITION_KEYS: readonly LimitingConditionKey[] = [
    { key: "aws:PrincipalArn", scope: "any", limits: "the ARN of the calling principal" },
    { key: "aws:PrincipalAccount", scope: "any", limits: "the account of the calling principal" },
    { key: "aws:PrincipalOrgID", scope: "any", limits: "the AWS Organizations organization of the calling principal's account" },
    { key: "aws:PrincipalOrgPaths", scope: "any", limits: "the organizational unit path of the calling principal's account" },
    { key: "aws:SourceAccount", scope: "any", limits: "the account of the resource an AWS service principal acts for" },
    { key: "aws:SourceArn", scope: "any", limits: "the resource an AWS service principal acts for" },
    { key: "aws:SourceVpc", scope: "any", limits: "the VPC the request came through" },
    { key: "aws:SourceVpce", scope: "any", limits: "the VPC endpoint the request came through" },
    { key: "kms:CallerAccount", scope: "kms", limits: "the account of the caller (KMS key policies)" },
];
