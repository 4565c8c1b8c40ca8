"use strict";
/**
 * Loaded by StrykerJS's mocha runner only (stryker.config.mjs, mochaOptions.require; never by
 * `npm test`): credits the code a suite's `before`/`after` hooks execute to every test of the suite.
 *
 * With coverageAnalysis "perTest", Stryker runs a mutant against the tests that executed its code in
 * the dry run. Its mocha runner names the test being executed in a root `beforeEach`
 * (`__stryker__.currentTestId`) and never clears it, so what a `before` hook executes (most files here
 * run a stack once in `before` and assert on it in many tests) is credited to the test that ran
 * before the hook, usually in another suite: a mutant there would be run against that test alone,
 * which does not run the hook, and survive. Here, in the dry run, each `before all`/`after all` hook
 * runs under an id of its own, and when the run ends that coverage is added to every test of the
 * hook's suite (nested suites included), before the runner reads the coverage. A test selected for
 * a mutant runs its suites' hooks again. Outside the dry run (or outside Stryker) nothing changes.
 */
const Mocha = require("mocha");

const { Hook, Runnable } = Mocha;
const SUITE_HOOKS = ["beforeAll", "afterAll"];
/** The coverage id of each suite whose hooks ran in the dry run. */
const suiteIds = new Map();

function stryker() {
    return globalThis.__stryker__;
}

/** In the dry run (Stryker present, no mutant active), a suite-level hook runs under its suite's id. */
Hook.prototype.run = function (done) {
    const ns = stryker();
    const suite = this.parent;
    if (!ns || ns.activeMutant !== undefined || !suite || !SUITE_HOOKS.some((type) => suite.getHooks(type).includes(this))) {
        return Runnable.prototype.run.call(this, done);
    }
    if (!suiteIds.has(suite)) suiteIds.set(suite, `stryker suite hooks #${suiteIds.size}: ${suite.fullTitle()}`);
    const id = suiteIds.get(suite);
    const previous = ns.currentTestId;
    ns.currentTestId = id;
    return Runnable.prototype.run.call(this, function (...args) {
        ns.currentTestId = previous;
        return done.apply(this, args);
    });
};

/** Adds each suite's hook coverage to the coverage of each test of the suite that ran (before Stryker reads it). */
function creditSuiteHooks() {
    const ns = stryker();
    const perTest = ns?.mutantCoverage?.perTest;
    if (!perTest || ns.activeMutant !== undefined) return;
    for (const [suite, id] of suiteIds) {
        const hooks = perTest[id];
        delete perTest[id];
        if (!hooks) continue;
        suite.eachTest((test) => {
            if (test.state !== "passed" && test.state !== "failed") return;
            const coverage = (perTest[test.fullTitle()] ??= {});
            for (const [mutant, hits] of Object.entries(hooks)) coverage[mutant] = (coverage[mutant] ?? 0) + hits;
        });
    }
    suiteIds.clear();
}

const run = Mocha.prototype.run;
Mocha.prototype.run = function (done) {
    return run.call(this, function (...args) {
        creditSuiteHooks();
        return done?.apply(this, args);
    });
};
