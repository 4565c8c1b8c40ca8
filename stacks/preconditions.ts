/**
 * Checks of the settings against the account, made while `pulumi preview` (and `pulumi up`) runs,
 * before what depends on them is created. Each check's result is an Output the dependent resources
 * consume, so they wait for it, and a failed check stops the program with a SettingsError that names
 * the setting, the value and the fix.
 *
 * - An existing (landing-zone) VPC: its CIDR (the security groups admit it), and that every subnet
 *   given is in the VPC, private (no public IPv4 or IPv6 addresses on launch, no default route to an
 *   internet gateway in its route table or, without one, the VPC's main route table) and that the
 *   subnets span two or more zones (SageMaker Developer Guide, "Give SageMaker Hosted Endpoints
 *   Access to Resources in Your Amazon VPC": "at least two subnets in different availability zones").
 * - Staged weights: the prefix of a model whose weights come from S3 holds the model's config.json.
 *
 * Offline (the tests' and plan's mock runtime) these facts are unknown, so nothing here is judged
 * on made-up answers; the plan lists the lookups it could not make.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ExistingNetworkSettings, ModelDeployment, SettingProblem, SettingsError } from "./settings";
import { defaultDeploymentName } from "../policies/catalog/models";
import { stagedWeightsLocation } from "../components/llmEndpoint";

/** A route as the check reads it. */
export interface RouteFacts {
    cidrBlock?: string;
    ipv6CidrBlock?: string;
    gatewayId?: string;
}

/** What AWS reports of one subnet given in `existingPrivateSubnetIds`; absent fields are unknown. */
export interface SubnetFacts {
    id: string;
    vpcId?: string;
    availabilityZone?: string;
    mapPublicIpOnLaunch?: boolean;
    assignIpv6AddressOnCreation?: boolean;
    /** The subnet's route table, or the VPC's main one when the subnet has none of its own. */
    routeTable?: { id?: string; main: boolean; routes?: RouteFacts[] };
}

const DEFAULT_ROUTES = ["0.0.0.0/0", "::/0"];

/** Problems of an existing VPC's subnets; empty when they are fit for SageMaker. Pure. */
export function existingNetworkProblems(network: ExistingNetworkSettings, subnets: SubnetFacts[]): SettingProblem[] {
    const problems: SettingProblem[] = [];
    subnets.forEach((subnet, i) => {
        const key = `existingPrivateSubnetIds[${i}]`;
        const why: string[] = [];
        if (subnet.vpcId !== undefined && subnet.vpcId !== network.vpcId) {
            problems.push({ key, value: subnet.id, message: `is in ${subnet.vpcId}, not in existingVpcId ${network.vpcId}; list subnets of that VPC.` });
            return;
        }
        if (subnet.mapPublicIpOnLaunch === true) why.push("it gives instances public IPv4 addresses on launch (MapPublicIpOnLaunch)");
        if (subnet.assignIpv6AddressOnCreation === true) why.push("it gives instances IPv6 addresses on launch (AssignIpv6AddressOnCreation)");
        const table = subnet.routeTable;
        for (const route of table?.routes ?? []) {
            const destination = [route.cidrBlock, route.ipv6CidrBlock].find((d) => d && DEFAULT_ROUTES.includes(d));
            if (destination && route.gatewayId?.startsWith("igw-")) {
                const id = table?.id ? ` ${table.id}` : "";
                const which = table?.main ? `the VPC's main route table${id} (the subnet has none of its own)` : `its route table${id}`;
                why.push(`${which} sends ${destination} to internet gateway ${route.gatewayId}`);
            }
        }
        if (why.length > 0) {
            problems.push({
                key,
                value: subnet.id,
                message: `is not a private subnet: ${why.join("; ")}. SageMaker models and the notebook must run in private subnets; list the landing zone's private subnets instead.`,
            });
        }
    });
    // One zone, and one AWS reported (offline, zones are unknown and not judged).
    const [zone, ...otherZones] = new Set(subnets.map((s) => s.availabilityZone));
    if (zone !== undefined && otherZones.length === 0) {
        problems.push({
            key: "existingPrivateSubnetIds",
            value: subnets.map((s) => s.id),
            message: `are all in ${zone}; SageMaker needs private subnets in at least two availability zones. Add a subnet of another zone.`,
        });
    }
    return problems;
}

/** The checked facts of an existing VPC: its CIDR and its private subnets, resolving only when every check passed. */
export interface CheckedExistingNetwork {
    vpcCidr: pulumi.Output<string>;
    privateSubnetIds: pulumi.Output<string[]>;
}

