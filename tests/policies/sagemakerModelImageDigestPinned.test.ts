/**
 * sagemaker-model-image-digest-pinned (advisory) through @pulumi/policy's analyzer: the fixture
 * program tests/fixtures/policy-weights and this repo's stacks, whose images are AWS
 * deep-learning-container release tags (not reported: the pack has no digests for them).
 */
import { strict as assert } from "assert";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { guardrails } from "../../policies/guardrails";
import { digestProblem, isDigestPinned } from "../../policies/instances/sagemakerModelImageDigestPinned";
import { familyOf } from "../../policies/lib/guardrail";
import { levels, notRunProperties, ownMessages } from "./assertions";
import { EvaluateOptions, evaluateRepoStack, evaluateStack, FIXTURES } from "./harness";

const POLICY = "sagemaker-model-image-digest-pinned";
const FIXTURE = path.join(FIXTURES, "policy-weights");
const fixture = (stack: string, options?: EvaluateOptions) => evaluateStack(FIXTURE, stack, options);
const DIGEST = `sha256:${"ab".repeat(32)}`;

/** The program's model image copied to the team's own registry, same tag. */
const fromOwnRegistry: pulumi.ResourceTransformation = (args) =>
    args.type === "aws:sagemaker/model:Model"
        ? {
              props: {
                  ...args.props,
                  primaryContainer: { ...args.props.primaryContainer, image: String(args.props.primaryContainer.image).replace(/^\d{12}/, "111122223333") },
              },
              opts: args.opts,
          }
        : undefined;

/** The program's model image by digest, as the stack's imageUri setting allows. */
const byDigest: pulumi.ResourceTransformation = (args) =>
    args.type === "aws:sagemaker/model:Model"
        ? {
              props: {
                  ...args.props,
                  primaryContainer: { ...args.props.primaryContainer, image: `${String(args.props.primaryContainer.image).split(":")[0]}@${DIGEST}` },
              },
              opts: args.opts,
          }
        : undefined;

describe(POLICY, function () {
    this.timeout(300_000);

    it("is an advisory instances policy of low severity, deferred on unknowns", () => {
        const g = guardrails.find((x) => x.name === POLICY)!;
        assert.equal(g.enforcementLevel, "advisory");
        assert.equal(familyOf(g), "instances");
        assert.equal(g.severity, "low");
        assert.equal(g.meta.unknowns, "deferred");
    });

    it("a digest is @sha256: and 64 hex digits", () => {
        assert.ok(isDigestPinned(`763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-vllm@${DIGEST}`));
        assert.ok(!isDigestPinned("763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-vllm:0.21.0"));
        assert.ok(!isDigestPinned(`763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-vllm@sha256:${"ab".repeat(31)}`));
        assert.ok(!isDigestPinned("repo:sha256-abc"));
    });

    it("what is reported: no tag or latest anywhere, and any tag outside the AWS deep-learning-container registries", () => {
        assert.equal(digestProblem("763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-vllm:0.21.0-gpu"), undefined, "a DLC release tag");
        assert.match(digestProblem("763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-vllm:latest")!, /no version/);
        assert.match(digestProblem("763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-vllm")!, /no version/);
        assert.match(digestProblem("111122223333.dkr.ecr.us-east-1.amazonaws.com/llm/vllm:0.21.0")!, /can be pushed again/);
        assert.match(digestProblem("localhost:5000/vllm")!, /no version/, "a registry port is no tag");
        assert.equal(digestProblem(`111122223333.dkr.ecr.us-east-1.amazonaws.com/llm/vllm@${DIGEST}`), undefined);
    });

    describe("this repo's stacks", () => {
        for (const stack of ["govcloud", "commercial"]) {
            it(`${stack}: the program's model, an AWS deep-learning-container release tag, is not reported; the same image from the team's registry is`, async () => {
                assert.deepEqual((await evaluateRepoStack(stack, { preview: false })).flagged(POLICY), []);
                const e = await evaluateRepoStack(stack, { preview: false, transformations: [fromOwnRegistry] });
                assert.equal(e.flagged(POLICY).length, 1);
                assert.deepEqual(levels(e, POLICY), ["advisory"]);
                assert.match(ownMessages(e, POLICY)[0], /names a tag, not a digest.*In this program: set the model's imageUri/);
                assert.deepEqual((await evaluateRepoStack(stack, { preview: false, transformations: [byDigest] })).flagged(POLICY), []);
            });
        }
    });

    describe("the fixture program", () => {
        for (const preview of [true, false]) {
            it(`${preview ? "preview" : "update"}: images by tag are reported on their models, by digest not`, async () => {
                const e = await fixture("images", { preview });
                // dlc-tag and other-region are AWS deep-learning-container release tags (the other region is the registry policy's finding).
                const tagged = ["docker-hub-model", "other-account-model"];
                assert.deepEqual(e.flagged(POLICY), preview ? tagged : [...tagged, "computed-model"].sort());
                assert.match(
                    ownMessages(e, POLICY).find((m) => m.startsWith("Model docker-hub-model"))!,
                    /primaryContainer\.image "docker\.io\/vllm\/vllm-openai:v0\.21\.0" names a tag/,
                );
            });
        }
        it("unknown in preview: a computed image makes it not run on that model", async () => {
            assert.deepEqual(notRunProperties(await fixture("images"), POLICY), ["computed-model .primaryContainer.image"]);
            assert.ok(!(await fixture("images", { preview: false })).notRun(POLICY));
        });
        it("config: the pack config can make it mandatory or disable it", async () => {
            assert.deepEqual(levels(await fixture("images", { policyConfig: { [POLICY]: { enforcementLevel: "mandatory" } } }), POLICY), ["mandatory"]);
            assert.deepEqual((await fixture("images", { policyConfig: { [POLICY]: { enforcementLevel: "disabled" } } })).flagged(POLICY), []);
        });
    });
});
