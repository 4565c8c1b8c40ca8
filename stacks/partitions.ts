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
 *   monitoring, ecr.api, ecr.dkr, kms); shared/REFERENCE.md "GovCloud specifics".
 * - FIPS interface endpoint services. The PrivateLink names `sagemaker.api-fips`,
 *   `sagemaker.runtime-fips`, `sts-fips` and `kms-fips` exist (AWS CDK table above; SageMaker
 *   Unified Studio Administrator Guide, "Network isolation"); none is documented for logs,
 *   monitoring, ecr.api or ecr.dkr. This table has one FIPS name per service for every region, so it
 *   sets one only where a distinct FIPS endpoint exists in the commercial US regions and in
 *   GovCloud alike. Per botocore `data/endpoints.json` (1.43), that holds for SageMaker API
 *   (api-fips.sagemaker.us-gov-west-1.amazonaws.com) and KMS (kms-fips.us-gov-west-1...). In
 *   GovCloud the FIPS endpoints of SageMaker Runtime, STS, CloudWatch Logs and CloudWatch are the
 *   standard hostnames (runtime.sagemaker.us-gov-west-1.amazonaws.com etc.; us-gov-east-1 lists no
 *   FIPS variant for runtime), so the standard interface endpoint already reaches the FIPS
 *   endpoint there, and a `-fips` service for them is not expected to exist in GovCloud.
 *   SageMaker: VPC endpoint policies are not supported on FIPS runtime endpoints (Developer Guide).
 *   Confirm per account and region with `aws ec2 describe-vpc-endpoint-services`.
 * - The regions of each partition are the regions where the Hugging Face TGI container is
 *   published (see ./images.ts): a region without the image cannot host these endpoints.
 */
import { tgiImageRegions } from "./images";

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

/** Regions of a partition (those where the TGI image is published). */
export function regionsOf(partition: PartitionId): string[] {
    return tgiImageRegions().filter((region) => partitionOfRegion(region) === partition);
}

/** The partition a region name belongs to, from its prefix; undefined for unknown prefixes (China, ISO). */
export function partitionOfRegion(region: string): PartitionId | undefined {
    if (/^us-gov-[a-z]+-\d$/.test(region)) return "aws-us-gov";
    if (/^(cn|us-iso|us-isob|eu-isoe)-/.test(region)) return undefined;
    if (/^[a-z]{2}-[a-z]+-\d$/.test(region)) return "aws";
    return undefined;
}

/**
 * Interface VPC endpoints SageMaker needs when the VPC has no internet egress.
 * `fipsService` is set only where AWS publishes a FIPS endpoint service for it.
 */
export interface InterfaceEndpointService {
    /** Short key used in resource names and outputs. */
    key: string;
    /** What needs it, for the README and messages. */
    purpose: string;
    /** Service name suffix after `com.amazonaws.<region>.`. */
    service: string;
    /** FIPS service name suffix, where one exists. */
    fipsService?: string;
}

export const INTERFACE_ENDPOINT_SERVICES: InterfaceEndpointService[] = [
    { key: "sagemaker-api", purpose: "SageMaker control plane (notebook, SDK)", service: "sagemaker.api", fipsService: "sagemaker.api-fips" },
    // sagemaker.runtime-fips exists in commercial US regions but not, by the endpoint data, in GovCloud,
    // where runtime.sagemaker.<region>.amazonaws.com is itself the FIPS endpoint (header).
    { key: "sagemaker-runtime", purpose: "InvokeEndpoint from the notebook", service: "sagemaker.runtime" },
    // sts-fips exists in commercial US regions only; in GovCloud sts.<region>.amazonaws.com is the FIPS endpoint.
    { key: "sts", purpose: "credentials for the notebook and SDK", service: "sts" },
    { key: "logs", purpose: "container and notebook logs", service: "logs" },
    { key: "monitoring", purpose: "CloudWatch metrics", service: "monitoring" },
    { key: "ecr-api", purpose: "image metadata for the TGI container", service: "ecr.api" },
    { key: "ecr-dkr", purpose: "image layers for the TGI container", service: "ecr.dkr" },
    { key: "kms", purpose: "the stack key", service: "kms", fipsService: "kms-fips" },
];

/** The notebook's own interface endpoint; its service name has a different shape. */
export const NOTEBOOK_ENDPOINT_KEY = "sagemaker-notebook";

/** Full service name of an interface endpoint, FIPS where asked and available. */
export function interfaceEndpointServiceName(region: string, endpoint: InterfaceEndpointService, fips: boolean): string {
    const suffix = fips && endpoint.fipsService ? endpoint.fipsService : endpoint.service;
    return `com.amazonaws.${region}.${suffix}`;
}

export function notebookEndpointServiceName(region: string): string {
    return `aws.sagemaker.${region}.notebook`;
}

export function s3GatewayServiceName(region: string): string {
    return `com.amazonaws.${region}.s3`;
}

/** ARN builder that cannot get the partition wrong. */
export function arn(partition: PartitionId, service: string, region: string, account: string, resource: string): string {
    return `${PARTITIONS[partition].arnPrefix}:${service}:${region}:${account}:${resource}`;
}
