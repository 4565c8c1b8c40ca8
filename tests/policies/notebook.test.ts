/**
 * The notebook family (policies/notebook/) through @pulumi/policy's own analyzer: on this repo's
 * stacks and variants (evaluateRepoStack), and on the fixture program tests/fixtures/policy-network
 * (evaluateStack) for notebooks the real program never creates: SageMaker's defaults left in place,
 * root access, IMDSv1, an Amazon Linux 2 platform, the VPC's default security group.
 */
import { strict as assert } from "assert";
import * as path from "path";
import { isUnknown } from "../../offline/mockRun";
import { notebookGuardrails } from "../../policies/notebook";
import { imdsProblem } from "../../policies/notebook/sagemakerNotebookImdsv2Required";
import { DEFAULT_APPROVED_PLATFORMS, platformProblem } from "../../policies/notebook/sagemakerNotebookPlatformApproved";
import { defaultSecurityGroupProblems } from "../../policies/notebook/sagemakerNotebookNotDefaultSecurityGroup";
import { rootAccessProblem } from "../../policies/notebook/sagemakerNotebookRootAccessDisabled";
import { Graph } from "../graph";
import { EXISTING, LANDING_ZONE } from "../landingZone";
import { assertClean, ownMessages } from "./assertions";
import { EvaluateOptions, evaluateRepoStack, evaluateStack, FIXTURES } from "./harness";
import { familyOf } from "../../policies/lib/guardrail";
import { controlsOf } from "../../policies/lib/nist";

const FIXTURE = path.join(FIXTURES, "policy-network");
const MINE = notebookGuardrails.map((g) => g.name);

const P = {
    root: "sagemaker-notebook-root-access-disabled",
    imds: "sagemaker-notebook-imdsv2-required",
    platform: "sagemaker-notebook-platform-approved",
    defaultSg: "sagemaker-notebook-not-default-security-group",
};

const fixture = (stack: string, options?: EvaluateOptions) => evaluateStack(FIXTURE, stack, options);

const NAT: EvaluateOptions = {
    overrides: { egress: "nat", huggingFaceToken: "hf_x", models: [{ id: "mistral-7b-instruct", weightsSource: "hub" }] },
    secretOverrides: ["huggingFaceToken"],
};

