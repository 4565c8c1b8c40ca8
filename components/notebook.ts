import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { Partition } from "../stacks/partitions";
import { policyDocument, serviceTrustPolicy } from "./iam";
import { sampleNotebookScript } from "./notebookSample";
import { privateEgressGroup } from "./privateEgress";

/** SageMaker notebook instances log here, one stream per instance and script (shared per account). */
const NOTEBOOK_LOG_GROUP = "/aws/sagemaker/NotebookInstances";

export interface NotebookEndpoint {
    /** Deployment name, for the sample notebook's file name. */
    deploymentName: string;
    endpointName: pulumi.Input<string>;
    endpointArn: pulumi.Input<string>;
}

export interface ResearchNotebookArgs {
    /** Alphanumeric prefix of the instance name, e.g. `Falcon40B` gives `Falcon40BNotebook-xxxxxxxxxx`. */
    namePrefix: string;
    partition: Partition;
    region: string;
    accountId: pulumi.Input<string>;
    vpcId: pulumi.Input<string>;
    /** The VPC CIDR: the notebook may reach HTTPS inside it (the interface endpoints) and S3, nothing else. */
    vpcCidr: string;
    /** A private subnet; the notebook never gets direct internet access. */
    subnetId: pulumi.Input<string>;
    s3PrefixListId: pulumi.Input<string>;
    /** The stack key, for the notebook's EBS volume. */
    kmsKeyArn: pulumi.Input<string>;
    /** Endpoints the notebook may invoke, and nothing else. */
    endpoints: NotebookEndpoint[];
    /** The artifact bucket the notebook may read. */
    artifactBucketName: pulumi.Input<string>;
    artifactBucketArn: pulumi.Input<string>;
    /** Default: ml.t3.medium. */
    instanceType: string;
    /** EBS volume size, GB. */
    volumeSizeGb: number;
    /** A current (Amazon Linux 2023) platform, e.g. notebook-al2023-v1. */
    platformIdentifier: string;
}

/** Console URL of a notebook instance in its partition. */
export function notebookConsoleUrl(partition: Partition, region: string, notebookName: string): string {
    return `https://${partition.consoleHost(region)}/sagemaker/home?region=${region}#/notebook-instances/${notebookName}`;
}

/**
 * A research notebook beside the endpoints: in a private subnet with direct internet access and root
 * access disabled, IMDSv2 only, its volume encrypted with the stack key, a role that can only invoke
 * this stack's endpoints, read the artifact bucket and write its own logs, and a lifecycle
 * configuration (created first) that drops a ready-to-run notebook invoking each endpoint.
 */
export class ResearchNotebook extends pulumi.ComponentResource {
    readonly notebookName: pulumi.Output<string>;
    readonly notebookArn: pulumi.Output<string>;
    readonly consoleUrl: pulumi.Output<string>;
    readonly roleArn: pulumi.Output<string>;

    constructor(name: string, args: ResearchNotebookArgs, opts?: pulumi.ComponentResourceOptions) {
        super("sagemaker-llm:components:ResearchNotebook", name, {}, opts);
        const child = { parent: this };
        const { partition, region, accountId } = args;
        const arnPrefix = partition.arnPrefix;

        const suffix = new random.RandomString(`${name}-suffix`, { length: 10, special: false, upper: false }, child);
        const notebookName = pulumi.interpolate`${args.namePrefix}Notebook-${suffix.result}`;

        const role = new aws.iam.Role(
            `${name}-role`,
            {
                description: "Research notebook: invoke this stack's endpoints, read its artifacts",
                assumeRolePolicy: serviceTrustPolicy("sagemaker.amazonaws.com", accountId),
                maxSessionDuration: 3600,
            },
            child,
        );
        new aws.iam.RolePolicy(
            `${name}-role`,
            {
                role: role.id,
                policy: policyDocument([
                    {
                        Sid: "InvokeThisStacksEndpointsOnly",
                        Effect: "Allow",
                        Action: ["sagemaker:InvokeEndpoint", "sagemaker:InvokeEndpointWithResponseStream"],
                        Resource: args.endpoints.map((e) => e.endpointArn),
                    },
                    {
                        Sid: "ReadArtifacts",
                        Effect: "Allow",
                        Action: ["s3:GetObject", "s3:ListBucket"],
                        Resource: [args.artifactBucketArn, pulumi.interpolate`${args.artifactBucketArn}/*`],
                    },
                    {
                        Sid: "UseTheStackKey",
                        Effect: "Allow",
                        Action: ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey", "kms:CreateGrant"],
                        Resource: args.kmsKeyArn,
                    },
                    {
                        Sid: "WriteOwnLogStreamsOnly",
                        Effect: "Allow",
                        Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                        Resource: [
                            `${arnPrefix}:logs:${region}:*:log-group:${NOTEBOOK_LOG_GROUP}`,
                            pulumi.interpolate`${arnPrefix}:logs:${region}:${accountId}:log-group:${NOTEBOOK_LOG_GROUP}:log-stream:${notebookName}/*`,
                        ],
                    },
                    {
                        Sid: "AttachToThePrivateSubnet",
                        Effect: "Allow",
                        Action: [
                            "ec2:CreateNetworkInterface",
                            "ec2:DeleteNetworkInterface",
                            "ec2:DescribeNetworkInterfaces",
                            "ec2:DescribeSubnets",
                            "ec2:DescribeSecurityGroups",
                            "ec2:DescribeVpcs",
                        ],
                        Resource: "*",
                    },
                ]),
            },
            child,
        );

        const securityGroup = privateEgressGroup(
            `${name}-sg`,
            name,
            {
                vpcId: args.vpcId,
                description: "Research notebook: HTTPS to VPC endpoints and S3 only",
                vpcCidr: args.vpcCidr,
                s3PrefixListId: args.s3PrefixListId,
            },
            child,
        );

        const endpointNames = pulumi.all(Object.fromEntries(args.endpoints.map((e) => [e.deploymentName, e.endpointName])));
        const lifecycle = new aws.sagemaker.NotebookInstanceLifecycleConfiguration(
            `${name}-lifecycle`,
            {
                name: pulumi.interpolate`${args.namePrefix}-samples-${suffix.result}`,
                onCreate: endpointNames.apply((names) => Buffer.from(sampleNotebookScript(region, names)).toString("base64")),
            },
            child,
        );

        const notebook = new aws.sagemaker.NotebookInstance(
            `${name}-instance`,
            {
                name: notebookName,
                instanceType: args.instanceType,
                roleArn: role.arn,
                subnetId: args.subnetId,
                securityGroups: [securityGroup.id],
                directInternetAccess: "Disabled",
                rootAccess: "Disabled",
                kmsKeyId: args.kmsKeyArn,
                volumeSize: args.volumeSizeGb,
                platformIdentifier: args.platformIdentifier,
                instanceMetadataServiceConfiguration: { minimumInstanceMetadataServiceVersion: "2" },
                // Referencing the lifecycle configuration's output makes it a real dependency.
                lifecycleConfigName: lifecycle.name,
            },
            child,
        );

        this.notebookName = notebook.name;
        this.notebookArn = notebook.arn;
        this.consoleUrl = notebookName.apply((n) => notebookConsoleUrl(partition, region, n));
        this.roleArn = role.arn;
        this.registerOutputs({ notebookName: this.notebookName, notebookArn: this.notebookArn, consoleUrl: this.consoleUrl, roleArn: this.roleArn });
    }
}
