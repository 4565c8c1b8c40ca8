/**
 * The Hub token (tools/hubToken.ts) found where the Hugging Face CLI finds it, in its order, and
 * never printed: unit checks of the lookup, then `stage-model` runs against the Hub stand-in that
 * show which token reached the Hub and that its value is in no output, errors included.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { inspect } from "util";
import { findHubToken } from "../tools/hubToken";
import { FakeHub, FakeRepo, startFakeHub } from "./fixtures/tools/fakeHub";
import { S3TestServer, startS3Server } from "./fixtures/tools/s3Server";
import { Outcome, stageModel, tempHome, useFakeAwsEnvironment } from "./fixtures/tools/stageModelRun";

const GOOD = "hf_good_token_from_somewhere_7373";
const WRONG = "hf_wrong_token_must_not_leak_1919";

describe("Hub token (tools/hubToken.ts)", function () {
    const home = tempHome("hub-token-");
    /** Writes a token file (any content) and returns its path. */
    const writeToken = (relative: string, content: string) => {
        const file = path.join(home, relative);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, content);
        return file;
    };
    const found = (env: NodeJS.ProcessEnv) => {
        const lookup = findHubToken({ HOME: home, ...env });
        return lookup.token ? `${lookup.token.secret()} from ${lookup.token.source}` : `none (${lookup.tokenFile})`;
    };

    after(() => fs.rmSync(home, { recursive: true, force: true }));

    describe("lookup", function () {
        afterEach(() => fs.rmSync(path.join(home, ".cache"), { recursive: true, force: true }));

        it("reads HF_TOKEN first, then HUGGING_FACE_HUB_TOKEN, then the token file, cleaned as huggingface_hub does", function () {
            const file = writeToken(".cache/huggingface/token", "hf_from_file\n");
            assert.equal(found({ HF_TOKEN: "hf_env", HUGGING_FACE_HUB_TOKEN: "hf_legacy" }), "hf_env from HF_TOKEN");
            assert.equal(found({ HUGGING_FACE_HUB_TOKEN: "hf_legacy" }), "hf_legacy from HUGGING_FACE_HUB_TOKEN");
            assert.equal(found({ HF_TOKEN: " \n" }), `hf_from_file from ${file} (the login token of 'hf auth login')`, "a blank HF_TOKEN counts as unset");
            fs.writeFileSync(file, "  \r\n");
            assert.equal(found({}), `none (${file})`, "a blank token file means no token");
        });

        it("finds the file at $HF_TOKEN_PATH, else $HF_HOME/token, else $XDG_CACHE_HOME/huggingface/token, else ~/.cache/huggingface/token", function () {
            const byPath = writeToken("custom/my-token", "hf_by_path");
            const byHome = writeToken("hfhome/token", "hf_by_home");
            const byXdg = writeToken("xdg/huggingface/token", "hf_by_xdg");
            const byDefault = writeToken(".cache/huggingface/token", "hf_by_default");
            const all = { HF_TOKEN_PATH: byPath, HF_HOME: path.dirname(byHome), XDG_CACHE_HOME: path.join(home, "xdg") };
            assert.equal(found(all), `hf_by_path from ${byPath} (HF_TOKEN_PATH)`);
            assert.equal(found({ ...all, HF_TOKEN_PATH: undefined }), `hf_by_home from ${byHome} ($HF_HOME/token)`);
            assert.equal(found({ XDG_CACHE_HOME: all.XDG_CACHE_HOME }), `hf_by_xdg from ${byXdg} (the login token of 'hf auth login')`);
            assert.equal(found({}), `hf_by_default from ${byDefault} (the login token of 'hf auth login')`);
            // ~ and $VAR are expanded, as Python's expanduser and expandvars do.
            assert.equal(found({ HF_TOKEN_PATH: "~/custom/my-token" }), `hf_by_path from ${byPath} (HF_TOKEN_PATH)`);
            assert.equal(found({ HF_HOME: "${WHERE}/hfhome", WHERE: home }), `hf_by_home from ${byHome} ($HF_HOME/token)`);
            // A missing file is no token, as in huggingface_hub; the file that was looked at is named.
            assert.equal(found({ HF_TOKEN_PATH: path.join(home, "absent") }), `none (${path.join(home, "absent")})`);
        });

        it("sends no token when HF_HUB_DISABLE_IMPLICIT_TOKEN is true, and names an unreadable token file", function () {
            writeToken(".cache/huggingface/token", "hf_by_default");
            for (const value of ["1", "true", "YES", "on"]) {
                const lookup = findHubToken({ HOME: home, HF_TOKEN: "hf_env", HF_HUB_DISABLE_IMPLICIT_TOKEN: value });
                assert.equal(lookup.token, undefined, value);
                assert.equal(lookup.disabled, true);
            }
            assert.equal(found({ HF_HUB_DISABLE_IMPLICIT_TOKEN: "0" }).startsWith("hf_by_default"), true);
            // The environment's mistake, not a flag's: InputError, exit 2 without the pointer to --help.
            assert.throws(
                () => findHubToken({ HOME: home, HF_TOKEN_PATH: home }),
                (err: Error) => err.name === "InputError" && new RegExp(`cannot read the Hub token file ${home} \\(HF_TOKEN_PATH\\): EISDIR`).test(err.message),
            );
        });

        it("prints as its source only: String, JSON and util.inspect never show the value", function () {
            const { token } = findHubToken({ HOME: home, HF_TOKEN: GOOD });
            for (const shown of [String(token), JSON.stringify({ token }), inspect({ token }, { depth: 5, showHidden: true }), `${token}`]) {
                assert.ok(!shown.includes(GOOD), shown);
                assert.match(shown, /HubToken\(HF_TOKEN\)/);
            }
        });
    });

    describe("stage-model with the Hub stand-in", function () {
        const REPO: FakeRepo = {
            id: "acme/token-llm",
            commit: "fedcba9876543210fedcba9876543210fedcba98",
            revisions: ["main"],
            files: { "config.json": Buffer.from("{}"), "model.safetensors": Buffer.from("weights") },
            lfs: ["model.safetensors"],
        };
        let s3: S3TestServer;
        let hub: FakeHub;
        let restoreEnv: () => void;

        before(async function () {
            restoreEnv = useFakeAwsEnvironment(home);
            s3 = await startS3Server(["artifacts"]);
            hub = await startFakeHub([REPO], GOOD);
        });
        after(async function () {
            await hub?.close();
            await s3?.close();
            restoreEnv?.();
        });

        /** A dry run (nothing written) and the Authorization headers the Hub received. */
        const run = async (env: NodeJS.ProcessEnv): Promise<Outcome & { sent: string[] }> => {
            const before = hub.requests.length;
            const argv = ["--model", REPO.id, "--prefix", "models/t/", "--bucket", "artifacts", "--region", "us-gov-west-1"];
            const outcome = await stageModel([...argv, "--endpoint-url", s3.endpoint, "--hub-endpoint", hub.url, "--dryrun"], { HOME: home, ...env });
            return { ...outcome, sent: [...new Set(hub.requests.slice(before).map((r) => r.authorization ?? "none"))] };
        };
        const assertNotPrinted = (outcome: Outcome, ...secrets: string[]) => {
            for (const secret of secrets) assert.ok(!outcome.stdout.includes(secret) && !outcome.stderr.includes(secret), `${secret} was printed`);
        };

        it("uses the token from HF_TOKEN_PATH and from $HF_HOME/token", async function () {
            const file = writeToken("login/token", `${GOOD}\n`);
            const viaPath = await run({ HF_TOKEN_PATH: file });
            assert.equal(viaPath.code, 0, viaPath.stderr);
            assert.deepEqual(viaPath.sent, [`Bearer ${GOOD}`]);
            assert.match(viaPath.stdout, /\(dryrun\) upload: .*config\.json/);
            const viaHome = await run({ HF_HOME: path.dirname(file) });
            assert.equal(viaHome.code, 0, viaHome.stderr);
            assert.deepEqual(viaHome.sent, [`Bearer ${GOOD}`]);
            assertNotPrinted(viaPath, GOOD);
            assertNotPrinted(viaHome, GOOD);
        });

        it("prefers HF_TOKEN to the token file, and names the token's source, never its value, when the Hub rejects it", async function () {
            const file = writeToken("login/token", GOOD);
            const envFirst = await run({ HF_TOKEN: WRONG, HF_TOKEN_PATH: file });
            assert.equal(envFirst.code, 1);
            assert.deepEqual(envFirst.sent, [`Bearer ${WRONG}`]);
            assert.match(envFirst.stderr, /the Hub rejected the token in HF_TOKEN for acme\/token-llm@main \(401\)/);
            assertNotPrinted(envFirst, WRONG, GOOD);

            fs.writeFileSync(file, WRONG);
            const fromFile = await run({ HF_TOKEN_PATH: file });
            assert.equal(fromFile.code, 1);
            assert.match(fromFile.stderr, new RegExp(`the Hub rejected the token in ${file} \\(HF_TOKEN_PATH\\) for acme/token-llm@main \\(401\\)`));
            assertNotPrinted(fromFile, WRONG);
        });

        it("without a token, says how to set one and which file was looked at; a token of another form is refused before any request", async function () {
            const none = await run({ HF_TOKEN_PATH: path.join(home, "absent") });
            assert.equal(none.code, 1);
            assert.deepEqual(none.sent, ["none"]);
            assert.match(none.stderr, new RegExp(`set HF_TOKEN .* or log in with 'hf auth login' \\(token file: ${path.join(home, "absent")}\\)`));

            const odd = "api_org_secret_value_3131";
            const refused = await run({ HF_TOKEN: odd });
            assert.equal(refused.code, 2);
            assert.match(refused.stderr, /the Hub token in HF_TOKEN does not start with 'hf_'/);
            assert.doesNotMatch(refused.stderr, /--help/, "a token from the environment is no usage error");
            assert.deepEqual(refused.sent, []);
            assertNotPrinted(refused, odd);
        });
    });
});
