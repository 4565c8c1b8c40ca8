/**
 * Settings and input files that never fail silently: a key the program would ignore (a typo of a
 * setting, a path set as a key, an `aws:*` key its explicit provider never reads, a secret in a
 * plain setting) is refused by the program itself, so `pulumi up` refuses it as the plan does; path
 * overrides are honoured; malformed YAML or JSON and a missing policy config are input errors (exit 2)
 * naming file, line and column.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { EXIT } from "../offline/plan";
import { runPlan } from "./planRun";
import { isConfigSecret } from "../stacks/configSecrets";
import { nearestKey, SETTING_KEYS } from "../stacks/settings";
import { REPO_ROOT } from "./graph";
import { DECLARED_DEFAULTS, freshParseSettings, parseValues, problemsOf, TEST_TAGS } from "./parsedSettings";

const plan = runPlan;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "settings-strict-"));
const GOVCLOUD_STACK = fs.readFileSync(path.join(REPO_ROOT, "Pulumi.govcloud.yaml"), "utf8");

/**
 * This program in a directory of its own, with `stackYaml` as Pulumi.govcloud.yaml and this repo's
 * project file (or `projectYaml`). Its entry module loads this repo's index.ts afresh, as a run of the
 * repo does: offline/mockRun.ts forgets only the modules under the program's own directory.
 */
