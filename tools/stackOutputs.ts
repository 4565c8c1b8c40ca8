/**
 * Reading a stack's outputs (index.ts exports: `awsRegion`, `partitionId`, `artifactBucketName`,
 * `kmsKeyArn`, `llmEndpoints[]` with `name`, `model`, `endpointName`, `weightsS3Uri`, `engine`,
 * `engineVersion`), from the JSON `pulumi stack output --json -s <stack>` prints: a file given with
 * --outputs-file, or the Pulumi CLI itself when it is installed.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import { OperationError, UsageError } from "./cli";

/** One entry of the `llmEndpoints` output. */
export interface LlmEndpointOutput {
    /** Deployment name (the `models[].name` setting; default the catalog id). */
    name: string;
    /** Hugging Face repository of the model. */
    model?: string;
    endpointName?: string;
    /** s3://<bucket>/<prefix> where the weights must be staged; absent when they come from the Hub. */
    weightsS3Uri?: string;
    /** The serving engine (policies/catalog/engines.ts EngineId: "vllm", "sglang", "tgi"); absent in outputs of older stacks. */
    engine?: string;
    /** The engine's release, e.g. "0.21.0". */
    engineVersion?: string;
}

export interface StackOutputs {
    awsRegion?: string;
    partitionId?: string;
    artifactBucketName?: string;
    kmsKeyArn?: string;
    llmEndpoints: LlmEndpointOutput[];
}

/** Where to read the outputs from: a file, else the Pulumi CLI for the stack. */
export interface OutputsSource {
    stack?: string;
    outputsFile?: string;
}

/** Runs `pulumi` with arguments and returns its stdout; replaceable in tests. */
export type PulumiRunner = (args: string[]) => string;

const runPulumi: PulumiRunner = (args) => execFileSync("pulumi", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

/** Reads the outputs; undefined when neither a file nor a stack is given. */
export function loadStackOutputs(source: OutputsSource, pulumi: PulumiRunner = runPulumi): StackOutputs | undefined {
    if (source.outputsFile) {
        let text: string;
        try {
            text = fs.readFileSync(source.outputsFile, "utf8");
        } catch (err) {
            throw new UsageError(`cannot read --outputs-file ${source.outputsFile}: ${(err as Error).message}`);
        }
        return parseStackOutputs(text, source.outputsFile);
    }
    if (!source.stack) return undefined;
    const args = ["stack", "output", "--json", "--stack", source.stack];
    try {
        return parseStackOutputs(pulumi(args), `pulumi ${args.join(" ")}`);
    } catch (err) {
        const e = err as NodeJS.ErrnoException & { stderr?: string | Buffer };
        if (e.code === "ENOENT") {
            throw new UsageError(
                `the pulumi CLI is not installed here, so the outputs of stack '${source.stack}' cannot be read. ` +
                    `Run 'pulumi stack output --json -s ${source.stack} > outputs.json' where it is, and pass --outputs-file outputs.json.`,
            );
        }
        if (e instanceof UsageError || e instanceof OperationError) throw e;
        throw new OperationError(`'pulumi ${args.join(" ")}' failed: ${String(e.stderr ?? e.message).trim()}`);
    }
}

/** Parses and checks the JSON of `pulumi stack output --json`. */
export function parseStackOutputs(text: string, origin: string): StackOutputs {
    let raw: unknown;
    try {
        raw = JSON.parse(text);
    } catch (err) {
        throw new UsageError(`${origin} is not JSON (expected the output of 'pulumi stack output --json'): ${(err as Error).message}`);
    }
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new UsageError(`${origin}: expected a JSON object of stack outputs`);
    const o = raw as Record<string, unknown>;
    const stringField = (key: string) => (typeof o[key] === "string" ? (o[key] as string) : undefined);
    const endpoints = Array.isArray(o.llmEndpoints) ? o.llmEndpoints : [];
    return {
        awsRegion: stringField("awsRegion"),
        partitionId: stringField("partitionId"),
        artifactBucketName: stringField("artifactBucketName"),
        kmsKeyArn: stringField("kmsKeyArn"),
        llmEndpoints: endpoints
            .filter((e): e is Record<string, unknown> => !!e && typeof e === "object" && typeof (e as Record<string, unknown>).name === "string")
            .map((e) => ({
                name: e.name as string,
                model: typeof e.model === "string" ? e.model : undefined,
                endpointName: typeof e.endpointName === "string" ? e.endpointName : undefined,
                weightsS3Uri: typeof e.weightsS3Uri === "string" ? e.weightsS3Uri : undefined,
                engine: typeof e.engine === "string" ? e.engine : undefined,
                engineVersion: typeof e.engineVersion === "string" ? e.engineVersion : undefined,
            })),
    };
}

/**
 * The `llmEndpoints` entry of a deployment: by name, or the only one. Undefined when a name is given
 * and `required` is false and no entry has it (outputs written before the endpoint existed).
 */
export function findEndpointOutput(outputs: StackOutputs, name: string | undefined, required: boolean): LlmEndpointOutput | undefined {
    const names = outputs.llmEndpoints.map((e) => e.name);
    if (name === undefined) {
        if (outputs.llmEndpoints.length === 1) return outputs.llmEndpoints[0];
        if (!required && outputs.llmEndpoints.length === 0) return undefined;
        throw new UsageError(
            outputs.llmEndpoints.length === 0
                ? "the stack outputs list no llmEndpoints"
                : `the stack has ${names.length} endpoints (${names.join(", ")}): choose one with --name`,
        );
    }
    const found = outputs.llmEndpoints.find((e) => e.name === name);
    if (!found && required) {
        throw new UsageError(`the stack has no endpoint named '${name}' (llmEndpoints: ${names.join(", ") || "none"})`);
    }
    return found;
}

/** Bucket and key prefix of an s3:// URI. */
export function parseS3Uri(uri: string): { bucket: string; prefix: string } {
    const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
    if (!match) throw new UsageError(`not an s3:// URI: '${uri}'`);
    return { bucket: match[1], prefix: match[2] };
}
