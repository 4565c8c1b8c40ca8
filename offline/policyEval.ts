/**
 * Evaluates a real CrossGuard policy pack (a `@pulumi/policy` PolicyPack module) in-process against
 * resources captured by `runProgramUnderMocks`, through @pulumi/policy's OWN analyzer code
 * (`server.js`), the same code `pulumi preview --policy-pack DIR` talks to over gRPC.
 *
 * Why not call the policies directly with plain objects (pulumi/pulumi-policy#445): the analyzer
 * wraps properties in an unknown-checking proxy (reading a value unknown during preview throws
 * `UnknownValueError`, reported as an advisory "can't run policy ... during preview"), unwraps
 * secrets, filters by resource type, applies enforcement levels and policy config, and for stack
 * policies links parent, dependencies and property dependencies to resource objects.
 *
 * How: while the pack module loads, `@grpc/grpc-js`'s `Server.prototype.addService` is stubbed to
 * capture the analyzer service's handlers and `bindAsync`/`start` are stubbed so nothing listens
 * (the process can exit; no port is printed). Each pack gets a fresh copy of @pulumi/policy's
 * modules, whose module-level state (the served pack's name, policy config, stack tags) would
 * otherwise make a second pack exit the process. Requests are built with the generated protobuf
 * classes from `@pulumi/pulumi/proto/analyzer_pb` and passed to the handlers as `{ request }`.
 *
 * Engine behaviour reproduced (pulumi/pulumi `pkg/engine/plugins.go`, `pkg/resource/analyzer/config.go`,
 * `pkg/resource/deploy/step_generator.go`, `sdk/go/common/resource/plugin/analyzer_plugin.go`):
 * - Configure is always called with the reconciled config of every policy: schema defaults and
 *   the policy's own level, then the pack's initial config, then the `--policy-pack-config` file,
 *   where `"all": "<level>"` sets every policy's level first and per-policy entries override it.
 * - Analyze runs for every registered resource (custom, component, the stack, providers) with its
 *   inputs, unknowns kept as the unknown sentinel, secrets kept wrapped (the analyzer unwraps
 *   them), internal `__` keys dropped, resource references reduced to their ID (or URN), and the
 *   resource's provider (type, URN, name, inputs). Violations are attributed to the analyzed URN.
 * - AnalyzeStack runs once with every resource, its parent, dependencies and property dependencies.
 * - Default providers, which mocks never register, are synthesized from the stack's `<pkg>:*`
 *   config, named `default_<major>_<minor>_<patch>` as the engine names them.
 *
 * Known differences from a real preview: the engine gives Analyze
 * the provider-checked inputs (auto-names, defaults) and gives AnalyzeStack the resources'
 * outputs; offline both see the program's inputs (components and the stack: their registered
 * outputs). Provider config strings are JSON-decoded the way the provider's CheckConfig would.
 * Resource options (`args.opts`): the engine sends protect, ignoreChanges, deleteBeforeReplace
 * (defined when the program set it), additionalSecretOutputs, aliases, customTimeouts and parent
 * (proto/pulumi/analyzer.proto AnalyzerResourceOptions; step_generator.go); offline the aliases are
 * empty and the custom timeouts zero. No analyzer ever sees retainOnDelete: the protocol has no field
 * for it.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import type Ajv from "ajv";
import type { ValidateFunction } from "ajv";
import { CapturedResource, isDefaultProviderRef, OUTPUT_VALUE_SIG, RESOURCE_REF_SIG, SECRET_SIG, SIG_KEY, UNKNOWN } from "./mockRun";
import { readJsonFile } from "./inputFiles";

/** The engine validates policy config with a JSON Schema implementation too; all errors, not the first. */
const AJV_OPTIONS = { allErrors: true, strict: false } as const;

// ------------------------------------------------------------------------------------------------
// Public types
// ------------------------------------------------------------------------------------------------

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";
export type PolicySeverity = "low" | "medium" | "high" | "critical";
const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

export interface PolicyConfigSchema {
    properties: Record<string, Record<string, unknown>>;
    required: string[];
}

/** One policy as the pack describes it (GetAnalyzerInfo). */
export interface PolicyInfo {
    name: string;
    displayName?: string;
    description: string;
    /** The policy's own level, or the pack's when the policy sets none. */
    enforcementLevel: EnforcementLevel;
    policyType: "resource" | "stack" | "unknown";
    severity?: PolicySeverity;
    configSchema?: PolicyConfigSchema;
    /** @pulumi/policy's metadata fields (1.18 and later), when the policy sets them. */
    remediationSteps?: string;
    framework?: { name: string; version: string; reference: string; specification: string };
    tags?: string[];
    url?: string;
}

/** A policy's config as the engine handles it: a level and/or properties. */
export interface PolicyConfigEntry {
    enforcementLevel?: EnforcementLevel;
    properties?: Record<string, unknown>;
}

export interface LoadedPack {
    dir: string;
    name: string;
    /** PulumiPolicy.yaml's version if set (the engine prefers it), else package.json's. */
    version: string;
    displayName?: string;
    description?: string;
    policies: PolicyInfo[];
    /** The PolicyPack constructor's third argument, normalized. */
    initialConfig: Record<string, PolicyConfigEntry>;
}

