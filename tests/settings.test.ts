/**
 * Invalid settings: each runs the real program under mocks and asserts the message names the
 * setting, the value and the fix, and that nothing but the root stack was registered.
 */
import { strict as assert } from "assert";
import { Graph, runRepoStack } from "./graph";
import { LIFECYCLE_SCRIPT_MAX_CHARS, lifecycleScriptLength } from "../components/notebookSample";
import type { SettingProblem } from "../stacks/settings";
import { GOVCLOUD_SAMPLE } from "./govcloudSample";
import { DECLARED_DEFAULTS, freshParseSettings, parseValues, problemsOf, refusal, settingsFor, TEST_TAGS } from "./parsedSettings";

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

    it("instance type not approved for the partition", async () => {
        // ml.g6e is in SageMaker's hosting enum, but no source places it in GovCloud (policies/catalog/instances.ts).
        const message = await expectSettingsError("govcloud", { models: [{ id: "llama-3.1-8b-instruct", instanceType: "ml.g6e.xlarge" }] }, [
            /models\[0\]\.instanceType = "ml\.g6e\.xlarge"/,
            /not approved for partition aws-us-gov/,
            /ml\.g5\.12xlarge/,
            /ml\.g4dn\.12xlarge/,
            /ml\.p5\.48xlarge/,
        ]);
        const offered = /use one of (.*) \(approvedInstanceTypes\)/.exec(message)![1].split(", ");
        assert.ok(!offered.some((t) => /^ml\.g6/.test(t)), `GovCloud offers no ml.g6/ml.g6e: ${offered.join(", ")}`);
    });

    it("instance type outside an explicit approvedInstanceTypes list", () =>
        expectSettingsError("commercial", { approvedInstanceTypes: ["ml.g5.12xlarge"] }, [
            /models\[0\]\.instanceType = "ml\.g6e\.12xlarge": is not approved for partition aws; use one of ml\.g5\.12xlarge \(approvedInstanceTypes\)/,
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

    it("MAX_TOTAL_TOKENS not above MAX_INPUT_TOKENS (TGI)", () =>
        expectSettingsError("commercial", { models: [{ id: "mistral-7b-instruct", engine: "tgi", maxInputTokens: 4096, maxTotalTokens: 4096 }] }, [
            /models\[0\]\.maxTotalTokens = 4096: \(MAX_TOTAL_TOKENS\) must be above maxInputTokens \(4096\)/,
        ]));

    it("TGI-only token limits on another engine", () =>
        expectSettingsError(
            "commercial",
            { models: [{ id: "mistral-7b-instruct", maxInputTokens: 4096, maxBatchPrefillTokens: 8192, maxTotalTokens: 8192 }] },
            [
                /models\[0\]\.maxInputTokens = 4096: applies only to engine 'tgi'; vLLM limits a request by maxTotalTokens/,
                /models\[0\]\.maxBatchPrefillTokens = 8192: applies only to engine 'tgi'/,
            ],
        ));

    it("numGpus (tensor parallelism) above the instance's GPU count", () =>
        expectSettingsError("govcloud", { models: [{ id: "falcon-40b-instruct", numGpus: 8 }] }, [
            /models\[0\]\.numGpus = 8/,
            /above the 4 GPU\(s\) of ml\.g4dn\.12xlarge/,
        ]));

    it("numGpus (tensor parallelism) that does not divide the attention heads", () =>
        expectSettingsError("govcloud", { models: [{ id: "falcon-7b-instruct", instanceType: "ml.g4dn.12xlarge", numGpus: 4 }] }, [
            /models\[0\]\.numGpus = 4: \(tensor parallelism\) must divide the model's 71 attention heads \(tiiuae\/falcon-7b-instruct\); use one of 1\./,
        ]));

    it("numGpus (tensor parallelism) that divides the attention heads but not the KV heads, nor they it", () =>
        // microsoft/phi-4: 40 attention heads, 10 KV heads; 4 divides 40, but neither 4 nor 10 divides the other.
        expectSettingsError("govcloud", { models: [{ id: "phi-4", instanceType: "ml.g5.12xlarge", numGpus: 4 }] }, [
            /models\[0\]\.numGpus = 4: \(tensor parallelism\) and the model's 10 KV heads must divide each other \(microsoft\/phi-4\); use one of 1, 2\./,
        ]));

    it("weights from the Hub with no internet egress", () =>
        expectSettingsError("govcloud", { models: [{ id: "falcon-40b-instruct", weightsSource: "hub" }] }, [
            /models\[0\]\.weightsSource = "hub"/,
            /cannot work with egress 'none'/,
            /weightsSource 's3', or set egress to 'nat'/,
        ]));

    it("a model too large for the instance's GPU memory", () =>
        // The AWS GovCloud sample without its 4-bit quantization: 41.8B × 2 bytes of Falcon-40B on 4 × 16 GiB T4.
        expectSettingsError("govcloud", { models: [{ ...GOVCLOUD_SAMPLE, quantize: "none" }] }, [
            /models\[0\]\.instanceType = "ml\.g4dn\.12xlarge": too small for tiiuae\/falcon-40b-instruct on TGI: 94\.4 GiB needed, 64\.0 GiB available\./,
            /weights +77\.9 GiB +\(41\.8B × 2 bytes \(bfloat16\)\)/,
            /KV cache +0\.9 GiB +\(2 × 60 layers × 8 KV heads × 64 × 2 bytes = 120 KiB\/token × 2048 tokens × 4 requests\)/,
            /engine +15\.6 GiB +\(20% of the weights\)/,
            /required +94\.4 GiB/,
            /available +64\.0 GiB +\(1 × 4 × 16\.0 GiB T4 on ml\.g4dn\.12xlarge\)/,
            /Fix: an instance type where it fits: [^;]*ml\.g5\.48xlarge/,
            /quantization \(quantize: bitsandbytes, bitsandbytes-nf4, bitsandbytes-fp4\); or fewer concurrentRequests/,
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

    it("quantize: only the engine's on-the-fly methods (no pre-quantized format, no 'false'), and none on pre-quantized catalog weights", async () => {
        const onTheFly =
            /is not a quantization vLLM 0\.21\.0 applies while loading; use one of fp8, bitsandbytes or 'none' \(pre-quantized checkpoints are catalog entries of their own, e\.g\. qwen3-32b-fp8\)/;
        const message = await expectSettingsError(
            "commercial",
            {
                models: [
                    { id: "mistral-7b-instruct", quantize: "awq" },
                    { id: "llama-3-8b-instruct", quantize: "false" },
                    // TGI's method, not vLLM's.
                    { id: "qwen2.5-7b-instruct", quantize: "bitsandbytes-nf4" },
                    { id: "qwen3-32b-fp8", quantize: "fp8" },
                ],
            },
            [
                new RegExp(`models\\[0\\]\\.quantize = "awq": ${onTheFly.source}`),
                new RegExp(`models\\[1\\]\\.quantize = "false": ${onTheFly.source}`),
                new RegExp(`models\\[2\\]\\.quantize = "bitsandbytes-nf4": ${onTheFly.source}`),
                /models\[3\]\.quantize = "fp8": cannot apply: Qwen\/Qwen3-32B-FP8 is already quantized \(fp8\); remove quantize or use 'none'/,
            ],
        );
        assert.match(message, /\(4 problems\)/);
    });

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

    describe("vpcCidr must be an IPv4 CIDR block from /16 to /22", () => {
        for (const [what, cidr] of [
            ["not a CIDR", "10.80.0.0"],
            ["an octet above 255", "10.256.0.0/16"],
            ["a prefix shorter than /16", "10.0.0.0/8"],
            ["a prefix longer than /22", "10.80.0.0/23"],
        ]) {
            it(`refuses ${what} (${cidr}), naming the setting, the value and the range`, () =>
                expectSettingsError("govcloud", { vpcCidr: cidr }, [
                    new RegExp(
                        `sagemaker-llm:vpcCidr = "${cidr.replace(/\./g, "\\.")}": must be an IPv4 CIDR block from /16 to /22, e\\.g\\. 10\\.80\\.0\\.0/16\\.`,
                    ),
                    /\(1 problem\)/,
                ]));
        }
    });

    describe("tags must be valid AWS tags", () => {
        const REQUIRED = { Owner: "ml-platform", Project: "llm-hosting", Environment: "govcloud", DataClassification: "CUI" };
        const invalid = (key: string, value: string) =>
            new RegExp(
                `sagemaker-llm:tags\\.${key} = ${JSON.stringify(value)}: is not a valid AWS tag \\(key up to 128 characters, value up to 256, no 'aws:' prefix\\)`,
            );

        it("refuses a key over 128 characters", () => {
            const key = "k".repeat(129);
            return expectSettingsError("govcloud", { tags: { ...REQUIRED, [key]: "x" } }, [invalid(key, "x"), /\(1 problem\)/]);
        });

        it("refuses a value over 256 characters", () => {
            const value = "v".repeat(257);
            return expectSettingsError("govcloud", { tags: { ...REQUIRED, CostCenter: value } }, [invalid("CostCenter", value), /\(1 problem\)/]);
        });

        it("refuses a key with the reserved aws: prefix", () =>
            expectSettingsError("govcloud", { tags: { ...REQUIRED, "aws:createdBy": "me" } }, [invalid("aws:createdBy", "me"), /\(1 problem\)/]));

        it("refuses a required tag whose value is blank (whitespace only)", () =>
            expectSettingsError("govcloud", { tags: { ...REQUIRED, Owner: "   " } }, [
                /sagemaker-llm:tags\.Owner: is a required tag \(requiredTagKeys\) and is missing or empty\. Set it with 'pulumi config set --path tags\.Owner <value>'/,
                /\(1 problem\)/,
            ]));
    });

    describe("a deployment name must fit SageMaker's names", () => {
        const refused = (name: string) =>
            new RegExp(
                `sagemaker-llm:models\\[0\\]\\.name = "${name}": must match \\^\\[a-zA-Z0-9\\]\\(-\\*\\[a-zA-Z0-9\\]\\)\\*\\$ and be at most 40 characters \\(it prefixes SageMaker names, limited to 63\\)`,
            );
        for (const [what, name] of [
            ["a character SageMaker names do not allow", "llama_3"],
            ["a leading dash", "-llama"],
            ["41 characters", "a".repeat(41)],
        ]) {
            it(`refuses a name with ${what}`, () =>
                expectSettingsError("govcloud", { models: [{ id: "llama-3.1-8b-instruct", engine: "vllm", weightsSource: "s3", name }] }, [refused(name)]));
        }
    });

    describe("availability zones", () => {
        it("refuses a single zone: SageMaker needs two", () =>
            expectSettingsError("govcloud", { availabilityZones: ["us-gov-west-1a"] }, [
                /sagemaker-llm:availabilityZones = \["us-gov-west-1a"\]: must list at least two zones \(SageMaker needs subnets in two AZs\), or be empty/,
                /\(1 problem\)/,
            ]));

        it("refuses a zone of another region, naming its index", () =>
            expectSettingsError("govcloud", { availabilityZones: ["us-gov-west-1a", "us-east-1b"] }, [
                /sagemaker-llm:availabilityZones\[1\] = "us-east-1b": is not a zone of region us-gov-west-1\./,
                /\(1 problem\)/,
            ]));
    });

    it("a value of the wrong declared type is refused the way the Pulumi CLI refuses it", async () => {
        await assert.rejects(runRepoStack("commercial", { logRetentionDays: "a year" }), /configuration key 'logRetentionDays' must be of type 'integer'/);
    });
});

describe("valid settings at the limits are accepted", () => {
    it("a /22 VPC, a 128-character tag key with a 256-character value, a 40-character deployment name and two zones of the region", async () => {
        const name = `llama-${"x".repeat(34)}`;
        const tagKey = "k".repeat(128);
        const run = await runRepoStack("govcloud", {
            vpcCidr: "10.80.4.0/22",
            availabilityZones: ["us-gov-west-1a", "us-gov-west-1b"],
            tags: { Owner: "ml-platform", Project: "llm-hosting", Environment: "govcloud", DataClassification: "CUI", [tagKey]: "v".repeat(256) },
            models: [{ id: "llama-3.1-8b-instruct", engine: "vllm", weightsSource: "s3", name }],
        });
        assert.equal(run.result.error, undefined, run.result.error?.message);
        const g = new Graph(run.result.resources);
        assert.equal(name.length, 40);
        assert.equal(g.ofType("aws:sagemaker/endpoint:Endpoint").length, 1);
        assert.deepEqual(
            g.ofType("aws:ec2/subnet:Subnet").map((s) => [s.inputs.cidrBlock, s.inputs.availabilityZone]),
            [
                ["10.80.4.0/26", "us-gov-west-1a"],
                ["10.80.4.64/26", "us-gov-west-1b"],
            ],
        );
    });
});

// Settings parsed directly on GovCloud, one Llama 3.1 8B deployment with weights from S3, no notebook, and `values` on top.
const gov = { partition: "aws-us-gov", region: "us-gov-west-1", notebookEnabled: false };
const govModel = { id: "llama-3.1-8b-instruct", weightsSource: "s3" };
const govValues = (values: Record<string, unknown>) => parseValues({ ...gov, models: [govModel], ...values });

describe("top-level settings, parsed directly (no stack run)", () => {
    const refused = (values: Record<string, unknown>) => problemsOf(() => govValues(values));
    const only = (problems: SettingProblem[]) => {
        assert.equal(problems.length, 1, problems.map((p) => `${p.key}: ${p.message}`).join("\n"));
        return problems[0];
    };

    it("a setting with no value (no default applied) is named with the command that sets it, once", () => {
        const values: Record<string, unknown> = { ...DECLARED_DEFAULTS, tags: TEST_TAGS, ...gov, models: [govModel] };
        delete values.region;
        const problems = problemsOf(() => freshParseSettings({ stack: "test", namespace: "sagemaker-llm", tokenIsSecret: false, values }));
        const problem = only(problems);
        assert.equal(problem.key, "region");
        assert.match(problem.message, /^is not set\. Set it with 'pulumi config set region \.\.\.'/);
    });

    it("allowedAccountIds: exactly 12 digits, each entry named by index with its value", () => {
        assert.deepEqual(govValues({ allowedAccountIds: ["123456789012"] }).allowedAccountIds, ["123456789012"]);
        for (const bad of ["12345678901", "1234567890123", "x123456789012", "12345678901x", "abcdefghijkl"]) {
            const problem = only(refused({ allowedAccountIds: ["123456789012", bad] }));
            assert.deepEqual([problem.key, problem.value, problem.message], ["allowedAccountIds[1]", bad, "must be a 12-digit AWS account id."]);
        }
    });

    it("model entry bounds: instances from 1, cooldowns from 0, GPU memory alarm up to 800% (8 GPUs), the scaling metric one of two", () => {
        const entry = (extra: Record<string, unknown>) => ({ ...govModel, instanceCount: 2, ...extra });
        const accepted = govValues({
            models: [entry({ minInstances: 2, maxInstances: 3, scaleInCooldownSeconds: 300, scaleOutCooldownSeconds: 60, gpuMemoryAlarmPercent: 800 })],
        }).models[0];
        assert.deepEqual([accepted.autoscaling.minInstances, accepted.autoscaling.maxInstances], [2, 3]);
        for (const [field, value, message] of [
            ["minInstances", 0, /^Too small: expected number to be >=1\.$/],
            ["scaleInCooldownSeconds", -1, /^Too small: expected number to be >=0\.$/],
            ["scaleOutCooldownSeconds", -1, /^Too small: expected number to be >=0\.$/],
            ["gpuMemoryAlarmPercent", 801, /^Too big: expected number to be <=800\.$/],
            ["scalingMetric", "requests", /^must be one of concurrency, invocations\.$/],
        ] as const) {
            const problem = only(refused({ models: [entry({ [field]: value })] }));
            assert.equal(problem.key, `models[0].${field}`);
            assert.equal(problem.value, value);
            assert.match(problem.message, message);
        }
    });

    it("at least one model; unknown fields of a model entry listed together", () => {
        assert.equal(only(refused({ models: [] })).message, "list at least one model.");
        const problem = only(refused({ models: [{ ...govModel, modelId: "x", gpus: 2 }] }));
        assert.equal(problem.key, "models[0]");
        assert.match(problem.message, /^unknown field\(s\) modelId, gpus; /);
    });

    it("every problem on a line of its own under the count; the cross-field checks wait for a well-shaped input, then report together", () => {
        const error = (() => {
            try {
                govValues({ logRetentionDays: 8, allowedAccountIds: ["1", "2"] });
            } catch (e) {
                return e as Error;
            }
            assert.fail("accepted");
        })();
        assert.deepEqual(error.message.split("\n"), [
            "Invalid settings for stack 'test' (2 problems); nothing was created:",
            '  - sagemaker-llm:allowedAccountIds[0] = "1": must be a 12-digit AWS account id.',
            '  - sagemaker-llm:allowedAccountIds[1] = "2": must be a 12-digit AWS account id.',
        ]);
        const crossChecked = problemsOf(() => govValues({ logRetentionDays: 8, alarmTopicArn: "arn:aws:sns:us-east-1:123456789012:alarms" }));
        assert.deepEqual(
            crossChecked.map((p) => p.key),
            ["logRetentionDays", "alarmTopicArn"],
        );
    });

    it("logRetentionDays: a retention CloudWatch Logs accepts", () => {
        assert.equal(govValues({ logRetentionDays: 7 }).logRetentionDays, 7);
        const problem = only(refused({ logRetentionDays: 8 }));
        assert.deepEqual([problem.key, problem.value], ["logRetentionDays", 8]);
        assert.match(problem.message, /^is not a retention CloudWatch Logs accepts; use one of 1, 3, 5, 7, 14, .*, 3653\.$/);
    });

    it("alarmTopicArn: an SNS topic of the stack's partition and region, or empty", () => {
        const arn = "arn:aws-us-gov:sns:us-gov-west-1:123456789012:alarms";
        assert.equal(govValues({ alarmTopicArn: arn }).alarmTopicArn, arn);
        for (const bad of ["arn:aws:sns:us-east-1:123456789012:alarms", "arn:aws-us-gov:sns:us-gov-east-1:123456789012:alarms", `x${arn}`]) {
            const problem = only(refused({ alarmTopicArn: bad }));
            assert.deepEqual([problem.key, problem.value], ["alarmTopicArn", bad]);
            assert.equal(
                problem.message,
                "must be an SNS topic ARN in aws-us-gov/us-gov-west-1 (starting 'arn:aws-us-gov:sns:us-gov-west-1:'), or empty for no alarm notifications.",
            );
        }
    });

    it("approvedInstanceTypes: only types SageMaker hosting offers in the partition; a valid list is the allow-list", () => {
        assert.deepEqual(govValues({ approvedInstanceTypes: ["ml.g5.12xlarge", "ml.g5.2xlarge"] }).approvedInstanceTypes, ["ml.g5.12xlarge", "ml.g5.2xlarge"]);
        const problems = refused({ approvedInstanceTypes: ["ml.g5.12xlarge", "ml.g6e.xlarge", "ml.z9.huge"] });
        assert.deepEqual(
            problems.filter((p) => p.key.startsWith("approvedInstanceTypes")).map((p) => [p.key, p.value]),
            [
                ["approvedInstanceTypes[1]", "ml.g6e.xlarge"],
                ["approvedInstanceTypes[2]", "ml.z9.huge"],
            ],
        );
        assert.match(problems[0].message, /^is not an instance type SageMaker hosting offers in aws-us-gov per policies\/catalog\/instances\.ts;/);
    });

    it("two model entries with one name: the second is named", () => {
        const problem = only(refused({ models: [govModel, { ...govModel, maxTotalTokens: 4096 }] }));
        assert.deepEqual(
            [problem.key, problem.value, problem.message],
            ["models[1].name", "llama-3-1-8b-instruct", "is used by another model entry; give each entry a unique 'name'."],
        );
    });

    it("the Hub token: required for gated models from the Hub, each named ('is' for one, 'are' for several)", () => {
        const hub = { ...govModel, weightsSource: "hub" };
        const nat = { egress: "nat" };
        const one = only(refused({ ...nat, models: [hub] }));
        assert.equal(one.key, "huggingFaceToken");
        assert.match(one.message, /^is required: meta-llama\/Llama-3\.1-8B-Instruct is gated on the Hugging Face Hub\./);
        const two = only(refused({ ...nat, models: [hub, { ...hub, name: "second" }] }));
        assert.match(two.message, /^is required: meta-llama\/Llama-3\.1-8B-Instruct, meta-llama\/Llama-3\.1-8B-Instruct are gated on the Hugging Face Hub\./);
    });

    it("notebookInstanceType: a notebook type of the partition", () => {
        assert.equal(govValues({ notebookEnabled: true, notebookInstanceType: "ml.t3.large" }).notebook?.instanceType, "ml.t3.large");
        const problem = only(refused({ notebookEnabled: true, notebookInstanceType: "ml.g5.2xlarge" }));
        assert.deepEqual([problem.key, problem.value], ["notebookInstanceType", "ml.g5.2xlarge"]);
        assert.match(problem.message, /^is not a notebook instance type offered in aws-us-gov; use one of .*ml\.t3\.medium/);
    });
});

describe("network, notebook and model settings, parsed directly (no stack run)", () => {
    const keysOf = (values: Record<string, unknown>) => problemsOf(() => govValues(values)).map((p) => [p.key, p.value, p.message]);
    const existing = { networkMode: "existing", existingVpcId: "vpc-0123456789abcdef0", existingPrivateSubnetIds: ["subnet-01234567", "subnet-89abcdef"] };

    it("vpcCidr: four octets up to 255 (one to three digits each) and a prefix, nothing before or after", () => {
        for (const cidr of ["10.255.0.0/16", "10.80.128.0/17", "10.80.4.100/22"])
            assert.equal((govValues({ vpcCidr: cidr }).network as { vpcCidr?: string }).vpcCidr, cidr);
        for (const cidr of ["x10.80.0.0/16", "10.80.0.0/16x", "10.80.0.0/16/1"]) {
            assert.deepEqual(keysOf({ vpcCidr: cidr }), [["vpcCidr", cidr, "must be an IPv4 CIDR block from /16 to /22, e.g. 10.80.0.0/16."]]);
        }
    });

    it("a network with problems stops the checks that depend on it (no egress complaint for Hub weights)", () => {
        assert.deepEqual(
            keysOf({ vpcCidr: "10.80.0.0/8", models: [{ ...govModel, weightsSource: "hub" }], huggingFaceToken: "t" }).map(([key]) => key),
            ["vpcCidr", "huggingFaceToken"],
        );
        assert.deepEqual(
            keysOf({ ...existing, existingVpcId: "vpc-1", models: [{ ...govModel, weightsSource: "hub" }] }).map(([key]) => key),
            ["existingVpcId", "huggingFaceToken"],
        );
    });

    it("existing VPC mode: a VPC id and two or more subnet ids, exactly", () => {
        assert.deepEqual(govValues(existing).network, {
            mode: "existing",
            egress: "none",
            vpcId: existing.existingVpcId,
            privateSubnetIds: existing.existingPrivateSubnetIds,
            fipsEndpoints: false,
        });
        for (const id of ["xvpc-01234567", "vpc-01234567x"]) {
            assert.deepEqual(keysOf({ ...existing, existingVpcId: id }), [
                ["existingVpcId", id, "must be the id of the landing-zone VPC (vpc-...) when networkMode is 'existing'."],
            ]);
        }
        assert.deepEqual(keysOf({ ...existing, existingPrivateSubnetIds: ["subnet-01234567"] }), [
            ["existingPrivateSubnetIds", ["subnet-01234567"], "must list at least two private subnets in different AZs when networkMode is 'existing'."],
        ]);
        for (const id of ["xsubnet-01234567", "subnet-01234567x"]) {
            assert.deepEqual(keysOf({ ...existing, existingPrivateSubnetIds: ["subnet-01234567", id] }), [
                ["existingPrivateSubnetIds[1]", id, "is not a subnet id (subnet-...)."],
            ]);
        }
    });

    it("notebookPlatform: an Amazon Linux 2023 platform, any version number, nothing after it", () => {
        assert.equal(govValues({ notebookEnabled: true, notebookPlatform: "notebook-al2023-v12" }).notebook?.platformIdentifier, "notebook-al2023-v12");
        for (const platform of ["notebook-al2-v3", "notebook-al2023-v1-beta", "xnotebook-al2023-v1"]) {
            assert.deepEqual(keysOf({ notebookEnabled: true, notebookPlatform: platform }), [
                [
                    "notebookPlatform",
                    platform,
                    "must be a current Amazon Linux 2023 platform such as 'notebook-al2023-v1' (Amazon Linux 2 platforms are being retired).",
                ],
            ]);
        }
    });

    it("whether a Hub token is set, without its value", () => {
        assert.equal(govValues({}).huggingFaceTokenSet, false);
        assert.equal(parseValues({ ...gov, models: [govModel], huggingFaceToken: "hf_x" }, { tokenIsSecret: true }).huggingFaceTokenSet, true);
    });

    it("an instance type without GPUs is not a hosting type for a model", () => {
        const problems = problemsOf(() => govValues({ approvedInstanceTypes: [], models: [{ ...govModel, instanceType: "ml.t3.medium" }] }));
        assert.equal(problems.length, 1, problems.map((p) => p.message).join("\n"));
        assert.deepEqual([problems[0].key, problems[0].value], ["models[0].instanceType", "ml.t3.medium"]);
        assert.match(problems[0].message, /^is not a GPU instance type this project knows; use one of ml\.g/);
    });

    it("TGI refuses dtype together with quantize; vLLM takes both", () => {
        const both = { id: "mistral-7b-instruct", weightsSource: "s3", dtype: "float16", quantize: "fp8" };
        assert.deepEqual(
            parseValues({ partition: "aws", region: "us-east-1", notebookEnabled: false, models: [both] }).models.map((m) => [m.dtype, m.quantize]),
            [["float16", "fp8"]],
        );
        const problems = problemsOf(() =>
            parseValues({
                partition: "aws",
                region: "us-east-1",
                notebookEnabled: false,
                models: [{ id: "mistral-7b-instruct", engine: "tgi", weightsSource: "s3", dtype: "float16", quantize: "bitsandbytes" }],
            }),
        );
        assert.deepEqual(
            problems.map((p) => [p.key, p.message]),
            [["models[0].dtype", "cannot be combined with quantize (TGI rejects DTYPE with quantization); remove one of them."]],
        );
    });
});

describe("model deployment checks, parsed directly (no stack run)", () => {
    const parse = settingsFor;
    const problems = (partition: "aws" | "aws-us-gov", models: unknown[]) => refusal(partition, models).map((p) => [p.key, p.message]);

    it("the catalog's degree belongs to its default engine too: phi-4 on TGI at its vLLM instance type gets the instance's 4 GPUs, which 10 KV heads refuse", () => {
        assert.equal(parse("aws-us-gov", [{ id: "phi-4", weightsSource: "s3" }]).models[0].numGpus, 2);
        const refused = problems("aws-us-gov", [{ id: "phi-4", engine: "tgi", weightsSource: "s3" }]);
        assert.equal(refused.length, 1, refused.join("\n"));
        assert.equal(refused[0][0], "models[0].numGpus");
        assert.match(refused[0][1], /^\(tensor parallelism\) and the model's 10 KV heads must divide each other \(microsoft\/phi-4\); use one of 1, 2\.$/);
    });

    it("quantize 'none' turns off the catalog's quantization (Falcon-40B's GovCloud default then does not fit four T4s)", () => {
        const refused = problems("aws-us-gov", [{ id: "falcon-40b-instruct", weightsSource: "s3", quantize: "none" }]);
        assert.deepEqual(
            refused.map(([key]) => key),
            ["models[0].instanceType"],
        );
        assert.match(refused[0][1], /^too small for tiiuae\/falcon-40b-instruct on TGI/);
    });

    it("quantizing weights already quantized names every stored format", () => {
        const refused = problems("aws", [{ id: "gpt-oss-20b", weightsSource: "s3", quantize: "fp8" }]);
        assert.equal(refused.length, 1, refused.join("\n"));
        assert.match(refused[0][1], /^cannot apply: openai\/gpt-oss-20b is already quantized \(mxfp4 \+ bfloat16\); remove quantize or use 'none'\.$/);
    });

    it("bfloat16 weights run as float16 on GPUs without bfloat16 (T4), and only there; float16 weights are left alone", () => {
        const onT4 = parse("aws-us-gov", [
            { id: "llama-3.1-8b-instruct", weightsSource: "s3", instanceType: "ml.g4dn.12xlarge" },
            { id: "llama-2-7b-chat", weightsSource: "s3", instanceType: "ml.g4dn.12xlarge", engine: "tgi" },
        ]).models;
        assert.deepEqual(
            onT4.map((m) => m.dtype),
            ["float16", undefined],
        );
        assert.equal(parse("aws-us-gov", [{ id: "llama-3.1-8b-instruct", weightsSource: "s3" }]).models[0].dtype, undefined);
    });

    it("a tensor-parallel degree the model refuses is the only problem (no sizing of a degree that cannot run)", () => {
        const refused = problems("aws-us-gov", [
            { id: "llama-3.1-8b-instruct", weightsSource: "s3", numGpus: 3, maxTotalTokens: 131072, concurrentRequests: 64 },
        ]);
        assert.deepEqual(
            refused.map(([key]) => key),
            ["models[0].numGpus"],
        );
    });

    it("TGI: maxBatchPrefillTokens below maxInputTokens is refused with the input limit", () => {
        const refused = problems("aws", [
            { id: "mistral-7b-instruct", engine: "tgi", weightsSource: "s3", maxInputTokens: 4096, maxTotalTokens: 8192, maxBatchPrefillTokens: 1024 },
        ]);
        assert.deepEqual(refused, [["models[0].maxBatchPrefillTokens", "must be at least maxInputTokens (4096)."]]);
    });
});

describe("the notebook's lifecycle-script limit, at its edge (parsed directly)", () => {
    // mistral-7b-instruct replicas on the commercial stack; SageMaker's limit is on the base64 script.
    const replicas = (n: number) =>
        Array.from({ length: n }, (_, i) => ({ id: "mistral-7b-instruct", weightsSource: "s3", name: `mistral-7b-instruct-replica-${i}` }));
    const parse = (n: number) => parseValues({ partition: "aws", region: "us-east-1", notebookEnabled: true, models: replicas(n) });
    it("the largest number of endpoints whose script fits is accepted, one more is refused, counting each endpoint's full name", () => {
        // Parsed inside the test (not when the file loads), where a mutation run can reach it.
        const [served] = settingsFor("aws", replicas(1)).models;
        const sample = { engine: served.engine.id, engineVersion: served.release.version, servedModelName: served.model.hfModelId };
        // The script for the first n replicas, each endpoint named as SageMaker will name it (deployment name, dash, 8 characters).
        const scriptFor = (n: number, endpointName: (name: string) => string) => {
            return lifecycleScriptLength("us-east-1", Object.fromEntries(replicas(n).map((r) => [r.name, { endpointName: endpointName(r.name), ...sample }])));
        };

        let fits = 1;
        while (scriptFor(fits + 1, (name) => `${name}-abcdefgh`) <= LIFECYCLE_SCRIPT_MAX_CHARS) fits++;
        // Without the endpoint names the script would still fit at fits + 1: the names are what tip it over.
        assert.ok(scriptFor(fits + 1, () => "") <= LIFECYCLE_SCRIPT_MAX_CHARS);
        assert.equal(parse(fits).notebook?.instanceType, "ml.t3.medium");
        const refused = problemsOf(() => parse(fits + 1));
        assert.deepEqual(
            refused.map((p) => p.key),
            ["notebookEnabled"],
        );
        assert.match(
            refused[0].message,
            new RegExp(`listing all ${fits + 1} endpoints\\) would need a \\d+-character lifecycle script, above SageMaker's 16384`),
        );
    });
});

describe("model entry settings with limits and defaults, parsed directly (no stack run)", () => {
    const commercial = (models: unknown[], extra: Record<string, unknown> = {}) => settingsFor("aws", models, extra);
    const mistral = { id: "mistral-7b-instruct", weightsSource: "s3" };
    const refusedAt = (models: unknown[], extra: Record<string, unknown> = {}) =>
        problemsOf(() => commercial(models, extra)).map((p) => [p.key, p.value, p.message]);

    it("weights come from the Hub when egress allows it, else from S3, unless set", () => {
        // Mistral-7B-Instruct is gated: from the Hub it needs the token.
        const token = { huggingFaceToken: "hf_x" };
        assert.equal(
            parseValues(
                { partition: "aws", region: "us-east-1", notebookEnabled: false, egress: "nat", models: [{ id: "mistral-7b-instruct" }], ...token },
                { tokenIsSecret: true },
            ).models[0].weights.source,
            "hub",
        );
        assert.equal(commercial([{ id: "mistral-7b-instruct" }]).models[0].weights.source, "s3");
    });

    it("hubRevision: a Hub commit for weights from the Hub, refused otherwise", () => {
        const sha = "0123456789abcdef0123456789abcdef01234567";
        const fromHub = (entry: Record<string, unknown>) =>
            parseValues(
                { partition: "aws", region: "us-east-1", notebookEnabled: false, egress: "nat", models: [{ ...mistral, ...entry }], huggingFaceToken: "hf_x" },
                { tokenIsSecret: true },
            );
        const refused = (entry: Record<string, unknown>) => problemsOf(() => fromHub(entry)).map((p) => [p.key, p.value, p.message] as const);
        assert.deepEqual(fromHub({ weightsSource: "hub", hubRevision: sha }).models[0].weights, { source: "hub", revision: sha });
        assert.deepEqual(fromHub({ weightsSource: "hub" }).models[0].weights, { source: "hub", revision: undefined });
        const [branch] = refused({ weightsSource: "hub", hubRevision: "main" });
        assert.deepEqual(branch.slice(0, 2), ["models[0].hubRevision", "main"]);
        assert.match(
            branch[2],
            /must be a commit sha of the Hub repository \(40 hex characters, from https:\/\/huggingface\.co\/mistralai\/.*\/commits\/main\)/,
        );
        const [fromS3] = refused({ weightsSource: "s3", hubRevision: sha });
        assert.deepEqual(fromS3.slice(0, 2), ["models[0].hubRevision", sha]);
        assert.match(fromS3[2], /applies only to weightsSource 'hub'/);
    });

    it("weightsS3Prefix: a key prefix in the artifact bucket", () => {
        assert.deepEqual(commercial([{ ...mistral, weightsS3Prefix: "models/mistral/" }]).models[0].weights, { source: "s3", s3Prefix: "models/mistral/" });
        assert.deepEqual(refusedAt([{ ...mistral, weightsS3Prefix: "s3://bucket/models/" }]), [
            [
                "models[0].weightsS3Prefix",
                "s3://bucket/models/",
                "must be a key prefix in the artifact bucket such as 'models/falcon-40b/' (no bucket name, no s3://).",
            ],
        ]);
        // Leading slashes go, one trailing slash is added; every character up to that slash is checked.
        assert.deepEqual(commercial([{ ...mistral, weightsS3Prefix: "//models/mistral" }]).models[0].weights, { source: "s3", s3Prefix: "models/mistral/" });
        assert.deepEqual(
            refusedAt([{ ...mistral, weightsS3Prefix: "models/my mistral/" }]).map(([key, value]) => [key, value]),
            [["models[0].weightsS3Prefix", "models/my mistral/"]],
        );
        // The default prefix follows the name: a bad name is reported once, as the name.
        assert.deepEqual(
            refusedAt([{ ...mistral, name: "bad name" }]).map(([key]) => key),
            ["models[0].name"],
        );
    });

    it("imageUri: an ECR image of the stack's region", () => {
        const ecr = "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/vllm:0.21.0";
        assert.equal(commercial([{ ...mistral, imageUri: ecr }]).models[0].imageUri, ecr);
        const refused = refusedAt([{ ...mistral, imageUri: "docker.io/vllm/vllm-openai:latest" }]);
        assert.deepEqual(
            refused.map(([key]) => key),
            ["models[0].imageUri"],
        );
    });

    it("health-check and download timeouts: 60 to 3600 seconds, both ends included", () => {
        for (const field of ["startupHealthCheckTimeoutSeconds", "modelDataDownloadTimeoutSeconds"]) {
            for (const ok of [60, 3600]) assert.equal(commercial([{ ...mistral, [field]: ok }]).models.length, 1);
            for (const bad of [59, 3601]) {
                assert.deepEqual(refusedAt([{ ...mistral, [field]: bad }]), [
                    [`models[0].${field}`, bad, "must be between 60 and 3600 seconds (SageMaker's limits)."],
                ]);
            }
        }
    });

    it("volumeSizeGb on an EBS-only instance type: 1 to 512 GB, both ends included", () => {
        const onP3 = (volumeSizeGb: number) => ({ ...mistral, engine: "tgi", instanceType: "ml.p3.8xlarge", volumeSizeGb });
        for (const ok of [1, 512]) assert.equal(commercial([onP3(ok)]).models[0].volumeSizeGb, ok);
        for (const bad of [0, 513]) assert.deepEqual(refusedAt([onP3(bad)]), [["models[0].volumeSizeGb", bad, "must be between 1 and 512 GB."]]);
    });

    it("instances: maxInstances at least minInstances, instanceCount between them", () => {
        assert.deepEqual(refusedAt([{ ...mistral, instanceCount: 3, minInstances: 3, maxInstances: 2 }]).slice(0, 1), [
            ["models[0].maxInstances", 2, "must be at least minInstances (3)."],
        ]);
        for (const [instanceCount, minInstances, maxInstances] of [
            [1, 2, 3],
            [4, 2, 3],
        ]) {
            assert.deepEqual(refusedAt([{ ...mistral, instanceCount, minInstances, maxInstances }]), [
                ["models[0].instanceCount", instanceCount, `must lie between minInstances (${minInstances}) and maxInstances (${maxInstances}).`],
            ]);
        }
    });

    it("an entry with a problem is not also reported as a duplicate name", () => {
        assert.deepEqual(
            refusedAt([{ ...mistral, startupHealthCheckTimeoutSeconds: 10 }, mistral]).map(([key]) => key),
            ["models[0].startupHealthCheckTimeoutSeconds"],
        );
    });

    it("autoscaling defaults: a target of 4 concurrent requests per instance, or 60 invocations a minute; a GPU memory alarm at 95% per GPU", () => {
        const [concurrency, invocations] = commercial([
            { ...mistral, name: "a" },
            { ...mistral, name: "b", scalingMetric: "invocations", instanceType: "ml.g5.12xlarge" },
        ]).models;
        assert.deepEqual([concurrency.autoscaling.metric, concurrency.autoscaling.targetValue], ["concurrency", 4]);
        assert.deepEqual([invocations.autoscaling.metric, invocations.autoscaling.targetValue], ["invocations", 60]);
        assert.equal(invocations.numGpus, 4);
        assert.equal(invocations.gpuMemoryAlarmPercent, 380);
    });

    it("tgiVersion: only with engine tgi (or none), and not with engineVersion", () => {
        assert.equal(commercial([{ ...mistral, tgiVersion: "3.3.6" }]).models[0].engine.id, "tgi");
        assert.deepEqual(refusedAt([{ ...mistral, engine: "vllm", tgiVersion: "3.3.6" }]).map(([key, , message]) => [key, message])[0], [
            "models[0].tgiVersion",
            "applies only to engine 'tgi', but engine is 'vllm'; remove tgiVersion (engineVersion sets any engine's release).",
        ]);
        assert.deepEqual(
            refusedAt([{ ...mistral, engine: "tgi", engineVersion: "3.3.6", tgiVersion: "3.3.6" }]).map(([key, , message]) => [key, message]),
            [["models[0].tgiVersion", "and engineVersion both set the release; keep engineVersion only."]],
        );
    });
});
