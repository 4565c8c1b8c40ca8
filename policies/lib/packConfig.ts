/**
 * The whole pack config of the current run, as Configure received it (after former policy names were
 * applied: ./renamedConfig.ts). @pulumi/policy gives each policy only its own config; a policy that
 * must not report what another policy reports (one finding per problem) reads the other's entry here.
 * Set at Configure through ./analyzerConfigure.ts (../index.ts).
 */
import type { PolicyConfigEntry } from "./renamedConfig";

let current: Readonly<Record<string, PolicyConfigEntry>> | undefined;

/** Keeps a copy of the config Configure received. */
export function rememberPackConfig(config: Readonly<Record<string, PolicyConfigEntry>>): void {
    current = structuredClone(config);
}

/** A policy's entry in the current run's config; undefined when Configure has not run, or the pack has no such policy. */
export function packConfigOf(policy: string): PolicyConfigEntry | undefined {
    return current?.[policy];
}
