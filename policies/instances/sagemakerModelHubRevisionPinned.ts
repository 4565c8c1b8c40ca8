/**
 * A SageMaker model container that downloads its weights from the Hugging Face Hub
 * (../lib/modelWeights.ts) pins the revision it downloads to a commit: the engine's revision variable
 * (../catalog/engines.ts `variables.revision`: TGI `HF_MODEL_REVISION`, vLLM `SM_VLLM_REVISION`,
 * SGLang `SM_SGLANG_REVISION`; `HF_MODEL_REVISION` for the other Hugging Face containers) holds a
 * full 40-hex commit sha. Unset, the engine downloads whatever the repository holds when the
 * instance starts; a branch or a tag can be moved by the repository's owner, so each new instance (a
 * scale-out, a replacement) may load other weights, tokenizer or code than the ones reviewed.
 *
 * Family `instances`, not `secrets`: it is about what the serving container loads (the engine and
 * model tables, like sagemaker-model-serving-engine-maintained), not about credentials.
 *
 * Unknowns (`deferred`): a model or revision variable unknown in preview makes the policy not run on
 * the model (after reporting what is known); it runs at `pulumi up`.
 */
import { resourceGuardrail } from "../lib/guardrail";
import { envValue, MODEL_TYPE } from "../lib/instancesServing";
import { hubContainers, isPinnedRevision } from "../lib/modelWeights";
import { Deferrals, UNKNOWN } from "../lib/values";

const remediation =
    "Set the container's revision variable (HF_MODEL_REVISION for TGI and the Hugging Face containers, SM_VLLM_REVISION for vLLM, SM_SGLANG_REVISION for SGLang) " +
    "to the full 40-character commit sha of the reviewed Hub revision, or stage the weights in S3 and serve them from modelDataSource.";

export const sagemakerModelHubRevisionPinned = resourceGuardrail(
    {
        name: "sagemaker-model-hub-revision-pinned",
        description: "A SageMaker model container that downloads its weights from the Hugging Face Hub pins the revision to a commit sha.",
        enforcementLevel: "mandatory",
        severity: "medium",
        url: "https://docs.aws.amazon.com/sagemaker/latest/dg/mkt-algo-model-internet-free.html",
        family: "instances",
        remediationSteps: remediation,
        inThisProgram:
            "set models[].hubRevision in the stack's settings to the commit sha of the model's Hub repository, or stage the weights and use weightsSource 's3'.",
        controls: ["SR-4", "CM-2", "CM-3"],
        rationale:
            "Weights, tokenizer and model code from a branch change when the repository's owner pushes; only a commit sha makes every instance load what was reviewed.",
        unknowns: "deferred",
    },
    (args, reportViolation) => {
        if (args.type !== MODEL_TYPE) return;
        const model = { name: args.name, props: args.props };
        const deferrals = new Deferrals();
        for (const hub of hubContainers(model, deferrals)) {
            const revision = envValue(model, hub.container, hub.revisionVariable, deferrals);
            if (revision === UNKNOWN) continue;
            const at = `${hub.container.path}.environment`;
            if (revision === undefined || revision.trim() === "") {
                reportViolation(
                    `Model ${args.name} downloads ${hub.hubId} from the Hugging Face Hub (${at}.${hub.variable}) without ${at}.${hub.revisionVariable}: it loads whatever the default branch holds when an instance starts. ${remediation}`,
                );
            } else if (!isPinnedRevision(revision.trim())) {
                reportViolation(
                    `Model ${args.name} downloads ${hub.hubId} from the Hugging Face Hub at ${at}.${hub.revisionVariable}=${JSON.stringify(revision)}, a branch or tag that can move, not a 40-character commit sha. ${remediation}`,
                );
            }
        }
        deferrals.settle();
    },
);
