/**
 * SageMaker ML instance types this project knows, with the facts the settings, components and
 * policies need.
 *
 * Sources:
 * - GPU count and per-GPU memory: SageMaker Python SDK `image_uri_config/instance_gpu_info.json`
 *   (aws/sagemaker-python-sdk, sagemaker-core/src/sagemaker/core/image_uri_config/; nominal
 *   memory: g4dn 16 GiB, g5 24 GiB, p3 16 GiB, p4d 40 GiB, p4de/p5 80 GiB). The SDK file has no
 *   g6/g6e entries; for those (and as a cross-check for all): aws/karpenter-provider-aws
 *   `website/content/en/docs/reference/instance-types.md`, generated from EC2
 *   DescribeInstanceTypes. EC2 reports less than the nominal figure for some GPUs (A10G and L4
 *   22,888 MiB, L40S 45,776 MiB), so memory-fit checks on g5/g6/g6e are slightly optimistic.
 * - vCPUs and memory: Amazon EC2 User Guide, "Accelerated computing instances" hardware table
 *   (awsdocs/amazon-ec2-user-guide, doc_source/accelerated-computing-instances.md) for g4dn, g5,
 *   p3, p4d, p4de; the Karpenter reference above for g6, g6e, p5, t3, m5.
 * - Local NVMe storage: SageMaker API Reference, CreateEndpointConfig `KmsKeyId` ("You can't
 *   request a KmsKeyId when using an instance type with local storage ... the call to
 *   CreateEndpointConfig fails"); SageMaker ResourceConfig `VolumeSizeInGB` ("ML instance families
 *   with the NVMe-type instance storage include ml.p4d, ml.g4dn, and ml.g5"; "families that use
 *   EBS volumes include ml.c5 and ml.p2"). Which types have instance store: EC2 User Guide
 *   "Instance store volumes" table (doc_source/InstanceStorage.md: g4dn, g5, p4d, p4de NVMe; p3dn
 *   but not p3.2xlarge/8xlarge/16xlarge, which are EBS-only) and the Karpenter reference
 *   (`instance-local-nvme` set for g6, g6e, p5). So ml.p3 is the only GPU family here on which a
 *   volume KMS key is accepted.
 * - offeredIn: every type is in the SageMaker API `ProductionVariantInstanceType` enum (botocore
 *   sagemaker 2017-07-24 service-2.json, as vendored in aws/sagemaker-python-sdk sagemaker-core).
 *   AWS GovCloud (US): SageMaker hosting is available (AWS GovCloud (US) User Guide, "Amazon
 *   SageMaker AI") but no public per-instance-type list was found. Only ml.g4dn is confirmed, by
 *   the AWS GovCloud sample (aws-samples/generative-ai-cdk-constructs-samples,
 *   samples/llm-on-govcloud-sagemaker: "ml.g4dn.12xlarge for endpoint usage" quota). The other
 *   GPU families are marked commercial-only until a source is found. For reference, EC2
 *   (not SageMaker) offers p3, p4d, p5 and g6 in us-gov-west-1 but no g5, g6e or p4de in either
 *   GovCloud region (instances.vantage.sh price data as of 2026-01-21, via
 *   tsaol/aws-gpu data/all_gpu_instances.js). Check an account with Service Quotas
 *   ("ml.X for endpoint usage").
 * - Prices: on-demand SageMaker real-time inference, us-west-2, as quoted in the Hugging Face blog
 *   "Llama 2 on Amazon SageMaker a Benchmark" (huggingface.co/blog/llama-sagemaker-benchmark,
 *   2023-09-26; huggingface/blog llama-sagemaker-benchmark.md). Types without a dated public source
 *   carry no price. AWS has cut some GPU prices since (P4/P5 in 2025), so treat these as dated.
 */
import { PartitionId } from "./partitions";

export interface InstancePrice {
    usdPerHour: number;
    /** Region the price was published for. */
    region: string;
    source: string;
    /** When the source published it (YYYY-MM). */
    asOf: string;
}

