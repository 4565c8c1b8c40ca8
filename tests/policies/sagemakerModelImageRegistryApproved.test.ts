/**
 * sagemaker-model-image-registry-approved through @pulumi/policy's analyzer: the fixture program
 * tests/fixtures/policy-weights (images from the region's deep-learning-container registry, the
 * stack's own account, other accounts and regions, Docker Hub) and this repo's stacks.
 */
import { strict as assert } from "assert";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { loadPolicyConfigFile } from "../../offline/policyEngine";
import { guardrails } from "../../policies/guardrails";
import { parseEcrImage, registryProblem, underRegistry } from "../../policies/instances/sagemakerModelImageRegistryApproved";
import { providerAccountIds } from "../../policies/lib/context";
import { familyOf } from "../../policies/lib/guardrail";
import { assertClean, levels, notRunProperties, ownMessages } from "./assertions";
import { EvaluateOptions, evaluateRepoStack, evaluateStack, FIXTURES, PACK_DIR } from "./harness";

const POLICY = "sagemaker-model-image-registry-approved";
const FIXTURE = path.join(FIXTURES, "policy-weights");
const fixture = (stack: string, options?: EvaluateOptions) => evaluateStack(FIXTURE, stack, options);
const shipped = (stack: string) => loadPolicyConfigFile(path.join(PACK_DIR, "config", `${stack}.json`));
const GOV_DLC = "442386744353.dkr.ecr.us-gov-west-1.amazonaws.com/huggingface-vllm:0.21.0-transformers5.8.1-gpu-py312-cu130-ubuntu22.04";
const OTHER = "999988887777.dkr.ecr.us-gov-west-1.amazonaws.com/vllm:latest";

/** The program's model image from another account's registry in the stack's region. */
const otherAccount: pulumi.ResourceTransformation = (args) =>
    args.type === "aws:sagemaker/model:Model"
        ? { props: { ...args.props, primaryContainer: { ...args.props.primaryContainer, image: OTHER } }, opts: args.opts }
        : undefined;

