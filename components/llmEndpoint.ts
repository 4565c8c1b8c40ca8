import * as crypto from "crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { MODEL_TAG_KEY } from "../stacks/models";
import { Partition } from "../stacks/partitions";
import { ModelDeployment } from "../stacks/settings";
import { policyDocument, PolicyStatement, serviceTrustPolicy } from "./iam";
import { HTTPS, privateEgressGroup } from "./privateEgress";

/** SageMaker's single production variant name. */
export const VARIANT_NAME = "AllTraffic";
/** Where TGI reads weights staged in S3 (shared/REFERENCE.md, GovCloud specifics). */
export const LOCAL_MODEL_PATH = "/opt/ml/model";

export interface LlmEndpointArgs {
    /** The validated model deployment (model, instance, token limits, weights, scaling, alarms). */
    deployment: ModelDeployment;
    partition: Partition;
    region: string;
    accountId: pulumi.Input<string>;
    /** VPC the model's containers attach to. */
    vpcId: pulumi.Input<string>;
    /** VPC CIDR: the containers may reach only HTTPS inside it (the interface endpoints) and S3. */
    vpcCidr: string;
    /** Private subnets in at least two AZs. */
    privateSubnetIds: pulumi.Input<string[]>;
    /** S3's managed prefix list, for egress to the gateway endpoint. */
    s3PrefixListId: pulumi.Input<string>;
    /** The stack key: log group, data capture, and the ML storage volume where SageMaker accepts a key. */
    kmsKeyArn: pulumi.Input<string>;
    /** Artifact bucket holding staged weights (weights.source `s3`) and data capture. */
    artifactBucketName: pulumi.Input<string>;
    artifactBucketArn: pulumi.Input<string>;
    /** Hub token for gated models pulled from the Hub; a Pulumi secret, never plain config. */
    huggingFaceToken?: pulumi.Output<string>;
    /** Retention of the endpoint's log group, days. */
    logRetentionDays: number;
    /** SNS topic the alarms notify; none by default (the alarms still drive rollback). */
    alarmTopicArn?: string;
}

/** Registry account and repository of an image URI `<account>.dkr.ecr.<region>.<suffix>/<repo>:<tag>`. */
export function parseEcrImage(imageUri: string): { account: string; repository: string } {
    const match = /^(\d{12})\.dkr\.ecr\.[^/]+\/([^:@]+)/.exec(imageUri);
    if (!match) throw new Error(`Not an ECR image URI: ${imageUri}`);
    return { account: match[1], repository: match[2] };
}

/** The TGI container environment for a deployment (without the Hub token). */
export function tgiEnvironment(d: ModelDeployment): Record<string, string> {
    const env: Record<string, string> = {
        HF_MODEL_ID: d.weights.source === "s3" ? LOCAL_MODEL_PATH : d.model.hfModelId,
        SM_NUM_GPUS: String(d.numGpus),
        [d.tgi?.inputTokensEnv ?? "MAX_INPUT_TOKENS"]: String(d.maxInputTokens),
        MAX_TOTAL_TOKENS: String(d.maxTotalTokens),
    };
    // Any non-empty HF_MODEL_QUANTIZE is passed to the launcher, so it is set only when quantizing.
    if (d.quantize) env.HF_MODEL_QUANTIZE = d.quantize;
    if (d.dtype) env.DTYPE = d.dtype;
    if (d.maxBatchPrefillTokens) env.MAX_BATCH_PREFILL_TOKENS = String(d.maxBatchPrefillTokens);
    if (d.trustRemoteCode) env.HF_MODEL_TRUST_REMOTE_CODE = "true";
    return env;
}

