/**
 * Request marshalling for @pulumi/policy's analyzer, as the engine marshals them (pulumi/pulumi
 * `pkg/resource/deploy/step_generator.go`, `sdk/go/common/resource/plugin/analyzer_plugin.go`):
 * wire values, the providers a resource is analyzed with (default ones synthesized from the stack's
 * `<pkg>:*` config, named as the engine names them), and the Configure, ConfigureStack, Analyze and
 * AnalyzeStack requests, built with the analyzer protocol's generated classes
 * (proto/pulumi/analyzer.proto), which ./packLoader.ts resolves from the pack's @pulumi/policy.
 */
import * as fs from "fs";
import type * as AnalyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import type * as EmptyPb from "google-protobuf/google/protobuf/empty_pb";
import type * as StructPb from "google-protobuf/google/protobuf/struct_pb";
import { CapturedResource, isDefaultProviderRef, OUTPUT_VALUE_SIG, RESOURCE_REF_SIG, SECRET_SIG, SIG_KEY, UNKNOWN } from "../mockRun";
import { EnforcementLevel, PolicyConfigEntry, PolicyInfo, PolicySeverity } from "./types";

/** The analyzer protocol's generated modules, as the pack's @pulumi/policy resolves them. */
export interface ProtoModules {
    analyzer: typeof AnalyzerPb;
    struct: typeof StructPb;
    empty: typeof EmptyPb;
}

