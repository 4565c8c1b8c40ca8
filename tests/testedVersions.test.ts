/**
 * The plan's startup check of the installed SDK versions (offline/policyEngine/testedVersions.ts):
 * the table covers what the lock installs, and a version outside it stops the plan with exit 3 and a
 * message naming the package, the installed version, the tested range and the fix.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as semver from "semver";
import { ALLOW_UNTESTED_SDK, checkSdkVersions, TESTED_VERSIONS } from "../offline/policyEngine";
import { REPO_ROOT } from "./graph";

const installed = (versions: Record<string, string | undefined>) => (pkg: string) => versions[pkg];
const LOCKED = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { version: string }> };
const TESTED = Object.fromEntries(TESTED_VERSIONS.map((t) => [t.package, LOCKED.packages[`node_modules/${t.package}`].version]));

describe("tested SDK versions (plan startup check)", function () {
    it("the table's ranges are valid and hold the versions package-lock.json installs", function () {
        assert.deepEqual(TESTED_VERSIONS.map((t) => t.package).sort(), ["@pulumi/policy", "@pulumi/pulumi"]);
        for (const t of TESTED_VERSIONS) {
            assert.ok(semver.validRange(t.range), `${t.package}: '${t.range}' is not a semver range`);
            const locked = LOCKED.packages[`node_modules/${t.package}`].version;
            assert.ok(semver.satisfies(locked, t.range), `${t.package}: the lock installs ${locked}, outside the tested ${t.range}`);
        }
        assert.deepEqual(checkSdkVersions(undefined, {}), {}, "the installed SDKs are tested ones");
    });

    it("a version outside the tested range is an error naming the package, the version, the range and the fix", function () {
        const check = checkSdkVersions(installed({ ...TESTED, "@pulumi/pulumi": "3.999.0" }), {});
        const range = TESTED_VERSIONS.find((t) => t.package === "@pulumi/pulumi")!.range;
        assert.ok(check.error, "an error");
        assert.equal(check.warning, undefined);
        assert.ok(check.error.includes(`@pulumi/pulumi 3.999.0 is installed; the offline engine was tested with ${range}`), check.error);
        assert.doesNotMatch(check.error, /@pulumi\/policy/, "only the package out of range is named");
        assert.match(check.error, /npm ci/);
        assert.match(check.error, /npm run check:newest-sdk/);
        assert.ok(check.error.includes(`${ALLOW_UNTESTED_SDK}=1`), check.error);
        assert.match(checkSdkVersions(installed({ ...TESTED, "@pulumi/policy": undefined }), {}).error ?? "", /@pulumi\/policy is not installed/);
    });

    it(`${ALLOW_UNTESTED_SDK}=1 turns the error into a warning; any other value is an error naming the variable`, function () {
        const fake = installed({ ...TESTED, "@pulumi/policy": "1.99.0" });
        const allowed = checkSdkVersions(fake, { [ALLOW_UNTESTED_SDK]: "1" });
        assert.equal(allowed.error, undefined);
        assert.match(allowed.warning ?? "", /@pulumi\/policy 1\.99\.0 is installed/);
        const bad = checkSdkVersions(fake, { [ALLOW_UNTESTED_SDK]: "yes" });
        assert.ok(bad.error?.startsWith(`${ALLOW_UNTESTED_SDK} is 'yes': set it to 1`), bad.error);
        assert.deepEqual(checkSdkVersions(installed(TESTED), { [ALLOW_UNTESTED_SDK]: "" }), {});
    });

    it("the plan stops with exit 3 on an untested @pulumi/pulumi, before running anything, and runs with the override", function () {
        this.timeout(120_000);
        // The check reads the package.json the engine resolves through require(): a preload changes the cached copy's version.
        const preload = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tested-versions-")), "fakeVersion.js");
        fs.writeFileSync(
            preload,
            `require(require.resolve("@pulumi/pulumi/package.json", { paths: [${JSON.stringify(path.join(REPO_ROOT, "offline"))}] })).version = "3.999.0";\n`,
        );
        const plan = (env: NodeJS.ProcessEnv) =>
            spawnSync(process.execPath, ["-r", "./offline/tsCache.js", "-r", preload, "offline/plan.ts", "--stack", "govcloud", "--no-policies"], {
                cwd: REPO_ROOT,
                encoding: "utf8",
                env: { ...process.env, [ALLOW_UNTESTED_SDK]: undefined, ...env },
            });
        const stopped = plan({});
        assert.equal(stopped.status, 3, stopped.stderr);
        assert.match(
            stopped.stderr,
            /^The offline engine relies on SDK internals and stops on versions it was not tested with:\n {2}@pulumi\/pulumi 3\.999\.0 is installed/,
        );
        assert.equal(stopped.stdout, "", "nothing planned");
        const allowed = plan({ [ALLOW_UNTESTED_SDK]: "1" });
        assert.equal(allowed.status, 0, allowed.stderr);
        assert.match(allowed.stderr, /^Warning \(OFFLINE_ENGINE_ALLOW_UNTESTED_SDK=1\): .*\n {2}@pulumi\/pulumi 3\.999\.0 is installed/);
        assert.match(allowed.stdout, /^Plan for /);
    });
});
