/** The data tables, the catalog defaults and the pure helpers the components use. */
import { strict as assert } from "assert";
import { cidrSubnet } from "../components/network";
import { containerEnvironment, parseEcrImage } from "../components/llmEndpoint";
import { loadProject } from "../offline/projectConfig";
import { ENGINES, engineEnvironment, engineOfEnvironment, engineOfRepository, isDlcRegistryAccount } from "../policies/catalog/engines";
import { MODELS } from "../policies/catalog/models";
import { PARTITION_IDS } from "../policies/catalog/partitions";
import { SETTING_KEYS } from "../stacks/settings";
import { forgetRepoModules, requireRepoModule } from "./freshModules";
import { REPO_ROOT } from "./graph";
import { GOVCLOUD_SAMPLE } from "./govcloudSample";
import { parseValues } from "./parsedSettings";

const project = loadProject(REPO_ROOT);
/** Settings with the research notebook at its default (on). */
const settingsFor = (partition: string, region: string, models: unknown[]) => parseValues({ partition, region, models });

describe("Pulumi.yaml declares every setting", () => {
    it("the config block and the settings schema name the same keys, each with a description", () => {
        const declared = Object.keys(project.declarations)
            .map((k) => k.split(":")[1])
            .sort();
        assert.deepEqual(declared, [...SETTING_KEYS].sort());
        for (const [key, decl] of Object.entries(project.declarations)) assert.ok(decl.description, `${key} has no description`);
    });

    it("only partition, region, tags and models are required; everything else has a default", () => {
        const required = Object.entries(project.declarations)
            .filter(([, d]) => d.default === undefined)
            .map(([k]) => k.split(":")[1])
            .sort();
        assert.deepEqual(required, ["models", "partition", "region", "tags"]);
    });
});

/**
 * The catalog tables (policies/catalog/) loaded afresh: they are built when their modules load, so a test that reads
 * the copies this file imported would never see a table a mutation run changed (tests/freshModules.ts).
 */
function freshTables() {
    forgetRepoModules(["policies/catalog"]);
    return {
        engines: requireRepoModule<typeof import("../policies/catalog/engines")>("policies/catalog/engines"),
        instances: requireRepoModule<typeof import("../policies/catalog/instances")>("policies/catalog/instances"),
        models: requireRepoModule<typeof import("../policies/catalog/models")>("policies/catalog/models"),
        partitions: requireRepoModule<typeof import("../policies/catalog/partitions")>("policies/catalog/partitions"),
    };
}

