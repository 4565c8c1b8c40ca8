/**
 * Endpoint variants give an LLM container time to load its weights before SageMaker's health check
 * gives up: containerStartupHealthCheckTimeoutInSeconds is set and at least
 * `minimumHealthCheckTimeoutSeconds`, and, for a catalog model the variant serves, at least the
 * catalog's startupHealthCheckTimeoutSeconds (larger models load longer).
 */
import { stackGuardrail } from "../lib/guardrail";
import { containersOf, ENDPOINT_CONFIG_TYPE, engineOf, envValue, identifyModel, modelsServedBy, variantsOf } from "../lib/instancesServing";
import { Deferrals, isUnset, UNKNOWN } from "../lib/values";

/** The timeout a variant needs, and why. */
export interface RequiredTimeout {
    seconds: number;
    why: string;
}

/** Why a variant's timeout is too short (or unset), or undefined. */
export function checkStartupTimeout(timeout: unknown, required: RequiredTimeout): string | undefined {
    if (isUnset(timeout)) return `containerStartupHealthCheckTimeoutInSeconds is not set (needs at least ${required.seconds} s: ${required.why})`;
    if (Number(timeout) >= required.seconds) return undefined;
    return `containerStartupHealthCheckTimeoutInSeconds = ${String(timeout)} is below ${required.seconds} s (${required.why})`;
}

const REMEDIATION =
    "Set the variant's containerStartupHealthCheckTimeoutInSeconds to at least the required value, " + "and modelDataDownloadTimeoutInSeconds alike.";

interface TimeoutConfig {
    minimumHealthCheckTimeoutSeconds: number;
    useCatalogTimeouts: boolean;
}

export const sagemakerEndpointConfigStartupHealthCheckTimeout = stackGuardrail(
    {
        name: "sagemaker-endpoint-config-startup-health-check-timeout",
        description:
            "Endpoint variants set containerStartupHealthCheckTimeoutInSeconds to at least minimumHealthCheckTimeoutSeconds (default 600) and the catalog's value for the model they serve.",
        enforcementLevel: "advisory",
        severity: "low",
        url: "https://docs.aws.amazon.com/sagemaker/latest/dg/realtime-endpoints-large-model-hosting.html",
        configSchema: {
            properties: {
                minimumHealthCheckTimeoutSeconds: {
                    type: "integer",
                    minimum: 1,
                    default: 600,
                    description: "Shortest startup health-check timeout for any variant.",
                },
                useCatalogTimeouts: {
                    type: "boolean",
                    default: true,
                    description: "Also require the startup timeout the pack's model catalog gives the served model, when the policy can tell which it is.",
                },
            },
        },
        family: "availability",
        remediationSteps: REMEDIATION,
        inThisProgram: "set models[].startupHealthCheckTimeoutSeconds in the stack's settings.",
        controls: ["CM-6", "CP-10", "SI-17", "SA-8"],
        unknowns: "deferred",
        rationale:
            "An LLM container passes /ping only after loading tens of GiB of weights; a short timeout fails every deployment and rolls it back, leaving the endpoint unable to change.",
    },
    (args, reportViolation) => {
        const config = args.getConfig<TimeoutConfig>();
        const minimum = config.minimumHealthCheckTimeoutSeconds;
        const useCatalog = config.useCatalogTimeouts;
        const deferrals = new Deferrals();
        // Identification only raises the bar; unknown links or models fall back to the minimum.
        const lookups = new Deferrals();
        for (const endpointConfig of args.resources.filter((r) => r.type === ENDPOINT_CONFIG_TYPE)) {
            const served = useCatalog ? modelsServedBy(endpointConfig, args.resources, lookups) : [];
            for (const variant of variantsOf(endpointConfig.name, endpointConfig.props, deferrals)) {
                const timeout = deferrals.readKnown(variant.variant, "containerStartupHealthCheckTimeoutInSeconds", {
                    resource: endpointConfig.name,
                    path: `${variant.path}.containerStartupHealthCheckTimeoutInSeconds`,
                });
                if (timeout === UNKNOWN) continue;
                let required: RequiredTimeout = { seconds: minimum, why: "minimumHealthCheckTimeoutSeconds" };
                for (const { model } of served.filter((s) => s.variant.path === variant.path)) {
                    for (const container of containersOf(model, lookups)) {
                        // The engine's own model variable (SM_VLLM_MODEL, ...); other Hugging Face containers read HF_MODEL_ID.
                        const variable = engineOf(container)?.variables.model ?? "HF_MODEL_ID";
                        const modelRef = envValue(model, container, variable, lookups);
                        if (typeof modelRef !== "string") continue;
                        const spec = identifyModel(model, modelRef, {}, variable)?.spec;
                        if (spec && spec.startupHealthCheckTimeoutSeconds > required.seconds) {
                            required = {
                                seconds: spec.startupHealthCheckTimeoutSeconds,
                                why: `the pack's model catalog gives ${spec.hfModelId} ${spec.startupHealthCheckTimeoutSeconds} s`,
                            };
                        }
                    }
                }
                const problem = checkStartupTimeout(timeout, required);
                if (problem) reportViolation(`${endpointConfig.name}: ${variant.label}.${problem}. ${REMEDIATION}`, endpointConfig.urn);
            }
        }
        deferrals.settle();
    },
);
