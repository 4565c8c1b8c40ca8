/**
 * The policy pack as it is published (tools/packBuild.ts, `npm run pack:build`), from a folder
 * outside the repository: built there, its dependencies installed there by npm (from npm's cache
 * when it holds them, else the registry), loaded through @pulumi/policy's analyzer, and the policy
 * suite (tests/policies) run in a child process whose analyzer loads the built pack (POLICY_PACK_DIR,
 * tests/policies/harness.ts); the suite's tests of pure checks still import the source. Left out of
 * mutation runs (stryker.config.mjs).
 */
import { strict as assert } from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import * as YAML from "yaml";
import { loadPolicyPack, LoadedPack } from "../offline/policyEngine";
import { buildPolicyPack, BuiltPack, PackBuildError } from "../tools/packBuild";
import { REPO_ROOT } from "./graph";

const run = promisify(execFile);
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

describe("the policy pack as published: built, installed and run outside the repository", function () {
    this.timeout(600_000);
    let workDir: string;
    let built: BuiltPack;

    before(async () => {
        workDir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-pack-"));
        built = buildPolicyPack(path.join(workDir, "pack"));
        await run(NPM, ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: built.dir });
    });

    after(() => fs.rmSync(workDir, { recursive: true, force: true }));

    it("holds the compiled pack, its project file with TypeScript off, the tested dependency versions, its README and configs; nothing else", () => {
        const sources = (fs.readdirSync(path.join(REPO_ROOT, "policies"), { recursive: true }) as string[])
            .map((f) => f.split(path.sep).join("/"))
            .filter((f) => f.endsWith(".ts") && !f.startsWith("node_modules/"))
            .map((f) => f.replace(/\.ts$/, ".js"));
        const configs = fs.readdirSync(path.join(REPO_ROOT, "policies", "config")).map((f) => `config/${f}`);
        assert.deepEqual(built.files, [...sources, ...configs, "CHANGELOG.md", "PulumiPolicy.yaml", "README.md", "package.json"].sort());

        const project = YAML.parse(fs.readFileSync(path.join(built.dir, "PulumiPolicy.yaml"), "utf8"));
        assert.deepEqual(project.runtime, { name: "nodejs", options: { typescript: false } });
        const manifest = JSON.parse(fs.readFileSync(path.join(built.dir, "package.json"), "utf8"));
        assert.equal(manifest.main, "index.js");
        const installed = (name: string) =>
            JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "node_modules", name, "package.json"), "utf8")).version.replace(/^v/, "");
        assert.deepEqual(manifest.dependencies, { "@pulumi/policy": installed("@pulumi/policy"), "@pulumi/pulumi": installed("@pulumi/pulumi") });
        for (const file of built.files.filter((f) => f.endsWith(".js"))) {
            const text = fs.readFileSync(path.join(built.dir, file), "utf8");
            for (const [, target] of text.matchAll(/require\("(\.{1,2}\/[^"]+)"\)/g)) {
                const resolved = path.resolve(path.dirname(path.join(built.dir, file)), target);
                assert.ok(resolved.startsWith(built.dir + path.sep), `${file} requires ${target}, outside the pack`);
            }
        }
    });

    it("loads from its own installation through the analyzer, with every policy and its metadata as the source pack has them", async () => {
        const summary = (pack: LoadedPack) => ({ name: pack.name, version: pack.version, policies: pack.policies });
        const [fromBuild, fromSource] = await Promise.all([loadPolicyPack(built.dir), loadPolicyPack(path.join(REPO_ROOT, "policies"))]);
        assert.ok(fromBuild.policies.length > 0);
        assert.deepEqual(summary(fromBuild), summary(fromSource));
        const policyModule = require.resolve("@pulumi/policy", { paths: [built.dir] });
        assert.ok(policyModule.startsWith(path.join(built.dir, "node_modules") + path.sep), `@pulumi/policy resolved from ${policyModule}`);
    });

    it("passes the policy suite", async () => {
        const mocha = path.join(REPO_ROOT, "node_modules", ".bin", "mocha");
        const result = await run(mocha, ["--no-config", "-r", "./offline/tsCache.js", "--timeout", "120000", "--reporter", "dot", "tests/policies/*.test.ts"], {
            cwd: REPO_ROOT,
            env: { ...process.env, POLICY_PACK_DIR: built.dir },
            maxBuffer: 64 * 1024 * 1024,
        }).catch((err: { stdout?: string; stderr?: string; message: string }) =>
            assert.fail(`the policy suite failed on the built pack:\n${err.stdout ?? ""}${err.stderr ?? err.message}`),
        );
        assert.match(result.stdout, /\d+ passing/);
        assert.doesNotMatch(result.stdout, /failing/);
    });

    it("refuses to build over the pack's source", () => {
        assert.throws(() => buildPolicyPack(path.join(REPO_ROOT, "policies")), PackBuildError);
        assert.throws(() => buildPolicyPack(REPO_ROOT), /would overwrite the pack's source/);
    });
});
