/**
 * `npm run bench`: how fast the offline plan and the policy pack are, and how they grow with the
 * stack. A benchmark, not a test: it asserts nothing and never runs in `npm test`.
 *
 *   npm run bench                          everything, `npm test` and the fresh-clone `npm ci` included
 *   npm run bench -- --skip-tests          without timing `npm test`
 *   npm run bench -- --skip-install        without timing the fresh-clone `npm ci`
 *   npm run bench -- --runs 10 --sizes 1,10,50,100,200
 *   npm run bench -- --repo ../other-checkout --label before    measure another checkout of this repository
 *
 * What it measures (bench/README.md says how to read it):
 * 1. Cold plan processes, `--runs` each: the command `npm run plan` runs (package.json "plan"), for
 *    the govcloud and commercial stacks, with PLAN_TIMINGS so the plan reports its phases; the
 *    same through `npm run plan` (npm's own overhead); and the floor (bench/floor.ts).
 * 2. Scaling: the commercial stack with 1, 10, 50 and 100 deployments of mistral-7b-instruct
 *    (`--config models=[...]`): the plan process, then the policy evaluation alone in a fresh process
 *    (bench/capture.ts, bench/evalPolicies.ts).
 * 3. Policy throughput: analyze calls × policies / seconds of evaluation, and the slowest policies.
 * 4. `npm test`'s two halves (`npm run typecheck`, `npm run mocha`), unless --skip-tests.
 * 5. The fresh-clone install (bench/install.ts): `npm ci` in a `git clone` of the repository in a
 *    temporary directory, and `npm ci --omit=dev` in another, unless --skip-install.
 * Prints tables and writes bench/results/<date>-<machine>[-<label>].json.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import { LIFECYCLE_SCRIPT_MAX_CHARS, lifecycleScriptLength } from "../components/notebookSample";
import type { CapturedResource } from "../offline/mockRun";
import type { PlanTimings } from "../offline/timings";
import type { EvalReport, PolicyTime } from "./evalPolicies";
import { freshInstall, type InstallRun } from "./install";
import {
    analyzeCalls,
    BENCH_DIR,
    formatStats,
    Machine,
    machine,
    mib,
    ms,
    REPO_ROOT,
    runProcess,
    scalingModels,
    scriptCommand,
    stats,
    Stats,
    table,
    typescriptLoader,
} from "./lib";

interface Options {
    repo: string;
    runs: number;
    scalingRuns: number;
    sizes: number[];
    skipTests: boolean;
    skipInstall: boolean;
    label?: string;
    out?: string;
}

/** One plan (or floor) process: its wall time as the parent saw it, and the phases it reported. */
interface ProcessRun {
    wallMs: number;
    code: number;
    timings?: PlanTimings;
}

interface Phases {
    /** Process start to main(): Node.js, the TypeScript loader, the plan's modules and the SDK. */
    startAndModules: number;
    program: number;
    policyLoad: number;
    policyEval: number;
    /** The rest of main(): options, cost, rendering, writing. */
    report: number;
    /** From the end of main() to the parent seeing the process exit. */
    exit: number;
}

interface Series {
    label: string;
    command: string;
    runs: ProcessRun[];
    wall: Stats;
    phases?: Record<keyof Phases, Stats>;
    resources?: number;
    maxRssMiB?: Stats;
}

interface ScalingRow {
    models: number;
    notebook: boolean;
    notebookScriptChars: number;
    resources: number;
    analyzeCalls: number;
    plan: Series;
    eval?: EvalReport;
}

function parseOptions(): Options {
    const { values } = parseArgs({
        options: {
            repo: { type: "string", default: REPO_ROOT },
            runs: { type: "string", default: "5" },
            "scaling-runs": { type: "string", default: "3" },
            sizes: { type: "string", default: "1,10,50,100" },
            "skip-tests": { type: "boolean", default: false },
            "skip-install": { type: "boolean", default: false },
            label: { type: "string" },
            out: { type: "string" },
        },
    });
    return {
        repo: path.resolve(values.repo!),
        runs: Math.max(1, Number(values.runs)),
        scalingRuns: Math.max(1, Number(values["scaling-runs"])),
        sizes: values
            .sizes!.split(",")
            .map(Number)
            .filter((n) => n > 0),
        skipTests: values["skip-tests"]!,
        skipInstall: values["skip-install"]!,
        label: values.label,
        out: values.out,
    };
}

