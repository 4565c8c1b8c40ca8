/** A resource as offline/mockRun.ts captures it, for tests that build captures by hand. */
import type { CapturedResource } from "../offline/mockRun";

/** A custom resource of `type` and `name` with `inputs`, no options set; `extra` overrides any field. */
export function capturedResource(type: string, name: string, inputs: Record<string, unknown>, extra: Partial<CapturedResource> = {}): CapturedResource {
    const propertyDependencies = extra.propertyDependencies ?? {};
    return {
        urn: `urn:pulumi:s::p::${type}::${name}`,
        type,
        name,
        custom: true,
        remote: false,
        dependencies: Object.values(propertyDependencies).flat(),
        propertyDependencies,
        inputs,
        options: {
            protect: false,
            deleteBeforeReplace: false,
            deleteBeforeReplaceDefined: false,
            replaceOnChanges: [],
            ignoreChanges: [],
            additionalSecretOutputs: [],
            retainOnDelete: false,
            aliases: [],
        },
        ...extra,
    };
}
