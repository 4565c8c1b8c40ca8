/**
 * The Hugging Face Hub as a model source: the revision's commit and file list come from
 * @huggingface/hub, and each file is streamed from its `resolve` URL at that commit.
 *
 * - `modelInfo` (`GET {endpoint}/api/models/{repo}/revision/{revision}?expand=sha`) gives the commit
 *   the revision points to; `listFiles` (`GET {endpoint}/api/models/{repo}/tree/{commit}?recursive=true`,
 *   following the `Link` pages) gives each file's `size`, `oid` (git blob id) and, for LFS files
 *   (the weights), `lfs.oid` (their SHA-256). Every file is read at that commit, so a branch that
 *   moves during a long copy cannot mix two versions.
 * - Downloads do not use the library's `downloadFile`: it first sends a `Range: bytes=0-0` request
 *   per file (`fileDownloadInfo`) for the size, ETag and Xet details the listing already gave, and its
 *   `Blob.stream()` reports a broken transfer by message only. Here one plain GET per file streams
 *   into the S3 upload, which checks the SHA-256 and resumes at file granularity
 *   (tools/s3Stage.ts). `GET {endpoint}/{repo}/resolve/{commit}/{file}` answers with the bytes or,
 *   for LFS and Xet files, a redirect to a CDN that fetch follows without the Authorization header.
 * - Both go through one fetch wrapper: a network failure becomes a message saying the Hub is
 *   unreachable, and the Hub's `X-Error-Code` (which the library's HubApiError drops) is kept for
 *   the messages below.
 * - The token (tools/hubToken.ts) goes only into the `Authorization: Bearer` header. The Hub answers
 *   401 for a bad token, and also for a missing or private repository when the request is anonymous;
 *   403 when the token has no access to a gated repository; 404 (X-Error-Code RepoNotFound /
 *   RevisionNotFound / EntryNotFound) when something does not exist.
 */
import { HubApiError, listFiles, modelInfo } from "@huggingface/hub";
import { Readable } from "stream";
import { ReadableStream as WebReadableStream } from "stream/web";
import { InputError, OperationError } from "./cli";
import { networkErrorCode } from "./awsConfig";
import { HubTokenLookup } from "./hubToken";
import { byPath, ModelFile, ModelSource } from "./modelFiles";

export const DEFAULT_HUB_ENDPOINT = "https://huggingface.co";
/** Environment variable overriding the Hub endpoint (huggingface_hub's constants.py, `ENDPOINT`). */
export const HUB_ENDPOINT_ENV = "HF_ENDPOINT";

export interface HubOptions {
    /** Base URL of the Hub (or a mirror), without a trailing slash. */
    endpoint: string;
    /** The access token for gated or private repositories, if any, and where it was looked for. */
    auth: HubTokenLookup;
}

/** A repository id `org/name` (or a legacy `name`), as the Hub accepts it. */
export function isHubRepoId(id: string): boolean {
    return /^(?:[A-Za-z0-9][\w.-]*\/)?[A-Za-z0-9][\w.-]*$/.test(id) && !id.includes("..");
}

/** Resolves the revision to a commit, lists the repository's files there, and returns them as a model source. */
export async function openHubModel(repo: string, revision: string, options: HubOptions): Promise<ModelSource> {
    const endpoint = options.endpoint.replace(/\/+$/, "");
    const token = options.auth.token;
    // @huggingface/hub refuses other tokens with a TypeError (utils/checkCredentials.ts); say so first.
    if (token && !token.secret().startsWith("hf_")) {
        throw new InputError(`the Hub token in ${token.source} does not start with 'hf_': use a Hugging Face access token (huggingface.co/settings/tokens).`);
    }
    const http = new HubHttp(endpoint, options.auth);
    const common = { hubUrl: endpoint, fetch: http.fetch, accessToken: token?.secret() };
    const designation = { type: "model" as const, name: repo };

    let what = `${repo}@${revision}`;
    let commit: unknown;
    try {
        commit = (await modelInfo({ ...common, name: repo, revision, additionalFields: ["sha"] })).sha;
    } catch (err) {
        throw http.describe(err, what);
    }
    if (typeof commit !== "string" || !/^[0-9a-f]{40}$/.test(commit)) {
        throw new OperationError(`unexpected answer from ${endpoint} for ${what}: no commit id (is --hub-endpoint a Hugging Face Hub?)`);
    }
    what = `${repo}@${commit}`;
    const files: ModelFile[] = [];
    try {
        for await (const entry of listFiles({ ...common, repo: designation, revision: commit, recursive: true })) {
            if (entry.type !== "file") continue;
            if (typeof entry.size !== "number") throw new OperationError(`the Hub listed ${entry.path} in ${what} without a size`);
            // LFS (and Xet) files: `oid` is the pointer's blob id, `lfs.oid` the content's SHA-256.
            const stored = entry.lfs !== undefined || entry.xetHash !== undefined;
            files.push({ path: entry.path, size: entry.size, sha256: entry.lfs?.oid, gitBlobId: stored ? undefined : entry.oid });
        }
    } catch (err) {
        throw http.describe(err, what);
    }
    return {
        description: `hf://${repo}@${commit}`,
        provenance: `hf://${repo}@${commit}`,
        files: byPath(files),
        async open(file: ModelFile): Promise<Readable> {
            const url = `${endpoint}/${repo}/resolve/${commit}/${file.path.split("/").map(encodeURIComponent).join("/")}`;
            const fileWhat = `${repo}/${file.path}@${commit}`;
            const response = await http.fetch(url, { headers: token ? { authorization: `Bearer ${token.secret()}` } : {}, redirect: "follow" });
            if (!response.ok) throw http.describe(response, fileWhat, await response.text().catch(() => ""));
            if (!response.body) throw new OperationError(`the Hub sent no content for ${fileWhat}`);
            return Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
        },
    };
}