const log = (text: string) => process.stderr.write(`${text}\n`);
const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-"));
let tmpCounter = 0;
const tmpFile = (name: string) => path.join(tmpDir, `${tmpCounter++}-${name}`);

/** Runs a process with PLAN_TIMINGS pointing at a file, and reads the file. */
async function timedProcess(command: string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<ProcessRun> {
    const file = tmpFile("timings.json");
    const result = await runProcess(command[0], command.slice(1), { cwd, env: { ...process.env, ...extraEnv, PLAN_TIMINGS: file } });
    if (result.code !== 0) log(`  exit ${result.code}: ${command.slice(-6).join(" ")}\n${result.stderr.split("\n").slice(-8).join("\n")}`);
    const timings = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as PlanTimings) : undefined;
    return { wallMs: result.wallMs, code: result.code, timings };
}

function phasesOf(run: ProcessRun): Phases | undefined {
    const m = run.timings?.marks;
    if (!m || m.mainStart === undefined || m.end === undefined) return undefined;
    const span = (from: string, to: string) => (m[from] !== undefined && m[to] !== undefined ? m[to] - m[from] : 0);
    const program = span("programStart", "programEnd");
    const policyLoad = span("policyLoadStart", "policyLoadEnd");
    const policyEval = span("policyLoadEnd", "policyEvalEnd");
    return {
        startAndModules: m.mainStart,
        program,
        policyLoad,
        policyEval,
        report: m.end - m.mainStart - program - policyLoad - policyEval,
        exit: run.wallMs - m.end,
    };
}

function series(label: string, command: string[], runs: ProcessRun[]): Series {
    const ok = runs.filter((r) => r.code === 0 || r.code === 1);
    const phases = ok.map(phasesOf).filter((p): p is Phases => !!p);
    const s: Series = {
        label,
        command: command.map((c) => (c === process.execPath ? "node" : path.relative(process.cwd(), c) || c)).join(" "),
        runs,
        wall: stats(ok.map((r) => r.wallMs)),
    };
    if (phases.length > 0) {
        s.phases = Object.fromEntries((Object.keys(phases[0]) as (keyof Phases)[]).map((k) => [k, stats(phases.map((p) => p[k]))])) as Record<
            keyof Phases,
            Stats
        >;
        s.resources = ok.find((r) => r.timings?.counts.resources !== undefined)?.timings?.counts.resources;
        s.maxRssMiB = stats(ok.map((r) => (r.timings ? r.timings.maxRssKiB / 1024 : NaN)));
    }
    return s;
}

async function repeat(label: string, command: string[], cwd: string, runs: number, env: NodeJS.ProcessEnv = {}): Promise<Series> {
    log(`${label}: 1 warm-up + ${runs} runs`);
    await timedProcess(command, cwd, env); // warm-up: OS file cache, compiled-TypeScript cache
    const out: ProcessRun[] = [];
    for (let i = 0; i < runs; i++) out.push(await timedProcess(command, cwd, env));
    return series(label, command, out);
}

async function captureAndEvaluate(
    opts: Options,
    loader: string[],
    stack: string,
    config: string[],
    perPolicy: boolean,
): Promise<{ report?: EvalReport; analyzeCalls: number }> {
    const captureFile = tmpFile(`${stack}.capture.json`);
    const cap = await runProcess(
        process.execPath,
        [...loader, path.join(BENCH_DIR, "capture.ts"), "--repo", opts.repo, "--stack", stack, ...config.flatMap((c) => ["--config", c]), "--out", captureFile],
        { cwd: opts.repo },
    );
    if (cap.code !== 0) {
        log(`  capture failed (${cap.code}): ${cap.stderr.trim().split("\n").slice(-5).join("\n")}`);
        return { analyzeCalls: NaN };
    }
    const calls = analyzeCalls((JSON.parse(fs.readFileSync(captureFile, "utf8")) as { resources: CapturedResource[] }).resources);
    const args = [
        ...loader,
        path.join(BENCH_DIR, "evalPolicies.ts"),
        "--repo",
        opts.repo,
        "--capture",
        captureFile,
        "--repeat",
        "3",
        ...(perPolicy ? ["--per-policy"] : []),
    ];
    const ev = await runProcess(process.execPath, args, { cwd: opts.repo });
    fs.rmSync(captureFile, { force: true });
    if (ev.code !== 0) {
        log(`  evaluation failed (${ev.code}): ${ev.stderr.trim().split("\n").slice(-5).join("\n")}`);
        return { analyzeCalls: calls };
    }
    return { report: JSON.parse(ev.stdout.trim().split("\n").pop()!) as EvalReport, analyzeCalls: calls };
}

