/**
 * SageMaker ML instance types this project knows: their GPUs, storage, where SageMaker hosting
 * offers them, and a dated price where a public source gives one. The settings validation, the
 * components, the policy pack, the cost estimate and the README read this one table.
 *
 * Sources (checked 2026-12-01):
 * - Which GPU types are listed per region, and their GPU count: the SageMaker Python SDK's
 *   `instance_gpu_info.json` (aws/sagemaker-python-sdk, sagemaker-core/src/sagemaker/core/
 *   image_uri_config/, commit a24812666d25, 2026-08-21). It lists the same 24 types for every one
 *   of its 30 regions, us-gov-west-1 and us-gov-east-1 included: ml.g4dn, ml.g5, ml.p2, ml.p3,
 *   ml.p3dn, ml.p4d, ml.p4de, ml.p5.48xlarge. It is the SDK's fallback table (it asks EC2 first),
 *   so it says what the SDK expects, not what an account may launch: Service Quotas ("ml.X for
 *   endpoint usage", often 0 for GPU types) decide that. Its `ml.g5n.xlarge` is taken to be
 *   ml.g5.xlarge: no ml.g5n type exists in the SageMaker API.
 * - Types missing from that file (ml.g6, ml.g6e, ml.p5.4xlarge, ml.p5e, ml.p5en) are in the
 *   SageMaker API's `ProductionVariantInstanceType` enum (boto/botocore
 *   botocore/data/sagemaker/2017-07-24/service-2.json, 2026-08-07) but no source places them in
 *   GovCloud SageMaker hosting, so they are marked commercial-only. The enum has no ml.p3dn, which
 *   is therefore left out; ml.p2 (K80) is left out because no engine here runs on it.
 * - GPU memory per GPU, vCPUs, memory and local NVMe size: EC2 DescribeInstanceTypes as generated
 *   into aws/karpenter-provider-aws website/content/en/docs/reference/instance-types.md (2026-07-11).
 *   EC2 reports less than the nominal size for some GPUs (A10G and L4 22,888 MiB, L40S 45,776 MiB)
 *   and the sizing uses EC2's figure; the SDK file's g5 entries say 24,576 MiB except g5.48xlarge
 *   (183,104 MiB for 8 GPUs, i.e. 22,888 each). ml.p3 (not in the Karpenter reference): AWS Batch
 *   User Guide, "GPU jobs" (16 GiB per V100, vCPUs, memory); its EBS-only storage: the EC2 User
 *   Guide's instance store table (awsdocs/amazon-ec2-user-guide doc_source/InstanceStorage.md)
 *   lists p3dn but no other p3 size.
 * - Local NVMe and KMS: SageMaker API Reference, CreateEndpointConfig `KmsKeyId` ("You can't request
 *   a KmsKeyId when using an instance type with local storage"); so ml.p3 is the only GPU family
 *   here on which a volume KMS key is accepted.
 * - GPU architecture facts: NVIDIA "CUDA GPU Compute Capability" (developer.nvidia.com/cuda-gpus;
 *   V100 on the legacy page developer.nvidia.com/cuda-legacy-gpus; A10G 8.6 per pytorch/test-infra
 *   PR #769). bf16 needs compute capability 8.0 (vllm-project/vllm `_check_if_gpu_supports_dtype`:
 *   "Bfloat16 is only supported on GPUs with compute capability of at least 8.0"); FP8 compute
 *   (W8A8) needs 8.9 (vllm-project/vllm docs/features/quantization/fp8.md: "FP8 computation is
 *   supported on NVIDIA GPUs with compute capability >= 8.9 (Ada Lovelace, Hopper)").
 * - Prices: on-demand SageMaker hosting in us-east-1 from aws-samples/foundation-model-benchmarking-
 *   tool `fmbench/configs/pricing.yml` ("SageMaker Hourly Instance Pricing" in pricing_fallback.yml;
 *   values present 2025-01-26, unchanged at 2025-04-11). AWS cut EC2 P4/P5 prices in June 2025;
 *   whether SageMaker hosting followed is not known, so the p4d/p5 figures may be high. No public
 *   source for GovCloud SageMaker prices was found: GovCloud types carry "no price on record"
 *   there (the AWS Price List API has them under region us-gov-west-1, component Hosting).
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

export type GpuName = "T4" | "V100" | "A10G" | "L4" | "L40S" | "A100-40GB" | "A100-80GB" | "H100" | "H200";

export interface Gpu {
    name: GpuName;
    architecture: "Volta" | "Turing" | "Ampere" | "Ada Lovelace" | "Hopper";
    /** CUDA compute capability, e.g. 8.6. */
    computeCapability: number;
    /** bfloat16 arithmetic (compute capability 8.0 and above). */
    bf16: boolean;
    /** FP8 arithmetic (W8A8; compute capability 8.9 and above). */
    fp8: boolean;
}

