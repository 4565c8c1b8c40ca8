/**
 * The repository's modules loaded afresh, for tests of what a module computes when it loads (data
 * tables, schemas, policy metadata).
 *
 * A mutation run (`npm run mutate`) switches a mutant on only while tests run, after the test files
 * have loaded (stryker.config.mjs, "Static mutants"): what a test file imported was computed without
 * it, so a test reading those values could never notice a changed table entry or policy description.
 * A test that loads the modules itself, inside the test, computes them under the active mutant.
 *
 * Values of a fresh copy must not be mixed with those of a test file's own imports (the pack's
 * UNKNOWN marker, for one, is a Symbol() of its module).
 */
import * as path from "path";
import { REPO_ROOT } from "./graph";

/** What is dropped by default: the program's settings and tables, its components, the pack and the README renderers. */
const FRESH_PATHS = ["stacks", "components", "policies", "offline/dataTables.ts", "offline/readme.ts"];

/**
 * Drops the cached modules under `paths` (relative to the repository; folders or files), never a
 * dependency in a node_modules folder, so the next `require` of any of them loads it afresh.
 */
export function forgetRepoModules(paths: readonly string[] = FRESH_PATHS): void {
    const roots = paths.map((p) => path.join(REPO_ROOT, p));
    for (const key of Object.keys(require.cache)) {
        if (key.includes(`${path.sep}node_modules${path.sep}`)) continue;
        if (roots.some((root) => key === root || key.startsWith(`${root}${path.sep}`))) delete require.cache[key];
    }
}

/** A module of the repository (path relative to it), as `require` gives it: the fresh copy after forgetRepoModules. */
export function requireRepoModule<T>(modulePath: string): T {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(path.join(REPO_ROOT, modulePath)) as T;
}

/** `modulePath` loaded afresh, with everything under `paths` it imports. */
export function freshRequire<T>(modulePath: string, paths: readonly string[] = FRESH_PATHS): T {
    forgetRepoModules(paths);
    return requireRepoModule<T>(modulePath);
}
