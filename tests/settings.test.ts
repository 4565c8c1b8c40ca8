/**
 * Invalid settings: each runs the real program under mocks and asserts the message names the
 * setting, the value and the fix, and that nothing but the root stack was registered.
 */
import { strict as assert } from "assert";
import { Graph, runRepoStack } from "./graph";

async function expectSettingsError(stack: string, overrides: Record<string, unknown>, expected: RegExp[], options: { secretOverrides?: string[] } = {}) {
    const { result } = await runRepoStack(stack, overrides, options);
    assert.ok(result.error, "the program should have stopped");
    assert.equal(result.error.name, "SettingsError", result.error.message);
    for (const pattern of expected) assert.match(result.error.message, pattern);
    assert.deepEqual(
        new Graph(result.resources).programResources.map((r) => r.type),
        [],
        "nothing may be registered",
    );
    return result.error.message;
}

describe("invalid settings stop the program before any resource", () => {
    it("unknown model", () =>
        expectSettingsError("commercial", { models: [{ id: "gpt-4", weightsSource: "s3" }] }, [
            /models\[0\]\.id = "gpt-4"/,
            /not in the model catalog/,
            /falcon-40b-instruct/,
        ]));

    it("instance type not approved for the partition", () =>
        expectSettingsError("govcloud", { models: [{ id: "falcon-7b-instruct", instanceType: "ml.g5.2xlarge" }] }, [
            /models\[0\]\.instanceType = "ml\.g5\.2xlarge"/,
            /not approved for partition aws-us-gov/,
            /ml\.g4dn\.12xlarge/,
        ]));

    it("instance type outside an explicit approvedInstanceTypes list", () =>
        expectSettingsError("commercial", { approvedInstanceTypes: ["ml.g5.12xlarge"] }, [
            /models\[0\]\.instanceType = "ml\.g5\.2xlarge"/,
            /approvedInstanceTypes/,
        ]));

    it("region not in the partition", () =>
        expectSettingsError("commercial", { region: "mars-north-1" }, [/region = "mars-north-1"/, /not a region of partition 'aws'/, /us-east-1/]));

    it("region of the other partition", () =>
        expectSettingsError("govcloud", { region: "us-east-1" }, [/region = "us-east-1"/, /partition 'aws', but partition is 'aws-us-gov'/, /us-gov-west-1/]));

    it("unknown partition", () => expectSettingsError("commercial", { partition: "aws-cn" }, [/partition = "aws-cn"/, /use one of aws, aws-us-gov/]));

    it("missing required tag", () =>
        expectSettingsError("govcloud", { tags: { Owner: "ml-platform", Project: "llm", Environment: "gov" } }, [
            /tags\.DataClassification/,
            /required tag/,
            /pulumi config set --path tags\.DataClassification/,
        ]));

    it("MAX_TOTAL_TOKENS not above MAX_INPUT_TOKENS", () =>
        expectSettingsError("commercial", { models: [{ id: "mistral-7b-instruct", maxInputTokens: 4096, maxTotalTokens: 4096 }] }, [
            /models\[0\]\.maxTotalTokens = 4096/,
            /must be above maxInputTokens \(4096\)/,
        ]));

    it("SM_NUM_GPUS above the instance's GPU count", () =>
        expectSettingsError("govcloud", { models: [{ id: "falcon-40b-instruct", numGpus: 8 }] }, [
            /models\[0\]\.numGpus = 8/,
            /above the 4 GPU\(s\) of ml\.g4dn\.12xlarge/,
        ]));

    it("SM_NUM_GPUS that does not divide the attention heads", () =>
        expectSettingsError("govcloud", { models: [{ id: "falcon-7b-instruct", instanceType: "ml.g4dn.12xlarge", numGpus: 4 }] }, [
            /must divide tiiuae\/falcon-7b-instruct's 71 attention heads/,
        ]));

    it("weights from the Hub with no internet egress", () =>
        expectSettingsError("govcloud", { models: [{ id: "falcon-40b-instruct", weightsSource: "hub" }] }, [
            /models\[0\]\.weightsSource = "hub"/,
            /cannot work with egress 'none'/,
            /weightsSource 's3', or set egress to 'nat'/,
        ]));

    it("a model too large for the instance's GPU memory", () =>
        expectSettingsError("govcloud", { models: [{ id: "falcon-40b-instruct", quantize: "none" }] }, [
            /too small/,
            /needs ~93\.4 GiB/,
            /4 × 16 GiB = 64 GiB/,
        ]));

    it("a gated model from the Hub without a token", () =>
        expectSettingsError("commercial", { egress: "nat", models: [{ id: "mistral-7b-instruct", weightsSource: "hub" }] }, [
            /huggingFaceToken: is required/,
            /mistralai\/Mistral-7B-Instruct-v0\.2/,
        ]));

    it("a Hub token in plain text", () =>
        expectSettingsError("commercial", { huggingFaceToken: "hf_plaintexttoken" }, [/huggingFaceToken: is stored in plain text/, /--secret/]));

    it("a volume size on an NVMe instance type", () =>
        expectSettingsError("commercial", { models: [{ id: "mistral-7b-instruct", volumeSizeGb: 100 }] }, [
            /volumeSizeGb = 100/,
            /local NVMe instance storage/,
        ]));

    it("a pre-quantized format for unquantized catalog weights, and a 'false' quantization", () =>
        expectSettingsError(
            "commercial",
            {
                models: [
                    { id: "mistral-7b-instruct", quantize: "awq" },
                    { id: "llama-3-8b-instruct", quantize: "false" },
                ],
            },
            [/models\[0\]\.quantize = "awq"/, /models\[1\]\.quantize = "false"/, /never 'false'/],
        ));

    it("existing-VPC mode without a VPC or subnets", () =>
        expectSettingsError("govcloud", { networkMode: "existing" }, [/existingVpcId/, /existingPrivateSubnetIds/]));

    it("a health-check timeout outside SageMaker's limits", () =>
        expectSettingsError("commercial", { models: [{ id: "mistral-7b-instruct", startupHealthCheckTimeoutSeconds: 7200 }] }, [
            /between 60 and 3600 seconds/,
        ]));

    it("an unknown field in a model entry", () =>
        expectSettingsError("commercial", { models: [{ id: "mistral-7b-instruct", instancetype: "ml.g5.2xlarge" }] }, [/unknown field\(s\) instancetype/]));

    it("a notebook whose sample would exceed SageMaker's lifecycle-script limit", () =>
        expectSettingsError(
            "commercial",
            { models: Array.from({ length: 200 }, (_, i) => ({ id: "mistral-7b-instruct", name: `mistral-7b-instruct-replica-${i}` })) },
            [
                /notebookEnabled = true: the notebook's sample \(listing all 200 endpoints\) would need a \d+-character lifecycle script, above SageMaker's 16384/,
            ],
        ));

    it("reports every problem together", async () => {
        const message = await expectSettingsError(
            "govcloud",
            { region: "us-east-1", tags: {}, models: [{ id: "nope" }, { id: "falcon-40b-instruct", maxTotalTokens: 10, maxInputTokens: 20 }] },
            [/region/, /tags\.Owner/, /tags\.DataClassification/, /models\[0\]\.id/, /models\[1\]\.maxTotalTokens/],
        );
        assert.match(message, /\(\d+ problems\); nothing was created/);
    });

    it("a value of the wrong declared type is refused the way the Pulumi CLI refuses it", async () => {
        await assert.rejects(runRepoStack("commercial", { logRetentionDays: "a year" }), /configuration key 'logRetentionDays' must be of type 'integer'/);
    });
});
