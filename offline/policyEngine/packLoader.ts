/**
 * Loads a real CrossGuard policy pack (a `@pulumi/policy` PolicyPack module) in-process and hands
 * out its analyzer: @pulumi/policy's OWN analyzer code (`server.js`), the same code `pulumi
 * preview --policy-pack DIR` talks to over gRPC.
 *
 * The fence: this is the only module of the offline engine that relies on @pulumi/policy's
 * internals (what it does beyond its documented API). Each reliance is checked by
 * tests/engineFence.test.ts, which fails naming it when an installed version changes it:
 * - `serve()` registers the analyzer service with `@grpc/grpc-js`'s `Server.prototype.addService`
 *   (the handlers: analyze, analyzeStack, remediate, getAnalyzerInfo, configure, configureStack),
 *   then calls `bindAsync`. While the pack module loads those are stubbed: the handlers are captured
 *   and nothing listens (the process can exit; no port is printed).
 * - `server.js` keeps per-pack module state (the served pack's name, policy config, stack tags) and
 *   calls `process.exit(1)` for a second pack in the process or an invalid one: each pack gets a
 *   fresh copy of @pulumi/policy's modules, and an exit while loading becomes a PolicyPackLoadError.
 * - The protocol's generated classes come from the `@pulumi/pulumi/proto/analyzer_pb` and
 *   google-protobuf modules the pack's @pulumi/policy resolves (./analyzerRequests.ts builds the
 *   requests with them).
 * - The analyzer converts a request's properties to JavaScript (`toJavaScript()`) for every policy
 *   and only copies from the result: a request's Struct converts once and serves them all.
 * - A policy that reads a value unknown during preview is reported as an advisory diagnostic
 *   worded "can't run policy '<name>' from policy pack '<pack>@v<version>' during preview: <kind>
 *   value at .<path> can't be known during preview" (server.js, proxy.js UnknownValueError):
 *   parseNotRun reads it.
 */
import * as fs from "fs";
import * as path from "path";
import type * as AnalyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import type * as StructPb from "google-protobuf/google/protobuf/struct_pb";
import { initialConfigFromProto, policyInfoFromProto, PropertiesStruct, ProtoModules } from "./analyzerRequests";
import { MutationSafeCache } from "./mutationSafeCache";
import { LoadedPack } from "./types";
import { readJsonFile, readYamlFile } from "../inputFiles";

export class PolicyPackLoadError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PolicyPackLoadError";
    }
}

// ------------------------------------------------------------------------------------------------
// The analyzer of a loaded pack
// ------------------------------------------------------------------------------------------------

/** A loaded pack's analyzer: its handlers as promises, and the protocol classes it reads. */
export interface PackAnalyzer {
    proto: ProtoModules;
    /** A request's properties as a Struct the analyzer converts to JavaScript once for all its policies. */
    propertiesStruct: PropertiesStruct;
    configure(req: AnalyzerPb.ConfigureAnalyzerRequest): Promise<unknown>;
    /** Absent from @pulumi/policy versions without stack configuration. */
    configureStack?: (req: AnalyzerPb.AnalyzerStackConfigureRequest) => Promise<unknown>;
    /** Absent from @pulumi/policy versions without remediation. */
    remediate?: (req: AnalyzerPb.AnalyzeRequest) => Promise<AnalyzerPb.RemediateResponse>;
    analyze(req: AnalyzerPb.AnalyzeRequest): Promise<AnalyzerPb.AnalyzeResponse>;
    analyzeStack(req: AnalyzerPb.AnalyzeStackRequest): Promise<AnalyzerPb.AnalyzeResponse>;
}

/** The wording of @pulumi/policy's not-run diagnostic (policy, or remediation): group 1 is the property path. */
const NOT_RUN_RE = /^can't run (?:policy|remediation) '[^']*' from policy pack '[^']*' during preview: (?:\w+) value at (\S*) can't be known during preview/;

/**
 * Whether an analyzer message says a policy (or remediation) could not run because it read a value
 * unknown during preview, and which property it read (e.g. `.policy`).
 */
export function parseNotRun(message: string): { property: string } | undefined {
    const m = NOT_RUN_RE.exec(message);
    return m ? { property: m[1] } : undefined;
}

type Callback = (err: Error | null | undefined, resp?: unknown) => void;
type Handler = (call: { request: unknown }, callback: Callback) => unknown;

/** The handlers server.js registers with addService. */
interface AnalyzerHandlers {
    analyze: Handler;
    analyzeStack: Handler;
    remediate?: Handler;
    getAnalyzerInfo: Handler;
    configure: Handler;
    configureStack?: Handler;
}

/** A gRPC unary handler called in-process: `{ request }` and a callback, or a returned promise that rejects. */
function call<T>(handler: Handler, request: unknown): Promise<T> {
    return new Promise<T>((resolve, reject) => {
        const ret = handler({ request }, (err, resp) => (err ? reject(err) : resolve(resp as T)));
        if (ret && typeof (ret as Promise<unknown>).catch === "function") (ret as Promise<unknown>).catch(reject);
    });
}

function deepFreeze<T>(value: T): T {
    if (value && typeof value === "object" && !Object.isFrozen(value)) {
        Object.freeze(value);
        for (const v of Object.values(value as object)) deepFreeze(v);
    }
    return value;
}

