/**
 * `npm run invoke -- --stack <name> (--chat <text> | --prompt <text> | --messages <json>) [--stream]`:
 * sends chat messages or a raw prompt to a stack's SageMaker endpoint, in the body its serving engine's
 * `/invocations` takes (vLLM, SGLang or TGI, and the release: ./engineApi.ts), or a body given as it is
 * (--body), and prints the generated text (--output json: the engine's JSON answer); with --stream, as
 * it is generated. The endpoint, region and engine come from the stack's outputs (the pulumi CLI, or a
 * file of `pulumi stack output --json`) or from --endpoint-name, --region and --engine.
 *
 * Exit codes (tools/cli.ts): 0 answered, 1 the invocation failed, 2 usage, 3 a fault of this command.
 */
import * as fs from "fs";
import { ENGINE_IDS, ENGINES, findEngine, findRelease, RequestFormat } from "../policies/catalog/engines";
import { AWS_OPTIONS, awsOptionsUsage, ResolvedConnection, resolveConnection } from "./awsConfig";
import { CliIo, numberOption, parseOptions, processIo, runAsScript, runCommand, UsageError } from "./cli";
import {
    acceptsRawPrompt,
    answerJson,
    answerText,
    ChatMessage,
    DEFAULT_MAX_NEW_TOKENS,
    EngineInput,
    EngineTarget,
    Generation,
    MESSAGE_ROLES,
    requestBody,
    requestFormatFor,
    RESERVED_FIELDS,
    StreamDecoder,
    targetLabel,
} from "./engineApi";
import { RuntimeClient } from "./runtimeClient";
import { findEndpointOutput, LlmEndpointOutput, loadStackOutputs } from "./stackOutputs";

export const DEFAULT_TIMEOUT_SECONDS = 60;
export { DEFAULT_MAX_NEW_TOKENS };

/** "vLLM, SGLang, TGI 3.2.3/3.3.6": the engines (and releases, where not all) that take chat messages. */
const chatEngines = ENGINE_IDS.map((id) => {
    const { label, releases } = ENGINES[id];
    const chat = releases.filter((r) => r.requestFormats.includes("chat")).map((r) => r.version);
    return chat.length === releases.length ? label : chat.length ? `${label} ${chat.join("/")}` : undefined;
})
    .filter((e) => e !== undefined)
    .join(", ");

