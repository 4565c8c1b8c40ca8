import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { z } from "zod";
import { engineEnvironment } from "../policies/catalog/engines";
import { CONCURRENCY_TAG_KEY, findModel, MODEL_TAG_KEY } from "../policies/catalog/models";
import { Partition } from "../policies/catalog/partitions";
import {
    checkLogRetention,
    ComponentArgumentsError,
    DEFAULT_LOG_RETENTION_DAYS,
    describeProblem,
    problemsOfIssues,
    refuseArguments,
    regionPartition,
} from "./arguments";
import { Egress, enumValues } from "./enums";
import {
    checkApprovedInstanceTypes,
    ModelDeployment,
    ModelSettings,
    modelSettingsSchema,
    resolveModelDeployment,
    SettingProblem,
    unknownModelProblem,
} from "./modelDeployment";
import { dependenciesOf, packageType, withPreviousType } from "./packageTypes";
import { policyDocument, PolicyStatement, sageMakerSourceCondition, serviceTrustPolicy, throughS3 } from "./iam";
import { HTTPS, privateEgressGroup } from "./privateEgress";

/** SageMaker's single production variant name; a blue/green update must keep it (deployment guardrails, "Exclusions"). */
export const VARIANT_NAME = "AllTraffic";
/**
 * Where SageMaker puts the files of `ModelDataSource.S3DataSource` (S3Prefix, uncompressed) in the
 * container, and so where the engine reads weights staged in S3 (SageMaker Developer Guide, "Deploying
 * uncompressed models").
 */
export const LOCAL_MODEL_PATH = "/opt/ml/model";

/**
 * One model behind a private endpoint: the model and how it is served (ModelSettings, every field
 * with its default), where it runs, and the stack's key and bucket. The component's resource name is
 * the deployment name: the base of every resource name of the deployment (at most 40 characters).
 */
export interface LlmEndpointArgs extends ModelSettings {
    /** The model: an id of the package's model catalog (policies/catalog/models.ts), e.g. `llama-3.1-8b-instruct`. */
    modelId: string;
    /** The region (AWS GovCloud (US) or commercial); the partition follows from it. */
    region: string;
    /** The account the stack deploys into. */
    accountId: pulumi.Input<string>;
    /** VPC the model's containers attach to. */
    vpcId: pulumi.Input<string>;
    /** VPC CIDR: the containers may reach only HTTPS inside it (the interface endpoints) and S3. */
    vpcCidr: pulumi.Input<string>;
    /** Private subnets in at least two AZs. */
    privateSubnetIds: pulumi.Input<string[]>;
    /** S3's managed prefix list, for egress to the gateway endpoint. */
    s3PrefixListId: pulumi.Input<string>;
    /** The stack key: log group, data capture, and the ML storage volume where SageMaker accepts a key. */
    kmsKeyArn: pulumi.Input<string>;
    /** Artifact bucket holding staged weights (weightsSource `s3`) and data capture. */
    artifactBucketName: pulumi.Input<string>;
    /** The artifact bucket's ARN. */
    artifactBucketArn: pulumi.Input<string>;
    /**
     * `s3://bucket/prefix/` of the staged weights, resolving only once they are known to be there,
     * so the model is not created before: the artifact bucket at the deployment's weightsS3Prefix
     * (the only place its execution role may read). Required with weightsSource `s3`, refused with `hub`.
     * Default: none.
     * @default none
     */
    stagedWeightsUri?: pulumi.Input<string>;
    /** Hub token for a gated model pulled from the Hub (required there, refused elsewhere); kept secret. Default: none. @default none */
    huggingFaceToken?: pulumi.Input<string>;
    /** Retention of the endpoint's log group, days (a value CloudWatch Logs accepts). Default: 365. @default 365 */
    logRetentionDays?: number;
    /**
     * Keep the endpoint's log group in AWS when it is replaced (a new endpoint name) or the stack is
     * destroyed; it then leaves Pulumi's state.
     * Default: true.
     * @default true
     */
    retainLogs?: boolean;
    /** SNS topic the alarms notify, in the same region. Default: none (the rollback alarm still drives rollback). @default none (the rollback alarm still drives rollback) */
    alarmTopicArn?: string;
    /** A production deployment: two instances and an autoscaling maximum of four by default. Default: false. @default false */
    production?: boolean;
    /** GPU instance types the deployment may use. Default: every GPU type SageMaker hosting offers in the partition (policies/catalog/instances.ts). @default every GPU type SageMaker hosting offers in the partition (policies/catalog/instances.ts) */
    approvedInstanceTypes?: string[];
    /** Internet egress of the network the containers attach to; weights from the Hub need `nat`. Default: `none`. @default `none` */
    egress?: Egress;
}