/** Makes the properties Struct of a request (./packLoader.ts makes one the analyzer converts once). */
export type PropertiesStruct = (value: Record<string, unknown>) => StructPb.Struct;

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
export function analyzerProperties(props: Record<string, unknown> | undefined): Record<string, unknown> {
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

export function decodeProviderProperties(props: Record<string, unknown>): Record<string, unknown> {
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

export function urnParts(urn: string): { stack: string; project: string } {
    const m = /^urn:pulumi:([^:]*)::([^:]*)::/.exec(urn);
    return { stack: m?.[1] ?? "stack", project: m?.[2] ?? "project" };
}

// ------------------------------------------------------------------------------------------------

// ------------------------------------------------------------------------------------------------
// Protocol enumerations and the pack's description
// ------------------------------------------------------------------------------------------------

export function levelFromProto(level: number, proto: ProtoModules): EnforcementLevel {
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

export function levelToProto(level: EnforcementLevel, proto: ProtoModules): AnalyzerPb.EnforcementLevel {
    const E = proto.analyzer.EnforcementLevel;
    return { advisory: E.ADVISORY, mandatory: E.MANDATORY, disabled: E.DISABLED, remediate: E.REMEDIATE }[level];
}

export function severityFromProto(s: number): PolicySeverity | undefined {
    return ([undefined, "low", "medium", "high", "critical"] as const)[s];
}

export function policyInfoFromProto(p: AnalyzerPb.PolicyInfo, proto: ProtoModules): PolicyInfo {
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
    if (schema) {
        const properties = (schema.getProperties()?.toJavaScript() ?? {}) as Record<string, Record<string, unknown>>;
        info.configSchema = { properties, required: schema.getRequiredList() };
    }
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

/** The pack's initial config (the PolicyPack constructor's third argument) from GetAnalyzerInfo. */
export function initialConfigFromProto(info: AnalyzerPb.AnalyzerInfo, proto: ProtoModules): Record<string, PolicyConfigEntry> {
    const result: Record<string, PolicyConfigEntry> = {};
    info.getInitialconfigMap().forEach((v, k) => {
        const entry: PolicyConfigEntry = {};
        // An entry with properties only leaves the level unset, which reads as ADVISORY (0): the
        // engine's GetAnalyzerInfo converts it the same way, so we keep that.
        entry.enforcementLevel = levelFromProto(v.getEnforcementlevel(), proto);
        const props = v.getProperties()?.toJavaScript();
        if (props && Object.keys(props).length > 0) entry.properties = props;
        result[k] = entry;
    });
    return result;
}

// ------------------------------------------------------------------------------------------------
// Requests
// ------------------------------------------------------------------------------------------------

export type ResourceOptions = CapturedResource["options"];

/** A resource as a request names it. */
export interface AnalyzerTarget {
    urn: string;
    type: string;
    name: string;
    parent?: string;
    options?: ResourceOptions;
}

/** A resource as AnalyzeStack sees it: with its dependencies. */
export interface StackTarget extends AnalyzerTarget {
    dependencies?: string[];
    propertyDependencies?: Record<string, string[]>;
}

export interface StackConfigureArgs {
    stack: string;
    project: string;
    organization: string;
    stackConfig: Record<string, string>;
    secretConfigKeys: string[];
    stackTags: Record<string, string>;
}

/** Builds the analyzer's requests with the pack's protocol classes. */
export class AnalyzerRequests {
    constructor(
        private readonly proto: ProtoModules,
        /** The properties Struct of a request (./packLoader.ts analyzerOf: converted to JavaScript once). */
        readonly properties: PropertiesStruct,
    ) {}

    /** Configure: every reconciled entry, each with a valid level and a properties struct (the analyzer reads both unconditionally). */
    configure(resolved: Record<string, PolicyConfigEntry>): AnalyzerPb.ConfigureAnalyzerRequest {
        const pb = this.proto.analyzer;
        const req = new pb.ConfigureAnalyzerRequest();
        const configMap = req.getPolicyconfigMap();
        for (const [name, entry] of Object.entries(resolved)) {
            const pc = new pb.PolicyConfig();
            pc.setEnforcementlevel(levelToProto(entry.enforcementLevel!, this.proto));
            pc.setProperties(this.proto.struct.Struct.fromJavaScript((entry.properties ?? {}) as Record<string, StructPb.JavaScriptValue>));
            configMap.set(name, pc);
        }
        return req;
    }

    /** ConfigureStack, in preview (dry run). */
    configureStack(args: StackConfigureArgs): AnalyzerPb.AnalyzerStackConfigureRequest {
        const req = new this.proto.analyzer.AnalyzerStackConfigureRequest();
        req.setStack(args.stack);
        req.setProject(args.project);
        req.setOrganization(args.organization);
        req.setDryRun(true);
        for (const [k, v] of Object.entries(args.stackConfig)) req.getConfigMap().set(k, v);
        req.setConfigSecretKeysList(args.secretConfigKeys);
        for (const [k, v] of Object.entries(args.stackTags)) req.getTagsMap().set(k, v);
        return req;
    }

    provider(p: AnalyzerProvider): AnalyzerPb.AnalyzerProviderResource {
        const m = new this.proto.analyzer.AnalyzerProviderResource();
        m.setType(p.type);
        m.setUrn(p.urn);
        m.setName(p.name);
        m.setProperties(this.properties(analyzerProperties(p.properties)));
        return m;
    }

    options(r: { parent?: string; options?: ResourceOptions }): AnalyzerPb.AnalyzerResourceOptions {
        const pb = this.proto.analyzer;
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
    }

    analyze(
        target: AnalyzerTarget,
        properties: StructPb.Struct,
        options: AnalyzerPb.AnalyzerResourceOptions,
        provider: AnalyzerPb.AnalyzerProviderResource | undefined,
    ): AnalyzerPb.AnalyzeRequest {
        const req = new this.proto.analyzer.AnalyzeRequest();
        req.setType(target.type);
        req.setUrn(target.urn);
        req.setName(target.name);
        req.setProperties(properties);
        req.setOptions(options);
        if (provider) req.setProvider(provider);
        return req;
    }

    stackResource(
        target: StackTarget,
        properties: StructPb.Struct,
        options: AnalyzerPb.AnalyzerResourceOptions,
        provider: AnalyzerPb.AnalyzerProviderResource | undefined,
    ): AnalyzerPb.AnalyzerResource {
        const pb = this.proto.analyzer;
        const m = new pb.AnalyzerResource();
        m.setType(target.type);
        m.setUrn(target.urn);
        m.setName(target.name);
        m.setProperties(properties);
        m.setOptions(options);
        if (provider) m.setProvider(provider);
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
    }

    analyzeStack(resources: AnalyzerPb.AnalyzerResource[]): AnalyzerPb.AnalyzeStackRequest {
        const req = new this.proto.analyzer.AnalyzeStackRequest();
        req.setResourcesList(resources);
        return req;
    }
}

/** A provider a resource is analyzed with, and its message. */
export interface ProviderEntry {
    provider: AnalyzerProvider;
    message: AnalyzerPb.AnalyzerProviderResource;
    /** A default provider the engine would create (mocks never register one). */
    synthesized: boolean;
}

export interface ProviderOptions {
    project: string;
    stack: string;
    stackConfig: Record<string, string>;
    secretConfigKeys?: string[];
    providerVersions?: Record<string, string>;
}

/** The providers of one evaluation: explicit ones from the capture, default ones synthesized once per package. */
export class AnalyzerProviders {
    private readonly cache = new Map<string, ProviderEntry>();

    constructor(
        private readonly byUrn: ReadonlyMap<string, CapturedResource>,
        private readonly requests: AnalyzerRequests,
        private readonly opts: ProviderOptions,
    ) {}

    /** The provider `r` is analyzed with; none for components, providers and the stack. */
    of(r: CapturedResource): ProviderEntry | undefined {
        if (!r.custom || r.type.startsWith("pulumi:providers:") || r.type === "pulumi:pulumi:Stack") return undefined;
        const ref = r.provider;
        if (!ref) return this.defaultFor(packageOfType(r.type));
        const urn = ref.slice(0, ref.lastIndexOf("::"));
        let entry = this.cache.get(urn);
        if (!entry) {
            const captured = this.byUrn.get(urn);
            if (!captured) {
                if (!isDefaultProviderRef(ref)) return undefined;
                const base = this.defaultFor(urn.split("::").slice(-2, -1)[0].replace("pulumi:providers:", ""));
                const provider = { ...base.provider, urn, name: urn.split("::").pop()! };
                entry = { provider, message: this.requests.provider(provider), synthesized: true };
            } else {
                const provider = { urn, type: captured.type, name: captured.name, properties: decodeProviderProperties(captured.inputs) };
                entry = { provider, message: this.requests.provider(provider), synthesized: false };
            }
            this.cache.set(urn, entry);
        }
        return entry;
    }

    /** A provider met so far, by URN. */
    find(urn: string): AnalyzerProvider | undefined {
        return [...this.cache.values()].find((e) => e.provider.urn === urn)?.provider;
    }

    private defaultFor(pkg: string): ProviderEntry {
        const key = `default:${pkg}`;
        let entry = this.cache.get(key);
        if (!entry) {
            const version = this.opts.providerVersions?.[pkg] ?? installedPackageVersion(pkg);
            const provider = synthesizeDefaultProvider(pkg, this.opts.stackConfig, {
                project: this.opts.project,
                stack: this.opts.stack,
                version,
                secretKeys: this.opts.secretConfigKeys,
            });
            entry = { provider, message: this.requests.provider(provider), synthesized: true };
            this.cache.set(key, entry);
        }
        return entry;
    }
}