describe("data tables (loaded afresh)", () => {
    it("partitions: GovCloud has its two regions; regions map to their partition", () => {
        const { regionsOf, partitionOfRegion } = freshTables().partitions;
        assert.deepEqual(regionsOf("aws-us-gov").sort(), ["us-gov-east-1", "us-gov-west-1"]);
        assert.ok(regionsOf("aws").includes("us-east-1"));
        const partitionOf = (regions: string[]) => Object.fromEntries(regions.map((r) => [r, partitionOfRegion(r) ?? null]));
        assert.deepEqual(partitionOf(["us-gov-east-1", "us-gov-west-1", "eu-west-1", "ap-southeast-2", "il-central-1", "us-east-1"]), {
            "us-gov-east-1": "aws-us-gov",
            "us-gov-west-1": "aws-us-gov",
            "eu-west-1": "aws",
            "ap-southeast-2": "aws",
            "il-central-1": "aws",
            "us-east-1": "aws",
        });
        // Other partitions, and what is not a region name (a zone, a stray space or letter), belong to none.
        const none = [
            "cn-north-1",
            "cn-northwest-1",
            "us-iso-east-1",
            "us-isob-east-1",
            "eu-isoe-west-1",
            "us-gov-west-1a",
            "us-east-1a",
            " us-east-1",
            "xus-gov-west-1",
            "us-gov-west",
            "useast-1",
        ];
        assert.deepEqual(partitionOf(none), Object.fromEntries(none.map((r) => [r, null])));
    });

    it("engine image URIs use the region's own ECR account and the engine's repository", () => {
        const { ENGINES, engineImageUri } = freshTables().engines;
        assert.equal(
            engineImageUri(ENGINES.tgi, "3.3.6", "us-gov-east-1", "amazonaws.com"),
            "446045086412.dkr.ecr.us-gov-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.7.0-tgi3.3.6-gpu-py311-cu124-ubuntu22.04",
        );
        assert.equal(
            engineImageUri(ENGINES.vllm, "0.21.0", "us-gov-west-1", "amazonaws.com"),
            "442386744353.dkr.ecr.us-gov-west-1.amazonaws.com/huggingface-vllm:0.21.0-transformers5.8.1-gpu-py312-cu130-ubuntu22.04",
        );
        assert.equal(
            engineImageUri(ENGINES.sglang, "0.5.8", "us-east-1", "amazonaws.com"),
            "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-sglang:0.5.8-transformers4.57.3-gpu-py312-cu129-ubuntu24.04",
        );
        assert.equal(parseEcrImage(engineImageUri(ENGINES.tgi, "2.0.2", "af-south-1", "amazonaws.com")).account, "626614931356");
        for (const engine of Object.values(ENGINES))
            for (const r of engine.releases) assert.doesNotMatch(r.tag, /-v\d+\.\d+$/, `GovCloud mirrors only mutable tags (${engine.id} ${r.version})`);
        assert.throws(() => engineImageUri(ENGINES.vllm, "0.1.0", "us-east-1", "amazonaws.com"), /Unknown vLLM release 0\.1\.0/);
    });

    it("instances: GPU types with local NVMe are flagged; GovCloud offers the SDK-listed types only; prices are dated, per partition", () => {
        const { findInstanceType, endpointInstanceTypesOffered, INSTANCE_TYPES } = freshTables().instances;
        assert.equal(findInstanceType("ml.g4dn.12xlarge")?.localNvme, true);
        assert.equal(findInstanceType("ml.p4d.24xlarge")?.localNvme, true);
        assert.equal(findInstanceType("ml.p3.2xlarge")?.localNvme, false);
        assert.equal(findInstanceType("ml.t3.medium")?.localNvme, false, "a notebook (CPU) type");
        const gov = endpointInstanceTypesOffered("aws-us-gov");
        for (const t of ["ml.g4dn.12xlarge", "ml.g5.12xlarge", "ml.g5.48xlarge", "ml.p4d.24xlarge", "ml.p4de.24xlarge", "ml.p5.48xlarge"])
            assert.ok(gov.includes(t), t);
        for (const t of ["ml.g6.xlarge", "ml.g6e.12xlarge", "ml.p5e.48xlarge"]) assert.ok(!gov.includes(t), `${t} has no GovCloud source`);
        assert.equal(findInstanceType("ml.g5.48xlarge")?.gpuMemoryMiB, 22888, "EC2's reported A10G memory, not the nominal 24 GiB");
        for (const t of INSTANCE_TYPES) {
            assert.equal(t.prices["aws-us-gov"], undefined, `no GovCloud price is on record (${t.name})`);
            for (const price of Object.values(t.prices)) assert.match(price!.asOf, /^\d{4}-\d{2}$/);
        }
    });

    it("weights: MXFP4 experts at 4.25 bits and bfloat16 for the rest (gpt-oss-120b fits one 80 GB GPU, as its README says), reckoned part by part", () => {
        const { MODELS, weightsGiB, weightsReckoning } = freshTables().models;
        const gptOss = MODELS.find((m) => m.id === "gpt-oss-120b")!;
        const gib = weightsGiB(gptOss.weights);
        assert.ok(gib > 60 && gib < 74.5, `${gib.toFixed(1)} GiB`);
        assert.equal(weightsGiB([{ billions: 8.03, format: "bfloat16" }]).toFixed(2), "14.96");
        assert.equal(weightsReckoning(gptOss.weights), "114.7B × 0.5313 bytes (mxfp4) + 2.1B × 2 bytes (bfloat16)");
    });

    it("partitions' names and console hosts; the interface endpoints the program creates, by service name per partition and FIPS setting, each saying what it is for, under the key that names its resource", () => {
        const { PARTITIONS, INTERFACE_ENDPOINT_SERVICES, interfaceEndpointServiceName } = freshTables().partitions;
        assert.deepEqual([PARTITIONS.aws.displayName, PARTITIONS["aws-us-gov"].displayName], ["AWS commercial", "AWS GovCloud (US)"]);
        assert.equal(PARTITIONS.aws.consoleHost("eu-west-1"), "eu-west-1.console.aws.amazon.com");
        assert.equal(PARTITIONS["aws-us-gov"].consoleHost("us-gov-east-1"), "console.amazonaws-us-gov.com");
        const names = (region: string, partition: "aws" | "aws-us-gov", fips: boolean) =>
            INTERFACE_ENDPOINT_SERVICES.map((e) => interfaceEndpointServiceName(region, partition, e, fips).slice(`com.amazonaws.${region}.`.length));
        const standard = ["sagemaker.api", "sagemaker.runtime", "sts", "logs", "monitoring", "ecr.api", "ecr.dkr", "kms"];
        assert.deepEqual(names("us-east-1", "aws", false), standard);
        assert.deepEqual(names("us-gov-west-1", "aws-us-gov", false), standard);
        assert.deepEqual(names("us-east-1", "aws", true), [
            "sagemaker.api-fips",
            "sagemaker.runtime-fips",
            "sts-fips",
            "logs",
            "monitoring",
            "ecr.api",
            "ecr.dkr",
            "kms-fips",
        ]);
        assert.deepEqual(names("us-gov-west-1", "aws-us-gov", true), [...standard.slice(0, -1), "kms-fips"]);
        for (const e of INTERFACE_ENDPOINT_SERVICES) assert.match(e.purpose, /^\S.*\S$/, e.key);
        // Each key names an endpoint resource (`<network>-<key>`): a renamed key replaces that endpoint on every deployed stack.
        assert.deepEqual(
            INTERFACE_ENDPOINT_SERVICES.map((e) => e.key),
            ["sagemaker-api", "sagemaker-runtime", "sts", "logs", "monitoring", "ecr-api", "ecr-dkr", "kms"],
        );
    });

    it("image registries: every region listed is in a partition this project knows, with a 12-digit account; a region outside the table has none", () => {
        const { engines, partitions } = freshTables();
        const regions = engines.imageRegions();
        for (const region of regions) {
            assert.match(engines.imageAccount(region) ?? "", /^\d{12}$/, region);
            assert.ok(partitions.partitionOfRegion(region), region);
        }
        for (const region of partitions.regionsOf("aws-us-gov")) assert.ok(regions.includes(region), `${region} has a registry`);
        assert.equal(engines.imageAccount("cn-north-1"), undefined);
        assert.throws(
            () => engines.engineImageUri(engines.ENGINES.vllm, "0.21.0", "cn-north-1", "amazonaws.com.cn"),
            /^Error: No Hugging Face image registry is known for region cn-north-1$/,
        );
    });

    it("engine releases: each image tag is of its own release (TGI's after the PyTorch version), the default is a release, and every release has a request format", () => {
        const { ENGINES } = freshTables().engines;
        for (const engine of Object.values(ENGINES)) {
            assert.ok(
                engine.releases.some((r) => r.version === engine.defaultVersion),
                `${engine.id} default ${engine.defaultVersion}`,
            );
            for (const r of engine.releases) {
                const own = engine.id === "tgi" ? r.tag.includes(`-tgi${r.version}-`) : r.tag.startsWith(`${r.version}-`);
                assert.ok(own, `${engine.id} ${r.version}: ${r.tag}`);
                assert.ok(r.requestFormats.length > 0, `${engine.id} ${r.version}`);
            }
        }
    });

    for (const partition of PARTITION_IDS) {
        it(`every catalog model's ${partition} default is a valid deployment`, () => {
            const region = partition === "aws" ? "us-east-1" : "us-gov-west-1";
            const settings = settingsFor(
                partition,
                region,
                MODELS.map((m) => ({ id: m.id })),
            );
            assert.equal(settings.models.length, MODELS.length);
        });
    }
});