export const USAGE = `Usage: npm run invoke -- (--stack <name> | --outputs-file <file> | --endpoint-name <name>) [options]

Sends chat messages or a prompt to a SageMaker endpoint running vLLM, SGLang or Hugging Face TGI, in
the request body that engine's /invocations takes, and prints the generated text.

Endpoint:
  -s, --stack <name>          read the endpoint (llmEndpoints[].endpointName), its engine
                              (llmEndpoints[].engine, engineVersion) and region (awsRegion) from the
                              stack's outputs, with the pulumi CLI
      --outputs-file <file>   the same from a file: pulumi stack output --json -s <stack> > <file>
      --name <deployment>     which deployment (llmEndpoints[].name) when the stack has several
  -e, --endpoint-name <name>  the endpoint itself, instead of stack outputs
AWS:
      --region <region>       AWS region (default: outputs' awsRegion, AWS_REGION,
                              AWS_DEFAULT_REGION, the profile's region)
${awsOptionsUsage(30, [
    "runtime-fips.sagemaker.<region>.amazonaws.com",
    "in commercial US regions; in GovCloud the standard endpoint",
    "(runtime.sagemaker.us-gov-*.amazonaws.com) is the FIPS endpoint",
])}
Engine (decides the request body):
      --engine <id>           ${ENGINE_IDS.join(", ")} (default: the outputs' llmEndpoints[].engine)
      --engine-version <v>    its release (default: the outputs' engineVersion, else the engine's
                              default: ${ENGINE_IDS.map((id) => `${id} ${ENGINES[id].defaultVersion}`).join(", ")})
Request (one of):
  -c, --chat <text>           one user message; the engine applies the model's chat template
                              (OpenAI chat completions body: ${chatEngines})
      --system <text>         a system message before --chat
      --messages <json|@file> chat messages, inline or from a file:
                              [{"role": "system"|"user"|"assistant", "content": "..."}, ...]
  -p, --prompt <text>         a raw prompt the model continues: TGI's generate body {"inputs": ...},
                              vLLM's completions body {"prompt": ...}; SGLang takes only chat
      --body <json|@file|->   the request body itself, sent as it is: a JSON object, inline, from a
                              file, or from standard input (-). Excludes the options above and
                              under Generation; --engine is not needed. The answer is printed as the
                              endpoint returned it (--output json: indented). The body's "stream": true
                              and --stream go together
                              Without any of these, standard input is read and sent as --prompt, or
                              as --chat to engines without a raw-prompt body (SGLang) or with --system.
Generation:
      --max-new-tokens <n>    tokens to generate: max_tokens, or TGI's parameters.max_new_tokens
                              (default: ${DEFAULT_MAX_NEW_TOKENS})
      --temperature <t>       sampling temperature: 0 or more for chat/completions; above 0 for TGI's
                              generate body, where it also sets do_sample (default: the engine's;
                              TGI's generate body: greedy decoding)
      --parameters <json>     more fields, into the body (chat/completions: '{"top_p":0.9,"stop":["\\n\\n"]}')
                              or into TGI's parameters ('{"top_p":0.9,"repetition_penalty":1.1}')
      --model <name>          the chat/completions "model" field; it must be the served model name
                              (llmEndpoints[].model); not sent by default
      --stream                print text as it is generated (InvokeEndpointWithResponseStream)
Output:
      --output <text|json>    text: the generated text (default); json: the engine's whole answer as
                              JSON, indented (choices, usage, finish reasons), and with --stream each
                              event's JSON on a line of its own (JSON Lines), for jq
      --timeout <seconds>     give up after this long without an answer, or with --stream without
                              a new event (default: ${DEFAULT_TIMEOUT_SECONDS}, SageMaker's limit for the container to
                              answer InvokeEndpoint: a longer generation needs --stream or fewer tokens)
  -h, --help                  show this help

Environment: AWS credentials (AWS_PROFILE, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY); AWS_MAX_ATTEMPTS
(the SDK's attempts on throttling and transient errors, default 3).

Exit codes: 0 answered, 1 the invocation failed (model error, unknown endpoint, throttling, timeout),
2 usage (nothing was sent), 3 a fault of this command. The generated text goes to stdout, everything
else to stderr.`;

const OPTIONS = {
    stack: { type: "string", short: "s" },
    "outputs-file": { type: "string" },
    name: { type: "string" },
    "endpoint-name": { type: "string", short: "e" },
    ...AWS_OPTIONS,
    engine: { type: "string" },
    "engine-version": { type: "string" },
    prompt: { type: "string", short: "p" },
    chat: { type: "string", short: "c" },
    system: { type: "string" },
    messages: { type: "string" },
    "max-new-tokens": { type: "string" },
    temperature: { type: "string" },
    parameters: { type: "string" },
    model: { type: "string" },
    body: { type: "string" },
    output: { type: "string" },
    stream: { type: "boolean" },
    timeout: { type: "string" },
    help: { type: "boolean", short: "h" },
} as const;

