/**
 * The components' type tokens. As a Pulumi component package (PulumiPlugin.yaml beside
 * package.json here), each component's type is `<package>:index:<Component>`, the form Pulumi's
 * component provider accepts (@pulumi/pulumi provider/experimental/provider.js
 * `validateResourceType`: module `index` or empty), with the package named by package.json.
 * Before the package, the same components were `sagemaker-llm:components:<Component>`; each
 * declares that type as an alias, so stacks deployed then keep every resource (the engine maps a
 * component's aliases onto its children's URNs too).
 */
import * as pulumi from "@pulumi/pulumi";

/** The package's name, as components/package.json gives it (tests/componentPackage.test.ts checks they agree). */
export const PACKAGE_NAME = "sagemaker-llm";

/** `sagemaker-llm:index:<Component>`. */
export function packageType(component: string): string {
    return `${PACKAGE_NAME}:index:${component}`;
}

/** The type a component had before the package: `sagemaker-llm:components:<Component>`. */
export function previousType(component: string): string {
    return `sagemaker-llm:components:${component}`;
}

/** The caller's options with the component's previous type added to its aliases. */
export function withPreviousType(component: string, opts: pulumi.ComponentResourceOptions | undefined): pulumi.ComponentResourceOptions {
    return { ...opts, aliases: [...(opts?.aliases ?? []), { type: previousType(component) }] };
}

/**
 * The resources the caller made the component depend on (its `dependsOn`), for the children that
 * must wait for them too: the engine orders the component itself after them, not its children.
 */
export function dependenciesOf(opts: pulumi.ComponentResourceOptions | undefined): pulumi.Input<pulumi.Resource>[] {
    const dependsOn = opts?.dependsOn;
    if (dependsOn === undefined) return [];
    if (Array.isArray(dependsOn)) return dependsOn;
    if (pulumi.Resource.isInstance(dependsOn)) return [dependsOn];
    throw new Error("dependsOn of a sagemaker-llm component must be a resource or a list of resources, not an output or a promise of them.");
}
