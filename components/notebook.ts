import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { notebookInstanceTypesOffered } from "../policies/catalog/instances";
import { Partition } from "../policies/catalog/partitions";
import { refuseArguments, regionPartition } from "./arguments";
import { findEngine, findRelease } from "../policies/catalog/engines";
import { Engine, enumValues } from "./enums";
import { policyDocument, PolicyStatement, sageMakerSourceCondition, serviceTrustPolicy, throughS3 } from "./iam";
import { SettingProblem } from "./modelDeployment";
import { sampleNotebookScript } from "./notebookSample";
import { dependenciesOf, packageType, withPreviousType } from "./packageTypes";
import { privateEgressGroup } from "./privateEgress";

/**
 * SageMaker notebook instances log here (shared per account and region), in streams named after the
 * instance: `<name>/<LifecycleConfigHook>`, `<name>/jupyter.log` (SageMaker Developer Guide,
 * "Customization of a SageMaker notebook instance using an LCC script" and "Log Amazon SageMaker AI
 * events with Amazon CloudWatch"). SageMaker creates the group when a notebook with a lifecycle
 * configuration is created.
 */
const NOTEBOOK_LOG_GROUP = "/aws/sagemaker/NotebookInstances";

/** An endpoint the notebook may invoke, and what its sample notebook sends it. */
export interface NotebookEndpoint {
    /** Deployment name, for the sample notebook's file name. */
    deploymentName: string;
    /** The endpoint's name. */
    endpointName: pulumi.Input<string>;
    /** The endpoint's ARN, which the notebook's role may invoke. */
    endpointArn: pulumi.Input<string>;
    /** The serving engine, which decides (with its release) the request body the sample sends. */
    engine: Engine;
    /** The engine's release. */
    engineVersion: string;
    /** The name the engine serves the model as (the catalog's Hub id). */
    servedModelName: string;
}

/** The notebook instance's settings when none are given. */
export const NOTEBOOK_DEFAULTS = { instanceType: "ml.t3.medium", volumeSizeGb: 50, platformIdentifier: "notebook-al2023-v1" } as const;

/** The notebook instance itself: its type, volume and platform, each with its default. The stack settings name them `notebook<Field>`. */
export interface NotebookInstanceSettings {
    /** Notebook instance type, one SageMaker offers in the partition. Default: ml.t3.medium. @default ml.t3.medium */
    instanceType?: string;
    /** EBS volume size in GB (5–16384), encrypted with the stack key. Default: 50. @default 50 */
    volumeSizeGb?: number;
    /** A current (Amazon Linux 2023) platform. Default: notebook-al2023-v1. @default notebook-al2023-v1 */
    platformIdentifier?: string;
}

export interface ResearchNotebookArgs extends NotebookInstanceSettings {
    /** The region (AWS GovCloud (US) or commercial); the partition follows from it. */
    region: string;
    /** The account the stack deploys into. */
    accountId: pulumi.Input<string>;
    /** The VPC the notebook runs in. */
    vpcId: pulumi.Input<string>;
    /** The VPC CIDR: the notebook may reach HTTPS inside it (the interface endpoints) and S3, nothing else. */
    vpcCidr: pulumi.Input<string>;
    /** A private subnet; the notebook never gets direct internet access. */
    subnetId: pulumi.Input<string>;
    /** S3's managed prefix list, for egress to the gateway endpoint. */
    s3PrefixListId: pulumi.Input<string>;
    /** The stack key, for the notebook's EBS volume. */
    kmsKeyArn: pulumi.Input<string>;
    /** Endpoints the notebook may invoke, and nothing else. */
    endpoints: NotebookEndpoint[];
    /** The artifact bucket's name. */
    artifactBucketName: pulumi.Input<string>;
    /** The artifact bucket's ARN. */
    artifactBucketArn: pulumi.Input<string>;
    /**
     * Key prefixes of the bucket the notebook may read (the models' weights, e.g. `models/x/`); the
     * captured requests and responses are not among them unless listed.
     * Default: [] (nothing in the bucket).
     * @default [] (nothing in the bucket)
     */
    readablePrefixes?: string[];
}

