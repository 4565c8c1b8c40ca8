/**
 * The component package (components/): its schema as `pulumi package add` generates it, the
 * documents and examples made from it, the arguments it checks itself, and the move of its type
 * tokens, which must leave a stack deployed before the move without a single resource created,
 * replaced or deleted.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import * as pulumi from "@pulumi/pulumi";
import { ComponentArgumentsError, DEFAULT_LOG_RETENTION_DAYS, LOG_RETENTION_DAYS } from "../components/arguments";
import { resolveLlmEndpoint } from "../components/llmEndpoint";
import { DELETION_WINDOW_DAYS, StackEncryption } from "../components/encryption";
import { Engine } from "../components/enums";
import { modelSettingsSchema, SettingProblem } from "../components/modelDeployment";
import { NetworkShape, resolveNetwork } from "../components/network";
import { NOTEBOOK_DEFAULTS, ResearchNotebook } from "../components/notebook";
import { dependenciesOf, PACKAGE_NAME, previousType, withPreviousType } from "../components/packageTypes";
import { makeUrn, matchEarlierResources } from "../offline/aliases";
import { PlanResource, previewChanges } from "../offline/changes";
import { COMPONENT_DOCS, COMPONENTS_DIR, componentPackageSchema, PackageSchema, providerNaming, renderComponentDocs } from "../offline/componentSchema";
import { ENGINE_IDS, ENGINES } from "../policies/catalog/engines";
import { DEFAULT_CONCURRENT_REQUESTS } from "../policies/catalog/models";
import { freshRequire } from "./freshModules";
import { REPO_ROOT } from "./graph";
import { runPlan } from "./planRun";

const COMPONENTS = ["ArtifactBucket", "LlmEndpoint", "PrivateNetwork", "ResearchNotebook", "StackEncryption"];
const token = (component: string) => `sagemaker-llm:index:${component}`;

describe("the component package's schema, generated as `pulumi package add` generates it", function () {
    this.timeout(120_000);
    let schema: PackageSchema;
    before(async () => {
        schema = await componentPackageSchema();
    });

    it("names the package after components/package.json and lists the five components under <package>:index:<Component>", () => {
        assert.equal(schema.name, PACKAGE_NAME);
        assert.deepEqual(Object.keys(schema.resources).sort(), COMPONENTS.map(token));
        for (const resource of Object.values(schema.resources)) {
            assert.equal(resource.isComponent, true);
            assert.ok((resource.description ?? "").length > 40, "each component is described");
        }
    });

    it("requires only what has no secure default, and takes the rest as optional with the default it names", () => {
        const required = Object.fromEntries(COMPONENTS.map((c) => [c, schema.resources[token(c)].requiredInputs]));
        assert.deepEqual(required, {
            ArtifactBucket: ["kmsKeyArn"],
            LlmEndpoint: [
                "accountId",
                "artifactBucketArn",
                "artifactBucketName",
                "kmsKeyArn",
                "modelId",
                "privateSubnetIds",
                "region",
                "s3PrefixListId",
                "vpcCidr",
                "vpcId",
            ],
            PrivateNetwork: ["accountId", "kmsKeyArn", "region"],
            ResearchNotebook: [
                "accountId",
                "artifactBucketArn",
                "artifactBucketName",
                "endpoints",
                "kmsKeyArn",
                "region",
                "s3PrefixListId",
                "subnetId",
                "vpcCidr",
                "vpcId",
            ],
            StackEncryption: ["accountId", "region"],
        });
        for (const [name, resource] of Object.entries(schema.resources)) {
            for (const [input, p] of Object.entries(resource.inputProperties)) {
                assert.ok(p.description, `${name}.${input} has no description`);
                if (p.optional) assert.match(p.description!, /Default: [^.]/, `${name}.${input} does not name its default`);
            }
        }
        // The defaults the documents name are the ones the code applies (tests/components.test.ts checks they are applied).
        const input = (component: string, name: string) => schema.resources[token(component)].inputProperties[name].description!;
        const named = (value: string | number) => new RegExp(`Default: \`?${String(value).replace(/\./g, "\\.")}\`?( \\(.*\\))?\\.$`);
        assert.match(input("StackEncryption", "deletionWindowInDays"), named(DELETION_WINDOW_DAYS.max));
        assert.match(input("LlmEndpoint", "egress"), named(resolveNetwork({}, "us-gov-west-1", [])!.egress));
        assert.match(input("LlmEndpoint", "concurrentRequests"), named(DEFAULT_CONCURRENT_REQUESTS));
        assert.match(input("LlmEndpoint", "logRetentionDays"), named(DEFAULT_LOG_RETENTION_DAYS));
        assert.match(input("ResearchNotebook", "instanceType"), named(NOTEBOOK_DEFAULTS.instanceType));
        assert.match(input("ResearchNotebook", "volumeSizeGb"), named(NOTEBOOK_DEFAULTS.volumeSizeGb));
    });

    it("gives every model setting to LlmEndpoint, with the same names as a stack's `models` entry", () => {
        const projectModels = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
        const inputs = Object.keys(schema.resources[token("LlmEndpoint")].inputProperties);
        for (const field of Object.keys(modelSettingsSchema.shape)) {
            assert.ok(inputs.includes(field), field);
            assert.ok(projectModels.includes(`| \`${field}\` | no |`), `${field} is not a models field in the README`);
        }
    });

    it("turns the enumerations into schema enums with the catalog's values", () => {
        const values = (name: string) => schema.types[token(name)].enum!.map((e) => e.value);
        assert.deepEqual(values("Engine"), ENGINE_IDS);
        assert.deepEqual(values("Egress"), ["none", "nat"]);
        assert.deepEqual(values("NetworkMode"), ["create", "existing"]);
        assert.equal(schema.resources[token("LlmEndpoint")].inputProperties.engine.$ref, "#/types/sagemaker-llm:index:Engine");
    });

    it("registers each component's documented outputs as its contract", () => {
        const outputs = Object.fromEntries(COMPONENTS.map((c) => [c, Object.keys(schema.resources[token(c)].properties).sort()]));
        assert.deepEqual(outputs, {
            ArtifactBucket: ["bucketArn", "bucketName"],
            LlmEndpoint: [
                "alarmNames",
                "endpointArn",
                "endpointConfigName",
                "endpointName",
                "executionRoleArn",
                "logGroupName",
                "modelName",
                "rollbackAlarmName",
            ],
            PrivateNetwork: ["interfaceEndpointIds", "privateSubnetIds", "s3PrefixListId", "vpcCidr", "vpcId"],
            ResearchNotebook: ["consoleUrl", "notebookArn", "notebookName", "roleArn"],
            StackEncryption: ["aliasName", "keyArn", "keyId"],
        });
        for (const resource of Object.values(schema.resources)) for (const p of Object.values(resource.properties)) assert.ok(p.description);
    });

    it("docs/components.md is the schema's current rendering (npm run docs)", () => {
        assert.equal(fs.readFileSync(COMPONENT_DOCS, "utf8"), renderComponentDocs(schema), "docs/components.md is stale: run npm run docs");
    });

    it("the Python and YAML examples use only components and inputs the schema has, and give every required one", () => {
        const resources = schema.resources;
        const yamlProgram = parseYaml(fs.readFileSync(path.join(REPO_ROOT, "examples", "yaml", "Pulumi.yaml"), "utf8")) as {
            resources: Record<string, { type: string; properties?: Record<string, unknown> }>;
        };
        const used = Object.values(yamlProgram.resources).filter((r) => r.type.startsWith(`${PACKAGE_NAME}:`));
        assert.ok(used.length >= 3);
        for (const r of used) {
            const resource = resources[r.type];
            assert.ok(resource, `${r.type} is not a component of the package`);
            for (const key of Object.keys(r.properties ?? {})) assert.ok(key in resource.inputProperties, `${r.type} has no input ${key}`);
            for (const key of resource.requiredInputs) assert.ok(key in (r.properties ?? {}), `${r.type} needs ${key}`);
        }
        // Python: the SDK names inputs in snake_case.
        const python = fs.readFileSync(path.join(REPO_ROOT, "examples", "python", "__main__.py"), "utf8");
        const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
        // A call ends at the first line holding only its closing parenthesis, at any indentation.
        const calls = [...python.matchAll(/sagemaker_llm\.(\w+)\(\s*"[^"]+",([\s\S]*?)\n\s*\)\n/g)];
        assert.ok(calls.length >= 3, "the Python example constructs components");
        for (const [, component, body] of calls) {
            const resource = resources[token(component)];
            assert.ok(resource, `${component} is not a component of the package`);
            const inputs = new Set(Object.keys(resource.inputProperties).map(snake));
            const given = [...body.matchAll(/^\s+(\w+)=/gm)].map((m) => m[1]).filter((k) => k !== "opts");
            for (const key of given) assert.ok(inputs.has(key), `${component} has no input ${key}`);
            for (const key of resource.requiredInputs.map(snake)) assert.ok(given.includes(key), `${component} needs ${key}`);
        }
    });
});

describe("the component package's files", () => {
    it("is a Node.js source plugin whose name gives the tokens' package", () => {
        const plugin = parseYaml(fs.readFileSync(path.join(COMPONENTS_DIR, "PulumiPlugin.yaml"), "utf8")) as { runtime: string };
        assert.equal(plugin.runtime, "nodejs");
        const manifest = JSON.parse(fs.readFileSync(path.join(COMPONENTS_DIR, "package.json"), "utf8")) as {
            name: string;
            main: string;
            dependencies: Record<string, string>;
        };
        assert.deepEqual(providerNaming(manifest.name), { name: PACKAGE_NAME, namespace: undefined });
        assert.ok(fs.existsSync(path.join(COMPONENTS_DIR, manifest.main)));
        // The package runs with the versions the program is tested with.
        const root = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
            dependencies: Record<string, string>;
            devDependencies: Record<string, string>;
        };
        for (const [name, range] of Object.entries(manifest.dependencies)) assert.equal(range, root.dependencies[name] ?? root.devDependencies[name], name);
    });

    it("names scoped and unusual package names as the plugin host does", () => {
        assert.deepEqual(providerNaming("@acme/llm.hosting"), { name: "llm-hosting", namespace: "acme" });
    });

    it("applies the defaults Pulumi.yaml declares for the same settings", () => {
        const project = parseYaml(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8")) as { config: Record<string, { default?: unknown }> };
        const defaultOf = (key: string) => project.config[key].default;
        assert.deepEqual(
            [defaultOf("notebookInstanceType"), defaultOf("notebookVolumeSizeGb"), defaultOf("notebookPlatform")],
            [NOTEBOOK_DEFAULTS.instanceType, NOTEBOOK_DEFAULTS.volumeSizeGb, NOTEBOOK_DEFAULTS.platformIdentifier],
        );
        const network = resolveNetwork({}, "us-gov-west-1", []);
        assert.deepEqual(
            [defaultOf("networkMode"), defaultOf("egress"), defaultOf("fipsEndpoints"), defaultOf("logRetentionDays")],
            [network?.mode, network?.egress, network?.fipsEndpoints, DEFAULT_LOG_RETENTION_DAYS],
        );
    });

    it("states each default twice only where both say the same: the text the schema carries, and @default", () => {
        for (const file of fs.readdirSync(COMPONENTS_DIR).filter((f) => f.endsWith(".ts"))) {
            const text = fs.readFileSync(path.join(COMPONENTS_DIR, file), "utf8");
            for (const comment of text.match(/\/\*\*[\s\S]*?\*\//g) ?? []) {
                const tag = /@default (.*?)(?: \*\/|\n)/.exec(comment)?.[1];
                const prose = /Default: (.*?)\.(?: @default|\n)/.exec(comment)?.[1];
                assert.equal(prose, tag, `${file}: ${comment}`);
            }
        }
    });
});

describe("component arguments from any language are checked before anything is created", () => {
    const placement = {
        modelId: "llama-3.1-8b-instruct",
        region: "us-gov-west-1",
        accountId: "111122223333",
        vpcId: "vpc-0a1b2c3d4e5f60718",
        vpcCidr: "10.80.0.0/16",
        privateSubnetIds: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
        s3PrefixListId: "pl-0123456789abcdef0",
        kmsKeyArn: "arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/x",
        artifactBucketName: "artifacts",
        artifactBucketArn: "arn:aws-us-gov:s3:::artifacts",
        stagedWeightsUri: "s3://artifacts/models/chat/",
    };

    it("resolves a deployment with the catalog's defaults for the region's partition", () => {
        const { deployment, partition } = resolveLlmEndpoint("chat", placement);
        assert.equal(partition.id, "aws-us-gov");
        assert.deepEqual([deployment.name, deployment.engine.id, deployment.instance.name, deployment.instanceCount], ["chat", "vllm", "ml.g5.12xlarge", 1]);
        assert.equal(resolveLlmEndpoint("chat", { ...placement, production: true }).deployment.instanceCount, 2);
    });

    it("refuses values a type checker would have caught, naming each argument, value and fix", () => {
        // What a Python or YAML program can pass: a string for a number, an unknown engine, a region of no partition here.
        const bad = { ...placement, instanceCount: "2", engine: "triton", region: "cn-north-1", logRetentionDays: 10 } as unknown as typeof placement;
        assert.throws(
            () => resolveLlmEndpoint("chat", bad),
            (err: unknown) => {
                assert.ok(err instanceof ComponentArgumentsError);
                assert.match(err.message, /^LlmEndpoint 'chat': invalid arguments; nothing was created:/);
                assert.deepEqual(err.problems.map((p) => p.key).sort(), ["engine", "instanceCount", "logRetentionDays", "region"]);
                assert.match(err.message, /- region = "cn-north-1": is not a region of AWS GovCloud \(US\) or commercial AWS/);
                return true;
            },
        );
    });

    it("lists every problem on a line of its own, with the regions and retentions AWS accepts", () => {
        const bad = { ...placement, region: "eu-west-9", logRetentionDays: 10 };
        assert.throws(
            () => resolveLlmEndpoint("chat", bad),
            (err: unknown) => {
                assert.ok(err instanceof ComponentArgumentsError);
                assert.equal(err.name, "ComponentArgumentsError");
                const lines = err.message.split("\n");
                assert.equal(lines.length, 3);
                assert.match(
                    lines[1],
                    /^ {2}- region = "eu-west-9": is not a region of AWS GovCloud \(US\) or commercial AWS where the serving engines' images are published; use one of [a-z0-9-]+(, [a-z0-9-]+)+\.$/,
                );
                assert.ok(lines[1].includes("us-gov-west-1") && lines[1].includes("us-east-1"));
                assert.equal(lines[2], `  - logRetentionDays = 10: is not a retention CloudWatch Logs accepts; use one of ${LOG_RETENTION_DAYS.join(", ")}.`);
                return true;
            },
        );
    });

    /** The problems resolveLlmEndpoint reports for `args`, as `key: message` lines. */
    const problemsOf = (args: Record<string, unknown>): string[] => {
        try {
            resolveLlmEndpoint("chat", args as unknown as typeof placement);
        } catch (err) {
            assert.ok(err instanceof ComponentArgumentsError, String(err));
            return err.problems.map((p) => `${p.key}: ${p.message}`);
        }
        return [];
    };

    it("refuses plain arguments of the wrong type, and unknown approved instance types, instead of failing inside", () => {
        // A string where a list belongs, and a type the instance table does not know (a TypeError before).
        assert.deepEqual(problemsOf({ ...placement, approvedInstanceTypes: ["ml.g5.12xlarge", "ml.z9.huge"] }), [
            "approvedInstanceTypes[1]: is not an instance type SageMaker hosting offers in aws-us-gov per policies/catalog/instances.ts; remove it or add the type to that table with its source.",
        ]);
        assert.match(
            problemsOf({ ...placement, approvedInstanceTypes: "ml.g5.12xlarge" }).join("\n"),
            /^approvedInstanceTypes: must be a list of instance type names/,
        );
        const wrong = problemsOf({ ...placement, production: "yes", retainLogs: "false", alarmTopicArn: 7 });
        assert.deepEqual(
            wrong.map((p) => p.split(":")[0]),
            ["production", "retainLogs", "alarmTopicArn"],
        );
        assert.deepEqual(
            problemsOf({ ...placement, modelId: 42 }).map((p) => p.split(":")[0]),
            ["modelId"],
        );
    });

    it("refuses an egress other than none or nat, and an alarm topic of another region or partition", () => {
        assert.deepEqual(problemsOf({ ...placement, egress: "public" }), ["egress: must be one of none, nat."]);
        assert.deepEqual(problemsOf({ ...placement, alarmTopicArn: "arn:aws:sns:us-east-1:111122223333:alarms" }), [
            "alarmTopicArn: must be an SNS topic ARN in aws-us-gov/us-gov-west-1 (starting 'arn:aws-us-gov:sns:us-gov-west-1:').",
        ]);
        assert.deepEqual(problemsOf({ ...placement, alarmTopicArn: "arn:aws-us-gov:sns:us-gov-west-1:111122223333:alarms" }), []);
    });

    it("reports the model's problems with the other arguments' instead of stopping at the first", () => {
        // Without a partition the deployment cannot be resolved; an unknown model is still named.
        assert.deepEqual(
            problemsOf({ ...placement, modelId: "llama-9", region: "eu-west-9" }).map((p) => p.split(":")[0]),
            ["region", "modelId"],
        );
        assert.deepEqual(
            problemsOf({ ...placement, region: "eu-west-9" }).map((p) => p.split(":")[0]),
            ["region"],
        );
        assert.deepEqual(
            problemsOf({ ...placement, modelId: "llama-9", logRetentionDays: 10 }).map((p) => p.split(":")[0]),
            ["logRetentionDays", "modelId"],
        );
        assert.deepEqual(
            problemsOf({ ...placement, instanceType: "ml.g5.2xlarge", logRetentionDays: 10 }).map((p) => p.split(":")[0]),
            ["logRetentionDays", "instanceType"],
        );
    });

    it("takes the staged-weights URI only at the prefix the role reads, and the Hub token only where the container gets it", () => {
        assert.deepEqual(problemsOf({ ...placement, stagedWeightsUri: "s3://artifacts/models/x/" }), [
            "stagedWeightsUri: must be s3://artifacts/models/chat/: the artifact bucket at the deployment's weightsS3Prefix, the only place its execution role may read. Stage the weights there, or set weightsS3Prefix to where they are.",
        ]);
        assert.deepEqual(problemsOf({ ...placement, stagedWeightsUri: "s3://artifacts/weights/", weightsS3Prefix: "weights" }), []);
        const hub = { ...placement, weightsSource: "hub", egress: "nat", stagedWeightsUri: undefined };
        assert.deepEqual(problemsOf({ ...hub, huggingFaceToken: "hf_x", stagedWeightsUri: "s3://artifacts/models/chat/" }), [
            "stagedWeightsUri: is not used: the weights come from the Hugging Face Hub (weightsSource `hub`). Remove it, or set weightsSource `s3` to serve the staged weights.",
        ]);
        assert.deepEqual(problemsOf({ ...placement, huggingFaceToken: "hf_x" }), [
            "huggingFaceToken: is not used: the weights come from S3 and the container never contacts the Hub. Remove it.",
        ]);
        assert.deepEqual(problemsOf({ ...hub, modelId: "qwen3-8b", huggingFaceToken: "hf_x" }), [
            "huggingFaceToken: is not used: Qwen/Qwen3-8B is not gated on the Hub, so the container is not given a token. Remove it.",
        ]);
        assert.deepEqual(problemsOf({ ...hub, huggingFaceToken: "hf_x" }), []);
    });

    it("refuses a deployment that does not fit its instance type, with the catalog's sizing and fixes", () => {
        assert.throws(
            () => resolveLlmEndpoint("big", { ...placement, modelId: "llama-3.3-70b-instruct", instanceType: "ml.g5.2xlarge" }),
            /- instanceType = "ml\.g5\.2xlarge": too small for meta-llama\/Llama-3\.3-70B-Instruct[\s\S]*Fix: /,
        );
    });

    it("refuses weights from the Hub without egress, and a gated model from the Hub without a token", () => {
        assert.throws(() => resolveLlmEndpoint("chat", { ...placement, weightsSource: "hub" }), /weightsSource = "hub": cannot work with egress 'none'/);
        assert.throws(
            () => resolveLlmEndpoint("chat", { ...placement, weightsSource: "hub", egress: "nat" }),
            /- huggingFaceToken: is required: meta-llama\/Llama-3\.1-8B-Instruct is gated/,
        );
    });
});