export const GPUS: Record<GpuName, Gpu> = {
    V100: { name: "V100", architecture: "Volta", computeCapability: 7.0, bf16: false, fp8: false },
    T4: { name: "T4", architecture: "Turing", computeCapability: 7.5, bf16: false, fp8: false },
    "A100-40GB": { name: "A100-40GB", architecture: "Ampere", computeCapability: 8.0, bf16: true, fp8: false },
    "A100-80GB": { name: "A100-80GB", architecture: "Ampere", computeCapability: 8.0, bf16: true, fp8: false },
    A10G: { name: "A10G", architecture: "Ampere", computeCapability: 8.6, bf16: true, fp8: false },
    L4: { name: "L4", architecture: "Ada Lovelace", computeCapability: 8.9, bf16: true, fp8: true },
    L40S: { name: "L40S", architecture: "Ada Lovelace", computeCapability: 8.9, bf16: true, fp8: true },
    H100: { name: "H100", architecture: "Hopper", computeCapability: 9.0, bf16: true, fp8: true },
    H200: { name: "H200", architecture: "Hopper", computeCapability: 9.0, bf16: true, fp8: true },
};

export interface InstanceType {
    name: string;
    /** The accelerator, or undefined for CPU-only types. */
    gpu?: Gpu;
    gpuCount: number;
    /** Memory of one GPU as EC2 reports it, MiB. */
    gpuMemoryMiB: number;
    /** The same in GiB. */
    gpuMemoryGiB: number;
    vcpus: number;
    memoryGiB: number;
    /** Local NVMe instance storage, GB as EC2 reports it; 0 for EBS-only types. */
    localNvmeGb: number;
    /**
     * Local NVMe instance storage. SageMaker rejects a KMS key for the ML storage volume on these
     * types (the volume is hardware-encrypted) and has no EBS volume to size.
     */
    localNvme: boolean;
    /** Partitions whose SageMaker hosting offers the type, per the sources above. */
    offeredIn: PartitionId[];
    /** Why `offeredIn` says so. */
    offeredSource: "sdk-table" | "api-enum";
    /** On-demand hosting price, by partition; absent: no price on record. */
    prices: Partial<Record<PartitionId, InstancePrice>>;
}

const FMBENCH: Omit<InstancePrice, "usdPerHour"> = {
    region: "us-east-1",
    source: "aws-samples/foundation-model-benchmarking-tool fmbench/configs/pricing.yml (SageMaker hourly instance pricing)",
    asOf: "2025-04",
};

const BOTH: PartitionId[] = ["aws", "aws-us-gov"];
const COMMERCIAL: PartitionId[] = ["aws"];

interface GpuRow {
    gpu: GpuName;
    count: number;
    /** Per GPU, MiB (EC2). */
    mib: number;
    vcpus: number;
    memoryGiB: number;
    nvmeGb: number;
    /** Commercial on-demand price, us-east-1 (FMBench). */
    usd?: number;
}

function gpuType(name: string, row: GpuRow, offeredSource: InstanceType["offeredSource"]): InstanceType {
    return {
        name,
        gpu: GPUS[row.gpu],
        gpuCount: row.count,
        gpuMemoryMiB: row.mib,
        gpuMemoryGiB: row.mib / 1024,
        vcpus: row.vcpus,
        memoryGiB: row.memoryGiB,
        localNvmeGb: row.nvmeGb,
        localNvme: row.nvmeGb > 0,
        offeredIn: offeredSource === "sdk-table" ? BOTH : COMMERCIAL,
        offeredSource,
        prices: row.usd === undefined ? {} : { aws: { usdPerHour: row.usd, ...FMBENCH } },
    };
}

