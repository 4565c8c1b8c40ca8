import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import {
    INTERFACE_ENDPOINT_SERVICES,
    interfaceEndpointServiceName,
    NOTEBOOK_ENDPOINT_KEY,
    notebookEndpointServiceName,
    Partition,
    s3GatewayServiceName,
} from "../policies/catalog/partitions";
import { checkLogRetention, DEFAULT_LOG_RETENTION_DAYS, problemsOfIssues, refuseArguments, regionPartition } from "./arguments";
import { Egress, enumValues, NetworkMode } from "./enums";
import { policyDocument, serviceTrustPolicy } from "./iam";
import { SettingProblem } from "./modelDeployment";
import { packageType, withPreviousType } from "./packageTypes";
import { HTTPS } from "./privateEgress";

/** A VPC to create, its arguments checked. */
export interface CreatedNetwork {
    mode: "create";
    egress: Egress;
    vpcCidr: string;
    /** Zones for the private subnets (two or more); empty: the first two zones where every endpoint service is offered. */
    availabilityZones: string[];
    fipsEndpoints: boolean;
}

/** An existing (landing-zone) VPC, its arguments checked. */
export interface ExistingNetwork {
    mode: "existing";
    egress: Egress;
    vpcId: string;
    privateSubnetIds: string[];
    fipsEndpoints: boolean;
}

/** What PrivateNetwork builds or uses, resolved from its arguments. */
export type NetworkPlan = CreatedNetwork | ExistingNetwork;

/** The VPC created when `vpcCidr` is not given. */
export const DEFAULT_VPC_CIDR = "10.80.0.0/16";

/** The network's shape: one VPC to create (the default), or an existing one. The names are the stack settings' own. */
export interface NetworkShape {
    /** `create` a private VPC, or use an `existing` (landing-zone) VPC and its private subnets. Default: `create`. @default `create` */
    networkMode?: NetworkMode;
    /** Internet egress: `none` (no internet gateway) or `nat` (public subnets that hold only NAT gateways). With an existing VPC, what it provides. Default: `none`. @default `none` */
    egress?: Egress;
    /** CIDR of the VPC to create (/16 to /22); not with an existing VPC. Default: 10.80.0.0/16. @default 10.80.0.0/16 */
    vpcCidr?: string;
    /** Zones for the private subnets (two or more) of the VPC to create. Default: [] (the first two zones where every endpoint service is offered). @default [] (the first two zones where every endpoint service is offered) */
    availabilityZones?: string[];
    /** FIPS interface endpoint services where the partition has them (policies/catalog/partitions.ts). Default: false. @default false */
    fipsEndpoints?: boolean;
    /** The existing VPC's id (networkMode `existing`). Default: none. @default none */
    existingVpcId?: string;
    /** Private subnet ids of the existing VPC, in at least two AZs (networkMode `existing`). Default: none. @default none */
    existingPrivateSubnetIds?: string[];
}

export interface PrivateNetworkArgs extends NetworkShape {
    /** The region (AWS GovCloud (US) or commercial); endpoint service names follow from it. */
    region: string;
    /** The account the stack deploys into. */
    accountId: pulumi.Input<string>;
    /** The stack key, for the flow-log group. */
    kmsKeyArn: pulumi.Input<string>;
    /** The existing VPC's CIDR (networkMode `existing`), which security groups admit. Default: looked up from the VPC. @default looked up from the VPC */
    existingVpcCidr?: pulumi.Input<string>;
    /** Flow-log retention in days (a value CloudWatch Logs accepts). Default: 365. @default 365 */
    logRetentionDays?: number;
    /**
     * Keep the flow-log group in AWS when it is replaced (a new VPC) or the stack is destroyed; it
     * then leaves Pulumi's state.
     * Default: true.
     * @default true
     */
    retainLogs?: boolean;
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** A created VPC is split into /+4 subnets, so it can be at most a /22 (giving /26 subnets). */
function checkCidr(key: string, cidr: string, maxPrefix: number, problems: SettingProblem[]): boolean {
    const m = CIDR.exec(cidr);
    const ok = !!m && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) >= 16 && Number(m[5]) <= maxPrefix;
    if (!ok) problems.push({ key, value: cidr, message: `must be an IPv4 CIDR block from /16 to /${maxPrefix}, e.g. 10.80.0.0/16.` });
    return ok;
}

