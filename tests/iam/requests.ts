/**
 * The AWS requests each role of the stack makes (or must never be able to make), by feature, with
 * the source that says the service makes them. Sources, read 2026-12-01:
 * - SMR: SageMaker Developer Guide, "SageMaker Roles", CreateModel API: Execution Role Permissions
 *   and CreateNotebookInstance API: Execution Role Permissions (awsdocs/amazon-sagemaker-developer-guide
 *   doc_source/sagemaker-roles.md).
 * - VPC: same guide, "Give SageMaker Hosted Endpoints Access to Resources in Your Amazon VPC"
 *   (doc_source/host-vpc.md), which adds ec2:DescribeVpcEndpoints.
 * - GUARD: same guide, "Auto-Rollback Configuration and Monitoring" (cloudwatch:DescribeAlarms).
 * - LOGS: same guide, "Log Amazon SageMaker AI events with Amazon CloudWatch": endpoint streams
 *   `<variant>/<instance id>` in `/aws/sagemaker/Endpoints/<endpoint>`; notebook streams
 *   `<instance>/<hook>` and `<instance>/jupyter.log` in `/aws/sagemaker/NotebookInstances`.
 * - S3KMS: Amazon S3 User Guide, "Using server-side encryption with AWS KMS keys": reading an SSE-KMS
 *   object needs kms:Decrypt, writing one kms:GenerateDataKey, S3 calling KMS on the caller's behalf
 *   (kms:ViaService s3.<region>.amazonaws.com).
 * - CAPTURE: same SageMaker guide, "Capture data from real-time endpoint": captured requests and
 *   responses are written under the configured S3 prefix.
 * - FLOW: Amazon VPC User Guide, "IAM role for publishing flow logs to CloudWatch Logs".
 * - DEPUTY: SageMaker Developer Guide, "Cross-service confused deputy prevention" (inference:
 *   aws:SourceArn `arn:<partition>:sagemaker:<region>:<account>:*`); the VPC guide above for flow logs.
 */

/** What the tests know of a stack: read from a mocked update of it. */
export interface StackFacts {
    partition: string;
    region: string;
    account: string;
    bucketArn: string;
    keyArn: string;
    /** The deployment's name (data capture and weights prefixes). */
    deployment: string;
    weightsPrefix: string;
    endpointName: string;
    endpointArn: string;
    logGroupArn: string;
    rollbackAlarmArn: string;
    ecrRepositoryArn: string;
    flowLogGroupArn: string;
}

export interface IamRequest {
    action: string;
    resource: string;
    context?: Record<string, string>;
    /** The feature that makes it, and its source (header). */
    why: string;
}

const ANOTHER_ACCOUNT = "444455556666";

const viaS3 = (f: StackFacts) => ({ "kms:ViaService": `s3.${f.region}.amazonaws.com` });
const logs = (f: StackFacts, group: string) => `arn:${f.partition}:logs:${f.region}:${f.account}:log-group:${group}`;
const notebookLogGroup = (f: StackFacts) => logs(f, "/aws/sagemaker/NotebookInstances");