function cpu(name: string, vcpus: number, memoryGiB: number, offeredIn: PartitionId[]): InstanceType {
    return {
        name,
        gpuCount: 0,
        gpuMemoryMiB: 0,
        gpuMemoryGiB: 0,
        vcpus,
        memoryGiB,
        localNvmeGb: 0,
        localNvme: false,
        offeredIn,
        offeredSource: "api-enum",
        prices: {},
    };
}

const T4 = 16384;
const A10G = 22888;
const L4 = 22888;
const L40S = 45776;
const V100 = 16384;

/** Listed for every region, GovCloud included, by the SDK's instance_gpu_info.json. */
const SDK_LISTED: Record<string, GpuRow> = {
    "ml.g4dn.xlarge": { gpu: "T4", count: 1, mib: T4, vcpus: 4, memoryGiB: 16, nvmeGb: 125, usd: 0.7364 },
    "ml.g4dn.2xlarge": { gpu: "T4", count: 1, mib: T4, vcpus: 8, memoryGiB: 32, nvmeGb: 225, usd: 0.94 },
    "ml.g4dn.4xlarge": { gpu: "T4", count: 1, mib: T4, vcpus: 16, memoryGiB: 64, nvmeGb: 225, usd: 1.505 },
    "ml.g4dn.8xlarge": { gpu: "T4", count: 1, mib: T4, vcpus: 32, memoryGiB: 128, nvmeGb: 900, usd: 2.72 },
    "ml.g4dn.12xlarge": { gpu: "T4", count: 4, mib: T4, vcpus: 48, memoryGiB: 192, nvmeGb: 900, usd: 4.89 },
    "ml.g4dn.16xlarge": { gpu: "T4", count: 1, mib: T4, vcpus: 64, memoryGiB: 256, nvmeGb: 900, usd: 5.44 },
    "ml.p3.2xlarge": { gpu: "V100", count: 1, mib: V100, vcpus: 8, memoryGiB: 61, nvmeGb: 0, usd: 3.825 },
    "ml.p3.8xlarge": { gpu: "V100", count: 4, mib: V100, vcpus: 32, memoryGiB: 244, nvmeGb: 0 },
    "ml.p3.16xlarge": { gpu: "V100", count: 8, mib: V100, vcpus: 64, memoryGiB: 488, nvmeGb: 0 },
    "ml.g5.xlarge": { gpu: "A10G", count: 1, mib: A10G, vcpus: 4, memoryGiB: 16, nvmeGb: 250, usd: 1.4084 },
    "ml.g5.2xlarge": { gpu: "A10G", count: 1, mib: A10G, vcpus: 8, memoryGiB: 32, nvmeGb: 450, usd: 1.515 },
    "ml.g5.4xlarge": { gpu: "A10G", count: 1, mib: A10G, vcpus: 16, memoryGiB: 64, nvmeGb: 600, usd: 2.03 },
    "ml.g5.8xlarge": { gpu: "A10G", count: 1, mib: A10G, vcpus: 32, memoryGiB: 128, nvmeGb: 900, usd: 3.06 },
    "ml.g5.12xlarge": { gpu: "A10G", count: 4, mib: A10G, vcpus: 48, memoryGiB: 192, nvmeGb: 3800, usd: 7.09 },
    "ml.g5.16xlarge": { gpu: "A10G", count: 1, mib: A10G, vcpus: 64, memoryGiB: 256, nvmeGb: 1900 },
    "ml.g5.24xlarge": { gpu: "A10G", count: 4, mib: A10G, vcpus: 96, memoryGiB: 384, nvmeGb: 3800, usd: 10.18 },
    "ml.g5.48xlarge": { gpu: "A10G", count: 8, mib: A10G, vcpus: 192, memoryGiB: 768, nvmeGb: 7600, usd: 20.36 },
    "ml.p4d.24xlarge": { gpu: "A100-40GB", count: 8, mib: 40960, vcpus: 96, memoryGiB: 1152, nvmeGb: 8000, usd: 37.688 },
    "ml.p4de.24xlarge": { gpu: "A100-80GB", count: 8, mib: 81920, vcpus: 96, memoryGiB: 1152, nvmeGb: 8000 },
    "ml.p5.48xlarge": { gpu: "H100", count: 8, mib: 81920, vcpus: 192, memoryGiB: 2048, nvmeGb: 30400, usd: 113.068 },
};

