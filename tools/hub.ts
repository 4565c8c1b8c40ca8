/**
 * The Hugging Face Hub as a model source: lists a repository's files at one commit through the Hub
 * API and streams each file from its `resolve` URL.
 *
 * - `GET {endpoint}/api/models/{repo}/revision/{revision}?blobs=true` gives the commit (`sha`) the
 *   revision points to and `siblings[]`: `rfilename`, `size`, `blobId` (git SHA-1) and, for LFS
 *   files (the weights), `lfs.sha256`.
 * - `GET {endpoint}/{repo}/resolve/{commit}/{file}` gives the bytes (LFS files redirect to a CDN,
 *   which fetch follows). Every file is read at the listed commit, so a branch that moves during a
 *   long copy cannot mix two versions.
 * - The token (env HF_TOKEN) goes only into the `Authorization: Bearer` header and never into a
 *   message. The Hub answers 401 for a bad token, and also for a missing or private repository when
 *   the request is anonymous; 403 when the token has no access to a gated repository; 404 (with
 *   X-Error-Code RepoNotFound / RevisionNotFound / EntryNotFound) when something does not exist.
 */
import { Readable } from "stream";
import { ReadableStream as WebReadableStream } from "stream/web";
import { OperationError } from "./cli";
import { networkErrorCode } from "./awsConfig";
import { byPath, ModelFile, ModelSource } from "./modelFiles";

export const DEFAULT_HUB_ENDPOINT = "https://huggingface.co";
/** Environment variable holding the Hub access token (the huggingface_hub library's). */
export const HUB_TOKEN_ENV = "HF_TOKEN";
/** Environment variable overriding the Hub endpoint (the huggingface_hub library's). */
export const HUB_ENDPOINT_ENV = "HF_ENDPOINT";

export interface HubOptions {
    /** Base URL of the Hub, without a trailing slash. */
    endpoint: string;
    /** Access token for gated or private repositories. */
    token?: string;
}

/** A repository id `org/name` (or a legacy `name`), as the Hub accepts it. */
export function isHubRepoId(id: string): boolean {
    return /^(?:[A-Za-z0-9][\w.-]*\/)?[A-Za-z0-9][\w.-]*$/.test(id) && !id.includes("..");
}

interface HubSibling {
    rfilename: string;
    size?: number;
    blobId?: string;
    lfs?: { sha256?: string; size?: number };
}

/** Lists a repository's files at a revision and returns them as a model source. */
export async function openHubModel(repo: string, revision: string, options: HubOptions): Promise<ModelSource> {
    const endpoint = options.endpoint.replace(/\/+$/, "");
    const what = `${repo}@${revision}`;
    const info = (await (await hubGet(`${endpoint}/api/models/${repo}/revision/${encodeURIComponent(revision)}?blobs=true`, options, what)).json()) as {
        sha?: string;
        siblings?: HubSibling[];
    };
    if (typeof info.sha !== "string" || !Array.isArray(info.siblings)) {
        throw new OperationError(`unexpected answer from ${endpoint} for ${what}: no commit or file list (is --hub-endpoint a Hugging Face Hub?)`);
    }
    const commit = info.sha;
    const files: ModelFile[] = info.siblings.map((s) => {
        const size = s.lfs?.size ?? s.size;
        if (typeof size !== "number") throw new OperationError(`the Hub listed ${s.rfilename} in ${what} without a size`);
        return { path: s.rfilename, size, sha256: s.lfs?.sha256, gitBlobId: s.lfs ? undefined : s.blobId };
    });
    return {
        description: `hf://${repo}@${commit}`,
        provenance: `hf://${repo}@${commit}`,
        files: byPath(files),
        async open(file: ModelFile): Promise<Readable> {
            const url = `${endpoint}/${repo}/resolve/${encodeURIComponent(commit)}/${file.path.split("/").map(encodeURIComponent).join("/")}`;
            const response = await hubGet(url, options, `${repo}/${file.path}@${commit}`);
            if (!response.body) throw new OperationError(`the Hub sent no content for ${file.path}`);
            return Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
        },
    };
}

/** GET with the token; any answer but 2xx becomes an OperationError that says what to do. */
async function hubGet(url: string, options: HubOptions, what: string): Promise<Response> {
    let response: Response;
    try {
        response = await fetch(url, { headers: options.token ? { authorization: `Bearer ${options.token}` } : {}, redirect: "follow" });
    } catch (err) {
        const code = networkErrorCode(err) ?? (err as Error).message;
        throw new OperationError(
            `cannot reach the Hub at ${new URL(url).origin} (${code}). Staging from the Hub needs internet access: run on a connected machine, or download there and use --from-dir.`,
        );
    }
    if (response.ok) return response;
    const errorCode = response.headers.get("x-error-code") ?? "";
    const detail = (response.headers.get("x-error-message") ?? (await response.text().catch(() => ""))).slice(0, 300).trim();
    const suffix = detail ? ` (Hub: ${detail})` : "";
    throw new OperationError(hubErrorMessage(response.status, errorCode, what, !!options.token) + suffix);
}

function hubErrorMessage(status: number, errorCode: string, what: string, hasToken: boolean): string {
    if (errorCode === "RevisionNotFound") return `revision not found: ${what}. Check --revision (a branch, tag or commit of the repository).`;
    if (errorCode === "EntryNotFound") return `file not found on the Hub: ${what}.`;
    if (errorCode === "RepoNotFound" || status === 404) {
        // Anonymous requests get 401 RepoNotFound for private repositories too.
        const privateHint = hasToken ? "" : ` If it is private or gated, set ${HUB_TOKEN_ENV} to an access token.`;
        return `model not found on the Hub: ${what}. Check --model (a catalog id or an 'org/name' repository id) and --revision.${privateHint}`;
    }
    if (status === 401) {
        return hasToken
            ? `the Hub rejected the token in ${HUB_TOKEN_ENV} for ${what} (401): the token is invalid or expired, or the repository is private to another account.`
            : `the Hub requires a token for ${what} (401${errorCode ? ` ${errorCode}` : ""}): set ${HUB_TOKEN_ENV} to an access token with read access (gated or private models).`;
    }
    if (errorCode === "GatedRepo" || status === 403) {
        return `access to ${what} is denied with the token in ${HUB_TOKEN_ENV} (${status}): for a gated model, accept its licence on the model page with the token's account, and use a token with read access.`;
    }
    if (status === 429) return `the Hub is rate-limiting requests for ${what} (429); wait and run again (finished files are kept).`;
    return `the Hub answered ${status} for ${what}.`;
}
