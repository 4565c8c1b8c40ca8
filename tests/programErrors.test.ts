/**
 * How an error that stopped a program is told (offline/programErrors.ts): the program's own errors
 * are the user's to fix, with the program's file and line; the engine's own faults are the tool's.
 */
import { strict as assert } from "assert";
import { describeProgramFailure, stackLocations } from "../offline/programErrors";

const programDir = "/work/app";
const engineDir = "/work/tool/offline";

function errorWith(message: string, frames: string[], props: Record<string, unknown> = {}): Error {
    const err = new Error(message);
    err.stack = [`Error: ${message}`, ...frames.map((f) => `    at ${f}`)].join("\n");
    return Object.assign(err, props);
}

describe("program errors", () => {
    it("reads file:line:column from V8 frames, with or without a function name, file URLs as paths", () => {
        assert.deepEqual(
            stackLocations(
                [
                    "Error: x",
                    "    at f (/a/b.ts:3:4)",
                    "    at /a/c.js:5:6",
                    "    at file:///a/d%20e.mjs?offline-run=1-2:7:8",
                    "    at new Promise (<anonymous>)",
                ].join("\n"),
            ),
            ["/a/b.ts:3:4", "/a/c.js:5:6", "/a/d e.mjs:7:8"],
        );
        assert.deepEqual(stackLocations(undefined), []);
    });

    it("an error raised through the SDK from the program's code: the program's, located at its first frame outside node_modules", () => {
        const err = errorWith("Missing required configuration variable 'app:x'", [
            "Config.require (/work/app/node_modules/@pulumi/pulumi/config.js:10:1)",
            "Object.<anonymous> (/work/app/index.ts:5:20)",
            "runProgram (/work/tool/offline/mockRun.ts:300:1)",
        ]);
        const failure = describeProgramFailure(err, programDir, engineDir, "/work");
        assert.equal(failure.fault, "program");
        assert.equal(failure.text, "The program failed: Missing required configuration variable 'app:x'\n    at app/index.ts:5:20");
    });

    it("a TypeError raised in the engine with no program frame under it is the tool's; a plain Error it raises on the program's input is the program's", () => {
        const frames = ["capture (/work/tool/offline/mockRun.ts:10:1)", "x (/work/tool/node_modules/@pulumi/pulumi/runtime/mocks.js:1:1)"];
        const bug = errorWith("Cannot read properties of undefined", frames);
        bug.name = "TypeError";
        assert.equal(describeProgramFailure(bug, programDir, engineDir).fault, "tool");
        const duplicate = describeProgramFailure(errorWith("Duplicate resource URN 'urn:x'; try giving it a unique name", frames), programDir, engineDir);
        assert.deepEqual(duplicate, { fault: "program", text: "The program failed: Duplicate resource URN 'urn:x'; try giving it a unique name" });
    });

    it("when the program is the tool's own repository, the engine's folder is still the tool's and the rest the program's", () => {
        const err = errorWith("bad value", ["parse (/work/tool/stacks/settings.ts:4:2)", "load (/work/tool/offline/programLoader.ts:9:9)"]);
        const failure = describeProgramFailure(err, "/work/tool", engineDir, "/work/tool");
        assert.equal(failure.fault, "program");
        assert.match(failure.text, /at stacks\/settings\.ts:4:2$/);
    });

    it("a module that cannot be found: names it, and says to install the dependencies only for a package", () => {
        const pkg = describeProgramFailure(
            errorWith("Cannot find module '@acme/x'\nRequire stack:\n- /work/app/index.ts", ["f (/work/app/index.ts:1:1)"], { code: "MODULE_NOT_FOUND" }),
            programDir,
            engineDir,
            "/work",
        );
        assert.equal(pkg.fault, "program");
        assert.match(
            pkg.text,
            /^The program could not load a module: Cannot find module '@acme\/x'\. Install the program's dependencies \('npm install' in app\)\./,
        );
        assert.doesNotMatch(pkg.text, /Require stack/);
        const relative = describeProgramFailure(errorWith("Cannot find module './gone'", [], { code: "MODULE_NOT_FOUND" }), programDir, engineDir);
        assert.doesNotMatch(relative.text, /npm install/);
    });

    it("an engine feature the mock runtime turns off (reported by the SDK as an outdated CLI) is a limit of the tool, named", () => {
        const transforms = describeProgramFailure(
            errorWith("The Pulumi CLI does not support transforms. Please update the Pulumi CLI", ["f (/work/app/index.ts:3:1)"]),
            programDir,
            engineDir,
            "/work",
        );
        assert.equal(transforms.fault, "unsupported");
        assert.match(transforms.text, /^The offline plan cannot run this program: it uses transforms \(pulumi\.runtime\.registerResourceTransform/);
        assert.match(transforms.text, /at app\/index\.ts:3:1$/);
        assert.equal(
            describeProgramFailure(errorWith("this._monitor.registerStackTransform is not a function", []), programDir, engineDir).fault,
            "unsupported",
        );
        const option = describeProgramFailure(
            errorWith("The Pulumi CLI does not support the DeletedWith option. Please update the Pulumi CLI.", []),
            programDir,
            engineDir,
        );
        assert.match(option.text, /it uses DeletedWith \(a resource option\)/);
    });

    it("a load error of the program's setup (ProgramLoadError) is the user's, told as it is", () => {
        const err = errorWith("runtime.options says no", ["loadProgram (/work/tool/offline/programLoader.ts:1:1)"]);
        err.name = "ProgramLoadError";
        assert.deepEqual(describeProgramFailure(err, programDir, engineDir), { fault: "program", text: "runtime.options says no" });
    });
});