/** --output's values, as the AWS CLI names them: the generated text, or the engine's JSON. */
export const OUTPUT_FORMATS = ["text", "json"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** The options that build a request body, which --body replaces. */
const BODY_BUILDING_OPTIONS = ["chat", "prompt", "messages", "system", "parameters", "max-new-tokens", "temperature", "model"] as const;

/** Text still to be read from standard input, and how it goes out. */
export interface StdinInput {
    kind: "stdin";
    as: "prompt" | "chat";
    system?: string;
}

/** A request body this tool builds for the engine release. */
export interface BuiltRequest {
    kind: "built";
    target: EngineTarget;
    input: EngineInput | StdinInput;
    format: RequestFormat;
    generation: Generation;
    /** The token budget the body will carry (for messages). */
    maxNewTokens: number;
}

/** A request body given as it is (--body): JSON text, or still to be read from standard input. */
export interface RawRequest {
    kind: "raw";
    /** The engine, when --engine or the outputs name it: only for messages. */
    target?: EngineTarget;
    body: { text: string } | "stdin";
}

export interface InvokePlan {
    endpointName: string;
    connection: ResolvedConnection;
    request: BuiltRequest | RawRequest;
    output: OutputFormat;
    stream: boolean;
    timeoutMs: number;
}

type Options = ReturnType<typeof parseOptions<typeof OPTIONS>>;

/** Resolves the options (and the stack outputs they point to) into a plan; UsageError when incomplete. */
export async function resolvePlan(argv: string[], env: NodeJS.ProcessEnv): Promise<InvokePlan | "help"> {
    const o = parseOptions(argv, OPTIONS);
    if (o.help) return "help";
    const outputs = loadStackOutputs({ stack: o.stack, outputsFile: o["outputs-file"] });
    let entry: LlmEndpointOutput | undefined;
    if (outputs) {
        entry =
            o["endpoint-name"] !== undefined && o.name === undefined
                ? outputs.llmEndpoints.find((e) => e.endpointName === o["endpoint-name"])
                : findEndpointOutput(outputs, o.name, true);
    }
    const endpointName = o["endpoint-name"] ?? entry?.endpointName;
    if (!endpointName) {
        throw new UsageError(
            outputs
                ? "the stack outputs have no endpointName for this deployment (not deployed yet?)"
                : "--stack, --outputs-file or --endpoint-name is required",
        );
    }
    const output = o.output ?? "text";
    if (!(OUTPUT_FORMATS as readonly string[]).includes(output)) throw new UsageError(`--output must be ${OUTPUT_FORMATS.join(" or ")}, got '${output}'`);
    return {
        endpointName,
        connection: await resolveConnection(o, outputs?.awsRegion, env, "SageMaker Runtime"),
        request: o.body !== undefined ? resolveRawRequest(o, entry, o.body) : resolveBuiltRequest(o, entry),
        output: output as OutputFormat,
        stream: !!o.stream,
        timeoutMs: numberOption("timeout", o.timeout, DEFAULT_TIMEOUT_SECONDS) * 1000,
    };
}

function resolveBuiltRequest(o: Options, entry: LlmEndpointOutput | undefined): BuiltRequest {
    const target = resolveTarget(o, entry);
    const { input, format } = resolveInput(o, target);
    const generation = resolveGeneration(o, format);
    const fromParameters = generation.extra?.[format === "tgi-generate" ? "max_new_tokens" : "max_tokens"];
    const maxNewTokens = generation.maxNewTokens ?? (typeof fromParameters === "number" ? fromParameters : DEFAULT_MAX_NEW_TOKENS);
    return { kind: "built", target, input, format, generation, maxNewTokens };
}

/** --body: sent as given, so the options that build a body are refused; the engine is needed only to name it. */
function resolveRawRequest(o: Options, entry: LlmEndpointOutput | undefined, body: string): RawRequest {
    const building = BODY_BUILDING_OPTIONS.filter((k) => o[k] !== undefined);
    if (building.length) {
        throw new UsageError(
            `--body is sent as it is: ${building.map((k) => `--${k}`).join(", ")} would build another body; put ${building.length > 1 ? "those fields" : "that field"} in --body, or leave --body out`,
        );
    }
    const target = o.engine !== undefined || entry?.engine !== undefined ? resolveTarget(o, entry) : undefined;
    if (body === "-") return { kind: "raw", target, body: "stdin" };
    return { kind: "raw", target, body: { text: checkedBody(inlineOrFile("body", body), `--body ${body.startsWith("@") ? body : "(inline)"}`, !!o.stream) } };
}

/**
 * A raw body must be a JSON object: what every engine's /invocations takes. Its "stream" must agree
 * with --stream: every engine here streams only when the body asks (engineApi.ts), and a streamed
 * answer through InvokeEndpoint arrives as one block of server-sent events. Returned unchanged.
 */
function checkedBody(text: string, from: string, stream: boolean): string {
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch (err) {
        throw new UsageError(
            `${from} is not JSON (${(err as Error).message}): give the request body as a JSON object, e.g. '{"messages": [...], "max_tokens": 64}'`,
        );
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
        throw new UsageError(`${from} must be a JSON object (the body /invocations takes), got ${JSON.stringify(parsed).slice(0, 80)}`);
    }
    const asksToStream = (parsed as Record<string, unknown>).stream === true;
    if (stream && !asksToStream) {
        throw new UsageError(
            `--stream with ${from}: the body does not ask for a stream; add "stream": true to it (the engines stream only when the body asks), or leave --stream out`,
        );
    }
    if (!stream && asksToStream) {
        throw new UsageError(`${from} asks for a stream ("stream": true): add --stream to print it as it comes, or remove "stream" from the body`);
    }
    return text;
}

/** The engine release from --engine/--engine-version, else the deployment's outputs. */
function resolveTarget(o: Options, entry: LlmEndpointOutput | undefined): EngineTarget {
    const choices = ENGINE_IDS.join(", ");
    const engineId = o.engine ?? entry?.engine;
    if (engineId === undefined) {
        throw new UsageError(
            entry
                ? `the stack outputs name no engine for deployment '${entry.name}' (llmEndpoints[].engine): pass --engine (${choices})`
                : `--engine is required with --endpoint-name: ${choices} (it decides the request body)`,
        );
    }
    const from = o.engine !== undefined ? "--engine" : "the stack outputs' llmEndpoints[].engine";
    const engine = findEngine(engineId);
    if (!engine) throw new UsageError(`${from} '${engineId}' is not a known engine: use ${choices}`);
    const fromOutputs = o["engine-version"] === undefined && entry?.engine === engine.id ? entry.engineVersion : undefined;
    const version = o["engine-version"] ?? fromOutputs ?? engine.defaultVersion;
    const release = findRelease(engine, version);
    if (!release) {
        const versionFrom = o["engine-version"] !== undefined ? "--engine-version" : "the stack outputs' llmEndpoints[].engineVersion";
        throw new UsageError(`${versionFrom} '${version}' is not a known ${engine.label} release: use ${engine.releases.map((r) => r.version).join(", ")}`);
    }
    return { engine, release };
}

function resolveInput(o: Options, target: EngineTarget): { input: EngineInput | StdinInput; format: RequestFormat } {
    const given = (["prompt", "chat", "messages"] as const).filter((k) => o[k] !== undefined);
    if (given.length > 1) throw new UsageError(`${given.map((k) => `--${k}`).join(" and ")} exclude each other: send a prompt or chat messages`);
    if (o.system !== undefined && (o.prompt !== undefined || o.messages !== undefined)) {
        throw new UsageError(
            o.prompt !== undefined
                ? "--system goes with --chat (a raw --prompt has no messages): use --chat, or put the instructions in the prompt"
                : `--system goes with --chat: with --messages, put a {"role": "system", ...} message first`,
        );
    }
    if (o.prompt !== undefined) {
        return { input: { kind: "prompt", prompt: o.prompt }, format: requestFormatFor(target, "prompt", "--prompt") };
    }
    if (o.chat !== undefined || o.messages !== undefined) {
        const option = o.chat !== undefined ? "--chat" : "--messages";
        const messages = o.chat !== undefined ? withSystem(o.system, o.chat) : parseMessages(o.messages as string);
        return { input: { kind: "chat", messages }, format: requestFormatFor(target, "chat", option) };
    }
    const as = o.system === undefined && acceptsRawPrompt(target.release) ? "prompt" : "chat";
    return { input: { kind: "stdin", as, system: o.system }, format: requestFormatFor(target, as, "standard input") };
}

function withSystem(system: string | undefined, user: string): ChatMessage[] {
    return [...(system !== undefined ? [{ role: "system" as const, content: system }] : []), { role: "user", content: user }];
}

/** An option's value given inline, or as `@file` for the file's text; UsageError when the file cannot be read. */
function inlineOrFile(option: string, value: string): string {
    if (!value.startsWith("@")) return value;
    try {
        return fs.readFileSync(value.slice(1), "utf8");
    } catch (err) {
        throw new UsageError(`--${option} ${value}: cannot read the file: ${(err as Error).message}`);
    }
}

/** --messages: a JSON array of {role, content}, inline or `@file`. */
export function parseMessages(value: string): ChatMessage[] {
    const text = inlineOrFile("messages", value);
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch (err) {
        throw new UsageError(`--messages is not JSON (${(err as Error).message}): expected [{"role": "user", "content": "..."}]`);
    }
    if (!Array.isArray(parsed) || parsed.length === 0) {
        throw new UsageError(`--messages must be a non-empty JSON array of {"role", "content"} objects, got ${JSON.stringify(parsed).slice(0, 80)}`);
    }
    return parsed.map((m: unknown, i) => {
        const message = m as Record<string, unknown> | null;
        if (!message || typeof message !== "object" || Array.isArray(message)) {
            throw new UsageError(`--messages[${i}] must be an object {"role", "content"}, got ${JSON.stringify(m)}`);
        }
        if (!(MESSAGE_ROLES as readonly unknown[]).includes(message.role)) {
            throw new UsageError(`--messages[${i}].role must be ${MESSAGE_ROLES.join(", ")}; got ${JSON.stringify(message.role)}`);
        }
        if (typeof message.content !== "string") {
            throw new UsageError(`--messages[${i}].content must be a string (text), got ${JSON.stringify(message.content)}`);
        }
        const extra = Object.keys(message).filter((k) => k !== "role" && k !== "content");
        if (extra.length) throw new UsageError(`--messages[${i}] has fields this tool does not send: ${extra.join(", ")} (only role and content)`);
        return { role: message.role as ChatMessage["role"], content: message.content };
    });
}

function resolveGeneration(o: Options, format: RequestFormat): Generation {
    let extra: Record<string, unknown> = {};
    const into = format === "tgi-generate" ? "TGI's parameters" : "the request body";
    if (o.parameters !== undefined) {
        try {
            extra = JSON.parse(o.parameters) as Record<string, unknown>;
        } catch (err) {
            throw new UsageError(`--parameters is not JSON: ${(err as Error).message}`);
        }
        if (!extra || typeof extra !== "object" || Array.isArray(extra)) throw new UsageError(`--parameters must be a JSON object of fields for ${into}`);
        const reserved = Object.keys(extra).filter((k) => RESERVED_FIELDS.includes(k));
        if (reserved.length) {
            throw new UsageError(`--parameters may not set ${reserved.join(", ")}: the text comes from --prompt/--chat/--messages, streaming from --stream`);
        }
    }
    let maxNewTokens: number | undefined;
    if (o["max-new-tokens"] !== undefined) {
        maxNewTokens = numberOption("max-new-tokens", o["max-new-tokens"], DEFAULT_MAX_NEW_TOKENS, 1, true);
        if (!Number.isInteger(maxNewTokens)) throw new UsageError(`--max-new-tokens must be a whole number, got '${o["max-new-tokens"]}'`);
    }
    let temperature: number | undefined;
    if (o.temperature !== undefined) {
        // TGI's generate body rejects 0 ("`temperature` must be strictly positive"); greedy is its default without it.
        temperature = format === "tgi-generate" ? numberOption("temperature", o.temperature, 1, 0) : numberOption("temperature", o.temperature, 1, 0, true);
    }
    if (o.model !== undefined && format === "tgi-generate") {
        throw new UsageError(`--model '${o.model}': TGI's generate body has no model field (TGI serves one model); leave --model out`);
    }
    return { maxNewTokens, temperature, extra, model: o.model };
}

async function readStdin(io: CliIo): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of io.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    return Buffer.concat(chunks).toString("utf8");
}

