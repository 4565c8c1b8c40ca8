/**
 * Copies a model's files into the artifact bucket, uncompressed, one object per file under the
 * prefix the endpoint reads (`models/<name>/` by default), resumably and with checksums.
 *
 * Per file:
 * 1. The expected SHA-256: the one the source publishes (the Hub's `lfs.sha256` for weights), else
 *    computed by reading the file once (local files; small git-kept Hub files, whose git blob id
 *    is checked on the way).
 * 2. Resume: when the object exists with the same size and `x-amz-meta-sha256` equal to that
 *    SHA-256, it is skipped (with `verifyRead`, only after its stored bytes hash to it too).
 * 3. Upload: the source is streamed through a hashing pass-through into @aws-sdk/lib-storage's
 *    Upload (multipart above the part size; parts in parallel; memory about part size ×
 *    concurrency), with `x-amz-meta-sha256` and SSE-KMS when a key is given (else the bucket's
 *    default encryption, which for the stack's bucket is SSE-KMS with the stack key). The SDK adds
 *    a CRC32 checksum to each PutObject/UploadPart request, which S3 checks on receipt. A failed
 *    upload aborts its multipart upload.
 * 4. Verify: the streamed bytes' count and SHA-256 equal the expected ones (else the object is
 *    deleted and the run fails); HeadObject reports the size and the recorded SHA-256, and SSE-KMS
 *    when the server reports encryption (S3 does); with `verifyRead`, the object is read back and
 *    hashed.
 * Nothing is written under the prefix but the model's files: SageMaker copies everything under it
 * into the container's /opt/ml/model.
 */
