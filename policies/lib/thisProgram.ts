/**
 * Whether a resource was made by this repository's Pulumi program. The pack is enforced on stacks
 * the program never wrote, so its findings speak of the resource and the property to change; only
 * on a resource the program made does a finding also name the program's setting that changes it.
 *
 * A URN carries the types of the resource's parents: `urn:pulumi:<Stack>::<Project>::<Qualified$Type$Name>::<Name>`,
 * the qualified type being the parents' types and the resource's joined by `$` (pulumi/pulumi
 * sdk/go/common/resource/urn/urn.go, checked 2026-12-02). So a resource parented by one of the
 * program's components says so in its own URN, in preview and at `pulumi up` alike.
 */

/** The component types the program registers (components/*.ts); tests/policies/thisProgram.test.ts checks the list against them. */
export const PROGRAM_COMPONENT_TYPES: readonly string[] = [
    "sagemaker-llm:components:ArtifactBucket",
    "sagemaker-llm:components:LlmEndpoint",
    "sagemaker-llm:components:PrivateNetwork",
    "sagemaker-llm:components:ResearchNotebook",
    "sagemaker-llm:components:StackEncryption",
];

/** The types in a URN's type chain, outermost parent first; none when the text is not a URN. Pure. */
export function urnTypeChain(urn: string): string[] {
    const parts = urn.split("::");
    if (parts.length < 4 || !parts[0].startsWith("urn:pulumi:")) return [];
    return parts[2].split("$");
}

/** True when one of the resource's parents (or the resource) is a component of this program. Pure. */
export function madeByThisProgram(urn: string | undefined): boolean {
    return urn !== undefined && urnTypeChain(urn).some((type) => PROGRAM_COMPONENT_TYPES.includes(type));
}

/** The message, with the program's setting named when the resource is the program's. Pure. */
export function withProgramHint(message: string, urn: string | undefined, hint: string | undefined): string {
    return hint !== undefined && madeByThisProgram(urn) ? `${message} In this program: ${hint}` : message;
}
