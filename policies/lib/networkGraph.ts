/**
 * Reading the network out of a stack for the network and notebook families: which resources a
 * property is linked to, and what a route table routes. Links come from property dependencies (known
 * in preview, when ids are not) and, where both sides' ids are known, from equal ids. Everything here
 * looks without reading (`peek`), so nothing throws for a value unknown in preview; a policy that
 * needs an unknown value reads it through `mustKnow`, which throws the analyzer's "can't be known
 * during preview" error and so defers the policy to `pulumi up`.
 */
import { PolicyResource } from "@pulumi/policy";
import { isPresent, isUnknownValue, isUnset, peek } from "./values";

/** Resource types, as the engine names them. */
export const NET = {
    vpc: "aws:ec2/vpc:Vpc",
    subnet: "aws:ec2/subnet:Subnet",
    routeTable: "aws:ec2/routeTable:RouteTable",
    defaultRouteTable: "aws:ec2/defaultRouteTable:DefaultRouteTable",
    route: "aws:ec2/route:Route",
    routeTableAssociation: "aws:ec2/routeTableAssociation:RouteTableAssociation",
    mainRouteTableAssociation: "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation",
    internetGateway: "aws:ec2/internetGateway:InternetGateway",
    natGateway: "aws:ec2/natGateway:NatGateway",
    egressOnlyInternetGateway: "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway",
    vpcEndpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
    securityGroup: "aws:ec2/securityGroup:SecurityGroup",
    defaultSecurityGroup: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    securityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
    securityGroupIngressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    flowLog: "aws:ec2/flowLog:FlowLog",
    sagemakerModel: "aws:sagemaker/model:Model",
    notebookInstance: "aws:sagemaker/notebookInstance:NotebookInstance",
} as const;

/** Known strings of a string or string-array value (unknown elements and non-strings skipped). */
export function knownStrings(value: unknown): string[] {
    const items = Array.isArray(value) ? value : [value];
    return items.filter((v): v is string => typeof v === "string" && v !== "" && !isUnknownValue(v));
}

/** The resource's id when the engine gives it (stack policies see outputs; `id` is among them for AWS resources). */
export function knownId(r: PolicyResource): string | undefined {
    const id = peek(r.props, "id");
    return typeof id === "string" && id !== "" && !isUnknownValue(id) ? id : undefined;
}

/** Resources a top-level property depends on, optionally of some types. */
export function depsOf(r: PolicyResource, property: string, ...types: string[]): PolicyResource[] {
    const deps = r.propertyDependencies[property] ?? [];
    return types.length === 0 ? deps : deps.filter((d) => types.includes(d.type));
}

/** Whether `r`'s top-level `property` refers to `target`: by dependency, or by equal known id. */
export function linked(r: PolicyResource, property: string, target: PolicyResource): boolean {
    if (depsOf(r, property).includes(target)) return true;
    const id = knownId(target);
    return id !== undefined && knownStrings(peek(r.props, property)).includes(id);
}

/** Resources of some types that `r.property` refers to (dependency or equal id). */
export function linkedOfType(r: PolicyResource, property: string, all: PolicyResource[], ...types: string[]): PolicyResource[] {
    return all.filter((t) => types.includes(t.type) && linked(r, property, t));
}

export function ofType(all: PolicyResource[], ...types: string[]): PolicyResource[] {
    return all.filter((r) => types.includes(r.type));
}

/**
 * Reads a nested value through the analyzer's proxy, so that an unknown one throws its
 * UnknownValueError (the policy is reported as not run in preview and runs at `pulumi up`).
 */
export function mustKnow(props: unknown, ...path: (string | number)[]): unknown {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    let value: any = props;
    for (const key of path) {
        if (isUnset(value)) return undefined;
        value = value[key];
    }
    return value;
}

/** A CIDR covering every address (0.0.0.0/0, ::/0, or any other /0). */
export function isWholeAddressSpace(cidr: unknown): boolean {
    return typeof cidr === "string" && /\/0$/.test(cidr.trim());
}

/** An internet gateway id as AWS writes it. */
export function looksLikeInternetGatewayId(id: unknown): boolean {
    return typeof id === "string" && /^igw-[0-9a-f]+$/.test(id);
}

/** A route of a route table that sends the default route to an internet gateway. */
export interface InternetRoute {
    /** The resource holding the route: the route table (inline `routes`) or an aws.ec2.Route. */
    holder: PolicyResource;
    /** The property, e.g. `routes[0]` or `destinationCidrBlock`. */
    where: string;
    destination: string;
}

