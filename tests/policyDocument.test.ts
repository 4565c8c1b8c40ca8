/**
 * The offline `aws.iam.getPolicyDocument` (offline/policyDocument.ts) against the outputs the AWS
 * provider documents (hashicorp/terraform-provider-aws `website/docs/d/iam_policy_document.html.markdown`,
 * checked 2026-12-02) and its rendering rules (`internal/service/iam/policy_model.go`). The website's
 * examples were written before `Sid` became `omitempty`: they show `"Sid": ""`, which the current
 * provider leaves out, so the comparisons drop empty Sids from the documented output.
 */
import { strict as assert } from "assert";
import { UNKNOWN } from "../offline/mockRun";
import { policyDocument } from "../offline/policyDocument";

function documented(doc: { Version: string; Statement: Record<string, unknown>[] }): string {
    return JSON.stringify(
        { ...doc, Statement: doc.Statement.map((s) => Object.fromEntries(Object.entries(s).filter(([k, v]) => !(k === "Sid" && v === "")))) },
        null,
        2,
    );
}

const json = (inputs: Record<string, unknown>) => String(policyDocument(inputs).json);
const statementOf = (inputs: Record<string, unknown>) => (JSON.parse(json(inputs)) as { Statement: Record<string, unknown>[] }).Statement[0];

