/**
 * Runs a real Pulumi Node.js program in-process under Pulumi's mock runtime and captures every
 * resource it registers: type, name, URN, parent, dependencies, property dependencies, provider,
 * options and the inputs as they go over the wire (unknown values as the SDK's sentinel, secrets
 * wrapped). In preview mode, as in `pulumi preview`, every value the provider would compute stays
 * unknown. The tests, the offline plan and the benchmark all run programs through this module.
 *
 * `MockResourceArgs` carries no parent or dependencies, so the capture wraps the mock monitor's
 * `registerResource` instead (@pulumi/pulumi runtime/mocks.d.ts: MockResourceArgs holds only type,
 * name, inputs, provider, custom and id).
 */
// First, before the SDK makes promises: it formats their stack traces only where they can be read.
import { installPromiseStackTraces } from "./promiseStackTraces";
import { createHash } from "crypto";
import type { AliasSpec } from "./aliases";
import * as pulumi from "@pulumi/pulumi";
import { loadProgram, prepareProgramLoading } from "./programLoader";
import { answerLookup, LookupKind, OFFLINE_ACCOUNT_ID, partitionOf } from "./lookups";
import { PulumiProject, StackConfig } from "./projectConfig";
import { autoNamedProperty, replacementIdentity } from "./replaceRules";

/** The SDK's wire sentinel for a value unknown during preview (exported by @pulumi/pulumi as `runtime.unknownValue`). */
export const UNKNOWN: string = pulumi.runtime.unknownValue;
/** The SDK's wire signature key and signatures of special values (exported by @pulumi/pulumi's `runtime`). */
export const SIG_KEY: string = pulumi.runtime.specialSigKey;
export const SECRET_SIG: string = pulumi.runtime.specialSecretSig;
export const RESOURCE_REF_SIG: string = pulumi.runtime.specialResourceSig;
export const OUTPUT_VALUE_SIG: string = pulumi.runtime.specialOutputValueSig;

export interface CapturedResource {
    urn: string;
    type: string;
    name: string;
    /** Custom (provider-managed) resource, as opposed to a component. */
    custom: boolean;
    /** Implemented by a plugin (e.g. awsx components): its children do not exist under mocks. */
    remote: boolean;
    parent?: string;
    /** Provider reference `urn::id` for custom resources on an explicit or default provider. */
    provider?: string;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    /** Wire inputs: unknowns as UNKNOWN, secrets as { [SIG_KEY]: SECRET_SIG, value }. */
    inputs: Record<string, unknown>;
    /** Outputs a component (or the stack) registered with registerOutputs, in wire form. */
    outputs?: Record<string, unknown>;
    options: {
        protect: boolean;
        deleteBeforeReplace: boolean;
        /** Whether the program set deleteBeforeReplace (else the provider decides). */
        deleteBeforeReplaceDefined: boolean;
        replaceOnChanges: string[];
        ignoreChanges: string[];
        additionalSecretOutputs: string[];
        retainOnDelete: boolean;
        /** The aliases the program declared (offline/aliases.ts resolves them to earlier URNs). */
        aliases: AliasSpec[];
    };
}

/** A data-source call the program made, and who answered it. */
export interface CapturedInvoke {
    token: string;
    inputs: Record<string, unknown>;
    /**
     * `computed`, `stand-in` or `unknown`: the offline answers of ./lookups.ts (an `unknown` answer
     * is a blind spot of the run); `test`: answered by a caller's `standIns.call`.
     */
    answeredBy: LookupKind | "test";
    /** For `unknown`: the result fields the program got as unknown (empty when the provider SDK declares none the run could find). */
    unknownFields?: string[];
    /** The provider reference (`urn::id`) the call went through; undefined when the program named none (mocks have no default provider). */
    provider?: string;
}

/**
 * A resource the program read instead of creating (`aws.ec2.Vpc.get(...)`, a `pulumi.StackReference`):
 * its state is AWS's (or the other stack's), which an offline run does not have, so its properties
 * are unknown in preview and what depends on them is a blind spot.
 */
export interface CapturedRead {
    urn: string;
    type: string;
    name: string;
    /** The id it was read by (for a stack reference, the referenced stack's name). */
    id: string;
    parent?: string;
}

/**
 * What a caller (a test) may put in place of the offline answers: data-source results, and the
 * state a resource gets in an update. Returning undefined keeps the default.
 */
