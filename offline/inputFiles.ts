/**
 * Reads the YAML and JSON files a plan is given (Pulumi.yaml, Pulumi.<stack>.yaml, --policy-config):
 * a missing or malformed file is an input error naming the file, and for a syntax error the line
 * and column, instead of a parser's stack trace.
 */
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml, YAMLParseError } from "yaml";

/** A file the user gave cannot be read or parsed; the message names it (and where, for syntax). */
export class InputFileError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "InputFileError";
    }
}

/** The file as a user would type it: relative to the working directory when inside it. */
function shown(file: string): string {
    const relative = path.relative(process.cwd(), file);
    return relative && !relative.startsWith("..") ? relative : file;
}

function readText(file: string, what: string): string {
    try {
        return fs.readFileSync(file, "utf8");
    } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        const reason = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory, not a file" : (err as Error).message;
        throw new InputFileError(`${what} ${shown(file)}: ${reason}.`);
    }
}

/** Line and column (1-based) of a 0-based offset in `text`. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
    const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
    const lines = before.split("\n");
    return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

/** Parses YAML; a syntax error (duplicate keys included) names file, line and column. */
export function readYamlFile(file: string, what: string): unknown {
    const text = readText(file, what);
    try {
        return parseYaml(text);
    } catch (err) {
        if (!(err instanceof YAMLParseError)) throw err;
        const start = err.linePos?.[0];
        const where = start ? `:${start.line}:${start.col}` : "";
        // The parser's first line is the reason; the lines after it repeat the source with a caret.
        const reason = err.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
        throw new InputFileError(`${shown(file)}${where}: ${what} is not valid YAML: ${reason}.`);
    }
}

/**
 * Parses JSON (empty text reads as `{}`, as an empty policy config does for the Pulumi CLI); a syntax
 * error names file, line and column, found by jsonSyntaxError (V8's messages state a position for
 * some errors only, and differently across Node releases).
 */
export function readJsonFile(file: string, what: string): unknown {
    const text = readText(file, what);
    if (text.trim() === "") return {};
    try {
        return JSON.parse(text);
    } catch (err) {
        if (!(err instanceof SyntaxError)) throw err;
        const found = jsonSyntaxError(text) ?? { offset: text.length, reason: err.message };
        const { line, column } = lineAndColumn(text, found.offset);
        throw new InputFileError(`${shown(file)}:${line}:${column}: ${what} is not valid JSON: ${found.reason}.`);
    }
}

class JsonStop {
    constructor(
        readonly offset: number,
        readonly reason: string,
    ) {}
}

/** Where `text` stops being JSON (RFC 8259) and why; undefined when it is JSON. */
export function jsonSyntaxError(text: string): { offset: number; reason: string } | undefined {
    let i = 0;
    const describe = (at: number) => (at >= text.length ? "end of text" : `${JSON.stringify(text[at])}`);
    const stop = (reason: string): never => {
        throw new JsonStop(i, reason);
    };
    const skipSpace = () => {
        while (i < text.length && " \t\n\r".includes(text[i])) i++;
    };
    const expect = (char: string, what: string) => {
        skipSpace();
        if (text[i] !== char) stop(`expected ${what}, found ${describe(i)}`);
        i++;
    };
    const string = () => {
        i++;
        for (;;) {
            if (i >= text.length) stop("unterminated string");
            const c = text[i];
            if (c === '"') return void i++;
            if (c < " ") stop("control character in a string (escape it)");
            if (c === "\\") {
                const next = text[i + 1];
                if (next === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
                else if (next !== undefined && '"\\/bfnrt'.includes(next)) i += 2;
                else stop("invalid escape in a string");
            } else i++;
        }
    };
    const value = (): void => {
        skipSpace();
        const c = text[i];
        if (c === "{") {
            i++;
            skipSpace();
            if (text[i] === "}") return void i++;
            for (;;) {
                skipSpace();
                if (text[i] !== '"') stop(`expected a double-quoted property name, found ${describe(i)}`);
                string();
                expect(":", "':'");
                value();
                skipSpace();
                if (text[i] === ",") i++;
                else if (text[i] === "}") return void i++;
                else stop(`expected ',' or '}', found ${describe(i)}`);
            }
        }
        if (c === "[") {
            i++;
            skipSpace();
            if (text[i] === "]") return void i++;
            for (;;) {
                value();
                skipSpace();
                if (text[i] === ",") i++;
                else if (text[i] === "]") return void i++;
                else stop(`expected ',' or ']', found ${describe(i)}`);
            }
        }
        if (c === '"') return string();
        for (const literal of ["true", "false", "null"]) if (text.startsWith(literal, i)) return void (i += literal.length);
        const number = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
        number.lastIndex = i;
        if (number.test(text)) return void (i = number.lastIndex);
        stop(`expected a value, found ${describe(i)}`);
    };
    try {
        value();
        skipSpace();
        if (i < text.length) stop(`unexpected ${describe(i)} after the JSON value`);
        return undefined;
    } catch (err) {
        if (err instanceof JsonStop) return { offset: err.offset, reason: err.reason };
        throw err;
    }
}
