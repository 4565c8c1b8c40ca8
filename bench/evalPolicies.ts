/**
 * Benchmark child: the policy evaluation alone, in a fresh process, on resources bench/capture.ts
 * captured. Prints one JSON line (EvalReport) to stdout.
 *
 * 1. Loads the pack (offline/policyEngine loadPolicyPack) and times it.
 * 2. Evaluates once, cold, as the plan does (this is the figure comparable with a plan run), and
 *    reads the peak RSS.
 * 3. Evaluates `--repeat` more times, warm.
 * 4. With `--per-policy`: wraps every policy's validateResource / validateStack (the pack's own
 *    objects, found through its `guardrails` module) with a timer and evaluates `--repeat` more
 *    times; reports each policy's time per evaluation. The rest of the evaluation time is the
 *    analyzer's (@pulumi/policy unmarshalling properties for every policy, its unknown-checking
 *    proxies, diagnostics) and offline/policyEngine's (protobuf requests, providers).
 *
 *   node -r ./offline/tsCache.js bench/evalPolicies.ts --repo . --capture FILE [--repeat 3] [--per-policy]
 */
import * as fs from "fs";
import * as path from "path";
import { performance } from "perf_hooks";
import { parseArgs } from "util";
import type { Capture } from "./capture";

type PolicyEngineModule = typeof import("../offline/policyEngine");

export interface PolicyTime {
    name: string;
    kind: "resource" | "stack";
    /** Milliseconds inside the policy's own functions, per evaluation of the stack. */
    ms: number;
    /** Calls per evaluation (resources it was called for; 1 for a stack policy). */
    calls: number;
}

export interface EvalReport {
    stack: string;
    /** Analyze calls: every captured resource (default providers the evaluation synthesizes are not counted). */
    resources: number;
    /** Policies not disabled by the config. */
    policies: number;
    packLoadMs: number;
    coldMs: number;
    warmMs: number[];
    /** RSS before the pack loaded (Node.js, modules, the capture read), and the peak after the cold evaluation. */
    rssBeforeKiB: number;
    maxRssKiB: number;
    violations: number;
    notRun: number;
    perPolicy?: PolicyTime[];
    /** Per evaluation: wall time of the instrumented evaluations and the policies' share of it. */
    instrumentedMs?: number;
}

type Validate = ((...args: unknown[]) => unknown) & { __pulumiType?: string };

/** Wraps a validation function with a timer, keeping the type the analyzer filters on. */
function timed(fn: Validate, slot: { ms: number; calls: number }): Validate {
    const wrapped: Validate = function (this: unknown, ...args: unknown[]) {
        const start = performance.now();
        let result: unknown;
        try {
            result = fn.apply(this, args);
        } catch (err) {
            slot.ms += performance.now() - start;
            slot.calls++;
            throw err;
        }
        if (result && typeof (result as Promise<unknown>).then === "function") {
            return (result as Promise<unknown>).finally(() => {
                slot.ms += performance.now() - start;
                slot.calls++;
            });
        }
        slot.ms += performance.now() - start;
        slot.calls++;
        return result;
    };
    if (fn.__pulumiType) wrapped.__pulumiType = fn.__pulumiType;
    return wrapped;
}

interface PolicyObject {
    name: string;
    validateResource?: Validate | Validate[];
    validateStack?: Validate;
}

/** The pack's policy objects (those its PolicyPack holds), through its `guardrails` module. */
function packPolicies(packDir: string): PolicyObject[] | undefined {
    for (const file of ["guardrails.ts", "guardrails.js"]) {
        const mod = require.cache[path.join(packDir, file)];
        const list = (mod?.exports as { guardrails?: PolicyObject[] } | undefined)?.guardrails;
        if (Array.isArray(list)) return list;
    }
    return undefined;
}

function instrument(policies: PolicyObject[]): Map<string, { kind: "resource" | "stack"; ms: number; calls: number }> {
    const slots = new Map<string, { kind: "resource" | "stack"; ms: number; calls: number }>();
    for (const p of policies) {
        const slot = { kind: (p.validateStack ? "stack" : "resource") as "resource" | "stack", ms: 0, calls: 0 };
        slots.set(p.name, slot);
        if (Array.isArray(p.validateResource)) p.validateResource = p.validateResource.map((v) => timed(v, slot));
        else if (p.validateResource) p.validateResource = timed(p.validateResource, slot);
        if (p.validateStack) p.validateStack = timed(p.validateStack, slot);
    }
    return slots;
}

/** The checkout's policy engine: offline/policyEngine, or offline/policyEval.ts in a checkout from before it was split. */
function policyEngineOf(repo: string): PolicyEngineModule {
    const split = path.join(repo, "offline", "policyEngine");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(fs.existsSync(split) ? split : path.join(repo, "offline", "policyEval")) as PolicyEngineModule;
}

async function main(): Promise<void> {
    const { values } = parseArgs({
        options: {
            repo: { type: "string", default: "." },
            capture: { type: "string" },
            repeat: { type: "string", default: "3" },
            "per-policy": { type: "boolean", default: false },
        },
    });
    if (!values.capture) throw new Error("--capture is required");
    const repo = path.resolve(values.repo!);
    const repeat = Number(values.repeat);
    const { evaluatePolicies, loadPolicyConfigFile, loadPolicyPack } = policyEngineOf(repo);
    const capture = JSON.parse(fs.readFileSync(values.capture, "utf8")) as Capture;
    const rssBeforeKiB = process.resourceUsage().maxRSS;

    const packDir = fs.realpathSync(path.join(repo, "policies"));
    let start = performance.now();
    const pack = await loadPolicyPack(packDir);
    const configFile = path.join(packDir, "config", `${capture.stack}.json`);
    const config = fs.existsSync(configFile) ? loadPolicyConfigFile(configFile) : undefined;
    const packLoadMs = performance.now() - start;
    const opts = { config, stackConfig: capture.stackConfig, secretConfigKeys: capture.secretConfigKeys };

    start = performance.now();
    const result = await evaluatePolicies(pack, capture.resources, opts);
    const coldMs = performance.now() - start;
    const maxRssKiB = process.resourceUsage().maxRSS;

    const warmMs: number[] = [];
    for (let i = 0; i < repeat; i++) {
        start = performance.now();
        await evaluatePolicies(pack, capture.resources, opts);
        warmMs.push(performance.now() - start);
    }

    const report: EvalReport = {
        stack: capture.stack,
        resources: capture.resources.length,
        policies: result.policies.filter((p) => p.effectiveEnforcementLevel !== "disabled").length,
        packLoadMs,
        coldMs,
        warmMs,
        rssBeforeKiB,
        maxRssKiB,
        violations: result.violations.length,
        notRun: result.notRun.length,
    };

    const policies = values["per-policy"] ? packPolicies(packDir) : undefined;
    if (policies) {
        const slots = instrument(policies);
        start = performance.now();
        for (let i = 0; i < repeat; i++) await evaluatePolicies(pack, capture.resources, opts);
        report.instrumentedMs = (performance.now() - start) / repeat;
        report.perPolicy = [...slots].map(([name, s]) => ({ name, kind: s.kind, ms: s.ms / repeat, calls: s.calls / repeat }));
    }
    process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().then(
    () => process.exit(0),
    (err: unknown) => {
        process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
        process.exit(3);
    },
);
