/**
 * Evaluates a loaded policy pack (./packLoader.ts) against resources captured by
 * `runProgramUnderMocks`, as `pulumi preview --policy-pack DIR` would, and reads the analyzer's
 * answers into violations, policies not run and errors.
 *
 * Why not call the policies directly with plain objects (pulumi/pulumi-policy#445): the analyzer
 * wraps properties in an unknown-checking proxy (reading a value unknown during preview throws
 * `UnknownValueError`, reported as an advisory "can't run policy ... during preview"), unwraps
 * secrets, filters by resource type, applies enforcement levels and policy config, and for stack
 * policies links parent, dependencies and property dependencies to resource objects.
 *
 * Engine behaviour reproduced (pulumi/pulumi `pkg/engine/plugins.go`, `pkg/resource/analyzer/config.go`,
 * `pkg/resource/deploy/step_generator.go`, `sdk/go/common/resource/plugin/analyzer_plugin.go`):
 * - Configure is always called with the reconciled config of every policy (./policyConfig.ts).
 * - Analyze runs for every registered resource (custom, component, the stack, providers) with its
 *   inputs, unknowns kept as the unknown sentinel, secrets kept wrapped (the analyzer unwraps
 *   them), internal `__` keys dropped, resource references reduced to their ID (or URN), and the
 *   resource's provider (type, URN, name, inputs). Violations are attributed to the analyzed URN.
 * - AnalyzeStack runs once with every resource, its parent, dependencies and property dependencies.
 * - Default providers, which mocks never register, are synthesized from the stack's `<pkg>:*`
 *   config, named `default_<major>_<minor>_<patch>` as the engine names them (./analyzerRequests.ts).
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
import type * as AnalyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import type * as StructPb from "google-protobuf/google/protobuf/struct_pb";
import { CapturedResource } from "../mockRun";
import {
    AnalyzerProviders,
    AnalyzerRequests,
    AnalyzerTarget,
    analyzerProperties,
    decodeProviderProperties,
    levelFromProto,
    severityFromProto,
    StackTarget,
    urnParts,
} from "./analyzerRequests";
import { PackAnalyzer, parseNotRun, withAnalyzer } from "./packLoader";
import { PolicyConfigError, resolvePolicyConfig } from "./policyConfig";
import { EnforcementLevel, LoadedPack, PolicyInfo, PolicySeverity } from "./types";

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

/**
 * Runs every policy of `pack` on `resources` as `pulumi preview --policy-pack` would: Configure,
 * ConfigureStack, (Remediate and) Analyze per resource in registration order, then AnalyzeStack.
 * Calls on one pack are serialized (the analyzer's config is per pack, not per call).
 */
export function evaluatePolicies(pack: LoadedPack, resources: CapturedResource[], opts: EvaluateOptions = {}): Promise<PolicyResult> {
    return withAnalyzer(pack, (analyzer) => evaluate(pack, analyzer, resources, opts));
}

/** What Analyze saw of a resource: its properties, as an object and as the request's Struct, and its options message. */
interface Analyzed {
    props: Record<string, unknown>;
    struct: StructPb.Struct;
    options: AnalyzerPb.AnalyzerResourceOptions;
    remediated: boolean;
}

const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