describe("ResearchNotebook's arguments are checked before it registers", () => {
    const notebookArgs = {
        region: "us-gov-west-1",
        accountId: "111122223333",
        vpcId: "vpc-0a1b2c3d4e5f60718",
        vpcCidr: "10.80.0.0/16",
        subnetId: "subnet-0123456789abcdef0",
        s3PrefixListId: "pl-0123456789abcdef0",
        kmsKeyArn: "arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/x",
        artifactBucketName: "artifacts",
        artifactBucketArn: "arn:aws-us-gov:s3:::artifacts",
        endpoints: [
            {
                deploymentName: "chat",
                endpointName: "chat-abc",
                endpointArn: "arn:aws-us-gov:sagemaker:us-gov-west-1:111122223333:endpoint/chat-abc",
                engine: "vllm" as Engine,
                engineVersion: ENGINES.vllm.releases[0].version,
                servedModelName: "meta-llama/Llama-3.1-8B-Instruct",
            },
        ],
    };

    it("refuses an endpoint entry whose engine or release the sample notebook cannot write a request for", () => {
        const endpoints = [
            { ...notebookArgs.endpoints[0], engine: "triton" as Engine },
            { ...notebookArgs.endpoints[0], engineVersion: "0.0.1" },
            { ...notebookArgs.endpoints[0], deploymentName: "" },
            undefined as unknown as (typeof notebookArgs.endpoints)[0],
        ];
        assert.throws(
            () => new ResearchNotebook("notebook", { ...notebookArgs, endpoints }),
            (err: unknown) => {
                assert.ok(err instanceof ComponentArgumentsError, String(err));
                assert.deepEqual(
                    err.problems.map((p) => `${p.key}: ${p.message}`),
                    [
                        "endpoints[0].engine: must be one of vllm, sglang, tgi.",
                        `endpoints[1].engineVersion: is not a vLLM release of policies/catalog/engines.ts; use one of ${ENGINES.vllm.releases.map((r) => r.version).join(", ")} (the endpoint's own engineVersion).`,
                        "endpoints[2].deploymentName: must be a non-empty string.",
                        // An entry that is not there at all: each of its fields named, nothing thrown inside.
                        "endpoints[3].deploymentName: must be a non-empty string.",
                        "endpoints[3].servedModelName: must be a non-empty string.",
                        "endpoints[3].engine: must be one of vllm, sglang, tgi.",
                    ],
                );
                return true;
            },
        );
    });
});

