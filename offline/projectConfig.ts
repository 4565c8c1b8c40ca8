/**
 * Reads a Pulumi project's `Pulumi.yaml` and `Pulumi.<stack>.yaml` and produces the config the Pulumi
 * CLI would hand the program: stack values, project-level defaults applied where the stack sets
 * nothing, type checks of declared keys, and the list of secret keys. Used by the tests, the offline
 * plan and the benchmark, so all three see a stack exactly the same way.
 */
import * as fs from "fs";
import * as path from "path";
import { ConfigPathError, holdsSecret, parseConfigKeyPath, readSecureLeaves, revealSecrets, setConfigPath } from "./configPath";
import { readYamlFile } from "./inputFiles";
import { NodeRuntimeOptions, parseNodeArgs, ProgramLoadError, resolveProgramEntry } from "./programLoader";

/** What `Pulumi.yaml`'s `config` block may declare for a key (Pulumi project file reference). */
export interface ConfigDeclaration {
    type?: "string" | "integer" | "boolean" | "array";
    items?: { type: string };
    description?: string;
    default?: unknown;
    value?: unknown;
    secret?: boolean;
}

export interface PulumiProject {
    dir: string;
    name: string;
    runtime: string;
    description?: string;
    /** Entry module of a Node.js program, resolved against `dir` as the CLI's language host does (./programLoader.ts). */
    main: string;
    /** Whether the entry is an ES module. */
    esm: boolean;
    /** `runtime.options` that change how the program loads. */
    runtimeOptions: NodeRuntimeOptions;
    stackConfigDir: string;
    /** Declarations keyed by fully qualified key (`project:key` or `aws:region`). */
    declarations: Record<string, ConfigDeclaration>;
}

/** A stand-in for a value encrypted in the stack file; offline runs cannot decrypt it. */
export const ENCRYPTED_SECRET_PLACEHOLDER = "[encrypted secret]";

export interface StackConfig {
    stack: string;
    /** Fully qualified key → string, as the CLI passes config to the program (JSON for structured values). */
    values: Record<string, string>;
    /** Fully qualified keys whose values are secret. */
    secretKeys: string[];
    /** The stack file, for messages and SARIF locations. */
    stackFile: string;
    /** Pulumi ESC environments the stack file imports (`environment:`), whose values an offline run does not have. */
    environments: string[];
}

export class ProjectConfigError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ProjectConfigError";
    }
}

function findProjectFile(dir: string): string {
    for (const name of ["Pulumi.yaml", "Pulumi.yml"]) {
        const file = path.join(dir, name);
        if (fs.existsSync(file)) return file;
    }
    throw new ProjectConfigError(`No Pulumi.yaml in ${dir}: --program must name a Pulumi project directory.`);
}

export function qualifyKey(project: string, key: string): string {
    return key.includes(":") ? key : `${project}:${key}`;
}

/** Reads and checks the project file. */
export function loadProject(dir: string): PulumiProject {
    const absolute = path.resolve(dir);
    const file = findProjectFile(absolute);
    const doc = readYamlFile(file, "the project file") as Record<string, unknown> | null;
    if (!doc || typeof doc !== "object" || typeof doc.name !== "string") throw new ProjectConfigError(`${file} has no project 'name'.`);
    const runtime = typeof doc.runtime === "string" ? doc.runtime : (doc.runtime as { name?: string } | undefined)?.name;
    if (runtime !== "nodejs") {
        throw new ProjectConfigError(`${file} declares runtime '${runtime}'; only nodejs (TypeScript or JavaScript) programs can be run offline.`);
    }
    const declarations: Record<string, ConfigDeclaration> = {};
    const config = (doc.config ?? {}) as Record<string, unknown>;
    for (const [key, decl] of Object.entries(config)) {
        const qualified = qualifyKey(doc.name, key);
        // A plain scalar is a value, not a declaration (Pulumi project file reference, "config options").
        declarations[qualified] = decl !== null && typeof decl === "object" && !Array.isArray(decl) ? (decl as ConfigDeclaration) : { value: decl };
    }
    return {
        dir: absolute,
        name: doc.name,
        runtime,
        description: typeof doc.description === "string" ? doc.description : undefined,
        ...programEntry(file, absolute, typeof doc.main === "string" ? doc.main : undefined),
        runtimeOptions: nodeRuntimeOptions(file, doc.runtime),
        stackConfigDir: path.join(absolute, typeof doc.stackConfigDir === "string" ? doc.stackConfigDir : ""),
        declarations,
    };
}

