/**
 * What the serving engines' SageMaker route `/invocations` speaks, as pure functions: the request
 * body for a release's formats (policies/catalog/engines.ts `requestFormats`), the text of an answer, and the
 * text pieces of a streamed answer (server-sent events, parsed with eventsource-parser).
 *
 * Request bodies (RequestFormat):
 * - "chat": OpenAI chat completions, `{"messages": [{"role", "content"}], "max_tokens", "temperature"?,
 *   "model"?, "stream"?}`. vLLM tries it first on /invocations (vllm-project/vllm
 *   vllm/entrypoints/sagemaker/api_router.py); it is SGLang's only body (sgl-project/sglang
 *   python/sglang/srt/entrypoints/http_server.py `sagemaker_chat_completions`); TGI ≥ 2.4 takes it
 *   after the generate body (huggingface/text-generation-inference router/src/sagemaker.rs).
 *   `model`, when sent, must be the served model name (vLLM answers 404 otherwise), so it is sent only
 *   when the caller names one.
 * - "completions": OpenAI completions, `{"prompt", "max_tokens", ...}` (vLLM after chat; TGI ≥ 2.4 last).
 * - "tgi-generate": `{"inputs", "parameters": {"max_new_tokens", "temperature", "do_sample", ...},
 *   "stream"?}` (TGI router/src/lib.rs `CompatGenerateRequest`); every TGI release takes it.
 *
 * Answers:
 * - chat: `{"choices": [{"message": {"role": "assistant", "content": "..."}, ...}], "usage": {...}}`;
 *   completions: `{"choices": [{"text": "..."}]}`; generate: `[{"generated_text": "..."}]` (TGI wraps
 *   the object in an array, router/src/server.rs `compat_generate`).
 * - Errors, whatever the format: TGI `{"error": "...", "error_type": "..."}` (router/src/lib.rs
 *   `ErrorResponse`); vLLM `{"error": {"message", "type", "param", "code"}}` (vllm/entrypoints/openai/
 *   engine/protocol.py `ErrorResponse`/`ErrorInfo`), older vLLM and SGLang `{"object": "error",
 *   "message", "type", "param", "code"}` (sgl-project/sglang python/sglang/srt/entrypoints/openai/
 *   protocol.py `ErrorResponse`).
 *
 * Streams (`"stream": true`, through InvokeEndpointWithResponseStream as PayloadPart bytes cut
 * anywhere, even inside a UTF-8 character):
 * - vLLM and SGLang: `data: {json}\n\n` events with a space, ending `data: [DONE]\n\n`
 *   (vllm/entrypoints/openai/chat_completion/serving.py; sglang .../openai/serving_chat.py). Chat
 *   chunks carry text in `choices[0].delta.content` (the first chunk may carry only `delta.role`,
 *   reasoning parsers send `delta.reasoning_content` or `delta.reasoning`, which are not printed); a
 *   usage chunk has `choices: []`; completions chunks carry `choices[0].text`. An error inside the
 *   stream is `data: {"error": {...}}` (vLLM `create_streaming_error_response`; SGLang
 *   .../openai/serving_base.py wraps its ErrorResponse the same way).
 * - TGI: axum writes `data:` without a space (tokio-rs/axum axum/src/response/sse.rs) and may send
 *   keep-alive comment lines starting with `:`. Generate events are `{"index", "token": {"id",
 *   "text", "logprob", "special"}, "generated_text": null | "<all>", "details"}` with no `[DONE]`;
 *   special tokens (`</s>`) are not text. Chat and completions chunks as OpenAI's, ending
 *   `data:[DONE]` (router/src/server.rs). Errors are `data:{"error": "...", "error_type": "..."}`
 *   (server.rs `impl From<InferError> for Event`).
 */
import { createParser, EventSourceParser } from "eventsource-parser";
import { Engine, EngineRelease, RequestFormat } from "../policies/catalog/engines";
import { OperationError, UsageError } from "./cli";

/** Tokens to generate when the caller does not say. */
export const DEFAULT_MAX_NEW_TOKENS = 256;

