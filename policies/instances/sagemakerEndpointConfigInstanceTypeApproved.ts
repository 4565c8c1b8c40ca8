/**
 * Endpoint production (and shadow) variants run on instance types approved for the stack's
 * partition. Default allow-lists: the GPU types the pack's instance catalog (../catalog/instances.ts)
 * says SageMaker hosting offers in each partition (`endpointInstanceTypesOffered`).
 */
import { ResourceValidationArgs } from "@pulumi/policy";
import { endpointInstanceTypesOffered } from "../catalog/instances";
import { PARTITION_IDS, PartitionId } from "../catalog/partitions";
import { partitionOf, regionOf } from "../lib/context";
import { resourceGuardrail } from "../lib/guardrail";
import { isUnknownProperty, isUnset } from "../lib/values";
import { ENDPOINT_CONFIG_TYPE, VARIANT_LISTS } from "../lib/instancesServing";

export type AllowLists = Partial<Record<PartitionId, string[]>>;

/** The allow-list of a partition: the configured one, else the table's. Unknown partition: types allowed in every partition. */
export function allowedTypes(configured: AllowLists, partition: PartitionId | undefined, tableDefault: (p: PartitionId) => string[]): string[] {
    const listOf = (p: PartitionId) => configured[p] ?? tableDefault(p);
    if (partition) return listOf(partition);
    return PARTITION_IDS.map(listOf).reduce((common, list) => common.filter((t) => list.includes(t)));
}

/**
 * Where a resource runs (region and partition, from its provider or its own region: ../lib/context.ts)
 * and the allow-list that applies there. A provider region unknown in preview is read through the
 * proxy: the policy is then not run.
 */
export function allowListFor(
    args: ResourceValidationArgs,
    configured: AllowLists,
    tableDefault: (p: PartitionId) => string[],
): { allowed: string[]; partition: PartitionId | undefined; region: string | undefined } {
    if (args.provider && isUnknownProperty(args.provider.props, "region")) void args.provider.props.region;
    const region = regionOf(args.props, args.provider);
    const partition = partitionOf(region);
    return { allowed: allowedTypes(configured, partition, tableDefault), partition, region };
}

/** A problem with one instance type, or undefined when it is approved. */
export function checkInstanceType(
    property: string,
    instanceType: unknown,
    allowed: string[],
    partition: PartitionId | undefined,
    region: string | undefined,
    unsetNote = "",
): string | undefined {
    const where = partition ? `partition ${partition} (region ${region})` : `every partition (the provider's region is not set, so the partition is not known)`;
    if (isUnset(instanceType) || instanceType === "") {
        return `${property} is not set${unsetNote}; it must be one of the types approved for ${where}: ${allowed.join(", ")}.`;
    }
    if (allowed.includes(String(instanceType))) return undefined;
    return `${property} = "${String(instanceType)}" is not approved for ${where}; approved: ${allowed.join(", ") || "none"}.`;
}

const REMEDIATION =
    "Set the variant's instanceType to a type approved for the stack's partition, " +
    "or, if SageMaker hosting offers the type there, approve it in this policy's endpointInstanceTypes config.";

export const sagemakerEndpointConfigInstanceTypeApproved = resourceGuardrail(
    {
        name: "sagemaker-endpoint-config-instance-type-approved",
        description:
            "Endpoint configuration variants use an instance type approved for the partition (per-partition allow-list; default: GPU types SageMaker hosting offers there).",
        enforcementLevel: "mandatory",
        severity: "medium",
        url: "https://docs.aws.amazon.com/general/latest/gr/sagemaker.html",
        configSchema: {
            properties: {
                endpointInstanceTypes: {
                    type: "object",
                    description:
                        "Approved endpoint instance types per partition; a partition left out uses the GPU types the pack's instance catalog lists as offered there.",
                    properties: Object.fromEntries(PARTITION_IDS.map((p) => [p, { type: "array", items: { type: "string", minLength: 1 } }])),
                    default: Object.fromEntries(PARTITION_IDS.map((p) => [p, endpointInstanceTypesOffered(p)])),
                },
            },
        },
        family: "instances",
        remediationSteps: REMEDIATION,
        inThisProgram: "set models[].instanceType in the stack's settings to a type its approvedInstanceTypes setting lists.",
        controls: ["CM-7", "CM-8", "CM-2", "SA-8"],
        unknowns: "deferred",
        rationale:
            "The GPU types SageMaker hosting offers differ by partition; an unavailable type fails at deployment, an unapproved one runs unreviewed, costly hardware.",
    },
    (args, reportViolation) => {
        if (args.type !== ENDPOINT_CONFIG_TYPE) return;
        const { allowed, partition, region } = allowListFor(
            args,
            args.getConfig<{ endpointInstanceTypes: AllowLists }>().endpointInstanceTypes,
            endpointInstanceTypesOffered,
        );
        for (const list of VARIANT_LISTS) {
            const variants: unknown[] | undefined = args.props[list];
            (variants ?? []).forEach((variant, i) => {
                // Read through the proxy: an instance type unknown in preview defers the policy to `pulumi up`.
                const problem = checkInstanceType(
                    `${list}[${i}].instanceType`,
                    (variant as { instanceType?: unknown }).instanceType,
                    allowed,
                    partition,
                    region,
                    " (a serverless variant has no GPUs)",
                );
                if (problem) reportViolation(`${problem} ${REMEDIATION}`);
            });
        }
    },
);
