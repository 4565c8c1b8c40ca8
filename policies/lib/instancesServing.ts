/**
 * What the instance and availability policies need to know about SageMaker serving resources:
 * the variants of an endpoint configuration, which Model each variant serves (linked through the
 * stack's property dependencies, since model names are unknown during preview), the serving
 * engine and container environment of a model, and which catalog model (or parameter count) a Model
 * holds.
 *
 * Values unknown during preview are recorded in a `Deferrals` list (./values.ts) instead of being
 * read through @pulumi/policy's proxy, so a stack policy first reports every violation it can
 * determine and then reports itself as not run (`Deferrals.settle`), the way the analyzer reports a
 * policy that read an unknown value.
 */
import { PolicyResource } from "@pulumi/policy";
import { Engine, engineOfEnvironment, engineOfRepository, isDlcRegistryAccount } from "../catalog/engines";
import { findModel, findModelByIdOrHubId, MODEL_TAG_KEY, ModelSpec } from "../catalog/models";
import { Deferrals, isUnknownValue, isUnset, peek, UNKNOWN } from "./values";

export const MODEL_TYPE = "aws:sagemaker/model:Model";
export const ENDPOINT_CONFIG_TYPE = "aws:sagemaker/endpointConfiguration:EndpointConfiguration";
export const ENDPOINT_TYPE = "aws:sagemaker/endpoint:Endpoint";
export const NOTEBOOK_TYPE = "aws:sagemaker/notebookInstance:NotebookInstance";
export const SCALING_TARGET_TYPE = "aws:appautoscaling/target:Target";

/** An engine's model variable for weights SageMaker copied into the container (weights from S3) starts with `/`. */
export const isLocalModelPath = (hfModelId: string): boolean => hfModelId.startsWith("/");

// ------------------------------------------------------------------------------------------------
// Variants and the models they serve
// ------------------------------------------------------------------------------------------------

export type VariantList = "productionVariants" | "shadowProductionVariants";
export const VARIANT_LISTS: VariantList[] = ["productionVariants", "shadowProductionVariants"];

export interface VariantRef {
    list: VariantList;
    index: number;
    /** `productionVariants.0`: the property path, as the analyzer names paths. */
    path: string;
    /** `productionVariants[0]`: as messages name it. */
    label: string;
    /** The raw variant object (peek values from it; they may be unknown sentinels). */
    variant: Record<string, unknown>;
}

/** The variants of an endpoint configuration's properties; an unknown list is recorded as deferred. */
export function variantsOf(resourceName: string, props: unknown, deferrals: Deferrals, lists: VariantList[] = VARIANT_LISTS): VariantRef[] {
    const refs: VariantRef[] = [];
    for (const list of lists) {
        const value = deferrals.readKnown(props, list, { resource: resourceName, path: list });
        if (!Array.isArray(value)) continue;
        value.forEach((variant, index) => {
            const path = `${list}.${index}`;
            if (isUnknownValue(variant)) deferrals.add(resourceName, path, variant);
            else if (variant && typeof variant === "object")
                refs.push({ list, index, path, label: `${list}[${index}]`, variant: variant as Record<string, unknown> });
        });
    }
    return refs;
}

export interface ServedModel {
    variant: VariantRef;
    model: PolicyResource;
}

/**
 * The Model each variant of an endpoint configuration serves. A variant's `modelName`, when known
 * (`pulumi up`), is matched to the stack's Models by name; when unknown (preview: names carry
 * generated suffixes) the variant is linked through the config's property dependencies, which is
 * unambiguous when the variants depend on one Model. Several Models and unknown names: deferred.
 * A known name matching no Model of the stack is a model created elsewhere, which no policy here
 * can see (skipped).
 */
