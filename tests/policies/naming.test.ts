/**
 * The naming scheme (`<service>-<resource>-<check>`, policies/lib/naming.ts), files named after their
 * policies, and former names still accepted in pack configs for one release
 * (policies/renamedPolicies.ts, lib/renamedConfig.ts, lib/analyzerConfigure.ts), through
 * @pulumi/policy's own analyzer.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { guardrails } from "../../policies/guardrails";
import { familyOf, Guardrail, GuardrailSpec, resourceGuardrail } from "../../policies/lib/guardrail";
import { moduleNameOf, parsePolicyName, policyNameProblem } from "../../policies/lib/naming";
import { withConfigureAdjusted } from "../../policies/lib/analyzerConfigure";
import { defaultEntryOf, PolicyConfigEntry, reconcileRenamedConfig, RenamedConfigError, renamedConfigMessage } from "../../policies/lib/renamedConfig";
import { POLICY_RENAMES, PolicyRename } from "../../policies/renamedPolicies";
import { PolicyConfigError } from "../../offline/policyEngine";
import { REPO_ROOT } from "../graph";
import { evaluateRepoStack, guardrailsPack } from "./harness";

const POLICIES = path.join(REPO_ROOT, "policies");
const NOT_POLICY_FOLDERS = new Set(["lib", "catalog", "config", "node_modules"]);

describe("policy names and files", () => {
    it("every policy follows <service>-<resource>-<check>, and the pack refuses a name that does not", () => {
        for (const g of guardrails) assert.equal(policyNameProblem(g.name), undefined, g.name);
        assert.deepEqual(parsePolicyName("sagemaker-endpoint-config-volume-kms"), { service: "sagemaker", resource: "endpoint-config", check: "volume-kms" });
        assert.deepEqual(parsePolicyName("sagemaker-endpoint-auto-rollback-alarms"), {
            service: "sagemaker",
            resource: "endpoint",
            check: "auto-rollback-alarms",
        });
        for (const bad of [
            "tags-required",
            "s3-bucket",
            "s3-bucket-",
            "s3-table-encrypted",
            "S3-bucket-versioning",
            "s3-bucket-sse_kms",
            "gcs-bucket-versioning",
        ]) {
            assert.equal(parsePolicyName(bad), undefined, bad);
            assert.match(policyNameProblem(bad)!, new RegExp(`"${bad}" does not follow <service>-<resource>-<check>.*s3 \\(bucket\\)`), bad);
        }
        const spec: GuardrailSpec = {
            name: "bucket-versioning",
            description: "d",
            enforcementLevel: "mandatory",
            severity: "low",
            remediationSteps: "r",
            family: "encryption",
            controls: ["SC-7"],
            url: "https://docs.aws.amazon.com/",
            unknowns: "none",
            rationale: "x",
        };
        assert.throws(() => resourceGuardrail(spec, () => undefined), /"bucket-versioning" does not follow/);
        assert.doesNotThrow(() => resourceGuardrail({ ...spec, name: "s3-bucket-versioning" }, () => undefined));
    });

    it("each policy is the one guardrail of policies/<family>/<its name in camelCase>.ts, exported under that name", () => {
        const files = fs
            .readdirSync(POLICIES, { withFileTypes: true })
            .filter((d) => d.isDirectory() && !NOT_POLICY_FOLDERS.has(d.name))
            .flatMap((d) => fs.readdirSync(path.join(POLICIES, d.name)).map((f) => `${d.name}/${f}`))
            .filter((f) => f.endsWith(".ts") && !f.endsWith("/index.ts"))
            .sort();
        assert.deepEqual(files, guardrails.map((g) => `${familyOf(g)}/${moduleNameOf(g.name)}.ts`).sort());
        for (const g of guardrails) {
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const module = require(path.join(POLICIES, familyOf(g), moduleNameOf(g.name))) as Record<string, Guardrail | undefined>;
            assert.equal(module[moduleNameOf(g.name)]?.name, g.name, g.name);
        }
        assert.equal(moduleNameOf("ec2-vpc-endpoint-private-dns"), "ec2VpcEndpointPrivateDns");
    });
});

describe("former policy names", () => {
    const rename: PolicyRename = { formerName: "tags-required", name: "aws-resource-tags-required", renamedIn: "0.2.0", acceptedUntil: "0.3.0" };
    const defaults = { [rename.name]: { enforcementLevel: "mandatory", properties: { requiredTags: ["Owner"] } } as PolicyConfigEntry };
    /** The engine's reconciled config: the current name at its defaults unless given, the former name without defaults. */
    const config = (former: Partial<PolicyConfigEntry>, current: Partial<PolicyConfigEntry> = {}): Record<string, PolicyConfigEntry> => ({
        [rename.formerName]: { enforcementLevel: "mandatory", properties: {}, ...former },
        [rename.name]: { ...structuredClone(defaults[rename.name]), ...current },
    });

    it("every rename is in the changelog, names a policy of the pack, and no former name is a current one", () => {
        const changelog = fs.readFileSync(path.join(POLICIES, "CHANGELOG.md"), "utf8");
        const version = (JSON.parse(fs.readFileSync(path.join(POLICIES, "package.json"), "utf8")) as { version: string }).version;
        const names = new Set(guardrails.map((g) => g.name));
        for (const r of POLICY_RENAMES) {
            assert.match(changelog, new RegExp(`^\\| \`${r.formerName}\` +\\| \`${r.name}\` +\\|$`, "m"), r.formerName);
            assert.ok(changelog.includes(`## ${r.renamedIn}\n`), r.renamedIn);
            assert.ok(names.has(r.name) && !names.has(r.formerName), r.formerName);
            assert.equal(policyNameProblem(r.name), undefined);
            // Accepted for one release: the former name goes at the next minor version.
            const [major, minor] = r.renamedIn.split(".").map(Number);
            assert.equal(r.acceptedUntil, `${major}.${minor + 1}.0`, r.formerName);
            assert.ok(version === r.renamedIn || version.startsWith(`${major}.${minor}.`), `the pack (${version}) still accepts ${r.formerName}`);
        }
        assert.equal(new Set(POLICY_RENAMES.map((r) => r.formerName)).size, POLICY_RENAMES.length);
    });

    it("settings under a former name move to the current name; the former name turns advisory to report it", () => {
        const c = config({ properties: { requiredTags: ["Owner", "CostCenter"] } });
        const applied = reconcileRenamedConfig(c, [rename], defaults);
        assert.deepEqual(c[rename.name], { enforcementLevel: "mandatory", properties: { requiredTags: ["Owner", "CostCenter"] } });
        assert.equal(c[rename.formerName].enforcementLevel, "advisory");
        assert.deepEqual(applied, [{ rename, enforcementLevel: undefined, properties: ["requiredTags"] }]);
        assert.equal(
            renamedConfigMessage(applied[0]),
            'The policy pack config names "tags-required", which version 0.2.0 renamed "aws-resource-tags-required"; its settings (requiredTags) were applied to "aws-resource-tags-required". Rename the key: from version 0.3.0 the former name is not accepted.',
        );
    });

    it("a level under a former name moves too: disabling the former name disables the policy", () => {
        const c = config({ enforcementLevel: "disabled" });
        const applied = reconcileRenamedConfig(c, [rename], defaults);
        assert.equal(c[rename.name].enforcementLevel, "disabled");
        assert.deepEqual(c[rename.name].properties, defaults[rename.name].properties);
        assert.equal(renamedConfigMessage(applied[0]).includes("(enforcementLevel disabled)"), true);
    });

    it("a former name at its policy's own level, or at the level a pack-wide 'all' gives both, changes nothing and is disabled", () => {
        for (const [former, current] of [
            [{}, {}],
            [{ enforcementLevel: "advisory" }, { enforcementLevel: "advisory" }],
        ] as const) {
            const c = config(former, current);
            const before = structuredClone(c[rename.name]);
            assert.deepEqual(reconcileRenamedConfig(c, [rename], defaults), []);
            assert.deepEqual(c[rename.name], before);
            assert.equal(c[rename.formerName].enforcementLevel, "disabled");
        }
    });

    it("the same thing set under both names is refused, naming both; different things combine", () => {
        assert.throws(
            () => reconcileRenamedConfig(config({ properties: { requiredTags: ["A"] } }, { properties: { requiredTags: ["B"] } }), [rename], defaults),
            (err: Error) =>
                err instanceof RenamedConfigError &&
                err.message.includes('"tags-required" and "aws-resource-tags-required" both set properties: "tags-required" is the former name'),
        );
        assert.throws(
            () => reconcileRenamedConfig(config({ enforcementLevel: "advisory" }, { enforcementLevel: "disabled" }), [rename], defaults),
            /both set enforcement levels/,
        );
        const c = config({ properties: { requiredTags: ["A"] } }, { enforcementLevel: "advisory" });
        reconcileRenamedConfig(c, [rename], defaults);
        assert.deepEqual(c[rename.name], { enforcementLevel: "advisory", properties: { requiredTags: ["A"] } });
    });

    it("a policy's default entry is its own level and its schema's defaults", () => {
        const g = guardrails.find((x) => x.name === "aws-resource-tags-required")!;
        assert.deepEqual(defaultEntryOf(g), {
            enforcementLevel: "mandatory",
            properties: { requiredTags: ["Owner", "Project", "Environment", "DataClassification"] },
        });
    });

    describe("end to end, through the analyzer", function () {
        this.timeout(120_000);

        it("the pack serves each former name with its policy's settings but no defaults", async () => {
            const pack = await guardrailsPack();
            for (const r of POLICY_RENAMES) {
                const former = pack.policies.find((p) => p.name === r.formerName);
                const current = pack.policies.find((p) => p.name === r.name)!;
                assert.ok(former, r.formerName);
                assert.deepEqual(Object.keys(former.configSchema?.properties ?? {}), Object.keys(current.configSchema?.properties ?? {}), r.formerName);
                assert.ok(
                    Object.values(former.configSchema?.properties ?? {}).every((s) => !("default" in s)),
                    r.formerName,
                );
                assert.equal(former.enforcementLevel, current.enforcementLevel, r.formerName);
            }
        });

        it("a required tag set under the former name is enforced by the current policy, with an advisory to rename the key", async () => {
            const e = await evaluateRepoStack("govcloud", { policyConfig: { "tags-required": { requiredTags: ["Owner", "CostCenter"] } } });
            assert.ok(e.of("aws-resource-tags-required").length > 0);
            assert.ok(e.of("aws-resource-tags-required").every((v) => v.enforcementLevel === "mandatory" && v.message.includes("CostCenter")));
            assert.deepEqual(
                e
                    .of("tags-required")
                    .map((v) => [v.enforcementLevel, v.message.includes('The policy pack config names "tags-required", which version 0.2.0 renamed')]),
                [["advisory", true]],
            );
        });

        it("a former name disabled disables the current policy; untouched former names report nothing", async () => {
            const on = await evaluateRepoStack("govcloud", { policyConfig: { "aws-resource-tags-required": { requiredTags: ["CostCenter"] } } });
            assert.ok(on.of("aws-resource-tags-required").length > 0);
            assert.deepEqual(
                on.result.violations.filter((v) => POLICY_RENAMES.some((r) => r.formerName === v.policyName)),
                [],
            );
            const off = await evaluateRepoStack("govcloud", {
                policyConfig: { "tags-required": "disabled", "aws-resource-tags-required": { requiredTags: ["CostCenter"] } },
            });
            assert.deepEqual(off.of("aws-resource-tags-required"), []);
            assert.equal(off.of("tags-required").length, 1);
        });

        it("the same setting under both names fails the evaluation with the message", async () => {
            await assert.rejects(
                evaluateRepoStack("govcloud", {
                    policyConfig: { "tags-required": { requiredTags: ["A"] }, "aws-resource-tags-required": { requiredTags: ["B"] } },
                }),
                (err: Error) =>
                    err instanceof PolicyConfigError &&
                    /refused its config: .*"tags-required" and "aws-resource-tags-required" both set properties/s.test(err.message),
            );
        });
    });

    it("the Configure wrapper fails loudly when @pulumi/policy no longer registers a configure handler through grpc-js", () => {
        assert.throws(
            () =>
                withConfigureAdjusted(
                    () => undefined,
                    () => undefined,
                ),
            /@pulumi\/policy no longer registers the analyzer's configure handler through @grpc\/grpc-js Server.addService/,
        );
    });
});
