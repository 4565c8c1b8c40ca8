/**
 * SageMaker data capture (an endpoint configuration's `dataCaptureConfig`) writes every sampled
 * request and response to S3; when capture is configured (and not `enableCapture: false`), its
 * `kmsKeyId` is set so the captured prompts and completions are encrypted with a customer-managed
 * key. Only presence matters: a key ARN from an in-stack key is unknown in preview and counts as set.
 */
import { resourceGuardrail } from "../lib/guardrail";
import { isPresent, peek } from "../lib/values";
import { ENDPOINT_CONFIG_TYPE } from "./sagemakerEndpointConfigVolumeKms";

export const sagemakerEndpointConfigDataCaptureKms = resourceGuardrail(
    {
        name: "sagemaker-endpoint-config-data-capture-kms",
        description: "A SageMaker endpoint configuration that captures data sets dataCaptureConfig.kmsKeyId.",
        enforcementLevel: "mandatory",
        severity: "high",
        url: "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DataCaptureConfig.html",
        family: "encryption",
        remediationSteps: "Set dataCaptureConfig.kmsKeyId to a customer-managed KMS key, or remove dataCaptureConfig.",
        controls: ["SC-28", "SC-28(1)", "SC-12"],
        unknowns: "present",
        rationale:
            "Captured inference data is the prompts and completions themselves; without a key S3 stores them under the bucket default or an AWS managed key, outside the stack's key policy.",
    },
    (args, reportViolation) => {
        if (args.type !== ENDPOINT_CONFIG_TYPE) return;
        if (!isPresent(args.props, "dataCaptureConfig")) return;
        // Reads the object normally: if the whole block is unknown, the policy runs at `pulumi up`.
        const capture = args.props.dataCaptureConfig;
        if (peek(capture, "enableCapture") === false) return;
        if (!isPresent(capture, "kmsKeyId")) {
            reportViolation(
                "dataCaptureConfig.kmsKeyId is not set: captured requests and responses would be written to S3 without a customer-managed key. Set dataCaptureConfig.kmsKeyId to a customer-managed KMS key.",
            );
        }
    },
);
