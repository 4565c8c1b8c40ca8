import { PolicyResource } from "@pulumi/policy";
import { stackGuardrail } from "../lib/guardrail";
import { linked, NET, ofType } from "../lib/networkGraph";

const remediation = 'Add an aws.ec2.FlowLog with `vpcId` set to the VPC (trafficType "ALL"), delivering to a KMS-encrypted log group or bucket with retention.';

/** VPCs of the stack with no aws.ec2.FlowLog whose `vpcId` refers to them (by dependency or id). */
export function vpcsWithoutFlowLogs(all: PolicyResource[]): PolicyResource[] {
    const flowLogs = ofType(all, NET.flowLog);
    return ofType(all, NET.vpc).filter((vpc) => !flowLogs.some((f) => linked(f, "vpcId", vpc)));
}

export const ec2VpcFlowLogsEnabled = stackGuardrail(
    {
        name: "ec2-vpc-flow-logs-enabled",
        description: "Every VPC the stack creates has an aws.ec2.FlowLog attached to it.",
        enforcementLevel: "mandatory",
        severity: "medium",
        url: "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html",
        family: "network",
        remediationSteps: remediation,
        controls: ["AU-2", "AU-12", "SI-4"],
        rationale: "Flow logs are the record of what crossed the network boundary, needed to detect and investigate exfiltration from the model or notebook.",
        unknowns: "present",
    },
    (args, reportViolation) => {
        for (const vpc of vpcsWithoutFlowLogs(args.resources)) {
            reportViolation(`VPC ${vpc.name} has no flow log: no aws.ec2.FlowLog has a vpcId referring to it. ${remediation}`, vpc.urn);
        }
    },
);
