/**
 * What an offline run could not see, so the plan never passes a program it did not evaluate: the
 * blind spots of a run under mocks.
 *
 * - Remote components (`awsx.ec2.Vpc`, `eks.Cluster`, any multi-language component): their plugin
 *   builds their children, and no plugin runs offline, so the children do not exist and no policy
 *   sees them.
 * - Reads (`aws.ec2.Vpc.get(...)`, `pulumi.StackReference`): their state is AWS's or another
 *   stack's, which the run does not have; what the program builds from them is unknown.
 * - Lookups with no offline answer (./lookups.ts `unknown`): their results are unknown, and a
 *   program that branches on them may register other resources than it would.
 * - Pulumi ESC environments the stack file imports: the settings they supply are not available.
 *
 * Pure: a run's captured resources, reads and lookups in, the blind spots out.
 */
import type { CapturedInvoke, CapturedRead, CapturedResource } from "./mockRun";

export type BlindSpotKind = "esc-environment" | "remote-component" | "read" | "unknown-lookup";

export interface BlindSpot {
    kind: BlindSpotKind;
    /** The component's or read resource's type, or the lookup's token. */
    type: string;
    urn?: string;
    name?: string;
    /** Lookups: how many calls. */
    count?: number;
    /** One line: what was not seen, and why. */
    detail: string;
}

const STACK_REFERENCE = "pulumi:pulumi:StackReference";

function packageOf(type: string): string {
    return type.split(":")[0];
}

/** The blind spots of a run, in the order ESC environments, remote components, reads, lookups (each in run order). */
export function blindSpotsOf(run: { resources: CapturedResource[]; reads: CapturedRead[]; invokes: CapturedInvoke[]; environments?: string[] }): BlindSpot[] {
    const spots: BlindSpot[] = [];
    for (const environment of run.environments ?? []) {
        spots.push({
            kind: "esc-environment",
            type: environment,
            detail: "Pulumi ESC environment imported by the stack file: the settings it supplies are not known offline, so the program ran on the stack file's values and the project's defaults alone",
        });
    }
    for (const r of run.resources) {
        if (!r.remote) continue;
        spots.push({
            kind: "remote-component",
            type: r.type,
            urn: r.urn,
            name: r.name,
            detail: `component implemented by the '${packageOf(r.type)}' plugin: its child resources are built by the plugin, which does not run offline, so they were not evaluated`,
        });
    }
    for (const r of run.reads) {
        spots.push({
            kind: "read",
            type: r.type,
            urn: r.urn,
            name: r.name,
            detail:
                r.type === STACK_REFERENCE
                    ? `outputs of stack '${r.id}' are not known offline; what the program builds from them was evaluated on unknown values`
                    : `read from AWS by id '${r.id}': its properties are not known offline; what the program builds from them was evaluated on unknown values`,
        });
    }
    const byToken = new Map<string, CapturedInvoke[]>();
    for (const i of run.invokes) if (i.answeredBy === "unknown") byToken.set(i.token, [...(byToken.get(i.token) ?? []), i]);
    for (const [token, calls] of byToken) {
        const fields = calls[0].unknownFields ?? [];
        spots.push({
            kind: "unknown-lookup",
            type: token,
            count: calls.length,
            detail:
                fields.length > 0
                    ? `no offline answer: its result (${fields.join(", ")}) is unknown, and a program that decides on it may register other resources than it would against AWS`
                    : `no offline answer and no declaration of its result found: the program got an empty result`,
        });
    }
    return spots;
}

/** "2 remote components, 1 read, 3 lookups": the blind spots counted by kind, for one line. Pure. */
export function describeBlindSpots(spots: BlindSpot[]): string {
    const counts: Array<[BlindSpotKind, string, string]> = [
        ["esc-environment", "ESC environment", "ESC environments"],
        ["remote-component", "remote component", "remote components"],
        ["read", "read resource", "read resources"],
        ["unknown-lookup", "lookup without an offline answer", "lookups without an offline answer"],
    ];
    return counts
        .map(([kind, one, many]) => {
            const n = spots.filter((s) => s.kind === kind).length;
            return n === 0 ? "" : `${n} ${n === 1 ? one : many}`;
        })
        .filter(Boolean)
        .join(", ");
}

/** The report's section on blind spots; undefined when there are none. Pure. */
export function renderBlindSpots(spots: BlindSpot[], allowed: boolean): string | undefined {
    if (spots.length === 0) return undefined;
    const lines = [
        `Not evaluated offline (${describeBlindSpots(spots)}): the plan is incomplete${allowed ? " (accepted with --allow-incomplete)" : "; 'pulumi preview --policy-pack' evaluates them"}:`,
    ];
    for (const s of spots) lines.push(`  ? ${s.type}${s.name ? ` ${s.name}` : ""}${s.count && s.count > 1 ? ` ×${s.count}` : ""}: ${s.detail}`);
    return lines.join("\n");
}
