/**
 * One command-line convention for the repository's commands (tools/cli.ts): plan, stage-model,
 * invoke and pack:build parse options the same way, print --help on stdout with exit 0, refuse bad
 * usage with exit 2 and one message on stderr that names the command and points to --help, and
 * document the shared exit codes. runCommand's mapping of outcomes to codes is checked on its own.
 */
import { strict as assert } from "assert";
import { execFile } from "child_process";
import * as path from "path";
import { promisify } from "util";
import { main as plan, USAGE as PLAN_USAGE } from "../offline/plan";
import { CliIo, errorText, EXIT, InputError, numberOption, OperationError, runCommand, UsageError } from "../tools/cli";
import { main as invoke, USAGE as INVOKE_USAGE } from "../tools/invoke";
import { main as packBuild, USAGE as PACK_BUILD_USAGE } from "../tools/packBuild";
import { main as stageModel, USAGE as STAGE_MODEL_USAGE } from "../tools/stageModel";
import { captureIo, Outcome, runCaptured } from "./fixtures/tools/cliIo";

const REPO_ROOT = path.resolve(__dirname, "..");

/** Each command, with one of its options that takes a value. */
const COMMANDS: { name: string; main: (argv: string[], io: CliIo) => Promise<number>; usage: string; script: string; valueOption: string }[] = [
    { name: "plan", main: plan, usage: PLAN_USAGE, script: "offline/plan.ts", valueOption: "--stack" },
    { name: "stage-model", main: stageModel, usage: STAGE_MODEL_USAGE, script: "tools/stageModel.ts", valueOption: "--region" },
    { name: "invoke", main: invoke, usage: INVOKE_USAGE, script: "tools/invoke.ts", valueOption: "--region" },
    { name: "pack:build", main: packBuild, usage: PACK_BUILD_USAGE, script: "tools/packBuild.ts", valueOption: "--out" },
];

