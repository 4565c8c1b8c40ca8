/**
 * stryker.mochaHooks.cjs relies on StrykerJS internals (its mocha runner's `__stryker__.currentTestId`
 * and the per-test coverage map it reads after the dry run). This runs the installed Stryker on a
 * two-suite project, with and without that file, so that a Stryker release that changes either fails
 * here by name instead of quietly turning `npm run mutate`'s per-test coverage wrong:
 * - with the file, a mutant that only a suite's `before` hook executes is run against that suite's
 *   test and killed;
 * - without it, Stryker credits that code to the test that ran before the hook (in another suite),
 *   and the mutant survives. Should this start failing, Stryker credits suite hooks correctly itself
 *   and the file (and its line in stryker.config.mjs) can go.
 */
import { strict as assert } from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "./graph";

const HOOKS = path.join(REPO_ROOT, "stryker.mochaHooks.cjs");
const STRYKER = path.join(REPO_ROOT, "node_modules", "@stryker-mutator", "core", "bin", "stryker.js");

const SOURCE = "exports.sum = (a, b) => a + b;\n";
const TESTS = `const assert = require("assert");
const { sum } = require("./sum");
describe("a suite that runs first", () => {
    it("does not use sum", () => assert.ok(true));
});
describe("a suite whose before hook computes", () => {
    let total;
    before(() => {
        total = sum(1, 2);
    });
    it("asserts on what the hook computed", () => assert.equal(total, 3));
});
`;

interface MutantResult {
    mutatorName: string;
    replacement: string;
    status: string;
    coveredBy?: string[];
}

/** Runs Stryker (per-test coverage, as stryker.config.mjs) on the project above; its mutants of `a + b`. */
async function mutate(dir: string, requires: string[]): Promise<{ mutants: MutantResult[]; testNames: Map<string, string> }> {
    const name = requires.length ? "with" : "without";
    const config = {
        testRunner: "mocha",
        plugins: ["@stryker-mutator/mocha-runner"],
        mochaOptions: { spec: ["sum.spec.js"], require: requires },
        mutate: ["sum.js"],
        coverageAnalysis: "perTest",
        ignoreStatic: true,
        concurrency: 1,
        incremental: false,
        reporters: ["json"],
        jsonReporter: { fileName: `${name}.report.json` },
        tempDirName: `.stryker-tmp-${name}`,
    };
    fs.writeFileSync(path.join(dir, `${name}.config.json`), JSON.stringify(config));
    await new Promise<void>((resolve, reject) =>
        execFile(process.execPath, [STRYKER, "run", `${name}.config.json`], { cwd: dir }, (err, stdout, stderr) =>
            err ? reject(new Error(`stryker run (${name} the hooks file) failed: ${err.message}\n${stdout}\n${stderr}`)) : resolve(),
        ),
    );
    const report = JSON.parse(fs.readFileSync(path.join(dir, `${name}.report.json`), "utf8"));
    const testNames = new Map<string, string>((report.testFiles["sum.spec.js"].tests as { id: string; name: string }[]).map((t) => [t.id, t.name]));
    return { mutants: report.files["sum.js"].mutants, testNames };
}

describe("stryker.mochaHooks.cjs against the installed StrykerJS", function () {
    this.timeout(120_000);
    let dir: string;

    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "stryker-hooks-"));
        fs.writeFileSync(path.join(dir, "sum.js"), SOURCE);
        fs.writeFileSync(path.join(dir, "sum.spec.js"), TESTS);
        // Stryker symlinks the project's node_modules into its sandbox; mocha and the runner come from ours.
        fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("with the file, code a before hook runs is credited to its suite's test, and its mutant is killed; without it, credited to the other suite's test, and it survives", async () => {
        const [withHooks, without] = await Promise.all([mutate(dir, [HOOKS]), mutate(dir, [])]);
        const arithmetic = (run: { mutants: MutantResult[] }) => {
            const mutant = run.mutants.find((m) => m.mutatorName === "ArithmeticOperator" && m.replacement === "a - b");
            assert.ok(mutant, "Stryker still makes the `a - b` mutant of `a + b`");
            return mutant;
        };
        const covering = (run: { mutants: MutantResult[]; testNames: Map<string, string> }) =>
            (arithmetic(run).coveredBy ?? []).map((id) => run.testNames.get(id));

        assert.deepEqual(covering(withHooks), ["a suite whose before hook computes asserts on what the hook computed"]);
        assert.equal(arithmetic(withHooks).status, "Killed");

        assert.deepEqual(
            covering(without),
            ["a suite that runs first does not use sum"],
            "Stryker now credits a before hook's code differently: check whether stryker.mochaHooks.cjs is still needed",
        );
        assert.equal(arithmetic(without).status, "Survived");
    });
});
