/**
 * SageMaker Runtime calls for one endpoint: InvokeEndpoint and InvokeEndpointWithResponseStream
 * (JSON in; the body, or the bytes of each PayloadPart event, out), with a time limit, and the
 * service's errors explained.
 *
 * The time limit: InvokeEndpoint gives up when no answer came within it; the stream gives up when
 * no event came within it (so a long generation may run past it as long as tokens keep coming).
 * SageMaker itself allows a real-time invocation 60 seconds. The SDK retries throttling and
 * transient errors (3 attempts by default; AWS_MAX_ATTEMPTS changes it) inside the same limit.
 */
import {
    InvokeEndpointCommand,
    InvokeEndpointWithResponseStreamCommand,
    ModelError,
    ModelStreamError,
    SageMakerRuntimeClient,
} from "@aws-sdk/client-sagemaker-runtime";
import { AwsConnection, clientConfig, clientRegion, describeAwsError, describeRegion } from "./awsConfig";
import { errorText, OperationError, UsageError } from "./cli";

export class RuntimeClient {
    private readonly client: SageMakerRuntimeClient;

    constructor(private readonly connection: AwsConnection) {
        this.client = new SageMakerRuntimeClient(clientConfig(connection));
    }

    /** The region requests go to; UsageError when none is configured. */
    async region(): Promise<string> {
        return clientRegion(this.client);
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
            throw await this.explain(err, endpointName, deadline);
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
            throw await this.explain(err, endpointName, deadline);
        } finally {
            deadline.clear();
        }
    }

    destroy(): void {
        this.client.destroy();
    }

    /** An OperationError that says what went wrong and what to do. */
    private async explain(err: unknown, endpointName: string, deadline: Deadline): Promise<Error> {
        if (err instanceof OperationError || err instanceof UsageError) return err;
        const region = await this.client.config.region().catch(() => "the configured region");
        const where = `endpoint '${endpointName}' in ${describeRegion(region)}`;
        if (deadline.expired) {
            return new OperationError(
                `no answer from ${where} within ${deadline.seconds} s (--timeout). A large model may need longer (SageMaker's own limit is 60 s per real-time invocation; --stream returns tokens as they come), or it is overloaded.`,
            );
        }
        const e = err as Error & { $metadata?: { httpStatusCode?: number } };
        if (err instanceof ModelError) {
            const logs = err.LogStreamArn ? ` Logs: ${err.LogStreamArn}` : "";
            return new OperationError(
                `the model container of ${where} answered ${err.OriginalStatusCode ?? "with an error"}: ${tgiErrorMessage(err.OriginalMessage ?? err.message)}.${logs}`,
            );
        }
        if (err instanceof ModelStreamError)
            return new OperationError(`the model's response stream from ${where} failed (${err.ErrorCode ?? "ModelStreamError"}): ${err.message}`);
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
        const common = describeAwsError(err, this.connection.endpointUrl ?? `SageMaker Runtime in ${region}`);
        if (common) return new OperationError(common);
        return new OperationError(`invoking ${where} failed: ${e.name}: ${errorText(err)}`);
    }
}

/** TGI puts `{"error": "...", "error_type": "..."}` in the body SageMaker passes on. */
function tgiErrorMessage(message: string): string {
    try {
        const parsed = JSON.parse(message) as { error?: unknown };
        if (typeof parsed.error === "string") return parsed.error;
    } catch {
        // not JSON: the message as it is
    }
    return message;
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