describe("one command-line convention (tools/cli.ts)", function () {
    for (const command of COMMANDS) {
        describe(`npm run ${command.name}`, function () {
            const run = (...argv: string[]) => runCaptured(command.main, argv);

            it("--help and -h print the usage on stdout and exit 0", async function () {
                for (const flag of ["--help", "-h"]) {
                    const help = await run(flag);
                    assert.deepEqual(help, { code: EXIT.ok, stdout: `${command.usage}\n`, stderr: "" });
                }
                assert.match(command.usage, new RegExp(`^Usage: npm run ${command.name}`));
            });

            it("refuses an unknown option, a positional argument and a missing value with exit 2, naming the command and pointing to --help", async function () {
                const hint = `\nRun 'npm run ${command.name} -- --help' for the options.\n`;
                const unknown = await run("--no-such-option");
                assert.equal(unknown.code, EXIT.usage);
                assert.equal(unknown.stdout, "");
                assert.match(unknown.stderr, new RegExp(`^${command.name}: Unknown option '--no-such-option'`));
                assert.ok(unknown.stderr.endsWith(hint), unknown.stderr);

                const positional = await run("extra");
                assert.equal(positional.code, EXIT.usage);
                assert.match(positional.stderr, new RegExp(`^${command.name}: Unexpected argument 'extra'`));
                assert.ok(positional.stderr.endsWith(hint), positional.stderr);

                const missing = await run(command.valueOption);
                assert.equal(missing.code, EXIT.usage);
                assert.match(missing.stderr, new RegExp(`^${command.name}: Option '(-., )?${command.valueOption} <value>' argument missing`));
                assert.ok(missing.stderr.endsWith(hint), missing.stderr);
            });

            it("documents the shared exit codes: 2 for the input, 3 for a fault of the command", function () {
                assert.match(command.usage, /Exit codes: 0 /);
                assert.match(command.usage, /2 (the input is wrong|usage)/);
                assert.match(command.usage, /3 a fault of this (command|tool)/);
            });
        });
    }

    it("exits as a script with the code main returns, for every command", async function () {
        const run = promisify(execFile);
        for (const command of COMMANDS) {
            await assert.rejects(
                run(process.execPath, ["-r", "./offline/tsCache.js", command.script, "--no-such-option"], { cwd: REPO_ROOT }),
                (err: { code: number; stderr: string }) => {
                    assert.equal(err.code, EXIT.usage, err.stderr);
                    assert.match(err.stderr, new RegExp(`${command.name}: Unknown option '--no-such-option'`));
                    return true;
                },
            );
        }
    });

    it("reads numeric options strictly: a finite number past the bound, never blank or text", function () {
        assert.equal(numberOption("timeout", undefined, 60), 60, "the default when not given");
        assert.equal(numberOption("timeout", "2.5", 60), 2.5);
        assert.equal(numberOption("temperature", "0", 1, 0, true), 0, "inclusive bound");
        const refused = (value: string, inclusive: boolean) => () => numberOption("temperature", value, 1, 0, inclusive);
        assert.throws(refused("0", false), { name: "UsageError", message: "--temperature must be a number above 0, got '0'" });
        for (const value of [" ", "", "abc", "Infinity", "-1"]) {
            assert.throws(refused(value, true), { name: "UsageError", message: `--temperature must be a number of at least 0, got '${value}'` });
        }
    });

    it("tells an error with its causes, each message once, at most four deep", function () {
        const root = Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" });
        assert.equal(errorText(new Error("terminated", { cause: root })), "terminated: other side closed");
        assert.equal(errorText(new Error("fetch failed", { cause: new Error("fetch failed") })), "fetch failed", "a repeated message once");
        let deep: Error = new Error("5");
        for (const level of ["4", "3", "2", "1"]) deep = new Error(level, { cause: deep });
        assert.equal(errorText(deep), "1: 2: 3: 4");
        assert.equal(errorText("plain text"), "plain text");
        assert.equal(errorText(new Error("")), "Error", "an empty message falls back to the error itself");
    });

    it("names its error kinds, as stack traces and String() show them", function () {
        assert.equal(String(new UsageError("u")), "UsageError: u");
        assert.equal(String(new InputError("i")), "InputError: i");
        assert.equal(String(new OperationError("o")), "OperationError: o");
    });

    describe("runCommand", function () {
        async function outcomeOf(body: () => Promise<number | void>, classify?: Parameters<typeof runCommand>[3]): Promise<Outcome> {
            const { io, outcome } = captureIo();
            return outcome(await runCommand(io, "demo", body, classify));
        }

        it("maps each kind of outcome to its code and one message prefixed with the command", async function () {
            assert.deepEqual(await outcomeOf(async () => undefined), { code: EXIT.ok, stdout: "", stderr: "" });
            assert.deepEqual(await outcomeOf(async () => 5), { code: 5, stdout: "", stderr: "" }, "a command's own code");
            assert.deepEqual(await outcomeOf(async () => Promise.reject(new UsageError("--x is required"))), {
                code: EXIT.usage,
                stdout: "",
                stderr: "demo: --x is required\nRun 'npm run demo -- --help' for the options.\n",
            });
            assert.deepEqual(await outcomeOf(async () => Promise.reject(new InputError("settings.yaml: bad"))), {
                code: EXIT.usage,
                stdout: "",
                stderr: "demo: settings.yaml: bad\n",
            });
            assert.deepEqual(await outcomeOf(async () => Promise.reject(new OperationError("bucket gone"))), {
                code: EXIT.failed,
                stdout: "",
                stderr: "demo: bucket gone\n",
            });

            const fault = await outcomeOf(async () => Promise.reject(new TypeError("x is undefined")));
            assert.equal(fault.code, EXIT.internal);
            assert.match(
                fault.stderr,
                /^demo: internal error, a fault of this command rather than of its input; please report it with this output:\nTypeError: x is undefined\n {4}at /,
            );

            const thrownString = await outcomeOf(async () => Promise.reject("plain"));
            assert.equal(thrownString.code, EXIT.internal);
            assert.match(thrownString.stderr, /Error: plain/);
        });

        it("lets a command classify its own errors first", async function () {
            class SettingsProblem extends Error {}
            const classify = (e: Error) => (e instanceof SettingsProblem ? { code: EXIT.usage, message: `settings: ${e.message}` } : undefined);
            assert.deepEqual(await outcomeOf(async () => Promise.reject(new SettingsProblem("region missing")), classify), {
                code: EXIT.usage,
                stdout: "",
                stderr: "demo: settings: region missing\n",
            });
            assert.equal((await outcomeOf(async () => Promise.reject(new OperationError("x")), classify)).code, EXIT.failed, "others keep their codes");
        });
    });
});
