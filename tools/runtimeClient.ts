/**
 * SageMaker Runtime calls for one endpoint: InvokeEndpoint and InvokeEndpointWithResponseStream
 * (JSON in; the body, or the bytes of each PayloadPart event, out), with a time limit, and the
 * service's errors explained.
 *
 * The time limit: InvokeEndpoint gives up when no answer came within it; the stream gives up when
 * no event came within it (so a long generation may run past it as long as tokens keep coming).
 * SageMaker itself allows a real-time invocation 60 seconds: "A customer's model containers must
 * respond to requests within 60 seconds" (SageMaker Runtime API reference, InvokeEndpoint). When the
 * container does not, SageMaker answers ModelError (HTTP 424) "Received server error (0) from
 * primary with message "Your invocation timed out while waiting for a response from container
 * primary. ..."" (as reported in aws/amazon-sagemaker-examples#799 and aws/sagemaker-python-sdk#1119);
 * a stream that runs too long ends with ModelStreamError `ModelInvocationTimeExceeded` (API
 * reference, ResponseStream). The SDK retries throttling and transient errors (3 attempts by
 * default; AWS_MAX_ATTEMPTS changes it) inside the same limit.
 */
import {
    InvokeEndpointCommand,
    InvokeEndpointWithResponseStreamCommand,
    ModelError,
    ModelStreamError,
    SageMakerRuntimeClient,
} from "@aws-sdk/client-sagemaker-runtime";
import { clientConfig, describeAwsError, describeClientEndpoint, describeRegion, endpointOverride, ResolvedConnection } from "./awsConfig";
import { errorText, OperationError, UsageError } from "./cli";
import { errorBodyMessage } from "./engineApi";

/** Seconds SageMaker allows the container to answer InvokeEndpoint. */
export const SAGEMAKER_INVOKE_LIMIT_SECONDS = 60;

/** What the messages name: the engine behind the endpoint and the request's token budget. */
export interface InvocationContext {
    /** "vLLM 0.21.0". */
    container?: string;
    /** The request's max new tokens, for the advice on time limits. */
    maxNewTokens?: number;
}

export class RuntimeClient {
    private readonly client: SageMakerRuntimeClient;
    /** "us-gov-west-1 (AWS GovCloud (US)), FIPS endpoint (--fips)", once resolveApiEndpoint has run. */
    private apiEndpointDescription?: string;

    constructor(
        private readonly resolved: ResolvedConnection,
        private readonly context: InvocationContext = {},
    ) {
        this.client = new SageMakerRuntimeClient(clientConfig(resolved.connection));
    }

    /** The SageMaker Runtime API endpoint requests go to (not a SageMaker endpoint), from the SDK's resolved settings; UsageError when no region is configured. */
    async resolveApiEndpoint(): Promise<string> {
        this.apiEndpointDescription = (await describeClientEndpoint(this.client, this.resolved)).description;
        return this.apiEndpointDescription;
    }

    /** InvokeEndpoint; the response body. */
    async invoke(endpointName: string, body: string, timeoutMs: number): Promise<Uint8Array> {
        const deadline = new Deadline(timeoutMs);
        try {
            const response = await this.client.send(
                new InvokeEndpointCommand({
                    EndpointName: endpointName,
                    Body: new TextEncoder().encode(body),
                    ContentType: "application/json",
                    Accept: "application/json",
                }),
                { abortSignal: deadline.signal },
            );
            return response.Body ?? new Uint8Array();
        } catch (err) {
            throw await this.explain(err, endpointName, deadline, false);
        } finally {
            deadline.clear();
        }
    }

    /** InvokeEndpointWithResponseStream; yields the bytes of each PayloadPart as it arrives. */
    async *invokeStream(endpointName: string, body: string, timeoutMs: number): AsyncGenerator<Uint8Array> {
        const deadline = new Deadline(timeoutMs);
        try {
            const response = await this.client.send(
                new InvokeEndpointWithResponseStreamCommand({
                    EndpointName: endpointName,
                    Body: new TextEncoder().encode(body),
                    ContentType: "application/json",
                    Accept: "application/json",
                }),
                { abortSignal: deadline.signal },
            );
            for await (const event of response.Body ?? []) {
                deadline.restart();
                if (event.PayloadPart?.Bytes) yield event.PayloadPart.Bytes;
                else if (event.ModelStreamError)
                    throw new ModelStreamError({ message: event.ModelStreamError.message ?? "", $metadata: {}, ErrorCode: event.ModelStreamError.ErrorCode });
                else if (event.InternalStreamFailure)
                    throw Object.assign(new Error(event.InternalStreamFailure.message ?? "internal stream failure"), { name: "InternalStreamFailure" });
            }
        } catch (err) {
            throw await this.explain(err, endpointName, deadline, true);
        } finally {
            deadline.clear();
        }
    }

    destroy(): void {
        this.client.destroy();
    }

