/**
 * Policy config as the engine reconciles it before Configure (pulumi/pulumi
 * `pkg/resource/analyzer/config.go`): `--policy-pack-config` parsing, the layering of schema
 * defaults, the pack's initial config and the file, and validation against each policy's JSON
 * Schema (ajv, with its compiled validators cached). Pure: no SDK internals.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import { InputFileError, readJsonFile } from "../inputFiles";
import * as path from "path";
import type Ajv from "ajv";
import type { ValidateFunction } from "ajv";
import { ENFORCEMENT_LEVELS, EnforcementLevel, LoadedPack, PolicyConfigEntry } from "./types";

/** The engine validates policy config with a JSON Schema implementation too; all errors, not the first. */
const AJV_OPTIONS = { allErrors: true, strict: false } as const;

export class PolicyConfigError extends Error {
    constructor(
        message: string,
        readonly problems: string[] = [],
    ) {
        super(message);
        this.name = "PolicyConfigError";
    }
}

function isLevel(value: unknown): value is EnforcementLevel {
    return typeof value === "string" && (ENFORCEMENT_LEVELS as readonly string[]).includes(value);
}

/** Parses `--policy-pack-config` content (pkg/resource/analyzer/config.go, parsePolicyPackConfig). */
export function parsePolicyPackConfig(config: Record<string, unknown>): Record<string, PolicyConfigEntry> {
    const result: Record<string, PolicyConfigEntry> = {};
    for (const [key, value] of Object.entries(config)) {
        const entry: PolicyConfigEntry = {};
        if (typeof value === "string") {
            if (!isLevel(value)) throw new PolicyConfigError(`parsing enforcement level for "${key}": "${value}" is not a valid enforcement level`);
            entry.enforcementLevel = value;
        } else if (value && typeof value === "object" && !Array.isArray(value)) {
            const { enforcementLevel, ...props } = value as Record<string, unknown>;
            if (enforcementLevel !== undefined) {
                if (typeof enforcementLevel !== "string")
                    throw new PolicyConfigError(
                        `parsing enforcement level for "${key}": ${JSON.stringify(enforcementLevel)} is not a valid enforcement level; must be a string`,
                    );
                if (!isLevel(enforcementLevel))
                    throw new PolicyConfigError(`parsing enforcement level for "${key}": "${enforcementLevel}" is not a valid enforcement level`);
                entry.enforcementLevel = enforcementLevel;
            }
            if (Object.keys(props).length > 0) entry.properties = props;
        } else {
            throw new PolicyConfigError(`parsing "${key}": ${JSON.stringify(value)} is not a valid value; must be a string or object`);
        }
        // Empty configs are dropped.
        if (entry.enforcementLevel || entry.properties) result[key] = entry;
    }
    return result;
}

/** Reads a `--policy-pack-config` JSON file. */
export function loadPolicyConfigFile(file: string): Record<string, unknown> {
    const config = readJsonFile(file, "policy config");
    if (config === null || typeof config !== "object" || Array.isArray(config)) {
        throw new InputFileError(
            `${path.relative(process.cwd(), file) || file}: the policy config must be a JSON object of policy names (or "all") to levels or settings, not ${JSON.stringify(config)}.`,
        );
    }
    return config as Record<string, unknown>;
}

function applyConfig(result: Record<string, PolicyConfigEntry>, toApply: Record<string, PolicyConfigEntry>): void {
    // "all" sets every policy's level first; per-policy entries in the same layer then override it.
    const all = toApply.all;
    if (all?.enforcementLevel) {
        for (const k of Object.keys(result)) result[k] = { enforcementLevel: all.enforcementLevel, properties: result[k].properties };
    }
    // Every key is applied, "all" and names the pack does not have included (the engine does the same).
    for (const [policy, given] of Object.entries(toApply)) {
        const current = result[policy] ?? {};
        const properties =
            given.properties && Object.keys(given.properties).length > 0 ? { ...(current.properties ?? {}), ...given.properties } : current.properties;
        result[policy] = { enforcementLevel: given.enforcementLevel ?? current.enforcementLevel, properties };
    }
}

/**
 * The config the engine sends to Configure (ReconcilePolicyPackConfig): every policy with its
 * schema defaults and own level, then the pack's initial config, then `config`; validated against
 * each policy's config schema. Throws PolicyConfigError as the engine fails ("validating policy config").
 */
