/**
 * Advisory: a SageMaker model's container environment carries a credential, whatever its source.
 *
 * The mandatory sagemaker-model-env-no-credentials stops credentials that are not attested to come
 * from a Pulumi secret; this one reports every credential still in a model's environment,
 * including attested ones such as the gated-model Hub token this program passes from its secret
 * `huggingFaceToken` setting. A Pulumi secret keeps the token out of the program and encrypted in
 * the Pulumi state, but SageMaker stores the environment with the model: DescribeModel and the
 * console show it in clear to anyone allowed sagemaker:DescribeModel, and it stays there until the
 * model is deleted. (The analyzer unwraps secrets before policies see them: see
 * sagemakerModelEnvNoCredentials.ts.)
 *
 * One finding per problem: a credential the mandatory policy reports (with its config, when it is
 * not disabled) is left to it; this one reports the rest, the attested variables above all.
 */
import { resourceGuardrail } from "../lib/guardrail";
import { packConfigOf } from "../lib/packConfig";
import {
    BUILTIN_VALUE_PATTERNS,
    compilePatterns,
    EnvVariable,
    isCredentialName,
    isLiteralCredentialValue,
    matchingPattern,
    MODEL_TYPE,
    modelEnvironment,
    redacted,
} from "../lib/secretsCredentials";
import { credentialFinding, NAME as NO_CREDENTIALS } from "./sagemakerModelEnvNoCredentials";
import { Deferrals } from "../lib/values";

const REMEDIATION =
    "Keep credentials out of the model: stage gated weights in S3 (the model's data source) so the container needs no Hub token, and use the execution role for AWS access. " +
    "Where a token must stay, restrict sagemaker:DescribeModel to the operators who may read it, use a read-only fine-grained token scoped to the model's repository, and rotate it.";

/** Whether sagemaker-model-env-no-credentials, as this run configures it, reports a variable (never, when it is disabled or its config is not known). */
function mandatoryFinding(): (variable: EnvVariable) => boolean {
    const entry = packConfigOf(NO_CREDENTIALS);
    if (entry === undefined || entry.enforcementLevel === "disabled") return () => false;
    const { extraPatterns = [], secretSourcedVariables = [] } = entry.properties as { extraPatterns?: string[]; secretSourcedVariables?: string[] };
    const extra = compilePatterns(extraPatterns, NO_CREDENTIALS);
    return (variable) => credentialFinding(variable, extra, secretSourcedVariables) !== undefined;
}

export const sagemakerModelEnvCredentialExposure = resourceGuardrail(
    {
        name: "sagemaker-model-env-credential-exposure",
        description: "A SageMaker model's container environment carries no credential, even one set from a Pulumi secret.",
        enforcementLevel: "advisory",
        severity: "medium",
        url: "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ContainerDefinition.html",
        family: "secrets",
        remediationSteps: REMEDIATION,
        inThisProgram: "set models[].weightsSource to s3 in the stack's settings and stage the weights with npm run stage-model.",
        controls: ["IA-5(7)", "AC-3", "SC-28"],
        unknowns: "deferred",
        rationale:
            "A Pulumi secret protects the Pulumi config and state, not SageMaker: DescribeModel returns the container environment in clear, so a token there is readable by every principal allowed to describe models.",
    },
    (args, reportViolation) => {
        if (args.type !== MODEL_TYPE) return;
        const reportedByNoCredentials = mandatoryFinding();
        const deferrals = new Deferrals();
        for (const variable of modelEnvironment(args.props, deferrals)) {
            const { path, name, value } = variable;
            const pattern = matchingPattern(value, BUILTIN_VALUE_PATTERNS);
            const named = isCredentialName(name) && isLiteralCredentialValue(value);
            if ((!pattern && !named) || reportedByNoCredentials(variable)) continue;
            reportViolation(
                `${path} holds ${pattern ? pattern.label : "a credential"} ${redacted(value)}: even when it comes from a Pulumi secret, SageMaker returns it in clear from DescribeModel and the console. ${REMEDIATION}`,
            );
        }
        deferrals.settle();
    },
);