import { KEY_PREFIX_PATTERN, normalizeKeyPrefix } from "../components/modelDeployment";
import {
    DeleteObjectCommand,
    GetObjectCommand,
    HeadBucketCommand,
    HeadObjectCommand,
    HeadObjectCommandOutput,
    paginateListObjectsV2,
    S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { Readable } from "stream";
import { describeAwsError, describeRegion } from "./awsConfig";
import { DigestingStream, digestStream } from "./checksum";
import { errorText, OperationError, UsageError } from "./cli";
import { ModelFile, ModelSource } from "./modelFiles";
import { formatBytes, StageProgress } from "./progress";

/** User metadata key holding the object's SHA-256 (hex): `x-amz-meta-sha256`. */
export const SHA256_METADATA_KEY = "sha256";
/** User metadata key recording where the file came from: `x-amz-meta-staged-from`. */
export const PROVENANCE_METADATA_KEY = "staged-from";

const MIB = 1024 * 1024;
/** S3's smallest part (except the last) and largest part count. */
export const MIN_PART_SIZE_BYTES = 5 * MIB;
export const MAX_PARTS = 10_000;

export interface StageTarget {
    bucket: string;
    /** Key prefix, ending in '/' (see checkedKeyPrefix). */
    prefix: string;
    /** KMS key (id, ARN or alias) for SSE-KMS; undefined leaves encryption to the bucket's default. */
    kmsKeyId?: string;
}

export interface TransferOptions {
    /** Part size for multipart uploads; files up to this size go in one PutObject. */
    partSizeBytes: number;
    /** Parts of one file uploaded in parallel. */
    concurrency: number;
    /** Read every object back and compare its SHA-256, after upload and before skipping. */
    verifyRead: boolean;
    /** Stops the run: the current upload is aborted, finished files stay. */
    signal?: AbortSignal;
}

export interface StageResult {
    uploaded: string[];
    skipped: string[];
    bytesUploaded: number;
    /** Keys under the prefix that are not files of this model. */
    extraKeys: string[];
}

/** Why staging uploads or skips one file: what it found at the file's key. */
export type StageCause = "new" | "other-size" | "other-sha256" | "no-sha256" | "stored-bytes-differ" | "same";

/** What staging does with one file. */
export interface StageDecision {
    file: ModelFile;
    key: string;
    action: "upload" | "skip";
    cause: StageCause;
    /** The cause in words, for an object that is already there; empty for a new object. */
    reason: string;
    /** The file's SHA-256 when known without reading it (published by the source) or already computed. */
    sha256?: string;
}

export interface DryRunResult {
    decisions: StageDecision[];
    /** Keys under the prefix that are not files of this model. */
    extraKeys: string[];
}

/** A `--prefix` normalized and checked as stacks/settings.ts does `weightsS3Prefix`. */
export function checkedKeyPrefix(prefix: string): string {
    const normalized = normalizeKeyPrefix(prefix);
    if (!KEY_PREFIX_PATTERN.test(normalized) || normalized.startsWith("s3:")) {
        throw new UsageError(`--prefix must be a key prefix in the bucket such as 'models/falcon-40b-instruct/' (no bucket name, no s3://), got '${prefix}'`);
    }
    return normalized;
}

/** The part size for a file: the chosen one, raised when the file would need more than 10,000 parts. */
export function partSizeFor(fileSize: number, partSizeBytes: number): number {
    const minimum = Math.ceil(fileSize / MAX_PARTS / MIB) * MIB;
    return Math.max(partSizeBytes, minimum, MIN_PART_SIZE_BYTES);
}

export class ModelStager {
    /**
     * @param s3 client for the bucket's region (or a test server)
     * @param where how to name the S3 service in messages, e.g. "S3 in us-gov-west-1"
     */
    constructor(
        private readonly s3: S3Client,
        private readonly target: StageTarget,
        private readonly transfer: TransferOptions,
        private readonly progress: StageProgress,
        private readonly where: string,
    ) {}

    async stage(source: ModelSource): Promise<StageResult> {
        await this.checkBucket();
        const result: StageResult = { uploaded: [], skipped: [], bytesUploaded: 0, extraKeys: [] };
        this.progress.begin(
            source.files.length,
            source.files.reduce((n, f) => n + f.size, 0),
        );
        try {
            for (const file of source.files) {
                if (this.transfer.signal?.aborted) throw interrupted();
                if (await this.stageFile(source, file)) {
                    result.uploaded.push(file.path);
                    result.bytesUploaded += file.size;
                } else {
                    result.skipped.push(file.path);
                }
            }
            result.extraKeys = await this.keysNotIn(source.files);
        } finally {
            this.progress.end();
        }
        return result;
    }

    private uri(path = ""): string {
        return `s3://${this.target.bucket}/${this.target.prefix}${path}`;
    }

    private async checkBucket(): Promise<void> {
        const bucket = this.target.bucket;
        try {
            await this.s3.send(new HeadBucketCommand({ Bucket: bucket }));
        } catch (err) {
            const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
            const region = await this.s3.config.region().catch(() => undefined);
            const inRegion = region ? ` in ${describeRegion(region)}` : "";
            if (status === 404) {
                throw new OperationError(
                    `bucket '${bucket}' does not exist${inRegion}. Use the stack output artifactBucketName (and the stack's region: awsRegion).`,
                );
            }
            if (status === 301) throw new OperationError(`bucket '${bucket}' is not${inRegion}: pass the stack's region (output awsRegion) with --region.`);
            if (status === 403) {
                throw new OperationError(
                    `access to bucket '${bucket}' is denied${inRegion}: the credentials need s3:ListBucket on it, s3:GetObject and s3:PutObject on ${this.target.prefix}*, and kms:GenerateDataKey and kms:Decrypt on the stack key.`,
                );
            }
            throw this.s3Error(err, `checking bucket '${bucket}'`);
        }
    }

    /** Stages one file; true when it was uploaded, false when it was already there. */
    private async stageFile(source: ModelSource, file: ModelFile): Promise<boolean> {
        const key = this.target.prefix + file.path;
        const decision = await this.decide(source, file, key);
        if (decision.action === "skip") {
            this.progress.advance(file.size);
            this.progress.log(`= ${file.path} (${formatBytes(file.size)}) already staged`);
            return false;
        }
        if (decision.cause === "stored-bytes-differ") this.progress.log(`! ${file.path}: the stored bytes do not match the recorded SHA-256; uploading again`);
        const expected = decision.sha256 ?? (await this.hashSource(source, file));
        await this.upload(source, file, key, expected);
        await this.verify(file, key, expected);
        this.progress.log(`+ ${file.path} (${formatBytes(file.size)}) uploaded, sha256 ${expected.slice(0, 12)}… verified`);
        return true;
    }

    /**
     * What `stage` would do with each file, found with reads only: HeadBucket, HeadObject per file,
     * ListObjectsV2 for the keys that are not the model's; the source's bytes only for a file whose
     * object has the same size and whose source publishes no SHA-256 (to compute it), and the
     * object's bytes only with `verifyRead` (to compare them).
     */
    async dryRun(source: ModelSource): Promise<DryRunResult> {
        await this.checkBucket();
        const decisions: StageDecision[] = [];
        for (const file of source.files) {
            if (this.transfer.signal?.aborted) throw interrupted();
            decisions.push(await this.decide(source, file, this.target.prefix + file.path));
        }
        return { decisions, extraKeys: await this.keysNotIn(source.files) };
    }

    /**
     * Upload or skip: skip when the object has the file's size and records its SHA-256 (and, with
     * verifyRead, its stored bytes hash to it). The source is hashed only when that comparison needs it.
     */
    private async decide(source: ModelSource, file: ModelFile, key: string): Promise<StageDecision> {
        const upload = (cause: StageCause, reason: string, sha256 = file.sha256): StageDecision => ({ file, key, action: "upload", cause, reason, sha256 });
        const stored = await this.head(key);
        if (!stored) return upload("new", "");
        if (stored.ContentLength !== file.size) return upload("other-size", `replaces an object of ${formatBytes(stored.ContentLength ?? 0)}`);
        const expected = file.sha256 ?? (await this.hashSource(source, file));
        const recorded = stored.Metadata?.[SHA256_METADATA_KEY];
        if (!recorded) return upload("no-sha256", "replaces an object that records no SHA-256", expected);
        if (recorded !== expected) return upload("other-sha256", "replaces an object with another SHA-256", expected);
        if (this.transfer.verifyRead && (await this.storedSha256(key, file)) !== expected)
            return upload("stored-bytes-differ", "replaces an object whose stored bytes do not match its recorded SHA-256", expected);
        return { file, key, action: "skip", cause: "same", reason: "same size and SHA-256", sha256: expected };
    }

    /** The SHA-256 of a file the source publishes none for, by reading it once. */
    private async hashSource(source: ModelSource, file: ModelFile): Promise<string> {
        this.progress.status(`hashing ${file.path}`);
        const input = await source.open(file);
        const onAbort = () => input.destroy(interrupted());
        this.transfer.signal?.addEventListener("abort", onAbort, { once: true });
        let digest;
        try {
            digest = await digestStream(input, file.gitBlobId ? file.size : undefined);
        } catch (err) {
            if (err instanceof OperationError) throw err;
            throw new OperationError(`reading ${file.path} from ${source.description} failed: ${errorText(err)}`);
        } finally {
            this.transfer.signal?.removeEventListener("abort", onAbort);
        }
        if (digest.bytes !== file.size) {
            throw new OperationError(`${file.path}: read ${digest.bytes} bytes from ${source.description}, but it is listed with ${file.size}.`);
        }
        if (file.gitBlobId && digest.gitBlobId !== file.gitBlobId) {
            throw new OperationError(
                `${file.path}: the bytes read from ${source.description} do not match its git blob id ${file.gitBlobId} (got ${digest.gitBlobId}).`,
            );
        }
        return digest.sha256;
    }

    private async upload(source: ModelSource, file: ModelFile, key: string, sha256: string): Promise<void> {
        this.progress.status(`uploading ${file.path}`);
        const input = await source.open(file);
        const digesting = new DigestingStream();
        let sourceError: Error | undefined;
        input.on("error", (err) => {
            sourceError ??= err;
            digesting.destroy(err);
        });
        input.pipe(digesting);
        const onAbort = () => input.destroy(interrupted());
        this.transfer.signal?.addEventListener("abort", onAbort, { once: true });

        const kms = this.target.kmsKeyId;
        const upload = new Upload({
            client: this.s3,
            partSize: partSizeFor(file.size, this.transfer.partSizeBytes),
            queueSize: this.transfer.concurrency,
            leavePartsOnError: false,
            params: {
                Bucket: this.target.bucket,
                Key: key,
                Body: digesting,
                Metadata: { [SHA256_METADATA_KEY]: sha256, [PROVENANCE_METADATA_KEY]: source.provenance },
                ...(kms ? { ServerSideEncryption: "aws:kms" as const, SSEKMSKeyId: kms, BucketKeyEnabled: true } : {}),
            },
        });
        let reported = 0;
        upload.on("httpUploadProgress", (p) => {
            const loaded = p.loaded ?? reported;
            this.progress.advance(loaded - reported);
            reported = loaded;
        });
        try {
            await upload.done();
        } catch (err) {
            // The source's failure is the cause; the upload's own error (and that of aborting the
            // multipart upload) follows from it.
            if (sourceError) {
                if (sourceError instanceof InterruptedError) throw sourceError;
                throw new OperationError(
                    `reading ${file.path} from ${source.description} failed after ${formatBytes(digesting.bytesSeen)} of ${formatBytes(file.size)}: ${errorText(sourceError)}. ` +
                        "Files already staged are kept; run the same command again to resume.",
                );
            }
            throw this.s3Error(err, `uploading ${this.uri(file.path)}`);
        } finally {
            this.transfer.signal?.removeEventListener("abort", onAbort);
            input.destroy();
        }
        this.progress.advance(file.size - reported);

        const digest = digesting.digest();
        if (!digest || digest.bytes !== file.size || digest.sha256 !== sha256) {
            await this.s3.send(new DeleteObjectCommand({ Bucket: this.target.bucket, Key: key })).catch(() => undefined);
            throw new OperationError(
                `${file.path}: the bytes read from ${source.description} (${digest?.bytes ?? "?"} bytes, sha256 ${digest?.sha256 ?? "?"}) do not match ` +
                    `the expected ${file.size} bytes with sha256 ${sha256}; the object was deleted. Run again; if it persists, the source is corrupt.`,
            );
        }
    }

    /** Checks the stored object against what was uploaded. */
    private async verify(file: ModelFile, key: string, sha256: string): Promise<void> {
        this.progress.status(`verifying ${file.path}`);
        const head = await this.head(key);
        const problems: string[] = [];
        if (!head) problems.push("the object is missing after the upload");
        else {
            if (head.ContentLength !== file.size) problems.push(`size ${head.ContentLength}, expected ${file.size}`);
            const recorded = head.Metadata?.[SHA256_METADATA_KEY];
            if (recorded !== sha256) problems.push(`recorded sha256 ${recorded ?? "none"}, expected ${sha256}`);
            if (head.ServerSideEncryption && head.ServerSideEncryption !== "aws:kms")
                problems.push(`encrypted with ${head.ServerSideEncryption}, not SSE-KMS (aws:kms)`);
            const kms = this.target.kmsKeyId;
            if (kms?.startsWith("arn:") && head.SSEKMSKeyId && head.SSEKMSKeyId !== kms) problems.push(`encrypted with key ${head.SSEKMSKeyId}, not ${kms}`);
        }
        if (problems.length === 0 && this.transfer.verifyRead) {
            const stored = await this.storedSha256(key, file);
            if (stored !== sha256) problems.push(`the stored bytes hash to ${stored}, expected ${sha256}`);
        }
        if (problems.length > 0) throw new OperationError(`verification of ${this.uri(file.path)} failed: ${problems.join("; ")}.`);
    }

    private async head(key: string): Promise<HeadObjectCommandOutput | undefined> {
        try {
            return await this.s3.send(new HeadObjectCommand({ Bucket: this.target.bucket, Key: key }));
        } catch (err) {
            if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return undefined;
            throw this.s3Error(err, `reading the metadata of s3://${this.target.bucket}/${key}`);
        }
    }

    /** SHA-256 of an object's stored bytes, read back from S3. */
    private async storedSha256(key: string, file: ModelFile): Promise<string> {
        this.progress.status(`reading back ${file.path}`);
        try {
            const object = await this.s3.send(new GetObjectCommand({ Bucket: this.target.bucket, Key: key }));
            return (await digestStream(object.Body as Readable)).sha256;
        } catch (err) {
            throw this.s3Error(err, `reading back s3://${this.target.bucket}/${key}`);
        }
    }

    /** Keys under the prefix that are not files of this model (from an earlier revision, say). */
    private async keysNotIn(files: ModelFile[]): Promise<string[]> {
        const expected = new Set(files.map((f) => this.target.prefix + f.path));
        const extra: string[] = [];
        try {
            for await (const page of paginateListObjectsV2({ client: this.s3 }, { Bucket: this.target.bucket, Prefix: this.target.prefix })) {
                for (const object of page.Contents ?? []) if (object.Key && !expected.has(object.Key)) extra.push(object.Key);
            }
        } catch (err) {
            throw this.s3Error(err, `listing ${this.uri()}`);
        }
        return extra;
    }

    private s3Error(err: unknown, doing: string): OperationError {
        if (err instanceof OperationError) return err;
        const common = describeAwsError(err, this.where);
        if (common) return new OperationError(`${doing}: ${common}`);
        const e = err as { name?: string; message?: string };
        const hint =
            e.name === "AccessDenied" || /kms/i.test(e.name ?? "")
                ? " (the credentials need s3:PutObject and s3:GetObject on the prefix, and kms:GenerateDataKey and kms:Decrypt on the key)"
                : "";
        return new OperationError(`${doing} failed: ${e.name ?? "Error"}: ${errorText(err)}${hint}`);
    }
}

/** The run was stopped (Ctrl-C); the current upload was aborted. */
export class InterruptedError extends OperationError {
    override name = "InterruptedError";
}

function interrupted(): InterruptedError {
    return new InterruptedError("interrupted. Files already staged are kept; run the same command again to resume.");
}
