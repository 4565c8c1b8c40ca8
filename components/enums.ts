/**
 * The package's enumerations, as objects of string constants with a type of the same name: the form
 * @pulumi/pulumi's component analyzer turns into schema enums (provider/experimental/analyzer.js
 * `analyzeType`, "the `as const` object pattern"); a plain union of string literals is refused there.
 * tests/componentPackage.test.ts checks each against the catalog's own list where one exists.
 */

/** A serving engine (policies/catalog/engines.ts). */
export const Engine = { Vllm: "vllm", Sglang: "sglang", Tgi: "tgi" } as const;
export type Engine = (typeof Engine)[keyof typeof Engine];

/** Internet egress of the network: `none` (no internet gateway) or `nat` (NAT gateways in public subnets used only by them). */
export const Egress = { None: "none", Nat: "nat" } as const;
export type Egress = (typeof Egress)[keyof typeof Egress];

/** Where the model's weights come from: `hub` (the Hugging Face Hub, through egress) or `s3` (staged in the artifact bucket). */
export const WeightsSource = { Hub: "hub", S3: "s3" } as const;
export type WeightsSource = (typeof WeightsSource)[keyof typeof WeightsSource];

/** Target-tracking metric: `concurrency` (concurrent requests per instance) or `invocations` (per instance per minute). */
export const ScalingMetric = { Concurrency: "concurrency", Invocations: "invocations" } as const;
export type ScalingMetric = (typeof ScalingMetric)[keyof typeof ScalingMetric];

/** The dtype the engine is told to run the model in. */
export const Dtype = { Float16: "float16", Bfloat16: "bfloat16" } as const;
export type Dtype = (typeof Dtype)[keyof typeof Dtype];

/** `create` a private VPC, or use an `existing` (landing-zone) VPC and its private subnets. */
export const NetworkMode = { Create: "create", Existing: "existing" } as const;
export type NetworkMode = (typeof NetworkMode)[keyof typeof NetworkMode];

/** The values of an enumeration object, for validation and zod enums. */
export function enumValues<T extends Record<string, string>>(e: T): [T[keyof T], ...T[keyof T][]] {
    return Object.values(e) as [T[keyof T], ...T[keyof T][]];
}