/**
 * The network a shape describes, with its defaults, in `region`; every problem pushed (keys are the
 * shape's field names). Undefined when any was found.
 */
export function resolveNetwork(shape: NetworkShape, region: string, problems: SettingProblem[]): NetworkPlan | undefined {
    const before = problems.length;
    // What a program in another language can pass: a string where a list belongs, and the like.
    const typed = networkShapeTypes.safeParse(shape, { reportInput: true });
    if (!typed.success) {
        problems.push(...problemsOfIssues(typed.error.issues));
        return undefined;
    }
    const mode = shape.networkMode ?? "create";
    const egress = shape.egress ?? "none";
    const fipsEndpoints = shape.fipsEndpoints ?? false;
    if (!(enumValues(NetworkMode) as string[]).includes(mode)) {
        problems.push({ key: "networkMode", value: mode, message: `must be one of ${enumValues(NetworkMode).join(", ")}.` });
        return undefined;
    }
    if (!(enumValues(Egress) as string[]).includes(egress)) {
        problems.push({ key: "egress", value: egress, message: `must be one of ${enumValues(Egress).join(", ")}.` });
    }
    if (mode === "create") {
        const availabilityZones = shape.availabilityZones ?? [];
        checkCidr("vpcCidr", shape.vpcCidr || DEFAULT_VPC_CIDR, 22, problems);
        if (availabilityZones.length === 1) {
            problems.push({
                key: "availabilityZones",
                value: availabilityZones,
                message: "must list at least two zones (SageMaker needs subnets in two AZs), or be empty to use the region's first two.",
            });
        }
        for (const [i, az] of availabilityZones.entries()) {
            if (!az.startsWith(region)) {
                problems.push({ key: `availabilityZones[${i}]`, value: az, message: `is not a zone of region ${region}.` });
            }
        }
        otherModeProblems(shape, ["existingVpcId", "existingPrivateSubnetIds"], "existing", problems);
        if (problems.length > before) return undefined;
        return { mode: "create", egress, vpcCidr: shape.vpcCidr || DEFAULT_VPC_CIDR, availabilityZones, fipsEndpoints };
    }
    const vpcId = shape.existingVpcId ?? "";
    const privateSubnetIds = shape.existingPrivateSubnetIds ?? [];
    if (!/^vpc-[0-9a-f]{8,17}$/.test(vpcId)) {
        problems.push({
            key: "existingVpcId",
            value: vpcId,
            message: "must be the id of the landing-zone VPC (vpc-...) when networkMode is 'existing'.",
        });
    }
    if (privateSubnetIds.length < 2) {
        problems.push({
            key: "existingPrivateSubnetIds",
            value: privateSubnetIds,
            message: "must list at least two private subnets in different AZs when networkMode is 'existing'.",
        });
    }
    for (const [i, id] of privateSubnetIds.entries()) {
        if (!/^subnet-[0-9a-f]{8,17}$/.test(id))
            problems.push({ key: `existingPrivateSubnetIds[${i}]`, value: id, message: "is not a subnet id (subnet-...)." });
    }
    if (shape.vpcCidr) {
        problems.push({
            key: "vpcCidr",
            value: shape.vpcCidr,
            message:
                "applies only to networkMode 'create'. With 'existing' the program reads the VPC's CIDR from AWS (security groups admit it); remove vpcCidr from the stack file.",
        });
    }
    otherModeProblems(shape, ["availabilityZones"], "create", problems);
    if (problems.length > before) return undefined;
    return { mode: "existing", egress, vpcId, privateSubnetIds, fipsEndpoints };
}

/** The shape's fields and their types; the values are checked by resolveNetwork. */
const networkShapeTypes = z.object({
    networkMode: z.string().optional(),
    egress: z.string().optional(),
    vpcCidr: z.string().optional(),
    availabilityZones: z.array(z.string()).optional(),
    fipsEndpoints: z.boolean().optional(),
    existingVpcId: z.string().optional(),
    existingPrivateSubnetIds: z.array(z.string()).optional(),
});

/** A problem for each of `keys` given a value (not empty) although it belongs to the other networkMode. */
function otherModeProblems(
    shape: NetworkShape,
    keys: ("existingVpcId" | "existingPrivateSubnetIds" | "availabilityZones")[],
    otherMode: NetworkMode,
    problems: SettingProblem[],
): void {
    for (const key of keys) {
        const value = shape[key];
        if (value !== undefined && value.length > 0)
            problems.push({
                key,
                value,
                message: `applies only to networkMode '${otherMode}', and would be ignored; remove it, or set networkMode '${otherMode}'.`,
            });
    }
}