const perSecond = (evaluations: number, millis: number) => (Number.isFinite(evaluations) && millis > 0 ? Math.round(evaluations / (millis / 1000)) : NaN);
const thousands = (n: number) => (Number.isFinite(n) ? n.toLocaleString("en-US") : "n/a");

async function main(): Promise<void> {
    const opts = parseOptions();
    const m: Machine = machine();
    const startedAt = new Date();
    const loadBefore = os.loadavg();
    const plan = scriptCommand(opts.repo, "plan");
    const loader = typescriptLoader(opts.repo);
    const ownLoader = typescriptLoader(REPO_ROOT);
    log(
        `Benchmark of ${opts.repo} on ${m.hostname} (${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, Node.js ${m.node}); load average ${loadBefore.map((l) => l.toFixed(2)).join(" ")}`,
    );
    log(`plan command: ${plan.map((c) => (c === process.execPath ? "node" : c)).join(" ")}`);

    // 1. Cold processes.
    const govcloud = await repeat("plan govcloud", [...plan, "--stack", "govcloud"], opts.repo, opts.runs);
    const commercial = await repeat("plan commercial", [...plan, "--stack", "commercial"], opts.repo, opts.runs);
    const floorResources = govcloud.resources ?? 64;
    const floor = await repeat(
        `floor (${floorResources} resources)`,
        [process.execPath, ...ownLoader, path.join(BENCH_DIR, "floor.ts"), "--resources", String(floorResources)],
        REPO_ROOT,
        opts.runs,
    );
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const viaNpm = await repeat("npm run plan -- --stack govcloud", [npm, "run", "plan", "--", "--stack", "govcloud"], opts.repo, opts.runs);
    const npmOverhead = viaNpm.wall.median - govcloud.wall.median;

    // 2. Scaling and 3. throughput.
    const scaling: ScalingRow[] = [];
    for (const n of opts.sizes) {
        const models = scalingModels(n);
        const scriptChars = lifecycleScriptLength(
            "us-east-1",
            Object.fromEntries(
                models.map((d) => [d.name, { endpointName: `${d.name}-xxxxxxxx`, engine: "vllm", engineVersion: "0.21.0", servedModelName: d.id }]),
            ),
        );
        const notebook = scriptChars <= LIFECYCLE_SCRIPT_MAX_CHARS;
        const config = [`models=${JSON.stringify(models)}`, ...(notebook ? [] : ["notebookEnabled=false"])];
        const s = await repeat(
            `scaling: ${n} model(s)${notebook ? "" : ", notebookEnabled=false"}`,
            [...plan, "--stack", "commercial", ...config.flatMap((c) => ["--config", c])],
            opts.repo,
            opts.scalingRuns,
        );
        log(`  policy evaluation alone (${n} model(s))`);
        const ev = await captureAndEvaluate(opts, loader, "commercial", config, n === Math.max(...opts.sizes));
        scaling.push({
            models: n,
            notebook,
            notebookScriptChars: scriptChars,
            resources: s.resources ?? NaN,
            analyzeCalls: ev.analyzeCalls,
            plan: s,
            eval: ev.report,
        });
    }
    log("policy evaluation alone (govcloud)");
    const govEval = await captureAndEvaluate(opts, loader, "govcloud", [], true);

    // 4. npm test.
    const tests: Record<string, { wallMs: number; code: number }> = {};
    if (!opts.skipTests) {
        for (const script of ["typecheck", "mocha"]) {
            log(`npm run ${script}`);
            const r = await runProcess(npm, ["run", "--silent", script], { cwd: opts.repo });
            tests[script] = { wallMs: r.wallMs, code: r.code };
            if (r.code !== 0) log(`  exit ${r.code}:\n${(r.stdout + r.stderr).trim().split("\n").slice(-15).join("\n")}`);
        }
    }

    // 5. The fresh-clone install.
    const installs: InstallRun[] = [];
    if (!opts.skipInstall) {
        for (const flags of [[], ["--omit=dev"]]) installs.push(await freshInstall(opts.repo, flags, log));
    }
    const loadAfter = os.loadavg();

    // ---------------------------------------------------------------------------------------------
    // Report
    // ---------------------------------------------------------------------------------------------
    const out: string[] = [];
    const runsNote = `min / median / max of ${opts.runs} runs after 1 warm-up, ms`;
    out.push(`Benchmark: ${path.relative(process.cwd(), opts.repo) || "."}${opts.label ? ` (${opts.label})` : ""}, ${startedAt.toISOString()}`);
    out.push(`Machine: ${m.hostname}, ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform}, Node.js ${m.node}`);
    out.push(`Load average: ${loadBefore.map((l) => l.toFixed(2)).join(" ")} at start, ${loadAfter.map((l) => l.toFixed(2)).join(" ")} at end`);
    out.push(`Plan command: ${govcloud.command.replace(/ --stack govcloud$/, "")}`, "");

    out.push(`1. Cold processes (${runsNote})`);
    const phaseCell = (s: Series, k: keyof Phases) => (s.phases ? ms(s.phases[k].median) : "");
    out.push(
        table(
            ["process", "resources", "wall", "start+modules", "program", "policy load", "policy eval", "report", "exit", "peak RSS MiB"],
            [govcloud, commercial, floor, viaNpm].map((s) => [
                s.label,
                s.resources ?? "",
                formatStats(s.wall),
                phaseCell(s, "startAndModules"),
                phaseCell(s, "program"),
                s === floor ? "" : phaseCell(s, "policyLoad"),
                s === floor ? "" : phaseCell(s, "policyEval"),
                s === floor ? "" : phaseCell(s, "report"),
                phaseCell(s, "exit"),
                s.maxRssMiB ? ms(s.maxRssMiB.median) : "",
            ]),
        ),
    );
    out.push(
        "Phases are medians. The npm row is the same plan process started by npm: its phases are the plan's, its 'exit' includes npm's own start and exit.",
    );
    const ratio = govcloud.wall.median / floor.wall.median;
    out.push(
        `plan/floor (median wall): govcloud ${ratio.toFixed(2)}×, commercial ${(commercial.wall.median / floor.wall.median).toFixed(2)}×; npm run's own overhead: ${ms(npmOverhead)} ms`,
        "",
    );

    out.push(
        `2. Scaling: commercial stack, mistral-7b-instruct × N (plan wall: min / median / max of ${opts.scalingRuns} runs after 1 warm-up, ms; phases: medians; evaluation alone: one cold evaluation in a fresh process, then 3 warm)`,
    );
    const base = scaling[0];
    const perRes = (row: ScalingRow) => row.plan.wall.median / row.resources;
    const workPerRes = (row: ScalingRow) => (row.plan.phases ? (row.plan.phases.program.median + row.plan.phases.policyEval.median) / row.resources : NaN);
    out.push(
        table(
            [
                "models",
                "notebook",
                "resources",
                "plan wall",
                "ms/resource",
                "program",
                "policy eval",
                "work ms/resource",
                "peak RSS MiB",
                "eval alone cold",
                "eval alone warm",
                "eval µs/resource",
                "eval peak RSS MiB",
            ],
            scaling.map((row) => [
                row.models,
                row.notebook ? "yes" : "no",
                row.resources,
                formatStats(row.plan.wall),
                perRes(row).toFixed(2),
                row.plan.phases ? ms(row.plan.phases.program.median) : "",
                row.plan.phases ? ms(row.plan.phases.policyEval.median) : "",
                workPerRes(row).toFixed(2),
                row.plan.maxRssMiB ? ms(row.plan.maxRssMiB.max) : "",
                row.eval ? ms(row.eval.coldMs) : "",
                row.eval ? ms(stats(row.eval.warmMs).median) : "",
                row.eval ? ((stats(row.eval.warmMs).median * 1000) / row.analyzeCalls).toFixed(0) : "",
                row.eval ? mib(row.eval.maxRssKiB) : "",
            ]),
        ),
    );
    out.push("work = program + policy evaluation (the part that grows with the stack); peak RSS of the plan is the largest of its runs.");
    const last = scaling[scaling.length - 1];
    if (scaling.length > 1) {
        const marginal: string[] = [];
        for (let i = 1; i < scaling.length; i++) {
            const a = scaling[i - 1];
            const b = scaling[i];
            marginal.push(`${a.models}→${b.models}: ${((b.plan.wall.median - a.plan.wall.median) / (b.resources - a.resources)).toFixed(2)}`);
        }
        out.push(`Marginal plan ms per added resource: ${marginal.join(", ")}`);
    }
    out.push("");

    out.push("3. Policy throughput (analyze calls × policies / seconds of evaluation; evaluation = Configure to AnalyzeStack, pack loading excluded)");
    const throughputRows: Array<Array<string | number>> = [];
    const addThroughput = (label: string, calls: number, policies: number, millis: number) =>
        throughputRows.push([label, calls, policies, ms(millis), thousands(perSecond(calls * policies, millis))]);
    const policies = govEval.report?.policies ?? govcloud.runs[0]?.timings?.counts.policies ?? NaN;
    if (govcloud.phases) addThroughput("govcloud, in the plan (cold)", govEval.analyzeCalls, policies, govcloud.phases.policyEval.median);
    if (govEval.report) {
        addThroughput("govcloud, alone (cold)", govEval.analyzeCalls, govEval.report.policies, govEval.report.coldMs);
        addThroughput("govcloud, alone (warm)", govEval.analyzeCalls, govEval.report.policies, stats(govEval.report.warmMs).median);
    }
    for (const row of scaling) {
        if (row.plan.phases) addThroughput(`${row.models} model(s), in the plan (cold)`, row.analyzeCalls, policies, row.plan.phases.policyEval.median);
        if (row.eval) addThroughput(`${row.models} model(s), alone (warm)`, row.analyzeCalls, row.eval.policies, stats(row.eval.warmMs).median);
    }
    out.push(table(["stack, where", "analyze calls", "policies", "eval ms", "evaluations/s"], throughputRows));
    const slowest = (report: EvalReport | undefined, label: string) => {
        if (!report?.perPolicy) return;
        const sorted = [...report.perPolicy].sort((a: PolicyTime, b: PolicyTime) => b.ms - a.ms);
        const inPolicies = sorted.reduce((sum, p) => sum + p.ms, 0);
        out.push(
            `Slowest policies, ${label} (warm, time inside the policy's own functions per evaluation; all ${sorted.length} policies: ${ms(inPolicies, 1)} ms of ${ms(report.instrumentedMs ?? NaN, 1)} ms, the rest is the analyzer and the request building):`,
        );
        out.push(
            table(
                ["policy", "kind", "ms", "calls", "µs/call"],
                sorted.slice(0, 5).map((p) => [p.name, p.kind, ms(p.ms, 2), Math.round(p.calls), ((p.ms * 1000) / Math.max(1, p.calls)).toFixed(1)]),
            ),
        );
    };
    slowest(govEval.report, "govcloud");
    slowest(last?.eval, `${last?.models} models`);
    out.push("");

    if (!opts.skipTests) {
        out.push("4. npm test (one run each)");
        out.push(
            table(
                ["part", "command", "wall s", "exit"],
                Object.entries(tests).map(([k, v]) => [k, `npm run ${k}`, (v.wallMs / 1000).toFixed(1), v.code]),
            ),
        );
        out.push(`total: ${(Object.values(tests).reduce((a, t) => a + t.wallMs, 0) / 1000).toFixed(1)} s`, "");
    }

    if (installs.length > 0) {
        out.push(`5. Fresh-clone install (git clone of the committed HEAD into a temporary directory; npm's cache as it is; one run each)`);
        out.push(
            table(
                ["command", "wall s", "of it prepare s", "node_modules MiB", "packages", "EBADENGINE", "exit"],
                installs.map((i) => [
                    i.command,
                    (i.wallMs / 1000).toFixed(1),
                    i.prepareMs !== undefined ? (i.prepareMs / 1000).toFixed(1) : "-",
                    mib(i.nodeModulesBytes / 1024),
                    i.packages,
                    i.engineWarnings.length > 0 ? i.engineWarnings.join("; ") : "none",
                    i.code,
                ]),
            ),
            "",
        );
    }

    // Goals (issue 6; the install, issue 13).
    const goals = [
        { goal: "govcloud plan cold process ≤ 1.5× the floor (median wall)", value: `${ratio.toFixed(2)}×`, met: ratio <= 1.5 },
        last && base && last !== base
            ? {
                  goal: `${last.models}-model plan ms/resource ≤ 1.2× the ${base.models}-model one`,
                  value: `${perRes(last).toFixed(2)} vs ${perRes(base).toFixed(2)} ms (${(perRes(last) / perRes(base)).toFixed(2)}×); work only: ${workPerRes(last).toFixed(2)} vs ${workPerRes(base).toFixed(2)} (${(workPerRes(last) / workPerRes(base)).toFixed(2)}×)`,
                  met: perRes(last) <= 1.2 * perRes(base) && workPerRes(last) <= 1.2 * workPerRes(base),
              }
            : undefined,
        last?.plan.maxRssMiB
            ? { goal: `${last.models}-model plan peak memory < 1 GiB`, value: `${ms(last.plan.maxRssMiB.max)} MiB`, met: last.plan.maxRssMiB.max < 1024 }
            : undefined,
        govcloud.phases && govEval.report
            ? (() => {
                  const cold = perSecond(govEval.analyzeCalls * policies, govcloud.phases!.policyEval.median);
                  const big = last?.plan.phases ? perSecond(last.analyzeCalls * policies, last.plan.phases.policyEval.median) : NaN;
                  return {
                      goal: "whole pack ≥ 20,000 resource evaluations/s",
                      value: `${thousands(cold)}/s govcloud in the plan (cold); ${thousands(big)}/s ${last?.models}-model plan`,
                      met: cold >= 20000 && (!Number.isFinite(big) || big >= 20000),
                  };
              })()
            : undefined,
        installs.length > 0
            ? {
                  goal: `fresh-clone npm ci on Node.js ${m.node} succeeds with no engine warning`,
                  value: installs.map((i) => `${i.command}: exit ${i.code}, ${i.engineWarnings.length} EBADENGINE`).join("; "),
                  met: installs.every((i) => i.code === 0 && i.engineWarnings.length === 0),
              }
            : undefined,
    ].filter((g): g is { goal: string; value: string; met: boolean } => !!g);
    out.push("Goals");
    out.push(
        table(
            ["goal", "measured", "met"],
            goals.map((g) => [g.goal, g.value, g.met ? "yes" : "NO"]),
        ),
    );
    process.stdout.write(`${out.join("\n")}\n`);

    const date = startedAt.toISOString().slice(0, 10);
    const file = opts.out ?? path.join(BENCH_DIR, "results", `${date}-${m.id}${opts.label ? `-${opts.label.replace(/[^a-z0-9-]+/gi, "-")}` : ""}.json`);
    const strip = (s: Series) => ({ ...s, runs: s.runs.map((r) => ({ wallMs: r.wallMs, code: r.code, timings: r.timings })) });
    const results = {
        date: startedAt.toISOString(),
        label: opts.label,
        repo: opts.repo,
        machine: m,
        loadAverage: { start: loadBefore, end: loadAfter },
        planCommand: govcloud.command.replace(/ --stack govcloud$/, ""),
        runs: opts.runs,
        scalingRuns: opts.scalingRuns,
        cold: {
            govcloud: strip(govcloud),
            commercial: strip(commercial),
            floor: strip(floor),
            npm: strip(viaNpm),
            npmOverheadMs: npmOverhead,
            planToFloor: ratio,
        },
        scaling: scaling.map((row) => ({ ...row, plan: strip(row.plan) })),
        policyEvaluation: { govcloud: govEval },
        tests: opts.skipTests ? undefined : tests,
        install: opts.skipInstall ? undefined : installs,
        goals,
    };
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    log(`Wrote ${path.relative(process.cwd(), file)}`);
    fs.rmSync(tmpDir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    fs.rmSync(tmpDir, { recursive: true, force: true });
    process.exit(1);
});
