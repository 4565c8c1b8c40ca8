/**
 * No broad AWS managed policy (default: AdministratorAccess, PowerUserAccess and every *FullAccess
 * policy, such as AmazonSageMakerFullAccess, AmazonS3FullAccess and IAMFullAccess) is attached
 * to a role, user or group: through `aws.iam.Role.managedPolicyArns`, `RolePolicyAttachment`,
 * `UserPolicyAttachment`, `GroupPolicyAttachment`, `PolicyAttachment` (`policyArn`) or the
 * `*PolicyAttachmentsExclusive` resources (`policyArns`). Only AWS managed policies
 * (`arn:<partition>:iam::aws:policy/...`) are matched; a customer policy of the same name is the
 * wildcard policy's concern.
 *
 * Unknowns (`deferred`): an ARN unknown in preview (e.g. of a policy created in the stack) makes the
 * policy "not run" there; it runs at `pulumi up`.
 */
import { resourceGuardrail } from "../lib/guardrail";
import { globMatches } from "../lib/glob";
import { asList, awsManagedPolicyName } from "../lib/iamDocuments";

/**
 * Broad by AWS's own description (AWS Managed Policy Reference Guide, the policies' pages:
 * PowerUserAccess "Provides full access to AWS services and resources, but does not allow management
 * of Users and groups"; AdministratorAccess, full access without that exception; a *FullAccess policy,
 * every action of its service, e.g. AmazonSageMakerFullAccess, IAMFullAccess), checked 2026-12-02.
 */
export const DEFAULT_DENIED_MANAGED_POLICIES = ["AdministratorAccess", "PowerUserAccess", "*FullAccess"];

const REMEDIATION = "Detach the managed policy and grant only the actions and resources the principal needs in an inline or customer managed policy.";

/** Where each attaching resource type holds its managed policy ARNs. */
const ARN_PROPERTIES: Record<string, "managedPolicyArns" | "policyArn" | "policyArns"> = {
    "aws:iam/role:Role": "managedPolicyArns",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "policyArn",
    "aws:iam/userPolicyAttachment:UserPolicyAttachment": "policyArn",
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment": "policyArn",
    "aws:iam/policyAttachment:PolicyAttachment": "policyArn",
    "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive": "policyArns",
    "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive": "policyArns",
    "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive": "policyArns",
};

/** The ARNs that name a denied AWS managed policy (names or `*` patterns). Pure. */
export function deniedManagedPolicyArns(arns: readonly unknown[], denied: readonly string[]): string[] {
    return arns.filter((a): a is string => {
        const name = typeof a === "string" ? awsManagedPolicyName(a) : undefined;
        return name !== undefined && denied.some((pattern) => globMatches(pattern, name));
    });
}

export const iamIdentityNoBroadManagedPolicies = resourceGuardrail(
    {
        name: "iam-identity-no-broad-managed-policies",
        description: "No AdministratorAccess, PowerUserAccess, *FullAccess (or other denied) AWS managed policy is attached to a role, user or group.",
        enforcementLevel: "mandatory",
        severity: "critical",
        url: "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html",
        configSchema: {
            properties: {
                deniedManagedPolicies: {
                    type: "array",
                    items: { type: "string", minLength: 1 },
                    default: DEFAULT_DENIED_MANAGED_POLICIES,
                    description:
                        "Names of AWS managed policies (last segment of arn:<partition>:iam::aws:policy/...) that must not be attached; `*` matches any run of characters (*FullAccess).",
                },
            },
        },
        family: "iam",
        remediationSteps: REMEDIATION,
        controls: ["AC-6", "AC-6(1)", "AC-6(10)", "AC-3"],
        unknowns: "deferred",
        rationale:
            "AdministratorAccess, PowerUserAccess and the *FullAccess policies grant far more than hosting a model needs (every action of a service " +
            "on every resource, or everything), so one compromised role or notebook would reach the whole account.",
    },
    (args, reportViolation) => {
        const property = ARN_PROPERTIES[args.type];
        // Stryker disable next-line ConditionalExpression: other types have no property named "undefined", so nothing would be found.
        if (!property) return;
        const props = args.props as Record<string, unknown>;
        // Read through the proxy, the list and each element: an ARN unknown in preview defers the policy.
        const arns = asList(props[property]);
        const denied = args.getConfig<{ deniedManagedPolicies: string[] }>().deniedManagedPolicies;
        for (const arn of deniedManagedPolicyArns(arns, denied)) {
            reportViolation(`${args.type} '${args.name}' property ${property} attaches ${JSON.stringify(arn)} (${awsManagedPolicyName(arn)}). ${REMEDIATION}`);
        }
    },
);
