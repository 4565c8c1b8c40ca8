/**
 * Loads a Pulumi Node.js program the way the Pulumi CLI's Node.js language host does
 * (@pulumi/pulumi `cmd/run/run.js`, read in the installed SDK; the CLI passes the project's folder as
 * `--pwd` and `main` as the program):
 *
 * - from its own folder: the working directory is the project's folder while the program runs;
 * - its entry: `main` from Pulumi.yaml (a file or a folder), else the nearest package.json's
 *   `exports` (a string, or `"."` as a string or `default`/`require`/`import`) or `main`, else the
 *   folder's index;
 * - CommonJS with `require`, ES modules (`"type": "module"` in the nearest package.json) with
 *   `import()`, taking a default export as the program when it is the only export; TypeScript
 *   through ts-node with the program's own tsconfig.json (offline/tsCache.js), as ES modules
 *   through ./freshEsm.mjs, unless `runtime.options.typescript` is false;
 * - its own node_modules, as Node.js resolves them from the program's files (a package it has not
 *   installed is the program's error, as under the CLI; a program inside this repository resolves to
 *   the repository's);
 * - `runtime.options.nodeargs`: `--require`/`-r` and `--import` modules load before the program, as
 *   node would load them; options that change only the process (memory, warnings, source maps) have
 *   no bearing on what the program registers and are listed; any other is refused, naming it.
 *
 * Each run gets fresh module instances, as each CLI run is a new process: the program's CommonJS
 * modules are dropped from the require cache, and its ES modules are imported under a run tag
 * (./freshEsm.mjs), so a second run executes the program again.
 */
import * as fs from "fs";
import Module from "module";
import * as path from "path";
import { pathToFileURL } from "url";
import { readJsonFile } from "./inputFiles";

export class ProgramLoadError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ProgramLoadError";
    }
}

/** A setup the Pulumi CLI accepts and an in-process offline run cannot reproduce: a limit of the tool, not the user's mistake. */
export class UnsupportedProgramError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UnsupportedProgramError";
    }
}

/** `runtime.options` of a nodejs project that change how the program loads (Pulumi project file reference, "runtime options"). */
export interface NodeRuntimeOptions {
    /** Compile TypeScript (default true). */
    typescript?: boolean;
    /** Arguments the CLI passes to node, as written. */
    nodeargs?: string;
    /** The same, read once as node reads them (parseNodeArgs). */
    nodeArgs: NodeArgs;
}

/** The nearest package.json at or above `dir`, parsed, with its folder. */
export function nearestPackageJson(dir: string): { dir: string; json: Record<string, unknown> } | undefined {
    for (let d = path.resolve(dir); ; d = path.dirname(d)) {
        const file = path.join(d, "package.json");
        if (fs.existsSync(file)) return { dir: d, json: readJsonFile(file, "the program's package.json") as Record<string, unknown> };
        if (path.dirname(d) === d) return undefined;
    }
}

const isFile = (p: string) => fs.existsSync(p) && fs.statSync(p).isFile();
const isDir = (p: string) => fs.existsSync(p) && fs.statSync(p).isDirectory();

/** The entry a package.json names (`exports`, then `main`), as run.js reads it; undefined when it names none. */
function packageEntry(json: Record<string, unknown>): string | undefined {
    const exports = json.exports;
    if (typeof exports === "string") return exports;
    if (exports && typeof exports === "object") {
        const main = (exports as Record<string, unknown>)["."];
        if (typeof main === "string") return main;
        if (main && typeof main === "object") {
            const m = main as Record<string, unknown>;
            const chosen = m.default ?? m.require ?? m.import;
            return typeof chosen === "string" ? chosen : undefined;
        }
        return undefined;
    }
    return typeof json.main === "string" ? json.main : undefined;
}

