/**
 * A CloudWatch Logs log group keeps its events for a defined period of at least the configured
 * minimum: `retentionInDays` is set, non-zero (0 or unset means "never expire") and at least
 * `minimumRetentionDays` (default 90). The value matters, so an unknown one defers the policy.
 */
import { resourceGuardrail } from "../lib/guardrail";
import { LOG_GROUP_TYPE } from "./cloudwatchLogGroupKms";
import { isUnset } from "../lib/values";

export const DEFAULT_MINIMUM_RETENTION_DAYS = 90;

/** The problem with a log group's retention, or undefined when it is compliant. */
export function retentionProblem(retentionInDays: unknown, minimumDays: number): string | undefined {
    if (isUnset(retentionInDays) || retentionInDays === 0) {
        return (
            `retentionInDays is ${retentionInDays === 0 ? "0" : "not set"}: the log group's events never expire, so the retention period is undefined. ` +
            `Set retentionInDays to a CloudWatch retention value of at least ${minimumDays} days (e.g. 365).`
        );
    }
    if (typeof retentionInDays !== "number" || retentionInDays < minimumDays) {
        return (
            `retentionInDays is ${JSON.stringify(retentionInDays)}, below the minimum of ${minimumDays} days (policy config minimumRetentionDays). ` +
            `Set retentionInDays to a CloudWatch retention value of at least ${minimumDays} days.`
        );
    }
    return undefined;
}

export const cloudwatchLogGroupRetention = resourceGuardrail(
    {
        name: "cloudwatch-log-group-retention",
        description: "A CloudWatch log group sets retentionInDays, non-zero and at least the configured minimum.",
        enforcementLevel: "mandatory",
        severity: "medium",
        url: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html",
        family: "encryption",
        remediationSteps: "Set retentionInDays on the log group to a CloudWatch retention value at least minimumRetentionDays.",
        inThisProgram: "set logRetentionDays in the stack's settings.",
        controls: ["AU-11", "SI-12"],
        unknowns: "deferred",
        rationale:
            "Audit records must be kept for the period the organization defines and then disposed of; a log group without retention keeps them forever and one with a short retention loses them.",
        configSchema: {
            properties: {
                minimumRetentionDays: {
                    type: "integer",
                    minimum: 1,
                    default: DEFAULT_MINIMUM_RETENTION_DAYS,
                    description: "Shortest acceptable retentionInDays.",
                },
            },
        },
    },
    (args, reportViolation) => {
        if (args.type !== LOG_GROUP_TYPE) return;
        const { minimumRetentionDays } = args.getConfig<{ minimumRetentionDays: number }>();
        const problem = retentionProblem(args.props.retentionInDays, minimumRetentionDays);
        if (problem) reportViolation(problem);
    },
);
