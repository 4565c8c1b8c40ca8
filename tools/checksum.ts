/**
 * Checksums of streamed bytes: SHA-256 (what the tools record and compare) and, where the source
 * publishes one, the git blob id (SHA-1 over "blob <size>\0" + content, what the Hub lists for files
 * kept in git rather than LFS).
 */
import * as crypto from "crypto";
import { Readable, Transform, TransformCallback } from "stream";

export interface StreamDigest {
    /** SHA-256 of the bytes, hex. */
    sha256: string;
    /** Number of bytes. */
    bytes: number;
    /** Git blob id of the bytes, hex; only when the expected size was given. */
    gitBlobId?: string;
}

/**
 * A pass-through stream that hashes and counts what flows through it, so a download can be piped
 * into an upload and checked afterwards without holding the file in memory.
 */
export class DigestingStream extends Transform {
    private readonly sha256 = crypto.createHash("sha256");
    private readonly gitBlob?: crypto.Hash;
    private bytes = 0;
    private result?: StreamDigest;

    /** `gitBlobSize`: the size the git blob header declares; set it to also compute the git blob id. */
    constructor(gitBlobSize?: number) {
        super();
        if (gitBlobSize !== undefined) this.gitBlob = crypto.createHash("sha1").update(`blob ${gitBlobSize}\0`);
    }

    override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
        this.sha256.update(chunk);
        this.gitBlob?.update(chunk);
        this.bytes += chunk.length;
        callback(null, chunk);
    }

    override _flush(callback: TransformCallback): void {
        this.result = { sha256: this.sha256.digest("hex"), bytes: this.bytes, gitBlobId: this.gitBlob?.digest("hex") };
        callback();
    }

    /** Bytes that have passed so far. */
    get bytesSeen(): number {
        return this.bytes;
    }

    /** The digest, once the stream has ended; undefined before. */
    digest(): StreamDigest | undefined {
        return this.result;
    }
}

/** Reads a stream to its end and returns its digest. */
export async function digestStream(stream: Readable, gitBlobSize?: number): Promise<StreamDigest> {
    const digesting = new DigestingStream(gitBlobSize);
    stream.on("error", (err) => digesting.destroy(err));
    stream.pipe(digesting);
    for await (const _chunk of digesting) {
        // consumed only to drive the hash
    }
    return digesting.digest()!;
}