/** The notebook instance's settings with their defaults, checked in `partition`; keys of problems come from `key`. */
export function resolveNotebookInstance(
    settings: NotebookInstanceSettings,
    partition: Partition,
    key: (field: keyof NotebookInstanceSettings) => string,
    problems: SettingProblem[],
): Required<NotebookInstanceSettings> {
    const resolved = {
        instanceType: settings.instanceType ?? NOTEBOOK_DEFAULTS.instanceType,
        volumeSizeGb: settings.volumeSizeGb ?? NOTEBOOK_DEFAULTS.volumeSizeGb,
        platformIdentifier: settings.platformIdentifier ?? NOTEBOOK_DEFAULTS.platformIdentifier,
    };
    const offered = notebookInstanceTypesOffered(partition.id);
    if (!offered.includes(resolved.instanceType)) {
        problems.push({
            key: key("instanceType"),
            value: resolved.instanceType,
            message: `is not a notebook instance type offered in ${partition.id}; use one of ${offered.join(", ")}.`,
        });
    }
    if (!/^notebook-al2023-v\d+$/.test(resolved.platformIdentifier)) {
        problems.push({
            key: key("platformIdentifier"),
            value: resolved.platformIdentifier,
            message: "must be a current Amazon Linux 2023 platform such as 'notebook-al2023-v1' (Amazon Linux 2 platforms are being retired).",
        });
    }
    if (!Number.isInteger(resolved.volumeSizeGb) || resolved.volumeSizeGb < 5 || resolved.volumeSizeGb > 16384) {
        problems.push({
            key: key("volumeSizeGb"),
            value: resolved.volumeSizeGb,
            message: "must be a whole number of GB from 5 to 16384 (SageMaker's limits).",
        });
    }
    return resolved;
}

/**
 * An endpoint entry the sample notebook can be written for: its names given, and an engine release of
 * the engine table (policies/catalog/engines.ts), which decides the request body; problems keyed `key.<field>`.
 */
function checkNotebookEndpoint(e: NotebookEndpoint, key: string, problems: SettingProblem[]): void {
    for (const field of ["deploymentName", "servedModelName"] as const) {
        if (typeof e?.[field] !== "string" || e[field] === "")
            problems.push({ key: `${key}.${field}`, value: e?.[field], message: "must be a non-empty string." });
    }
    const engine = findEngine(String(e?.engine));
    if (!engine) {
        problems.push({ key: `${key}.engine`, value: e?.engine, message: `must be one of ${enumValues(Engine).join(", ")}.` });
    } else if (!findRelease(engine, String(e.engineVersion))) {
        problems.push({
            key: `${key}.engineVersion`,
            value: e.engineVersion,
            message: `is not a ${engine.label} release of policies/catalog/engines.ts; use one of ${engine.releases.map((r) => r.version).join(", ")} (the endpoint's own engineVersion).`,
        });
    }
}

/** Console URL of a notebook instance in its partition. */
export function notebookConsoleUrl(partition: Partition, region: string, notebookName: string): string {
    return `https://${partition.consoleHost(region)}/sagemaker/home?region=${region}#/notebook-instances/${notebookName}`;
}

/**
 * A research notebook beside the endpoints: in a private subnet with direct internet access and root
 * access disabled, IMDSv2 only, its volume encrypted with the stack key, a role that can only invoke
 * this stack's endpoints, read the artifact bucket and write notebook logs, and a lifecycle
 * configuration (created first) that drops a ready-to-run notebook invoking each endpoint.
 *
 * The instance and its lifecycle configuration are named by the provider (Pulumi auto-naming), so a
 * replacement (another subnet, security group, key or platform) gets a new name and is created
 * before the old one is deleted. Anything written on the old instance's volume is lost then.
 * Pass `dependsOn: [network]` (the PrivateNetwork): the instance is created only once the VPC's
 * endpoints it needs exist.
 */
export class ResearchNotebook extends pulumi.ComponentResource {
    /** The notebook instance's name. */
    readonly notebookName: pulumi.Output<string>;
    /** The notebook instance's ARN. */
    readonly notebookArn: pulumi.Output<string>;
    /** The notebook in the partition's SageMaker console. */
    readonly consoleUrl: pulumi.Output<string>;
    /** The role the notebook's code runs with. */
    readonly roleArn: pulumi.Output<string>;