/** A file, or a folder's index as Node.js (CommonJS) or run.js (ES modules) would pick it. */
function fileOf(candidate: string, esm: boolean): string | undefined {
    const extensions = esm ? [""] : ["", ".ts", ".js", ".cjs"];
    for (const ext of extensions) if (isFile(candidate + ext)) return candidate + ext;
    if (isDir(candidate)) {
        const pkg = isFile(path.join(candidate, "package.json")) ? nearestPackageJson(candidate) : undefined;
        const named = pkg && pkg.dir === candidate ? packageEntry(pkg.json) : undefined;
        if (named && !esm) {
            const file = fileOf(path.resolve(candidate, named), esm);
            if (file) return file;
        }
        const indexes = esm ? ["index.js", "index.mjs", "index.ts", "index.mts"] : ["index.ts", "index.js"];
        for (const index of indexes) if (isFile(path.join(candidate, index))) return path.join(candidate, index);
    }
    return undefined;
}

/**
 * The program's entry module and whether it is an ES module. `dir`: the project's folder;
 * `main`: Pulumi.yaml's `main`, if set.
 */
export function resolveProgramEntry(dir: string, main: string | undefined): { file: string; esm: boolean } {
    const root = path.resolve(dir);
    const start = main ? path.resolve(root, main) : root;
    const pkg = nearestPackageJson(isDir(start) ? start : path.dirname(start));
    const esm = pkg?.json.type === "module";
    let file: string | undefined;
    if (!main && pkg) {
        const named = packageEntry(pkg.json);
        if (named) file = fileOf(path.resolve(pkg.dir, named), esm);
    }
    file ??= fileOf(start, esm);
    if (!file) {
        throw new ProgramLoadError(
            main
                ? `main '${main}' names nothing to run in ${root}: give a file, or a folder with an index.ts or index.js.`
                : `Cannot find the program's entry module in ${root}: Pulumi.yaml 'main', package.json 'exports' or 'main', or an index.ts or index.js.`,
        );
    }
    return { file, esm: esm || file.endsWith(".mjs") || file.endsWith(".mts") };
}

/** node options that change only the process, not what the program registers. */
const PROCESS_ONLY =
    /^--(max-old-space-size|max-semi-space-size|stack-size|enable-source-maps|no-warnings|no-deprecation|trace-warnings|trace-deprecation|unhandled-rejections)(=.*)?$/;

export interface NodeArgs {
    /** Modules to `require` before the program, in order. */
    requires: string[];
    /** Modules to `import` before the program, in order. */
    imports: string[];
    /** Options without a bearing on what the program registers, not applied offline. */
    processOnly: string[];
}

/** `runtime.options.nodeargs` as node would read it; refuses what an offline run cannot apply. */
export function parseNodeArgs(nodeargs: string | undefined): NodeArgs {
    const out: NodeArgs = { requires: [], imports: [], processOnly: [] };
    const words = (nodeargs ?? "").split(/\s+/).filter(Boolean);
    for (let i = 0; i < words.length; i++) {
        const word = words[i];
        const value = (flag: string) => {
            if (word.startsWith(`${flag}=`)) return word.slice(flag.length + 1);
            const next = words[++i];
            if (next === undefined) throw new ProgramLoadError(`Pulumi.yaml runtime.options.nodeargs: '${word}' needs a value.`);
            return next;
        };
        if (word === "-r" || word === "--require" || word.startsWith("--require=")) out.requires.push(value(word === "-r" ? "-r" : "--require"));
        else if (word === "--import" || word.startsWith("--import=")) out.imports.push(value("--import"));
        else if (PROCESS_ONLY.test(word)) out.processOnly.push(word);
        else {
            throw new UnsupportedProgramError(
                `The offline plan cannot run this program as the CLI would: Pulumi.yaml runtime.options.nodeargs '${word}' cannot be applied offline (the program runs inside the plan's process); ` +
                    "the offline plan honours --require/-r, --import and options that change only the process. Plan it with 'pulumi preview --policy-pack'.",
            );
        }
    }
    return out;
}

const THIS_REPOSITORY = path.resolve(__dirname, "..");

