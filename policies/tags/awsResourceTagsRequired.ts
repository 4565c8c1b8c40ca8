/**
 * Every taggable AWS resource carries the required tag keys, counting the AWS provider's default
 * tags (a resource's own `tags` merge over them, as the provider does).
 *
 * Taggable: the type's `Args` declare a `tags` map in @pulumi/aws (table generated into
 * ../lib/tagsTaggable.ts and checked against the installed SDK by the tests), or, for a type newer
 * than the table, its inputs carry a `tags` map or `tagsAll`.
 *
 * Unknowns (`deferred`): a `tags` map (or the provider's `defaultTags`) that is unknown as a whole in
 * preview is read through the policy proxy, so the policy reports "not run" and checks it at
 * `pulumi up`; a single tag whose value is unknown counts as set (only the key matters here).
 */
import { ResourceValidationArgs } from "@pulumi/policy";
import { resourceGuardrail } from "../lib/guardrail";
import { describeTags, effectiveTags, isTaggable, missingTags, providerDefaultTags, rawTagMap, TagMap } from "../lib/tagsEffective";
import { peek } from "../lib/values";

/** Mirrors the program's `requiredTagKeys` default (Pulumi.yaml); a test keeps the two equal. */
export const DEFAULT_REQUIRED_TAGS = ["Owner", "Project", "Environment", "DataClassification"];

const REMEDIATION =
    "Set the missing keys in the AWS provider's defaultTags (for the default provider: `pulumi config set --path aws:defaultTags.tags.<Key> <value>`) " +
    "or in the resource's own `tags`.";

export interface TagSources {
    defaults: TagMap;
    tagsAll?: TagMap;
    own?: TagMap;
}

/** The required keys a resource lacks, given where its tags come from. Pure. */
export function requiredTagsMissing(sources: TagSources, required: readonly string[]): string[] {
    return missingTags(effectiveTags(sources.defaults, sources.tagsAll, sources.own), required);
}

/** Reads a resource's tag sources; reading `tags` through the proxy defers a wholly unknown map. */
export function tagSources(args: Pick<ResourceValidationArgs, "props" | "provider">): TagSources {
    const props = args.props as Record<string, unknown>;
    const own = rawTagMap(props.tags); // throws (not run in preview) if the whole map is unknown
    // `tagsAll` appears only in provider-checked inputs (a real engine); unknown there is ignored.
    const tagsAll = rawTagMap(peek(props, "tagsAll"));
    return { defaults: providerDefaultTags(args.provider), tagsAll, own };
}

const MISSING_PHRASE = "is missing required tag(s)";

/**
 * The tag keys a finding of this policy names as missing, or none for another message. Pure. (The
 * offline plan reads findings with it to print one line per missing tag.)
 */
export function missingTagsOfFinding(message: string): string[] {
    // Tag keys may hold spaces, ":" and other punctuation; the list ends where the tags are shown.
    const m = /is missing required tag\(s\) (.+?): tags = \{/.exec(message);
    return m ? m[1].split(", ") : [];
}

export const awsResourceTagsRequired = resourceGuardrail(
    {
        name: "aws-resource-tags-required",
        description: "Every taggable AWS resource carries the required tag keys (provider default tags count).",
        enforcementLevel: "mandatory",
        severity: "medium",
        url: "https://docs.aws.amazon.com/whitepapers/latest/tagging-best-practices/defining-and-publishing-a-tagging-schema.html",
        configSchema: {
            properties: {
                requiredTags: {
                    type: "array",
                    items: { type: "string", minLength: 1 },
                    default: DEFAULT_REQUIRED_TAGS,
                    description: "Tag keys every taggable resource must carry, with a non-blank value.",
                },
            },
        },
        family: "tags",
        remediationSteps: REMEDIATION,
        inThisProgram:
            "set the keys under tags in the stack's settings (`pulumi config set --path tags.<Key> <value>`), which become the provider's defaultTags.",
        controls: ["CM-8", "CM-2", "RA-2"],
        unknowns: "deferred",
        rationale:
            "Owner, project, environment and data classification on every resource keep the component inventory complete and " +
            "attribute each resource to a system and a data category.",
    },
    (args, reportViolation) => {
        if (!isTaggable(args.type, args.props)) return;
        const required = args.getConfig<{ requiredTags: string[] }>().requiredTags;
        const sources = tagSources(args);
        const missing = requiredTagsMissing(sources, required);
        if (missing.length === 0) return;
        // Stryker disable next-line StringLiteral: the engine sends every AWS resource's provider, so there is always one to name.
        const provider = args.provider ? `provider '${args.provider.name}'` : "no provider";
        reportViolation(
            `${args.type} '${args.name}' ${MISSING_PHRASE} ${missing.join(", ")}: ` +
                `tags = {${describeTags(sources.own ?? {})}}, default tags of ${provider} = {${describeTags(sources.defaults)}}. ${REMEDIATION}`,
        );
    },
);