/** The LlmEndpoint arguments that are not model settings. */
const PLACEMENT_ARGUMENTS = new Set<string>([
    "modelId",
    "region",
    "accountId",
    "vpcId",
    "vpcCidr",
    "privateSubnetIds",
    "s3PrefixListId",
    "kmsKeyArn",
    "artifactBucketName",
    "artifactBucketArn",
    "stagedWeightsUri",
    "huggingFaceToken",
    "logRetentionDays",
    "retainLogs",
    "alarmTopicArn",
    "production",
    "approvedInstanceTypes",
    "egress",
] satisfies (keyof LlmEndpointArgs)[]);

/**
 * The types of the arguments that are plain values, as a program in another language may get them
 * wrong (the Inputs can be outputs of other resources, whose values are not known yet).
 */
const plainArgumentsSchema = z.object({
    modelId: z.string(),
    production: z.boolean().optional(),
    retainLogs: z.boolean().optional(),
    alarmTopicArn: z.string().optional(),
});

/**
 * The deployment LlmEndpoint `name` with `args` makes: every default applied and every argument
 * checked, with the catalog and the sizing the stack settings use. Throws ComponentArgumentsError
 * listing every problem; pure, so callers can check arguments before constructing anything.
 */
export function resolveLlmEndpoint(name: string, args: LlmEndpointArgs): { deployment: ModelDeployment; partition: Partition } {
    const problems: SettingProblem[] = [];
    const partition = regionPartition(args.region, problems);
    const plain = plainArgumentsSchema.safeParse(args, { reportInput: true });
    if (!plain.success) problems.push(...problemsOfIssues(plain.error.issues));
    const settings = Object.fromEntries(Object.entries(args).filter(([key, value]) => !PLACEMENT_ARGUMENTS.has(key) && value !== undefined));
    const parsed = modelSettingsSchema.safeParse(settings, { reportInput: true });
    if (!parsed.success) problems.push(...problemsOfIssues(parsed.error.issues));
    const egress = args.egress ?? "none";
    if (!(enumValues(Egress) as string[]).includes(egress)) {
        problems.push({ key: "egress", value: egress, message: `must be one of ${enumValues(Egress).join(", ")}.` });
    }
    checkLogRetention("logRetentionDays", args.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS, problems);
    if (!partition || !plain.success || !parsed.success) {
        // The deployment's own checks need the partition and well-typed settings; the model is still named.
        if (plain.success && !findModel(args.modelId)) problems.push(unknownModelProblem("modelId", args.modelId));
        throw new ComponentArgumentsError("LlmEndpoint", name, problems);
    }
    const deployment = resolveModelDeployment(
        { modelId: args.modelId, name, settings: parsed.data },
        {
            partition,
            region: args.region,
            production: args.production ?? false,
            approved: checkApprovedInstanceTypes(partition, args.approvedInstanceTypes, "approvedInstanceTypes", problems),
            egress,
        },
        (field) => field,
        problems,
    );
    if (deployment) checkWeightsArguments(args, deployment, problems);
    if (args.alarmTopicArn && !args.alarmTopicArn.startsWith(`${partition.arnPrefix}:sns:${args.region}:`)) {
        problems.push({
            key: "alarmTopicArn",
            value: args.alarmTopicArn,
            message: `must be an SNS topic ARN in ${partition.id}/${args.region} (starting '${partition.arnPrefix}:sns:${args.region}:').`,
        });
    }
    refuseArguments("LlmEndpoint", name, problems);
    return { deployment: deployment!, partition };
}

/**
 * The staged-weights URI and the Hub token only where the deployment uses them: the URI with weights
 * from S3, at the prefix the execution role may read; the token with a gated model from the Hub (the
 * only case the container gets it).
 */
