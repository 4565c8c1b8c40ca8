import { stackGuardrail } from "../lib/guardrail";
import { describeScope, WAIVED_FINDINGS_POLICY, waivedFindingMessage, waiverLedger } from "../lib/waivers";

/**
 * Reports, advisory, each finding a current waiver covered (on the resource it concerns, marked as
 * waived), and each current waiver that covered no finding. Runs last, after every other policy.
 */
export const awsResourceFindingsWaived = stackGuardrail(
    {
        name: WAIVED_FINDINGS_POLICY,
        description: "Findings covered by a waiver, reported as waived; waivers that cover no finding.",
        enforcementLevel: "advisory",
        severity: "low",
        remediationSteps:
            "Nothing while the waiver stands; before it expires, fix the finding or renew the waiver. Remove a waiver that covers no finding (the resource was fixed or is gone).",
        family: "waivers",
        controls: ["CM-6", "CA-5"],
        url: "https://pulumi.com/docs/using-pulumi/crossguard/configuration",
        unknowns: "none",
        rationale:
            "A waived finding stays visible in every preview, so the accepted risk is seen, and a waiver nothing needs any more is noticed and removed rather than left to cover a future change.",
    },
    (_args, reportViolation) => {
        for (const finding of waiverLedger.waived()) reportViolation(waivedFindingMessage(finding), finding.urn);
        for (const waiver of waiverLedger.unused()) {
            reportViolation(
                `The waiver of ${waiver.policy} for ${describeScope(waiver)} (approved by ${waiver.approvedBy}, until ${waiver.expires}) covered no finding in this run: ` +
                    `remove it if the resource was fixed or is gone (in a preview, a policy that could not run yet finds nothing to waive).`,
            );
        }
    },
);