describe("StackEncryption's alias is one KMS accepts", () => {
    it("refuses an alias name KMS would refuse, or that would become alias/alias/..., before it registers", () => {
        for (const [aliasName, message] of [
            ["aws/llm", /must not start with 'aws\/': KMS keeps alias\/aws\/ for AWS managed keys/],
            ["alias/llm", /is given with the 'alias\/' prefix, which the component adds; remove it/],
            ["llm key", /must be 1 to 250 letters, digits/],
            ["x".repeat(251), /must be 1 to 250 letters, digits/],
            ["", /must be 1 to 250 letters, digits/],
        ] as const) {
            assert.throws(
                () => new StackEncryption("stack", { region: "us-gov-west-1", accountId: "111122223333", aliasName }),
                (err: unknown) => err instanceof ComponentArgumentsError && err.problems[0]?.key === "aliasName" && message.test(err.message),
                aliasName,
            );
        }
    });
});

describe("PrivateNetwork's shape is checked whole", () => {
    const problemsOf = (shape: Record<string, unknown>): string[] => {
        const problems: SettingProblem[] = [];
        resolveNetwork(shape as NetworkShape, "us-gov-west-1", problems);
        return problems.map((p) => `${p.key}: ${p.message}`);
    };

    it("refuses a setting of the other networkMode instead of ignoring it", () => {
        assert.deepEqual(problemsOf({ existingVpcId: "vpc-0a1b2c3d4e5f60718" }), [
            "existingVpcId: applies only to networkMode 'existing', and would be ignored; remove it, or set networkMode 'existing'.",
        ]);
        const existing = {
            networkMode: "existing",
            existingVpcId: "vpc-0a1b2c3d4e5f60718",
            existingPrivateSubnetIds: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
        };
        assert.deepEqual(problemsOf(existing), []);
        assert.deepEqual(problemsOf({ ...existing, availabilityZones: ["us-gov-west-1a", "us-gov-west-1b"] }), [
            "availabilityZones: applies only to networkMode 'create', and would be ignored; remove it, or set networkMode 'create'.",
        ]);
        // Empty is what the stack settings default to: not a value.
        assert.deepEqual(problemsOf({ existingVpcId: "", existingPrivateSubnetIds: [] }), []);
        assert.deepEqual(resolveNetwork(existing as NetworkShape, "us-gov-west-1", []), {
            mode: "existing",
            egress: "none",
            vpcId: existing.existingVpcId,
            privateSubnetIds: existing.existingPrivateSubnetIds,
            fipsEndpoints: false,
        });
        // An existing VPC needs its id and subnets; given none, both are named with what was read.
        assert.deepEqual(problemsOf({ networkMode: "existing" }), [
            "existingVpcId: must be the id of the landing-zone VPC (vpc-...) when networkMode is 'existing'.",
            "existingPrivateSubnetIds: must list at least two private subnets in different AZs when networkMode is 'existing'.",
        ]);
        const problems: SettingProblem[] = [];
        resolveNetwork({ networkMode: "existing" }, "us-gov-west-1", problems);
        assert.deepEqual(
            problems.map((p) => p.value),
            ["", []],
        );
    });

    it("refuses a mode or egress it does not know, and a single zone", () => {
        assert.deepEqual(problemsOf({ networkMode: "shared" }), ["networkMode: must be one of create, existing."]);
        assert.deepEqual(problemsOf({ egress: "public" }), ["egress: must be one of none, nat."]);
        assert.deepEqual(problemsOf({ availabilityZones: ["us-gov-west-1a"] }), [
            "availabilityZones: must list at least two zones (SageMaker needs subnets in two AZs), or be empty to use the region's first two.",
        ]);
    });

    it("refuses values of the wrong type, naming them, instead of failing inside", () => {
        // The module loaded afresh: its schema of the types is built when it loads (tests/freshModules.ts).
        const fresh = freshRequire<typeof import("../components/network")>("components/network.ts");
        const problems: SettingProblem[] = [];
        fresh.resolveNetwork({ availabilityZones: "us-gov-west-1a", fipsEndpoints: "true" } as unknown as NetworkShape, "us-gov-west-1", problems);
        assert.deepEqual(
            problems.map((p) => p.key),
            ["availabilityZones", "fipsEndpoints"],
        );
    });
});