/** Prefix length of the subnets carved from the VPC CIDR: 4 more bits (a /16 gives /20 subnets). */
const SUBNET_NEWBITS = 4;
/** Public (NAT-only) subnets start at this index so private ones can grow without renumbering. */
const PUBLIC_SUBNET_OFFSET = 8;

/** The `index`-th subnet of `cidr` with `newbits` more prefix bits (like Terraform's cidrsubnet). */
export function cidrSubnet(cidr: string, newbits: number, index: number): string {
    const [address, prefixText] = cidr.split("/");
    const prefix = Number(prefixText) + newbits;
    if (prefix > 28) throw new Error(`${cidr} is too small to split into /${prefix} subnets`);
    const base = address.split(".").reduce((acc, octet) => (acc << 8) + Number(octet), 0) >>> 0;
    const value = (base + index * 2 ** (32 - prefix)) >>> 0;
    const octets = [24, 16, 8, 0].map((shift) => (value >>> shift) & 255);
    return `${octets.join(".")}/${prefix}`;
}

/**
 * A zone's slot in the VPC's address plan: its letter (`a` is 0). A subnet keeps its CIDR for as long
 * as it stays in its zone, and one moved to another zone gets another CIDR: the replacement is created
 * before the old subnet is deleted, and two subnets of a VPC cannot share a CIDR.
 */
export function zoneSlot(zone: string): number {
    const slot = zone.charCodeAt(zone.length - 1) - "a".charCodeAt(0);
    if (!/[a-z]$/.test(zone) || slot >= PUBLIC_SUBNET_OFFSET) throw new Error(`Zone ${zone} has no slot in the address plan (zones a to h).`);
    return slot;
}

/** What one endpoint service offers: its name and the zones it is offered in (empty when AWS does not say). */
export interface ServiceZones {
    serviceName: string;
    zones: string[];
}

/**
 * The zones for the private subnets: every interface endpoint needs a subnet in each zone the
 * endpoint is placed in, and creating one fails in a zone its service is not offered in ("The VPC
 * endpoint service ... does not support the availability zone of the subnet"). So: the requested
 * zones, each checked against every service, or else the first `count` available zones that offer
 * every service. A service that lists no zones is not restricting: the provider reads no zones for
 * endpoint services in GovCloud (terraform-provider-aws
 * internal/service/ec2/vpc_endpoint_service_data_source.go: "GovCloud responses only include
 * ServiceNames"). Throws when the zones do not suffice.
 */
export function chooseZones(available: string[], services: ServiceZones[], requested: string[], count: number): string[] {
    const restricting = services.filter((s) => s.zones.length > 0);
    const missingIn = (zone: string) => restricting.filter((s) => !s.zones.includes(zone)).map((s) => s.serviceName);
    const usable = available.filter((zone) => missingIn(zone).length === 0);
    if (requested.length > 0) {
        const problems = requested.flatMap((zone) => {
            if (!available.includes(zone)) return [`${zone} is not an available zone of the region (${available.join(", ")})`];
            const missing = missingIn(zone);
            return missing.length > 0 ? [`${zone} does not offer ${missing.join(", ")}`] : [];
        });
        if (problems.length > 0) {
            throw new Error(
                `availabilityZones: ${problems.join("; ")}. Choose zones that offer every VPC endpoint service the stack creates (${usable.join(", ") || "none do"}), or leave availabilityZones empty.`,
            );
        }
        return requested;
    }
    if (usable.length < count) {
        const detail = available.map((zone) => `${zone}: ${missingIn(zone).length === 0 ? "all" : `not ${missingIn(zone).join(", ")}`}`).join("; ");
        throw new Error(`Only ${usable.length} zone(s) offer every VPC endpoint service the stack creates, ${count} are needed (${detail}).`);
    }
    return usable.slice(0, count);
}

/**
 * Why the program stops when a VPC endpoint service lookup fails: the service, the region, FIPS advice
 * when FIPS services were asked for, and the provider's reason when it gave one.
 */
export function unofferedServiceError(serviceName: string, region: string, fipsEndpoints: boolean, cause: Error): Error {
    const fips = fipsEndpoints ? " (fipsEndpoints is true; set it to false to use the standard services)" : "";
    return new Error(`VPC endpoint service ${serviceName} is not offered in ${region} to this account${fips}${cause.message ? `: ${cause.message}` : "."}`);
}