function packAnalyzer(handlers: AnalyzerHandlers, proto: ProtoModules): PackAnalyzer {
    const Struct = proto.struct.Struct;
    return {
        proto,
        // The analyzer turns a request's properties, and its provider's, back into JavaScript for
        // every policy (deserializeProperties), always from the same unchanged message, and only
        // copies from the result (deserializeProperty builds new objects): one conversion, frozen,
        // serves them all.
        propertiesStruct: (value) => {
            const struct = Struct.fromJavaScript(value as Record<string, StructPb.JavaScriptValue>);
            let js: Record<string, StructPb.JavaScriptValue> | undefined;
            struct.toJavaScript = () => (js ??= deepFreeze(Struct.prototype.toJavaScript.call(struct)));
            return struct;
        },
        configure: (req) => call(handlers.configure, req),
        configureStack: handlers.configureStack && ((req) => call(handlers.configureStack!, req)),
        remediate: handlers.remediate && ((req) => call(handlers.remediate!, req)),
        analyze: (req) => call(handlers.analyze, req),
        analyzeStack: (req) => call(handlers.analyzeStack, req),
    };
}

interface PackState {
    analyzer: PackAnalyzer;
    queue: Promise<unknown>;
}

const packs = new WeakMap<LoadedPack, PackState>();

/**
 * Runs `use` with the pack's analyzer once the pack's earlier runs have settled: the analyzer's
 * config is per pack, not per call, so runs on one pack are serialized.
 */
export function withAnalyzer<T>(pack: LoadedPack, use: (analyzer: PackAnalyzer) => Promise<T>): Promise<T> {
    const state = packs.get(pack);
    if (!state) throw new Error("evaluatePolicies needs a pack returned by loadPolicyPack");
    const run = state.queue.then(() => use(state.analyzer));
    state.queue = run.catch(() => undefined);
    return run;
}

// ------------------------------------------------------------------------------------------------
// Loading a pack
// ------------------------------------------------------------------------------------------------

/** @grpc/grpc-js's Server, as far as the stubs touch it. */
interface GrpcServerPrototype {
    addService: (...args: unknown[]) => void;
    bindAsync: (...args: unknown[]) => void;
    start: (...args: unknown[]) => void;
}

/** The modules the pack's @pulumi/policy uses: its @grpc/grpc-js server and the protocol's classes. */
export function resolveAnalyzerModules(policyDir: string): { serverPrototype: GrpcServerPrototype; proto: ProtoModules } {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const grpc = require(require.resolve("@grpc/grpc-js", { paths: [policyDir] })) as { Server: { prototype: GrpcServerPrototype } };
    const analyzerPath = require.resolve("@pulumi/pulumi/proto/analyzer_pb", { paths: [policyDir] });
    const protobufDir = path.dirname(analyzerPath);
    const proto: ProtoModules = {
        analyzer: require(analyzerPath) as ProtoModules["analyzer"],
        struct: require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [protobufDir] })) as ProtoModules["struct"],
        empty: require(require.resolve("google-protobuf/google/protobuf/empty_pb", { paths: [protobufDir] })) as ProtoModules["empty"],
    };
    /* eslint-enable @typescript-eslint/no-require-imports */
    return { serverPrototype: grpc.Server.prototype, proto };
}

const packCache = new MutationSafeCache<string, LoadedPack>({ forgetRejections: true });
let loadQueue: Promise<unknown> = Promise.resolve();

function readPackManifest(dir: string): { version?: string; runtime?: string } {
    const file = ["PulumiPolicy.yaml", "PulumiPolicy.yml"].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
    if (!file) throw new PolicyPackLoadError(`No PulumiPolicy.yaml in ${dir}: not a policy pack directory.`);
    const doc = (readYamlFile(file, "the policy pack's manifest") ?? {}) as { version?: unknown; runtime?: unknown };
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
    const pkg = readJsonFile(pkgFile, "the policy pack's package.json") as { main?: string; version?: string };
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
    const { serverPrototype, proto } = resolveAnalyzerModules(policyDir);

    const captured: { server: { forceShutdown?: () => void }; impl: AnalyzerHandlers }[] = [];
    const saved = { addService: serverPrototype.addService, bindAsync: serverPrototype.bindAsync, start: serverPrototype.start };
    serverPrototype.addService = function (this: { forceShutdown?: () => void }, _service: unknown, impl: unknown) {
        const handlers = impl as AnalyzerHandlers | undefined;
        if (handlers && typeof handlers.analyze === "function" && typeof handlers.getAnalyzerInfo === "function")
            captured.push({ server: this, impl: handlers });
    };
    // Nothing binds, so nothing listens and no port is printed; the process can exit.
    serverPrototype.bindAsync = function () {};
    serverPrototype.start = function () {};
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
        serverPrototype.addService = saved.addService;
        serverPrototype.bindAsync = saved.bindAsync;
        serverPrototype.start = saved.start;
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

    const info = await call<AnalyzerPb.AnalyzerInfo>(impl.getAnalyzerInfo, new proto.empty.Empty());
    const pack: LoadedPack = {
        dir,
        name: info.getName(),
        version: manifest.version ?? info.getVersion(),
        displayName: info.getDisplayname() || undefined,
        description: info.getDescription() || undefined,
        policies: info.getPoliciesList().map((p) => policyInfoFromProto(p, proto)),
        initialConfig: initialConfigFromProto(info, proto),
    };
    packs.set(pack, { analyzer: packAnalyzer(impl, proto), queue: Promise.resolve() });
    return pack;
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
