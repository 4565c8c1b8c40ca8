import { resourceGuardrail } from "../lib/guardrail";
import { NET } from "../lib/networkGraph";
import { isUnset } from "../lib/values";

const remediation = 'Set `instanceMetadataServiceConfiguration: { minimumInstanceMetadataServiceVersion: "2" }` on the notebook instance.';

/** IMDSv2 only: SageMaker allows IMDSv1 unless the minimum version is "2". */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function imdsProblem(props: Record<string, any>): string | undefined {
    const config = props.instanceMetadataServiceConfiguration;
    if (isUnset(config)) return "instanceMetadataServiceConfiguration is not set: IMDSv1 is allowed by default";
    const version = config.minimumInstanceMetadataServiceVersion;
    if (String(version) === "2") return undefined;
    return isUnset(version)
        ? "instanceMetadataServiceConfiguration.minimumInstanceMetadataServiceVersion is not set: IMDSv1 is allowed by default"
        : `instanceMetadataServiceConfiguration.minimumInstanceMetadataServiceVersion is ${JSON.stringify(version)}`;
}

export const sagemakerNotebookImdsv2Required = resourceGuardrail(
    {
        name: "sagemaker-notebook-imdsv2-required",
        description: 'SageMaker notebook instances require IMDSv2 (minimumInstanceMetadataServiceVersion "2").',
        enforcementLevel: "mandatory",
        severity: "high",
        url: "https://docs.aws.amazon.com/sagemaker/latest/dg/howitworks-create-ws.html",
        family: "notebook",
        remediationSteps: remediation,
        controls: ["CM-6", "CM-7", "SC-23"],
        rationale:
            "IMDSv1 answers unauthenticated GET requests, so a server-side request forgery in notebook code can read the instance role's credentials; IMDSv2's session tokens prevent that.",
        unknowns: "none",
    },
    (args, reportViolation) => {
        if (args.type !== NET.notebookInstance) return;
        const problem = imdsProblem(args.props);
        if (problem) reportViolation(`${problem}. ${remediation}`);
    },
);