export interface EvaluateOptions {
    /** Policy pack config in `--policy-pack-config FILE` format (parsed JSON). */
    config?: Record<string, unknown>;
    /** The stack's config (fully qualified key → string), as StackConfig.values. */
    stackConfig?: Record<string, string>;
    /** Fully qualified config keys whose values are secret. */
    secretConfigKeys?: string[];
    /** Stack tags given to the pack (ConfigureStack); policies read them as `args.stackTags`. */
    stackTags?: Record<string, string>;
    organization?: string;
    /** Provider plugin versions by package, for default provider names; default: the installed @pulumi/<pkg>. */
    providerVersions?: Record<string, string>;
}

export interface PolicyViolation {
    policyName: string;
    policyPackName: string;
    /** As reported; `remediate` is reported as `mandatory`, as the engine does. */
    enforcementLevel: EnforcementLevel;
    /** The analyzer's message: the policy description, a newline, then the policy's message. */
    message: string;
    description: string;
    severity?: PolicySeverity;
    urn?: string;
    resourceType?: string;
    resourceName?: string;
    stage: "analyze" | "analyzeStack";
}

/** A policy the analyzer could not run because it read a value unknown during preview. */
export interface PolicyNotRun {
    policyName: string;
    message: string;
    /** The property path the policy read, e.g. `.policy`. */
    property?: string;
    urn?: string;
    resourceType?: string;
    resourceName?: string;
    stage: "analyze" | "analyzeStack" | "remediate";
}

/** A policy that threw: the engine fails the preview with "failed to run policy". */
export interface PolicyError {
    message: string;
    urn?: string;
    stage: "analyze" | "analyzeStack" | "remediate";
}

export interface EffectivePolicy extends PolicyInfo {
    /** After config: what the analyzer applies. */
    effectiveEnforcementLevel: EnforcementLevel;
    /** The properties the policy sees through `args.getConfig()`. */
    config: Record<string, unknown>;
}

export interface PolicyResult {
    pack: { name: string; version: string };
    policies: EffectivePolicy[];
    violations: PolicyViolation[];
    notRun: PolicyNotRun[];
    errors: PolicyError[];
    /** Resources whose inputs a `remediate` policy changed (later policies saw the new inputs). */
    remediations: { policyName: string; urn: string }[];
    summary: { mandatory: number; advisory: number; notRun: number; errors: number };
}

export class PolicyPackLoadError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PolicyPackLoadError";
    }
}

export class PolicyConfigError extends Error {
    constructor(
        message: string,
        readonly problems: string[] = [],
    ) {
        super(message);
        this.name = "PolicyConfigError";
    }
}

// ------------------------------------------------------------------------------------------------
// Wire helpers
// ------------------------------------------------------------------------------------------------

/**
 * A wire value as the engine marshals it for an analyzer (KeepUnknowns, KeepSecrets, no resource
 * references): resource references become their ID (unknown if not yet known) or, for
 * components, their URN; output values become their value (secret-wrapped if secret) or unknown;
 * `undefined` is dropped.
 */
function toAnalyzerValue(value: unknown): unknown {
    if (value === undefined) return undefined;
    if (Array.isArray(value)) return value.map((v) => toAnalyzerValue(v) ?? null);
    if (value && typeof value === "object") {
        const obj = value as Record<string, unknown>;
        const sig = obj[SIG_KEY];
        if (sig === RESOURCE_REF_SIG) {
            if ("id" in obj) return obj.id === "" || obj.id === undefined ? UNKNOWN : obj.id;
            return obj.urn;
        }
        if (sig === OUTPUT_VALUE_SIG) {
            const inner = "value" in obj ? toAnalyzerValue(obj.value) : UNKNOWN;
            return obj.secret ? { [SIG_KEY]: SECRET_SIG, value: inner } : inner;
        }
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(obj)) {
            const converted = toAnalyzerValue(v);
            if (converted !== undefined) out[k] = converted;
        }
        return out;
    }
    return value;
}

/** Top-level properties for an analyzer: internal `__` keys skipped (SkipInternalKeys). */
function analyzerProperties(props: Record<string, unknown> | undefined): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(props ?? {})) {
        if (k.startsWith("__")) continue;
        const converted = toAnalyzerValue(v);
        if (converted !== undefined) out[k] = converted;
    }
    return out;
}

/**
 * A provider config value as the provider's CheckConfig returns it: provider SDKs and the engine
 * send non-string config as JSON text (`defaultTags: "{\"tags\":{...}}"`, `skipRegionValidation:
 * "true"`), which the provider decodes. Strings that are not JSON stay strings.
 */
function decodeProviderValue(value: unknown): unknown {
    if (value && typeof value === "object" && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG) {
        return { [SIG_KEY]: SECRET_SIG, value: decodeProviderValue((value as { value: unknown }).value) };
    }
    if (typeof value !== "string" || value === UNKNOWN) return value;
    const trimmed = value.trim();
    if (!/^[[{]|^(true|false)$|^-?\d+(\.\d+)?$/.test(trimmed)) return value;
    try {
        return JSON.parse(trimmed);
    } catch {
        return value;
    }
}

function decodeProviderProperties(props: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, decodeProviderValue(v)]));
}

