/**
 * The plan's output files: `--json` holds no wire sentinel (values unknown in preview are null and
 * listed in `computed`, offline/planJson.ts) and still serves `--against`; an output path in a
 * missing folder is a usage error before the program runs.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { PlanResource } from "../offline/changes";
import { EXIT, PLAN_FORMAT } from "../offline/plan";
import { planJson, PlanResourceJson, restoreComputed } from "../offline/planJson";
import { runPlan } from "./planRun";

const SENTINEL = pulumi.runtime.unknownValue;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "plan-outputs-"));

/** The value a JSON Pointer (RFC 6901) designates in `root`, or a marker when it leads nowhere. */
function at(root: unknown, pointer: string): unknown {
    let value: unknown = root;
    for (const token of pointer.split("/").slice(1)) {
        const key = token.replace(/~1/g, "/").replace(/~0/g, "~");
        if (value === null || typeof value !== "object" || !(key in value)) return "<nowhere>";
        value = (value as Record<string, unknown>)[key];
    }
    return value;
}

describe("plan --json: unknowns as null with computed lists", function () {
    this.timeout(300_000);
    const file = path.join(tmp, "govcloud.json");
    let text: string;
    let json: any;
    before(async () => {
        const outcome = await runPlan("--stack", "govcloud", "--json", file);
        assert.equal(outcome.code, EXIT.clean, outcome.stderr);
        text = fs.readFileSync(file, "utf8");
        json = JSON.parse(text);
    });

    it("the file holds no sentinel anywhere (resources, updateSnapshot, outputs, lookups, policies)", () => {
        assert.ok(SENTINEL.length > 0);
        assert.equal(text.split(SENTINEL).length - 1, 0, "occurrences of the SDK's unknown sentinel");
        assert.equal(json.planFormat, PLAN_FORMAT);
        assert.equal(PLAN_FORMAT, 3);
    });

    it("every record lists its computed values, each pointing at a null", () => {
        const records: [string, any][] = [
            ["plan", json],
            ...json.resources.map((r: any) => [r.urn, r]),
            ...json.updateSnapshot.map((r: any) => [`update ${r.urn}`, r]),
            ...json.lookups.map((l: any, i: number) => [`lookup ${i}`, l]),
        ];
        let total = 0;
        for (const [name, record] of records) {
            assert.ok(Array.isArray(record.computed), `${name} has a computed list`);
            for (const pointer of record.computed) assert.equal(at(record, pointer), null, `${name} ${pointer}`);
            total += record.computed.length;
        }
        assert.ok(total > 100, `${total} computed values in a preview of the GovCloud stack`);
    });

    it("marks what AWS computes: the endpoint's configuration name, the KMS key ARN output, a provider id", () => {
        const endpoint = json.resources.find((r: PlanResource) => r.type === "aws:sagemaker/endpoint:Endpoint");
        assert.ok(endpoint.computed.includes("/inputs/endpointConfigName"), endpoint.computed.join(", "));
        assert.equal(endpoint.inputs.endpointConfigName, null);
        assert.ok(json.computed.includes("/outputs/kmsKeyArn"));
        assert.equal(json.outputs.kmsKeyArn, null);
        assert.equal(json.outputs.awsRegion, "us-gov-west-1", "known outputs stay");
        const onProvider = json.resources.find((r: any) => r.computed.includes("/provider"));
        assert.equal(onProvider.provider, null);
        assert.match(onProvider.providerUrn, /^urn:pulumi:govcloud::sagemaker-llm::pulumi:pulumi:Stack\$pulumi:providers:aws::/);
        // The update snapshot (what --against compares) has stand-ins where the preview has unknowns.
        const updated = json.updateSnapshot.find((r: any) => r.urn === endpoint.urn);
        assert.equal(typeof updated.inputs.endpointConfigName, "string");
    });

    it("a plan file of this format serves --against; the same settings change nothing", async () => {
        const same = await runPlan("--stack", "govcloud", "--no-policies", "--against", file);
        assert.equal(same.code, EXIT.clean, same.stderr);
        assert.match(same.stdout, /0 to create, 0 to update, 0 to replace, 0 to delete, \d+ unchanged/);
    });

    it("with --against and a change, the changes hold no sentinel either, and each changed input has its computed list", async () => {
        const later = path.join(tmp, "govcloud-moved.json");
        // Another region replaces nearly everything (unsafe: exit 4), with many changed inputs.
        const moved = await runPlan("--stack", "govcloud", "--no-policies", "--config", "region=us-gov-east-1", "--against", file, "--json", later);
        assert.equal(moved.code, EXIT.unsafeChanges, moved.stderr);
        const laterText = fs.readFileSync(later, "utf8");
        assert.equal(laterText.split(SENTINEL).length - 1, 0);
        const inputs = JSON.parse(laterText).changes.changes.flatMap((c: any) => c.inputs);
        assert.ok(inputs.length > 0);
        for (const input of inputs) {
            assert.ok(Array.isArray(input.computed), input.path);
            for (const pointer of input.computed) assert.equal(at(input, pointer), null, `${input.path} ${pointer}`);
        }
    });

    it("an earlier format is refused with the clear message", async () => {
        const older = path.join(tmp, "format-2.json");
        fs.writeFileSync(older, JSON.stringify({ ...json, planFormat: 2 }));
        const outcome = await runPlan("--stack", "govcloud", "--no-policies", "--against", older);
        assert.equal(outcome.code, EXIT.invalid);
        assert.match(outcome.stderr, /not a plan --json file of format 3; write one with 'npm run plan -- --stack govcloud --json <file>'/);
    });
});

