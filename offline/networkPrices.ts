/**
 * Hourly prices of the network resources the plan's cost estimate lists beside the SageMaker
 * instances (./cost.ts), with how AWS bills them. Only a price with a dated public AWS source is
 * recorded; everything else stays "unknown" in the estimate, never $0.
 *
 * Sources (checked 2026-12-02):
 * - NAT gateway: Amazon VPC pricing (aws.amazon.com/vpc/pricing/), "NAT Gateway pricing", its
 *   pricing example for US East (Ohio): $0.045 per NAT gateway-hour, plus $0.045 per GB processed
 *   (data is not estimated here). The page renders its per-region table in the browser; the figure
 *   is the example's text as read on 2026-09-20 and quoted verbatim in api-evangelist/amazon-vpc
 *   plans/amazon-vpc-plans-pricing.yml. It is for a public NAT gateway; a private one is left unpriced.
 * - Interface VPC endpoint: AWS PrivateLink pricing (aws.amazon.com/privatelink/pricing/), "Interface
 *   Endpoint pricing": billed "for each hour that your VPC endpoint remains provisioned in each
 *   Availability Zone" (one network interface per subnet), plus per GB processed ($0.01 for the first
 *   PB in a region). The hourly figure is in the page's region selector, not in its text as stored,
 *   so no hourly price is on record.
 * - GovCloud: no public source with a GovCloud NAT gateway or endpoint price was found; both unpriced.
 * - Gateway endpoints (S3, DynamoDB) carry no charge (Amazon VPC pricing) and are not listed.
 */
import type { InstancePrice } from "../policies/catalog/instances";
import { PartitionId } from "../policies/catalog/partitions";

export type NetworkPriceItem = "nat-gateway" | "interface-endpoint";

export interface NetworkPricing {
    /** What one unit of `count` is, as AWS bills it. */
    unit: string;
    /** Per partition; absent: no price on record. Same shape as an instance price. */
    prices: Partial<Record<PartitionId, InstancePrice>>;
}

const VPC_PRICING = "Amazon VPC pricing (aws.amazon.com/vpc/pricing/), NAT Gateway pricing example, US East (Ohio)";

export const NETWORK_PRICES: Record<NetworkPriceItem, NetworkPricing> = {
    "nat-gateway": {
        unit: "NAT gateway",
        prices: { aws: { usdPerHour: 0.045, region: "us-east-2", source: VPC_PRICING, asOf: "2026-09" } },
    },
    "interface-endpoint": {
        unit: "AZ",
        prices: {},
    },
};

/** Where a missing price would be recorded, for the report's "unknown" lines. */
export const NETWORK_PRICES_FILE = "offline/networkPrices.ts";
