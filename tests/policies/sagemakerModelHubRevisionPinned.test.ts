/**
 * sagemaker-model-hub-revision-pinned through @pulumi/policy's analyzer: the fixture program
 * tests/fixtures/policy-weights (each engine's revision variable) and this repo's stacks.
 */
import { strict as assert } from "assert";
import * as path from "path";
import { loadPolicyConfigFile } from "../../offline/policyEngine";
import { ENGINES } from "../../policies/catalog/engines";
import { guardrails } from "../../policies/guardrails";
import { familyOf } from "../../policies/lib/guardrail";
import { hubVariables, isHubModelId, isPinnedRevision } from "../../policies/lib/modelWeights";
import { assertClean, levels, notRunProperties, ownMessages } from "./assertions";
import { EvaluateOptions, evaluateRepoStack, evaluateStack, FIXTURES, PACK_DIR } from "./harness";

const POLICY = "sagemaker-model-hub-revision-pinned";
const FIXTURE = path.join(FIXTURES, "policy-weights");
const fixture = (stack: string, options?: EvaluateOptions) => evaluateStack(FIXTURE, stack, options);
const shipped = (stack: string) => loadPolicyConfigFile(path.join(PACK_DIR, "config", `${stack}.json`));
const SHA = "0123456789abcdef0123456789abcdef01234567";

describe(POLICY, function () {
    this.timeout(300_000);

    it("is a mandatory instances policy of medium severity, deferred on unknowns", () => {
        const g = guardrails.find((x) => x.name === POLICY)!;
        assert.equal(g.enforcementLevel, "mandatory");
        assert.equal(familyOf(g), "instances");
        assert.equal(g.severity, "medium");
        assert.equal(g.meta.unknowns, "deferred");
    });

    it("each engine's revision variable, and what counts as pinned and as a Hub id", () => {
        assert.deepEqual(hubVariables(ENGINES.vllm), { model: "SM_VLLM_MODEL", revision: "SM_VLLM_REVISION" });
        assert.deepEqual(hubVariables(ENGINES.sglang), { model: "SM_SGLANG_MODEL_PATH", revision: "SM_SGLANG_REVISION" });
        assert.deepEqual(hubVariables(ENGINES.tgi), { model: "HF_MODEL_ID", revision: "HF_MODEL_REVISION" });
        assert.deepEqual(hubVariables(undefined), { model: "HF_MODEL_ID", revision: "HF_MODEL_REVISION" });
        assert.ok(isPinnedRevision(SHA));
        for (const moving of ["main", "v1.0", SHA.slice(0, 7), SHA.toUpperCase(), `${SHA}0`, "refs/pr/1"]) assert.ok(!isPinnedRevision(moving), moving);
        for (const hub of ["Qwen/Qwen2.5-7B-Instruct", "gpt2", "tiiuae/falcon-40b-instruct"]) assert.ok(isHubModelId(hub), hub);
        for (const local of ["/opt/ml/model", "s3://bucket/prefix/", "", "a/b/c"]) assert.ok(!isHubModelId(local), local);
    });

    describe("this repo's stacks", () => {
        for (const stack of ["govcloud", "commercial"]) {
            for (const preview of [true, false]) {
                it(`${stack} (${preview ? "preview" : "update"}) as shipped (weights from S3): nothing reported`, async () =>
                    assertClean(await evaluateRepoStack(stack, { policyConfig: shipped(stack), preview }), [POLICY], stack));
            }
        }
        it("weights from the Hub (egress 'nat'): the program sets no revision, so its model is reported, with the program's setting", async () => {
            const nat = {
                overrides: { egress: "nat", huggingFaceToken: "hf_x", models: [{ id: "mistral-7b-instruct", weightsSource: "hub" }] },
                secretOverrides: ["huggingFaceToken"],
            };
            const e = await evaluateRepoStack("commercial", { ...nat, preview: false });
            assert.deepEqual(e.flagged(POLICY), ["mistral-7b-instruct-model"]);
            const [message] = ownMessages(e, POLICY);
            assert.match(message, /without primaryContainer\.environment\.SM_VLLM_REVISION/);
            assert.match(message, /In this program: set models\[\]\.hubRevision/);
            // The program's setting pins it: the engine's revision variable carries the commit.
            const pinned = { ...nat, overrides: { ...nat.overrides, models: [{ id: "mistral-7b-instruct", weightsSource: "hub", hubRevision: SHA }] } };
            const fixed = await evaluateRepoStack("commercial", { ...pinned, preview: false });
            assert.deepEqual(fixed.flagged(POLICY), []);
            const model = fixed.run.result.resources.find((r) => r.type === "aws:sagemaker/model:Model")!;
            assert.equal((model.inputs.primaryContainer as { environment: Record<string, string> }).environment.SM_VLLM_REVISION, SHA);
        });
    });

    describe("the fixture program", () => {
        for (const preview of [true, false]) {
            it(`${preview ? "preview" : "update"}: unset (TGI), a branch (vLLM) and a tag (SGLang) are reported; commit shas and weights from S3 are not`, async () => {
                const e = await fixture("revisions", { preview });
                assert.deepEqual(e.flagged(POLICY), ["sglang-tag-model", "tgi-unpinned-model", "vllm-branch-model"]);
                assert.deepEqual(levels(e, POLICY), ["mandatory"]);
                const messages = ownMessages(e, POLICY).sort();
                assert.match(messages[0], /^Model sglang-tag-model .*SM_SGLANG_REVISION="v1\.0", a branch or tag/);
                assert.match(
                    messages[1],
                    /^Model tgi-unpinned-model downloads mistralai\/Mistral-7B-Instruct-v0\.3 .*without primaryContainer\.environment\.HF_MODEL_REVISION/,
                );
                assert.match(messages[2], /^Model vllm-branch-model .*SM_VLLM_REVISION="main"/);
                assertClean(await fixture("hub-nat", { preview }), [POLICY], "hub-nat");
            });
        }
        it("unknown in preview: a computed revision makes it not run on that model (the others are still reported); at pulumi up it passes", async () => {
            assert.deepEqual(notRunProperties(await fixture("revisions"), POLICY), ["vllm-computed-model .primaryContainer.environment.SM_VLLM_REVISION"]);
            assert.ok(!(await fixture("revisions", { preview: false })).notRun(POLICY));
        });
        it("config: the pack config can make it advisory", async () => {
            assert.deepEqual(levels(await fixture("revisions", { policyConfig: { [POLICY]: { enforcementLevel: "advisory" } } }), POLICY), ["advisory"]);
        });
    });
});
