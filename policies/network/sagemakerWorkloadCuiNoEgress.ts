/**
 * SageMaker models and notebooks that hold Controlled Unclassified Information have no way to the
 * internet: a model or notebook is CUI when its data-classification tag (its own tags over the AWS
 * provider's default tags, ../lib/tagsEffective.ts) has one of the configured CUI values. Then:
 * - no subnet it uses has a default route to a NAT gateway or an egress-only internet gateway
 *   (reported on the route, the resource to change, once per route, naming the CUI workloads);
 * - no model downloads its weights from the Hugging Face Hub (../lib/modelWeights.ts): the weights
 *   are staged in S3 (reported on the model).
 * One finding per problem: what other mandatory policies already report for every workload is left
 * to them: a default route to an internet gateway (sagemaker-workload-subnets-private), a notebook's
 * `directInternetAccess` not "Disabled" (sagemaker-notebook-no-direct-internet), a model outside a
 * VPC (sagemaker-model-in-vpc). Subnets whose route tables the stack does not hold, and default
 * routes to a target the stack cannot see beyond (a transit gateway to a central inspection VPC),
 * cannot be judged and are not reported.
 *
 * Unknowns (`deferred`): a classification tag, a model variable, a route list or a destination
 * unknown in preview is recorded, and the policy is reported as not run after what is known; a
 * provider whose default tags are unknown makes the policy not run. All run at `pulumi up`.
 */
import { PolicyResource } from "@pulumi/policy";
import { stackGuardrail } from "../lib/guardrail";
import { hubContainers } from "../lib/modelWeights";
import { DefaultRoute, describeResource, isEgressRoute, NET, ofType, subnetDefaultRoutes, unique } from "../lib/networkGraph";
import { effectiveTags, providerDefaultTags, rawTagMap, UNKNOWN_TAG } from "../lib/tagsEffective";
import { Deferrals, peek } from "../lib/values";
import { subnetUsers } from "./sagemakerWorkloadSubnetsPrivate";

export interface CuiConfig {
    classificationTag: string;
    cuiValues: string[];
}

const remediation =
    "Keep CUI workloads without internet egress: remove the default route to the NAT or egress-only internet gateway from the route tables of their subnets (reach AWS services through VPC endpoints), " +
    "and stage the model's weights in S3 (`modelDataSource`) instead of downloading them from the Hugging Face Hub.";

/** The classification of a workload: its tag value, undefined when untagged, UNKNOWN_TAG when unknown in preview. */
export function classificationOf(r: PolicyResource, tag: string): string | typeof UNKNOWN_TAG | undefined {
    const tags = effectiveTags(providerDefaultTags(r.provider), rawTagMap(peek(r.props, "tagsAll")), rawTagMap(peek(r.props, "tags")));
    return tags[tag];
}

export const sagemakerWorkloadCuiNoEgress = stackGuardrail(
    {
        name: "sagemaker-workload-cui-no-egress",
        description:
            "SageMaker models and notebooks tagged as CUI have no internet egress: no NAT or egress-only internet gateway default route from their subnets, and no model weights downloaded from the Hugging Face Hub.",
        enforcementLevel: "mandatory",
        severity: "critical",
        url: "https://docs.aws.amazon.com/sagemaker/latest/dg/host-vpc.html",
        family: "network",
        remediationSteps: remediation,
        inThisProgram: "a stack tagged CUI runs with egress 'none' and every model's weightsSource 's3'.",
        configSchema: {
            properties: {
                classificationTag: {
                    type: "string",
                    minLength: 1,
                    default: "DataClassification",
                    description: "The tag key that carries a resource's data classification (its own tags or the AWS provider's default tags).",
                },
                cuiValues: {
                    type: "array",
                    items: { type: "string", minLength: 1 },
                    default: ["CUI"],
                    description: "The values of the classification tag that mark Controlled Unclassified Information (compared exactly).",
                },
            },
        },
        controls: ["AC-4", "SC-7", "SC-7(4)", "SC-7(5)"],
        rationale:
            "CUI must not leave the authorization boundary: a NAT route or a model download from the internet is a path out (and in) that no security group inside the VPC fully closes.",
        unknowns: "deferred",
    },
    (args, reportViolation) => {
        const all = args.resources;
        const { classificationTag, cuiValues } = args.getConfig<CuiConfig>();
        const deferrals = new Deferrals();
        // The CUI workloads and their classification, read once.
        const cui = new Map<PolicyResource, string>();
        for (const r of ofType(all, NET.sagemakerModel, NET.notebookInstance)) {
            const value = classificationOf(r, classificationTag);
            if (value === UNKNOWN_TAG) deferrals.add(r.name, `tags.${classificationTag}`, undefined, "classification unknown in preview");
            else if (value !== undefined && cuiValues.includes(value)) cui.set(r, value);
        }
        const label = (r: PolicyResource) => `${describeResource(r)} (${classificationTag}=${cui.get(r)})`;

        for (const model of [...cui.keys()].filter((r) => r.type === NET.sagemakerModel)) {
            for (const hub of hubContainers(model, deferrals)) {
                reportViolation(
                    `${label(model)} downloads its weights from the Hugging Face Hub (${hub.container.path}.environment.${hub.variable}=${hub.hubId}): a CUI workload reaches the internet. ${remediation}`,
                    model.urn,
                );
            }
        }

        // Each egress route once, with every CUI workload whose subnets use it.
        const routes = new Map<string, { route: DefaultRoute; subnets: PolicyResource[]; users: PolicyResource[] }>();
        for (const [subnet, users] of subnetUsers(all, new Set()).used) {
            const cuiUsers = unique(users).filter((u) => cui.has(u));
            if (cuiUsers.length === 0) continue;
            const found = subnetDefaultRoutes(subnet, all, (r, path, value) => deferrals.add(r.name, path, value)) ?? [];
            for (const route of found.filter(isEgressRoute)) {
                const key = `${route.holder.urn}#${route.where}`;
                const entry = routes.get(key) ?? { route, subnets: [], users: [] };
                entry.subnets.push(subnet);
                entry.users.push(...cuiUsers);
                routes.set(key, entry);
            }
        }
        for (const { route, subnets, users } of routes.values()) {
            reportViolation(
                `${describeResource(route.holder)} ${route.where} sends ${route.destination} to ${route.target === "NAT gateway" ? "a" : "an"} ${route.target}, giving internet egress to subnet(s) ${unique(
                    subnets,
                )
                    .map((s) => s.name)
                    .join(", ")} used by CUI workload(s) ${unique(users).map(label).join(", ")}. ${remediation}`,
                route.holder.urn,
            );
        }
        deferrals.settle();
    },
);
