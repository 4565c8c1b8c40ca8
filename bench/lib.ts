/**
 * Helpers shared by the benchmark's runner (bench/index.ts) and its child processes: statistics,
 * the machine's identity, child processes with wall time, the commands the npm scripts run, the
 * generated multi-model stacks, and plain-text tables. Pure where possible, so tests/bench.test.ts
 * can check them without timing anything.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { CapturedResource } from "../offline/mockRun";

export const BENCH_DIR = __dirname;
export const REPO_ROOT = path.resolve(__dirname, "..");

// ------------------------------------------------------------------------------------------------
// Statistics
// ------------------------------------------------------------------------------------------------

export interface Stats {
    n: number;
    min: number;
    median: number;
    max: number;
}

export function stats(values: number[]): Stats {
    const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
    const n = sorted.length;
    if (n === 0) return { n: 0, min: NaN, median: NaN, max: NaN };
    const median = n % 2 === 1 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    return { n, min: sorted[0], median, max: sorted[n - 1] };
}

/** `min / median / max` in milliseconds, e.g. `612 / 640 / 702`. */
export function formatStats(s: Stats, digits = 0): string {
    if (s.n === 0) return "n/a";
    return `${s.min.toFixed(digits)} / ${s.median.toFixed(digits)} / ${s.max.toFixed(digits)}`;
}

// ------------------------------------------------------------------------------------------------
// The machine
// ------------------------------------------------------------------------------------------------

export interface Machine {
    /** hostname-cpu-cores, safe in a file name. */
    id: string;
    hostname: string;
    cpuModel: string;
    cores: number;
    memoryGiB: number;
    platform: string;
    node: string;
}

export function slug(text: string): string {
    return text
        .toLowerCase()
        .replace(/\(r\)|\(tm\)|cpu|processor|@.*$/g, " ")
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-+|-+$/g, "")
        .slice(0, 60);
}

export function machine(): Machine {
    const cpus = os.cpus();
    const cpuModel = (cpus[0]?.model ?? "unknown cpu").trim();
    const hostname = os.hostname();
    return {
        id: `${slug(hostname)}-${slug(cpuModel)}-${cpus.length}c`,
        hostname,
        cpuModel,
        cores: cpus.length,
        memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
        platform: `${os.type()} ${os.release()} ${os.arch()}`,
        node: process.version,
    };
}

// ------------------------------------------------------------------------------------------------
// Child processes
// ------------------------------------------------------------------------------------------------

export interface ProcessResult {
    code: number;
    stdout: string;
    stderr: string;
    /** From spawn to exit, as a user waiting for the command sees it. */
    wallMs: number;
}

export function runProcess(command: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<ProcessResult> {
    return new Promise((resolve, reject) => {
        const started = process.hrtime.bigint();
        const child = spawn(command, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        child.stdout.on("data", (b: Buffer) => out.push(b));
        child.stderr.on("data", (b: Buffer) => err.push(b));
        child.on("error", reject);
        child.on("close", (code, signal) => {
            const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
            resolve({ code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8"), wallMs });
        });
    });
}

/**
 * The command an npm script runs, as argv: `ts-node --transpile-only offline/plan.ts` becomes
 * `<repo>/node_modules/.bin/ts-node --transpile-only offline/plan.ts` (npm puts node_modules/.bin on
 * the PATH). Only plain space-separated commands are supported (no shell operators).
 */
export function scriptCommand(repo: string, script: string): string[] {
    const pkg = JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8")) as { scripts?: Record<string, string> };
    const text = pkg.scripts?.[script];
    if (!text) throw new Error(`${repo}/package.json has no '${script}' script`);
    if (/[|&;<>()$`"']/.test(text)) throw new Error(`The '${script}' script is not a plain command: ${text}`);
    const [first, ...rest] = text.trim().split(/\s+/);
    const bin = first === "node" ? process.execPath : path.join(repo, "node_modules", ".bin", first);
    return [bin, ...rest];
}

/**
 * How `node` loads TypeScript in a checkout: its plan script's loader (`-r ./offline/tsCache.js`),
 * or ts-node's transpile-only hook for a checkout from before the compiled cache.
 */
export function typescriptLoader(repo: string): string[] {
    const plan = scriptCommand(repo, "plan");
    const r = plan.indexOf("-r");
    if (plan[0] === process.execPath && r >= 0) return ["-r", path.resolve(repo, plan[r + 1])];
    return ["-r", require.resolve("ts-node/register/transpile-only", { paths: [repo] })];
}

// ------------------------------------------------------------------------------------------------
// Generated stacks
// ------------------------------------------------------------------------------------------------

export const SCALING_MODEL = { id: "mistral-7b-instruct", weightsSource: "s3", maxInstances: 3 } as const;

/** `models` for a commercial stack with `count` deployments of the same model under distinct names. */
export function scalingModels(count: number): Array<typeof SCALING_MODEL & { name: string }> {
    return Array.from({ length: count }, (_, i) => ({ ...SCALING_MODEL, name: `${SCALING_MODEL.id}-${i + 1}` }));
}

/**
 * Analyze calls an evaluation makes (offline/policyEngine/evaluate.ts): every captured resource, plus one
 * synthesized default provider per package that resources use without a registered provider.
 */
export function analyzeCalls(resources: Array<Pick<CapturedResource, "urn" | "type" | "custom" | "provider">>): number {
    const urns = new Set(resources.map((r) => r.urn));
    const defaults = new Set<string>();
    for (const r of resources) {
        if (!r.custom || r.type.startsWith("pulumi:providers:") || r.type === "pulumi:pulumi:Stack") continue;
        if (!r.provider) {
            defaults.add(`default:${r.type.split(":")[0]}`);
            continue;
        }
        const providerUrn = r.provider.slice(0, r.provider.lastIndexOf("::"));
        // A reference to a default provider mocks never registered (offline/mockRun.ts isDefaultProviderRef).
        if (!urns.has(providerUrn) && /::default(_[\w-]+)?::/.test(r.provider)) defaults.add(providerUrn);
    }
    return resources.length + defaults.size;
}

// ------------------------------------------------------------------------------------------------
// Tables
// ------------------------------------------------------------------------------------------------

/** A plain-text table; numbers right-aligned, text left-aligned. */
export function table(headers: string[], rows: Array<Array<string | number>>): string {
    const cells = [headers, ...rows.map((r) => r.map((c) => (typeof c === "number" ? String(c) : c)))];
    const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
    const numeric = headers.map((_, i) => rows.every((r) => typeof r[i] === "number" || /^[-\d.,/ ×%<>~]*$|^n\/a$/.test(String(r[i] ?? ""))));
    const line = (r: string[]) =>
        r
            .map((c, i) => (numeric[i] ? (c ?? "").padStart(widths[i]) : (c ?? "").padEnd(widths[i])))
            .join("  ")
            .trimEnd();
    return [line(cells[0]), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join("\n");
}

export function ms(value: number, digits = 0): string {
    return Number.isFinite(value) ? value.toFixed(digits) : "n/a";
}

export function mib(kib: number): string {
    return Number.isFinite(kib) ? (kib / 1024).toFixed(0) : "n/a";
}