function programEntry(file: string, dir: string, main: string | undefined): { main: string; esm: boolean } {
    try {
        const entry = resolveProgramEntry(dir, main);
        return { main: entry.file, esm: entry.esm };
    } catch (err) {
        if (err instanceof ProgramLoadError) throw new ProjectConfigError(`${file}: ${err.message}`);
        throw err;
    }
}

/** `runtime.options.typescript` and `nodeargs` (Pulumi project file reference, "runtime options"), checked for type. */
function nodeRuntimeOptions(file: string, runtime: unknown): NodeRuntimeOptions {
    const options = (runtime && typeof runtime === "object" ? (runtime as { options?: unknown }).options : undefined) ?? {};
    if (typeof options !== "object" || options === null) throw new ProjectConfigError(`${file}: runtime.options must be a map.`);
    const { typescript, nodeargs } = options as Record<string, unknown>;
    if (typescript !== undefined && typeof typescript !== "boolean")
        throw new ProjectConfigError(`${file}: runtime.options.typescript must be true or false, not ${JSON.stringify(typescript)}.`);
    if (nodeargs !== undefined && typeof nodeargs !== "string")
        throw new ProjectConfigError(`${file}: runtime.options.nodeargs must be a string of node arguments, not ${JSON.stringify(nodeargs)}.`);
    try {
        return { typescript, nodeargs, nodeArgs: parseNodeArgs(nodeargs) };
    } catch (err) {
        if (err instanceof ProgramLoadError) throw new ProjectConfigError(`${file}: ${err.message}`);
        throw err;
    }
}

/** Said with an error that may come from settings an imported ESC environment would have supplied. */
export function escEnvironmentsNote(environments: string[]): string {
    return `The stack file imports Pulumi ESC environment${environments.length === 1 ? "" : "s"} ${environments.map((e) => `'${e}'`).join(", ")}, whose settings are not available offline; set the ones the program needs with --config.`;
}

