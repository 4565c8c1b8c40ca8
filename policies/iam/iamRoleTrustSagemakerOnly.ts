/**
 * A SageMaker execution role (an `aws.iam.Role` whose trust policy allows
 * `sagemaker.amazonaws.com`) is trusted by SageMaker only: every Allow statement of its trust
 * policy names only the SageMaker service principal; no other service, no AWS account, role or
 * user, no federated principal, no `*`, and no NotPrincipal. Roles SageMaker cannot assume are out
 * of scope. Whether the trust is limited to this account (aws:SourceAccount) is the advisory
 * iam-role-trust-source-account.
 *
 * Unknowns (`deferred`): a trust policy unknown in preview makes the policy "not run" there; it runs
 * at `pulumi up`.
 */
import { resourceGuardrail } from "../lib/guardrail";
import { IamStatement, isAllow, principalsOf, roleTrustStatements, SAGEMAKER_PRINCIPAL, statementLabel, trustsSageMaker } from "../lib/iamDocuments";

const REMEDIATION =
    `Trust only { "Service": "${SAGEMAKER_PRINCIPAL}" } in the execution role's assumeRolePolicy, ` + "and give other principals their own role.";

/** Problems of a trust policy, or [] when it is not a SageMaker role's or trusts SageMaker only. Pure. */
export function sageMakerTrustProblems(statements: readonly IamStatement[], additionalTrusted: readonly string[]): string[] {
    if (!statements.some(trustsSageMaker)) return [];
    const extra = new Set(additionalTrusted);
    const problems: string[] = [];
    statements.forEach((s, i) => {
        if (!isAllow(s)) return;
        const label = statementLabel(s, i);
        if (s.NotPrincipal !== undefined) problems.push(`${label} allows by NotPrincipal ${JSON.stringify(s.NotPrincipal)} (everyone not listed)`);
        for (const p of principalsOf(s.Principal)) {
            if (p.type === "Service" && p.value.toLowerCase() === SAGEMAKER_PRINCIPAL) continue;
            if (p.value !== "*" && extra.has(p.value)) continue;
            problems.push(`${label} also trusts ${p.type === "*" ? "" : p.type + " "}${JSON.stringify(p.value)}${p.value === "*" ? " (anyone)" : ""}`);
        }
    });
    return problems;
}

export const iamRoleTrustSagemakerOnly = resourceGuardrail(
    {
        name: "iam-role-trust-sagemaker-only",
        description: `SageMaker execution roles are trusted only by ${SAGEMAKER_PRINCIPAL} (no other principal, no "*").`,
        enforcementLevel: "mandatory",
        severity: "high",
        url: "https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html",
        configSchema: {
            properties: {
                additionalTrustedPrincipals: {
                    type: "array",
                    items: { type: "string", minLength: 1 },
                    default: [],
                    description: 'Principal values (e.g. a role ARN) a SageMaker execution role may trust besides SageMaker; "*" is never accepted.',
                },
            },
        },
        family: "iam",
        remediationSteps: REMEDIATION,
        controls: ["AC-2", "AC-3", "AC-6"],
        unknowns: "deferred",
        rationale:
            "An execution role holds the model's data and key permissions; any principal besides SageMaker that may assume it " +
            "gets them without going through the endpoint.",
    },
    (args, reportViolation) => {
        const statements = roleTrustStatements(args); // throws in preview if unknown: deferred
        if (!statements) return;
        const extra = args.getConfig<{ additionalTrustedPrincipals: string[] }>().additionalTrustedPrincipals;
        for (const problem of sageMakerTrustProblems(statements, extra)) {
            reportViolation(`aws:iam/role:Role '${args.name}' assumeRolePolicy: ${problem}. ${REMEDIATION}`);
        }
    },
);