describe("the package's resource options", () => {
    it("adds the type before the package to the caller's aliases, keeping theirs", () => {
        assert.deepEqual(withPreviousType("LlmEndpoint", undefined).aliases, [{ type: "sagemaker-llm:components:LlmEndpoint" }]);
        const own = { name: "before" };
        assert.deepEqual(withPreviousType("LlmEndpoint", { aliases: [own], protect: true }), {
            aliases: [own, { type: "sagemaker-llm:components:LlmEndpoint" }],
            protect: true,
        });
    });

    it("hands the caller's dependsOn to the children that must wait, as a list, and refuses forms it cannot list", () => {
        // What Resource.isInstance recognises, without registering anything.
        const resource = { __pulumiResource: true } as unknown as pulumi.Resource;
        assert.deepEqual(dependenciesOf(undefined), []);
        assert.deepEqual(dependenciesOf({ dependsOn: resource }), [resource]);
        assert.deepEqual(dependenciesOf({ dependsOn: [resource] }), [resource]);
        assert.throws(
            () => dependenciesOf({ dependsOn: pulumi.output([resource]) }),
            /dependsOn of a sagemaker-llm component must be a resource or a list of resources, not an output or a promise of them\./,
        );
    });
});

describe("moving the components into the package keeps every deployed resource", function () {
    this.timeout(300_000);

    for (const stack of ["govcloud", "commercial"]) {
        it(`${stack}: an update from the graph before the move creates, replaces and deletes nothing`, async () => {
            // Written by the plan of commit 8176d2c (tokens sagemaker-llm:components:*); tests/fixtures/before-component-package/README.md.
            const earlier = path.join(REPO_ROOT, "tests", "fixtures", "before-component-package", `${stack}.plan.json`);
            const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "package-move-")), "plan.json");
            const run = await runPlan("--stack", stack, "--against", earlier, "--json", out);
            assert.equal(run.code, 0, run.stderr);
            const plan = JSON.parse(fs.readFileSync(out, "utf8")) as {
                updateSnapshot: PlanResource[];
                changes: { counts: Record<string, number>; changes: { action: string; previousUrn?: string; type: string }[] };
            };
            assert.deepEqual(
                {
                    create: plan.changes.counts.create,
                    update: plan.changes.counts.update,
                    replace: plan.changes.counts.replace,
                    delete: plan.changes.counts.delete,
                },
                { create: 0, update: 0, replace: 0, delete: 0 },
            );
            const moved = plan.changes.changes.filter((c) => c.previousUrn);
            assert.ok(moved.length > 50, `${moved.length} resources carried over`);
            assert.ok(moved.every((c) => c.previousUrn!.includes("sagemaker-llm:components:")));
            assert.match(run.stdout, /under a new URN, carried over by their aliases/);

            // The aliases are what keeps them: without them, the same update recreates everything.
            const before = JSON.parse(fs.readFileSync(earlier, "utf8")) as { updateSnapshot: PlanResource[] };
            const withoutAliases = plan.updateSnapshot.map((r) => ({ ...r, aliases: undefined }));
            const counts = previewChanges(before.updateSnapshot, withoutAliases).counts;
            assert.ok(counts.create > 50 && counts.delete > 50, JSON.stringify(counts));
        });
    }

    it("each component declares its type before the package as an alias", async () => {
        const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "package-aliases-")), "plan.json");
        const run = await runPlan("--stack", "govcloud", "--json", out);
        assert.equal(run.code, 0, run.stderr);
        const plan = JSON.parse(fs.readFileSync(out, "utf8")) as { updateSnapshot: PlanResource[] };
        for (const component of COMPONENTS) {
            const resource = plan.updateSnapshot.find((r) => r.type === token(component))!;
            assert.ok(resource, component);
            assert.ok(
                resource.aliases?.some((a) => a.type === previousType(component) && a.name === undefined),
                `${component}: ${JSON.stringify(resource.aliases)}`,
            );
        }
    });
});