    constructor(name: string, args: ResearchNotebookArgs, opts?: pulumi.ComponentResourceOptions) {
        const problems: SettingProblem[] = [];
        const regionOf = regionPartition(args.region, problems);
        const instance = regionOf ? resolveNotebookInstance(args, regionOf, (field) => field, problems) : undefined;
        if (!Array.isArray(args.endpoints) || args.endpoints.length === 0) {
            problems.push({ key: "endpoints", value: args.endpoints, message: "must list at least one endpoint: the notebook exists to call them." });
        } else {
            args.endpoints.forEach((e, i) => checkNotebookEndpoint(e, `endpoints[${i}]`, problems));
        }
        refuseArguments("ResearchNotebook", name, problems);
        const callerDependencies = dependenciesOf(opts);
        super(packageType("ResearchNotebook"), name, {}, withPreviousType("ResearchNotebook", opts));
        const child = { parent: this };
        const partition = regionOf!;
        const { region, accountId } = args;
        const arnPrefix = partition.arnPrefix;

        const role = new aws.iam.Role(
            `${name}-role`,
            {
                description: "Research notebook: invoke this stack's endpoints, read its artifacts",
                // SageMaker documents no notebook-specific form; this is its general one (Developer
                // Guide, "Cross-service confused deputy prevention", "Limit permissions with global
                // condition keys"): the SageMaker ARNs of this account and region, and the account.
                assumeRolePolicy: serviceTrustPolicy("sagemaker.amazonaws.com", sageMakerSourceCondition(arnPrefix, region, accountId, true)),
                maxSessionDuration: 3600,
            },
            child,
        );
        // What code in the notebook may do, since it runs with this role: no more than the research
        // needs. Creating the instance's network interface and the grant on its volume's key are the
        // caller's permissions (SageMaker API permissions reference, CreateNotebookInstance), not the role's.
        const rolePolicy = new aws.iam.RolePolicy(
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
                    ...this.readStatements(args),
                    {
                        // "SageMaker Roles", CreateNotebookInstance API: Execution Role Permissions lists these
                        // logs actions. Streams are named after the instance, whose name the provider chooses
                        // (and changes on replacement), so any stream of SageMaker's notebook log group.
                        Sid: "WriteNotebookLogsOnly",
                        Effect: "Allow",
                        Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                        Resource: [
                            pulumi.interpolate`${arnPrefix}:logs:${region}:${accountId}:log-group:${NOTEBOOK_LOG_GROUP}`,
                            pulumi.interpolate`${arnPrefix}:logs:${region}:${accountId}:log-group:${NOTEBOOK_LOG_GROUP}:log-stream:*`,
                        ],
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
        const sampleEndpoints = endpointNames.apply((names) =>
            Object.fromEntries(
                args.endpoints.map((e) => [
                    e.deploymentName,
                    { endpointName: names[e.deploymentName], engine: e.engine, engineVersion: e.engineVersion, servedModelName: e.servedModelName },
                ]),
            ),
        );
        const lifecycle = new aws.sagemaker.NotebookInstanceLifecycleConfiguration(
            `${name}-lifecycle`,
            {
                onCreate: sampleEndpoints.apply((endpoints) => Buffer.from(sampleNotebookScript(region, endpoints)).toString("base64")),
            },
            child,
        );

        const notebook = new aws.sagemaker.NotebookInstance(
            `${name}-instance`,
            {
                instanceType: instance!.instanceType,
                roleArn: role.arn,
                subnetId: args.subnetId,
                securityGroups: [securityGroup.group.id],
                directInternetAccess: "Disabled",
                rootAccess: "Disabled",
                kmsKeyId: args.kmsKeyArn,
                volumeSize: instance!.volumeSizeGb,
                platformIdentifier: instance!.platformIdentifier,
                instanceMetadataServiceConfiguration: { minimumInstanceMetadataServiceVersion: "2" },
                // Referencing the lifecycle configuration's output makes it a real dependency.
                lifecycleConfigName: lifecycle.name,
            },
            // The lifecycle script runs, and logs, with the role as the instance starts.
            { parent: this, dependsOn: [rolePolicy, ...securityGroup.rules, ...callerDependencies] },
        );

        this.notebookName = notebook.name;
        this.notebookArn = notebook.arn;
        this.consoleUrl = notebook.name.apply((n) => notebookConsoleUrl(partition, region, n));
        this.roleArn = role.arn;
        this.registerOutputs({ notebookName: this.notebookName, notebookArn: this.notebookArn, consoleUrl: this.consoleUrl, roleArn: this.roleArn });
    }

    /** Reading the listed prefixes of the bucket, and decrypting what is there. */
    private readStatements(args: ResearchNotebookArgs): PolicyStatement[] {
        const prefixes = args.readablePrefixes ?? [];
        if (prefixes.length === 0) return [];
        return [
            {
                Sid: "ReadListedPrefixesOnly",
                Effect: "Allow",
                Action: "s3:GetObject",
                Resource: prefixes.map((p) => pulumi.interpolate`${args.artifactBucketArn}/${p}*`),
            },
            {
                Sid: "ListListedPrefixesOnly",
                Effect: "Allow",
                Action: "s3:ListBucket",
                Resource: args.artifactBucketArn,
                Condition: { StringLike: { "s3:prefix": prefixes.map((p) => `${p}*`) } },
            },
            {
                // Reading SSE-KMS objects needs kms:Decrypt (Amazon S3 User Guide, "Using server-side
                // encryption with AWS KMS keys").
                Sid: "DecryptThroughS3Only",
                Effect: "Allow",
                Action: "kms:Decrypt",
                Resource: args.kmsKeyArn,
                Condition: throughS3(args.region),
            },
        ];
    }
}
