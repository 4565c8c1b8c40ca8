/**
 * `npm run invoke -- --stack <name> [--prompt ...] [--stream]`: sends a prompt to a stack's
 * SageMaker endpoint (TGI container) and prints the generated text; with --stream, the tokens as
 * they are generated. The endpoint and region come from the stack's outputs (the pulumi CLI, or a
 * file of `pulumi stack output --json`) or from --endpoint-name and --region.
 *
 * Exit codes: 0 answered, 1 the invocation failed, 2 usage.
 */
import { regionFrom } from "./awsConfig";
import { CliIo, numberOption, parseOptions, processIo, runAsScript, runCommand, UsageError } from "./cli";
import { RuntimeClient } from "./runtimeClient";
import { findEndpointOutput, loadStackOutputs } from "./stackOutputs";
import { generatedText, printableToken, tgiRequestBody, TgiStreamDecoder, TgiStreamEvent } from "./tgi";

export const DEFAULT_TIMEOUT_SECONDS = 60;
export const DEFAULT_MAX_NEW_TOKENS = 256;

export const USAGE = `Usage: npm run invoke -- (--stack <name> | --outputs-file <file> | --endpoint-name <name>) [options]

Sends a prompt to a SageMaker endpoint running Hugging Face TGI and prints the generated text.

Endpoint:
  -s, --stack <name>          read the endpoint (llmEndpoints[].endpointName) and region (awsRegion)
                              from the stack's outputs, with the pulumi CLI
      --outputs-file <file>   the same from a file: pulumi stack output --json -s <stack> > <file>
      --name <deployment>     which deployment (llmEndpoints[].name) when the stack has several
  -e, --endpoint-name <name>  the endpoint itself, instead of stack outputs
      --region <region>       AWS region (default: outputs' awsRegion, AWS_REGION,
                              AWS_DEFAULT_REGION, the profile's region)
      --fips                  the SageMaker Runtime FIPS endpoint: runtime-fips.sagemaker.<region>
                              in commercial US regions; in GovCloud the standard endpoint
                              (runtime.sagemaker.us-gov-*.amazonaws.com) is the FIPS endpoint
      --endpoint-url <url>    another SageMaker Runtime endpoint (a local stand-in)
Request:
  -p, --prompt <text>         the prompt (default: read from standard input)
      --max-new-tokens <n>    tokens to generate                 (default: ${DEFAULT_MAX_NEW_TOKENS})
      --temperature <t>       sample at this temperature (> 0)   (default: greedy decoding)
      --parameters <json>     more TGI parameters, e.g. '{"top_p":0.9,"stop":["\\n\\n"]}'
      --stream                print tokens as they are generated (InvokeEndpointWithResponseStream)
      --timeout <seconds>     give up after this long without an answer, or with --stream without
                              a new token                        (default: ${DEFAULT_TIMEOUT_SECONDS}, SageMaker's limit)
  -h, --help                  show this help

Environment: AWS credentials (AWS_PROFILE, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY); AWS_MAX_ATTEMPTS
(the SDK's attempts on throttling and transient errors, default 3).

Exit codes: 0 answered, 1 the invocation failed (model error, unknown endpoint, throttling, timeout),
2 usage. The generated text goes to stdout, everything else to stderr.`;

const OPTIONS = {
    stack: { type: "string", short: "s" },
    "outputs-file": { type: "string" },
    name: { type: "string" },
    "endpoint-name": { type: "string", short: "e" },
    region: { type: "string" },
    fips: { type: "boolean" },
    "endpoint-url": { type: "string" },
    prompt: { type: "string", short: "p" },
    "max-new-tokens": { type: "string" },
    temperature: { type: "string" },
    parameters: { type: "string" },
    stream: { type: "boolean" },
    timeout: { type: "string" },
    help: { type: "boolean", short: "h" },
} as const;

export interface InvokePlan {
    endpointName: string;
    region?: string;
    fips: boolean;
    endpointUrl?: string;
    /** The prompt; undefined: read standard input. */
    prompt?: string;
    parameters: Record<string, unknown>;
    stream: boolean;
    timeoutMs: number;
}

