/**
 * The pack's config schemas, as a platform team meets them in a --policy-pack-config file: every
 * setting says what it is, every default is valid, and no list or map of names, ids or patterns takes
 * an empty string (an empty pattern matches every value; an empty id or name matches nothing and
 * hides a typo).
 */
import * as assert from "assert";
import { PolicyConfigSchema } from "@pulumi/policy";
import { PolicyConfigError, resolvePolicyConfig } from "../../offline/policyEngine";
import { freshRequire } from "../freshModules";
import { POLICY_RENAMES } from "../../policies/renamedPolicies";
import { guardrailsPack } from "./harness";

type PropertySchema = PolicyConfigSchema["properties"][string];

/** Values for one property that are valid except for an empty string at one place, with where it is. */
function emptyStringPlacements(schema: PropertySchema): { value: unknown; where: string }[] {
    const s = schema as { type?: string; items?: PropertySchema; properties?: Record<string, PropertySchema>; additionalProperties?: PropertySchema | boolean };
    if (s.type === "string") return [{ value: "", where: "" }];
    if (s.type === "array" && s.items) return emptyStringPlacements(s.items).map((p) => ({ value: [p.value], where: `.0${p.where}` }));
    if (s.type !== "object") return [];
    const nested = Object.entries(s.properties ?? {}).flatMap(([key, sub]) =>
        emptyStringPlacements(sub).map((p) => ({ value: { [key]: p.value }, where: `.${key}${p.where}` })),
    );
    const extra =
        typeof s.additionalProperties === "object"
            ? emptyStringPlacements(s.additionalProperties).map((p) => ({ value: { someKey: p.value }, where: `.someKey${p.where}` }))
            : [];
    return [...nested, ...extra];
}

describe("the pack's config schemas", () => {
    it("every config setting of every policy is described in a whole sentence", () => {
        // Loaded afresh (tests/freshModules.ts), so the descriptions are what the code makes now.
        const guardrails = freshRequire<typeof import("../../policies/guardrails")>("policies/guardrails").guardrails;
        const sentence = /^["'`A-Z].{20,}\.\)?$/s;
        let settings = 0;
        for (const g of guardrails) {
            for (const [key, schema] of Object.entries(g.configSchema?.properties ?? {})) {
                settings++;
                assert.match(String((schema as { description?: unknown }).description), sentence, `${g.name}.${key}`);
            }
        }
        assert.ok(settings >= 25, `${settings} settings`);
    });

    it("every setting has a default (policies read their config without fallbacks: the engine fills these in), and the defaults are valid config", async () => {
        const pack = await guardrailsPack();
        const resolved = resolvePolicyConfig(pack, {});
        // A former policy name takes its policy's settings without defaults, so whatever arrives under it was set (policies/lib/renamedConfig.ts).
        const formerNames = new Set(POLICY_RENAMES.map((r) => r.formerName));
        for (const policy of pack.policies) {
            for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
                if (formerNames.has(policy.name)) {
                    assert.ok(!("default" in schema), `${policy.name}.${key} (a former name) has a default`);
                    continue;
                }
                assert.ok("default" in schema, `${policy.name}.${key} has no default`);
                assert.deepEqual(resolved[policy.name].properties?.[key], (schema as { default?: unknown }).default, `${policy.name}.${key}`);
            }
        }
    });

    it("no string setting, list item or map value accepts an empty string, and the error names the policy and the place", async () => {
        const pack = await guardrailsPack();
        let cases = 0;
        for (const policy of pack.policies) {
            for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
                for (const { value, where } of emptyStringPlacements(schema)) {
                    cases++;
                    assert.throws(
                        () => resolvePolicyConfig(pack, { [policy.name]: { [key]: value } }),
                        (err: Error) => {
                            assert.ok(err instanceof PolicyConfigError, String(err));
                            assert.match(
                                err.message,
                                new RegExp(`${policy.name}: ${key}${where.replace(/\./g, "\\.")}: must NOT have fewer than 1 characters`),
                            );
                            return true;
                        },
                        `${policy.name}.${key}${where} = ""`,
                    );
                }
            }
        }
        // Every list and map of strings above: subnet ids, service names, instance types per partition,
        // platforms, tag keys and patterns, regions per partition, principals, condition keys, stacks.
        assert.ok(cases >= 22, `${cases} placements`);
    });

    it("parameter counts are non-negative numbers", async () => {
        const pack = await guardrailsPack();
        for (const [count, error] of [
            [-1, "must be >= 0"],
            ["70", "must be number"],
        ] as const) {
            assert.throws(
                () => resolvePolicyConfig(pack, { "sagemaker-model-fits-gpu-memory": { modelParameters: { "my-model": count } } }),
                new RegExp(`sagemaker-model-fits-gpu-memory: modelParameters\\.my-model: ${error}`),
            );
        }
    });

    it("the list of condition keys that limit a trust cannot be emptied", async () => {
        const pack = await guardrailsPack();
        assert.throws(
            () => resolvePolicyConfig(pack, { "iam-role-trust-source-account": { conditionKeys: [] } }),
            /iam-role-trust-source-account: conditionKeys: must NOT have fewer than 1 items/,
        );
    });
});