// ------------------------------------------------------------------------------------------------
// Providers
// ------------------------------------------------------------------------------------------------

export interface AnalyzerProvider {
    urn: string;
    type: string;
    name: string;
    /** Wire form (secrets wrapped), decoded as CheckConfig would. */
    properties: Record<string, unknown>;
}

/** The engine's default provider name: `default`, or `default_<major>_<minor>_<patch>[_<pre>...]`. */
export function defaultProviderName(version?: string): string {
    if (!version) return "default";
    const m = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?/.exec(version);
    if (!m) return "default";
    const pre = m[4]
        ? m[4]
              .split(".")
              .map((p) => `_${p}`)
              .join("")
        : "";
    return `default_${m[1]}_${m[2]}_${m[3]}${pre}`.replace(/-/g, "_");
}

/**
 * The default provider the engine would create for `pkg`: its inputs are the stack's `<pkg>:*`
 * config values (strings; secrets wrapped), plus `version`; JSON values such as `aws:defaultTags`
 * are decoded as the provider's CheckConfig would, so a policy sees
 * `args.provider.props.defaultTags.tags` and `args.provider.props.region`.
 */
export function synthesizeDefaultProvider(
    pkg: string,
    stackConfig: Record<string, string>,
    opts: { project: string; stack: string; version?: string; secretKeys?: string[] },
): AnalyzerProvider {
    const secret = new Set(opts.secretKeys ?? []);
    const properties: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(stackConfig)) {
        if (!key.startsWith(`${pkg}:`)) continue;
        const name = key.slice(pkg.length + 1);
        const decoded = decodeProviderValue(value);
        properties[name] = secret.has(key) ? { [SIG_KEY]: SECRET_SIG, value: decoded } : decoded;
    }
    if (opts.version) properties.version = opts.version;
    const type = `pulumi:providers:${pkg}`;
    const name = defaultProviderName(opts.version);
    return { urn: `urn:pulumi:${opts.stack}::${opts.project}::${type}::${name}`, type, name, properties };
}

function installedPackageVersion(pkg: string): string | undefined {
    for (const base of [process.cwd(), __dirname]) {
        try {
            const file = require.resolve(`@pulumi/${pkg}/package.json`, { paths: [base] });
            const version = (JSON.parse(fs.readFileSync(file, "utf8")) as { version?: string }).version;
            if (version) return version.replace(/^v/, "");
        } catch {
            /* not installed here */
        }
    }
    return undefined;
}

function packageOfType(type: string): string {
    return type.split(":")[0];
}

function urnParts(urn: string): { stack: string; project: string } {
    const m = /^urn:pulumi:([^:]*)::([^:]*)::/.exec(urn);
    return { stack: m?.[1] ?? "stack", project: m?.[2] ?? "project" };
}

// ------------------------------------------------------------------------------------------------
// Loading a pack
// ------------------------------------------------------------------------------------------------

type Callback = (err: Error | null | undefined, resp?: unknown) => void;
type Handler = (call: { request: unknown }, callback: Callback) => unknown;
interface AnalyzerHandlers {
    analyze: Handler;
    analyzeStack: Handler;
    remediate?: Handler;
    getAnalyzerInfo: Handler;
    configure: Handler;
    configureStack?: Handler;
}

/** What a loaded pack keeps out of sight: its handlers and the proto modules its analyzer uses. */
interface PackInternals {
    handlers: AnalyzerHandlers;
    proto: ProtoModules;
    queue: Promise<unknown>;
}

interface ProtoModules {
    // The generated protobuf code: untyped here (`@pulumi/pulumi/proto/analyzer_pb.d.ts` exists but
    // the policy pack may resolve its own copy).
    /* eslint-disable @typescript-eslint/no-explicit-any */
    analyzer: any;
    struct: any;
    empty: any;
    /* eslint-enable @typescript-eslint/no-explicit-any */
}

const internals = new WeakMap<LoadedPack, PackInternals>();

