// Mutation testing (StrykerJS): `npm run mutate`, not part of `npm test`. It changes the code of
// stacks/, components/ and policies/ one small edit ("mutant") at a time and runs the tests that
// execute the edited code; a mutant no test fails on "survived" (an untested behaviour).
//
//   npm run mutate                                     everything below (hours; see "Cost")
//   npm run mutate -- --mutate policies/catalog/sizing.ts        one file (CLI options override this file)
//   npm run mutate -- --force                          ignore the incremental file, test every mutant
//
// Reports: reports/mutation/mutation.html, reports/mutation/mutation.json and the clear-text table on
// stdout (reports/ is git-ignored).
//
// How the test harness is made right for it (the runner keeps one process across mutants and
// switches the active mutant at run time, `globalThis.__stryker__.activeMutant`):
// - Caches: the loaded policy pack (offline/policyEngine/packLoader.ts) and the stack evaluations the policy tests
//   share (tests/policies/harness.ts) are MutationSafeCaches: emptied whenever the active mutant
//   changes, so nothing computed under another mutant (or none) is served; and in the dry run a hit
//   computes again (result thrown away), so every test that uses a cached value is credited with the
//   code behind it. Stack runs themselves are never cached: offline/mockRun.ts drops the program's
//   modules from the require cache before each run, so the program (and its module-level code)
//   re-executes under the active mutant. The Pulumi mock runtime is reset by setMocks per run (the
//   suite already runs hundreds of stacks per process). Compiled-code caches are keyed by content:
//   bin/ts-cache (offline/tsCache.js, used only by child processes such as `npm run plan`) by a hash
//   of the source, which Stryker's instrumented copy changes, and ajv validators by schema text.
// - Per-test coverage: coverageAnalysis "perTest" runs each mutant against only the tests that
//   executed its code in the dry run (not the whole suite). Stryker credits code that a suite's
//   `before` hook executes to whichever test ran before it; stryker.mochaHooks.cjs credits it to
//   every test of the suite instead (tests/strykerHooks.test.ts runs the installed Stryker with and
//   without it, so a Stryker release that changes this fails there). "all" would be correct without
//   that, but would run the whole suite for every surviving mutant.
// - Static mutants: code that runs when a test file is loaded (module-level tables and policy
//   definitions that tests import) is "static"; with ignoreStatic false Stryker would run the whole
//   suite, in a fresh process, for each of them (hundreds of table literals). Nearly all of that code
//   also runs inside tests (each stack run re-requires the program, each pack load re-requires the
//   pack), so with ignoreStatic it is tested against those tests; code that runs only at load is
//   reported "Ignored", outside the score. The mutant is switched on only after the test files have
//   loaded, so a test that uses a module it imported (not re-required) never sees a mutant of that
//   module's load-time code (a zod schema, a policy's metadata): such tests re-load the module
//   themselves, inside the test (tests/freshModules.ts; tests/parsedSettings.ts for stacks/ and policies/catalog/ in settings tests,
//   the README table tests for the tables and the pack's metadata).
// - Limits: tests that spawn a child process (the offline plan, the benchmark, workflows) cannot kill
//   a mutant, since neither the active mutant nor the coverage crosses the process boundary; their
//   mutants count only through in-process tests.
//
// Equivalent mutants (a change no input can show, such as `>=` for `>` where the formula gives the
// same value at the boundary) are declared where they are, with Stryker's own comment and the reason:
// `// Stryker disable next-line <Mutator>: <why it is equivalent>`. They are reported "Ignored",
// outside the score; `grep -rn "Stryker disable" stacks components policies` lists them.
//
// Type checking: the TypeScript checker drops mutants that do not compile ("CompileError", outside the
// score), with tsconfig.stryker.json: the program and the pack (index.ts, components/, stacks/,
// policies/) as `npm run typecheck` checks them, but without noUnusedLocals and
// noFallthroughCasesInSwitch, lint rules that would otherwise hide, e.g., an emptied block that leaves
// a helper unused, a behaviour change the tests should catch. The tests, offline/, tools/ and bench/
// are left out: re-checking them for every mutant of a file they import (all import stacks/ or policies/catalog/) kept a
// core busy for the whole run; a mutant that only breaks their types is run like any other (the
// tests run transpile-only) and counts by what the tests see.
//
// Incremental mode: results are kept in reports/mutation/incremental.json (git-ignored, never
// committed). Keep that file between runs (or restore it, e.g. from a CI cache) and the next
// `npm run mutate` tests only mutants whose code or covering tests changed; --force ignores it. A run
// restricted with --mutate keeps the file's results for code outside its range (Stryker carries
// them over), so runs of one folder or file after another build up the whole; the last
// `npm run mutate` then re-tests only what changed since. Stryker sees a test as changed when its
// file changes (the mocha runner reports no test locations, so any edit to a test file re-runs
// every mutant that file's tests covered), while tests in a new file re-run only the surviving
// mutants they cover (a killed mutant is kept while the test that killed it is unchanged); it does
// not see changes to helpers and fixtures a test uses, so after editing those, --force the files
// they exercise.
//
// Cost (measured runs: README, "Test strength"): a killed mutant stops at its first failing test, a
// surviving one runs every covering test, up to ~600 stack-running tests, so a folder from scratch
// takes hours on 2 cores. The data tables of policies/catalog/ are the slowest per mutant: every stack run loads them, so every stack-running test covers them. Run a
// file or a range first (`--mutate stacks/settings.ts:401-700`), and keep the incremental file so
// later runs test only what changed.
import { readdirSync, readFileSync } from "node:fs";

const mocharc = JSON.parse(readFileSync(new URL("./.mocharc.json", import.meta.url), "utf8"));

