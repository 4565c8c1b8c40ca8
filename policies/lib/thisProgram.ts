/**
 * Whether a resource was made by this repository's Pulumi program. The pack is enforced on stacks
 * the program never wrote, so its findings speak of the resource and the property to change; only
 * on a resource the program made does a finding also name the program's setting that changes it.
 *
 * A URN carries the project and the types of the resource's parents (./urn.ts), so a resource
 * parented by one of the program's components says so in its own URN, in preview and at `pulumi up`
 * alike. The components are also a package other programs use (components/, from any language),
 * whose settings are their own arguments, so the project must be this program's too.
 */
import { projectOfUrn, urnTypeChain } from "./urn";

/** The program's project name (Pulumi.yaml); tests/policies/thisProgram.test.ts checks it. */
export const PROGRAM_PROJECT = "sagemaker-llm";

/**
 * The component types the program registers (components/*.ts), and the types they had before the
 * component package (their aliases); tests/policies/thisProgram.test.ts checks the list against them.
 */
export const PROGRAM_COMPONENT_TYPES: readonly string[] = ["ArtifactBucket", "LlmEndpoint", "PrivateNetwork", "ResearchNotebook", "StackEncryption"].flatMap(
    (component) => [`sagemaker-llm:index:${component}`, `sagemaker-llm:components:${component}`],
);

/** True when the resource is in this program's project and one of its parents (or it) is one of the program's components. Pure. */
export function madeByThisProgram(urn: string | undefined): boolean {
    return urn !== undefined && projectOfUrn(urn) === PROGRAM_PROJECT && urnTypeChain(urn).some((type) => PROGRAM_COMPONENT_TYPES.includes(type));
}

/** The message, with the program's setting named when the resource is the program's. Pure. */
export function withProgramHint(message: string, urn: string | undefined, hint: string | undefined): string {
    return hint !== undefined && madeByThisProgram(urn) ? `${message} In this program: ${hint}` : message;
}
