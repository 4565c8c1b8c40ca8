/** s3-bucket-weights-retained (policies/encryption/s3BucketWeightsRetained.ts), through @pulumi/policy's analyzer. */
import { strict as assert } from "assert";
import * as path from "path";
import { bucketOfS3Uri, retentionProblem, UNKNOWN_BUCKET, weightsLink, weightsUris } from "../../policies/encryption/s3BucketWeightsRetained";
import { guardrails } from "../../policies/guardrails";
import { assertClean, notRunMessage, ownMessages, policyResource } from "./assertions";
import { EvaluateOptions, evaluateRepoStack, evaluateStack, FIXTURES } from "./harness";

const POLICY = "s3-bucket-weights-retained";
const fixture = (options?: EvaluateOptions) => evaluateStack(path.join(FIXTURES, "policy-guardrails-a"), "weights", options);

describe(POLICY, function () {
    this.timeout(120_000);

    it("is an advisory encryption policy of low severity, deferred on unknowns, requireProtect off by default", () => {
        const g = guardrails.find((x) => x.name === POLICY)!;
        assert.deepEqual([g.enforcementLevel, g.severity, g.tags, g.meta.unknowns], ["advisory", "low", ["encryption"], "deferred"]);
        assert.equal(g.configSchema!.properties.requireProtect.default, false);
    });

    describe("reasoning (pure functions)", () => {
        it("reads the bucket of an S3 URI", () => {
            assert.equal(bucketOfS3Uri("s3://weights/models/m/"), "weights");
            assert.equal(bucketOfS3Uri("s3://weights"), "weights");
            assert.equal(bucketOfS3Uri("https://weights.s3.amazonaws.com/m"), undefined);
        });

        it("finds the weights URIs of every container: modelDataUrl, modelDataSource and additionalModelDataSources", () => {
            const model = policyResource("aws:sagemaker/model:Model", "m", {
                primaryContainer: { modelDataUrl: "s3://a/m.tar.gz", additionalModelDataSources: [{ s3DataSources: [{ s3Uri: "s3://b/draft/" }] }] },
                containers: [{ image: "x" }, { modelDataSource: { s3DataSources: [{ s3Uri: "s3://c/x/" }] } }],
            });
            assert.deepEqual(
                weightsUris([model]).map((u) => `${u.property} ${u.path} ${String(u.bucket)}`),
                [
                    "primaryContainer primaryContainer.modelDataUrl a",
                    "primaryContainer primaryContainer.additionalModelDataSources[0].s3DataSources[0].s3Uri b",
                    "containers containers[1].modelDataSource.s3DataSources[0].s3Uri c",
                ],
            );
        });

        it("links a bucket by name, or by dependency when its name is not known; only maybe when the URI is unknown", () => {
            const named = policyResource("aws:s3/bucket:Bucket", "named", { bucket: "weights" });
            const anonymous = policyResource("aws:s3/bucket:Bucket", "anonymous");
            const model = (modelDataUrl: unknown, deps: object[]) =>
                policyResource("aws:sagemaker/model:Model", "m", { primaryContainer: { modelDataUrl } }, { primaryContainer: deps as never });
            const link = (bucket: typeof named, m: ReturnType<typeof model>) => weightsLink(bucket, weightsUris([m]), [named, anonymous]).link;
            assert.equal(link(named, model("s3://weights/m.tar.gz", [])), "yes");
            assert.equal(link(named, model("s3://other/m.tar.gz", [named])), "no", "a known name decides over the dependency");
            assert.equal(link(anonymous, model("s3://generated-name/m.tar.gz", [anonymous])), "yes");
            assert.equal(link(anonymous, model("s3://weights/m.tar.gz", [anonymous])), "no", "the URI names another stack bucket");
            assert.equal(link(anonymous, model("s3://generated-name/m.tar.gz", [])), "no");
            const unknown = weightsUris([model("04da6b54-80e4-46f7-96ec-b56ff0331ba9", [anonymous])]);
            assert.equal(unknown[0].bucket, UNKNOWN_BUCKET);
            assert.equal(weightsLink(anonymous, unknown, [named, anonymous]).link, "maybe");
        });

        it("reports forceDestroy: true whatever protects the bucket, and the missing protect option only when required", () => {
            assert.match(retentionProblem(true, true, false)!.problem, /forceDestroy: true/);
            assert.equal(retentionProblem(false, false, false), undefined);
            assert.equal(retentionProblem(undefined, false, false), undefined);
            assert.match(retentionProblem(undefined, false, true)!.problem, /does not have the protect resource option/);
            // The fix names what satisfies that problem: protect, which retainOnDelete cannot stand in for here.
            assert.match(retentionProblem(undefined, false, true)!.fix, /^Set the protect resource option on the bucket/);
            assert.match(retentionProblem(true, false, false)!.fix, /^Leave forceDestroy unset/);
            assert.equal(retentionProblem(undefined, true, true), undefined);
        });
    });

    it("flags (advisory) the weights buckets with forceDestroy: true, on the bucket, naming the model; not a bucket no model reads", async () => {
        const e = await fixture({ preview: false });
        assert.deepEqual(e.flagged(POLICY), ["weights-force-destroy", "weights-named"]);
        assert.ok(e.of(POLICY).every((v) => v.enforcementLevel === "advisory"));
        assert.match(
            ownMessages(e, POLICY).find((m) => m.includes("'weights-named'"))!,
            /^Bucket 'weights-named' \(named-weights-bucket\) holds the weights of SageMaker model 'model-literal' \(primaryContainer\.additionalModelDataSources\[0\]\.s3DataSources\[0\]\.s3Uri\) and has forceDestroy: true: pulumi destroy deletes every object version in it/,
        );
    });

    it("in preview, a bucket whose link rests on an unknown URI defers the policy (not run); one named literally is reported", async () => {
        const e = await fixture();
        assert.deepEqual(e.flagged(POLICY), ["weights-named"]);
        assert.ok(e.notRun(POLICY));
        assert.match(
            notRunMessage(e, POLICY),
            /model-forced\.primaryContainer\.modelDataUrl \(whether it names bucket weights-force-destroy, which has forceDestroy: true/,
        );
    });

    it("requireProtect (policy config) asks for the protect option: retainOnDelete is not sent to policy packs; and its level", async () => {
        const e = await fixture({ preview: false, policyConfig: { [POLICY]: { requireProtect: true } } });
        assert.deepEqual(e.flagged(POLICY), ["weights-force-destroy", "weights-named", "weights-retained"]);
        const mandatory = await fixture({ preview: false, policyConfig: { [POLICY]: "mandatory" } });
        assert.deepEqual(
            mandatory.of(POLICY).map((v) => v.enforcementLevel),
            ["mandatory", "mandatory"],
        );
        assert.deepEqual((await fixture({ policyConfig: { [POLICY]: "disabled" } })).flagged(POLICY), []);
    });

    describe("the repo's stacks", () => {
        it("are silent: the artifact bucket the models read their weights from is kept (retainDataOnDestroy true: forceDestroy false)", async () => {
            for (const stack of ["govcloud", "commercial"]) {
                for (const preview of [true, false]) assertClean(await evaluateRepoStack(stack, { preview }), [POLICY], `${stack} preview=${preview}`);
            }
        });

        it("with retainDataOnDestroy false, the artifact bucket is reported in an update (setting named) and deferred in preview", async () => {
            const update = await evaluateRepoStack("govcloud", { preview: false, overrides: { retainDataOnDestroy: false } });
            assert.deepEqual(update.flagged(POLICY), ["artifacts"]);
            assert.match(
                ownMessages(update, POLICY)[0],
                /holds the weights of SageMaker model 'llama-3-1-8b-instruct-model' \(primaryContainer\.modelDataSource\.s3DataSources\[0\]\.s3Uri\) and has forceDestroy: true.* In this program: retainDataOnDestroy true/,
            );
            const preview = await evaluateRepoStack("govcloud", { overrides: { retainDataOnDestroy: false } });
            assert.deepEqual(preview.flagged(POLICY), []);
            assert.ok(preview.notRun(POLICY));
        });
    });
});
