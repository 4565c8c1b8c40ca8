/**
 * A SageMaker notebook instance encrypts its ML storage volume (the research data, notebooks and
 * anything downloaded to /home/ec2-user/SageMaker) with a customer-managed key: `kmsKeyId` is set.
 * Only presence matters: a key ARN from an in-stack key is unknown in preview and counts as set.
 */
import { resourceGuardrail } from "../lib/guardrail";
import { isPresent } from "../lib/values";

export const NOTEBOOK_TYPE = "aws:sagemaker/notebookInstance:NotebookInstance";

export const sagemakerNotebookKms = resourceGuardrail(
    {
        name: "sagemaker-notebook-kms",
        description: "A SageMaker notebook instance sets kmsKeyId, so its ML storage volume is encrypted with a customer-managed KMS key.",
        enforcementLevel: "mandatory",
        severity: "high",
        url: "https://docs.aws.amazon.com/sagemaker/latest/dg/encryption-at-rest-nbi.html",
        family: "encryption",
        remediationSteps: "Set kmsKeyId on the notebook instance to a customer-managed KMS key.",
        controls: ["SC-28", "SC-28(1)", "SC-12"],
        unknowns: "present",
        rationale:
            "Without a key the notebook's volume, which holds prompts, outputs and copies of data, is encrypted only with an AWS managed key outside the stack's key policy and audit.",
    },
    (args, reportViolation) => {
        if (args.type !== NOTEBOOK_TYPE) return;
        if (!isPresent(args.props, "kmsKeyId")) {
            reportViolation(
                "kmsKeyId is not set: the notebook's ML storage volume would be encrypted only with an AWS managed key. Set kmsKeyId to a customer-managed KMS key.",
            );
        }
    },
);
