import { resourceGuardrail } from "../lib/guardrail";
import { NET } from "../lib/networkGraph";
import { isUnset } from "../lib/values";

export interface PlatformConfig {
    approvedPlatforms: string[];
}

/** The pack's default allow-list: the Amazon Linux 2023 platform the program's settings default to (Pulumi.yaml notebookPlatform). */
export const DEFAULT_APPROVED_PLATFORMS = ["notebook-al2023-v1"];

const remediation =
    'Set `platformIdentifier` to an approved platform (policy config `approvedPlatforms`), e.g. "notebook-al2023-v1"; Amazon Linux 2 platforms are being retired.';

/** platformIdentifier must be set and approved: unset, SageMaker chooses, and its default changes over time. */
export function platformProblem(props: Record<string, unknown>, approved: readonly string[]): string | undefined {
    const value = props.platformIdentifier;
    if (typeof value === "string" && approved.includes(value)) return undefined;
    const list = JSON.stringify(approved);
    return isUnset(value)
        ? `platformIdentifier is not set (SageMaker picks its default platform); approved: ${list}`
        : `platformIdentifier is ${JSON.stringify(value)}, not one of the approved ${list}`;
}

export const sagemakerNotebookPlatformApproved = resourceGuardrail(
    {
        name: "sagemaker-notebook-platform-approved",
        description: "SageMaker notebook instances pin an approved platformIdentifier.",
        enforcementLevel: "mandatory",
        severity: "medium",
        url: "https://docs.aws.amazon.com/sagemaker/latest/dg/nbi-al2.html",
        configSchema: {
            properties: {
                approvedPlatforms: {
                    type: "array",
                    items: { type: "string", minLength: 1 },
                    default: DEFAULT_APPROVED_PLATFORMS,
                    description: "Notebook platform identifiers that may be used.",
                },
            },
        },
        family: "notebook",
        remediationSteps: remediation,
        controls: ["CM-2", "CM-6", "SI-2"],
        rationale:
            "The platform fixes the notebook's operating system and its patch stream; pinning an approved, supported one keeps the baseline known and patched.",
        unknowns: "none",
    },
    (args, reportViolation) => {
        if (args.type !== NET.notebookInstance) return;
        const problem = platformProblem(args.props, args.getConfig<PlatformConfig>().approvedPlatforms);
        if (problem) reportViolation(`${problem}. ${remediation}`);
    },
);
