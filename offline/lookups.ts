/**
 * What a data-source call (an invoke such as `aws.getRegion()` or `aws.ec2.getSubnet()`) returns in
 * an offline run, where no provider plugin and no AWS account answer it. Three kinds of answer:
 *
 * - computed: the result follows from the call's arguments and the provider's region, as the
 *   provider itself computes it without asking AWS (getPartition, getRegion, getServicePrincipal,
 *   getArn, iam getPolicyDocument);
 * - stand-in: a made-up but plausible fact (the AWS documentation's example account, zones named
 *   after the region, every endpoint service offered in every zone), or a known identifier with the
 *   facts AWS would report about it left unknown (an existing VPC's CIDR, a subnet's routes);
 * - unknown: any other call. Its result has every field unknown (the fields are read from the
 *   provider SDK's declaration of the result, `Get<Name>Result`), as a value AWS computes is in a
 *   preview, and the report names the call as a blind spot. When no declaration is found the
 *   answer is empty and the call is named all the same.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument } from "./policyDocument";

/** The AWS documentation's example account id: what invokes return for the caller's account offline. */
export const OFFLINE_ACCOUNT_ID = "111122223333";

const UNKNOWN: string = pulumi.runtime.unknownValue;

export type LookupKind = "computed" | "stand-in" | "unknown";

export interface LookupAnswer {
    kind: LookupKind;
    result: Record<string, unknown>;
    /** For `unknown`: the result fields set unknown (empty when the result's declaration was not found). */
    unknownFields?: string[];
}

export function partitionOf(region: string): { partition: string; dnsSuffix: string } {
    if (region.startsWith("us-gov-")) return { partition: "aws-us-gov", dnsSuffix: "amazonaws.com" };
    if (region.startsWith("cn-")) return { partition: "aws-cn", dnsSuffix: "amazonaws.com.cn" };
    return { partition: "aws", dnsSuffix: "amazonaws.com" };
}

/** Zones the stand-ins name for a region: `<region>a`, `b`, `c`. */
function standInZones(region: string): string[] {
    return ["a", "b", "c"].map((l) => `${region}${l}`);
}

/**
 * The suffix of a service principal (`<service>.<suffix>`), as terraform-provider-aws computes it
 * (internal/service/meta/service_principal_data_source.go, servicePrincipalNameForPartition,
 * checked 2026-12-02): `amazonaws.com` everywhere, except a few services in China and the ISO
 * partitions, which use the partition's DNS suffix. Of those, only China's are modelled here.
 */
function servicePrincipalSuffix(service: string, region: string): string {
    const { partition, dnsSuffix } = partitionOf(region);
    if (partition === "aws-cn" && ["codedeploy", "elasticmapreduce", "logs"].includes(service)) return dnsSuffix;
    return "amazonaws.com";
}

/**
 * An ARN's parts, as the provider's `aws_arn` data source returns them (aws-sdk-go-v2 `arn.Parse`:
 * `arn:partition:service:region:account-id:resource`, the resource keeping any further colons).
 * Undefined for text that is not an ARN (the provider fails the call).
 */
export function parseArn(arn: string): { partition: string; service: string; region: string; account: string; resource: string } | undefined {
    const parts = arn.split(":");
    if (parts.length < 6 || parts[0] !== "arn") return undefined;
    return { partition: parts[1], service: parts[2], region: parts[3], account: parts[4], resource: parts.slice(5).join(":") };
}

/** Answers that follow from the arguments and the region; undefined for any other call. */
function computedAnswer(token: string, inputs: Record<string, unknown>, region: string): Record<string, unknown> | undefined {
    const { partition, dnsSuffix } = partitionOf(region);
    switch (token) {
        case "aws:index/getPartition:getPartition":
            return { partition, dnsSuffix, reverseDnsPrefix: dnsSuffix.split(".").reverse().join("."), id: partition };
        case "aws:index/getRegion:getRegion": {
            const name = typeof inputs.region === "string" ? inputs.region : typeof inputs.name === "string" ? inputs.name : region;
            return { name, region: name, endpoint: `ec2.${name}.${partitionOf(name).dnsSuffix}`, id: name };
        }
        case "aws:index/getServicePrincipal:getServicePrincipal": {
            const service = String(inputs.serviceName);
            const where = typeof inputs.region === "string" ? inputs.region : region;
            const suffix = servicePrincipalSuffix(service, where);
            return { id: `${service}.${where}.${suffix}`, name: `${service}.${suffix}`, suffix, region: where, serviceName: service };
        }
        case "aws:index/getArn:getArn": {
            const parsed = parseArn(String(inputs.arn));
            if (!parsed) throw new Error(`aws.getArn: '${String(inputs.arn)}' is not an ARN (arn:partition:service:region:account:resource)`);
            return { id: inputs.arn, arn: inputs.arn, ...parsed };
        }
        case "aws:iam/getPolicyDocument:getPolicyDocument":
            // The document the provider renders from the inputs (./policyDocument.ts).
            return policyDocument(inputs);
        default:
            return undefined;
    }
}

/**
 * Made-up facts (the example account, zones derived from the region) and known identifiers of
 * things outside the program with what AWS would report about them unknown, as a value AWS computes
 * is in preview, so nothing is judged on a made-up answer.
 */