/** In the SageMaker API's hosting enum, not in the SDK's table: commercial only until a source places them in GovCloud. */
const API_ONLY: Record<string, GpuRow> = {
    "ml.g6.xlarge": { gpu: "L4", count: 1, mib: L4, vcpus: 4, memoryGiB: 16, nvmeGb: 250 },
    "ml.g6.2xlarge": { gpu: "L4", count: 1, mib: L4, vcpus: 8, memoryGiB: 32, nvmeGb: 450, usd: 1.222 },
    "ml.g6.4xlarge": { gpu: "L4", count: 1, mib: L4, vcpus: 16, memoryGiB: 64, nvmeGb: 600 },
    "ml.g6.8xlarge": { gpu: "L4", count: 1, mib: L4, vcpus: 32, memoryGiB: 128, nvmeGb: 900 },
    "ml.g6.12xlarge": { gpu: "L4", count: 4, mib: L4, vcpus: 48, memoryGiB: 192, nvmeGb: 3760, usd: 5.752 },
    "ml.g6.16xlarge": { gpu: "L4", count: 1, mib: L4, vcpus: 64, memoryGiB: 256, nvmeGb: 1880, usd: 4.246 },
    "ml.g6.24xlarge": { gpu: "L4", count: 4, mib: L4, vcpus: 96, memoryGiB: 384, nvmeGb: 3760, usd: 8.344 },
    "ml.g6.48xlarge": { gpu: "L4", count: 8, mib: L4, vcpus: 192, memoryGiB: 768, nvmeGb: 7520, usd: 16.688 },
    "ml.g6e.xlarge": { gpu: "L40S", count: 1, mib: L40S, vcpus: 4, memoryGiB: 32, nvmeGb: 250 },
    "ml.g6e.2xlarge": { gpu: "L40S", count: 1, mib: L40S, vcpus: 8, memoryGiB: 64, nvmeGb: 450 },
    "ml.g6e.4xlarge": { gpu: "L40S", count: 1, mib: L40S, vcpus: 16, memoryGiB: 128, nvmeGb: 600 },
    "ml.g6e.8xlarge": { gpu: "L40S", count: 1, mib: L40S, vcpus: 32, memoryGiB: 256, nvmeGb: 900 },
    "ml.g6e.12xlarge": { gpu: "L40S", count: 4, mib: L40S, vcpus: 48, memoryGiB: 384, nvmeGb: 3800 },
    "ml.g6e.16xlarge": { gpu: "L40S", count: 1, mib: L40S, vcpus: 64, memoryGiB: 512, nvmeGb: 1900 },
    "ml.g6e.24xlarge": { gpu: "L40S", count: 4, mib: L40S, vcpus: 96, memoryGiB: 768, nvmeGb: 3800 },
    "ml.g6e.48xlarge": { gpu: "L40S", count: 8, mib: L40S, vcpus: 192, memoryGiB: 1536, nvmeGb: 7600 },
    "ml.p5.4xlarge": { gpu: "H100", count: 1, mib: 81920, vcpus: 16, memoryGiB: 256, nvmeGb: 3800 },
    "ml.p5e.48xlarge": { gpu: "H200", count: 8, mib: 144384, vcpus: 192, memoryGiB: 2048, nvmeGb: 30400 },
    "ml.p5en.48xlarge": { gpu: "H200", count: 8, mib: 144384, vcpus: 192, memoryGiB: 2048, nvmeGb: 30400 },
};

export const INSTANCE_TYPES: InstanceType[] = [
    ...Object.entries(SDK_LISTED).map(([name, row]) => gpuType(name, row, "sdk-table")),
    ...Object.entries(API_ONLY).map(([name, row]) => gpuType(name, row, "api-enum")),
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

/** The on-demand price of a type in a partition, when a dated source gives one. */
export function instancePrice(type: InstanceType, partition: PartitionId): InstancePrice | undefined {
    return type.prices[partition];
}

/**
 * GPU instance types SageMaker hosting offers in a partition: the default endpoint allow-list of the
 * program's settings and of the pack's sagemaker-endpoint-config-instance-type-approved policy alike.
 */
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
