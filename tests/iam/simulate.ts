/**
 * Decides AWS requests with a real IAM policy evaluator (@cloud-copilot/iam-simulate: identity and
 * resource policies, condition operators, actions and ARNs checked against AWS's Service
 * Authorization Reference data), against the policies a mocked update of the program produces.
 */
import { runSimulation } from "@cloud-copilot/iam-simulate";

export interface PolicyDocument {
    Version: string;
    Statement: Record<string, unknown>[];
}

export type Decision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";

export interface Request {
    principal: string;
    action: string;
    resource: string;
    /** Account owning the resource. */
    account: string;
    context?: Record<string, string>;
}

/** The decision for one request; a request the evaluator rejects (unknown action, wrong ARN) throws. */
export async function decide(request: Request, identityPolicies: PolicyDocument[], resourcePolicy?: PolicyDocument): Promise<Decision> {
    const response = await runSimulation(
        {
            identityPolicies: identityPolicies.map((policy, i) => ({ name: `policy-${i}`, policy })),
            serviceControlPolicies: [],
            resourceControlPolicies: [],
            resourcePolicy,
            request: {
                principal: request.principal,
                action: request.action,
                resource: { resource: request.resource, accountId: request.account },
                contextVariables: request.context ?? {},
            },
        },
        {},
    );
    if (response.resultType === "error") {
        throw new Error(`The evaluator rejects ${request.action} on ${request.resource}: ${JSON.stringify(response.errors)}`);
    }
    return response.overallResult as Decision;
}
