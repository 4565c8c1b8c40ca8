/**
 * The secrets family (policies/secrets/) through @pulumi/policy's own analyzer: this repo's stacks,
 * the Hub-token variant whose token is a Pulumi secret, and the fixture program's model-env stack
 * (tests/fixtures/policy-encryption) for literal credentials the real program cannot produce.
 */
import { strict as assert } from "assert";
import * as path from "path";
import { isCredentialName, isLiteralCredentialValue } from "../../policies/lib/secretsCredentials";
import { secretsGuardrails } from "../../policies/secrets";
import { credentialFinding } from "../../policies/secrets/sagemakerModelEnvNoCredentials";
import { assertClean, levels, notRunProperties } from "./assertions";
import { EvaluateOptions, Evaluation, evaluateRepoStack, evaluateStack, FIXTURES } from "./harness";
import { familyOf } from "../../policies/lib/guardrail";
import { controlsOf } from "../../policies/lib/nist";

const FIXTURE = path.join(FIXTURES, "policy-encryption");
const MINE = new Set(secretsGuardrails.map((g) => g.name));
const NO_CREDENTIALS = "sagemaker-model-env-no-credentials";
const EXPOSURE = "sagemaker-model-env-credential-exposure";

const HUB_TOKEN = "hf_exampletoken1234567890abcdef";
/** Mistral-7B from the Hub on the commercial stack's default engine, vLLM: the token is HF_TOKEN. */
const HUB_VARIANT: EvaluateOptions = {
    overrides: { egress: "nat", huggingFaceToken: HUB_TOKEN, models: [{ id: "mistral-7b-instruct", weightsSource: "hub" }] },
    secretOverrides: ["huggingFaceToken"],
};
/** The same on TGI, whose token variable is HUGGING_FACE_HUB_TOKEN. */
const HUB_VARIANT_TGI: EvaluateOptions = {
    ...HUB_VARIANT,
    overrides: { ...HUB_VARIANT.overrides, models: [{ id: "mistral-7b-instruct", engine: "tgi", weightsSource: "hub" }] },
};
/** Credential values the fixture writes literally; no message may repeat them. */
const FIXTURE_SECRETS = [
    HUB_TOKEN,
    "AKIAIOSFODNN7EXAMPLE",
    "correct-horse-battery",
    "literal-api-key-value",
    "hf_computedtoken1234567890abcdef",
    "glpat-abcdefghij0123456789",
];

/** The fixture program's model-env stack. */
const fixture = (options?: EvaluateOptions) => evaluateStack(FIXTURE, "model-env", options);

function flagged(e: Evaluation, policy: string): string[] {
    return e
        .of(policy)
        .map((v) => `${v.resourceName} ${v.message.split("\n")[1].split(" ")[0]}`)
        .sort();
}
function assertNoValueRepeated(e: Evaluation): void {
    for (const v of e.result.violations.filter((x) => MINE.has(x.policyName))) {
        for (const secret of FIXTURE_SECRETS) assert.ok(!v.message.includes(secret), `${v.policyName} repeats a credential value`);
    }
}

const LITERALS_FOUND = [
    "aws-access-key containers[0].environment.AWS_ACCESS_KEY_ID",
    "computed-token primaryContainer.environment.SERVICE_API_KEY",
    "literal-hub-token primaryContainer.environment.HUGGING_FACE_HUB_TOKEN",
    "named-password primaryContainer.environment.DB_PASSWORD",
];

