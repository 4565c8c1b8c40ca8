/**
 * Former policy names in a pack config, accepted for one release after a rename (../renamedPolicies.ts).
 *
 * The engine only configures policies the pack serves: a config entry for a name the pack does not
 * know fails the update when it has only properties ('invalid enforcement level ""') and is dropped
 * without a word when it has a level (pulumi/pulumi pkg/resource/analyzer/config.go, applyConfig;
 * sdk/go/common/resource/plugin/analyzer_plugin.go, Configure). So the pack serves each former name
 * as a policy of its own, with the current policy's config schema but no defaults, and at Configure
 * (lib/analyzerConfigure.ts) `reconcileRenamedConfig` moves what a config set under the former name to
 * the current one. The former-name policy then runs, advisory, only to say the key was applied and
 * should be renamed; with nothing set under the former name it is disabled.
 */
import { EnforcementLevel, PolicyConfigSchema, StackValidationPolicy } from "@pulumi/policy";
import type { PolicyRename } from "../renamedPolicies";
import type { Guardrail } from "./guardrail";

/** One policy's entry in the config the engine sends to Configure. */
export interface PolicyConfigEntry {
    enforcementLevel: EnforcementLevel;
    properties: Record<string, unknown>;
}

/** A policy's entry when the pack config says nothing of it: its own level and its schema's defaults. */
export function defaultEntryOf(policy: Pick<Guardrail, "enforcementLevel" | "configSchema">): PolicyConfigEntry {
    const properties: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
        if (typeof schema === "object" && "default" in schema) properties[key] = schema.default;
    }
    return { enforcementLevel: policy.enforcementLevel ?? "advisory", properties };
}

/** What a config set under a former name, now applied to the current name. */
export interface AppliedRename {
    rename: PolicyRename;
    /** The level set under the former name, where it set one. */
    enforcementLevel?: EnforcementLevel;
    /** The property keys set under the former name. */
    properties: string[];
}

export class RenamedConfigError extends Error {
    override name = "RenamedConfigError";
}

