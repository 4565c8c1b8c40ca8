/**
 * A process-wide cache of computed values that stays right under mutation testing (`npm run mutate`,
 * stryker.config.mjs); the loaded packs (./packLoader.ts) and the tests' stack evaluations (tests/policies/harness.ts)
 * use it. Outside StrykerJS it is a plain Map: the first call for a key computes, later calls get the
 * same promise (with `forgetRejections`, one that rejects is removed and the next call tries again).
 * Under Stryker's mocha runner one process runs the dry run and then mutant after mutant, switching
 * the active mutant at run time (`globalThis.__stryker__.activeMutant`), so:
 * - a value computed under one mutant (or none) never serves another: the cache empties when the
 *   active mutant changes; within one mutant's run values are shared as usual;
 * - in the dry run (no active mutant), where Stryker records which test executes which code
 *   (coverageAnalysis "perTest"), a hit computes the value again, awaited and thrown away, so every
 *   test that uses a value is credited with the code that computes it and is run against the mutants
 *   there (a plain hit credits only the test that computed it first). The cached value is what a hit
 *   returns, so identity holds as in a normal run (one pack per directory).
 */
export class MutationSafeCache<K, V> {
    private readonly values = new Map<K, Promise<V>>();
    private mutant: string | undefined;

    constructor(private readonly options: { forgetRejections?: boolean } = {}) {}

    get(key: K, compute: () => Promise<V>): Promise<V> {
        const stryker = (globalThis as { __stryker__?: { activeMutant?: string } }).__stryker__;
        if (stryker && stryker.activeMutant !== this.mutant) {
            this.values.clear();
            this.mutant = stryker.activeMutant;
        }
        const cached = this.values.get(key);
        if (cached === undefined) {
            const value = compute();
            this.values.set(key, value);
            if (this.options.forgetRejections) {
                value.catch(() => {
                    if (this.values.get(key) === value) this.values.delete(key);
                });
            }
            return value;
        }
        if (stryker && stryker.activeMutant === undefined) {
            const settle = () => cached;
            return compute().then(settle, settle);
        }
        return cached;
    }
}
