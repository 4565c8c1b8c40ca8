/**
 * The resource options offline/policyEngine gives policies, through @pulumi/policy's analyzer, as
 * the engine sends them (pulumi/pulumi proto/pulumi/analyzer.proto AnalyzerResourceOptions,
 * pkg/resource/deploy/step_generator.go, checked 2026-12-02): protect, ignoreChanges, and
 * deleteBeforeReplace when the program set it (true or false); never retainOnDelete, for which the
 * protocol has no field. Pack: tests/fixtures/options-pack; program: tests/fixtures/policy-guardrails-a (case options).
 */
import { strict as assert } from "assert";
import * as path from "path";
import { evaluatePolicies, loadPolicyPack } from "../offline/policyEngine";
import { runStack } from "../offline/runStack";

const FIXTURES = path.join(__dirname, "fixtures");

describe("policyEval: resource options as the engine sends them", function () {
    this.timeout(120_000);

    it("protect, ignoreChanges and deleteBeforeReplace (true or false, when set) reach resource and stack policies; retainOnDelete does not", async () => {
        const pack = await loadPolicyPack(path.join(FIXTURES, "options-pack"));
        const run = await runStack({ programDir: path.join(FIXTURES, "policy-guardrails-a"), stack: "options" });
        if (run.result.error) throw run.result.error;
        const result = await evaluatePolicies(pack, run.result.resources, { stackConfig: run.config.values });
        for (const policy of ["resource-options", "stack-options"]) {
            const opts = Object.fromEntries(
                result.violations
                    .filter((v) => v.policyName === policy)
                    .map((v) => {
                        const o = JSON.parse(v.message.split("\n").slice(1).join("\n")) as Record<string, unknown>;
                        return [
                            v.resourceName,
                            { protect: o.protect, ignoreChanges: o.ignoreChanges, deleteBeforeReplace: o.deleteBeforeReplace, keys: Object.keys(o).sort() },
                        ];
                    }),
            );
            const keys = ["additionalSecretOutputs", "aliases", "customTimeouts", "ignoreChanges", "parent", "protect"];
            assert.deepEqual(
                opts,
                {
                    plain: { protect: false, ignoreChanges: [], deleteBeforeReplace: undefined, keys },
                    "dbr-false": { protect: false, ignoreChanges: [], deleteBeforeReplace: false, keys: [...keys, "deleteBeforeReplace"].sort() },
                    "dbr-true": { protect: false, ignoreChanges: [], deleteBeforeReplace: true, keys: [...keys, "deleteBeforeReplace"].sort() },
                    protected: { protect: true, ignoreChanges: ["tags"], deleteBeforeReplace: undefined, keys },
                    retained: { protect: false, ignoreChanges: [], deleteBeforeReplace: undefined, keys },
                },
                policy,
            );
        }
    });
});
