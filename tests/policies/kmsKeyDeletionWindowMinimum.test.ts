/** kms-key-deletion-window-minimum (policies/encryption/kmsKeyDeletionWindowMinimum.ts), through @pulumi/policy's analyzer. */
import { strict as assert } from "assert";
import * as path from "path";
import { deletionWindowProblem } from "../../policies/encryption/kmsKeyDeletionWindowMinimum";
import { guardrails } from "../../policies/guardrails";
import { assertClean, ownMessages } from "./assertions";
import { EvaluateOptions, evaluateRepoStack, evaluateStack, FIXTURES } from "./harness";

const POLICY = "kms-key-deletion-window-minimum";
const fixture = (options?: EvaluateOptions) => evaluateStack(path.join(FIXTURES, "policy-guardrails-a"), "key-deletion", options);

describe(POLICY, function () {
    this.timeout(120_000);

    it("is a mandatory encryption policy of medium severity, deferred on unknowns, configurable from 7 to 30 days (default 30)", () => {
        const g = guardrails.find((x) => x.name === POLICY)!;
        assert.deepEqual([g.enforcementLevel, g.severity, g.tags, g.meta.unknowns], ["mandatory", "medium", ["encryption"], "deferred"]);
        assert.deepEqual(g.configSchema!.properties.minimumDeletionWindowDays, {
            type: "integer",
            minimum: 7,
            maximum: 30,
            default: 30,
            description: "Shortest acceptable deletionWindowInDays (KMS allows 7 to 30; unset means 30).",
        });
    });

    it("judges the window: unset is KMS's 30 days; shorter than the minimum is a problem", () => {
        assert.equal(deletionWindowProblem(undefined, 30), undefined);
        assert.equal(deletionWindowProblem(null, 30), undefined);
        assert.equal(deletionWindowProblem(30, 30), undefined);
        assert.equal(deletionWindowProblem(20, 20), undefined);
        assert.match(deletionWindowProblem(29, 30)!, /^deletionWindowInDays is 29, shorter than the minimum of 30 days/);
        assert.match(deletionWindowProblem("7", 7)!, /deletionWindowInDays is "7"/);
    });

    it("flags keys (and replica keys) whose window is shorter than 30 days, on the key; not unset or 30", async () => {
        const e = await fixture({ preview: false });
        assert.deepEqual(e.flagged(POLICY), ["replica-window-10", "window-20", "window-7", "window-computed"]);
        assert.ok(e.of(POLICY).every((v) => v.enforcementLevel === "mandatory"));
        assert.match(
            ownMessages(e, POLICY).find((m) => m.includes("'window-7'"))!,
            /^aws:kms\/key:Key 'window-7' deletionWindowInDays is 7, shorter than the minimum of 30 days \(policy config minimumDeletionWindowDays\)\. Set deletionWindowInDays on the KMS key/,
        );
    });

    it("defers a window unknown in preview (not run on that key) and judges the known ones", async () => {
        const e = await fixture();
        assert.deepEqual(e.notRunOn(POLICY), ["window-computed"]);
        assert.deepEqual(e.flagged(POLICY), ["replica-window-10", "window-20", "window-7"]);
    });

    it("takes minimumDeletionWindowDays and its level from the policy pack config", async () => {
        const twenty = await fixture({ preview: false, policyConfig: { [POLICY]: { minimumDeletionWindowDays: 20 } } });
        assert.deepEqual(twenty.flagged(POLICY), ["replica-window-10", "window-7", "window-computed"]);
        const advisory = await fixture({ preview: false, policyConfig: { [POLICY]: "advisory" } });
        assert.ok(advisory.of(POLICY).length === 4 && advisory.of(POLICY).every((v) => v.enforcementLevel === "advisory"));
        assert.deepEqual((await fixture({ policyConfig: { [POLICY]: "disabled" } })).flagged(POLICY), []);
    });

    it("is silent on the repo's stacks (the stack key's window is 30 days), in preview and update", async () => {
        for (const stack of ["govcloud", "commercial"]) {
            for (const preview of [true, false]) assertClean(await evaluateRepoStack(stack, { preview }), [POLICY], `${stack} preview=${preview}`);
        }
    });
});