// The order a mutant's covering tests run in: it stops at the first failure, so tests that call the
// settings, tables and components directly (milliseconds each) go first, then those that run a
// stack, and last those that run many stacks each (change previews, the plan in a child process) or
// spawn processes (which cannot kill a mutant). A file not named here runs in the middle.
const TESTS_FIRST = ["settings", "tables", "engines", "components", "readmeTables", "sdkInternals", "iam", "program", "policyEval"];
const TESTS_LAST = ["policies/network", "lifecycle", "changes", "plan", "bench", "workflows", "notebookSample", "strykerHooks", "stageModel", "invoke"];
// Left out of mutation runs: tests/packBuild.test.ts builds a copy of the pack, installs its
// dependencies with npm and runs the policy suite on it in a child process, which cannot kill a
// mutant (see "Limits" above); every fresh test runner would repeat the install.
const NOT_IN_MUTATION_RUNS = ["packBuild"];
/** The test files .mocharc.json names (every tests/ file ending in .test.ts), in that order, less those above. */
function orderedTestFiles() {
    const files = readdirSync(new URL("./tests", import.meta.url), { recursive: true })
        .map(String)
        .filter((file) => file.endsWith(".test.ts"))
        .map((file) =>
            file
                .split("\\")
                .join("/")
                .replace(/\.test\.ts$/, ""),
        )
        .filter((name) => !NOT_IN_MUTATION_RUNS.includes(name));
    const rank = (name) => (TESTS_FIRST.includes(name) ? TESTS_FIRST.indexOf(name) : TESTS_LAST.includes(name) ? 1000 + TESTS_LAST.indexOf(name) : 500);
    return files.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b)).map((name) => `tests/${name}.test.ts`);
}

const TAGGABLE = "policies/lib/tagsTaggable.ts";
/** The lines of tagsTaggable.ts after its generated table, as a mutate range (none if the file changed shape). */
function taggableCode() {
    const lines = readFileSync(new URL(`./${TAGGABLE}`, import.meta.url), "utf8").split("\n");
    const first = lines.findIndex((line) => line.startsWith("export const TAGGABLE_TYPES")) + 1;
    return first > 0 ? [`${TAGGABLE}:${first}-${lines.length}`] : [];
}

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
    $schema: "./node_modules/@stryker-mutator/core/schema/stryker-schema.json",
    packageManager: "npm",
    testRunner: "mocha",
    mochaOptions: {
        // The suite's own requires (offline/tsCache.js) and the coverage fix above; a `require`
        // here replaces .mocharc.json's, so it is read from there.
        require: [...(mocharc.require ?? []), "./stryker.mochaHooks.cjs"],
        // .mocharc.json's files in the order above (should its spec change, it is used as it is).
        spec: String(mocharc.spec) === "tests/**/*.test.ts" ? orderedTestFiles() : mocharc.spec,
    },
    checkers: ["typescript"],
    tsconfigFile: "tsconfig.stryker.json",
    typescriptChecker: { prioritizePerformanceOverAccuracy: true },
    // Every TypeScript file of the program and the pack, data tables included: a wrong GPU memory
    // size or a dropped model entry changes what is deployed and what the pack allows. The family
    // index files are kept too: each composes its policies into the pack (an emptied list drops them).
    mutate: [
        "stacks/**/*.ts",
        "components/**/*.ts",
        "policies/**/*.ts",
        "!**/*.d.ts",
        // Except the generated table of taggable types (about 1,070 mutants, an eighth of the total):
        // tests/policies/tags.test.ts regenerates it from the installed @pulumi/aws and fails on any
        // difference, so every literal mutant there is killed by that comparison and measures nothing.
        // The code below the table (TAGGABLE_TYPES) is mutated; its line is looked up, not hard-coded.
        `!${TAGGABLE}`,
        ...taggableCode(),
    ],
    // Stryker puts `// @ts-nocheck` atop the files it sets this to (its default: every file), shifting
    // their lines by one; only the mutated files need it, and tests of other programs' errors assert
    // the line of the failing statement in their fixtures.
    disableTypeChecks: "{stacks,components,policies}/**/*.ts",
    coverageAnalysis: "perTest",
    ignoreStatic: true,
    incremental: true,
    incrementalFile: "reports/mutation/incremental.json",
    reporters: ["html", "clear-text", "json", "progress"],
    htmlReporter: { fileName: "reports/mutation/mutation.html" },
    jsonReporter: { fileName: "reports/mutation/mutation.json" },
    clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true, reportMutants: true },
    // Not copied into the sandbox: earlier reports and benchmark output (no test reads them).
    ignorePatterns: ["reports", "bench/results", "coverage", "out"],
    // Stryker gives half of this to TypeScript checkers until every mutant is checked, half to test
    // runners: with 2, one checker and one runner, each waiting on the other much of the time. With 4
    // on this 2-core machine both cores stay busy (a third more mutants per minute on settings.ts
    // lines 401-700); each runner peaks at about 3.5 GB.
    concurrency: 4,
    // Each stack run leaves about 2 MB behind in the process (the Pulumi SDK's per-run state; the
    // suite itself peaks at 2.4 GB), and a mutant runs up to a few hundred of them: a runner kept for
    // good reaches Node's 4 GB heap limit within a few dozen mutants and slows down in GC first; a
    // fresh runner costs less than the stack runs of one surviving mutant.
    maxTestRunnerReuse: 10,
    // A test's time in the dry run does not include its suite's `before` hook (a stack run or a pack
    // load) when it is not the suite's first test, so allow more than Stryker's 5 s default.
    timeoutMS: 15000,
    // The dry run computes every evaluation per test (see above): about twice the plain suite's time.
    dryRunTimeoutMinutes: 20,
    tempDirName: ".stryker-tmp",
};
