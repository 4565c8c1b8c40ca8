/**
 * The partition family (policies/partition/): aws-resource-partition-consistent and
 * aws-resource-region-allowed, on the repo's stacks, variants of them, and fixture programs
 * (tests/fixtures/policy-governance), through @pulumi/policy's analyzer.
 */
import { strict as assert } from "assert";
import * as path from "path";
import { UNKNOWN } from "../../offline/mockRun";
import { referenceProblem, referencesIn, stringsIn } from "../../policies/lib/partitionReferences";
import { partitionGuardrails } from "../../policies/partition";
import { DEFAULT_ALLOWED_REGIONS, regionProblem } from "../../policies/partition/awsResourceRegionAllowed";
import { partitionFindings } from "../../policies/partition/awsResourcePartitionConsistent";
import { regionsOf } from "../../policies/catalog/partitions";
import { ENGINES, engineImageUri, imageAccount } from "../../policies/catalog/engines";

const tgiImageAccount = imageAccount;
const tgiImageUri = (region: string, dnsSuffix: string, version: string) => engineImageUri(ENGINES.tgi, version, region, dnsSuffix);
import { freshRequire } from "../freshModules";
import { assertClean } from "./assertions";
import { Evaluation, EvaluateOptions, evaluateRepoStack, evaluateStack, FIXTURES } from "./harness";
import { familyOf } from "../../policies/lib/guardrail";
import { controlsOf } from "../../policies/lib/nist";

const REFS = "aws-resource-partition-consistent";
const REGIONS = "aws-resource-region-allowed";
const FAMILY = [REFS, REGIONS];