/** The execution role of an endpoint whose weights come from S3. */
export function executionRoleNeeds(f: StackFacts, features: { dataCapture: boolean }): IamRequest[] {
    const stream = `${f.logGroupArn}:log-stream:AllTraffic/i-0123456789abcdef0`;
    const needs: IamRequest[] = [
        { action: "ecr:GetAuthorizationToken", resource: "*", why: "pull the serving image (SMR)" },
        ...["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"].map((action) => ({
            action,
            resource: f.ecrRepositoryArn,
            why: "pull the serving image (SMR)",
        })),
        { action: "logs:CreateLogGroup", resource: f.logGroupArn, why: "container logs (SMR)" },
        { action: "logs:CreateLogStream", resource: stream, why: "container logs (SMR, LOGS)" },
        { action: "logs:PutLogEvents", resource: stream, why: "container logs (SMR, LOGS)" },
        { action: "logs:DescribeLogStreams", resource: f.logGroupArn, why: "container logs (SMR)" },
        { action: "cloudwatch:PutMetricData", resource: "*", context: { "cloudwatch:namespace": "/aws/sagemaker/Endpoints" }, why: "instance metrics (SMR)" },
        ...[
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
        ].map((action) => ({ action, resource: "*", why: "attach to the private subnets (SMR, VPC)" })),
        { action: "s3:ListBucket", resource: f.bucketArn, context: { "s3:prefix": f.weightsPrefix }, why: "download the weights (SMR)" },
        { action: "s3:GetObject", resource: `${f.bucketArn}/${f.weightsPrefix}model-00001-of-00002.safetensors`, why: "download the weights (SMR)" },
        { action: "kms:Decrypt", resource: f.keyArn, context: viaS3(f), why: "read SSE-KMS weights (S3KMS)" },
        { action: "cloudwatch:DescribeAlarms", resource: f.rollbackAlarmArn, why: "deployment rollback (GUARD)" },
    ];
    if (features.dataCapture) {
        needs.push(
            {
                action: "s3:PutObject",
                resource: `${f.bucketArn}/data-capture/${f.deployment}/${f.endpointName}/AllTraffic/2026/12/01/00/capture.jsonl`,
                why: "data capture (CAPTURE)",
            },
            { action: "kms:GenerateDataKey", resource: f.keyArn, context: viaS3(f), why: "write SSE-KMS captured data (S3KMS)" },
        );
    }
    return needs;
}

/** What no execution role may do. */
export function executionRoleMustNot(f: StackFacts, features: { dataCapture: boolean }): IamRequest[] {
    const mustNot: IamRequest[] = [
        { action: "s3:GetObject", resource: `${f.bucketArn}/models/another-model/config.json`, why: "another model's weights" },
        { action: "s3:ListBucket", resource: f.bucketArn, context: { "s3:prefix": "models/" }, why: "list beyond its prefix" },
        { action: "s3:PutObject", resource: `${f.bucketArn}/${f.weightsPrefix}config.json`, why: "overwrite its weights" },
        { action: "s3:DeleteObject", resource: `${f.bucketArn}/${f.weightsPrefix}config.json`, why: "delete its weights" },
        { action: "s3:GetObject", resource: `${f.bucketArn}/data-capture/${f.deployment}/x.jsonl`, why: "read captured prompts" },
        { action: "kms:Decrypt", resource: f.keyArn, why: "use the key directly, not through S3" },
        { action: "kms:Decrypt", resource: f.keyArn.replace(/key\/.*$/, "key/00000000-0000-4000-8000-000000000000"), context: viaS3(f), why: "another key" },
        { action: "kms:CreateGrant", resource: f.keyArn, why: "grants are the deployer's (API permissions reference)" },
        {
            action: "logs:PutLogEvents",
            resource: `${logs(f, "/aws/sagemaker/Endpoints/another-endpoint")}:log-stream:AllTraffic/i-0`,
            why: "another endpoint's logs",
        },
        { action: "logs:DeleteLogGroup", resource: f.logGroupArn, why: "erase its logs" },
        {
            action: "cloudwatch:PutMetricData",
            resource: "*",
            context: { "cloudwatch:namespace": "Custom/Anything" },
            why: "metrics outside SageMaker's namespaces",
        },
        {
            action: "cloudwatch:PutMetricData",
            resource: "*",
            context: { "cloudwatch:namespace": "AWS/SageMaker" },
            why: "a namespace CloudWatch keeps for AWS services",
        },
        { action: "cloudwatch:DescribeAlarms", resource: `arn:${f.partition}:cloudwatch:${f.region}:${f.account}:alarm:another-alarm`, why: "other alarms" },
        { action: "ecr:BatchGetImage", resource: f.ecrRepositoryArn.replace(/repository\/.*$/, "repository/another-image"), why: "another image" },
        { action: "iam:PassRole", resource: `arn:${f.partition}:iam::${f.account}:role/admin`, why: "escalate" },
        { action: "sts:AssumeRole", resource: `arn:${f.partition}:iam::${f.account}:role/admin`, why: "escalate" },
        { action: "sagemaker:CreateEndpoint", resource: `arn:${f.partition}:sagemaker:${f.region}:${f.account}:endpoint/x`, why: "create endpoints" },
        { action: "sagemaker:InvokeEndpoint", resource: f.endpointArn, why: "call endpoints" },
    ];
    if (!features.dataCapture) {
        mustNot.push({ action: "s3:PutObject", resource: `${f.bucketArn}/data-capture/${f.deployment}/x.jsonl`, why: "write capture when it is off" });
    }
    return mustNot;
}

