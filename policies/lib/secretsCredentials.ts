/**
 * Recognizing credentials in a SageMaker model's container environment (`primaryContainer.environment`
 * and `containers[].environment`), for the secrets family.
 *
 * Two signals:
 * - the value looks like a credential: a Hugging Face access token (`hf_` + 20 or more letters and
 *   digits), an AWS access key ID (`AKIA`/`ASIA` + 16), a PEM private key, or a configured pattern;
 * - the variable's name says it holds one (a word `token`, `secret`, `password`, `passwd`,
 *   `passphrase`, `credential(s)`, `apikey`, or the pairs `api key`, `access key`, `private key`),
 *   and its value is not a reference (an ARN, a path- or name-valued variable such
 *   as `HF_TOKEN_PATH`) or a flag (`true`, `0`, ...). `MAX_TOTAL_TOKENS` is not a credential: the
 *   word is `tokens`.
 *
 * Messages never repeat a value: they give the kind of credential and the value's length.
 */
import { Deferrals, isUnset, UNKNOWN } from "./values";

export const MODEL_TYPE = "aws:sagemaker/model:Model";

export interface ValuePattern {
    label: string;
    pattern: RegExp;
}

export const HUGGING_FACE_TOKEN: ValuePattern = { label: "a Hugging Face access token (hf_...)", pattern: /(?<![A-Za-z0-9])hf_[A-Za-z0-9]{20,}/ };
export const AWS_ACCESS_KEY_ID: ValuePattern = {
    label: "an AWS access key ID (AKIA.../ASIA...)",
    pattern: /(?<![A-Z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Z0-9])/,
};
export const PRIVATE_KEY: ValuePattern = { label: "a PEM private key", pattern: /-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----/ };
export const BUILTIN_VALUE_PATTERNS: ValuePattern[] = [HUGGING_FACE_TOKEN, AWS_ACCESS_KEY_ID, PRIVATE_KEY];

const CREDENTIAL_WORDS = new Set(["token", "secret", "password", "passwd", "passphrase", "credential", "credentials", "apikey"]);
const CREDENTIAL_PAIRS = new Set(["api key", "access key", "private key"]);
/** A last word that makes the variable a reference to a credential or a setting about one. */
const REFERENCE_WORDS = new Set(["path", "file", "dir", "arn", "name", "id", "url", "uri", "endpoint", "length", "limit", "count", "size", "type", "mode"]);
const FLAG_VALUE = /^(?:true|false|yes|no|on|off|none|null|enabled|disabled|\d{1,3})$/i;
const REFERENCE_VALUE = /^arn:aws[a-z-]*:(?:secretsmanager|ssm|kms):/;

/** A variable name's words, lower-cased: `HUGGING_FACE_HUB_TOKEN` and `hfHubToken` both end in `token`. */
export function nameWords(name: string): string[] {
    return name
        .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
        .split(/[^A-Za-z0-9]+/)
        .filter((w) => w !== "")
        .map((w) => w.toLowerCase());
}

/** Whether a variable's name says it holds a credential. */
export function isCredentialName(name: string): boolean {
    const words = nameWords(name);
    // A name without words has no last word and matches nothing below.
    if (REFERENCE_WORDS.has(words[words.length - 1])) return false;
    if (words.some((w) => CREDENTIAL_WORDS.has(w))) return true;
    return words.slice(1).some((w, i) => CREDENTIAL_PAIRS.has(`${words[i]} ${w}`));
}

/** The first pattern a value matches, if any. */
export function matchingPattern(value: string, patterns: ValuePattern[]): ValuePattern | undefined {
    return patterns.find((p) => p.pattern.test(value));
}

/** Whether a credential-named variable's value is a literal credential (not empty, a flag or an ARN). */
export function isLiteralCredentialValue(value: string): boolean {
    const v = value.trim();
    return v !== "" && !FLAG_VALUE.test(v) && !REFERENCE_VALUE.test(v);
}

/** Compiles configured extra patterns; throws, naming the pattern, when one is not a valid regular expression. */
export function compilePatterns(sources: string[], policyName: string): ValuePattern[] {
    return sources.map((source) => {
        try {
            return { label: `a value matching the configured pattern /${source}/`, pattern: new RegExp(source) };
        } catch (err) {
            throw new Error(
                `${policyName}: extraPatterns entry ${JSON.stringify(source)} is not a valid JavaScript regular expression (${(err as Error).message}). Fix the policy pack config.`,
                { cause: err },
            );
        }
    });
}

export interface EnvVariable {
    /** `primaryContainer.environment.HF_TOKEN` */
    path: string;
    name: string;
    value: string;
}

/**
 * Every known variable of a model's container environments. Unknown values (computed from other
 * resources) are left to `deferrals`; so is an unknown environment or container list.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- resource properties as the analyzer gives them
export function modelEnvironment(props: Record<string, any>, deferrals: Deferrals): EnvVariable[] {
    // A container that is absent, or unknown in preview (UNKNOWN: the read is recorded, and it has no properties), has no environment.
    const envs: { path: string; env: unknown }[] = [
        { path: "primaryContainer.environment", env: deferrals.read(deferrals.read(props, "primaryContainer"), "environment") },
    ];
    const containers = deferrals.read(props, "containers");
    if (Array.isArray(containers)) {
        // By index through deferrals.read, which records an element unknown in preview; iterating the
        // proxied list itself would throw on it.
        for (let i = 0; i !== containers.length; i++) {
            envs.push({ path: `containers[${i}].environment`, env: deferrals.read(deferrals.read(containers, i), "environment") });
        }
    }
    const variables: EnvVariable[] = [];
    for (const { path, env } of envs) {
        if (!env || typeof env !== "object") continue; // absent, unknown (UNKNOWN) or not a map
        // Object.keys does not read values, so unknown ones do not throw here.
        for (const name of Object.keys(env)) {
            const value = deferrals.read(env, name);
            if (value === UNKNOWN || isUnset(value)) continue;
            variables.push({ path: `${path}.${name}`, name, value: String(value) });
        }
    }
    return variables;
}

/** How a message shows a value without repeating it. */
export function redacted(value: string): string {
    return `<redacted, ${value.length} characters>`;
}
