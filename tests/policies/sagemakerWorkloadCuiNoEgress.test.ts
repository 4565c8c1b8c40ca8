/**
 * sagemaker-workload-cui-no-egress through @pulumi/policy's analyzer: the fixture program
 * tests/fixtures/policy-weights (CUI workloads with and without NAT, egress-only and internet gateway
 * routes, Hub downloads) and this repo's stacks: the GovCloud stack is tagged CUI and has no egress,
 * the commercial stack is tagged internal.
 */
import { strict as assert } from "assert";
import * as path from "path";
import { loadPolicyConfigFile } from "../../offline/policyEngine";
import { guardrails } from "../../policies/guardrails";
import { familyOf } from "../../policies/lib/guardrail";
import { assertClean, levels, notRunProperties, ownMessages } from "./assertions";
import { EvaluateOptions, evaluateRepoStack, evaluateStack, FIXTURES, PACK_DIR } from "./harness";

const POLICY = "sagemaker-workload-cui-no-egress";
const FIXTURE = path.join(FIXTURES, "policy-weights");
const fixture = (stack: string, options?: EvaluateOptions) => evaluateStack(FIXTURE, stack, options);
const shipped = (stack: string) => loadPolicyConfigFile(path.join(PACK_DIR, "config", `${stack}.json`));