/** Roles a message may have here (tool messages need tool-call ids this tool does not send). */
export const MESSAGE_ROLES = ["system", "user", "assistant"] as const;

export interface ChatMessage {
    role: (typeof MESSAGE_ROLES)[number];
    content: string;
}

/** What to send: a raw prompt the model continues, or chat messages the engine renders with the model's chat template. */
export type EngineInput = { kind: "prompt"; prompt: string } | { kind: "chat"; messages: ChatMessage[] };

/** Generation settings, mapped onto each format's fields. */
export interface Generation {
    /** `max_tokens` (OpenAI) or `parameters.max_new_tokens` (TGI generate); default DEFAULT_MAX_NEW_TOKENS. */
    maxNewTokens?: number;
    /** `temperature`; TGI generate also gets `do_sample: true`. Undefined: the engine's default. */
    temperature?: number;
    /** More fields: into the body (OpenAI formats) or into `parameters` (TGI generate); the options above win. */
    extra?: Record<string, unknown>;
    /** OpenAI `model`: must be the served model name; undefined: not sent. */
    model?: string;
}

/** An engine release, as policies/catalog/engines.ts lists it. */
export interface EngineTarget {
    engine: Engine;
    release: EngineRelease;
}

/** "vLLM 0.21.0", for messages. */
export function targetLabel(target: EngineTarget): string {
    return `${target.engine.label} ${target.release.version}`;
}

/** Formats that take a raw prompt. */
const RAW_FORMATS: RequestFormat[] = ["tgi-generate", "completions"];

/** Body fields the tool sets itself; --parameters may not set them. */
export const RESERVED_FIELDS = ["messages", "prompt", "inputs", "parameters", "stream"];

/** Whether the release takes a raw prompt at all. */
export function acceptsRawPrompt(release: EngineRelease): boolean {
    return release.requestFormats.some((f) => RAW_FORMATS.includes(f));
}

/**
 * The format an input goes out in: chat messages as "chat"; a raw prompt in the release's first raw
 * format as listed (TGI: its generate body; vLLM: completions). UsageError, naming `option`, when the
 * release takes no body for this input.
 */
export function requestFormatFor(target: EngineTarget, input: EngineInput["kind"], option: string): RequestFormat {
    const { engine, release } = target;
    if (input === "chat") {
        if (release.requestFormats.includes("chat")) return "chat";
        const withChat = engine.releases.filter((r) => r.requestFormats.includes("chat")).map((r) => r.version);
        throw new UsageError(
            `${option}: ${targetLabel(target)}'s /invocations takes only ${describeFormats(release.requestFormats)}, not chat messages. ` +
                (withChat.length
                    ? `Chat needs ${engine.label} ${withChat.join(" or ")} (--engine-version) or another engine; with this release use --prompt.`
                    : `Use --prompt.`),
        );
    }
    const raw = release.requestFormats.find((f) => RAW_FORMATS.includes(f));
    if (raw) return raw;
    throw new UsageError(
        `${option}: ${targetLabel(target)}'s /invocations takes only ${describeFormats(release.requestFormats)}, not a raw prompt: use --chat <text> or --messages <json>.`,
    );
}

function describeFormats(formats: RequestFormat[]): string {
    const names: Record<RequestFormat, string> = {
        chat: "chat messages (OpenAI chat completions)",
        completions: "OpenAI completions",
        "tgi-generate": 'the generate body ({"inputs": ...})',
    };
    return formats.map((f) => names[f]).join(", ");
}

