import { NET } from "../lib/networkGraph";
import { resourceGuardrail } from "../lib/guardrail";
import { isPresent, isUnset } from "../lib/values";

const remediation =
    'Place the notebook instance in a private subnet (`subnetId`) and set `directInternetAccess: "Disabled"` explicitly; ' +
    "it then reaches AWS APIs through the VPC's interface endpoints only.";

/**
 * Problems with a notebook instance's network placement. `subnetId` only needs to be present (an id
 * unknown in preview counts); `directInternetAccess` must be exactly "Disabled": SageMaker's default
 * when it is not set is "Enabled", a SageMaker-managed network interface with internet access.
 */
export function notebookInternetProblems(props: Record<string, unknown>): string[] {
    const problems: string[] = [];
    if (!isPresent(props, "subnetId")) {
        problems.push("subnetId is not set: the notebook runs outside your VPC, in SageMaker's network, where direct internet access cannot be disabled");
    }
    const access = props.directInternetAccess;
    if (access !== "Disabled") {
        problems.push(
            isUnset(access) ? 'directInternetAccess is not set: SageMaker\'s default is "Enabled"' : `directInternetAccess is ${JSON.stringify(access)}`,
        );
    }
    return problems;
}

export const sagemakerNotebookNoDirectInternet = resourceGuardrail(
    {
        name: "sagemaker-notebook-no-direct-internet",
        description: 'SageMaker notebook instances run in a VPC subnet with directInternetAccess explicitly "Disabled".',
        enforcementLevel: "mandatory",
        severity: "critical",
        url: "https://docs.aws.amazon.com/sagemaker/latest/dg/appendix-notebook-and-internet-access.html",
        family: "network",
        remediationSteps: remediation,
        controls: ["SC-7", "SC-7(5)", "AC-4"],
        rationale: "A notebook with direct internet access has a path around the VPC's boundary controls, for data out and code in.",
        unknowns: "present",
    },
    (args, reportViolation) => {
        if (args.type !== NET.notebookInstance) return;
        for (const problem of notebookInternetProblems(args.props)) reportViolation(`${problem}. ${remediation}`);
    },
);
