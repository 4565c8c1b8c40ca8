/**
 * The sample notebook (components/notebookSample.ts): its structure and size, and, where python3 is
 * installed, its code run against a stand-in boto3 client whose endpoints are the engine stand-ins
 * (tests/fixtures/tools/engineStandIns.ts), so each engine release gets the body it takes and the
 * notebook reads each answer and stream format.
 */
import { strict as assert } from "assert";
import { execFile, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LIFECYCLE_SCRIPT_MAX_CHARS, lifecycleScriptLength, SampleEndpoint, sampleNotebook, sampleNotebookScript } from "../components/notebookSample";
import { startEngineStandIn, StandIn } from "./fixtures/tools/engineStandIns";

const HARNESS = path.join(__dirname, "fixtures", "tools", "notebookHarness.py");
const MODEL = "acme/tiny-llm";
const CLOUD = "Grüße aus der ☁️ GovCloud";

const ENDPOINTS: Record<string, SampleEndpoint> = {
    "tiny-vllm": { endpointName: "tiny-vllm-1a2b3c4d", engine: "vllm", engineVersion: "0.21.0", servedModelName: MODEL },
    "tiny-sglang": { endpointName: "tiny-sglang-1a2b3c4d", engine: "sglang", engineVersion: "0.5.8", servedModelName: MODEL },
    "tiny-tgi": { endpointName: "tiny-tgi-1a2b3c4d", engine: "tgi", engineVersion: "3.3.6", servedModelName: MODEL },
    falcon: { endpointName: "falcon-9z8y7x6w", engine: "tgi", engineVersion: "1.0.3", servedModelName: "tiiuae/falcon-40b-instruct" },
};

interface CodeCell {
    cell_type: string;
    source: string[];
}

