import { NET } from "../lib/networkGraph";
import { resourceGuardrail } from "../lib/guardrail";
import { isUnknownValue, isUnset, peek } from "../lib/values";

const remediation = "Set the model's `vpcConfig` with the private subnets (`subnets`, two or more AZs) and its own security group (`securityGroupIds`).";

/** A list property of vpcConfig: missing or empty is a problem; unknown in preview (a sentinel, neither) counts as set. */
function listProblem(vpcConfig: unknown, key: string): string | undefined {
    const value = peek(vpcConfig, key);
    if (isUnset(value)) return `vpcConfig.${key} is not set`;
    if (Array.isArray(value) && value.length === 0) return `vpcConfig.${key} is empty ([])`;
    return undefined;
}

/**
 * Problems with a SageMaker model's VPC placement. Presence is what matters: subnet and security
 * group ids from resources of the same stack are unknown in preview and count as set.
 */
export function modelVpcProblems(props: unknown): string[] {
    const vpcConfig = peek(props, "vpcConfig");
    if (isUnknownValue(vpcConfig)) return [];
    if (isUnset(vpcConfig)) return ["vpcConfig is not set: the model's containers run in SageMaker's network, outside your VPC"];
    return ["subnets", "securityGroupIds"].map((k) => listProblem(vpcConfig, k)).filter((p): p is string => p !== undefined);
}

export const sagemakerModelInVpc = resourceGuardrail(
    {
        name: "sagemaker-model-in-vpc",
        description: "SageMaker models run in the VPC: vpcConfig with subnets and security groups.",
        enforcementLevel: "mandatory",
        severity: "high",
        url: "https://docs.aws.amazon.com/sagemaker/latest/dg/host-vpc.html",
        family: "network",
        remediationSteps: remediation,
        controls: ["SC-7", "SC-7(5)", "AC-4"],
        rationale: "Outside a VPC the inference containers' traffic is not subject to the VPC's security groups, routes, endpoints and flow logs.",
        unknowns: "present",
    },
    (args, reportViolation) => {
        if (args.type !== NET.sagemakerModel) return;
        for (const problem of modelVpcProblems(args.props)) reportViolation(`${problem}. ${remediation}`);
    },
);
