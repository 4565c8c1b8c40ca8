/**
 * Advisory: every trust statement of a SageMaker execution role that allows
 * `sagemaker.amazonaws.com` carries a condition on `aws:SourceAccount` or `aws:SourceArn`, so
 * SageMaker assumes the role only on behalf of this account (cross-service confused-deputy
 * protection, as AWS recommends for service roles).
 *
 * Advisory, not mandatory: AWS's guidance recommends these keys for service roles generally; that
 * every SageMaker feature that assumes an execution role (hosting, notebooks, training, processing)
 * sends them has not been verified here (nothing in this repository has been deployed), and a
 * condition a feature does not satisfy makes role assumption fail at run time. SageMaker documents
 * `aws:SourceArn` for inference ("Cross-service confused deputy prevention").
 *
 * Unknowns (`deferred`): a trust policy unknown in preview makes the policy "not run" there; it runs
 * at `pulumi up`.
 */
import { resourceGuardrail } from "../lib/guardrail";
import { IamStatement, roleTrustStatements, SAGEMAKER_PRINCIPAL, statementLabel, trustsSageMaker } from "../lib/iamDocuments";

export const DEFAULT_CONDITION_KEYS = ["aws:SourceAccount", "aws:SourceArn"];

const REMEDIATION =
    `Add a condition to the trust statement, e.g. the form SageMaker documents for inference: "Condition": { "ArnLike": { "aws:SourceArn": "arn:<partition>:sagemaker:<region>:<account id>:*" } }, ` +
    `or "StringEquals": { "aws:SourceAccount": "<account id>" }.`;

/** Labels of SageMaker trust statements without a condition on any of `keys` (case-insensitive). Pure. */
export function statementsWithoutSourceCondition(statements: readonly IamStatement[], keys: readonly string[] = DEFAULT_CONDITION_KEYS): string[] {
    const wanted = new Set(keys.map((k) => k.toLowerCase()));
    const out: string[] = [];
    statements.forEach((s, i) => {
        if (!trustsSageMaker(s)) return;
        // The keys of each operator's map. A malformed operator value gives index keys ("0", "1", ...)
        // for a string and none for a number, so it never counts as a condition on a wanted key.
        const conditionKeys = Object.values(s.Condition ?? {}).flatMap((byKey) => Object.keys(byKey ?? {}));
        if (!conditionKeys.some((k) => wanted.has(k.toLowerCase()))) out.push(statementLabel(s, i));
    });
    return out;
}

export const iamRoleTrustSourceAccount = resourceGuardrail(
    {
        name: "iam-role-trust-source-account",
        description: `Trust statements allowing ${SAGEMAKER_PRINCIPAL} are limited to this account by an aws:SourceAccount or aws:SourceArn condition.`,
        enforcementLevel: "advisory",
        severity: "medium",
        url: "https://docs.aws.amazon.com/sagemaker/latest/dg/security-confused-deputy-prevention.html",
        configSchema: {
            properties: {
                conditionKeys: {
                    type: "array",
                    items: { type: "string", minLength: 1 },
                    minItems: 1,
                    default: DEFAULT_CONDITION_KEYS,
                    description: "Condition keys (any operator) that count as limiting the trust to this account.",
                },
            },
        },
        family: "iam",
        remediationSteps: REMEDIATION,
        controls: ["AC-3", "AC-6"],
        unknowns: "deferred",
        rationale:
            "Without a source condition, SageMaker acting for another account that learns the role's ARN could be made to assume it " +
            "(the cross-service confused deputy).",
    },
    (args, reportViolation) => {
        const statements = roleTrustStatements(args); // throws in preview if unknown: deferred
        if (!statements) return;
        const keys = args.getConfig<{ conditionKeys: string[] }>().conditionKeys;
        for (const label of statementsWithoutSourceCondition(statements, keys)) {
            reportViolation(
                `aws:iam/role:Role '${args.name}' assumeRolePolicy: ${label} trusts ${SAGEMAKER_PRINCIPAL} with no ${keys.join(" or ")} condition. ${REMEDIATION}`,
            );
        }
    },
);