export interface InstanceType {
    name: string;
    /** Accelerator model, or undefined for CPU-only types. */
    gpuModel?: string;
    gpuCount: number;
    /** Memory of one GPU, GiB. */
    gpuMemoryGiB: number;
    vcpus: number;
    memoryGiB: number;
    /**
     * Local NVMe instance storage. SageMaker rejects a KMS key for the ML storage volume on these
     * types (the volume is hardware-encrypted) and ignores/rejects VolumeSizeInGB.
     */
    localNvme: boolean;
    /** Partitions whose SageMaker hosting offers the type. */
    offeredIn: PartitionId[];
    price?: InstancePrice;
}

const HF_BLOG_2023: Omit<InstancePrice, "usdPerHour"> = {
    region: "us-west-2",
    source: "Hugging Face blog, Llama 2 on Amazon SageMaker a Benchmark (huggingface.co/blog/llama-sagemaker-benchmark), SageMaker on-demand price",
    asOf: "2023-09",
};

const BOTH: PartitionId[] = ["aws", "aws-us-gov"];
const COMMERCIAL: PartitionId[] = ["aws"];

function gpu(
    name: string,
    gpuModel: string,
    gpuCount: number,
    gpuMemoryGiB: number,
    vcpus: number,
    memoryGiB: number,
    localNvme: boolean,
    offeredIn: PartitionId[],
    usdPerHour?: number,
): InstanceType {
    return {
        name,
        gpuModel,
        gpuCount,
        gpuMemoryGiB,
        vcpus,
        memoryGiB,
        localNvme,
        offeredIn,
        price: usdPerHour === undefined ? undefined : { usdPerHour, ...HF_BLOG_2023 },
    };
}

function cpu(name: string, vcpus: number, memoryGiB: number, offeredIn: PartitionId[]): InstanceType {
    return { name, gpuCount: 0, gpuMemoryGiB: 0, vcpus, memoryGiB, localNvme: false, offeredIn };
}