describe("engine lookups (pure; the pack recognises engines with them)", () => {
    it("an environment names its engine by variables only that engine reads: any SM_VLLM_ or SM_SGLANG_ variable, or HF_MODEL_ID with one of TGI's own", () => {
        const id = (keys: string[]) => engineOfEnvironment(keys)?.id;
        assert.equal(id(["SM_VLLM_MODEL"]), "vllm");
        assert.equal(id(["SM_VLLM_TENSOR_PARALLEL_SIZE", "HF_TOKEN"]), "vllm");
        assert.equal(id(["SM_SGLANG_MODEL_PATH"]), "sglang");
        assert.equal(id(["X_SM_VLLM_MODEL", "X_SM_SGLANG_MODEL_PATH"]), undefined, "the prefix, not a part of the name");
        for (const own of ["SM_NUM_GPUS", "MAX_TOTAL_TOKENS", "MAX_INPUT_TOKENS", "MAX_INPUT_LENGTH", "HF_MODEL_QUANTIZE"]) {
            assert.equal(id(["HF_MODEL_ID", own]), "tgi", own);
            assert.equal(id([own]), undefined, `${own} without HF_MODEL_ID`);
        }
        assert.equal(id(["HF_MODEL_ID", "HF_TASK"]), undefined, "HF_MODEL_ID alone: the inference toolkit and LMI read it too");
    });

    it("an image repository names its engine; the deep-learning-container registry accounts are known as such", () => {
        assert.equal(engineOfRepository("huggingface-sglang")?.id, "sglang");
        assert.equal(engineOfRepository("djl-inference"), undefined);
        assert.equal(isDlcRegistryAccount("442386744353"), true);
        assert.equal(isDlcRegistryAccount("111122223333"), false);
    });

    it("the launch environment: TGI's input and prefill limits only for TGI and only when given, under the release's own name (MAX_INPUT_TOKENS when a release names none)", () => {
        const launch = { model: "/opt/ml/model", servedModelName: "m", tensorParallel: 1, contextLength: 8192, trustRemoteCode: false, memoryFraction: 1 };
        const tgi = ENGINES.tgi.releases.find((r) => r.version === "1.0.3")!;
        const limits = { maxInputTokens: 4096, maxBatchPrefillTokens: 8192 };
        const tgiEnv = engineEnvironment(ENGINES.tgi, tgi, { ...launch, ...limits });
        assert.deepEqual([tgiEnv.MAX_INPUT_LENGTH, tgiEnv.MAX_BATCH_PREFILL_TOKENS, tgiEnv.MAX_INPUT_TOKENS], ["4096", "8192", undefined]);
        assert.equal(engineEnvironment(ENGINES.tgi, { ...tgi, inputTokensEnv: undefined }, { ...launch, ...limits }).MAX_INPUT_TOKENS, "4096");
        const unset = engineEnvironment(ENGINES.tgi, tgi, launch);
        assert.deepEqual(
            Object.keys(unset).filter((k) => k.startsWith("MAX_")),
            ["MAX_TOTAL_TOKENS"],
        );
        const vllm = engineEnvironment(ENGINES.vllm, ENGINES.vllm.releases[0], { ...launch, ...limits, memoryFraction: 0.9 });
        assert.deepEqual(
            Object.keys(vllm).filter((k) => k.startsWith("MAX_")),
            [],
        );
    });
});