function checkWeightsArguments(args: LlmEndpointArgs, d: ModelDeployment, problems: SettingProblem[]): void {
    if (d.weights.source === "s3") {
        if (args.stagedWeightsUri === undefined) {
            problems.push({
                key: "stagedWeightsUri",
                message: "is required: the weights come from S3 (weightsSource `s3`). Stage them, then pass their s3:// URI.",
            });
        } else if (typeof args.stagedWeightsUri === "string" && typeof args.artifactBucketName === "string") {
            const problem = stagedWeightsProblem(args.stagedWeightsUri, args.artifactBucketName, d.weights.s3Prefix);
            if (problem) problems.push(problem);
        }
    } else if (args.stagedWeightsUri !== undefined) {
        problems.push({
            key: "stagedWeightsUri",
            message:
                "is not used: the weights come from the Hugging Face Hub (weightsSource `hub`). Remove it, or set weightsSource `s3` to serve the staged weights.",
        });
    }
    if (args.huggingFaceToken !== undefined && !(d.weights.source === "hub" && d.model.gated)) {
        problems.push({
            key: "huggingFaceToken",
            message:
                d.weights.source === "s3"
                    ? "is not used: the weights come from S3 and the container never contacts the Hub. Remove it."
                    : `is not used: ${d.model.hfModelId} is not gated on the Hub, so the container is not given a token. Remove it.`,
        });
    }
    if (d.weights.source === "hub" && d.model.gated && args.huggingFaceToken === undefined) {
        problems.push({
            key: "huggingFaceToken",
            message: `is required: ${d.model.hfModelId} is gated on the Hugging Face Hub. Pass a Hub token (as a secret), or stage the weights in S3 (weightsSource \`s3\`).`,
        });
    }
}

/** `s3://<bucket>/<prefix>`: where a deployment's staged weights are, and so what `stagedWeightsUri` must be. */
export function stagedWeightsLocation(bucket: string, prefix: string): string {
    return `s3://${bucket}/${prefix}`;
}

/** A problem when `uri` is not where the deployment's weights must be staged. */
function stagedWeightsProblem(uri: string, bucket: string, prefix: string): SettingProblem | undefined {
    const expected = stagedWeightsLocation(bucket, prefix);
    if (uri === expected) return undefined;
    return {
        key: "stagedWeightsUri",
        value: uri,
        message: `must be ${expected}: the artifact bucket at the deployment's weightsS3Prefix, the only place its execution role may read. Stage the weights there, or set weightsS3Prefix to where they are.`,
    };
}

/** Registry account and repository of an image URI `<account>.dkr.ecr.<region>.<suffix>/<repo>:<tag>`. */
export function parseEcrImage(imageUri: string): { account: string; repository: string } {
    const match = /^(\d{12})\.dkr\.ecr\.[^/]+\/([^:@]+)/.exec(imageUri);
    if (!match) throw new Error(`Not an ECR image URI: ${imageUri}`);
    return { account: match[1], repository: match[2] };
}

/** The engine's container environment for a deployment (without the Hub token): variable names from policies/catalog/engines.ts. */
export function containerEnvironment(d: ModelDeployment): Record<string, string> {
    return engineEnvironment(d.engine, d.release, {
        model: d.weights.source === "s3" ? LOCAL_MODEL_PATH : d.model.hfModelId,
        revision: d.weights.source === "hub" ? d.weights.revision : undefined,
        servedModelName: d.model.hfModelId,
        tensorParallel: d.numGpus,
        contextLength: d.maxTotalTokens,
        maxInputTokens: d.maxInputTokens,
        maxBatchPrefillTokens: d.maxBatchPrefillTokens,
        quantization: d.quantize,
        dtype: d.dtype,
        trustRemoteCode: d.trustRemoteCode,
        memoryFraction: d.memoryFraction,
    });
}

/**
 * What decides the endpoint's name, besides the deployment name. A new instance type gets a new
 * endpoint: UpdateEndpoint fails when it changes the instance type of a variant registered with
 * Application Auto Scaling (SageMaker Developer Guide, "Update or delete endpoints that use auto
 * scaling"), so that change is made as a new endpoint (with its own scaling target) that replaces the
 * old one, created first. Nothing else replaces an endpoint: in the provider only `name` and adding or
 * removing `deploymentConfig.autoRollbackConfiguration` force it (terraform-provider-aws
 * internal/service/sagemaker/endpoint.go), and this component always sets the latter.
 */
