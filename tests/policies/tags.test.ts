/**
 * The tags family (policies/tags/): aws-resource-tags-required and aws-resource-tag-values-allowed, on the repo's stacks and
 * on fixture programs (tests/fixtures/policy-governance), through @pulumi/policy's analyzer.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { UNKNOWN_TAG, describeTags, isTaggable, providerDefaultTags } from "../../policies/lib/tagsEffective";
import { TAGGABLE_BY_MODULE, TAGGABLE_SOURCE, TAGGABLE_TYPES } from "../../policies/lib/tagsTaggable";
import { tagGuardrails } from "../../policies/tags";
import { DEFAULT_REQUIRED_TAGS, missingTagsOfFinding, requiredTagsMissing, tagSources } from "../../policies/tags/awsResourceTagsRequired";
import { disallowedTagValues } from "../../policies/tags/awsResourceTagValuesAllowed";
import { UNKNOWN as WIRE_UNKNOWN } from "../../offline/mockRun";
import { loadProject, qualifyKey } from "../../offline/projectConfig";
import { REPO_ROOT } from "../graph";
import { assertClean } from "./assertions";
import { Evaluation, EvaluateOptions, evaluateRepoStack, evaluateStack, FIXTURES } from "./harness";
import { familyOf } from "../../policies/lib/guardrail";
import { controlsOf } from "../../policies/lib/nist";

// ------------------------------------------------------------------------------------------------
// The taggable-type table, generated from @pulumi/aws
// ------------------------------------------------------------------------------------------------

const TABLE_FILE = path.join(REPO_ROOT, "policies", "lib", "tagsTaggable.ts");

interface SdkScan {
    version: string;
    /** Types whose Args declare a `tags` map and whose state has `tagsAll`, by module. */
    byModule: Record<string, string[]>;
    /** Types with a `tags` map but no `tagsAll` (provider default tags would not reach them). */
    withoutTagsAll: string[];
    /** Types whose `tags` input is not a map. */
    nonMapTags: string[];
}

/** Reads the installed @pulumi/aws: every resource class, its type token and its Args' `tags`. */
function scanAwsSdk(): SdkScan {
    const root = path.dirname(require.resolve("@pulumi/aws/package.json", { paths: [REPO_ROOT] }));
    const version = (JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { version: string }).version;
    const byModule: Record<string, string[]> = {};
    const withoutTagsAll: string[] = [];
    const nonMapTags: string[] = [];
    const walk = (dir: string): void => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
            const file = path.join(dir, entry.name);
            if (entry.isDirectory()) {
                if (entry.name !== "node_modules") walk(file);
                continue;
            }
            if (!entry.name.endsWith(".js")) continue;
            const js = fs.readFileSync(file, "utf8");
            const token = /static __pulumiType = '(aws:[^']+)'/.exec(js)?.[1];
            const cls = /class (\w+) extends pulumi\.CustomResource/.exec(js)?.[1];
            if (!token || !cls) continue;
            const dts = fs.readFileSync(file.replace(/\.js$/, ".d.ts"), "utf8");
            const args = new RegExp(`export interface ${cls}Args \\{([\\s\\S]*?)\\n\\}`).exec(dts)?.[1] ?? "";
            const tags = /\n {4}tags\?: pulumi\.Input<(.)/.exec(args);
            if (!tags) continue;
            if (tags[1] !== "{") {
                nonMapTags.push(token);
                continue;
            }
            if (!/\n {4}readonly tagsAll: /.test(dts)) {
                withoutTagsAll.push(token);
                continue;
            }
            const [, module, , name] = /^aws:([^/]+)\/([^:]+):(.+)$/.exec(token)!;
            assert.equal(
                token,
                `aws:${module}/${name[0].toLowerCase()}${name.slice(1)}:${name}`,
                `${token} does not follow the token scheme the table relies on`,
            );
            (byModule[module] ??= []).push(name);
        }
    };
    walk(root);
    for (const list of Object.values(byModule)) list.sort();
    return { version, byModule, withoutTagsAll: withoutTagsAll.sort(), nonMapTags: nonMapTags.sort() };
}