/**
 * The private network SageMaker runs in.
 *
 * *create*: a VPC over two or more AZs with private subnets; egress `none` (no internet gateway at
 * all) or `nat` (public subnets that hold only NAT gateways, no public IPs on launch); interface
 * endpoints with private DNS for every AWS API the endpoint and notebook call; an S3 gateway
 * endpoint; an endpoint security group admitting only HTTPS from the VPC; the default security
 * group stripped of rules; VPC flow logs to a KMS-encrypted log group.
 *
 * *existing*: a landing-zone VPC and its private subnets, as checked against AWS before (their
 * endpoints, routes and flow logs belong to the landing zone).
 */
export class PrivateNetwork extends pulumi.ComponentResource {
    /** The VPC's id. */
    readonly vpcId: pulumi.Output<string>;
    /** The VPC's CIDR block. */
    readonly vpcCidr: pulumi.Output<string>;
    /** The private subnets, one per zone. */
    readonly privateSubnetIds: pulumi.Output<string[]>;
    /** Managed prefix list of S3 in the region, for security-group egress to the gateway endpoint. */
    readonly s3PrefixListId: pulumi.Output<string>;
    /** Interface endpoint ids by key (empty with an existing VPC). */
    readonly interfaceEndpointIds: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: PrivateNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        const problems: SettingProblem[] = [];
        const regionOf = regionPartition(args.region, problems);
        const resolved = resolveNetwork(args, args.region, problems);
        checkLogRetention("logRetentionDays", args.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS, problems);
        if (resolved?.mode === "create" && args.existingVpcCidr !== undefined) {
            problems.push({ key: "existingVpcCidr", message: "applies only to networkMode 'existing'; remove it." });
        }
        refuseArguments("PrivateNetwork", name, problems);
        super(packageType("PrivateNetwork"), name, {}, withPreviousType("PrivateNetwork", opts));
        const network = resolved!;
        const partition = regionOf!;
        const { region } = args;

        if (network.mode === "existing") {
            this.vpcCidr = pulumi.output(args.existingVpcCidr ?? aws.ec2.getVpcOutput({ id: network.vpcId }, { parent: this }).cidrBlock);
            this.vpcId = pulumi.output(network.vpcId);
            // Resolved together with the CIDR, so a caller's check of the VPC (which the CIDR waits for) gates the subnets too.
            this.privateSubnetIds = pulumi.all([this.vpcCidr, network.privateSubnetIds]).apply(([, ids]) => ids);
            this.s3PrefixListId = aws.ec2.getPrefixListOutput({ name: s3GatewayServiceName(region) }, { parent: this }).apply((pl) => pl.id);
            this.interfaceEndpointIds = pulumi.output<Record<string, string>>({});
            this.registerNetworkOutputs();
            return;
        }

        this.vpcCidr = pulumi.output(network.vpcCidr);
        const child = { parent: this };
        const azCount = Math.max(2, network.availabilityZones.length);
        const interfaceServices = INTERFACE_ENDPOINT_SERVICES.map((service) => ({
            service,
            serviceName: interfaceEndpointServiceName(region, partition.id, service, network.fipsEndpoints),
        }));
        const serviceNames = [...interfaceServices.map((s) => s.serviceName), notebookEndpointServiceName(region)];
        // Looked up during preview: a service name the region does not offer stops the program before
        // anything is created, and the zones that offer every service are known.
        const offered = serviceNames.map((serviceName) =>
            pulumi.output(
                aws.ec2.getVpcEndpointService({ serviceName }, child).then(
                    (found) => ({ serviceName, zones: found.availabilityZones ?? [] }),
                    (err: Error) => {
                        throw unofferedServiceError(serviceName, region, network.fipsEndpoints, err);
                    },
                ),
            ),
        );
        const available = aws.getAvailabilityZonesOutput({ state: "available" }, child).names;
        const zones: pulumi.Output<string[]> = pulumi
            .all([available, pulumi.all(offered)])
            .apply(([names, services]) => chooseZones(names, services, network.availabilityZones, azCount));

        const vpc = new aws.ec2.Vpc(
            `${name}-vpc`,
            {
                cidrBlock: network.vpcCidr,
                // Private DNS of interface endpoints needs both.
                enableDnsSupport: true,
                enableDnsHostnames: true,
            },
            child,
        );