describe("partition family", function () {
    describe("metadata", function () {
        it("lists both policies, mandatory, with controls, remediation and unknown handling", function () {
            assert.deepEqual(
                partitionGuardrails.map((g) => [g.name, g.enforcementLevel, g.meta.unknowns]),
                [
                    [REFS, "mandatory", "skipped"],
                    [REGIONS, "mandatory", "deferred"],
                ],
            );
            for (const g of partitionGuardrails) {
                assert.equal(familyOf(g), "partition");
                assert.ok(controlsOf(g.framework).includes("SA-9(5)") && controlsOf(g.framework).every((c) => /^[A-Z]{2}-\d+(\(\d+\))?$/.test(c)));
                assert.ok(g.remediationSteps.length > 40 && g.meta.rationale.length > 40);
            }
            // The remediation names the fix: the SDK calls that give the stack's partition and region, and the config key for an intended reference.
            // (Loaded afresh: the text is built when the module loads; tests/freshModules.ts.)
            const fresh = freshRequire<typeof import("../../policies/partition")>("policies/partition").partitionGuardrails;
            const refs = fresh.find((g) => g.name === REFS)!.remediationSteps;
            for (const name of ["aws.getPartition()", "aws.getRegion()", "ignorePatterns"]) assert.ok(refs.includes(`\`${name}\``), name);
        });

        it("defaults the region allow-list to the regions of each partition (policies/catalog/partitions.ts regionsOf)", async function () {
            assert.deepEqual(DEFAULT_ALLOWED_REGIONS, { aws: regionsOf("aws"), "aws-us-gov": regionsOf("aws-us-gov") });
            const e = await evaluateRepoStack("govcloud");
            assert.deepEqual(e.result.policies.find((p) => p.name === REGIONS)!.config, { allowedRegions: DEFAULT_ALLOWED_REGIONS });
            assert.deepEqual(e.result.policies.find((p) => p.name === REFS)!.config, { ignorePatterns: [] });
        });
    });

    describe("reasoning (pure functions)", function () {
        it("finds ARNs, ECR registries, regional hosts and endpoint services, JSON documents included", function () {
            const found = stringsIn({
                policy: JSON.stringify({ Statement: [{ Resource: ["arn:aws:s3:::b/*", "arn:aws-us-gov:logs:us-gov-west-1:1:log-group:x"] }] }),
                image: "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.7.0",
                list: [UNKNOWN, "com.amazonaws.us-gov-west-1.s3"],
                n: 3,
            });
            assert.deepEqual(
                found.map((f) => f.path),
                ["policy(json).Statement[0].Resource[0]", "policy(json).Statement[0].Resource[1]", "image", "list[1]"],
            );
            const refs = found.flatMap((f) => referencesIn(f.value));
            assert.deepEqual(
                refs.map((r) => [r.kind, r.partition, r.region]),
                [
                    ["ARN", "aws", undefined],
                    ["ARN", "aws-us-gov", "us-gov-west-1"],
                    ["ECR registry", undefined, "us-east-1"],
                    ["VPC endpoint service", undefined, "us-gov-west-1"],
                ],
            );
            assert.deepEqual(
                referencesIn("logs.us-gov-west-1.amazonaws.com and runtime.sagemaker.us-east-1.amazonaws.com and sagemaker.amazonaws.com").map((r) => r.region),
                ["us-gov-west-1", "us-east-1"],
            );
        });

        it("judges a reference by partition, region, DNS suffix and the TGI registry account", function () {
            const problem = (text: string, partition: "aws" | "aws-us-gov", region: string) =>
                referencesIn(text).map((r) => referenceProblem(r, partition, region));
            assert.deepEqual(problem("arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess", "aws-us-gov", "us-gov-west-1"), [undefined]);
            assert.match(problem("arn:aws:iam::aws:policy/ReadOnlyAccess", "aws-us-gov", "us-gov-west-1")[0]!, /partition 'aws'/);
            assert.match(problem("arn:aws-us-gov:sns:us-gov-east-1:1:t", "aws-us-gov", "us-gov-west-1")[0]!, /region us-gov-east-1/);
            assert.deepEqual(problem("arn:aws-us-gov:logs:*:1:log-group:x", "aws-us-gov", "us-gov-west-1"), [undefined]);
            assert.match(problem("sts.cn-north-1.amazonaws.com.cn", "aws", "us-east-1")[0]!, /region cn-north-1/);
            assert.deepEqual(problem(tgiImageUri("us-gov-west-1", "amazonaws.com", "3.3.6"), "aws-us-gov", "us-gov-west-1"), [undefined]);
            const wrongAccount = `${tgiImageAccount("us-east-1")}.dkr.ecr.us-gov-west-1.amazonaws.com/huggingface-pytorch-tgi-inference:x`;
            assert.match(
                problem(wrongAccount, "aws-us-gov", "us-gov-west-1")[0]!,
                new RegExp(`account ${tgiImageAccount("us-east-1")}.*in us-gov-west-1 it is ${tgiImageAccount("us-gov-west-1")}`),
            );
            // Someone's own mirror of the repository is not a TGI registry account.
            assert.deepEqual(problem("123456789012.dkr.ecr.us-gov-west-1.amazonaws.com/huggingface-pytorch-tgi-inference:x", "aws-us-gov", "us-gov-west-1"), [
                undefined,
            ]);
            assert.deepEqual(partitionFindings({ a: "arn:aws:s3:::x" }, "aws-us-gov", "us-gov-west-1", ["^arn:aws:s3:::x$"]), []);
            // Patterns are Unicode regular expressions (property escapes work).
            assert.deepEqual(partitionFindings({ a: "arn:aws:s3:::logs" }, "aws-us-gov", "us-gov-west-1", ["^arn:aws:s3:::\\p{Ll}+$"]), []);
        });

        it("allows a region only on its partition's list", function () {
            assert.equal(regionProblem("us-gov-west-1", DEFAULT_ALLOWED_REGIONS), undefined);
            assert.match(
                regionProblem("cn-north-1", DEFAULT_ALLOWED_REGIONS)!,
                /^cn-north-1 is not a region of a partition this pack knows \(aws, aws-us-gov\)/,
            );
            assert.match(regionProblem("us-east-1", { "aws-us-gov": ["us-gov-west-1"] })!, /not on the aws allow-list \(no region allowed\)/);
            assert.equal(regionProblem("us-east-2", { aws: ["us-east-1", "us-west-2"] }), "us-east-2 is not on the aws allow-list (us-east-1, us-west-2)");
        });
    });

    describe(REFS, function () {
        it("passes the repo's govcloud and commercial stacks, in preview and in an update", async function () {
            for (const stack of ["govcloud", "commercial"]) {
                for (const preview of [true, false]) assertClean(await evaluateRepoStack(stack, { preview }), FAMILY, `${stack} preview=${preview}`);
            }
        });

        it("catches a commercial TGI image (us-east-1 registry) in a GovCloud model, and every other cross-partition reference", async function () {
            const e = await fixture("partition-govcloud");
            assert.deepEqual(e.flagged(REFS), [
                "commercial-account",
                "commercial-bucket",
                "commercial-image",
                "commercial-managed",
                "commercial-role",
                "east-logs-key",
                "east-s3",
                "east-topic",
            ]);
            const image = e.of(REFS).find((v) => v.resourceName === "commercial-image")!;
            assert.equal(image.enforcementLevel, "mandatory");
            assert.match(
                image.message,
                /property primaryContainer\.image holds "763104351884\.dkr\.ecr\.us-east-1\.amazonaws\.com\/huggingface-pytorch-tgi-inference": the ECR registry names region us-east-1, not the resource's us-gov-west-1/,
            );
            assert.match(image.message, /list it in `ignorePatterns` if the cross-region reference is intended\.$/);
            const bucket = e.of(REFS).find((v) => v.resourceName === "commercial-bucket")!;
            assert.match(
                bucket.message,
                /property policy\(json\)\.Statement\[0\]\.Resource\[1\] holds "arn:aws:s3:::commercial-bucket\/\*": the ARN is in partition 'aws'/,
            );
            assert.match(e.of(REFS).find((v) => v.resourceName === "east-logs-key")!.message, /Principal\.Service holds "logs\.us-east-1\.amazonaws\.com"/);
        });

        it("reports every wrong reference of a resource, each once per property: not only the first", async function () {
            const e = await fixture("partition-several");
            assert.deepEqual(e.flagged(REFS), [
                "commercial-image-and-role",
                "commercial-image-and-role",
                "repeated-references",
                "repeated-references",
                "repeated-references",
                "two-commercial-buckets",
                "two-commercial-buckets",
            ]);
            const about = (resource: string) =>
                e
                    .of(REFS)
                    .filter((v) => v.resourceName === resource)
                    .map((v) => /property (\S+) holds "([^"]+)"/.exec(v.message)!.slice(1).join(" "))
                    .sort();
            assert.deepEqual(about("two-commercial-buckets"), [
                "policy(json).Statement[0].Resource[0] arn:aws:s3:::bucket-a/*",
                "policy(json).Statement[0].Resource[1] arn:aws:s3:::bucket-b/*",
            ]);
            assert.deepEqual(about("commercial-image-and-role"), [
                "executionRoleArn arn:aws:iam::111122223333:role/exec",
                "primaryContainer.image 763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference",
            ]);
            // Repeated within the description: once; the same ARN in the policy document: again.
            assert.deepEqual(about("repeated-references"), [
                "description arn:aws:s3:::bucket-a",
                "description arn:aws:s3:::bucket-b",
                "policy(json).Statement[0].Resource arn:aws:s3:::bucket-a",
            ]);
        });

        it("catches GovCloud references in a commercial stack", async function () {
            assert.deepEqual((await fixture("partition-commercial")).flagged(REFS), ["gov-bucket", "gov-image"]);
        });

        it("catches the commercial TGI account in the real program's GovCloud model (the program's own check passes it)", async function () {
            const commercialAccount = tgiImageAccount("us-east-1")!;
            const image = `${commercialAccount}.dkr.ecr.us-gov-west-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.7.0-tgi3.3.6-gpu-py311-cu124-ubuntu22.04`;
            const e = await evaluateRepoStack("govcloud", { overrides: { models: [{ id: "falcon-40b-instruct", imageUri: image }] } });
            assert.deepEqual(
                e.of(REFS).map((v) => v.resourceType),
                ["aws:sagemaker/model:Model"],
            );
            assert.match(
                e.of(REFS)[0].message,
                new RegExp(
                    `account ${commercialAccount}, the Hugging Face image registry of us-east-1.*in us-gov-west-1 it is ${tgiImageAccount("us-gov-west-1")}`,
                ),
            );
            // A us-east-1 registry never reaches the policy through the real program: its settings refuse it.
            await assert.rejects(
                evaluateRepoStack("govcloud", {
                    overrides: { models: [{ id: "falcon-40b-instruct", imageUri: image.replace("us-gov-west-1", "us-east-1") }] },
                }),
                /must be an ECR image in us-gov-west-1/,
            );
        });

        it("skips values unknown in preview (no 'not run') and checks them in an update", async function () {
            const preview = await fixture("partition-govcloud");
            assert.ok(!preview.flagged(REFS).includes("computed-commercial"));
            assert.equal(preview.notRun(REFS), false);
            const update = await fixture("partition-govcloud", { preview: false });
            assert.deepEqual(update.flagged(REFS), [...preview.flagged(REFS), "computed-commercial"].sort());
            assert.match(
                update.of(REFS).find((v) => v.resourceName === "computed-commercial")!.message,
                /"arn:aws:s3:::elsewhere\/\*": the ARN is in partition 'aws'/,
            );
        });

        it("takes its level and ignorePatterns from the policy pack config", async function () {
            const advisory = await fixture("partition-govcloud", { policyConfig: { [REFS]: "advisory" } });
            assert.equal(advisory.of(REFS).length, 8);
            assert.ok(advisory.of(REFS).every((v) => v.enforcementLevel === "advisory"));
            assert.deepEqual((await fixture("partition-govcloud", { policyConfig: { [REFS]: { enforcementLevel: "disabled" } } })).flagged(REFS), []);
            const ignored = await fixture("partition-govcloud", { policyConfig: { [REFS]: { ignorePatterns: ["^arn:aws-us-gov:sns:us-gov-east-1:"] } } });
            assert.deepEqual(ignored.flagged(REFS), [
                "commercial-account",
                "commercial-bucket",
                "commercial-image",
                "commercial-managed",
                "commercial-role",
                "east-logs-key",
                "east-s3",
            ]);
        });
    });

    describe(REGIONS, function () {
        it("passes the repo's govcloud and commercial stacks, in preview and in an update", async function () {
            for (const stack of ["govcloud", "commercial"]) {
                for (const preview of [true, false]) assertClean(await evaluateRepoStack(stack, { preview }), FAMILY, `${stack} preview=${preview}`);
            }
        });

        it("flags a provider in a region outside every allow-list, and one whose region is blank; not another cloud's resource with a region", async function () {
            const e = await fixture("regions");
            assert.deepEqual(e.flagged(REGIONS), ["blank-region", "china"], "not gcp-subnet");
            const china = e.of(REGIONS).find((v) => v.resourceName === "china")!;
            assert.equal(china.resourceType, "pulumi:providers:aws");
            assert.match(china.message, /pulumi:providers:aws 'china' region = "cn-north-1": cn-north-1 is not a region of a partition this pack knows/);
            const blank = e.of(REGIONS).find((v) => v.resourceName === "blank-region")!;
            assert.match(blank.message, /\nAWS provider 'blank-region' sets no region: /, "a blank region is none");
        });

        it("flags a default provider without a region (aws:region unset)", async function () {
            const e = await fixture("regions-unset");
            assert.deepEqual(
                e.of(REGIONS).map((v) => v.resourceType),
                ["pulumi:providers:aws"],
            );
            assert.match(e.of(REGIONS)[0].message, /AWS provider 'default_\d+_\d+_\d+' sets no region: it would take one from the environment at run time\./);
            // Its resources' references are then not checked either (no region to compare with).
            assert.deepEqual(e.flagged(REFS), []);
        });

        it("defers a provider region unknown in preview (not run) and checks it in an update", async function () {
            const preview = await fixture("regions");
            assert.deepEqual(preview.notRunOn(REGIONS), ["computed", "computed-china"]);
            const update = await fixture("regions", { preview: false });
            assert.deepEqual(update.flagged(REGIONS), ["blank-region", "china", "computed-china"]);
            assert.deepEqual(update.notRunOn(REGIONS), []);
        });

        it("takes its level and allowedRegions from the policy pack config; a left-out partition allows no region", async function () {
            const gov = { [REGIONS]: { allowedRegions: { "aws-us-gov": ["us-gov-west-1"] } } };
            assert.deepEqual((await fixture("regions", { policyConfig: gov })).flagged(REGIONS), ["blank-region", "china", "east-override", "gov-east"]);
            const commercial = await evaluateRepoStack("commercial", { policyConfig: gov });
            assert.deepEqual(
                commercial.of(REGIONS).map((v) => v.resourceName),
                ["aws-aws"],
            );
            assert.match(commercial.of(REGIONS)[0].message, /us-east-1 is not on the aws allow-list \(no region allowed\)/);
            assert.deepEqual((await evaluateRepoStack("govcloud", { policyConfig: gov })).flagged(REGIONS), []);
            const advisory = await fixture("regions", { policyConfig: { [REGIONS]: "advisory" } });
            assert.deepEqual(
                advisory.of(REGIONS).map((v) => v.enforcementLevel),
                ["advisory", "advisory"],
            );
            assert.deepEqual((await fixture("regions", { policyConfig: { [REGIONS]: { enforcementLevel: "disabled" } } })).flagged(REGIONS), []);
        });
    });
});

// ------------------------------------------------------------------------------------------------
// Helpers
// ------------------------------------------------------------------------------------------------

function fixture(stack: string, options?: EvaluateOptions): Promise<Evaluation> {
    return evaluateStack(path.join(FIXTURES, "policy-governance"), stack, options);
}