/** Resolves the options (and the stack outputs they point to) into a plan; UsageError when incomplete. */
export function resolvePlan(argv: string[], env: NodeJS.ProcessEnv): InvokePlan | "help" {
    const o = parseOptions(argv, OPTIONS);
    if (o.help) return "help";
    const outputs = loadStackOutputs({ stack: o.stack, outputsFile: o["outputs-file"] });
    const endpointName = o["endpoint-name"] ?? (outputs ? findEndpointOutput(outputs, o.name, true)?.endpointName : undefined);
    if (!endpointName) {
        throw new UsageError(
            outputs
                ? "the stack outputs have no endpointName for this deployment (not deployed yet?)"
                : "--stack, --outputs-file or --endpoint-name is required",
        );
    }

    let extra: Record<string, unknown> = {};
    if (o.parameters !== undefined) {
        try {
            extra = JSON.parse(o.parameters) as Record<string, unknown>;
        } catch (err) {
            throw new UsageError(`--parameters is not JSON: ${(err as Error).message}`);
        }
        if (!extra || typeof extra !== "object" || Array.isArray(extra)) throw new UsageError("--parameters must be a JSON object of TGI parameters");
    }
    const parameters: Record<string, unknown> = { max_new_tokens: DEFAULT_MAX_NEW_TOKENS, ...extra };
    if (o["max-new-tokens"] !== undefined) {
        const n = numberOption("max-new-tokens", o["max-new-tokens"], DEFAULT_MAX_NEW_TOKENS, 1, true);
        if (!Number.isInteger(n)) throw new UsageError(`--max-new-tokens must be a whole number, got '${o["max-new-tokens"]}'`);
        parameters.max_new_tokens = n;
    }
    if (o.temperature !== undefined) {
        // TGI rejects a temperature of 0; greedy decoding is the default without it.
        parameters.temperature = numberOption("temperature", o.temperature, 1, 0);
        parameters.do_sample = true;
    }
    return {
        endpointName,
        region: regionFrom(o.region ?? outputs?.awsRegion, env),
        fips: !!o.fips,
        endpointUrl: o["endpoint-url"],
        prompt: o.prompt,
        parameters,
        stream: !!o.stream,
        timeoutMs: numberOption("timeout", o.timeout, DEFAULT_TIMEOUT_SECONDS) * 1000,
    };
}

async function readPrompt(plan: InvokePlan, io: CliIo): Promise<string> {
    if (plan.prompt !== undefined) return plan.prompt;
    if (io.stdin.isTTY) throw new UsageError("--prompt is required (or pipe the prompt on standard input)");
    const chunks: Buffer[] = [];
    for await (const chunk of io.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    const prompt = Buffer.concat(chunks).toString("utf8").trim();
    if (!prompt) throw new UsageError("the prompt is empty: pass --prompt or pipe text on standard input");
    return prompt;
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
    return runCommand(io, "invoke", async () => {
        const plan = resolvePlan(argv, io.env);
        if (plan === "help") {
            io.stdout.write(`${USAGE}\n`);
            return;
        }
        const client = new RuntimeClient({ region: plan.region, fips: plan.fips, endpointUrl: plan.endpointUrl });
        try {
            await client.region();
            const body = tgiRequestBody(await readPrompt(plan, io), plan.parameters, plan.stream);
            if (!plan.stream) {
                io.stdout.write(`${generatedText(await client.invoke(plan.endpointName, body, plan.timeoutMs))}\n`);
                return;
            }
            const decoder = new TgiStreamDecoder();
            let printed = false;
            const print = (events: TgiStreamEvent[]) => {
                for (const event of events) {
                    const text = printableToken(event);
                    if (text) io.stdout.write(text);
                    printed ||= text !== "";
                }
            };
            try {
                for await (const bytes of client.invokeStream(plan.endpointName, body, plan.timeoutMs)) print(decoder.push(bytes));
                print(decoder.end());
            } finally {
                // End the line of tokens, also before an error message.
                if (printed) io.stdout.write("\n");
            }
        } finally {
            client.destroy();
        }
    });
}

if (require.main === module) runAsScript(main);
