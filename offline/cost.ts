/**
 * Estimated on-demand cost of a plan's SageMaker endpoints and notebooks, from the instance table
 * (policies/catalog/instances.ts) and the resources a mocked run registered. Only prices with a dated public
 * source are used; everything else is listed as having no price on record.
 */
import { findInstanceType, HOURS_PER_MONTH, InstancePrice, instancePrice } from "../policies/catalog/instances";
import { PartitionId } from "../policies/catalog/partitions";
import { CapturedResource, isUnknown, unwrapSecrets } from "./mockRun";

export interface CostLine {
    /** Resource name in the program. */
    resource: string;
    kind: "endpoint" | "notebook";
    instanceType: string;
    /** Instances running at the start (endpoints: initial count; notebooks: 1). */
    count: number;
    /** The autoscaling maximum, when an autoscaling target covers the endpoint. */
    maxCount?: number;
    price?: InstancePrice;
    usdPerHour?: number;
    usdPerMonth?: number;
    usdPerMonthAtMax?: number;
}

export interface CostEstimate {
    lines: CostLine[];
    usdPerHour: number;
    usdPerMonth: number;
    /** Lines without a price on record (not in the totals). */
    unpriced: number;
    hoursPerMonth: number;
}

const ENDPOINT_CONFIG = "aws:sagemaker/endpointConfiguration:EndpointConfiguration";
const ENDPOINT = "aws:sagemaker/endpoint:Endpoint";
const NOTEBOOK = "aws:sagemaker/notebookInstance:NotebookInstance";
const SCALING_TARGET = "aws:appautoscaling/target:Target";

function line(partition: PartitionId | undefined, resource: string, kind: CostLine["kind"], instanceType: string, count: number, maxCount?: number): CostLine {
    const type = findInstanceType(instanceType);
    const price = type && partition ? instancePrice(type, partition) : undefined;
    const usdPerHour = price ? price.usdPerHour * count : undefined;
    return {
        resource,
        kind,
        instanceType,
        count,
        maxCount,
        price,
        usdPerHour,
        usdPerMonth: usdPerHour === undefined ? undefined : usdPerHour * HOURS_PER_MONTH,
        usdPerMonthAtMax: price && maxCount !== undefined ? price.usdPerHour * maxCount * HOURS_PER_MONTH : undefined,
    };
}

/** The autoscaling maximum of the endpoint that uses `config`, if a scaling target depends on it. */
function scalingMaximum(config: CapturedResource, resources: CapturedResource[]): number | undefined {
    const endpoints = resources.filter((r) => r.type === ENDPOINT && r.dependencies.includes(config.urn));
    const target = resources.find((r) => r.type === SCALING_TARGET && endpoints.some((e) => r.dependencies.includes(e.urn)));
    const max = target?.inputs.maxCapacity;
    return typeof max === "number" ? max : undefined;
}

/** Prices are per partition (GovCloud's differ); with the partition unknown, every line is unpriced. */
export function estimateCost(resources: CapturedResource[], partition: PartitionId | undefined): CostEstimate {
    const lines: CostLine[] = [];
    for (const r of resources) {
        if (r.type === ENDPOINT_CONFIG) {
            const variants = (unwrapSecrets(r.inputs.productionVariants) ?? []) as Array<Record<string, unknown>>;
            for (const variant of Array.isArray(variants) ? variants : []) {
                const type = variant.instanceType;
                if (typeof type !== "string" || isUnknown(type)) continue;
                const count = typeof variant.initialInstanceCount === "number" ? variant.initialInstanceCount : 1;
                lines.push(line(partition, r.name, "endpoint", type, count, scalingMaximum(r, resources)));
            }
        } else if (r.type === NOTEBOOK && typeof r.inputs.instanceType === "string" && !isUnknown(r.inputs.instanceType)) {
            lines.push(line(partition, r.name, "notebook", r.inputs.instanceType, 1));
        }
    }
    const priced = lines.filter((l) => l.usdPerHour !== undefined);
    const usdPerHour = priced.reduce((sum, l) => sum + (l.usdPerHour ?? 0), 0);
    return { lines, usdPerHour, usdPerMonth: usdPerHour * HOURS_PER_MONTH, unpriced: lines.length - priced.length, hoursPerMonth: HOURS_PER_MONTH };
}
