/**
 * A CloudWatch Logs log group is encrypted with a customer-managed key: `kmsKeyId` is set. Only
 * presence matters: a key ARN from an in-stack key is unknown in preview and counts as set.
 */
import { resourceGuardrail } from "../lib/guardrail";
import { isPresent } from "../lib/values";

export const LOG_GROUP_TYPE = "aws:cloudwatch/logGroup:LogGroup";

export const cloudwatchLogGroupKms = resourceGuardrail(
    {
        name: "cloudwatch-log-group-kms",
        description: "A CloudWatch log group sets kmsKeyId, so its log events are encrypted with a customer-managed KMS key.",
        enforcementLevel: "mandatory",
        severity: "high",
        url: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html",
        family: "encryption",
        remediationSteps: "Set kmsKeyId on the log group to the ARN of a customer-managed KMS key whose key policy lets logs.<region>.amazonaws.com use it.",
        controls: ["AU-9", "SC-28", "SC-28(1)", "SC-12"],
        unknowns: "present",
        rationale:
            "Endpoint and flow logs can carry request details; a customer-managed key puts reading them under the key policy and makes every decrypt auditable.",
    },
    (args, reportViolation) => {
        if (args.type !== LOG_GROUP_TYPE) return;
        if (!isPresent(args.props, "kmsKeyId")) {
            reportViolation(
                "kmsKeyId is not set: the log group's events would be encrypted only with a CloudWatch Logs service key. Set kmsKeyId to a customer-managed KMS key ARN.",
            );
        }
    },
);