function toConfigString(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

function matchesType(decl: ConfigDeclaration, value: unknown): boolean {
    switch (decl.type) {
        case undefined:
            return true;
        case "string":
            return typeof value === "string";
        case "integer":
            return typeof value === "number" && Number.isInteger(value);
        case "boolean":
            return typeof value === "boolean";
        case "array":
            return Array.isArray(value) && (!decl.items || value.every((item) => matchesType({ type: decl.items!.type as ConfigDeclaration["type"] }, item)));
    }
}

/**
 * Builds the config of one stack: stack file values, then `overrides` (`key=value` from the command
 * line, applied in order as `pulumi config set --path` applies them: ./configPath.ts), then project
 * defaults for keys still unset. A key is secret when its value is, or holds, an encrypted value (a
 * nested `{ secure: ... }`), or when `secretOverrides` lists it (as `pulumi config set --secret`);
 * encrypted values, which offline runs cannot decrypt, reach the program as ENCRYPTED_SECRET_PLACEHOLDER.
 * Throws ProjectConfigError, with the CLI's wording, for a missing stack file, a missing required
 * value, a value of the wrong declared type, a plain value for a key declared secret, or an override
 * the CLI would refuse.
 */
export function loadStackConfig(project: PulumiProject, stack: string, overrides: Record<string, string> = {}, secretOverrides: string[] = []): StackConfig {
    const stackFile = path.join(project.stackConfigDir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(stackFile)) {
        throw new ProjectConfigError(`No stack file ${path.relative(process.cwd(), stackFile) || stackFile} for stack '${stack}'.`);
    }
    const doc = (readYamlFile(stackFile, "the stack file") ?? {}) as { config?: unknown; environment?: unknown };
    if (typeof doc !== "object" || (doc.config !== undefined && doc.config !== null && (typeof doc.config !== "object" || Array.isArray(doc.config)))) {
        throw new ProjectConfigError(`${stackFile}: 'config' must be a map of key: value.`);
    }
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries((doc.config ?? {}) as Record<string, unknown>)) raw[qualifyKey(project.name, key)] = readSecureLeaves(value);
    // Top-level override strings for a declared non-string type, read below as the CLI reads them.
    const typedStrings = new Set<string>();
    for (const [key, value] of Object.entries(overrides)) {
        let target: ReturnType<typeof parseConfigKeyPath>;
        try {
            target = parseConfigKeyPath(project.name, key);
            raw[target.key] = setConfigPath(raw[target.key], target.key, target.path, value, secretOverrides.includes(key));
        } catch (err) {
            if (!(err instanceof ConfigPathError)) throw err;
            throw new ProjectConfigError(`--config ${key}: ${err.message} ('pulumi config set --path' refuses it too).`);
        }
        if (target.path.length === 0) typedStrings.add(target.key);
        else typedStrings.delete(target.key);
    }
    const secretKeys = new Set(Object.keys(raw).filter((key) => holdsSecret(raw[key])));
    for (const [key, value] of Object.entries(raw)) raw[key] = revealSecrets(value, ENCRYPTED_SECRET_PLACEHOLDER);
    for (const key of typedStrings) {
        // `pulumi config set` stores a string; a declared non-string type reads it as the CLI would.
        const decl = project.declarations[key];
        if (decl?.type && decl.type !== "string" && typeof raw[key] === "string") {
            try {
                raw[key] = JSON.parse(raw[key] as string);
            } catch {
                /* leave it a string: the type check below reports it */
            }
        }
    }

    // `environment:` names one ESC environment or a list of them (Pulumi stack settings file reference).
    const imported = doc.environment === undefined || doc.environment === null ? [] : Array.isArray(doc.environment) ? doc.environment : [doc.environment];
    const environments = imported.map((e) => (typeof e === "string" ? e : JSON.stringify(e)));
    const missing: string[] = [];
    const problems: string[] = [];
    for (const [key, decl] of Object.entries(project.declarations)) {
        const name = key.split(":").slice(1).join(":") || key;
        if (raw[key] === undefined) {
            if (decl.value !== undefined) raw[key] = decl.value;
            else if (decl.default !== undefined) raw[key] = decl.default;
            else if (decl.type !== undefined || decl.description !== undefined) missing.push(name);
        } else if (!matchesType(decl, raw[key])) {
            problems.push(`Stack '${stack}' with configuration key '${name}' must be of type '${decl.type}'`);
        }
        // The CLI checks a declared secret only on typed keys, defaults included (pulumi/pulumi
        // pkg/workspace/config.go validateStackConfigValues, validateStackConfigValue).
        if (decl.secret && decl.type !== undefined && raw[key] !== undefined && !secretKeys.has(key)) {
            problems.push(`Stack '${stack}' with configuration key '${name}' must be encrypted as it's secret`);
        }
    }
    if (missing.length === 1) problems.unshift(`Stack '${stack}' is missing configuration value '${missing[0]}'`);
    if (missing.length > 1) problems.unshift(`Stack '${stack}' is missing configuration values ${missing.map((k) => `'${k}'`).join(", ")}`);
    if (problems.length > 0) {
        // Settings an imported ESC environment would supply are missing offline: say so with the error.
        const note = missing.length > 0 && environments.length > 0 ? `\n${escEnvironmentsNote(environments)}` : "";
        throw new ProjectConfigError(problems.join("\n") + note);
    }

    const values: Record<string, string> = {};
    for (const [key, value] of Object.entries(raw)) values[key] = toConfigString(value);
    return { stack, values, secretKeys: [...secretKeys], stackFile, environments };
}
