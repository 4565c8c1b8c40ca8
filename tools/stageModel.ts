/**
 * `npm run stage-model -- --model <id> --bucket <name> [options]`: copies a model's files from the
 * Hugging Face Hub (or a local directory) into the stack's artifact bucket, uncompressed, under the
 * prefix the endpoint reads, for stacks whose containers cannot reach the Hub (egress `none`,
 * weightsSource `s3`). See tools/s3Stage.ts for checksums and resume, USAGE for the options.
 *
 * Exit codes (tools/cli.ts): 0 staged (or listed, with --dryrun), 1 failed (run again to resume), 2 usage,
 * 3 a fault of this command.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { defaultDeploymentName, findModelByIdOrHubId, MODEL_IDS, ModelSpec } from "../policies/catalog/models";
import { AWS_OPTIONS, awsOptionsUsage, clientConfig, describeClientEndpoint, ResolvedConnection, resolveConnection } from "./awsConfig";
import { CliIo, numberOption, OperationError, parseOptions, processIo, runAsScript, runCommand, UsageError } from "./cli";
import { DEFAULT_HUB_ENDPOINT, HUB_ENDPOINT_ENV, isHubRepoId, openHubModel } from "./hub";
import { findHubToken, HubTokenLookup } from "./hubToken";
import { openLocalDir } from "./localDir";
import { filterFiles, ModelSource } from "./modelFiles";
import { ConsoleProgress, formatBytes } from "./progress";
import { checkedKeyPrefix, DryRunResult, MIN_PART_SIZE_BYTES, ModelStager, StageTarget, TransferOptions } from "./s3Stage";
import { findEndpointOutput, loadStackOutputs, parseS3Uri } from "./stackOutputs";

export const USAGE = `Usage: npm run stage-model -- --model <id> (--bucket <name> | --stack <name>) [options]

Copies a model's files into the stack's artifact bucket, uncompressed, under the prefix the SageMaker
endpoint reads (default models/<name>/, the stack's default weightsS3Prefix), for stacks whose
containers cannot reach the Hugging Face Hub (egress none, weightsSource s3). Run it where the Hub
(or the downloaded files) and the bucket are both reachable. Stage the files before the endpoint is
created.

Source:
  -m, --model <id>           catalog id from policies/catalog/models.ts (e.g. falcon-40b-instruct) or a Hub
                             repository id (org/name)                 (required unless --from-dir)
      --revision <rev>       Hub branch, tag or commit                (default: main); every file is
                             read at the one commit it points to
      --hub-endpoint <url>   Hub base URL                             (default: $${HUB_ENDPOINT_ENV} or ${DEFAULT_HUB_ENDPOINT})
      --from-dir <dir>       upload a directory downloaded on a connected machine instead
                             (hf download <repo> --local-dir <dir>)
      --include <glob>       stage only matching files (repeatable; * and ? also match '/')
      --exclude <glob>       skip matching files (repeatable), e.g. '*.bin' when *.safetensors exist
Destination:
  -b, --bucket <name>        artifact bucket (stack output artifactBucketName)
      --prefix <prefix>      key prefix                               (default: models/<name>/)
      --name <deployment>    the deployment's name in the stack's models setting, for the default
                             prefix                                   (default: the catalog id)
  -s, --stack <name>         read bucket, prefix (llmEndpoints[].weightsS3Uri), region (awsRegion) and
                             key (kmsKeyArn) from the stack's outputs, with the pulumi CLI
      --outputs-file <file>  the same from a file: pulumi stack output --json -s <stack> > <file>
      --kms-key-id <key>     encrypt the objects with SSE-KMS and this key (id, ARN or alias).
                             Default: the stack's key when read from outputs, else none given: the
                             bucket's default encryption applies (SSE-KMS with the stack key)
AWS:
      --region <region>      AWS region of the bucket (default: outputs' awsRegion, AWS_REGION,
                             AWS_DEFAULT_REGION, the profile's region); GovCloud: us-gov-west-1
${awsOptionsUsage(29, ["s3-fips.<region>.amazonaws.com"], ["(S3-compatible endpoints get path-style requests)"])}
Transfer:
      --part-size-mib <n>    multipart part size in MiB, at least 5   (default: 64); larger files
                             go in parts; memory is about part size x concurrency
      --concurrency <n>      parts of a file uploaded in parallel     (default: 4)
      --verify-read          read every object back and compare its SHA-256 (after upload, and
                             before skipping an object that is already there)
      --dryrun               list what would be uploaded and what skipped, as 'aws s3 sync --dryrun'
                             does, and upload nothing (also --dry-run). See "Dry run" below
  -h, --help                 show this help

Hub token (gated or private models), found as the Hugging Face CLI finds it: HF_TOKEN, else
HUGGING_FACE_HUB_TOKEN, else the file 'hf auth login' writes: $HF_TOKEN_PATH, else $HF_HOME/token,
else \${XDG_CACHE_HOME:-~/.cache}/huggingface/token (none sent when HF_HUB_DISABLE_IMPLICIT_TOKEN is
true). Never an
option, never printed; messages name only where it came from.
Environment: ${HUB_ENDPOINT_ENV} (Hub or mirror URL), AWS credentials (AWS_PROFILE or
AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY).

Checksums and resume: each object records its SHA-256 (x-amz-meta-sha256: the Hub's for LFS files,
else computed from the file). A file whose object already has the same size and SHA-256 is skipped,
so an interrupted run resumes where it stopped. After each upload the bytes sent are checked against
the expected SHA-256 and size, and the object's size, recorded SHA-256 and SSE-KMS encryption are
read back with HeadObject (--verify-read also hashes the stored bytes).

Dry run: prints '(dryrun) upload: <source> to s3://<bucket>/<key>' (with the reason when it
replaces an object) and '(dryrun) skip: <source> to s3://<bucket>/<key> (same size and SHA-256)'
per file, then a summary, on stdout; writes nothing to S3 and downloads no weights. It reads the
Hub's commit and file list (sizes and LFS SHA-256s), HeadBucket, HeadObject per file and the
bucket listing under the prefix; a file without a published SHA-256 (small git-kept Hub files,
--from-dir files) is read to hash it only when an object of its size is already there, and
--verify-read reads those objects back as a real run would.

Exit codes: 0 staged (or listed, with --dryrun), 1 failed (run the same command again to resume),
2 usage (nothing was attempted), 3 a fault of this command. Progress goes to stderr, the summary
(and the dry-run listing) to stdout.`;

const OPTIONS = {
    model: { type: "string", short: "m" },
    revision: { type: "string" },
    "hub-endpoint": { type: "string" },
    "from-dir": { type: "string" },
    include: { type: "string", multiple: true },
    exclude: { type: "string", multiple: true },
    bucket: { type: "string", short: "b" },
    prefix: { type: "string" },
    name: { type: "string" },
    stack: { type: "string", short: "s" },
    "outputs-file": { type: "string" },
    "kms-key-id": { type: "string" },
    ...AWS_OPTIONS,
    "part-size-mib": { type: "string" },
    concurrency: { type: "string" },
    "verify-read": { type: "boolean" },
    dryrun: { type: "boolean" },
    "dry-run": { type: "boolean" },
    help: { type: "boolean", short: "h" },
} as const;

type SourceSpec = { kind: "hub"; repo: string; revision: string; endpoint: string; auth: HubTokenLookup } | { kind: "dir"; dir: string };

/** Everything a run needs, resolved from the options, the environment and the stack outputs. */
export interface StagePlan {
    source: SourceSpec;
    include: string[];
    exclude: string[];
    target: StageTarget;
    connection: ResolvedConnection;
    transfer: Omit<TransferOptions, "signal">;
    /** List what would be uploaded and skipped; upload nothing. */
    dryRun: boolean;
    /** Warnings found while resolving (e.g. the stack's deployment serves another model). */
    warnings: string[];
}

