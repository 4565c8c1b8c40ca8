/**
 * Whether a resource was made by this repository's Pulumi program. The pack is enforced on stacks
 * the program never wrote, so its findings speak of the resource and the property to change; only
 * on a resource the program made does a finding also name the program's setting that changes it.
 *
 * A URN carries the types of the resource's parents (./urn.ts), so a resource parented by one of
 * the program's components says so in its own URN, in preview and at `pulumi up` alike.
 */
import { urnTypeChain } from "./urn";

/** The component types the program registers (components/*.ts); tests/policies/thisProgram.test.ts checks the list against them. */
export const PROGRAM_COMPONENT_TYPES: readonly string[] = [
    "sagemaker-llm:components:ArtifactBucket",
    "sagemaker-llm:components:LlmEndpoint",
    "sagemaker-llm:components:PrivateNetwork",
    "sagemaker-llm:components:ResearchNotebook",
    "sagemaker-llm:components:StackEncryption",
];

/** True when one of the resource's parents (or the resource) is a component of this program. Pure. */
export function madeByThisProgram(urn: string | undefined): boolean {
    return urn !== undefined && urnTypeChain(urn).some((type) => PROGRAM_COMPONENT_TYPES.includes(type));
}

/** The message, with the program's setting named when the resource is the program's. Pure. */
export function withProgramHint(message: string, urn: string | undefined, hint: string | undefined): string {
    return hint !== undefined && madeByThisProgram(urn) ? `${message} In this program: ${hint}` : message;
}