describe(POLICY, function () {
    this.timeout(300_000);

    it("is a mandatory instances policy of high severity, deferred on unknowns, with approvedRegistries and accountIds empty by default", () => {
        const g = guardrails.find((x) => x.name === POLICY)!;
        assert.equal(g.enforcementLevel, "mandatory");
        assert.equal(familyOf(g), "instances");
        assert.equal(g.severity, "high");
        assert.equal(g.meta.unknowns, "deferred");
        assert.deepEqual(g.configSchema?.properties.approvedRegistries.default, []);
        assert.deepEqual(g.configSchema?.properties.accountIds.default, []);
    });

    it("judges an image by region, registry account and the approved list (pure)", () => {
        assert.deepEqual(parseEcrImage(GOV_DLC), {
            host: "442386744353.dkr.ecr.us-gov-west-1.amazonaws.com",
            account: "442386744353",
            region: "us-gov-west-1",
            repository: "huggingface-vllm",
        });
        assert.equal(parseEcrImage("442386744353.dkr.ecr-fips.us-gov-west-1.amazonaws.com/x:1")?.region, "us-gov-west-1");
        assert.equal(registryProblem(GOV_DLC, "us-gov-west-1", [], []), undefined);
        assert.match(registryProblem(GOV_DLC, "us-gov-east-1", [], [])!, /not the stack's region us-gov-east-1/);
        // The commercial DLC account is not GovCloud's.
        assert.match(registryProblem("763104351884.dkr.ecr.us-gov-west-1.amazonaws.com/huggingface-vllm:1", "us-gov-west-1", [], [])!, /account 763104351884/);
        assert.match(registryProblem(OTHER, "us-gov-west-1", [], [])!, /none known: set the provider's allowedAccountIds/);
        assert.equal(registryProblem(OTHER, "us-gov-west-1", ["999988887777"], []), undefined);
        assert.equal(registryProblem(OTHER, "us-gov-west-1", [], ["999988887777.dkr.ecr.us-gov-west-1.amazonaws.com"]), undefined);
        assert.equal(registryProblem(OTHER, "us-gov-west-1", [], ["999988887777.dkr.ecr.us-gov-west-1.amazonaws.com/vllm/"]), undefined);
        assert.ok(registryProblem(OTHER, "us-gov-west-1", [], ["999988887777.dkr.ecr.us-gov-west-1.amazonaws.com/vl"]));
        assert.match(registryProblem("public.ecr.aws/vllm/vllm:1", "us-east-1", [], [])!, /not an Amazon ECR image/);
        assert.ok(underRegistry("quay.io/org/img@sha256:ab", "quay.io/org"));
        assert.ok(!underRegistry("quay.io/organisation/img", "quay.io/org"));
        assert.deepEqual(providerAccountIds({ props: { allowedAccountIds: '["111122223333"]' } } as never), ["111122223333"]);
        assert.deepEqual(providerAccountIds({ props: { allowedAccountIds: ["111122223333", "444455556666"] } } as never), ["111122223333", "444455556666"]);
        assert.deepEqual(providerAccountIds(undefined), []);
    });

    describe("this repo's stacks", () => {
        for (const stack of ["govcloud", "commercial"]) {
            for (const preview of [true, false]) {
                it(`${stack} (${preview ? "preview" : "update"}) as shipped (the engine's image in the stack's region): nothing reported`, async () =>
                    assertClean(await evaluateRepoStack(stack, { policyConfig: shipped(stack), preview }), [POLICY], stack));
            }
        }
        it("govcloud with its model's image from another account: reported on the model, with the program's setting", async () => {
            const e = await evaluateRepoStack("govcloud", { preview: false, transformations: [otherAccount] });
            assert.deepEqual(e.flagged(POLICY), ["llama-3-1-8b-instruct-model"]);
            assert.match(ownMessages(e, POLICY)[0], /account 999988887777's registry.*In this program: leave the model's imageUri unset/);
        });
    });

    describe("the fixture program", () => {
        const rejected = ["docker-hub-model", "other-account-model", "other-region-model"];
        for (const preview of [true, false]) {
            it(`${preview ? "preview" : "update"}: the region's DLC registry and the provider's allowedAccountIds pass; another account, region or registry is reported`, async () => {
                const e = await fixture("images", { preview });
                assert.deepEqual(e.flagged(POLICY), preview ? rejected : ["computed-model", ...rejected]);
                assert.deepEqual(levels(e, POLICY), ["mandatory"]);
                const byModel = (name: string) => ownMessages(e, POLICY).find((m) => m.startsWith(`Model ${name} `))!;
                assert.match(byModel("other-region-model"), /is in us-gov-east-1's ECR, not the stack's region us-gov-west-1/);
                assert.match(
                    byModel("other-account-model"),
                    /account 999988887777's registry.*us-gov-west-1 \(442386744353\).*the stack's account \(111122223333\)/,
                );
                assert.match(byModel("docker-hub-model"), /is not an Amazon ECR image/);
            });
        }
        it("unknown in preview: a computed image, or the provider's region, makes it not run on the model; at pulumi up it decides", async () => {
            assert.deepEqual(notRunProperties(await fixture("images"), POLICY), ["computed-model .primaryContainer.image"]);
            const region = await fixture("region-computed");
            assert.deepEqual(region.flagged(POLICY), []);
            assert.deepEqual(notRunProperties(region, POLICY), ["chat-model .region"]);
            assert.deepEqual((await fixture("region-computed", { preview: false })).flagged(POLICY), ["chat-model"]);
        });
        it("config: approvedRegistries and accountIds approve more registries", async () => {
            const e = await fixture("images", {
                preview: false,
                policyConfig: {
                    [POLICY]: { approvedRegistries: ["docker.io/vllm", "446045086412.dkr.ecr.us-gov-east-1.amazonaws.com"], accountIds: ["999988887777"] },
                },
            });
            assert.deepEqual(e.flagged(POLICY), []);
        });
    });
});
