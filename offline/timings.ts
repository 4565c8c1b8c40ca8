/**
 * Where the time of one plan process goes, for the benchmark (bench/): with `PLAN_TIMINGS=1` the plan
 * prints one line `PLAN_TIMINGS {json}` to stderr as it exits; with `PLAN_TIMINGS=<file>` it writes
 * the JSON to that file. Without the variable nothing is recorded beyond a few timestamps.
 *
 * Times are milliseconds since the process started (`performance.timeOrigin`). This module is the
 * plan's first import, so `modulesStart` is when the plan's own modules began to load: before it,
 * Node.js started and the TypeScript loader was set up.
 */
import * as fs from "fs";
import { performance } from "perf_hooks";

const marks: Record<string, number> = { modulesStart: performance.now() };
const counts: Record<string, number> = {};

/** Records that a phase ended (or began) now. */
export function mark(name: string): void {
    marks[name] = performance.now();
}

/** Records a count that gives a phase's time a meaning (resources, policies). */
export function count(name: string, value: number): void {
    counts[name] = value;
}

export interface PlanTimings {
    /** Milliseconds since process start, by mark. */
    marks: Record<string, number>;
    /** Node.js's own milestones (ms since process start). */
    node: { environment: number; bootstrapComplete: number };
    counts: Record<string, number>;
    /** Peak resident set size so far, KiB (process.resourceUsage().maxRSS). */
    maxRssKiB: number;
    heapUsedBytes: number;
}

export function timings(): PlanTimings {
    const t = performance.nodeTiming;
    return {
        marks: { ...marks },
        node: { environment: t.environment, bootstrapComplete: t.bootstrapComplete },
        counts: { ...counts },
        maxRssKiB: process.resourceUsage().maxRSS,
        heapUsedBytes: process.memoryUsage().heapUsed,
    };
}

/** Emits the timings if PLAN_TIMINGS asks for them. */
export function emitTimings(): void {
    const target = process.env.PLAN_TIMINGS;
    if (!target || target === "0") return;
    mark("end");
    const json = JSON.stringify(timings());
    if (target === "1") process.stderr.write(`PLAN_TIMINGS ${json}\n`);
    else fs.writeFileSync(target, `${json}\n`);
}
