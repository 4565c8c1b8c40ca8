/**
 * .ci/checkInstall, the CI step that resolves a fresh clone's install (npm ci --dry-run) on the
 * Node.js of .nvmrc: run against a stand-in `npm` on PATH that prints a log and exits as told.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const SCRIPT = path.resolve(__dirname, "..", ".ci", "checkInstall");

describe(".ci/checkInstall", function () {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ci-install-check-"));
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    /** Runs the script with an `npm` that prints `output` and exits with `code`. */
    function run(output: string, code: number) {
        const bin = fs.mkdtempSync(path.join(tmp, "bin-"));
        fs.writeFileSync(path.join(tmp, "npm-output"), output);
        fs.writeFileSync(path.join(bin, "npm"), `#!/usr/bin/env bash\ncat "${path.join(tmp, "npm-output")}"\nexit ${code}\n`, { mode: 0o755 });
        const result = spawnSync(SCRIPT, [path.join(tmp, "ci.log")], {
            encoding: "utf8",
            env: { PATH: `${bin}:${process.env.PATH}`, HOME: tmp },
        });
        return { code: result.status, stdout: result.stdout, stderr: result.stderr };
    }

    it("passes a clean install, silently", function () {
        assert.deepEqual(run("added 812 packages in 3s\n", 0), { code: 0, stdout: "", stderr: "" });
    });

    it("fails on an engine warning, showing it", function () {
        const warned = run("npm warn EBADENGINE Unsupported engine {\nnpm warn EBADENGINE   package: 'x@1.0.0',\n", 0);
        assert.equal(warned.code, 1);
        assert.match(warned.stderr, /EBADENGINE {3}package: 'x@1\.0\.0'/);
        assert.match(warned.stderr, /npm ci on Node\.js v[\d.]+ warns about engines \(above\)/);
    });

    it("fails when npm ci --dry-run itself fails, showing the end of its log and saying so", function () {
        const lines = Array.from({ length: 60 }, (_, i) => `npm error line ${i + 1}`);
        const failed = run(`${lines.join("\n")}\n`, 1);
        assert.equal(failed.code, 1);
        assert.match(failed.stderr, /npm error line 60\n/, "the log's last line");
        assert.doesNotMatch(failed.stderr, /npm error line 1\n/, "only its end");
        assert.match(
            failed.stderr,
            /npm ci --dry-run failed \(exit 1\) on Node\.js v[\d.]+ \(the end of its log above\): fix what it reports; a fresh clone's install fails the same way\.\n$/,
        );
    });
});
