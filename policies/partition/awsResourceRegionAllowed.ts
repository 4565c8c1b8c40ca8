/**
 * Every AWS provider (`pulumi:providers:aws`, explicit or default) sets a region, and that region,
 * like any resource's own `region` override (@pulumi/aws 7), is on its partition's allow-list.
 * Default allow-list: the regions of each partition where the Hugging Face SageMaker images are published
 * (../catalog/partitions.ts `regionsOf`). A partition missing from the configured map allows no region,
 * so `{ "aws-us-gov": ["us-gov-west-1"] }` pins a pack to GovCloud West.
 *
 * Unknowns (`deferred`): the region is read through the policy proxy; a region unknown in preview
 * makes the policy "not run" there, and it runs at `pulumi up`.
 */
import { PARTITION_IDS, partitionOfRegion, regionsOf } from "../catalog/partitions";
import { resourceGuardrail } from "../lib/guardrail";

const REMEDIATION =
    "Set the provider's region (`region` on the aws.Provider, or `pulumi config set aws:region <region>` for the default provider) " +
    "to a region on the partition's allow-list, or extend `allowedRegions` for that partition.";

export type AllowedRegions = Partial<Record<string, string[]>>;

export const DEFAULT_ALLOWED_REGIONS: Record<string, string[]> = Object.fromEntries(PARTITION_IDS.map((p) => [p, regionsOf(p)]));

/** Why a region is not allowed, or undefined. Pure. */
export function regionProblem(region: string, allowed: AllowedRegions): string | undefined {
    const partition = partitionOfRegion(region);
    if (!partition) return `${region} is not a region of a partition this pack knows (${PARTITION_IDS.join(", ")})`;
    const list = allowed[partition] ?? [];
    if (!list.includes(region)) return `${region} is not on the ${partition} allow-list (${list.length > 0 ? list.join(", ") : "no region allowed"})`;
    return undefined;
}

export const awsResourceRegionAllowed = resourceGuardrail(
    {
        name: "aws-resource-region-allowed",
        description: "Every AWS provider sets a region, and providers and resources use only regions on their partition's allow-list.",
        enforcementLevel: "mandatory",
        severity: "high",
        url: "https://docs.aws.amazon.com/govcloud-us/latest/UserGuide/using-govcloud.html",
        configSchema: {
            properties: {
                allowedRegions: {
                    type: "object",
                    additionalProperties: { type: "array", items: { type: "string", minLength: 1 } },
                    default: DEFAULT_ALLOWED_REGIONS,
                    description: "Allowed regions per partition id (aws, aws-us-gov). A partition left out allows no region.",
                },
            },
        },
        family: "partition",
        remediationSteps: REMEDIATION,
        controls: ["SA-9(5)", "CM-2", "CM-6"],
        unknowns: "deferred",
        rationale: "Where a workload runs decides which authorization boundary and data residency apply; the region is the one setting that decides it.",
    },
    (args, reportViolation) => {
        const props = args.props as Record<string, unknown>;
        const allowed = args.getConfig<{ allowedRegions: AllowedRegions }>().allowedRegions;
        let region: unknown;
        if (args.type === "pulumi:providers:aws") {
            region = props.region; // throws in preview if unknown: not run, checked at `pulumi up`
            if (typeof region !== "string" || region.trim() === "") {
                reportViolation(`AWS provider '${args.name}' sets no region: it would take one from the environment at run time. ${REMEDIATION}`);
                return;
            }
        } else if (args.type.startsWith("aws:")) {
            region = props.region; // a resource's own region (provider v7); throws in preview if unknown
            if (typeof region !== "string") return; // none: the provider's region applies
        } else {
            return;
        }
        const problem = regionProblem(region, allowed);
        if (problem) reportViolation(`${args.type} '${args.name}' region = ${JSON.stringify(region)}: ${problem}. ${REMEDIATION}`);
    },
);
