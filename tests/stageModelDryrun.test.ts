/**
 * `stage-model --dryrun` (tools/stageModel.ts, ModelStager.dryRun in tools/s3Stage.ts) against s3rver
 * and the Hub stand-in: the listing names exactly the files a real run uploads and skips, in
 * `aws s3 sync --dryrun`'s form, and the run writes nothing to S3 and downloads only what the
 * decision needs.
 */
import { strict as assert } from "assert";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { FakeHub, FakeRepo, sha256Hex, TREE_PAGE_SIZE } from "./fixtures/tools/fakeHub";
import { S3TestServer } from "./fixtures/tools/s3Server";
import { hubToS3Args, stageModel, StageStandIns, startStageStandIns, tempHome } from "./fixtures/tools/stageModelRun";

const BUCKET = "artifacts";
const TOKEN = "hf_dryrun_token_never_printed_5151";
const MIB = 1024 * 1024;

const REPO: FakeRepo = {
    id: "acme/dry-llm",
    commit: "89abcdef0123456789abcdef0123456789abcdef",
    revisions: ["main"],
    files: {
        "config.json": Buffer.from(JSON.stringify({ model_type: "llama", hidden_size: 32 })),
        "model-00001-of-00002.safetensors": randomBytes(6 * MIB),
        "model-00002-of-00002.safetensors": randomBytes(2 * MIB),
        "original/params.json": Buffer.from('{"dim": 32}'),
        "tokenizer.json": Buffer.from(JSON.stringify({ vocab: ["a", "b", "c"] })),
    },
    lfs: ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"],
};
const SOURCE = `hf://${REPO.id}@${REPO.commit}`;