describe("alias resolution, as the engine resolves alias specs", () => {
    const stackUrn = "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev";

    it("forms URNs as the engine does (the root stack out of the chain) and as the mock monitor does", () => {
        const parent = "urn:pulumi:dev::proj::a:index:Outer$b:index:Inner::inner";
        assert.equal(makeUrn("dev", "proj", parent, "aws:s3/bucket:Bucket", "b"), "urn:pulumi:dev::proj::a:index:Outer$b:index:Inner$aws:s3/bucket:Bucket::b");
        assert.equal(makeUrn("dev", "proj", stackUrn, "a:index:Outer", "o"), "urn:pulumi:dev::proj::a:index:Outer::o");
        assert.equal(makeUrn("dev", "proj", parent, "aws:s3/bucket:Bucket", "b", "mock"), "urn:pulumi:dev::proj::b:index:Inner$aws:s3/bucket:Bucket::b");
        assert.equal(makeUrn("dev", "proj", stackUrn, "a:index:Outer", "o", "mock"), "urn:pulumi:dev::proj::pulumi:pulumi:Stack$a:index:Outer::o");
    });

    const outer = "urn:pulumi:dev::proj::new:index:Outer::o";
    const inner = "urn:pulumi:dev::proj::new:index:Outer$x:index:Inner::i";
    const leaf = "urn:pulumi:dev::proj::new:index:Outer$x:index:Inner$aws:s3/bucket:Bucket::i-bucket";
    const run = [
        { urn: stackUrn, type: "pulumi:pulumi:Stack", name: "proj-dev" },
        { urn: outer, type: "new:index:Outer", name: "o", parent: stackUrn, aliases: [{ type: "old:mod:Outer", parentUrn: stackUrn }] },
        { urn: inner, type: "x:index:Inner", name: "i", parent: outer, aliases: [{ name: "i-before" }] },
        { urn: leaf, type: "aws:s3/bucket:Bucket", name: "i-bucket", parent: inner },
    ];

    it("finds a component by its earlier type and, through it, its children and grandchildren under the earlier chain", () => {
        const earlier = new Set([
            stackUrn,
            "urn:pulumi:dev::proj::old:mod:Outer::o",
            "urn:pulumi:dev::proj::old:mod:Outer$x:index:Inner::i-before",
            "urn:pulumi:dev::proj::old:mod:Outer$x:index:Inner$aws:s3/bucket:Bucket::i-before-bucket",
        ]);
        assert.deepEqual(
            [...matchEarlierResources(run, earlier)],
            [
                [outer, "urn:pulumi:dev::proj::old:mod:Outer::o"],
                [inner, "urn:pulumi:dev::proj::old:mod:Outer$x:index:Inner::i-before"],
                // The child's name began with its parent's, so it takes the parent's earlier name as that prefix.
                [leaf, "urn:pulumi:dev::proj::old:mod:Outer$x:index:Inner$aws:s3/bucket:Bucket::i-before-bucket"],
            ],
        );
    });

    it("keeps a resource found by its own URN, and lets one earlier resource be claimed once", () => {
        const earlier = new Set([stackUrn, outer, "urn:pulumi:dev::proj::old:mod:Outer::o"]);
        assert.deepEqual([...matchEarlierResources(run, earlier)], []);
        const twins = [
            { urn: "urn:pulumi:dev::proj::t:index:A::a", type: "t:index:A", name: "a", aliases: [{ name: "old" }] },
            { urn: "urn:pulumi:dev::proj::t:index:A::b", type: "t:index:A", name: "b", aliases: [{ name: "old" }] },
        ];
        assert.deepEqual(
            [...matchEarlierResources(twins, new Set(["urn:pulumi:dev::proj::t:index:A::old"]))],
            [["urn:pulumi:dev::proj::t:index:A::a", "urn:pulumi:dev::proj::t:index:A::old"]],
        );
    });

    it("takes a whole URN as given, and noParent as a top-level resource", () => {
        const parent = "urn:pulumi:dev::proj::p:index:P::p";
        const child = "urn:pulumi:dev::proj::p:index:P$t:index:T::c";
        const resources = [
            { urn: parent, type: "p:index:P", name: "p" },
            { urn: child, type: "t:index:T", name: "c", parent, aliases: [{ urn: "urn:pulumi:x::y::t:index:T::z" }, { noParent: true }] },
        ];
        assert.deepEqual([...matchEarlierResources(resources, new Set(["urn:pulumi:x::y::t:index:T::z"]))], [[child, "urn:pulumi:x::y::t:index:T::z"]]);
        assert.deepEqual(
            [...matchEarlierResources(resources, new Set(["urn:pulumi:dev::proj::t:index:T::c"]))],
            [[child, "urn:pulumi:dev::proj::t:index:T::c"]],
        );
    });
});
