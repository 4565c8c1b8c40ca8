/**
 * The sagemaker-llm component package: private, encrypted, least-privilege LLM hosting on SageMaker
 * GPU endpoints, usable from any Pulumi language (PulumiPlugin.yaml; `pulumi package add`). Every
 * exported ComponentResource class is a component of the package; its schema is generated from these
 * TypeScript types by @pulumi/pulumi's component analyzer (docs/components.md is generated from it).
 */
export { ArtifactBucket } from "./artifactBucket";
export { StackEncryption } from "./encryption";
export { Dtype, Egress, Engine, NetworkMode, ScalingMetric, WeightsSource } from "./enums";
export { LlmEndpoint } from "./llmEndpoint";
export { PrivateNetwork } from "./network";
export { ResearchNotebook } from "./notebook";
export type { ArtifactBucketArgs } from "./artifactBucket";
export type { StackEncryptionArgs } from "./encryption";
export type { LlmEndpointArgs } from "./llmEndpoint";
export type { ModelSettings } from "./modelDeployment";
export type { NetworkShape, PrivateNetworkArgs } from "./network";
export type { NotebookEndpoint, NotebookInstanceSettings, ResearchNotebookArgs } from "./notebook";
