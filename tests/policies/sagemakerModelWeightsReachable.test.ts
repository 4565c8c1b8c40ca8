/**
 * sagemaker-model-weights-reachable through @pulumi/policy's analyzer: the fixture program
 * tests/fixtures/policy-weights (models with weights from the Hub in VPCs with and without egress)
 * and this repo's stacks.
 */
import { strict as assert } from "assert";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { guardrails } from "../../policies/guardrails";
import { familyOf } from "../../policies/lib/guardrail";
import { DefaultRoute } from "../../policies/lib/networkGraph";
import { noEgressReason } from "../../policies/network/sagemakerModelWeightsReachable";
import { assertClean, levels, notRunProperties, ownMessages } from "./assertions";
import { EvaluateOptions, evaluateRepoStack, evaluateStack, FIXTURES } from "./harness";
import { loadPolicyConfigFile } from "../../offline/policyEngine";
import { PACK_DIR } from "./harness";

const POLICY = "sagemaker-model-weights-reachable";
const FIXTURE = path.join(FIXTURES, "policy-weights");
const fixture = (stack: string, options?: EvaluateOptions) => evaluateStack(FIXTURE, stack, options);
const shipped = (stack: string) => loadPolicyConfigFile(path.join(PACK_DIR, "config", `${stack}.json`));

/** The program's models, turned into Hub downloads (no model data, no isolation): what weightsSource 'hub' would make. */
const hubWeights: pulumi.ResourceTransformation = (args) => {
    if (args.type !== "aws:sagemaker/model:Model") return undefined;
    const { modelDataSource: _dropped, ...container } = args.props.primaryContainer;
    const environment = { ...container.environment };
    for (const key of ["SM_VLLM_MODEL", "SM_SGLANG_MODEL_PATH", "HF_MODEL_ID"]) if (key in environment) environment[key] = "Qwen/Qwen2.5-7B-Instruct";
    return { props: { ...args.props, primaryContainer: { ...container, environment }, enableNetworkIsolation: false }, opts: args.opts };
};

const route = (target: DefaultRoute["target"]): DefaultRoute =>
    ({ holder: { name: "t" }, where: "routes[0].cidrBlock", destination: "0.0.0.0/0", target }) as unknown as DefaultRoute;

describe(POLICY, function () {
    this.timeout(300_000);

    it("is a mandatory network policy of medium severity, deferred on unknowns", () => {
        const g = guardrails.find((x) => x.name === POLICY)!;
        assert.equal(g.enforcementLevel, "mandatory");
        assert.equal(familyOf(g), "network");
        assert.equal(g.severity, "medium");
        assert.equal(g.meta.unknowns, "deferred");
        assert.match(g.url, /mkt-algo-model-internet-free\.html$/);
    });

    it("a subnet's routes lead out unless there is no default route or only one to an internet gateway", () => {
        assert.match(noEgressReason([])!, /no default route/);
        assert.match(noEgressReason([route("internet gateway")])!, /only a default route to an internet gateway/);
        assert.equal(noEgressReason([route("NAT gateway")]), undefined);
        assert.equal(noEgressReason([route("internet gateway"), route("NAT gateway")]), undefined);
        assert.equal(noEgressReason([route("egress-only internet gateway")]), undefined);
        assert.equal(noEgressReason([route("other")]), undefined, "a transit gateway may be a central egress");
    });

    describe("this repo's stacks", () => {
        for (const stack of ["govcloud", "commercial"]) {
            for (const preview of [true, false]) {
                it(`${stack} (${preview ? "preview" : "update"}) as shipped: nothing reported`, async () =>
                    assertClean(await evaluateRepoStack(stack, { policyConfig: shipped(stack), preview }), [POLICY], stack));
            }
        }
        it("commercial with egress 'nat' and weights from the Hub: nothing reported", async () => {
            const nat = {
                overrides: { egress: "nat", huggingFaceToken: "hf_x", models: [{ id: "mistral-7b-instruct", weightsSource: "hub" }] },
                secretOverrides: ["huggingFaceToken"],
            };
            for (const preview of [true, false]) assertClean(await evaluateRepoStack("commercial", { ...nat, preview }), [POLICY], `nat preview=${preview}`);
        });
        it("govcloud (egress 'none') with its model downloading from the Hub: reported on the model, naming both subnets and the program's setting", async () => {
            const e = await evaluateRepoStack("govcloud", { preview: false, transformations: [hubWeights] });
            assert.deepEqual(e.flagged(POLICY), ["llama-3-1-8b-instruct-model"]);
            const [message] = ownMessages(e, POLICY);
            assert.match(message, /SM_VLLM_MODEL=Qwen\/Qwen2\.5-7B-Instruct/);
            assert.equal((message.match(/has no default route/g) ?? []).length, 2, message);
            assert.match(message, /In this program: weightsSource 'hub' needs egress 'nat'/);
        });
    });

    describe("the fixture program", () => {
        for (const preview of [true, false]) {
            const mode = preview ? "preview" : "update";
            it(`compliant (${mode}): NAT route (aws.ec2.Route or inline), transit gateway, a subnet from outside the stack, no VPC`, async () => {
                for (const stack of ["hub-nat", "nat-inline", "hub-tgw", "hub-external-subnet", "s3-weights"])
                    assertClean(await fixture(stack, { preview }), [POLICY], stack);
            });
            it(`violating (${mode}): network isolation, and subnets without a default route; not the model outside a VPC`, async () => {
                const e = await fixture("hub-closed", { preview });
                assert.deepEqual(e.flagged(POLICY), ["closed-model", "isolated-model"]);
                assert.deepEqual(levels(e, POLICY), ["mandatory"]);
                const messages = ownMessages(e, POLICY).sort();
                assert.match(
                    messages[0],
                    /^Model closed-model .*HF_MODEL_ID=mistralai\/Mistral-7B-Instruct-v0\.3.*private-0 \(Subnet\) has no default route.*private-1 \(Subnet\) has no default route/,
                );
                assert.match(messages[1], /^Model isolated-model .*enableNetworkIsolation true: its container can make no outbound call/);
                assert.ok(!messages.join(" ").includes("In this program"), "the fixture is not this program");
            });
            it(`violating (${mode}): the only default route goes to an internet gateway`, async () => {
                const e = await fixture("hub-igw", { preview });
                assert.deepEqual(e.flagged(POLICY), ["chat-model"]);
                assert.match(ownMessages(e, POLICY)[0], /only a default route to an internet gateway/);
            });
        }
        it("unknown in preview: a model variable or a NAT route's destination defers the policy (not run); at pulumi up it decides", async () => {
            const model = await fixture("hub-computed");
            assert.deepEqual(model.flagged(POLICY), []);
            assert.deepEqual(notRunProperties(model, POLICY), ["(stack) .primaryContainer.environment.SM_VLLM_MODEL"]);
            assert.deepEqual((await fixture("hub-computed", { preview: false })).flagged(POLICY), ["chat-model"]);

            const destination = await fixture("nat-computed");
            assert.deepEqual(destination.flagged(POLICY), [], "an unknown route is not taken for a missing one");
            assert.ok(destination.notRun(POLICY));
            assertClean(await fixture("nat-computed", { preview: false }), [POLICY], "nat-computed update");
        });
        it("config: the pack config can make it advisory (it has no settings of its own)", async () => {
            const e = await fixture("hub-closed", { policyConfig: { [POLICY]: { enforcementLevel: "advisory" } } });
            assert.deepEqual(levels(e, POLICY), ["advisory"]);
            assert.equal(guardrails.find((x) => x.name === POLICY)!.configSchema, undefined);
        });
    });
});