async function evaluate(pack: LoadedPack, analyzer: PackAnalyzer, resources: CapturedResource[], opts: EvaluateOptions): Promise<PolicyResult> {
    const { proto } = analyzer;
    const requests = new AnalyzerRequests(proto, analyzer.propertiesStruct);
    const resolved = resolvePolicyConfig(pack, opts.config);

    // A pack may refuse its config at Configure (this repository's pack does for a setting given under
    // a policy's former name and its current one); the engine then fails the preview with the message.
    await analyzer.configure(requests.configure(resolved)).catch((err: unknown) => {
        const message = errorMessage(err);
        throw new PolicyConfigError(`Policy pack '${pack.name}' refused its config: ${message}`, [message]);
    });

    const { stack, project } = urnParts(resources[0]?.urn ?? "");
    if (analyzer.configureStack) {
        await analyzer.configureStack(
            requests.configureStack({
                stack,
                project,
                organization: opts.organization ?? "organization",
                stackConfig: opts.stackConfig ?? {},
                secretConfigKeys: opts.secretConfigKeys ?? [],
                stackTags: opts.stackTags ?? {},
            }),
        );
    }

    const byUrn = new Map(resources.map((r) => [r.urn, r] as const));
    const providers = new AnalyzerProviders(byUrn, requests, {
        project,
        stack,
        stackConfig: opts.stackConfig ?? {},
        secretConfigKeys: opts.secretConfigKeys,
        providerVersions: opts.providerVersions,
    });

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
        const p = providers.find(urn);
        return p ? { resourceType: p.type, resourceName: p.name } : {};
    };
    const collect = (resp: AnalyzerPb.AnalyzeResponse, stage: "analyze" | "analyzeStack", analyzedUrn?: string) => {
        for (const d of resp.getDiagnosticsList()) {
            const message = d.getMessage();
            // The engine attributes Analyze diagnostics to the analyzed resource, whatever they say.
            const urn = stage === "analyze" ? analyzedUrn : d.getUrn() || undefined;
            let level = levelFromProto(d.getEnforcementlevel(), proto);
            const notRun = parseNotRun(message);
            if (notRun && level === "advisory") {
                result.notRun.push({ policyName: d.getPolicyname(), message, property: notRun.property, urn, ...describe(urn), stage });
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

    const remediate = Object.values(resolved).some((e) => e.enforcementLevel === "remediate") ? analyzer.remediate : undefined;
    const stackMessages: AnalyzerPb.AnalyzerResource[] = [];
    const analyzedProviders = new Set<string>();

    const analyzeOne = async (
        target: AnalyzerTarget,
        inputs: Record<string, unknown>,
        provider: AnalyzerPb.AnalyzerProviderResource | undefined,
    ): Promise<Analyzed> => {
        const options = requests.options(target);
        let props = analyzerProperties(inputs);
        let struct = requests.properties(props);
        let req = requests.analyze(target, struct, options, provider);
        let remediated = false;
        if (remediate) {
            try {
                const resp = await remediate(req);
                for (const rem of resp.getRemediationsList()) {
                    const properties = rem.getProperties();
                    if (rem.getDiagnostic()) {
                        const message = rem.getDiagnostic();
                        result.notRun.push({
                            policyName: rem.getPolicyname(),
                            message,
                            property: parseNotRun(message)?.property,
                            urn: target.urn,
                            ...describe(target.urn),
                            stage: "remediate",
                        });
                    } else if (properties) {
                        props = properties.toJavaScript();
                        result.remediations.push({ policyName: rem.getPolicyname(), urn: target.urn });
                        remediated = true;
                    }
                }
                if (remediated) {
                    struct = requests.properties(props);
                    req = requests.analyze(target, struct, options, provider);
                }
            } catch (err) {
                result.errors.push({ message: errorMessage(err), urn: target.urn, stage: "remediate" });
            }
        }
        try {
            collect(await analyzer.analyze(req), "analyze", target.urn);
        } catch (err) {
            result.errors.push({ message: errorMessage(err), urn: target.urn, stage: "analyze" });
        }
        return { props, struct, options, remediated };
    };

    /** A resource for AnalyzeStack: `props`, or (same properties) the messages Analyze was given. */
    const stackEntry = (
        target: StackTarget,
        props: { analyzed: Analyzed } | { properties: Record<string, unknown> },
        provider: AnalyzerPb.AnalyzerProviderResource | undefined,
    ) =>
        "analyzed" in props
            ? requests.stackResource(target, props.analyzed.struct, props.analyzed.options, provider)
            : requests.stackResource(target, requests.properties(props.properties), requests.options(target), provider);

    for (const r of resources) {
        const provider = providers.of(r);
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

    try {
        collect(await analyzer.analyzeStack(requests.analyzeStack(stackMessages)), "analyzeStack");
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