function sameJson(a: unknown, b: unknown): boolean {
    return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Moves what `config` sets under former names to the current names, in place. `defaults` holds
 * each current policy's default entry (`defaultEntryOf`). Under a former name, properties are set
 * when present (its schema has no defaults) and a level when it differs from both the current
 * policy's default and the current name's level (a pack-wide `"all": "<level>"` sets both alike).
 * Setting the same thing under both names is ambiguous and throws (the engine then fails the
 * preview with the message). Former-name entries end up `advisory` where something was applied,
 * so they report it, and `disabled` otherwise. Returns what was applied. Pure but for `config`.
 */
export function reconcileRenamedConfig(
    config: Record<string, PolicyConfigEntry>,
    renames: readonly PolicyRename[],
    defaults: Readonly<Record<string, PolicyConfigEntry>>,
): AppliedRename[] {
    const applied: AppliedRename[] = [];
    const conflicts: string[] = [];
    for (const rename of renames) {
        const former = config[rename.formerName];
        const current = config[rename.name];
        const fallback = defaults[rename.name];
        if (former === undefined || current === undefined || fallback === undefined) continue;
        const properties = Object.keys(former.properties);
        const levelSet = former.enforcementLevel !== fallback.enforcementLevel && former.enforcementLevel !== current.enforcementLevel;
        if (properties.length === 0 && !levelSet) {
            former.enforcementLevel = "disabled";
            continue;
        }
        const clash: string[] = [];
        if (properties.length > 0 && !sameJson(current.properties, fallback.properties)) clash.push("properties");
        if (levelSet && current.enforcementLevel !== fallback.enforcementLevel) clash.push("enforcement levels");
        if (clash.length > 0) {
            conflicts.push(
                `"${rename.formerName}" and "${rename.name}" both set ${clash.join(" and ")}: "${rename.formerName}" is the former name of ` +
                    `"${rename.name}" (renamed in ${rename.renamedIn}); keep only "${rename.name}", with the settings you mean.`,
            );
            continue;
        }
        current.properties = { ...current.properties, ...former.properties };
        if (levelSet) current.enforcementLevel = former.enforcementLevel;
        applied.push({ rename, enforcementLevel: levelSet ? former.enforcementLevel : undefined, properties });
        former.enforcementLevel = "advisory";
    }
    if (conflicts.length > 0) throw new RenamedConfigError(`Invalid policy pack config:\n  ${conflicts.join("\n  ")}`);
    return applied;
}

/** The finding a former-name policy reports: what was applied, and the key to rename. Pure. */
export function renamedConfigMessage(applied: AppliedRename): string {
    const { rename } = applied;
    const settings = [...(applied.enforcementLevel === undefined ? [] : [`enforcementLevel ${applied.enforcementLevel}`]), ...applied.properties];
    return (
        `The policy pack config names "${rename.formerName}", which version ${rename.renamedIn} renamed "${rename.name}"; its settings ` +
        `(${settings.join(", ")}) were applied to "${rename.name}". Rename the key: from version ${rename.acceptedUntil} the former name is not accepted.`
    );
}

/** The config schema a former name accepts: the current policy's, without defaults (so whatever arrives was set). */
function formerSchema(schema: PolicyConfigSchema | undefined): PolicyConfigSchema | undefined {
    if (schema === undefined) return undefined;
    const properties = Object.fromEntries(
        Object.entries(schema.properties).map(([key, property]) => {
            const { default: _default, ...rest } = property as Record<string, unknown>;
            return [key, rest];
        }),
    );
    return { properties } as PolicyConfigSchema;
}

/**
 * The policy served under a former name. `appliedNow` returns what the latest Configure applied
 * (lib/analyzerConfigure.ts keeps it); the policy reports the entry for its own former name.
 */
export function formerNamePolicy(current: Guardrail, rename: PolicyRename, appliedNow: () => readonly AppliedRename[]): StackValidationPolicy & Guardrail {
    return {
        name: rename.formerName,
        description: `Former name of ${rename.name} (renamed in ${rename.renamedIn}): config set under this name applies to ${rename.name} until version ${rename.acceptedUntil}; this entry only reports that it was applied.`,
        enforcementLevel: current.enforcementLevel,
        severity: "low",
        remediationSteps: `In the policy pack config, rename the key "${rename.formerName}" to "${rename.name}".`,
        framework: current.framework,
        tags: [...current.tags, "renamed"],
        url: current.url,
        configSchema: formerSchema(current.configSchema),
        meta: { unknowns: "none", rationale: `Keeps pack configs that use the names from before version ${rename.renamedIn} working for one more release.` },
        validateStack: (_args, reportViolation) => {
            for (const applied of appliedNow()) if (applied.rename.formerName === rename.formerName) reportViolation(renamedConfigMessage(applied));
        },
    };
}

/**
 * What the pack needs to accept former names: the policies to serve under them, and the Configure
 * adjustment (for lib/analyzerConfigure.ts) that applies their settings to the current policies.
 * Throws when a rename names a policy the pack does not have, or a former name is still in use.
 */
export function formerNameSupport(
    guardrails: readonly Guardrail[],
    renames: readonly PolicyRename[],
): { policies: Guardrail[]; adjust(config: Record<string, PolicyConfigEntry>): void } {
    const byName = new Map(guardrails.map((g) => [g.name, g] as const));
    let applied: AppliedRename[] = [];
    const policies = renames.map((rename) => {
        const current = byName.get(rename.name);
        if (current === undefined)
            throw new Error(`renamedPolicies.ts: "${rename.formerName}" was renamed "${rename.name}", which is not a policy of the pack`);
        if (byName.has(rename.formerName)) throw new Error(`renamedPolicies.ts: the former name "${rename.formerName}" is a current policy's name`);
        return formerNamePolicy(current, rename, () => applied);
    });
    const defaults = Object.fromEntries(guardrails.map((g) => [g.name, defaultEntryOf(g)]));
    return {
        policies,
        adjust: (config) => {
            // Cleared first: a config refused below leaves nothing of an earlier run to report.
            applied = [];
            applied = reconcileRenamedConfig(config, renames, defaults);
        },
    };
}