/** The research notebook's role: what its code may do. */
export function notebookRoleNeeds(f: StackFacts): IamRequest[] {
    const stream = `${notebookLogGroup(f)}:log-stream:research-instance-1a2b3c4/LifecycleConfigOnCreate`;
    return [
        { action: "sagemaker:InvokeEndpoint", resource: f.endpointArn, why: "the sample notebook calls the endpoints" },
        { action: "sagemaker:InvokeEndpointWithResponseStream", resource: f.endpointArn, why: "the sample notebook streams" },
        { action: "s3:ListBucket", resource: f.bucketArn, context: { "s3:prefix": f.weightsPrefix }, why: "read the models' weights" },
        { action: "s3:GetObject", resource: `${f.bucketArn}/${f.weightsPrefix}config.json`, why: "read the models' weights" },
        { action: "kms:Decrypt", resource: f.keyArn, context: viaS3(f), why: "read SSE-KMS weights (S3KMS)" },
        { action: "logs:CreateLogGroup", resource: notebookLogGroup(f), why: "notebook logs (SMR, LOGS)" },
        { action: "logs:CreateLogStream", resource: stream, why: "notebook logs (SMR, LOGS)" },
        { action: "logs:PutLogEvents", resource: stream, why: "notebook logs (SMR, LOGS)" },
        { action: "logs:DescribeLogStreams", resource: notebookLogGroup(f), why: "notebook logs (SMR)" },
    ];
}

export function notebookRoleMustNot(f: StackFacts): IamRequest[] {
    return [
        {
            action: "sagemaker:InvokeEndpoint",
            resource: `arn:${f.partition}:sagemaker:${f.region}:${f.account}:endpoint/another-endpoint`,
            why: "another stack's endpoint",
        },
        {
            action: "sagemaker:DescribeModel",
            resource: `arn:${f.partition}:sagemaker:${f.region}:${f.account}:model/x`,
            why: "a model's environment may hold a token",
        },
        {
            action: "sagemaker:CreatePresignedNotebookInstanceUrl",
            resource: `arn:${f.partition}:sagemaker:${f.region}:${f.account}:notebook-instance/x`,
            why: "open other notebooks",
        },
        { action: "s3:GetObject", resource: `${f.bucketArn}/data-capture/${f.deployment}/x.jsonl`, why: "read captured prompts and responses" },
        { action: "s3:ListBucket", resource: f.bucketArn, context: { "s3:prefix": "data-capture/" }, why: "list captured data" },
        { action: "s3:PutObject", resource: `${f.bucketArn}/${f.weightsPrefix}config.json`, why: "change the weights" },
        { action: "s3:DeleteObject", resource: `${f.bucketArn}/${f.weightsPrefix}config.json`, why: "delete the weights" },
        { action: "kms:Decrypt", resource: f.keyArn, why: "use the key directly" },
        { action: "kms:CreateGrant", resource: f.keyArn, why: "the volume's grant is the caller's (API permissions reference)" },
        { action: "ec2:CreateNetworkInterface", resource: "*", why: "the notebook's network interface is the caller's (API permissions reference)" },
        { action: "logs:PutLogEvents", resource: `${f.logGroupArn}:log-stream:AllTraffic/i-0`, why: "forge an endpoint's logs" },
        { action: "iam:PassRole", resource: `arn:${f.partition}:iam::${f.account}:role/admin`, why: "escalate" },
    ];
}

/** The flow-log delivery role. */
export function flowLogRoleNeeds(f: StackFacts): IamRequest[] {
    const stream = `${f.flowLogGroupArn}:log-stream:eni-0123456789abcdef0-all`;
    return [
        { action: "logs:CreateLogGroup", resource: f.flowLogGroupArn, why: "flow log delivery (FLOW)" },
        { action: "logs:CreateLogStream", resource: stream, why: "flow log delivery (FLOW)" },
        { action: "logs:PutLogEvents", resource: stream, why: "flow log delivery (FLOW)" },
        { action: "logs:DescribeLogStreams", resource: f.flowLogGroupArn, why: "flow log delivery (FLOW)" },
        { action: "logs:DescribeLogGroups", resource: "*", why: "flow log delivery (FLOW)" },
    ];
}

