/**
 * The network family (policies/network/) through @pulumi/policy's own analyzer: on this repo's
 * stacks and variants of them (evaluateRepoStack), and on the fixture program
 * tests/fixtures/policy-network for what the real program cannot produce (evaluateStack): public
 * subnets, routes to an internet gateway, open ingress, missing flow logs and endpoints.
 */
import { strict as assert } from "assert";
import * as path from "path";
import { PolicyResource } from "@pulumi/policy";
import * as pulumi from "@pulumi/pulumi";
import { isUnknown, UNKNOWN } from "../../offline/mockRun";
import { evaluatePolicies, PolicyResult } from "../../offline/policyEngine";
import { networkGuardrails } from "../../policies/network";
import { endpointFacts, missingEndpoints, requiredEndpoints } from "../../policies/network/ec2VpcPrivateEndpointsComplete";
import { modelVpcProblems } from "../../policies/network/sagemakerModelInVpc";
import { privateDnsProblem } from "../../policies/network/ec2VpcEndpointPrivateDns";
import { notebookInternetProblems } from "../../policies/network/sagemakerNotebookNoDirectInternet";
import { attributeSubnets, subnetProblems, subnetUsers } from "../../policies/network/sagemakerWorkloadSubnetsPrivate";
import { openIngress } from "../../policies/network/ec2SecurityGroupNoPublicIngress";
import { NET } from "../../policies/lib/networkGraph";
import { Graph } from "../graph";
import { EXISTING, LANDING_ZONE } from "../landingZone";
import { assertClean, notRunProperties, ownMessages } from "./assertions";
import { EvaluateOptions, Evaluation, evaluateRepoStack, evaluateStack, FIXTURES, guardrailsPack } from "./harness";
import { familyOf } from "../../policies/lib/guardrail";
import { controlsOf } from "../../policies/lib/nist";

const FIXTURE = path.join(FIXTURES, "policy-network");
const MINE = networkGuardrails.map((g) => g.name);

const P = {
    notebookInternet: "sagemaker-notebook-no-direct-internet",
    modelVpc: "sagemaker-model-in-vpc",
    subnets: "sagemaker-workload-subnets-private",
    externalSubnets: "sagemaker-workload-external-subnets-approved",
    ingress: "ec2-security-group-no-public-ingress",
    flowLogs: "ec2-vpc-flow-logs-enabled",
    privateDns: "ec2-vpc-endpoint-private-dns",
    endpoints: "ec2-vpc-private-endpoints-complete",
    // Tested in their own files (tests/policies/sagemakerModelWeightsReachable.test.ts and the like).
    weightsReachable: "sagemaker-model-weights-reachable",
    isolation: "sagemaker-model-network-isolation",
    cui: "sagemaker-workload-cui-no-egress",
};
/** The family's advisory policies. */
const ADVISORY: string[] = [P.externalSubnets, P.isolation];

const fixture = (stack: string, options?: EvaluateOptions) => evaluateStack(FIXTURE, stack, options);

function resourcesOf(e: Evaluation): Graph {
    return new Graph(e.run.result.resources);
}

const EXISTING_SUBNETS = LANDING_ZONE.subnets;
/** A stack on the landing zone, whose lookups answer as AWS would for its private subnets. */
const ON_LANDING_ZONE: EvaluateOptions = { overrides: EXISTING, landingZone: {} };
const APPROVED_EXISTING = { [P.externalSubnets]: { approvedSubnetIds: EXISTING_SUBNETS } };
const NAT: EvaluateOptions = {
    overrides: { egress: "nat", huggingFaceToken: "hf_x", models: [{ id: "mistral-7b-instruct", weightsSource: "hub" }] },
    secretOverrides: ["huggingFaceToken"],
};

