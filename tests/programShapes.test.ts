/**
 * The offline plan on programs in the shapes real programs take (tests/fixtures/program-shapes):
 * each is copied outside this repository with a node_modules of its own (the Pulumi SDKs linked from
 * this repository's, as an install would provide them), planned with the pack, and held to the
 * honest result: no false clean, no stack trace of ours, the right exit code.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EXIT } from "../offline/plan";
import { runPlan } from "./planRun";
import { REPO_ROOT } from "./graph";

const plan = runPlan;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "program-shapes-"));

/** A copy of a fixture outside the repository, with node_modules/@pulumi/{pulumi,aws} linked to this repository's. */
function installed(name: string, as: string = name): string {
    const dir = path.join(tmp, as);
    fs.cpSync(path.join(REPO_ROOT, "tests", "fixtures", "program-shapes", name), dir, { recursive: true });
    fs.mkdirSync(path.join(dir, "node_modules", "@pulumi"), { recursive: true });
    for (const pkg of ["pulumi", "aws"])
        fs.symlinkSync(path.join(REPO_ROOT, "node_modules", "@pulumi", pkg), path.join(dir, "node_modules", "@pulumi", pkg), "dir");
    return dir;
}

const noStackTraceOfOurs = (text: string) => {
    assert.doesNotMatch(text, /internal error/i);
    assert.doesNotMatch(text, /offline[/\\]\w+\.(ts|js):\d+/);
    assert.doesNotMatch(text, /node:internal/);
};

