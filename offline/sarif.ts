/**
 * SARIF 2.1.0 for a plan's policy results, so GitHub code scanning shows each violation on the stack
 * file whose settings produced it. One rule per policy, from the metadata fields the pack gives
 * @pulumi/policy (remediation steps, framework controls, tags, url, severity), one result per violation, located at the stack-file line of the setting most likely to
 * fix it, with the resource's URN as a logical location.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import type { Log, ReportingDescriptor, Result } from "sarif";
import { controlsOf } from "../policies/lib/nist";
import { parseWaivedFinding, WAIVED_FINDINGS_POLICY } from "../policies/lib/waivers";
import type { BlindSpot } from "./completeness";
import { EffectivePolicy, PolicyResult, PolicyViolation } from "./policyEngine";

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

export interface SarifInput {
    packName: string;
    packVersion?: string;
    result: PolicyResult;
    /** The stack file, and the directory SARIF paths are relative to (the repository root). */
    stackFile: string;
    rootDir: string;
    /** What the run could not see (./completeness.ts): each becomes a warning notification of the run's invocation. */
    blindSpots?: BlindSpot[];
}

/** Stack settings whose lines a violation of each family points at, most specific first. */
const SETTINGS_BY_FAMILY: Record<string, string[]> = {
    network: ["egress", "networkMode", "existingPrivateSubnetIds", "vpcCidr"],
    notebook: ["notebookPlatform", "notebookInstanceType", "notebookEnabled"],
    encryption: ["models", "logRetentionDays"],
    instances: ["models", "approvedInstanceTypes", "notebookInstanceType"],
    availability: ["models", "production"],
    tags: ["tags", "requiredTagKeys"],
    partition: ["region", "partition", "models"],
    iam: ["models"],
    secrets: ["huggingFaceToken", "models"],
};

/** 1-based line of the first of `keys` set in the stack file, else the `config:` line, else 1. */
export function settingLine(stackFileText: string, keys: string[]): number {
    const lines = stackFileText.split("\n");
    for (const key of keys) {
        const index = lines.findIndex((l) => new RegExp(`^\\s+[\\w.-]+:${key}:`).test(l));
        if (index >= 0) return index + 1;
    }
    const config = lines.findIndex((l) => /^config:/.test(l));
    return config >= 0 ? config + 1 : 1;
}

function level(enforcement: string): "error" | "warning" | "note" | "none" {
    if (enforcement === "mandatory") return "error";
    if (enforcement === "advisory") return "warning";
    if (enforcement === "remediate") return "note";
    return "none";
}

/**
 * GitHub code scanning ranks security alerts by a rule's `security-severity` score: over 9.0
 * critical, 7.0 to 8.9 high, 4.0 to 6.9 medium, 3.9 or less low (GitHub Docs, "SARIF support for
 * code scanning", reportingDescriptor object, as quoted in mitre/saf issue 2123; the page itself was
 * not read here, and no upload to GitHub has been tried).
 */
const SECURITY_SEVERITY: Record<string, string> = { critical: "9.5", high: "8.0", medium: "5.5", low: "2.0" };

/** The family a policy's tags name (this pack tags the family first), for the stack-file line. */
function settingsFamily(policy: EffectivePolicy | undefined): string | undefined {
    return policy?.tags?.find((t) => t in SETTINGS_BY_FAMILY);
}

function rule(policy: EffectivePolicy): ReportingDescriptor {
    const help = policy.remediationSteps ? `${policy.description}\n\nRemediation: ${policy.remediationSteps}` : policy.description;
    const framework = policy.framework;
    const controls = framework ? controlsOf(framework).map((c) => `${framework.name} ${framework.version}: ${c}`) : [];
    return {
        id: policy.name,
        name: policy.name,
        shortDescription: { text: policy.description },
        fullDescription: { text: policy.description },
        help: { text: help },
        ...(policy.url ? { helpUri: policy.url } : {}),
        defaultConfiguration: { level: level(policy.enforcementLevel) },
        properties: {
            // GitHub treats a rule as a security rule, with a security severity, when it is tagged "security".
            tags: [...(policy.severity ? ["security"] : []), ...(policy.tags ?? []), ...controls],
            ...(policy.severity ? { "security-severity": SECURITY_SEVERITY[policy.severity] } : {}),
        },
    };
}

