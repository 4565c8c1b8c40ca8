/**
 * Config keys and values as `pulumi config set --path` reads and stores them, for the offline
 * harness's `--config` overrides: `tags.Owner=me`, `models[0].instanceType=ml.g5.2xlarge`,
 * `tags["a.b"]=x`. Sources (pulumi/pulumi, checked 2026-12-02):
 * - key: pkg/cmd/pulumi/config/io.go `parseConfigKey` (with path: the namespace comes from the
 *   segment before the first '.' or '['; no ':' means the project's) and
 *   sdk/go/common/resource/config/key.go `ParseKey` (`<namespace>:<name>` or `<namespace>:config:<name>`);
 * - `key=value`: pkg/cmd/pulumi/config/io.go `parseKeyValuePair` (the first '=', or the one after a
 *   closing quote when the key is quoted);
 * - path: sdk/go/common/resource/properties_path.go `parsePropertyPath` (strict);
 * - storing: sdk/go/common/resource/config/map.go `Map.Set` and object.go `object.Set`: a key
 *   without a path keeps the value as the string given; below a path, the value is coerced
 *   (object.go `coerce`: "true"/"false" become booleans, base-10 integers without a leading 0
 *   become numbers, everything else stays a string); a scalar at the top is replaced by a new map or
 *   list; an index may extend a list by one; a map may not get a lone "secure" key;
 * - secrets: object.go `isSecureValue` (a map whose only key is "secure", a string) and
 *   `object.Secure` (a value is secure when anything inside it is), which `MarshalString` reports and
 *   map.go `SecureKeys` turns into the keys the program is told are secret.
 */

/** One step of a path: a map key or a list index. */
export type PathSegment = string | number;

/** A value stored encrypted: `{ secure: <ciphertext> }` in a stack file, or set as a secret; `plaintext` when known. */
export class SecureLeaf {
    constructor(readonly plaintext?: string) {}
}

export class ConfigPathError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ConfigPathError";
    }
}

/** `key=value` split as `pulumi config set-all` splits it; undefined when there is no '=' after the key. */
export function splitConfigPair(pair: string): [string, string] | undefined {
    const quote = pair[0] === '"' || pair[0] === "'" ? pair[0] : undefined;
    const text = quote ? pair.slice(1) : pair;
    const separator = quote ? `${quote}=` : "=";
    const at = text.indexOf(separator);
    if (at < 0) return undefined;
    const key = text.slice(0, at);
    return key === "" ? undefined : [key, text.slice(at + separator.length)];
}

/** `ParseKey`: a fully qualified key's namespace and name. */
function parseKey(key: string): { namespace: string; name: string } {
    const parts = key.split(":");
    if (parts.length === 2) return { namespace: parts[0], name: parts[1] };
    if (parts.length === 3 && parts[1] === "config") return { namespace: parts[0], name: parts[2] };
    throw new ConfigPathError(`could not parse ${key} as a configuration key (configuration keys should be of the form \`<namespace>:<name>\`)`);
}

/** `parseConfigKey` without a path: a bare key is the project's. */
function qualify(project: string, key: string): { namespace: string; name: string } {
    return parseKey(key.includes(":") ? key : `${project}:${key}`);
}