function renderTable(scan: SdkScan): string {
    const lines: string[] = [];
    for (const module of Object.keys(scan.byModule).sort()) {
        const key = /^[a-z_][a-z0-9_]*$/i.test(module) ? module : JSON.stringify(module);
        let line = `    ${key}: [`;
        const items = scan.byModule[module].map((c) => JSON.stringify(c));
        const wrapped: string[] = [];
        for (const item of items) {
            const next = `${line}${line.endsWith("[") ? "" : " "}${item},`;
            if (next.length > 130 && !line.endsWith("[")) {
                wrapped.push(line);
                line = `        ${item},`;
            } else {
                line = next;
            }
        }
        wrapped.push(line.replace(/,$/, "") + "],");
        lines.push(...wrapped);
    }
    return `/**
 * Which AWS resource types take tags, for the tags family. GENERATED by tests/policies/tags.test.ts
 * from the installed @pulumi/aws; regenerate with
 *   UPDATE_TAGGABLE=1 npx mocha --no-config -r ./offline/tsCache.js tests/policies/tags.test.ts
 * (the test fails when the installed SDK and this table differ).
 *
 * How taggability is decided: from the provider's own schema as @pulumi/aws exposes it. A type is
 * taggable when its \`<Resource>Args\` declare a \`tags\` map (\`tags?: pulumi.Input<{ [key: string]: ... }>\`)
 * and its state has the computed \`tagsAll\`, which is how the provider applies its \`defaultTags\`.
 * Types whose \`tags\` input is not a map are not counted: default tags do not reach them
 * (in this version: ${
     scan.nonMapTags
         .map((t) => {
             const [, m, , c] = /^aws:([^/]+)\/([^:]+):(.+)$/.exec(t)!;
             return `aws.${m}.${c}`;
         })
         .join(", ") || "none"
 }). The pack cannot read the SDK at run
 * time (policies/package.json does not depend on @pulumi/aws), hence the table. A type newer than
 * the table still counts when its inputs carry a \`tags\` map or \`tagsAll\` (tagsEffective.ts isTaggable).
 *
 * Token scheme: \`aws:<module>/<class with a lower-case first letter>:<class>\` (checked by the generator).
 */

/** The SDK the table was generated from. */
export const TAGGABLE_SOURCE = "@pulumi/aws ${scan.version}";

/** Taggable resource classes by @pulumi/aws module. */
export const TAGGABLE_BY_MODULE: Record<string, readonly string[]> = {
${lines.join("\n")}
};

/** Type tokens of every taggable resource type. */
export const TAGGABLE_TYPES: ReadonlySet<string> = new Set(
    Object.entries(TAGGABLE_BY_MODULE).flatMap(([module, classes]) => classes.map((c) => \`aws:\${module}/\${c[0].toLowerCase()}\${c.slice(1)}:\${c}\`)),
);
`;
}

