/** The data tables, the catalog defaults and the pure helpers the components use. */
import { strict as assert } from "assert";
import { cidrSubnet } from "../components/network";
import { parseEcrImage, tgiEnvironment } from "../components/llmEndpoint";
import { loadProject } from "../offline/projectConfig";
import { tgiImageUri, TGI_VERSIONS } from "../stacks/images";
import { endpointInstanceTypesOffered, findInstanceType, INSTANCE_TYPES } from "../stacks/instances";
import { memoryFit, MODELS } from "../stacks/models";
import { PARTITION_IDS, partitionOfRegion, regionsOf } from "../stacks/partitions";
import { parseSettings, SETTING_KEYS } from "../stacks/settings";
import { REPO_ROOT } from "./graph";

const project = loadProject(REPO_ROOT);
const defaults = Object.fromEntries(Object.entries(project.declarations).map(([key, decl]) => [key.split(":")[1], decl.default]));

function settingsFor(partition: string, region: string, models: unknown[]) {
    return parseSettings({
        stack: "test",
        namespace: "sagemaker-llm",
        tokenIsSecret: false,
        values: { ...defaults, partition, region, tags: { Owner: "o", Project: "p", Environment: "e", DataClassification: "d" }, models },
    });
}

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

describe("data tables", () => {
    it("partitions: GovCloud has its two regions; regions map to their partition", () => {
        assert.deepEqual(regionsOf("aws-us-gov").sort(), ["us-gov-east-1", "us-gov-west-1"]);
        assert.ok(regionsOf("aws").includes("us-east-1"));
        assert.equal(partitionOfRegion("us-gov-east-1"), "aws-us-gov");
        assert.equal(partitionOfRegion("eu-west-1"), "aws");
        assert.equal(partitionOfRegion("cn-north-1"), undefined);
    });

    it("TGI image URIs use the region's own ECR account", () => {
        assert.equal(
            tgiImageUri("us-gov-east-1", "amazonaws.com", "3.3.6"),
            "446045086412.dkr.ecr.us-gov-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.7.0-tgi3.3.6-gpu-py311-cu124-ubuntu22.04",
        );
        assert.equal(parseEcrImage(tgiImageUri("af-south-1", "amazonaws.com", "2.0.2")).account, "626614931356");
        for (const v of TGI_VERSIONS) assert.doesNotMatch(v.tag, /-v\d+\.\d+$/, "GovCloud mirrors only mutable tags");
    });

    it("instances: GPU types with local NVMe are flagged; GovCloud offers only types with a source", () => {
        assert.equal(findInstanceType("ml.g4dn.12xlarge")?.localNvme, true);
        assert.equal(findInstanceType("ml.p4d.24xlarge")?.localNvme, true);
        assert.equal(findInstanceType("ml.p3.2xlarge")?.localNvme, false);
        assert.ok(endpointInstanceTypesOffered("aws-us-gov").includes("ml.g4dn.12xlarge"));
        for (const t of INSTANCE_TYPES) if (t.price) assert.match(t.price.asOf, /^\d{4}-\d{2}$/);
    });

    it("memory fit: Falcon-40B in nf4 fits 4 × T4, in fp16 it does not", () => {
        assert.equal(memoryFit(41.8, "bitsandbytes-nf4", 16, 4).fits, true);
        const fp16 = memoryFit(41.8, "bfloat16", 16, 4);
        assert.equal(fp16.fits, false);
        assert.equal(fp16.requiredGiB.toFixed(1), "93.4");
    });

    for (const partition of PARTITION_IDS) {
        it(`every catalog model's ${partition} default is a valid deployment`, () => {
            const region = partition === "aws" ? "us-east-1" : "us-gov-west-1";
            const settings = settingsFor(
                partition,
                region,
                MODELS.map((m) => ({ id: m.id, name: m.id })),
            );
            assert.equal(settings.models.length, MODELS.length);
        });
    }
});

describe("component helpers", () => {
    it("cidrSubnet carves consecutive subnets", () => {
        assert.equal(cidrSubnet("10.80.0.0/16", 4, 0), "10.80.0.0/20");
        assert.equal(cidrSubnet("10.80.0.0/16", 4, 9), "10.80.144.0/20");
        assert.equal(cidrSubnet("192.168.4.0/22", 4, 3), "192.168.4.192/26");
        assert.throws(() => cidrSubnet("10.0.0.0/26", 4, 0), /too small/);
    });

    it("the TGI environment never sets HF_MODEL_QUANTIZE unless quantizing", () => {
        const settings = settingsFor("aws", "us-east-1", [{ id: "llama-3-8b-instruct" }, { id: "llama-3-8b-instruct", name: "q", quantize: "eetq" }]);
        assert.equal("HF_MODEL_QUANTIZE" in tgiEnvironment(settings.models[0]), false);
        assert.equal(tgiEnvironment(settings.models[1]).HF_MODEL_QUANTIZE, "eetq");
    });
});
