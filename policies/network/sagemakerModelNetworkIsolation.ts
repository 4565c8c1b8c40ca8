/**
 * A SageMaker model whose weights come from S3 (`modelDataSource` / `modelDataUrl`: SageMaker copies
 * them into the container with the execution role, outside the container's network) and that
 * downloads nothing from the Hub needs no network in its container: `enableNetworkIsolation: true`
 * takes it away ("the containers can't make any outbound network calls, even to other AWS services
 * such as Amazon S3 ... SageMaker still performs download and upload operations against Amazon S3
 * using your SageMaker execution role in isolation from the training or inference container":
 * SageMaker Developer Guide, "Run Training and Inference Containers in Internet-Free Mode", checked
 * 2026-12-02). Advisory: a container may need the network for reasons a policy cannot see (a
 * callback, a feature store).
 *
 * Unknowns (`deferred`): a model variable or `enableNetworkIsolation` unknown in preview makes the
 * policy not run on that model; it runs at `pulumi up`.
 */
import { resourceGuardrail } from "../lib/guardrail";
import { MODEL_TYPE } from "../lib/instancesServing";
import { hubContainers, networkIsolation, s3Containers } from "../lib/modelWeights";
import { Deferrals, UNKNOWN } from "../lib/values";

const remediation =
    "Set `enableNetworkIsolation: true` on the model: SageMaker still copies its model data from S3, and the container gets no network of its own.";

export const sagemakerModelNetworkIsolation = resourceGuardrail(
    {
        name: "sagemaker-model-network-isolation",
        description: "A SageMaker model whose weights come from S3 (model data) and that downloads nothing from the Hub sets enableNetworkIsolation true.",
        enforcementLevel: "advisory",
        severity: "low",
        url: "https://docs.aws.amazon.com/sagemaker/latest/dg/mkt-algo-model-internet-free.html",
        family: "network",
        remediationSteps: remediation,
        controls: ["SC-7(5)", "SC-7", "AC-4", "CM-7"],
        rationale:
            "A container that needs no network is safest without one: code it runs (a library, a model repository's code) cannot send data out or fetch more code.",
        unknowns: "deferred",
    },
    (args, reportViolation) => {
        if (args.type !== MODEL_TYPE) return;
        const model = { name: args.name, props: args.props };
        const deferrals = new Deferrals();
        const fromS3 = s3Containers(model);
        if (fromS3.length > 0 && hubContainers(model, deferrals).length === 0 && !deferrals.pending) {
            const isolation = networkIsolation(model, deferrals);
            if (isolation !== UNKNOWN && !isolation) {
                reportViolation(
                    `Model ${args.name} takes its weights from S3 (${fromS3.map((p) => `${p}.modelDataSource/modelDataUrl`).join(", ")}) and downloads nothing from the Hub, but enableNetworkIsolation is not true, so its container keeps a network it does not need. ${remediation}`,
                );
            }
        }
        deferrals.settle();
    },
);
