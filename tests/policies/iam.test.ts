/**
 * The iam family (policies/iam/): broad managed policies, wildcard actions, and SageMaker execution
 * role trust, on the repo's stacks and on fixture programs (tests/fixtures/policy-governance),
 * through @pulumi/policy's analyzer.
 */
import { strict as assert } from "assert";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { iamGuardrails } from "../../policies/iam";
import { DEFAULT_DENIED_MANAGED_POLICIES, deniedManagedPolicyArns } from "../../policies/iam/iamIdentityNoBroadManagedPolicies";
import { wildcardFindings } from "../../policies/iam/iamPolicyNoWildcardActions";
import { sageMakerTrustProblems } from "../../policies/iam/iamRoleTrustSagemakerOnly";
import { statementsWithoutSourceCondition } from "../../policies/iam/iamRoleTrustSourceAccount";
import { awsManagedPolicyName, statementsOf } from "../../policies/lib/iamDocuments";
import { errorsOf } from "./assertions";
import { Evaluation, EvaluateOptions, evaluateRepoStack, evaluateStack, FIXTURES } from "./harness";
import { familyOf } from "../../policies/lib/guardrail";
import { controlsOf } from "../../policies/lib/nist";

const MANAGED = "iam-identity-no-broad-managed-policies";
const WILDCARD = "iam-policy-no-wildcard-actions";
const TRUST = "iam-role-trust-sagemaker-only";
const SOURCE = "iam-role-trust-source-account";
const FAMILY = [MANAGED, WILDCARD, TRUST, SOURCE];

const trust = (Principal: unknown, extra: object = {}) => ({ Effect: "Allow", Principal, Action: "sts:AssumeRole", ...extra });

