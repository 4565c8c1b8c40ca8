/**
 * The tags a resource ends up with: the AWS provider's default tags, then the resource's own `tags`
 * on top (a resource tag with the same key wins, as the provider merges them into `tagsAll`).
 *
 * Where the provider's default tags come from: @pulumi/policy hands a policy the resource's provider
 * as `args.provider` (type, URN, name, `props` = the provider's inputs). For an explicit
 * `new aws.Provider(..., { defaultTags: { tags } })` the SDK sends `defaultTags` as JSON text
 * (`"{\"tags\":{...}}"`), which the provider's CheckConfig decodes; for a default provider the
 * engine builds the inputs from the stack's `aws:*` config (`aws:defaultTags`, JSON). Both shapes
 * are accepted here: an object `{ tags: {...} }`, its JSON text, or (Terraform's block form) a
 * one-element list of it.
 */
import { PolicyProviderResource } from "@pulumi/policy";
import { TAGGABLE_TYPES } from "./tagsTaggable";
import { isUnknownValue, isUnset, peek } from "./values";

/** A tag's value as far as presence goes: `UNKNOWN_TAG` stands for a value unknown in preview. */
export const UNKNOWN_TAG = Symbol("unknown tag value");
export type TagValue = string | typeof UNKNOWN_TAG;
export type TagMap = Record<string, TagValue>;

/** A raw (un-proxied) tags map: keys with string values; unknown values kept as UNKNOWN_TAG. */
export function rawTagMap(value: unknown): TagMap | undefined {
    if (!value || typeof value !== "object" || Array.isArray(value)) return undefined;
    const out: TagMap = {};
    for (const key of Object.keys(value)) {
        const v = peek(value, key);
        if (isUnknownValue(v)) out[key] = UNKNOWN_TAG;
        else if (typeof v === "string") out[key] = v;
        else if (!isUnset(v)) out[key] = String(v);
    }
    return out;
}

/**
 * The provider's default tags. Reads `defaultTags` through the policy proxy, so a provider whose
 * default tags are unknown in preview makes the calling policy "not run" (it runs at `pulumi up`).
 */
export function providerDefaultTags(provider: PolicyProviderResource | undefined): TagMap {
    if (!provider || provider.type !== "pulumi:providers:aws") return {};
    // Read through the proxy: throws UnknownValueError if unknown (deferred).
    return defaultTagsOfBlock((provider.props as Record<string, unknown>).defaultTags);
}

/** The tags of a provider's `defaultTags` value, in any of the shapes above; {} when it has none. */
export function defaultTagsOfBlock(value: unknown): TagMap {
    let block = value;
    if (typeof block === "string") {
        try {
            block = JSON.parse(block);
        } catch {
            // Not JSON (an unknown value's sentinel among them): a string has no tags.
        }
    }
    if (Array.isArray(block)) block = block[0];
    return rawTagMap(peek(block, "tags")) ?? {}; // peek reads nothing from null or a non-object
}

/** Default tags, then `tagsAll` when the engine already merged them (provider-checked inputs), then `tags`. */
export function effectiveTags(defaults: TagMap, tagsAll: TagMap | undefined, own: TagMap | undefined): TagMap {
    return { ...defaults, ...(tagsAll ?? {}), ...(own ?? {}) };
}

/** A tag counts as set when it has a non-blank value or a value unknown in preview. */
export function isTagSet(tags: TagMap, key: string): boolean {
    if (!(key in tags)) return false;
    const v = tags[key];
    return v === UNKNOWN_TAG || v.trim() !== "";
}

/** Required keys not set (missing, or blank). Pure: exported for tests and the README. */
export function missingTags(tags: TagMap, required: readonly string[]): string[] {
    return required.filter((key) => !isTagSet(tags, key));
}

/** `key=value` list for messages; unknown values show as `<computed>`. */
export function describeTags(tags: TagMap): string {
    const entries = Object.entries(tags);
    if (entries.length === 0) return "none";
    return entries.map(([k, v]) => `${k}=${v === UNKNOWN_TAG ? "<computed>" : JSON.stringify(v)}`).join(", ");
}

/**
 * Whether a resource takes tags: its type is in the generated table (./tagsTaggable.ts), or, for a
 * type newer than the table, its inputs carry a `tags` map or `tagsAll`.
 */
export function isTaggable(type: string, props: unknown): boolean {
    if (TAGGABLE_TYPES.has(type)) return true;
    if (!type.startsWith("aws:")) return false;
    const tags = peek(props, "tags");
    return peek(props, "tagsAll") !== undefined || isUnknownValue(tags) || (!!tags && typeof tags === "object" && !Array.isArray(tags));
}
