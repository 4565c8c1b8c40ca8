/**
 * Private LLM hosting on SageMaker GPU endpoints, with a research notebook, in AWS GovCloud (US) or
 * commercial AWS. Settings are read and validated once (stacks/settings.ts): an invalid stack stops
 * here, before any resource is registered. The resources come from the component package
 * (components/, usable from any Pulumi language); this program passes it the settings as plain values.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ArtifactBucket, LlmEndpoint, PrivateNetwork, ResearchNotebook, StackEncryption } from "./components";
import { stagedWeightsLocation } from "./components/llmEndpoint";
import { checkExistingNetwork, stagedWeightsUri } from "./stacks/preconditions";
import { loadSettings, ModelDeployment } from "./stacks/settings";

const settings = loadSettings();
const { partition, region } = settings;
const stack = pulumi.getStack();
const project = pulumi.getProject();

// One explicit provider: region, required tags (default tags) and the account guard come from the
// validated settings, and every resource inherits it through its component.
const provider = new aws.Provider(`aws-${partition.id}`, {
    region: region as aws.Region,
    defaultTags: { tags: settings.tags },
    allowedAccountIds: settings.allowedAccountIds.length > 0 ? settings.allowedAccountIds : undefined,
});
const opts: pulumi.ComponentResourceOptions = { providers: { aws: provider } };
const accountId = aws.getCallerIdentityOutput({}, { provider }).accountId;
// What must outlive the stack is kept together, or nothing is (README, "Destroying a stack").
const retain = settings.retainDataOnDestroy;

const encryption = new StackEncryption("stack", { region, accountId, aliasName: `sagemaker-llm-${stack}`, retainOnDelete: retain }, opts);

// A landing-zone VPC is checked (private subnets, two zones) and its CIDR read before anything uses it.
const existing = settings.network.mode === "existing" ? checkExistingNetwork(settings.network, stack, project, { provider }) : undefined;
const network = new PrivateNetwork(
    "network",
    {
        region,
        accountId,
        kmsKeyArn: encryption.keyArn,
        networkMode: settings.network.mode,
        egress: settings.network.egress,
        fipsEndpoints: settings.network.fipsEndpoints,
        ...(settings.network.mode === "create"
            ? { vpcCidr: settings.network.vpcCidr, availabilityZones: settings.network.availabilityZones }
            : { existingVpcId: settings.network.vpcId, existingPrivateSubnetIds: settings.network.privateSubnetIds, existingVpcCidr: existing!.vpcCidr }),
        logRetentionDays: settings.logRetentionDays,
        retainLogs: retain,
    },
    opts,
);

const artifacts = new ArtifactBucket("artifacts", { kmsKeyArn: encryption.keyArn, retainOnDelete: retain }, opts);

if (!settings.modelsEnabled) {
    pulumi.log.info(
        "modelsEnabled is false: only the network, key and bucket are created; no endpoint and no research notebook. Stage the weights, then set modelsEnabled to true (README, 'First deployment').",
    );
}
const deployed = settings.modelsEnabled ? settings.models : [];
const endpoints = deployed.map(
    (deployment) =>
        new LlmEndpoint(
            deployment.name,
            {
                modelId: deployment.requested.modelId,
                ...deployment.requested.settings,
                production: settings.production,
                approvedInstanceTypes: settings.approvedInstanceTypes,
                egress: settings.network.egress,
                region,
                accountId,
                vpcId: network.vpcId,
                vpcCidr: network.vpcCidr,
                privateSubnetIds: network.privateSubnetIds,
                s3PrefixListId: network.s3PrefixListId,
                kmsKeyArn: encryption.keyArn,
                artifactBucketName: artifacts.bucketName,
                artifactBucketArn: artifacts.bucketArn,
                // Resolves only once the weights are in the bucket, so no SageMaker resource is created before.
                stagedWeightsUri:
                    deployment.weights.source === "s3"
                        ? stagedWeightsUri({ ...deployment, weights: deployment.weights }, artifacts.bucketName, stack, { provider })
                        : undefined,
                // Only where the container gets it: a gated model from the Hub (the component refuses it elsewhere).
                huggingFaceToken: deployment.weights.source === "hub" && deployment.model.gated ? settings.huggingFaceToken : undefined,
                logRetentionDays: settings.logRetentionDays,
                retainLogs: retain,
                alarmTopicArn: settings.alarmTopicArn,
            },
            // The containers need the network's VPC endpoints: the model waits for the whole network.
            { ...opts, dependsOn: [network] },
        ),
);

const notebook =
    settings.notebook && endpoints.length > 0
        ? new ResearchNotebook(
              "research",
              {
                  region,
                  accountId,
                  vpcId: network.vpcId,
                  vpcCidr: network.vpcCidr,
                  subnetId: network.privateSubnetIds.apply((ids) => ids[0]),
                  s3PrefixListId: network.s3PrefixListId,
                  kmsKeyArn: encryption.keyArn,
                  endpoints: deployed.map((d, i) => ({
                      deploymentName: d.name,
                      endpointName: endpoints[i].endpointName,
                      endpointArn: endpoints[i].endpointArn,
                      engine: d.engine.id,
                      engineVersion: d.release.version,
                      servedModelName: d.model.hfModelId,
                  })),
                  artifactBucketName: artifacts.bucketName,
                  artifactBucketArn: artifacts.bucketArn,
                  readablePrefixes: deployed.flatMap((d) => (d.weights.source === "s3" ? [d.weights.s3Prefix] : [])),
                  instanceType: settings.notebook.instanceType,
                  volumeSizeGb: settings.notebook.volumeSizeGb,
                  platformIdentifier: settings.notebook.platformIdentifier,
              },
              // The notebook needs the network's SageMaker API, notebook and S3 endpoints.
              { ...opts, dependsOn: [network] },
          )
        : undefined;

/**
 * An AWS CLI command (v2) that sends one request to an endpoint, in a body its engine's /invocations
 * accepts (policies/catalog/engines.ts): a chat message where the release takes chat, else TGI's generate body.
 */