/**
 * Default routes (0.0.0.0/0, ::/0) to an internet gateway in a route table: its inline `routes`
 * (aws.ec2.RouteTable, aws.ec2.DefaultRouteTable; a VPC has none) and aws.ec2.Route resources on
 * it. `table` may be a VPC, standing for its main route table (routes whose routeTableId comes from
 * the VPC). A route's gateway is an internet gateway when it is an `igw-` id or its property depends
 * on an aws.ec2.InternetGateway; routes or a destination unknown in preview defer the policy.
 */
export function internetRoutes(table: PolicyResource, all: PolicyResource[]): InternetRoute[] {
    const found: InternetRoute[] = [];
    const routes = knownOrDeferred(table.props, "routes");
    const inlineIgw = depsOf(table, "routes", NET.internetGateway).length > 0;
    if (Array.isArray(routes)) {
        routes.forEach((route, i) => {
            // A route that is no object has no gatewayId, so the gateway test below skips it.
            if (!route) return;
            if (!isInternetGateway((route as Record<string, unknown>).gatewayId, inlineIgw, all)) return;
            for (const key of ["cidrBlock", "ipv6CidrBlock"]) {
                const destination = knownOrDeferred(table.props, "routes", i, key);
                if (isWholeAddressSpace(destination)) found.push({ holder: table, where: `routes[${i}].${key}`, destination: String(destination) });
            }
        });
    }
    for (const route of ofType(all, NET.route)) {
        if (!linked(route, "routeTableId", table)) continue;
        if (!isInternetGateway(peek(route.props, "gatewayId"), depsOf(route, "gatewayId", NET.internetGateway).length > 0, all)) continue;
        for (const key of ["destinationCidrBlock", "destinationIpv6CidrBlock"]) {
            const destination = knownOrDeferred(route.props, key);
            if (isWholeAddressSpace(destination)) found.push({ holder: route, where: key, destination: String(destination) });
        }
    }
    return found;
}

/**
 * A nested value, read without the proxy. One unknown in preview is read again through the
 * analyzer's proxy (`mustKnow`), whose error reports the policy as not run; where nothing throws
 * (a value handed over directly), it is absent.
 */
function knownOrDeferred(props: unknown, ...path: (string | number)[]): unknown {
    let value = props;
    for (const key of path) value = peek(value, String(key)); // peek into nothing is nothing
    if (!isUnknownValue(value)) return value;
    mustKnow(props, ...path);
    return undefined;
}

/**
 * Whether a route's `gatewayId` is an internet gateway: an `igw-` id or the id of one in the stack;
 * otherwise (unknown in preview, or an id the stack's gateways do not expose) when the property
 * depends on an aws.ec2.InternetGateway. Another AWS id (`vgw-...`) is not one.
 */
function isInternetGateway(gateway: unknown, dependsOnIgw: boolean, all: PolicyResource[]): boolean {
    if (isUnset(gateway) || gateway === "" || gateway === "local") return false;
    if (looksLikeInternetGatewayId(gateway)) return true;
    if (typeof gateway === "string" && !isUnknownValue(gateway)) {
        if (ofType(all, NET.internetGateway).some((igw) => knownId(igw) === gateway)) return true;
        if (/^[a-z]+-[0-9a-f]{8,17}$/.test(gateway)) return false;
    }
    return dependsOnIgw;
}

/**
 * Where a default route goes: an internet gateway (which SageMaker's network interfaces, having no
 * public address, cannot use), a NAT gateway or an egress-only internet gateway (internet egress),
 * or another target the stack cannot see beyond (a transit gateway, peering connection, virtual
 * private gateway, network interface or firewall endpoint: perhaps a central egress, perhaps not).
 */
export type RouteTarget = "internet gateway" | "NAT gateway" | "egress-only internet gateway" | "other";

/** A default route (0.0.0.0/0 or ::/0) of a route table, and where it goes. */
export interface DefaultRoute extends InternetRoute {
    target: RouteTarget;
}

/** Set to something, possibly unknown in preview. */
/** Where a route goes; `dependsOn(type)` says whether the route's property depends on a resource of that type. */
function routeTarget(route: unknown, dependsOn: (type: string) => boolean, all: PolicyResource[]): RouteTarget {
    if (isPresent(route, "natGatewayId")) return "NAT gateway";
    if (isPresent(route, "egressOnlyGatewayId")) return "egress-only internet gateway";
    const gateway = peek(route, "gatewayId");
    if (isInternetGateway(gateway, dependsOn(NET.internetGateway), all)) return "internet gateway";
    return "other";
}

