/**
 * Module hooks (node:module `register`) for offline program runs (./programLoader.ts).
 *
 * Fresh instances: a program's ES modules are imported under a run tag (`?offline-run=<n>`), and
 * each module they import from outside node_modules gets the same tag (a CommonJS module's `import()`
 * gets the current run's, shared by the loader), so every run gets fresh instances of the program's
 * own modules, as each CLI run is a new process. Packages keep one instance per process.
 *
 * TypeScript ES modules: the CLI's language host runs a `"type": "module"` TypeScript program
 * through ts-node's ES module hooks (@pulumi/pulumi cmd/run/run.js, "automatic ESM mode"), which
 * resolve `./x.js` to `./x.ts` when only the TypeScript exists and compile `.ts`/`.mts` as ES
 * modules. These hooks do the same for the program's own files with TypeScript's transpileModule
 * (types are not checked, as for the rest of the offline plan), with the compiler options of the
 * tsconfig.json in the program's project folder where there is one.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const TS_FILE = /\.(m?ts)$/;
const requireHere = createRequire(import.meta.url);
let ts;
/** Project folder → compiler options from its tsconfig.json (none when it has none). */
const optionsByProject = new Map();

/** The current run's number, written by the loader before each run (./programLoader.ts). */
let currentRun;

export function initialize(data) {
    currentRun = data && data.currentRun;
}

/**
 * The run tag for what `context.parentURL` imports: the parent's own tag, or, for a parent with
 * none outside node_modules (a CommonJS module of the program calling `import()`), the current run's.
 */
function tagOf(context) {
    const parent = context.parentURL && context.parentURL.startsWith("file:") ? new URL(context.parentURL) : undefined;
    if (!parent) return undefined;
    const own = parent.searchParams.get("offline-run");
    if (own) return own;
    if (parent.pathname.includes("/node_modules/") || !currentRun) return undefined;
    const run = Atomics.load(currentRun, 0);
    return run > 0 ? String(run) : undefined;
}

export async function resolve(specifier, context, nextResolve) {
    let resolved;
    try {
        resolved = await nextResolve(specifier, context);
    } catch (err) {
        // `./x.js` written for a TypeScript file `./x.ts` (TypeScript's nodenext convention).
        const parent = context.parentURL && context.parentURL.startsWith("file:") ? context.parentURL : undefined;
        const ts = parent && /^\.{1,2}\//.test(specifier) && /\.m?js$/.test(specifier) ? new URL(specifier.replace(/js$/, "ts"), parent) : undefined;
        if (!ts || !existsSync(fileURLToPath(ts))) throw err;
        resolved = { url: ts.href, shortCircuit: true };
    }
    const tag = tagOf(context);
    if (!tag || !resolved.url.startsWith("file:") || resolved.url.includes("/node_modules/")) return resolved;
    const url = new URL(resolved.url);
    if (url.searchParams.has("offline-run")) return resolved;
    url.searchParams.set("offline-run", tag);
    return { ...resolved, url: url.href };
}

/**
 * The compiler options of the program holding `file`: its project folder is the nearest one with a
 * Pulumi.yaml, and the language host runs there with that folder's tsconfig.json, if any.
 */
function optionsFor(file) {
    let dir = path.dirname(file);
    while (!existsSync(path.join(dir, "Pulumi.yaml")) && !existsSync(path.join(dir, "Pulumi.yml")) && path.dirname(dir) !== dir) dir = path.dirname(dir);
    if (!optionsByProject.has(dir)) {
        const tsconfig = path.join(dir, "tsconfig.json");
        let options = {};
        if (existsSync(tsconfig)) {
            // A tsconfig.json the compiler cannot read stops the program, as under the CLI, naming it.
            const fail = (diagnostic) => {
                throw new Error(`${tsconfig}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`);
            };
            const parsed = ts.getParsedCommandLineOfConfigFile(tsconfig, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: fail });
            if (parsed && parsed.errors.length > 0) fail(parsed.errors[0]);
            options = parsed ? parsed.options : {};
        }
        optionsByProject.set(dir, options);
    }
    return optionsByProject.get(dir);
}

export async function load(url, context, nextLoad) {
    if (!url.startsWith("file:")) return nextLoad(url, context);
    const file = fileURLToPath(new URL(url).href.split("?")[0]);
    if (!TS_FILE.test(file) || file.includes("/node_modules/")) return nextLoad(url, context);
    ts ??= requireHere("typescript");
    const output = ts.transpileModule(await readFile(file, "utf8"), {
        fileName: file,
        compilerOptions: { target: ts.ScriptTarget.ES2022, ...optionsFor(file), module: ts.ModuleKind.ESNext, inlineSourceMap: true, sourceMap: false },
    });
    return { format: "module", source: output.outputText, shortCircuit: true };
}
