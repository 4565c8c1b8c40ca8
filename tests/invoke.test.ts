/**
 * `npm run invoke` (tools/invoke.ts) against a local stand-in for the SageMaker Runtime API
 * (tests/fixtures/tools/fakeSageMakerRuntime.ts) whose endpoints are backed by stand-ins of the
 * serving engines' /invocations (tests/fixtures/tools/engineStandIns.ts: vLLM, SGLang, TGI 3.3.6 and
 * TGI 1.0.3), or answer fixed event streams and the service's errors; plus the wire-format
 * functions of tools/engineApi.ts and the partition-correct endpoints the SDK's rules give.
 */
import { strict as assert } from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { InvokeEndpointCommand, SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import { ENGINES, EngineId, findRelease } from "../policies/catalog/engines";
import { answerText, EngineTarget, errorBodyMessage, requestBody, StreamDecoder } from "../tools/engineApi";
import { main } from "../tools/invoke";
import { deadlineMessage } from "../tools/runtimeClient";
import { parseStackOutputs } from "../tools/stackOutputs";
import { CaptureOptions, Outcome, runCaptured } from "./fixtures/tools/cliIo";
import { startEngineStandIn, StandIn, StandInOptions } from "./fixtures/tools/engineStandIns";
import { cut, FakeRuntime, sageMakerTimeoutError, startFakeRuntime, tgiEventStreamBytes } from "./fixtures/tools/fakeSageMakerRuntime";
import { resolvedHost } from "./fixtures/tools/resolvedHost";

const REPO_ROOT = path.resolve(__dirname, "..");

/** Runs the command in-process (tests/fixtures/tools/cliIo.ts), timed. */
async function invoke(argv: string[], options: CaptureOptions = {}): Promise<Outcome & { ms: number }> {
    const started = Date.now();
    const outcome = await runCaptured(main, argv, options);
    return { ...outcome, ms: Date.now() - started };
}

const target = (engine: EngineId, version: string): EngineTarget => ({ engine: ENGINES[engine], release: findRelease(ENGINES[engine], version)! });
const engineArgs = (engine: EngineId, version: string) => ["--engine", engine, "--engine-version", version];
const VLLM = engineArgs("vllm", "0.21.0");
const SGLANG = engineArgs("sglang", "0.5.8");
const TGI = engineArgs("tgi", "3.3.6");
const TGI_OLD = engineArgs("tgi", "1.0.3");
const MODEL = "acme/tiny-llm";
const CLOUD = "Grüße aus der ☁️ GovCloud"; // multi-byte characters that 7-byte parts cut

describe("invoke (tools/invoke.ts)", function () {
    let runtime: FakeRuntime;
    const standIns: StandIn[] = [];
    const savedEnv = { ...process.env };
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "invoke-test-"));
    const at = () => ["--region", "us-gov-west-1", "--endpoint-url", runtime.url];
    const body = (i = 0) => JSON.parse(runtime.requests[i].body) as Record<string, unknown>;

    /** An endpoint backed by an engine stand-in; streams are cut into 7-byte PayloadParts. */
    async function engineEndpoint(name: string, options: Omit<StandInOptions, "servedModelName">, invocationTimeoutMs?: number): Promise<StandIn> {
        const standIn = await startEngineStandIn({ servedModelName: MODEL, ...options });
        standIns.push(standIn);
        runtime.endpoints.set(name, { kind: "engine", url: standIn.url, partSize: 7, invocationTimeoutMs });
        return standIn;
    }

    before(async function () {
        Object.assign(process.env, {
            AWS_ACCESS_KEY_ID: "test",
            AWS_SECRET_ACCESS_KEY: "test",
            AWS_CONFIG_FILE: path.join(tmp, "none"),
            AWS_SHARED_CREDENTIALS_FILE: path.join(tmp, "none"),
            AWS_EC2_METADATA_DISABLED: "true",
        });
        for (const key of ["AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_SESSION_TOKEN", "AWS_MAX_ATTEMPTS"]) delete process.env[key];
        runtime = await startFakeRuntime();
        await engineEndpoint("vllm-ep", { engine: "vllm", version: "0.21.0", reasoning: true });
        await engineEndpoint("sglang-ep", { engine: "sglang", version: "0.5.8", reasoning: true });
        await engineEndpoint("tgi-ep", { engine: "tgi", version: "3.3.6" });
        await engineEndpoint("tgi-old-ep", { engine: "tgi", version: "1.0.3" });
        for (const engine of ["vllm", "sglang", "tgi"] as const) {
            await engineEndpoint(`${engine}-fails`, { engine, version: ENGINES[engine].defaultVersion, failAfterTokens: 2 });
        }
        // SageMaker's 60 s for InvokeEndpoint, scaled down to 150 ms; 10 tokens take 300 ms.
        await engineEndpoint("vllm-slow", { engine: "vllm", version: "0.21.0", tokenDelayMs: 30 }, 150);
        runtime.endpoints.set("tiny-1a2b3c4d", { kind: "generate", text: "GovCloud is an isolated AWS region." });
    });

    afterEach(function () {
        runtime.requests.length = 0;
    });

    after(async function () {
        await runtime?.close();
        for (const standIn of standIns) await standIn.close();
        // Back to the environment before the tests (process.env itself stays the special object).
        for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
        Object.assign(process.env, savedEnv);
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    describe("vLLM", function () {
        it("--chat sends an OpenAI chat body and prints the message content, not the reasoning", async function () {
            const result = await invoke([
                "--endpoint-name",
                "vllm-ep",
                ...VLLM,
                "--chat",
                "What is GovCloud?",
                "--system",
                "Be brief.",
                "--max-new-tokens",
                "32",
                "--temperature",
                "0",
                "--parameters",
                '{"top_p":0.9,"max_tokens":5}',
                ...at(),
            ]);
            assert.equal(result.code, 0, result.stderr);
            assert.equal(result.stdout, "You said: What is GovCloud?\n");
            assert.deepEqual(body(), {
                messages: [
                    { role: "system", content: "Be brief." },
                    { role: "user", content: "What is GovCloud?" },
                ],
                max_tokens: 32,
                top_p: 0.9,
                temperature: 0,
            });
            assert.equal(runtime.requests[0].path, "/endpoints/vllm-ep/invocations");
            assert.equal(runtime.requests[0].headers["content-type"], "application/json");
            assert.match(String(runtime.requests[0].headers.authorization), /\/us-gov-west-1\/sagemaker\/aws4_request/, "signed for the region");
        });

        it("--chat --stream prints delta.content across 7-byte PayloadParts (role, reasoning and usage chunks print nothing)", async function () {
            const result = await invoke([
                "--endpoint-name",
                "vllm-ep",
                ...VLLM,
                "--chat",
                CLOUD,
                "--parameters",
                '{"stream_options":{"include_usage":true}}',
                "--stream",
                ...at(),
            ]);
            assert.equal(result.code, 0, result.stderr);
            assert.equal(result.stdout, `You said: ${CLOUD}\n`);
            assert.equal(runtime.requests[0].path, "/endpoints/vllm-ep/invocations-response-stream");
            assert.deepEqual(body(), { messages: [{ role: "user", content: CLOUD }], max_tokens: 256, stream_options: { include_usage: true }, stream: true });
        });

        it("--prompt sends the completions body, streamed or not; --model only when given, as the served name", async function () {
            const plain = await invoke(["--endpoint-name", "vllm-ep", ...VLLM, "--prompt", "Once upon a time", "--max-new-tokens", "4", ...at()]);
            assert.equal(plain.code, 0, plain.stderr);
            assert.equal(plain.stdout, "You said: Once upon\n", "cut at max_tokens (4 tokens)");
            assert.deepEqual(body(0), { prompt: "Once upon a time", max_tokens: 4 });

            const streamed = await invoke(["--endpoint-name", "vllm-ep", ...VLLM, "--prompt", CLOUD, "--stream", "--model", MODEL, ...at()]);
            assert.equal(streamed.code, 0, streamed.stderr);
            assert.equal(streamed.stdout, `You said: ${CLOUD}\n`);
            assert.deepEqual(body(1), { prompt: CLOUD, max_tokens: 256, model: MODEL, stream: true });

            const wrongModel = await invoke(["--endpoint-name", "vllm-ep", ...VLLM, "--chat", "x", "--model", "other/model", ...at()]);
            assert.equal(wrongModel.code, 1);
            assert.match(
                wrongModel.stderr,
                /the model container \(vLLM 0\.21\.0\) of endpoint 'vllm-ep' in us-gov-west-1 \(AWS GovCloud \(US\)\) answered 404: The model `other\/model` does not exist\. \(NotFoundError, 404\)\. Logs: arn:aws-us-gov:logs:/,
            );
        });

        it("reports vLLM's error object, and an error event inside the stream after the text so far", async function () {
            const tooLong = await invoke(["--endpoint-name", "vllm-ep", ...VLLM, "--chat", "x", "--max-new-tokens", "1000", ...at()]);
            assert.equal(tooLong.code, 1);
            assert.match(
                tooLong.stderr,
                /answered 400: This model's maximum context length is 512 tokens\. However, you requested 1001 tokens \(1 in the messages, 1000 in the completion\)\. Please reduce the length of the messages or completion\. \(BadRequestError, 400\)/,
            );

            const broken = await invoke(["--endpoint-name", "vllm-fails", ...VLLM, "--chat", "tell me more", "--stream", ...at()]);
            assert.equal(broken.code, 1);
            assert.equal(broken.stdout, "You said:\n", "the text before the error, then the line ended");
            assert.match(
                broken.stderr,
                /vLLM 0\.21\.0 error while generating: CUDA error: an illegal memory access was encountered \(InternalServerError, 500\)/,
            );
        });
    });

    describe("SGLang", function () {
        it("--chat sends the chat body, streamed or not; --messages too", async function () {
            const plain = await invoke(["--endpoint-name", "sglang-ep", ...SGLANG, "--chat", "What is GovCloud?", ...at()]);
            assert.equal(plain.code, 0, plain.stderr);
            assert.equal(plain.stdout, "You said: What is GovCloud?\n");
            assert.deepEqual(body(0), { messages: [{ role: "user", content: "What is GovCloud?" }], max_tokens: 256 });

            const messages = [
                { role: "system", content: "Answer in German." },
                { role: "user", content: "Hello" },
                { role: "assistant", content: "Hallo" },
                { role: "user", content: CLOUD },
            ];
            const streamed = await invoke(["--endpoint-name", "sglang-ep", ...SGLANG, "--messages", JSON.stringify(messages), "--stream", ...at()]);
            assert.equal(streamed.code, 0, streamed.stderr);
            assert.equal(streamed.stdout, `You said: ${CLOUD}\n`, "the last user message; reasoning_content not printed");
            assert.deepEqual(body(1), { messages, max_tokens: 256, stream: true });
        });

        it("refuses --prompt (SGLang's /invocations takes only chat) and sends standard input as chat", async function () {
            const prompt = await invoke(["--endpoint-name", "sglang-ep", ...SGLANG, "--prompt", "x", ...at()]);
            assert.equal(prompt.code, 2);
            assert.match(
                prompt.stderr,
                /--prompt: SGLang 0\.5\.8's \/invocations takes only chat messages \(OpenAI chat completions\), not a raw prompt: use --chat <text> or --messages <json>\./,
            );
            assert.equal(runtime.requests.length, 0, "nothing was sent");

            const stdin = await invoke(["--endpoint-name", "sglang-ep", ...SGLANG, ...at()], { stdin: "From stdin\n" });
            assert.equal(stdin.code, 0, stdin.stderr);
            assert.deepEqual(body(0).messages, [{ role: "user", content: "From stdin" }]);
        });

        it("reports SGLang's error object, and its error event inside the stream", async function () {
            const tooLong = await invoke(["--endpoint-name", "sglang-ep", ...SGLANG, "--chat", "x y", "--max-new-tokens", "1000", ...at()]);
            assert.equal(tooLong.code, 1);
            assert.match(
                tooLong.stderr,
                /answered 400: Requested token count exceeds the model's maximum context length of 512 tokens\. .* \(BadRequestError, 400\)/,
            );

            const broken = await invoke(["--endpoint-name", "sglang-fails", ...SGLANG, "--chat", "tell me more", "--stream", ...at()]);
            assert.equal(broken.code, 1);
            assert.equal(broken.stdout, "You said:\n");
            assert.match(
                broken.stderr,
                /SGLang 0\.5\.8 error while generating: CUDA error: an illegal memory access was encountered \(InternalServerError, 500\)/,
            );
        });
    });

    describe("TGI", function () {
        it("3.3.6: --prompt sends the generate body (parameters, do_sample with a temperature) and prints generated_text", async function () {
            const result = await invoke([
                "--endpoint-name",
                "tgi-ep",
                ...TGI,
                "--prompt",
                "What is GovCloud?",
                "--max-new-tokens",
                "32",
                "--temperature",
                "0.7",
                "--parameters",
                '{"top_p":0.9,"max_new_tokens":5}',
                ...at(),
            ]);
            assert.equal(result.code, 0, result.stderr);
            assert.equal(result.stdout, "You said: What is GovCloud?\n");
            assert.deepEqual(body(), { inputs: "What is GovCloud?", parameters: { max_new_tokens: 32, top_p: 0.9, temperature: 0.7, do_sample: true } });
        });

        it("3.3.6: --prompt --stream reads generate events (data: without a space, keep-alive comments, no [DONE], special </s> skipped)", async function () {
            const result = await invoke(["--endpoint-name", "tgi-ep", ...TGI, "--prompt", CLOUD, "--stream", ...at()]);
            assert.equal(result.code, 0, result.stderr);
            assert.equal(result.stdout, `You said: ${CLOUD}\n`);
            assert.deepEqual(body(), { inputs: CLOUD, parameters: { max_new_tokens: 256 }, stream: true });
        });

        it("3.3.6: --chat sends the chat body, streamed (data:[DONE]) or not", async function () {
            const plain = await invoke(["--endpoint-name", "tgi-ep", ...TGI, "--chat", "What is GovCloud?", "--temperature", "0", ...at()]);
            assert.equal(plain.code, 0, plain.stderr);
            assert.equal(plain.stdout, "You said: What is GovCloud?\n");
            assert.deepEqual(body(0), { messages: [{ role: "user", content: "What is GovCloud?" }], max_tokens: 256, temperature: 0 });

            const streamed = await invoke(["--endpoint-name", "tgi-ep", ...TGI, "--chat", CLOUD, "--stream", ...at()]);
            assert.equal(streamed.code, 0, streamed.stderr);
            assert.equal(streamed.stdout, `You said: ${CLOUD}\n`);
        });

        it("1.0.3: --prompt works; --chat and --messages are usage errors naming the release and the ones with chat", async function () {
            const prompt = await invoke(["--endpoint-name", "tgi-old-ep", ...TGI_OLD, "--prompt", CLOUD, "--stream", ...at()]);
            assert.equal(prompt.code, 0, prompt.stderr);
            assert.equal(prompt.stdout, `You said: ${CLOUD}\n`);
            runtime.requests.length = 0;

            for (const mode of [
                ["--chat", "hi"],
                ["--messages", '[{"role":"user","content":"hi"}]'],
            ]) {
                const result = await invoke(["--endpoint-name", "tgi-old-ep", ...TGI_OLD, ...mode, ...at()]);
                assert.equal(result.code, 2, mode[0]);
                assert.match(
                    result.stderr,
                    new RegExp(
                        `${mode[0]}: TGI 1\\.0\\.3's /invocations takes only the generate body \\(\\{"inputs": \\.\\.\\.\\}\\), not chat messages\\. Chat needs TGI 3\\.2\\.3 or 3\\.3\\.6 \\(--engine-version\\) or another engine; with this release use --prompt\\.`,
                    ),
                );
            }
            assert.equal(runtime.requests.length, 0);

            // Told the wrong release, the engine itself refuses the chat body (axum's plain-text 422).
            const wrong = await invoke(["--endpoint-name", "tgi-old-ep", ...TGI, "--chat", "hi", ...at()]);
            assert.equal(wrong.code, 1);
            assert.match(
                wrong.stderr,
                /\(TGI 3\.3\.6\) of endpoint 'tgi-old-ep' .* answered 422: Failed to deserialize the JSON body into the target type: missing field `inputs`/,
            );
        });

        it("reports TGI's {error, error_type} in an answer and inside generate and chat streams", async function () {
            const tooLong = await invoke(["--endpoint-name", "tgi-ep", ...TGI, "--prompt", "x", "--max-new-tokens", "1000", ...at()]);
            assert.equal(tooLong.code, 1);
            assert.match(
                tooLong.stderr,
                /answered 422: Input validation error: `inputs` tokens \+ `max_new_tokens` must be <= 512\. Given: 1 `inputs` tokens and 1000 `max_new_tokens` \(validation\)/,
            );
            for (const mode of [
                ["--prompt", "tell me more"],
                ["--chat", "tell me more"],
            ]) {
                const broken = await invoke(["--endpoint-name", "tgi-fails", ...TGI, ...mode, "--stream", ...at()]);
                assert.equal(broken.code, 1, mode[0]);
                assert.equal(broken.stdout, "You said:\n", mode[0]);
                assert.match(broken.stderr, /TGI 3\.3\.6 error while generating: CUDA error: an illegal memory access was encountered \(generation\)/, mode[0]);
            }
        });
    });

    describe("--output json and --body", function () {
        const jsonLines = (stdout: string) =>
            stdout
                .split("\n")
                .filter((line) => line !== "")
                .map((line) => JSON.parse(line) as Record<string, unknown>);

        it("--output json prints the engine's whole answer, indented: vLLM's chat completion, TGI's generate array", async function () {
            const chat = await invoke(["--endpoint-name", "vllm-ep", ...VLLM, "--chat", "What is GovCloud?", "--output", "json", ...at()]);
            assert.equal(chat.code, 0, chat.stderr);
            const answer = JSON.parse(chat.stdout) as { choices: { message: { content: string } }[] };
            assert.equal(chat.stdout, `${JSON.stringify(answer, null, 2)}\n`, "indented JSON");
            assert.equal(answer.choices[0].message.content, "You said: What is GovCloud?");

            const generate = await invoke(["--endpoint-name", "tgi-ep", ...TGI, "--prompt", "Hi", "--output", "json", ...at()]);
            assert.equal(generate.code, 0, generate.stderr);
            assert.deepEqual(JSON.parse(generate.stdout), [{ generated_text: "You said: Hi" }]);
        });

        it("--output json --stream prints each event's JSON on a line of its own, without [DONE] or keep-alive comments", async function () {
            const chat = await invoke(["--endpoint-name", "vllm-ep", ...VLLM, "--chat", CLOUD, "--stream", "--output", "json", ...at()]);
            assert.equal(chat.code, 0, chat.stderr);
            const events = jsonLines(chat.stdout) as { choices: { delta: { content?: string } }[] }[];
            assert.ok(events.length > 3, chat.stdout);
            assert.equal(events.map((e) => e.choices[0]?.delta.content ?? "").join(""), `You said: ${CLOUD}`);
            assert.ok(chat.stdout.endsWith("}\n") && !chat.stdout.includes("[DONE]"), chat.stdout);

            const generate = await invoke(["--endpoint-name", "tgi-ep", ...TGI, "--prompt", "Hi", "--stream", "--output", "json", ...at()]);
            assert.equal(generate.code, 0, generate.stderr);
            const tokens = jsonLines(generate.stdout) as { token: { text: string; special: boolean }; generated_text: string | null }[];
            assert.equal(tokens.at(-1)?.generated_text, "You said: Hi", "the last event carries the whole text");
            assert.ok(
                tokens.some((t) => t.token.special),
                "special tokens are events too",
            );
            assert.doesNotMatch(generate.stdout, /^:/m, "no keep-alive comment");
        });

        it("--body sends the body byte for byte, with no --engine, and prints the answer as the endpoint returned it", async function () {
            const text = '{"messages": [{"role": "user", "content": "hi"}],   "max_tokens": 8}';
            const raw = await invoke(["--endpoint-name", "vllm-ep", "--body", text, ...at()]);
            assert.equal(raw.code, 0, raw.stderr);
            assert.equal(runtime.requests[0].body, text);
            const answer = JSON.parse(raw.stdout) as { choices: { message: { content: string } }[] };
            assert.equal(answer.choices[0].message.content, "You said: hi");
            assert.notEqual(raw.stdout, `${JSON.stringify(answer, null, 2)}\n`, "not re-formatted");
            assert.ok(raw.stdout.endsWith("\n"));

            const file = path.join(tmp, "body.json");
            fs.writeFileSync(file, '{"inputs": "hi", "parameters": {"max_new_tokens": 4}}');
            const fromFile = await invoke(["--endpoint-name", "tgi-ep", "--body", `@${file}`, "--output", "json", ...at()]);
            assert.equal(fromFile.code, 0, fromFile.stderr);
            assert.equal(runtime.requests[1].body, fs.readFileSync(file, "utf8"));
            assert.equal(fromFile.stdout, `${JSON.stringify([{ generated_text: "You said: hi" }], null, 2)}\n`);

            const fromStdin = await invoke(["--endpoint-name", "sglang-ep", "--body", "-", ...at()], {
                stdin: '{"messages": [{"role": "user", "content": "piped"}]}',
            });
            assert.equal(fromStdin.code, 0, fromStdin.stderr);
            assert.equal(runtime.requests[2].body, '{"messages": [{"role": "user", "content": "piped"}]}');
            assert.match(fromStdin.stdout, /You said: piped/);
        });

        it("--body --stream prints the event stream as it comes; with --output json, its events' JSON", async function () {
            const text = JSON.stringify({ messages: [{ role: "user", content: "hi" }], stream: true });
            const raw = await invoke(["--endpoint-name", "vllm-ep", "--body", text, "--stream", ...at()]);
            assert.equal(raw.code, 0, raw.stderr);
            assert.equal(runtime.requests[0].path, "/endpoints/vllm-ep/invocations-response-stream");
            assert.equal(runtime.requests[0].body, text);
            assert.match(raw.stdout, /^data: \{/);
            assert.match(raw.stdout, /data: \[DONE\]\n/);

            const events = await invoke(["--endpoint-name", "vllm-ep", "--body", text, "--stream", "--output", "json", ...at()]);
            assert.equal(events.code, 0, events.stderr);
            assert.equal(
                jsonLines(events.stdout)
                    .map((e) => (e as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content ?? "")
                    .join(""),
                "You said: hi",
            );
        });

        it("refuses --body with the options that build a body, a body that is not a JSON object or whose stream disagrees with --stream, and an unknown --output, before sending", async function () {
            const refusals: [string[], RegExp][] = [
                [["--body", "{}", "--chat", "hi"], /--body is sent as it is: --chat would build another body; put that field in --body, or leave --body out/],
                [
                    ["--body", "{}", "--max-new-tokens", "8", "--temperature", "0"],
                    /--body is sent as it is: --max-new-tokens, --temperature would build another body; put those fields in --body/,
                ],
                [["--body", "not json"], /--body \(inline\) is not JSON \(.*\): give the request body as a JSON object/],
                [["--body", "[1, 2]"], /--body \(inline\) must be a JSON object \(the body \/invocations takes\), got \[1,2\]/],
                [["--body", `@${path.join(tmp, "absent.json")}`], /--body @.*absent\.json: cannot read the file/],
                [["--body", "-"], /--body - reads the body from standard input: pipe it in/],
                [["--body", '{"prompt": "hi"}', "--stream"], /--stream with --body \(inline\): the body does not ask for a stream; add "stream": true to it/],
                [["--body", '{"prompt": "hi", "stream": true}'], /--body \(inline\) asks for a stream \("stream": true\): add --stream/],
                [["--chat", "hi", ...VLLM, "--output", "yaml"], /--output must be text or json, got 'yaml'/],
            ];
            for (const [args, expected] of refusals) {
                const refused = await invoke(["--endpoint-name", "vllm-ep", ...args, ...at()]);
                assert.equal(refused.code, 2, `${args.join(" ")}: ${refused.stderr}`);
                assert.match(refused.stderr, expected);
            }
            const piped = await invoke(["--endpoint-name", "vllm-ep", "--body", "-", ...at()], { stdin: "[]" });
            assert.equal(piped.code, 2);
            assert.match(piped.stderr, /the body on standard input \(--body -\) must be a JSON object/);
            const pipedStream = await invoke(["--endpoint-name", "vllm-ep", "--body", "-", "--stream", ...at()], { stdin: '{"prompt": "hi"}' });
            assert.equal(pipedStream.code, 2);
            assert.match(pipedStream.stderr, /--stream with the body on standard input \(--body -\): the body does not ask for a stream/);
            assert.equal(runtime.requests.length, 0, "nothing was sent");
        });
    });

    it("--messages from a file; its shape and the option combinations are checked before sending", async function () {
        const file = path.join(tmp, "messages.json");
        fs.writeFileSync(file, JSON.stringify([{ role: "user", content: "From a file" }]));
        const ok = await invoke(["--endpoint-name", "vllm-ep", ...VLLM, "--messages", `@${file}`, ...at()]);
        assert.equal(ok.code, 0, ok.stderr);
        assert.equal(ok.stdout, "You said: From a file\n");
        runtime.requests.length = 0;

        const cases: Array<[string[], RegExp]> = [
            [["--messages", "{"], /--messages is not JSON/],
            [["--messages", "[]"], /--messages must be a non-empty JSON array of \{"role", "content"\} objects/],
            [["--messages", '[{"role":"robot","content":"x"}]'], /--messages\[0\]\.role must be system, user, assistant; got "robot"/],
            [["--messages", '[{"role":"user","content":[{"type":"text"}]}]'], /--messages\[0\]\.content must be a string/],
            [["--messages", '[{"role":"user","content":"x","name":"n"}]'], /--messages\[0\] has fields this tool does not send: name/],
            [["--messages", `@${path.join(tmp, "missing.json")}`], /--messages @.*missing\.json: cannot read the file/],
            [["--chat", "x", "--prompt", "y"], /--prompt and --chat exclude each other/],
            [["--prompt", "x", "--system", "s"], /--system goes with --chat/],
            [["--chat", "x", "--parameters", '{"stream":true}'], /--parameters may not set stream/],
        ];
        for (const [argv, message] of cases) {
            const result = await invoke(["--endpoint-name", "vllm-ep", ...VLLM, ...argv, ...at()]);
            assert.equal(result.code, 2, `${argv.join(" ")}: ${result.stderr}`);
            assert.match(result.stderr, message, argv.join(" "));
        }
        assert.equal(runtime.requests.length, 0);
    });

    it("takes the endpoint, engine and region from stack outputs and the text from standard input", async function () {
        const outputsFile = path.join(tmp, "outputs.json");
        fs.writeFileSync(
            outputsFile,
            JSON.stringify({
                awsRegion: "us-gov-west-1",
                partitionId: "aws-us-gov",
                llmEndpoints: [
                    { name: "falcon", model: "tiiuae/falcon-40b-instruct", endpointName: "tgi-old-ep", engine: "tgi", engineVersion: "1.0.3" },
                    { name: "tiny", model: MODEL, endpointName: "sglang-ep", engine: "sglang", engineVersion: "0.5.8" },
                    { name: "legacy", model: MODEL, endpointName: "tiny-1a2b3c4d" },
                ],
            }),
        );
        const fromOutputs = (...args: string[]) =>
            invoke(["--outputs-file", outputsFile, "--endpoint-url", runtime.url, ...args], { stdin: "Hello from stdin\n" });

        const sglang = await fromOutputs("--name", "tiny");
        assert.equal(sglang.code, 0, sglang.stderr);
        assert.deepEqual(body(0), { messages: [{ role: "user", content: "Hello from stdin" }], max_tokens: 256 }, "SGLang: standard input as chat");
        assert.match(String(runtime.requests[0].headers.authorization), /\/us-gov-west-1\/sagemaker\/aws4_request/);

        const tgiOld = await fromOutputs("--name", "falcon");
        assert.equal(tgiOld.code, 0, tgiOld.stderr);
        assert.deepEqual(body(1), { inputs: "Hello from stdin", parameters: { max_new_tokens: 256 } }, "TGI 1.0.3: standard input as the prompt");

        const chatOld = await fromOutputs("--name", "falcon", "--chat", "hi");
        assert.equal(chatOld.code, 2);
        assert.match(chatOld.stderr, /TGI 1\.0\.3's \/invocations takes only the generate body/, "the release from the outputs");

        const legacy = await fromOutputs("--name", "legacy");
        assert.equal(legacy.code, 2);
        assert.match(
            legacy.stderr,
            /the stack outputs name no engine for deployment 'legacy' \(llmEndpoints\[\]\.engine\): pass --engine \(vllm, sglang, tgi\)/,
        );

        const ambiguous = await fromOutputs("--prompt", "x");
        assert.equal(ambiguous.code, 2);
        assert.match(ambiguous.stderr, /the stack has 3 endpoints \(falcon, tiny, legacy\): choose one with --name/);
        assert.equal(runtime.requests.length, 2);

        const parsed = parseStackOutputs(fs.readFileSync(outputsFile, "utf8"), "outputs.json");
        assert.deepEqual(
            parsed.llmEndpoints.map((e) => [e.engine, e.engineVersion]),
            [
                ["tgi", "1.0.3"],
                ["sglang", "0.5.8"],
                [undefined, undefined],
            ],
        );
    });

    it("explains SageMaker's 60-second limit: the container's timeout answer, and our own --timeout", async function () {
        const slow = await invoke(["--endpoint-name", "vllm-slow", ...VLLM, "--chat", "one two three four five six seven", "--max-new-tokens", "10", ...at()]);
        assert.equal(slow.code, 1);
        assert.match(
            slow.stderr,
            /the model container \(vLLM 0\.21\.0\) of endpoint 'vllm-slow' in us-gov-west-1 \(AWS GovCloud \(US\)\) did not answer in time \(SageMaker: Your invocation timed out while waiting for a response from container primary\. .*\): the container must answer within SageMaker's 60 seconds\. Use --stream \(tokens arrive as they are generated\) and\/or a lower --max-new-tokens \(now 10\)\. Logs: arn:aws-us-gov:logs:/,
        );
        assert.equal(runtime.requests.length, 1, "a model error is not retried");

        // The same generation streamed: tokens come as they are generated.
        const streamed = await invoke([
            "--endpoint-name",
            "vllm-slow",
            ...VLLM,
            "--chat",
            "one two three four five six seven",
            "--max-new-tokens",
            "10",
            "--stream",
            ...at(),
        ]);
        assert.equal(streamed.code, 0, streamed.stderr);
        assert.equal(streamed.stdout, "You said: one two three four five six seven\n");

        // SageMaker's answer as such, on an endpoint whose container never answers.
        const limit = sageMakerTimeoutError("tgi-silent");
        runtime.endpoints.set("tgi-silent", { kind: "error", ...limit });
        const tgi = await invoke(["--endpoint-name", "tgi-silent", ...TGI, "--prompt", "x", ...at()]);
        assert.equal(tgi.code, 1);
        assert.match(
            tgi.stderr,
            /\(TGI 3\.3\.6\) of endpoint 'tgi-silent' .* did not answer in time .* within SageMaker's 60 seconds\. Use --stream .* --max-new-tokens \(now 256\)/,
        );

        const ours = deadlineMessage("endpoint 'e' in us-gov-west-1", 60, false, 512);
        assert.match(
            ours,
            /^no answer from endpoint 'e' in us-gov-west-1 within 60 s \(--timeout\): the container must answer within SageMaker's 60 seconds\. Use --stream \(tokens arrive as they are generated\) and\/or a lower --max-new-tokens \(now 512\)/,
        );

        runtime.endpoints.set("long-stream", {
            kind: "stream",
            parts: cut(tgiEventStreamBytes(["One", " two"]), 40).slice(0, 2),
            thenModelStreamError: "Your model primary did not complete sending the inference response in the allotted time.",
            modelStreamErrorCode: "ModelInvocationTimeExceeded",
        });
        const long = await invoke(["--endpoint-name", "long-stream", ...TGI, "--prompt", "x", "--stream", "--max-new-tokens", "900", ...at()]);
        assert.equal(long.code, 1);
        assert.match(
            long.stderr,
            /did not finish its streamed answer within the time SageMaker allows \(ModelInvocationTimeExceeded: .*\)\. Ask for fewer tokens: a lower --max-new-tokens \(now 900\)/,
        );
    });

    it("--stream prints tokens as they arrive, across PayloadParts that cut lines and UTF-8 characters", async function () {
        const tokens = ["Hello", ",", " wörld", " ☁️", " GovCloud", "!"];
        const parts = cut(tgiEventStreamBytes(tokens), 7); // 7-byte parts split JSON, lines and multi-byte characters
        const firstTokenEnd = tgiEventStreamBytes(tokens).indexOf("\n\n") + 2;
        let resume!: () => void;
        let resumedByOutput = false;
        const resumed = new Promise<void>((r) => (resume = r));
        runtime.endpoints.set("streamer", { kind: "stream", parts, holdAfter: Math.ceil(firstTokenEnd / 7), resume: resumed, holdMs: 5000 });

        const result = await invoke(["--endpoint-name", "streamer", ...TGI, "--prompt", "Say hello", "--stream", ...at()], {
            onStdout: (all) => {
                if (all.startsWith("Hello") && !resumedByOutput) {
                    resumedByOutput = true; // the first token was printed while the server still held the rest
                    resume();
                }
            },
        });
        assert.equal(result.code, 0, result.stderr);
        assert.equal(result.stdout, `${tokens.join("")}\n`, "special tokens (</s>) are not printed");
        assert.ok(resumedByOutput, "the first token was printed before the stream ended");
        assert.ok(result.ms < 4000, `took ${result.ms} ms: the server's hold ran out instead`);
    });

    it("reports a ModelStreamError inside the stream, and a container answering another engine's format", async function () {
        runtime.endpoints.set("broken", {
            kind: "stream",
            parts: cut(tgiEventStreamBytes(["One", " two"]), 40).slice(0, 2),
            thenModelStreamError: "Model container stopped responding",
        });
        const broken = await invoke(["--endpoint-name", "broken", ...TGI, "--prompt", "x", "--stream", ...at()]);
        assert.equal(broken.code, 1);
        assert.match(
            broken.stderr,
            /the model's response stream from endpoint 'broken' in us-gov-west-1 \(AWS GovCloud \(US\)\) failed \(ModelStreamError\): Model container stopped responding/,
        );

        // A TGI answer read as vLLM chat (the wrong --engine): said so, with the answer.
        const mismatch = await invoke(["--endpoint-name", "tiny-1a2b3c4d", ...VLLM, "--chat", "x", ...at()]);
        assert.equal(mismatch.code, 1);
        assert.match(
            mismatch.stderr,
            /vLLM 0\.21\.0's answer has no text in choices\[0\]\.message\.content \(is the endpoint running vLLM 0\.21\.0\? --engine and --engine-version name it\): \[\{"generated_text":"GovCloud is an isolated AWS region\."\}\]/,
        );
    });

    it("explains a ModelError with the container's message and the log stream", async function () {
        runtime.endpoints.set("strict", {
            kind: "error",
            status: 424,
            errorType: "ModelError",
            body: {
                message: 'Received client error (422) from primary with message "{...}".',
                OriginalStatusCode: 422,
                OriginalMessage: '{"error":"Input validation error: `inputs` must have less than 1024 tokens. Given: 3000","error_type":"validation"}',
                LogStreamArn: "arn:aws-us-gov:logs:us-gov-west-1:111122223333:log-group:/aws/sagemaker/Endpoints/strict",
            },
        });
        const result = await invoke(["--endpoint-name", "strict", ...TGI, "--prompt", "long", ...at()]);
        assert.equal(result.code, 1);
        assert.match(
            result.stderr,
            /the model container \(TGI 3\.3\.6\) of endpoint 'strict' in us-gov-west-1 \(AWS GovCloud \(US\)\) answered 422: Input validation error: `inputs` must have less than 1024 tokens\. Given: 3000 \(validation\)\. Logs: arn:aws-us-gov:logs:/,
        );
        assert.equal(runtime.requests.length, 1, "a model error is not retried");
    });

    it("explains an unknown endpoint (ValidationError)", async function () {
        const result = await invoke(["--endpoint-name", "no-such-endpoint", ...VLLM, "--chat", "x", ...at()]);
        assert.equal(result.code, 1);
        assert.match(
            result.stderr,
            /endpoint 'no-such-endpoint' in us-gov-west-1 \(AWS GovCloud \(US\)\) not found \(Endpoint no-such-endpoint of account 111122223333 not found\.\)\. Check the name \(stack output llmEndpoints\[\]\.endpointName\), the region/,
        );
    });

    it("retries throttling (AWS_MAX_ATTEMPTS) and then explains it", async function () {
        runtime.endpoints.set("busy", { kind: "error", status: 400, errorType: "ThrottlingException", body: { message: "Rate exceeded" } });
        process.env.AWS_MAX_ATTEMPTS = "2";
        try {
            const result = await invoke(["--endpoint-name", "busy", ...VLLM, "--chat", "x", ...at()]);
            assert.equal(result.code, 1);
            assert.match(
                result.stderr,
                /SageMaker is throttling requests to endpoint 'busy' .*\(ThrottlingException: Rate exceeded\), still after the SDK's retries/,
            );
            assert.equal(runtime.requests.length, 2);
        } finally {
            delete process.env.AWS_MAX_ATTEMPTS;
        }
    });

    it("gives up after --timeout without an answer, and with --stream after --timeout without an event", async function () {
        runtime.endpoints.set("silent", { kind: "hang" });
        const silent = await invoke(["--endpoint-name", "silent", ...TGI, "--prompt", "x", "--timeout", "0.5", ...at()]);
        assert.equal(silent.code, 1);
        assert.match(
            silent.stderr,
            /no answer from endpoint 'silent' in us-gov-west-1 \(AWS GovCloud \(US\)\) within 0\.5 s \(--timeout\): raise --timeout \(SageMaker waits up to 60 seconds for the container\), or use --stream .* --max-new-tokens \(now 256\)/,
        );
        assert.ok(silent.ms >= 450 && silent.ms < 3000, `${silent.ms} ms`);
        assert.equal(runtime.requests.length, 1, "a timeout is not retried");

        runtime.endpoints.set("stalls", { kind: "stream", parts: cut(tgiEventStreamBytes(["Partial", " answer", " never", " ends"]), 64), stallAfter: 2 });
        const stalls = await invoke(["--endpoint-name", "stalls", ...TGI, "--prompt", "x", "--stream", "--timeout", "0.5", ...at()]);
        assert.equal(stalls.code, 1);
        assert.match(stalls.stdout, /^Partial/);
        assert.ok(stalls.stdout.endsWith("\n"), "the partial line is ended before the error");
        assert.match(
            stalls.stderr,
            /no answer from endpoint 'stalls' .* within 0\.5 s \(--timeout, the time allowed before the first and between later events\)/,
        );
        assert.ok(stalls.ms < 3000, `${stalls.ms} ms`);
    });

    it("refuses bad usage with exit code 2 before sending anything", async function () {
        const cases: Array<[string[], RegExp]> = [
            [["--prompt", "x"], /--stack, --outputs-file or --endpoint-name is required/],
            [["--endpoint-name", "e", "--bogus"], /Unknown option '--bogus'/],
            [["--endpoint-name", "e", "--prompt", "x"], /--engine is required with --endpoint-name: vllm, sglang, tgi/],
            [["--endpoint-name", "e", "--engine", "llama.cpp", "--prompt", "x"], /--engine 'llama\.cpp' is not a known engine: use vllm, sglang, tgi/],
            [
                ["--endpoint-name", "e", "--engine", "tgi", "--engine-version", "9.9", "--prompt", "x"],
                /--engine-version '9\.9' is not a known TGI release: use 1\.0\.3, 1\.4\.5, .*, 3\.3\.6/,
            ],
            [
                ["--endpoint-name", "e", ...VLLM, "--prompt", "x", "--fips", "--endpoint-url", "http://127.0.0.1:1", "--region", "us-east-1"],
                /--fips and --endpoint-url exclude each other/,
            ],
            [["--endpoint-name", "e", ...VLLM, "--prompt", "x", "--timeout", "0"], /--timeout must be a number above 0/],
            [["--endpoint-name", "e", ...TGI, "--prompt", "x", "--temperature", "0"], /--temperature must be a number above 0/],
            [["--endpoint-name", "e", ...VLLM, "--chat", "x", "--temperature=-1"], /--temperature must be a number of at least 0/],
            [["--endpoint-name", "e", ...TGI, "--prompt", "x", "--model", "m"], /--model 'm': TGI's generate body has no model field/],
            [["--endpoint-name", "e", ...VLLM, "--prompt", "x", "--parameters", "[1]"], /--parameters must be a JSON object/],
            [["--endpoint-name", "e", ...VLLM, "--prompt", "x", "--max-new-tokens", "1.5"], /--max-new-tokens must be a whole number/],
            [["--endpoint-name", "e", ...VLLM, "--prompt", "x"], /no AWS region/],
            [["--endpoint-name", "e", ...VLLM, "--region", "us-gov-west-1"], /--chat, --messages or --prompt is required/],
            [["--stack", "govcloud", "--prompt", "x"], /pulumi CLI is not installed here|'pulumi stack output/],
            [["--outputs-file", path.join(tmp, "missing.json"), "--prompt", "x"], /cannot read --outputs-file/],
        ];
        const savedPath = process.env.PATH;
        process.env.PATH = tmp; // no pulumi CLI on the PATH
        try {
            for (const [argv, message] of cases) {
                const result = await invoke(argv);
                assert.equal(result.code, 2, `${argv.join(" ")}: ${result.stderr}`);
                assert.match(result.stderr, message, argv.join(" "));
            }
        } finally {
            process.env.PATH = savedPath;
        }
        assert.equal(runtime.requests.length, 0);
    });

    it("runs as a script: --help exits 0 and names the engines, an unknown endpoint exits 1", async function () {
        const run = (...args: string[]) =>
            new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
                execFile(
                    process.execPath,
                    ["-r", "./offline/tsCache.js", "tools/invoke.ts", ...args],
                    { cwd: REPO_ROOT, timeout: 30_000, env: process.env },
                    (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
                );
            });
        const help = await run("--help");
        assert.equal(help.code, 0, help.stderr);
        assert.match(help.stdout, /^Usage: npm run invoke -- /);
        assert.match(help.stdout, /--engine <id> +vllm, sglang, tgi/);
        assert.match(help.stdout, /OpenAI chat completions body: vLLM, SGLang, TGI 3\.2\.3\/3\.3\.6/);
        const missing = await run("--endpoint-name", "nope", ...VLLM, "--chat", "x", ...at());
        assert.equal(missing.code, 1, missing.stderr);
        assert.match(missing.stderr, /endpoint 'nope' .* not found/);
    });

    it("resolves partition-correct SageMaker Runtime endpoints from the region (GovCloud, FIPS)", async function () {
        const hostFor = (region: string, fips: boolean) =>
            resolvedHost(
                (config) => new SageMakerRuntimeClient(config),
                new InvokeEndpointCommand({ EndpointName: "e", Body: new Uint8Array() }),
                region,
                fips,
            );
        assert.equal(await hostFor("us-gov-west-1", false), "runtime.sagemaker.us-gov-west-1.amazonaws.com");
        assert.equal(
            await hostFor("us-gov-west-1", true),
            "runtime.sagemaker.us-gov-west-1.amazonaws.com",
            "GovCloud's standard endpoint is its FIPS endpoint",
        );
        assert.equal(await hostFor("us-gov-east-1", true), "runtime.sagemaker.us-gov-east-1.amazonaws.com");
        assert.equal(await hostFor("us-east-1", false), "runtime.sagemaker.us-east-1.amazonaws.com");
        assert.equal(await hostFor("us-east-1", true), "runtime-fips.sagemaker.us-east-1.amazonaws.com");
    });
});

describe("engine wire formats (tools/engineApi.ts)", function () {
    const utf8 = (s: string) => new TextEncoder().encode(s);

    it("decodes server-sent events split anywhere, with LF, CR or CRLF and 'data:' with or without a space", function () {
        const tgi = Buffer.from(
            'data:{"token":{"text":"é","special":false}}\r\n\r\ndata: {"token":{"text":"😀","special":false}}\n\n: comment\nevent: x\ndata:{"token":{"text":"</s>","special":true},"generated_text":"é😀"}',
        );
        const chat = Buffer.from(
            'data: {"choices":[{"index":0,"delta":{"role":"assistant"}}]}\r\rdata: {"choices":[{"index":0,"delta":{"reasoning_content":"hm","content":"Grüß"}}]}\n\n' +
                'data: {"choices":[{"index":0,"delta":{"content":"e ☁️"}}]}\n\ndata: {"choices":[],"usage":{"total_tokens":3}}\n\ndata: [DONE]\n\n',
        );
        for (const size of [1, 2, 3, 5, 7, 1000]) {
            const tgiDecoder = new StreamDecoder(target("tgi", "3.3.6"), "tgi-generate");
            assert.deepEqual([...cut(tgi, size).flatMap((p) => tgiDecoder.push(p)), ...tgiDecoder.end()], ["é", "😀"], `TGI, parts of ${size} bytes`);
            const chatDecoder = new StreamDecoder(target("vllm", "0.21.0"), "chat");
            assert.equal([...cut(chat, size).flatMap((p) => chatDecoder.push(p)), ...chatDecoder.end()].join(""), "Grüße ☁️", `chat, parts of ${size} bytes`);
        }
        const completions = new StreamDecoder(target("vllm", "0.21.0"), "completions");
        assert.deepEqual(
            completions.push(utf8('data: {"choices":[{"index":0,"text":"a"},{"index":1,"text":"other"}]}\n\ndata: [DONE]\n\n')),
            ["a"],
            "choice 0 only",
        );
    });

    it("reads error events of each shape inside a stream, and refuses a stream that is not server-sent events", function () {
        const cases: Array<[EngineTarget, "chat" | "tgi-generate", string, RegExp]> = [
            [
                target("tgi", "3.3.6"),
                "tgi-generate",
                'data:{"error":"Request failed during generation: Server error: OOM","error_type":"generation"}\n\n',
                /TGI 3\.3\.6 error while generating: Request failed during generation: Server error: OOM \(generation\)/,
            ],
            [
                target("vllm", "0.21.0"),
                "chat",
                'data: {"error": {"message": "boom", "type": "InternalServerError", "param": null, "code": 500}}\n\n',
                /vLLM 0\.21\.0 error while generating: boom \(InternalServerError, 500\)/,
            ],
            [
                target("vllm", "0.14.0"),
                "chat",
                'data: {"object": "error", "message": "old boom", "type": "BadRequestError", "code": 400}\n\n',
                /vLLM 0\.14\.0 error while generating: old boom \(BadRequestError, 400\)/,
            ],
            [
                target("sglang", "0.5.8"),
                "chat",
                'data: {"error": {"object": "error", "message": "sg boom", "type": "BadRequestError", "param": null, "code": 400}}\n\n',
                /SGLang 0\.5\.8 error while generating: sg boom \(BadRequestError, 400\)/,
            ],
            [target("vllm", "0.21.0"), "chat", "data: not json\n\n", /vLLM 0\.21\.0 streamed an event that is not JSON: not json/],
        ];
        for (const [t, format, text, message] of cases) {
            const decoder = new StreamDecoder(t, format);
            assert.throws(() => [...decoder.push(utf8(text)), ...decoder.end()], message, text);
        }
        const notSse = new StreamDecoder(target("vllm", "0.21.0"), "chat");
        assert.deepEqual(notSse.push(utf8('{"choices":[{"message":{"content":"x"}}]}')), []);
        assert.throws(() => notSse.end(), /vLLM 0\.21\.0 sent no server-sent events \(is the endpoint running vLLM 0\.21\.0\?/);
    });

    it("reads non-streamed answers of each format, and says what is wrong with the others", function () {
        const vllm = target("vllm", "0.21.0");
        const tgi = target("tgi", "1.0.3");
        assert.equal(answerText(vllm, "chat", utf8('{"choices":[{"message":{"role":"assistant","content":"Hi","reasoning":"hm"}}]}')), "Hi");
        assert.equal(answerText(vllm, "completions", utf8('{"choices":[{"text":" there"}]}')), " there");
        assert.equal(answerText(tgi, "tgi-generate", utf8('[{"generated_text":"Hello"}]')), "Hello");
        assert.equal(answerText(tgi, "tgi-generate", utf8('{"generated_text":"Hello"}')), "Hello");
        const failures: Array<[EngineTarget, "chat" | "completions" | "tgi-generate", string, RegExp]> = [
            [
                vllm,
                "chat",
                '{"choices":[{"message":{"role":"assistant","content":null,"tool_calls":[]}}]}',
                /vLLM 0\.21\.0's answer has no text in choices\[0\]\.message\.content/,
            ],
            [vllm, "completions", '{"choices":[]}', /vLLM 0\.21\.0's answer has no text in choices\[0\]\.text/],
            [tgi, "tgi-generate", '[{"text":"x"}]', /TGI 1\.0\.3's answer has no text in generated_text/],
            [vllm, "chat", "<html>Bad Gateway</html>", /vLLM 0\.21\.0 answered with something other than JSON: <html>Bad Gateway<\/html>/],
            [vllm, "chat", "", /answered with something other than JSON: \(empty body\)/],
            [vllm, "chat", '{"error":{"message":"bad","type":"BadRequestError","code":400}}', /vLLM 0\.21\.0 error: bad \(BadRequestError, 400\)/],
            [vllm, "chat", '{"object":"error","message":"bad","type":"BadRequestError","code":400}', /vLLM 0\.21\.0 error: bad \(BadRequestError, 400\)/],
            [tgi, "tgi-generate", '{"error":"Model is overloaded","error_type":"overloaded"}', /TGI 1\.0\.3 error: Model is overloaded \(overloaded\)/],
        ];
        for (const [t, format, text, message] of failures) assert.throws(() => answerText(t, format, utf8(text)), message, text);
        assert.equal(errorBodyMessage("Failed to deserialize the JSON body"), "Failed to deserialize the JSON body");
    });

    it("builds each format's body: defaults, then --parameters, then the explicit options", function () {
        const chat = { kind: "chat" as const, messages: [{ role: "user" as const, content: "hi" }] };
        assert.deepEqual(requestBody("chat", chat, { extra: { max_tokens: 9, top_k: 5 } }, false), { messages: chat.messages, max_tokens: 9, top_k: 5 });
        assert.deepEqual(requestBody("chat", chat, { maxNewTokens: 3, temperature: 0.5, model: MODEL, extra: { max_tokens: 9 } }, true), {
            messages: chat.messages,
            max_tokens: 3,
            temperature: 0.5,
            model: MODEL,
            stream: true,
        });
        assert.deepEqual(requestBody("tgi-generate", { kind: "prompt", prompt: "p" }, { temperature: 0.2, extra: { top_p: 0.9 } }, true), {
            inputs: "p",
            parameters: { max_new_tokens: 256, top_p: 0.9, temperature: 0.2, do_sample: true },
            stream: true,
        });
        assert.throws(() => requestBody("completions", chat, {}, false), /the completions body does not take a chat input/);
    });
});