describe("iam family", function () {
    describe("metadata", function () {
        it("lists the policies with their levels, controls, remediation and unknown handling", function () {
            assert.deepEqual(
                iamGuardrails.map((g) => [g.name, g.enforcementLevel, g.meta.unknowns]),
                [
                    [MANAGED, "mandatory", "deferred"],
                    [WILDCARD, "mandatory", "deferred"],
                    [TRUST, "mandatory", "deferred"],
                    [SOURCE, "advisory", "deferred"],
                    ["iam-policy-no-pass-role-wildcard", "mandatory", "deferred"],
                    ["aws-resource-policy-principals-limited", "mandatory", "deferred"],
                ],
            );
            for (const g of iamGuardrails) {
                assert.equal(familyOf(g), "iam");
                assert.ok(controlsOf(g.framework).some((c) => c.startsWith("AC-")) && controlsOf(g.framework).every((c) => /^[A-Z]{2}-\d+(\(\d+\))?$/.test(c)));
                assert.ok(g.remediationSteps.length > 40 && g.meta.rationale.length > 40);
            }
        });
    });

    describe("reasoning (pure functions)", function () {
        it("matches AWS managed policies by name, in any partition and path", function () {
            assert.equal(awsManagedPolicyName("arn:aws-us-gov:iam::aws:policy/AdministratorAccess"), "AdministratorAccess");
            assert.equal(awsManagedPolicyName("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"), "ViewOnlyAccess");
            assert.equal(awsManagedPolicyName("arn:aws:iam::111122223333:policy/AdministratorAccess"), undefined);
            assert.deepEqual(
                deniedManagedPolicyArns(
                    ["arn:aws:iam::aws:policy/AmazonSageMakerFullAccess", "arn:aws:iam::aws:policy/AmazonSageMakerReadOnly"],
                    ["AmazonSageMakerFullAccess"],
                ),
                ["arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"],
            );
        });

        it("the default denied list: AdministratorAccess, PowerUserAccess and every *FullAccess policy, by pattern; read-only and scoped policies pass", function () {
            const arn = (name: string) => `arn:aws-us-gov:iam::aws:policy/${name}`;
            const broad = ["AdministratorAccess", "PowerUserAccess", "IAMFullAccess", "AmazonS3FullAccess", "AmazonSageMakerFullAccess"];
            const narrow = ["ReadOnlyAccess", "AmazonS3ReadOnlyAccess", "AmazonSageMakerReadOnly", "FullAccessReviewer", "CloudWatchAgentServerPolicy"];
            assert.deepEqual(deniedManagedPolicyArns([...broad, ...narrow].map(arn), DEFAULT_DENIED_MANAGED_POLICIES), broad.map(arn));
            assert.deepEqual(deniedManagedPolicyArns([arn("AmazonS3FullAccess")], ["Amazon*FullAccess"]), [arn("AmazonS3FullAccess")], "a configured pattern");
            assert.deepEqual(deniedManagedPolicyArns([arn("AmazonS3FullAccess")], ["S3FullAccess"]), [], "a name matches whole");
        });

        it("flags '*', '<service>:*' and NotAction in Allow statements only", function () {
            const statements = statementsOf({
                Statement: [
                    { Sid: "All", Effect: "Allow", Action: "*", Resource: "*" },
                    { Effect: "Allow", Action: ["s3:GetObject", "KMS:*", "s3:Get*"], Resource: "*" },
                    { Effect: "Allow", NotAction: "iam:*", Resource: "*" },
                    { Effect: "Deny", Action: "*", Resource: "*" },
                ],
            });
            assert.deepEqual(
                wildcardFindings(statements, []).map((f) => `${f.statement} ${f.problem}`),
                [
                    "Statement 'All' allows Action \"*\" (every action of every service)",
                    'Statement[1] allows Action "KMS:*" (every kms action)',
                    'Statement[2] allows by NotAction "iam:*" (every action not listed)',
                ],
            );
            assert.deepEqual(wildcardFindings(statements, ["kms"]).length, 2);
            assert.deepEqual(statementsOf(JSON.stringify({ Statement: { Effect: "Allow", Action: "s3:*" } })).length, 1);
        });

        it("recognizes SageMaker roles and judges their trust", function () {
            const sm = trust({ Service: "sagemaker.amazonaws.com" }, { Condition: { StringEquals: { "aws:SourceAccount": "1" } } });
            assert.deepEqual(sageMakerTrustProblems([sm], []), []);
            assert.deepEqual(sageMakerTrustProblems([trust({ Service: "lambda.amazonaws.com" }), trust("*")], []), [], "not a SageMaker role");
            assert.deepEqual(sageMakerTrustProblems([sm, trust("*")], []), ['Statement[1] also trusts "*" (anyone)']);
            assert.deepEqual(sageMakerTrustProblems([sm, trust({ AWS: "*" })], ["*"]), ['Statement[1] also trusts AWS "*" (anyone)']);
            assert.deepEqual(sageMakerTrustProblems([{ ...sm, NotPrincipal: { AWS: "x" } }], []), [
                'Statement[0] allows by NotPrincipal {"AWS":"x"} (everyone not listed)',
            ]);
            assert.deepEqual(sageMakerTrustProblems([sm, trust({ Service: "ec2.amazonaws.com" })], []), [
                'Statement[1] also trusts Service "ec2.amazonaws.com"',
            ]);
            // Only the service principal is SageMaker: the same name as another kind of principal is not.
            assert.deepEqual(sageMakerTrustProblems([sm, trust({ AWS: "sagemaker.amazonaws.com" })], []), [
                'Statement[1] also trusts AWS "sagemaker.amazonaws.com"',
            ]);
            assert.deepEqual(sageMakerTrustProblems([trust({ AWS: "sagemaker.amazonaws.com" }), trust("*")], []), [], "not a SageMaker role either");
            // A Deny narrows the trust; its principals are not trusted.
            assert.deepEqual(
                sageMakerTrustProblems(
                    [sm, { Effect: "Deny", Principal: "*", Action: "sts:AssumeRole", Condition: { Bool: { "aws:SecureTransport": "false" } } }],
                    [],
                ),
                [],
            );
            assert.deepEqual(statementsWithoutSourceCondition([sm, trust({ Service: "sagemaker.amazonaws.com" })]), ["Statement[1]"]);
            assert.deepEqual(
                statementsWithoutSourceCondition([
                    trust({ Service: "sagemaker.amazonaws.com" }, { Condition: { StringEquals: "aws:SourceAccount", Null: null } }),
                ]),
                ["Statement[0]"],
                "a malformed condition limits nothing",
            );
            assert.deepEqual(
                statementsWithoutSourceCondition([trust({ Service: ["sagemaker.amazonaws.com"] }, { Condition: { ArnLike: { "AWS:SOURCEARN": "x" } } })]),
                [],
            );
        });
    });

    describe("the repo's stacks", function () {
        it("pass every iam policy, in preview and in an update", async function () {
            for (const stack of ["govcloud", "commercial"]) {
                for (const preview of [true, false]) {
                    const e = await evaluateRepoStack(stack, { preview });
                    assert.deepEqual(
                        mine(e.result.violations).map((v) => v.message),
                        [],
                        `${stack} preview=${preview}`,
                    );
                    assert.deepEqual(errorsOf(e, FAMILY), []);
                    // In preview the role policies embed ARNs of in-stack resources: the wildcard check defers them.
                    const notRun = mine(e.result.notRun);
                    if (preview)
                        assert.ok(
                            notRun.length > 0 && notRun.every((n) => n.policyName === WILDCARD && n.resourceType === "aws:iam/rolePolicy:RolePolicy"),
                            JSON.stringify(notRun),
                        );
                    else assert.deepEqual(notRun, []);
                }
            }
        });

        it("see the program's SageMaker roles and the KMS key's kms:* root statement (out of scope)", async function () {
            // A key neither trust policy uses shows the check reads both the execution and the notebook role; the
            // execution role has the inference form (aws:SourceArn only), the notebook role both keys.
            const e = await evaluateRepoStack("govcloud", { policyConfig: { [SOURCE]: { conditionKeys: ["aws:SourceIdentity"] } } });
            assert.deepEqual(e.flagged(SOURCE), ["llama-3-1-8b-instruct-execution", "research-role"]);
            const accountOnly = await evaluateRepoStack("govcloud", { policyConfig: { [SOURCE]: { conditionKeys: ["aws:SourceAccount"] } } });
            assert.deepEqual(accountOnly.flagged(SOURCE), ["llama-3-1-8b-instruct-execution"]);
            const key = e.run.result.resources.find((r) => r.type === "aws:kms/key:Key")!;
            assert.match(String(key.inputs.policy), /"Action":"kms:\*"/);
            assert.deepEqual(e.flagged(WILDCARD), []);
        });
    });

    describe(MANAGED, function () {
        it("flags AdministratorAccess and AmazonSageMakerFullAccess on a role, an attachment and a policy attachment", async function () {
            const e = await fixture("iam-managed");
            assert.deepEqual(e.flagged(MANAGED), ["admin-everywhere", "admin-role", "sagemaker-full"]);
            const role = e.of(MANAGED).find((v) => v.resourceName === "admin-role")!;
            assert.equal(role.enforcementLevel, "mandatory");
            assert.match(
                role.message,
                /aws:iam\/role:Role 'admin-role' property managedPolicyArns attaches "arn:aws-us-gov:iam::aws:policy\/AdministratorAccess" \(AdministratorAccess\)\. Detach the managed policy/,
            );
        });

        it("defers an ARN unknown in preview (not run) and checks it in an update", async function () {
            const preview = await fixture("iam-managed");
            assert.deepEqual(preview.notRunOn(MANAGED), ["computed"]);
            const update = await fixture("iam-managed", { preview: false });
            assert.deepEqual(update.flagged(MANAGED), ["admin-everywhere", "admin-role", "computed", "sagemaker-full"]);
            assert.deepEqual(update.notRunOn(MANAGED), []);
        });

        it("takes its level and deniedManagedPolicies from the policy pack config", async function () {
            const advisory = await fixture("iam-managed", { policyConfig: { [MANAGED]: "advisory" } });
            assert.deepEqual(
                advisory.of(MANAGED).map((v) => v.enforcementLevel),
                ["advisory", "advisory", "advisory"],
            );
            assert.deepEqual((await fixture("iam-managed", { policyConfig: { [MANAGED]: { enforcementLevel: "disabled" } } })).flagged(MANAGED), []);
            assert.deepEqual(
                (await fixture("iam-managed", { policyConfig: { [MANAGED]: { deniedManagedPolicies: ["AmazonS3ReadOnlyAccess"] } } })).flagged(MANAGED),
                ["read-only"],
            );
        });
    });

    describe(WILDCARD, function () {
        it("flags Action '*', '<service>:*' and NotAction in IAM policies, role policies and inline policies; not key policies, Deny, or an empty inline block", async function () {
            const e = await fixture("iam-wildcards");
            assert.deepEqual(e.flagged(WILDCARD), ["inline", "not-action", "object-document", "s3-star", "star"]);
            assert.ok(
                e.run.result.resources.some((r) => r.name === "no-inline-policies"),
                "the role with an empty inline block (which removes inline policies) is in the stack",
            );
            assert.match(
                e.of(WILDCARD).find((v) => v.resourceName === "star")!.message,
                /aws:iam\/policy:Policy 'star' property policy: Statement\[0\] allows Action "\*" \(every action of every service\)\. List the specific actions/,
            );
            assert.match(
                e.of(WILDCARD).find((v) => v.resourceName === "inline")!.message,
                /property inlinePolicies\[1\]\.policy: Statement\[0\] allows Action "iam:\*"/,
            );
        });

        it("flags Action '*' in users' and groups' inline policies (aws.iam.UserPolicy, aws.iam.GroupPolicy), not their scoped ones", async function () {
            const e = await fixture("iam-user-group");
            assert.deepEqual(e.flagged(WILDCARD), ["group-star", "user-star"]);
            assert.match(
                e.of(WILDCARD).find((v) => v.resourceName === "user-star")!.message,
                /aws:iam\/userPolicy:UserPolicy 'user-star' property policy: Statement\[0\] allows Action "\*" \(every action of every service\)/,
            );
            assert.match(
                e.of(WILDCARD).find((v) => v.resourceName === "group-star")!.message,
                /aws:iam\/groupPolicy:GroupPolicy 'group-star' property policy: Statement\[0\] allows Action "\*" \(every action of every service\)/,
            );
        });

        it("a document that is not JSON is reported as one IAM will reject", async function () {
            const notJson: pulumi.ResourceTransformation = (a) =>
                a.type === "aws:iam/rolePolicy:RolePolicy" && a.name === "research-role"
                    ? { props: { ...a.props, policy: "{not json" }, opts: a.opts }
                    : undefined;
            const e = await evaluateRepoStack("govcloud", { preview: false, transformations: [notJson] });
            assert.deepEqual(e.flagged(WILDCARD), ["research-role"]);
            assert.match(
                e.of(WILDCARD)[0].message,
                /aws:iam\/rolePolicy:RolePolicy 'research-role' property policy is not valid JSON \(.*\); IAM will reject it\. List the specific actions/,
            );
        });

        it("defers a document unknown in preview (not run) and checks it in an update", async function () {
            const preview = await fixture("iam-wildcards");
            assert.deepEqual(preview.notRunOn(WILDCARD), ["computed"]);
            const update = await fixture("iam-wildcards", { preview: false });
            assert.deepEqual(update.flagged(WILDCARD), ["computed", "inline", "not-action", "object-document", "s3-star", "star"]);
        });

        it("takes its level and allowedServiceWildcards from the policy pack config", async function () {
            const advisory = await fixture("iam-wildcards", { policyConfig: { [WILDCARD]: { enforcementLevel: "advisory" } } });
            assert.ok(advisory.of(WILDCARD).length === 5 && advisory.of(WILDCARD).every((v) => v.enforcementLevel === "advisory"));
            assert.deepEqual((await fixture("iam-wildcards", { policyConfig: { [WILDCARD]: "disabled" } })).flagged(WILDCARD), []);
            const s3AndIam = await fixture("iam-wildcards", { preview: false, policyConfig: { [WILDCARD]: { allowedServiceWildcards: ["s3", "iam"] } } });
            assert.deepEqual(s3AndIam.flagged(WILDCARD), ["not-action", "object-document", "star"]);
        });
    });

    describe(TRUST, function () {
        it("flags SageMaker roles also trusted by another service, an account's role, or anyone; other roles are out of scope", async function () {
            const e = await fixture("iam-trust");
            assert.deepEqual(e.flagged(TRUST), ["sagemaker-and-anyone", "sagemaker-and-ci", "sagemaker-and-ec2"]);
            assert.match(
                e.of(TRUST).find((v) => v.resourceName === "sagemaker-and-ec2")!.message,
                /assumeRolePolicy: Statement\[0\] also trusts Service "ec2\.amazonaws\.com"\. Trust only/,
            );
            assert.match(e.of(TRUST).find((v) => v.resourceName === "sagemaker-and-anyone")!.message, /Statement\[1\] also trusts "\*" \(anyone\)/);
        });

        it("defers a trust policy unknown in preview (not run), as JSON text or as an object whose statements are unknown, and checks it in an update", async function () {
            assert.deepEqual((await fixture("iam-trust")).notRunOn(TRUST), ["sagemaker-computed", "sagemaker-object-computed"]);
            const update = await fixture("iam-trust", { preview: false });
            assert.deepEqual(update.flagged(TRUST), [
                "sagemaker-and-anyone",
                "sagemaker-and-ci",
                "sagemaker-and-ec2",
                "sagemaker-computed",
                "sagemaker-object-computed",
            ]);
        });

        it("a trust policy IAM rejects (not JSON, or JSON that is no document) is no finding of the trust policies and no error", async function () {
            for (const preview of [true, false]) {
                const e = await fixture("iam-trust", { preview });
                for (const policy of [TRUST, SOURCE]) {
                    assert.ok(!e.flagged(policy).some((name) => name.startsWith("trust-not-")), `${policy} preview=${preview}`);
                    assert.ok(!e.notRunOn(policy).some((name) => name.startsWith("trust-not-")), `${policy} preview=${preview}`);
                }
                assert.deepEqual(errorsOf(e, [TRUST, SOURCE]), [], `preview=${preview}`);
            }
        });

        it("takes its level and additionalTrustedPrincipals from the policy pack config ('*' is never accepted)", async function () {
            const advisory = await fixture("iam-trust", { policyConfig: { [TRUST]: "advisory" } });
            assert.deepEqual(
                advisory.of(TRUST).map((v) => v.enforcementLevel),
                ["advisory", "advisory", "advisory"],
            );
            assert.deepEqual((await fixture("iam-trust", { policyConfig: { [TRUST]: { enforcementLevel: "disabled" } } })).flagged(TRUST), []);
            const ci = await fixture("iam-trust", {
                policyConfig: { [TRUST]: { additionalTrustedPrincipals: ["arn:aws-us-gov:iam::111122223333:role/ci", "*", "ec2.amazonaws.com"] } },
            });
            assert.deepEqual(ci.flagged(TRUST), ["sagemaker-and-anyone"]);
        });
    });

    describe(SOURCE, function () {
        it("warns (advisory) about a SageMaker trust statement without aws:SourceAccount or aws:SourceArn", async function () {
            const e = await fixture("iam-trust");
            assert.deepEqual(e.flagged(SOURCE), ["sagemaker-no-condition"]);
            assert.equal(e.of(SOURCE)[0].enforcementLevel, "advisory");
            assert.match(
                e.of(SOURCE)[0].message,
                /Statement\[0\] trusts sagemaker\.amazonaws\.com with no aws:SourceAccount or aws:SourceArn condition\. Add a condition/,
            );
        });

        it("defers a trust policy unknown in preview (not run) and checks it in an update", async function () {
            assert.deepEqual((await fixture("iam-trust")).notRunOn(SOURCE), ["sagemaker-computed", "sagemaker-object-computed"]);
            assert.deepEqual((await fixture("iam-trust", { preview: false })).flagged(SOURCE), [
                "sagemaker-computed",
                "sagemaker-no-condition",
                "sagemaker-object-computed",
            ]);
        });

        it("takes its level and conditionKeys from the policy pack config", async function () {
            const mandatory = await fixture("iam-trust", { policyConfig: { [SOURCE]: "mandatory" } });
            assert.deepEqual(
                mandatory.of(SOURCE).map((v) => v.enforcementLevel),
                ["mandatory"],
            );
            assert.deepEqual((await fixture("iam-trust", { policyConfig: { [SOURCE]: "disabled" } })).flagged(SOURCE), []);
            const arnOnly = await fixture("iam-trust", { policyConfig: { [SOURCE]: { conditionKeys: ["aws:SourceArn"] } } });
            assert.deepEqual(arnOnly.flagged(SOURCE), [
                "sagemaker-and-anyone",
                "sagemaker-and-ci",
                "sagemaker-and-ec2",
                "sagemaker-no-condition",
                "sagemaker-ok",
            ]);
        });
    });
});

// ------------------------------------------------------------------------------------------------
// Helpers
// ------------------------------------------------------------------------------------------------

function fixture(stack: string, options?: EvaluateOptions): Promise<Evaluation> {
    return evaluateStack(path.join(FIXTURES, "policy-governance"), stack, options);
}

function mine<T extends { policyName: string }>(items: T[]): T[] {
    return items.filter((i) => FAMILY.includes(i.policyName));
}