// The run tag that makes an ES module program's modules fresh for each run (./freshEsm.mjs).
let esmHooksRegistered = false;
let runCount = 0;
/** The current run's number, shared with the hooks' thread: modules a CommonJS program imports are tagged with it. */
const currentRun = new Int32Array(new SharedArrayBuffer(4));
const dynamicImport = new Function("specifier", "return import(specifier)") as (specifier: string) => Promise<Record<string, unknown>>;

/**
 * Registers the fresh-ES-modules hook when the program needs it. Call it before the working
 * directory changes: node starts the hooks' thread with this process's `-r` options, which are
 * relative to the directory the plan was started in.
 */
export function prepareProgramLoading(project: { dir: string; esm: boolean; runtimeOptions: NodeRuntimeOptions }): void {
    // Any program but this repository's own may import an ES module, even from CommonJS (`import()`).
    if (project.dir !== THIS_REPOSITORY || project.esm || project.runtimeOptions.nodeArgs.imports.length > 0) registerFreshEsm();
}

function registerFreshEsm(): void {
    if (esmHooksRegistered) return;
    (Module as unknown as { register(specifier: string, parentURL: string, options: { data: unknown }): void }).register(
        "./freshEsm.mjs",
        pathToFileURL(__filename).href,
        {
            data: { currentRun },
        },
    );
    esmHooksRegistered = true;
}

/** Removes the program's own modules (not its node_modules) from the require cache, so a run executes them again. */
function forgetProgramModules(programDir: string): void {
    const prefix = programDir + path.sep;
    for (const id of Object.keys(require.cache)) {
        if (id.startsWith(prefix) && !id.includes(`${path.sep}node_modules${path.sep}`)) delete require.cache[id];
    }
}

interface TsCache {
    registerProgramRoot?(dir: string): void;
}
// Loaded now: the program's modules are dropped from the require cache before each run, and when
// the program is this repository that includes this folder.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const tsCache = require("./tsCache.js") as TsCache;

/**
 * Loads the program's entry module (after its nodeargs modules) and returns what it exports (a
 * function is the program). The caller sets the working directory.
 */
export async function loadProgram(project: { dir: string; main: string; esm: boolean; runtimeOptions: NodeRuntimeOptions }): Promise<unknown> {
    const { dir, main, esm, runtimeOptions } = project;
    if (runtimeOptions.typescript === false && /\.[cm]?ts$/.test(main)) {
        throw new ProgramLoadError(
            `Pulumi.yaml sets runtime.options.typescript to false, but the program's entry is TypeScript (${path.relative(dir, main)}): compile it and point 'main' at the JavaScript, or remove the option.`,
        );
    }
    const { nodeArgs } = runtimeOptions;
    forgetProgramModules(dir);
    // TypeScript files under the program's folder compile with its own tsconfig.json.
    tsCache.registerProgramRoot?.(dir);
    const fromProgram = Module.createRequire(path.join(dir, "noop.js"));
    for (const r of nodeArgs.requires) fromProgram(r.startsWith(".") ? path.resolve(dir, r) : r);
    const tag = String(++runCount);
    Atomics.store(currentRun, 0, runCount);
    const tagged = (file: string) => `${pathToFileURL(file).href}?offline-run=${tag}`;
    for (const i of nodeArgs.imports) await dynamicImport(i.startsWith(".") ? tagged(path.resolve(dir, i)) : pathToFileURL(fromProgram.resolve(i)).href);
    if (!esm) return fromProgram(main);
    const exported = await dynamicImport(tagged(main));
    // run.js: a default export is the program, when it is the module's only export.
    if (Object.getOwnPropertyDescriptor(exported, "default") !== undefined) {
        if (Object.keys(exported).length !== 1)
            throw new ProgramLoadError(`${main}: expected the entry module to have either a default export or named exports, not both (as Pulumi requires).`);
        return exported.default;
    }
    return exported;
}
