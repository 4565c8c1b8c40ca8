/**
 * No Allow statement of an IAM policy grants `Action: "*"` or a whole service (`"<service>:*"`), and
 * none allows by `NotAction` (which grants every action not listed). Checked in IAM identity policy
 * documents only: `aws.iam.Policy`, `RolePolicy`, `UserPolicy`, `GroupPolicy` (`policy`) and
 * `aws.iam.Role` `inlinePolicies[].policy`.
 *
 * Not checked: resource policies such as KMS key policies (`aws.kms.Key.policy`) and bucket
 * policies. The stack key's `kms:*` for the account root (components/encryption.ts) is the
 * standard key-policy statement that delegates the key to IAM in the account; it grants no one
 * anything by itself, and IAM identity policies (checked here) then decide who may use the key.
 * Deny statements with wildcards (e.g. the bucket's TLS-only `s3:*` deny) restrict, so they pass.
 *
 * Unknowns (`deferred`): a document unknown in preview (it embeds ARNs of resources created in the
 * stack) makes the policy "not run" there; it runs at `pulumi up`, when the document is known.
 */
import { resourceGuardrail } from "../lib/guardrail";
import {
    asList,
    IamStatement,
    identityPolicyDocuments,
    isAllow,
    PolicyDocumentError,
    serviceOfWildcardAction,
    statementLabel,
    statementsOf,
} from "../lib/iamDocuments";

const REMEDIATION =
    'List the specific actions the principal needs (e.g. "s3:GetObject", "s3:ListBucket") instead of "*" or "<service>:*", ' +
    "and use Action rather than NotAction in Allow statements.";

export interface WildcardFinding {
    statement: string;
    problem: string;
}

/** Allow statements granting `*`, `<service>:*` (services not in `allowedServices`) or using NotAction. Pure. */
export function wildcardFindings(statements: readonly IamStatement[], allowedServices: readonly string[]): WildcardFinding[] {
    const allowed = new Set(allowedServices.map((s) => s.toLowerCase()));
    const findings: WildcardFinding[] = [];
    statements.forEach((s, i) => {
        if (!isAllow(s)) return;
        const label = statementLabel(s, i);
        for (const action of asList(s.Action)) {
            if (typeof action !== "string") continue;
            const service = serviceOfWildcardAction(action);
            if (service !== undefined && !allowed.has(service)) {
                findings.push({
                    statement: label,
                    problem: `allows Action ${JSON.stringify(action)} (${service === "*" ? "every action of every service" : `every ${service} action`})`,
                });
            }
        }
        if (s.NotAction !== undefined) {
            findings.push({ statement: label, problem: `allows by NotAction ${JSON.stringify(s.NotAction)} (every action not listed)` });
        }
    });
    return findings;
}

export const iamPolicyNoWildcardActions = resourceGuardrail(
    {
        name: "iam-policy-no-wildcard-actions",
        description:
            'IAM policy documents allow no "*" or "<service>:*" action and no NotAction (resource policies such as KMS key policies are out of scope).',
        enforcementLevel: "mandatory",
        severity: "high",
        url: "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html",
        configSchema: {
            properties: {
                allowedServiceWildcards: {
                    type: "array",
                    items: { type: "string", minLength: 1 },
                    default: [],
                    description: 'Services whose "<service>:*" action is accepted (e.g. "cloudwatch"); "*" here would accept Action "*".',
                },
            },
        },
        family: "iam",
        remediationSteps: REMEDIATION,
        controls: ["AC-6", "AC-6(1)", "AC-3"],
        unknowns: "deferred",
        rationale: "Wildcard actions grant every present and future action of a service, which least privilege rules out for workload roles.",
    },
    (args, reportViolation) => {
        const documents = identityPolicyDocuments(args);
        // Any other type has no documents: nothing below reports.
        const allowed = args.getConfig<{ allowedServiceWildcards: string[] }>().allowedServiceWildcards;
        for (const { where, document } of documents) {
            let statements: IamStatement[];
            try {
                statements = statementsOf(document);
            } catch (err) {
                if (!(err instanceof PolicyDocumentError)) throw err;
                reportViolation(`${args.type} '${args.name}' property ${where} ${err.message}; IAM will reject it. ${REMEDIATION}`);
                continue;
            }
            for (const f of wildcardFindings(statements, allowed)) {
                reportViolation(`${args.type} '${args.name}' property ${where}: ${f.statement} ${f.problem}. ${REMEDIATION}`);
            }
        }
    },
);