/** The body to send: built from the input (read from standard input if it is there), or the raw one. */
async function requestText(plan: InvokePlan, io: CliIo): Promise<string> {
    const request = plan.request;
    if (request.kind === "raw") {
        if (request.body !== "stdin") return request.body.text;
        if (io.stdin.isTTY) throw new UsageError("--body - reads the body from standard input: pipe it in");
        return checkedBody(await readStdin(io), "the body on standard input (--body -)", plan.stream);
    }
    let input = request.input;
    if (input.kind === "stdin") {
        if (io.stdin.isTTY) throw new UsageError("--chat, --messages or --prompt is required (or pipe the text on standard input)");
        const text = (await readStdin(io)).trim();
        if (!text) throw new UsageError("standard input is empty: pass --chat, --messages or --prompt, or pipe text on standard input");
        input = input.as === "prompt" ? { kind: "prompt", prompt: text } : { kind: "chat", messages: withSystem(input.system, text) };
    }
    return JSON.stringify(requestBody(request.format, input, request.generation, plan.stream));
}

/** The text of a non-streamed answer as --output and the request's kind say. */
function printedAnswer(plan: InvokePlan, answer: Uint8Array): string {
    const { request } = plan;
    if (plan.output === "json") return `${answerJson(request.target, answer)}\n`;
    if (request.kind === "built") return `${answerText(request.target, request.format, answer)}\n`;
    return withFinalNewline(new TextDecoder().decode(answer));
}

