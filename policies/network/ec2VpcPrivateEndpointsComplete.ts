import { PolicyResource } from "@pulumi/policy";
import { endpointServiceName, INTERFACE_ENDPOINT_SERVICES, notebookEndpointServiceName, s3GatewayServiceName } from "../catalog/partitions";
import { regionOf } from "../lib/context";
import { stackGuardrail } from "../lib/guardrail";
import { describeResource, linked, mustKnow, NET, ofType } from "../lib/networkGraph";
import { peek } from "../lib/values";
import { subnetUsers } from "./sagemakerWorkloadSubnetsPrivate";

export interface EndpointsConfig {
    /** More interface endpoint services to require, as suffixes after `com.amazonaws.<region>.` (e.g. "application-autoscaling"). */
    additionalServices: string[];
}

const remediation =
    "Create the missing VPC endpoints in the VPC (interface endpoints with private DNS in the private subnets; the S3 gateway endpoint on their route tables), " +
    "or give the VPC egress (a NAT gateway) on purpose.";

/** One endpoint SageMaker needs, and the service names (in a region) that provide it. */
export interface RequiredEndpoint {
    /** Interface, Gateway, or either (S3 has both). */
    type: "Interface" | "Gateway" | "any";
    names(region: string): string[];
    /** What it is for, as the message says (for a configured service: where it was asked for). */
    purpose: string;
    /** Needed only where a notebook instance uses the VPC. @default needed by every SageMaker VPC */
    notebookOnly?: boolean;
}

/** A service's names: standard, its FIPS names from the table, and `<service>-fips` (FIPS names count as the service). */
function serviceNames(service: string, fipsServices: string[]): (region: string) => string[] {
    const suffixes = [...new Set([service, ...fipsServices, `${service}-fips`])];
    return (region) => suffixes.map((suffix) => endpointServiceName(region, suffix));
}

/** The endpoints a VPC without internet egress needs, from the pack's partition catalog (../catalog/partitions.ts), plus configured ones. */
export function requiredEndpoints(additionalServices: string[]): RequiredEndpoint[] {
    return [
        ...INTERFACE_ENDPOINT_SERVICES.map((s): RequiredEndpoint => ({
            type: "Interface",
            names: serviceNames(s.service, Object.values(s.fipsService ?? {})),
            purpose: s.purpose,
        })),
        ...additionalServices.map((service): RequiredEndpoint => ({
            type: "Interface",
            // Stryker disable next-line ArrayDeclaration: a made-up FIPS name only widens what counts, and no endpoint has one
            names: serviceNames(service, []),
            purpose: "listed in this policy's additionalServices",
        })),
        { type: "Interface", names: (region) => [notebookEndpointServiceName(region)], purpose: "opening the notebook from the VPC", notebookOnly: true },
        { type: "any", names: (region) => [s3GatewayServiceName(region)], purpose: "model weights and the notebook's data" },
    ];
}

/** What follows an endpoint's name in the message: ` (Interface: what it is for)`, or ` (what it is for)` when either type will do (S3). */
function endpointNote(required: RequiredEndpoint): string {
    return ` (${required.type === "Interface" ? "Interface: " : ""}${required.purpose})`;
}

/** An endpoint of the VPC as the check sees it: its service name, type and region (from its provider). */
export interface EndpointFacts {
    serviceName: string;
    type: string;
    region: string | undefined;
}

/** Requirements no endpoint meets; an endpoint counts with the service names of its own region (or the VPC's). */
export function missingEndpoints(required: RequiredEndpoint[], endpoints: EndpointFacts[], vpcRegion: string): RequiredEndpoint[] {
    return required.filter(
        (req) =>
            !endpoints.some((e) => {
                const region = e.region ?? vpcRegion;
                return (req.type === "any" || req.type === e.type) && req.names(region).includes(e.serviceName);
            }),
    );
}

/** What the check needs of an aws.ec2.VpcEndpoint; the provider's default vpcEndpointType is Gateway. */
export function endpointFacts(endpoint: PolicyResource): EndpointFacts {
    // serviceName is a literal in practice; if unknown, reading it defers the policy.
    const serviceName = String(mustKnow(endpoint.props, "serviceName"));
    const type = peek(endpoint.props, "vpcEndpointType");
    return { serviceName, type: typeof type === "string" ? type : "Gateway", region: regionOf(endpoint.props, endpoint.provider) };
}

export const ec2VpcPrivateEndpointsComplete = stackGuardrail(
    {
        name: "ec2-vpc-private-endpoints-complete",
        description:
            "A VPC the stack creates without internet egress, used by a SageMaker model or notebook, has every VPC endpoint SageMaker needs (the interface endpoints of the partition's SageMaker services, S3, and the notebook endpoint where a notebook uses the VPC).",
        enforcementLevel: "mandatory",
        severity: "medium",
        url: "https://docs.aws.amazon.com/sagemaker/latest/dg/interface-vpc-endpoint.html",
        configSchema: {
            properties: {
                additionalServices: {
                    type: "array",
                    items: { type: "string", minLength: 1 },
                    default: [],
                    description: "More interface endpoint services to require, as the suffix after com.amazonaws.<region>. (e.g. application-autoscaling).",
                },
            },
        },
        family: "network",
        remediationSteps: remediation,
        controls: ["SC-7", "SC-7(5)", "AC-4", "SC-8"],
        rationale:
            "With no internet egress, an AWS API without an endpoint is unreachable: the endpoint fails to pull its image or write logs, or a later change adds egress to fix it.",
        unknowns: "present",
    },
    (args, reportViolation) => {
        const all = args.resources;
        // With an internet or NAT gateway in the stack, traffic has another way out: not applicable.
        if (ofType(all, NET.internetGateway, NET.natGateway).length > 0) return;
        const required = requiredEndpoints(args.getConfig<EndpointsConfig>().additionalServices);
        const endpoints = ofType(all, NET.vpcEndpoint);
        // Only the VPCs SageMaker uses: through the stack's subnets its models and notebooks name.
        const users = [...subnetUsers(all, new Set()).used];
        for (const vpc of ofType(all, NET.vpc)) {
            const sageMaker = users.filter(([subnet]) => linked(subnet, "vpcId", vpc)).flatMap(([, of]) => of);
            if (sageMaker.length === 0) continue;
            const hasNotebook = sageMaker.some((r) => r.type === NET.notebookInstance);
            const own = endpoints.filter((e) => linked(e, "vpcId", vpc));
            const facts = own.map(endpointFacts);
            const region = regionOf(vpc.props, vpc.provider) ?? facts.find((f) => f.region)?.region;
            if (!region) {
                reportViolation(
                    `${describeResource(vpc)} has no known region (its provider sets none), so its endpoints cannot be checked. Set the provider's region. ${remediation}`,
                    vpc.urn,
                );
                continue;
            }
            const missing = missingEndpoints(
                required.filter((r) => hasNotebook || !r.notebookOnly),
                facts,
                region,
            );
            if (missing.length === 0) continue;
            const list = missing.map((m) => `${m.names(region)[0]}${endpointNote(m)}`).join(", ");
            reportViolation(`VPC ${vpc.name} has no internet egress and lacks VPC endpoints for: ${list}. ${remediation}`, vpc.urn);
        }
    },
);
