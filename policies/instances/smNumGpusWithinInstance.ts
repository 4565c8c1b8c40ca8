/**
 * A model's SM_NUM_GPUS (TGI's tensor-parallel shards) is not above the GPU count of the instance
 * type of the endpoint-config variant that serves it. A stack policy: the variant is linked to its
 * Model through the config's property dependencies (model names are unknown during preview).
 */
import { findInstanceType } from "../../stacks/instances";
import { stackGuardrail } from "../lib/guardrail";
import { envValue, servedContainers } from "../lib/instancesServing";
import { Deferrals, UNKNOWN } from "../lib/values";

/** What is wrong with an SM_NUM_GPUS value on an instance type, or undefined when the shards fit on its GPUs. */
export function checkNumGpus(smNumGpus: string, instanceType: string): string | undefined {
    if (!/^\s*\d+\s*$/.test(smNumGpus) || Number(smNumGpus) < 1) return "is not a positive whole number of GPUs";
    const type = findInstanceType(instanceType);
    if (!type) return `cannot be checked: instance type "${instanceType}" is not in stacks/instances.ts, so its GPU count is unknown`;
    if (Number(smNumGpus) > type.gpuCount) return `is above the ${type.gpuCount} GPU(s) of ${type.name}`;
    return undefined;
}

const REMEDIATION =
    "Set SM_NUM_GPUS (the program's models[].numGpus) to at most the instance type's GPU count, or choose an instance type with more GPUs; " +
    "unknown instance types must be added to stacks/instances.ts with their source.";

export const smNumGpusWithinInstance = stackGuardrail(
    {
        name: "sm-num-gpus-within-instance",
        description: "A model's SM_NUM_GPUS is not above the GPU count of the instance type of the endpoint variant serving it.",
        enforcementLevel: "mandatory",
        family: "instances",
        remediation: REMEDIATION,
        controls: ["CM-6", "SA-8", "SC-5"],
        unknowns: "deferred",
        rationale:
            "TGI starts one shard per GPU it is told to use; asking for more GPUs than the instance has makes the container fail its health check, and the endpoint never serves.",
    },
    (args, reportViolation) => {
        const deferrals = new Deferrals();
        for (const { config, variant, instanceType, model, container } of servedContainers(args.resources, deferrals)) {
            const shards = envValue(model, container, "SM_NUM_GPUS", deferrals);
            if (shards === UNKNOWN || shards === undefined) continue;
            const problem = checkNumGpus(shards, instanceType);
            if (problem) {
                reportViolation(
                    `${model.name}: ${container.path}.environment.SM_NUM_GPUS = "${shards}" ${problem} ` +
                        `(served by ${config.name} ${variant.list}[${variant.index}] on ${instanceType}). ${REMEDIATION}`,
                    model.urn,
                );
            }
        }
        deferrals.settle();
    },
);
