/**
 * Waivers (policies/lib/waivers.ts, policies/waivers/): per-resource exemptions in the pack config,
 * applied to every policy's findings, reported as waived, expired ones a violation of their own,
 * unused ones reported; end to end through @pulumi/policy's analyzer on this repository's stacks.
 */
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { PolicyConfigError } from "../../offline/policyEngine";
import { globMatches } from "../../policies/lib/glob";
import { PolicyConfigEntry } from "../../policies/lib/renamedConfig";
import {
    configureWaivers,
    expiryProblem,
    parseWaivedFinding,
    Waiver,
    waivedFindingMessage,
    waiverCovers,
    waiverExpired,
    WaiverLedger,
} from "../../policies/lib/waivers";
import { evaluateRepoStack } from "./harness";

const BUCKET_URN = "urn:pulumi:govcloud::sagemaker-llm::sagemaker-llm:components:ArtifactBucket$aws:s3/bucket:Bucket::artifacts";
const waiver = (w: Partial<Waiver>): Waiver => ({
    policy: "s3-bucket-versioning",
    reason: "A public website bucket, reviewed.",
    expires: "2099-12-31",
    approvedBy: "Jane Doe (CISO)",
    ...w,
});

describe("waivers", () => {
    describe("matching", () => {
        it("a glob's * matches any run of characters, the rest literally and whole", () => {
            assert.ok(globMatches("artifacts", "artifacts"));
            assert.ok(globMatches("art*", "artifacts"));
            assert.ok(globMatches("*-model", "llama-model"));
            assert.ok(globMatches("*", ""));
            assert.ok(!globMatches("artifacts", "artifacts-2"), "anchored at the end");
            assert.ok(!globMatches("facts", "artifacts"), "anchored at the start");
            assert.ok(!globMatches("a.b", "axb"), "a dot is a dot");
            assert.ok(globMatches("aws:s3/bucket:Bucket", "aws:s3/bucket:Bucket"));
            assert.ok(!globMatches("aws:s3/(bucket):Bucket", "aws:s3/bucket:Bucket"), "parentheses are literal");
        });

        it("a waiver covers its policy's finding on a resource named, by URN, or by type; both must hold when both are given", () => {
            assert.ok(waiverCovers(waiver({ resource: "artifacts" }), "s3-bucket-versioning", BUCKET_URN));
            assert.ok(waiverCovers(waiver({ resource: "urn:pulumi:govcloud::*::artifacts" }), "s3-bucket-versioning", BUCKET_URN));
            assert.ok(!waiverCovers(waiver({ resource: "urn:pulumi:commercial::*::artifacts" }), "s3-bucket-versioning", BUCKET_URN));
            assert.ok(waiverCovers(waiver({ type: "aws:s3/bucket:Bucket" }), "s3-bucket-versioning", BUCKET_URN), "the resource's own type, not its parent's");
            assert.ok(!waiverCovers(waiver({ type: "sagemaker-llm:components:ArtifactBucket" }), "s3-bucket-versioning", BUCKET_URN));
            assert.ok(waiverCovers(waiver({ resource: "art*", type: "aws:s3/*" }), "s3-bucket-versioning", BUCKET_URN));
            assert.ok(!waiverCovers(waiver({ resource: "art*", type: "aws:ec2/*" }), "s3-bucket-versioning", BUCKET_URN));
            assert.ok(!waiverCovers(waiver({ resource: "artifacts" }), "s3-bucket-sse-kms", BUCKET_URN), "another policy");
            assert.ok(!waiverCovers(waiver({ resource: "*" }), "s3-bucket-versioning", undefined), "a finding on no resource");
        });

        it("a waiver applies through its last day (UTC) and not after; an expiry that is no calendar date is named", () => {
            assert.ok(!waiverExpired(waiver({ expires: "2026-12-02" }), "2026-12-02"));
            assert.ok(waiverExpired(waiver({ expires: "2026-12-01" }), "2026-12-02"));
            assert.equal(expiryProblem(waiver({ expires: "2026-12-31" })), undefined);
            assert.match(expiryProblem(waiver({ resource: "artifacts", expires: "2026-02-30" }))!, /expires "2026-02-30", which is no calendar date/);
            assert.match(expiryProblem(waiver({ resource: "artifacts", expires: "2026-13-01" }))!, /no calendar date/);
        });

        it("a waived finding's message reads back as its policy, waiver and own message", () => {
            const w = waiver({ resource: "artifacts" });
            const message = waivedFindingMessage({
                waiver: w,
                policy: "s3-bucket-versioning",
                urn: BUCKET_URN,
                message: "Versioning is Suspended.\nSet it Enabled.",
            });
            assert.equal(
                message.split("\n")[0],
                "Waived finding of s3-bucket-versioning until 2099-12-31, approved by Jane Doe (CISO): A public website bucket, reviewed.",
            );
            assert.deepEqual(parseWaivedFinding(`Findings covered by a waiver.\n${message}`), {
                policy: "s3-bucket-versioning",
                expires: "2099-12-31",
                approvedBy: "Jane Doe (CISO)",
                reason: "A public website bucket, reviewed.",
                message: "Versioning is Suspended.\nSet it Enabled.",
            });
            assert.equal(parseWaivedFinding('The waiver of s3-bucket-versioning for resource "x" covered no finding'), undefined);
        });
    });

    describe("the ledger of a run", () => {
        it("the first current waiver covering a finding waives it; expired waivers waive nothing and are listed; unused current ones are listed", () => {
            const ledger = new WaiverLedger();
            const expired = waiver({ resource: "artifacts", expires: "2020-01-01" });
            const current = waiver({ type: "aws:s3/bucket:Bucket" });
            const unused = waiver({ policy: "kms-key-rotation", resource: "stack-key" });
            ledger.configure([expired, current, unused], "2026-12-02");
            assert.equal(ledger.waive("s3-bucket-versioning", BUCKET_URN, "m"), current);
            assert.equal(ledger.waive("s3-bucket-sse-kms", BUCKET_URN, "m"), undefined);
            assert.deepEqual(ledger.waived(), [{ waiver: current, policy: "s3-bucket-versioning", urn: BUCKET_URN, message: "m" }]);
            assert.deepEqual(ledger.expired(), [expired]);
            assert.deepEqual(ledger.unused(), [unused]);
            ledger.configure([], "2026-12-02");
            assert.deepEqual([ledger.waived(), ledger.expired(), ledger.unused()], [[], [], []], "a new run starts empty");
        });

        it("Configure refuses waivers of unknown policies, waivers of a whole policy, impossible dates, and waivers with the waived-findings report disabled", () => {
            const entry = (
                properties: Record<string, unknown> = {},
                enforcementLevel: PolicyConfigEntry["enforcementLevel"] = "mandatory",
            ): PolicyConfigEntry => ({
                enforcementLevel,
                properties,
            });
            const config = (waivers: Waiver[], waivedLevel: PolicyConfigEntry["enforcementLevel"] = "advisory") => ({
                "s3-bucket-versioning": entry(),
                "aws-resource-waivers-valid": entry({ waivers }),
                "aws-resource-findings-waived": entry({}, waivedLevel),
            });
            const ledger = new WaiverLedger();
            configureWaivers(config([waiver({ resource: "artifacts" })]), "2026-12-02", ledger);
            assert.ok(ledger.waive("s3-bucket-versioning", BUCKET_URN, "m"));
            assert.throws(
                () =>
                    configureWaivers(
                        config([
                            waiver({ policy: "s3-bucket-versionning", resource: "artifacts" }),
                            waiver({ policy: "aws-resource-waivers-valid", resource: "x" }),
                            waiver({}),
                            waiver({ resource: "artifacts", expires: "2026-02-30" }),
                        ]),
                        "2026-12-02",
                        ledger,
                    ),
                (err: Error) => {
                    assert.match(err.message, /^Invalid waivers in the policy pack config \(aws-resource-waivers-valid\.waivers\):/);
                    assert.match(err.message, /the policy "s3-bucket-versionning", which is not a policy of this pack/);
                    assert.match(err.message, /the policy "aws-resource-waivers-valid", which is not a policy of this pack that findings can be waived from/);
                    assert.match(err.message, /names neither a resource nor a type: waive resources, not the whole policy/);
                    assert.match(err.message, /expires "2026-02-30", which is no calendar date/);
                    return true;
                },
            );
            assert.throws(
                () => configureWaivers(config([waiver({ resource: "artifacts" })], "disabled"), "2026-12-02", ledger),
                /aws-resource-findings-waived is disabled while waivers are set: waived findings must stay visible/,
            );
            assert.doesNotThrow(() => configureWaivers(config([], "disabled"), "2026-12-02", ledger), "no waivers, nothing to show");
        });
    });

    describe("end to end, through the analyzer", function () {
        this.timeout(120_000);
        // A required tag the repo's stacks do not carry: a finding on every taggable resource.
        const costCenter = { requiredTags: ["CostCenter"] };
        const govcloud = (waivers: Waiver[], extra: Record<string, unknown> = {}) =>
            evaluateRepoStack("govcloud", {
                preview: false,
                policyConfig: { "aws-resource-tags-required": costCenter, "aws-resource-waivers-valid": { waivers }, ...extra },
            });

        it("a finding a waiver covers is reported as waived, on its resource, not by its policy; others stay", async () => {
            const before = await govcloud([]);
            const e = await govcloud([
                waiver({ policy: "aws-resource-tags-required", resource: "artifacts", reason: "Billing tags arrive with the FinOps rollout." }),
            ]);
            assert.deepEqual(
                before.flagged("aws-resource-tags-required").filter((n) => n !== "artifacts"),
                e.flagged("aws-resource-tags-required"),
            );
            assert.ok(before.flagged("aws-resource-tags-required").includes("artifacts"));
            const waived = e.of("aws-resource-findings-waived");
            assert.deepEqual(
                waived.map((v) => [v.enforcementLevel, v.resourceName]),
                [["advisory", "artifacts"]],
            );
            const parsed = parseWaivedFinding(waived[0].message)!;
            assert.equal(parsed.policy, "aws-resource-tags-required");
            assert.match(parsed.message, /'artifacts' is missing required tag\(s\) CostCenter/);
            assert.deepEqual(e.of("aws-resource-waivers-valid"), []);
        });

        it("a waiver by type covers every resource of that type; one that covers nothing is reported", async () => {
            const e = await govcloud([
                waiver({ policy: "aws-resource-tags-required", type: "aws:ec2/subnet:Subnet" }),
                waiver({ policy: "aws-resource-tags-required", resource: "no-such-resource" }),
            ]);
            const subnets = (vs: { resourceType?: string }[]) => vs.filter((v) => v.resourceType === "aws:ec2/subnet:Subnet").length;
            assert.equal(subnets(e.of("aws-resource-tags-required")), 0);
            assert.ok(e.of("aws-resource-tags-required").length > 0, "other types stay");
            const reported = e.of("aws-resource-findings-waived");
            assert.equal(subnets(reported), 2, "the two private subnets");
            const unused = reported.filter((v) => v.urn === undefined);
            assert.equal(unused.length, 1);
            assert.match(
                unused[0].message,
                /The waiver of aws-resource-tags-required for resource "no-such-resource" \(approved by Jane Doe \(CISO\), until 2099-12-31\) covered no finding in this run/,
            );
        });

        it("an expired waiver covers nothing and is a mandatory violation of its own", async () => {
            const e = await govcloud([waiver({ policy: "aws-resource-tags-required", resource: "artifacts", expires: "2020-01-31" })]);
            assert.ok(e.flagged("aws-resource-tags-required").includes("artifacts"));
            assert.deepEqual(e.of("aws-resource-findings-waived"), []);
            assert.deepEqual(
                e.of("aws-resource-waivers-valid").map((v) => [v.enforcementLevel, v.message.split("\n").at(-1)]),
                [
                    [
                        "mandatory",
                        'The waiver of aws-resource-tags-required for resource "artifacts", approved by Jane Doe (CISO) ("A public website bucket, reviewed."), expired on 2020-01-31; what it covered is reported again by aws-resource-tags-required.',
                    ],
                ],
            );
        });

        it("a stack policy's finding can be waived too", async () => {
            const publicSubnets: pulumi.ResourceTransformation = (args) =>
                args.type === "aws:ec2/subnet:Subnet" ? { props: { ...args.props, mapPublicIpOnLaunch: true }, opts: args.opts } : undefined;
            const config = (waivers: Waiver[]) => ({ "aws-resource-waivers-valid": { waivers } });
            const bare = await evaluateRepoStack("govcloud", { preview: false, transformations: [publicSubnets], policyConfig: config([]) });
            assert.ok(bare.of("sagemaker-workload-subnets-private").length > 0);
            const e = await evaluateRepoStack("govcloud", {
                preview: false,
                transformations: [publicSubnets],
                policyConfig: config([waiver({ policy: "sagemaker-workload-subnets-private", type: "aws:ec2/subnet:Subnet" })]),
            });
            assert.deepEqual(e.of("sagemaker-workload-subnets-private"), []);
            assert.equal(e.of("aws-resource-findings-waived").length, bare.of("sagemaker-workload-subnets-private").length);
        });

        it("invalid waivers fail the evaluation with the pack's message, before any finding", async () => {
            await assert.rejects(
                govcloud([waiver({ policy: "tags-requird", resource: "artifacts" })]),
                (err: Error) => err instanceof PolicyConfigError && /the policy "tags-requird", which is not a policy of this pack/.test(err.message),
            );
            await assert.rejects(
                govcloud([waiver({ policy: "aws-resource-tags-required", resource: "artifacts", approvedBy: "" })]),
                (err: Error) =>
                    err instanceof PolicyConfigError &&
                    /aws-resource-waivers-valid: waivers\.0\.approvedBy: must NOT have fewer than 1 characters/.test(err.message),
            );
        });
    });
});