export function endpointIdentity(d: ModelDeployment): Record<string, string> {
    return { instanceType: d.instance.name };
}

/**
 * Thrown when SageMaker rolled an endpoint update back: the endpoint serves another configuration than
 * the one requested. The update stops before its deletions, but Pulumi marked the previous model and
 * configuration, which the endpoint still serves, for deletion, and deletes such resources first in
 * the next update (pulumi/pulumi tests/integration/double_pending_delete: "The engine should delete all
 * pending deletes before attempting to start the next plan"); the message says how to keep them.
 */
export class EndpointRolledBackError extends Error {
    constructor(rolledBack: { endpoint: string; serving: string; requested: string; rollbackAlarm: string; modelUrn: string; configUrn: string }) {
        const { endpoint, serving, requested } = rolledBack;
        super(
            `Endpoint ${endpoint} did not move to endpoint configuration ${requested}: it serves ${serving}. SageMaker rolled the update back ` +
                `(the new fleet failed its health checks, or alarm ${rolledBack.rollbackAlarm} fired during the baking period). ` +
                `The endpoint still serves ${serving} and its model, which Pulumi now holds as pending deletion and would delete at the start of the next 'pulumi up'. ` +
                `Before that, keep them: 'pulumi stack export --file stack.json'; remove the entries with "delete": true whose urn is ${rolledBack.configUrn} or ${rolledBack.modelUrn}; ` +
                `'pulumi stack import --file stack.json' (they stay in AWS, no longer managed). Find the cause in 'aws sagemaker describe-endpoint --endpoint-name ${endpoint}' ` +
                `(FailureReason), the alarm's history and the log group /aws/sagemaker/Endpoints/${endpoint}; fix the settings; run 'pulumi up'. Once the endpoint serves ` +
                `another configuration, delete the kept ones ('aws sagemaker describe-endpoint-config --endpoint-config-name ${serving}' names the model).`,
        );
        this.name = "EndpointRolledBackError";
    }
}

/**
 * One LLM behind a private SageMaker real-time endpoint running a Hugging Face serving container (vLLM, SGLang or TGI):
 * least-privilege execution role, model in the VPC (network isolation when weights come from S3),
 * endpoint config with the stack key wherever SageMaker accepts one, blue/green deployment that rolls
 * back when the new fleet answers with server errors, target-tracking autoscaling, notification
 * alarms on errors, latency and GPU memory, and the endpoint's log group created up front with KMS
 * and retention.
 *
 * The component's resource name is the deployment name (at most 40 characters), the base of every
 * resource name of the deployment. Its arguments are checked before anything is created, with the
 * model catalog's sizing: a model that does not fit the instance type is refused with the fixes.
 * Pass `dependsOn: [network]` (the PrivateNetwork): the model is created only once the VPC's
 * endpoints it needs exist.
 *
 * Naming: the model, endpoint configuration, alarms, role and security group are named by the
 * provider (Pulumi auto-naming), so a replacement gets a new name and is created before the old one
 * is deleted. The endpoint's name is stable: `<deployment>-<suffix>`, the suffix renewed only when
 * the endpoint must be replaced (a new instance type), and then created before the old one goes.
 */
export class LlmEndpoint extends pulumi.ComponentResource {
    /** The endpoint's name, `<deployment>-<suffix>`. */
    readonly endpointName: pulumi.Output<string>;
    /** The endpoint's ARN. */
    readonly endpointArn: pulumi.Output<string>;
    /** The configuration the endpoint serves; resolving it fails the update when SageMaker rolled back. */
    readonly endpointConfigName: pulumi.Output<string>;
    /** The SageMaker model's name. */
    readonly modelName: pulumi.Output<string>;
    /** The role the model's containers run with. */
    readonly executionRoleArn: pulumi.Output<string>;
    /** The endpoint's log group, created before the endpoint. */
    readonly logGroupName: pulumi.Output<string>;
    /** Every alarm of the endpoint: rollback, 5XX errors, latency, GPU memory. */
    readonly alarmNames: pulumi.Output<string[]>;
    /** The alarm that rolls a deployment back. */
    readonly rollbackAlarmName: pulumi.Output<string>;

