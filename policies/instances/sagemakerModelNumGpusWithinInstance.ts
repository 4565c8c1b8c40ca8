/**
 * A model's tensor-parallel degree (TGI's SM_NUM_GPUS, vLLM's SM_VLLM_TENSOR_PARALLEL_SIZE, SGLang's
 * SM_SGLANG_TP_SIZE: ../catalog/engines.ts) is not above the GPU count of the instance type of the
 * endpoint-config variant that serves it. A stack policy: the variant is linked to its Model through
 * the config's property dependencies (model names are unknown during preview). The name keeps TGI's
 * variable, under which the policy was published.
 */
import { findInstanceType } from "../catalog/instances";
import { stackGuardrail } from "../lib/guardrail";
import { engineOf, envValue, servedContainers } from "../lib/instancesServing";
import { Deferrals, UNKNOWN } from "../lib/values";

/** What is wrong with a tensor-parallel degree on an instance type, or undefined when the shards fit on its GPUs. */
export function checkNumGpus(smNumGpus: string, instanceType: string): string | undefined {
    if (!/^\s*\d+\s*$/.test(smNumGpus) || Number(smNumGpus) < 1) return "is not a positive whole number of GPUs";
    const type = findInstanceType(instanceType);
    if (!type) return `cannot be checked: instance type "${instanceType}" is not in the pack's instance catalog, so its GPU count is unknown`;
    if (Number(smNumGpus) > type.gpuCount) return `is above the ${type.gpuCount} GPU(s) of ${type.name}`;
    return undefined;
}

const REMEDIATION =
    "Set the tensor-parallel degree (the Model container's SM_NUM_GPUS, SM_VLLM_TENSOR_PARALLEL_SIZE or SM_SGLANG_TP_SIZE) to at most the instance type's GPU count, " +
    "or choose an instance type with more GPUs; for a type the catalog lacks, use a listed type or add it to the pack's instance catalog with its source.";

export const sagemakerModelNumGpusWithinInstance = stackGuardrail(
    {
        name: "sagemaker-model-num-gpus-within-instance",
        description:
            "A model's tensor-parallel degree (SM_NUM_GPUS and its vLLM and SGLang equivalents) is not above the GPU count of the instance type of the endpoint variant serving it.",
        enforcementLevel: "mandatory",
        severity: "medium",
        // The GPU count of each accelerated-computing type; the address is the one many public pages link (not read here).
        url: "https://docs.aws.amazon.com/ec2/latest/instancetypes/ac.html",
        family: "instances",
        remediationSteps: REMEDIATION,
        inThisProgram: "set models[].numGpus (or models[].instanceType) in the stack's settings.",
        controls: ["CM-6", "SA-8", "SC-5"],
        unknowns: "deferred",
        rationale:
            "The engines start one shard per GPU they are told to use; asking for more GPUs than the instance has makes the container fail its health check, and the endpoint never serves.",
    },
    (args, reportViolation) => {
        const deferrals = new Deferrals();
        for (const { config, variant, instanceType, model, container } of servedContainers(args.resources, deferrals)) {
            const variable = engineOf(container)?.variables.tensorParallel;
            if (!variable) continue;
            const shards = envValue(model, container, variable, deferrals);
            if (shards === UNKNOWN || shards === undefined) continue;
            const problem = checkNumGpus(shards, instanceType);
            if (problem) {
                reportViolation(
                    `${model.name}: ${container.path}.environment.${variable} = "${shards}" ${problem} ` +
                        `(served by ${config.name} ${variant.list}[${variant.index}] on ${instanceType}). ${REMEDIATION}`,
                    model.urn,
                );
            }
        }
        deferrals.settle();
    },
);
