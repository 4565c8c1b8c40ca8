/**
 * The Hugging Face Hub access token, found where the Hugging Face CLI (huggingface_hub) finds it:
 *
 * 1. `HF_TOKEN`, else the legacy `HUGGING_FACE_HUB_TOKEN` (utils/_auth.py, `_get_token_from_environment`);
 * 2. the token file `hf auth login` writes (`_get_token_from_file`): `$HF_TOKEN_PATH`, else
 *    `$HF_HOME/token`, else `${XDG_CACHE_HOME:-~/.cache}/huggingface/token` (constants.py,
 *    `HF_HOME` and `HF_TOKEN_PATH`, with `~` and `$VAR` expanded); a missing file means no token;
 * 3. with `HF_HUB_DISABLE_IMPLICIT_TOKEN` true (1/ON/YES/TRUE), none of these is sent
 *    (utils/_headers.py, `get_token_to_send`).
 * A value is cleaned as `_clean_token` does (line breaks removed, spaces trimmed; empty means none).
 * Not followed: the OIDC exchange (`HF_OIDC_RESOURCE`), OAuth refresh and Colab secrets.
 * Source: github.com/huggingface/huggingface_hub, src/huggingface_hub/constants.py and
 * src/huggingface_hub/utils/_auth.py at ee0a4510 (2026-08-20), checked 2026-12-02.
 *
 * The token is held in a HubToken, which prints as its source only (String(), JSON, util.inspect),
 * so no message, debug dump or dry-run listing can show it.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { inspect } from "util";
import { InputError } from "./cli";

/** huggingface_hub's true values for boolean environment variables (constants.py, ENV_VARS_TRUE_VALUES). */
const TRUE_VALUES = new Set(["1", "ON", "YES", "TRUE"]);

/** An access token and where it came from; only `secret()` gives the value. */
export class HubToken {
    readonly #value: string;

    /** @param source where the token was found, for messages: `HF_TOKEN` or `<file> (<how the path was chosen>)` */
    constructor(
        value: string,
        readonly source: string,
    ) {
        this.#value = value;
    }

    /** The token itself, for the Authorization header only. */
    secret(): string {
        return this.#value;
    }

    toString(): string {
        return `HubToken(${this.source})`;
    }

    toJSON(): string {
        return this.toString();
    }

    [inspect.custom](): string {
        return this.toString();
    }
}

export interface HubTokenLookup {
    token?: HubToken;
    /** The token file looked at (whether or not it exists), for hints. */
    tokenFile: string;
    /** Why no token is sent even though one may be set: HF_HUB_DISABLE_IMPLICIT_TOKEN. */
    disabled: boolean;
}

/** Finds the Hub token as the Hugging Face CLI does; InputError when the token file cannot be read. */
export function findHubToken(env: NodeJS.ProcessEnv, home: string = env.HOME || os.homedir()): HubTokenLookup {
    const { file, chosenBy } = tokenFile(env, home);
    if (TRUE_VALUES.has((env.HF_HUB_DISABLE_IMPLICIT_TOKEN ?? "").toUpperCase())) return { tokenFile: file, disabled: true };
    for (const name of ["HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"]) {
        const value = cleanToken(env[name]);
        if (value) return { token: new HubToken(value, name), tokenFile: file, disabled: false };
    }
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "ENOENT") return { tokenFile: file, disabled: false };
        throw new InputError(
            `cannot read the Hub token file ${file} (${chosenBy}): ${code ?? (err as Error).message}. Fix its permissions, or set HF_TOKEN instead.`,
        );
    }
    const value = cleanToken(text);
    return { token: value ? new HubToken(value, `${file} (${chosenBy})`) : undefined, tokenFile: file, disabled: false };
}

/** The token file and the setting that chose it. */
export function tokenFile(env: NodeJS.ProcessEnv, home: string): { file: string; chosenBy: string } {
    if (env.HF_TOKEN_PATH) return { file: expandPath(env.HF_TOKEN_PATH, env, home), chosenBy: "HF_TOKEN_PATH" };
    if (env.HF_HOME) return { file: path.join(expandPath(env.HF_HOME, env, home), "token"), chosenBy: "$HF_HOME/token" };
    const cache = env.XDG_CACHE_HOME ? expandPath(env.XDG_CACHE_HOME, env, home) : path.join(home, ".cache");
    return { file: path.join(cache, "huggingface", "token"), chosenBy: "the login token of 'hf auth login'" };
}

/** `~` and `$VAR` / `${VAR}` expanded as Python's expanduser and expandvars do (unknown variables stay). */
function expandPath(p: string, env: NodeJS.ProcessEnv, home: string): string {
    const user = p === "~" || p.startsWith("~/") ? home + p.slice(1) : p;
    return user.replace(/\$(\w+)|\$\{([^}]+)\}/g, (whole, bare: string | undefined, braced: string | undefined) => env[(bare ?? braced)!] ?? whole);
}

function cleanToken(value: string | undefined): string | undefined {
    return value?.replace(/[\r\n]/g, "").trim() || undefined;
}