export const INSTANCE_TYPES: InstanceType[] = [
    // NVIDIA T4, 16 GiB, NVMe instance store. The AWS GovCloud Falcon-40B sample runs on
    // ml.g4dn.12xlarge: the one GPU family confirmed for SageMaker hosting in GovCloud.
    gpu("ml.g4dn.xlarge", "T4", 1, 16, 4, 16, true, BOTH),
    gpu("ml.g4dn.2xlarge", "T4", 1, 16, 8, 32, true, BOTH),
    gpu("ml.g4dn.4xlarge", "T4", 1, 16, 16, 64, true, BOTH),
    gpu("ml.g4dn.8xlarge", "T4", 1, 16, 32, 128, true, BOTH),
    gpu("ml.g4dn.12xlarge", "T4", 4, 16, 48, 192, true, BOTH),
    gpu("ml.g4dn.16xlarge", "T4", 1, 16, 64, 256, true, BOTH),
    // NVIDIA V100, 16 GiB, EBS-only storage (EC2 instance store table lists p3dn, not p3): the GPU
    // type on which a volume KMS key is accepted. SageMaker hosting in GovCloud not confirmed.
    gpu("ml.p3.2xlarge", "V100", 1, 16, 8, 61, false, COMMERCIAL),
    gpu("ml.p3.8xlarge", "V100", 4, 16, 32, 244, false, COMMERCIAL),
    gpu("ml.p3.16xlarge", "V100", 8, 16, 64, 488, false, COMMERCIAL),
    // NVIDIA A10G, 24 GiB, NVMe instance store. No g5 in GovCloud (EC2 does not offer it there).
    gpu("ml.g5.xlarge", "A10G", 1, 24, 4, 16, true, COMMERCIAL),
    gpu("ml.g5.2xlarge", "A10G", 1, 24, 8, 32, true, COMMERCIAL, 1.52),
    gpu("ml.g5.4xlarge", "A10G", 1, 24, 16, 64, true, COMMERCIAL),
    gpu("ml.g5.8xlarge", "A10G", 1, 24, 32, 128, true, COMMERCIAL),
    gpu("ml.g5.12xlarge", "A10G", 4, 24, 48, 192, true, COMMERCIAL, 7.09),
    gpu("ml.g5.16xlarge", "A10G", 1, 24, 64, 256, true, COMMERCIAL),
    gpu("ml.g5.24xlarge", "A10G", 4, 24, 96, 384, true, COMMERCIAL),
    gpu("ml.g5.48xlarge", "A10G", 8, 24, 192, 768, true, COMMERCIAL),
    // NVIDIA L4, 24 GiB, NVMe instance store (Karpenter reference). EC2 offers g6 in GovCloud, but
    // SageMaker hosting there is not confirmed.
    gpu("ml.g6.xlarge", "L4", 1, 24, 4, 16, true, COMMERCIAL),
    gpu("ml.g6.2xlarge", "L4", 1, 24, 8, 32, true, COMMERCIAL),
    gpu("ml.g6.4xlarge", "L4", 1, 24, 16, 64, true, COMMERCIAL),
    gpu("ml.g6.8xlarge", "L4", 1, 24, 32, 128, true, COMMERCIAL),
    gpu("ml.g6.12xlarge", "L4", 4, 24, 48, 192, true, COMMERCIAL),
    gpu("ml.g6.16xlarge", "L4", 1, 24, 64, 256, true, COMMERCIAL),
    gpu("ml.g6.24xlarge", "L4", 4, 24, 96, 384, true, COMMERCIAL),
    gpu("ml.g6.48xlarge", "L4", 8, 24, 192, 768, true, COMMERCIAL),
    // NVIDIA L40S, 48 GB nominal (EC2 DescribeInstanceTypes reports 45,776 MiB, 44.7 GiB; the
    // table keeps the nominal 48). NVMe instance store.
    gpu("ml.g6e.xlarge", "L40S", 1, 48, 4, 32, true, COMMERCIAL),
    gpu("ml.g6e.2xlarge", "L40S", 1, 48, 8, 64, true, COMMERCIAL),
    gpu("ml.g6e.12xlarge", "L40S", 4, 48, 48, 384, true, COMMERCIAL),
    gpu("ml.g6e.48xlarge", "L40S", 8, 48, 192, 1536, true, COMMERCIAL),
    // NVIDIA A100 40 GB (p4d) / 80 GB (p4de), H100 80 GB (p5); all NVMe instance store. EC2 offers
    // p4d and p5 in us-gov-west-1, but SageMaker hosting there is not confirmed.
    gpu("ml.p4d.24xlarge", "A100", 8, 40, 96, 1152, true, COMMERCIAL, 37.69),
    gpu("ml.p4de.24xlarge", "A100", 8, 80, 96, 1152, true, COMMERCIAL),
    gpu("ml.p5.48xlarge", "H100", 8, 80, 192, 2048, true, COMMERCIAL),
    // CPU types for the research notebook (EBS-only). Their GovCloud notebook availability is
    // assumed, not confirmed by a source (the GovCloud sample uses ml.t2.medium).
    cpu("ml.t3.medium", 2, 4, BOTH),
    cpu("ml.t3.large", 2, 8, BOTH),
    cpu("ml.t3.xlarge", 4, 16, BOTH),
    cpu("ml.m5.xlarge", 4, 16, BOTH),
    cpu("ml.m5.2xlarge", 8, 32, BOTH),
];

const BY_NAME = new Map(INSTANCE_TYPES.map((t) => [t.name, t]));

export function findInstanceType(name: string): InstanceType | undefined {
    return BY_NAME.get(name);
}

/** Total GPU memory of an instance, GiB. */
export function totalGpuMemoryGiB(type: InstanceType): number {
    return type.gpuCount * type.gpuMemoryGiB;
}

/** GPU instance types SageMaker hosting offers in a partition: the default endpoint allow-list. */
export function endpointInstanceTypesOffered(partition: PartitionId): string[] {
    return INSTANCE_TYPES.filter((t) => t.gpuCount > 0 && t.offeredIn.includes(partition)).map((t) => t.name);
}

/**
 * Instance types the research notebook may use: the CPU types. The notebook only calls the endpoints;
 * GPU notebook types differ from hosting types per partition and are not tabulated here.
 */
export function notebookInstanceTypesOffered(partition: PartitionId): string[] {
    return INSTANCE_TYPES.filter((t) => t.gpuCount === 0 && t.offeredIn.includes(partition)).map((t) => t.name);
}

export const HOURS_PER_MONTH = 730;
