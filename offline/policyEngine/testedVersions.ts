/**
 * The versions of the SDKs whose internals the offline engine relies on (./packLoader.ts for
 * @pulumi/policy; ../mockRun.ts and the analyzer protocol modules for @pulumi/pulumi) that it was
 * tested with. package.json allows newer versions within their major (what `npm install` may pick);
 * the lock pins the tested ones (what `npm ci`, CI and `npm test` use). The plan checks the
 * installed versions at startup and stops with exit 3 outside these ranges: an untested SDK may
 * change an internal the engine relies on, and the plan's answers with it.
 *
 * To widen a range: `npm run check:newest-sdk` (scripts/checkNewestSdk.sh) runs the plan and the
 * engine's and pack's tests on the newest versions package.json allows; add a version here only
 * after it passed there on the Node.js versions the project supports (or after `npm test` passed
 * with it locked). @pulumi/pulumi 3.276.0 passed there on 2026-12-02, on Node.js 22 only (its
 * engines field asks for 22; CI runs 20), so it is not listed.
 */
import * as semver from "semver";

export interface TestedVersions {
    package: "@pulumi/pulumi" | "@pulumi/policy";
    /** A semver range of the versions the engine was tested with. */
    range: string;
    /** Where and when the range was tested. */
    source: string;
}

export const TESTED_VERSIONS: readonly TestedVersions[] = [
    {
        package: "@pulumi/pulumi",
        range: "3.248.0",
        source: "package-lock.json's version, `npm test` (2026-12-02)",
    },
    {
        package: "@pulumi/policy",
        range: "1.21.0",
        source: "package-lock.json's version, `npm test` (2026-12-02)",
    },
];

/** Runs the plan with untested SDK versions (a warning instead of exit 3): `1`, or unset. */
export const ALLOW_UNTESTED_SDK = "OFFLINE_ENGINE_ALLOW_UNTESTED_SDK";

/** The installed version of a package as the engine resolves it (from this directory), or undefined. */
export function installedVersion(pkg: string): string | undefined {
    try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        return (require(require.resolve(`${pkg}/package.json`, { paths: [__dirname] })) as { version?: string }).version;
    } catch {
        return undefined;
    }
}

export interface SdkVersionCheck {
    /** Stop the plan (exit 3) with this message. */
    error?: string;
    /** Go on, after printing this. */
    warning?: string;
}

/** Checks the installed SDKs against TESTED_VERSIONS. */
export function checkSdkVersions(
    versionOf: (pkg: string) => string | undefined = installedVersion,
    env: NodeJS.ProcessEnv = process.env,
    table: readonly TestedVersions[] = TESTED_VERSIONS,
): SdkVersionCheck {
    const allow = env[ALLOW_UNTESTED_SDK];
    if (allow !== undefined && allow !== "" && allow !== "1")
        return { error: `${ALLOW_UNTESTED_SDK} is '${allow}': set it to 1 to run the plan with SDK versions it was not tested with, or unset it.\n` };
    const problems: string[] = [];
    for (const t of table) {
        const version = versionOf(t.package);
        if (version === undefined) problems.push(`${t.package} is not installed (tested range ${t.range}).`);
        else if (!semver.satisfies(version, t.range))
            problems.push(`${t.package} ${version} is installed; the offline engine was tested with ${t.range} (${t.source}).`);
    }
    if (problems.length === 0) return {};
    const found = problems.map((p) => `  ${p}`).join("\n");
    if (allow === "1") return { warning: `Warning (${ALLOW_UNTESTED_SDK}=1): running with SDK versions the offline engine was not tested with:\n${found}\n` };
    return {
        error:
            `The offline engine relies on SDK internals and stops on versions it was not tested with:\n${found}\n` +
            "Fix: `npm ci` installs the tested versions from package-lock.json. To try another version, run " +
            "`npm run check:newest-sdk` and, once it passes, widen offline/policyEngine/testedVersions.ts; " +
            `${ALLOW_UNTESTED_SDK}=1 runs the plan anyway.\n`,
    };
}