describe("offline plan on programs of other shapes", function () {
    this.timeout(300000);
    const cwd = process.cwd();
    afterEach(() => assert.equal(process.cwd(), cwd, "the plan restores the working directory"));
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    describe("a remote component (awsx-style)", () => {
        let dir: string;
        before(() => (dir = installed("remote-component")));

        it("is not a clean pass: it is listed with its type, and the plan exits 5 (incomplete)", async () => {
            const json = path.join(tmp, "remote.json");
            const { code, stdout, stderr } = await plan("--stack", "dev", "--program", dir, "--no-policies", "--json", json);
            assert.equal(code, EXIT.incomplete, stderr);
            assert.match(stdout, /Not evaluated offline \(1 remote component\): the plan is incomplete/);
            assert.match(stdout, /\? awsx:ec2:Vpc network: component implemented by the 'awsx' plugin/);
            const written = JSON.parse(fs.readFileSync(json, "utf8"));
            assert.equal(written.completeness.complete, false);
            assert.deepEqual(
                written.completeness.blindSpots.map((s: { kind: string; type: string; name: string }) => [s.kind, s.type, s.name]),
                [["remote-component", "awsx:ec2:Vpc", "network"]],
            );
        });

        it("--allow-incomplete accepts it (exit 0) and still lists it", async () => {
            const { code, stdout, stderr } = await plan("--stack", "dev", "--program", dir, "--no-policies", "--allow-incomplete");
            assert.equal(code, EXIT.clean, stderr);
            assert.match(stdout, /accepted with --allow-incomplete/);
            assert.match(stdout, /awsx:ec2:Vpc network/);
        });

        it("mandatory violations take precedence (exit 1), and SARIF carries the blind spot as a warning notification of the run", async () => {
            const sarif = path.join(tmp, "remote.sarif");
            const { code } = await plan("--stack", "dev", "--program", dir, "--sarif", sarif);
            assert.equal(code, EXIT.violations);
            const log = JSON.parse(fs.readFileSync(sarif, "utf8"));
            const notes = log.runs[0].invocations[0].toolExecutionNotifications;
            assert.equal(notes.length, 1);
            assert.equal(notes[0].level, "warning");
            assert.match(notes[0].message.text, /awsx:ec2:Vpc network/);
            assert.match(notes[0].locations[0].logicalLocations[0].fullyQualifiedName, /awsx:ec2:Vpc::network$/);
        });
    });

    describe("an ES module program in a subfolder (main: src/)", () => {
        it("runs from the project's folder (reads lifecycle.json next to Pulumi.yaml), takes the default export, and runs again fresh for the update snapshot", async () => {
            const dir = installed("esm");
            const json = path.join(tmp, "esm.json");
            const { code, stdout, stderr } = await plan("--stack", "dev", "--program", dir, "--no-policies", "--json", json);
            assert.equal(code, EXIT.clean, stderr);
            assert.match(stdout, /aws:s3\/bucketLifecycleConfiguration:BucketLifecycleConfiguration logs/);
            assert.match(stdout, /expirationDays: 90/);
            const written = JSON.parse(fs.readFileSync(json, "utf8"));
            const types = (rs: Array<{ type: string }>) => rs.map((r) => r.type).sort();
            // The second (update) run executed the program again: the same resources, not none.
            assert.deepEqual(types(written.updateSnapshot), types(written.resources));
            assert.equal(written.resources.filter((r: { type: string }) => r.type === "aws:s3/bucket:Bucket").length, 1);
        });
    });

    describe("a CommonJS program that imports an ES module", () => {
        it("runs the imported module again for the update snapshot (fresh instances per run)", async () => {
            const dir = installed("config-require", "cjs-imports-esm");
            fs.writeFileSync(path.join(dir, "index.js"), 'module.exports = async () => ({ count: (await import("./net.mjs")).count });\n');
            fs.rmSync(path.join(dir, "index.ts"));
            fs.writeFileSync(path.join(dir, "net.mjs"), 'import * as aws from "@pulumi/aws";\nnew aws.s3.Bucket("from-esm");\nexport const count = 1;\n');
            const json = path.join(tmp, "cjs-esm.json");
            const { code, stderr } = await plan("--stack", "dev", "--program", dir, "--no-policies", "--json", json, "-c", "retentionDays=1");
            assert.equal(code, EXIT.clean, stderr);
            const written = JSON.parse(fs.readFileSync(json, "utf8"));
            const buckets = (rs: Array<{ type: string }>) => rs.filter((r) => r.type === "aws:s3/bucket:Bucket").length;
            assert.equal(buckets(written.resources), 1);
            assert.equal(buckets(written.updateSnapshot), 1);
        });
    });

    describe("a stack file that imports a Pulumi ESC environment", () => {
        it("is a blind spot (exit 5); a setting the environment would supply is named as missing offline", async () => {
            const dir = installed("remote-component", "esc");
            fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), "environment:\n  - acme/aws-dev\nconfig:\n  aws:region: us-east-1\n");
            const { code, stdout, stderr } = await plan("--stack", "dev", "--program", dir, "--no-policies");
            assert.equal(code, EXIT.incomplete, stderr);
            assert.match(stdout, /\? acme\/aws-dev: Pulumi ESC environment imported by the stack file: the settings it supplies are not known offline/);
            const requires = installed("config-require", "esc-require");
            fs.writeFileSync(path.join(requires, "Pulumi.dev.yaml"), "environment: acme/aws-dev\nconfig:\n  aws:region: us-east-1\n");
            const missing = await plan("--stack", "dev", "--program", requires, "--no-policies");
            assert.equal(missing.code, EXIT.invalid);
            assert.match(
                missing.stderr,
                /Missing required configuration variable 'config-require:retentionDays'[\s\S]*imports Pulumi ESC environment 'acme\/aws-dev', whose settings are not available offline/,
            );
        });
    });

    describe("a TypeScript ES module program", () => {
        it("compiles its .ts modules as ES modules with its tsconfig.json, resolves './tags.js' to tags.ts, and runs again fresh", async () => {
            const dir = installed("esm-typescript");
            const json = path.join(tmp, "esm-ts.json");
            const { code, stdout, stderr } = await plan("--stack", "dev", "--program", dir, "--no-policies", "--json", json);
            assert.equal(code, EXIT.clean, stderr);
            assert.match(stdout, /tagCount: 2/);
            const written = JSON.parse(fs.readFileSync(json, "utf8"));
            const key = written.resources.find((r: { type: string }) => r.type === "aws:kms/key:Key");
            assert.deepEqual(key.inputs.tags, { Owner: "esm-team", Project: "esm" });
            assert.equal(written.updateSnapshot.length, written.resources.length);
        });
    });

    describe("data sources", () => {
        it("computes getServicePrincipal, getPolicyDocument and getArn, and names a lookup it cannot answer as a blind spot", async () => {
            const dir = installed("lookups");
            const json = path.join(tmp, "lookups.json");
            const { code, stdout, stderr } = await plan("--stack", "dev", "--program", dir, "--no-policies", "--json", json);
            assert.equal(code, EXIT.incomplete, stderr);
            assert.match(stdout, /principalName: sagemaker\.amazonaws\.com/);
            assert.match(stdout, /alertsAccount: 111122223333/);
            assert.match(stdout, /sharedGroupVpc: <computed>/);
            assert.match(stdout, /\? aws:ec2\/getSecurityGroup:getSecurityGroup: no offline answer: its result \([^)]*vpcId[^)]*\) is unknown/);
            const written = JSON.parse(fs.readFileSync(json, "utf8"));
            const role = written.resources.find((r: { type: string }) => r.type === "aws:iam/role:Role");
            const trust = JSON.parse(role.inputs.assumeRolePolicy);
            assert.deepEqual(trust.Statement[0].Principal, { Service: "sagemaker.amazonaws.com" });
            const kinds = Object.fromEntries(written.lookups.map((l: { token: string; answeredBy: string }) => [l.token.split(":").pop(), l.answeredBy]));
            assert.equal(kinds.getServicePrincipal, "computed");
            assert.equal(kinds.getPolicyDocument, "computed");
            assert.equal(kinds.getArn, "computed");
            assert.equal(kinds.getSecurityGroup, "unknown");
        });
    });

    describe("reads and stack references", () => {
        it("lists the read VPC and the stack reference as blind spots, exits 5, and keeps the preview when the mocked update cannot run", async () => {
            const dir = installed("reads");
            const json = path.join(tmp, "reads.json");
            const { code, stdout, stderr } = await plan("--stack", "dev", "--program", dir, "--no-policies", "--json", json);
            assert.equal(code, EXIT.incomplete, stderr);
            assert.match(stdout, /\? pulumi:pulumi:StackReference acme\/network\/prod: outputs of stack 'acme\/network\/prod' are not known offline/);
            assert.match(stdout, /\? aws:ec2\/vpc:Vpc shared: read from AWS by id 'vpc-0123456789abcdef0'/);
            const written = JSON.parse(fs.readFileSync(json, "utf8"));
            assert.ok(written.resources.some((r: { type: string }) => r.type === "aws:ec2/securityGroup:SecurityGroup"));
            // A stack reference has no outputs in a mocked update, where nothing may stay unknown.
            assert.equal(written.updateSnapshot, undefined);
            assert.match(written.updateSnapshotError, /^The mocked update \(for --json's update snapshot and --against\): The program failed: /);
            noStackTraceOfOurs(stderr);
        });
    });

    describe("the program's own errors are input errors (exit 2), told as the CLI tells them", () => {
        it("a config.require with no value: the message first, then the program's file and line", async () => {
            const dir = installed("config-require");
            const { code, stdout, stderr } = await plan("--stack", "dev", "--program", dir);
            assert.equal(code, EXIT.invalid);
            assert.equal(stdout, "");
            assert.match(stderr, /The program failed: Missing required configuration variable 'config-require:retentionDays'/);
            assert.match(stderr, /at .*index\.ts:5:\d+/);
            noStackTraceOfOurs(stderr);
        });

        it("a module that is not installed: names it and says to install the program's dependencies", async () => {
            const dir = installed("missing-module");
            const { code, stderr } = await plan("--stack", "dev", "--program", dir);
            assert.equal(code, EXIT.invalid);
            assert.match(stderr, /could not load a module: Cannot find module '@acme\/not-installed'/);
            assert.match(stderr, /Install the program's dependencies \('npm install' in /);
            noStackTraceOfOurs(stderr);
        });

        it("a program that calls process.exit(1): an input error with the program's line, never the plan exiting 1 with no report", async () => {
            const dir = installed("config-require", "exits");
            fs.writeFileSync(path.join(dir, "index.ts"), 'import * as aws from "@pulumi/aws";\nnew aws.s3.Bucket("b");\nprocess.exit(1);\n');
            const { code, stdout, stderr } = await plan("--stack", "dev", "--program", dir);
            assert.equal(code, EXIT.invalid);
            assert.equal(stdout, "");
            assert.match(stderr, /The program failed: The program called process\.exit\(1\)\n {4}at .*index\.ts:3:\d+/);
            assert.equal(typeof process.exit, "function");
            assert.doesNotMatch(String(process.exit), /The program called/);
        });

        it("a policy pack that does not exist, or a folder that is not one: an input error before the program runs", async () => {
            const missing = await plan("--stack", "dev", "--program", installed("config-require", "no-pack"), "--policy-pack", path.join(tmp, "no-such-pack"));
            assert.equal(missing.code, EXIT.invalid);
            assert.match(missing.stderr, /--policy-pack .*no-such-pack: does not exist; give the folder of a CrossGuard policy pack, or --no-policies/);
            assert.doesNotMatch(missing.stderr, /Running /);
            const notAPack = await plan("--stack", "dev", "--program", installed("config-require", "not-a-pack"), "--policy-pack", tmp);
            assert.equal(notAPack.code, EXIT.invalid);
            assert.match(notAPack.stderr, /is not a policy pack \(no PulumiPolicy\.yaml in it\)/);
        });

        it("an error the engine raises on the program's input (two resources with one name) is the program's: exit 2, not an internal error", async () => {
            const dir = installed("config-require", "duplicate");
            fs.writeFileSync(path.join(dir, "index.ts"), 'import * as aws from "@pulumi/aws";\nnew aws.s3.Bucket("b");\nnew aws.s3.Bucket("b");\n');
            const { code, stderr } = await plan("--stack", "dev", "--program", dir, "--no-policies");
            assert.equal(code, EXIT.invalid);
            assert.match(stderr, /The program failed: Duplicate resource URN '.*aws:s3\/bucket:Bucket::b'; try giving it a unique name/);
            noStackTraceOfOurs(stderr);
        });

        it("a pack's malformed manifest, a policy config that is not an object, and --sarif with --no-policies: input errors naming the file or flags", async () => {
            const dir = installed("config-require", "pack-inputs");
            const pack = path.join(tmp, "broken-pack");
            fs.mkdirSync(pack, { recursive: true });
            fs.writeFileSync(path.join(pack, "PulumiPolicy.yaml"), "runtime: nodejs\nversion: [1\n");
            fs.writeFileSync(path.join(pack, "package.json"), '{ "name": "broken", "version": "1.0.0" }');
            const manifest = await plan("--stack", "dev", "--program", dir, "-c", "retentionDays=30", "--policy-pack", pack);
            assert.equal(manifest.code, EXIT.invalid);
            assert.match(manifest.stderr, /broken-pack\/PulumiPolicy\.yaml:\d+:\d+: the policy pack's manifest is not valid YAML/);
            noStackTraceOfOurs(manifest.stderr);
            const nullConfig = path.join(tmp, "null-config.json");
            fs.writeFileSync(nullConfig, "null\n");
            const config = await plan("--stack", "dev", "--program", dir, "-c", "retentionDays=30", "--policy-config", nullConfig);
            assert.equal(config.code, EXIT.invalid);
            assert.match(config.stderr, /null-config\.json: the policy config must be a JSON object/);
            noStackTraceOfOurs(config.stderr);
            const sarif = await plan("--stack", "dev", "--program", dir, "--no-policies", "--sarif", path.join(tmp, "x.sarif"));
            assert.equal(sarif.code, EXIT.invalid);
            assert.match(sarif.stderr, /--sarif writes the policy results, and --no-policies evaluates none/);
        });

        it("an --against file that is missing or not JSON: an input error naming the file, and the line and column", async () => {
            const dir = installed("config-require", "against-inputs");
            const broken = path.join(tmp, "broken-plan.json");
            fs.writeFileSync(broken, '{\n  "planFormat": 3,\n  "resources": [,]\n}\n');
            const malformed = await plan("--stack", "dev", "--program", dir, "-c", "retentionDays=30", "--no-policies", "--against", broken);
            assert.equal(malformed.code, EXIT.invalid);
            assert.match(malformed.stderr, /broken-plan\.json:3:\d+: the earlier plan \(--against\) is not valid JSON/);
            const missing = await plan(
                "--stack",
                "dev",
                "--program",
                dir,
                "-c",
                "retentionDays=30",
                "--no-policies",
                "--against",
                path.join(tmp, "no-plan.json"),
            );
            assert.equal(missing.code, EXIT.invalid);
            assert.match(missing.stderr, /no-plan\.json/);
            noStackTraceOfOurs(malformed.stderr + missing.stderr);
        });

        it("a program that no longer exists under Pulumi.yaml's main", async () => {
            const dir = installed("esm", "esm-moved");
            fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: esm-program\nruntime: nodejs\nmain: build/\n");
            const { code, stderr } = await plan("--stack", "dev", "--program", dir);
            assert.equal(code, EXIT.invalid);
            assert.match(stderr, /Pulumi\.yaml: main 'build\/' names nothing to run/);
        });
    });

    describe("a run that works as a preview but not as a mocked update", () => {
        it("this project on an existing VPC with --json: the plan process exits 0 with the preview's report and says why the update snapshot is missing", async () => {
            const json = path.join(tmp, "existing.json");
            const args = [
                "-r",
                "./offline/tsCache.js",
                "offline/plan.ts",
                "--stack",
                "commercial",
                "-c",
                "networkMode=existing",
                "-c",
                "existingVpcId=vpc-0123456789abcdef0",
                "-c",
                'existingPrivateSubnetIds=["subnet-0123456789abcdef0","subnet-0123456789abcdef1"]',
                "--json",
                json,
            ];
            // A process of its own: the SDK's leak check runs when the process exits.
            const { status, stderr } = spawnSync(process.execPath, args, { cwd: REPO_ROOT, encoding: "utf8" });
            assert.equal(status, EXIT.clean, stderr);
            assert.doesNotMatch(stderr, /promises were still active|internal error/i);
            const written = JSON.parse(fs.readFileSync(json, "utf8"));
            assert.equal(written.updateSnapshot, undefined);
            assert.match(written.updateSnapshotError, /^The mocked update \(for --json's update snapshot and --against\): The program failed: /);
            assert.ok(written.resources.some((r: { type: string }) => r.type === "aws:sagemaker/endpoint:Endpoint"));
        });
    });

    describe("an engine feature mocks do not provide", () => {
        it("a stack transform: exit 3 naming the feature and 'pulumi preview', never a clean pass or the user's fault", async () => {
            const dir = installed("transforms");
            const { code, stdout, stderr } = await plan("--stack", "dev", "--program", dir, "--allow-incomplete");
            assert.equal(code, EXIT.internal);
            assert.equal(stdout, "");
            assert.match(stderr, /The offline plan cannot run this program: it uses transforms .*Plan it with 'pulumi preview --policy-pack'/);
            assert.doesNotMatch(stderr, /internal error|update the Pulumi CLI/i);
        });
    });

    describe("its own node_modules, tsconfig.json and runtime.options", () => {
        let dir: string;
        before(() => {
            dir = installed("own-modules");
            fs.cpSync(path.join(dir, "vendor", "acme-naming"), path.join(dir, "node_modules", "acme-naming"), { recursive: true });
        });

        it("resolves the program's own package, compiles with its esModuleInterop, and loads its nodeargs --require module first", async () => {
            const json = path.join(tmp, "own.json");
            const { code, stderr } = await plan("--stack", "dev", "--program", dir, "--no-policies", "--json", json);
            assert.equal(code, EXIT.clean, stderr);
            const bucket = JSON.parse(fs.readFileSync(json, "utf8")).resources.find((r: { type: string }) => r.type === "aws:s3/bucket:Bucket");
            assert.equal(bucket.inputs.bucket, "acme-artifacts-us-east-1");
            assert.equal(bucket.inputs.tags.CostCenter, "cc-1234");
        });

        it("a node argument it cannot apply offline is a limit of the tool (exit 3), named with 'pulumi preview'", async () => {
            const copy = path.join(tmp, "own-loader");
            fs.cpSync(dir, copy, { recursive: true, verbatimSymlinks: true });
            fs.writeFileSync(path.join(copy, "Pulumi.yaml"), 'name: own-modules\nruntime:\n  name: nodejs\n  options:\n    nodeargs: "--loader ./hooks.mjs"\n');
            const { code, stderr } = await plan("--stack", "dev", "--program", copy);
            assert.equal(code, EXIT.internal);
            assert.match(stderr, /runtime\.options\.nodeargs '--loader' cannot be applied offline.*Plan it with 'pulumi preview --policy-pack'/);
            assert.doesNotMatch(stderr, /internal error/i);
        });

        it("typescript: false with a TypeScript entry is an input error, not a silent compile", async () => {
            const copy = path.join(tmp, "own-no-ts");
            fs.cpSync(dir, copy, { recursive: true, verbatimSymlinks: true });
            fs.writeFileSync(path.join(copy, "Pulumi.yaml"), "name: own-modules\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n");
            const { code, stderr } = await plan("--stack", "dev", "--program", copy);
            assert.equal(code, EXIT.invalid);
            assert.match(stderr, /runtime\.options\.typescript to false, but the program's entry is TypeScript \(index\.ts\)/);
        });
    });
});
