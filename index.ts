/**
 * Private LLM hosting on SageMaker GPU endpoints, with a research notebook, in AWS GovCloud (US) or
 * commercial AWS. Settings are read and validated once (stacks/settings.ts): an invalid stack stops
 * here, before any resource is registered.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ArtifactBucket } from "./components/artifactBucket";
import { StackEncryption } from "./components/encryption";
import { LlmEndpoint } from "./components/llmEndpoint";
import { PrivateNetwork } from "./components/network";
import { ResearchNotebook } from "./components/notebook";
import { loadSettings } from "./stacks/settings";

const settings = loadSettings();
const { partition, region } = settings;
const stack = pulumi.getStack();

// One explicit provider: region, required tags (default tags) and the account guard come from the
// validated settings, and every resource inherits it through its component.
const provider = new aws.Provider(`aws-${partition.id}`, {
    region: region as aws.Region,
    defaultTags: { tags: settings.tags },
    allowedAccountIds: settings.allowedAccountIds.length > 0 ? settings.allowedAccountIds : undefined,
});
const opts: pulumi.ComponentResourceOptions = { providers: { aws: provider } };
const accountId = aws.getCallerIdentityOutput({}, { provider }).accountId;

const encryption = new StackEncryption("stack", { partition, region, accountId, aliasName: `sagemaker-llm-${stack}` }, opts);

const network = new PrivateNetwork(
    "network",
    {
        network: settings.network,
        region,
        accountId,
        kmsKeyArn: encryption.keyArn,
        logRetentionDays: settings.logRetentionDays,
    },
    opts,
);

const artifacts = new ArtifactBucket("artifacts", { kmsKeyArn: encryption.keyArn }, opts);

const endpoints = settings.models.map(
    (deployment) =>
        new LlmEndpoint(
            deployment.name,
            {
                deployment,
                partition,
                region,
                accountId,
                vpcId: network.vpcId,
                vpcCidr: network.vpcCidr,
                privateSubnetIds: network.privateSubnetIds,
                s3PrefixListId: network.s3PrefixListId,
                kmsKeyArn: encryption.keyArn,
                artifactBucketName: artifacts.bucketName,
                artifactBucketArn: artifacts.bucketArn,
                huggingFaceToken: settings.huggingFaceToken,
                logRetentionDays: settings.logRetentionDays,
                alarmTopicArn: settings.alarmTopicArn,
            },
            opts,
        ),
);

const notebook = settings.notebook
    ? new ResearchNotebook(
          "research",
          {
              namePrefix: settings.models[0].model.shortName,
              partition,
              region,
              accountId,
              vpcId: network.vpcId,
              vpcCidr: network.vpcCidr,
              subnetId: network.privateSubnetIds.apply((ids) => ids[0]),
              s3PrefixListId: network.s3PrefixListId,
              kmsKeyArn: encryption.keyArn,
              endpoints: settings.models.map((d, i) => ({
                  deploymentName: d.name,
                  endpointName: endpoints[i].endpointName,
                  endpointArn: endpoints[i].endpointArn,
              })),
              artifactBucketName: artifacts.bucketName,
              artifactBucketArn: artifacts.bucketArn,
              instanceType: settings.notebook.instanceType,
              volumeSizeGb: settings.notebook.volumeSizeGb,
              platformIdentifier: settings.notebook.platformIdentifier,
          },
          opts,
      )
    : undefined;

/** An AWS CLI command that sends one prompt to an endpoint (AWS CLI v2). */
function invokeCommand(endpointName: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.interpolate`aws sagemaker-runtime invoke-endpoint --region ${region} --endpoint-name ${endpointName} --content-type application/json --cli-binary-format raw-in-base64-out --body '{"inputs":"What is AWS GovCloud?","parameters":{"max_new_tokens":128}}' /dev/stdout`;
}

export const partitionId = partition.id;
export const awsRegion = region;
export const vpcId = network.vpcId;
export const privateSubnetIds = network.privateSubnetIds;
export const kmsKeyArn = encryption.keyArn;
export const artifactBucketName = artifacts.bucketName;
export const llmEndpoints = settings.models.map((d, i) => ({
    name: d.name,
    model: d.model.hfModelId,
    instanceType: d.instance.name,
    endpointName: endpoints[i].endpointName,
    endpointArn: endpoints[i].endpointArn,
    weightsS3Uri: endpoints[i].weightsS3Uri,
    invokeCommand: invokeCommand(endpoints[i].endpointName),
}));
export const notebookName = notebook?.notebookName;
export const notebookUrl = notebook?.consoleUrl;