/** Resolves the options into a plan; UsageError for anything missing or contradictory. */
export async function resolvePlan(argv: string[], env: NodeJS.ProcessEnv): Promise<StagePlan | "help"> {
    const o = parseOptions(argv, OPTIONS);
    if (o.help) return "help";
    const fromDir = o["from-dir"];
    if (!o.model && !fromDir) throw new UsageError("--model is required (a catalog id or a Hub repository id), or --from-dir");
    if (fromDir && (o.revision || o["hub-endpoint"])) throw new UsageError("--revision and --hub-endpoint apply to the Hub, not to --from-dir");

    let catalog: ModelSpec | undefined;
    let repo: string | undefined;
    if (o.model) {
        catalog = findModelByIdOrHubId(o.model);
        repo = catalog?.hfModelId ?? (isHubRepoId(o.model) ? o.model : undefined);
        if (!repo) throw new UsageError(`--model '${o.model}' is neither a catalog id (${MODEL_IDS.join(", ")}) nor a Hub repository id (org/name)`);
    }
    const name = o.name ?? (catalog ? defaultDeploymentName(catalog.id) : undefined);
    const warnings: string[] = [];

    const outputs = loadStackOutputs({ stack: o.stack, outputsFile: o["outputs-file"] });
    const deployment = outputs ? findEndpointOutput(outputs, name, false) : undefined;
    if (deployment && repo && deployment.model && deployment.model.toLowerCase() !== repo.toLowerCase()) {
        warnings.push(`the stack's deployment '${deployment.name}' serves ${deployment.model}, not ${repo}`);
    }
    const bucket = o.bucket ?? outputs?.artifactBucketName;
    if (!bucket) throw new UsageError("--bucket is required (the stack output artifactBucketName), or --stack / --outputs-file");
    const stackUri = deployment?.weightsS3Uri ? parseS3Uri(deployment.weightsS3Uri) : undefined;
    if (outputs && deployment && !deployment.weightsS3Uri && !o.prefix) {
        throw new UsageError(
            `the stack's deployment '${deployment.name}' reads its weights from the Hub (weightsSource hub), not from S3; pass --prefix to stage anyway`,
        );
    }
    let prefix = o.prefix ?? (stackUri && stackUri.bucket === bucket ? stackUri.prefix : undefined);
    if (prefix === undefined) {
        if (!name) throw new UsageError(`--prefix or --name is required: '${o.model ?? fromDir}' is not a catalog model, so the deployment name is unknown`);
        prefix = `models/${name}/`;
    }

    const partSizeMiB = numberOption("part-size-mib", o["part-size-mib"], 64, MIN_PART_SIZE_BYTES / 1024 / 1024, true);
    const concurrency = numberOption("concurrency", o.concurrency, 4, 1, true);
    if (!Number.isInteger(concurrency)) throw new UsageError(`--concurrency must be a whole number, got '${o.concurrency}'`);

    return {
        source: fromDir
            ? { kind: "dir", dir: fromDir }
            : {
                  kind: "hub",
                  repo: repo!,
                  revision: o.revision ?? "main",
                  endpoint: o["hub-endpoint"] ?? env[HUB_ENDPOINT_ENV] ?? DEFAULT_HUB_ENDPOINT,
                  auth: findHubToken(env),
              },
        include: o.include ?? [],
        exclude: o.exclude ?? [],
        target: { bucket, prefix: checkedKeyPrefix(prefix), kmsKeyId: o["kms-key-id"] ?? outputs?.kmsKeyArn },
        connection: await resolveConnection(o, outputs?.awsRegion, env, "S3"),
        transfer: { partSizeBytes: Math.round(partSizeMiB * 1024 * 1024), concurrency, verifyRead: !!o["verify-read"] },
        dryRun: !!(o.dryrun || o["dry-run"]),
        warnings,
    };
}