export function modelsServedBy(config: PolicyResource, resources: PolicyResource[], deferrals: Deferrals): ServedModel[] {
    const variants = variantsOf(config.name, config.props, deferrals);
    // Stryker disable next-line ArrayDeclaration: a placeholder dependency is dropped by the type filter
    const linked = [...new Set(VARIANT_LISTS.flatMap((list) => config.propertyDependencies[list] ?? []))].filter((r) => r.type === MODEL_TYPE);
    const stackModels = resources.filter((r) => r.type === MODEL_TYPE);
    const served: ServedModel[] = [];
    for (const variant of variants) {
        const name = peek(variant.variant, "modelName");
        if (typeof name === "string" && !isUnknownValue(name)) {
            const byName = stackModels.find((m) => peek(m.props, "name") === name);
            const model = byName ?? (linked.length === 1 && variants.length === 1 ? linked[0] : undefined);
            if (model) served.push({ variant, model });
        } else if (linked.length === 1) {
            served.push({ variant, model: linked[0] });
        } else if (linked.length >= 2) {
            deferrals.add(config.name, `${variant.path}.modelName`, name, `${linked.length} models linked, name unknown`);
        }
    }
    return served;
}

// ------------------------------------------------------------------------------------------------
// Serving containers
// ------------------------------------------------------------------------------------------------

export interface ServingContainer {
    /** `primaryContainer` or `containers.1`. */
    path: string;
    /** Known string values of the environment; unknown ones are recorded as deferred when read. */
    environment: Record<string, unknown>;
    /** The image, when known. */
    image?: string;
}

/**
 * The engine a container runs: by its image's repository (../catalog/engines.ts); another repository of
 * the Hugging Face/AWS container registries is another container (LMI, the inference toolkit);
 * any other image (a private mirror) is recognised by variables only one engine reads.
 */
export function engineOf(container: ServingContainer): Engine | undefined {
    const match = container.image ? /^(\d{12})\.dkr\.ecr[^/]*\/([^:@]+)/.exec(container.image) : null;
    if (match) {
        const engine = engineOfRepository(match[2]);
        if (engine || isDlcRegistryAccount(match[1])) return engine;
    }
    return engineOfEnvironment(Object.keys(container.environment));
}

/**
 * The containers of a Model that carry an environment (primaryContainer, containers[]); with
 * `include`, only the containers it accepts (read before their environment, so an environment
 * unknown in preview is recorded only for the containers asked about).
 */
export function containersOf(
    model: Pick<PolicyResource, "name" | "props">,
    deferrals: Deferrals,
    include: (container: unknown) => boolean = () => true,
): ServingContainer[] {
    const out: ServingContainer[] = [];
    const add = (container: unknown, path: string) => {
        if (isUnknownValue(container)) return deferrals.add(model.name, path, container);
        if (!include(container)) return;
        // A container that is absent or no object has no environment (peek reads none), so it is skipped below.
        const environment = deferrals.readKnown(container, "environment", { resource: model.name, path: `${path}.environment` });
        const image = peek(container, "image");
        if (environment && typeof environment === "object")
            out.push({
                path,
                environment: environment as Record<string, unknown>,
                image: typeof image === "string" && !isUnknownValue(image) ? image : undefined,
            });
    };
    add(peek(model.props, "primaryContainer"), "primaryContainer");
    const containers = deferrals.readKnown(model.props, "containers", { resource: model.name, path: "containers" });
    if (Array.isArray(containers)) containers.forEach((c, i) => add(c, `containers.${i}`));
    return out;
}

export interface ServedContainer {
    /** An endpoint configuration, one of its variants, and the variant's (known) instance type. */
    config: PolicyResource;
    variant: VariantRef;
    instanceType: string;
    /** The Model the variant serves, and one of its containers. */
    model: PolicyResource;
    container: ServingContainer;
}

/**
 * Every container served by a variant (of an endpoint configuration of the stack) whose instance
 * type is known. Lazy, so values unknown in preview are recorded in `deferrals` in the order the
 * caller reads them.
 */
export function* servedContainers(resources: PolicyResource[], deferrals: Deferrals): Generator<ServedContainer> {
    // Stryker disable next-line MethodExpression: only endpoint configurations have production variants (modelsServedBy finds none elsewhere)
    for (const config of resources.filter((r) => r.type === ENDPOINT_CONFIG_TYPE)) {
        for (const { variant, model } of modelsServedBy(config, resources, deferrals)) {
            const instanceType = deferrals.readKnown(variant.variant, "instanceType", { resource: config.name, path: `${variant.path}.instanceType` });
            if (typeof instanceType !== "string") continue; // unknown (UNKNOWN, recorded) or unset
            for (const container of containersOf(model, deferrals)) yield { config, variant, instanceType, model, container };
        }
    }
}