/**
 * A process-wide cache of computed values that stays right under mutation testing (`npm run mutate`,
 * stryker.config.mjs); the loaded packs here and the tests' stack evaluations (tests/policies/harness.ts)
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

const packCache = new MutationSafeCache<string, LoadedPack>({ forgetRejections: true });
let loadQueue: Promise<unknown> = Promise.resolve();

function call<T>(handler: Handler, request: unknown): Promise<T> {
    return new Promise<T>((resolve, reject) => {
        const ret = handler({ request }, (err, resp) => (err ? reject(err) : resolve(resp as T)));
        if (ret && typeof (ret as Promise<unknown>).catch === "function") (ret as Promise<unknown>).catch(reject);
    });
}

function readPackManifest(dir: string): { version?: string; runtime?: string } {
    const file = ["PulumiPolicy.yaml", "PulumiPolicy.yml"].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
    if (!file) throw new PolicyPackLoadError(`No PulumiPolicy.yaml in ${dir}: not a policy pack directory.`);
    const doc = (parseYaml(fs.readFileSync(file, "utf8")) ?? {}) as { version?: unknown; runtime?: unknown };
    const runtime = typeof doc.runtime === "string" ? doc.runtime : (doc.runtime as { name?: string } | undefined)?.name;
    if (runtime !== "nodejs") throw new PolicyPackLoadError(`${file} declares runtime '${runtime}'; only nodejs policy packs can be evaluated in-process.`);
    return { version: doc.version === undefined ? undefined : String(doc.version), runtime };
}

/** Removes require-cache entries under `dir` (optionally keeping node_modules) and returns them. */
function takeModules(dir: string, keepNodeModules: boolean): Map<string, NodeJS.Module> {
    const prefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
    const taken = new Map<string, NodeJS.Module>();
    for (const [id, mod] of Object.entries(require.cache)) {
        if (!mod || !id.startsWith(prefix)) continue;
        if (keepNodeModules && id.slice(prefix.length).split(path.sep).includes("node_modules")) continue;
        taken.set(id, mod);
        delete require.cache[id];
    }
    return taken;
}

function ensureTypeScript(main: string): void {
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    if (!main.endsWith(".ts") || require.extensions[".ts"]) return;
    // The CLI runs TypeScript packs through ts-node too; transpile-only keeps loading fast.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const tsNode = require(require.resolve("ts-node", { paths: [path.dirname(main), __dirname] })) as { register(opts: object): void };
    tsNode.register({ transpileOnly: true, compilerOptions: { module: "commonjs" } });
}

function resolveMain(dir: string): string {
    const pkgFile = path.join(dir, "package.json");
    if (!fs.existsSync(pkgFile)) throw new PolicyPackLoadError(`No package.json in ${dir}: a policy pack needs one (PolicyPack reads its version).`);
    const pkg = JSON.parse(fs.readFileSync(pkgFile, "utf8")) as { main?: string; version?: string };
    if (!pkg.version) throw new PolicyPackLoadError(`${pkgFile} has no version; PolicyPack requires one.`);
    const candidates = pkg.main ? [path.resolve(dir, pkg.main)] : [];
    candidates.push(path.join(dir, "index"));
    for (const base of candidates) {
        for (const file of [base, `${base}.js`, `${base}.ts`, path.join(base, "index.js"), path.join(base, "index.ts")]) {
            if (fs.existsSync(file) && fs.statSync(file).isFile()) return file;
        }
    }
    throw new PolicyPackLoadError(`Cannot find the policy pack's entry module in ${dir} (package.json main, index.ts or index.js).`);
}

