import { resourceGuardrail } from "../lib/guardrail";
import { NET } from "../lib/networkGraph";
import { isUnset } from "../lib/values";

const remediation = 'Set `rootAccess: "Disabled"` on the notebook instance; install what users need through a lifecycle configuration.';

/** rootAccess must be exactly "Disabled": SageMaker's default when it is not set is "Enabled". */
export function rootAccessProblem(props: Record<string, unknown>): string | undefined {
    const value = props.rootAccess;
    if (value === "Disabled") return undefined;
    return isUnset(value) ? 'rootAccess is not set: SageMaker\'s default is "Enabled"' : `rootAccess is ${JSON.stringify(value)}`;
}

export const sagemakerNotebookRootAccessDisabled = resourceGuardrail(
    {
        name: "sagemaker-notebook-root-access-disabled",
        description: 'SageMaker notebook instances have rootAccess explicitly "Disabled".',
        enforcementLevel: "mandatory",
        severity: "high",
        url: "https://docs.aws.amazon.com/sagemaker/latest/dg/nbi-root-access.html",
        family: "notebook",
        remediationSteps: remediation,
        controls: ["AC-6", "AC-6(10)", "CM-7"],
        rationale:
            "Root on the notebook lets a user change its network and security configuration, read the instance role's credentials freely and install unvetted software.",
        unknowns: "none",
    },
    (args, reportViolation) => {
        if (args.type !== NET.notebookInstance) return;
        const problem = rootAccessProblem(args.props);
        if (problem) reportViolation(`${problem}. ${remediation}`);
    },
);
