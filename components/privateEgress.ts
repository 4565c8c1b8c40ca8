import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export const HTTPS = 443;

export interface PrivateEgressGroupArgs {
    vpcId: pulumi.Input<string>;
    /** What the group is for, shown in the console. */
    description: string;
    /** The VPC CIDR: HTTPS inside it reaches the interface endpoints. */
    vpcCidr: pulumi.Input<string>;
    /** S3's managed prefix list, for HTTPS to the gateway endpoint. */
    s3PrefixListId: pulumi.Input<string>;
}

export interface PrivateEgressGroup {
    group: aws.ec2.SecurityGroup;
    /** The egress rules; what uses the group waits for them. */
    rules: aws.vpc.SecurityGroupEgressRule[];
}

/**
 * A security group whose only egress is HTTPS to the VPC's interface endpoints and to S3, and which
 * admits nothing: what SageMaker models and notebooks in a private subnet need. `name` names the
 * group; the two rules are `<rulePrefix>-endpoints` and `<rulePrefix>-s3`.
 */
export function privateEgressGroup(name: string, rulePrefix: string, args: PrivateEgressGroupArgs, opts: pulumi.CustomResourceOptions): PrivateEgressGroup {
    const securityGroup = new aws.ec2.SecurityGroup(name, { vpcId: args.vpcId, description: args.description }, opts);
    const toEndpoints = new aws.vpc.SecurityGroupEgressRule(
        `${rulePrefix}-endpoints`,
        {
            securityGroupId: securityGroup.id,
            description: "HTTPS to the interface endpoints of the VPC",
            ipProtocol: "tcp",
            fromPort: HTTPS,
            toPort: HTTPS,
            cidrIpv4: args.vpcCidr,
        },
        opts,
    );
    const toS3 = new aws.vpc.SecurityGroupEgressRule(
        `${rulePrefix}-s3`,
        {
            securityGroupId: securityGroup.id,
            description: "HTTPS to S3 through the gateway endpoint",
            ipProtocol: "tcp",
            fromPort: HTTPS,
            toPort: HTTPS,
            prefixListId: args.s3PrefixListId,
        },
        opts,
    );
    return { group: securityGroup, rules: [toEndpoints, toS3] };
}