function standInAnswer(token: string, inputs: Record<string, unknown>, region: string): Record<string, unknown> | undefined {
    const { partition } = partitionOf(region);
    switch (token) {
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return {
                accountId: OFFLINE_ACCOUNT_ID,
                arn: `arn:${partition}:iam::${OFFLINE_ACCOUNT_ID}:user/offline-plan`,
                userId: "AIDAOFFLINEPLAN",
                id: OFFLINE_ACCOUNT_ID,
            };
        case "aws:index/getAvailabilityZones:getAvailabilityZones": {
            // Every stand-in zone is available; the exclusions the program asks for apply.
            const excludeNames = Array.isArray(inputs.excludeNames) ? inputs.excludeNames : [];
            const excludeZoneIds = Array.isArray(inputs.excludeZoneIds) ? inputs.excludeZoneIds : [];
            const zones = standInZones(region)
                .map((name, i) => ({ name, zoneId: `${region.slice(0, 3)}${i + 1}-az${i + 1}` }))
                .filter((z) => !excludeNames.includes(z.name) && !excludeZoneIds.includes(z.zoneId));
            return { names: zones.map((z) => z.name), zoneIds: zones.map((z) => z.zoneId), id: region, state: inputs.state };
        }
        case "aws:ec2/getVpcEndpointService:getVpcEndpointService":
            // Every service offered in every stand-in zone.
            return {
                id: String(inputs.serviceName ?? inputs.service),
                serviceName: inputs.serviceName ?? `com.amazonaws.${region}.${String(inputs.service)}`,
                serviceType: inputs.serviceType ?? "Interface",
                availabilityZones: standInZones(region),
            };
        // Looked up by filters or `default` rather than by id, even the id is AWS's to know.
        case "aws:ec2/getVpc:getVpc":
            return { id: inputs.id ?? UNKNOWN, cidrBlock: UNKNOWN, enableDnsSupport: UNKNOWN, enableDnsHostnames: UNKNOWN };
        case "aws:ec2/getSubnet:getSubnet":
            return {
                id: inputs.id ?? UNKNOWN,
                vpcId: UNKNOWN,
                availabilityZone: UNKNOWN,
                mapPublicIpOnLaunch: UNKNOWN,
                assignIpv6AddressOnCreation: UNKNOWN,
            };
        case "aws:ec2/getRouteTables:getRouteTables":
            return { id: UNKNOWN, ids: UNKNOWN };
        case "aws:ec2/getRouteTable:getRouteTable":
            return { id: UNKNOWN, routeTableId: UNKNOWN, routes: UNKNOWN, associations: UNKNOWN };
        case "aws:s3/getObjects:getObjects":
            // Only reached in an update (the bucket's name is unknown in preview): the objects are there.
            return { id: String(inputs.bucket), bucket: inputs.bucket, prefix: inputs.prefix, keys: [String(inputs.prefix ?? "")], commonPrefixes: [] };
        case "aws:ec2/getPrefixList:getPrefixList":
            // A stand-in id: the real one is account-independent but not published as data.
            return {
                id: `pl-offline-${String(inputs.name ?? "s3")
                    .split(".")
                    .pop()}`,
                name: inputs.name,
                cidrBlocks: [],
            };
        default:
            return undefined;
    }
}

/**
 * The fields of a data source's result as the provider's Node.js SDK declares them: token
 * `<pkg>:<module>/<fn>:<fn>` is declared in `@pulumi/<pkg>/<module>/<fn>.d.ts` (`index` at the
 * package's root) as `export interface <Fn>Result`, one `readonly <field>` per line. Undefined when
 * the package or the declaration is not found.
 */
export function resultFieldsOf(token: string, searchFrom: string[]): string[] | undefined {
    const match = /^([\w-]+):([\w/-]+)\/(\w+):(\w+)$/.exec(token);
    if (!match) return undefined;
    const [, pkg, module, file, fn] = match;
    let packageJson: string;
    try {
        packageJson = require.resolve(`@pulumi/${pkg}/package.json`, { paths: searchFrom });
    } catch {
        return undefined;
    }
    const declaration = path.join(path.dirname(packageJson), ...(module === "index" ? [] : module.split("/")), `${file}.d.ts`);
    let text: string;
    try {
        text = fs.readFileSync(declaration, "utf8");
    } catch {
        return undefined;
    }
    const name = `${fn[0].toUpperCase()}${fn.slice(1)}Result`;
    const start = text.indexOf(`export interface ${name} {`);
    if (start < 0) return undefined;
    const end = text.indexOf("\n}", start);
    const body = text.slice(start, end < 0 ? undefined : end);
    return [...body.matchAll(/^ {4}readonly (\w+)\??:/gm)].map((m) => m[1]);
}

/** A result with each declared field unknown, except the arguments the call echoes back. */
function unknownAnswer(token: string, inputs: Record<string, unknown>, searchFrom: string[]): LookupAnswer {
    const fields = resultFieldsOf(token, searchFrom) ?? [];
    const result: Record<string, unknown> = {};
    const unknownFields: string[] = [];
    for (const field of fields) {
        if (inputs[field] !== undefined) result[field] = inputs[field];
        else {
            result[field] = UNKNOWN;
            unknownFields.push(field);
        }
    }
    return { kind: "unknown", result, unknownFields };
}

/**
 * The offline answer to a data-source call through a provider in `region`. `searchFrom`: where the
 * program's provider SDKs are installed (its own folder first).
 */
export function answerLookup(token: string, inputs: Record<string, unknown>, region: string, searchFrom: string[]): LookupAnswer {
    const computed = computedAnswer(token, inputs, region);
    if (computed) return { kind: "computed", result: computed };
    const standIn = standInAnswer(token, inputs, region);
    if (standIn) return { kind: "stand-in", result: standIn };
    return unknownAnswer(token, inputs, searchFrom);
}