export function flowLogRoleMustNot(f: StackFacts): IamRequest[] {
    return [
        { action: "logs:PutLogEvents", resource: `${f.logGroupArn}:log-stream:x`, why: "write another group" },
        { action: "logs:DeleteLogGroup", resource: f.flowLogGroupArn, why: "erase the flow logs" },
        { action: "logs:PutRetentionPolicy", resource: f.flowLogGroupArn, why: "shorten the retention" },
    ];
}

/** A trust-policy request: a service assuming the role on behalf of a source (DEPUTY). */
export interface TrustRequest {
    service: string;
    context: Record<string, string>;
    why: string;
}

export function trustCases(f: StackFacts): Record<"execution" | "notebook" | "flowLogs", { allowed: TrustRequest[]; denied: TrustRequest[] }> {
    const sagemakerArn = (account: string, region: string, resource: string) => `arn:${f.partition}:sagemaker:${region}:${account}:${resource}`;
    const otherRegion = f.region === "us-gov-west-1" ? "us-gov-east-1" : "us-west-2";
    const flowLogArn = (account: string) => `arn:${f.partition}:ec2:${f.region}:${account}:vpc-flow-log/fl-0123456789abcdef0`;
    return {
        execution: {
            allowed: [
                {
                    service: "sagemaker.amazonaws.com",
                    context: { "aws:SourceArn": sagemakerArn(f.account, f.region, "endpoint/x"), "aws:SourceAccount": f.account },
                    why: "hosting in this account and region",
                },
            ],
            denied: [
                {
                    service: "sagemaker.amazonaws.com",
                    context: { "aws:SourceArn": sagemakerArn(ANOTHER_ACCOUNT, f.region, "endpoint/x"), "aws:SourceAccount": ANOTHER_ACCOUNT },
                    why: "another account (confused deputy)",
                },
                { service: "sagemaker.amazonaws.com", context: { "aws:SourceArn": sagemakerArn(f.account, otherRegion, "endpoint/x") }, why: "another region" },
                { service: "sagemaker.amazonaws.com", context: {}, why: "no source" },
                { service: "ec2.amazonaws.com", context: { "aws:SourceArn": sagemakerArn(f.account, f.region, "endpoint/x") }, why: "another service" },
            ],
        },
        notebook: {
            allowed: [
                {
                    service: "sagemaker.amazonaws.com",
                    context: { "aws:SourceArn": sagemakerArn(f.account, f.region, "notebook-instance/research"), "aws:SourceAccount": f.account },
                    why: "the notebook instance",
                },
            ],
            denied: [
                {
                    service: "sagemaker.amazonaws.com",
                    context: { "aws:SourceArn": sagemakerArn(ANOTHER_ACCOUNT, f.region, "notebook-instance/x"), "aws:SourceAccount": ANOTHER_ACCOUNT },
                    why: "another account",
                },
                { service: "sagemaker.amazonaws.com", context: { "aws:SourceAccount": f.account }, why: "no source ARN" },
            ],
        },
        flowLogs: {
            allowed: [
                {
                    service: "vpc-flow-logs.amazonaws.com",
                    context: { "aws:SourceArn": flowLogArn(f.account), "aws:SourceAccount": f.account },
                    why: "this account's flow log",
                },
            ],
            denied: [
                {
                    service: "vpc-flow-logs.amazonaws.com",
                    context: { "aws:SourceArn": flowLogArn(ANOTHER_ACCOUNT), "aws:SourceAccount": ANOTHER_ACCOUNT },
                    why: "another account's flow log",
                },
                {
                    service: "sagemaker.amazonaws.com",
                    context: { "aws:SourceArn": flowLogArn(f.account), "aws:SourceAccount": f.account },
                    why: "another service",
                },
            ],
        },
    };
}