/** Reads the existing VPC and its subnets from AWS and checks them (`existingNetworkProblems`). */
export function checkExistingNetwork(network: ExistingNetworkSettings, stack: string, namespace: string, opts: pulumi.InvokeOptions): CheckedExistingNetwork {
    // An id AWS does not know fails the lookup; that becomes the setting's problem, not the provider's error.
    const notFound = (key: string, value: string, what: string) => (err: Error) => {
        throw new SettingsError(stack, namespace, [
            { key, value, message: `names no ${what} AWS knows in this account and region (${err.message || "not found"}); check the id.` },
        ]);
    };
    const vpc = pulumi.output(aws.ec2.getVpc({ id: network.vpcId }, opts).catch(notFound("existingVpcId", network.vpcId, "VPC")));
    const subnets = network.privateSubnetIds.map((id, i) => {
        const subnet = pulumi.output(aws.ec2.getSubnet({ id }, opts).catch(notFound(`existingPrivateSubnetIds[${i}]`, id, "subnet")));
        // A fact left unknown (offline stand-ins in a preview) keeps this from running: nothing unknown is judged.
        return pulumi.all([subnet, routeTableOf(id, network.vpcId, opts)]).apply(([s, routeTable]): SubnetFacts => ({
            id,
            vpcId: s.vpcId,
            availabilityZone: s.availabilityZone,
            mapPublicIpOnLaunch: s.mapPublicIpOnLaunch,
            assignIpv6AddressOnCreation: s.assignIpv6AddressOnCreation,
            routeTable,
        }));
    });
    const checked = pulumi.all(subnets).apply((facts) => {
        const problems = existingNetworkProblems(network, facts);
        if (problems.length > 0) throw new SettingsError(stack, namespace, problems);
        return facts.map((f) => f.id);
    });
    return { vpcCidr: pulumi.all([vpc, checked]).apply(([v]) => v.cidrBlock), privateSubnetIds: checked };
}

/**
 * The subnet's own route table, else the VPC's main one: a subnet without an explicit association
 * uses the main route table, and DescribeRouteTables does not return implicit associations (Amazon
 * EC2 API Reference, DescribeRouteTables, `association.subnet-id`). getRouteTables lists without
 * failing when nothing matches.
 */
function routeTableOf(subnetId: string, vpcId: string, opts: pulumi.InvokeOptions): pulumi.Output<SubnetFacts["routeTable"]> {
    const own = aws.ec2.getRouteTablesOutput({ vpcId, filters: [{ name: "association.subnet-id", values: [subnetId] }] }, opts);
    return own.ids.apply((ids): pulumi.Output<SubnetFacts["routeTable"]> => {
        const main = ids.length === 0;
        const tableId = main
            ? aws.ec2.getRouteTablesOutput({ vpcId, filters: [{ name: "association.main", values: ["true"] }] }, opts).ids.apply((mainIds) => mainIds[0])
            : pulumi.output(ids[0]);
        return tableId.apply((routeTableId): pulumi.Output<SubnetFacts["routeTable"]> =>
            routeTableId === undefined
                ? pulumi.output({ main, routes: [] })
                : aws.ec2.getRouteTableOutput({ routeTableId }, opts).apply((t) => ({ id: t.routeTableId, main, routes: t.routes })),
        );
    });
}

/** Thrown at `pulumi up` (or preview, once the bucket exists) when an S3-weights model's files are not staged. */
export class WeightsNotStagedError extends Error {
    constructor(deployment: ModelDeployment, uri: string, stack: string) {
        super(
            `Model '${deployment.name}' reads its weights from ${uri}, which holds no config.json: the model's files are not staged. ` +
                `Nothing SageMaker was created for it. Stage them with 'npm run stage-model -- --model ${deployment.model.id}${deployment.name === defaultDeploymentName(deployment.model.id) ? "" : ` --name ${deployment.name}`} --stack ${stack}' ` +
                `(README, "First deployment"), then run 'pulumi up' again.`,
        );
        this.name = "WeightsNotStagedError";
    }
}

/**
 * `s3://bucket/prefix/` of a deployment's staged weights, resolving only once the prefix holds the
 * model's config.json (every Hugging Face model repository has one, and the engines read it first). The
 * lookup waits for the bucket's name, so on a first deployment it runs at `pulumi up`, after the
 * bucket exists and before any SageMaker resource that needs the weights.
 */
export function stagedWeightsUri(
    deployment: ModelDeployment & { weights: { source: "s3" } },
    bucketName: pulumi.Output<string>,
    stack: string,
    opts: pulumi.InvokeOptions,
): pulumi.Output<string> {
    const prefix = deployment.weights.s3Prefix;
    const listing = aws.s3.getObjectsOutput({ bucket: bucketName, prefix: `${prefix}config.json`, maxKeys: 1 }, opts);
    return pulumi.all([bucketName, listing.keys]).apply(([bucket, keys]) => {
        const uri = stagedWeightsLocation(bucket, prefix);
        if (keys.length === 0) throw new WeightsNotStagedError(deployment, uri, stack);
        return uri;
    });
}