async function openSource(spec: SourceSpec): Promise<ModelSource> {
    if (spec.kind === "dir") return openLocalDir(spec.dir);
    return openHubModel(spec.repo, spec.revision, { endpoint: spec.endpoint, auth: spec.auth });
}

/** The dry-run listing, in `aws s3 sync --dryrun`'s form (awscli/customizations/s3/results.py, DRY_RUN_FORMAT). */
function writeDryRun(io: CliIo, source: ModelSource, target: StageTarget, result: DryRunResult): void {
    const { bucket, prefix } = target;
    const from = source.description.startsWith("dir:") ? source.description.slice(4) : source.description;
    for (const d of result.decisions) {
        const reason = d.reason ? ` (${d.reason})` : "";
        io.stdout.write(`(dryrun) ${d.action}: ${from}/${d.file.path} to s3://${bucket}/${d.key}${reason}\n`);
    }
    const uploads = result.decisions.filter((d) => d.action === "upload");
    const bytes = uploads.reduce((n, d) => n + d.file.size, 0);
    io.stdout.write(
        `Dry run of ${source.description} to s3://${bucket}/${prefix}: ` +
            `${uploads.length} to upload (${formatBytes(bytes)}), ${result.decisions.length - uploads.length} already staged; nothing was uploaded.\n`,
    );
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
    return runCommand(io, "stage-model", async () => {
        const plan = await resolvePlan(argv, io.env);
        if (plan === "help") {
            io.stdout.write(`${USAGE}\n`);
            return;
        }
        const { connection } = plan.connection;
        const s3 = new S3Client({ ...clientConfig(connection), forcePathStyle: connection.endpointUrl !== undefined });
        try {
            const endpoint = await describeClientEndpoint(s3, plan.connection);
            for (const warning of [...plan.connection.notes, ...plan.warnings]) io.stderr.write(`! ${warning}\n`);

            const opened = await openSource(plan.source);
            const files = filterFiles(opened.files, plan.include, plan.exclude);
            if (files.length === 0)
                throw new OperationError(
                    `no files to stage from ${opened.description}${plan.include.length + plan.exclude.length ? " after --include/--exclude" : ""}`,
                );
            const source = { ...opened, files };

            const { bucket, prefix, kmsKeyId } = plan.target;
            const where = connection.endpointUrl ?? `S3 in ${endpoint.description}`;
            io.stderr.write(
                `${plan.dryRun ? "Dry run: staging" : "Staging"} ${source.description} to s3://${bucket}/${prefix} (${where}; ` +
                    `${kmsKeyId ? `SSE-KMS with ${kmsKeyId}` : "the bucket's default encryption"})\n`,
            );
            const stager = new ModelStager(s3, plan.target, { ...plan.transfer, signal: io.signal }, new ConsoleProgress(io.stderr), where);
            const result = plan.dryRun ? await stager.dryRun(source) : await stager.stage(source);

            if (result.extraKeys.length > 0) {
                const shown = result.extraKeys.slice(0, 5).join(", ") + (result.extraKeys.length > 5 ? ", …" : "");
                io.stderr.write(
                    `! ${result.extraKeys.length} object(s) under s3://${bucket}/${prefix} are not files of this model; SageMaker copies them into the container too: ${shown}\n`,
                );
            }
            if ("decisions" in result) {
                writeDryRun(io, source, plan.target, result);
                return;
            }
            io.stdout.write(
                `Staged ${source.description} to s3://${bucket}/${prefix}: ${result.uploaded.length} uploaded (${formatBytes(result.bytesUploaded)}), ` +
                    `${result.skipped.length} already staged.\n`,
            );
        } finally {
            s3.destroy();
        }
    });
}

if (require.main === module) {
    // The first Ctrl-C aborts the current upload (no multipart upload left behind); a second one kills.
    const interrupt = new AbortController();
    process.once("SIGINT", () => interrupt.abort());
    runAsScript((argv, io) => main(argv, { ...io, signal: interrupt.signal }));
}