/** The JSON request body. */
export function requestBody(format: RequestFormat, input: EngineInput, generation: Generation, stream: boolean): Record<string, unknown> {
    const extra = generation.extra ?? {};
    if (format === "tgi-generate") {
        if (input.kind !== "prompt") throw new Error("the TGI generate body takes a prompt");
        const parameters: Record<string, unknown> = { max_new_tokens: DEFAULT_MAX_NEW_TOKENS, ...extra };
        if (generation.maxNewTokens !== undefined) parameters.max_new_tokens = generation.maxNewTokens;
        if (generation.temperature !== undefined) {
            // TGI samples only with do_sample (router/src/validation.rs); greedy otherwise.
            parameters.temperature = generation.temperature;
            parameters.do_sample = true;
        }
        return { inputs: input.prompt, parameters, ...(stream ? { stream: true } : {}) };
    }
    if ((format === "chat") !== (input.kind === "chat")) throw new Error(`the ${format} body does not take a ${input.kind} input`);
    const body: Record<string, unknown> = input.kind === "chat" ? { messages: input.messages } : { prompt: input.prompt };
    Object.assign(body, { max_tokens: DEFAULT_MAX_NEW_TOKENS }, extra);
    if (generation.maxNewTokens !== undefined) body.max_tokens = generation.maxNewTokens;
    if (generation.temperature !== undefined) body.temperature = generation.temperature;
    if (generation.model !== undefined) body.model = generation.model;
    if (stream) body.stream = true;
    return body;
}

/** An engine's error object, in any of the shapes above; undefined when `value` is not one. */
export function engineError(value: unknown): { message: string; type?: string; code?: string } | undefined {
    if (!value || typeof value !== "object" || Array.isArray(value)) return undefined;
    const o = value as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === "string" || typeof v === "number" ? String(v) : undefined);
    if (typeof o.error === "string") return { message: o.error, type: str(o.error_type) };
    if (o.error && typeof o.error === "object") {
        const e = o.error as Record<string, unknown>;
        return { message: str(e.message) ?? JSON.stringify(e), type: str(e.type), code: str(e.code) };
    }
    if (o.object === "error") return { message: str(o.message) ?? JSON.stringify(o), type: str(o.type), code: str(o.code) };
    return undefined;
}

/** "message (type, code)" of an error body's text; the text itself when it is not an engine error. */
export function errorBodyMessage(text: string): string {
    try {
        const error = engineError(JSON.parse(text));
        if (error) return describeError(error);
    } catch {
        // not JSON (TGI's axum answers a body it cannot deserialize in plain text): as it is
    }
    return text.trim();
}

function describeError(error: { message: string; type?: string; code?: string }): string {
    const detail = [error.type, error.code].filter((d) => d !== undefined && d !== "").join(", ");
    return detail ? `${error.message} (${detail})` : error.message;
}

const excerpt = (text: string) => (text.length > 300 ? `${text.slice(0, 300)}…` : text);

/** The generated text of a non-streamed answer; OperationError naming the engine otherwise. */
export function answerText(target: EngineTarget, format: RequestFormat, body: Uint8Array): string {
    const label = targetLabel(target);
    const text = new TextDecoder().decode(body);
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch {
        throw new OperationError(`${label} answered with something other than JSON: ${excerpt(text) || "(empty body)"}`);
    }
    const error = engineError(Array.isArray(parsed) ? parsed[0] : parsed);
    if (error) throw new OperationError(`${label} error: ${describeError(error)}`);
    const found = format === "tgi-generate" ? generatedText(parsed) : choiceText(parsed, format);
    if (found !== undefined) return found;
    const where = { chat: "choices[0].message.content", completions: "choices[0].text", "tgi-generate": "generated_text" }[format];
    throw new OperationError(
        `${label}'s answer has no text in ${where} (is the endpoint running ${label}? --engine and --engine-version name it): ${excerpt(text)}`,
    );
}

/**
 * A non-streamed answer as JSON for --output json: parsed and printed with two-space indents, an
 * engine's error object refused as answerText refuses it. `target` only names the engine in messages.
 */
export function answerJson(target: EngineTarget | undefined, body: Uint8Array): string {
    const label = target ? targetLabel(target) : "the endpoint";
    const text = new TextDecoder().decode(body);
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch {
        throw new OperationError(`${label} answered with something other than JSON (--output json prints JSON): ${excerpt(text) || "(empty body)"}`);
    }
    const error = engineError(Array.isArray(parsed) ? parsed[0] : parsed);
    if (error) throw new OperationError(`${label} error: ${describeError(error)}`);
    return JSON.stringify(parsed, null, 2);
}