describe("planJson / restoreComputed", () => {
    const resource: PlanResource = {
        urn: "urn:pulumi:s::p::aws:s3/bucket:Bucket::b",
        type: "aws:s3/bucket:Bucket",
        name: "b",
        custom: true,
        provider: `urn:pulumi:s::p::pulumi:providers:aws::default::${SENTINEL}`,
        dependencies: [],
        propertyDependencies: {},
        inputs: { arn: SENTINEL, tags: { "a/b": SENTINEL, "c~d": "known", e: null }, list: ["x", SENTINEL], secret: "[secret:0a1b2c3d]" },
    };

    it("round-trips a resource: nulls and pointers out, sentinels back (keys with / and ~ escaped)", () => {
        const written = JSON.parse(JSON.stringify(planJson({ resources: [resource], lookups: [], outputs: {} } as never)));
        const [json] = written.resources as PlanResourceJson[];
        assert.deepEqual([...json.computed].sort(), ["/inputs/arn", "/inputs/list/1", "/inputs/tags/a~1b", "/provider"]);
        assert.equal(json.inputs.secret, "[secret:0a1b2c3d]", "secret fingerprints stay");
        assert.equal((json.inputs.tags as Record<string, unknown>).e, null, "a null the program set is not computed");
        assert.deepEqual(restoreComputed(json), resource);
    });

    it("a pointer at something not null is refused", () => {
        const json = { ...resource, inputs: { arn: "x" }, computed: ["/inputs/arn"] } as PlanResourceJson;
        assert.throws(() => restoreComputed(json), /computed "\/inputs\/arn" does not point at a null value/);
    });
});

describe("output paths in missing folders", function () {
    this.timeout(120_000);
    for (const flag of ["--json", "--sarif", "--graph"]) {
        it(`${flag} into a missing folder exits 2 before the program runs, naming the flag, path and fix`, async () => {
            const missing = path.join(tmp, `missing-${flag.slice(2)}`, "out.file");
            const outcome = await runPlan("--stack", "govcloud", flag, missing);
            assert.equal(outcome.code, EXIT.invalid);
            assert.ok(
                outcome.stderr.startsWith(`plan: ${flag} ${missing}: the folder ${path.dirname(missing)} does not exist; create it first (mkdir -p`),
                outcome.stderr.slice(0, 300),
            );
            assert.doesNotMatch(outcome.stderr, /under mocks/, "the program did not run");
            assert.equal(outcome.stdout, "");
            assert.equal(fs.existsSync(path.dirname(missing)), false, "no folder was created");
        });
    }

    it("an output path that is a folder is refused the same way", async () => {
        const outcome = await runPlan("--stack", "govcloud", "--json", tmp);
        assert.equal(outcome.code, EXIT.invalid);
        assert.match(outcome.stderr, /^plan: --json .*: is a folder; give a file path[^\n]*\n$/);
        assert.doesNotMatch(outcome.stderr, /under mocks/);
    });
});