/** fetch for the Hub: network failures explained, each failed answer's X-Error-Code kept by URL. */
class HubHttp {
    private readonly errorCodes = new Map<string, { code: string; message: string }>();

    constructor(
        private readonly endpoint: string,
        private readonly auth: HubTokenLookup,
    ) {}

    readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
        let response: Response;
        try {
            response = await fetch(input, init);
        } catch (err) {
            const code = networkErrorCode(err) ?? (err as Error).message;
            throw new OperationError(
                `cannot reach the Hub at ${new URL(this.endpoint).origin} (${code}). Staging from the Hub needs internet access: run on a connected machine, or download there and use --from-dir.`,
            );
        }
        if (!response.ok) {
            this.errorCodes.set(response.url, { code: response.headers.get("x-error-code") ?? "", message: response.headers.get("x-error-message") ?? "" });
        }
        return response;
    };

    /** An OperationError for a failed answer (a library HubApiError or a Response), naming what to do. */
    describe(failure: unknown, what: string, body = ""): Error {
        let status: number;
        let url: string;
        let detail: string;
        if (failure instanceof HubApiError) {
            status = failure.statusCode;
            url = failure.url;
            const data = failure.data as { error?: unknown; message?: unknown } | undefined;
            detail = String(data?.error ?? data?.message ?? "");
        } else if (failure instanceof Response) {
            status = failure.status;
            url = failure.url;
            detail = body;
        } else if (failure instanceof OperationError || !(failure instanceof Error)) {
            return failure instanceof Error ? failure : new OperationError(String(failure));
        } else {
            return new OperationError(`unexpected answer from ${this.endpoint} for ${what}: ${failure.message} (is --hub-endpoint a Hugging Face Hub?)`);
        }
        const recorded = this.errorCodes.get(url);
        const text = (recorded?.message || detail).slice(0, 300).trim();
        return new OperationError(hubErrorMessage(status, recorded?.code ?? "", what, this.auth) + (text ? ` (Hub: ${text})` : ""));
    }
}

/** The message for a Hub error answer: what went wrong and the fix, naming where the token came from, never the token. */
export function hubErrorMessage(status: number, errorCode: string, what: string, auth: HubTokenLookup): string {
    const token = auth.token;
    const howToSet = `set HF_TOKEN to an access token with read access, or log in with 'hf auth login' (token file: ${auth.tokenFile})${
        auth.disabled ? "; HF_HUB_DISABLE_IMPLICIT_TOKEN is set, so no token is sent" : ""
    }`;
    if (errorCode === "RevisionNotFound") return `revision not found: ${what}. Check --revision (a branch, tag or commit of the repository).`;
    if (errorCode === "EntryNotFound") return `file not found on the Hub: ${what}.`;
    if (errorCode === "RepoNotFound" || status === 404) {
        // Anonymous requests get 401 RepoNotFound for private repositories too.
        const privateHint = token ? "" : ` If it is private or gated, ${howToSet}.`;
        return `model not found on the Hub: ${what}. Check --model (a catalog id or an 'org/name' repository id) and --revision.${privateHint}`;
    }
    if (status === 401) {
        return token
            ? `the Hub rejected the token in ${token.source} for ${what} (401): the token is invalid or expired, or the repository is private to another account.`
            : `the Hub requires a token for ${what} (401${errorCode ? ` ${errorCode}` : ""}): ${howToSet} (gated or private models).`;
    }
    if (errorCode === "GatedRepo" || status === 403) {
        return token
            ? `access to ${what} is denied with the token in ${token.source} (${status}): for a gated model, accept its licence on the model page with the token's account, and use a token with read access.`
            : `access to ${what} is denied without a token (${status}): for a gated model, accept its licence on the model page, then ${howToSet}.`;
    }
    if (status === 429) return `the Hub is rate-limiting requests for ${what} (429); wait and run again (finished files are kept).`;
    return `the Hub answered ${status} for ${what}.`;
}
