import { resourceGuardrail } from "../lib/guardrail";
import { isWholeAddressSpace, NET } from "../lib/networkGraph";

const remediation =
    "Admit traffic only from known sources: the VPC's CIDR, a prefix list or another security group (`referencedSecurityGroupId`/`securityGroups`), never 0.0.0.0/0 or ::/0.";

/** A list of CIDRs, read element by element (an unknown one throws: the policy is deferred); an absent one is no CIDR. */
function cidrs(value: unknown): unknown[] {
    return Array.isArray(value) ? [...value] : [value];
}

/**
 * Ingress sources open to the whole internet, as `property = value` strings. Reads through the
 * analyzer's proxy: a CIDR computed from another resource (a VPC's cidrBlock) is unknown in preview
 * and defers the policy to `pulumi up`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function openIngress(type: string, props: Record<string, any>): string[] {
    const found: string[] = [];
    const check = (where: string, value: unknown) => {
        cidrs(value).forEach((cidr, i) => {
            if (isWholeAddressSpace(cidr)) found.push(`${where}${Array.isArray(value) ? `[${i}]` : ""} = ${JSON.stringify(cidr)}`);
        });
    };
    switch (type) {
        case NET.securityGroup:
        case NET.defaultSecurityGroup: {
            const rules = props.ingress;
            if (!Array.isArray(rules)) break;
            // eslint-disable-next-line @typescript-eslint/no-explicit-any -- an ingress rule of the proxied inputs
            rules.forEach((rule: Record<string, any>, i) => {
                check(`ingress[${i}].cidrBlocks`, rule.cidrBlocks);
                check(`ingress[${i}].ipv6CidrBlocks`, rule.ipv6CidrBlocks);
            });
            break;
        }
        case NET.securityGroupRule:
            if (props.type !== "ingress") break;
            check("cidrBlocks", props.cidrBlocks);
            check("ipv6CidrBlocks", props.ipv6CidrBlocks);
            break;
        case NET.securityGroupIngressRule:
            check("cidrIpv4", props.cidrIpv4);
            check("cidrIpv6", props.cidrIpv6);
            break;
    }
    return found;
}

export const ec2SecurityGroupNoPublicIngress = resourceGuardrail(
    {
        name: "ec2-security-group-no-public-ingress",
        description: "Security groups admit no ingress from 0.0.0.0/0 or ::/0 (inline rules, aws.ec2.SecurityGroupRule, aws.vpc.SecurityGroupIngressRule).",
        enforcementLevel: "mandatory",
        severity: "critical",
        url: "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
        family: "network",
        remediationSteps: remediation,
        controls: ["SC-7", "SC-7(5)", "AC-4", "CM-7"],
        rationale:
            "An ingress rule open to the internet exposes whatever the group protects (endpoints, inference containers, the notebook) to any address that can route to it.",
        unknowns: "deferred",
    },
    (args, reportViolation) => {
        // openIngress finds nothing on other types.
        for (const rule of openIngress(args.type, args.props)) reportViolation(`Ingress is open to the internet: ${rule}. ${remediation}`);
    },
);
