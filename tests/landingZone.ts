/**
 * A landing-zone VPC as AWS would describe it to the program's lookups (stacks/preconditions.ts), for
 * tests of networkMode `existing`: a VPC with two private subnets in two zones, each with its own
 * route table, and variants that break one fact. Plain data, so evaluations can be cached by it.
 */
import { StandIns } from "../offline/mockRun";

export const LANDING_ZONE = {
    vpcId: "vpc-0a1b2c3d4e5f60718",
    cidr: "10.20.0.0/16",
    subnets: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
    /** Two more private subnets, in the same two zones (another pair a stack may move to). */
    moreSubnets: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"],
};

/** The settings of a stack on the landing zone. */
export const EXISTING = { networkMode: "existing", existingVpcId: LANDING_ZONE.vpcId, existingPrivateSubnetIds: LANDING_ZONE.subnets };

/** What to break in the landing zone, per subnet id. */
export interface LandingZoneVariant {
    /** Subnets that give instances public IPv4 addresses. */
    publicIp?: string[];
    /** Subnets whose route table sends 0.0.0.0/0 to an internet gateway. */
    internetRoute?: string[];
    /** Subnets with no route table of their own, when the main one sends 0.0.0.0/0 to an internet gateway. */
    mainTableInternetRoute?: string[];
    /** Subnets of another VPC. */
    otherVpc?: string[];
    /** Every subnet in the same zone. */
    oneZone?: boolean;
    /**
     * The account is a participant of a shared VPC: it sees the subnets shared with it but none of the
     * owner's route tables ("Participants cannot view, modify, or delete resources that belong to other
     * participants or the VPC owner": Amazon VPC User Guide, "Share your VPC subnets with other accounts").
     */
    sharedWithAccount?: boolean;
}

/**
 * A failed lookup as the engine reports it over gRPC: the SDK rejects the call with the error's
 * `details` (@pulumi/pulumi runtime/invoke.js), so a plain Error would reach the program without its text.
 */
export function lookupError(message: string): Error {
    return Object.assign(new Error(message), { details: message });
}

/** Answers to the lookups of an existing VPC; other calls keep the offline stand-ins. */
export function landingZoneStandIns(variant: LandingZoneVariant = {}): StandIns {
    const has = (list: string[] | undefined, id: string) => list?.includes(id) ?? false;
    const ownTable = (subnet: string) => `rtb-${subnet.slice("subnet-".length)}`;
    const mainTable = "rtb-0main0000000000000";
    const route = (internet: boolean) =>
        internet ? [{ cidrBlock: "0.0.0.0/0", gatewayId: "igw-0a1b2c3d4e5f60718" }] : [{ cidrBlock: "10.0.0.0/8", transitGatewayId: "tgw-0123" }];
    return {
        call: (token, inputs, region) => {
            const filters = (inputs.filters ?? []) as { name: string; values: string[] }[];
            const filter = (name: string) => filters.find((f) => f.name === name)?.values[0];
            switch (token) {
                // As AWS answers a lookup by id: only the landing zone's own VPC and subnets exist.
                case "aws:ec2/getVpc:getVpc":
                    if (inputs.id !== LANDING_ZONE.vpcId) throw lookupError("no matching EC2 VPC found");
                    return { id: inputs.id, cidrBlock: LANDING_ZONE.cidr, enableDnsSupport: true, enableDnsHostnames: true };
                case "aws:ec2/getSubnet:getSubnet": {
                    const id = String(inputs.id);
                    const index = Math.max(LANDING_ZONE.subnets.indexOf(id), LANDING_ZONE.moreSubnets.indexOf(id));
                    if (index < 0) throw lookupError("no matching EC2 Subnet found");
                    return {
                        id,
                        vpcId: has(variant.otherVpc, id) ? "vpc-0ffffffffffffffff" : LANDING_ZONE.vpcId,
                        availabilityZone: `${region}${variant.oneZone ? "a" : "abc"[index]}`,
                        mapPublicIpOnLaunch: has(variant.publicIp, id),
                        assignIpv6AddressOnCreation: false,
                    };
                }
                case "aws:ec2/getRouteTables:getRouteTables": {
                    if (variant.sharedWithAccount) return { id: region, ids: [] };
                    const subnet = filter("association.subnet-id");
                    if (subnet) return { id: region, ids: has(variant.mainTableInternetRoute, subnet) ? [] : [ownTable(subnet)] };
                    if (filter("association.main") === "true") return { id: region, ids: [mainTable] };
                    return undefined;
                }
                case "aws:ec2/getRouteTable:getRouteTable": {
                    // Without a criterion the data source describes every route table the account sees
                    // (terraform-provider-aws internal/service/ec2/vpc_route_table_data_source.go).
                    if (inputs.routeTableId === undefined)
                        throw lookupError(
                            variant.sharedWithAccount
                                ? "query returned no results. Please change your search criteria and try again"
                                : "multiple Route Tables matched; use additional constraints to reduce matches to a single Route Table",
                        );
                    const id = String(inputs.routeTableId);
                    const subnet = [...LANDING_ZONE.subnets, ...LANDING_ZONE.moreSubnets].find((s) => ownTable(s) === id);
                    const internet = id === mainTable ? (variant.mainTableInternetRoute?.length ?? 0) > 0 : !!subnet && has(variant.internetRoute, subnet);
                    return { id, routeTableId: id, vpcId: LANDING_ZONE.vpcId, routes: route(internet), associations: [] };
                }
                default:
                    return undefined;
            }
        },
    };
}
