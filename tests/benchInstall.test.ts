/**
 * The fresh-clone install measurement of the benchmark (bench/install.ts), without running npm: how
 * it reads npm's engine warnings and how it sizes a node_modules tree.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { engineWarnings, nodeModulesSize } from "../bench/install";

describe("benchmark: fresh-clone install", () => {
    it("reads each EBADENGINE block of npm's output as package and required range", () => {
        // npm 11's warning, as `npm ci` printed it on Node.js 20.20.2 for this repository's lock.
        const output = [
            "npm warn EBADENGINE Unsupported engine {",
            "npm warn EBADENGINE   package: 'mermaid@12.3.0',",
            "npm warn EBADENGINE   required: { node: '>=22.12.0' },",
            "npm warn EBADENGINE   current: { node: 'v20.20.2', npm: '11.19.1' }",
            "npm warn EBADENGINE }",
            "npm warn EBADENGINE Unsupported engine {",
            "npm warn EBADENGINE   package: 'chevrotain@13.2.0',",
            "npm warn EBADENGINE   required: { node: '>=22.0.0' },",
            "npm warn EBADENGINE   current: { node: 'v20.20.2', npm: '11.19.1' }",
            "npm warn EBADENGINE }",
            "added 827 packages in 1m",
        ].join("\n");
        assert.deepEqual(engineWarnings(output), ["mermaid@12.3.0 (requires node >=22.12.0)", "chevrotain@13.2.0 (requires node >=22.0.0)"]);
        assert.deepEqual(engineWarnings("added 827 packages in 43s\n"), []);
    });

    it("reads a required object that names npm, first or alone", () => {
        const block = (pkg: string, required: string) =>
            [
                "npm warn EBADENGINE Unsupported engine {",
                `npm warn EBADENGINE   package: '${pkg}',`,
                `npm warn EBADENGINE   required: { ${required} },`,
                "npm warn EBADENGINE   current: { node: 'v20.20.2', npm: '11.19.1' }",
                "npm warn EBADENGINE }",
            ].join("\n");
        const output = [block("a@1.0.0", "npm: '>=12'"), block("b@2.0.0", "npm: '>=12', node: '>=24'")].join("\n");
        assert.deepEqual(engineWarnings(output), ["a@1.0.0 (requires npm >=12)", "b@2.0.0 (requires npm >=12, node >=24)"]);
    });

    it("counts package folders (scoped and nested ones, not a package's own sub-folders) and a hard-linked file once", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-install-test-"));
        try {
            const nm = path.join(dir, "node_modules");
            const pkg = (p: string) => {
                fs.mkdirSync(p, { recursive: true });
                fs.writeFileSync(path.join(p, "package.json"), "{}");
            };
            pkg(path.join(nm, "a"));
            pkg(path.join(nm, "@scope", "b"));
            pkg(path.join(nm, "a", "node_modules", "c"));
            fs.mkdirSync(path.join(nm, ".bin"));
            fs.mkdirSync(path.join(nm, "a", "lib"));
            pkg(path.join(nm, "a", "esm")); // a package's own sub-folder with a package.json (module type): not a package
            fs.writeFileSync(path.join(nm, "a", "lib", "big.js"), Buffer.alloc(64 * 1024, 1));
            const before = nodeModulesSize(nm);
            assert.equal(before.packages, 3);
            fs.linkSync(path.join(nm, "a", "lib", "big.js"), path.join(nm, "@scope", "b", "big.js"));
            const after = nodeModulesSize(nm);
            assert.equal(after.packages, 3);
            assert.ok(before.bytes >= 64 * 1024, `${before.bytes} bytes`);
            assert.ok(after.bytes - before.bytes < 64 * 1024, `the hard link added ${after.bytes - before.bytes} bytes`);
            assert.deepEqual(nodeModulesSize(path.join(dir, "missing")), { bytes: 0, packages: 0 });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
