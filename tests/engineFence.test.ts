/**
 * The @pulumi/policy internals the offline policy engine relies on (offline/policyEngine/packLoader.ts,
 * the one module that touches them): when an installed @pulumi/policy (or the @grpc/grpc-js and
 * protocol modules it resolves) changes one of them, this fails naming it, instead of the plan
 * quietly reporting something else (a not-run policy as an advisory violation, say).
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { CapturedResource, UNKNOWN } from "../offline/mockRun";
import { evaluatePolicies, LoadedPack, loadPolicyPack } from "../offline/policyEngine";
import { PackAnalyzer, parseNotRun, resolveAnalyzerModules, withAnalyzer } from "../offline/policyEngine/packLoader";
import { capturedResource } from "./capturedResource";

const FENCE_PACK = path.join(__dirname, "fixtures", "fence-pack");
const POLICY_DIR = path.dirname(require.resolve("@pulumi/policy", { paths: [FENCE_PACK] }));
const PACKAGES = `@pulumi/policy ${(JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "package.json"), "utf8")) as { version: string }).version} (${POLICY_DIR})`;

const THING: CapturedResource = capturedResource("test:index:Thing", "one", { value: UNKNOWN }, { urn: "urn:pulumi:dev::fence::test:index:Thing::one" });

describe("@pulumi/policy internals the offline policy engine relies on", function () {
    let pack: LoadedPack;

    before(async function () {
        pack = await loadPolicyPack(FENCE_PACK);
    });

    it("@grpc/grpc-js's Server has the addService, bindAsync and start the loader stubs, restored after loading", function () {
        const { serverPrototype } = resolveAnalyzerModules(POLICY_DIR);
        for (const method of ["addService", "bindAsync", "start"] as const)
            assert.equal(typeof serverPrototype[method], "function", `${PACKAGES}: grpc Server.prototype.${method} is gone; the loader stubs it`);
        // A load that left a stub in place would make the next pack's server listen nowhere, or everywhere.
        assert.doesNotMatch(serverPrototype.bindAsync.toString(), /^function \(\) \{\s*\}$/, "the loader restores bindAsync");
    });

    it("the protocol modules @pulumi/policy resolves have the classes and values the requests use", function () {
        const { proto } = resolveAnalyzerModules(POLICY_DIR);
        const pb = proto.analyzer as unknown as Record<string, unknown>;
        for (const cls of [
            "AnalyzeRequest",
            "AnalyzeStackRequest",
            "AnalyzerResource",
            "AnalyzerResourceOptions",
            "AnalyzerProviderResource",
            "AnalyzerPropertyDependencies",
            "AnalyzerStackConfigureRequest",
            "ConfigureAnalyzerRequest",
            "PolicyConfig",
        ])
            assert.equal(typeof pb[cls], "function", `${PACKAGES}: @pulumi/pulumi/proto/analyzer_pb has no ${cls}`);
        assert.equal(typeof proto.analyzer.AnalyzerResourceOptions.CustomTimeouts, "function", "AnalyzerResourceOptions.CustomTimeouts");
        assert.deepEqual(
            [
                proto.analyzer.EnforcementLevel.ADVISORY,
                proto.analyzer.EnforcementLevel.MANDATORY,
                proto.analyzer.EnforcementLevel.DISABLED,
                proto.analyzer.EnforcementLevel.REMEDIATE,
            ].map((v) => typeof v),
            ["number", "number", "number", "number"],
            "EnforcementLevel values",
        );
        assert.equal(typeof proto.struct.Struct.fromJavaScript, "function", "google-protobuf Struct.fromJavaScript");
        assert.equal(typeof proto.struct.Struct.prototype.toJavaScript, "function", "google-protobuf Struct.prototype.toJavaScript");
        assert.equal(typeof proto.empty.Empty, "function", "google-protobuf Empty");
    });

    it("serve() registers the analyzer handlers the evaluation calls, remediation and stack configuration included", async function () {
        const analyzer = await withAnalyzer(pack, async (a: PackAnalyzer) => a);
        for (const handler of ["configure", "configureStack", "remediate", "analyze", "analyzeStack"] as const)
            assert.equal(typeof analyzer[handler], "function", `${PACKAGES}: serve() registered no '${handler}' handler with addService`);
        assert.deepEqual(
            pack.policies.map((p) => [p.name, p.policyType, p.enforcementLevel]),
            [
                ["reads-value", "resource", "advisory"],
                ["remediates-value", "resource", "remediate"],
                ["stack-reads-value", "stack", "advisory"],
            ],
            "GetAnalyzerInfo describes the pack's policies",
        );
    });

    it("a policy, a remediation and a stack policy that read an unknown value are reported in the wording parseNotRun reads", async function () {
        const result = await evaluatePolicies(pack, [THING]);
        const reported = [
            ...result.violations.map((v) => `violation ${v.policyName}: ${v.message}`),
            ...result.notRun.map((n) => `not run ${n.policyName}: ${n.message}`),
        ];
        const wording =
            `${PACKAGES} reported (expected three not-run diagnostics, "can't run policy|remediation '<name>' from policy pack ` +
            `'<pack>@v<version>' during preview: <kind> value at .value can't be known during preview"; if the wording changed, ` +
            `update NOT_RUN in offline/policyEngine/packLoader.ts):\n  ${reported.join("\n  ")}`;
        assert.deepEqual(result.violations, [], wording);
        assert.deepEqual(
            result.notRun.map((n) => [n.stage, n.policyName, n.property, n.urn]),
            [
                ["remediate", "remediates-value", ".value", THING.urn],
                ["analyze", "reads-value", ".value", THING.urn],
                // A stack policy's not-run diagnostic names no resource.
                ["analyzeStack", "stack-reads-value", ".value", undefined],
            ],
            wording,
        );
        assert.deepEqual(result.errors, []);
    });

    it("parseNotRun reads the property path and nothing but the not-run wording", function () {
        assert.deepEqual(
            parseNotRun("can't run policy 'p' from policy pack 'pack@v1.0.0' during preview: unknown value at .tags.Team can't be known during preview"),
            { property: ".tags.Team" },
        );
        assert.equal(
            parseNotRun(
                "Reads a resource's value.\ncan't run policy 'p' from policy pack 'x' during preview: unknown value at .v can't be known during preview",
            ),
            undefined,
        );
        assert.equal(parseNotRun("bad value"), undefined);
    });
});
