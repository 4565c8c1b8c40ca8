/**
 * AWS partitions this project deploys to, and the per-partition facts the components need.
 *
 * Sources:
 * - ARN prefixes, DNS suffix, console hosts: AWS General Reference "Amazon Resource Names"
 *   and the AWS GovCloud (US) User Guide ("Service endpoints", "Console"); the GovCloud console
 *   host `console.amazonaws-us-gov.com` also appears in AWS documentation links (e.g. the Amazon
 *   ECS Developer Guide's GovCloud AMI parameter links).
 * - VPC endpoint service names: SageMaker Developer Guide "Connect to SageMaker within your VPC"
 *   (sagemaker.api, sagemaker.runtime) and "Connect to a Notebook Instance Through a VPC Interface
 *   Endpoint" (service name `aws.sagemaker.<region>.notebook`; create the sagemaker.api endpoint
 *   first and enable private DNS) (awsdocs/amazon-sagemaker-developer-guide); the AWS CDK
 *   `InterfaceVpcEndpointAwsService` table (aws/aws-cdk, aws-ec2/lib/vpc-endpoint.ts: sts, logs,
 *   monitoring, ecr.api, ecr.dkr, kms, and the FIPS names sagemaker.api-fips, sagemaker.runtime-fips,
 *   sts-fips, kms-fips; no ECR FIPS service exists, aws/containers-roadmap#1002).
 * - FIPS, per partition (checked 2026-12-01). boto/botocore `botocore/data/endpoints.json` and the
 *   services' endpoint rule sets (commit 0e6e2404, 2026-08-07): in the commercial US regions each of
 *   these services has a separate `-fips` host. In GovCloud the standard hosts of SageMaker Runtime,
 *   STS, CloudWatch Logs and CloudWatch are themselves the FIPS endpoints (the rule sets resolve
 *   UseFIPS to `runtime.sagemaker.<region>`, `sts.<region>`, ...), so their standard interface
 *   endpoints already reach FIPS endpoints; KMS has a separate `kms-fips` host there, and the KMS
 *   Developer Guide ("Connecting to AWS KMS through a VPC endpoint") names the `kms-fips` endpoint
 *   service. The SageMaker API's GovCloud FIPS host is `api-fips.sagemaker.<region>` but no source
 *   confirms a `sagemaker.api-fips` endpoint service there, and a missing service name fails the
 *   whole deployment, so GovCloud keeps the standard `sagemaker.api` service (the notebook and SDK
 *   calls to the SageMaker API then use its standard host). The network component looks every name
 *   up before anything is created, so a name a region lacks stops the preview with its name.
 *   SageMaker: VPC endpoint policies are not supported on FIPS runtime endpoints (Developer Guide).
 * - The regions of each partition are the regions where the Hugging Face SageMaker images are
 *   published (see ./engines.ts): a region without the images cannot host these endpoints.
 */
import { imageRegions } from "./engines";

export type PartitionId = "aws" | "aws-us-gov";

export interface Partition {
    id: PartitionId;
    /** Human name used in messages. */
    displayName: string;
    /** Prefix of every ARN in the partition, e.g. `arn:aws-us-gov`. */
    arnPrefix: string;
    /** DNS suffix of service endpoints and ECR registries. */
    dnsSuffix: string;
    /** Host of the AWS console for the partition. */
    consoleHost: (region: string) => string;
}

export const PARTITIONS: Record<PartitionId, Partition> = {
    aws: {
        id: "aws",
        displayName: "AWS commercial",
        arnPrefix: "arn:aws",
        dnsSuffix: "amazonaws.com",
        consoleHost: (region) => `${region}.console.aws.amazon.com`,
    },
    "aws-us-gov": {
        id: "aws-us-gov",
        displayName: "AWS GovCloud (US)",
        arnPrefix: "arn:aws-us-gov",
        dnsSuffix: "amazonaws.com",
        // GovCloud has one console host for both regions.
        consoleHost: () => "console.amazonaws-us-gov.com",
    },
};