    /** An OperationError that says what went wrong and what to do. */
    private async explain(err: unknown, endpointName: string, deadline: Deadline, streaming: boolean): Promise<Error> {
        if (err instanceof OperationError || err instanceof UsageError) return err;
        const region = await this.client.config.region().catch(() => "the configured region");
        const where = `endpoint '${endpointName}' in ${this.apiEndpointDescription ?? describeRegion(region)}`;
        if (deadline.expired) return new OperationError(deadlineMessage(where, deadline.seconds, streaming, this.context.maxNewTokens));
        const e = err as Error & { $metadata?: { httpStatusCode?: number } };
        const container = this.context.container ? `the model container (${this.context.container})` : "the model container";
        if (err instanceof ModelError) {
            const logs = err.LogStreamArn ? ` Logs: ${err.LogStreamArn}` : "";
            const original = err.OriginalMessage ?? err.message;
            if (/timed out/i.test(original) || /timed out/i.test(err.message)) {
                return new OperationError(
                    `${container} of ${where} did not answer in time (SageMaker: ${original.trim()}): the container must answer within SageMaker's ${SAGEMAKER_INVOKE_LIMIT_SECONDS} seconds. ${capitalized(fasterAnswerAdvice(this.context.maxNewTokens))}.${logs}`,
                );
            }
            return new OperationError(`${container} of ${where} answered ${err.OriginalStatusCode ?? "with an error"}: ${errorBodyMessage(original)}.${logs}`);
        }
        if (err instanceof ModelStreamError) {
            if (err.ErrorCode === "ModelInvocationTimeExceeded") {
                return new OperationError(
                    `${container} of ${where} did not finish its streamed answer within the time SageMaker allows (ModelInvocationTimeExceeded: ${err.message}). Ask for fewer tokens: a lower --max-new-tokens${tokensNow(this.context.maxNewTokens)}.`,
                );
            }
            return new OperationError(`the model's response stream from ${where} failed (${err.ErrorCode ?? "ModelStreamError"}): ${err.message}`);
        }
        switch (e.name) {
            case "ValidationError":
                return /not found/i.test(e.message)
                    ? new OperationError(
                          `${where} not found (${e.message}). Check the name (stack output llmEndpoints[].endpointName), the region (awsRegion) and the account of the credentials.`,
                      )
                    : new OperationError(`SageMaker rejected the request to ${where} (ValidationError): ${e.message}`);
            case "ThrottlingException":
            case "ServiceUnavailable":
            case "TooManyRequestsException":
                return new OperationError(
                    `SageMaker is throttling requests to ${where} (${e.name}: ${e.message}), still after the SDK's retries. Send fewer requests at once, retry later, or raise the endpoint's instance count.`,
                );
            case "ModelNotReadyException":
                return new OperationError(`${where} is not ready to serve (${e.message}): it may still be creating or updating.`);
            case "AccessDeniedException":
                return new OperationError(
                    `the credentials may not invoke ${where} (${e.message}): they need sagemaker:InvokeEndpoint (and sagemaker:InvokeEndpointWithResponseStream for --stream) on the endpoint.`,
                );
            case "InternalFailure":
            case "InternalDependencyException":
            case "InternalStreamFailure":
                return new OperationError(`SageMaker failed internally serving ${where} (${e.name}: ${e.message}); retry.`);
        }
        const common = describeAwsError(err, endpointOverride(this.resolved.connection)?.url ?? `SageMaker Runtime in ${region}`);
        if (common) return new OperationError(common);
        return new OperationError(`invoking ${where} failed: ${e.name}: ${errorText(err)}`);
    }
}

const tokensNow = (maxNewTokens: number | undefined) => (maxNewTokens !== undefined ? ` (now ${maxNewTokens})` : "");

/** How to get an answer within SageMaker's limit ("use --stream ..."). */
function fasterAnswerAdvice(maxNewTokens: number | undefined): string {
    return `use --stream (tokens arrive as they are generated) and/or a lower --max-new-tokens${tokensNow(maxNewTokens)}`;
}

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The message when our own time limit (--timeout) ran out. */
export function deadlineMessage(where: string, seconds: number, streaming: boolean, maxNewTokens?: number): string {
    if (streaming) {
        return `no answer from ${where} within ${seconds} s (--timeout, the time allowed before the first and between later events): the model stopped sending tokens or is overloaded. Retry, or raise --timeout.`;
    }
    if (seconds >= SAGEMAKER_INVOKE_LIMIT_SECONDS) {
        return `no answer from ${where} within ${seconds} s (--timeout): the container must answer within SageMaker's ${SAGEMAKER_INVOKE_LIMIT_SECONDS} seconds. ${capitalized(fasterAnswerAdvice(maxNewTokens))}; or the endpoint is overloaded.`;
    }
    return `no answer from ${where} within ${seconds} s (--timeout): raise --timeout (SageMaker waits up to ${SAGEMAKER_INVOKE_LIMIT_SECONDS} seconds for the container), or ${fasterAnswerAdvice(maxNewTokens)}.`;
}

/** An abort signal that fires when `ms` pass without restart(). */
class Deadline {
    private readonly controller = new AbortController();
    private timer?: NodeJS.Timeout;
    expired = false;

    constructor(private readonly ms: number) {
        this.restart();
    }

    get signal(): AbortSignal {
        return this.controller.signal;
    }

    get seconds(): number {
        return this.ms / 1000;
    }

    restart(): void {
        this.clear();
        this.timer = setTimeout(() => {
            this.expired = true;
            this.controller.abort();
        }, this.ms);
    }

    clear(): void {
        if (this.timer) clearTimeout(this.timer);
    }
}
