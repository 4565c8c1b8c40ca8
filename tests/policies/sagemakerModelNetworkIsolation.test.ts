/**
 * sagemaker-model-network-isolation (advisory) through @pulumi/policy's analyzer: the fixture program
 * tests/fixtures/policy-weights and this repo's stacks (whose models with weights from S3 are isolated).
 */
import { strict as assert } from "assert";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { loadPolicyConfigFile } from "../../offline/policyEngine";
import { guardrails } from "../../policies/guardrails";
import { familyOf } from "../../policies/lib/guardrail";
import { assertClean, levels, notRunProperties, ownMessages } from "./assertions";
import { EvaluateOptions, evaluateRepoStack, evaluateStack, FIXTURES, PACK_DIR } from "./harness";

const POLICY = "sagemaker-model-network-isolation";
const FIXTURE = path.join(FIXTURES, "policy-weights");
const fixture = (stack: string, options?: EvaluateOptions) => evaluateStack(FIXTURE, stack, options);
const shipped = (stack: string) => loadPolicyConfigFile(path.join(PACK_DIR, "config", `${stack}.json`));

/** The program's model without network isolation. */
const notIsolated: pulumi.ResourceTransformation = (args) =>
    args.type === "aws:sagemaker/model:Model" ? { props: { ...args.props, enableNetworkIsolation: false }, opts: args.opts } : undefined;

describe(POLICY, function () {
    this.timeout(300_000);

    it("is an advisory network policy of low severity, deferred on unknowns", () => {
        const g = guardrails.find((x) => x.name === POLICY)!;
        assert.equal(g.enforcementLevel, "advisory");
        assert.equal(familyOf(g), "network");
        assert.equal(g.severity, "low");
        assert.equal(g.meta.unknowns, "deferred");
    });

    describe("this repo's stacks", () => {
        for (const stack of ["govcloud", "commercial"]) {
            for (const preview of [true, false]) {
                it(`${stack} (${preview ? "preview" : "update"}) as shipped (weights from S3, isolated): nothing reported`, async () =>
                    assertClean(await evaluateRepoStack(stack, { policyConfig: shipped(stack), preview }), [POLICY], stack));
            }
        }
        it("weights from the Hub need the network: nothing reported", async () => {
            const nat = {
                overrides: { egress: "nat", huggingFaceToken: "hf_x", models: [{ id: "mistral-7b-instruct", weightsSource: "hub" }] },
                secretOverrides: ["huggingFaceToken"],
            };
            assertClean(await evaluateRepoStack("commercial", { ...nat, preview: false }), [POLICY], "hub");
        });
        it("the program's model from S3 without isolation: reported on the model, advisory", async () => {
            const e = await evaluateRepoStack("commercial", { preview: false, transformations: [notIsolated] });
            assert.deepEqual(e.flagged(POLICY), ["qwen3-30b-a3b-instruct-2507-model"]);
            assert.deepEqual(levels(e, POLICY), ["advisory"]);
        });
    });

    describe("the fixture program", () => {
        for (const preview of [true, false]) {
            it(`${preview ? "preview" : "update"}: the model from S3 without enableNetworkIsolation is reported; the isolated one and Hub models are not`, async () => {
                const e = await fixture("s3-weights", { preview });
                assert.deepEqual(e.flagged(POLICY), ["open-model"]);
                assert.match(
                    ownMessages(e, POLICY)[0],
                    /^Model open-model takes its weights from S3 \(primaryContainer\.modelDataSource\/modelDataUrl\).*enableNetworkIsolation is not true/,
                );
                for (const stack of ["hub-nat", "hub-closed", "revisions"]) assert.deepEqual((await fixture(stack, { preview })).flagged(POLICY), [], stack);
            });
        }
        it("unknown in preview: a computed enableNetworkIsolation makes it not run on that model; at pulumi up (true) it passes", async () => {
            assert.deepEqual(notRunProperties(await fixture("s3-weights"), POLICY), ["computed-model .enableNetworkIsolation"]);
            assert.ok(!(await fixture("s3-weights", { preview: false })).notRun(POLICY));
        });
        it("config: the pack config can make it mandatory", async () => {
            const e = await fixture("s3-weights", { policyConfig: { [POLICY]: { enforcementLevel: "mandatory" } } });
            assert.deepEqual(levels(e, POLICY), ["mandatory"]);
        });
    });
});