export interface StandIns {
    /** Answer a data-source call (token like `aws:ec2/getSubnet:getSubnet`). */
    call?: (token: string, inputs: Record<string, unknown>, region: string) => Record<string, unknown> | undefined;
    /** Change the state a resource gets in an update (not in preview), e.g. what AWS reports after a rollback. */
    resourceState?: (type: string, name: string, inputs: Record<string, unknown>, state: Record<string, unknown>) => Record<string, unknown> | undefined;
}

export interface MockRunResult {
    project: string;
    stack: string;
    preview: boolean;
    /** In registration order. */
    resources: CapturedResource[];
    /** Data-source calls, in the order they were answered. */
    invokes: CapturedInvoke[];
    /** Resources read rather than created, in the order they were read. */
    reads: CapturedRead[];
    /** The program's exports, as the stack's outputs (unknowns as UNKNOWN). */
    stackOutputs: Record<string, unknown>;
    /** What stopped the program, if anything did. */
    error?: Error;
}

export interface MockRunOptions {
    project: PulumiProject;
    config: StackConfig;
    /** Preview mode (default): computed values stay unknown, as in `pulumi preview`. */
    preview?: boolean;
    /** Stack transformations applied to every resource the program registers (tests use them to stage careless changes). */
    transformations?: pulumi.ResourceTransformation[];
    /** Answers in place of the offline stand-ins (tests). */
    standIns?: StandIns;
}

export function isUnknown(value: unknown): boolean {
    return value === UNKNOWN;
}

export function isSecretValue(value: unknown): value is { value: unknown } {
    return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

export function isResourceReference(value: unknown): value is { urn: string } {
    return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SIG_KEY] === RESOURCE_REF_SIG;
}

/** The wire inputs with secrets unwrapped (for checks that must see through them; never for printing). */
export function unwrapSecrets(value: unknown): unknown {
    return mapSecrets(value, (secret) => unwrapSecrets(secret.value));
}

/** A wire value with every secret replaced by what `replace` returns for it. */
export function mapSecrets(value: unknown, replace: (secret: { value: unknown }) => unknown): unknown {
    if (isSecretValue(value)) return replace(value);
    if (Array.isArray(value)) return value.map((v) => mapSecrets(v, replace));
    if (value && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapSecrets(v, replace)]));
    }
    return value;
}

/** Pulumi's default provider for a package is registered as `default` (or `default_<version>`). */
export function isDefaultProviderRef(ref: string | undefined): boolean {
    return !!ref && /::default(_[\w-]+)?::/.test(ref);
}

function regionForInvoke(providerRef: string | undefined, resources: CapturedResource[], config: StackConfig): string {
    const providerUrn = providerRef?.split("::").slice(0, -1).join("::");
    const provider = resources.find((r) => r.urn === providerUrn);
    const region = provider?.inputs.region;
    if (typeof region === "string") return region;
    return config.values["aws:region"] ?? "us-east-1";
}

/** Deterministic characters of `alphabet` derived from a seed string (SHA-256 of it, counter mode). */
function seeded(seedText: string, length: number, alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"): string {
    let out = "";
    for (let block = 0; out.length < length; block++) {
        for (const byte of createHash("sha256").update(`${block}:${seedText}`).digest()) out += alphabet[byte % alphabet.length];
    }
    return out.slice(0, length);
}

/**
 * ARNs in the form AWS gives them (Service Authorization Reference, each service's "Resource types"),
 * for the types whose ARNs programs put in policies; others get a generic `<service>:...:<type>/<name>`.
 */
const ARN_FORMATS: Record<string, (name: string, id: string) => { service: string; regional: boolean; resource: string }> = {
    "aws:cloudwatch/logGroup:LogGroup": (name) => ({ service: "logs", regional: true, resource: `log-group:${name}` }),
    "aws:cloudwatch/metricAlarm:MetricAlarm": (name) => ({ service: "cloudwatch", regional: true, resource: `alarm:${name}` }),
    "aws:s3/bucket:Bucket": (name) => ({ service: "s3", regional: false, resource: name }),
    "aws:kms/key:Key": (_, id) => ({ service: "kms", regional: true, resource: `key/${id}` }),
    "aws:kms/alias:Alias": (name) => ({ service: "kms", regional: true, resource: name }),
    "aws:iam/role:Role": (name) => ({ service: "iam", regional: false, resource: `role/${name}` }),
    "aws:sagemaker/model:Model": (name) => ({ service: "sagemaker", regional: true, resource: `model/${name.toLowerCase()}` }),
    "aws:sagemaker/endpointConfiguration:EndpointConfiguration": (name) => ({
        service: "sagemaker",
        regional: true,
        resource: `endpoint-config/${name.toLowerCase()}`,
    }),
    "aws:sagemaker/endpoint:Endpoint": (name) => ({ service: "sagemaker", regional: true, resource: `endpoint/${name.toLowerCase()}` }),
    "aws:sagemaker/notebookInstance:NotebookInstance": (name) => ({
        service: "sagemaker",
        regional: true,
        resource: `notebook-instance/${name.toLowerCase()}`,
    }),
};

