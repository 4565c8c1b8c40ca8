/**
 * The sample notebook the research notebook's lifecycle configuration writes, as pure functions (no
 * Pulumi), so the settings can check the script's size before anything is created.
 *
 * The notebook speaks each endpoint's `/invocations` API (see tools/engineApi.ts for the formats and
 * their sources): the OpenAI chat-completions body where the engine release takes it (vLLM, SGLang,
 * TGI from 2.4.0: policies/catalog/engines.ts `requestFormats`), TGI's generate body `{"inputs", "parameters"}`
 * for older TGI releases; and it reads streamed answers, whose server-sent events come as
 * `data: {json}` (vLLM, SGLang) or `data:{json}` (TGI), ending with `data: [DONE]` or, for TGI's
 * generate events, without it.
 */
import { ENGINES, EngineId, findRelease } from "../policies/catalog/engines";

/** SageMaker's limit on a lifecycle configuration script (base64 of OnCreate). */
export const LIFECYCLE_SCRIPT_MAX_CHARS = 16384;

/** Where the lifecycle script writes the sample notebook. */
export const SAMPLE_NOTEBOOK_PATH = "/home/ec2-user/SageMaker/invoke-endpoints.ipynb";

/** One deployment the notebook calls. */
export interface SampleEndpoint {
    endpointName: string;
    engine: EngineId;
    /** The engine release (policies/catalog/engines.ts), which decides the request body. */
    engineVersion: string;
    /** The name the engine serves the model as (the catalog's Hub id); sent as `model` where the engine has one. */
    servedModelName: string;
}

/** The Python literal of the notebook's ENDPOINTS table: deployment → endpoint, body ("chat" | "generate") and model. */
function endpointTable(endpoints: Record<string, SampleEndpoint>): string {
    const table = Object.fromEntries(
        Object.entries(endpoints).map(([name, e]) => {
            const engine = ENGINES[e.engine];
            const release = engine && findRelease(engine, e.engineVersion);
            if (!release) throw new Error(`sample notebook: deployment '${name}' has an unknown engine release ${e.engine} ${e.engineVersion}`);
            const api = release.requestFormats.includes("chat") ? "chat" : "generate";
            // `model` must equal the served name where the engine sets one (vLLM, SGLang); TGI has none.
            return [name, { endpoint: e.endpointName, api, ...(engine.variables.servedModelName ? { model: e.servedModelName } : {}) }];
        }),
    );
    // JSON strings, objects and arrays are Python literals too (no true/false/null here).
    return JSON.stringify(table);
}

/** A Jupyter notebook (nbformat 4) that chats with this stack's endpoints with boto3. */
export function sampleNotebook(region: string, endpoints: Record<string, SampleEndpoint>): string {
    const lines = (text: string[]) => text.map((l, i) => (i < text.length - 1 ? `${l}\n` : l));
    const code = (text: string[]) => ({ cell_type: "code", metadata: {}, execution_count: null, outputs: [], source: lines(text) });
    const markdown = (text: string[]) => ({ cell_type: "markdown", metadata: {}, source: lines(text) });
    const notebook = {
        nbformat: 4,
        nbformat_minor: 5,
        metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" } },
        cells: [
            markdown([
                "# Chat with this stack's LLM endpoints",
                "",
                'Through the VPC\'s private endpoints. vLLM, SGLang and TGI 2.4+ take OpenAI chat-completions bodies on `/invocations`; older TGI releases take only `{"inputs": prompt}`.',
                "A real-time invocation must answer within 60 seconds: stream long answers.",
            ]),
            code([
                "import json",
                "import boto3",
                "",
                "# deployment: endpoint, request body (chat or TGI generate), served model name",
                `ENDPOINTS = ${endpointTable(endpoints)}`,
                "FIRST = next(iter(ENDPOINTS))",
                `runtime = boto3.client("sagemaker-runtime", region_name=${JSON.stringify(region)})`,
                "",
                "def request(messages, model, max_tokens, temperature, stream):",
                "    e = ENDPOINTS[model]",
                '    if e["api"] == "chat":',
                '        body = {"messages": messages, "max_tokens": max_tokens}',
                '        if "model" in e:',
                '            body["model"] = e["model"]',
                "        if temperature is not None:",
                '            body["temperature"] = temperature',
                "    else:  # TGI before 2.4: a plain prompt, without the model's chat template",
                '        body = {"inputs": "\\n\\n".join(m["content"] for m in messages), "parameters": {"max_new_tokens": max_tokens}}',
                "        if temperature:  # TGI refuses 0; greedy without it",
                '            body["parameters"].update(temperature=temperature, do_sample=True)',
                "    if stream:",
                '        body["stream"] = True',
                '    return e, {"EndpointName": e["endpoint"], "ContentType": "application/json", "Body": json.dumps(body)}',
                "",
                "def chat(messages, model=FIRST, max_tokens=256, temperature=None):",
                "    e, args = request(messages, model, max_tokens, temperature, False)",
                '    answer = json.loads(runtime.invoke_endpoint(**args)["Body"].read())',
                '    return answer["choices"][0]["message"]["content"] if e["api"] == "chat" else answer[0]["generated_text"]',
                "",
                'print(chat([{"role": "user", "content": "Explain in two sentences what a VPC endpoint is."}]))',
            ]),
            code([
                "def chat_stream(messages, model=FIRST, max_tokens=256, temperature=None):",
                '    """Yields the text as it is generated, from server-sent events ("data: {...}" or "data:{...}")."""',
                "    e, args = request(messages, model, max_tokens, temperature, True)",
                '    buffer = b""',
                '    for part in runtime.invoke_endpoint_with_response_stream(**args)["Body"]:',
                '        *lines, buffer = (buffer + part.get("PayloadPart", {}).get("Bytes", b"")).split(b"\\n")',
                "        for line in lines:",
                '            data = line[5:].strip() if line.startswith(b"data:") else b""  # skip blank and ": keep-alive" lines',
                '            if data == b"[DONE]":',
                "                return",
                "            if not data:",
                "                continue",
                "            event = json.loads(data)",
                '            if "error" in event:',
                '                raise RuntimeError(event["error"])',
                '            if e["api"] == "chat":  # choices is empty in a usage chunk',
                '                yield "".join(c["delta"].get("content") or "" for c in event["choices"])',
                '            elif not event["token"]["special"]:',
                '                yield event["token"]["text"]',
                "",
                'for text in chat_stream([{"role": "user", "content": "Write a haiku about private networks."}]):',
                '    print(text, end="", flush=True)',
            ]),
        ],
    };
    return JSON.stringify(notebook);
}

/** On-create script: writes the sample notebook, owned by the notebook user. */
export function sampleNotebookScript(region: string, endpoints: Record<string, SampleEndpoint>): string {
    return [
        "#!/bin/bash",
        "set -euo pipefail",
        "mkdir -p /home/ec2-user/SageMaker",
        // A quoted heredoc keeps the JSON byte for byte.
        `cat > '${SAMPLE_NOTEBOOK_PATH}' <<'NOTEBOOK_JSON'`,
        sampleNotebook(region, endpoints),
        "NOTEBOOK_JSON",
        "chown -R ec2-user:ec2-user /home/ec2-user/SageMaker",
        "",
    ].join("\n");
}

/** Length of the base64 on-create script for these endpoints. */
export function lifecycleScriptLength(region: string, endpoints: Record<string, SampleEndpoint>): number {
    return Buffer.from(sampleNotebookScript(region, endpoints)).toString("base64").length;
}
