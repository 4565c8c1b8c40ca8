/**
 * Tag values match the allowed pattern configured for their key (e.g. DataClassification only
 * `CUI`, `internal` or `public`), counting the AWS provider's default tags. Keys without a pattern,
 * and keys a resource does not carry (aws-resource-tags-required's concern), are not checked. Default: no
 * patterns, so the policy checks nothing until an organization configures `allowedValues`.
 *
 * Unknowns (`deferred`): the value matters, so a tag value (or map) unknown in preview makes the
 * policy "not run" there; it runs at `pulumi up`.
 */
import { resourceGuardrail } from "../lib/guardrail";
import { effectiveTags, isTaggable, TagMap, UNKNOWN_TAG } from "../lib/tagsEffective";
import { tagSources } from "./awsResourceTagsRequired";
import { Deferrals } from "../lib/values";

const REMEDIATION = "Change the tag's value (in the provider's defaultTags or the resource's `tags`) to one the `allowedValues` pattern for its key accepts.";

export interface TagValueProblem {
    key: string;
    value: string;
    pattern: string;
}

/** Tags whose known value does not match its key's pattern (anchored by the pattern itself). Pure. */
export function disallowedTagValues(tags: TagMap, allowed: Record<string, string>): TagValueProblem[] {
    const problems: TagValueProblem[] = [];
    for (const [key, pattern] of Object.entries(allowed)) {
        if (!(key in tags)) continue;
        const value = tags[key];
        if (value === UNKNOWN_TAG) continue;
        let re: RegExp;
        try {
            re = new RegExp(pattern, "u");
        } catch (err) {
            throw new Error(
                `aws-resource-tag-values-allowed config: allowedValues.${key} = ${JSON.stringify(pattern)} is not a valid regular expression (${(err as Error).message})`,
                { cause: err },
            );
        }
        if (!re.test(value)) problems.push({ key, value, pattern });
    }
    return problems;
}

export const awsResourceTagValuesAllowed = resourceGuardrail(
    {
        name: "aws-resource-tag-values-allowed",
        description: "Tag values match the pattern configured for their key in allowedValues (provider default tags count).",
        enforcementLevel: "mandatory",
        severity: "medium",
        url: "https://docs.aws.amazon.com/whitepapers/latest/tagging-best-practices/defining-and-publishing-a-tagging-schema.html",
        configSchema: {
            properties: {
                allowedValues: {
                    type: "object",
                    additionalProperties: { type: "string", minLength: 1 },
                    default: {},
                    description: 'Regular expression per tag key its value must match, e.g. { "DataClassification": "^(CUI|internal|public)$" }.',
                },
            },
        },
        family: "tags",
        remediationSteps: REMEDIATION,
        controls: ["CM-8", "RA-2", "AC-16"],
        unknowns: "deferred",
        rationale: "A data classification or environment tag is only useful to access rules, inventory and audits if its value comes from a fixed vocabulary.",
    },
    (args, reportViolation) => {
        const allowed = args.getConfig<{ allowedValues: Record<string, string> }>().allowedValues;
        if (Object.keys(allowed).length === 0 || !isTaggable(args.type, args.props)) return;
        const sources = tagSources(args);
        const tags = effectiveTags(sources.defaults, sources.tagsAll, sources.own);
        for (const p of disallowedTagValues(tags, allowed)) {
            // Stryker disable next-line StringLiteral: the engine sends every AWS resource's provider, so there is always one to name.
            const where = sources.own && p.key in sources.own ? "tags" : `default tags of provider '${args.provider?.name ?? "-"}'`;
            reportViolation(
                `${args.type} '${args.name}' has ${where} ${p.key} = ${JSON.stringify(p.value)}, which does not match ${JSON.stringify(p.pattern)}. ${REMEDIATION}`,
            );
        }
        // A checked value unknown in preview: the policy reports "not run" (after any violations
        // above), naming the tag as the resource ends up with it (tagsAll), and checks it at `pulumi up`.
        const deferrals = new Deferrals();
        for (const key of Object.keys(allowed)) if (tags[key] === UNKNOWN_TAG) deferrals.add(args.name, `tagsAll.${key}`);
        deferrals.settle();
    },
);
