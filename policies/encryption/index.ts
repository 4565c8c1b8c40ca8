import { Guardrail } from "../lib/guardrail";
import { cloudwatchLogGroupKms } from "./logGroupKms";
import { cloudwatchLogGroupRetention } from "./logGroupRetention";
import { kmsKeyDeletionWindowMinimum } from "./kmsKeyDeletionWindowMinimum";
import { kmsKeyRotation } from "./kmsKeyRotation";
import { s3BucketPublicAccessBlock } from "./s3BucketPublicAccessBlock";
import { s3BucketSseKms } from "./s3BucketSseKms";
import { s3BucketTlsOnly } from "./s3BucketTlsOnly";
import { s3BucketVersioning } from "./s3BucketVersioning";
import { s3BucketWeightsRetained } from "./s3BucketWeightsRetained";
import { sagemakerDataCaptureKms } from "./dataCaptureKms";
import { sagemakerEndpointVolumeKms } from "./endpointVolumeKms";
import { sagemakerNotebookKms } from "./notebookKms";

export const encryptionGuardrails: Guardrail[] = [
    sagemakerEndpointVolumeKms,
    sagemakerDataCaptureKms,
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
