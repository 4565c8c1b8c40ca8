/**
 * The offline plan (`npm run plan`): exit codes, the report, and the JSON, SARIF and Mermaid files,
 * validated with the official SARIF 2.1.0 schema and Mermaid's own parser.
 */
import { strict as assert } from "assert";
import { guardrails } from "../policies/guardrails";
import { POLICY_RENAMES } from "../policies/renamedPolicies";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import AjvDraft04 from "ajv-draft-04";
import { EXIT } from "../offline/plan";
import { PlanOutcome, runPlan } from "./planRun";
import { DIAGRAM_STACKS, diagramBlock, graphMarkers, README, section } from "../offline/readme";
import { REPO_ROOT } from "./graph";

const plan = runPlan;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "plan-test-"));
const fixture = (name: string) => path.join(REPO_ROOT, "tests", "fixtures", name);

/** Mermaid's parser needs a DOM; it is an ES module, loaded with a real dynamic import. */
async function parseMermaid(text: string): Promise<unknown> {
    const { JSDOM } = await import("jsdom");
    const dom = new JSDOM("<!doctype html><html><body></body></html>");
    Object.assign(globalThis, { window: dom.window, document: dom.window.document });
    const importEsm = new Function("specifier", "return import(specifier)") as (s: string) => Promise<{ default: { parse(text: string): Promise<unknown> } }>;
    const mermaid = (await importEsm("mermaid")).default;
    return mermaid.parse(text);
}

/** The official SARIF 2.1.0 schema (draft-04), as shipped in @microsoft/jest-sarif. */
function sarifValidator() {
    const schemaFile = require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");
    const schema = JSON.parse(fs.readFileSync(schemaFile, "utf8")) as Record<string, unknown>;
    // One of its patterns ("...]?") is valid only without the regex "u" flag.
    return new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false }).compile(schema);
}

