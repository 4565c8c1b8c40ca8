/**
 * What each served model needs, for the plan's report: per SageMaker Model and the endpoint
 * configuration variant serving it, the engine, the image, the GPUs, the quantization, the GPU memory
 * needed and available, and the Service Quotas quota to request for the instance type. Computed from
 * the captured Model and EndpointConfiguration resources with the policy pack's own readers
 * (policies/lib/instancesServing.ts) and arithmetic (policies/instances/sagemakerModelFitsGpuMemory.ts
 * `sizeFit`, policies/catalog/), so it works for any program, not only this one; a value unknown in
 * preview, or not in the pack's catalogs, is reported as unknown with the reason.
 *
 * The quota: SageMaker hosting counts instances per type and region against the account-level quota
 * "<instance type> for endpoint usage" (e.g. "ml.g5.2xlarge for endpoint usage"), listed per type in
 * the AWS General Reference, "Amazon SageMaker AI endpoints and quotas", Service quotas table
 * (docs.aws.amazon.com/general/latest/gr/sagemaker.html), and named so in CreateEndpoint's
 * ResourceLimitExceeded error ("The account-level service limit 'ml.g4dn.xlarge for endpoint usage'
 * is 0 Instances", quoted in aws-samples/sagemaker-yolov3-detection-server issue #1); the SageMaker
 * Developer Guide, "Supported Regions and Quotas", "Request a service quota increase for SageMaker
 * resources" (awsdocs/amazon-sagemaker-developer-guide doc_source/regions-quotas.md) shows the
 * training counterpart "'ml.p3dn.24xlarge for training job usage'". Checked 2026-12-02.
 */
import type { PolicyResource } from "@pulumi/policy";
import { Engine } from "../policies/catalog/engines";
import { findInstanceType } from "../policies/catalog/instances";
import { CONCURRENCY_TAG_KEY } from "../policies/catalog/models";
import { sizeFit } from "../policies/instances/sagemakerModelFitsGpuMemory";
import {
    containersOf,
    ENDPOINT_CONFIG_TYPE,
    ENDPOINT_TYPE,
    engineOf,
    envValue,
    identifyModel,
    MODEL_TYPE,
    modelsServedBy,
    SCALING_TARGET_TYPE,
    ServingContainer,
    tagValue,
    unidentifiedModelReason,
} from "../policies/lib/instancesServing";
import { Deferrals, isUnknownValue, peek, UNKNOWN } from "../policies/lib/values";
import { CapturedResource, mapSecrets } from "./mockRun";
import { PolicyResult } from "./policyEngine";

/** The policy the pack sizes models with; its `modelParameters` config names models the catalog does not. */
export const FIT_POLICY = "sagemaker-model-fits-gpu-memory";

/** What a secret value shows as here: nothing secret reaches a report. */
const SECRET = "[secret]";

/** The Service Quotas quota (service Amazon SageMaker) that caps an instance type's endpoint instances in a region. */
export function endpointQuotaName(instanceType: string): string {
    return `${instanceType} for endpoint usage`;
}

/** One model as a variant serves it. An absent field is unknown; `unknown` says why. */
export interface ServedModel {
    /** The Model resource. */
    model: string;
    /** The endpoint configuration and its variant (`productionVariants[0]`); absent when no configuration is known to serve the model. */
    endpointConfig?: string;
    variant?: string;
    /** The container, when the Model has several (`containers[1]`). */
    container?: string;
    instanceType?: string;
    /** Instances at start, and the autoscaling maximum when a scaling target covers the endpoint. */
    instanceCount?: number;
    maxInstanceCount?: number;
    /** The Service Quotas quota to request for the instance type, and how many instances it must hold at least. */
    quota?: { name: string; instances?: number };
    engine?: string;
    image?: string;
    /** The instance's GPUs, and how many the engine shards the model over. */
    gpus?: { count: number; name: string; memoryGiBEach: number; used?: number };
    /** The engine's quantization setting: `none` when unset. */
    quantization?: string;
    /** Which model the container serves (catalog entry or configured parameter count). */
    identity?: string;
    memory?: { requiredGiB: number; availableGiB: number; fits: boolean; lines: string[] };
    /** Why a field is absent, e.g. `instanceType: computed in preview`. */
    unknown: string[];
}

type Resource = PolicyResource & { dependencyUrns: string[] };

