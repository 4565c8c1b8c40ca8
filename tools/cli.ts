/**
 * The command-line convention every command of this repository follows (plan, stage-model, invoke,
 * pack:build): option parsing with node's util.parseArgs (strict, no positionals, -h/--help prints
 * the usage on stdout and exits 0), the kinds of user-facing errors, the streams a command writes to
 * (injectable, so tests run commands in-process), and the wrapper that turns a command's outcome into
 * an exit code and its error into one message on stderr, prefixed with the command's name.
 */
import { parseArgs, ParseArgsConfig } from "util";

/**
 * Exit codes every command shares: 0 done, 1 the operation failed or its check found problems
 * (policy violations), 2 the input is wrong (options, settings, files; nothing was attempted), 3 a
 * fault of the command itself. A command may add its own from 4 up (the plan: 4 unsafe changes,
 * 5 an incomplete evaluation).
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, internal: 3 } as const;

/** Wrong or missing options: the command did nothing. Exit code 2, with a pointer to --help. */
export class UsageError extends Error {
    override name = "UsageError";
}

/**
 * Something the options point to is wrong (a settings file, an earlier plan, a policy config): the
 * message says what and how to fix it. Exit code 2, without the pointer to --help.
 */
export class InputError extends Error {
    override name = "InputError";
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

/** util.parseArgs in strict mode without positionals, its errors turned into UsageError. */
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

/** How a command's own error classes map to an exit code and a message (undefined: not one of them). */
export type ErrorClassifier = (err: Error) => { code: number; message: string } | undefined;

/**
 * Runs a command body and maps its outcome to an exit code: the body's own code (or 0);
 * UsageError → 2 with a pointer to --help; InputError → 2; OperationError → 1; what `classify` knows
 * → its code; anything else → 3, a fault of the command, with its stack trace. Every message is one
 * block on stderr, prefixed with the command's name.
 */
export async function runCommand(io: CliIo, command: string, body: () => Promise<number | void>, classify?: ErrorClassifier): Promise<number> {
    try {
        return (await body()) ?? EXIT.ok;
    } catch (err) {
        const e = err instanceof Error ? err : new Error(String(err));
        const known = classify?.(e);
        if (known) {
            io.stderr.write(`${command}: ${known.message}\n`);
            return known.code;
        }
        if (e instanceof UsageError) {
            io.stderr.write(`${command}: ${e.message}\nRun 'npm run ${command} -- --help' for the options.\n`);
            return EXIT.usage;
        }
        if (e instanceof InputError || e instanceof OperationError) {
            io.stderr.write(`${command}: ${e.message}\n`);
            return e instanceof InputError ? EXIT.usage : EXIT.failed;
        }
        io.stderr.write(
            `${command}: internal error, a fault of this command rather than of its input; please report it with this output:\n${e.stack ?? e.message}\n`,
        );
        return EXIT.internal;
    }
}

/** The entry point of a tool run as a script: runs `main` with process I/O and exits with its code. */
export function runAsScript(main: (argv: string[], io: CliIo) => Promise<number>): void {
    main(process.argv.slice(2), processIo()).then(
        (code) => process.exit(code),
        (err) => {
            process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
            process.exit(EXIT.internal);
        },
    );
}