async function loadOnce(dir: string): Promise<LoadedPack> {
    const manifest = readPackManifest(dir);
    const main = resolveMain(dir);
    ensureTypeScript(main);

    let policyEntry: string;
    try {
        policyEntry = require.resolve("@pulumi/policy", { paths: [dir] });
    } catch {
        throw new PolicyPackLoadError(`@pulumi/policy cannot be resolved from ${dir}; install the pack's dependencies.`);
    }
    const policyDir = path.dirname(policyEntry);
    /* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */
    const grpc = require(require.resolve("@grpc/grpc-js", { paths: [policyDir] })) as any;
    const analyzerPath = require.resolve("@pulumi/pulumi/proto/analyzer_pb", { paths: [policyDir] });
    const proto: ProtoModules = {
        analyzer: require(analyzerPath),
        struct: require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [path.dirname(analyzerPath)] })),
        empty: require(require.resolve("google-protobuf/google/protobuf/empty_pb", { paths: [path.dirname(analyzerPath)] })),
    };
    /* eslint-enable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */

    const captured: { server: { forceShutdown?: () => void }; impl: AnalyzerHandlers }[] = [];
    const serverProto = grpc.Server.prototype;
    const saved = { addService: serverProto.addService, bindAsync: serverProto.bindAsync, start: serverProto.start };
    serverProto.addService = function (this: { forceShutdown?: () => void }, _service: unknown, impl: AnalyzerHandlers) {
        if (impl && typeof impl.analyze === "function" && typeof impl.getAnalyzerInfo === "function") captured.push({ server: this, impl });
    };
    // Nothing binds, so nothing listens and no port is printed; the process can exit.
    serverProto.bindAsync = function () {};
    serverProto.start = function () {};
    // serve() calls process.exit(1) for an invalid pack (bad name, a policy named "all", a second
    // pack in the process); turn that into an error carrying what it printed.
    const realExit = process.exit;
    const realError = console.error;
    const printed: string[] = [];
    console.error = (...args: unknown[]) => {
        printed.push(args.map(String).join(" "));
    };
    process.exit = ((code?: number) => {
        throw new PolicyPackLoadError(`Policy pack ${dir} failed to load (exit ${code ?? 0}): ${printed.join("\n") || "no message"}`);
    }) as typeof process.exit;
    // A fresh copy of @pulumi/policy (its server.js holds per-pack module state) and of the pack's modules.
    const previousPolicyModules = takeModules(policyDir, false);
    takeModules(dir, true);
    const previousCwd = process.cwd();
    let exported: unknown;
    let failed = false;
    try {
        // PolicyPack reads ./package.json, and the CLI runs a pack with the pack directory as its cwd.
        process.chdir(dir);
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        exported = require(main);
        // Like @pulumi/pulumi/cmd/run-policy-pack: an exported function is called and awaited.
        if (typeof exported === "function") exported = await (exported as () => unknown)();
    } catch (err) {
        failed = true;
        if (err instanceof PolicyPackLoadError) throw err;
        throw new PolicyPackLoadError(`Policy pack ${dir} failed to load: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    } finally {
        process.chdir(previousCwd);
        serverProto.addService = saved.addService;
        serverProto.bindAsync = saved.bindAsync;
        serverProto.start = saved.start;
        process.exit = realExit;
        console.error = realError;
        // Hand other requirers back the @pulumi/policy they had (or a fresh one next time).
        takeModules(policyDir, false);
        for (const [id, mod] of previousPolicyModules) require.cache[id] = mod;
        // What the pack printed goes out as it would have (a failure carries it in its message).
        if (!failed) for (const line of printed) realError(line);
    }
    if (captured.length === 0) throw new PolicyPackLoadError(`Loading ${main} constructed no PolicyPack.`);
    if (captured.length > 1) throw new PolicyPackLoadError(`Loading ${main} constructed ${captured.length} PolicyPacks; a pack module may construct only one.`);
    const { server, impl } = captured[0];
    try {
        server.forceShutdown?.(); // never bound: this only drops its channelz registration
    } catch {
        /* nothing to release */
    }

    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const info = await call<{ [k: string]: (...a: unknown[]) => any }>(impl.getAnalyzerInfo, new proto.empty.Empty());
    const pack: LoadedPack = {
        dir,
        name: info.getName(),
        version: manifest.version ?? info.getVersion(),
        displayName: info.getDisplayname() || undefined,
        description: info.getDescription() || undefined,
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        policies: (info.getPoliciesList() as any[]).map((p) => policyInfoFromProto(p, proto)),
        initialConfig: {},
    };
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    info.getInitialconfigMap().forEach((v: any, k: string) => {
        const entry: PolicyConfigEntry = {};
        const level = v.getEnforcementlevel();
        // An entry with properties only leaves the level unset, which reads as ADVISORY (0): the
        // engine's GetAnalyzerInfo converts it the same way, so we keep that.
        entry.enforcementLevel = levelFromProto(level, proto);
        const props = v.getProperties()?.toJavaScript();
        if (props && Object.keys(props).length > 0) entry.properties = props;
        pack.initialConfig[k] = entry;
    });
    internals.set(pack, { handlers: impl, proto, queue: Promise.resolve() });
    return pack;
}

function levelFromProto(level: number, proto: ProtoModules): EnforcementLevel {
    const E = proto.analyzer.EnforcementLevel;
    switch (level) {
        case E.MANDATORY:
            return "mandatory";
        case E.DISABLED:
            return "disabled";
        case E.REMEDIATE:
            return "remediate";
        default:
            return "advisory";
    }
}

function levelToProto(level: EnforcementLevel, proto: ProtoModules): number {
    const E = proto.analyzer.EnforcementLevel;
    return { advisory: E.ADVISORY, mandatory: E.MANDATORY, disabled: E.DISABLED, remediate: E.REMEDIATE }[level];
}

function severityFromProto(s: number): PolicySeverity | undefined {
    return ([undefined, "low", "medium", "high", "critical"] as const)[s];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function policyInfoFromProto(p: any, proto: ProtoModules): PolicyInfo {
    const T = proto.analyzer.PolicyType;
    const schema = p.getConfigschema();
    const info: PolicyInfo = {
        name: p.getName(),
        description: p.getDescription(),
        enforcementLevel: levelFromProto(p.getEnforcementlevel(), proto),
        policyType: p.getPolicyType() === T.POLICY_TYPE_RESOURCE ? "resource" : p.getPolicyType() === T.POLICY_TYPE_STACK ? "stack" : "unknown",
    };
    if (p.getDisplayname()) info.displayName = p.getDisplayname();
    const severity = severityFromProto(p.getSeverity());
    if (severity) info.severity = severity;
    if (schema) info.configSchema = { properties: schema.getProperties()?.toJavaScript() ?? {}, required: schema.getRequiredList() };
    if (p.getRemediationSteps()) info.remediationSteps = p.getRemediationSteps();
    const framework = p.getFramework();
    if (framework) {
        info.framework = {
            name: framework.getName(),
            version: framework.getVersion(),
            reference: framework.getReference(),
            specification: framework.getSpecification(),
        };
    }
    if (p.getTagsList().length > 0) info.tags = p.getTagsList();
    if (p.getUrl()) info.url = p.getUrl();
    return info;
}

/**
 * Loads a policy pack directory (PulumiPolicy.yaml, package.json, entry module) once per process
 * and returns its metadata; later calls with the same directory return the same pack. Different
 * packs can be loaded side by side. (Under mutation testing, once per mutant: MutationSafeCache.)
 */
export function loadPolicyPack(packDir: string): Promise<LoadedPack> {
    let dir = path.resolve(packDir);
    try {
        dir = fs.realpathSync(dir);
    } catch {
        /* reported by loadOnce */
    }
    return packCache.get(dir, () => {
        // Loads are serialized: the grpc stubs, process.exit, console.error and the cwd are process-wide.
        const loading = loadQueue.then(() => loadOnce(dir));
        loadQueue = loading.catch(() => undefined);
        return loading;
    });
}

// ------------------------------------------------------------------------------------------------
// Policy config, as the engine reconciles it
// ------------------------------------------------------------------------------------------------

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

/** Reads a `--policy-pack-config` JSON file; a missing or malformed one is an InputFileError (./inputFiles.ts). */
export function loadPolicyConfigFile(file: string): Record<string, unknown> {
    return readJsonFile(file, "policy config") as Record<string, unknown>;
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
 * so a plan process neither loads ajv's compiler nor compiles ~20 schemas (about 50 ms cold).
 */
const VALIDATOR_CACHE = path.join(__dirname, "..", "bin", "ajv-cache");
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

// ------------------------------------------------------------------------------------------------
// Evaluation
// ------------------------------------------------------------------------------------------------

function deepFreeze<T>(value: T): T {
    if (value && typeof value === "object" && !Object.isFrozen(value)) {
        Object.freeze(value);
        for (const v of Object.values(value as object)) deepFreeze(v);
    }
    return value;
}

const NOT_RUN_RE = /^can't run (?:policy|remediation) '[^']*' from policy pack '[^']*' during preview: (?:\w+) value at (\S*) can't be known during preview/;

/**
 * Runs every policy of `pack` on `resources` as `pulumi preview --policy-pack` would: Configure,
 * ConfigureStack, (Remediate and) Analyze per resource in registration order, then AnalyzeStack.
 * Calls on one pack are serialized (the analyzer's config is per pack, not per call).
 */
export function evaluatePolicies(pack: LoadedPack, resources: CapturedResource[], opts: EvaluateOptions = {}): Promise<PolicyResult> {
    const state = internals.get(pack);
    if (!state) throw new Error("evaluatePolicies needs a pack returned by loadPolicyPack");
    const run = state.queue.then(() => evaluate(pack, state, resources, opts));
    state.queue = run.catch(() => undefined);
    return run;
}

async function evaluate(pack: LoadedPack, state: PackInternals, resources: CapturedResource[], opts: EvaluateOptions): Promise<PolicyResult> {
    const { handlers, proto } = state;
    const pb = proto.analyzer;
    const Struct = proto.struct.Struct;
    /**
     * The properties of a request as a Struct whose toJavaScript() runs once. The analyzer turns a
     * request's properties, and its provider's, back into JavaScript for every policy
     * (deserializeProperties), always from the same unchanged message, and only copies from the
     * result (deserializeProperty builds new objects): one conversion, frozen, serves them all.
     */
    const propertiesStruct = (value: Record<string, unknown>) => {
        const struct = Struct.fromJavaScript(value);
        let js: Record<string, unknown> | undefined;
        struct.toJavaScript = () => (js ??= deepFreeze(Struct.prototype.toJavaScript.call(struct)));
        return struct;
    };
    const resolved = resolvePolicyConfig(pack, opts.config);

    // Configure: every reconciled entry, each with a valid level and a properties struct (the
    // analyzer calls getProperties().toJavaScript() unconditionally).
    const configure = new pb.ConfigureAnalyzerRequest();
    const configMap = configure.getPolicyconfigMap();
    for (const [name, entry] of Object.entries(resolved)) {
        const pc = new pb.PolicyConfig();
        pc.setEnforcementlevel(levelToProto(entry.enforcementLevel!, proto));
        pc.setProperties(Struct.fromJavaScript(entry.properties ?? {}));
        configMap.set(name, pc);
    }
    // A pack may refuse its config at Configure (this repository's pack does for a setting given under
    // a policy's former name and its current one); the engine then fails the preview with the message.
    await call(handlers.configure, configure).catch((err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        throw new PolicyConfigError(`Policy pack '${pack.name}' refused its config: ${message}`, [message]);
    });

    const first = resources[0]?.urn ?? "";
    const { stack, project } = urnParts(first);
    if (handlers.configureStack) {
        const req = new pb.AnalyzerStackConfigureRequest();
        req.setStack(stack);
        req.setProject(project);
        req.setOrganization(opts.organization ?? "organization");
        req.setDryRun(true);
        for (const [k, v] of Object.entries(opts.stackConfig ?? {})) req.getConfigMap().set(k, v);
        req.setConfigSecretKeysList(opts.secretConfigKeys ?? []);
        for (const [k, v] of Object.entries(opts.stackTags ?? {})) req.getTagsMap().set(k, v);
        await call(handlers.configureStack, req);
    }

    // Providers: explicit ones from the capture, default ones synthesized once per package.
    const byUrn = new Map(resources.map((r) => [r.urn, r] as const));
    const providerCache = new Map<string, { provider: AnalyzerProvider; message: unknown; synthesized: boolean }>();
    const makeProviderMessage = (p: AnalyzerProvider) => {
        const m = new pb.AnalyzerProviderResource();
        m.setType(p.type);
        m.setUrn(p.urn);
        m.setName(p.name);
        m.setProperties(propertiesStruct(analyzerProperties(p.properties)));
        return m;
    };
    const defaultProvider = (pkg: string) => {
        const key = `default:${pkg}`;
        let entry = providerCache.get(key);
        if (!entry) {
            const version = opts.providerVersions?.[pkg] ?? installedPackageVersion(pkg);
            const provider = synthesizeDefaultProvider(pkg, opts.stackConfig ?? {}, { project, stack, version, secretKeys: opts.secretConfigKeys });
            entry = { provider, message: makeProviderMessage(provider), synthesized: true };
            providerCache.set(key, entry);
        }
        return entry;
    };
    const providerFor = (r: CapturedResource) => {
        if (!r.custom || r.type.startsWith("pulumi:providers:") || r.type === "pulumi:pulumi:Stack") return undefined;
        const ref = r.provider;
        if (!ref) return defaultProvider(packageOfType(r.type));
        const urn = ref.slice(0, ref.lastIndexOf("::"));
        let entry = providerCache.get(urn);
        if (!entry) {
            const captured = byUrn.get(urn);
            if (!captured) {
                if (!isDefaultProviderRef(ref)) return undefined;
                const base = defaultProvider(urn.split("::").slice(-2, -1)[0].replace("pulumi:providers:", ""));
                const provider = { ...base.provider, urn, name: urn.split("::").pop()! };
                entry = { provider, message: makeProviderMessage(provider), synthesized: true };
            } else {
                const provider = { urn, type: captured.type, name: captured.name, properties: decodeProviderProperties(captured.inputs) };
                entry = { provider, message: makeProviderMessage(provider), synthesized: false };
            }
            providerCache.set(urn, entry);
        }
        return entry;
    };

    const makeOptions = (r: { parent?: string; options?: CapturedResource["options"] }) => {
        const o = new pb.AnalyzerResourceOptions();
        o.setProtect(r.options?.protect ?? false);
        o.setIgnorechangesList(r.options?.ignoreChanges ?? []);
        // As the engine: deleteBeforeReplace is defined when the program set it, true or false
        // (pkg/resource/deploy/source_eval.go RegisterResource: DeleteBeforeReplaceDefined or the value;
        // pkg/resource/plugin/analyzer_plugin.go marshalResourceOptions: DeleteBeforeReplaceDefined).
        if (r.options?.deleteBeforeReplace || r.options?.deleteBeforeReplaceDefined) {
            o.setDeletebeforereplace(r.options.deleteBeforeReplace);
            o.setDeletebeforereplacedefined(true);
        }
        o.setAdditionalsecretoutputsList(r.options?.additionalSecretOutputs ?? []);
        o.setCustomtimeouts(new pb.AnalyzerResourceOptions.CustomTimeouts());
        if (r.parent) o.setParent(r.parent);
        return o;
    };

    const result: PolicyResult = {
        pack: { name: pack.name, version: pack.version },
        policies: pack.policies.map((p) => ({
            ...p,
            effectiveEnforcementLevel: resolved[p.name].enforcementLevel!,
            config: { ...(resolved[p.name].properties ?? {}) },
        })),
        violations: [],
        notRun: [],
        errors: [],
        remediations: [],
        summary: { mandatory: 0, advisory: 0, notRun: 0, errors: 0 },
    };
    const describe = (urn: string | undefined) => {
        if (!urn) return {};
        const r = byUrn.get(urn);
        if (r) return { resourceType: r.type, resourceName: r.name };
        const p = [...providerCache.values()].find((e) => e.provider.urn === urn);
        return p ? { resourceType: p.provider.type, resourceName: p.provider.name } : {};
    };
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const collect = (resp: any, stage: "analyze" | "analyzeStack", analyzedUrn?: string) => {
        for (const d of resp.getDiagnosticsList()) {
            const message: string = d.getMessage();
            // The engine attributes Analyze diagnostics to the analyzed resource, whatever they say.
            const urn = stage === "analyze" ? analyzedUrn : d.getUrn() || undefined;
            let level = levelFromProto(d.getEnforcementlevel(), proto);
            const notRun = NOT_RUN_RE.exec(message);
            if (notRun && level === "advisory") {
                result.notRun.push({ policyName: d.getPolicyname(), message, property: notRun[1], urn, ...describe(urn), stage });
                continue;
            }
            if (level === "remediate") level = "mandatory";
            const v: PolicyViolation = {
                policyName: d.getPolicyname(),
                policyPackName: d.getPolicypackname(),
                enforcementLevel: level,
                message,
                description: d.getDescription(),
                urn,
                ...describe(urn),
                stage,
            };
            const severity = severityFromProto(d.getSeverity());
            if (severity) v.severity = severity;
            result.violations.push(v);
        }
    };
    const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

    const remediating = Object.values(resolved).some((e) => e.enforcementLevel === "remediate") && !!handlers.remediate;
    const stackMessages: unknown[] = [];
    const analyzedProviders = new Set<string>();

    /** What Analyze saw of a resource: its properties, as an object and as the request's Struct, and its options message. */
    interface Analyzed {
        props: Record<string, unknown>;
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        struct: any;
        options: unknown;
        remediated: boolean;
    }

    const analyzeOne = async (
        target: { urn: string; type: string; name: string; parent?: string; options?: CapturedResource["options"] },
        inputs: Record<string, unknown>,
        providerMessage: unknown,
    ): Promise<Analyzed> => {
        const options = makeOptions(target);
        let props = analyzerProperties(inputs);
        let struct = propertiesStruct(props);
        const build = () => {
            const req = new pb.AnalyzeRequest();
            req.setType(target.type);
            req.setUrn(target.urn);
            req.setName(target.name);
            req.setProperties(struct);
            req.setOptions(options);
            if (providerMessage) req.setProvider(providerMessage);
            return req;
        };
        let req = build();
        let remediated = false;
        if (remediating) {
            try {
                // eslint-disable-next-line @typescript-eslint/no-explicit-any
                const resp: any = await call(handlers.remediate!, req);
                for (const rem of resp.getRemediationsList()) {
                    if (rem.getDiagnostic()) {
                        const message: string = rem.getDiagnostic();
                        result.notRun.push({
                            policyName: rem.getPolicyname(),
                            message,
                            property: NOT_RUN_RE.exec(message)?.[1],
                            urn: target.urn,
                            ...describe(target.urn),
                            stage: "remediate",
                        });
                    } else if (rem.getProperties()) {
                        props = rem.getProperties().toJavaScript();
                        result.remediations.push({ policyName: rem.getPolicyname(), urn: target.urn });
                        remediated = true;
                    }
                }
                if (remediated) {
                    struct = propertiesStruct(props);
                    req = build();
                }
            } catch (err) {
                result.errors.push({ message: errorMessage(err), urn: target.urn, stage: "remediate" });
            }
        }
        try {
            collect(await call(handlers.analyze, req), "analyze", target.urn);
        } catch (err) {
            result.errors.push({ message: errorMessage(err), urn: target.urn, stage: "analyze" });
        }
        return { props, struct, options, remediated };
    };

    /** A resource for AnalyzeStack: `props`, or (same properties) the messages Analyze was given. */
    const stackEntry = (
        target: {
            urn: string;
            type: string;
            name: string;
            parent?: string;
            options?: CapturedResource["options"];
            dependencies?: string[];
            propertyDependencies?: Record<string, string[]>;
        },
        props: { analyzed: Analyzed } | { properties: Record<string, unknown> },
        providerMessage: unknown,
    ) => {
        const m = new pb.AnalyzerResource();
        m.setType(target.type);
        m.setUrn(target.urn);
        m.setName(target.name);
        m.setProperties("analyzed" in props ? props.analyzed.struct : propertiesStruct(props.properties));
        m.setOptions("analyzed" in props ? props.analyzed.options : makeOptions(target));
        if (providerMessage) m.setProvider(providerMessage);
        if (target.parent) m.setParent(target.parent);
        m.setDependenciesList(target.dependencies ?? []);
        const pd = m.getPropertydependenciesMap();
        for (const [k, urns] of Object.entries(target.propertyDependencies ?? {})) {
            if (urns.length === 0) continue; // the engine skips properties with no dependencies
            const deps = new pb.AnalyzerPropertyDependencies();
            deps.setUrnsList(urns);
            pd.set(k, deps);
        }
        return m;
    };

    for (const r of resources) {
        const provider = providerFor(r);
        // A default provider is registered (and analyzed) before the first resource that uses it.
        if (provider?.synthesized && !analyzedProviders.has(provider.provider.urn)) {
            analyzedProviders.add(provider.provider.urn);
            const p = provider.provider;
            const target = { urn: p.urn, type: p.type, name: p.name };
            const analyzed = await analyzeOne(target, p.properties, undefined);
            // The stack sees the provider's own properties, remediated or not.
            stackMessages.push(stackEntry(target, analyzed.remediated ? { properties: analyzerProperties(p.properties) } : { analyzed }, undefined));
        }
        const inputs = r.type.startsWith("pulumi:providers:") ? decodeProviderProperties(r.inputs) : r.inputs;
        const analyzed = await analyzeOne(r, inputs, provider?.message);
        // Stack policies see outputs: a custom resource's inputs stand in for them offline; a
        // component's (and the stack's) are what it registered.
        const stackProps = r.custom ? { analyzed } : { properties: analyzerProperties(r.outputs ?? r.inputs) };
        stackMessages.push(stackEntry(r, stackProps, provider?.message));
    }

    const stackReq = new pb.AnalyzeStackRequest();
    stackReq.setResourcesList(stackMessages);
    try {
        collect(await call(handlers.analyzeStack, stackReq), "analyzeStack");
    } catch (err) {
        result.errors.push({ message: errorMessage(err), stage: "analyzeStack" });
    }

    for (const v of result.violations) {
        if (v.enforcementLevel === "mandatory") result.summary.mandatory++;
        else if (v.enforcementLevel === "advisory") result.summary.advisory++;
    }
    result.summary.notRun = result.notRun.length;
    result.summary.errors = result.errors.length;
    return result;
}