    constructor(name: string, args: LlmEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
        // Arguments are checked before the component registers: a refused one leaves nothing behind.
        const { deployment: d, partition } = resolveLlmEndpoint(name, args);
        const callerDependencies = dependenciesOf(opts);
        super(packageType("LlmEndpoint"), name, {}, withPreviousType("LlmEndpoint", opts));
        const { accountId } = args;
        const child = { parent: this };
        const huggingFaceToken = args.huggingFaceToken === undefined ? undefined : pulumi.secret(args.huggingFaceToken);

        // The endpoint's name must be known before the endpoint exists (its log group is created
        // first, and the role may write only there), so the suffix comes from a random string, not
        // from auto-naming; a stack destroyed and deployed again gets new names, so log groups kept
        // from before never collide.
        const suffix = new random.RandomString(`${name}-suffix`, { length: 8, special: false, upper: false, keepers: endpointIdentity(d) }, child);
        const endpointName = pulumi.interpolate`${d.name}-${suffix.result}`;
        const logGroupName = pulumi.interpolate`/aws/sagemaker/Endpoints/${endpointName}`;

        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-logs`,
            {
                name: logGroupName,
                kmsKeyId: args.kmsKeyArn,
                retentionInDays: args.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS,
            },
            // The name changes exactly when the endpoint is replaced: create the new group first.
            { parent: this, retainOnDelete: args.retainLogs ?? true, deleteBeforeReplace: false },
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
        const selfIngress = new aws.vpc.SecurityGroupIngressRule(
            `${name}-model-self`,
            {
                securityGroupId: securityGroup.group.id,
                description: "Traffic between the containers of this model",
                ipProtocol: "-1",
                referencedSecurityGroupId: securityGroup.group.id,
            },
            child,
        );
        const networkRules: pulumi.Resource[] = [...securityGroup.rules, selfIngress];
        if (d.weights.source === "hub") {
            // The Hub is on the internet: only here may containers reach HTTPS beyond the VPC.
            networkRules.push(
                new aws.vpc.SecurityGroupEgressRule(
                    `${name}-model-hub`,
                    {
                        securityGroupId: securityGroup.group.id,
                        description: "HTTPS to the Hugging Face Hub through the NAT gateways",
                        ipProtocol: "tcp",
                        fromPort: HTTPS,
                        toPort: HTTPS,
                        cidrIpv4: "0.0.0.0/0",
                    },
                    child,
                ),
            );
        }

        const role = new aws.iam.Role(
            `${name}-execution`,
            {
                description: `SageMaker execution role of ${d.name}`,
                // The form SageMaker documents for inference (Developer Guide, "Cross-service confused
                // deputy prevention", SageMaker Inference): the account is part of the ARN, and the ARN
                // must be `arn:<partition>:sagemaker:<region>:<account>:*`, not a model's or endpoint's.
                assumeRolePolicy: serviceTrustPolicy("sagemaker.amazonaws.com", sageMakerSourceCondition(partition.arnPrefix, args.region, accountId, false)),
                maxSessionDuration: 3600,
            },
            child,
        );

        const alarms = this.createNotificationAlarms(name, d, endpointName, args.alarmTopicArn);

        const environment: pulumi.Input<Record<string, pulumi.Input<string>>> =
            huggingFaceToken && d.weights.source === "hub" && d.model.gated
                ? { ...containerEnvironment(d), [d.engine.variables.hubToken]: huggingFaceToken }
                : containerEnvironment(d);
        const image = parseEcrImage(d.imageUri);
        // A URI that is an output of another resource is checked once known, before the model is created.
        const weights = d.weights;
        const stagedWeights =
            weights.source === "s3"
                ? pulumi.all([args.stagedWeightsUri!, args.artifactBucketName]).apply(([uri, bucket]) => {
                      const problem = stagedWeightsProblem(uri, bucket, weights.s3Prefix);
                      if (problem) throw new Error(`LlmEndpoint '${name}': ${describeProblem(problem)} Its SageMaker model and endpoint were not created.`);
                      return uri;
                  })
                : undefined;
        const rolePolicy = new aws.iam.RolePolicy(
            `${name}-execution`,
            {
                role: role.id,
                policy: policyDocument(this.executionStatements(args, d, partition, image, logGroup.arn)),
            },
            child,
        );

        const model = new aws.sagemaker.Model(
            `${name}-model`,
            {
                executionRoleArn: role.arn,
                primaryContainer: {
                    image: d.imageUri,
                    environment,
                    modelDataSource: stagedWeights ? { s3DataSources: [{ s3Uri: stagedWeights, s3DataType: "S3Prefix", compressionType: "None" }] } : undefined,
                },
                vpcConfig: { subnets: args.privateSubnetIds, securityGroupIds: [securityGroup.group.id] },
                // Weights from S3 need no network at all inside the container.
                enableNetworkIsolation: d.weights.source === "s3",
                tags: { [MODEL_TAG_KEY]: d.model.id, [CONCURRENCY_TAG_KEY]: String(d.concurrentRequests) },
            },
            {
                parent: this,
                // Provider versions before terraform-provider-aws PR #45491 (Dec 2025) changed nothing
                // when vpcConfig's subnets or security groups changed (its update applies tags only).
                replaceOnChanges: ["vpcConfig"],
                // The containers start only with their permissions, security-group rules and the VPC's
                // endpoints in place: the network is among the component's own dependsOn.
                dependsOn: [rolePolicy, ...networkRules, ...callerDependencies],
            },
        );

        const endpointConfig = new aws.sagemaker.EndpointConfiguration(
            `${name}-config`,
            {
                productionVariants: [
                    {
                        variantName: VARIANT_NAME,
                        modelName: model.name,
                        instanceType: d.instance.name,
                        initialInstanceCount: d.instanceCount,
                        containerStartupHealthCheckTimeoutInSeconds: d.startupHealthCheckTimeoutSeconds,
                        modelDataDownloadTimeoutInSeconds: d.modelDataDownloadTimeoutSeconds,
                        volumeSizeInGb: d.volumeSizeGb,
                        // The AMI (NVIDIA driver) the engine's image is tested on (policies/catalog/engines.ts).
                        inferenceAmiVersion: d.release.inferenceAmiVersion,
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
                              destinationS3Uri: pulumi.interpolate`s3://${args.artifactBucketName}/${dataCapturePrefix(d)}`,
                              kmsKeyId: args.kmsKeyArn,
                              captureOptions: [{ captureMode: "Input" }, { captureMode: "Output" }],
                              captureContentTypeHeader: { jsonContentTypes: ["application/json"] },
                          }
                        : undefined,
            },
            child,
        );
        const rollbackAlarm = this.createRollbackAlarm(name, d, endpointName, endpointConfig.name, args.alarmTopicArn);
        const rollbackAlarmPolicy = new aws.iam.RolePolicy(
            `${name}-rollback-alarm`,
            {
                role: role.id,
                policy: policyDocument([
                    {
                        // "Auto-Rollback Configuration and Monitoring" (deployment guardrails): the
                        // execution role must be allowed cloudwatch:DescribeAlarms on the rollback alarms.
                        Sid: "ReadRollbackAlarmOnly",
                        Effect: "Allow",
                        Action: "cloudwatch:DescribeAlarms",
                        Resource: rollbackAlarm.arn,
                    },
                ]),
            },
            child,
        );

        const endpoint = new aws.sagemaker.Endpoint(
            `${name}-endpoint`,
            {
                name: endpointName,
                endpointConfigName: endpointConfig.name,
                deploymentConfig: {
                    blueGreenUpdatePolicy: {
                        trafficRoutingConfiguration: { type: "ALL_AT_ONCE", waitIntervalInSeconds: 600 },
                        // With ALL_AT_ONCE this is the baking period: the rollback alarm watches the
                        // new fleet for 10 minutes before the old one is terminated.
                        terminationWaitInSeconds: 600,
                        maximumExecutionTimeoutInSeconds: 3600,
                    },
                    autoRollbackConfiguration: { alarms: [{ alarmName: rollbackAlarm.name }] },
                },
            },
            {
                parent: this,
                dependsOn: [logGroup, rollbackAlarmPolicy],
                // The name changes on every replacement (endpointIdentity), so the new endpoint can
                // be created before the old one is deleted; the bridge would otherwise delete first
                // because the name is set explicitly.
                deleteBeforeReplace: false,
            },
        );

        this.createAutoscaling(name, d, endpoint);

        this.endpointName = endpoint.name;
        this.endpointArn = endpoint.arn;
        // The provider reports success when SageMaker rolls an update back and the endpoint returns to
        // InService on its previous configuration (hashicorp/terraform-provider-aws issues #46663,
        // #48997), and records that configuration. Failing here stops `pulumi up` before it deletes
        // the previous model and configuration, which the endpoint still serves, and tells the
        // operator how to keep them through the next update (EndpointRolledBackError).
        this.endpointConfigName = pulumi
            .all([endpoint.name, endpoint.endpointConfigName, endpointConfig.name, rollbackAlarm.name, model.urn, endpointConfig.urn])
            .apply(([endpointNow, serving, requested, rollbackAlarmName, modelUrn, configUrn]) => {
                if (serving && requested && serving !== requested) {
                    throw new EndpointRolledBackError({ endpoint: endpointNow, serving, requested, rollbackAlarm: rollbackAlarmName, modelUrn, configUrn });
                }
                return serving;
            });
        this.modelName = model.name;
        this.executionRoleArn = role.arn;
        this.logGroupName = logGroup.name;
        this.rollbackAlarmName = rollbackAlarm.name;
        this.alarmNames = pulumi.all([rollbackAlarm.name, alarms.errors.name, alarms.latency.name, alarms.gpuMemory.name]);
        this.registerOutputs({
            endpointName: this.endpointName,
            endpointArn: this.endpointArn,
            endpointConfigName: this.endpointConfigName,
            modelName: this.modelName,
            executionRoleArn: this.executionRoleArn,
            logGroupName: this.logGroupName,
            rollbackAlarmName: this.rollbackAlarmName,
            alarmNames: this.alarmNames,
        });
    }

    /**
     * The execution role's permissions: only this model's image, weights prefix, capture prefix and
     * log group, and the stack key only as S3 uses it (the rollback alarm's permission is
     * granted beside the alarm). Each statement names its source; the SageMaker Developer Guide is
     * cited by page.
     */
    private executionStatements(
        args: LlmEndpointArgs,
        d: ModelDeployment,
        partition: Partition,
        image: { account: string; repository: string },
        logGroupArn: pulumi.Output<string>,
    ): PolicyStatement[] {
        const arnPrefix = partition.arnPrefix;
        const statements: PolicyStatement[] = [
            {
                // "SageMaker Roles", CreateModel API: Execution Role Permissions.
                Sid: "PullTheModelImageOnly",
                Effect: "Allow",
                Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
                Resource: `${arnPrefix}:ecr:${args.region}:${image.account}:repository/${image.repository}`,
            },
            // Same page; GetAuthorizationToken has no resource-level permissions.
            { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
            {
                // Same page. The group exists (created above); CreateLogGroup on it alone creates nothing else.
                Sid: "WriteOwnLogGroupOnly",
                Effect: "Allow",
                Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                Resource: [logGroupArn, pulumi.interpolate`${logGroupArn}:*`],
            },
            {
                // Same page (which grants PutMetricData on any namespace), narrowed to SageMaker's own
                // /aws/sagemaker/... namespaces. Not "AWS/SageMaker": namespaces beginning with "AWS/" are
                // AWS services' own, where SageMaker itself publishes, and callers are told not to use
                // them (CloudWatch API Reference, PutMetricData, Namespace).
                Sid: "PublishSageMakerMetricsOnly",
                Effect: "Allow",
                Action: "cloudwatch:PutMetricData",
                Resource: "*",
                Condition: { StringLike: { "cloudwatch:namespace": "/aws/sagemaker/*" } },
            },
            {
                // "SageMaker Roles", CreateModel with a VPC, and "Give SageMaker Hosted Endpoints Access
                // to Resources in Your Amazon VPC" (which adds DescribeVpcEndpoints). These EC2 actions
                // support no narrower resource for this use.
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
                    "ec2:DescribeVpcEndpoints",
                ],
                Resource: "*",
            },
        ];
        if (d.weights.source === "s3") {
            statements.push(
                {
                    // "SageMaker Roles", CreateModel: s3:GetObject and s3:ListBucket on the model data.
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
                {
                    // Reading SSE-KMS objects needs kms:Decrypt on their key (Amazon S3 User Guide,
                    // "Using server-side encryption with AWS KMS keys").
                    Sid: "DecryptWeightsThroughS3Only",
                    Effect: "Allow",
                    Action: "kms:Decrypt",
                    Resource: args.kmsKeyArn,
                    Condition: throughS3(args.region),
                },
            );
        }
        if (d.dataCapturePercent > 0) {
            statements.push(
                {
                    Sid: "WriteOwnDataCaptureOnly",
                    Effect: "Allow",
                    Action: "s3:PutObject",
                    Resource: pulumi.interpolate`${args.artifactBucketArn}/${dataCapturePrefix(d)}*`,
                },
                {
                    // Writing SSE-KMS objects needs kms:GenerateDataKey (same S3 guide page).
                    Sid: "EncryptDataCaptureThroughS3Only",
                    Effect: "Allow",
                    Action: "kms:GenerateDataKey",
                    Resource: args.kmsKeyArn,
                    Condition: throughS3(args.region),
                },
            );
        }
        return statements;
    }

    /**
     * The alarm that rolls a deployment back. It watches what a broken new model does (server errors
     * on many requests of the new fleet), not what long LLM generations do to latency, and only the
     * new fleet: the `EndpointConfigName` dimension isolates it (SageMaker Developer Guide,
     * "Auto-Rollback Configuration and Monitoring"). Invocation5XXErrors is 1 or 0 per request, so its
     * Average is the error rate ("Amazon SageMaker AI metrics in Amazon CloudWatch").
     */
    private createRollbackAlarm(
        name: string,
        d: ModelDeployment,
        endpointName: pulumi.Output<string>,
        configName: pulumi.Output<string>,
        topicArn?: string,
    ): aws.cloudwatch.MetricAlarm {
        return new aws.cloudwatch.MetricAlarm(
            `${name}-rollback`,
            {
                alarmDescription: `${d.name}: ${d.rollbackErrorPercent}% or more of the new fleet's requests answered with 5XX, two minutes running; rolls a deployment back`,
                namespace: "AWS/SageMaker",
                metricName: "Invocation5XXErrors",
                dimensions: { EndpointName: endpointName, VariantName: VARIANT_NAME, EndpointConfigName: configName },
                statistic: "Average",
                period: 60,
                evaluationPeriods: 2,
                datapointsToAlarm: 2,
                threshold: d.rollbackErrorPercent / 100,
                comparisonOperator: "GreaterThanOrEqualToThreshold",
                // No traffic on the new fleet is no evidence against it.
                treatMissingData: "notBreaching",
                ...(topicArn ? { alarmActions: [topicArn], okActions: [topicArn] } : {}),
            },
            { parent: this },
        );
    }

    /**
     * Alarms that only notify, on both fleets: any 5XX errors, p90 latency (slow by nature for long
     * generations, so never a rollback signal), GPU memory. ModelLatency is in microseconds;
     * GPUMemoryUtilization is summed over the GPUs ("Amazon SageMaker AI metrics in Amazon CloudWatch").
     */
    private createNotificationAlarms(name: string, d: ModelDeployment, endpointName: pulumi.Output<string>, topicArn?: string) {
        const child = { parent: this };
        const dimensions = { EndpointName: endpointName, VariantName: VARIANT_NAME };
        const actions = topicArn ? { alarmActions: [topicArn], okActions: [topicArn] } : {};
        const errors = new aws.cloudwatch.MetricAlarm(
            `${name}-5xx`,
            {
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
                alarmDescription: `${d.name}: p90 model latency above ${d.latencyAlarmMs} ms for 5 minutes (notification only: long generations are slow by nature)`,
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

/** Key prefix of a deployment's captured requests and responses in the artifact bucket. */
export function dataCapturePrefix(d: ModelDeployment): string {
    return `data-capture/${d.name}/`;
}