/** The path of a property: `a.b[0]["c.d"]` → ["a", "b", 0, "c.d"] (`parsePropertyPath`, strict). */
export function parsePropertyPath(path: string): PathSegment[] {
    const segments: PathSegment[] = [];
    if (path.startsWith(".")) throw new ConfigPathError("expected property path to start with a name or index");
    let rest = path;
    while (rest.length > 0) {
        if (rest[0] === ".") {
            rest = rest.slice(1);
            if (rest.length === 0) throw new ConfigPathError("expected property path to end with a name or index");
            if (rest[0] === "[") throw new ConfigPathError("expected property name after '.'");
        } else if (rest[0] === "[") {
            if (rest[1] === '"') {
                let name = "";
                let i = 2;
                for (;;) {
                    if (i >= rest.length) throw new ConfigPathError("missing closing quote in property name");
                    if (rest[i] === '"') {
                        i++;
                        break;
                    }
                    if (rest[i] === "\\" && rest[i + 1] === '"') {
                        name += '"';
                        i += 2;
                    } else {
                        name += rest[i++];
                    }
                }
                if (rest[i] !== "]") throw new ConfigPathError("missing closing bracket in property access");
                segments.push(name);
                rest = rest.slice(i + 1);
            } else {
                const close = rest.indexOf("]");
                if (close < 0) throw new ConfigPathError("missing closing bracket in array index");
                const inside = rest.slice(1, close);
                if (inside === "*") segments.push("*");
                else if (/^[+-]?\d+$/.test(inside)) segments.push(Number(inside));
                else throw new ConfigPathError(`invalid array index: ${JSON.stringify(inside)} is not an integer`);
                rest = rest.slice(close + 1);
            }
        } else {
            const end = rest.search(/[.[]/);
            const name = end < 0 ? rest : rest.slice(0, end);
            segments.push(name);
            rest = end < 0 ? "" : rest.slice(end);
        }
    }
    return segments;
}

/**
 * A `--config` key read as `pulumi config set --path` reads it: the fully qualified key it sets
 * (`sagemaker-llm:tags`) and the path below that key ([] for the key itself).
 */
export function parseConfigKeyPath(project: string, key: string): { key: string; path: PathSegment[] } {
    const split = key.search(/[.[]/);
    let namespace: string;
    let name: string;
    if (split > 0) {
        const top = qualify(project, key.slice(0, split));
        namespace = top.namespace;
        name = top.name + key.slice(split);
    } else {
        ({ namespace, name } = qualify(project, key));
    }
    let path: PathSegment[];
    try {
        path = parsePropertyPath(name);
    } catch (err) {
        throw new ConfigPathError(`invalid config key path: ${(err as Error).message}`);
    }
    if (path.length === 0) throw new ConfigPathError("empty config key path");
    const [first, ...below] = path;
    if (typeof first !== "string") throw new ConfigPathError("first path segment of config key must be a string");
    if (first === "") throw new ConfigPathError("config key is empty");
    return { key: `${namespace}:${first}`, path: below };
}

const INT64 = [-(2n ** 63n), 2n ** 63n - 1n] as const;
const UINT64_MAX = 2n ** 64n - 1n;

/**
 * A value set below a path, typed as the CLI types it (`coerce`). Integers beyond 2^53 lose precision
 * here (JavaScript numbers), where the CLI keeps them exact.
 */
export function coercePathValue(text: string): string | boolean | number {
    if (text === "true") return true;
    if (text === "false") return false;
    if (text.length > 1 && text[0] === "0") return text;
    if (!/^[+-]?\d+$/.test(text)) return text;
    const n = BigInt(text);
    return (n >= INT64[0] && n <= INT64[1]) || (n >= 0n && n <= UINT64_MAX) ? Number(n) : text;
}

function isMap(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof SecureLeaf);
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
    // defineProperty: a key such as "__proto__" is data, not the object's prototype.
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function newContainer(segment: PathSegment): unknown[] | Record<string, unknown> {
    return typeof segment === "number" ? new Array<unknown>(segment + 1).fill(null) : {};
}

function formatPath(key: string, path: PathSegment[]): string {
    return path.reduce<string>(
        (text, s) => (typeof s === "number" ? `${text}[${s}]` : /^[\w$-]+$/.test(s) ? `${text}.${s}` : `${text}[${JSON.stringify(s)}]`),
        key,
    );
}

/** `object.Set`: `value` placed at `path` below `current` (which is not modified); returns the new value. */
function setBelow(current: unknown, path: PathSegment[], value: unknown, key: string, prefix: PathSegment[]): unknown {
    if (path.length === 0) return value;
    const [segment, ...rest] = path;
    let container: unknown;
    if (Array.isArray(current)) container = [...current];
    else if (isMap(current)) {
        const copy: Record<string, unknown> = {};
        for (const k of Object.keys(current)) setOwn(copy, k, current[k]);
        container = copy;
    } else if (current === null || current === undefined || prefix.length === 0) container = newContainer(segment);
    else throw new ConfigPathError(`${formatPath(key, prefix)}: expected ${typeof segment === "number" ? "an array" : "a map"}`);
    const at = [...prefix, segment];
    if (Array.isArray(container)) {
        if (typeof segment !== "number") throw new ConfigPathError(`${formatPath(key, at)}: key for an array must be an int`);
        if (segment < 0 || segment > container.length) {
            throw new ConfigPathError(
                `${formatPath(key, at)}: array index out of range (the list has ${container.length} item(s); an index may add one at the end)`,
            );
        }
        container[segment] = setBelow(segment < container.length ? container[segment] : null, rest, value, key, at);
        return container;
    }
    const map = container as Record<string, unknown>;
    if (typeof segment !== "string") throw new ConfigPathError(`${formatPath(key, at)}: key for a map must be a string`);
    if (rest.length === 0 && Object.keys(map).length === 0 && segment === "secure" && typeof value === "string") {
        throw new ConfigPathError(`${formatPath(key, at)}: maps with the single key "secure" are reserved`);
    }
    setOwn(map, segment, setBelow(Object.prototype.hasOwnProperty.call(map, segment) ? map[segment] : undefined, rest, value, key, at));
    return map;
}

/**
 * The value of `key` after `pulumi config set --path <key><path> <text>` (with `--secret`: `secret`),
 * given its current value (undefined when unset).
 */
export function setConfigPath(current: unknown, key: string, path: PathSegment[], text: string, secret = false): unknown {
    if (path.length === 0) return secret ? new SecureLeaf(text) : text;
    return setBelow(current, path, secret ? new SecureLeaf(text) : coercePathValue(text), key, []);
}

/** A stack file's value with every `{ secure: <ciphertext> }` (at any depth) as a SecureLeaf. */
export function readSecureLeaves(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(readSecureLeaves);
    if (isMap(value)) {
        const keys = Object.keys(value);
        if (keys.length === 1 && keys[0] === "secure" && typeof value.secure === "string") return new SecureLeaf();
        const out: Record<string, unknown> = {};
        for (const k of keys) setOwn(out, k, readSecureLeaves(value[k]));
        return out;
    }
    return value;
}

/** Whether a value is, or holds, a secret: the CLI then passes its key to the program as secret. */
export function holdsSecret(value: unknown): boolean {
    if (value instanceof SecureLeaf) return true;
    if (Array.isArray(value)) return value.some(holdsSecret);
    if (isMap(value)) return Object.values(value).some(holdsSecret);
    return false;
}

/** The value with each secret as its plaintext, or `placeholder` where the plaintext is unknown (encrypted). */
export function revealSecrets(value: unknown, placeholder: string): unknown {
    if (value instanceof SecureLeaf) return value.plaintext ?? placeholder;
    if (Array.isArray(value)) return value.map((v) => revealSecrets(v, placeholder));
    if (isMap(value)) {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) setOwn(out, k, revealSecrets(v, placeholder));
        return out;
    }
    return value;
}