function programWith(stackYaml: string, projectYaml?: string): string {
    const dir = fs.mkdtempSync(path.join(tmp, "program-"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), projectYaml ?? fs.readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8"));
    fs.writeFileSync(path.join(dir, "Pulumi.govcloud.yaml"), stackYaml);
    const prefix = JSON.stringify(REPO_ROOT + path.sep);
    fs.writeFileSync(
        path.join(dir, "index.js"),
        `for (const id of Object.keys(require.cache)) if (id.startsWith(${prefix}) && !id.includes("node_modules")) delete require.cache[id];\n` +
            `module.exports = require(${JSON.stringify(path.join(REPO_ROOT, "index.ts"))});\n`,
    );
    return dir;
}

/** The govcloud stack file with `lines` added to its config block. */
const govcloudWith = (...lines: string[]) => GOVCLOUD_STACK.replace(/^config:\n/m, `config:\n${lines.map((l) => `  ${l}\n`).join("")}`);

describe("keys the program would ignore are refused by its settings (stacks/settings.ts)", () => {
    const keysOf = (values: Record<string, unknown>, extra: { secretKeys?: string[]; otherNamespaceKeys?: string[] } = {}) =>
        problemsOf(() =>
            freshParseSettings({
                stack: "test",
                namespace: "sagemaker-llm",
                tokenIsSecret: false,
                values: {
                    ...DECLARED_DEFAULTS,
                    partition: "aws-us-gov",
                    region: "us-gov-west-1",
                    tags: TEST_TAGS,
                    models: [{ id: "llama-3.1-8b-instruct" }],
                    ...values,
                },
                ...extra,
            }),
        );

    it("a misspelt setting, with the nearest setting by edit distance", () => {
        const [egres, regoin] = keysOf({ egres: "nat", regoin: "us-east-1" });
        assert.deepEqual([egres.key, egres.value], ["egres", "nat"]);
        assert.match(egres.message, /^is not a setting of this project; did you mean 'egress'\?/);
        assert.deepEqual([regoin.key, regoin.value], ["regoin", "us-east-1"]);
        assert.match(regoin.message, /did you mean 'region'\?/);
        const [far] = keysOf({ somethingElse: 1 });
        assert.match(far.message, /^is not a setting of this project \(Pulumi\.yaml's config block lists them/);
        assert.doesNotMatch(far.message, /did you mean/);
    });

    it("nearest key: case-insensitive, within two edits or a third of the key's length", () => {
        assert.equal(nearestKey("HuggingFaceToken", SETTING_KEYS), "huggingFaceToken");
        assert.equal(nearestKey("notebookVolumeSizeGB", SETTING_KEYS), "notebookVolumeSizeGb");
        assert.equal(nearestKey("modelsEnable", SETTING_KEYS), "modelsEnabled");
        assert.equal(nearestKey("retainDataOnDestruction", SETTING_KEYS), "retainDataOnDestroy");
        assert.equal(nearestKey("partitions", SETTING_KEYS), "partition");
        assert.equal(nearestKey("tokens", SETTING_KEYS), undefined);
        assert.equal(nearestKey("vpc", SETTING_KEYS), undefined);
    });

    it("a path set as a key of its own ('pulumi config set tags.Owner' without --path)", () => {
        const [problem] = keysOf({ "tags.Owner": "me" });
        assert.equal(problem.key, "tags.Owner");
        assert.match(problem.message, /names a path inside 'tags', set as a key of its own.*pulumi config set --path tags\.Owner <value>/);
    });

    it("a model entry's field set as a setting of its own", () => {
        const [problem] = keysOf({ maxInstances: 3 });
        assert.deepEqual([problem.key, problem.value], ["maxInstances", 3]);
        assert.match(problem.message, /is a field of a model entry.*pulumi config set --path models\[<index>\]\.maxInstances <value>/);
    });

    it("a model entry's misspelt field, with the nearest field", () => {
        const [problem] = keysOf({ models: [{ id: "llama-3.1-8b-instruct", instanceTyp: "ml.g5.2xlarge" }] });
        assert.equal(problem.key, "models[0]");
        assert.match(problem.message, /unknown field\(s\) instanceTyp \(did you mean instanceTyp → instanceType\?\)/);
    });

    it("aws:* keys, each with the setting that replaces it or where it belongs; values never shown", () => {
        const problems = keysOf({}, { otherNamespaceKeys: ["aws:region", "aws:defaultTags", "aws:profile", "aws:skipMetadataApiCheck", "pulumi:tags"] });
        assert.deepEqual(
            problems.map((p) => [p.key, p.value]),
            [
                ["aws:region", undefined],
                ["aws:defaultTags", undefined],
                ["aws:profile", undefined],
                ["aws:skipMetadataApiCheck", undefined],
            ],
        );
        assert.match(problems[0].message, /is ignored by this program: its AWS provider is explicit.*Set sagemaker-llm:region instead/);
        assert.match(
            problems[1].message,
            /Set sagemaker-llm:tags instead \('pulumi config rm aws:defaultTags', then 'pulumi config set --path tags\.<Key> <value>'\)/,
        );
        assert.match(problems[2].message, /credentials from the environment of the shell running pulumi \(AWS_PROFILE/);
        assert.match(problems[3].message, /No setting of this project replaces it/);
    });

    it("a plain setting stored as a secret (or holding one) is refused, its value never shown", () => {
        const problems = keysOf({ tags: { ...TEST_TAGS, Owner: 7 }, egres: "hidden-value" }, { secretKeys: ["tags", "egres"] });
        assert.deepEqual(problems.map((p) => [p.key, p.value]).sort(), [
            ["egres", undefined],
            ["tags", undefined],
            ["tags.Owner", undefined],
        ]);
        assert.match(
            problems.find((p) => p.key === "tags" && /secret/.test(p.message))!.message,
            /is stored as a secret \(or holds one\), but the program reads this setting in plain text/,
        );
        // The secret Hub token is the one secret setting.
        assert.equal(
            parseValues(
                {
                    partition: "aws",
                    region: "us-east-1",
                    huggingFaceToken: "hf_x",
                    models: [{ id: "falcon-7b-instruct", weightsSource: "s3" }],
                    notebookEnabled: false,
                },
                { tokenIsSecret: true },
            ).huggingFaceTokenSet,
            true,
        );
    });

    it("the secret lookup of stacks/configSecrets.ts, the SDK internal the program relies on, still answers", () => {
        pulumi.runtime.setAllConfig({ "sagemaker-llm:huggingFaceToken": "t", "sagemaker-llm:region": "r" }, ["sagemaker-llm:huggingFaceToken"]);
        assert.equal(isConfigSecret("sagemaker-llm:huggingFaceToken"), true);
        assert.equal(isConfigSecret("sagemaker-llm:region"), false);
    });
});

describe("the plan refuses what it would otherwise ignore, and reads path overrides (exit codes of main())", function () {
    this.timeout(300_000);

    it("`egres: nat` in a stack file: exit 2, naming the key, its value and the setting meant", async () => {
        const { code, stderr } = await plan("--stack", "govcloud", "--no-policies", "--program", programWith(govcloudWith("sagemaker-llm:egres: nat")));
        assert.equal(code, EXIT.invalid, stderr);
        assert.match(stderr, /sagemaker-llm:egres = "nat": is not a setting of this project; did you mean 'egress'\?/);
    });

    it("`--config regoin=...`: exit 2, naming the key, its value and the setting meant", async () => {
        const { code, stderr } = await plan("--stack", "govcloud", "--no-policies", "--config", "regoin=us-gov-east-1");
        assert.equal(code, EXIT.invalid, stderr);
        assert.match(stderr, /sagemaker-llm:regoin = "us-gov-east-1": is not a setting of this project; did you mean 'region'\?/);
    });

    it("`aws:region` in a stack file: exit 2, naming the setting that replaces it", async () => {
        const { code, stderr } = await plan("--stack", "govcloud", "--no-policies", "--program", programWith(govcloudWith("aws:region: us-gov-east-1")));
        assert.equal(code, EXIT.invalid, stderr);
        assert.match(stderr, /aws:region: is ignored by this program.*Set sagemaker-llm:region instead/);
        assert.doesNotMatch(stderr, /sagemaker-llm:aws:region/);
    });

    it("`--config tags.Owner=me` and `models[0].instanceType=...` are honoured: the tag reaches the provider's default tags", async () => {
        const json = path.join(tmp, "path-overrides.json");
        const { code, stdout, stderr } = await plan(
            "--stack",
            "govcloud",
            "--config",
            "tags.Owner=me",
            "--config",
            'tags["cost.center"]=x',
            "--config",
            "models[0].instanceType=ml.g5.24xlarge",
            "--json",
            json,
        );
        assert.equal(code, EXIT.clean, stdout + stderr);
        const planned = JSON.parse(fs.readFileSync(json, "utf8")) as { resources: { type: string; inputs: Record<string, unknown> }[] };
        const provider = planned.resources.find((r) => r.type === "pulumi:providers:aws")!;
        assert.deepEqual(JSON.parse(provider.inputs.defaultTags as string).tags, {
            Owner: "me",
            Project: "llm-hosting",
            Environment: "govcloud",
            DataClassification: "CUI",
            "cost.center": "x",
        });
        const variants = planned.resources
            .filter((r) => r.type === "aws:sagemaker/endpointConfiguration:EndpointConfiguration")
            .map((r) => r.inputs.productionVariants);
        assert.deepEqual(
            variants.map((v) => (v as { instanceType: string }[])[0].instanceType),
            ["ml.g5.24xlarge"],
        );
    });

    it("a secret nested in a plain setting: exit 2, and its ciphertext is printed nowhere", async () => {
        const { code, stdout, stderr } = await plan(
            "--stack",
            "govcloud",
            "--no-policies",
            "--program",
            programWith(GOVCLOUD_STACK.replace(/^ {4}DataClassification: CUI\n/m, "$&    Hidden:\n      secure: v1:NESTEDCIPHERTEXT\n")),
        );
        assert.equal(code, EXIT.invalid, stderr);
        assert.match(stderr, /sagemaker-llm:tags: is stored as a secret \(or holds one\)/);
        assert.doesNotMatch(stdout + stderr, /NESTEDCIPHERTEXT/);
    });

    it("malformed YAML in a stack file or Pulumi.yaml: exit 2, naming file, line and column, no stack trace", async () => {
        const stack = await plan("--stack", "govcloud", "--no-policies", "--program", programWith(`${GOVCLOUD_STACK}  sagemaker-llm:notebookEnabled: [true\n`));
        assert.equal(stack.code, EXIT.invalid, stack.stderr);
        assert.match(stack.stderr, /Pulumi\.govcloud\.yaml:\d+:\d+: the stack file is not valid YAML: /);
        assert.doesNotMatch(stack.stderr, /\n\s+at /);
        const project = await plan(
            "--stack",
            "govcloud",
            "--no-policies",
            "--program",
            programWith(GOVCLOUD_STACK, "name: sagemaker-llm\nruntime: nodejs\nconfig:\n  region: {type: string\n"),
        );
        assert.equal(project.code, EXIT.invalid, project.stderr);
        assert.match(project.stderr, /Pulumi\.yaml:5:1: the project file is not valid YAML: /);
        assert.doesNotMatch(project.stderr, /\n\s+at /);
    });

    it("malformed policy-config JSON: exit 2, naming file, line and column, no stack trace", async () => {
        const file = path.join(tmp, "bad-policy.json");
        fs.writeFileSync(file, '{\n  "all": "mandatory",\n  "aws-resource-tags-required": { "requiredTags": ["Owner",] }\n}\n');
        const { code, stderr } = await plan("--stack", "govcloud", "--policy-config", file);
        assert.equal(code, EXIT.invalid, stderr);
        assert.match(stderr, /bad-policy\.json:3:60: policy config is not valid JSON: /);
        assert.doesNotMatch(stderr, /\n\s+at /);
    });

    it("a missing --policy-config file: exit 2, naming it", async () => {
        const file = path.join(tmp, "no-such-policy.json");
        const { code, stderr } = await plan("--stack", "govcloud", "--policy-config", file);
        assert.equal(code, EXIT.invalid, stderr);
        assert.match(stderr, /--policy-config .*no-such-policy\.json: does not exist; give the pack.s config file/);
    });
});
