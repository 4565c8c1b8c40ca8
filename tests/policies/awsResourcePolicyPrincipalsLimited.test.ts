/** aws-resource-policy-principals-limited (policies/iam/awsResourcePolicyPrincipalsLimited.ts), through @pulumi/policy's analyzer. */
import { strict as assert } from "assert";
import * as path from "path";
import { LIMITING_CONDITION_KEYS } from "../../policies/catalog/limitingConditionKeys";
import { accountOfPrincipal, hasLimitingCondition, limitingKeys, unlimitedPrincipals } from "../../policies/iam/awsResourcePolicyPrincipalsLimited";
import { guardrails } from "../../policies/guardrails";
import { assertClean, ownMessages } from "./assertions";
import { EvaluateOptions, evaluateRepoStack, evaluateStack, FIXTURES } from "./harness";

const POLICY = "aws-resource-policy-principals-limited";
const fixture = (options?: EvaluateOptions) => evaluateStack(path.join(FIXTURES, "policy-guardrails-a"), "resource-policies", options);
/** What the fixture's resource policies judge, the stack's account (111122223333) known from the provider's allowedAccountIds. */
const FLAGGED = [
    "bucket-access-point-account",
    "bucket-caller-account-key",
    "bucket-if-exists",
    "bucket-inline-public",
    "bucket-public-read",
    "bucket-tls-only-allow",
    "bucket-wildcard-arn",
    "default-provider-public",
    "endpoint-public",
    "key-other-account",
    "repo-other-account",
    "topic-not-principal",
    "topic-public",
];
const OTHER_ROOT = "arn:aws-us-gov:iam::444455556666:root";
const allow = (Principal: unknown, Condition?: Record<string, Record<string, unknown>>) => ({
    Effect: "Allow",
    Principal,
    Action: "*",
    Resource: "*",
    Condition,
});