/**
 * Outside preview (an update), the provider would return ids, ARNs and generated values. Mocks make
 * deterministic stand-ins: names as Pulumi auto-names them (`<logical name>-<7 characters>`, for the
 * types ./replaceRules.ts lists as auto-named), ARNs in the provider's partition and region with the
 * example account, and random strings. Each is derived from the resource's identity (its name, region
 * and the inputs that would replace it), so two runs give the same values exactly where AWS would
 * keep the same resource, and new ones where it would be replaced: what the change preview compares.
 */
function updateModeState(args: pulumi.runtime.MockResourceArgs, region: string): { id: string; state: Record<string, unknown> } {
    const identity = JSON.stringify([args.type, args.name, region, replacementIdentity(args.type, args.inputs)]);
    const hex = (length: number) => seeded(identity, length, "0123456789abcdef");
    const id = args.type === "aws:kms/key:Key" ? `${hex(8)}-0000-4000-8000-${hex(12)}` : `${args.name}-${hex(8)}`;
    const state: Record<string, unknown> = { ...args.inputs };
    if (args.type === "random:index/randomString:RandomString") {
        const upper = args.inputs.upper !== false;
        state.result = seeded(identity, Number(args.inputs.length ?? 8), `${upper ? "ABCDEFGHIJKLMNOPQRSTUVWXYZ" : ""}abcdefghijklmnopqrstuvwxyz0123456789`);
    } else if (args.type.startsWith("aws:")) {
        const autoName = autoNamedProperty(args.type);
        if (autoName && state[autoName] === undefined) {
            const generated = `${args.name}-${hex(7)}`;
            state[autoName] = args.type === "aws:s3/bucket:Bucket" ? generated.toLowerCase() : generated;
        }
        const { partition } = partitionOf(region);
        const name = String(state.bucket ?? state.name ?? id);
        const format = ARN_FORMATS[args.type];
        if (format) {
            const arn = format(name, id);
            state.arn = `arn:${partition}:${arn.service}:${arn.regional ? region : ""}:${arn.service === "s3" ? "" : OFFLINE_ACCOUNT_ID}:${arn.resource}`;
        } else {
            const service = args.type.split(":")[1].split("/")[0];
            state.arn = `arn:${partition}:${service}:${region}:${OFFLINE_ACCOUNT_ID}:${args.type.split(":")[2].toLowerCase()}/${name}`;
        }
        if (state.name === undefined) state.name = name;
        if (args.type === "aws:kms/key:Key") state.keyId = id;
    }
    return { id, state };
}

function structToJs(struct: { toJavaScript(): Record<string, unknown> } | undefined): Record<string, unknown> {
    return struct ? struct.toJavaScript() : {};
}

/**
 * Runs the program once. Never throws for program errors: they come back in `error` together with
 * whatever was registered before them (tests assert that an invalid stack registers nothing).
 */
