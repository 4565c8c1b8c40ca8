import { PolicyResource } from "@pulumi/policy";
import { stackGuardrail } from "../lib/guardrail";
import { describeResource, linkedOfType, NET, ofType } from "../lib/networkGraph";
import { isUnset, peek } from "../lib/values";

const remediation =
    "Give the notebook instance its own security group in `securityGroups` (egress only to the VPC endpoints and S3), never the VPC's default security group.";

/**
 * Why a notebook may end up on the VPC's default security group: `securityGroups` missing or empty
 * (SageMaker then attaches the default group), or an entry from an aws.ec2.DefaultSecurityGroup
 * (by dependency, or equal id) or read from the aws.ec2.Vpc itself (by dependency). A list unknown
 * in preview counts as set.
 */
export function defaultSecurityGroupProblems(notebook: PolicyResource, all: PolicyResource[]): string[] {
    const groups = peek(notebook.props, "securityGroups");
    if (isUnset(groups)) return ["securityGroups is not set: SageMaker attaches the VPC's default security group"];
    if (Array.isArray(groups) && groups.length === 0) return ["securityGroups is empty ([]): SageMaker attaches the VPC's default security group"];
    return [
        ...linkedOfType(notebook, "securityGroups", all, NET.defaultSecurityGroup).map(
            (d) => `securityGroups includes the VPC's default security group ${describeResource(d)}`,
        ),
        // A VPC's one security-group output is its default group (`defaultSecurityGroupId`,
        // @pulumi/aws ec2.Vpc), so a group read from the VPC itself is that group.
        ...linkedOfType(notebook, "securityGroups", all, NET.vpc).map(
            (v) => `securityGroups includes the default security group of ${describeResource(v)} (its defaultSecurityGroupId)`,
        ),
    ];
}

export const sagemakerNotebookNotDefaultSecurityGroup = stackGuardrail(
    {
        name: "sagemaker-notebook-not-default-security-group",
        description: "SageMaker notebook instances have their own security groups, never the VPC's default security group.",
        enforcementLevel: "mandatory",
        severity: "medium",
        url: "https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html",
        family: "notebook",
        remediationSteps: remediation,
        controls: ["SC-7", "SC-7(5)", "AC-4", "CM-7"],
        rationale:
            "The default security group is shared by everything that names no group and admits all traffic from its members, so the notebook's traffic would not be limited to what it needs.",
        unknowns: "present",
    },
    (args, reportViolation) => {
        for (const notebook of ofType(args.resources, NET.notebookInstance)) {
            for (const problem of defaultSecurityGroupProblems(notebook, args.resources))
                reportViolation(`${describeResource(notebook)}: ${problem}. ${remediation}`, notebook.urn);
        }
    },
);