function result(v: PolicyViolation, ruleIndex: number, uri: string, line: number): Result {
    const fingerprint = crypto
        .createHash("sha256")
        .update(`${v.policyName}\0${v.urn ?? ""}\0${v.message}`)
        .digest("hex");
    return {
        ruleId: v.policyName,
        ruleIndex,
        level: level(v.enforcementLevel),
        message: { text: v.resourceName ? `${v.resourceType} '${v.resourceName}': ${v.message}` : v.message },
        locations: [
            {
                physicalLocation: { artifactLocation: { uri, uriBaseId: "%SRCROOT%" }, region: { startLine: line } },
                ...(v.urn ? { logicalLocations: [{ fullyQualifiedName: v.urn, kind: "resource" }] } : {}),
            },
        ],
        partialFingerprints: { "policyViolation/v1": fingerprint },
    };
}

export function toSarif(input: SarifInput): Log {
    const { result: policyResult } = input;
    const rules = policyResult.policies.map(rule);
    const policyByName = new Map(policyResult.policies.map((p) => [p.name, p]));
    const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
    const uri = path.relative(input.rootDir, input.stackFile).split(path.sep).join("/");
    const text = fs.existsSync(input.stackFile) ? fs.readFileSync(input.stackFile, "utf8") : "";
    const locate = (v: PolicyViolation) =>
        result(v, ruleIndex.get(v.policyName) ?? -1, uri, settingLine(text, SETTINGS_BY_FAMILY[settingsFamily(policyByName.get(v.policyName)) ?? ""] ?? []));
    const results = policyResult.violations
        .filter((v) => v.enforcementLevel !== "disabled")
        .map((v) => {
            // A finding a waiver covered (this pack's policies/lib/waivers.ts) is a result of the waived
            // policy's rule, suppressed externally (SARIF 2.1.0 §3.35) with the waiver's reason.
            const waived = v.policyName === WAIVED_FINDINGS_POLICY ? parseWaivedFinding(v.message) : undefined;
            if (waived === undefined) return locate(v);
            const enforcementLevel = policyByName.get(waived.policy)?.enforcementLevel ?? v.enforcementLevel;
            return {
                ...locate({ ...v, policyName: waived.policy, enforcementLevel, message: waived.message }),
                suppressions: [
                    { kind: "external", status: "accepted", justification: `${waived.reason} (approved by ${waived.approvedBy}, until ${waived.expires})` },
                ],
            } satisfies Result;
        });
    return {
        $schema: SARIF_SCHEMA,
        version: "2.1.0",
        runs: [
            {
                tool: { driver: { name: input.packName, version: input.packVersion, rules } },
                originalUriBaseIds: { "%SRCROOT%": { uri: `file://${input.rootDir.split(path.sep).join("/")}/` } },
                // An incomplete evaluation says so where SARIF consumers look for a run's problems
                // (SARIF 2.1.0 §3.20.21 toolExecutionNotifications): what was not evaluated, and why.
                invocations: [
                    {
                        executionSuccessful: true,
                        toolExecutionNotifications: (input.blindSpots ?? []).map((s) => ({
                            level: "warning" as const,
                            message: { text: `Not evaluated offline: ${s.type}${s.name ? ` ${s.name}` : ""}: ${s.detail}` },
                            descriptor: { id: `offline-blind-spot/${s.kind}` },
                            ...(s.urn ? { locations: [{ logicalLocations: [{ fullyQualifiedName: s.urn, kind: "resource" }] }] } : {}),
                        })),
                    },
                ],
                results,
            },
        ],
    };
}
