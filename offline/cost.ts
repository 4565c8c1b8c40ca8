/**
 * Estimated on-demand cost of a plan: its SageMaker endpoints and notebooks, from the instance table
 * (policies/catalog/instances.ts), and its NAT gateways and interface VPC endpoints, from
 * ./networkPrices.ts, per hour as AWS bills them (per NAT gateway; per endpoint and Availability
 * Zone). Only prices with a dated public source are used; a line without one, or whose count is
 * computed in preview, is unknown and left out of the totals, which say how many lines are unknown.
 * Data processed (NAT gateway and endpoint GBs) is not estimated.
 */
import { findInstanceType, HOURS_PER_MONTH, InstancePrice, instancePrice } from "../policies/catalog/instances";
import { PartitionId } from "../policies/catalog/partitions";
import { CapturedResource, isUnknown, unwrapSecrets } from "./mockRun";
import { NETWORK_PRICES, NetworkPriceItem } from "./networkPrices";

export interface CostLine {
    /** Resource name in the program. */
    resource: string;
    kind: "endpoint" | "notebook" | NetworkPriceItem;
    /** SageMaker lines: the instance type (undefined, with `instanceTypeComputed`, when it is computed in preview). */
    instanceType?: string;
    /** A SageMaker line whose instance type is computed in preview: neither its type nor its price is known. */
    instanceTypeComputed?: boolean;
    /** Interface endpoint lines: the service, e.g. `com.amazonaws.us-east-1.sts`. */
    service?: string;
    /** What one of `count` is: `instance`, `NAT gateway`, `AZ` (an interface endpoint's network interface in one zone). */
    unit: string;
    /**
     * Units billed per hour (endpoints: initial instance count; notebooks and NAT gateways: 1;
     * interface endpoints: their subnets, one per zone). Undefined: computed in preview.
     */
    count?: number;
    /** The autoscaling maximum, when an autoscaling target covers the endpoint. */
    maxCount?: number;
    price?: InstancePrice;
    usdPerHour?: number;
    usdPerMonth?: number;
    usdPerMonthAtMax?: number;
}

export interface CostEstimate {
    lines: CostLine[];
    /** Of the priced lines only. */
    usdPerHour: number;
    usdPerMonth: number;
    /** Lines whose price or count is unknown (not in the totals). */
    unpriced: number;
    hoursPerMonth: number;
}

const ENDPOINT_CONFIG = "aws:sagemaker/endpointConfiguration:EndpointConfiguration";
const ENDPOINT = "aws:sagemaker/endpoint:Endpoint";
const NOTEBOOK = "aws:sagemaker/notebookInstance:NotebookInstance";
const SCALING_TARGET = "aws:appautoscaling/target:Target";
const NAT_GATEWAY = "aws:ec2/natGateway:NatGateway";
const VPC_ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint";

function priced(base: Omit<CostLine, "usdPerHour" | "usdPerMonth" | "usdPerMonthAtMax">): CostLine {
    const { price, count, maxCount } = base;
    const usdPerHour = price && count !== undefined ? price.usdPerHour * count : undefined;
    return {
        ...base,
        usdPerHour,
        usdPerMonth: usdPerHour === undefined ? undefined : usdPerHour * HOURS_PER_MONTH,
        usdPerMonthAtMax: price && maxCount !== undefined ? price.usdPerHour * maxCount * HOURS_PER_MONTH : undefined,
    };
}

function instanceLine(
    partition: PartitionId | undefined,
    resource: string,
    kind: "endpoint" | "notebook",
    instanceType: string | undefined,
    count: number | undefined,
    maxCount?: number,
) {
    if (instanceType === undefined) return priced({ resource, kind, instanceTypeComputed: true, unit: "instance", count, maxCount });
    const type = findInstanceType(instanceType);
    const price = type && partition ? instancePrice(type, partition) : undefined;
    return priced({ resource, kind, instanceType, unit: "instance", count, maxCount, price });
}

function networkLine(
    partition: PartitionId | undefined,
    resource: string,
    kind: NetworkPriceItem,
    count: number | undefined,
    priceApplies = true,
    service?: string,
) {
    const pricing = NETWORK_PRICES[kind];
    const price = partition && priceApplies ? pricing.prices[partition] : undefined;
    return priced({ resource, kind, ...(service ? { service } : {}), unit: pricing.unit, count, price });
}

/** The autoscaling maximum of the endpoint that uses `config`, if a scaling target depends on it. */
function scalingMaximum(config: CapturedResource, resources: CapturedResource[]): number | undefined {
    const endpoints = resources.filter((r) => r.type === ENDPOINT && r.dependencies.includes(config.urn));
    const target = resources.find((r) => r.type === SCALING_TARGET && endpoints.some((e) => r.dependencies.includes(e.urn)));
    const max = target?.inputs.maxCapacity;
    return typeof max === "number" ? max : undefined;
}

const knownString = (value: unknown): string | undefined => (typeof value === "string" && !isUnknown(value) ? value : undefined);

/** Prices are per partition (GovCloud's differ); with the partition unknown, every line is unpriced. */
export function estimateCost(resources: CapturedResource[], partition: PartitionId | undefined): CostEstimate {
    const lines: CostLine[] = [];
    for (const r of resources) {
        if (r.type === ENDPOINT_CONFIG) {
            const variants = (unwrapSecrets(r.inputs.productionVariants) ?? []) as Array<Record<string, unknown>>;
            for (const variant of Array.isArray(variants) ? variants : []) {
                // Serverless variants have no instance type and are not priced per hour.
                if (variant.instanceType === undefined) continue;
                // A count computed in preview (or not set) is unknown, never guessed.
                const count = typeof variant.initialInstanceCount === "number" ? variant.initialInstanceCount : undefined;
                lines.push(instanceLine(partition, r.name, "endpoint", knownString(variant.instanceType), count, scalingMaximum(r, resources)));
            }
        } else if (r.type === NOTEBOOK) {
            lines.push(instanceLine(partition, r.name, "notebook", knownString(r.inputs.instanceType), 1));
        } else if (r.type === NAT_GATEWAY) {
            // The source's price is a public NAT gateway's (the default connectivity type).
            lines.push(networkLine(partition, r.name, "nat-gateway", 1, (knownString(r.inputs.connectivityType) ?? "public") === "public"));
        } else if (r.type === VPC_ENDPOINT && knownString(r.inputs.vpcEndpointType) === "Interface") {
            // One network interface per subnet, at most one subnet per zone: billed per zone.
            const subnets = unwrapSecrets(r.inputs.subnetIds);
            lines.push(
                networkLine(
                    partition,
                    r.name,
                    "interface-endpoint",
                    Array.isArray(subnets) ? subnets.length : undefined,
                    true,
                    knownString(r.inputs.serviceName),
                ),
            );
        }
    }
    const known = lines.filter((l) => l.usdPerHour !== undefined);
    const usdPerHour = known.reduce((sum, l) => sum + (l.usdPerHour ?? 0), 0);
    return { lines, usdPerHour, usdPerMonth: usdPerHour * HOURS_PER_MONTH, unpriced: lines.length - known.length, hoursPerMonth: HOURS_PER_MONTH };
}