describe(POLICY, function () {
    this.timeout(120_000);

    it("is a mandatory iam policy of critical severity, deferred on unknowns, with its config defaults", () => {
        const g = guardrails.find((x) => x.name === POLICY)!;
        assert.deepEqual([g.enforcementLevel, g.severity, g.tags, g.meta.unknowns], ["mandatory", "critical", ["iam"], "deferred"]);
        const props = g.configSchema!.properties;
        assert.deepEqual([props.allowedAccounts.default, props.additionalLimitingConditionKeys.default], [[], []]);
    });

    describe("reasoning (pure functions)", () => {
        it("the limiting keys: the global keys everywhere, kms:CallerAccount in key policies only; not aws:SecureTransport or kms:ViaService", () => {
            assert.deepEqual(
                LIMITING_CONDITION_KEYS.map((k) => k.key),
                [
                    "aws:PrincipalArn",
                    "aws:PrincipalAccount",
                    "aws:PrincipalOrgID",
                    "aws:PrincipalOrgPaths",
                    "aws:SourceAccount",
                    "aws:SourceArn",
                    "aws:SourceVpc",
                    "aws:SourceVpce",
                    "kms:CallerAccount",
                ],
            );
            assert.ok(limitingKeys(true).includes("kms:CallerAccount") && !limitingKeys(false).includes("kms:CallerAccount"));
            assert.ok(!limitingKeys(true).some((k) => /securetransport|viaservice/i.test(k)));
            assert.ok(limitingKeys(false, ["s3:DataAccessPointAccount"]).includes("s3:DataAccessPointAccount"));
        });

        it("a condition limits with a comparing operator (any case, ForAnyValue:) and a value that is not only wildcards", () => {
            const keys = limitingKeys(false);
            const limits = (Condition: Record<string, Record<string, unknown>>) => hasLimitingCondition(allow("*", Condition), keys);
            assert.ok(limits({ StringEquals: { "aws:PrincipalOrgID": "o-1" } }));
            assert.ok(limits({ stringlike: { "AWS:SOURCEARN": ["arn:aws:s3:::b", "*"] } }));
            assert.ok(limits({ "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": "o-1/r-1/*" } }));
            assert.ok(limits({ ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::1:role/x" } }));
            assert.ok(!limits({ StringEqualsIfExists: { "aws:SourceVpce": "vpce-1" } }), "IfExists admits requests without the key");
            assert.ok(!limits({ "ForAllValues:StringEquals": { "aws:PrincipalOrgPaths": "o-1/r-1/" } }), "ForAllValues admits requests without the key");
            assert.ok(!limits({ StringNotEquals: { "aws:PrincipalAccount": "111122223333" } }), "a negated operator admits everyone else");
            assert.ok(!limits({ Null: { "aws:PrincipalOrgID": "false" } }), "Null checks presence only");
            assert.ok(!limits({ StringLike: { "aws:PrincipalArn": ["*", "?*"] } }), "only wildcards");
            assert.ok(!limits({ Bool: { "aws:SecureTransport": "true" } }));
            assert.ok(!limits({ StringEquals: { "kms:CallerAccount": "1" } }), "kms:CallerAccount outside a key policy");
        });

        it("reads the account of AWS principals: ids, IAM and STS ARNs", () => {
            assert.equal(accountOfPrincipal("444455556666"), "444455556666");
            assert.equal(accountOfPrincipal(OTHER_ROOT), "444455556666");
            assert.equal(accountOfPrincipal("arn:aws:sts::444455556666:assumed-role/r/s"), "444455556666");
            assert.equal(accountOfPrincipal("AIDAEXAMPLE"), undefined);
            assert.equal(accountOfPrincipal("arn:aws:s3:::bucket"), undefined);
        });

        it("reports '*', {AWS: '*'}, NotPrincipal and other accounts' principals without a limiting condition; not Deny, services, or own accounts", () => {
            const keys = limitingKeys(false);
            const statements = [
                { Sid: "Public", ...allow("*") },
                allow({ AWS: ["arn:aws:iam::111122223333:root", OTHER_ROOT] }),
                allow({ Service: "logs.amazonaws.com" }),
                allow({ Service: "*" }),
                { Effect: "Deny", Principal: "*", Action: "*" },
                { Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "*" },
                allow({ AWS: "*" }, { StringEquals: { "aws:PrincipalAccount": "111122223333" } }),
            ];
            assert.deepEqual(
                unlimitedPrincipals(statements, ["111122223333"], keys).map((f) => `${f.statement}: ${f.principal}`),
                [
                    "Statement 'Public': \"*\" (anyone)",
                    `Statement[1]: AWS "${OTHER_ROOT}" (account 444455556666, not the stack's 111122223333)`,
                    'Statement[3]: Service "*" (anyone)',
                    'Statement[5]: everyone but NotPrincipal {"AWS":"arn:aws:iam::111122223333:root"}',
                ],
            );
            // The stack's account unknown: account principals are not judged, "*" still is.
            assert.deepEqual(
                unlimitedPrincipals(statements, [], keys).map((f) => f.statement),
                ["Statement 'Public'", "Statement[3]", "Statement[5]"],
            );
        });
    });

    it("flags the resource holding each policy: key, bucket (policy and inline), repository, topic and endpoint policies; not limited, service or Deny statements", async () => {
        const e = await fixture({ preview: false });
        assert.deepEqual(e.flagged(POLICY), [...FLAGGED, "bucket-computed"].sort());
        assert.ok(e.of(POLICY).every((v) => v.enforcementLevel === "mandatory"));
        const messages = ownMessages(e, POLICY);
        assert.match(
            messages.find((m) => m.includes("'key-other-account'"))!,
            /^aws:kms\/key:Key 'key-other-account' property policy: Statement\[1\] allows AWS "arn:aws-us-gov:iam::444455556666:root" \(account 444455556666, not the stack's 111122223333\) without a condition limiting who \(aws:PrincipalArn, .*, kms:CallerAccount\)\. In the resource's policy, name the principals/,
        );
        assert.match(
            messages.find((m) => m.includes("'bucket-public-read'"))!,
            /BucketPolicy 'bucket-public-read' property policy: Statement 'PublicRead' allows "\*" \(anyone\)/,
        );
        assert.match(
            messages.find((m) => m.includes("'repo-other-account'"))!,
            /Statement\[0\] allows AWS "arn:aws-us-gov:iam::444455556666:role\/ci"/,
        );
        assert.match(
            messages.find((m) => m.includes("'bucket-caller-account-key'"))!,
            /\(aws:PrincipalArn, [^)]*aws:SourceVpce\)\./,
            "no kms: key outside key policies",
        );
    });

    it("the stack's account: the provider's allowedAccountIds, else the policy config allowedAccounts; unknown, account principals are not judged", async () => {
        const e = await fixture({ preview: false });
        assert.ok(!e.flagged(POLICY).includes("key-account-unknown"), "default provider without allowedAccountIds");
        const configured = await fixture({ preview: false, policyConfig: { [POLICY]: { allowedAccounts: ["111122223333"] } } });
        assert.ok(configured.flagged(POLICY).includes("key-account-unknown"));
        const both = await fixture({ preview: false, policyConfig: { [POLICY]: { allowedAccounts: ["444455556666"] } } });
        assert.deepEqual(
            both.flagged(POLICY).filter((n) => n.startsWith("key") || n.startsWith("repo")),
            [],
            "the other account made the stack's own on the explicit provider too",
        );
    });

    it("takes additionalLimitingConditionKeys and its level from the policy pack config", async () => {
        const accessPoint = await fixture({ preview: false, policyConfig: { [POLICY]: { additionalLimitingConditionKeys: ["s3:DataAccessPointAccount"] } } });
        assert.ok(!accessPoint.flagged(POLICY).includes("bucket-access-point-account"));
        assert.equal(accessPoint.flagged(POLICY).length, FLAGGED.length);
        const advisory = await fixture({ policyConfig: { [POLICY]: "advisory" } });
        assert.ok(advisory.of(POLICY).length === FLAGGED.length && advisory.of(POLICY).every((v) => v.enforcementLevel === "advisory"));
        assert.deepEqual((await fixture({ policyConfig: { [POLICY]: "disabled" } })).flagged(POLICY), []);
    });

    it("defers a policy unknown in preview (not run on that resource) and judges the known ones", async () => {
        const e = await fixture();
        assert.deepEqual(e.notRunOn(POLICY), ["bucket-computed"]);
        assert.deepEqual(e.flagged(POLICY), FLAGGED);
    });

    describe("the repo's stacks", () => {
        it("are silent: the key policy delegates to the stack's own account root and CloudWatch Logs; the bucket policy only denies", async () => {
            for (const stack of ["govcloud", "commercial"]) {
                assertClean(await evaluateRepoStack(stack, { preview: false }), [POLICY], `${stack} update`);
                const preview = await evaluateRepoStack(stack);
                assert.deepEqual(preview.flagged(POLICY), [], stack);
                // The bucket policy embeds the bucket's ARN: unknown in preview.
                assert.deepEqual(preview.notRunOn(POLICY), ["artifacts-tls-only"], stack);
            }
        });

        it("with allowedAccountIds set, judge the key policy's account principal: silent for the stack's account, flagged (with the setting named) for another", async () => {
            const own = await evaluateRepoStack("govcloud", { preview: false, overrides: { allowedAccountIds: ["111122223333"] } });
            assertClean(own, [POLICY], "own account");
            const other = await evaluateRepoStack("govcloud", { preview: false, overrides: { allowedAccountIds: ["444455556666"] } });
            assert.deepEqual(other.flagged(POLICY), ["stack-key"]);
            assert.match(
                ownMessages(other, POLICY)[0],
                /Statement 'EnableIamPoliciesOfThisAccount' allows AWS "arn:aws-us-gov:iam::111122223333:root" \(account 111122223333, not the stack's 444455556666\).* In this program: the stack's account is the provider's allowedAccountIds \(setting allowedAccountIds\)/,
            );
        });
    });
});
