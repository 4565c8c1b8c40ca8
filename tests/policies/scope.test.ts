/**
 * Each policy judges only the resource types it names. A platform team enforces the pack on stacks
 * this repository never wrote, where other providers' resources can carry the same property names
 * (`tags`, `policy`, `dataCaptureConfig`, `subnetId`, ...): the pack's verdicts must come from the AWS
 * types it knows, not from a property name.
 *
 * The test takes the fixture stacks that violate the policies, gives every AWS resource another
 * provider's type (same properties, same links between resources, same AWS provider), and evaluates
 * the pack again: nothing is reported, except by the policies that read every resource's values on
 * purpose.
 */
import { strict as assert } from "assert";
import { POLICY_RENAMES } from "../../policies/renamedPolicies";
import { WAIVED_FINDINGS_POLICY, WAIVERS_POLICY } from "../../policies/lib/waivers";
import * as fs from "fs";
import * as path from "path";
import { CapturedResource } from "../../offline/mockRun";
import { evaluatePolicies } from "../../offline/policyEngine";
import { REPO_ROOT } from "../graph";
import { EvaluateOptions, evaluateStack, FIXTURES, guardrailsPack } from "./harness";

/** The pack config the outside program's platform team uses (tests/policies/outsidePrograms.test.ts). */
const OUTSIDE_POLICY_CONFIG = JSON.parse(fs.readFileSync(path.join(FIXTURES, "outside-acme", "policy-config.json"), "utf8")) as Record<string, unknown>;

/** Stacks whose resources violate the pack (tests/fixtures/policy-*, and this program under strict policy config). */
const VIOLATING: [program: string, stack: string, options?: EvaluateOptions][] = [
    ["policy-encryption", "buckets"],
    ["policy-encryption", "endpoints"],
    ["policy-encryption", "logs-and-keys"],
    ["policy-encryption", "notebook"],
    ["policy-encryption", "model-env"],
    // The exposure advisory reports what the mandatory credentials policy leaves: here, everything.
    ["policy-encryption", "model-env", { policyConfig: { "sagemaker-model-env-no-credentials": "disabled" } }],
    ["policy-instances", "too-many-gpus"],
    ["policy-instances", "falcon40b-unquantized"],
    ["policy-instances", "no-rollback"],
    ["policy-network", "igw-route"],
    ["policy-network", "open-ingress"],
    ["policy-network", "notebook-insecure"],
    ["policy-network", "model-outside-vpc"],
    ["policy-network", "missing-endpoints"],
    ["policy-network", "no-flow-logs"],
    ["policy-governance", "iam-wildcards"],
    ["policy-governance", "iam-trust"],
    ["policy-governance", "iam-managed"],
    ["policy-governance", "tags-no-defaults"],
    ["policy-governance", "partition-commercial"],
    ["policy-network", "external-subnets"],
    ["policy-guardrails-a", "resource-policies"],
    ["policy-guardrails-a", "pass-role"],
    ["policy-guardrails-a", "key-deletion"],
    ["policy-guardrails-a", "weights"],
    ["policy-weights", "hub-closed"],
    ["policy-weights", "s3-weights"],
    ["policy-weights", "revisions"],
    ["policy-weights", "images"],
    ["policy-weights", "cui-nat"],
    // A program written outside this repository (tests/policies/outsidePrograms.test.ts), with its platform team's pack config.
    ...["broken-network", "broken-egress", "broken-data", "broken-iam", "broken-serving", "broken-notebook", "broken-governance"].map(
        (stack): [string, string, EvaluateOptions] => ["outside-acme", stack, { preview: false, policyConfig: OUTSIDE_POLICY_CONFIG }],
    ),
    [
        REPO_ROOT,
        "govcloud",
        {
            policyConfig: {
                "sagemaker-notebook-instance-type-approved": { notebookInstanceTypes: { "aws-us-gov": ["ml.g4dn.xlarge"] } },
                "aws-resource-tag-values-allowed": { allowedValues: { Environment: "^prod$" } },
            },
        },
    ],
];

/**
 * Policies that read the values of every resource, whatever its type, by design: references to
 * another partition or region are wrong in any resource, and so is a region outside the allowed ones.
 */
const ANY_TYPE = new Set(["aws-resource-partition-consistent", "aws-resource-region-allowed"]);

/** The resources with every `aws:` type replaced by the same type under another provider, URNs and links renamed to match. */
function underAnotherProvider(resources: CapturedResource[]): CapturedResource[] {
    const renamed = new Map<string, string>();
    const typeOf = (type: string) => type.replace(/^aws:/, "acme:");
    for (const r of resources) {
        if (r.type.startsWith("aws:")) renamed.set(r.urn, r.urn.replace(`::${r.type}::`, `::${typeOf(r.type)}::`));
    }
    const urn = (u: string) => renamed.get(u) ?? u;
    return resources.map((r) => ({
        ...r,
        type: typeOf(r.type),
        urn: urn(r.urn),
        parent: r.parent && urn(r.parent),
        dependencies: r.dependencies.map(urn),
        propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies).map(([k, deps]) => [k, deps.map(urn)])),
    }));
}

describe("each policy judges only the resource types it names", function () {
    it("the violating fixture stacks, with their AWS resources given another provider's types, raise nothing but type-independent findings", async function () {
        const pack = await guardrailsPack();
        const silenced = new Set<string>();
        for (const [program, stack, options] of VIOLATING) {
            const e = await evaluateStack(path.resolve(FIXTURES, program), stack, options);
            for (const v of e.result.violations) silenced.add(v.policyName);
            const result = await evaluatePolicies(pack, underAnotherProvider(e.run.result.resources), {
                config: options?.policyConfig,
                stackConfig: e.run.config.values,
                secretConfigKeys: e.run.config.secretKeys,
            });
            const reported = result.violations.filter((v) => !ANY_TYPE.has(v.policyName)).map((v) => `${v.policyName} on ${v.resourceName ?? "(stack)"}`);
            assert.deepEqual(reported, [], `${program}/${stack}`);
            assert.deepEqual(result.errors, [], `${program}/${stack}`);
        }
        // The stacks above violate every policy of the pack that judges by type, so each was given the chance
        // (the former policy names and the waiver policies judge no resource: they report the pack config and what waivers covered).
        const reportsConfig = new Set([...POLICY_RENAMES.map((r) => r.formerName), WAIVERS_POLICY, WAIVED_FINDINGS_POLICY]);
        const byType = pack.policies.map((p) => p.name).filter((name) => !ANY_TYPE.has(name) && !reportsConfig.has(name));
        assert.deepEqual(
            byType.filter((name) => !silenced.has(name)),
            [],
        );
    });
});
