/**
 * Where a SageMaker model's containers get their weights, for the policies that judge the network a
 * model needs and what it downloads:
 * - from S3: the container has model data (`modelDataUrl`, or `modelDataSource`, which SageMaker
 *   copies into `/opt/ml/model` before the container starts, with the execution role, outside the
 *   container's network);
 * - from the Hugging Face Hub: no model data, and the engine's model variable (../catalog/engines.ts:
 *   `SM_VLLM_MODEL`, `SM_SGLANG_MODEL_PATH`, TGI's `HF_MODEL_ID`; `HF_MODEL_ID` for another
 *   Hugging Face container) holds a Hub id (`org/name`), which the container downloads itself.
 * A local path (`/opt/ml/model`) or a URL in the model variable is not the Hub.
 *
 * Values unknown in preview are recorded in a `Deferrals` list (./values.ts).
 */
import { PolicyResource } from "@pulumi/policy";
import { Engine, HUB_MODEL_VARIABLE, HUB_REVISION_VARIABLE } from "../catalog/engines";
import { containersOf, engineOf, envValue, ServingContainer } from "./instancesServing";
import { Deferrals, isPresent, isUnknownValue, peek, UNKNOWN } from "./values";

/** What these functions read of a model: its name (for deferrals) and its properties. */
export type ModelLike = Pick<PolicyResource, "name" | "props">;

/** A Hub repository id as the Hub names them: `name` or `org/name`. */
const HUB_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*(?:\/[A-Za-z0-9][A-Za-z0-9._-]*)?$/;
/** A Hub revision that names one commit: its full 40-hex sha. Branches and tags move. */
const COMMIT_SHA = /^[0-9a-f]{40}$/;

/** Whether the model variable's value is a Hub repository id (not a local path or a URL). */
export function isHubModelId(value: string): boolean {
    return HUB_ID.test(value);
}

/** Whether a Hub revision is pinned: a full commit sha, not a branch (`main`) or a tag. Pure. */
export function isPinnedRevision(revision: string): boolean {
    return COMMIT_SHA.test(revision);
}

/** Whether a container has model data from S3 (present counts: an S3 URI computed in preview is set). */
export function hasS3ModelData(container: unknown): boolean {
    return isPresent(container, "modelDataUrl") || isPresent(container, "modelDataSource");
}

/** The model and revision variables a container reads: its engine's, or those of the other Hugging Face containers. */
export function hubVariables(engine: Engine | undefined): { model: string; revision: string } {
    return engine ? { model: engine.variables.model, revision: engine.variables.revision } : { model: HUB_MODEL_VARIABLE, revision: HUB_REVISION_VARIABLE };
}

/** A container that downloads its weights from the Hugging Face Hub. */
export interface HubContainer {
    container: ServingContainer;
    engine?: Engine;
    /** The model variable and its value (the Hub id). */
    variable: string;
    hubId: string;
    /** The variable that pins the revision, for this container. */
    revisionVariable: string;
}

/**
 * The containers of a model that download weights from the Hub. A model variable unknown in preview
 * is recorded in `deferrals` (the container may or may not use the Hub).
 */
export function hubContainers(model: ModelLike, deferrals: Deferrals): HubContainer[] {
    const found: HubContainer[] = [];
    // Containers with model data from S3 are not asked about, so their environment is never read.
    for (const container of containersOf(model, deferrals, (raw) => !hasS3ModelData(raw))) {
        const engine = engineOf(container);
        const variables = hubVariables(engine);
        const value = envValue(model, container, variables.model, deferrals);
        if (value === UNKNOWN || value === undefined || !isHubModelId(value)) continue;
        found.push({ container, engine, variable: variables.model, hubId: value, revisionVariable: variables.revision });
    }
    return found;
}

/** The containers of a model with model data from S3, by property path. */
export function s3Containers(model: ModelLike): string[] {
    const paths: string[] = [];
    if (hasS3ModelData(peek(model.props, "primaryContainer"))) paths.push("primaryContainer");
    const containers = peek(model.props, "containers");
    if (Array.isArray(containers)) containers.forEach((c, i) => hasS3ModelData(c) && paths.push(`containers.${i}`));
    return paths;
}

/** A model's `enableNetworkIsolation`: true, false (unset counts as false, SageMaker's default), or UNKNOWN (recorded). */
export function networkIsolation(model: ModelLike, deferrals: Deferrals): boolean | typeof UNKNOWN {
    const value = deferrals.readKnown(model.props, "enableNetworkIsolation", { resource: model.name, path: "enableNetworkIsolation" });
    if (value === UNKNOWN) return UNKNOWN;
    return value === true || value === "true";
}

/** A container image and where it sits. */
export interface ContainerImage {
    /** `primaryContainer.image`, `containers.1.image` */
    path: string;
    image: string;
}

/** Every known container image of a model; one unknown in preview is recorded in `deferrals`. */
export function modelImages(model: ModelLike, deferrals: Deferrals): ContainerImage[] {
    const out: ContainerImage[] = [];
    const add = (container: unknown, path: string) => {
        if (isUnknownValue(container)) return deferrals.add(model.name, path, container);
        const image = deferrals.readKnown(container, "image", { resource: model.name, path: `${path}.image` });
        if (typeof image === "string" && image !== "") out.push({ path: `${path}.image`, image });
    };
    add(peek(model.props, "primaryContainer"), "primaryContainer");
    const containers = deferrals.readKnown(model.props, "containers", { resource: model.name, path: "containers" });
    if (Array.isArray(containers)) containers.forEach((c, i) => add(c, `containers.${i}`));
    return out;
}
