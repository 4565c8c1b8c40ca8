/**
 * Which earlier resource each resource of a run is, through the aliases the program declared: what
 * lets `pulumi up` keep a resource whose type, name or parent changed instead of creating a new one
 * and deleting the old. Mocks have no engine, so the change preview (./changes.ts) matches them here
 * the way the engine does when the SDK sends alias specs (it does whenever the engine supports them;
 * @pulumi/pulumi runtime/resource.js `mapAliasesForRequest`), in registration order:
 *
 * - a resource is looked up in the earlier state by its URN first, then by each alias, and takes the
 *   first found that no other resource has claimed (`getOldResource`);
 * - a spec's unset name and type are the resource's own; its parent is the one it names (the earlier
 *   URN of that parent, if the parent was itself found by an alias), none with `noParent` or when the
 *   parent is the root stack, else the resource's own parent (`collapseAliasToUrn`);
 * - a child whose parent was found by an alias also answers to its own type and name, and to each of
 *   its specs, under the parent's earlier URN; a name starting with the parent's name takes the
 *   parent's earlier name as that prefix (`generateAliases`, `inheritedChildAlias`).
 *
 * Source: pulumi/pulumi pkg/resource/deploy/step_generator.go (functions named above) and
 * sdk/go/common/resource/alias.go `CreateURN`, sdk/go/common/resource/urn/urn.go `New`, at commit
 * 1b594989 (2026-08-21), read 2026-12-02.
 *
 * URN form: the engine's type chain is the parent's chain, `$`, the type, the root stack left out.
 * Pulumi's mock monitor (@pulumi/pulumi runtime/mocks.js `newUrn`) forms it from the parent's last
 * type only, the root stack's included. The form is read from the run, so aliases resolve to the
 * URNs an earlier run of the same kind had.
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

/** What alias matching needs of a registered resource. */
export interface AliasedResource {
    urn: string;
    type: string;
    name: string;
    parent?: string;
    aliases?: AliasSpec[];
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

/** The URN of `type`/`name` under `parentUrn` (none: top level) in a stack and project, in the given form. */
export function makeUrn(stack: string, project: string, parentUrn: string | undefined, type: string, name: string, form: UrnForm = "engine"): string {
    const parentChain = parentUrn ? parseUrn(parentUrn).qualifiedType : undefined;
    let qualified = type;
    if (parentChain && form === "mock") qualified = `${parentChain.split("$").pop()}$${type}`;
    else if (parentChain && parentChain !== ROOT_STACK_TYPE) qualified = `${parentChain}$${type}`;
    return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/**
 * The earlier URN each resource of `resources` (in registration order: parents first) takes over
 * from `earlier`, for those found by an alias rather than by their own URN.
 */
export function matchEarlierResources(resources: AliasedResource[], earlier: ReadonlySet<string>): Map<string, string> {
    // Only the mock monitor puts the root stack's type into a URN.
    const form: UrnForm = resources.some((r) => parseUrn(r.urn).qualifiedType.startsWith(`${ROOT_STACK_TYPE}$`)) ? "mock" : "engine";
    const current = new Set(resources.map((r) => r.urn));
    const names = new Map(resources.map((r) => [r.urn, r.name]));
    const foundByAlias = new Map<string, string>();
    const claimed = new Set<string>();

    const isRootStack = (urn: string) => parseUrn(urn).qualifiedType === ROOT_STACK_TYPE;
    const collapse = (r: AliasedResource, spec: AliasSpec): string => {
        if (spec.urn) return spec.urn;
        const { stack, project } = parseUrn(r.urn);
        let parent = spec.parentUrn ? (foundByAlias.get(spec.parentUrn) ?? spec.parentUrn) : r.parent;
        // The engine drops a root-stack parent; the mock monitor's URNs keep its type.
        if (spec.noParent || (parent && isRootStack(parent) && form === "engine")) parent = undefined;
        return makeUrn(spec.stack || stack, spec.project || project, parent, spec.type || r.type, spec.name || r.name, form);
    };
    const inherited = (type: string, name: string, parentName: string, parentEarlier: string): string => {
        const { stack, project } = parseUrn(parentEarlier);
        const aliasName = name.startsWith(parentName) ? parseUrn(parentEarlier).name + name.slice(parentName.length) : name;
        return makeUrn(stack, project, parentEarlier, type, aliasName, form);
    };

    for (const r of resources) {
        const specs = r.aliases ?? [];
        const candidates = specs.map((spec) => collapse(r, spec));
        const parentEarlier = r.parent ? foundByAlias.get(r.parent) : undefined;
        if (parentEarlier) {
            const parentName = names.get(r.parent!) ?? "";
            candidates.push(inherited(r.type, r.name, parentName, parentEarlier));
            for (const spec of specs) {
                const own = parseUrn(collapse(r, spec));
                candidates.push(inherited(own.qualifiedType.split("$").pop()!, own.name, parentName, parentEarlier));
            }
        }
        if (earlier.has(r.urn)) continue;
        const match = candidates.find((urn) => earlier.has(urn) && !current.has(urn) && !claimed.has(urn));
        if (match) {
            foundByAlias.set(r.urn, match);
            claimed.add(match);
        }
    }
    return foundByAlias;
}
