/**
 * A model's serving container is an engine that is maintained upstream. TGI (Hugging Face Text
 * Generation Inference) is in maintenance mode, with no maintained path for security patches
 * (../catalog/engines.ts `status`, from the TGI repository's README); it stays usable for existing stacks
 * and the AWS GovCloud sample's configuration, so this is advisory.
 */
import { resourceGuardrail } from "../lib/guardrail";
import { engineOf, MODEL_TYPE } from "../lib/instancesServing";

interface Container {
    image?: unknown;
    environment?: Record<string, unknown>;
}

/** One line per unmaintained engine among a Model's containers. */
export function unmaintainedEngines(props: { primaryContainer?: Container; containers?: Container[] }): string[] {
    const containers: [string, Container][] = [];
    if (props.primaryContainer) containers.push(["primaryContainer", props.primaryContainer]);
    (props.containers ?? []).forEach((c, i) => containers.push([`containers[${i}]`, c]));
    return containers.flatMap(([path, c]) => {
        const engine = engineOf({
            path,
            image: typeof c.image === "string" ? c.image : undefined,
            // Unset or null is no variables. (An environment unknown in preview throws when read, so the
            // policy is not run; a string would give index keys, which name no engine variable.)
            environment: c.environment ?? {},
        });
        return engine && !engine.maintained ? [`${path} runs ${engine.label}, ${engine.status}`] : [];
    });
}

const remediation =
    "Serve the model with a maintained engine: vLLM or SGLang; Hugging Face publishes both for SageMaker in the same registries, GovCloud included.";

export const sagemakerModelServingEngineMaintained = resourceGuardrail(
    {
        name: "sagemaker-model-serving-engine-maintained",
        description: "SageMaker models run a serving engine that is maintained upstream (not TGI, which is in maintenance mode).",
        enforcementLevel: "advisory",
        severity: "low",
        url: "https://huggingface.co/docs/text-generation-inference/index",
        family: "instances",
        remediationSteps: remediation,
        inThisProgram: "set models[].engine to vllm or sglang in the stack's settings.",
        controls: ["SI-2", "SA-22", "CM-2"],
        rationale:
            "An inference server without upstream security fixes in front of regulated data leaves its vulnerabilities unpatched; SA-22 asks for unsupported components to be replaced or justified.",
        unknowns: "none",
    },
    (args, reportViolation) => {
        if (args.type !== MODEL_TYPE) return;
        for (const problem of unmaintainedEngines(args.props)) reportViolation(`${problem}. ${remediation}`);
    },
);
