/**
 * The URNs a resource may have had before, from the aliases the program declared: what lets
 * `pulumi up` keep a resource whose type, name or parent changed instead of creating a new one and
 * deleting the old. Mocks have no engine, so the change preview (./changes.ts) resolves aliases
 * here the way the engine does when the SDK sends alias specs (it does whenever the engine supports
 * them; @pulumi/pulumi runtime/resource.js `mapAliasesForRequest`):
 *
 * - a spec's unset name, type, stack and project are the resource's own; its parent is the one the
 *   spec names, none with `noParent`, else the resource's own parent;
 * - a child also answers to its own name and type under every URN its parent may have had (the
 *   parent's aliases, themselves inherited from its parent), and to each of its own specs under them;
 * - a URN's type part is its parent's type chain, `$`, its own type, the root stack left out. Pulumi's
 *   mock monitor (@pulumi/pulumi runtime/mocks.js `newUrn`) forms URNs otherwise: the parent's last
 *   type only, the root stack's included. The form is read from the graph being resolved, so aliases
 *   resolve to the URNs that graph's earlier runs had.
 *
 * Source: pulumi/pulumi pkg/resource/deploy/step_generator.go (`generateAliases`,
 * `inheritedChildAlias`) and sdk/go/common/resource/urn.go (`NewURN`), checked 2026-12-02.
 */

/** One alias as the SDK sends it: a whole URN, or a spec of what differed. */
export interface AliasSpec {
    urn?: string;
    name?: string;
    type?: string;
    stack?: string;
    project?: string;
    parentUrn?: string;
    noParent?: boolean;
}

/** What alias resolution needs of a registered resource. */
export interface AliasedResource {
    urn: string;
    type: string;
    name: string;
    parent?: string;
    aliases: AliasSpec[];
}

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/** The parts of `urn:pulumi:<stack>::<project>::<qualified type>::<name>`. */
function parseUrn(urn: string): { stack: string; project: string; qualifiedType: string; name: string } {
    const match = /^urn:pulumi:([^:]*)::([^:]*)::(.*?)::(.*)$/s.exec(urn);
    if (!match) throw new Error(`not a Pulumi URN: ${urn}`);
    return { stack: match[1], project: match[2], qualifiedType: match[3], name: match[4] };
}

/** How URNs are formed: by the engine, or by Pulumi's mock monitor. */
export type UrnForm = "engine" | "mock";

/** The URN of `type`/`name` under `parentUrn` in a stack and project, in the given form. */
export function makeUrn(stack: string, project: string, parentUrn: string | undefined, type: string, name: string, form: UrnForm = "engine"): string {
    const parentChain = parentUrn ? parseUrn(parentUrn).qualifiedType : undefined;
    let qualified = type;
    if (parentChain && form === "mock") qualified = `${parentChain.split("$").pop()}$${type}`;
    else if (parentChain && parentChain !== ROOT_STACK_TYPE) qualified = `${parentChain}$${type}`;
    return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/**
 * Every URN each resource may have had before, by URN (empty for a resource with no aliases of its
 * own or inherited). `resources` must contain each resource's parent.
 */
export function aliasUrns(resources: AliasedResource[]): Map<string, string[]> {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    // Only the mock monitor puts the root stack's type into a URN.
    const form: UrnForm = resources.some((r) => parseUrn(r.urn).qualifiedType.startsWith(`${ROOT_STACK_TYPE}$`)) ? "mock" : "engine";
    const memo = new Map<string, string[]>();
    const resolve = (r: AliasedResource): string[] => {
        const known = memo.get(r.urn);
        if (known) return known;
        const { stack, project } = parseUrn(r.urn);
        const out = new Set<string>();
        for (const spec of r.aliases) {
            if (spec.urn) {
                out.add(spec.urn);
                continue;
            }
            const parent = spec.noParent ? undefined : (spec.parentUrn ?? r.parent);
            out.add(makeUrn(spec.stack || stack, spec.project || project, parent, spec.type || r.type, spec.name || r.name, form));
        }
        const parent = r.parent ? byUrn.get(r.parent) : undefined;
        for (const parentAlias of parent ? resolve(parent) : []) {
            out.add(makeUrn(stack, project, parentAlias, r.type, r.name, form));
            for (const spec of r.aliases) {
                if (spec.urn || spec.noParent || (spec.parentUrn && spec.parentUrn !== r.parent)) continue;
                out.add(makeUrn(spec.stack || stack, spec.project || project, parentAlias, spec.type || r.type, spec.name || r.name, form));
            }
        }
        out.delete(r.urn);
        const list = [...out];
        memo.set(r.urn, list);
        return list;
    };
    return new Map(resources.map((r) => [r.urn, resolve(r)]));
}