export const PARTITION_IDS = Object.keys(PARTITIONS) as PartitionId[];

/** Regions of a partition (those where the Hugging Face SageMaker images are published). */
export function regionsOf(partition: PartitionId): string[] {
    return imageRegions().filter((region) => partitionOfRegion(region) === partition);
}

/**
 * The partition a region name belongs to, from its form; undefined for other partitions and for what
 * is not a region name. China's regions (cn-north-1) have the commercial form, so they are excluded
 * by their `cn-` prefix; the ISO partitions' (us-iso-east-1, eu-isoe-west-1) have a three-part prefix
 * and match neither form.
 */
export function partitionOfRegion(region: string): PartitionId | undefined {
    if (/^us-gov-[a-z]+-\d$/.test(region)) return "aws-us-gov";
    if (region.startsWith("cn-")) return undefined;
    if (/^[a-z]{2}-[a-z]+-\d$/.test(region)) return "aws";
    return undefined;
}

/**
 * Interface VPC endpoints SageMaker needs when the VPC has no internet egress.
 * `fipsService` names, per partition, the FIPS endpoint service to use instead (header).
 */
export interface InterfaceEndpointService {
    /** Short key used in resource names and outputs. */
    key: string;
    /** What needs it, for the README and messages. */
    purpose: string;
    /** Service name suffix after `com.amazonaws.<region>.`. */
    service: string;
    /** FIPS service name suffix per partition; absent where the standard service is the one to use. */
    fipsService?: Partial<Record<PartitionId, string>>;
}

export const INTERFACE_ENDPOINT_SERVICES: InterfaceEndpointService[] = [
    // GovCloud: no confirmed sagemaker.api-fips endpoint service (header).
    { key: "sagemaker-api", purpose: "the SageMaker API, for the notebook and SDK", service: "sagemaker.api", fipsService: { aws: "sagemaker.api-fips" } },
    // GovCloud: runtime.sagemaker.<region> is itself the FIPS endpoint.
    { key: "sagemaker-runtime", purpose: "InvokeEndpoint from the notebook", service: "sagemaker.runtime", fipsService: { aws: "sagemaker.runtime-fips" } },
    // GovCloud: sts.<region> is itself the FIPS endpoint.
    { key: "sts", purpose: "credentials for the notebook and SDK", service: "sts", fipsService: { aws: "sts-fips" } },
    // GovCloud: logs.<region> and monitoring.<region> are the FIPS endpoints; no -fips services are documented anywhere.
    { key: "logs", purpose: "container and notebook logs", service: "logs" },
    { key: "monitoring", purpose: "CloudWatch metrics", service: "monitoring" },
    // No ECR FIPS endpoint service exists (aws/containers-roadmap#1002).
    { key: "ecr-api", purpose: "image metadata for the serving container", service: "ecr.api" },
    { key: "ecr-dkr", purpose: "image layers for the serving container", service: "ecr.dkr" },
    { key: "kms", purpose: "encryption with the stack's KMS key", service: "kms", fipsService: { aws: "kms-fips", "aws-us-gov": "kms-fips" } },
];

/** The notebook's own interface endpoint; its service name has a different shape. */
export const NOTEBOOK_ENDPOINT_KEY = "sagemaker-notebook";

/** An AWS endpoint service's name in a region: `com.amazonaws.<region>.<suffix>`. */
export function endpointServiceName(region: string, suffix: string): string {
    return `com.amazonaws.${region}.${suffix}`;
}

/** Full service name of an interface endpoint, FIPS where asked and the partition has one. */
export function interfaceEndpointServiceName(region: string, partition: PartitionId, endpoint: InterfaceEndpointService, fips: boolean): string {
    return endpointServiceName(region, (fips && endpoint.fipsService?.[partition]) || endpoint.service);
}

export function notebookEndpointServiceName(region: string): string {
    return `aws.sagemaker.${region}.notebook`;
}

export function s3GatewayServiceName(region: string): string {
    return endpointServiceName(region, "s3");
}