        // Remove every rule of the default security group so nothing can fall back to it.
        new aws.ec2.DefaultSecurityGroup(`${name}-default-sg`, { vpcId: vpc.id, ingress: [], egress: [] }, child);

        const privateSubnets: aws.ec2.Subnet[] = [];
        const privateRouteTables: aws.ec2.RouteTable[] = [];
        for (let i = 0; i < azCount; i++) {
            const subnet = new aws.ec2.Subnet(
                `${name}-private-${i}`,
                {
                    vpcId: vpc.id,
                    cidrBlock: zones.apply((z) => cidrSubnet(network.vpcCidr, SUBNET_NEWBITS, zoneSlot(z[i]))),
                    availabilityZone: zones.apply((z) => z[i]),
                    mapPublicIpOnLaunch: false,
                    assignIpv6AddressOnCreation: false,
                },
                child,
            );
            const routeTable = new aws.ec2.RouteTable(`${name}-private-${i}`, { vpcId: vpc.id }, child);
            new aws.ec2.RouteTableAssociation(`${name}-private-${i}`, { subnetId: subnet.id, routeTableId: routeTable.id }, child);
            privateSubnets.push(subnet);
            privateRouteTables.push(routeTable);
        }

        if (network.egress === "nat") {
            const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id }, child);
            const publicRouteTable = new aws.ec2.RouteTable(`${name}-public`, { vpcId: vpc.id }, child);
            new aws.ec2.Route(
                `${name}-public-default`,
                {
                    routeTableId: publicRouteTable.id,
                    destinationCidrBlock: "0.0.0.0/0",
                    gatewayId: igw.id,
                },
                child,
            );
            for (let i = 0; i < azCount; i++) {
                // Public subnets hold only the NAT gateways: nothing launched there gets a public IP.
                const publicSubnet = new aws.ec2.Subnet(
                    `${name}-public-${i}`,
                    {
                        vpcId: vpc.id,
                        cidrBlock: zones.apply((z) => cidrSubnet(network.vpcCidr, SUBNET_NEWBITS, PUBLIC_SUBNET_OFFSET + zoneSlot(z[i]))),
                        availabilityZone: zones.apply((z) => z[i]),
                        mapPublicIpOnLaunch: false,
                    },
                    child,
                );
                new aws.ec2.RouteTableAssociation(`${name}-public-${i}`, { subnetId: publicSubnet.id, routeTableId: publicRouteTable.id }, child);
                const eip = new aws.ec2.Eip(`${name}-nat-${i}`, { domain: "vpc" }, { parent: this, dependsOn: [igw] });
                const nat = new aws.ec2.NatGateway(`${name}-nat-${i}`, { subnetId: publicSubnet.id, allocationId: eip.id }, child);
                new aws.ec2.Route(
                    `${name}-private-${i}-default`,
                    {
                        routeTableId: privateRouteTables[i].id,
                        destinationCidrBlock: "0.0.0.0/0",
                        natGatewayId: nat.id,
                    },
                    child,
                );
            }
        }

        const s3Gateway = new aws.ec2.VpcEndpoint(
            `${name}-s3`,
            {
                vpcId: vpc.id,
                serviceName: s3GatewayServiceName(region),
                vpcEndpointType: "Gateway",
                routeTableIds: privateRouteTables.map((rt) => rt.id),
            },
            child,
        );

        const endpointSecurityGroup = new aws.ec2.SecurityGroup(
            `${name}-endpoints`,
            {
                vpcId: vpc.id,
                description: "Interface VPC endpoints: HTTPS from inside the VPC only",
            },
            child,
        );
        new aws.vpc.SecurityGroupIngressRule(
            `${name}-endpoints-https`,
            {
                securityGroupId: endpointSecurityGroup.id,
                description: "HTTPS from the VPC",
                ipProtocol: "tcp",
                fromPort: HTTPS,
                toPort: HTTPS,
                cidrIpv4: network.vpcCidr,
            },
            child,
        );

        const subnetIds = privateSubnets.map((s) => s.id);
        const endpointIds: Record<string, pulumi.Output<string>> = {};
        let sagemakerApi: aws.ec2.VpcEndpoint | undefined;
        for (const { service, serviceName } of interfaceServices) {
            const endpoint = new aws.ec2.VpcEndpoint(
                `${name}-${service.key}`,
                {
                    vpcId: vpc.id,
                    serviceName,
                    vpcEndpointType: "Interface",
                    privateDnsEnabled: true,
                    subnetIds,
                    securityGroupIds: [endpointSecurityGroup.id],
                },
                child,
            );
            endpointIds[service.key] = endpoint.id;
            if (service.key === "sagemaker-api") sagemakerApi = endpoint;
        }
        // The notebook endpoint's private DNS needs the sagemaker.api endpoint to exist first.
        const notebookEndpoint = new aws.ec2.VpcEndpoint(
            `${name}-${NOTEBOOK_ENDPOINT_KEY}`,
            {
                vpcId: vpc.id,
                serviceName: notebookEndpointServiceName(region),
                vpcEndpointType: "Interface",
                privateDnsEnabled: true,
                subnetIds,
                securityGroupIds: [endpointSecurityGroup.id],
            },
            { parent: this, dependsOn: sagemakerApi ? [sagemakerApi] : [] },
        );
        endpointIds[NOTEBOOK_ENDPOINT_KEY] = notebookEndpoint.id;

        this.createFlowLogs(name, vpc, args, partition);

        this.vpcId = vpc.id;
        this.privateSubnetIds = pulumi.all(subnetIds);
        this.s3PrefixListId = s3Gateway.prefixListId;
        this.interfaceEndpointIds = pulumi.all(endpointIds);
        this.registerNetworkOutputs();
    }

    /** The outputs a caller reads, the same in both modes. */
    private registerNetworkOutputs(): void {
        this.registerOutputs({
            vpcId: this.vpcId,
            vpcCidr: this.vpcCidr,
            privateSubnetIds: this.privateSubnetIds,
            s3PrefixListId: this.s3PrefixListId,
            interfaceEndpointIds: this.interfaceEndpointIds,
        });
    }

    /**
     * Flow logs to a KMS-encrypted group, delivered by a role that follows the Amazon VPC User Guide,
     * "IAM role for publishing flow logs to CloudWatch Logs": its actions, scoped to the group where the
     * action takes a resource, and the trust with
     * aws:SourceAccount and aws:SourceArn (the flow log's ARN, `*` for its id until it exists).
     */
    private createFlowLogs(name: string, vpc: aws.ec2.Vpc, args: PrivateNetworkArgs, partition: Partition): void {
        const child = { parent: this };
        const { region, accountId } = args;
        const arnPrefix = partition.arnPrefix;
        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-flow-logs`,
            {
                name: pulumi.interpolate`/vpc/flow-logs/${vpc.id}`,
                kmsKeyId: args.kmsKeyArn,
                retentionInDays: args.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS,
            },
            // The name changes exactly when the VPC is replaced: create the new group first.
            { parent: this, retainOnDelete: args.retainLogs ?? true, deleteBeforeReplace: false },
        );
        const role = new aws.iam.Role(
            `${name}-flow-logs`,
            {
                description: "VPC flow logs delivery to the stack's flow-log group",
                assumeRolePolicy: serviceTrustPolicy("vpc-flow-logs.amazonaws.com", {
                    StringEquals: { "aws:SourceAccount": accountId },
                    ArnLike: { "aws:SourceArn": pulumi.interpolate`${arnPrefix}:ec2:${region}:${accountId}:vpc-flow-log/*` },
                }),
            },
            child,
        );
        const rolePolicy = new aws.iam.RolePolicy(
            `${name}-flow-logs`,
            {
                role: role.id,
                policy: policyDocument([
                    {
                        Sid: "WriteThisFlowLogGroupOnly",
                        Effect: "Allow",
                        Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                        Resource: [logGroup.arn, pulumi.interpolate`${logGroup.arn}:*`],
                    },
                    // Lists every group: the action takes no narrower resource (Service Authorization Reference, CloudWatch Logs).
                    { Sid: "ListLogGroups", Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: "*" },
                ]),
            },
            child,
        );
        new aws.ec2.FlowLog(
            `${name}-flow-logs`,
            {
                vpcId: vpc.id,
                trafficType: "ALL",
                logDestinationType: "cloud-watch-logs",
                logDestination: logGroup.arn,
                iamRoleArn: role.arn,
            },
            // Delivery starts as soon as the flow log exists, with the role's permissions in place.
            { parent: this, dependsOn: [rolePolicy] },
        );
    }
}
