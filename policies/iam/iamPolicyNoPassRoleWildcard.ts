/**
 * No IAM identity policy lets its principal pass every role: no Allow statement grants
 * `iam:PassRole` on `Resource: "*"` or on a pattern that matches every role (e.g.
 * `arn:aws:iam::*:role/*`, `arn:aws:iam::111122223333:role/*`), nor by `NotResource`. The documents
 * are the ones iam-policy-no-wildcard-actions reads (lib/iamDocuments.ts identityPolicyDocuments).
 *
 * One finding per problem: an action granting everything or a whole service (`*`, `iam:*`, `*:*`)
 * and `NotAction` are iam-policy-no-wildcard-actions' findings, so this policy reports only actions that
 * grant PassRole without being such a wildcard: `iam:PassRole` itself and partial wildcards like
 * `iam:Pass*` or `iam:*Role`. A pack that accepts `iam:*` there (allowedServiceWildcards) accepts
 * every IAM action, PassRole on every role included.
 *
 * `iam:PassedToService` does not make `Resource: "*"` acceptable: it limits the service the role
 * is passed to, not which role. AWS's page on passing roles (IAM User Guide, "Grant a user
 * permissions to pass a role to an AWS service", checked 2026-12-02) limits the roles a user may
 * pass with the Resource element of the statement (role ARNs) and uses iam:PassedToService besides
 * it; with `*`, a user allowed to pass roles to SageMaker could still give a notebook or a model any
 * role of the account, an administrator's included.
 *
 * Unknowns (`deferred`): a document unknown in preview makes the policy "not run" there; it runs at
 * `pulumi up`.
 */
import { resourceGuardrail } from "../lib/guardrail";
import {
    asList,
    IamStatement,
    iamPatternMatches,
    identityPolicyDocuments,
    isAllow,
    PolicyDocumentError,
    serviceOfWildcardAction,
    statementLabel,
    statementsOf,
} from "../lib/iamDocuments";

const PASS_ROLE = "iam:PassRole";

const REMEDIATION =
    'List in the statement\'s Resource the ARNs of the roles the principal may pass (e.g. "arn:<partition>:iam::<account>:role/<execution role>") ' +
    'instead of "*" or a pattern matching every role, and add an iam:PassedToService condition naming the service.';

/** Actions of a statement that grant iam:PassRole without being a whole-service wildcard (iam-policy-no-wildcard-actions' finding). Pure. */
export function passRoleActions(statement: IamStatement): string[] {
    return asList(statement.Action).filter(
        (a): a is string => typeof a === "string" && serviceOfWildcardAction(a) === undefined && iamPatternMatches(a.trim(), PASS_ROLE, true),
    );
}

/** A literal ARN segment, or a stand-in where the pattern has a wildcard. */
function literalOr(segment: string | undefined, standIn: string): string {
    return segment !== undefined && segment !== "" && !/[*?]/.test(segment) ? segment : standIn;
}

/**
 * Whether a Resource pattern matches every role (of an account, or of every account): it matches
 * role ARNs of any name and path in its own partition and account (a wildcard there stands for any). Pure.
 */
export function matchesEveryRole(resource: string): boolean {
    const parts = resource.split(":");
    const partition = literalOr(parts[1], "aws");
    const account = literalOr(parts[4], "111122223333");
    const probes = [`arn:${partition}:iam::${account}:role/q7-any-role`, `arn:${partition}:iam::${account}:role/some/path/x3-other`];
    return probes.every((arn) => iamPatternMatches(resource.trim(), arn));
}

export interface PassRoleFinding {
    statement: string;
    problem: string;
}

/** Allow statements that let the principal pass every role. Pure. */
export function passRoleFindings(statements: readonly IamStatement[]): PassRoleFinding[] {
    const findings: PassRoleFinding[] = [];
    statements.forEach((s, i) => {
        if (!isAllow(s)) return;
        const actions = passRoleActions(s);
        if (actions.length === 0) return;
        const grant = `allows ${actions.map((a) => JSON.stringify(a)).join(", ")}`;
        const conditionKeys = Object.values(s.Condition ?? {}).flatMap((byKey) => Object.keys(byKey ?? {}));
        const passedToService = conditionKeys.some((k) => k.toLowerCase() === "iam:passedtoservice")
            ? " (its iam:PassedToService condition limits the service, not which role)"
            : "";
        const everyRole = asList(s.Resource).filter((r): r is string => typeof r === "string" && matchesEveryRole(r));
        if (everyRole.length > 0) {
            findings.push({
                statement: statementLabel(s, i),
                problem: `${grant} on Resource ${everyRole.map((r) => JSON.stringify(r)).join(", ")}, which matches every role${passedToService}`,
            });
        } else if (s.NotResource !== undefined) {
            findings.push({
                statement: statementLabel(s, i),
                problem: `${grant} on every resource not in NotResource ${JSON.stringify(s.NotResource)}${passedToService}`,
            });
        }
    });
    return findings;
}

export const iamPolicyNoPassRoleWildcard = resourceGuardrail(
    {
        name: "iam-policy-no-pass-role-wildcard",
        description: 'IAM policy documents allow iam:PassRole only on named roles, not on Resource "*" or a pattern matching every role.',
        enforcementLevel: "mandatory",
        severity: "high",
        url: "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html",
        family: "iam",
        remediationSteps: REMEDIATION,
        controls: ["AC-6", "AC-6(1)", "AC-3"],
        unknowns: "deferred",
        rationale:
            "Passing a role gives a service its permissions: a principal that may pass every role can run a notebook, model or job " +
            "with the account's most privileged role and act with it.",
    },
    (args, reportViolation) => {
        for (const { where, document } of identityPolicyDocuments(args)) {
            let statements: IamStatement[];
            try {
                statements = statementsOf(document);
            } catch (err) {
                // A document IAM rejects is iam-policy-no-wildcard-actions' finding.
                if (err instanceof PolicyDocumentError) continue;
                throw err;
            }
            for (const f of passRoleFindings(statements)) {
                reportViolation(`${args.type} '${args.name}' property ${where}: ${f.statement} ${f.problem}. ${REMEDIATION}`);
            }
        }
    },
);