const withFinalNewline = (text: string) => (text === "" || text.endsWith("\n") ? text : `${text}\n`);

/** What to print of each streamed PayloadPart: decoded events, or (a raw body's text output) the bytes as they come. */
function streamReader(plan: InvokePlan): { push(bytes: Uint8Array): string[]; end(): string[] } {
    const { request } = plan;
    if (plan.output === "json") return new StreamDecoder(request.target, "events");
    if (request.kind === "built") return new StreamDecoder(request.target, request.format);
    const decoder = new TextDecoder("utf-8");
    return { push: (bytes) => [decoder.decode(bytes, { stream: true })], end: () => [decoder.decode()] };
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
    return runCommand(io, "invoke", async () => {
        const plan = await resolvePlan(argv, io.env);
        if (plan === "help") {
            io.stdout.write(`${USAGE}\n`);
            return;
        }
        const { request } = plan;
        const client = new RuntimeClient(plan.connection, {
            container: request.target ? targetLabel(request.target) : undefined,
            maxNewTokens: request.kind === "built" ? request.maxNewTokens : undefined,
        });
        try {
            await client.resolveApiEndpoint();
            for (const note of plan.connection.notes) io.stderr.write(`! ${note}\n`);
            const body = await requestText(plan, io);
            if (!plan.stream) {
                io.stdout.write(printedAnswer(plan, await client.invoke(plan.endpointName, body, plan.timeoutMs)));
                return;
            }
            const reader = streamReader(plan);
            let last = "\n";
            const print = (pieces: string[]) => {
                for (const text of pieces.filter((p) => p !== "")) {
                    io.stdout.write(text);
                    last = text;
                }
            };
            try {
                for await (const bytes of client.invokeStream(plan.endpointName, body, plan.timeoutMs)) print(reader.push(bytes));
                print(reader.end());
            } finally {
                // End the line of text, also before an error message.
                if (!last.endsWith("\n")) io.stdout.write("\n");
            }
        } finally {
            client.destroy();
        }
    });
}

if (require.main === module) runAsScript(main);
