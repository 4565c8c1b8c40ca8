import { PolicyResource } from "@pulumi/policy";
import { stackGuardrail } from "../lib/guardrail";
import { depsOf, describeResource, internetRoutes, knownId, knownStrings, mustKnow, NET, ofType, routeTablesOf, unique } from "../lib/networkGraph";
import { isUnknownValue, peek } from "../lib/values";

const remediation =
    "Run SageMaker only in private subnets: `mapPublicIpOnLaunch`, `assignIpv6AddressOnCreation` and `mapCustomerOwnedIpOnLaunch` not true, " +
    "and no default route (0.0.0.0/0, ::/0) to an internet gateway in the subnet's route table (egress through a NAT gateway or VPC endpoints instead).";

/** The config key this policy had; it now belongs to sagemaker-workload-external-subnets-approved. */
export const MOVED_CONFIG_KEY = "approvedSubnetIds";

/** Where a SageMaker resource names its subnets: the top-level property and how to read the ids. */
const SUBNET_USERS: { type: string; property: string; path: string; read: (props: unknown) => unknown }[] = [
    { type: NET.sagemakerModel, property: "vpcConfig", path: "vpcConfig.subnets", read: (p) => peek(peek(p, "vpcConfig"), "subnets") },
    { type: NET.notebookInstance, property: "subnetId", path: "subnetId", read: (p) => peek(p, "subnetId") },
];

/** An AWS subnet id as written literally (landing-zone ids); ids from the stack's own subnets are matched by link instead. */
// Stryker disable next-line Regex: the values sorted are subnet ids or unknown markers, which an unanchored pattern sorts alike.
const LITERAL_SUBNET_ID = /^subnet-[0-9a-f]{8,17}$/;

/**
 * Splits a SageMaker resource's subnet ids into the stack's subnets it uses and ids from outside
 * the stack that are not approved. A value equal to a stack subnet's id is that subnet. Where the
 * stack's subnets do not expose ids (preview; offline runs), the property's dependencies on stack
 * subnets account for as many values: first the `unknownValues` (ids not yet known in preview), then
 * known values, literal-looking `subnet-` ids last; what is left is external.
 */
export function attributeSubnets(
    values: string[],
    unknownValues: number,
    dependencySubnets: PolicyResource[],
    stackSubnets: PolicyResource[],
    approved: ReadonlySet<string>,
): { used: PolicyResource[]; unapproved: string[] } {
    // Subnets whose id is not known share the key undefined, which no value looks up.
    const byId = new Map(stackSubnets.map((s) => [knownId(s), s] as const));
    const used = [...dependencySubnets, ...values.filter((v) => byId.has(v)).map((v) => byId.get(v)!)];
    const capacity = Math.max(0, dependencySubnets.filter((s) => knownId(s) === undefined).length - unknownValues);
    const unattributed = values
        .filter((v) => !byId.has(v) && !approved.has(v))
        .sort((a, b) => Number(LITERAL_SUBNET_ID.test(a)) - Number(LITERAL_SUBNET_ID.test(b)));
    return { used: unique(used), unapproved: unattributed.slice(capacity) };
}

/**
 * Why a subnet of the stack is not private: its own settings (read through the proxy, so a value
 * unknown in preview defers the policy) and default routes to an internet gateway in its route tables.
 */
export function subnetProblems(subnet: PolicyResource, all: PolicyResource[]): string[] {
    const problems: string[] = [];
    for (const key of ["mapPublicIpOnLaunch", "assignIpv6AddressOnCreation", "mapCustomerOwnedIpOnLaunch"]) {
        const value = mustKnow(subnet.props, key);
        if (value === true || value === "true") problems.push(`${key} is true`);
    }
    for (const table of routeTablesOf(subnet, all)) {
        const via = table.type === NET.vpc ? `the main route table of ${describeResource(table)}` : `route table ${describeResource(table)}`;
        for (const route of internetRoutes(table, all)) {
            const holder = route.holder === table ? "" : ` (${describeResource(route.holder)})`;
            problems.push(`${via} sends ${route.destination} to an internet gateway${holder}, ${route.where}`);
        }
    }
    return problems;
}

/**
 * The subnets each SageMaker resource uses, split into the stack's own (as resources) and ids from
 * outside the stack that `approved` does not list. Shared with sagemaker-workload-external-subnets-approved.
 */
export function subnetUsers(
    all: PolicyResource[],
    approved: ReadonlySet<string>,
): { used: Map<PolicyResource, PolicyResource[]>; external: { user: PolicyResource; path: string; id: string }[] } {
    const stackSubnets = ofType(all, NET.subnet);
    const used = new Map<PolicyResource, PolicyResource[]>();
    const external: { user: PolicyResource; path: string; id: string }[] = [];
    for (const spec of SUBNET_USERS) {
        for (const r of ofType(all, spec.type)) {
            const raw = spec.read(r.props);
            const values = isUnknownValue(raw) ? [] : knownStrings(raw);
            const unknownValues = Array.isArray(raw) ? raw.filter(isUnknownValue).length : 0;
            const split = attributeSubnets(values, unknownValues, depsOf(r, spec.property, NET.subnet), stackSubnets, approved);
            for (const s of split.used) used.set(s, [...(used.get(s) ?? []), r]);
            for (const id of split.unapproved) external.push({ user: r, path: spec.path, id });
        }
    }
    return { used, external };
}

/**
 * Mandatory: the subnets the stack creates and SageMaker uses are private. Subnets from outside the
 * stack (a landing zone's) cannot be seen by a policy; sagemaker-workload-external-subnets-approved reports them.
 */
export const sagemakerWorkloadSubnetsPrivate = stackGuardrail(
    {
        name: "sagemaker-workload-subnets-private",
        description:
            "Every subnet the stack creates that a SageMaker model or notebook uses is private (no public IPs, no default route to an internet gateway).",
        enforcementLevel: "mandatory",
        severity: "high",
        url: "https://docs.aws.amazon.com/vpc/latest/userguide/configure-subnets.html",
        configSchema: {
            properties: {
                [MOVED_CONFIG_KEY]: {
                    type: "array",
                    items: { type: "string", minLength: 1 },
                    default: [],
                    description: "Moved to sagemaker-workload-external-subnets-approved; a value here is reported so it is not ignored.",
                },
            },
        },
        family: "network",
        remediationSteps: remediation,
        controls: ["SC-7", "SC-7(5)", "AC-4"],
        rationale:
            "A subnet with public addresses or a default route to an internet gateway exposes the inference containers and notebook to the internet, whatever their security groups say.",
        unknowns: "present",
    },
    (args, reportViolation) => {
        const moved = args.getConfig<Record<string, string[]>>()[MOVED_CONFIG_KEY];
        if (moved.length > 0) {
            reportViolation(
                `Policy config ${JSON.stringify({ [MOVED_CONFIG_KEY]: moved })} belongs to sagemaker-workload-external-subnets-approved now; move it there (this policy judges only the subnets the stack creates).`,
            );
        }
        const all = args.resources;
        const { used: users } = subnetUsers(all, new Set());
        for (const [subnet, usedBy] of users) {
            const names = unique(usedBy).map(describeResource).join(", ");
            for (const problem of subnetProblems(subnet, all)) {
                reportViolation(`Subnet ${subnet.name}, used by ${names}, is not private: ${problem}. ${remediation}`, subnet.urn);
            }
        }
    },
);