describe("component helpers", () => {
    it("cidrSubnet carves consecutive subnets", () => {
        assert.equal(cidrSubnet("10.80.0.0/16", 4, 0), "10.80.0.0/20");
        assert.equal(cidrSubnet("10.80.0.0/16", 4, 9), "10.80.144.0/20");
        assert.equal(cidrSubnet("192.168.4.0/22", 4, 3), "192.168.4.192/26");
        assert.throws(() => cidrSubnet("10.0.0.0/26", 4, 0), /too small/);
    });

    it("the TGI environment never sets HF_MODEL_QUANTIZE unless quantizing", () => {
        const settings = settingsFor("aws", "us-east-1", [
            { id: "llama-3-8b-instruct", engine: "tgi" },
            { id: "llama-3-8b-instruct", engine: "tgi", name: "q", quantize: "eetq" },
        ]);
        assert.equal("HF_MODEL_QUANTIZE" in containerEnvironment(settings.models[0]), false);
        assert.equal(containerEnvironment(settings.models[1]).HF_MODEL_QUANTIZE, "eetq");
    });

    it("vLLM and SGLang switches are empty values (their entrypoints pass a non-empty value on as an argument)", () => {
        const settings = settingsFor("aws", "us-east-1", [
            { id: "qwen3-8b", engine: "vllm", trustRemoteCode: true },
            { id: "qwen3-8b", engine: "sglang", name: "s", trustRemoteCode: true },
            { id: "qwen3-8b", engine: "vllm", name: "plain" },
        ]);
        assert.equal(containerEnvironment(settings.models[0]).SM_VLLM_TRUST_REMOTE_CODE, "");
        assert.equal(containerEnvironment(settings.models[1]).SM_SGLANG_TRUST_REMOTE_CODE, "");
        assert.equal("SM_VLLM_TRUST_REMOTE_CODE" in containerEnvironment(settings.models[2]), false, "absent unless asked for");
        assert.equal("SM_VLLM_QUANTIZATION" in containerEnvironment(settings.models[2]), false);
    });
});

describe("README: the AWS GovCloud sample's settings example", () => {
    it("parses and gives the sample's image and container environment (TGI 1.0.3, NF4, 4 × T4)", () => {
        const settings = settingsFor("aws-us-gov", "us-gov-west-1", [GOVCLOUD_SAMPLE]);
        const d = settings.models[0];
        assert.equal(
            d.imageUri,
            "442386744353.dkr.ecr.us-gov-west-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.0.1-tgi1.0.3-gpu-py39-cu118-ubuntu20.04",
        );
        assert.deepEqual(containerEnvironment(d), {
            HF_MODEL_ID: "/opt/ml/model",
            SM_NUM_GPUS: "4",
            MAX_TOTAL_TOKENS: "2048",
            MAX_INPUT_LENGTH: "1024",
            HF_MODEL_QUANTIZE: "bitsandbytes-nf4",
        });
        assert.equal(d.instance.name, "ml.g4dn.12xlarge");
    });
});

describe("catalog defaults apply to the deployment they were made for", () => {
    it("a default tensor-parallel degree is not carried to another instance type (Falcon-40B's 4 in GovCloud on an 8-GPU type)", () => {
        const settings = settingsFor("aws-us-gov", "us-gov-west-1", [
            { id: "falcon-40b-instruct", engine: "vllm", instanceType: "ml.g5.48xlarge", weightsSource: "s3" },
        ]);
        assert.equal(settings.models[0].numGpus, 8);
        assert.equal(settings.models[0].quantize, undefined, "nor the TGI default's quantization to vLLM");
    });
});