describe("tags family", function () {
    it("a missing-tags finding reads back as its tag keys (the plan's grouped lines), keys with spaces and colons too", async function () {
        this.timeout(120_000);
        const e = await evaluateRepoStack("govcloud", {
            policyConfig: { "aws-resource-tags-required": { requiredTags: ["Cost Center", "team:owner", "Owner"] } },
        });
        const findings = e.of("aws-resource-tags-required");
        assert.ok(findings.length > 10);
        for (const v of findings) assert.deepEqual(missingTagsOfFinding(v.message), ["Cost Center", "team:owner"], v.resourceName);
        assert.deepEqual(missingTagsOfFinding("Bucket 'b' is versioned: tags = {}"), []);
    });

    describe("taggable types (policies/lib/tagsTaggable.ts)", function () {
        let scan: SdkScan;
        before(function () {
            scan = scanAwsSdk();
            if (process.env.UPDATE_TAGGABLE) fs.writeFileSync(TABLE_FILE, renderTable(scan));
        });

        it("matches the installed @pulumi/aws: every type with a tags map, and only those", function () {
            assert.equal(TAGGABLE_SOURCE, `@pulumi/aws ${scan.version}`, "regenerate the table (UPDATE_TAGGABLE=1)");
            assert.deepEqual(TAGGABLE_BY_MODULE, scan.byModule, "regenerate the table (UPDATE_TAGGABLE=1)");
            assert.ok(TAGGABLE_TYPES.size > 800, `only ${TAGGABLE_TYPES.size} taggable types`);
            for (const t of ["aws:s3/bucket:Bucket", "aws:iam/role:Role", "aws:sagemaker/endpoint:Endpoint", "aws:ec2/vpc:Vpc", "aws:kms/key:Key"])
                assert.ok(TAGGABLE_TYPES.has(t), t);
            for (const t of ["aws:iam/rolePolicy:RolePolicy", "aws:kms/alias:Alias", "aws:s3/bucketVersioning:BucketVersioning", "aws:autoscaling/group:Group"])
                assert.ok(!TAGGABLE_TYPES.has(t), t);
        });

        it("every type with a tags map also takes the provider's default tags (tagsAll)", function () {
            assert.deepEqual(scan.withoutTagsAll, [], "such types need their own handling in aws-resource-tags-required (default tags do not reach them)");
        });
    });

    describe("metadata", function () {
        it("lists aws-resource-tags-required and aws-resource-tag-values-allowed, mandatory, with controls, remediation and unknowns", function () {
            assert.deepEqual(
                tagGuardrails.map((g) => g.name),
                ["aws-resource-tags-required", "aws-resource-tag-values-allowed"],
            );
            for (const g of tagGuardrails) {
                assert.equal(g.enforcementLevel, "mandatory");
                assert.equal(familyOf(g), "tags");
                assert.equal(g.meta.unknowns, "deferred");
                assert.ok(
                    controlsOf(g.framework).length > 0 && controlsOf(g.framework).every((c) => /^[A-Z]{2}-\d+(\(\d+\))?$/.test(c)),
                    controlsOf(g.framework).join(),
                );
                assert.ok(g.remediationSteps.length > 40 && g.meta.rationale.length > 40);
            }
        });

        it("requires by default the tag keys the program requires (Pulumi.yaml requiredTagKeys)", function () {
            const project = loadProject(REPO_ROOT);
            assert.deepEqual(DEFAULT_REQUIRED_TAGS, project.declarations[qualifyKey(project.name, "requiredTagKeys")].default);
        });
    });

    describe("reasoning (pure functions)", function () {
        it("merges resource tags over the provider's default tags; blank values do not count, unknown ones do", function () {
            const req = ["Owner", "Project", "DataClassification"];
            assert.deepEqual(requiredTagsMissing({ defaults: { Owner: "a", Project: "b" }, own: { DataClassification: "CUI" } }, req), []);
            assert.deepEqual(requiredTagsMissing({ defaults: { Owner: "a", Project: "b" }, own: { Owner: "" } }, req), ["Owner", "DataClassification"]);
            assert.deepEqual(requiredTagsMissing({ defaults: {}, tagsAll: { Owner: "a", Project: "b" }, own: { DataClassification: UNKNOWN_TAG } }, req), []);
            assert.deepEqual(disallowedTagValues({ DataClassification: "secret", Owner: "x" }, { DataClassification: "^(CUI|internal)$", Missing: "^x$" }), [
                { key: "DataClassification", value: "secret", pattern: "^(CUI|internal)$" },
            ]);
            assert.deepEqual(disallowedTagValues({ DataClassification: UNKNOWN_TAG }, { DataClassification: "^CUI$" }), []);
            // Patterns are Unicode-aware: property escapes work (without the u flag \p{Lu} would mean "p{Lu}").
            const capitalised = { Owner: "^\\p{Lu}\\p{Ll}+$" };
            assert.deepEqual(disallowedTagValues({ Owner: "Zoë" }, capitalised), []);
            assert.deepEqual(disallowedTagValues({ Owner: "zoë" }, capitalised), [{ key: "Owner", value: "zoë", pattern: "^\\p{Lu}\\p{Ll}+$" }]);
            // An invalid pattern names the setting and keeps the parser's error as its cause.
            assert.throws(
                () => disallowedTagValues({ Owner: "a" }, { Owner: "(" }),
                (err: Error) =>
                    /^aws-resource-tag-values-allowed config: allowedValues\.Owner = "\(" is not a valid regular expression \(/.test(err.message) &&
                    err.cause instanceof SyntaxError,
            );
        });

        it("reads a resource's tagsAll (the provider's merged tags, in provider-checked inputs) as a source", function () {
            const sources = tagSources({ props: { tags: { Owner: "a" }, tagsAll: { Owner: "a", Project: "b" } }, provider: undefined });
            assert.deepEqual(sources, { defaults: {}, tagsAll: { Owner: "a", Project: "b" }, own: { Owner: "a" } });
            assert.deepEqual(requiredTagsMissing(sources, ["Owner", "Project"]), []);
        });

        it("reads the provider's default tags as JSON text, an object, or a one-element list", function () {
            const provider = (defaultTags: unknown) => ({ type: "pulumi:providers:aws", urn: "urn", name: "p", props: { defaultTags } });
            const tags = { Owner: "a" };
            assert.deepEqual(providerDefaultTags(provider(JSON.stringify({ tags }))), tags);
            assert.deepEqual(providerDefaultTags(provider({ tags })), tags);
            assert.deepEqual(providerDefaultTags(provider([{ tags }])), tags);
            assert.deepEqual(providerDefaultTags(provider(undefined)), {});
            assert.deepEqual(providerDefaultTags({ ...provider({ tags }), type: "pulumi:providers:random" }), {});
        });

        it("treats types missing from the table as taggable only if their inputs carry tags", function () {
            assert.ok(isTaggable("aws:s3/bucket:Bucket", {}));
            assert.ok(!isTaggable("aws:s3/bucketPolicy:BucketPolicy", {}));
            assert.ok(isTaggable("aws:future/thing:Thing", { tags: { Owner: "a" } }));
            assert.ok(!isTaggable("aws:autoscaling/group:Group", { tags: [{ key: "Owner", value: "a", propagateAtLaunch: true }] }));
            assert.ok(!isTaggable("random:index/randomString:RandomString", { tags: {} }));
            assert.ok(!isTaggable("aws:future/thing:Thing", { tags: "Owner=a" }), "a string is no tag map");
            assert.ok(isTaggable("aws:future/thing:Thing", { tagsAll: {} }), "tagsAll, which only taggable types have");
            assert.ok(isTaggable("aws:future/thing:Thing", { tags: WIRE_UNKNOWN }), "tags unknown in preview");
        });

        it("describes a tag map for messages: values quoted, a value unknown in preview as <computed>, an empty map as none", function () {
            assert.equal(describeTags({ Owner: UNKNOWN_TAG, Project: "llm" }), 'Owner=<computed>, Project="llm"');
            assert.equal(describeTags({}), "none");
        });
    });

    describe("aws-resource-tags-required", function () {
        const P = "aws-resource-tags-required";

        it("passes the repo's govcloud and commercial stacks, in preview and in an update", async function () {
            for (const stack of ["govcloud", "commercial"]) {
                for (const preview of [true, false]) {
                    const e = await evaluateRepoStack(stack, { preview });
                    assertClean(e, TAG_POLICIES, `${stack} preview=${preview}`);
                    assert.ok(checkedResources(e) > 30, "the repo stack has taggable resources");
                }
            }
        });

        it("counts the default provider's aws:defaultTags: untagged resources pass when the stack config sets them", async function () {
            const e = await fixture("tags-defaults");
            assert.deepEqual(e.flagged(P), ["blank-owner"]);
            assert.match(
                e.of(P)[0].message,
                /'blank-owner' is missing required tag\(s\) Owner: tags = \{.*Owner=" ".*\}, default tags of provider 'default_\d+_\d+_\d+' = \{.*Owner="ml-platform".*\}/,
            );
        });

        it("flags a resource without tags on a default provider without aws:defaultTags, naming the keys and the fix", async function () {
            const e = await fixture("tags-no-defaults");
            assert.deepEqual(e.flagged(P), ["blank-owner", "override", "untagged"]);
            const untagged = e.of(P).find((v) => v.resourceName === "untagged")!;
            assert.equal(untagged.enforcementLevel, "mandatory");
            assert.match(
                untagged.message,
                /missing required tag\(s\) Owner, Project, Environment, DataClassification: tags = \{none\}, default tags of provider '\S+' = \{none\}/,
            );
            assert.match(untagged.message, /or in the resource's own `tags`\.$/);
        });

        it("merges resource tags over an explicit provider's default tags", async function () {
            const e = await fixture("tags-merge");
            assert.deepEqual(e.flagged(P), ["incomplete", "provider-only"]);
            assert.match(
                e.of(P).find((v) => v.resourceName === "incomplete")!.message,
                /missing required tag\(s\) DataClassification: .*default tags of provider 'partial' = \{Owner="ml-platform", Project="fixture"\}/,
            );
        });

        it("flags every taggable resource of the real program when the provider's tags lack a key", async function () {
            // The program itself refuses a missing required tag unless requiredTagKeys is emptied.
            const e = await evaluateRepoStack("govcloud", { overrides: { requiredTagKeys: [], tags: { Owner: "a", Project: "b", Environment: "c" } } });
            const flagged = e.of(P);
            assert.equal(flagged.length, checkedResources(e));
            assert.ok(flagged.some((v) => v.resourceType === "aws:sagemaker/endpoint:Endpoint"));
            assert.ok(flagged.every((v) => /missing required tag\(s\) DataClassification:/.test(v.message)));
            assert.ok(!flagged.some((v) => v.resourceType === "aws:iam/rolePolicy:RolePolicy" || v.resourceType === "aws:kms/alias:Alias"), "not taggable");
        });

        it("defers a tags map unknown in preview (not run) and checks it in an update; an unknown value counts as set", async function () {
            const preview = await fixture("tags-unknown");
            assert.deepEqual(preview.flagged(P), []);
            assert.deepEqual(preview.notRunOn(P), ["computed-map", "computed-map-missing"]);
            const update = await fixture("tags-unknown", { preview: false });
            assert.deepEqual(update.flagged(P), ["computed-map-missing"]);
            assert.deepEqual(update.notRunOn(P), []);
        });

        it("takes its level and requiredTags from the policy pack config", async function () {
            assert.ok((await fixture("tags-no-defaults", { policyConfig: { [P]: "advisory" } })).of(P).every((v) => v.enforcementLevel === "advisory"));
            assert.equal((await fixture("tags-no-defaults", { policyConfig: { [P]: "advisory" } })).of(P).length, 3);
            assert.deepEqual((await fixture("tags-no-defaults", { policyConfig: { [P]: { enforcementLevel: "disabled" } } })).flagged(P), []);
            assert.deepEqual((await fixture("tags-merge", { policyConfig: { [P]: { requiredTags: ["Owner", "Project"] } } })).flagged(P), []);
            const costCenter = await evaluateRepoStack("commercial", { policyConfig: { [P]: { requiredTags: ["CostCenter"] } } });
            assert.equal(costCenter.of(P).length, checkedResources(costCenter));
            assert.match(costCenter.of(P)[0].message, /missing required tag\(s\) CostCenter:/);
        });
    });

    describe("aws-resource-tag-values-allowed", function () {
        const P = "aws-resource-tag-values-allowed";
        const CLASSIFICATION = { [P]: { allowedValues: { DataClassification: "^(CUI|internal|public)$" } } };

        it("checks nothing by default", async function () {
            assert.deepEqual((await fixture("tags-merge")).flagged(P), []);
        });

        it("passes the repo's stacks with a DataClassification vocabulary, in preview and in an update", async function () {
            for (const stack of ["govcloud", "commercial"]) {
                for (const preview of [true, false])
                    assertClean(await evaluateRepoStack(stack, { preview, policyConfig: CLASSIFICATION }), TAG_POLICIES, `${stack} preview=${preview}`);
            }
        });

        it("flags a value outside the vocabulary, in the resource's tags or the provider's default tags", async function () {
            const merged = await fixture("tags-merge", { policyConfig: CLASSIFICATION });
            assert.deepEqual(merged.flagged(P), ["secret"]);
            assert.match(
                merged.of(P)[0].message,
                /'secret' has tags DataClassification = "secret", which does not match "\^\(CUI\|internal\|public\)\$"\. Change the tag's value/,
            );
            const prod = await evaluateRepoStack("govcloud", { policyConfig: { [P]: { allowedValues: { Environment: "^prod(uction)?$" } } } });
            assert.equal(prod.of(P).length, checkedResources(prod));
            assert.match(prod.of(P)[0].message, /has default tags of provider 'aws-aws-us-gov' Environment = "govcloud", which does not match/);
        });

        it("defers values unknown in preview (not run) and checks them in an update", async function () {
            const preview = await fixture("tags-unknown", { policyConfig: CLASSIFICATION });
            assert.deepEqual(preview.flagged(P), []);
            assert.deepEqual(preview.notRunOn(P), ["computed-map", "computed-map-missing", "computed-value"]);
            assert.match(
                preview.result.notRun.find((n) => n.policyName === P && n.resourceName === "computed-value")?.message ?? "",
                /\[not checked: computed-value\.tagsAll\.DataClassification\]$/,
            );
            const update = await fixture("tags-unknown", { preview: false, policyConfig: CLASSIFICATION });
            assert.deepEqual(update.flagged(P), ["computed-map", "computed-value"]);
            // With no allowed values configured (the default) there is nothing to wait for: the policy runs.
            assert.deepEqual((await fixture("tags-unknown")).notRunOn(P), []);
        });

        it("takes its level from the policy pack config and reports an invalid pattern", async function () {
            const advisory = await fixture("tags-merge", { policyConfig: { [P]: { enforcementLevel: "advisory", ...CLASSIFICATION[P] } } });
            assert.deepEqual(
                advisory.of(P).map((v) => v.enforcementLevel),
                ["advisory"],
            );
            assert.deepEqual((await fixture("tags-merge", { policyConfig: { [P]: { enforcementLevel: "disabled", ...CLASSIFICATION[P] } } })).flagged(P), []);
            const invalid = await fixture("tags-merge", { policyConfig: { [P]: { allowedValues: { DataClassification: "(" } } } });
            assert.ok(invalid.result.errors.some((x) => /allowedValues\.DataClassification = "\(" is not a valid regular expression/.test(x.message)));
        });
    });
});

// ------------------------------------------------------------------------------------------------
// Helpers
// ------------------------------------------------------------------------------------------------

const TAG_POLICIES = ["aws-resource-tags-required", "aws-resource-tag-values-allowed"];

function fixture(stack: string, options?: EvaluateOptions): Promise<Evaluation> {
    return evaluateStack(path.join(FIXTURES, "policy-governance"), stack, options);
}

/** Resources of the run that aws-resource-tags-required checks (taggable by the table). */
function checkedResources(e: Evaluation): number {
    return e.run.result.resources.filter((r) => r.custom && TAGGABLE_TYPES.has(r.type)).length;
}