function invokeCommand(d: ModelDeployment, endpointName: pulumi.Input<string>): pulumi.Output<string> {
    const body = d.release.requestFormats.includes("chat")
        ? { messages: [{ role: "user", content: "What is AWS GovCloud?" }], max_tokens: 128 }
        : { inputs: "What is AWS GovCloud?", parameters: { max_new_tokens: 128 } };
    return pulumi.interpolate`aws sagemaker-runtime invoke-endpoint --region ${region} --endpoint-name ${endpointName} --content-type application/json --cli-binary-format raw-in-base64-out --body '${JSON.stringify(body)}' /dev/stdout`;
}

export const partitionId = partition.id;
export const awsRegion = region;
export const vpcId = network.vpcId;
export const privateSubnetIds = network.privateSubnetIds;
export const kmsKeyArn = encryption.keyArn;
export const artifactBucketName = artifacts.bucketName;
/** Every deployment, with where its weights go (also before its endpoint exists, for staging), and its endpoint once deployed. */
export const llmEndpoints = settings.models.map((d) => {
    const i = deployed.indexOf(d);
    const endpoint = i >= 0 ? endpoints[i] : undefined;
    const prefix = d.weights.source === "s3" ? d.weights.s3Prefix : undefined;
    return {
        name: d.name,
        model: d.model.hfModelId,
        engine: d.engine.id,
        engineVersion: d.release.version,
        instanceType: d.instance.name,
        /** The GPU-memory arithmetic that admitted the deployment (policies/catalog/sizing.ts). */
        gpuMemorySizing: d.sizing.lines,
        weightsS3Uri: prefix === undefined ? undefined : artifacts.bucketName.apply((bucket) => stagedWeightsLocation(bucket, prefix)),
        endpointName: endpoint?.endpointName,
        endpointArn: endpoint?.endpointArn,
        endpointConfigName: endpoint?.endpointConfigName,
        invokeCommand: endpoint ? invokeCommand(d, endpoint.endpointName) : undefined,
    };
});
export const notebookName = notebook?.notebookName;
export const notebookUrl = notebook?.consoleUrl;