/**
 * The default routes (0.0.0.0/0, ::/0) of a route table, with their targets: its inline `routes`
 * and the aws.ec2.Route resources on it (`table` may be a VPC, standing for its main route table).
 * A route list or destination unknown in preview is handed to `onUnknown` (resource, property path,
 * value) and left out; the caller decides what that means. A route without a target property is a
 * route the stack cannot judge ("other").
 */
export function defaultRoutes(
    table: PolicyResource,
    all: PolicyResource[],
    onUnknown: (resource: PolicyResource, path: string, value: unknown) => void,
): DefaultRoute[] {
    const found: DefaultRoute[] = [];
    const routes = peek(table.props, "routes");
    if (isUnknownValue(routes)) onUnknown(table, "routes", routes);
    const inlineDeps = (type: string) => depsOf(table, "routes", type).length > 0;
    if (Array.isArray(routes)) {
        routes.forEach((route, i) => {
            if (isUnknownValue(route)) return onUnknown(table, `routes.${i}`, route);
            for (const key of ["cidrBlock", "ipv6CidrBlock"]) {
                const destination = peek(route, key);
                if (isUnknownValue(destination)) onUnknown(table, `routes.${i}.${key}`, destination);
                else if (isWholeAddressSpace(destination))
                    found.push({ holder: table, where: `routes[${i}].${key}`, destination: String(destination), target: routeTarget(route, inlineDeps, all) });
            }
        });
    }
    for (const route of ofType(all, NET.route)) {
        if (!linked(route, "routeTableId", table)) continue;
        for (const key of ["destinationCidrBlock", "destinationIpv6CidrBlock"]) {
            const destination = peek(route.props, key);
            if (isUnknownValue(destination)) onUnknown(route, key, destination);
            else if (isWholeAddressSpace(destination)) {
                const dependsOn = (type: string) => depsOf(route, "gatewayId", type).length > 0;
                found.push({ holder: route, where: key, destination: String(destination), target: routeTarget(route.props, dependsOn, all) });
            }
        }
    }
    return found;
}

/** Whether a default route sends traffic to the internet through a gateway of the VPC (NAT or egress-only). */
export function isEgressRoute(route: DefaultRoute): boolean {
    return route.target === "NAT gateway" || route.target === "egress-only internet gateway";
}

/**
 * The default routes of the route tables a subnet uses, or undefined when the stack holds none of
 * its route tables (a subnet of a VPC from outside the stack), so its routing cannot be seen.
 */
export function subnetDefaultRoutes(
    subnet: PolicyResource,
    all: PolicyResource[],
    onUnknown: (resource: PolicyResource, path: string, value: unknown) => void,
): DefaultRoute[] | undefined {
    const tables = routeTablesOf(subnet, all);
    if (tables.length === 0) return undefined;
    return tables.flatMap((t) => defaultRoutes(t, all, onUnknown));
}

/**
 * The route tables a subnet uses: those of its aws.ec2.RouteTableAssociation resources; without
 * one, its VPC's main route table (aws.ec2.DefaultRouteTable or a table made main by
 * aws.ec2.MainRouteTableAssociation, and the VPC itself for routes on `vpc.mainRouteTableId`).
 * A table outside the stack cannot be seen and is not returned.
 */
export function routeTablesOf(subnet: PolicyResource, all: PolicyResource[]): PolicyResource[] {
    const tables = [NET.routeTable, NET.defaultRouteTable];
    const associations = ofType(all, NET.routeTableAssociation).filter((a) => linked(a, "subnetId", subnet));
    if (associations.length > 0) return unique(associations.flatMap((a) => linkedOfType(a, "routeTableId", all, ...tables)));
    const vpcs = linkedOfType(subnet, "vpcId", all, NET.vpc);
    const main: PolicyResource[] = [];
    for (const vpc of vpcs) {
        main.push(vpc);
        main.push(...ofType(all, NET.defaultRouteTable).filter((t) => linked(t, "defaultRouteTableId", vpc)));
        for (const assoc of ofType(all, NET.mainRouteTableAssociation).filter((a) => linked(a, "vpcId", vpc))) {
            main.push(...linkedOfType(assoc, "routeTableId", all, ...tables));
        }
    }
    return unique(main);
}

export function unique<T>(items: T[]): T[] {
    return [...new Set(items)];
}

/** How a resource is named in messages: `name (type token)`. */
export function describeResource(r: { name: string; type: string }): string {
    return `${r.name} (${r.type.split(":").pop()})`;
}
