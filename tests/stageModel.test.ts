/**
 * `npm run stage-model` (tools/stageModel.ts) end to end: a real S3-compatible server (s3rver on
 * 127.0.0.1) and a stand-in for the Hugging Face Hub (tests/fixtures/tools/fakeHub.ts). The command
 * runs in-process with captured output; one test runs it as a script for the exit code.
 */
import { strict as assert } from "assert";
import { execFile } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { GetObjectCommand, HeadBucketCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { filterFiles, globToRegExp } from "../tools/modelFiles";
import { checkedKeyPrefix, partSizeFor } from "../tools/s3Stage";
import { FakeHub, FakeRepo, sha256Hex } from "./fixtures/tools/fakeHub";
import { S3TestServer } from "./fixtures/tools/s3Server";
import { hubToS3Args, stageModel as runStageModel, StageStandIns, startStageStandIns } from "./fixtures/tools/stageModelRun";
import { resolvedHost } from "./fixtures/tools/resolvedHost";

const REPO_ROOT = path.resolve(__dirname, "..");
const BUCKET = "artifacts";
const TOKEN = "hf_test_token_do_not_print_4242";
const MIB = 1024 * 1024;

const REPO: FakeRepo = {
    id: "acme/tiny-llm",
    commit: "0123456789abcdef0123456789abcdef01234567",
    revisions: ["main"],
    files: {
        "config.json": Buffer.from(JSON.stringify({ model_type: "llama", hidden_size: 64 })),
        // 12 MiB: three 5 MiB parts; 7 MiB: two parts, so an interrupted download leaves a part behind.
        "model-00001-of-00002.safetensors": randomBytes(12 * MIB),
        "model-00002-of-00002.safetensors": randomBytes(7 * MIB),
        "original/params.json": Buffer.from('{"dim": 64}'),
        "tokenizer.json": Buffer.from(JSON.stringify({ vocab: Array.from({ length: 5000 }, (_, i) => `tok${i}`) })),
    },
    lfs: ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"],
};
/** Runs the command in-process with its own output buffers and environment. */
const stageModel = (argv: string[], env: NodeJS.ProcessEnv = { HF_TOKEN: TOKEN }) => runStageModel(argv, env);

describe("stage-model (tools/stageModel.ts)", function () {
    let s3: S3TestServer;
    let hub: FakeHub;
    let client: S3Client;
    let standIns: StageStandIns;
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "stage-model-test-"));

    /** Options every Hub run shares; the prefix differs per test. */
    const hubArgs = (prefix: string) => hubToS3Args({ repo: REPO.id, prefix, bucket: BUCKET, s3Endpoint: s3.endpoint, hubUrl: hub.url });
    const object = async (key: string) =>
        Buffer.from(await (await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToByteArray());
    const exists = async (key: string) =>
        client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key })).then(
            () => true,
            (e) => (e.$metadata?.httpStatusCode === 404 ? false : Promise.reject(e)),
        );
    const assertStaged = async (prefix: string, files: Record<string, Buffer>) => {
        for (const [file, content] of Object.entries(files)) {
            assert.ok((await object(prefix + file)).equals(content), `${prefix}${file} differs from the source`);
            const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: prefix + file }));
            assert.equal(head.Metadata?.sha256, sha256Hex(content), `${file}: x-amz-meta-sha256`);
        }
    };

    before(async function () {
        // Fake credentials (s3rver's own key pair) and no AWS config files: nothing reaches AWS.
        standIns = await startStageStandIns(tmp, BUCKET, [REPO], TOKEN);
        ({ s3, hub, client } = standIns);
    });

    after(async function () {
        await standIns?.close();
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    it("stages a Hub model byte-identical, the 12 MiB file in 5 MiB parts, each object with its SHA-256", async function () {
        const result = await stageModel(hubArgs("models/tiny/"));
        assert.equal(result.code, 0, result.stderr);
        await assertStaged("models/tiny/", REPO.files);
        assert.match(
            result.stdout,
            /Staged hf:\/\/acme\/tiny-llm@0123456789abcdef0123456789abcdef01234567 to s3:\/\/artifacts\/models\/tiny\/: 5 uploaded \(19\.[0-9] MiB\), 0 already staged/,
        );

        const big = "/artifacts/models/tiny/model-00001-of-00002.safetensors";
        assert.equal(s3.requests.filter((r) => r.method === "POST" && r.path === big && r.query.includes("uploads")).length, 1, "one CreateMultipartUpload");
        assert.equal(s3.requests.filter((r) => r.method === "PUT" && r.path === big && r.query.includes("partNumber")).length, 3, "three UploadPart");
        assert.equal(s3.putsTo(BUCKET, "models/tiny/config.json"), 1, "small files: one PutObject");
        // No SSE headers when no key is given: the bucket's default encryption applies.
        assert.ok(s3.requests.every((r) => !r.headers["x-amz-server-side-encryption"]));

        // Every file read at the commit the revision resolved to, with the token.
        const downloads = hub.requests.filter((r) => r.path.includes("/resolve/"));
        assert.ok(downloads.length >= 5 && downloads.every((r) => r.path.includes(`/resolve/${REPO.commit}/`)), JSON.stringify(downloads));
        // The token goes to the Hub only: not to the CDN on another origin that LFS files redirect to.
        assert.ok(hub.requests.filter((r) => r.server === "hub").every((r) => r.authorization === `Bearer ${TOKEN}`));
        const cdn = hub.requests.filter((r) => r.server === "cdn");
        assert.equal(cdn.length, 2, "the two LFS files came from the CDN");
        assert.ok(
            cdn.every((r) => r.authorization === undefined),
            "no token sent to the CDN",
        );
        assert.ok(!result.stdout.includes(TOKEN) && !result.stderr.includes(TOKEN), "the token is never printed");
    });

    it("resumes an interrupted run without uploading the finished files again", async function () {
        const prefix = "models/resume/";
        const failing = "model-00002-of-00002.safetensors";
        hub.failNextDownload(failing, 6 * MIB); // after the first 5 MiB part went up

        const first = await stageModel(hubArgs(prefix));
        assert.equal(first.code, 1, first.stderr);
        assert.match(
            first.stderr,
            /reading model-00002-of-00002\.safetensors from hf:\/\/acme\/tiny-llm@0123456789abcdef0123456789abcdef01234567 failed after 6\.0 MiB of 7\.0 MiB/,
        );
        assert.match(first.stderr, /run the same command again to resume/);
        assert.ok(await exists(`${prefix}config.json`));
        assert.ok(await exists(`${prefix}model-00001-of-00002.safetensors`));
        assert.equal(await exists(prefix + failing), false, "no object for the interrupted file");
        assert.ok(s3.putsTo(BUCKET, prefix + failing) >= 1, "a part of the interrupted file had been sent");

        const putsBefore = (file: string) => s3.putsTo(BUCKET, prefix + file);
        const before = Object.fromEntries(Object.keys(REPO.files).map((f) => [f, putsBefore(f)]));
        const second = await stageModel(hubArgs(prefix));
        assert.equal(second.code, 0, second.stderr);
        assert.match(second.stdout, /3 uploaded \(7\.[0-9] MiB\), 2 already staged/);
        for (const finished of ["config.json", "model-00001-of-00002.safetensors"]) {
            assert.equal(putsBefore(finished), before[finished], `${finished} was uploaded again`);
            assert.match(second.stderr, new RegExp(`= ${finished.replace(/\./g, "\\.")} .*already staged`));
        }
        assert.ok(putsBefore(failing) > before[failing]);
        await assertStaged(prefix, REPO.files);
    });

    it("fails, and deletes the object, when the downloaded bytes do not match the Hub's SHA-256", async function () {
        const prefix = "models/corrupt/";
        const file = "model-00002-of-00002.safetensors";
        const corrupted = Buffer.from(REPO.files[file]);
        corrupted[1000] ^= 0xff;
        hub.corrupt(file, corrupted);
        try {
            const result = await stageModel(hubArgs(prefix));
            assert.equal(result.code, 1);
            assert.match(
                result.stderr,
                new RegExp(
                    `model-00002-of-00002\\.safetensors: the bytes read from .* do not match the expected ${corrupted.length} bytes with sha256 ${sha256Hex(REPO.files[file])}; the object was deleted`,
                ),
            );
            assert.equal(await exists(prefix + file), false);
        } finally {
            hub.corrupt(file, REPO.files[file]);
        }
    });

    it("checks files kept in git against the git blob id the Hub lists", async function () {
        const file = "config.json";
        const corrupted = Buffer.from(REPO.files[file]);
        corrupted[2] ^= 0x20; // same size: only the checksum can tell
        hub.corrupt(file, corrupted);
        try {
            const result = await stageModel(hubArgs("models/corrupt-git/"));
            assert.equal(result.code, 1);
            assert.match(result.stderr, /config\.json: the bytes read from hf:\/\/acme\/tiny-llm@[0-9a-f]{40} do not match its git blob id [0-9a-f]{40}/);
            assert.equal(await exists("models/corrupt-git/config.json"), false);
        } finally {
            hub.corrupt(file, REPO.files[file]);
        }
    });

    it("--verify-read hashes the stored bytes and replaces an object that does not match its recorded SHA-256", async function () {
        const prefix = "models/tamper/";
        assert.equal((await stageModel(hubArgs(prefix))).code, 0);
        const file = "tokenizer.json";
        const original = REPO.files[file];
        const tampered = Buffer.from(original);
        tampered[10] ^= 0x01;
        await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: prefix + file, Body: tampered, Metadata: { sha256: sha256Hex(original) } }));
        const puts = () => s3.putsTo(BUCKET, prefix + file);

        // Without --verify-read, size and recorded SHA-256 are what is compared: the object is kept.
        const plain = await stageModel(hubArgs(prefix));
        assert.equal(plain.code, 0, plain.stderr);
        assert.match(plain.stdout, /0 uploaded .*5 already staged/);

        const before = puts();
        const verified = await stageModel([...hubArgs(prefix), "--verify-read"]);
        assert.equal(verified.code, 0, verified.stderr);
        assert.match(verified.stderr, /tokenizer\.json: the stored bytes do not match the recorded SHA-256; uploading again/);
        assert.match(verified.stdout, /1 uploaded .*4 already staged/);
        assert.equal(puts(), before + 1);
        await assertStaged(prefix, REPO.files);
    });

    it("names HF_TOKEN, and never prints it, when the Hub rejects or needs the token", async function () {
        const secret = "hf_wrong_secret_value_9876";
        const rejected = await stageModel(hubArgs("models/denied/"), { HF_TOKEN: secret });
        assert.equal(rejected.code, 1);
        assert.match(rejected.stderr, /the Hub rejected the token in HF_TOKEN for acme\/tiny-llm@main \(401\)/);
        assert.ok(!rejected.stderr.includes(secret) && !rejected.stdout.includes(secret));

        const missing = await stageModel(hubArgs("models/denied/"), {});
        assert.equal(missing.code, 1);
        assert.match(missing.stderr, /the Hub requires a token for acme\/tiny-llm@main \(401 GatedRepo\): set HF_TOKEN/);
        assert.equal(s3.requests.filter((r) => r.path.startsWith("/artifacts/models/denied/")).length, 0);
    });

    it("reports a missing model or revision (404)", async function () {
        const args = hubArgs("models/missing/");
        const model = await stageModel(args.map((a) => (a === REPO.id ? "acme/no-such-model" : a)));
        assert.equal(model.code, 1);
        assert.match(model.stderr, /model not found on the Hub: acme\/no-such-model@main\. Check --model/);

        const revision = await stageModel([...args, "--revision", "v9.9"]);
        assert.equal(revision.code, 1);
        assert.match(revision.stderr, /revision not found: acme\/tiny-llm@v9\.9\. Check --revision/);
    });

    it("reports a missing bucket with the region and partition", async function () {
        const args = hubArgs("models/x/").map((a) => (a === BUCKET ? "no-such-bucket" : a));
        const result = await stageModel(args);
        assert.equal(result.code, 1);
        assert.match(
            result.stderr,
            /bucket 'no-such-bucket' does not exist in us-gov-west-1 \(AWS GovCloud \(US\)\)\. Use the stack output artifactBucketName/,
        );
    });

    it("--from-dir stages a downloaded directory (symlinks followed, tool metadata skipped) under the catalog's default prefix (the deployment name: dots as dashes)", async function () {
        const dir = path.join(tmp, "Llama-3.1-8B-Instruct");
        const blobs = path.join(tmp, "blobs");
        fs.mkdirSync(path.join(dir, "original"), { recursive: true });
        fs.mkdirSync(path.join(dir, ".cache", "huggingface", "download"), { recursive: true });
        fs.mkdirSync(path.join(dir, ".git"), { recursive: true });
        fs.mkdirSync(blobs, { recursive: true });
        const files: Record<string, Buffer> = {
            "config.json": Buffer.from('{"model_type":"llama"}'),
            "model.safetensors": randomBytes(6 * MIB),
            "original/notes.txt": Buffer.from("not weights"),
            "tokenizer.json": Buffer.from('{"version":"1.0"}'),
            "added_tokens.json": Buffer.alloc(0),
        };
        for (const [file, content] of Object.entries(files)) {
            if (file === "model.safetensors") {
                // As in a Hub cache snapshot: the file is a symlink to a blob.
                fs.writeFileSync(path.join(blobs, sha256Hex(content)), content);
                fs.symlinkSync(path.join(blobs, sha256Hex(content)), path.join(dir, file));
            } else fs.writeFileSync(path.join(dir, file), content);
        }
        fs.writeFileSync(path.join(dir, "pytorch_model.bin"), randomBytes(1024));
        fs.writeFileSync(path.join(dir, ".cache", "huggingface", "download", "config.json.metadata"), "x");
        fs.writeFileSync(path.join(dir, ".git", "HEAD"), "ref: refs/heads/main");

        const args = [
            "--model",
            "llama-3.1-8b-instruct",
            "--from-dir",
            dir,
            "--exclude",
            "*.bin",
            "--bucket",
            BUCKET,
            "--region",
            "us-gov-west-1",
            "--endpoint-url",
            s3.endpoint,
            "--part-size-mib",
            "5",
        ];
        const result = await stageModel(args, {});
        assert.equal(result.code, 0, result.stderr);
        const prefix = "models/llama-3-1-8b-instruct/";
        await assertStaged(prefix, files);
        const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
        assert.deepEqual(
            listed.Contents?.map((c) => c.Key).sort(),
            Object.keys(files)
                .map((f) => prefix + f)
                .sort(),
        );
        assert.equal(hub.requests.filter((r) => r.path.toLowerCase().includes("llama")).length, 0, "nothing asked of the Hub");

        const again = await stageModel(args, {});
        assert.equal(again.code, 0, again.stderr);
        assert.match(again.stdout, /0 uploaded \(0 B\), 5 already staged/);
        assert.equal(s3.putsTo(BUCKET, `${prefix}model.safetensors`), 2, "two parts the first time, none the second");
    });

    it("reads bucket, prefix, region and the stack key from --outputs-file, and sends SSE-KMS with that key", async function () {
        const kmsKeyArn = "arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        const outputsFile = path.join(tmp, "outputs.json");
        fs.writeFileSync(
            outputsFile,
            JSON.stringify({
                awsRegion: "us-gov-west-1",
                partitionId: "aws-us-gov",
                artifactBucketName: BUCKET,
                kmsKeyArn,
                llmEndpoints: [{ name: "tiny", model: REPO.id, endpointName: "tiny-1a2b3c4d", weightsS3Uri: `s3://${BUCKET}/models/from-outputs/` }],
            }),
        );
        const result = await stageModel([
            "--model",
            REPO.id,
            "--name",
            "tiny",
            "--outputs-file",
            outputsFile,
            "--endpoint-url",
            s3.endpoint,
            "--hub-endpoint",
            hub.url,
            "--part-size-mib",
            "5",
        ]);
        assert.equal(result.code, 0, result.stderr);
        await assertStaged("models/from-outputs/", REPO.files);
        const writes = s3.requests.filter(
            (r) =>
                r.path.startsWith("/artifacts/models/from-outputs/") &&
                (r.method === "PUT" || (r.method === "POST" && r.query.includes("uploads"))) &&
                !r.query.includes("partNumber"),
        );
        assert.equal(writes.length, 5);
        for (const w of writes) {
            assert.equal(w.headers["x-amz-server-side-encryption"], "aws:kms");
            assert.equal(w.headers["x-amz-server-side-encryption-aws-kms-key-id"], kmsKeyArn);
            assert.equal(w.headers["x-amz-server-side-encryption-bucket-key-enabled"], "true");
            assert.match(String(w.headers.authorization), /\/us-gov-west-1\/s3\/aws4_request/, "signed for the stack's region");
        }
    });

    it("refuses bad usage with exit code 2 before doing anything", async function () {
        const cases: Array<[string[], RegExp]> = [
            [[], /--model is required/],
            [["--bogus"], /Unknown option '--bogus'/],
            [["--model", "not a repo!", "--bucket", BUCKET], /neither a catalog id .* nor a Hub repository id/],
            [["--model", "acme/unknown", "--bucket", BUCKET], /--prefix or --name is required/],
            [["--model", "falcon-7b-instruct"], /--bucket is required/],
            [["--model", "falcon-7b-instruct", "--bucket", BUCKET, "--prefix", "s3://artifacts/models/"], /--prefix must be a key prefix/],
            [["--model", "falcon-7b-instruct", "--bucket", BUCKET, "--part-size-mib", "4"], /--part-size-mib must be a number of at least 5/],
            [
                ["--model", "falcon-7b-instruct", "--bucket", BUCKET, "--fips", "--endpoint-url", "http://127.0.0.1:1"],
                /--fips and --endpoint-url exclude each other/,
            ],
            [["--model", "falcon-7b-instruct", "--bucket", BUCKET], /no AWS region: pass --region/],
            [
                ["--model", "falcon-7b-instruct", "--bucket", BUCKET, "--region", "us-gov-west-1", "--from-dir", path.join(tmp, "nope")],
                /--from-dir .*: no such directory/,
            ],
            [["--model", "falcon-7b-instruct", "--stack", "govcloud"], /pulumi CLI is not installed here|'pulumi stack output/],
        ];
        const savedPath = process.env.PATH;
        const requestsBefore = s3.requests.length + hub.requests.length;
        process.env.PATH = tmp; // no pulumi CLI on the PATH
        try {
            for (const [argv, message] of cases) {
                const result = await stageModel(argv, {});
                assert.equal(result.code, 2, `${argv.join(" ")}: ${result.stderr}`);
                assert.match(result.stderr, message, argv.join(" "));
            }
        } finally {
            process.env.PATH = savedPath;
        }
        assert.equal(s3.requests.length + hub.requests.length, requestsBefore, "no request reached a server");
    });

    it("runs as a script: --help exits 0, an unknown option exits 2", async function () {
        const run = (...args: string[]) =>
            new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
                execFile(
                    process.execPath,
                    ["-r", "./offline/tsCache.js", "tools/stageModel.ts", ...args],
                    { cwd: REPO_ROOT, timeout: 30_000 },
                    (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
                );
            });
        const help = await run("--help");
        assert.equal(help.code, 0, help.stderr);
        assert.match(help.stdout, /^Usage: npm run stage-model -- --model <id>/);
        const bad = await run("--nope");
        assert.equal(bad.code, 2);
        assert.match(bad.stderr, /Unknown option '--nope'/);
    });

    it("resolves partition-correct S3 endpoints from the region (GovCloud, FIPS)", async function () {
        const hostFor = (region: string, fips: boolean) =>
            resolvedHost((config) => new S3Client(config), new HeadBucketCommand({ Bucket: "artifacts-1234" }), region, fips);
        assert.equal(await hostFor("us-gov-west-1", false), "artifacts-1234.s3.us-gov-west-1.amazonaws.com");
        assert.equal(await hostFor("us-gov-west-1", true), "artifacts-1234.s3-fips.us-gov-west-1.amazonaws.com");
        assert.equal(await hostFor("us-gov-east-1", true), "artifacts-1234.s3-fips.us-gov-east-1.amazonaws.com");
        assert.equal(await hostFor("us-east-1", true), "artifacts-1234.s3-fips.us-east-1.amazonaws.com");
    });

    it("filters files with fnmatch globs and checks prefixes and part sizes", function () {
        const files = [
            "config.json",
            "model-00001-of-00002.safetensors",
            "pytorch_model-00001-of-00002.bin",
            "original/consolidated.00.pth",
            "tokenizer.model",
        ].map((p) => ({ path: p }));
        assert.deepEqual(
            filterFiles(files, [], ["*.bin", "original/*"]).map((f) => f.path),
            ["config.json", "model-00001-of-00002.safetensors", "tokenizer.model"],
        );
        assert.deepEqual(
            filterFiles(files, ["*.json", "tokenizer.*"], []).map((f) => f.path),
            ["config.json", "tokenizer.model"],
        );
        assert.ok(globToRegExp("model-0000[1-2]-of-?????.safetensors").test("model-00001-of-00002.safetensors"));
        assert.ok(!globToRegExp("*.json").test("config.jsonx"));
        assert.equal(checkedKeyPrefix("/models/falcon-40b-instruct"), "models/falcon-40b-instruct/");
        assert.throws(() => checkedKeyPrefix("models/a b/"), /--prefix must be a key prefix/);
        assert.equal(partSizeFor(100 * MIB, 64 * MIB), 64 * MIB);
        assert.equal(partSizeFor(1000 * 1024 * MIB, 64 * MIB), 103 * MIB, "raised to keep 1000 GiB within 10,000 parts");
    });
});