/**
 * One LLM behind a private SageMaker real-time endpoint running the Hugging Face TGI container:
 * least-privilege execution role, model in the VPC (network isolation when weights come from S3),
 * endpoint config with the stack key wherever SageMaker accepts one, blue/green deployment with
 * automatic rollback on its alarms, target-tracking autoscaling, alarms on 5XX errors, latency and
 * GPU memory, and the endpoint's log group created up front with KMS and retention.
 *
 * Model and endpoint-config names carry a revision suffix that changes whenever their settings
 * change, so Pulumi creates the new ones before the endpoint moves to them (blue/green) and deletes
 * the old ones after. The endpoint's own name is stable.
 */
export class LlmEndpoint extends pulumi.ComponentResource {
    readonly endpointName: pulumi.Output<string>;
    readonly endpointArn: pulumi.Output<string>;
    readonly modelName: pulumi.Output<string>;
    readonly executionRoleArn: pulumi.Output<string>;
    readonly logGroupName: pulumi.Output<string>;
    readonly alarmNames: pulumi.Output<string[]>;
    /** S3 URI where staged weights must be (weights.source `s3`), else undefined. */
    readonly weightsS3Uri?: pulumi.Output<string>;

    constructor(name: string, args: LlmEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
        super("sagemaker-llm:components:LlmEndpoint", name, {}, opts);
        const d = args.deployment;
        const { accountId } = args;
        const child = { parent: this };

        // Stable part of the endpoint's name, and a revision for the model and config names.
        const nameSuffix = new random.RandomString(`${name}-suffix`, { length: 8, special: false, upper: false }, child);
        const revision = new random.RandomString(
            `${name}-revision`,
            {
                length: 8,
                special: false,
                upper: false,
                keepers: { settings: revisionHash(d) },
            },
            child,
        );
        const endpointName = pulumi.interpolate`${d.name}-${nameSuffix.result}`;
        const revisionName = pulumi.interpolate`${d.name}-${revision.result}`;
        const logGroupName = pulumi.interpolate`/aws/sagemaker/Endpoints/${endpointName}`;

        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-logs`,
            {
                name: logGroupName,
                kmsKeyId: args.kmsKeyArn,
                retentionInDays: args.logRetentionDays,
            },
            child,
        );

        const securityGroup = privateEgressGroup(
            `${name}-model`,
            `${name}-model`,
            {
                vpcId: args.vpcId,
                description: `SageMaker model ${d.name}: HTTPS to VPC endpoints and S3 only`,
                vpcCidr: args.vpcCidr,
                s3PrefixListId: args.s3PrefixListId,
            },
            child,
        );
        // Between the containers of a multi-instance variant (sharded inference).
        new aws.vpc.SecurityGroupIngressRule(
            `${name}-model-self`,
            {
                securityGroupId: securityGroup.id,
                description: "Traffic between this model's own containers",
                ipProtocol: "-1",
                referencedSecurityGroupId: securityGroup.id,
            },
            child,
        );
        if (d.weights.source === "hub") {
            // The Hub is on the internet: only here may containers reach HTTPS beyond the VPC.
            new aws.vpc.SecurityGroupEgressRule(
                `${name}-model-hub`,
                {
                    securityGroupId: securityGroup.id,
                    description: "HTTPS to the Hugging Face Hub through the NAT gateways",
                    ipProtocol: "tcp",
                    fromPort: HTTPS,
                    toPort: HTTPS,
                    cidrIpv4: "0.0.0.0/0",
                },
                child,
            );
        }

        const role = new aws.iam.Role(
            `${name}-execution`,
            {
                description: `SageMaker execution role of ${d.name}`,
                assumeRolePolicy: serviceTrustPolicy("sagemaker.amazonaws.com", accountId),
                maxSessionDuration: 3600,
            },
            child,
        );
        const image = parseEcrImage(d.imageUri);
        const rolePolicy = new aws.iam.RolePolicy(
            `${name}-execution`,
            {
                role: role.id,
                policy: policyDocument(this.executionStatements(args, image, endpointName)),
            },
            child,
        );

        const modelDataSource =
            d.weights.source === "s3"
                ? {
                      s3DataSources: [
                          {
                              s3Uri: pulumi.interpolate`s3://${args.artifactBucketName}/${d.weights.s3Prefix}`,
                              s3DataType: "S3Prefix",
                              compressionType: "None",
                          },
                      ],
                  }
                : undefined;
        const environment: pulumi.Input<Record<string, pulumi.Input<string>>> =
            args.huggingFaceToken && d.weights.source === "hub" && d.model.gated
                ? { ...tgiEnvironment(d), HUGGING_FACE_HUB_TOKEN: args.huggingFaceToken }
                : tgiEnvironment(d);

        const model = new aws.sagemaker.Model(
            `${name}-model`,
            {
                name: pulumi.interpolate`${revisionName}-model`,
                executionRoleArn: role.arn,
                primaryContainer: { image: d.imageUri, environment, modelDataSource },
                vpcConfig: { subnets: args.privateSubnetIds, securityGroupIds: [securityGroup.id] },
                // Weights from S3 need no network at all inside the container.
                enableNetworkIsolation: d.weights.source === "s3",
                tags: { [MODEL_TAG_KEY]: d.model.id },
            },
            { parent: this, dependsOn: [rolePolicy] },
        );

        const endpointConfig = new aws.sagemaker.EndpointConfiguration(
            `${name}-config`,
            {
                name: pulumi.interpolate`${revisionName}-config`,
                productionVariants: [
                    {
                        variantName: VARIANT_NAME,
                        modelName: model.name,
                        instanceType: d.instance.name,
                        initialInstanceCount: d.instanceCount,
                        containerStartupHealthCheckTimeoutInSeconds: d.startupHealthCheckTimeoutSeconds,
                        modelDataDownloadTimeoutInSeconds: d.modelDataDownloadTimeoutSeconds,
                        volumeSizeInGb: d.volumeSizeGb,
                    },
                ],
                // SageMaker rejects a volume key on instance types with local NVMe storage, which is
                // hardware-encrypted; everywhere else the stack key encrypts the ML storage volume.
                kmsKeyArn: d.instance.localNvme ? undefined : args.kmsKeyArn,
                dataCaptureConfig:
                    d.dataCapturePercent > 0
                        ? {
                              enableCapture: true,
                              initialSamplingPercentage: d.dataCapturePercent,
                              destinationS3Uri: pulumi.interpolate`s3://${args.artifactBucketName}/data-capture/${d.name}/`,
                              kmsKeyId: args.kmsKeyArn,
                              captureOptions: [{ captureMode: "Input" }, { captureMode: "Output" }],
                              captureContentTypeHeader: { jsonContentTypes: ["application/json"] },
                          }
                        : undefined,
            },
            child,
        );

        const alarms = this.createAlarms(name, d, endpointName, args.alarmTopicArn);
        const rollbackAlarms = [alarms.errors, alarms.latency];

        const endpoint = new aws.sagemaker.Endpoint(
            `${name}-endpoint`,
            {
                name: endpointName,
                endpointConfigName: endpointConfig.name,
                deploymentConfig: {
                    blueGreenUpdatePolicy: {
                        trafficRoutingConfiguration: { type: "ALL_AT_ONCE", waitIntervalInSeconds: 600 },
                        terminationWaitInSeconds: 600,
                        maximumExecutionTimeoutInSeconds: 3600,
                    },
                    autoRollbackConfiguration: { alarms: rollbackAlarms.map((a) => ({ alarmName: a.name })) },
                },
            },
            { parent: this, dependsOn: [logGroup] },
        );

        this.createAutoscaling(name, d, endpoint);

        this.endpointName = endpoint.name;
        this.endpointArn = endpoint.arn;
        this.modelName = model.name;
        this.executionRoleArn = role.arn;
        this.logGroupName = logGroup.name;
        this.alarmNames = pulumi.all([alarms.errors.name, alarms.latency.name, alarms.gpuMemory.name]);
        this.weightsS3Uri = d.weights.source === "s3" ? pulumi.interpolate`s3://${args.artifactBucketName}/${d.weights.s3Prefix}` : undefined;
        this.registerOutputs({
            endpointName: this.endpointName,
            endpointArn: this.endpointArn,
            modelName: this.modelName,
            executionRoleArn: this.executionRoleArn,
            logGroupName: this.logGroupName,
            alarmNames: this.alarmNames,
            weightsS3Uri: this.weightsS3Uri,
        });
    }

    /** The execution role's permissions: only this model's prefix, key, image, log group and metrics. */
    private executionStatements(args: LlmEndpointArgs, image: { account: string; repository: string }, endpointName: pulumi.Output<string>): PolicyStatement[] {
        const d = args.deployment;
        const { region, accountId } = args;
        const arnPrefix = args.partition.arnPrefix;
        const statements: PolicyStatement[] = [
            {
                Sid: "PullTheModelImageOnly",
                Effect: "Allow",
                Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
                Resource: `${arnPrefix}:ecr:${args.region}:${image.account}:repository/${image.repository}`,
            },
            // GetAuthorizationToken has no resource-level permissions.
            { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
            {
                Sid: "WriteOwnLogGroupOnly",
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                Resource: pulumi.interpolate`${arnPrefix}:logs:${region}:${accountId}:log-group:/aws/sagemaker/Endpoints/${endpointName}:*`,
            },
            {
                Sid: "PublishSageMakerMetricsOnly",
                Effect: "Allow",
                Action: "cloudwatch:PutMetricData",
                Resource: "*",
                Condition: { StringLike: { "cloudwatch:namespace": ["/aws/sagemaker/*", "AWS/SageMaker"] } },
            },
            {
                Sid: "UseTheStackKeyOnly",
                Effect: "Allow",
                Action: ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey", "kms:CreateGrant"],
                Resource: args.kmsKeyArn,
            },
            {
                // Network interfaces in the model's VPC; these EC2 actions support no narrower resource.
                Sid: "AttachToThePrivateSubnets",
                Effect: "Allow",
                Action: [
                    "ec2:CreateNetworkInterface",
                    "ec2:CreateNetworkInterfacePermission",
                    "ec2:DeleteNetworkInterface",
                    "ec2:DeleteNetworkInterfacePermission",
                    "ec2:DescribeNetworkInterfaces",
                    "ec2:DescribeVpcs",
                    "ec2:DescribeDhcpOptions",
                    "ec2:DescribeSubnets",
                    "ec2:DescribeSecurityGroups",
                ],
                Resource: "*",
            },
        ];
        if (d.weights.source === "s3") {
            statements.push(
                {
                    Sid: "ReadOwnWeightsOnly",
                    Effect: "Allow",
                    Action: "s3:GetObject",
                    Resource: pulumi.interpolate`${args.artifactBucketArn}/${d.weights.s3Prefix}*`,
                },
                {
                    Sid: "ListOwnWeightsOnly",
                    Effect: "Allow",
                    Action: "s3:ListBucket",
                    Resource: args.artifactBucketArn,
                    Condition: { StringLike: { "s3:prefix": [`${d.weights.s3Prefix}*`] } },
                },
            );
        }
        if (d.dataCapturePercent > 0) {
            statements.push({
                Sid: "WriteOwnDataCaptureOnly",
                Effect: "Allow",
                Action: "s3:PutObject",
                Resource: pulumi.interpolate`${args.artifactBucketArn}/data-capture/${d.name}/*`,
            });
        }
        return statements;
    }

    private createAlarms(name: string, d: ModelDeployment, endpointName: pulumi.Output<string>, topicArn?: string) {
        const child = { parent: this };
        const dimensions = { EndpointName: endpointName, VariantName: VARIANT_NAME };
        const actions = topicArn ? { alarmActions: [topicArn], okActions: [topicArn] } : {};
        const errors = new aws.cloudwatch.MetricAlarm(
            `${name}-5xx`,
            {
                name: pulumi.interpolate`${endpointName}-5xx-errors`,
                alarmDescription: `${d.name}: the model returned 5XX errors in two consecutive minutes`,
                namespace: "AWS/SageMaker",
                metricName: "Invocation5XXErrors",
                dimensions,
                statistic: "Sum",
                period: 60,
                evaluationPeriods: 2,
                threshold: 1,
                comparisonOperator: "GreaterThanOrEqualToThreshold",
                treatMissingData: "notBreaching",
                ...actions,
            },
            child,
        );
        const latency = new aws.cloudwatch.MetricAlarm(
            `${name}-latency`,
            {
                name: pulumi.interpolate`${endpointName}-model-latency`,
                alarmDescription: `${d.name}: p90 model latency above ${d.latencyAlarmMs} ms for 5 minutes`,
                namespace: "AWS/SageMaker",
                metricName: "ModelLatency",
                dimensions,
                extendedStatistic: "p90",
                period: 60,
                evaluationPeriods: 5,
                // ModelLatency is reported in microseconds.
                threshold: d.latencyAlarmMs * 1000,
                comparisonOperator: "GreaterThanThreshold",
                treatMissingData: "notBreaching",
                ...actions,
            },
            child,
        );
        const gpuMemory = new aws.cloudwatch.MetricAlarm(
            `${name}-gpu-memory`,
            {
                name: pulumi.interpolate`${endpointName}-gpu-memory`,
                alarmDescription: `${d.name}: GPU memory above ${d.gpuMemoryAlarmPercent}% (summed over ${d.numGpus} GPU(s)) for 10 minutes`,
                namespace: "/aws/sagemaker/Endpoints",
                metricName: "GPUMemoryUtilization",
                dimensions,
                statistic: "Average",
                period: 300,
                evaluationPeriods: 2,
                threshold: d.gpuMemoryAlarmPercent,
                comparisonOperator: "GreaterThanThreshold",
                treatMissingData: "notBreaching",
                ...actions,
            },
            child,
        );
        return { errors, latency, gpuMemory };
    }

    private createAutoscaling(name: string, d: ModelDeployment, endpoint: aws.sagemaker.Endpoint): void {
        const target = new aws.appautoscaling.Target(
            `${name}-scaling`,
            {
                serviceNamespace: "sagemaker",
                resourceId: pulumi.interpolate`endpoint/${endpoint.name}/variant/${VARIANT_NAME}`,
                scalableDimension: "sagemaker:variant:DesiredInstanceCount",
                minCapacity: d.autoscaling.minInstances,
                maxCapacity: d.autoscaling.maxInstances,
            },
            { parent: this },
        );
        new aws.appautoscaling.Policy(
            `${name}-scaling`,
            {
                policyType: "TargetTrackingScaling",
                serviceNamespace: target.serviceNamespace,
                resourceId: target.resourceId,
                scalableDimension: target.scalableDimension,
                targetTrackingScalingPolicyConfiguration: {
                    predefinedMetricSpecification: {
                        predefinedMetricType:
                            d.autoscaling.metric === "concurrency"
                                ? "SageMakerVariantConcurrentRequestsPerModelHighResolution"
                                : "SageMakerVariantInvocationsPerInstance",
                    },
                    targetValue: d.autoscaling.targetValue,
                    scaleInCooldown: d.autoscaling.scaleInCooldownSeconds,
                    scaleOutCooldown: d.autoscaling.scaleOutCooldownSeconds,
                },
            },
            { parent: this },
        );
    }
}

/** Hash of everything that goes into the model and endpoint config, so any change renames them. */
function revisionHash(d: ModelDeployment): string {
    const relevant = {
        image: d.imageUri,
        env: tgiEnvironment(d),
        weights: d.weights,
        instance: d.instance.name,
        count: d.instanceCount,
        timeouts: [d.startupHealthCheckTimeoutSeconds, d.modelDataDownloadTimeoutSeconds],
        volume: d.volumeSizeGb,
        capture: d.dataCapturePercent,
    };
    return crypto.createHash("sha256").update(JSON.stringify(relevant)).digest("hex").slice(0, 16);
}
