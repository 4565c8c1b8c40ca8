/**
 * `npm run invoke` (tools/invoke.ts) against a local stand-in for the SageMaker Runtime API
 * (tests/fixtures/tools/fakeSageMakerRuntime.ts): InvokeEndpoint, the event-stream framed
 * InvokeEndpointWithResponseStream, the service's error answers and a silent endpoint; plus the
 * TGI stream decoding and the partition-correct endpoints the SDK's rules give.
 */
import { strict as assert } from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Readable } from "stream";
import { InvokeEndpointCommand, SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import { CliIo } from "../tools/cli";
import { main } from "../tools/invoke";
import { TgiStreamDecoder } from "../tools/tgi";
import { cut, FakeRuntime, startFakeRuntime, tgiEventStreamBytes } from "./fixtures/tools/fakeSageMakerRuntime";
import { resolvedHost } from "./fixtures/tools/resolvedHost";

const REPO_ROOT = path.resolve(__dirname, "..");

interface Outcome {
    code: number;
    stdout: string;
    stderr: string;
    ms: number;
}

/** Runs the command in-process; `onStdout` sees every write as it happens. */
async function invoke(argv: string[], options: { stdin?: string; env?: NodeJS.ProcessEnv; onStdout?: (all: string) => void } = {}): Promise<Outcome> {
    const out: string[] = [];
    const err: string[] = [];
    const stdin = Object.assign(Readable.from(options.stdin !== undefined ? [Buffer.from(options.stdin)] : []), { isTTY: options.stdin === undefined });
    const io: CliIo = {
        stdout: {
            write: (s: string) => {
                out.push(s);
                options.onStdout?.(out.join(""));
            },
        },
        stderr: { write: (s: string) => err.push(s) },
        stdin,
        env: options.env ?? {},
    };
    const started = Date.now();
    const code = await main(argv, io);
    return { code, stdout: out.join(""), stderr: err.join(""), ms: Date.now() - started };
}

describe("invoke (tools/invoke.ts)", function () {
    let runtime: FakeRuntime;
    const savedEnv = { ...process.env };
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "invoke-test-"));
    const at = () => ["--region", "us-gov-west-1", "--endpoint-url", runtime.url];

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
        runtime.endpoints.set("tiny-1a2b3c4d", { kind: "generate", text: "GovCloud is an isolated AWS region." });
    });

    afterEach(function () {
        runtime.requests.length = 0;
    });

    after(async function () {
        await runtime?.close();
        // Back to the environment before the tests (process.env itself stays the special object).
        for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
        Object.assign(process.env, savedEnv);
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    it("sends TGI's request through InvokeEndpoint and prints the generated text", async function () {
        const result = await invoke([
            "--endpoint-name",
            "tiny-1a2b3c4d",
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
        assert.equal(result.stdout, "GovCloud is an isolated AWS region.\n");
        assert.equal(runtime.requests.length, 1);
        const [request] = runtime.requests;
        assert.equal(request.path, "/endpoints/tiny-1a2b3c4d/invocations");
        assert.equal(request.headers["content-type"], "application/json");
        assert.deepEqual(JSON.parse(request.body), {
            inputs: "What is GovCloud?",
            parameters: { max_new_tokens: 32, top_p: 0.9, temperature: 0.7, do_sample: true },
        });
        assert.match(String(request.headers.authorization), /\/us-gov-west-1\/sagemaker\/aws4_request/, "signed for the region");
    });

    it("takes the endpoint and region from stack outputs and the prompt from standard input", async function () {
        const outputsFile = path.join(tmp, "outputs.json");
        fs.writeFileSync(
            outputsFile,
            JSON.stringify({
                awsRegion: "us-gov-west-1",
                partitionId: "aws-us-gov",
                llmEndpoints: [
                    { name: "falcon-40b-instruct", model: "tiiuae/falcon-40b-instruct", endpointName: "falcon-40b-instruct-9z8y7x6w" },
                    { name: "tiny", model: "acme/tiny-llm", endpointName: "tiny-1a2b3c4d" },
                ],
            }),
        );
        const result = await invoke(["--outputs-file", outputsFile, "--name", "tiny", "--endpoint-url", runtime.url], { stdin: "Hello from stdin\n" });
        assert.equal(result.code, 0, result.stderr);
        assert.equal(JSON.parse(runtime.requests[0].body).inputs, "Hello from stdin");
        assert.deepEqual(JSON.parse(runtime.requests[0].body).parameters, { max_new_tokens: 256 });
        assert.match(String(runtime.requests[0].headers.authorization), /\/us-gov-west-1\/sagemaker\/aws4_request/);

        const ambiguous = await invoke(["--outputs-file", outputsFile, "--prompt", "x", "--endpoint-url", runtime.url]);
        assert.equal(ambiguous.code, 2);
        assert.match(ambiguous.stderr, /the stack has 2 endpoints \(falcon-40b-instruct, tiny\): choose one with --name/);
    });

    it("--stream prints tokens as they arrive, across PayloadParts that cut lines and UTF-8 characters", async function () {
        const tokens = ["Hello", ",", " wörld", " ☁️", " GovCloud", "!"];
        const parts = cut(tgiEventStreamBytes(tokens), 7); // 7-byte parts split JSON, lines and multi-byte characters
        const firstTokenEnd = tgiEventStreamBytes(tokens).indexOf("\n\n") + 2;
        let resume!: () => void;
        let resumedByOutput = false;
        const resumed = new Promise<void>((r) => (resume = r));
        runtime.endpoints.set("streamer", { kind: "stream", parts, holdAfter: Math.ceil(firstTokenEnd / 7), resume: resumed, holdMs: 5000 });

        const result = await invoke(["--endpoint-name", "streamer", "--prompt", "Say hello", "--stream", ...at()], {
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
        const [request] = runtime.requests;
        assert.equal(request.path, "/endpoints/streamer/invocations-response-stream");
        assert.equal(JSON.parse(request.body).stream, true);
    });

    it("reports a TGI error event and a ModelStreamError inside the stream", async function () {
        const errorEvent = Buffer.from('data:{"error":"CUDA out of memory","error_type":"generation"}\n\n');
        runtime.endpoints.set("oom", { kind: "stream", parts: [Buffer.from('data:{"token":{"text":"Par","special":false}}\n\n'), errorEvent] });
        const oom = await invoke(["--endpoint-name", "oom", "--prompt", "x", "--stream", ...at()]);
        assert.equal(oom.code, 1);
        assert.equal(oom.stdout, "Par\n");
        assert.match(oom.stderr, /TGI error while generating \(generation\): CUDA out of memory/);

        runtime.endpoints.set("broken", {
            kind: "stream",
            parts: cut(tgiEventStreamBytes(["One", " two"]), 40).slice(0, 2),
            thenModelStreamError: "Model container stopped responding",
        });
        const broken = await invoke(["--endpoint-name", "broken", "--prompt", "x", "--stream", ...at()]);
        assert.equal(broken.code, 1);
        assert.match(
            broken.stderr,
            /the model's response stream from endpoint 'broken' in us-gov-west-1 \(AWS GovCloud \(US\)\) failed \(ModelStreamError\): Model container stopped responding/,
        );
    });

    it("explains a ModelError with TGI's message and the log stream", async function () {
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
        const result = await invoke(["--endpoint-name", "strict", "--prompt", "long", ...at()]);
        assert.equal(result.code, 1);
        assert.match(
            result.stderr,
            /the model container of endpoint 'strict' in us-gov-west-1 \(AWS GovCloud \(US\)\) answered 422: Input validation error: `inputs` must have less than 1024 tokens\. Given: 3000\. Logs: arn:aws-us-gov:logs:/,
        );
        assert.equal(runtime.requests.length, 1, "a model error is not retried");
    });

    it("explains an unknown endpoint (ValidationError)", async function () {
        const result = await invoke(["--endpoint-name", "no-such-endpoint", "--prompt", "x", ...at()]);
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
            const result = await invoke(["--endpoint-name", "busy", "--prompt", "x", ...at()]);
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

    it("gives up after --timeout without an answer, and with --stream after --timeout without a token", async function () {
        runtime.endpoints.set("silent", { kind: "hang" });
        const silent = await invoke(["--endpoint-name", "silent", "--prompt", "x", "--timeout", "0.5", ...at()]);
        assert.equal(silent.code, 1);
        assert.match(silent.stderr, /no answer from endpoint 'silent' in us-gov-west-1 \(AWS GovCloud \(US\)\) within 0\.5 s \(--timeout\)/);
        assert.ok(silent.ms >= 450 && silent.ms < 3000, `${silent.ms} ms`);
        assert.equal(runtime.requests.length, 1, "a timeout is not retried");

        runtime.endpoints.set("stalls", { kind: "stream", parts: cut(tgiEventStreamBytes(["Partial", " answer", " never", " ends"]), 64), stallAfter: 2 });
        const stalls = await invoke(["--endpoint-name", "stalls", "--prompt", "x", "--stream", "--timeout", "0.5", ...at()]);
        assert.equal(stalls.code, 1);
        assert.match(stalls.stdout, /^Partial/);
        assert.ok(stalls.stdout.endsWith("\n"), "the partial line is ended before the error");
        assert.match(stalls.stderr, /no answer from endpoint 'stalls' .* within 0\.5 s/);
        assert.ok(stalls.ms < 3000, `${stalls.ms} ms`);
    });

    it("refuses bad usage with exit code 2 before sending anything", async function () {
        const cases: Array<[string[], RegExp]> = [
            [["--prompt", "x"], /--stack, --outputs-file or --endpoint-name is required/],
            [["--endpoint-name", "e", "--bogus"], /Unknown option '--bogus'/],
            [
                ["--endpoint-name", "e", "--prompt", "x", "--fips", "--endpoint-url", "http://127.0.0.1:1", "--region", "us-east-1"],
                /--fips and --endpoint-url exclude each other/,
            ],
            [["--endpoint-name", "e", "--prompt", "x", "--timeout", "0"], /--timeout must be a number above 0/],
            [["--endpoint-name", "e", "--prompt", "x", "--temperature", "0"], /--temperature must be a number above 0/],
            [["--endpoint-name", "e", "--prompt", "x", "--parameters", "[1]"], /--parameters must be a JSON object/],
            [["--endpoint-name", "e", "--prompt", "x"], /no AWS region/],
            [["--endpoint-name", "e", "--region", "us-gov-west-1"], /--prompt is required/],
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

    it("runs as a script: --help exits 0, an unknown endpoint exits 1", async function () {
        const run = (...args: string[]) =>
            new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
                execFile(
                    process.execPath,
                    ["-r", "ts-node/register/transpile-only", "tools/invoke.ts", ...args],
                    { cwd: REPO_ROOT, timeout: 30_000, env: process.env },
                    (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
                );
            });
        const help = await run("--help");
        assert.equal(help.code, 0, help.stderr);
        assert.match(help.stdout, /^Usage: npm run invoke -- /);
        const missing = await run("--endpoint-name", "nope", "--prompt", "x", ...at());
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

    it("decodes TGI server-sent events split anywhere, with LF or CRLF and 'data:' with or without a space", function () {
        const bytes = Buffer.from(
            'data:{"token":{"text":"é","special":false}}\r\n\r\ndata: {"token":{"text":"😀","special":false}}\n\n: comment\nevent: x\ndata:{"token":{"text":"</s>","special":true},"generated_text":"é😀"}',
        );
        for (const size of [1, 2, 3, 5, 1000]) {
            const decoder = new TgiStreamDecoder();
            const events = [...cut(bytes, size).flatMap((p) => decoder.push(p)), ...decoder.end()];
            assert.deepEqual(
                events.map((e) => e.token?.text),
                ["é", "😀", "</s>"],
                `parts of ${size} bytes`,
            );
            assert.equal(events[2].generated_text, "é😀");
        }
    });
});