/**
 * Captured resources as the pack's readers take them: properties in wire form with secrets masked
 * (unknowns stay the SDK's sentinel, which @pulumi/policy's unknown-string value equals) and
 * property dependencies resolved to resources.
 */
function asPolicyResources(resources: CapturedResource[]): Resource[] {
    const out: Resource[] = resources.map((r) => ({
        type: r.type,
        name: r.name,
        urn: r.urn,
        props: mapSecrets(r.inputs, () => SECRET) as Record<string, unknown>,
        dependencies: [],
        propertyDependencies: {},
        dependencyUrns: r.dependencies,
        isType: () => false,
        asType: () => undefined,
    })) as unknown as Resource[];
    const byUrn = new Map(out.map((r) => [r.urn, r]));
    resources.forEach((r, i) => {
        out[i].propertyDependencies = Object.fromEntries(
            Object.entries(r.propertyDependencies).map(([key, urns]) => [key, urns.flatMap((u) => byUrn.get(u) ?? [])]),
        );
        out[i].dependencies = r.dependencies.flatMap((u) => byUrn.get(u) ?? []);
    });
    return out;
}

/** A known whole number of a variant or target, else undefined. */
function knownNumber(value: unknown): number | undefined {
    return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** The autoscaling maximum of the endpoint that uses `config`, when a scaling target depends on it. */
function scalingMaximum(config: Resource, resources: Resource[]): number | undefined {
    const endpoints = resources.filter((r) => r.type === ENDPOINT_TYPE && r.dependencyUrns.includes(config.urn));
    const target = resources.find((r) => r.type === SCALING_TARGET_TYPE && endpoints.some((e) => r.dependencyUrns.includes(e.urn)));
    return knownNumber(peek(target?.props, "maxCapacity"));
}

const label = (path: string) => path.replace(/\.(\d+)/g, "[$1]");

/** A container's engine variable: its value, `undefined` when unset, UNKNOWN when computed in preview. */
function variable(model: Resource, container: ServingContainer, key: string | undefined): string | undefined | typeof UNKNOWN {
    return key ? envValue(model, container, key, new Deferrals()) : undefined;
}

function describeContainer(
    base: Omit<ServedModel, "unknown">,
    unknown: string[],
    model: Resource,
    container: ServingContainer,
    several: boolean,
    modelParameters: Record<string, number>,
): ServedModel {
    const out: ServedModel = { ...base, ...(several ? { container: label(container.path) } : {}), unknown: [...unknown] };
    const image = peek(
        container.path.split(".").reduce<unknown>((v, key) => peek(v, key), model.props),
        "image",
    );
    if (container.image) out.image = container.image;
    else out.unknown.push(`image: ${isUnknownValue(image) ? "computed in preview" : "not set"}`);
    const engine: Engine | undefined = engineOf(container);
    const type = out.instanceType ? findInstanceType(out.instanceType) : undefined;
    if (type) out.gpus = { count: type.gpuCount, name: type.gpu?.name ?? "none", memoryGiBEach: type.gpuMemoryGiB };
    else if (out.instanceType) out.unknown.push(`gpus: ${out.instanceType} is not in policies/catalog/instances.ts`);
    if (!engine) {
        out.unknown.push("engine: not a serving engine the pack knows (policies/catalog/engines.ts), so its settings are not read");
        return out;
    }
    out.engine = engine.label;
    const v = engine.variables;
    const [modelRef, tensorParallel, contextLength, quantization, memoryFraction] = [
        v.model,
        v.tensorParallel,
        v.contextLength,
        v.quantization,
        v.memoryFraction,
    ].map((k) => variable(model, container, k));
    if (quantization === UNKNOWN) out.unknown.push(`quantization: ${v.quantization} computed in preview`);
    else out.quantization = quantization === undefined ? `none (${v.quantization} unset)` : `${quantization} (${v.quantization})`;
    const settings = [modelRef, tensorParallel, contextLength, quantization, memoryFraction];
    if (settings.includes(SECRET)) {
        out.unknown.push("memory: an engine setting is secret");
        return out;
    }
    if (settings.includes(UNKNOWN)) {
        out.unknown.push("memory: an engine setting is computed in preview");
        return out;
    }
    // As the fit policy reads them: SGLang serves /opt/ml/model when its model variable is unset.
    const ref = (modelRef as string | undefined) ?? (engine.id === "sglang" ? "/opt/ml/model" : undefined);
    const identity = ref === undefined ? undefined : identifyModel(model, ref, modelParameters, v.model);
    if (!identity) {
        out.unknown.push(
            `memory: ${ref === undefined ? `${v.model} is not set, so the model is not determined` : unidentifiedModelReason(model, ref, v.model)}`,
        );
        return out;
    }
    out.identity = identity.label;
    if (!out.instanceType) {
        out.unknown.push("memory: the instance type is unknown");
        return out;
    }
    const tagged = Number(tagValue(model.props, CONCURRENCY_TAG_KEY));
    const fit = sizeFit({
        model: identity,
        engine,
        instanceType: out.instanceType,
        tensorParallel: tensorParallel as string | undefined,
        contextLength: contextLength as string | undefined,
        quantization: quantization as string | undefined,
        memoryFraction: memoryFraction as string | undefined,
        concurrentRequests: Number.isInteger(tagged) && tagged > 0 ? tagged : 1,
    });
    if (fit === undefined) out.unknown.push("memory: an engine setting is invalid or the quantization's size is not on record (see the policy results)");
    else if (typeof fit === "string") out.unknown.push(`memory: ${out.instanceType} ${fit}`);
    else {
        if (out.gpus) out.gpus.used = fit.gpus;
        out.memory = { requiredGiB: fit.sizing.requiredGiB, availableGiB: fit.sizing.availableGiB, fits: fit.sizing.fits, lines: fit.sizing.lines };
    }
    return out;
}

/**
 * Every Model of the run, per endpoint configuration variant that serves it (a Model no known
 * configuration serves is listed once, its instance unknown). `modelParameters`: the fit policy's
 * config, for models the catalog does not name.
 */
export function servedModels(captured: CapturedResource[], modelParameters: Record<string, number> = {}): ServedModel[] {
    const resources = asPolicyResources(captured);
    const out: ServedModel[] = [];
    const served = new Set<string>();
    for (const config of resources.filter((r) => r.type === ENDPOINT_CONFIG_TYPE)) {
        const deferrals = new Deferrals();
        const max = scalingMaximum(config, resources);
        for (const { variant, model } of modelsServedBy(config, resources, deferrals)) {
            served.add(model.urn);
            const unknown: string[] = [];
            const base: Omit<ServedModel, "unknown"> = { model: model.name, endpointConfig: config.name, variant: variant.label };
            const instanceType = peek(variant.variant, "instanceType");
            if (typeof instanceType === "string" && !isUnknownValue(instanceType)) base.instanceType = instanceType;
            else unknown.push(`instanceType: ${isUnknownValue(instanceType) ? "computed in preview" : "not set (serverless or inference components)"}`);
            const count = peek(variant.variant, "initialInstanceCount");
            base.instanceCount = knownNumber(count);
            if (base.instanceCount === undefined) unknown.push(`instanceCount: ${isUnknownValue(count) ? "computed in preview" : "not set"}`);
            if (max !== undefined) base.maxInstanceCount = max;
            if (base.instanceType) {
                const instances = Math.max(base.instanceCount ?? 0, max ?? 0);
                base.quota = { name: endpointQuotaName(base.instanceType), ...(instances > 0 ? { instances } : {}) };
            }
            const containers = containersOf(model, deferrals);
            if (containers.length === 0) {
                out.push({ ...base, unknown: [...unknown, "engine: the model's containers or their environment are computed in preview or not set"] });
                continue;
            }
            for (const container of containers)
                out.push(describeContainer(base, unknown, model as Resource, container, containers.length > 1, modelParameters));
        }
    }
    for (const model of resources.filter((r) => r.type === MODEL_TYPE && !served.has(r.urn))) {
        const unknown = [
            "instanceType: no endpoint configuration of the program is known to serve the model (none links it, or which one does is computed in preview)",
        ];
        const containers = containersOf(model, new Deferrals());
        if (containers.length === 0)
            out.push({ model: model.name, unknown: [...unknown, "engine: the model's containers or their environment are computed in preview or not set"] });
        for (const container of containers)
            out.push(describeContainer({ model: model.name }, unknown, model, container, containers.length > 1, modelParameters));
    }
    return out;
}

/** The fit policy's `modelParameters` as the plan's policy evaluation configured it (empty without policies). */
export function fitModelParameters(result: PolicyResult | undefined): Record<string, number> {
    const config = result?.policies.find((p) => p.name === FIT_POLICY)?.config.modelParameters;
    return config && typeof config === "object" ? (config as Record<string, number>) : {};
}
