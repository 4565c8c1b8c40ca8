/**
 * What the availability policies need: whether a resource belongs to a production deployment, and
 * an endpoint's configuration and autoscaling targets, linked through the stack's dependencies
 * (endpoint and config names are unknown during preview).
 *
 * "Production" is decided by policy config, not by the program: the engine gives a policy no stack
 * name, but every URN carries it (`urn:pulumi:<stack>::<project>::...`), and the AWS provider's
 * default tags (or the resource's own tags, or the Pulumi Cloud stack tags) carry the environment.
 */
import { PolicyConfigSchema, PolicyProviderResource, PolicyResource } from "@pulumi/policy";
import { Deferrals, isUnknownValue, peek } from "./values";
import { ENDPOINT_CONFIG_TYPE, SCALING_TARGET_TYPE } from "./instancesServing";
import { defaultTagsOfBlock, effectiveTags, rawTagMap } from "./tagsEffective";
import { stackOfUrn } from "./urn";

export interface ProductionConfig {
    /** Stack names that are production. */
    productionStacks: string[];
    /** Tag whose value names the environment. */
    environmentTagKey: string;
    /** Values of that tag that mean production (case-insensitive). */
    productionEnvironments: string[];
}

/** The schema defaults of the production settings (PRODUCTION_SCHEMA). */
export const PRODUCTION_DEFAULTS: ProductionConfig = {
    productionStacks: [],
    environmentTagKey: "Environment",
    productionEnvironments: ["production", "prod"],
};

/** JSON Schema properties of the production settings, for the policies that take them. */
export const PRODUCTION_SCHEMA: Record<keyof ProductionConfig, PolicyConfigSchema["properties"][string]> = {
    productionStacks: {
        type: "array",
        items: { type: "string", minLength: 1 },
        default: PRODUCTION_DEFAULTS.productionStacks,
        description: "Stack names (as in the resources' URNs) whose endpoints are production.",
    },
    environmentTagKey: {
        type: "string",
        minLength: 1,
        default: PRODUCTION_DEFAULTS.environmentTagKey,
        description: "Tag (resource tags, the AWS provider's default tags, or stack tags) naming the environment.",
    },
    productionEnvironments: {
        type: "array",
        items: { type: "string", minLength: 1 },
        default: PRODUCTION_DEFAULTS.productionEnvironments,
        description: "Values of environmentTagKey that mean production (case-insensitive).",
    },
};

/**
 * The resource's environment tag value as the provider merges it (its own tags over `tagsAll` over
 * the provider's default tags); undefined when unset or unknown in preview. Looks without reading,
 * so an unknown value defers nothing.
 */
export function environmentOf(props: unknown, provider: PolicyProviderResource | undefined, key: string): string | undefined {
    const defaults = provider?.type === "pulumi:providers:aws" ? defaultTagsOfBlock(peek(provider.props, "defaultTags")) : {};
    const value = effectiveTags(defaults, rawTagMap(peek(props, "tagsAll")), rawTagMap(peek(props, "tags")))[key];
    return typeof value === "string" ? value : undefined;
}

/** Why a resource is production, or undefined when it is not. */
export function productionReason(
    resource: { urn: string; props: unknown; provider?: PolicyProviderResource },
    stackTags: ReadonlyMap<string, string>,
    c: ProductionConfig,
): string | undefined {
    const stack = stackOfUrn(resource.urn);
    if (stack && c.productionStacks.includes(stack)) return `stack ${stack} is in productionStacks`;
    const production = new Set(c.productionEnvironments.map((e) => e.toLowerCase()));
    const tag = environmentOf(resource.props, resource.provider, c.environmentTagKey);
    if (tag !== undefined && production.has(tag.toLowerCase())) return `tag ${c.environmentTagKey}=${tag}`;
    const stackTag = stackTags.get(c.environmentTagKey);
    if (stackTag !== undefined && production.has(stackTag.toLowerCase())) return `stack tag ${c.environmentTagKey}=${stackTag}`;
    return undefined;
}

/**
 * An endpoint's configuration: the EndpointConfiguration its `endpointConfigName` depends on, or,
 * when the name is known, the one with that name. Undefined for a configuration outside the stack;
 * deferred when neither link nor name tells.
 */
export function configOfEndpoint(endpoint: PolicyResource, resources: PolicyResource[], deferrals: Deferrals): PolicyResource | undefined {
    // Stryker disable next-line ArrayDeclaration: a placeholder element is dropped by the type filter, like any dependency that is no configuration.
    const linked = (endpoint.propertyDependencies.endpointConfigName ?? []).filter((r) => r.type === ENDPOINT_CONFIG_TYPE);
    if (linked.length === 1) return linked[0];
    const name = deferrals.readKnown(endpoint.props, "endpointConfigName", { resource: endpoint.name, path: "endpointConfigName" });
    if (typeof name !== "string") return undefined;
    return resources.find((r) => r.type === ENDPOINT_CONFIG_TYPE && peek(r.props, "name") === name);
}

export interface VariantTarget {
    target: PolicyResource;
    /** The variant the target scales, when its resourceId is known. */
    variantName?: string;
}

/**
 * The Application Auto Scaling targets that scale an endpoint's variants: targets in the
 * `sagemaker` namespace whose `resourceId` depends on the endpoint, or (known names) reads
 * `endpoint/<endpoint name>/variant/<variant>`.
 */
export function scalingTargetsOf(endpoint: PolicyResource, resources: PolicyResource[]): VariantTarget[] {
    const endpointName = peek(endpoint.props, "name");
    const out: VariantTarget[] = [];
    for (const target of resources.filter((r) => r.type === SCALING_TARGET_TYPE)) {
        const namespace = peek(target.props, "serviceNamespace");
        if (typeof namespace === "string" && !isUnknownValue(namespace) && namespace !== "sagemaker") continue;
        const resourceId = peek(target.props, "resourceId");
        const parsed = typeof resourceId === "string" && !isUnknownValue(resourceId) ? /^endpoint\/([^/]+)\/variant\/(.+)/.exec(resourceId) : null;
        // Stryker disable next-line ArrayDeclaration: a placeholder dependency has no urn, so it is not the endpoint
        const linked = (target.propertyDependencies.resourceId ?? []).some((r) => r.urn === endpoint.urn);
        const named = parsed !== null && parsed[1] === endpointName;
        if (linked || named) out.push({ target, variantName: parsed?.[2] });
    }
    return out;
}
