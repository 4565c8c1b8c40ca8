/**
 * `npm run mutate:scores`: the mutation score per folder (stacks/, components/, policies/) from
 * StrykerJS JSON reports, printed and written to bench/results/<date>-<machine>-mutation.json beside
 * the benchmark's results. A summary of runs already made; it runs nothing.
 *
 *   npm run mutate:scores                                   reports/mutation/mutation.json
 *   npm run mutate:scores -- a.json b.json                  several runs (e.g. one per folder) merged
 *   npm run mutate:scores -- --out file.json a.json         somewhere else
 *   npm run mutate:scores -- --note "what the runs covered" a.json
 *   npm run mutate:scores -- a.json=policies/catalog/models.ts,policies/lib b.json
 *                                                           a.json for those paths only (a report also
 *                                                           carries, from the incremental file, results
 *                                                           of files its run did not test)
 *
 * Reports are merged per file (see mergeReports). The metrics are
 * those Stryker's own reports show (mutation-testing-metrics, the package its reporters use): the
 * score is detected (killed or timed out) over valid (detected, survived, not covered); mutants that
 * do not compile and those declared equivalent (`// Stryker disable ...: reason`, reported as
 * Ignored) are outside it.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { calculateMetrics } from "mutation-testing-metrics";
import type { FileResult, MutationTestResult } from "mutation-testing-report-schema";
import { BENCH_DIR, machine, REPO_ROOT, table } from "./lib";

export const FOLDERS = ["stacks", "components", "policies"] as const;

export interface FolderScore {
    /** Detected (killed + timed out) over valid mutants, in percent, one decimal. */
    mutationScore: number;
    killed: number;
    timeout: number;
    survived: number;
    noCoverage: number;
    compileErrors: number;
    ignored: number;
    files: number;
}

/** A report's file name relative to the repository, with forward slashes (reports may hold absolute paths). */
function relativeName(report: MutationTestResult, name: string): string {
    return (path.isAbsolute(name) ? path.relative(report.projectRoot ?? REPO_ROOT, name) : name).split(path.sep).join("/");
}

/**
 * Files of several reports (paths relative to the repository). Runs over ranges of one file
 * (`--mutate file:1-400`, `file:401-700`) add up: where a file's source is the same, its mutants are
 * combined, a later report's result for the same mutant replacing an earlier one's; a file whose
 * source changed is replaced by the later report's.
 */
export function mergeReports(reports: MutationTestResult[]): Record<string, FileResult> {
    const files: Record<string, FileResult> = {};
    const mutantKey = (m: FileResult["mutants"][number]) =>
        `${m.location.start.line}:${m.location.start.column}-${m.location.end.line}:${m.location.end.column} ${m.mutatorName} ${m.replacement ?? ""}`;
    for (const report of reports) {
        for (const [name, file] of Object.entries(report.files)) {
            const relative = relativeName(report, name);
            const earlier = files[relative];
            if (!earlier || earlier.source !== file.source) {
                files[relative] = file;
                continue;
            }
            const mutants = new Map(earlier.mutants.map((m) => [mutantKey(m), m]));
            for (const m of file.mutants) mutants.set(mutantKey(m), m);
            files[relative] = { ...file, mutants: [...mutants.values()] };
        }
    }
    return files;
}

/** The report with only the files under `prefixes` (paths relative to the repository, a folder or a file). */
export function onlyFiles(report: MutationTestResult, prefixes: string[]): MutationTestResult {
    const files = Object.entries(report.files).filter(([name]) => {
        const relative = relativeName(report, name);
        return prefixes.some((prefix) => relative === prefix || relative.startsWith(prefix.endsWith("/") ? prefix : `${prefix}/`));
    });
    return { ...report, files: Object.fromEntries(files) };
}

/** The score of each folder that has mutated files in `files`. */
export function folderScores(files: Record<string, FileResult>): Record<string, FolderScore> {
    const out: Record<string, FolderScore> = {};
    for (const folder of FOLDERS) {
        const inFolder = Object.fromEntries(Object.entries(files).filter(([name]) => name.startsWith(`${folder}/`)));
        const count = Object.keys(inFolder).length;
        if (count === 0) continue;
        const m = calculateMetrics(inFolder).metrics;
        out[folder] = {
            mutationScore: Math.round(m.mutationScore * 10) / 10,
            killed: m.killed,
            timeout: m.timeout,
            survived: m.survived,
            noCoverage: m.noCoverage,
            compileErrors: m.compileErrors,
            ignored: m.ignored,
            files: count,
        };
    }
    return out;
}

const USAGE =
    'Usage: npm run mutate:scores -- [--out <file.json>] [--note "<what the runs covered>"] [<stryker report.json>[=<path>,...] ...]\n' +
    "(default report: reports/mutation/mutation.json; =<path>,... takes that report's results for those files or folders only)";

function main(): void {
    let parsed;
    try {
        parsed = parseArgs({ options: { out: { type: "string" }, note: { type: "string" }, help: { type: "boolean", short: "h" } }, allowPositionals: true });
    } catch (err) {
        process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
        process.exit(2);
    }
    if (parsed.values.help) {
        process.stdout.write(`${USAGE}\n`);
        return;
    }
    const { values, positionals } = parsed;
    const inputs = positionals.length > 0 ? positionals : [path.join(REPO_ROOT, "reports", "mutation", "mutation.json")];
    const reports = inputs.map((input) => {
        const [file, only] = input.split("=");
        try {
            const report = JSON.parse(fs.readFileSync(file, "utf8")) as MutationTestResult;
            return only === undefined
                ? report
                : onlyFiles(
                      report,
                      only.split(",").filter((p) => p !== ""),
                  );
        } catch (err) {
            process.stderr.write(`Cannot read the Stryker report ${file}: ${(err as Error).message}\nRun \`npm run mutate\` first.\n`);
            process.exit(2);
        }
    });
    const scores = folderScores(mergeReports(reports));
    if (Object.keys(scores).length === 0) {
        process.stderr.write(`No file of ${FOLDERS.join("/, ")}/ in ${inputs.join(", ")}.\n`);
        process.exit(2);
    }
    process.stdout.write(
        `${table(
            ["folder", "score %", "killed", "timeout", "survived", "no coverage", "compile errors", "ignored", "files"],
            Object.entries(scores).map(([folder, s]) => [
                `${folder}/`,
                s.mutationScore.toFixed(1),
                s.killed,
                s.timeout,
                s.survived,
                s.noCoverage,
                s.compileErrors,
                s.ignored,
                s.files,
            ]),
        )}\n`,
    );
    const m = machine();
    const date = new Date().toISOString().slice(0, 10);
    const file = values.out ?? path.join(BENCH_DIR, "results", `${date}-${m.id}-mutation.json`);
    const stryker = reports.find((r) => r.framework?.version)?.framework?.version;
    const results = {
        date,
        machine: m,
        stryker,
        reports: inputs.map((f) => path.relative(REPO_ROOT, path.resolve(f))),
        ...(values.note ? { note: values.note } : {}),
        folders: scores,
    };
    fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(`Written to ${path.relative(process.cwd(), file)}\n`);
}

if (require.main === module) main();