describe("network policies", function () {
    this.timeout(120_000);

    it("every policy carries its metadata: family, mandatory, remediation, NIST controls, rationale, unknown handling", () => {
        assert.deepEqual(MINE.sort(), Object.values(P).sort());
        for (const g of networkGuardrails) {
            assert.equal(familyOf(g), "network", g.name);
            assert.equal(g.enforcementLevel, ADVISORY.includes(g.name) ? "advisory" : "mandatory", g.name);
            assert.ok(
                controlsOf(g.framework).length > 0 && controlsOf(g.framework).every((c) => /^[A-Z]{2}-\d+(\(\d+\))?$/.test(c)),
                `${g.name}: ${controlsOf(g.framework)}`,
            );
            assert.ok(
                controlsOf(g.framework).some((c) => c.startsWith("SC-7") || c.startsWith("AU-")),
                g.name,
            );
            assert.ok(g.remediationSteps.length > 40 && g.meta.rationale.length > 40, g.name);
            assert.ok(["present", "deferred", "none", "skipped"].includes(g.meta.unknowns), g.name);
            assert.match(g.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
        }
    });

    it("the loaded pack serves them with their levels and config defaults", async () => {
        const e = await evaluateRepoStack("govcloud");
        const served = new Map(e.result.policies.map((p) => [p.name, p]));
        for (const name of MINE) {
            assert.equal(served.get(name)?.effectiveEnforcementLevel, ADVISORY.includes(name) ? "advisory" : "mandatory", name);
            assert.equal(
                served.get(name)?.policyType,
                [P.subnets, P.externalSubnets, P.flowLogs, P.endpoints, P.weightsReachable, P.cui].includes(name) ? "stack" : "resource",
                name,
            );
        }
        assert.deepEqual(served.get(P.subnets)!.config, { approvedSubnetIds: [] });
        assert.deepEqual(served.get(P.externalSubnets)!.config, { approvedSubnetIds: [] });
        assert.deepEqual(served.get(P.privateDns)!.config, { exemptServiceNames: [] });
        assert.deepEqual(served.get(P.endpoints)!.config, { additionalServices: [] });
    });

    describe("this repo's stacks as they are: nothing reported, in preview and in an update", () => {
        for (const stack of ["govcloud", "commercial"]) {
            for (const preview of [true, false]) {
                it(`${stack}, ${preview ? "preview" : "update (preview: false)"}`, async () =>
                    assertClean(await evaluateRepoStack(stack, { preview }), MINE, stack));
            }
        }
        it("variants: NAT egress with weights from the Hub, existing VPC with its subnets approved, no notebook, several models", async () => {
            for (const preview of [true, false]) {
                assertClean(await evaluateRepoStack("commercial", { ...NAT, preview }), MINE, "nat");
                assertClean(await evaluateRepoStack("govcloud", { ...ON_LANDING_ZONE, policyConfig: APPROVED_EXISTING, preview }), MINE, "existing");
                assertClean(
                    await evaluateRepoStack("commercial", { ...ON_LANDING_ZONE, policyConfig: APPROVED_EXISTING, preview }),
                    MINE,
                    "existing commercial",
                );
            }
            assertClean(await evaluateRepoStack("govcloud", { overrides: { notebookEnabled: false } }), MINE, "no notebook");
            assertClean(
                await evaluateRepoStack("commercial", {
                    overrides: { models: [{ id: "mistral-7b-instruct" }, { id: "llama-3-8b-instruct", name: "llama3" }] },
                    preview: false,
                }),
                MINE,
                "two models",
            );
        });
        it("the fixture's compliant case and its NAT and FIPS cases", async () => {
            for (const stack of ["compliant", "nat-egress", "fips-endpoints"]) {
                for (const preview of [true, false]) assertClean(await fixture(stack, { preview }), MINE, `${stack} preview=${preview}`);
            }
        });
    });

    describe(P.notebookInternet, () => {
        it('the check: subnetId present (unknown counts), directInternetAccess exactly "Disabled"', () => {
            assert.deepEqual(notebookInternetProblems({ subnetId: "subnet-0123456789abcdef0", directInternetAccess: "Disabled" }), []);
            assert.equal(notebookInternetProblems({ subnetId: "subnet-0123456789abcdef0" }).length, 1);
            assert.match(notebookInternetProblems({ directInternetAccess: "Disabled" })[0], /subnetId is not set/);
        });
        it("violation: a notebook that sets neither (missing counts as Enabled), and one that enables it", async () => {
            const defaults = await fixture("notebook-defaults");
            assert.deepEqual(defaults.flagged(P.notebookInternet), ["notebook", "notebook"]);
            const text = ownMessages(defaults, P.notebookInternet).join("\n");
            assert.match(text, /subnetId is not set/);
            assert.match(text, /directInternetAccess is not set: SageMaker's default is "Enabled"/);
            const insecure = await fixture("notebook-insecure");
            assert.deepEqual(
                ownMessages(insecure, P.notebookInternet).map((m) => m.split(".")[0]),
                ['directInternetAccess is "Enabled"'],
            );
            assert.match(ownMessages(insecure, P.notebookInternet)[0], /set `directInternetAccess: "Disabled"` explicitly/);
            assert.equal(insecure.of(P.notebookInternet)[0].enforcementLevel, "mandatory");
        });
        it("unknown values: the notebook's subnetId is unknown in preview and counts as set; the policy runs", async () => {
            const e = await evaluateRepoStack("govcloud");
            const notebook = resourcesOf(e).one("aws:sagemaker/notebookInstance:NotebookInstance");
            assert.ok(isUnknown(notebook.inputs.subnetId));
            assertClean(e, MINE, "govcloud");
            assert.deepEqual((await fixture("notebook-insecure", { preview: true })).flagged(P.notebookInternet), ["notebook"]);
        });
        it("config: advisory and disabled levels", async () => {
            const advisory = await fixture("notebook-insecure", { policyConfig: { [P.notebookInternet]: "advisory" } });
            assert.deepEqual(
                advisory.of(P.notebookInternet).map((v) => v.enforcementLevel),
                ["advisory"],
            );
            const disabled = await fixture("notebook-insecure", { policyConfig: { [P.notebookInternet]: { enforcementLevel: "disabled" } } });
            assert.deepEqual(disabled.flagged(P.notebookInternet), []);
        });
    });

    describe(P.modelVpc, () => {
        it("the check: vpcConfig with non-empty subnets and securityGroupIds; unknown lists count as set", () => {
            assert.deepEqual(modelVpcProblems({ vpcConfig: { subnets: ["a", "b"], securityGroupIds: ["sg"] } }), []);
            for (const vpcConfig of [undefined, null]) {
                assert.deepEqual(modelVpcProblems({ vpcConfig }), [
                    "vpcConfig is not set: the model's containers run in SageMaker's network, outside your VPC",
                ]);
            }
            assert.deepEqual(modelVpcProblems({ vpcConfig: { subnets: [] } }), ["vpcConfig.subnets is empty ([])", "vpcConfig.securityGroupIds is not set"]);
            assert.deepEqual(modelVpcProblems({ vpcConfig: { subnets: null, securityGroupIds: ["sg"] } }), ["vpcConfig.subnets is not set"], "null is unset");
            // A whole vpcConfig unknown in preview (built from other resources' outputs) counts as set.
            assert.deepEqual(modelVpcProblems({ vpcConfig: UNKNOWN }), []);
        });
        it("violation: no vpcConfig, empty subnets, no security groups", async () => {
            assert.deepEqual((await fixture("model-outside-vpc")).flagged(P.modelVpc), ["model"]);
            assert.match(ownMessages(await fixture("model-outside-vpc"), P.modelVpc)[0], /^vpcConfig is not set.*Set the model's `vpcConfig`/);
            assert.match(
                ownMessages(await fixture("compliant", { overrides: { modelVpc: "empty-subnets" } }), P.modelVpc).join(),
                /vpcConfig\.subnets is empty/,
            );
            assert.match(
                ownMessages(await fixture("compliant", { overrides: { modelVpc: "no-security-groups" } }), P.modelVpc).join(),
                /vpcConfig\.securityGroupIds is empty/,
            );
        });
        it("unknown values: the subnets list is unknown in preview (it comes from the VPC's subnets) and counts as set", async () => {
            const e = await evaluateRepoStack("govcloud");
            const model = resourcesOf(e).one("aws:sagemaker/model:Model");
            assert.ok(isUnknown((model.inputs.vpcConfig as Record<string, unknown>).subnets));
            assert.equal(e.notRun(P.modelVpc), false);
            assert.deepEqual(e.flagged(P.modelVpc), []);
        });
        it("config: advisory level", async () => {
            const e = await fixture("model-outside-vpc", { policyConfig: { [P.modelVpc]: "advisory" } });
            assert.deepEqual(
                e.of(P.modelVpc).map((v) => v.enforcementLevel),
                ["advisory"],
            );
        });
    });

    describe(P.subnets, () => {
        it("the check: stack subnets come by link or id; ids from outside the stack need approval", () => {
            const stackSubnet = { type: "aws:ec2/subnet:Subnet", name: "s", props: {} } as never;
            // Dependencies account for non-literal values first; the literal left over is external.
            assert.deepEqual(attributeSubnets(["s-id", "subnet-0aaaabbbbccccdddd"], 0, [stackSubnet], [stackSubnet], new Set()).unapproved, [
                "subnet-0aaaabbbbccccdddd",
            ]);
            // In preview the stack's ids are unknown elements: the dependencies account for those.
            assert.deepEqual(attributeSubnets(["subnet-0aaaabbbbccccdddd"], 1, [stackSubnet], [stackSubnet], new Set()).unapproved, [
                "subnet-0aaaabbbbccccdddd",
            ]);
            assert.deepEqual(attributeSubnets(["subnet-0aaaabbbbccccdddd"], 0, [], [], new Set(["subnet-0aaaabbbbccccdddd"])).unapproved, []);
            assert.deepEqual(attributeSubnets(["x-id", "y-id"], 0, [stackSubnet, stackSubnet], [stackSubnet], new Set()).unapproved, []);
        });
        it("at pulumi up the stack's subnets carry their ids: a value equal to one is that subnet, with or without a dependency", () => {
            // As AWS returns them at `pulumi up`: each subnet's outputs include its id.
            const subnet = (name: string, id: string, props: Record<string, unknown> = {}) =>
                ({ type: "aws:ec2/subnet:Subnet", name, urn: `urn:${name}`, props: { id, ...props }, propertyDependencies: {} }) as never;
            const [a, b] = [subnet("private-0", "subnet-0000000000000000a"), subnet("private-1", "subnet-0000000000000000b")];
            const external = "subnet-0aaaabbbbccccdddd";
            // By id alone (no dependency, e.g. the id passed on as a plain value): the stack's subnets, nothing external.
            assert.deepEqual(attributeSubnets(["subnet-0000000000000000a", "subnet-0000000000000000b"], 0, [], [a, b], new Set()), {
                used: [a, b],
                unapproved: [],
            });
            // With the dependencies too: known ids take no room from a literal beside them.
            assert.deepEqual(attributeSubnets([external, "subnet-0000000000000000a", "subnet-0000000000000000b"], 0, [a, b], [a, b], new Set()), {
                used: [a, b],
                unapproved: [external],
            });
        });
        it("at pulumi up a public subnet of the stack named by id alone is judged; an id the stack does not create goes to the external policy", () => {
            const publicSubnet = {
                type: "aws:ec2/subnet:Subnet",
                name: "public-0",
                urn: "urn:public-0",
                props: { id: "subnet-0000000000000000c", mapPublicIpOnLaunch: true },
                propertyDependencies: {},
            } as never;
            const model = {
                type: "aws:sagemaker/model:Model",
                name: "model",
                urn: "urn:model",
                props: { vpcConfig: { subnets: ["subnet-0000000000000000c", "subnet-0aaaabbbbccccdddd"], securityGroupIds: ["sg-1"] } },
                propertyDependencies: {},
            } as never;
            const { used, external } = subnetUsers([publicSubnet, model], new Set());
            assert.deepEqual([...used.entries()], [[publicSubnet, [model]]]);
            assert.deepEqual(subnetProblems(publicSubnet, [publicSubnet, model]), ["mapPublicIpOnLaunch is true"]);
            assert.deepEqual(external, [{ user: model, path: "vpcConfig.subnets", id: "subnet-0aaaabbbbccccdddd" }]);
        });
        it("at pulumi up (preview: false): the repo stack's subnets, known by value, pass; a literal id among them is the one reported as external", async () => {
            const external = "subnet-0aaaabbbbccccdddd";
            const e = await evaluateRepoStack("govcloud", {
                preview: false,
                transformations: [
                    (args) =>
                        args.type === "aws:sagemaker/model:Model"
                            ? {
                                  props: {
                                      ...args.props,
                                      vpcConfig: {
                                          ...args.props.vpcConfig,
                                          subnets: pulumi.output(args.props.vpcConfig.subnets).apply((ids: string[]) => [external, ...ids]),
                                      },
                                  },
                                  opts: args.opts,
                              }
                            : undefined,
                ],
            });
            const model = resourcesOf(e).one("aws:sagemaker/model:Model");
            const subnets = (model.inputs.vpcConfig as { subnets: string[] }).subnets;
            assert.equal(subnets.length, 3);
            assert.ok(
                subnets.every((id) => !isUnknown(id)),
                "every id is known at pulumi up",
            );
            assert.deepEqual(e.flagged(P.subnets), []);
            assert.deepEqual(e.flagged(P.externalSubnets), ["llama-3-1-8b-instruct-model"]);
            assert.match(
                ownMessages(e, P.externalSubnets)[0],
                /^llama-3-1-8b-instruct-model \(Model\) vpcConfig\.subnets uses subnet "subnet-0aaaabbbbccccdddd", which this stack does not create/,
            );
        });
        it("at pulumi up (preview: false): a model moved into the stack's public (NAT) subnets is reported, per subnet", async () => {
            const publicSubnets: pulumi.Resource[] = [];
            const e = await evaluateRepoStack("commercial", {
                ...NAT,
                preview: false,
                transformations: [
                    (args) => {
                        if (args.type === "aws:ec2/subnet:Subnet" && args.name.includes("-public-")) publicSubnets.push(args.resource);
                        if (args.type !== "aws:sagemaker/model:Model") return undefined;
                        const subnets = publicSubnets.map((s) => (s as unknown as { id: pulumi.Output<string> }).id);
                        return { props: { ...args.props, vpcConfig: { ...args.props.vpcConfig, subnets } }, opts: args.opts };
                    },
                ],
            });
            assert.equal(publicSubnets.length, 2);
            assert.deepEqual(e.flagged(P.subnets), ["network-public-0", "network-public-1"]);
            for (const message of ownMessages(e, P.subnets))
                assert.match(
                    message,
                    /^Subnet network-public-\d, used by mistral-7b-instruct-model \(Model\), is not private: route table network-public \(RouteTable\) sends 0\.0\.0\.0\/0 to an internet gateway/,
                );
            assert.deepEqual(e.flagged(P.externalSubnets), []);
        });
        it("violation: public, IPv6 and customer-owned addresses on launch, on each subnet SageMaker uses", async () => {
            const e = await fixture("public-subnet");
            assert.deepEqual(e.flagged(P.subnets), ["private-0", "private-0", "private-0", "private-1", "private-1", "private-1"]);
            const text = ownMessages(e, P.subnets);
            for (const key of ["mapPublicIpOnLaunch", "assignIpv6AddressOnCreation", "mapCustomerOwnedIpOnLaunch"])
                assert.equal(text.filter((m) => m.includes(`${key} is true`)).length, 2, key);
            assert.match(text[0], /^Subnet private-0, used by model \(Model\), notebook \(NotebookInstance\), is not private/);
        });
        it("violation: a default route to an internet gateway, as an aws.ec2.Route (IPv4, IPv6), inline, or on the main route table", async () => {
            const cases: [string, RegExp][] = [
                ["igw-route", /route table private-0 \(RouteTable\) sends 0\.0\.0\.0\/0 to an internet gateway \(private-0-default \(Route\)\)/],
                ["igw-route-ipv6", /sends ::\/0 to an internet gateway \(private-0-default6 \(Route\)\)/],
                ["igw-inline", /route table private-0 \(RouteTable\) sends ::\/0 to an internet gateway, routes\[0\]\.ipv6CidrBlock/],
                ["igw-main-table", /route table main \(DefaultRouteTable\) sends 0\.0\.0\.0\/0 to an internet gateway/],
            ];
            for (const [stack, pattern] of cases) {
                for (const preview of [true, false]) {
                    const e = await fixture(stack, { preview });
                    assert.deepEqual(e.flagged(P.subnets), ["private-0", "private-1"], `${stack} preview=${preview}`);
                    assert.match(ownMessages(e, P.subnets)[0], pattern, stack);
                    assert.match(ownMessages(e, P.subnets)[0], /no default route \(0\.0\.0\.0\/0, ::\/0\) to an internet gateway/, "ends with the remediation");
                }
            }
        });
        it("an internet gateway that serves only subnets SageMaker does not use is fine (NAT egress)", async () => {
            const e = await fixture("nat-egress");
            assert.ok(resourcesOf(e).ofType("aws:ec2/internetGateway:InternetGateway").length === 1);
            assert.deepEqual(e.flagged(P.subnets), []);
            assert.deepEqual((await evaluateRepoStack("commercial", NAT)).flagged(P.subnets), []);
        });
        it("subnets the stack does not create are not judged here (sagemaker-workload-external-subnets-approved reports them)", async () => {
            for (const preview of [true, false]) {
                assert.deepEqual((await evaluateRepoStack("govcloud", { ...ON_LANDING_ZONE, preview })).flagged(P.subnets), []);
                assert.deepEqual((await fixture("external-subnets", { preview })).flagged(P.subnets), [], `preview=${preview}`);
            }
        });
        it("approvedSubnetIds set here is reported as moved, not ignored", async () => {
            const e = await evaluateRepoStack("govcloud", { policyConfig: { [P.subnets]: { approvedSubnetIds: ["subnet-0aaaabbbbccccdddd"] } } });
            assert.deepEqual(e.flagged(P.subnets), ["(stack)"]);
            assert.match(ownMessages(e, P.subnets)[0], /belongs to sagemaker-workload-external-subnets-approved now; move it there/);
        });
        it("the message names the subnet, the resources that use it, and the route that reaches the internet", async () => {
            assert.match(
                ownMessages(await fixture("igw-route", { preview: false }), P.subnets).join("\n"),
                /^Subnet private-0, used by model \(Model\), notebook \(NotebookInstance\), is not private: route table private-0 \(RouteTable\) sends 0\.0\.0\.0\/0 to an internet gateway \(private-0-default \(Route\)\), destinationCidrBlock\./,
            );
        });
        it("unknown values: in preview the subnets are found through property dependencies; a computed subnet setting defers the policy", async () => {
            const preview = await fixture("igw-route");
            const model = resourcesOf(preview).one("aws:sagemaker/model:Model");
            assert.ok(isUnknown((model.inputs.vpcConfig as { subnets: unknown[] }).subnets[0]));
            assert.equal(preview.notRun(P.subnets), false);
            assert.equal(preview.flagged(P.subnets).length, 2);

            const computedPreview = await fixture("computed");
            assert.deepEqual(notRunProperties(computedPreview, P.subnets), ["(stack) .mapPublicIpOnLaunch"]);
            assert.deepEqual(computedPreview.flagged(P.subnets), []);
            const computedUpdate = await fixture("computed", { preview: false });
            assert.deepEqual(notRunProperties(computedUpdate, P.subnets), []);
            assert.deepEqual(computedUpdate.flagged(P.subnets), ["private-0", "private-1"]);
        });
        it("unknown values: inline routes the provider computes (the whole list, or a route's destination) defer the policy to the update, where it reports them", async () => {
            for (const [stack, property] of [
                ["igw-inline-computed-list", "routes"],
                ["igw-inline-computed-destination", "routes.0.cidrBlock"],
            ]) {
                const preview = await fixture(stack);
                assert.deepEqual(notRunProperties(preview, P.subnets), [`(stack) .${property}`], stack);
                assert.deepEqual(preview.flagged(P.subnets), [], stack);
                const update = await fixture(stack, { preview: false });
                assert.deepEqual(notRunProperties(update, P.subnets), [], stack);
                assert.deepEqual(update.flagged(P.subnets), ["private-0", "private-1"], stack);
                assert.match(
                    ownMessages(update, P.subnets)[0],
                    /route table private-0 \(RouteTable\) sends 0\.0\.0\.0\/0 to an internet gateway, routes\[0\]\.cidrBlock/,
                    stack,
                );
            }
        });
        it("config: levels advisory and disabled", async () => {
            const advisory = await fixture("igw-route", { policyConfig: { [P.subnets]: "advisory" } });
            assert.deepEqual([...new Set(advisory.of(P.subnets).map((v) => v.enforcementLevel))], ["advisory"]);
            assert.deepEqual((await fixture("igw-route", { policyConfig: { [P.subnets]: { enforcementLevel: "disabled" } } })).flagged(P.subnets), []);
        });
    });

    describe(P.externalSubnets, () => {
        it("compliant: every subnet the stack creates; an approved landing zone's subnets", async () => {
            assert.deepEqual((await evaluateRepoStack("govcloud")).flagged(P.externalSubnets), []);
            assert.deepEqual((await evaluateRepoStack("govcloud", { ...ON_LANDING_ZONE, policyConfig: APPROVED_EXISTING })).flagged(P.externalSubnets), []);
        });
        it("advisory by default: a landing zone's subnets are reported as unverifiable, not as a mandatory violation", async () => {
            for (const preview of [true, false]) {
                const e = await evaluateRepoStack("govcloud", { ...ON_LANDING_ZONE, preview });
                assert.deepEqual(e.flagged(P.externalSubnets), ["llama-3-1-8b-instruct-model", "llama-3-1-8b-instruct-model", "research-instance"]);
                assert.deepEqual([...new Set(e.of(P.externalSubnets).map((v) => v.enforcementLevel))], ["advisory"]);
                assert.equal(e.result.summary.mandatory, 0, "a correct landing-zone design passes the shipped pack");
                assert.match(
                    ownMessages(e, P.externalSubnets).join("\n"),
                    /research-instance \(NotebookInstance\) subnetId uses subnet "subnet-0123456789abcdef0", which this stack does not create, so no policy can see whether it is private; approvedSubnetIds \[\] does not list it/,
                );
            }
            // A literal beside the stack's own subnets, whose ids are unknown in preview and known in an update.
            for (const preview of [true, false]) {
                const e = await fixture("external-subnets", { preview });
                assert.deepEqual(e.flagged(P.externalSubnets), ["model", "notebook"], `preview=${preview}`);
                assert.match(ownMessages(e, P.externalSubnets)[0], /model \(Model\) vpcConfig\.subnets uses subnet "subnet-0aaaabbbbccccdddd"/);
            }
        });
        it("config: approvedSubnetIds admits reviewed subnets; an organisation that requires approval makes it mandatory", async () => {
            const approved = await fixture("external-subnets", {
                preview: false,
                policyConfig: { [P.externalSubnets]: { approvedSubnetIds: ["subnet-0aaaabbbbccccdddd"] } },
            });
            assert.deepEqual(approved.flagged(P.externalSubnets), []);
            const partly = await evaluateRepoStack("govcloud", {
                ...ON_LANDING_ZONE,
                policyConfig: { [P.externalSubnets]: { approvedSubnetIds: [EXISTING_SUBNETS[0]] } },
            });
            assert.deepEqual(partly.flagged(P.externalSubnets), ["llama-3-1-8b-instruct-model"]);
            assert.match(
                ownMessages(partly, P.externalSubnets)[0],
                new RegExp(`uses subnet "subnet-0fedcba9876543210", .*; approvedSubnetIds \\["${EXISTING_SUBNETS[0]}"\\] does not list it\\.`),
            );
            const required = await evaluateRepoStack("govcloud", { ...ON_LANDING_ZONE, policyConfig: { [P.externalSubnets]: "mandatory" } });
            assert.equal(required.result.summary.mandatory, 3);
        });
    });

    describe(P.ingress, () => {
        it("the check: each kind of rule names the property and value open to the internet", () => {
            assert.deepEqual(openIngress(NET.securityGroup, { ingress: [{ cidrBlocks: ["10.0.0.0/16"] }, { ipv6CidrBlocks: ["::/0"] }] }), [
                'ingress[1].ipv6CidrBlocks[0] = "::/0"',
            ]);
            assert.deepEqual(openIngress(NET.securityGroupRule, { type: "ingress", ipv6CidrBlocks: ["::/0"] }), ['ipv6CidrBlocks[0] = "::/0"']);
            assert.deepEqual(openIngress(NET.securityGroupRule, { type: "egress", cidrBlocks: ["0.0.0.0/0"] }), []);
            assert.deepEqual(openIngress(NET.securityGroupIngressRule, { cidrIpv4: "0.0.0.0/0" }), ['cidrIpv4 = "0.0.0.0/0"']);
            assert.deepEqual(openIngress(NET.securityGroupIngressRule, { cidrIpv6: "::/0" }), ['cidrIpv6 = "::/0"']);
        });
        it("compliant: the program's self-referencing rule, HTTPS from the VPC CIDR, and egress to 0.0.0.0/0 (NAT variant)", async () => {
            const nat = await evaluateRepoStack("commercial", NAT);
            const g = resourcesOf(nat);
            assert.ok(g.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").some((r) => r.inputs.referencedSecurityGroupId !== undefined));
            assert.ok(g.ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").some((r) => r.inputs.cidrIpv4 === "0.0.0.0/0"));
            assert.deepEqual(nat.flagged(P.ingress), []);
        });
        it("violation: inline IPv4 and IPv6, aws.ec2.SecurityGroupRule, aws.vpc.SecurityGroupIngressRule", async () => {
            const e = await fixture("open-ingress");
            assert.deepEqual(e.flagged(P.ingress), ["model", "model", "model-open", "model-open-ipv6"]);
            const text = ownMessages(e, P.ingress).join("\n");
            for (const part of [
                'ingress[0].cidrBlocks[1] = "0.0.0.0/0"',
                'ingress[1].ipv6CidrBlocks[0] = "::/0"',
                'cidrBlocks[0] = "0.0.0.0/0"',
                'cidrIpv6 = "::/0"',
            ])
                assert.ok(text.includes(part), part);
            assert.ok(!e.flagged(P.ingress).includes("model-egress"), "egress rules are not ingress");
        });
        it("unknown values: a computed CIDR defers the policy to the update, where it runs", async () => {
            const preview = await fixture("computed");
            assert.deepEqual(notRunProperties(preview, P.ingress), ["model-from-vpc .cidrIpv4", "model-open-computed .cidrIpv4"]);
            assert.deepEqual(preview.flagged(P.ingress), []);
            const update = await fixture("computed", { preview: false });
            assert.deepEqual(notRunProperties(update, P.ingress), []);
            assert.deepEqual(update.flagged(P.ingress), ["model-open-computed"]);
        });
        it("config: advisory and disabled levels", async () => {
            const advisory = await fixture("open-ingress", { policyConfig: { [P.ingress]: "advisory" } });
            assert.deepEqual([...new Set(advisory.of(P.ingress).map((v) => v.enforcementLevel))], ["advisory"]);
            assert.deepEqual((await fixture("open-ingress", { policyConfig: { [P.ingress]: { enforcementLevel: "disabled" } } })).flagged(P.ingress), []);
        });
    });

    describe(P.flowLogs, () => {
        it("violation: a VPC without an aws.ec2.FlowLog", async () => {
            const e = await fixture("no-flow-logs");
            assert.deepEqual(e.flagged(P.flowLogs), ["vpc"]);
            assert.match(ownMessages(e, P.flowLogs)[0], /^VPC vpc has no flow log.*Add an aws\.ec2\.FlowLog/);
        });
        it("not applicable with an existing VPC (its flow logs belong to the landing zone)", async () => {
            assert.deepEqual((await evaluateRepoStack("govcloud", { ...ON_LANDING_ZONE, policyConfig: APPROVED_EXISTING })).flagged(P.flowLogs), []);
        });
        it("unknown values: the flow log's vpcId is unknown in preview; the dependency links it to the VPC", async () => {
            const e = await evaluateRepoStack("govcloud");
            assert.ok(isUnknown(resourcesOf(e).one("aws:ec2/flowLog:FlowLog").inputs.vpcId));
            assert.equal(e.notRun(P.flowLogs), false);
            assert.deepEqual(e.flagged(P.flowLogs), []);
            assert.deepEqual((await fixture("no-flow-logs", { preview: false })).flagged(P.flowLogs), ["vpc"]);
        });
        it("config: advisory and disabled levels", async () => {
            assert.deepEqual(
                (await fixture("no-flow-logs", { policyConfig: { [P.flowLogs]: "advisory" } })).of(P.flowLogs).map((v) => v.enforcementLevel),
                ["advisory"],
            );
            assert.deepEqual((await fixture("no-flow-logs", { policyConfig: { [P.flowLogs]: { enforcementLevel: "disabled" } } })).flagged(P.flowLogs), []);
        });
    });

    describe(P.privateDns, () => {
        it("the check: interface endpoints only; privateDnsEnabled must be true (the provider's default is false)", () => {
            const none = new Set<string>();
            assert.equal(
                privateDnsProblem({ vpcEndpointType: "Interface", serviceName: "com.amazonaws.us-east-1.sts", privateDnsEnabled: true }, none),
                undefined,
            );
            assert.match(
                privateDnsProblem({ vpcEndpointType: "Interface", serviceName: "com.amazonaws.us-east-1.sts" }, none)!,
                /privateDnsEnabled is not set \(the default is false\)/,
            );
            assert.equal(privateDnsProblem({ serviceName: "com.amazonaws.us-east-1.s3" }, none), undefined, "the default type is Gateway");
            assert.equal(
                privateDnsProblem({ vpcEndpointType: "Interface", serviceName: "com.amazonaws.us-east-1.s3" }, new Set(["com.amazonaws.us-east-1.s3"])),
                undefined,
            );
        });
        it("violation: an interface endpoint with private DNS off; gateway endpoints are not checked", async () => {
            const e = await fixture("missing-endpoints");
            assert.deepEqual(e.flagged(P.privateDns), ["endpoint-logs"]);
            assert.match(
                ownMessages(e, P.privateDns)[0],
                /^privateDnsEnabled is false on the interface endpoint for com\.amazonaws\.us-gov-west-1\.logs\. Set `privateDnsEnabled: true`/,
            );
        });
        it("unknown values: none read; it runs in preview (ids unknown) with the update's result", async () => {
            for (const preview of [true, false]) {
                const e = await fixture("missing-endpoints", { preview });
                assert.equal(e.notRun(P.privateDns), false);
                assert.deepEqual(e.flagged(P.privateDns), ["endpoint-logs"]);
            }
        });
        it("config: exemptServiceNames; advisory level", async () => {
            const exempt = await fixture("missing-endpoints", {
                policyConfig: { [P.privateDns]: { exemptServiceNames: ["com.amazonaws.us-gov-west-1.logs"] } },
            });
            assert.deepEqual(exempt.flagged(P.privateDns), []);
            const advisory = await fixture("missing-endpoints", { policyConfig: { [P.privateDns]: "advisory" } });
            assert.deepEqual(
                advisory.of(P.privateDns).map((v) => v.enforcementLevel),
                ["advisory"],
            );
        });
    });

    describe(P.endpoints, () => {
        it("the check: names from policies/catalog/partitions.ts in the endpoint's region; FIPS names count", () => {
            const required = requiredEndpoints([]);
            const all = required.map((r) => ({
                serviceName: r.names("us-gov-west-1")[0],
                type: r.type === "any" ? "Gateway" : r.type,
                region: "us-gov-west-1",
            }));
            assert.deepEqual(missingEndpoints(required, all, "us-gov-west-1"), []);
            const fips = all.map((e) => (e.serviceName.endsWith(".sagemaker.runtime") ? { ...e, serviceName: `${e.serviceName}-fips` } : e));
            assert.deepEqual(missingEndpoints(required, fips, "us-gov-west-1"), []);
            // An endpoint that leaves vpcEndpointType unset is a Gateway endpoint (the provider's default): no interface endpoint.
            const untyped = { props: { serviceName: "com.amazonaws.us-gov-west-1.kms" }, provider: undefined } as unknown as PolicyResource;
            assert.deepEqual(endpointFacts(untyped), { serviceName: "com.amazonaws.us-gov-west-1.kms", type: "Gateway", region: undefined });
            // A service's FIPS name counts when the table names none for the partition, and for configured services too.
            const autoscaling = requiredEndpoints(["application-autoscaling"]).find((r) => r.names("us-gov-west-1")[0].endsWith(".application-autoscaling"))!;
            const fipsAutoscaling = { serviceName: "com.amazonaws.us-gov-west-1.application-autoscaling-fips", type: "Interface", region: "us-gov-west-1" };
            assert.deepEqual(missingEndpoints([autoscaling], [fipsAutoscaling], "us-gov-west-1"), []);
            // A Gateway endpoint of the service does not stand in for the interface endpoint it needs.
            assert.deepEqual(missingEndpoints([autoscaling], [{ ...fipsAutoscaling, type: "Gateway" }], "us-gov-west-1"), [autoscaling]);
            const otherRegion = all.map((e) => ({ ...e, region: "us-gov-east-1" }));
            assert.equal(missingEndpoints(required, otherRegion, "us-gov-west-1").length, required.length, "names of another region do not count");
        });
        it("violation: no internet egress, yet endpoints missing", async () => {
            const e = await fixture("missing-endpoints");
            assert.deepEqual(e.flagged(P.endpoints), ["vpc"]);
            assert.match(
                ownMessages(e, P.endpoints)[0],
                /^VPC vpc has no internet egress and lacks VPC endpoints for: com\.amazonaws\.us-gov-west-1\.kms \(Interface: encryption with the stack's KMS key\), aws\.sagemaker\.us-gov-west-1\.notebook \(Interface: opening the notebook from the VPC\), com\.amazonaws\.us-gov-west-1\.s3 \(model weights and the notebook's data\)\. Create the missing VPC endpoints/,
            );
        });
        it("only VPCs SageMaker uses: another workload's VPC is not judged; the notebook endpoint only where a notebook uses the VPC", async () => {
            const e = await fixture("missing-endpoints", { preview: false });
            const without = (...types: string[]) => e.run.result.resources.filter((r) => !types.includes(r.type));
            const lacking = async (resources: typeof e.run.result.resources) =>
                (await evaluatePolicies(await guardrailsPack(), resources, { stackConfig: e.run.config.values })).violations
                    .filter((v) => v.policyName === P.endpoints)
                    .map((v) => v.message.split("\n")[1].split(". Create")[0]);
            // No SageMaker model or notebook in the VPC (a database's VPC, say): nothing to say about SageMaker's endpoints.
            assert.deepEqual(await lacking(without("aws:sagemaker/model:Model", "aws:sagemaker/notebookInstance:NotebookInstance")), []);
            // A model but no notebook: the notebook endpoint is not required.
            const [modelOnly] = await lacking(without("aws:sagemaker/notebookInstance:NotebookInstance"));
            assert.match(
                modelOnly,
                /^VPC vpc has no internet egress and lacks VPC endpoints for: com\.amazonaws\.us-gov-west-1\.kms .*com\.amazonaws\.us-gov-west-1\.s3 /,
            );
            assert.doesNotMatch(modelOnly, /notebook\b.*\(Interface: opening the notebook/);
            // A notebook alone still needs it.
            const [notebookOnly] = await lacking(without("aws:sagemaker/model:Model"));
            assert.match(notebookOnly, /aws\.sagemaker\.us-gov-west-1\.notebook \(Interface: opening the notebook from the VPC\)/);
        });

        it("not applicable with internet egress (NAT) or without a VPC of the stack", async () => {
            assert.deepEqual((await fixture("nat-egress")).flagged(P.endpoints), []);
            assert.deepEqual((await evaluateRepoStack("govcloud", { ...ON_LANDING_ZONE, policyConfig: APPROVED_EXISTING })).flagged(P.endpoints), []);
        });
        it("unknown values: the endpoints' vpcId is unknown in preview; dependencies link them to the VPC", async () => {
            const e = await evaluateRepoStack("govcloud");
            assert.ok(
                resourcesOf(e)
                    .ofType("aws:ec2/vpcEndpoint:VpcEndpoint")
                    .every((r) => isUnknown(r.inputs.vpcId)),
            );
            assert.equal(e.notRun(P.endpoints), false);
            assert.deepEqual(e.flagged(P.endpoints), []);
            assert.deepEqual((await fixture("missing-endpoints", { preview: false })).flagged(P.endpoints), ["vpc"]);
        });
        it("a VPC whose region is nowhere known (no region on its provider or its endpoints) is reported, not passed over", async () => {
            const e = await fixture("missing-endpoints");
            const { ["aws:region"]: region, ...withoutRegion } = e.run.config.values;
            assert.equal(region, "us-gov-west-1");
            const result = await evaluatePolicies(await guardrailsPack(), e.run.result.resources, { stackConfig: withoutRegion });
            assert.deepEqual(
                result.violations.filter((v) => v.policyName === P.endpoints).map((v) => [v.resourceName, v.message.split("\n")[1].split(". ")[0]]),
                [["vpc", "vpc (Vpc) has no known region (its provider sets none), so its endpoints cannot be checked"]],
            );
        });
        it("each VPC is judged by its own endpoints; one whose provider sets no region takes its endpoints' region", async () => {
            const own = await fixture("missing-endpoints", { preview: false });
            const lacking = (result: PolicyResult) =>
                result.violations.filter((v) => v.policyName === P.endpoints).map((v) => v.message.split("\n")[1].split(": ")[0]);
            // Beside the repo stack's VPC, whose endpoints are complete, the fixture's VPC still lacks its own.
            const complete = await evaluateRepoStack("govcloud", { preview: false });
            const together = [...complete.run.result.resources, ...own.run.result.resources];
            assert.deepEqual(lacking(await evaluatePolicies(await guardrailsPack(), together, { stackConfig: own.run.config.values })), [
                "VPC vpc has no internet egress and lacks VPC endpoints for",
            ]);
            // Without aws:region, the endpoints' own region (a per-resource region) locates the VPC.
            const { ["aws:region"]: region, ...withoutRegion } = own.run.config.values;
            assert.equal(region, "us-gov-west-1");
            const endpointsWithRegion = own.run.result.resources.map((r) =>
                r.type === "aws:ec2/vpcEndpoint:VpcEndpoint" ? { ...r, inputs: { ...r.inputs, region: "us-gov-west-1" } } : r,
            );
            assert.deepEqual(lacking(await evaluatePolicies(await guardrailsPack(), endpointsWithRegion, { stackConfig: withoutRegion })), [
                "VPC vpc has no internet egress and lacks VPC endpoints for",
            ]);
        });
        it("config: additionalServices adds required endpoints; advisory level", async () => {
            const more = await evaluateRepoStack("govcloud", { policyConfig: { [P.endpoints]: { additionalServices: ["application-autoscaling"] } } });
            assert.deepEqual(more.flagged(P.endpoints), ["network-vpc"]);
            assert.match(
                ownMessages(more, P.endpoints)[0],
                /lacks VPC endpoints for: com\.amazonaws\.us-gov-west-1\.application-autoscaling \(Interface: listed in this policy's additionalServices\)\./,
            );
            const advisory = await fixture("missing-endpoints", { policyConfig: { [P.endpoints]: "advisory" } });
            assert.deepEqual(
                advisory.of(P.endpoints).map((v) => v.enforcementLevel),
                ["advisory"],
            );
        });
    });
});
