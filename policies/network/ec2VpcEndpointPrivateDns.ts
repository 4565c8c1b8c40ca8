import { resourceGuardrail } from "../lib/guardrail";
import { NET } from "../lib/networkGraph";
import { isUnset } from "../lib/values";

export interface PrivateDnsConfig {
    /** Service names whose interface endpoints may go without private DNS. */
    exemptServiceNames: string[];
}

const remediation =
    "Set `privateDnsEnabled: true` on the interface endpoint (the VPC needs enableDnsSupport and enableDnsHostnames), " +
    "so the service's standard hostname resolves to the endpoint inside the VPC.";

/**
 * The problem with an endpoint's private DNS, if any. Only interface endpoints (`vpcEndpointType`
 * "Interface"; the provider's default is "Gateway") are checked; the provider's default for
 * `privateDnsEnabled` is false.
 */
export function privateDnsProblem(props: Record<string, unknown>, exempt: ReadonlySet<string>): string | undefined {
    if (props.vpcEndpointType !== "Interface") return undefined;
    if (exempt.has(String(props.serviceName))) return undefined;
    const enabled = props.privateDnsEnabled;
    if (enabled === true) return undefined;
    return isUnset(enabled)
        ? `privateDnsEnabled is not set (the default is false) on the interface endpoint for ${props.serviceName}`
        : `privateDnsEnabled is ${JSON.stringify(enabled)} on the interface endpoint for ${props.serviceName}`;
}

export const ec2VpcEndpointPrivateDns = resourceGuardrail(
    {
        name: "ec2-vpc-endpoint-private-dns",
        description: "Interface VPC endpoints have privateDnsEnabled true.",
        enforcementLevel: "mandatory",
        severity: "medium",
        url: "https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html",
        configSchema: {
            properties: {
                exemptServiceNames: {
                    type: "array",
                    items: { type: "string", minLength: 1 },
                    default: [],
                    description: "Full service names (e.g. com.amazonaws.us-gov-west-1.s3) whose interface endpoints may have private DNS off.",
                },
            },
        },
        family: "network",
        remediationSteps: remediation,
        controls: ["SC-7", "AC-4", "SC-8"],
        rationale:
            "Without private DNS, SDKs and the SageMaker containers resolve the public service hostname and send their calls (and credentials) out of the VPC, or fail when there is no egress.",
        unknowns: "none",
    },
    (args, reportViolation) => {
        if (args.type !== NET.vpcEndpoint) return;
        const exempt = new Set(args.getConfig<PrivateDnsConfig>().exemptServiceNames);
        const problem = privateDnsProblem(args.props, exempt);
        if (problem) reportViolation(`${problem}. ${remediation}`);
    },
);
