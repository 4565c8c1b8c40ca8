/**
 * Sanity of the benchmark's code (bench/), without timing anything: its helpers, the generated
 * stacks and the commands it measures.
 */
import { strict as assert } from "assert";
import { execFile } from "child_process";
import * as path from "path";
import { LIFECYCLE_SCRIPT_MAX_CHARS, lifecycleScriptLength } from "../components/notebookSample";
import { analyzeCalls, formatStats, machine, scalingModels, scriptCommand, stats, table, typescriptLoader } from "../bench/lib";
import { folderScores, mergeReports, onlyFiles } from "../bench/mutationScores";
import { REPO_ROOT } from "./graph";

describe("benchmark code", function () {
    this.timeout(60_000);

    it("statistics: min, median (odd and even counts), max", () => {
        assert.deepEqual(stats([5, 1, 3]), { n: 3, min: 1, median: 3, max: 5 });
        assert.deepEqual(stats([4, 1, 3, 2]), { n: 4, min: 1, median: 2.5, max: 4 });
        assert.equal(stats([]).n, 0);
        assert.equal(formatStats(stats([1.4, 2.6, 2])), "1 / 2 / 3");
    });

    it("scaling stacks: distinct valid names, one catalog model; the notebook's sample fits SageMaker's script limit at 40 models, not at 100 (the bench then disables it)", () => {
        const models = scalingModels(100);
        assert.equal(new Set(models.map((m) => m.name)).size, 100);
        assert.ok(models.every((m) => m.id === "mistral-7b-instruct" && m.name.length <= 40 && /^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/.test(m.name)));
        const script = (n: number) =>
            lifecycleScriptLength(
                "us-east-1",
                Object.fromEntries(
                    models
                        .slice(0, n)
                        .map((m) => [m.name, { endpointName: `${m.name}-xxxxxxxx`, engine: "vllm" as const, engineVersion: "0.21.0", servedModelName: m.id }]),
                ),
            );
        assert.ok(script(40) <= LIFECYCLE_SCRIPT_MAX_CHARS, `${script(40)} characters`);
        assert.ok(script(100) > LIFECYCLE_SCRIPT_MAX_CHARS, `${script(100)} characters`);
    });

    it("counts analyze calls as the evaluation makes them: resources plus synthesized default providers", () => {
        const stack = "urn:pulumi:s::p::";
        const resources = [
            { urn: `${stack}pulumi:pulumi:Stack::p-s`, type: "pulumi:pulumi:Stack", custom: false },
            { urn: `${stack}pulumi:providers:aws::explicit`, type: "pulumi:providers:aws", custom: true },
            { urn: `${stack}aws:s3/bucket:Bucket::a`, type: "aws:s3/bucket:Bucket", custom: true, provider: `${stack}pulumi:providers:aws::explicit::id` },
            {
                urn: `${stack}random:index/randomString:RandomString::r1`,
                type: "random:index/randomString:RandomString",
                custom: true,
                provider: `${stack}pulumi:providers:random::default_4_21_2::id`,
            },
            {
                urn: `${stack}random:index/randomString:RandomString::r2`,
                type: "random:index/randomString:RandomString",
                custom: true,
                provider: `${stack}pulumi:providers:random::default_4_21_2::id`,
            },
            { urn: `${stack}tls:index/privateKey:PrivateKey::k`, type: "tls:index/privateKey:PrivateKey", custom: true },
        ];
        assert.equal(analyzeCalls(resources), 6 + 2);
    });

    it("mutation scores per folder: detected over valid, runs over ranges of a file add up, a changed file is replaced, compile errors and declared equivalents outside the score", () => {
        const file = (statuses: string[], source = "x", firstLine = 1) => ({
            language: "typescript",
            source,
            mutants: statuses.map((status, i) => ({
                id: String(i),
                mutatorName: "M",
                location: { start: { line: firstLine + i, column: 1 }, end: { line: firstLine + i, column: 2 } },
                status,
            })),
        });
        const report = (files: Record<string, unknown>) => ({ schemaVersion: "1", thresholds: { high: 80, low: 60 }, files });
        // Lines 1-2 of a.ts survived in a first run; a second run over the same source re-tests line 1 and adds lines 3-4.
        const ranges = folderScores(
            mergeReports([
                report({ "stacks/a.ts": file(["Survived", "Survived"]) }),
                report({ "stacks/a.ts": file(["Killed"]) }),
                report({ "stacks/a.ts": file(["Killed", "Killed"], "x", 3) }),
            ] as never),
        );
        assert.deepEqual([ranges.stacks.killed, ranges.stacks.survived], [3, 1]);

        const first = report({ "stacks/a.ts": file(["Survived", "Survived"], "old source") });
        const second = report({
            "stacks/a.ts": file(["Killed", "Timeout", "Survived", "CompileError", "Ignored"]),
            "stacks/b.ts": file(["Killed", "NoCoverage"]),
            "policies/p.ts": file(["Killed"]),
            "offline/o.ts": file(["Survived"]),
        });
        const scores = folderScores(mergeReports([first, second] as never));
        assert.deepEqual(Object.keys(scores), ["stacks", "policies"]);
        // stacks: killed 2 + timeout 1 of valid 3 + survived 1 + no coverage 1 = 5 → 60%.
        assert.deepEqual(scores.stacks, { mutationScore: 60, killed: 2, timeout: 1, survived: 1, noCoverage: 1, compileErrors: 1, ignored: 1, files: 2 });
        assert.equal(scores.policies.mutationScore, 100);
        // A report for some paths only: the results it carries for other files are left out.
        const policiesOnly = folderScores(mergeReports([first, onlyFiles(second as never, ["policies", "stacks/b.ts"])] as never));
        assert.deepEqual([policiesOnly.stacks.files, policiesOnly.stacks.survived, policiesOnly.policies.files], [2, 2, 1]);
    });

    it("mutate:scores says how it is used: on --help, and with the error on an option it does not know (exit 2, no stack trace)", async () => {
        const command = scriptCommand(REPO_ROOT, "mutate:scores");
        const run = (arg: string) =>
            new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
                execFile(command[0], [...command.slice(1), arg], { cwd: REPO_ROOT }, (err, stdout, stderr) =>
                    resolve({ code: err ? Number(err.code) : 0, stdout, stderr }),
                ),
            );
        const help = await run("--help");
        assert.equal(help.code, 0);
        assert.match(help.stdout, /^Usage: npm run mutate:scores -- \[--out <file\.json>\]/);
        const wrong = await run("--bogus");
        assert.equal(wrong.code, 2);
        assert.match(wrong.stderr, /^Unknown option '--bogus'.*\nUsage: npm run mutate:scores/s);
        assert.doesNotMatch(wrong.stderr, /\n\s+at /, "no stack trace");
    });

    it("tables align numbers right and text left", () => {
        const text = table(
            ["name", "ms"],
            [
                ["a", 5],
                ["bbb", 120],
            ],
        );
        assert.deepEqual(text.split("\n"), ["name   ms", "----  ---", "a       5", "bbb   120"]);
    });

    it("names the machine in a way a file name can hold", () => {
        const m = machine();
        assert.match(m.id, /^[a-z0-9-]+-\d+c$/);
        assert.ok(m.cores >= 1 && m.cpuModel.length > 0);
    });

    it("measures the command `npm run plan` runs, and that command runs the plan", async () => {
        const plan = scriptCommand(REPO_ROOT, "plan");
        assert.equal(plan[0], process.execPath);
        assert.deepEqual(plan.slice(1), ["-r", "./offline/tsCache.js", "offline/plan.ts"]);
        assert.deepEqual(typescriptLoader(REPO_ROOT), ["-r", path.join(REPO_ROOT, "offline", "tsCache.js")]);
        const stdout = await new Promise<string>((resolve, reject) =>
            execFile(plan[0], [...plan.slice(1), "--help"], { cwd: REPO_ROOT }, (err, out) => (err ? reject(err) : resolve(out))),
        );
        assert.match(stdout, /^Usage: npm run plan -- --stack <name>/);
    });
});
