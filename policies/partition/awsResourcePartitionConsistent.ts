/**
 * No ARN, managed policy ARN, service principal, AWS endpoint, VPC endpoint service or ECR registry
 * of another partition or region in any property of any resource: a GovCloud stack that names
 * `arn:aws:...`, pulls a commercial image (763104351884.dkr.ecr.us-east-1...) or trusts
 * `logs.us-east-1.amazonaws.com` fails at deploy time at best, and at worst reaches outside the
 * authorization boundary.
 *
 * The resource's partition and region come from its own `region` property or its provider
 * (../lib/context.ts); a resource without a known region (no provider region, or a region of a
 * partition this project does not know) is left to aws-resource-region-allowed. What is matched, and
 * how, is ../lib/partitionReferences.ts.
 *
 * Unknowns (`present`: an unknown counts as fine): strings unknown in preview are skipped without
 * reading them, because they are computed from resources of the same stack, which the stack's
 * provider creates in its own partition and region. At `pulumi up` they are known and checked.
 */
import { resourceGuardrail } from "../lib/guardrail";
import { partitionOf, regionOf } from "../lib/context";
import { referenceProblem, referencesIn, stringsIn } from "../lib/partitionReferences";

const REMEDIATION =
    "Build the value from the stack's partition and region instead of a literal (`aws.getPartition()` gives the partition and its DNS suffix, " +
    "`aws.getRegion()` the region, or take the referenced resource's own ARN or URL output), or list it in `ignorePatterns` if the cross-region reference is intended.";

export interface PartitionFinding {
    path: string;
    text: string;
    problem: string;
}

/** Every reference in `props` that does not fit `partition`/`region`, minus ignored ones. Pure. */
export function partitionFindings(
    props: unknown,
    partition: Parameters<typeof referenceProblem>[1],
    region: string,
    ignorePatterns: readonly string[],
): PartitionFinding[] {
    const ignore = ignorePatterns.map((p) => new RegExp(p, "u"));
    const findings: PartitionFinding[] = [];
    const seen = new Set<string>();
    for (const found of stringsIn(props)) {
        for (const ref of referencesIn(found.value)) {
            if (ignore.some((re) => re.test(ref.text))) continue;
            const problem = referenceProblem(ref, partition, region);
            const key = `${found.path}\u0000${ref.text}`;
            if (!problem || seen.has(key)) continue;
            seen.add(key);
            findings.push({ path: found.path, text: ref.text, problem: `${ref.kind} ${problem}` });
        }
    }
    return findings;
}

export const awsResourcePartitionConsistent = resourceGuardrail(
    {
        name: "aws-resource-partition-consistent",
        description: "No ARN, service principal, endpoint or ECR registry of another partition or region in any property.",
        enforcementLevel: "mandatory",
        severity: "high",
        url: "https://docs.aws.amazon.com/govcloud-us/latest/UserGuide/using-govcloud-arns.html",
        configSchema: {
            properties: {
                ignorePatterns: {
                    type: "array",
                    items: { type: "string", minLength: 1 },
                    default: [],
                    description: "Regular expressions: references (the matched ARN, host or service name) that match one are not checked.",
                },
            },
        },
        family: "partition",
        remediationSteps: REMEDIATION,
        controls: ["SA-9(5)", "SC-7", "CM-2"],
        unknowns: "skipped",
        rationale:
            "A GovCloud workload must reference only GovCloud resources, images and service principals of its own region, " +
            "so that processing and data stay inside the authorization boundary.",
    },
    (args, reportViolation) => {
        const region = regionOf(args.props, args.provider);
        const partition = partitionOf(region);
        if (!region || !partition) return;
        const ignore = args.getConfig<{ ignorePatterns: string[] }>().ignorePatterns;
        for (const f of partitionFindings(args.props, partition, region, ignore)) {
            reportViolation(
                `${args.type} '${args.name}' property ${f.path} holds ${JSON.stringify(f.text)}: the ${f.problem} (the resource is in ${partition}, ${region}). ${REMEDIATION}`,
            );
        }
    },
);