function generatedText(parsed: unknown): string | undefined {
    const first = (Array.isArray(parsed) ? parsed[0] : parsed) as { generated_text?: unknown } | undefined;
    return first && typeof first.generated_text === "string" ? first.generated_text : undefined;
}

function choiceText(parsed: unknown, format: "chat" | "completions"): string | undefined {
    const choices = (parsed as { choices?: unknown } | null)?.choices;
    if (!Array.isArray(choices) || choices.length === 0) return undefined;
    const choice = choices[0] as { message?: { content?: unknown }; text?: unknown } | null;
    const value = format === "chat" ? choice?.message?.content : choice?.text;
    return typeof value === "string" ? value : undefined;
}

/**
 * How a stream's events are printed: the text of each in a release's format, or with "events" (for
 * --output json) each event's JSON on a line of its own (JSON Lines), `[DONE]` and comments left out.
 */
export type StreamReading = RequestFormat | "events";

/**
 * Turns the bytes of PayloadPart events into what to print: decodes UTF-8 across parts
 * (TextDecoder in stream mode), parses server-sent events with eventsource-parser (`data:` with or
 * without a space, LF/CR/CRLF, comments), and reads each event as `reading` says. An engine's error
 * event stops the stream with an OperationError either way.
 */
export class StreamDecoder {
    private readonly decoder = new TextDecoder("utf-8");
    private readonly parser: EventSourceParser;
    private readonly label: string;
    private pieces: string[] = [];
    private events = 0;
    private head = "";
    private done = false;

    /** `target` names the engine in messages (undefined: "the endpoint"). */
    constructor(
        target: EngineTarget | undefined,
        private readonly reading: StreamReading,
    ) {
        this.label = target ? targetLabel(target) : "the endpoint";
        this.parser = createParser({ onEvent: (event) => this.onData(event.data) });
    }

    /** Text completed by these bytes (possibly none). */
    push(bytes: Uint8Array): string[] {
        const text = this.decoder.decode(bytes, { stream: true });
        if (this.head.length < 300) this.head += text.slice(0, 300 - this.head.length);
        return this.feed(text);
    }

    /** Text left when the stream ends; an error when no event came at all. */
    end(): string[] {
        // A last event without its blank line (a stream cut short) still counts.
        const pieces = this.feed(`${this.decoder.decode()}\n\n`);
        if (this.events === 0 && this.head.trim() !== "") {
            throw new OperationError(
                `${this.label} sent no server-sent events (is the endpoint running ${this.label}? --engine and --engine-version name it): ${excerpt(this.head)}`,
            );
        }
        return pieces;
    }

    private feed(text: string): string[] {
        this.parser.feed(text);
        const pieces = this.pieces;
        this.pieces = [];
        return pieces;
    }

    private onData(data: string): void {
        this.events++;
        if (data.trim() === "[DONE]") {
            this.done = true;
            return;
        }
        if (this.done || data.trim() === "") return;
        let event: unknown;
        try {
            event = JSON.parse(data);
        } catch {
            throw new OperationError(`${this.label} streamed an event that is not JSON: ${excerpt(data)}`);
        }
        const error = engineError(event);
        if (error) throw new OperationError(`${this.label} error while generating: ${describeError(error)}`);
        if (this.reading === "events") {
            this.pieces.push(`${JSON.stringify(event)}\n`);
            return;
        }
        const text = this.reading === "tgi-generate" ? tokenText(event) : deltaText(event, this.reading);
        if (text) this.pieces.push(text);
    }
}

function tokenText(event: unknown): string {
    const token = (event as { token?: { text?: unknown; special?: unknown } } | null)?.token;
    return token && !token.special && typeof token.text === "string" ? token.text : "";
}

function deltaText(event: unknown, format: "chat" | "completions"): string {
    const choices = (event as { choices?: unknown } | null)?.choices;
    if (!Array.isArray(choices)) return "";
    return choices
        .filter((c: { index?: unknown }) => (c?.index ?? 0) === 0)
        .map((c: { delta?: { content?: unknown }; text?: unknown }) => (format === "chat" ? c?.delta?.content : c?.text))
        .filter((t): t is string => typeof t === "string")
        .join("");
}
