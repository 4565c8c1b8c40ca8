/**
 * What the offline policy engine says about a pack and its config: shared by the pack loader
 * (./packLoader.ts), the config reconciliation (./policyConfig.ts) and the evaluation (./evaluate.ts).
 */

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";
export type PolicySeverity = "low" | "medium" | "high" | "critical";
export const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

export interface PolicyConfigSchema {
    properties: Record<string, Record<string, unknown>>;
    required: string[];
}

/** One policy as the pack describes it (GetAnalyzerInfo). */
export interface PolicyInfo {
    name: string;
    displayName?: string;
    description: string;
    /** The policy's own level, or the pack's when the policy sets none. */
    enforcementLevel: EnforcementLevel;
    policyType: "resource" | "stack" | "unknown";
    severity?: PolicySeverity;
    configSchema?: PolicyConfigSchema;
    /** @pulumi/policy's metadata fields (1.18 and later), when the policy sets them. */
    remediationSteps?: string;
    framework?: { name: string; version: string; reference: string; specification: string };
    tags?: string[];
    url?: string;
}

/** A policy's config as the engine handles it: a level and/or properties. */
export interface PolicyConfigEntry {
    enforcementLevel?: EnforcementLevel;
    properties?: Record<string, unknown>;
}

export interface LoadedPack {
    dir: string;
    name: string;
    /** PulumiPolicy.yaml's version if set (the engine prefers it), else package.json's. */
    version: string;
    displayName?: string;
    description?: string;
    policies: PolicyInfo[];
    /** The PolicyPack constructor's third argument, normalized. */
    initialConfig: Record<string, PolicyConfigEntry>;
}