export async function runProgramUnderMocks(options: MockRunOptions): Promise<MockRunResult> {
    const { project, config } = options;
    const preview = options.preview ?? true;
    const resources: CapturedResource[] = [];
    const invokes: CapturedInvoke[] = [];
    const reads: CapturedRead[] = [];
    const errors: Error[] = [];
    // The Node.js language host reports an unhandled rejection as the program's error and exits
    // (@pulumi/pulumi cmd/run: uncaughtHandler), whatever is still waiting on the failed value; a
    // run in this process must stop there too, or wait forever for outputs that never resolve.
    let stopped: () => void = () => undefined;
    const failed = new Promise<void>((resolve) => (stopped = resolve));
    const onRejection = (reason: unknown) => {
        errors.push(reason instanceof Error ? reason : new Error(String(reason)));
        stopped();
    };
    process.on("unhandledRejection", onRejection);

    await pulumi.runtime.setMocks(
        {
            newResource: (args: pulumi.runtime.MockResourceArgs) => {
                // An empty id in preview is what the engine reports for a resource not yet created.
                if (preview) return { id: "", state: args.inputs };
                const made = updateModeState(args, regionForInvoke(args.provider, resources, config));
                const state = options.standIns?.resourceState?.(args.type, args.name, args.inputs, made.state) ?? made.state;
                return { id: made.id, state };
            },
            call: (args: pulumi.runtime.MockCallArgs) => {
                const region = regionForInvoke(args.provider, resources, config);
                const fromTest = options.standIns?.call?.(args.token, args.inputs, region);
                const provider = args.provider || undefined;
                if (fromTest) {
                    invokes.push({ token: args.token, inputs: args.inputs, answeredBy: "test", provider });
                    return fromTest;
                }
                // The program's own provider SDKs first, as its requires resolve them.
                const answer = answerLookup(args.token, args.inputs, region, [project.dir, __dirname]);
                invokes.push({ token: args.token, inputs: args.inputs, answeredBy: answer.kind, unknownFields: answer.unknownFields, provider });
                return answer.result;
            },
        },
        project.name,
        config.stack,
        preview,
    );
    pulumi.runtime.setAllConfig(config.values, config.secretKeys);

    const monitor = pulumi.runtime.getMonitor() as unknown as {
        registerResource(req: RegisterResourceRequest, callback: (err: Error | null, resp?: { getUrn(): string }) => void): void;
        registerResourceOutputs(req: RegisterOutputsRequest, callback: (err: Error | null, resp?: unknown) => void): void;
        readResource(req: ReadResourceRequest, callback: (err: Error | null, resp?: { getUrn(): string }) => void): void;
    };
    const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (req, callback) => {
        const captured = resources.find((r) => r.urn === req.getUrn());
        if (captured) captured.outputs = structToJs(req.getOutputs() ?? undefined);
        registerOutputs(req, callback);
    };
    const read = monitor.readResource.bind(monitor);
    monitor.readResource = (req, callback) => {
        read(req, (err, resp) => {
            if (!err && resp)
                reads.push({ urn: resp.getUrn(), type: req.getType(), name: req.getName(), id: req.getId(), parent: req.getParent() || undefined });
            callback(err, resp);
        });
    };
    const register = monitor.registerResource.bind(monitor);
    const seenUrns = new Set<string>();
    monitor.registerResource = (req, callback) => {
        register(req, (err, resp) => {
            if (!err && resp) {
                const urn = resp.getUrn();
                if (seenUrns.has(urn)) errors.push(new Error(`Duplicate resource URN '${urn}'; try giving it a unique name`));
                seenUrns.add(urn);
                resources.push(captureRequest(urn, req));
            }
            callback(err, resp);
        });
    };

    // From the project's folder, as the CLI runs a program (./programLoader.ts); restored below even
    // when the run stops on an unhandled rejection with the program's work still pending.
    const previousDir = process.cwd();
    installPromiseStackTraces();
    prepareProgramLoading(project);
    process.chdir(project.dir);
    // A program that exits the process would end the plan with its own exit code and no report
    // (an exit 1 would read as policy violations): it stops the run instead, as the program's error.
    const exit = process.exit;
    process.exit = ((code?: number | string | null) => {
        throw new Error(`The program called process.exit(${code ?? ""})`);
    }) as typeof process.exit;
    try {
        const completed = (async () => {
            await runInPulumiStack(async () => {
                for (const t of options.transformations ?? []) pulumi.runtime.registerStackTransformation(t);
                const exported = (await loadProgram(project)) as Record<string, unknown> | (() => unknown);
                // A program may export a function (sync or async) whose result holds the outputs.
                return typeof exported === "function" ? await exported() : exported;
            });
            await waitForRpcs();
        })();
        await Promise.race([completed, failed]);
    } catch (err) {
        errors.unshift(err instanceof Error ? err : new Error(String(err)));
    } finally {
        // Let any rejection still in flight surface before the listener goes.
        await new Promise((resolve) => setImmediate(resolve));
        process.off("unhandledRejection", onRejection);
        process.chdir(previousDir);
        process.exit = exit;
        // What still waits on the failed value would count, when this process exits, as promises the
        // program leaked, and make the SDK set a failing exit code; the language host would have exited.
        if (errors.length > 0) forgetPendingPromises();
    }
    const stackOutputs = resources.find((r) => r.type === "pulumi:pulumi:Stack")?.outputs ?? {};
    return { project: project.name, stack: config.stack, preview, resources, invokes, reads, stackOutputs, error: errors[0] };
}

