/**
 * Production endpoints keep at least two instances per production variant: the autoscaling
 * target's minCapacity when the variant is autoscaled (autoscaling scales in to it, whatever the
 * initial count), else the variant's initialInstanceCount. "Production" is policy config
 * (lib/availabilityScope.ts): stack names, or an environment tag.
 */
import { stackGuardrail } from "../lib/guardrail";
import { configOfEndpoint, PRODUCTION_SCHEMA, ProductionConfig, productionReason, scalingTargetsOf } from "../lib/availabilityScope";
import { ENDPOINT_TYPE, variantsOf } from "../lib/instancesServing";
import { Deferrals, peek, UNKNOWN } from "../lib/values";

/** The fewest instances a variant can run on, and what says so. */
export interface VariantFloor {
    instances: number;
    source: string;
}

/** Why a floor is too low, or undefined when it meets the minimum. */
export function checkRedundancy(floor: VariantFloor, minimumInstances: number): string | undefined {
    return floor.instances >= minimumInstances ? undefined : `can run on ${floor.instances} instance(s) (${floor.source}), below ${minimumInstances}`;
}

const REMEDIATION =
    "Keep at least the minimum number of instances on every production variant: initialInstanceCount and, when autoscaled, the scaling target's minCapacity. " +
    "If the stack is not production, remove it from productionStacks or fix its environment tag.";

interface RedundancyConfig extends ProductionConfig {
    minimumInstances: number;
}

export const sagemakerEndpointConfigProductionRedundancy = stackGuardrail(
    {
        name: "sagemaker-endpoint-config-production-redundancy",
        description:
            "Production endpoints keep at least minimumInstances (default 2) instances per production variant: initialInstanceCount, or the autoscaling target's minCapacity when autoscaled.",
        enforcementLevel: "advisory",
        severity: "low",
        url: "https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-best-practices.html",
        configSchema: {
            properties: {
                minimumInstances: { type: "integer", minimum: 1, default: 2, description: "Fewest instances a production variant may run on." },
                ...PRODUCTION_SCHEMA,
            },
        },
        family: "availability",
        remediationSteps: REMEDIATION,
        inThisProgram: "set production: true, or models[].instanceCount and models[].minInstances, in the stack's settings.",
        controls: ["CP-2", "CP-10", "SC-5", "SC-36"],
        unknowns: "deferred",
        rationale:
            "SageMaker spreads a variant's instances across Availability Zones; a single instance means an instance failure or AZ outage takes the model offline for the many minutes an LLM instance needs to start.",
    },
    (args, reportViolation) => {
        const config = args.getConfig<RedundancyConfig>();
        const minimum = config.minimumInstances;
        const deferrals = new Deferrals();
        for (const endpoint of args.resources.filter((r) => r.type === ENDPOINT_TYPE)) {
            const why = productionReason(endpoint, args.stackTags, config);
            if (!why) continue;
            const endpointConfig = configOfEndpoint(endpoint, args.resources, deferrals);
            if (!endpointConfig) continue;
            const variants = variantsOf(endpointConfig.name, endpointConfig.props, deferrals, ["productionVariants"]);
            const targets = scalingTargetsOf(endpoint, args.resources);
            // A target whose resourceId is unknown (preview) scales the only variant; with several, which one is unknown.
            const unresolved = targets.find((t) => t.variantName === undefined);
            if (unresolved && variants.length > 1) {
                deferrals.add(
                    unresolved.target.name,
                    "resourceId",
                    // Stryker disable next-line StringLiteral: the sentinel only picks which unknown marker the not-run error carries; any gives the same report.
                    peek(unresolved.target.props, "resourceId"),
                    `which of ${endpointConfig.name}'s variants it scales`,
                );
                continue;
            }
            for (const variant of variants) {
                const variantName = peek(variant.variant, "variantName");
                const forVariant = targets.filter((t) => t.variantName === undefined || t.variantName === variantName);
                let floor: VariantFloor;
                if (forVariant.length > 0) {
                    const target = forVariant[0].target;
                    const min = deferrals.readKnown(target.props, "minCapacity", { resource: target.name, path: "minCapacity" });
                    // Stryker disable next-line ConditionalExpression: an unknown count would read as NaN, which checkRedundancy never reports; the deferral is recorded either way.
                    if (min === UNKNOWN) continue;
                    floor = { instances: Number(min ?? 1), source: `autoscaling target ${target.name} minCapacity = ${String(min)}` };
                } else {
                    // A serverless variant has no instances to count (serverless instead of instance-based: SageMaker API Reference, ProductionVariant, ServerlessConfig).
                    if (peek(variant.variant, "serverlessConfig") !== undefined) continue;
                    const count = deferrals.readKnown(variant.variant, "initialInstanceCount", {
                        resource: endpointConfig.name,
                        path: `${variant.path}.initialInstanceCount`,
                    });
                    // Stryker disable next-line ConditionalExpression: as for minCapacity above.
                    if (count === UNKNOWN) continue;
                    floor = {
                        instances: Number(count ?? 1),
                        source: `${endpointConfig.name} ${variant.label}.initialInstanceCount = ${String(count)}, no autoscaling target`,
                    };
                }
                const problem = checkRedundancy(floor, minimum);
                if (problem) {
                    reportViolation(
                        `${endpoint.name} is production (${why}) but its variant ${String(variantName ?? variant.index)} ${problem}. ${REMEDIATION}`,
                        endpoint.urn,
                    );
                }
            }
        }
        deferrals.settle();
    },
);