describe("offline plan", function () {
    this.timeout(120_000);

    it("--help states the limits", async () => {
        const { code, stdout } = await plan("--help");
        assert.equal(code, EXIT.clean);
        assert.match(stdout, /No provider-side checks or defaults run/);
        assert.match(stdout, /remains the authority/);
        assert.match(stdout, /Exit codes: 0 clean; 1 mandatory policy violations; 2 the input is wrong/);
        assert.match(stdout, /5 incomplete: parts of the program could not be evaluated offline/);
    });

    for (const stack of ["govcloud", "commercial"]) {
        it(`${stack}: exits 0 with the tree, the policy summary and the cost, and the JSON lists the resources`, async () => {
            const json = path.join(tmp, `${stack}.json`);
            const { code, stdout, stderr } = await plan("--stack", stack, "--json", json);
            assert.equal(code, EXIT.clean, stderr);
            assert.match(stdout, /▸ sagemaker-llm:index:LlmEndpoint /);
            assert.match(
                stdout,
                new RegExp(
                    `^Policies: sagemaker-llm-guardrails, ${guardrails.length} policies \\(and ${POLICY_RENAMES.length} former names, accepted in configs\\), config `,
                    "m",
                ),
            );
            assert.match(stdout, /^ {2}0 mandatory, 0 advisory, \d+ not run$/m);
            assert.match(stdout, /Estimated cost \(on-demand\):/);
            assert.match(stderr, /under mocks \(preview\)/, "progress goes to stderr");
            const report = JSON.parse(fs.readFileSync(json, "utf8"));
            const types = new Set(report.resources.map((r: { type: string }) => r.type));
            for (const type of [
                "aws:sagemaker/endpoint:Endpoint",
                "aws:sagemaker/model:Model",
                "aws:sagemaker/notebookInstance:NotebookInstance",
                "aws:ec2/vpc:Vpc",
                "aws:kms/key:Key",
            ])
                assert.ok(types.has(type), type);
            assert.equal(report.policies.result.summary.mandatory, 0);
            assert.equal(report.policies.config, path.join(REPO_ROOT, "policies", "config", `${stack}.json`));
        });
    }

    it("prices endpoints from the instance table for the stack's partition, with the source and date; GovCloud has no price on record", async () => {
        const json = path.join(tmp, "priced.json");
        const { code, stdout } = await plan("--stack", "commercial", "--config", 'models=[{"id":"qwen2.5-7b-instruct","instanceCount":2}]', "--json", json);
        assert.equal(code, EXIT.clean);
        const cost = JSON.parse(fs.readFileSync(json, "utf8")).cost;
        const line = cost.lines.find((l: { kind: string }) => l.kind === "endpoint");
        assert.equal(line.instanceType, "ml.g6.2xlarge");
        assert.equal(line.count, 2);
        assert.equal(line.usdPerHour, 2 * 1.222);
        assert.deepEqual([line.price.region, line.price.asOf], ["us-east-1", "2025-04"]);
        assert.match(line.price.source, /foundation-model-benchmarking-tool/);
        assert.match(stdout, /ml\.g6\.2xlarge × 2 .*\$2\.44\/h .*us-east-1 on-demand, 2025-04/);

        // ml.g5.12xlarge has a commercial price, but none on record for GovCloud: its endpoint is left unpriced, not priced as commercial.
        const govJson = path.join(tmp, "govcloud-priced.json");
        const gov = await plan("--stack", "govcloud", "--no-policies", "--json", govJson);
        assert.equal(gov.code, EXIT.clean, gov.stderr);
        const govCost = JSON.parse(fs.readFileSync(govJson, "utf8")).cost;
        const govLine = govCost.lines.find((l: { kind: string }) => l.kind === "endpoint");
        assert.equal(govLine.instanceType, "ml.g5.12xlarge");
        assert.equal(govLine.price, undefined);
        assert.equal(govLine.usdPerHour, undefined);
        assert.equal(govCost.unpriced, govCost.lines.length);
        assert.equal(govCost.usdPerHour, 0);
        assert.match(gov.stdout, /ml\.g5\.12xlarge × 1 .*no price on record in policies\/catalog\/instances\.ts for this partition/);
    });

    it("never prints a secret setting", async () => {
        const json = path.join(tmp, "secret.json");
        const { code, stdout } = await plan(
            "--stack",
            "commercial",
            "--config",
            "egress=nat",
            "--config",
            "huggingFaceToken=hf_shouldnotappear0123456789",
            "--config",
            'models=[{"id":"falcon-7b-instruct","weightsSource":"hub"}]',
            "--json",
            json,
            "--no-policies",
        );
        // A plain-text token is refused by the settings (exit 2) and never echoed.
        assert.equal(code, EXIT.invalid);
        assert.doesNotMatch(stdout + fs.readFileSync(json, { encoding: "utf8", flag: "a+" }), /hf_shouldnotappear/);
    });

    it("--program plans a separate program on the default provider, tags from aws:defaultTags", async () => {
        const tagged = await plan("--stack", "tagged", "--program", fixture("plan-program"));
        assert.equal(tagged.code, EXIT.clean, tagged.stdout + tagged.stderr);
        assert.match(tagged.stdout, /\+ aws:cloudwatch\/logGroup:LogGroup app/);
        const untagged = await plan("--stack", "untagged", "--program", fixture("plan-program"));
        assert.equal(untagged.code, EXIT.violations);
        assert.match(untagged.stdout, /✖ mandatory aws-resource-tags-required \(2\)/);
        // One line per missing tag, naming the resources, then the fix once; no per-resource lines.
        const tagLines = untagged.stdout.split("\n").filter((l) => l.startsWith("      missing tag "));
        assert.deepEqual(
            tagLines,
            ["Owner", "Project", "Environment", "DataClassification"].map((t) => `      missing tag "${t}" on 2 resources: Key logs, LogGroup app`),
        );
        assert.match(
            untagged.stdout,
            /missing tag "DataClassification" on 2 resources: Key logs, LogGroup app\n {6}fix: Set the missing keys in the AWS provider's defaultTags/,
        );
        assert.doesNotMatch(untagged.stdout, /LogGroup app: .*is missing required tag/);
    });

    describe("a waived finding", () => {
        let outcome: PlanOutcome;
        let sarif: any;
        let json: any;
        const sarifFile = path.join(tmp, "waived.sarif");
        const jsonFile = path.join(tmp, "waived.json");
        before(async () => {
            // An instance type the config does not approve, waived for the one endpoint configuration.
            const waivedConfig = path.join(tmp, "waived-policy.json");
            const config = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "policies", "config", "govcloud.json"), "utf8"));
            config["sagemaker-endpoint-config-instance-type-approved"] = { endpointInstanceTypes: { "aws-us-gov": ["ml.g4dn.2xlarge"] } };
            config["aws-resource-waivers-valid"] = {
                waivers: [
                    {
                        policy: "sagemaker-endpoint-config-instance-type-approved",
                        resource: "llama-3-1-8b-instruct-config",
                        reason: "Capacity reserved on g5 until the g4dn migration.",
                        expires: "2099-06-30",
                        approvedBy: "ML platform lead",
                    },
                ],
            };
            fs.writeFileSync(waivedConfig, JSON.stringify(config));
            outcome = await plan("--stack", "govcloud", "--policy-config", waivedConfig, "--sarif", sarifFile, "--json", jsonFile);
            sarif = JSON.parse(fs.readFileSync(sarifFile, "utf8"));
            json = JSON.parse(fs.readFileSync(jsonFile, "utf8"));
        });

        it("exits 0 and shows the finding as waived, with its waiver", () => {
            assert.equal(outcome.code, EXIT.clean, outcome.stdout + outcome.stderr);
            assert.doesNotMatch(outcome.stdout, /✖ mandatory sagemaker-endpoint-config-instance-type-approved/);
            assert.match(outcome.stdout, /! advisory {2}aws-resource-findings-waived \(1\)/);
            assert.match(
                outcome.stdout,
                /llama-3-1-8b-instruct-config: waived sagemaker-endpoint-config-instance-type-approved \(Capacity reserved on g5 until the g4dn migration\.; approved by ML platform lead, until 2099-06-30\): productionVariants\[0\]\.instanceType = "ml\.g5\.12xlarge" is not approved/,
            );
            assert.match(outcome.stdout, /advisory \(1 of them waived findings\)/);
        });

        it("--json lists it under policies.waived with its policy, resource and waiver", () => {
            assert.equal(json.policies.waived.length, 1);
            const [waived] = json.policies.waived;
            assert.equal(waived.policy, "sagemaker-endpoint-config-instance-type-approved");
            assert.equal(waived.resourceName, "llama-3-1-8b-instruct-config");
            assert.deepEqual(
                [waived.reason, waived.approvedBy, waived.expires],
                ["Capacity reserved on g5 until the g4dn migration.", "ML platform lead", "2099-06-30"],
            );
            assert.match(waived.message, /"ml\.g5\.12xlarge" is not approved/);
        });

        it("SARIF has it as a result of the waived policy's rule, suppressed externally with the waiver, and stays valid SARIF 2.1.0", () => {
            const results = sarif.runs[0].results.filter((r: any) => r.suppressions);
            assert.equal(results.length, 1);
            assert.equal(results[0].ruleId, "sagemaker-endpoint-config-instance-type-approved");
            assert.equal(results[0].level, "error", "the waived policy's level");
            assert.match(results[0].message.text, /"ml\.g5\.12xlarge" is not approved/);
            assert.doesNotMatch(results[0].message.text, /Waived finding of/);
            assert.deepEqual(results[0].suppressions, [
                {
                    kind: "external",
                    status: "accepted",
                    justification: "Capacity reserved on g5 until the g4dn migration. (approved by ML platform lead, until 2099-06-30)",
                },
            ]);
            const validate = sarifValidator();
            assert.ok(validate(sarif), JSON.stringify(validate.errors, null, 1));
        });
    });

    describe("a misconfigured stack", () => {
        let outcome: PlanOutcome;
        let sarif: any;
        const sarifFile = path.join(tmp, "strict.sarif");
        before(async () => {
            // The GovCloud stack against a stricter organisation config: DataClassification must be "secret".
            const strict = path.join(tmp, "strict-policy.json");
            const config = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "policies", "config", "govcloud.json"), "utf8"));
            config["aws-resource-tag-values-allowed"] = { allowedValues: { DataClassification: "^secret$" } };
            config["sagemaker-endpoint-config-instance-type-approved"] = { endpointInstanceTypes: { "aws-us-gov": ["ml.g4dn.2xlarge"] } };
            fs.writeFileSync(strict, JSON.stringify(config));
            outcome = await plan("--stack", "govcloud", "--policy-config", strict, "--sarif", sarifFile);
            sarif = JSON.parse(fs.readFileSync(sarifFile, "utf8"));
        });

        it("exits 1 and groups the violations by policy with the fix", () => {
            assert.equal(outcome.code, EXIT.violations);
            assert.match(outcome.stdout, /✖ mandatory sagemaker-endpoint-config-instance-type-approved \(1\)/);
            assert.match(outcome.stdout, /✖ mandatory aws-resource-tag-values-allowed \(\d+\)/);
            assert.match(
                outcome.stdout,
                /llama-3-1-8b-instruct-config: .*"ml\.g5\.12xlarge" is not approved .* Set the variant's instanceType to a type approved/,
                "message and remediation",
            );
        });

        it("SARIF names the right rules, located on the stack file's settings", () => {
            const run = sarif.runs[0];
            const ruleIds = [...new Set(run.results.map((r: any) => r.ruleId))].sort();
            assert.deepEqual(ruleIds, ["aws-resource-tag-values-allowed", "sagemaker-endpoint-config-instance-type-approved"]);
            const stackFile = fs.readFileSync(path.join(REPO_ROOT, "Pulumi.govcloud.yaml"), "utf8").split("\n");
            for (const result of run.results) {
                const location = result.locations[0].physicalLocation;
                assert.equal(location.artifactLocation.uri, "Pulumi.govcloud.yaml");
                const key = result.ruleId === "aws-resource-tag-values-allowed" ? "sagemaker-llm:tags:" : "sagemaker-llm:models:";
                assert.ok(stackFile[location.region.startLine - 1].includes(key), `${result.ruleId} points at line ${location.region.startLine}`);
                assert.equal(result.level, "error");
                assert.match(result.locations[0].logicalLocations[0].fullyQualifiedName, /^urn:pulumi:govcloud::sagemaker-llm::/);
            }
            const rule = run.tool.driver.rules.find((r: any) => r.id === "sagemaker-endpoint-config-instance-type-approved");
            assert.match(rule.help.text, /Remediation: /);
            // The policy's own @pulumi/policy fields, as the analyzer serves them: family tag, framework controls, url, severity.
            assert.deepEqual(rule.properties.tags.slice(0, 3), ["security", "instances", "NIST SP 800-53 Rev. 5: CM-7"]);
            assert.match(rule.helpUri, /^https:\/\/docs\.aws\.amazon\.com\//);
            assert.equal(rule.properties["security-severity"], "5.5", "medium");
        });

        it("the SARIF validates against the SARIF 2.1.0 schema", () => {
            const validate = sarifValidator();
            assert.ok(validate(sarif), JSON.stringify(validate.errors, null, 1));
            assert.equal(validate({ version: "2.1.0", runs: [{ tool: {} }] }), false, "the validator rejects a broken log");
        });
    });

    describe("--against: the change preview", () => {
        const earlier = path.join(tmp, "commercial-before.json");
        before(async () => assert.equal((await plan("--stack", "commercial", "--no-policies", "--json", earlier)).code, EXIT.clean));

        it("records what a later plan compares: format, salt, options, and the update snapshot", () => {
            const report = JSON.parse(fs.readFileSync(earlier, "utf8"));
            assert.equal(report.planFormat, 3);
            assert.match(report.secretSalt, /^[0-9a-f]{32}$/);
            const endpoint = report.updateSnapshot.find((r: { type: string }) => r.type === "aws:sagemaker/endpoint:Endpoint");
            assert.deepEqual(endpoint.options, { deleteBeforeReplace: false, retainOnDelete: false, replaceOnChanges: [] });
            assert.match(endpoint.inputs.name, /^qwen3-30b-a3b-instruct-2507-[a-z0-9]{8}$/, "known in the update snapshot");
            assert.ok(
                report.lookups.some(
                    (l: { token: string; answeredBy: string }) =>
                        l.token === "aws:ec2/getVpcEndpointService:getVpcEndpointService" && l.answeredBy === "stand-in",
                ),
            );
        });

        it("the same settings: nothing changes, exit 0", async () => {
            const same = await plan("--stack", "commercial", "--no-policies", "--against", earlier);
            assert.equal(same.code, EXIT.clean, same.stderr);
            assert.match(same.stdout, /0 to create, 0 to update, 0 to replace, 0 to delete, \d+ unchanged\n {2}✔ no unsafe changes/);
        });

        it("a safe change lists each resource's action like pulumi preview --diff, exit 0", async () => {
            const json = path.join(tmp, "capture.json");
            const out = await plan(
                "--stack",
                "commercial",
                "--no-policies",
                "--config",
                'models=[{"id":"qwen3-30b-a3b-instruct-2507","engine":"sglang","weightsSource":"s3","maxInstances":3,"dataCapturePercent":20}]',
                "--against",
                earlier,
                "--json",
                json,
            );
            assert.equal(out.code, EXIT.clean, out.stdout);
            assert.match(
                out.stdout,
                /\+- aws:sagemaker\/endpointConfiguration:EndpointConfiguration qwen3-30b-a3b-instruct-2507-config {2}\(replace, create-before-delete\)\n {8}\+ dataCaptureConfig: /,
            );
            assert.match(out.stdout, /~ {2}aws:sagemaker\/endpoint:Endpoint qwen3-30b-a3b-instruct-2507-endpoint {2}\(update\)/);
            assert.match(out.stdout, /\+ policy Statement\[\d+\]: \{"Sid":"WriteOwnDataCaptureOnly"/, "a policy document shows the statements that changed");
            assert.equal(JSON.parse(fs.readFileSync(json, "utf8")).changes.counts.replace, 1);
        });

        it("an unsafe change exits 4 and says why; another stack's plan is a usage error", async () => {
            const moved = await plan("--stack", "commercial", "--no-policies", "--config", "region=us-east-2", "--against", earlier);
            assert.equal(moved.code, EXIT.unsafeChanges);
            assert.match(moved.stdout, /✖ stack-key: the stack key is replaced \(its provider's region changes/);
            const other = await plan("--stack", "govcloud", "--no-policies", "--against", earlier);
            assert.equal(other.code, EXIT.invalid);
            assert.match(other.stderr, /it plans sagemaker-llm\/commercial, not sagemaker-llm\/govcloud/);
            fs.writeFileSync(path.join(tmp, "old-format.json"), JSON.stringify({ project: "sagemaker-llm", stack: "commercial", resources: [] }));
            const old = await plan("--stack", "commercial", "--no-policies", "--against", path.join(tmp, "old-format.json"));
            assert.equal(old.code, EXIT.invalid);
            assert.match(old.stderr, /not a plan --json file of format 3/);
        });
    });

    it("bad settings exit 2 with the settings message; bad usage exits 2", async () => {
        const settings = await plan("--stack", "govcloud", "--config", "region=us-east-1");
        assert.equal(settings.code, EXIT.invalid);
        assert.match(settings.stderr, /sagemaker-llm:region = "us-east-1": is a region of partition 'aws'/);
        assert.equal((await plan()).code, EXIT.invalid);
        assert.equal((await plan("--stack", "govcloud", "--bogus")).code, EXIT.invalid);
        assert.equal((await plan("--stack", "nosuchstack")).code, EXIT.invalid);
    });

    it("a policy config the pack refuses at Configure (a setting under a policy's former and current names) exits 2 with the pack's message", async () => {
        const file = path.join(tmp, "both-names.json");
        fs.writeFileSync(file, JSON.stringify({ "tags-required": { requiredTags: ["A"] }, "aws-resource-tags-required": { requiredTags: ["B"] } }));
        const outcome = await plan("--stack", "govcloud", "--policy-config", file);
        assert.equal(outcome.code, EXIT.invalid);
        assert.match(
            outcome.stderr,
            /refused its config: Invalid policy pack config:\n {2}"tags-required" and "aws-resource-tags-required" both set properties/,
        );
        assert.doesNotMatch(outcome.stderr, /internal error|\n {4}at /i);
    });

    it("--graph writes a Mermaid diagram that Mermaid's parser accepts", async () => {
        const graph = path.join(tmp, "govcloud.mmd");
        assert.equal((await plan("--stack", "govcloud", "--no-policies", "--graph", graph)).code, EXIT.clean);
        const text = fs.readFileSync(graph, "utf8");
        assert.match(text, /SageMaker endpoint<br\/>llama-3-1-8b-instruct-endpoint/);
        assert.deepEqual(await parseMermaid(text), { diagramType: "flowchart-v2", config: {} });
        await assert.rejects(parseMermaid(`${text}\n  n0 -->`), "the parser rejects a broken diagram");
    });

    it("the README embeds the current generated diagram of both stacks (npm run docs)", async () => {
        const readme = fs.readFileSync(README, "utf8");
        for (const stack of DIAGRAM_STACKS) {
            const [start, end] = graphMarkers(stack);
            assert.equal(section(readme, start, end), await diagramBlock(stack), `${stack} diagram is stale: run npm run docs`);
        }
    });

    it("runs as a command: `npm run plan` exits with the plan's code", (done) => {
        execFile("npm", ["run", "-s", "plan", "--", "--stack", "govcloud", "--no-policies"], { cwd: REPO_ROOT }, (error, stdout) => {
            assert.equal(error, null);
            assert.match(stdout, /Plan for sagemaker-llm\/govcloud/);
            done();
        });
    });
});
