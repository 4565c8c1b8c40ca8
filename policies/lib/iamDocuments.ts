/**
 * IAM policy documents as the IAM policies of this pack read them: a document is a JSON string or
 * an object (@pulumi/aws accepts both for `policy`), `Statement` is one statement or a list,
 * `Action`/`NotAction`/principal values are a string or a list. Action names are case-insensitive.
 *
 * Reading: documents are read through the policy proxy by the callers, so a document unknown in
 * preview makes the policy "not run" (it runs at `pulumi up`); once parsed from JSON, a document is
 * plain data.
 */
import { ResourceValidationArgs } from "@pulumi/policy";
import { isUnset } from "./values";

export interface IamStatement {
    Sid?: string;
    Effect?: string;
    Principal?: unknown;
    NotPrincipal?: unknown;
    Action?: unknown;
    NotAction?: unknown;
    Resource?: unknown;
    NotResource?: unknown;
    Condition?: Record<string, Record<string, unknown>>;
}

export class PolicyDocumentError extends Error {}

/** The statements of a document given as JSON text or an object; throws PolicyDocumentError if it is neither. */
export function statementsOf(document: unknown): IamStatement[] {
    let doc = document;
    if (typeof doc === "string") {
        try {
            doc = JSON.parse(doc);
        } catch (err) {
            throw new PolicyDocumentError(`is not valid JSON (${(err as Error).message})`);
        }
    }
    if (!doc || typeof doc !== "object" || Array.isArray(doc)) throw new PolicyDocumentError("is not a policy document object");
    const statement = (doc as { Statement?: unknown }).Statement;
    return (Array.isArray(statement) ? statement : [statement]).filter((s): s is IamStatement => !!s && typeof s === "object");
}

/**
 * The trust policy statements of an aws.iam.Role, read through the policy proxy: a trust policy
 * unknown in preview throws, so the policy is "not run" there and runs at `pulumi up`. Undefined for
 * other resource types, a role without a trust policy, and one that is not readable (IAM rejects it
 * at deploy time).
 */
export function roleTrustStatements(args: ResourceValidationArgs): IamStatement[] | undefined {
    if (args.type !== "aws:iam/role:Role") return undefined;
    const document = (args.props as Record<string, unknown>).assumeRolePolicy; // throws in preview if unknown: deferred
    try {
        return statementsOf(document);
    } catch (err) {
        if (err instanceof PolicyDocumentError) return undefined;
        throw err;
    }
}

/** Where the IAM identity policy resources hold their document. */
const IDENTITY_POLICY_PROPERTIES: Record<string, string> = {
    "aws:iam/policy:Policy": "policy",
    "aws:iam/rolePolicy:RolePolicy": "policy",
    "aws:iam/userPolicy:UserPolicy": "policy",
    "aws:iam/groupPolicy:GroupPolicy": "policy",
};

/**
 * The IAM identity policy documents a resource holds, with where: `policy` of aws.iam.Policy,
 * RolePolicy, UserPolicy and GroupPolicy, and each `inlinePolicies[i].policy` of aws.iam.Role (an
 * empty inline block, the provider's way to remove inline policies, has none). Read through the
 * policy proxy: a document unknown in preview throws, so the caller is "not run" there and runs at
 * `pulumi up`. None for other types.
 */
export function identityPolicyDocuments(args: ResourceValidationArgs): { where: string; document: unknown }[] {
    const props = args.props as Record<string, unknown>;
    const property = IDENTITY_POLICY_PROPERTIES[args.type];
    if (property) return [{ where: property, document: props[property] }]; // throws in preview if unknown
    if (args.type !== "aws:iam/role:Role") return [];
    const documents: { where: string; document: unknown }[] = [];
    asList(props.inlinePolicies).forEach((_, i) => {
        const entry = (props.inlinePolicies as Record<string, unknown>[])[i];
        if (entry && entry.policy !== undefined) documents.push({ where: `inlinePolicies[${i}].policy`, document: entry.policy });
    });
    return documents;
}

export function asList(value: unknown): unknown[] {
    if (isUnset(value)) return [];
    return Array.isArray(value) ? [...value] : [value];
}

export function isAllow(statement: IamStatement): boolean {
    return statement.Effect === "Allow";
}

export function statementLabel(statement: IamStatement, index: number): string {
    return statement.Sid ? `Statement '${statement.Sid}'` : `Statement[${index}]`;
}

/**
 * Whether an action grants a whole service or everything: `*`, `<service>:*` (also `*:*`).
 * `s3:Get*` and the like are not: they are scoped to a family of actions.
 */
export function serviceOfWildcardAction(action: string): string | undefined {
    const a = action.trim().toLowerCase();
    if (a === "*") return "*";
    const m = /^([^:]+):\*+$/.exec(a);
    return m ? m[1] : undefined;
}

/** The principals of a statement as `Type:value` pairs; `*` for `Principal: "*"`. */
export function principalsOf(principal: unknown): { type: string; value: string }[] {
    if (isUnset(principal)) return [];
    if (typeof principal === "string") return [{ type: "*", value: principal }];
    if (typeof principal !== "object" || Array.isArray(principal)) return [{ type: "?", value: JSON.stringify(principal) }];
    const out: { type: string; value: string }[] = [];
    for (const [type, values] of Object.entries(principal as Record<string, unknown>)) {
        for (const v of asList(values)) out.push({ type, value: typeof v === "string" ? v : JSON.stringify(v) });
    }
    return out;
}

/** `arn:<partition>:iam::aws:policy/[path/]<Name>` → Name; undefined for customer-managed or non-policy ARNs. */
export function awsManagedPolicyName(arn: string): string | undefined {
    const m = /^arn:[a-z][a-z0-9-]*:iam::aws:policy\/(?:[^\s]*\/)?([^/\s]+)$/.exec(arn.trim());
    return m ? m[1] : undefined;
}

/** SageMaker's service principal, the same in aws and aws-us-gov (service principals carry no partition). */
export const SAGEMAKER_PRINCIPAL = "sagemaker.amazonaws.com";

/** Whether an Allow statement of a trust policy lets SageMaker assume the role. */
export function trustsSageMaker(statement: IamStatement): boolean {
    return isAllow(statement) && principalsOf(statement.Principal).some((p) => p.type === "Service" && p.value.toLowerCase() === SAGEMAKER_PRINCIPAL);
}

/**
 * Whether an IAM policy pattern matches a value: `*` matches any run of characters (also `/` and
 * `:`), `?` any one character (IAM User Guide, "IAM JSON policy elements: Action" and "...: Resource",
 * wildcards; checked 2026-12-02). Action names compare case-insensitively, ARNs exactly. Pure.
 */
export function iamPatternMatches(pattern: string, value: string, caseInsensitive = false): boolean {
    const source = pattern
        .split("")
        .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
        .join("");
    return new RegExp(`^${source}$`, caseInsensitive ? "is" : "s").test(value);
}