/** An environment variable: its string value, undefined when unset, UNKNOWN when unknown (recorded). */
export function envValue(
    model: Pick<PolicyResource, "name">,
    container: ServingContainer,
    key: string,
    deferrals: Deferrals,
): string | undefined | typeof UNKNOWN {
    const value = deferrals.readKnown(container.environment, key, { resource: model.name, path: `${container.path}.environment.${key}` });
    if (value === UNKNOWN) return UNKNOWN;
    return isUnset(value) ? undefined : String(value);
}

// ------------------------------------------------------------------------------------------------
// Which model a Model resource holds
// ------------------------------------------------------------------------------------------------

export interface ModelIdentity {
    parametersBillions: number;
    /** The catalog entry, when the model is one (its default dtype and startup timeout apply). */
    spec?: ModelSpec;
    /** For messages: `tiiuae/falcon-40b-instruct (41.8B parameters, from HF_MODEL_ID)`. */
    label: string;
}

/** Deployment name the program gives a Model resource: components/llmEndpoint.ts names it `${name}-model`. */
export function deploymentNameOf(modelResourceName: string): string {
    return modelResourceName.replace(/-model$/, "");
}

/** A tag of a resource (its own tags, then tagsAll), when known and not empty. */
export function tagValue(props: unknown, key: string): string | undefined {
    for (const bag of ["tags", "tagsAll"]) {
        const value = peek(peek(props, bag), key);
        if (typeof value === "string" && !isUnknownValue(value) && value !== "") return value;
    }
    return undefined;
}

/**
 * Which model a serving container serves, in this order:
 * 1. The engine's model variable (`HF_MODEL_ID`, `SM_VLLM_MODEL`, ...) is a Hub id: the catalog entry with that Hub id (../catalog/models.ts), else
 *    `modelParameters[<hub id>]`.
 * 2. It is a local path (weights from S3, `/opt/ml/model`), which names no model:
 *    `modelParameters[<deployment name>]` or `modelParameters[<Model resource name>]` (policy
 *    config), then the Model's `sagemaker-llm:model` tag (catalog id or Hub id, or a
 *    `modelParameters` key), then the program's naming convention: the Model resource is named
 *    `<deployment>-model` and a deployment's default name is its catalog id.
 * Undefined when none applies: the caller reports the policy as not run.
 */
export function identifyModel(model: PolicyResource, modelRef: string, modelParameters: Record<string, number>, variable: string): ModelIdentity | undefined {
    const fromConfig = (key: string, how: string): ModelIdentity | undefined =>
        typeof modelParameters[key] === "number"
            ? { parametersBillions: modelParameters[key], label: `${key} (${modelParameters[key]}B parameters, from policy config modelParameters, ${how})` }
            : undefined;
    const fromCatalog = (spec: ModelSpec | undefined, how: string): ModelIdentity | undefined =>
        spec ? { parametersBillions: spec.parametersBillions, spec, label: `${spec.hfModelId} (${spec.parametersBillions}B parameters, ${how})` } : undefined;

    if (!isLocalModelPath(modelRef)) {
        return fromCatalog(findModelByIdOrHubId(modelRef), `from ${variable}`) ?? fromConfig(modelRef, variable);
    }
    const deployment = deploymentNameOf(model.name);
    const tag = tagValue(model.props, MODEL_TAG_KEY);
    return (
        fromConfig(deployment, `deployment ${deployment}`) ??
        fromConfig(model.name, `model ${model.name}`) ??
        (tag !== undefined
            ? (fromCatalog(findModelByIdOrHubId(tag), `from tag ${MODEL_TAG_KEY}=${tag}`) ?? fromConfig(tag, `tag ${MODEL_TAG_KEY}`))
            : undefined) ??
        fromCatalog(findModel(deployment), `catalog id from the model resource name ${model.name}`)
    );
}

/** Why a model could not be identified, with the fix (for the not-run message). */
export function unidentifiedModelReason(model: PolicyResource, modelRef: string, variable: string): string {
    return isLocalModelPath(modelRef)
        ? `${variable}=${modelRef} (weights from S3) does not say which model ${model.name} holds; set policy config modelParameters {"${deploymentNameOf(model.name)}": <billions>} or tag the model ${MODEL_TAG_KEY}=<catalog id>`
        : `${modelRef} is not in the pack's model catalog; set policy config modelParameters {"${modelRef}": <billions>}`;
}
