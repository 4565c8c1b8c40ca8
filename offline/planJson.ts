/**
 * The plan's `--json` form (format 3) and back. In memory a value unknown in preview is the SDK's
 * wire sentinel (`runtime.unknownValue`, ./mockRun.ts UNKNOWN); a file must not carry it, since any
 * reader would take it for a real string. In the file:
 *
 * - every value unknown in preview is `null`, and the record holding it lists where in `computed`,
 *   as JSON Pointers (RFC 6901) relative to the record: `"/inputs/arn"`,
 *   `"/inputs/productionVariants/0/modelName"` (a `/` in a key is `~1`, a `~` is `~0`). `null` alone
 *   does not say "computed": a program may set a property to null.
 * - The records are each resource (`resources[]`, `updateSnapshot[]`), each lookup (`lookups[]`),
 *   each differing input of a change (`changes.changes[].inputs[]`), and the plan itself for
 *   everything else (`"/outputs/kmsKeyArn"`). Every record has `computed`, empty when all is known.
 * - A string with an unknown part (a provider reference `<urn>::<id>` whose provider is created in
 *   the same run) is unknown as a whole. Resources and lookups with a provider also carry
 *   `providerUrn`, the URN part of the reference, known even when the id is not.
 *
 * Secret values stay as ./changes.ts writes them: `[secret:<8 hex>]` fingerprints.
 */
import { PlanResource } from "./changes";
import { CapturedInvoke, UNKNOWN } from "./mockRun";
import type { Plan } from "./plan";

/** Where a record holds values unknown in preview: JSON Pointers relative to the record. */
export interface Computed {
    computed: string[];
}

/** A resource as the JSON file holds it. */
export type PlanResourceJson = PlanResource & Computed & { providerUrn?: string };

function pointerToken(key: string): string {
    return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

function parsePointer(pointer: string): string[] {
    return pointer
        .split("/")
        .slice(1)
        .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `value` with unknowns as null; their pointers (under `at`) are pushed to `computed`. */
function encode(value: unknown, at: string, computed: string[]): unknown {
    if (typeof value === "string" && value.includes(UNKNOWN)) {
        computed.push(at);
        return null;
    }
    if (Array.isArray(value)) return value.map((v, i) => encode(v, `${at}/${i}`, computed));
    if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v, `${at}/${pointerToken(k)}`, computed)]));
    return value;
}

/** A record (an object) with unknowns as null and its own `computed` list. */
function record<T extends object>(value: T): T & Computed {
    const computed: string[] = [];
    return { ...(encode(value, "", computed) as T), computed };
}

/** The URN of a provider reference `<urn>::<id>` (a URN holds `::` itself; an id does not). */
function providerUrnOf(reference: string | undefined): string | undefined {
    return reference === undefined ? undefined : reference.slice(0, reference.lastIndexOf("::"));
}

function resourceRecord(r: PlanResource): PlanResourceJson {
    return record({ ...r, ...(r.provider ? { providerUrn: providerUrnOf(r.provider) } : {}) });
}

function lookupRecord(l: CapturedInvoke): CapturedInvoke & Computed {
    return record({ ...l, ...(l.provider ? { providerUrn: providerUrnOf(l.provider) } : {}) });
}

/** The plan as `--json` writes it (format 3): no sentinel anywhere, unknowns as null and listed. */
export function planJson(p: Plan): Record<string, unknown> {
    const computed: string[] = [];
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(p)) {
        if (key === "resources" || key === "updateSnapshot") out[key] = (value as PlanResource[] | undefined)?.map(resourceRecord);
        else if (key === "lookups") out[key] = (value as CapturedInvoke[]).map(lookupRecord);
        else if (key === "changes" && value) {
            const { changes, ...rest } = value as NonNullable<Plan["changes"]>;
            out[key] = {
                ...(encode(rest, "/changes", computed) as object),
                changes: changes.map((c, i) => ({
                    ...(encode({ ...c, inputs: undefined }, `/changes/changes/${i}`, computed) as object),
                    inputs: c.inputs.map(record),
                })),
            };
        } else out[key] = encode(value, `/${pointerToken(key)}`, computed);
    }
    out.computed = computed;
    return out;
}

/**
 * A resource read back from a format-3 file, unknowns as the sentinel again (what ./changes.ts
 * compares). A pointer that leads nowhere in the record is an error: the file was edited or broken.
 */
export function restoreComputed(r: PlanResourceJson): PlanResource {
    const { computed, providerUrn, ...resource } = r;
    for (const pointer of computed ?? []) {
        const tokens = parsePointer(pointer);
        if (pointer === "/provider" && providerUrn !== undefined) {
            resource.provider = `${providerUrn}::${UNKNOWN}`;
            continue;
        }
        let holder: unknown = resource;
        for (const token of tokens.slice(0, -1))
            holder = isPlainObject(holder) || Array.isArray(holder) ? (holder as Record<string, unknown>)[token] : undefined;
        const last = tokens[tokens.length - 1];
        if (last === undefined || !(isPlainObject(holder) || Array.isArray(holder)) || (holder as Record<string, unknown>)[last] !== null) {
            throw new Error(`resource ${r.urn}: computed ${JSON.stringify(pointer)} does not point at a null value`);
        }
        (holder as Record<string, unknown>)[last] = UNKNOWN;
    }
    return resource;
}