describe("notebook policies", function () {
    this.timeout(120_000);

    it("every policy carries its metadata: family, mandatory, remediation, NIST controls, rationale, unknown handling", () => {
        assert.deepEqual([...MINE].sort(), Object.values(P).sort());
        for (const g of notebookGuardrails) {
            assert.equal(familyOf(g), "notebook", g.name);
            assert.equal(g.enforcementLevel, "mandatory", g.name);
            assert.ok(
                controlsOf(g.framework).length > 0 && controlsOf(g.framework).every((c) => /^[A-Z]{2}-\d+(\(\d+\))?$/.test(c)),
                `${g.name}: ${controlsOf(g.framework)}`,
            );
            assert.ok(g.remediationSteps.length > 40 && g.meta.rationale.length > 40, g.name);
            assert.match(g.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
        }
        const served = notebookGuardrails.find((g) => g.name === P.platform)!;
        assert.deepEqual(served.configSchema?.properties.approvedPlatforms.default, ["notebook-al2023-v1"]);
    });

    describe("this repo's stacks as they are: nothing reported, in preview and in an update", () => {
        for (const stack of ["govcloud", "commercial"]) {
            for (const preview of [true, false]) {
                it(`${stack}, ${preview ? "preview" : "update (preview: false)"}`, async () =>
                    assertClean(await evaluateRepoStack(stack, { preview }), MINE, stack));
            }
        }
        it("variants: NAT egress, existing VPC, no notebook; the fixture's compliant case", async () => {
            for (const preview of [true, false]) {
                assertClean(await evaluateRepoStack("commercial", { ...NAT, preview }), MINE, "nat");
                assertClean(
                    await evaluateRepoStack("govcloud", {
                        overrides: EXISTING,
                        landingZone: {},
                        policyConfig: { "sagemaker-workload-external-subnets-approved": { approvedSubnetIds: LANDING_ZONE.subnets } },
                        preview,
                    }),
                    MINE,
                    "existing",
                );
                assertClean(await fixture("compliant", { preview }), MINE, "fixture");
            }
            assertClean(await evaluateRepoStack("govcloud", { overrides: { notebookEnabled: false } }), MINE, "no notebook");
        });
    });

    describe("notebook settings read in preview as in an update (unknowns: none)", () => {
        it("the repo's notebook has unknown subnet, key and security group in preview, and its name is the provider's; the policies still run", async () => {
            const e = await evaluateRepoStack("govcloud");
            const notebook = new Graph(e.run.result.resources).one("aws:sagemaker/notebookInstance:NotebookInstance");
            assert.equal(notebook.inputs.name, undefined, "auto-named");
            for (const key of ["subnetId", "kmsKeyId", "roleArn"]) assert.ok(isUnknown(notebook.inputs[key]), key);
            assert.ok(isUnknown((notebook.inputs.securityGroups as unknown[])[0]));
            for (const name of MINE) assert.equal(e.notRun(name), false, name);
        });
        it("a non-compliant notebook gets the same violations in preview and in an update", async () => {
            const preview = await fixture("notebook-insecure");
            const update = await fixture("notebook-insecure", { preview: false });
            for (const name of MINE) {
                assert.deepEqual(preview.flagged(name), ["notebook"], name);
                assert.deepEqual(ownMessages(preview, name), ownMessages(update, name), name);
            }
        });
    });

    describe(P.root, () => {
        it('the check: exactly "Disabled"; missing is SageMaker\'s default, Enabled', () => {
            assert.equal(rootAccessProblem({ rootAccess: "Disabled" }), undefined);
            assert.match(rootAccessProblem({})!, /not set: SageMaker's default is "Enabled"/);
            assert.match(rootAccessProblem({ rootAccess: null })!, /not set: SageMaker's default is "Enabled"/, "null is unset");
            for (const securityGroups of [undefined, null]) {
                const notebook = {
                    type: "aws:sagemaker/notebookInstance:NotebookInstance",
                    name: "nb",
                    props: { securityGroups },
                    propertyDependencies: {},
                } as never;
                assert.deepEqual(defaultSecurityGroupProblems(notebook, [notebook]), [
                    "securityGroups is not set: SageMaker attaches the VPC's default security group",
                ]);
            }
        });
        it('violation: missing, and "Enabled"', async () => {
            assert.match(
                ownMessages(await fixture("notebook-defaults"), P.root)[0],
                /^rootAccess is not set: SageMaker's default is "Enabled"\. Set `rootAccess: "Disabled"`/,
            );
            assert.match(ownMessages(await fixture("notebook-insecure"), P.root)[0], /^rootAccess is "Enabled"\./);
            assert.equal((await fixture("notebook-insecure")).of(P.root)[0].enforcementLevel, "mandatory");
        });
        it("config: advisory and disabled levels", async () => {
            assert.deepEqual(
                (await fixture("notebook-insecure", { policyConfig: { [P.root]: "advisory" } })).of(P.root).map((v) => v.enforcementLevel),
                ["advisory"],
            );
            assert.deepEqual((await fixture("notebook-insecure", { policyConfig: { [P.root]: { enforcementLevel: "disabled" } } })).flagged(P.root), []);
        });
    });

    describe(P.imds, () => {
        it('the check: minimumInstanceMetadataServiceVersion "2"', () => {
            assert.equal(imdsProblem({ instanceMetadataServiceConfiguration: { minimumInstanceMetadataServiceVersion: "2" } }), undefined);
            assert.match(imdsProblem({ instanceMetadataServiceConfiguration: {} })!, /minimumInstanceMetadataServiceVersion is not set/);
            for (const unset of [undefined, null]) {
                assert.match(
                    imdsProblem({ instanceMetadataServiceConfiguration: unset })!,
                    /^instanceMetadataServiceConfiguration is not set: IMDSv1 is allowed/,
                );
            }
            assert.match(imdsProblem({})!, /instanceMetadataServiceConfiguration is not set/);
        });
        it('violation: missing, and version "1"', async () => {
            assert.match(
                ownMessages(await fixture("notebook-defaults"), P.imds)[0],
                /^instanceMetadataServiceConfiguration is not set: IMDSv1 is allowed by default\. Set `instanceMetadataServiceConfiguration/,
            );
            assert.match(ownMessages(await fixture("notebook-insecure"), P.imds)[0], /minimumInstanceMetadataServiceVersion is "1"/);
        });
        it("config: advisory and disabled levels", async () => {
            assert.deepEqual(
                (await fixture("notebook-insecure", { policyConfig: { [P.imds]: "advisory" } })).of(P.imds).map((v) => v.enforcementLevel),
                ["advisory"],
            );
            assert.deepEqual((await fixture("notebook-insecure", { policyConfig: { [P.imds]: { enforcementLevel: "disabled" } } })).flagged(P.imds), []);
        });
    });

    describe(P.platform, () => {
        it("the check: set and approved", () => {
            assert.equal(platformProblem({ platformIdentifier: "notebook-al2023-v1" }, DEFAULT_APPROVED_PLATFORMS), undefined);
            assert.equal(
                platformProblem({ platformIdentifier: null }, DEFAULT_APPROVED_PLATFORMS),
                platformProblem({}, DEFAULT_APPROVED_PLATFORMS),
                "null is unset",
            );
            assert.match(platformProblem({}, DEFAULT_APPROVED_PLATFORMS)!, /not set/);
            assert.match(
                platformProblem({ platformIdentifier: "notebook-al2-v3" }, DEFAULT_APPROVED_PLATFORMS)!,
                /not one of the approved \["notebook-al2023-v1"\]/,
            );
        });
        it("violation: missing, and an Amazon Linux 2 platform", async () => {
            assert.match(ownMessages(await fixture("notebook-defaults"), P.platform)[0], /^platformIdentifier is not set/);
            assert.match(
                ownMessages(await fixture("notebook-insecure"), P.platform)[0],
                /^platformIdentifier is "notebook-al2-v3", not one of the approved \["notebook-al2023-v1"\]\. Set `platformIdentifier`/,
            );
        });
        it("config: approvedPlatforms replaces the allow-list; advisory level", async () => {
            const al2 = { [P.platform]: { approvedPlatforms: ["notebook-al2-v3"] } };
            assert.deepEqual((await fixture("notebook-insecure", { policyConfig: al2 })).flagged(P.platform), []);
            const repoWithAl2Only = await evaluateRepoStack("govcloud", { policyConfig: al2 });
            assert.deepEqual(repoWithAl2Only.flagged(P.platform), ["research-instance"]);
            assert.match(ownMessages(repoWithAl2Only, P.platform)[0], /"notebook-al2023-v1", not one of the approved \["notebook-al2-v3"\]/);
            assert.deepEqual(
                (await fixture("notebook-insecure", { policyConfig: { [P.platform]: "advisory" } })).of(P.platform).map((v) => v.enforcementLevel),
                ["advisory"],
            );
        });
    });

    describe(P.defaultSg, () => {
        it("violation: securityGroups missing or empty (SageMaker uses the default group), or holding the DefaultSecurityGroup", async () => {
            assert.match(
                ownMessages(await fixture("notebook-defaults"), P.defaultSg)[0],
                /^notebook \(NotebookInstance\): securityGroups is not set: SageMaker attaches the VPC's default security group\. Give the notebook/,
            );
            assert.match(
                ownMessages(await fixture("compliant", { overrides: { notebookSecurityGroups: "empty" } }), P.defaultSg)[0],
                /securityGroups is empty \(\[\]\)/,
            );
            for (const groups of ["default", "own-and-default"]) {
                const e = await fixture("compliant", { overrides: { notebookSecurityGroups: groups } });
                assert.deepEqual(e.flagged(P.defaultSg), ["notebook"], groups);
                assert.match(ownMessages(e, P.defaultSg)[0], /securityGroups includes the VPC's default security group default-sg \(DefaultSecurityGroup\)/);
            }
        });
        it("unknown values: the group ids are unknown in preview; the dependency on the DefaultSecurityGroup finds it", async () => {
            const e = await fixture("notebook-insecure");
            const notebook = new Graph(e.run.result.resources).one("aws:sagemaker/notebookInstance:NotebookInstance");
            assert.ok((notebook.inputs.securityGroups as unknown[]).every(isUnknown));
            assert.equal(e.notRun(P.defaultSg), false);
            assert.deepEqual(e.flagged(P.defaultSg), ["notebook"]);
        });
        it("config: advisory and disabled levels", async () => {
            assert.deepEqual(
                (await fixture("notebook-insecure", { policyConfig: { [P.defaultSg]: "advisory" } })).of(P.defaultSg).map((v) => v.enforcementLevel),
                ["advisory"],
            );
            assert.deepEqual(
                (await fixture("notebook-insecure", { policyConfig: { [P.defaultSg]: { enforcementLevel: "disabled" } } })).flagged(P.defaultSg),
                [],
            );
        });
    });
});