describe(POLICY, function () {
    this.timeout(300_000);

    it("is a mandatory network policy of critical severity, with DataClassification and CUI by default; the GovCloud pack config names them", () => {
        const g = guardrails.find((x) => x.name === POLICY)!;
        assert.equal(g.enforcementLevel, "mandatory");
        assert.equal(familyOf(g), "network");
        assert.equal(g.severity, "critical");
        assert.equal(g.meta.unknowns, "deferred");
        assert.equal(g.configSchema?.properties.classificationTag.default, "DataClassification");
        assert.deepEqual(g.configSchema?.properties.cuiValues.default, ["CUI"]);
        assert.deepEqual(shipped("govcloud")[POLICY], { enforcementLevel: "mandatory", classificationTag: "DataClassification", cuiValues: ["CUI"] });
        assert.equal(shipped("commercial")[POLICY], undefined, "the commercial config keeps the defaults (its stacks are not tagged CUI)");
    });

    describe("this repo's stacks", () => {
        for (const stack of ["govcloud", "commercial"]) {
            for (const preview of [true, false]) {
                it(`${stack} (${preview ? "preview" : "update"}) as shipped: nothing reported`, async () =>
                    assertClean(await evaluateRepoStack(stack, { policyConfig: shipped(stack), preview }), [POLICY], stack));
            }
        }
        it("govcloud (CUI) with egress 'nat' and weights from the Hub: each NAT route and the model are reported, with the program's settings", async () => {
            const e = await evaluateRepoStack("govcloud", {
                policyConfig: shipped("govcloud"),
                preview: false,
                overrides: { egress: "nat", models: [{ id: "qwen2.5-7b-instruct", weightsSource: "hub" }] },
            });
            const flagged = e.flagged(POLICY);
            const model = flagged.filter((n) => n.endsWith("-model"));
            assert.equal(model.length, 1, flagged.join(", "));
            assert.ok(flagged.length >= 3, `a NAT route per private subnet's table: ${flagged.join(", ")}`);
            assert.deepEqual(levels(e, POLICY), ["mandatory"]);
            for (const m of ownMessages(e, POLICY)) assert.match(m, /In this program: a stack tagged CUI runs with egress 'none'/);
        });
        it("commercial (internal) with egress 'nat' and weights from the Hub: nothing reported; with cuiValues [internal] it is", async () => {
            const nat = {
                overrides: { egress: "nat", huggingFaceToken: "hf_x", models: [{ id: "mistral-7b-instruct", weightsSource: "hub" }] },
                secretOverrides: ["huggingFaceToken"],
            };
            assertClean(await evaluateRepoStack("commercial", { ...nat, policyConfig: shipped("commercial"), preview: false }), [POLICY], "commercial nat");
            const strict = await evaluateRepoStack("commercial", { ...nat, preview: false, policyConfig: { [POLICY]: { cuiValues: ["CUI", "internal"] } } });
            assert.ok(strict.flagged(POLICY).length >= 2);
        });
    });

    describe("the fixture program", () => {
        for (const preview of [true, false]) {
            const mode = preview ? "preview" : "update";
            it(`compliant (${mode}): CUI without egress; CUI behind a transit gateway (not judged); not CUI with NAT`, async () => {
                assertClean(await fixture("cui-none", { preview }), [POLICY], "cui-none");
                assertClean(await fixture("hub-nat", { preview }), [POLICY], "unclassified hub-nat");
                assert.deepEqual((await fixture("cui-hub", { preview })).flagged(POLICY), ["chat-model"], "only the Hub download");
            });
            it(`violating (${mode}): each NAT route once, on the route, naming the CUI model and notebook`, async () => {
                const e = await fixture("cui-nat", { preview });
                assert.deepEqual(e.flagged(POLICY), ["private-0-default", "private-1-default"]);
                const messages = ownMessages(e, POLICY).sort();
                assert.match(
                    messages[0],
                    /^private-0-default \(Route\) destinationCidrBlock sends 0\.0\.0\.0\/0 to a NAT gateway.*subnet\(s\) private-0 .*chat-model \(Model\) \(DataClassification=CUI\), notebook \(NotebookInstance\)/,
                );
                assert.doesNotMatch(messages[1], /notebook/, "the notebook uses only the first subnet");
            });
            it(`violating (${mode}): an IPv6 default route to an egress-only internet gateway`, async () => {
                const e = await fixture("cui-eigw", { preview });
                assert.deepEqual(e.flagged(POLICY), ["private-0-default", "private-1-default"]);
                assert.match(ownMessages(e, POLICY)[0], /sends ::\/0 to an egress-only internet gateway/);
            });
            it(`violating (${mode}): a Hub download by a CUI model, on the model`, async () => {
                const e = await fixture("cui-hub", { preview });
                assert.match(
                    ownMessages(e, POLICY)[0],
                    /^chat-model \(Model\) \(DataClassification=CUI\) downloads its weights from the Hugging Face Hub \(primaryContainer\.environment\.SM_VLLM_MODEL=Qwen/,
                );
            });
            it(`one finding per problem (${mode}): an internet gateway route is sagemaker-workload-subnets-private's, not this policy's`, async () => {
                const e = await fixture("cui-igw", { preview });
                assert.deepEqual(e.flagged(POLICY), []);
                assert.deepEqual(e.flagged("sagemaker-workload-subnets-private"), ["private-0", "private-1"]);
            });
            it(`the notebook's own tag makes it CUI under an internal provider (${mode})`, async () => {
                assert.deepEqual((await fixture("internal-nat", { preview })).flagged(POLICY), ["private-0-default"]);
            });
        }
        it("unknown in preview: a computed classification tag makes it not run; at pulumi up (CUI) it reports the NAT routes", async () => {
            const e = await fixture("cui-computed-tag");
            assert.deepEqual(e.flagged(POLICY), []);
            assert.deepEqual(notRunProperties(e, POLICY), ["(stack) .tags.DataClassification"]);
            assert.deepEqual((await fixture("cui-computed-tag", { preview: false })).flagged(POLICY), ["private-0-default", "private-1-default"]);
        });
        it("config: classificationTag and cuiValues choose the tag and its values", async () => {
            // The model's own Sensitivity=CUI tag, read when classificationTag says so.
            const sensitivity = await fixture("internal-nat", { policyConfig: { [POLICY]: { classificationTag: "Sensitivity" } } });
            assert.deepEqual(sensitivity.flagged(POLICY), ["private-0-default", "private-1-default"]);
            const internal = await fixture("internal-nat", { policyConfig: { [POLICY]: { cuiValues: ["internal"] } } });
            assert.deepEqual(
                internal.flagged(POLICY),
                ["private-0-default", "private-1-default"],
                "the model under the provider's internal tag; the notebook's own CUI is not listed",
            );
            assert.deepEqual((await fixture("cui-nat", { policyConfig: { [POLICY]: { cuiValues: ["Secret"] } } })).flagged(POLICY), []);
        });
    });
});
