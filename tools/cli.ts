/**
 * What the command-line tools in tools/ share: exit codes, the two kinds of user-facing errors, the
 * streams a command writes to (injectable, so tests run commands in-process), option parsing with
 * node's util.parseArgs, and the wrapper that turns a command's outcome into an exit code.
 */
import { parseArgs, ParseArgsConfig } from "util";

/** Exit codes of every tool: 0 done, 1 the operation failed, 2 bad usage (nothing was attempted). */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Wrong or missing options: the command did nothing. Exit code 2. */
export class UsageError extends Error {
    override name = "UsageError";
}

/**
 * The operation failed for a reason the user can act on; the message says what and how, and is
 * printed without a stack trace. Exit code 1.
 */
export class OperationError extends Error {
    override name = "OperationError";
}

/** An error's message followed by its causes' ("terminated: other side closed"). */
export function errorText(err: unknown): string {
    const parts: string[] = [];
    for (let e = err as { message?: string; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
        const message = e.message ?? String(e);
        if (message && !parts.includes(message)) parts.push(message);
    }
    return parts.join(": ") || String(err);
}

/** A writable text stream; `isTTY` and `columns` decide whether a progress bar is drawn. */
export interface TextOutput {
    write(text: string): unknown;
    isTTY?: boolean;
    columns?: number;
}

/** Where a command reads and writes; `process`'s own by default. */
export interface CliIo {
    stdout: TextOutput;
    stderr: TextOutput;
    stdin: NodeJS.ReadableStream & { isTTY?: boolean };
    env: NodeJS.ProcessEnv;
    /** Aborted when the user interrupts (Ctrl-C), for commands that stop cleanly. */
    signal?: AbortSignal;
}

export function processIo(): CliIo {
    return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}

/** util.parseArgs in strict mode, its errors turned into UsageError. */
export function parseOptions<T extends NonNullable<ParseArgsConfig["options"]>>(argv: string[], options: T) {
    try {
        return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
    } catch (err) {
        throw new UsageError((err as Error).message);
    }
}

/** A numeric option: a finite number above `min` (or at least `min` when `inclusive`). */
export function numberOption(name: string, value: string | undefined, fallback: number, min = 0, inclusive = false): number {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || (inclusive ? n < min : n <= min)) {
        throw new UsageError(`--${name} must be a number ${inclusive ? "of at least" : "above"} ${min}, got '${value}'`);
    }
    return n;
}

/**
 * Runs a command body and maps its outcome to an exit code: UsageError → 2 (with a pointer to
 * --help), OperationError → 1 (message only), anything else → 1 (message; stack trace when
 * DEBUG is set).
 */
export async function runCommand(io: CliIo, command: string, body: () => Promise<void>): Promise<number> {
    try {
        await body();
        return EXIT.ok;
    } catch (err) {
        const e = err as Error;
        if (e instanceof UsageError) {
            io.stderr.write(`${command}: ${e.message}\nRun '${command} --help' for the options.\n`);
            return EXIT.usage;
        }
        const detail = e instanceof OperationError || !io.env.DEBUG ? e.message : (e.stack ?? e.message);
        io.stderr.write(`${command}: ${detail}\n`);
        return EXIT.failed;
    }
}

/** The entry point of a tool run as a script: runs `main` with process I/O and exits with its code. */
export function runAsScript(main: (argv: string[], io: CliIo) => Promise<number>): void {
    main(process.argv.slice(2), processIo()).then(
        (code) => process.exit(code),
        (err) => {
            process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
            process.exit(EXIT.failed);
        },
    );
}
