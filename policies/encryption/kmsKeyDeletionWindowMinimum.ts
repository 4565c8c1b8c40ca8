/**
 * A KMS key waits at least the configured number of days between `pulumi destroy` (or a removal
 * from the program) and the deletion of its key material: `deletionWindowInDays` is unset or at
 * least `minimumDeletionWindowDays` (default 30). Checked on aws.kms.Key and the other KMS key
 * resources that take the same input (ExternalKey, ReplicaKey, ReplicaExternalKey).
 *
 * Facts (checked 2026-12-02): AWS KMS API Reference, ScheduleKeyDeletion, request parameter
 * PendingWindowInDays: "If you include a value, it must be between 7 and 30, inclusive. If you do
 * not include a value, it defaults to 30." The provider passes `deletionWindowInDays` as that
 * parameter when the key is deleted (@pulumi/aws 7.48.0 kms/key.d.ts, KeyArgs.deletionWindowInDays:
 * "If you specify a value, it must be between `7` and `30`, inclusive. If you do not specify a
 * value, it defaults to `30`."). So an unset window is KMS's 30 days and compliant.
 *
 * Unknowns (`deferred`): a window unknown in preview makes the policy "not run" there; it runs at
 * `pulumi up`.
 */
import { resourceGuardrail } from "../lib/guardrail";
import { isUnset } from "../lib/values";

/** KMS's waiting period when none is given, and the range it accepts (ScheduleKeyDeletion, PendingWindowInDays). */
export const KMS_DEFAULT_DELETION_WINDOW_DAYS = 30;
export const KMS_MIN_DELETION_WINDOW_DAYS = 7;

/** The KMS key resources with a `deletionWindowInDays` input. */
export const KEY_TYPES_WITH_DELETION_WINDOW = [
    "aws:kms/key:Key",
    "aws:kms/externalKey:ExternalKey",
    "aws:kms/replicaKey:ReplicaKey",
    "aws:kms/replicaExternalKey:ReplicaExternalKey",
];

/** The problem with a key's deletion window, or undefined when it is unset or long enough. Pure. */
export function deletionWindowProblem(window: unknown, minimumDays: number): string | undefined {
    if (isUnset(window)) return undefined;
    if (typeof window === "number" && window >= minimumDays) return undefined;
    return `deletionWindowInDays is ${JSON.stringify(window)}, shorter than the minimum of ${minimumDays} days (policy config minimumDeletionWindowDays)`;
}

const REMEDIATION =
    `Set deletionWindowInDays on the KMS key to at least minimumDeletionWindowDays, or leave it unset for KMS's ${KMS_DEFAULT_DELETION_WINDOW_DAYS} days ` +
    "(the longest window KMS allows).";

export const kmsKeyDeletionWindowMinimum = resourceGuardrail(
    {
        name: "kms-key-deletion-window-minimum",
        description: "A KMS key's deletionWindowInDays is unset (KMS's 30 days) or at least the configured minimum.",
        enforcementLevel: "mandatory",
        severity: "medium",
        url: "https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys-scheduling-key-deletion.html",
        family: "encryption",
        remediationSteps: REMEDIATION,
        controls: ["SC-12", "CP-10"],
        unknowns: "deferred",
        rationale:
            "Deleting a KMS key makes everything encrypted under it unrecoverable; the waiting period is the only time in which a mistaken " +
            "destroy can be cancelled (CancelKeyDeletion).",
        configSchema: {
            properties: {
                minimumDeletionWindowDays: {
                    type: "integer",
                    minimum: KMS_MIN_DELETION_WINDOW_DAYS,
                    maximum: KMS_DEFAULT_DELETION_WINDOW_DAYS,
                    default: KMS_DEFAULT_DELETION_WINDOW_DAYS,
                    description: "Shortest acceptable deletionWindowInDays (KMS allows 7 to 30; unset means 30).",
                },
            },
        },
    },
    (args, reportViolation) => {
        if (!KEY_TYPES_WITH_DELETION_WINDOW.includes(args.type)) return;
        const { minimumDeletionWindowDays } = args.getConfig<{ minimumDeletionWindowDays: number }>();
        const window = args.props.deletionWindowInDays; // throws in preview if unknown: deferred
        const problem = deletionWindowProblem(window, minimumDeletionWindowDays);
        if (problem) reportViolation(`${args.type} '${args.name}' ${problem}. ${REMEDIATION}`);
    },
);
