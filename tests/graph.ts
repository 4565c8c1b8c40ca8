/** Queries over a captured mock run, for assertions. */
import * as path from "path";
import { CapturedResource, isUnknown, StandIns, unwrapSecrets } from "../offline/mockRun";
import { runStack, StackRun } from "../offline/runStack";
import { LandingZoneVariant, landingZoneStandIns } from "./landingZone";

export const REPO_ROOT = path.resolve(__dirname, "..");
export const NS = "sagemaker-llm";

/** `key=value` stack config overrides as runStack takes them: structured values JSON-encoded. */
export function configOverrides(overrides: Record<string, unknown> = {}): Record<string, string> {
    return Object.fromEntries(Object.entries(overrides).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}

export interface RepoRunOptions {
    preview?: boolean;
    secretOverrides?: string[];
    /** Answer the existing-VPC lookups as this landing zone would (tests/landingZone.ts). */
    landingZone?: LandingZoneVariant;
    /** Other answers in place of the offline stand-ins; combined after the landing zone's. */
    standIns?: StandIns;
}

/** Runs the real program for one of this repo's stacks, with `key=value` overrides. */
export function runRepoStack(stack: string, overrides: Record<string, unknown> = {}, options: RepoRunOptions = {}): Promise<StackRun> {
    const { landingZone, standIns, ...rest } = options;
    return runStack({
        programDir: REPO_ROOT,
        stack,
        overrides: configOverrides(overrides),
        standIns: combineStandIns(landingZone && landingZoneStandIns(landingZone), standIns),
        ...rest,
    });
}

/** The first answer of several stand-ins. */
function combineStandIns(...all: (StandIns | undefined)[]): StandIns | undefined {
    const present = all.filter((s): s is StandIns => s !== undefined);
    if (present.length === 0) return undefined;
    return {
        call: (token, inputs, region) => present.reduce<Record<string, unknown> | undefined>((found, s) => found ?? s.call?.(token, inputs, region), undefined),
        resourceState: (type, name, inputs, state) =>
            present.reduce<Record<string, unknown> | undefined>((found, s) => found ?? s.resourceState?.(type, name, inputs, state), undefined),
    };
}

export class Graph {
    constructor(readonly resources: CapturedResource[]) {}

    ofType(type: string): CapturedResource[] {
        return this.resources.filter((r) => r.type === type);
    }

    one(type: string, nameContains = ""): CapturedResource {
        const matches = this.ofType(type).filter((r) => r.name.includes(nameContains));
        if (matches.length !== 1) throw new Error(`expected one ${type} named *${nameContains}*, found ${matches.map((r) => r.name).join(", ") || "none"}`);
        return matches[0];
    }

    byUrn(urn: string): CapturedResource | undefined {
        return this.resources.find((r) => r.urn === urn);
    }

    /** Inputs with secrets unwrapped. */
    inputs(resource: CapturedResource): Record<string, any> {
        return unwrapSecrets(resource.inputs) as Record<string, any>;
    }

    /** Resources a property of `resource` depends on. */
    propertyDependsOn(resource: CapturedResource, property: string): CapturedResource[] {
        return (resource.propertyDependencies[property] ?? []).map((urn) => this.byUrn(urn)).filter((r): r is CapturedResource => !!r);
    }

    /** Ancestors' types, nearest first. */
    ancestorTypes(resource: CapturedResource): string[] {
        const types: string[] = [];
        for (let parent = resource.parent; parent; parent = this.byUrn(parent)?.parent) types.push(this.byUrn(parent)?.type ?? "?");
        return types;
    }

    /** Every registered resource except the root stack. */
    get programResources(): CapturedResource[] {
        return this.resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
    }
}

/** Parses a JSON policy-document input (known in preview only if all its parts are). */
export function policyOf(value: unknown): { Statement: any[] } {
    if (typeof value !== "string" || isUnknown(value)) throw new Error(`policy is not known: ${String(value)}`);
    return JSON.parse(value) as { Statement: any[] };
}

/** Every string in a value, recursively, JSON strings expanded. */
export function allStrings(value: unknown): string[] {
    if (typeof value === "string") {
        if (/^[[{]/.test(value)) {
            try {
                return [value, ...allStrings(JSON.parse(value))];
            } catch {
                return [value];
            }
        }
        return [value];
    }
    if (Array.isArray(value)) return value.flatMap(allStrings);
    if (value && typeof value === "object") return Object.values(value).flatMap(allStrings);
    return [];
}
