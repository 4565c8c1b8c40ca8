import { stackGuardrail } from "../lib/guardrail";
import { describeScope, WAIVERS_POLICY, waiverLedger, waiversSchema } from "../lib/waivers";

/**
 * Holds the pack's waivers (its `waivers` setting; lib/waivers.ts applies them to every policy's
 * findings) and reports each waiver past its last day. An expired waiver covers nothing, so the
 * finding it covered is reported again by its own policy as well.
 */
export const awsResourceWaiversValid = stackGuardrail(
    {
        name: WAIVERS_POLICY,
        description: "Every waiver in the pack config is within its expiry date.",
        enforcementLevel: "mandatory",
        severity: "medium",
        remediationSteps:
            "Renew the waiver with a new `expires` date and a fresh `approvedBy` after reviewing it again, or fix what it covered and remove the waiver from the pack config.",
        family: "waivers",
        controls: ["CM-6", "CA-5", "RA-7"],
        url: "https://pulumi.com/docs/using-pulumi/crossguard/configuration",
        unknowns: "none",
        rationale:
            "An accepted deviation from a guardrail is a decision with an owner and an end date; past that date nobody has accepted the risk any more, and the deviation must be reviewed again or removed.",
        configSchema: { properties: { waivers: waiversSchema() } },
    },
    (_args, reportViolation) => {
        for (const waiver of waiverLedger.expired()) {
            reportViolation(
                `The waiver of ${waiver.policy} for ${describeScope(waiver)}, approved by ${waiver.approvedBy} ("${waiver.reason}"), expired on ${waiver.expires}; ` +
                    `what it covered is reported again by ${waiver.policy}.`,
            );
        }
    },
);