export function resolvePolicyConfig(pack: LoadedPack, config: Record<string, unknown> = {}): Record<string, PolicyConfigEntry> {
    const result: Record<string, PolicyConfigEntry> = {};
    for (const policy of pack.policies) {
        let properties: Record<string, unknown> | undefined;
        for (const [k, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
            if ("default" in schema) (properties ??= {})[k] = schema.default;
        }
        result[policy.name] = { enforcementLevel: policy.enforcementLevel, properties };
    }
    applyConfig(result, pack.initialConfig);
    applyConfig(result, parsePolicyPackConfig(config));

    const problems: string[] = [];
    for (const policy of pack.policies) {
        // The engine adds enforcementLevel to every schema; the properties never contain it.
        const schema = { type: "object", properties: policy.configSchema?.properties ?? {}, required: policy.configSchema?.required ?? [] };
        for (const p of validateJsonSchema(schema, result[policy.name]?.properties ?? {})) problems.push(`${policy.name}: ${p}`);
    }
    for (const [name, entry] of Object.entries(result)) {
        if (!entry.enforcementLevel)
            problems.push(
                `${name}: not a policy of pack '${pack.name}' and no enforcementLevel (the engine's Configure fails with 'invalid enforcement level ""')`,
            );
    }
    if (problems.length > 0) throw new PolicyConfigError(`Invalid policy config for pack '${pack.name}':\n  ${problems.sort().join("\n  ")}`, problems);
    return result;
}

/** Validators by schema (JSON text): each schema is compiled once per process, not per evaluation. */
const validators = new Map<string, ValidateFunction>();
/**
 * And once per machine: ajv's code for a validator (its "standalone" code, the same code ajv.compile
 * generates and runs) is kept in bin/ajv-cache/, keyed by ajv's version, the options and the schema,
 * so a plan process neither loads ajv's compiler nor compiles ~20 schemas.
 */
const VALIDATOR_CACHE = path.join(__dirname, "..", "..", "bin", "ajv-cache");
let ajv: Ajv | undefined;

function ajvCompiler(): Ajv {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const AjvClass = (require("ajv") as { default: typeof Ajv }).default;
    // `code.source` keeps the generated code, for the cache; validation is the same.
    ajv ??= new AjvClass({ ...AJV_OPTIONS, code: { source: true } });
    return ajv;
}

function cachedValidatorFile(schemaJson: string): string | undefined {
    try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const version = (require("ajv/package.json") as { version: string }).version;
        const key = crypto
            .createHash("sha256")
            .update(`${version}\0${JSON.stringify(AJV_OPTIONS)}\0${schemaJson}`)
            .digest("hex")
            .slice(0, 40);
        return path.join(VALIDATOR_CACHE, `${key}.js`);
    } catch {
        return undefined;
    }
}

/** Runs a validator module's code (CommonJS, requiring only ajv's runtime helpers, resolved from here). */
function loadValidator(code: string): ValidateFunction | undefined {
    const mod = { exports: {} as { default?: ValidateFunction } };
    new Function("require", "module", "exports", code)(require, mod, mod.exports);
    return typeof mod.exports.default === "function" ? mod.exports.default : undefined;
}

function validatorFor(schema: Record<string, unknown>): ValidateFunction {
    const schemaJson = JSON.stringify(schema);
    let validate = validators.get(schemaJson);
    if (validate) return validate;
    const file = cachedValidatorFile(schemaJson);
    if (file) {
        try {
            validate = loadValidator(fs.readFileSync(file, "utf8"));
        } catch {
            /* not cached yet (or unreadable): compiled below */
        }
    }
    if (!validate) {
        const compiler = ajvCompiler();
        validate = compiler.compile(schema);
        if (file) {
            try {
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                const standaloneCode = (require("ajv/dist/standalone") as { default: (ajv: Ajv, v: ValidateFunction) => string }).default;
                const code = standaloneCode(compiler, validate);
                fs.mkdirSync(VALIDATOR_CACHE, { recursive: true });
                const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`;
                fs.writeFileSync(tmp, code);
                fs.renameSync(tmp, file);
            } catch {
                /* no cache (read-only checkout, or a schema standalone code cannot express): compiled each process */
            }
        }
    }
    validators.set(schemaJson, validate);
    return validate;
}

/** Validates config properties against a policy's JSON Schema, as the engine does before Configure. */
function validateJsonSchema(schema: Record<string, unknown>, value: unknown): string[] {
    const validate = validatorFor(schema);
    if (validate(value)) return [];
    return (validate.errors ?? []).map(
        (e) =>
            `${e.instancePath ? e.instancePath.slice(1).replace(/\//g, ".") + ": " : ""}${e.message ?? "is invalid"}${e.params && "allowedValues" in e.params ? ` (${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")})` : ""}`,
    );
}
