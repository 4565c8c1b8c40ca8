import { Guardrail } from "../lib/guardrail";
import { cloudwatchLogGroupKms } from "./cloudwatchLogGroupKms";
import { cloudwatchLogGroupRetention } from "./cloudwatchLogGroupRetention";
import { kmsKeyDeletionWindowMinimum } from "./kmsKeyDeletionWindowMinimum";
import { kmsKeyRotation } from "./kmsKeyRotation";
import { s3BucketPublicAccessBlock } from "./s3BucketPublicAccessBlock";
import { s3BucketSseKms } from "./s3BucketSseKms";
import { s3BucketTlsOnly } from "./s3BucketTlsOnly";
import { s3BucketVersioning } from "./s3BucketVersioning";
import { s3BucketWeightsRetained } from "./s3BucketWeightsRetained";
import { sagemakerEndpointConfigDataCaptureKms } from "./sagemakerEndpointConfigDataCaptureKms";
import { sagemakerEndpointConfigVolumeKms } from "./sagemakerEndpointConfigVolumeKms";
import { sagemakerNotebookKms } from "./sagemakerNotebookKms";

export const encryptionGuardrails: Guardrail[] = [
    sagemakerEndpointConfigVolumeKms,
    sagemakerEndpointConfigDataCaptureKms,
    sagemakerNotebookKms,
    s3BucketSseKms,
    s3BucketVersioning,
    s3BucketPublicAccessBlock,
    s3BucketTlsOnly,
    cloudwatchLogGroupKms,
    cloudwatchLogGroupRetention,
    kmsKeyRotation,
    kmsKeyDeletionWindowMinimum,
    s3BucketWeightsRetained,
];
