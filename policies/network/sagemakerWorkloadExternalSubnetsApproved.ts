import { stackGuardrail } from "../lib/guardrail";
import { describeResource } from "../lib/networkGraph";
import { subnetUsers } from "./sagemakerWorkloadSubnetsPrivate";

export interface ExternalSubnetsConfig {
    /** Ids of subnets outside the stack (a landing zone's private subnets) reviewed for SageMaker. */
    approvedSubnetIds: string[];
}

const remediation =
    "Confirm the subnet is private (no public IPs on launch, no default route to an internet gateway) and list it in this policy's `approvedSubnetIds`, " +
    "or run SageMaker in subnets the stack creates.";

/**
 * Subnets a SageMaker model or notebook uses that the stack does not create: a policy sees only the
 * stack's resources, so it cannot tell whether such a subnet is private. Advisory by default, because
 * a landing-zone design is correct and must not fail the pack for what it cannot see (programs such
 * as this repository's check the subnets against AWS during preview); an organisation that requires
 * each external subnet to be approved sets this policy mandatory in its pack config.
 */
export const sagemakerWorkloadExternalSubnetsApproved = stackGuardrail(
    {
        name: "sagemaker-workload-external-subnets-approved",
        description: "Subnets a SageMaker model or notebook uses that the stack does not create (which no policy can see) are listed as approved.",
        enforcementLevel: "advisory",
        severity: "medium",
        url: "https://docs.aws.amazon.com/vpc/latest/userguide/configure-subnets.html",
        configSchema: {
            properties: {
                approvedSubnetIds: {
                    type: "array",
                    items: { type: "string", minLength: 1 },
                    default: [],
                    description: "Subnet ids outside the stack (e.g. a landing zone's private subnets) reviewed for SageMaker.",
                },
            },
        },
        family: "network",
        remediationSteps: remediation,
        controls: ["SC-7", "SC-7(5)", "CM-2"],
        rationale:
            "Whether a landing zone's subnet is private is decided outside the stack; an explicit list of reviewed subnets keeps that decision recorded where the guardrails can hold it.",
        // Subnet ids unknown in preview cannot be told apart from the stack's own; they are checked at `pulumi up`.
        unknowns: "skipped",
    },
    (args, reportViolation) => {
        const approved = new Set(args.getConfig<ExternalSubnetsConfig>().approvedSubnetIds);
        for (const { user, path, id } of subnetUsers(args.resources, approved).external) {
            reportViolation(
                `${describeResource(user)} ${path} uses subnet ${JSON.stringify(id)}, which this stack does not create, so no policy can see whether it is private; approvedSubnetIds ${JSON.stringify([...approved])} does not list it. ${remediation}`,
                user.urn,
            );
        }
    },
);
