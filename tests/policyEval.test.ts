/**
 * offline/policyEngine against a throwaway policy pack (tests/fixtures/tiny-pack) and program
 * (tests/fixtures/tiny-program) run under mocks in preview mode. Every expectation here fails if
 * the evaluator stops going through @pulumi/policy's analyzer the way the engine does: unknowns,
 * provider synthesis, config reconciliation, stack-policy linking, remediation, pack isolation.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { CapturedResource, runProgramUnderMocks } from "../offline/mockRun";
import {
    LoadedPack,
    PolicyConfigError,
    PolicyPackLoadError,
    PolicyResult,
    defaultProviderName,
    evaluatePolicies,
    loadPolicyPack,
    parsePolicyPackConfig,
    resolvePolicyConfig,
    synthesizeDefaultProvider,
} from "../offline/policyEngine";
import { StackConfig, loadProject, loadStackConfig } from "../offline/projectConfig";

const FIXTURES = path.join(__dirname, "fixtures");
const PACK_DIR = path.join(FIXTURES, "tiny-pack");
const SECOND_PACK_DIR = path.join(PACK_DIR, "second");
const PROGRAM_DIR = path.join(FIXTURES, "tiny-program");
const STACK = "urn:pulumi:dev::tiny-program::pulumi:pulumi:Stack";
// Mock URNs of a component's children start their type chain at the component.
const BUCKET_URN = "urn:pulumi:dev::tiny-program::tiny:index:Storage$aws:s3/bucket:Bucket::data-bucket";
const POLICY_URN = `${STACK}$aws:iam/policy:Policy::reader`;

async function runProgram(overrides: Record<string, string> = {}): Promise<{ resources: CapturedResource[]; config: StackConfig }> {
    const project = loadProject(PROGRAM_DIR);
    const config = loadStackConfig(project, "dev", overrides);
    const run = await runProgramUnderMocks({ project, config, preview: true });
    if (run.error) throw run.error;
    return { resources: run.resources, config };
}

function evaluate(pack: LoadedPack, run: { resources: CapturedResource[]; config: StackConfig }, config?: Record<string, unknown>): Promise<PolicyResult> {
    return evaluatePolicies(pack, run.resources, { config, stackConfig: run.config.values, secretConfigKeys: run.config.secretKeys });
}

function brief(result: PolicyResult): string[] {
    return result.violations.map((v) => `${v.enforcementLevel} ${v.policyName} ${v.resourceName ?? "-"}`).sort();
}

describe("policyEval: CrossGuard packs through @pulumi/policy's analyzer", function () {
    let pack: LoadedPack;
    let compliant: { resources: CapturedResource[]; config: StackConfig };
    // Unlinked IAM policy with a wildcard, and no default tags.
    let violating: { resources: CapturedResource[]; config: StackConfig };

    before(async function () {
        pack = await loadPolicyPack(PACK_DIR);
        compliant = await runProgram();
        violating = await runProgram({ linkPolicy: "false", "aws:defaultTags": JSON.stringify({ tags: {} }) });
    });

    describe("loadPolicyPack", function () {
        it("reports the pack's metadata from GetAnalyzerInfo", function () {
            assert.equal(pack.name, "tiny-pack");
            assert.equal(pack.version, "0.3.0");
            assert.equal(pack.description, "Tiny pack");
            assert.deepEqual(
                pack.policies.map((p) => `${p.name}:${p.policyType}:${p.enforcementLevel}`),
                [
                    "bucket-required-tags:resource:mandatory",
                    "iam-policy-no-wildcard:resource:advisory",
                    "provider-region:resource:advisory",
                    "iam-policy-linked-to-bucket:stack:mandatory",
                ],
            );
            const tags = pack.policies.find((p) => p.name === "bucket-required-tags")!;
            assert.deepEqual(tags.configSchema?.properties.requiredTags.default, ["Owner"]);
        });

        it("loads a pack once per directory and leaves the working directory alone", async function () {
            const cwd = process.cwd();
            assert.equal(await loadPolicyPack(PACK_DIR), pack);
            assert.equal(await loadPolicyPack(path.join(PACK_DIR, ".", "")), pack);
            assert.equal(process.cwd(), cwd);
        });

        it("turns the analyzer's process.exit for an invalid pack into an error", async function () {
            await assert.rejects(loadPolicyPack(path.join(PACK_DIR, "invalid")), (err: Error) => {
                assert.ok(err instanceof PolicyPackLoadError, String(err));
                assert.match(err.message, /"all" is a reserved name/);
                return true;
            });
        });
    });

    describe("evaluatePolicies", function () {
        it("passes a compliant program and reports the policy that reads an unknown as not run", async function () {
            const result = await evaluate(pack, compliant);
            assert.deepEqual(brief(result), []);
            assert.deepEqual(result.errors, []);
            assert.equal(result.notRun.length, 1);
            const notRun = result.notRun[0];
            assert.equal(notRun.policyName, "iam-policy-no-wildcard");
            assert.equal(notRun.urn, POLICY_URN);
            assert.equal(notRun.resourceType, "aws:iam/policy:Policy");
            assert.equal(notRun.property, ".policy");
            assert.match(
                notRun.message,
                /^can't run policy 'iam-policy-no-wildcard' from policy pack 'tiny-pack@v0\.3\.0' during preview: string value at \.policy can't be known during preview/,
            );
            assert.deepEqual(result.summary, { mandatory: 0, advisory: 0, notRun: 1, errors: 0 });
            assert.deepEqual(
                result.policies.map((p) => [p.name, p.effectiveEnforcementLevel]),
                [
                    ["bucket-required-tags", "mandatory"],
                    ["iam-policy-no-wildcard", "advisory"],
                    ["provider-region", "advisory"],
                    ["iam-policy-linked-to-bucket", "mandatory"],
                ],
            );
            assert.deepEqual(result.policies[0].config, { requiredTags: ["Owner"] });
        });

        it("reports violations of resource and stack policies with their levels and resources", async function () {
            const result = await evaluate(pack, violating);
            assert.deepEqual(brief(result), [
                "advisory iam-policy-no-wildcard reader",
                "mandatory bucket-required-tags data-bucket",
                "mandatory iam-policy-linked-to-bucket reader",
            ]);
            assert.deepEqual(result.notRun, []);
            assert.deepEqual(result.summary, { mandatory: 2, advisory: 1, notRun: 0, errors: 0 });
            const tags = result.violations.find((v) => v.policyName === "bucket-required-tags")!;
            assert.equal(tags.urn, BUCKET_URN);
            assert.equal(tags.resourceType, "aws:s3/bucket:Bucket");
            assert.equal(tags.stage, "analyze");
            assert.equal(tags.message, `${tags.description}\nmissing tags: Owner`);
            const stack = result.violations.find((v) => v.policyName === "iam-policy-linked-to-bucket")!;
            assert.equal(stack.stage, "analyzeStack");
            assert.equal(stack.urn, POLICY_URN);
        });

        it("applies enforcement levels from config: 'all' first, then per policy", async function () {
            const result = await evaluate(pack, violating, { all: "mandatory", "bucket-required-tags": "advisory" });
            assert.deepEqual(brief(result), [
                "advisory bucket-required-tags data-bucket",
                "mandatory iam-policy-linked-to-bucket reader",
                "mandatory iam-policy-no-wildcard reader",
            ]);
            assert.equal(result.policies.find((p) => p.name === "provider-region")!.effectiveEnforcementLevel, "mandatory");

            const disabled = await evaluate(pack, violating, { all: "disabled" });
            assert.deepEqual(brief(disabled), []);
            assert.deepEqual(disabled.notRun, []);
            assert.ok(disabled.policies.every((p) => p.effectiveEnforcementLevel === "disabled"));

            const object = await evaluate(pack, violating, { "iam-policy-linked-to-bucket": { enforcementLevel: "advisory" } });
            assert.equal(object.violations.find((v) => v.policyName === "iam-policy-linked-to-bucket")!.enforcementLevel, "advisory");

            // Config is not sticky: each evaluation configures the analyzer from scratch.
            assert.equal(brief(await evaluate(pack, violating)).length, 3);
        });

        it("passes config properties to policies, on top of schema defaults", async function () {
            const region = await evaluate(pack, compliant, { "provider-region": { allowedRegionPrefix: "us-east-" } });
            assert.deepEqual(brief(region), ["advisory provider-region data-bucket", "advisory provider-region reader"]);
            assert.match(region.violations[0].message, /region us-gov-west-1 \(provider default_\d+_\d+_\d+\) does not start with us-east-/);

            const tags = await evaluate(pack, compliant, { "bucket-required-tags": { requiredTags: ["Owner", "CostCenter"], enforcementLevel: "advisory" } });
            assert.deepEqual(brief(tags), ["advisory bucket-required-tags data-bucket"]);
            assert.match(tags.violations[0].message, /missing tags: CostCenter$/);
            assert.deepEqual(tags.policies.find((p) => p.name === "bucket-required-tags")!.config, { requiredTags: ["Owner", "CostCenter"] });
        });

        it("rejects config the engine rejects", async function () {
            await assert.rejects(evaluate(pack, compliant, { "provider-region": { allowedRegionPrefix: 5 } }), (err: Error) => {
                assert.ok(err instanceof PolicyConfigError);
                assert.match(err.message, /provider-region: allowedRegionPrefix: must be string/);
                return true;
            });
            await assert.rejects(evaluate(pack, compliant, { "bucket-required-tags": "strict" }), /"strict" is not a valid enforcement level/);
            await assert.rejects(evaluate(pack, compliant, { "no-such-policy": { x: 1 } }), /no-such-policy: not a policy of pack/);
            await assert.rejects(evaluate(pack, compliant, { "bucket-required-tags": { requiredTags: [1] } }), /requiredTags\.0: must be string/);
            // A level alone for an unknown name is accepted, as by the engine.
            assert.deepEqual(brief(await evaluate(pack, compliant, { "no-such-policy": "mandatory" })), []);
        });

        it("links parents, dependencies and property dependencies for stack policies", async function () {
            // Same resources with the links cut: the stack policy must now fail.
            const unlinked = compliant.resources.map((r) => (r.urn === POLICY_URN ? { ...r, dependencies: [], propertyDependencies: {} } : r));
            const cut = await evaluatePolicies(pack, unlinked, { stackConfig: compliant.config.values });
            assert.deepEqual(brief(cut), ["mandatory iam-policy-linked-to-bucket reader"]);
            const orphaned = compliant.resources.map((r) => (r.urn === BUCKET_URN ? { ...r, parent: undefined } : r));
            assert.deepEqual(brief(await evaluatePolicies(pack, orphaned, { stackConfig: compliant.config.values })), [
                "mandatory iam-policy-linked-to-bucket reader",
            ]);
        });

        it("gives resources on the default provider one synthesized from the stack's aws config", async function () {
            // Without stack config the default provider has no region and no default tags.
            const bare = await evaluatePolicies(pack, compliant.resources, {});
            assert.deepEqual(brief(bare), [
                "advisory provider-region data-bucket",
                "advisory provider-region reader",
                "mandatory bucket-required-tags data-bucket",
            ]);
            assert.match(
                bare.violations.find((v) => v.policyName === "provider-region")!.message,
                /no provider region \(provider: urn:pulumi:dev::tiny-program::pulumi:providers:aws::default_/,
            );

            // An explicit provider's JSON-encoded defaultTags reach the policy decoded.
            const explicit = await runProgram({ explicitProvider: "true", "aws:defaultTags": JSON.stringify({ tags: {} }) });
            const result = await evaluate(pack, explicit);
            assert.deepEqual(brief(result), ["advisory provider-region logs", "mandatory bucket-required-tags data-bucket"]);
            assert.match(result.violations.find((v) => v.resourceName === "logs")!.message, /region us-east-1 \(provider east\)/);
        });

        it("hands secrets to policies unwrapped, as the engine's analyzer does", async function () {
            const secretTags = compliant.resources.map((r) =>
                r.urn === BUCKET_URN
                    ? { ...r, inputs: { tags: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: { Owner: "s" } } } }
                    : r,
            );
            const result = await evaluatePolicies(pack, secretTags, { config: { "bucket-required-tags": { requiredTags: ["Owner", "CostCenter"] } } });
            const v = result.violations.find((x) => x.policyName === "bucket-required-tags")!;
            assert.match(v.message, /missing tags: CostCenter$/); // Owner was read through the secret
        });
    });

    describe("synthesizeDefaultProvider", function () {
        it("builds the engine's default provider from <pkg>:* config", function () {
            const p = synthesizeDefaultProvider(
                "aws",
                {
                    "aws:region": "us-gov-west-1",
                    "aws:defaultTags": '{"tags":{"Owner":"a"}}',
                    "aws:skipRegionValidation": "true",
                    "aws:accessKey": "AKIA",
                    "tiny:region": "x",
                },
                { project: "tiny", stack: "dev", version: "7.48.0", secretKeys: ["aws:accessKey"] },
            );
            assert.equal(p.urn, "urn:pulumi:dev::tiny::pulumi:providers:aws::default_7_48_0");
            assert.equal(p.type, "pulumi:providers:aws");
            assert.deepEqual(p.properties, {
                region: "us-gov-west-1",
                defaultTags: { tags: { Owner: "a" } },
                skipRegionValidation: true,
                accessKey: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "AKIA" },
                version: "7.48.0",
            });
            assert.equal(defaultProviderName(), "default");
            assert.equal(defaultProviderName("7.0.0-alpha.1"), "default_7_0_0_alpha_1");
        });
    });

    describe("policy config reconciliation", function () {
        it("parses --policy-pack-config entries and layers them like the engine", function () {
            assert.deepEqual(parsePolicyPackConfig({ all: "advisory", a: { enforcementLevel: "mandatory", x: 1 }, b: {} }), {
                all: { enforcementLevel: "advisory" },
                a: { enforcementLevel: "mandatory", properties: { x: 1 } },
            });
            const resolved = resolvePolicyConfig(pack, { all: "advisory", "provider-region": { allowedRegionPrefix: "us-" } });
            assert.deepEqual(resolved["bucket-required-tags"], { enforcementLevel: "advisory", properties: { requiredTags: ["Owner"] } });
            assert.deepEqual(resolved["provider-region"], { enforcementLevel: "advisory", properties: { allowedRegionPrefix: "us-" } });
            assert.deepEqual(resolved.all, { enforcementLevel: "advisory", properties: undefined });
        });
    });

    describe("several packs in one process", function () {
        it("keeps each pack's analyzer state apart, and applies remediations before analysis", async function () {
            const second = await loadPolicyPack(SECOND_PACK_DIR);
            assert.notEqual(second, pack);
            assert.equal(second.name, "tiny-pack-second");
            assert.equal(second.version, "1.0.1"); // PulumiPolicy.yaml wins over package.json, as in the engine
            assert.deepEqual(
                second.policies.map((p) => `${p.name}:${p.enforcementLevel}`),
                ["add-team-tag:remediate", "saw-bucket:advisory"],
            );
            assert.deepEqual(second.initialConfig, { "saw-bucket": { enforcementLevel: "mandatory" } });

            // Disabling everything in the first pack must not touch the second.
            assert.deepEqual(brief(await evaluate(pack, violating, { all: "disabled" })), []);
            const result = await evaluatePolicies(second, compliant.resources, { stackConfig: compliant.config.values, stackTags: { team: "ml" } });
            assert.deepEqual(brief(result), ["mandatory saw-bucket data-bucket"]); // the pack's initial config
            assert.match(result.violations[0].message, /saw data-bucket; tags=Project,Team; stack tag team=ml$/);
            assert.deepEqual(result.remediations, [{ policyName: "add-team-tag", urn: BUCKET_URN }]);
            const overridden = await evaluatePolicies(second, compliant.resources, { config: { "saw-bucket": "advisory" } });
            assert.deepEqual(brief(overridden), ["advisory saw-bucket data-bucket"]); // the config file wins over initial config
            // And the first pack is still fully functional afterwards.
            assert.equal(brief(await evaluate(pack, violating)).length, 3);
        });
    });

    describe("process lifetime", function () {
        it("lets a process that loaded and evaluated a pack exit on its own, printing no port", function () {
            this.timeout(60000);
            const script = `
                const { loadProject, loadStackConfig } = require("./offline/projectConfig");
                const { runProgramUnderMocks } = require("./offline/mockRun");
                const { loadPolicyPack, evaluatePolicies } = require("./offline/policyEngine");
                (async () => {
                    const pack = await loadPolicyPack(${JSON.stringify(PACK_DIR)});
                    const second = await loadPolicyPack(${JSON.stringify(SECOND_PACK_DIR)});
                    const project = loadProject(${JSON.stringify(PROGRAM_DIR)});
                    const config = loadStackConfig(project, "dev");
                    const run = await runProgramUnderMocks({ project, config });
                    const a = await evaluatePolicies(pack, run.resources, { stackConfig: config.values });
                    const b = await evaluatePolicies(second, run.resources, { stackConfig: config.values });
                    console.log("RESULT " + JSON.stringify([a.summary, b.summary]));
                })();`;
            const root = path.resolve(__dirname, "..");
            const child = spawnSync(process.execPath, ["-r", "./offline/tsCache.js", "-e", script], {
                cwd: root,
                encoding: "utf8",
                timeout: 45000,
            });
            assert.equal(child.error, undefined, "the child did not exit by itself");
            assert.equal(child.status, 0, child.stderr);
            const lines = child.stdout.trim().split("\n");
            assert.deepEqual(lines, [
                `RESULT ${JSON.stringify([
                    { mandatory: 0, advisory: 0, notRun: 1, errors: 0 },
                    { mandatory: 1, advisory: 0, notRun: 0, errors: 0 },
                ])}`,
            ]);
        });
    });
});
