/** iam-policy-no-pass-role-wildcard (policies/iam/iamPolicyNoPassRoleWildcard.ts), through @pulumi/policy's analyzer. */
import { strict as assert } from "assert";
import * as path from "path";
import { matchesEveryRole, passRoleActions, passRoleFindings } from "../../policies/iam/iamPolicyNoPassRoleWildcard";
import { guardrails } from "../../policies/guardrails";
import { iamPatternMatches } from "../../policies/lib/iamDocuments";
import { assertClean, ownMessages } from "./assertions";
import { EvaluateOptions, evaluateRepoStack, evaluateStack, FIXTURES } from "./harness";

const POLICY = "iam-policy-no-pass-role-wildcard";
const WILDCARD = "iam-policy-no-wildcard-actions";
const fixture = (options?: EvaluateOptions) => evaluateStack(path.join(FIXTURES, "policy-guardrails-a"), "pass-role", options);
const FLAGGED = ["inline-pass", "pass-account-roles-to-sagemaker", "pass-any-role", "pass-star-pattern", "user-pass-not-resource"];

describe(POLICY, function () {
    this.timeout(120_000);

    it("is a mandatory iam policy of high severity, deferred on unknowns", () => {
        const g = guardrails.find((x) => x.name === POLICY)!;
        assert.deepEqual([g.enforcementLevel, g.severity, g.tags, g.meta.unknowns], ["mandatory", "high", ["iam"], "deferred"]);
        assert.equal(g.url, "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html");
    });

    describe("reasoning (pure functions)", () => {
        it("matches IAM wildcards: * spans any characters, ? one; actions case-insensitively", () => {
            assert.ok(iamPatternMatches("iam:Pass*", "iam:PassRole", true));
            assert.ok(iamPatternMatches("IAM:PASSROLE", "iam:PassRole", true));
            assert.ok(!iamPatternMatches("IAM:PASSROLE", "iam:PassRole"));
            assert.ok(iamPatternMatches("iam:?assRole", "iam:PassRole", true));
            assert.ok(!iamPatternMatches("iam:Get*", "iam:PassRole", true));
            assert.ok(iamPatternMatches("arn:aws:iam::*:role/*", "arn:aws:iam::1:role/a/b"));
            assert.ok(!iamPatternMatches("arn:aws:iam::1:role/a.b", "arn:aws:iam::1:role/aXb"), "a dot is no wildcard");
        });

        it("counts only PassRole grants that are not whole-service wildcards (those are iam-policy-no-wildcard-actions')", () => {
            assert.deepEqual(passRoleActions({ Action: ["iam:PassRole", "iam:Pass*", "iam:*Role", "iam:*", "*", "*:*", "s3:GetObject", "iam:GetRole"] }), [
                "iam:PassRole",
                "iam:Pass*",
                "iam:*Role",
            ]);
        });

        it("a resource matches every role when it matches any role name and path of its account", () => {
            for (const r of ["*", "arn:aws:iam::*:role/*", "arn:aws-us-gov:iam::111122223333:role/*", "arn:*:iam::*:*", "arn:aws:iam::111122223333:*"]) {
                assert.ok(matchesEveryRole(r), r);
            }
            for (const r of [
                "arn:aws:iam::111122223333:role/sagemaker-*",
                "arn:aws:iam::111122223333:role/app/*",
                "arn:aws:iam::111122223333:role/exec",
                "arn:aws:s3:::*",
            ]) {
                assert.ok(!matchesEveryRole(r), r);
            }
        });

        it("reports Allow statements passing every role, naming the statement; iam:PassedToService does not make '*' acceptable", () => {
            const findings = passRoleFindings([
                {
                    Sid: "Svc",
                    Effect: "Allow",
                    Action: "iam:PassRole",
                    Resource: "*",
                    Condition: { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } },
                },
                { Effect: "Deny", Action: "iam:PassRole", Resource: "*" },
                { Effect: "Allow", Action: "iam:PassRole", Resource: ["arn:aws:iam::1:role/exec"] },
                { Effect: "Allow", Action: "iam:PassRole", NotResource: "arn:aws:iam::1:role/admin" },
            ]);
            assert.deepEqual(
                findings.map((f) => `${f.statement} ${f.problem}`),
                [
                    'Statement \'Svc\' allows "iam:PassRole" on Resource "*", which matches every role (its iam:PassedToService condition limits the service, not which role)',
                    'Statement[3] allows "iam:PassRole" on every resource not in NotResource "arn:aws:iam::1:role/admin"',
                ],
            );
        });
    });

    it("flags IAM policies, role policies, inline and user policies passing every role, on the resource holding the document", async () => {
        const e = await fixture({ preview: false });
        assert.deepEqual(e.flagged(POLICY), [...FLAGGED, "pass-computed"].sort());
        const messages = ownMessages(e, POLICY);
        assert.ok(
            messages.includes(
                "aws:iam/policy:Policy 'pass-account-roles-to-sagemaker' property policy: Statement 'PassToSageMaker' allows \"iam:PassRole\" on Resource " +
                    '"arn:aws-us-gov:iam::111122223333:role/*", which matches every role (its iam:PassedToService condition limits the service, not which role). ' +
                    'List in the statement\'s Resource the ARNs of the roles the principal may pass (e.g. "arn:<partition>:iam::<account>:role/<execution role>") ' +
                    'instead of "*" or a pattern matching every role, and add an iam:PassedToService condition naming the service.',
            ),
            messages.join("\n"),
        );
        assert.ok(
            messages.some((m) =>
                m.startsWith('aws:iam/role:Role \'inline-pass\' property inlinePolicies[1].policy: Statement[0] allows "IAM:PASSROLE" on Resource "*"'),
            ),
        );
    });

    it("one finding per problem: Action '*' and 'iam:*' are iam-policy-no-wildcard-actions' findings only", async () => {
        const e = await fixture({ preview: false });
        assert.deepEqual(e.flagged(WILDCARD), ["iam-star", "star"]);
        assert.ok(!e.flagged(POLICY).includes("iam-star") && !e.flagged(POLICY).includes("star"));
    });

    it("defers a document unknown in preview (not run on that resource) and judges the known ones", async () => {
        const e = await fixture();
        assert.deepEqual(e.notRunOn(POLICY), ["pass-computed"]);
        assert.deepEqual(e.flagged(POLICY), FLAGGED);
    });

    it("takes its level from the policy pack config", async () => {
        const advisory = await fixture({ policyConfig: { [POLICY]: "advisory" } });
        assert.ok(advisory.of(POLICY).length === FLAGGED.length && advisory.of(POLICY).every((v) => v.enforcementLevel === "advisory"));
        assert.deepEqual((await fixture({ policyConfig: { [POLICY]: { enforcementLevel: "disabled" } } })).flagged(POLICY), []);
    });

    it("is silent on the repo's stacks (their role policies pass only their own roles, if any), in update; deferred on the role policies in preview", async () => {
        for (const stack of ["govcloud", "commercial"]) {
            assertClean(await evaluateRepoStack(stack, { preview: false }), [POLICY], `${stack} update`);
            const preview = await evaluateRepoStack(stack);
            assert.deepEqual(preview.flagged(POLICY), [], stack);
            assert.ok(preview.result.notRun.filter((n) => n.policyName === POLICY).every((n) => n.resourceType === "aws:iam/rolePolicy:RolePolicy"));
        }
    });
});
