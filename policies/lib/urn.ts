/**
 * Reading a Pulumi URN: `urn:pulumi:<Stack>::<Project>::<Qualified$Type$Name>::<Name>`, the qualified
 * type being the parents' types and the resource's joined by `$` (pulumi/pulumi
 * sdk/go/common/resource/urn/urn.go, checked 2026-12-02).
 */

/** The stack name in a URN; undefined when the text is not a URN. Pure. */
export function stackOfUrn(urn: string): string | undefined {
    const match = /^urn:pulumi:([^:]+)::/.exec(urn);
    return match?.[1];
}

/** The project name in a URN; undefined when the text is not a URN. Pure. */
export function projectOfUrn(urn: string): string | undefined {
    const match = /^urn:pulumi:[^:]+::([^:]+)::/.exec(urn);
    return match?.[1];
}

/** The types in a URN's type chain, outermost parent first; none when the text is not a URN. Pure. */
export function urnTypeChain(urn: string): string[] {
    const parts = urn.split("::");
    if (parts.length < 4 || !parts[0].startsWith("urn:pulumi:")) return [];
    return parts[2].split("$");
}
