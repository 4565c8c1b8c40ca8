/**
 * How the offline plan finds and loads a program (offline/programLoader.ts), against the rules of
 * the CLI's Node.js language host (@pulumi/pulumi cmd/run/run.js), and what it reports as blind
 * spots (offline/completeness.ts).
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { blindSpotsOf, describeBlindSpots, renderBlindSpots } from "../offline/completeness";
import { parseNodeArgs, resolveProgramEntry } from "../offline/programLoader";
import type { CapturedResource } from "../offline/mockRun";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "program-loader-"));
let n = 0;
function project(files: Record<string, string>): string {
    const dir = path.join(tmp, `p${++n}`);
    for (const [file, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), text);
    }
    return dir;
}

describe("program loader: the entry module", () => {
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("index.ts, else index.js, when nothing names an entry", () => {
        const both = project({ "package.json": "{}", "index.ts": "", "index.js": "" });
        assert.deepEqual(resolveProgramEntry(both, undefined), { file: path.join(both, "index.ts"), esm: false });
        const js = project({ "package.json": "{}", "index.js": "" });
        assert.equal(resolveProgramEntry(js, undefined).file, path.join(js, "index.js"));
    });

    it("package.json exports (a string, or '.' as a string or default/require/import) before main", () => {
        const s = project({ "package.json": JSON.stringify({ exports: "./bin/a.js", main: "b.js" }), "bin/a.js": "", "b.js": "" });
        assert.equal(resolveProgramEntry(s, undefined).file, path.join(s, "bin", "a.js"));
        const dot = project({ "package.json": JSON.stringify({ exports: { ".": { import: "./e.js", default: "./d.js" } } }), "d.js": "", "e.js": "" });
        assert.equal(resolveProgramEntry(dot, undefined).file, path.join(dot, "d.js"));
        const main = project({ "package.json": JSON.stringify({ main: "lib/main" }), "lib/main.ts": "" });
        assert.equal(resolveProgramEntry(main, undefined).file, path.join(main, "lib", "main.ts"));
    });

    it("Pulumi.yaml main: a file, or a folder and its index; it wins over package.json", () => {
        const dir = project({ "package.json": JSON.stringify({ main: "other.js" }), "other.js": "", "src/index.ts": "", "app.js": "" });
        assert.equal(resolveProgramEntry(dir, "src/").file, path.join(dir, "src", "index.ts"));
        assert.equal(resolveProgramEntry(dir, "app.js").file, path.join(dir, "app.js"));
        assert.throws(() => resolveProgramEntry(dir, "gone/"), /main 'gone\/' names nothing to run/);
    });

    it("an ES module program by the nearest package.json's type, or by .mjs", () => {
        const esm = project({ "package.json": JSON.stringify({ type: "module" }), "index.js": "", "index.ts": "" });
        // run.js picks index.js before index.ts for an ES module folder.
        assert.deepEqual(resolveProgramEntry(esm, undefined), { file: path.join(esm, "index.js"), esm: true });
        const mjs = project({ "package.json": "{}", "main.mjs": "" });
        assert.equal(resolveProgramEntry(mjs, "main.mjs").esm, true);
        const none = project({ "package.json": "{}", "README.md": "" });
        assert.throws(() => resolveProgramEntry(none, undefined), /Cannot find the program's entry module/);
    });
});

describe("program loader: runtime.options.nodeargs", () => {
    it("--require/-r and --import in order, process-only options listed, each as node reads it", () => {
        assert.deepEqual(parseNodeArgs("-r ./a.js --require=b --import ./c.mjs --max-old-space-size=4096 --enable-source-maps"), {
            requires: ["./a.js", "b"],
            imports: ["./c.mjs"],
            processOnly: ["--max-old-space-size=4096", "--enable-source-maps"],
        });
        assert.deepEqual(parseNodeArgs(undefined), { requires: [], imports: [], processOnly: [] });
    });

    it("refuses a flag without its value, and any option it cannot apply in-process, naming it", () => {
        assert.throws(() => parseNodeArgs("--require"), /'--require' needs a value/);
        assert.throws(() => parseNodeArgs("--experimental-vm-modules"), {
            name: "UnsupportedProgramError",
            message: /'--experimental-vm-modules' cannot be applied offline/,
        });
        assert.throws(() => parseNodeArgs("--loader ts-node/esm"), { name: "UnsupportedProgramError", message: /'--loader' cannot be applied offline/ });
    });
});

describe("blind spots of a run", () => {
    const resource = (type: string, name: string, remote: boolean): CapturedResource =>
        ({ urn: `urn:pulumi:s::p::${type}::${name}`, type, name, remote, custom: false }) as CapturedResource;

    it("remote components, reads and unknown lookups, in that order; local components and answered lookups are not blind spots", () => {
        const spots = blindSpotsOf({
            resources: [resource("acme:index:Local", "a", false), resource("eks:index:Cluster", "k8s", true)],
            reads: [{ urn: "u1", type: "pulumi:pulumi:StackReference", name: "org/net/prod", id: "org/net/prod" }],
            invokes: [
                { token: "aws:ec2/getSubnet:getSubnet", inputs: {}, answeredBy: "stand-in" },
                { token: "aws:ec2/getSecurityGroup:getSecurityGroup", inputs: {}, answeredBy: "unknown", unknownFields: ["vpcId"] },
                { token: "aws:ec2/getSecurityGroup:getSecurityGroup", inputs: {}, answeredBy: "unknown", unknownFields: ["vpcId"] },
                { token: "aws:ec2/getAmi:getAmi", inputs: {}, answeredBy: "test" },
            ],
        });
        assert.deepEqual(
            spots.map((s) => [s.kind, s.type, s.count]),
            [
                ["remote-component", "eks:index:Cluster", undefined],
                ["read", "pulumi:pulumi:StackReference", undefined],
                ["unknown-lookup", "aws:ec2/getSecurityGroup:getSecurityGroup", 2],
            ],
        );
        assert.match(spots[0].detail, /'eks' plugin/);
        assert.match(spots[1].detail, /outputs of stack 'org\/net\/prod'/);
        assert.equal(describeBlindSpots(spots), "1 remote component, 1 read resource, 1 lookup without an offline answer");
        assert.match(renderBlindSpots(spots, false)!, /the plan is incomplete; 'pulumi preview --policy-pack' evaluates them/);
        assert.match(renderBlindSpots(spots, true)!, /accepted with --allow-incomplete/);
        assert.match(renderBlindSpots(spots, false)!, /getSecurityGroup ×2: no offline answer/);
        assert.equal(renderBlindSpots([], false), undefined);
    });
});