describe("stage-model --dryrun", function () {
    let s3: S3TestServer;
    let hub: FakeHub;
    let client: S3Client;
    let standIns: StageStandIns;
    const home = tempHome("stage-model-dryrun-");
    const env = { HF_TOKEN: TOKEN, HOME: home };

    const args = (prefix: string, ...more: string[]) =>
        hubToS3Args({ repo: REPO.id, prefix, bucket: BUCKET, s3Endpoint: s3.endpoint, hubUrl: hub.url }, ...more);
    /** Every object under a prefix with its size, ETag and recorded SHA-256: what "unchanged" compares. */
    const snapshot = async (prefix: string) => {
        const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
        const objects: Record<string, string> = {};
        for (const o of listed.Contents ?? []) {
            const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: o.Key! }));
            objects[o.Key!] = `${head.ContentLength} ${head.ETag} ${head.Metadata?.sha256}`;
        }
        return objects;
    };
    /** Runs a dry run and returns its outcome with the requests it made. */
    const dryRun = async (argv: string[]) => {
        const [s3Before, hubBefore] = [s3.requests.length, hub.requests.length];
        const outcome = await stageModel(argv, env);
        return { ...outcome, s3Requests: s3.requests.slice(s3Before), hubRequests: hub.requests.slice(hubBefore) };
    };
    const assertNoWrites = (requests: S3TestServer["requests"]) =>
        assert.deepEqual(
            requests.filter((r) => r.method !== "GET" && r.method !== "HEAD").map((r) => `${r.method} ${r.path}${r.query}`),
            [],
            "the dry run wrote to S3",
        );
    const downloaded = (requests: FakeHub["requests"]) =>
        requests
            .filter((r) => r.server === "hub" && r.path.includes("/resolve/"))
            .map((r) => decodeURIComponent(r.path.split(`/resolve/${REPO.commit}/`)[1]))
            .sort();

    before(async function () {
        // Fake credentials (s3rver's own key pair) and no AWS config files: nothing reaches AWS.
        standIns = await startStageStandIns(home, BUCKET, [REPO], TOKEN);
        ({ s3, hub, client } = standIns);
    });

    after(async function () {
        await standIns?.close();
        fs.rmSync(home, { recursive: true, force: true });
    });

    it("lists every file as an upload to an empty prefix, in aws s3 sync's form, and downloads and writes nothing", async function () {
        const prefix = "models/dry-empty/";
        assert.ok(Object.keys(REPO.files).length + 1 > TREE_PAGE_SIZE, "the listing spans more than one page of the tree");
        const result = await dryRun(args(prefix, "--dryrun"));
        assert.equal(result.code, 0, result.stderr);
        const expected = Object.keys(REPO.files)
            .sort()
            .map((f) => `(dryrun) upload: ${SOURCE}/${f} to s3://${BUCKET}/${prefix}${f}`);
        const lines = result.stdout.trimEnd().split("\n");
        assert.deepEqual(lines.slice(0, -1), expected);
        const total = Object.values(REPO.files).reduce((n, c) => n + c.length, 0);
        assert.equal(
            lines.at(-1),
            `Dry run of ${SOURCE} to s3://${BUCKET}/${prefix}: 5 to upload (${(total / MIB).toFixed(1)} MiB), 0 already staged; nothing was uploaded.`,
        );
        assert.deepEqual(await snapshot(prefix), {});
        assertNoWrites(result.s3Requests);
        assert.deepEqual(downloaded(result.hubRequests), [], "no file needed downloading to decide");
        assert.ok(
            result.hubRequests.some((r) => r.path.includes("/tree/") && r.path.includes("cursor=")),
            "the second page of the tree was read",
        );
        assert.ok(!result.stdout.includes(TOKEN) && !result.stderr.includes(TOKEN));
    });

    it("names the skips and the replacements exactly, reads only the file it must hash, leaves the bucket unchanged, and agrees with the real run", async function () {
        const prefix = "models/dry-partial/";
        // Staged for real: config.json (kept in git) and the first weights file (LFS).
        const staged = await stageModel(args(prefix, "--include", "config.json", "--include", "model-00001-*"), env);
        assert.equal(staged.code, 0, staged.stderr);
        // Same size, another recorded SHA-256; another size; a key that is not the model's.
        const second = "model-00002-of-00002.safetensors";
        await client.send(
            new PutObjectCommand({ Bucket: BUCKET, Key: prefix + second, Body: randomBytes(REPO.files[second].length), Metadata: { sha256: "0".repeat(64) } }),
        );
        await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${prefix}tokenizer.json`, Body: Buffer.from("{}") }));
        await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${prefix}stale.bin`, Body: Buffer.from("old") }));
        const before = await snapshot(prefix);

        const result = await dryRun(args(prefix, "--dry-run"));
        assert.equal(result.code, 0, result.stderr);
        const line = (action: string, file: string, reason = "") => `(dryrun) ${action}: ${SOURCE}/${file} to s3://${BUCKET}/${prefix}${file}${reason}`;
        assert.deepEqual(result.stdout.trimEnd().split("\n").slice(0, -1), [
            line("skip", "config.json", " (same size and SHA-256)"),
            line("skip", "model-00001-of-00002.safetensors", " (same size and SHA-256)"),
            line("upload", second, " (replaces an object with another SHA-256)"),
            line("upload", "original/params.json"),
            line("upload", "tokenizer.json", " (replaces an object of 2 B)"),
        ]);
        assert.match(result.stdout, /: 3 to upload \(2\.0 MiB\), 2 already staged; nothing was uploaded\.\n$/);
        assert.match(result.stderr, /1 object\(s\) under s3:\/\/artifacts\/models\/dry-partial\/ are not files of this model.*stale\.bin/);
        assert.deepEqual(await snapshot(prefix), before, "the bucket changed");
        assertNoWrites(result.s3Requests);
        // config.json has an object of its size and no published SHA-256: the only file read.
        assert.deepEqual(downloaded(result.hubRequests), ["config.json"]);
        assert.ok(!result.stdout.includes(TOKEN) && !result.stderr.includes(TOKEN));

        // The real run uploads exactly the files the dry run listed as uploads, and nothing else.
        const listedUploads = result.stdout
            .split("\n")
            .filter((l) => l.startsWith("(dryrun) upload: "))
            .map((l) => l.slice(l.indexOf(`s3://${BUCKET}/${prefix}`) + `s3://${BUCKET}/${prefix}`.length).replace(/ \(.*\)$/, ""));
        const files = Object.keys(REPO.files);
        const putsBefore = new Map(files.map((f) => [f, s3.putsTo(BUCKET, prefix + f)]));
        const real = await stageModel(args(prefix), env);
        assert.equal(real.code, 0, real.stderr);
        assert.match(real.stdout, /: 3 uploaded .*, 2 already staged/);
        const uploaded = files.filter((f) => s3.putsTo(BUCKET, prefix + f) > putsBefore.get(f)!);
        assert.deepEqual(uploaded.sort(), listedUploads.sort());
    });

    it("--verify-read reads the candidate objects back and lists a tampered one as an upload, still writing nothing", async function () {
        const prefix = "models/dry-verify/";
        assert.equal((await stageModel(args(prefix), env)).code, 0);
        const file = "tokenizer.json";
        const tampered = Buffer.from(REPO.files[file]);
        tampered[3] ^= 0x01;
        await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: prefix + file, Body: tampered, Metadata: { sha256: sha256Hex(REPO.files[file]) } }));
        const before = await snapshot(prefix);

        const plain = await dryRun(args(prefix, "--dryrun"));
        assert.match(plain.stdout, new RegExp(`\\(dryrun\\) skip: .*/${file} to .*\\(same size and SHA-256\\)`));
        const verified = await dryRun(args(prefix, "--dryrun", "--verify-read"));
        assert.equal(verified.code, 0, verified.stderr);
        assert.match(
            verified.stdout,
            new RegExp(`\\(dryrun\\) upload: .*/${file} to .*\\(replaces an object whose stored bytes do not match its recorded SHA-256\\)`),
        );
        assert.match(verified.stdout, /: 1 to upload .*, 4 already staged/);
        const getsOfObjects = verified.s3Requests.filter((r) => r.method === "GET" && r.path.startsWith(`/${BUCKET}/${prefix}`));
        assert.equal(getsOfObjects.length, Object.keys(REPO.files).length, "each object read back once");
        assertNoWrites(verified.s3Requests);
        assert.deepEqual(await snapshot(prefix), before);
    });

    it("lists a --from-dir source by its local paths", async function () {
        const dir = path.join(home, "downloaded");
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, "config.json"), REPO.files["config.json"]);
        fs.writeFileSync(path.join(dir, "model.safetensors"), randomBytes(1024));
        const prefix = "models/dry-dir/";
        const argv = ["--from-dir", dir, "--prefix", prefix, "--bucket", BUCKET, "--region", "us-gov-west-1", "--endpoint-url", s3.endpoint, "--dryrun"];
        const result = await dryRun(argv);
        assert.equal(result.code, 0, result.stderr);
        assert.deepEqual(result.stdout.trimEnd().split("\n").slice(0, -1), [
            `(dryrun) upload: ${dir}/config.json to s3://${BUCKET}/${prefix}config.json`,
            `(dryrun) upload: ${dir}/model.safetensors to s3://${BUCKET}/${prefix}model.safetensors`,
        ]);
        assertNoWrites(result.s3Requests);
        assert.deepEqual(result.hubRequests, []);
    });
});
