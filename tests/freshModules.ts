/**
 * The repository's modules loaded afresh, for tests of what a module computes when it loads (data
 * tables, schemas, policy metadata).
 *
 * A mutation run (`npm run mutate`) switches a mutant on only while tests run, after the test files
 * have loaded (stryker.config.mjs, "Static mutants"): what a test file imported was computed without
 * it, so a test reading those values could never notice a changed table entry or policy description.
 * A test that loads the modules itself, inside the test, computes them under the active mutant.
 */
import * as path from "path";
import { REPO_ROOT } from "./graph";

/** The folders of the program's data and the pack whose modules are dropped before a fresh load. */
const FRESH_FOLDERS = ["stacks", "policies", "offline/dataTables.ts", "offline/readme.ts"].map((p) => path.join(REPO_ROOT, p));

/** `require(modulePath)` after dropping every cached module of stacks/, policies/ and the README renderers. */
export function freshRequire<T>(modulePath: string): T {
    for (const key of Object.keys(require.cache)) {
        if (FRESH_FOLDERS.some((folder) => key === folder || key.startsWith(`${folder}${path.sep}`))) delete require.cache[key];
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(path.join(REPO_ROOT, modulePath)) as T;
}