/** The subset of the generated RegisterResourceRequest accessors the capture reads. */
interface RegisterResourceRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getRemote(): boolean;
    getProvider(): string;
    getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
    getDependenciesList(): string[];
    getPropertydependenciesMap(): { forEach(cb: (value: { getUrnsList(): string[] }, key: string) => void): void };
    getProtect(): boolean;
    getDeletebeforereplace(): boolean;
    getDeletebeforereplacedefined(): boolean;
    getReplaceonchangesList(): string[];
    getIgnorechangesList(): string[];
    getAdditionalsecretoutputsList(): string[];
    getRetainondelete?(): boolean;
    getAliasesList?(): unknown[];
}

/** The subset of the generated ReadResourceRequest accessors the capture reads. */
interface ReadResourceRequest {
    getType(): string;
    getName(): string;
    getId(): string;
    getParent(): string;
}

interface RegisterOutputsRequest {
    getUrn(): string;
    getOutputs(): { toJavaScript(): Record<string, unknown> } | undefined;
}

/** The subset of the generated Alias message's accessors the capture reads (proto/alias_pb.js). */
interface AliasMessage {
    getUrn(): string;
    getSpec(): { getName(): string; getType(): string; getStack(): string; getProject(): string; getParenturn(): string; getNoparent(): boolean } | undefined;
}

function aliasSpecOf(message: unknown): AliasSpec {
    const alias = message as AliasMessage;
    const spec = alias.getSpec();
    if (!spec) return { urn: alias.getUrn() };
    return {
        name: spec.getName() || undefined,
        type: spec.getType() || undefined,
        stack: spec.getStack() || undefined,
        project: spec.getProject() || undefined,
        parentUrn: spec.getParenturn() || undefined,
        noParent: spec.getNoparent() || undefined,
    };
}

function captureRequest(urn: string, req: RegisterResourceRequest): CapturedResource {
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((value, key) => {
        propertyDependencies[key] = value.getUrnsList();
    });
    return {
        urn,
        type: req.getType(),
        name: req.getName(),
        custom: req.getCustom(),
        remote: req.getRemote(),
        parent: req.getParent() || undefined,
        provider: req.getProvider() || undefined,
        dependencies: req.getDependenciesList(),
        propertyDependencies,
        inputs: structToJs(req.getObject() ?? undefined),
        options: {
            protect: req.getProtect(),
            deleteBeforeReplace: req.getDeletebeforereplace(),
            deleteBeforeReplaceDefined: req.getDeletebeforereplacedefined(),
            replaceOnChanges: req.getReplaceonchangesList(),
            ignoreChanges: req.getIgnorechangesList(),
            additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
            retainOnDelete: req.getRetainondelete?.() ?? false,
            aliases: (req.getAliasesList?.() ?? []).map(aliasSpecOf),
        },
    };
}

// Internal SDK entry points, loaded by path: the Node.js language host uses the first two; the
// third is the leak check (tests/sdkInternals.test.ts fails when any of them changes).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const stackModule = require("@pulumi/pulumi/runtime/stack") as { runInPulumiStack(init: () => Promise<unknown>): Promise<unknown> };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const settingsModule = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };

function runInPulumiStack(init: () => Promise<unknown>): Promise<unknown> {
    return stackModule.runInPulumiStack(init);
}

function waitForRpcs(): Promise<void> {
    return settingsModule.waitForRPCs();
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const debuggableModule = require("@pulumi/pulumi/runtime/debuggable") as { leakedPromises(): [Set<unknown>, string] };

let forgetAtExit = false;
/**
 * Clears the SDK's list of promises still pending, now and again when the process exits: a stopped
 * run's work never settles, and the SDK's leak check (debuggable.js, on "exit") would otherwise
 * report it and set exit code 1 for a plan that goes on without that run (a failed mocked update).
 */
function forgetPendingPromises(): void {
    debuggableModule.leakedPromises();
    if (forgetAtExit) return;
    forgetAtExit = true;
    process.prependListener("exit", () => void debuggableModule.leakedPromises());
}
