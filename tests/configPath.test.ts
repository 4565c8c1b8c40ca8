/**
 * `--config` overrides read as `pulumi config set --path` reads them (offline/configPath.ts), merged
 * into the stack file's values by offline/projectConfig.ts, with nested secrets kept secret.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    coercePathValue,
    ConfigPathError,
    holdsSecret,
    parseConfigKeyPath,
    parsePropertyPath,
    readSecureLeaves,
    revealSecrets,
    SecureLeaf,
    setConfigPath,
    splitConfigPair,
} from "../offline/configPath";
import { InputFileError } from "../offline/inputFiles";
import { ENCRYPTED_SECRET_PLACEHOLDER, loadProject, loadStackConfig, ProjectConfigError } from "../offline/projectConfig";

function throwsConfigPath(fn: () => unknown, pattern: RegExp): void {
    assert.throws(fn, (e: Error) => e instanceof ConfigPathError && pattern.test(e.message));
}

describe("config keys and values as 'pulumi config set --path' reads them", () => {
    it("splits key=value at the first '=', or after a quoted key", () => {
        assert.deepEqual(splitConfigPair("region=us-east-1"), ["region", "us-east-1"]);
        assert.deepEqual(splitConfigPair("a=b=c"), ["a", "b=c"]);
        assert.deepEqual(splitConfigPair("tags.Owner="), ["tags.Owner", ""]);
        assert.deepEqual(splitConfigPair(`'tags["a=b"]'=x`), ['tags["a=b"]', "x"]);
        assert.deepEqual(splitConfigPair(`"tags.Owner"=me`), ["tags.Owner", "me"]);
        assert.equal(splitConfigPair("region"), undefined);
        assert.equal(splitConfigPair("=x"), undefined);
    });

    it("parses property paths: names, indexes, quoted names", () => {
        assert.deepEqual(parsePropertyPath("tags.Owner"), ["tags", "Owner"]);
        assert.deepEqual(parsePropertyPath("models[0].instanceType"), ["models", 0, "instanceType"]);
        assert.deepEqual(parsePropertyPath('tags["a.b"]'), ["tags", "a.b"]);
        assert.deepEqual(parsePropertyPath('tags["say \\"hi\\""]'), ["tags", 'say "hi"']);
        assert.deepEqual(parsePropertyPath('["x.y"][2]'), ["x.y", 2]);
        assert.deepEqual(parsePropertyPath("a[*].b"), ["a", "*", "b"]);
        assert.deepEqual(parsePropertyPath("foo-bar.baz"), ["foo-bar", "baz"]);
        for (const [bad, reason] of [
            [".a", /start with a name or index/],
            ["a.", /end with a name or index/],
            ["a.[0]", /property name after '\.'/],
            ['a["b]', /missing closing quote/],
            ['a["b"', /missing closing bracket in property access/],
            ["a[0", /missing closing bracket in array index/],
            ["a[x]", /invalid array index/],
        ] as const) {
            throwsConfigPath(() => parsePropertyPath(bad), reason);
        }
    });

    it("qualifies keys: the project's unless the first segment names a namespace", () => {
        assert.deepEqual(parseConfigKeyPath("proj", "region"), { key: "proj:region", path: [] });
        assert.deepEqual(parseConfigKeyPath("proj", "tags.Owner"), { key: "proj:tags", path: ["Owner"] });
        assert.deepEqual(parseConfigKeyPath("proj", 'tags["a.b"]'), { key: "proj:tags", path: ["a.b"] });
        assert.deepEqual(parseConfigKeyPath("proj", "models[0].instanceType"), { key: "proj:models", path: [0, "instanceType"] });
        assert.deepEqual(parseConfigKeyPath("proj", "aws:defaultTags.tags.Owner"), { key: "aws:defaultTags", path: ["tags", "Owner"] });
        assert.deepEqual(parseConfigKeyPath("proj", "aws:config:region"), { key: "aws:region", path: [] });
        assert.deepEqual(parseConfigKeyPath("proj", "proj:tags.Owner"), { key: "proj:tags", path: ["Owner"] });
        throwsConfigPath(() => parseConfigKeyPath("proj", "a:b:c"), /could not parse a:b:c as a configuration key/);
        throwsConfigPath(() => parseConfigKeyPath("proj", "[0]"), /first path segment of config key must be a string/);
        throwsConfigPath(() => parseConfigKeyPath("proj", "tags[x]"), /invalid config key path: invalid array index/);
    });

    it("types values below a path as the CLI does: booleans, integers without a leading 0, else strings", () => {
        assert.equal(coercePathValue("true"), true);
        assert.equal(coercePathValue("false"), false);
        assert.equal(coercePathValue("True"), "True");
        assert.equal(coercePathValue("42"), 42);
        assert.equal(coercePathValue("-7"), -7);
        assert.equal(coercePathValue("0"), 0);
        assert.equal(coercePathValue("012345678901"), "012345678901");
        assert.equal(coercePathValue("123456789012"), 123456789012);
        assert.equal(coercePathValue("1.5"), "1.5");
        assert.equal(coercePathValue("1e3"), "1e3");
        assert.equal(coercePathValue(""), "");
        assert.equal(coercePathValue("99999999999999999999999"), "99999999999999999999999");
    });

    it("sets values: a key's own value as the string given; below a path, merged into what is there", () => {
        assert.equal(setConfigPath(undefined, "p:production", [], "true"), "true");
        assert.deepEqual(setConfigPath({ Owner: "a", Project: "b" }, "p:tags", ["Owner"], "me"), { Owner: "me", Project: "b" });
        assert.deepEqual(setConfigPath(undefined, "p:models", [0, "instanceType"], "ml.g5.2xlarge"), [{ instanceType: "ml.g5.2xlarge" }]);
        assert.deepEqual(setConfigPath(undefined, "p:models", [2, "numGpus"], "4"), [null, null, { numGpus: 4 }]);
        const models = [{ id: "a", instanceCount: 1 }];
        assert.deepEqual(setConfigPath(models, "p:models", [0, "instanceCount"], "2"), [{ id: "a", instanceCount: 2 }]);
        assert.deepEqual(models, [{ id: "a", instanceCount: 1 }], "the current value is not modified");
        assert.deepEqual(setConfigPath(models, "p:models", [1, "id"], "b"), [{ id: "a", instanceCount: 1 }, { id: "b" }]);
        // A scalar (or a JSON text set earlier without a path) at the top is replaced, as the CLI does.
        assert.deepEqual(setConfigPath('[{"id":"a"}]', "p:models", [0, "engine"], "vllm"), [{ engine: "vllm" }]);
        assert.deepEqual(setConfigPath({}, "p:tags", ["__proto__"], "x"), JSON.parse('{"__proto__":"x"}'));
    });

    it("refuses what the CLI refuses: an index past the end, a path through a scalar, a lone 'secure' key", () => {
        throwsConfigPath(() => setConfigPath([{ id: "a" }], "p:models", [3, "id"], "b"), /p:models\[3\]: array index out of range/);
        throwsConfigPath(() => setConfigPath({ a: "s" }, "p:x", ["a", "b"], "v"), /p:x\.a: expected a map/);
        throwsConfigPath(() => setConfigPath({ a: "s" }, "p:x", ["a", 0], "v"), /p:x\.a: expected an array/);
        throwsConfigPath(() => setConfigPath([], "p:x", ["k"], "v"), /key for an array must be an int/);
        throwsConfigPath(() => setConfigPath({}, "p:x", [0], "v"), /key for a map must be a string/);
        throwsConfigPath(() => setConfigPath(undefined, "p:x", ["secure"], "v"), /maps with the single key "secure" are reserved/);
        assert.deepEqual(setConfigPath({ other: 1 }, "p:x", ["secure"], "v"), { other: 1, secure: "v" });
    });

    it("finds secrets at any depth, and replaces each by its plaintext or the placeholder", () => {
        const stored = readSecureLeaves({ Owner: "o", Key: { secure: "v1:abc" }, list: [{ secure: "v1:def" }], notSecret: { secure: "x", other: 1 } });
        assert.ok(holdsSecret(stored));
        assert.deepEqual(revealSecrets(stored, "[hidden]"), { Owner: "o", Key: "[hidden]", list: ["[hidden]"], notSecret: { secure: "x", other: 1 } });
        assert.ok(!holdsSecret(readSecureLeaves({ notSecret: { secure: "x", other: 1 }, n: { secure: 3 } })));
        assert.equal(revealSecrets(setConfigPath(undefined, "p:t", [], "tok", true), "[hidden]"), "tok");
        assert.ok(setConfigPath({ a: 1 }, "p:t", ["b"], "tok", true) instanceof Object && holdsSecret(setConfigPath({ a: 1 }, "p:t", ["b"], "tok", true)));
        assert.ok(new SecureLeaf().plaintext === undefined);
    });
});

describe("a stack's config with path overrides and nested secrets (offline/projectConfig.ts)", () => {
    const PROJECT = [
        "name: proj",
        "runtime: nodejs",
        "config:",
        "  count:",
        "    type: integer",
        "    default: 1",
        "  tags:",
        "    description: a map",
        "  token:",
        "    type: string",
        "    secret: true",
        "    default: ''",
        "  loose:",
        "    secret: true",
        "    default: ''",
    ].join("\n");
    const STACK = [
        "config:",
        "  proj:token:",
        "    secure: v1:tokenciphertext",
        "  proj:tags:",
        "    Owner: team",
        "    Key:",
        "      secure: v1:nestedciphertext",
        "  proj:plain:",
        "    a: 1",
        "  aws:region: us-east-1",
    ].join("\n");

    function project(stackYaml = STACK, projectYaml = PROJECT): string {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "config-path-"));
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), projectYaml);
        fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), stackYaml);
        fs.writeFileSync(path.join(dir, "index.js"), "");
        return dir;
    }
    const load = (overrides: Record<string, string> = {}, stackYaml?: string, secretOverrides: string[] = []) =>
        loadStackConfig(loadProject(project(stackYaml)), "dev", overrides, secretOverrides);

    it("a value holding a nested secret is secret, and reaches the program without its ciphertext", () => {
        const config = load();
        assert.deepEqual(config.secretKeys.sort(), ["proj:tags", "proj:token"]);
        assert.deepEqual(JSON.parse(config.values["proj:tags"]), { Owner: "team", Key: ENCRYPTED_SECRET_PLACEHOLDER });
        assert.equal(config.values["proj:token"], ENCRYPTED_SECRET_PLACEHOLDER);
        assert.doesNotMatch(JSON.stringify(config), /ciphertext/);
    });

    it("path overrides merge into the stack file's structured values, typed as the CLI types them", () => {
        const config = load({ "tags.Owner": "me", 'tags["cost.center"]': "42", "plain.b": "true", "aws:defaultTags.tags.Owner": "me", count: "3" });
        assert.deepEqual(JSON.parse(config.values["proj:tags"]), { Owner: "me", Key: ENCRYPTED_SECRET_PLACEHOLDER, "cost.center": 42 });
        assert.deepEqual(JSON.parse(config.values["proj:plain"]), { a: 1, b: true });
        assert.deepEqual(JSON.parse(config.values["aws:defaultTags"]), { tags: { Owner: "me" } });
        assert.equal(config.values["proj:count"], "3");
    });

    it("a nested secret overwritten by a plain value leaves the key plain, as the CLI recomputes it", () => {
        const config = load({ "tags.Key": "plain" });
        assert.deepEqual(config.secretKeys, ["proj:token"]);
        assert.deepEqual(JSON.parse(config.values["proj:tags"]), { Owner: "team", Key: "plain" });
    });

    it("a secret override keeps its plaintext for the program and marks its key secret", () => {
        const config = load({ "tags.Extra": "hidden" }, undefined, ["tags.Extra"]);
        assert.ok(config.secretKeys.includes("proj:tags"));
        assert.equal(JSON.parse(config.values["proj:tags"]).Extra, "hidden");
    });

    it("an override the CLI would refuse is a config error naming the --config", () => {
        assert.throws(
            () => load({ "plain.a.b": "x" }),
            (e: Error) => e instanceof ProjectConfigError && /^--config plain\.a\.b: proj:plain\.a: expected a map/.test(e.message),
        );
        assert.throws(
            () => load({ "tags[": "x" }),
            (e: Error) => e instanceof ProjectConfigError && /--config tags\[: invalid config key path/.test(e.message),
        );
    });

    it("a typed key declared secret must be encrypted, its plain default included; an untyped one is not checked", () => {
        const withoutToken = STACK.split("\n").slice(0, 1).concat(STACK.split("\n").slice(3)).join("\n");
        assert.throws(
            () => load({}, withoutToken),
            (e: Error) => e instanceof ProjectConfigError && e.message === "Stack 'dev' with configuration key 'token' must be encrypted as it's secret",
        );
        assert.throws(() => load({ token: "plain" }), /configuration key 'token' must be encrypted as it's secret/);
        assert.ok(!load().secretKeys.includes("proj:loose"), "an untyped declaration marks nothing secret");
    });

    it("malformed YAML names the file, line and column", () => {
        const dir = project("config:\n  proj:tags:\n    Owner: a\n   Bad: [\n");
        assert.throws(
            () => loadStackConfig(loadProject(dir), "dev"),
            (e: Error) => e instanceof InputFileError && /Pulumi\.dev\.yaml:\d+:\d+: the stack file is not valid YAML: /.test(e.message),
        );
        const duplicate = project("config:\n  proj:count: 1\n  proj:count: 2\n");
        assert.throws(
            () => loadStackConfig(loadProject(duplicate), "dev"),
            (e: Error) => e instanceof InputFileError && /Pulumi\.dev\.yaml:3:3: the stack file is not valid YAML: Map keys must be unique/.test(e.message),
        );
        const badProject = project(STACK, "name: proj\nruntime: nodejs\nconfig:\n  count: {type: integer\n");
        assert.throws(
            () => loadProject(badProject),
            (e: Error) => e instanceof InputFileError && /Pulumi\.yaml:\d+:\d+: the project file is not valid YAML/.test(e.message),
        );
    });
});
