/**
 * The NIST SP 800-53 Rev. 5 controls the pack's policies support, with their titles, and the
 * `framework` field @pulumi/policy publishes for a policy. Titles as the publication gives them
 * (an enhancement after its base control, joined by " | ").
 *
 * Source: NIST SP 800-53 Rev. 5, "Security and Privacy Controls for Information Systems and
 * Organizations" (doi:10.6028/NIST.SP.800-53r5), chapter 3, as NIST publishes it in OSCAL
 * (usnistgov/oscal-content): nist.gov/SP800-53/rev5/json/NIST_SP-800-53_rev5_catalog-min.json
 * (release 5.0.1) and, for the controls in the high baseline, ..._HIGH-baseline-resolved-profile_catalog-min.json
 * (release 5.1.1); the two agree. Checked 2026-12-02.
 */
import { PolicyComplianceFramework } from "@pulumi/policy";

/** A control or enhancement identifier, e.g. "SC-7", "SC-28(1)". */
export type NistControl = string;

export const NIST_CONTROL_TITLES: Readonly<Record<NistControl, string>> = {
    "AC-2": "Account Management",
    "AC-3": "Access Enforcement",
    "AC-4": "Information Flow Enforcement",
    "AC-6": "Least Privilege",
    "AC-6(1)": "Least Privilege | Authorize Access to Security Functions",
    "AC-6(10)": "Least Privilege | Prohibit Non-privileged Users from Executing Privileged Functions",
    "AC-16": "Security and Privacy Attributes",
    "AC-21": "Information Sharing",
    "AC-17(2)": "Remote Access | Protection of Confidentiality and Integrity Using Encryption",
    "AU-2": "Event Logging",
    "AU-9": "Protection of Audit Information",
    "AU-11": "Audit Record Retention",
    "AU-12": "Audit Record Generation",
    "CA-5": "Plan of Action and Milestones",
    "CM-2": "Baseline Configuration",
    "CM-3": "Configuration Change Control",
    "CM-6": "Configuration Settings",
    "CM-7": "Least Functionality",
    "CM-7(5)": "Least Functionality | Authorized Software — Allow-by-exception",
    "CM-8": "System Component Inventory",
    "CP-2": "Contingency Plan",
    "CP-2(2)": "Contingency Plan | Capacity Planning",
    "CP-9": "System Backup",
    "CP-10": "System Recovery and Reconstitution",
    "IA-5": "Authenticator Management",
    "IA-5(7)": "Authenticator Management | No Embedded Unencrypted Static Authenticators",
    "RA-2": "Security Categorization",
    "RA-7": "Risk Response",
    "SA-8": "Security and Privacy Engineering Principles",
    "SA-9(5)": "External System Services | Processing, Storage, and Service Location",
    "SA-22": "Unsupported System Components",
    "SC-5": "Denial-of-service Protection",
    "SC-7": "Boundary Protection",
    "SC-7(4)": "Boundary Protection | External Telecommunications Services",
    "SC-7(5)": "Boundary Protection | Deny by Default — Allow by Exception",
    "SC-8": "Transmission Confidentiality and Integrity",
    "SC-8(1)": "Transmission Confidentiality and Integrity | Cryptographic Protection",
    "SC-12": "Cryptographic Key Establishment and Management",
    "SC-13": "Cryptographic Protection",
    "SC-23": "Session Authenticity",
    "SC-28": "Protection of Information at Rest",
    "SC-28(1)": "Protection of Information at Rest | Cryptographic Protection",
    "SC-36": "Distributed Processing and Storage",
    "SI-2": "Flaw Remediation",
    "SI-4": "System Monitoring",
    "SI-12": "Information Management and Retention",
    "SI-17": "Fail-safe Procedures",
    "SR-4": "Provenance",
};

/**
 * The `framework` of a policy supporting these controls: `reference` lists them, `specification`
 * gives their titles. A control the table lacks is a mistake in the policy, so it throws when the
 * pack loads. Pure.
 */
export function nistFramework(controls: readonly NistControl[]): PolicyComplianceFramework {
    if (controls.length === 0) throw new Error("a guardrail names at least one NIST SP 800-53 Rev. 5 control");
    const titles = controls.map((c) => {
        const title = NIST_CONTROL_TITLES[c];
        if (title === undefined) throw new Error(`NIST SP 800-53 Rev. 5 control "${c}" is not in policies/lib/nist.ts; add it with its title`);
        return `${c} ${title}`;
    });
    return { name: "NIST SP 800-53", version: "Rev. 5", reference: controls.join(", "), specification: titles.join("; ") };
}

/** The controls a framework field lists (its reference). Pure. */
export function controlsOf(framework: PolicyComplianceFramework): NistControl[] {
    return framework.reference.split(", ");
}
