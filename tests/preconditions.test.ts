/**
 * The pure check of an existing VPC's subnets (stacks/preconditions.ts), called directly with the
 * facts AWS would report; tests/lifecycle.test.ts runs it through the program against landing-zone
 * stand-ins.
 */
import { strict as assert } from "assert";
import { existingNetworkProblems, SubnetFacts } from "../stacks/preconditions";
import { ExistingNetworkSettings } from "../stacks/settings";
import { LANDING_ZONE } from "./landingZone";

const network: ExistingNetworkSettings = {
    mode: "existing",
    egress: "none",
    vpcId: LANDING_ZONE.vpcId,
    privateSubnetIds: LANDING_ZONE.subnets,
    fipsEndpoints: false,
};
const [first, second] = LANDING_ZONE.subnets;
const privateSubnet = (id: string, zone: string): SubnetFacts => ({
    id,
    vpcId: LANDING_ZONE.vpcId,
    availabilityZone: zone,
    mapPublicIpOnLaunch: false,
    assignIpv6AddressOnCreation: false,
    routeTable: { id: "rtb-1", main: false, routes: [] },
});

describe("an existing VPC's subnets, as AWS reports them", () => {
    it("IPv6 addresses on launch make a subnet public; an IPv6 default route to an internet gateway in a main route table of unknown id is named without one", () => {
        const ipv6: SubnetFacts = {
            ...privateSubnet(first, "us-gov-west-1a"),
            assignIpv6AddressOnCreation: true,
            routeTable: { main: true, routes: [{ ipv6CidrBlock: "::/0", gatewayId: "igw-0123456789abcdef0" }] },
        };
        const problems = existingNetworkProblems(network, [ipv6, privateSubnet(second, "us-gov-west-1b")]);
        assert.deepEqual(
            problems.map((p) => [p.key, p.value, p.message]),
            [
                [
                    "existingPrivateSubnetIds[0]",
                    first,
                    "is not a private subnet: it gives instances IPv6 addresses on launch (AssignIpv6AddressOnCreation); " +
                        "the VPC's main route table (the subnet has none of its own) sends ::/0 to internet gateway igw-0123456789abcdef0. " +
                        "SageMaker models and the notebook must run in private subnets; list the landing zone's private subnets instead.",
                ],
            ],
        );
    });

    it("a default route elsewhere than an internet gateway (a NAT gateway, a transit gateway) and other routes to one are private", () => {
        const routed: SubnetFacts = {
            ...privateSubnet(first, "us-gov-west-1a"),
            routeTable: {
                id: "rtb-1",
                main: false,
                routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: "tgw-0123456789abcdef0" }, { cidrBlock: "10.0.0.0/8", gatewayId: "igw-0123456789abcdef0" }, {}],
            },
        };
        assert.deepEqual(existingNetworkProblems(network, [routed, privateSubnet(second, "us-gov-west-1b")]), []);
    });
});