describe("sample notebook (components/notebookSample.ts)", function () {
    it("is an nbformat 4 notebook whose table gives each deployment its endpoint, request body and model", function () {
        const notebook = JSON.parse(sampleNotebook("us-gov-west-1", ENDPOINTS)) as { nbformat: number; cells: CodeCell[] };
        assert.equal(notebook.nbformat, 4);
        const source = notebook.cells
            .filter((c) => c.cell_type === "code")
            .map((c) => c.source.join(""))
            .join("\n");
        const table = /^ENDPOINTS = (.*)$/m.exec(source);
        assert.ok(table, source);
        assert.deepEqual(JSON.parse(table[1]), {
            "tiny-vllm": { endpoint: "tiny-vllm-1a2b3c4d", api: "chat", model: MODEL },
            "tiny-sglang": { endpoint: "tiny-sglang-1a2b3c4d", api: "chat", model: MODEL },
            "tiny-tgi": { endpoint: "tiny-tgi-1a2b3c4d", api: "chat" },
            falcon: { endpoint: "falcon-9z8y7x6w", api: "generate" },
        });
        assert.match(source, /boto3\.client\("sagemaker-runtime", region_name="us-gov-west-1"\)/);
        assert.match(source, /invoke_endpoint_with_response_stream/);

        const script = sampleNotebookScript("us-gov-west-1", ENDPOINTS);
        assert.ok(
            script.includes(`<<'NOTEBOOK_JSON'\n${sampleNotebook("us-gov-west-1", ENDPOINTS)}\nNOTEBOOK_JSON\n`),
            "the notebook verbatim in a quoted heredoc",
        );
        assert.throws(
            () => sampleNotebook("us-gov-west-1", { x: { ...ENDPOINTS.falcon, engineVersion: "0.9" } }),
            /deployment 'x' has an unknown engine release tgi 0\.9/,
        );
    });

    it("cells as Jupyter stores them: lines ending in a newline but the last, code cells unrun, a Python 3 kernel", function () {
        const notebook = JSON.parse(sampleNotebook("us-gov-west-1", ENDPOINTS)) as {
            metadata: { kernelspec: Record<string, string> };
            cells: (CodeCell & { metadata: object; outputs?: unknown[]; execution_count?: unknown })[];
        };
        assert.deepEqual(notebook.metadata.kernelspec, { name: "python3", display_name: "Python 3", language: "python" });
        assert.deepEqual(notebook.cells[0].source.slice(0, 2), ["# Chat with this stack's LLM endpoints\n", "\n"], "a heading, then a paragraph");
        for (const cell of notebook.cells) {
            const [last, ...before] = [...cell.source].reverse();
            assert.ok(!last.endsWith("\n") && before.every((line) => line.endsWith("\n") && !line.slice(0, -1).includes("\n")), JSON.stringify(cell.source));
            if (cell.cell_type === "code") assert.deepEqual([cell.metadata, cell.outputs, cell.execution_count], [{}, [], null]);
            else assert.equal(cell.cell_type, "markdown");
        }
        assert.deepEqual(
            notebook.cells.map((c) => c.cell_type),
            ["markdown", ...notebook.cells.slice(1).map(() => "code")],
        );
    });

    it("the on-create script, run by bash: writes the notebook byte for byte for ec2-user, and stops at the first failure", function () {
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lifecycle-test-"));
        try {
            // The script as SageMaker runs it, with the notebook user's folder moved into tmp and chown recorded.
            const script = sampleNotebookScript("us-gov-west-1", ENDPOINTS).split("/home/ec2-user/SageMaker").join(`${tmp}/SageMaker`);
            assert.ok(script.startsWith("#!/bin/bash\n") && script.endsWith("\n"));
            fs.writeFileSync(`${tmp}/on-create.sh`, script);
            const run = () =>
                spawnSync("bash", ["-c", `chown() { echo "chown $*" >> '${tmp}/chown.log'; }; source '${tmp}/on-create.sh'`], { encoding: "utf8" });
            const ok = run();
            assert.equal(ok.status, 0, ok.stderr);
            assert.equal(fs.readFileSync(`${tmp}/SageMaker/invoke-endpoints.ipynb`, "utf8"), `${sampleNotebook("us-gov-west-1", ENDPOINTS)}\n`);
            assert.equal(fs.readFileSync(`${tmp}/chown.log`, "utf8"), `chown -R ec2-user:ec2-user ${tmp}/SageMaker\n`);
            // A folder that cannot be made (a file is in the way): the script fails there and changes no owner.
            fs.rmSync(`${tmp}/SageMaker`, { recursive: true });
            fs.rmSync(`${tmp}/chown.log`);
            fs.writeFileSync(`${tmp}/SageMaker`, "");
            const failed = run();
            assert.notEqual(failed.status, 0);
            assert.ok(!fs.existsSync(`${tmp}/chown.log`), "stopped before chown");
        } finally {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });

    it("fits SageMaker's lifecycle script limit with a dozen deployments of long names", function () {
        const many = Object.fromEntries(
            Array.from({ length: 12 }, (_, i): [string, SampleEndpoint] => [
                `mistral-small-3-2-24b-instruct-${i}`,
                {
                    endpointName: `mistral-small-3-2-24b-instruct-${i}-xxxxxxxx`,
                    engine: (["vllm", "sglang", "tgi"] as const)[i % 3],
                    engineVersion: ["0.21.0", "0.5.8", "1.0.3"][i % 3],
                    servedModelName: "mistralai/Mistral-Small-3.2-24B-Instruct-2506",
                },
            ]),
        );
        const length = lifecycleScriptLength("us-gov-west-1", many);
        assert.ok(length < LIFECYCLE_SCRIPT_MAX_CHARS, `${length} base64 characters`);
        assert.equal(length, Buffer.from(sampleNotebookScript("us-gov-west-1", many)).toString("base64").length);
    });

    describe("run with python3 against the engine stand-ins", function () {
        const standIns: StandIn[] = [];
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "notebook-test-"));

        before(function () {
            if (spawnSync("python3", ["--version"]).status !== 0) this.skip(); // python3 is not installed here
        });

        after(async function () {
            for (const standIn of standIns) await standIn.close();
            fs.rmSync(tmp, { recursive: true, force: true });
        });

        it("sends each release the body it takes and reads each answer and stream format", async function () {
            const urls: Record<string, string> = {};
            for (const e of Object.values(ENDPOINTS)) {
                const standIn = await startEngineStandIn({ engine: e.engine, version: e.engineVersion, servedModelName: e.servedModelName, reasoning: true });
                standIns.push(standIn);
                urls[e.endpointName] = standIn.url;
            }
            const notebookFile = path.join(tmp, "invoke-endpoints.ipynb");
            fs.writeFileSync(notebookFile, sampleNotebook("us-gov-west-1", ENDPOINTS));
            const messages = [
                { role: "system", content: "Be brief." },
                { role: "user", content: CLOUD },
            ];
            const names = Object.keys(ENDPOINTS);
            const calls = names.flatMap((name) => [
                { function: "chat", messages, kwargs: { model: name, max_tokens: 8, temperature: 0.5 } },
                { function: "chat_stream", messages, kwargs: { model: name, max_tokens: 8 } },
            ]);
            const run = await new Promise<{ stdout: string; stderr: string; error: Error | null }>((resolve) =>
                execFile("python3", [HARNESS, notebookFile, JSON.stringify(urls), JSON.stringify(calls)], { timeout: 30_000 }, (error, stdout, stderr) =>
                    resolve({ error, stdout, stderr }),
                ),
            );
            assert.equal(run.error, null, run.stderr);
            const result = JSON.parse(run.stdout) as {
                output: string;
                clients: Array<{ service: string; region: string }>;
                calls: Array<{ operation: string; EndpointName: string; ContentType: string; Body: Record<string, unknown> }>;
                results: string[];
            };

            assert.deepEqual(result.clients, [{ service: "sagemaker-runtime", region: "us-gov-west-1" }]);
            // The notebook's own examples call the first deployment, plain and streamed.
            assert.equal(
                result.output,
                "You said: Explain in two sentences what a VPC endpoint is.\nYou said: Write a haiku about private networks.",
                "content only: no reasoning text",
            );
            const [example, exampleStream, ...helperCalls] = result.calls;
            assert.deepEqual(example.Body, {
                messages: [{ role: "user", content: "Explain in two sentences what a VPC endpoint is." }],
                max_tokens: 256,
                model: MODEL,
            });
            assert.equal(exampleStream.operation, "invoke_endpoint_with_response_stream");
            assert.equal(exampleStream.Body.stream, true);

            const chatBody = (model?: string, temperature?: number) => ({
                messages,
                max_tokens: 8,
                ...(model ? { model } : {}),
                ...(temperature !== undefined ? { temperature } : {}),
            });
            const expected: Record<string, [Record<string, unknown>, Record<string, unknown>]> = {
                "tiny-vllm": [chatBody(MODEL, 0.5), { ...chatBody(MODEL), stream: true }],
                "tiny-sglang": [chatBody(MODEL, 0.5), { ...chatBody(MODEL), stream: true }],
                "tiny-tgi": [chatBody(undefined, 0.5), { ...chatBody(), stream: true }],
                falcon: [
                    { inputs: `Be brief.\n\n${CLOUD}`, parameters: { max_new_tokens: 8, temperature: 0.5, do_sample: true } },
                    { inputs: `Be brief.\n\n${CLOUD}`, parameters: { max_new_tokens: 8 }, stream: true },
                ],
            };
            for (const [i, name] of names.entries()) {
                const [plain, streamed] = helperCalls.slice(2 * i, 2 * i + 2);
                assert.equal(plain.operation, "invoke_endpoint", name);
                assert.equal(plain.EndpointName, ENDPOINTS[name].endpointName, name);
                assert.equal(plain.ContentType, "application/json", name);
                assert.deepEqual(plain.Body, expected[name][0], name);
                assert.equal(streamed.operation, "invoke_endpoint_with_response_stream", name);
                assert.deepEqual(streamed.Body, expected[name][1], name);
                // The stand-ins echo the last user message (chat) or the whole prompt (generate), cut at 8 tokens.
                const text = ENDPOINTS[name].engineVersion === "1.0.3" ? `You said: Be brief.\n\nGrüße aus der ☁️` : `You said: ${CLOUD}`;
                assert.deepEqual(result.results.slice(2 * i, 2 * i + 2), [text, text], name);
            }
        });
    });
});