describe("secrets policies", function () {
    this.timeout(120_000);

    it("every policy carries its metadata; the mandatory one has extraPatterns and secretSourcedVariables, both empty by default", () => {
        assert.deepEqual(
            secretsGuardrails.map((g) => [g.name, g.enforcementLevel]),
            [
                [NO_CREDENTIALS, "mandatory"],
                [EXPOSURE, "advisory"],
            ],
        );
        for (const g of secretsGuardrails) {
            assert.equal(familyOf(g), "secrets");
            assert.ok(controlsOf(g.framework).includes("IA-5(7)"), g.name);
            assert.ok(g.remediationSteps.length > 20 && g.meta.rationale.length > 20, g.name);
        }
        const props = secretsGuardrails[0].configSchema!.properties;
        assert.deepEqual([props.extraPatterns.default, props.secretSourcedVariables.default], [[], []]);
    });

    it("recognizes credential names by word, not substring", () => {
        for (const name of [
            "HUGGING_FACE_HUB_TOKEN",
            "HF_TOKEN",
            "hfToken",
            "DB_PASSWORD",
            "SERVICE_API_KEY",
            "ApiKey",
            "AWS_SECRET_ACCESS_KEY",
            "CLIENT_SECRET",
            "OPENAI_APIKEY",
        ]) {
            assert.ok(isCredentialName(name), name);
        }
        for (const name of [
            "MAX_INPUT_TOKENS",
            "MAX_TOTAL_TOKENS",
            "MAX_BATCH_PREFILL_TOKENS",
            "TOKENIZERS_PARALLELISM",
            "HF_MODEL_ID",
            "SM_NUM_GPUS",
            "HF_TOKEN_PATH",
            "TOKEN_SECRET_ARN",
            "KEY_ID",
        ]) {
            assert.ok(!isCredentialName(name), name);
        }
        for (const flag of ["", "1", "true", "false", "arn:aws-us-gov:secretsmanager:us-gov-west-1:111122223333:secret:x"])
            assert.ok(!isLiteralCredentialValue(flag), flag);
        assert.ok(isLiteralCredentialValue("hunter2hunter2"));
    });

    it("an AWS access key is reported even in a variable attested as secret-sourced; a Hub token there is not", () => {
        const aws = { path: "p.X", name: "X", value: "AKIAIOSFODNN7EXAMPLE" };
        const hub = { path: "p.HF_TOKEN", name: "HF_TOKEN", value: HUB_TOKEN };
        assert.match(credentialFinding(aws, [], ["X"])!, /AWS access key ID/);
        assert.equal(credentialFinding(hub, [], ["HF_TOKEN"]), undefined);
        assert.match(credentialFinding(hub, [], [])!, /Hugging Face access token/);
        assert.ok(!credentialFinding(hub, [], [])!.includes(HUB_TOKEN), "the value is redacted");
    });

    describe("this repo's stacks as they are: no violations, no errors, nothing deferred", () => {
        for (const stack of ["govcloud", "commercial"]) {
            for (const preview of [true, false]) {
                it(`${stack}, ${preview ? "preview" : "update"}`, async () => {
                    const e = await evaluateRepoStack(stack, { preview });
                    assertClean(e, [...MINE], `${stack} preview=${preview}`);
                });
            }
        }
    });

    describe(NO_CREDENTIALS, () => {
        it("compliant: TGI settings, a disable-token flag, a token path and a Secrets Manager ARN are not credentials", async () => {
            const e = await fixture({ preview: false });
            assert.ok(!flagged(e, NO_CREDENTIALS).some((f) => f.startsWith("clean ")));
            assert.ok(!flagged(e, NO_CREDENTIALS).some((f) => f.startsWith("custom-token-format ")), "no built-in pattern for a GitLab token");
        });

        it("violating: a literal Hub token, an AWS access key in containers[], a password; values are never repeated", async () => {
            const e = await fixture();
            assert.deepEqual(flagged(e, NO_CREDENTIALS), LITERALS_FOUND);
            assert.deepEqual(levels(e, NO_CREDENTIALS), ["mandatory"]);
            const hub = e.of(NO_CREDENTIALS).find((v) => v.resourceName === "literal-hub-token")!;
            assert.match(
                hub.message,
                /HUGGING_FACE_HUB_TOKEN holds a Hugging Face access token \(hf_\.\.\.\) <redacted, 31 characters>\. SageMaker returns it in clear from DescribeModel\. Remove the credential/,
            );
            assertNoValueRepeated(e);
        });

        it("a Hub token from a Pulumi secret (the program's huggingFaceToken) is reported too: the analyzer cannot tell it from a literal", async () => {
            for (const preview of [true, false]) {
                const e = await evaluateRepoStack("commercial", { ...HUB_VARIANT, preview });
                assert.deepEqual(flagged(e, NO_CREDENTIALS), ["mistral-7b-instruct-model primaryContainer.environment.HF_TOKEN"]);
                assert.ok(!e.of(NO_CREDENTIALS)[0].message.includes(HUB_TOKEN));
                const tgi = await evaluateRepoStack("commercial", { ...HUB_VARIANT_TGI, preview });
                assert.deepEqual(flagged(tgi, NO_CREDENTIALS), ["mistral-7b-instruct-model primaryContainer.environment.HUGGING_FACE_HUB_TOKEN"]);
                assert.ok(!tgi.of(NO_CREDENTIALS)[0].message.includes(HUB_TOKEN));
            }
        });

        it("config secretSourcedVariables: the stack owner attests the Hub token's source; only the advisory policy reports it then", async () => {
            const e = await evaluateRepoStack("commercial", {
                ...HUB_VARIANT,
                policyConfig: { [NO_CREDENTIALS]: { secretSourcedVariables: ["HF_TOKEN"] } },
            });
            assert.deepEqual(e.of(NO_CREDENTIALS), []);
            assert.deepEqual(levels(e, EXPOSURE), ["advisory"]);
            assert.deepEqual(
                e.result.violations.filter((v) => MINE.has(v.policyName) && v.enforcementLevel === "mandatory"),
                [],
            );
            // The attestation names the variable the engine reads: TGI's name does not cover vLLM's.
            const otherName = await evaluateRepoStack("commercial", {
                ...HUB_VARIANT,
                policyConfig: { [NO_CREDENTIALS]: { secretSourcedVariables: ["HUGGING_FACE_HUB_TOKEN"] } },
            });
            assert.deepEqual(flagged(otherName, NO_CREDENTIALS), ["mistral-7b-instruct-model primaryContainer.environment.HF_TOKEN"]);
        });

        it("unknown values: in preview the known credentials are reported and the computed token waits; in an update it is reported", async () => {
            const preview = await fixture();
            assert.deepEqual(notRunProperties(preview, NO_CREDENTIALS), ["computed-token .primaryContainer.environment.HF_TOKEN"]);
            assert.ok(flagged(preview, NO_CREDENTIALS).includes("computed-token primaryContainer.environment.SERVICE_API_KEY"));
            const update = await fixture({ preview: false });
            assert.deepEqual(notRunProperties(update, NO_CREDENTIALS), []);
            assert.deepEqual(flagged(update, NO_CREDENTIALS), [...LITERALS_FOUND, "computed-token primaryContainer.environment.HF_TOKEN"].sort());
            assertNoValueRepeated(update);
        });

        it("config extraPatterns: a configured token format is reported; an invalid pattern fails the run naming it", async () => {
            const e = await fixture({ policyConfig: { [NO_CREDENTIALS]: { extraPatterns: ["glpat-[0-9A-Za-z_-]{20}"] } } });
            const custom = e.of(NO_CREDENTIALS).find((v) => v.resourceName === "custom-token-format");
            assert.ok(custom);
            assert.match(custom.message, /GITLAB_DEPLOY holds a value matching the configured pattern \/glpat-\[0-9A-Za-z_-\]\{20\}\//);
            const invalid = await fixture({ policyConfig: { [NO_CREDENTIALS]: { extraPatterns: ["(unclosed"] } } });
            assert.ok(
                invalid.result.errors.some((x) => x.message.includes('extraPatterns entry "(unclosed" is not a valid')),
                JSON.stringify(invalid.result.errors.map((x) => x.message)),
            );
        });

        it("config: advisory and disabled levels", async () => {
            const advisory = await fixture({ policyConfig: { [NO_CREDENTIALS]: "advisory" } });
            assert.deepEqual(levels(advisory, NO_CREDENTIALS), ["advisory"]);
            const disabled = await fixture({ policyConfig: { [NO_CREDENTIALS]: { enforcementLevel: "disabled" } } });
            assert.deepEqual(disabled.of(NO_CREDENTIALS), []);
        });
    });

    describe(EXPOSURE, () => {
        it("compliant: a model without credentials", async () => {
            const e = await fixture({ preview: false });
            assert.ok(!flagged(e, EXPOSURE).some((f) => f.startsWith("clean ")));
        });

        it("advisory: the secret Hub token, attested as secret-sourced, is still visible in DescribeModel, in preview and in an update", async () => {
            const attested = { ...HUB_VARIANT, policyConfig: { [NO_CREDENTIALS]: { secretSourcedVariables: ["HF_TOKEN"] } } };
            for (const preview of [true, false]) {
                const e = await evaluateRepoStack("commercial", { ...attested, preview });
                assert.deepEqual(flagged(e, NO_CREDENTIALS), []);
                assert.deepEqual(flagged(e, EXPOSURE), ["mistral-7b-instruct-model primaryContainer.environment.HF_TOKEN"]);
                assert.deepEqual(levels(e, EXPOSURE), ["advisory"]);
                assert.match(
                    e.of(EXPOSURE)[0].message,
                    /even when it comes from a Pulumi secret, SageMaker returns it in clear from DescribeModel.*stage gated weights in S3/,
                );
                // The program made this model: the finding also names its setting.
                assert.match(e.of(EXPOSURE)[0].message, /In this program: set models\[\]\.weightsSource to s3 in the stack's settings/);
            }
        });

        it("one finding per problem: a token the mandatory policy reports is not reported again here", async () => {
            const e = await evaluateRepoStack("commercial", { ...HUB_VARIANT, preview: false });
            assert.deepEqual(flagged(e, NO_CREDENTIALS), ["mistral-7b-instruct-model primaryContainer.environment.HF_TOKEN"]);
            assert.deepEqual(flagged(e, EXPOSURE), []);
            const both = await fixture({ preview: false });
            const mandatory = new Set(flagged(both, NO_CREDENTIALS));
            assert.ok(mandatory.size >= 4);
            assert.deepEqual(
                flagged(both, EXPOSURE).filter((f) => mandatory.has(f)),
                [],
            );
        });

        it("with the mandatory policy disabled, reports every credential of the fixture; unknown values wait for the update", async () => {
            const preview = await fixture({ policyConfig: { [NO_CREDENTIALS]: "disabled" } });
            assert.deepEqual(flagged(preview, EXPOSURE), LITERALS_FOUND);
            // A value found by its variable's name, not by a known token format, is "a credential".
            assert.match(
                preview.of(EXPOSURE).find((v) => v.resourceName === "named-password")!.message,
                /primaryContainer\.environment\.DB_PASSWORD holds a credential <redacted, \d+ characters>: even when/,
            );
            assert.deepEqual(notRunProperties(preview, EXPOSURE), ["computed-token .primaryContainer.environment.HF_TOKEN"]);
            const update = await fixture({ preview: false, policyConfig: { [NO_CREDENTIALS]: "disabled" } });
            assert.ok(flagged(update, EXPOSURE).includes("computed-token primaryContainer.environment.HF_TOKEN"));
            assertNoValueRepeated(preview);
        });

        it("config: mandatory and disabled levels", async () => {
            const mandatory = await fixture({ policyConfig: { [EXPOSURE]: "mandatory", [NO_CREDENTIALS]: "disabled" } });
            assert.deepEqual(levels(mandatory, EXPOSURE), ["mandatory"]);
            const disabled = await fixture({ policyConfig: { [EXPOSURE]: { enforcementLevel: "disabled" }, [NO_CREDENTIALS]: "disabled" } });
            assert.deepEqual(disabled.of(EXPOSURE), []);
        });
    });
});