describe("offline aws.iam.getPolicyDocument", function () {
    it("renders the documented multiple-condition-keys example: actions sorted in reverse, condition keys sorted, single values as strings", function () {
        const out = json({
            statements: [
                {
                    actions: ["kms:Decrypt", "kms:GenerateDataKey"],
                    resources: ["*"],
                    conditions: [
                        { test: "ForAnyValue:StringEquals", variable: "kms:EncryptionContext:service", values: ["pi"] },
                        { test: "ForAnyValue:StringEquals", variable: "kms:EncryptionContext:aws:pi:service", values: ["rds"] },
                    ],
                },
            ],
        });
        assert.equal(
            out,
            documented({
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "",
                        Effect: "Allow",
                        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
                        Resource: "*",
                        Condition: { "ForAnyValue:StringEquals": { "kms:EncryptionContext:aws:pi:service": "rds", "kms:EncryptionContext:service": "pi" } },
                    },
                ],
            }),
        );
    });

    it("merges a source document under the statements given, the Sid of the later one winning (documented source example)", function () {
        const source = json({
            statements: [
                { actions: ["ec2:*"], resources: ["*"] },
                { sid: "SidToOverride", actions: ["s3:*"], resources: ["*"] },
            ],
        });
        const out = json({
            sourcePolicyDocuments: [source],
            statements: [{ sid: "SidToOverride", actions: ["s3:*"], resources: ["arn:aws:s3:::somebucket", "arn:aws:s3:::somebucket/*"] }],
        });
        assert.equal(
            out,
            documented({
                Version: "2012-10-17",
                Statement: [
                    { Sid: "", Effect: "Allow", Action: "ec2:*", Resource: "*" },
                    { Sid: "SidToOverride", Effect: "Allow", Action: "s3:*", Resource: ["arn:aws:s3:::somebucket/*", "arn:aws:s3:::somebucket"] },
                ],
            }),
        );
    });

    it("lets override documents replace statements by Sid (documented override and source-plus-override examples)", function () {
        const override = json({ statements: [{ sid: "SidToOverride", actions: ["s3:*"], resources: ["*"] }] });
        assert.equal(
            json({
                overridePolicyDocuments: [override],
                statements: [
                    { actions: ["ec2:*"], resources: ["*"] },
                    { sid: "SidToOverride", actions: ["s3:*"], resources: ["arn:aws:s3:::somebucket", "arn:aws:s3:::somebucket/*"] },
                ],
            }),
            documented({
                Version: "2012-10-17",
                Statement: [
                    { Sid: "", Effect: "Allow", Action: "ec2:*", Resource: "*" },
                    { Sid: "SidToOverride", Effect: "Allow", Action: "s3:*", Resource: "*" },
                ],
            }),
        );
        const politik = json({
            sourcePolicyDocuments: [json({ statements: [{ sid: "OverridePlaceholder", actions: ["ec2:DescribeAccountAttributes"], resources: ["*"] }] })],
            overridePolicyDocuments: [json({ statements: [{ sid: "OverridePlaceholder", actions: ["s3:GetObject"], resources: ["*"] }] })],
        });
        assert.equal(
            politik,
            documented({ Version: "2012-10-17", Statement: [{ Sid: "OverridePlaceholder", Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] }),
        );
    });

    it("merges several source documents in order (documented merging example) and refuses a Sid twice among them", function () {
        const one = json({
            statements: [
                { actions: ["ec2:*"], resources: ["*"] },
                { sid: "UniqueSidOne", actions: ["s3:*"], resources: ["*"] },
            ],
        });
        const two = json({
            statements: [
                { sid: "UniqueSidTwo", actions: ["iam:*"], resources: ["*"] },
                { actions: ["lambda:*"], resources: ["*"] },
            ],
        });
        assert.equal(
            json({ sourcePolicyDocuments: [one, two] }),
            documented({
                Version: "2012-10-17",
                Statement: [
                    { Sid: "", Effect: "Allow", Action: "ec2:*", Resource: "*" },
                    { Sid: "UniqueSidOne", Effect: "Allow", Action: "s3:*", Resource: "*" },
                    { Sid: "UniqueSidTwo", Effect: "Allow", Action: "iam:*", Resource: "*" },
                    { Sid: "", Effect: "Allow", Action: "lambda:*", Resource: "*" },
                ],
            }),
        );
        assert.throws(() => policyDocument({ sourcePolicyDocuments: [one, one] }), /duplicate Sid \(UniqueSidOne\)/);
        assert.throws(() => policyDocument({ statements: [{ sid: "A" }, { sid: "A" }] }), /duplicate Sid \(A\)/);
    });

    it("renders principals: {'*': ['*']} as \"*\", AWS '*' as an object, types sorted, identifiers of one type joined in reverse order", function () {
        assert.equal(statementOf({ statements: [{ actions: ["s3:GetObject"], principals: [{ type: "*", identifiers: ["*"] }] }] }).Principal, "*");
        assert.deepEqual(statementOf({ statements: [{ actions: ["s3:GetObject"], principals: [{ type: "AWS", identifiers: ["*"] }] }] }).Principal, {
            AWS: "*",
        });
        const principal = statementOf({
            statements: [
                {
                    actions: ["sts:AssumeRole"],
                    principals: [
                        { type: "Service", identifiers: ["firehose.amazonaws.com"] },
                        { type: "AWS", identifiers: ["arn:aws:iam::111122223333:role/trusted"] },
                        { type: "Federated", identifiers: ["arn:aws:iam::111122223333:saml-provider/corp", "cognito-identity.amazonaws.com"] },
                    ],
                },
            ],
        }).Principal;
        assert.equal(
            JSON.stringify(principal),
            JSON.stringify({
                AWS: "arn:aws:iam::111122223333:role/trusted",
                Federated: ["cognito-identity.amazonaws.com", "arn:aws:iam::111122223333:saml-provider/corp"],
                Service: "firehose.amazonaws.com",
            }),
        );
        const joined = statementOf({
            statements: [
                {
                    actions: ["sts:AssumeRole"],
                    notPrincipals: [
                        { type: "AWS", identifiers: ["111122223333"] },
                        { type: "AWS", identifiers: ["444455556666"] },
                    ],
                },
            ],
        });
        assert.deepEqual(joined.NotPrincipal, { AWS: ["111122223333", "444455556666"] });
    });

    it("keeps the statement key order and defaults, replaces &{ with ${, and keeps condition values in the order given", function () {
        const statement = statementOf({
            version: "2012-10-17",
            statements: [
                {
                    sid: "Home",
                    effect: "Deny",
                    notActions: ["s3:GetObject", "s3:GetObject"],
                    notResources: ["arn:aws:s3:::b/home/&{aws:username}/*"],
                    conditions: [{ test: "StringLike", variable: "s3:prefix", values: ["", "home/", "home/&{aws:username}/"] }],
                },
            ],
        });
        assert.deepEqual(Object.keys(statement), ["Sid", "Effect", "NotAction", "NotResource", "Condition"]);
        assert.equal(statement.NotAction, "s3:GetObject");
        assert.equal(statement.NotResource, "arn:aws:s3:::b/home/${aws:username}/*");
        assert.deepEqual(statement.Condition, { StringLike: { "s3:prefix": ["", "home/", "home/${aws:username}/"] } });
        assert.equal(statementOf({ statements: [{ actions: ["s3:GetObject"] }] }).Effect, "Allow");
        assert.throws(
            () => policyDocument({ version: "2008-10-17", statements: [{ resources: ["arn:aws:s3:::b/&{aws:username}"] }] }),
            /not supported in document version 2008-10-17/,
        );
    });

    it("gives json (indented), minifiedJson (Go's escaping) and id (CRC-32 of json) with Version, Id and no empty Statement", function () {
        const out = policyDocument({ policyId: "p1", statements: [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::a&b"] }] });
        assert.equal(
            out.minifiedJson,
            '{"Version":"2012-10-17","Id":"p1","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::a\\u0026b"}]}',
        );
        assert.match(String(out.json), /^\{\n {2}"Version": "2012-10-17",\n {2}"Id": "p1",\n {2}"Statement": \[\n {4}\{\n/);
        assert.match(String(out.id), /^\d+$/);
        assert.notEqual(out.id, policyDocument({ statements: [{ actions: ["s3:PutObject"] }] }).id);
        assert.equal(policyDocument({}).minifiedJson, '{"Version":"2012-10-17"}');
    });

    it('re-renders merged documents as the provider parses them: lists as written, Principal "*", conditions normalised, non-string values dropped', function () {
        const source = JSON.stringify({
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "Written",
                    Effect: "Allow",
                    Action: ["s3:GetObject", "s3:PutObject"],
                    Resource: [],
                    Principal: "*",
                    Condition: {
                        Bool: { "aws:SecureTransport": true },
                        NumericLessThan: { "s3:max-keys": 10 },
                        StringEquals: { "aws:SourceAccount": ["111122223333"] },
                    },
                },
            ],
        });
        const statement = statementOf({ sourcePolicyDocuments: [source] });
        assert.deepEqual(statement, {
            Sid: "Written",
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:PutObject"],
            Resource: [],
            Principal: "*",
            Condition: { Bool: { "aws:SecureTransport": "true" }, StringEquals: { "aws:SourceAccount": "111122223333" } },
        });
        assert.throws(() => policyDocument({ overridePolicyDocuments: ["{"] }), /merging override document 0/);
    });

    it("answers unknown when any input is unknown (a preview, before the inputs are known)", function () {
        for (const inputs of [
            { statements: [{ actions: ["s3:GetObject"], resources: [UNKNOWN] }] },
            { sourcePolicyDocuments: [UNKNOWN] },
            { statements: [{ principals: [{ type: "AWS", identifiers: [UNKNOWN] }] }] },
        ]) {
            assert.deepEqual(policyDocument(inputs), { json: UNKNOWN, minifiedJson: UNKNOWN, id: UNKNOWN });
        }
    });
});
