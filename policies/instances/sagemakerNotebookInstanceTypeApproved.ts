/**
 * Notebook instances use an instance type approved for the stack's partition. Default allow-lists:
 * `notebookInstanceTypesOffered` from the pack's instance catalog (../catalog/instances.ts: the CPU
 * types; the notebook only calls the endpoints).
 */
import { notebookInstanceTypesOffered } from "../catalog/instances";
import { PARTITION_IDS } from "../catalog/partitions";
import { resourceGuardrail } from "../lib/guardrail";
import { NOTEBOOK_TYPE } from "../lib/instancesServing";
import { allowListFor, AllowLists, checkInstanceType } from "./sagemakerEndpointConfigInstanceTypeApproved";

const REMEDIATION = "Set the notebook's instanceType to a type approved for the partition, or approve the type in this policy's notebookInstanceTypes config.";

export const sagemakerNotebookInstanceTypeApproved = resourceGuardrail(
    {
        name: "sagemaker-notebook-instance-type-approved",
        description:
            "Notebook instances use an instance type approved for the partition (per-partition allow-list; default: the notebook types the pack's instance catalog lists there).",
        enforcementLevel: "mandatory",
        severity: "medium",
        url: "https://docs.aws.amazon.com/general/latest/gr/sagemaker.html",
        configSchema: {
            properties: {
                notebookInstanceTypes: {
                    type: "object",
                    description:
                        "Approved notebook instance types per partition; a partition left out uses the notebook types the pack's instance catalog lists as offered there.",
                    properties: Object.fromEntries(PARTITION_IDS.map((p) => [p, { type: "array", items: { type: "string", minLength: 1 } }])),
                    default: Object.fromEntries(PARTITION_IDS.map((p) => [p, notebookInstanceTypesOffered(p)])),
                },
            },
        },
        family: "instances",
        remediationSteps: REMEDIATION,
        inThisProgram: "set notebookInstanceType in the stack's settings.",
        controls: ["CM-7", "CM-8", "CM-2"],
        unknowns: "deferred",
        rationale:
            "The research notebook only calls the endpoints: an unreviewed (GPU or unavailable) type adds cost and attack surface, or fails in the partition.",
    },
    (args, reportViolation) => {
        if (args.type !== NOTEBOOK_TYPE) return;
        const { allowed, partition, region } = allowListFor(
            args,
            args.getConfig<{ notebookInstanceTypes: AllowLists }>().notebookInstanceTypes,
            notebookInstanceTypesOffered,
        );
        const problem = checkInstanceType("instanceType", args.props.instanceType, allowed, partition, region);
        if (problem) reportViolation(`${problem} ${REMEDIATION}`);
    },
);
