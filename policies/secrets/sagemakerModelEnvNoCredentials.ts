/**
 * No credentials in a SageMaker model's container environment.
 *
 * How Pulumi secrets reach this policy: @pulumi/policy's analyzer deserializes the properties of
 * Analyze and AnalyzeStack requests with secrets unwrapped (server.js calls
 * `deserializeProperties(props, false)`; deserialize.js returns a secret's plain value unless asked
 * to keep it wrapped, which only Remediate does). A value the program took from a Pulumi secret
 * (`pulumi config set --secret huggingFaceToken ...`) and a literal written into the program arrive
 * identical, so no validation policy can tell them apart.
 *
 * Decision: this policy judges the value, not where it came from. Whatever its source, a model's
 * environment is stored by SageMaker and returned in clear by DescribeModel and the console; a
 * Pulumi secret protects only the Pulumi config and state. It is mandatory and reports:
 * - an AWS access key ID in any variable (the execution role gives the container credentials);
 * - a Hugging Face token, a private key or a configured `extraPatterns` match, in any variable;
 * - a credential-named variable with a value that is not a flag or a reference (lib/secretsCredentials.ts).
 * Variables the stack owner lists in `secretSourcedVariables` (policy pack config) are attested to be
 * set only from a Pulumi secret or a secret store: their values are not reported here, except AWS
 * access keys. The advisory policy sagemaker-model-env-credential-exposure still reports them,
 * since DescribeModel shows them anyway. This program sets the engine's Hub token variable (HF_TOKEN
 * for vLLM and SGLang, HUGGING_FACE_HUB_TOKEN for TGI: ../catalog/engines.ts) only from the secret
 * `huggingFaceToken` setting (stacks/settings.ts refuses a plain-text one), so a stack that pulls a
 * gated model from the Hub lists it: { "sagemaker-model-env-no-credentials":
 * { "secretSourcedVariables": ["HF_TOKEN"] } }.
 *
 * Unknowns: values computed from other resources are checked at `pulumi up`; known values are
 * checked in preview too.
 */
import { resourceGuardrail } from "../lib/guardrail";
import {
    AWS_ACCESS_KEY_ID,
    BUILTIN_VALUE_PATTERNS,
    compilePatterns,
    EnvVariable,
    isCredentialName,
    isLiteralCredentialValue,
    matchingPattern,
    MODEL_TYPE,
    modelEnvironment,
    redacted,
    ValuePattern,
} from "../lib/secretsCredentials";
import { Deferrals } from "../lib/values";

export const NAME = "sagemaker-model-env-no-credentials";

const REMEDIATION =
    "Remove the credential from the model's environment: give AWS access through the execution role, stage gated weights in S3 (the model's data source) instead of passing a Hub token, " +
    "and if a token must be passed, set it only from a Pulumi secret and list the variable in this policy's secretSourcedVariables.";

/** The findings for one model environment variable. */
export function credentialFinding(variable: EnvVariable, extraPatterns: ValuePattern[], secretSourcedVariables: string[]): string | undefined {
    const { path, name, value } = variable;
    if (AWS_ACCESS_KEY_ID.pattern.test(value)) return `${path} holds ${AWS_ACCESS_KEY_ID.label} ${redacted(value)}`;
    if (secretSourcedVariables.includes(name)) return undefined;
    const pattern = matchingPattern(value, [...BUILTIN_VALUE_PATTERNS, ...extraPatterns]);
    if (pattern) return `${path} holds ${pattern.label} ${redacted(value)}`;
    if (isCredentialName(name) && isLiteralCredentialValue(value)) return `${path} is named as a credential and holds a value ${redacted(value)}`;
    return undefined;
}

export const sagemakerModelEnvNoCredentials = resourceGuardrail(
    {
        name: NAME,
        description:
            "A SageMaker model's container environment holds no credentials: no AWS access keys, Hub tokens or private keys, and no values in token/secret/password/API-key variables.",
        enforcementLevel: "mandatory",
        severity: "critical",
        url: "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ContainerDefinition.html",
        family: "secrets",
        remediationSteps: REMEDIATION,
        inThisProgram:
            "set models[].weightsSource to s3 in the stack's settings and stage the weights with npm run stage-model, or set huggingFaceToken as a Pulumi secret.",
        controls: ["IA-5(7)", "IA-5", "SC-28", "AC-3"],
        unknowns: "deferred",
        rationale:
            "SageMaker returns a model's environment in clear to anyone allowed sagemaker:DescribeModel, and the analyzer cannot tell a Pulumi secret from a literal, so a credential there is an embedded static authenticator unless the stack owner attests its source.",
        configSchema: {
            properties: {
                extraPatterns: {
                    type: "array",
                    items: { type: "string", minLength: 1 },
                    default: [],
                    description: 'More regular expressions (JavaScript syntax) whose matches in a value are credentials, e.g. "glpat-[0-9A-Za-z_-]{20}".',
                },
                secretSourcedVariables: {
                    type: "array",
                    items: { type: "string", minLength: 1 },
                    default: [],
                    description:
                        "Variables the stack owner attests are set only from a Pulumi secret or secret store; only AWS access keys are reported in them.",
                },
            },
        },
    },
    (args, reportViolation) => {
        if (args.type !== MODEL_TYPE) return;
        const config = args.getConfig<{ extraPatterns: string[]; secretSourcedVariables: string[] }>();
        const extra = compilePatterns(config.extraPatterns, NAME);
        const deferrals = new Deferrals();
        for (const variable of modelEnvironment(args.props, deferrals)) {
            const finding = credentialFinding(variable, extra, config.secretSourcedVariables);
            if (finding) reportViolation(`${finding}. SageMaker returns it in clear from DescribeModel. ${REMEDIATION}`);
        }
        deferrals.settle();
    },
);
