/**
 * The Hugging Face Text Generation Inference (TGI) wire format behind a SageMaker endpoint:
 *
 * - Request: `{"inputs": "<prompt>", "parameters": {"max_new_tokens": 256, ...}}`, plus
 *   `"stream": true` for a streamed answer (TGI's SageMaker route /invocations picks generate or
 *   generate_stream from it).
 * - Answer: `[{"generated_text": "..."}]` (an object instead of the array is accepted too), or
 *   `{"error": "...", "error_type": "..."}`.
 * - Streamed answer: server-sent events, one JSON object per `data:` line, e.g.
 *   `data:{"index":1,"token":{"id":22557,"text":"Hello","logprob":-0.4,"special":false},"generated_text":null,"details":null}`;
 *   the last event also carries `generated_text`; a failure is `data:{"error":"...","error_type":"..."}`.
 *   Through InvokeEndpointWithResponseStream these bytes arrive in PayloadPart events cut at
 *   arbitrary places, even inside a UTF-8 character, so decoding keeps the unfinished line.
 */
import { OperationError } from "./cli";

/** Builds the JSON request body. */
export function tgiRequestBody(prompt: string, parameters: Record<string, unknown>, stream: boolean): string {
    return JSON.stringify({ inputs: prompt, parameters, ...(stream ? { stream: true } : {}) });
}

/** The generated text of a (non-streamed) TGI answer. */
export function generatedText(body: Uint8Array): string {
    const text = new TextDecoder().decode(body);
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch {
        throw new OperationError(`the endpoint answered with something other than JSON: ${text.slice(0, 200)}`);
    }
    const first = (Array.isArray(parsed) ? parsed[0] : parsed) as { generated_text?: unknown; error?: unknown; error_type?: unknown } | undefined;
    if (first && typeof first.generated_text === "string") return first.generated_text;
    if (first && typeof first.error === "string")
        throw new OperationError(`TGI error${first.error_type ? ` (${String(first.error_type)})` : ""}: ${first.error}`);
    throw new OperationError(`the endpoint's answer has no generated_text (is it a TGI container?): ${text.slice(0, 200)}`);
}

/** One server-sent event of TGI's generate_stream. */
export interface TgiStreamEvent {
    token?: { id?: number; text: string; special?: boolean };
    generated_text?: string | null;
    error?: string;
    error_type?: string;
}

/**
 * Turns the bytes of PayloadPart events into TGI stream events: decodes UTF-8 across part
 * boundaries, splits lines (LF or CRLF), and parses each `data:` line; other SSE fields
 * (`event:`, `id:`, comments) are ignored.
 */
export class TgiStreamDecoder {
    private readonly decoder = new TextDecoder("utf-8");
    private pending = "";

    /** Events completed by these bytes. */
    push(bytes: Uint8Array): TgiStreamEvent[] {
        this.pending += this.decoder.decode(bytes, { stream: true });
        const lines = this.pending.split(/\r?\n/);
        this.pending = lines.pop() ?? "";
        return lines.flatMap((line) => parseDataLine(line));
    }

    /** Events left when the stream ends (a last line without a newline). */
    end(): TgiStreamEvent[] {
        const rest = this.pending + this.decoder.decode();
        this.pending = "";
        return rest ? parseDataLine(rest) : [];
    }
}

function parseDataLine(line: string): TgiStreamEvent[] {
    if (!line.startsWith("data:")) return [];
    const data = line.slice(5).replace(/^ /, "");
    if (data.trim() === "" || data.trim() === "[DONE]") return [];
    try {
        return [JSON.parse(data) as TgiStreamEvent];
    } catch {
        throw new OperationError(`the endpoint streamed a line that is not TGI JSON: ${line.slice(0, 200)}`);
    }
}

/** The text to print for an event: a generated token's text; nothing for special tokens (</s>). */
export function printableToken(event: TgiStreamEvent): string {
    if (event.error !== undefined) throw new OperationError(`TGI error while generating${event.error_type ? ` (${event.error_type})` : ""}: ${event.error}`);
    return event.token && !event.token.special ? event.token.text : "";
}
