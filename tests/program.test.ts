/**
 * The real program, run under Pulumi's mock runtime for each stack file and for variants of it,
 * asserting the resource graph the design names.
 */
import { strict as assert } from "assert";
import { isUnknown } from "../offline/mockRun";
import { StackRun } from "../offline/runStack";
import { allStrings, Graph, policyOf, RepoRunOptions, runRepoStack } from "./graph";
import { EXISTING, LANDING_ZONE } from "./landingZone";
import { GOVCLOUD_SAMPLE } from "./govcloudSample";
import { parseEcrImage } from "../components/llmEndpoint";

const T = {
    vpc: "aws:ec2/vpc:Vpc",
    subnet: "aws:ec2/subnet:Subnet",
    routeTable: "aws:ec2/routeTable:RouteTable",
    route: "aws:ec2/route:Route",
    igw: "aws:ec2/internetGateway:InternetGateway",
    nat: "aws:ec2/natGateway:NatGateway",
    vpcEndpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    defaultSg: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    flowLog: "aws:ec2/flowLog:FlowLog",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    key: "aws:kms/key:Key",
    alias: "aws:kms/alias:Alias",
    bucket: "aws:s3/bucket:Bucket",
    sse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    versioning: "aws:s3/bucketVersioning:BucketVersioning",
    pab: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    model: "aws:sagemaker/model:Model",
    config: "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
    endpoint: "aws:sagemaker/endpoint:Endpoint",
    notebook: "aws:sagemaker/notebookInstance:NotebookInstance",
    lifecycle: "aws:sagemaker/notebookInstanceLifecycleConfiguration:NotebookInstanceLifecycleConfiguration",
    scalingTarget: "aws:appautoscaling/target:Target",
    scalingPolicy: "aws:appautoscaling/policy:Policy",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    provider: "pulumi:providers:aws",
};

async function graphOf(stack: string, overrides: Record<string, unknown> = {}, options: RepoRunOptions = {}): Promise<{ run: StackRun; g: Graph }> {
    const run = await runRepoStack(stack, overrides, options);
    assert.equal(run.result.error, undefined, run.result.error?.stack);
    return { run, g: new Graph(run.result.resources) };
}

function statement(policy: { Statement: any[] }, sid: string): any {
    const found = policy.Statement.find((s) => s.Sid === sid);
    assert.ok(found, `statement ${sid} missing`);
    return found;
}

describe("GovCloud stack (Pulumi.govcloud.yaml)", () => {
    let g: Graph;
    before(async () => ({ g } = await graphOf("govcloud")));

    it("runs with zero errors and every resource under a component, on the explicit GovCloud provider", () => {
        const provider = g.one(T.provider);
        assert.equal(provider.inputs.region, "us-gov-west-1");
        assert.deepEqual(JSON.parse(provider.inputs.defaultTags as string).tags, {
            Owner: "ml-platform",
            Project: "llm-hosting",
            Environment: "govcloud",
            DataClassification: "CUI",
        });
        for (const r of g.programResources.filter((r) => r.custom && r.type.startsWith("aws:"))) {
            assert.ok(r.provider?.startsWith(provider.urn), `${r.name} is not on the stack's provider`);
            assert.match(g.ancestorTypes(r)[0], /^sagemaker-llm:index:/, `${r.name} has no component parent`);
        }
    });

    it("every ARN in the stack is in the aws-us-gov partition, in preview and in an update", async () => {
        const partitions = (graph: Graph) => graph.programResources.flatMap((r) => allStrings(graph.inputs(r))).flatMap((s) => s.match(/arn:[a-z-]+:/g) ?? []);
        const inPreview = partitions(g);
        assert.ok(inPreview.length >= 4, `only ${inPreview.length} ARNs known in preview`);
        // In an update every policy document is known: the program's own ARNs (IAM root, ECR
        // repository, log groups) sit beside those the mock provider derives from the region.
        const { g: updated } = await graphOf("govcloud", {}, { preview: false });
        const inUpdate = partitions(updated);
        assert.ok(inUpdate.length >= 40, `only ${inUpdate.length} ARNs known in an update`);
        assert.deepEqual([...new Set([...inPreview, ...inUpdate])], ["arn:aws-us-gov:"]);
        const executionPolicy = policyOf(updated.one(T.rolePolicy, "llama-3-1-8b-instruct-execution").inputs.policy);
        assert.equal(statement(executionPolicy, "PullTheModelImageOnly").Resource, "arn:aws-us-gov:ecr:us-gov-west-1:442386744353:repository/huggingface-vllm");
        assert.match(statement(executionPolicy, "ReadOwnWeightsOnly").Resource, /^arn:aws-us-gov:s3:.*\/models\/llama-3-1-8b-instruct\/\*$/);
        const [logGroupArn, logStreamsArn] = statement(executionPolicy, "WriteOwnLogGroupOnly").Resource;
        assert.match(logGroupArn, /^arn:aws-us-gov:logs:us-gov-west-1:111122223333:log-group:\/aws\/sagemaker\/Endpoints\/llama-3-1-8b-instruct-[a-z0-9]{8}$/);
        assert.equal(logStreamsArn, `${logGroupArn}:*`);
        for (const s of executionPolicy.Statement) assert.ok(!/^(\*|[a-z0-9]+:\*)$/.test(String(s.Action)), `wildcard action in ${s.Sid}`);
    });

    it("the model runs the vLLM image from the us-gov-west-1 account, told everything through SM_VLLM_* variables", () => {
        const model = g.inputs(g.one(T.model));
        assert.equal(
            model.primaryContainer.image,
            "442386744353.dkr.ecr.us-gov-west-1.amazonaws.com/huggingface-vllm:0.21.0-transformers5.8.1-gpu-py312-cu130-ubuntu22.04",
        );
        // Weights staged in S3 are read from the local path; the served name stays the Hub id; no token, no TGI variable.
        assert.deepEqual(model.primaryContainer.environment, {
            SM_VLLM_MODEL: "/opt/ml/model",
            SM_VLLM_SERVED_MODEL_NAME: "meta-llama/Llama-3.1-8B-Instruct",
            SM_VLLM_TENSOR_PARALLEL_SIZE: "4",
            SM_VLLM_MAX_MODEL_LEN: "32768",
            SM_VLLM_GPU_MEMORY_UTILIZATION: "0.9",
        });
        assert.deepEqual(
            model.tags,
            { "sagemaker-llm:model": "llama-3.1-8b-instruct", "sagemaker-llm:concurrent-requests": "4" },
            "the catalog id and the concurrency the KV cache was sized for, for the GPU-memory policy",
        );
    });

    it("weights come from S3, uncompressed, with network isolation, inside the VPC", () => {
        const modelResource = g.one(T.model);
        const model = g.inputs(modelResource);
        assert.equal(model.enableNetworkIsolation, true);
        const source = model.primaryContainer.modelDataSource.s3DataSources[0];
        assert.equal(source.s3DataType, "S3Prefix");
        assert.equal(source.compressionType, "None");
        assert.deepEqual(
            g.propertyDependsOn(modelResource, "primaryContainer").map((r) => r.type),
            [T.bucket],
        );
        const vpcDeps = g
            .propertyDependsOn(modelResource, "vpcConfig")
            .map((r) => r.type)
            .sort();
        assert.deepEqual(vpcDeps, [T.sg, T.subnet, T.subnet].sort());
    });

    it("ml.g5 has NVMe storage: the endpoint config carries no volume KMS key, and LLM-sized timeouts on the image's tested AMI", () => {
        const config = g.inputs(g.one(T.config));
        assert.equal(config.kmsKeyArn, undefined);
        const variant = config.productionVariants[0];
        assert.equal(variant.instanceType, "ml.g5.12xlarge");
        assert.equal(variant.containerStartupHealthCheckTimeoutInSeconds, 900);
        assert.equal(variant.modelDataDownloadTimeoutInSeconds, 900);
        assert.equal(variant.volumeSizeInGb, undefined);
        assert.equal(variant.inferenceAmiVersion, "al2-ami-sagemaker-inference-gpu-3-1", "the AMI the vLLM image's own SageMaker test deploys with");
        assert.equal(config.dataCaptureConfig, undefined, "data capture is off unless asked");
    });

    it("the execution role is least privilege: trusted only by SageMaker for this account, scoped to its own prefix, key, image and logs", () => {
        const role = g.one(T.role, "llama-3-1-8b-instruct-execution");
        const trust = policyOf(role.inputs.assumeRolePolicy);
        assert.deepEqual(trust.Statement[0].Principal, { Service: "sagemaker.amazonaws.com" });
        assert.deepEqual(trust.Statement[0].Condition, { ArnLike: { "aws:SourceArn": "arn:aws-us-gov:sagemaker:us-gov-west-1:111122223333:*" } });
        assert.equal(role.inputs.managedPolicyArns, undefined);
        assert.equal(g.ofType(T.attachment).length, 0, "no managed policies attached anywhere");

        const policyResource = g.one(T.rolePolicy, "llama-3-1-8b-instruct-execution");
        assert.ok(isUnknown(policyResource.inputs.policy), "the policy references the bucket, key and log group ARNs, unknown until they exist");
        const depTypes = g
            .propertyDependsOn(policyResource, "policy")
            .map((r) => r.type)
            .sort();
        assert.deepEqual(depTypes, [T.bucket, T.key, T.logGroup].sort());
    });

    it("the endpoint: blue/green that rolls back on the new fleet's server errors, log group and alarm permission first", () => {
        const endpoint = g.one(T.endpoint);
        const inputs = g.inputs(endpoint);
        assert.equal(inputs.deploymentConfig.blueGreenUpdatePolicy.trafficRoutingConfiguration.type, "ALL_AT_ONCE");
        assert.equal(inputs.deploymentConfig.autoRollbackConfiguration.alarms.length, 1);
        assert.deepEqual(
            g.propertyDependsOn(endpoint, "deploymentConfig").map((r) => r.name),
            ["llama-3-1-8b-instruct-rollback"],
        );
        assert.deepEqual(
            endpoint.dependencies.map((urn) => g.byUrn(urn)!.name).filter((n) => /logs|rollback-alarm/.test(n)),
            ["llama-3-1-8b-instruct-logs", "llama-3-1-8b-instruct-rollback-alarm"],
            "the log group and the role's cloudwatch:DescribeAlarms come first",
        );
        assert.equal(endpoint.options.deleteBeforeReplace, false);
        const logGroup = g.one(T.logGroup, "llama-3-1-8b-instruct-logs");
        assert.equal(logGroup.inputs.retentionInDays, 365);
        assert.deepEqual(
            g.propertyDependsOn(logGroup, "kmsKeyId").map((r) => r.type),
            [T.key],
        );
        assert.deepEqual(
            g.propertyDependsOn(logGroup, "name").map((r) => r.type),
            ["random:index/randomString:RandomString"],
        );
    });

    it("alarms: the rollback alarm judges the new fleet's 5XX rate; 5XX, latency and GPU memory only notify", () => {
        const metrics = g
            .ofType(T.alarm)
            .map((a) => `${a.name}: ${a.inputs.namespace}/${a.inputs.metricName}`)
            .sort();
        assert.deepEqual(metrics, [
            "llama-3-1-8b-instruct-5xx: AWS/SageMaker/Invocation5XXErrors",
            "llama-3-1-8b-instruct-gpu-memory: /aws/sagemaker/Endpoints/GPUMemoryUtilization",
            "llama-3-1-8b-instruct-latency: AWS/SageMaker/ModelLatency",
            "llama-3-1-8b-instruct-rollback: AWS/SageMaker/Invocation5XXErrors",
        ]);
        const latency = g.one(T.alarm, "latency");
        assert.equal(latency.inputs.threshold, 30_000_000, "30 s in microseconds");
        const rollback = g.one(T.alarm, "rollback");
        assert.equal(rollback.inputs.statistic, "Average", "1 or 0 per request: the average is the error rate");
        assert.equal(rollback.inputs.threshold, 0.1);
        assert.equal(rollback.inputs.comparisonOperator, "GreaterThanOrEqualToThreshold");
        assert.deepEqual([rollback.inputs.evaluationPeriods, rollback.inputs.datapointsToAlarm, rollback.inputs.period], [2, 2, 60]);
        assert.deepEqual(Object.keys(rollback.inputs.dimensions as object).sort(), ["EndpointConfigName", "EndpointName", "VariantName"]);
        assert.deepEqual(
            g
                .propertyDependsOn(rollback, "dimensions")
                .map((r) => r.type)
                .sort(),
            ["random:index/randomString:RandomString", T.config].sort(),
            "the new configuration's fleet only",
        );
        for (const a of g.ofType(T.alarm)) assert.equal(a.inputs.name, undefined, `${a.name} is named by the provider`);
    });

    it("autoscaling tracks concurrent requests per instance with a long scale-in cooldown", () => {
        const target = g.one(T.scalingTarget);
        assert.equal(target.inputs.scalableDimension, "sagemaker:variant:DesiredInstanceCount");
        assert.equal(target.inputs.minCapacity, 1);
        assert.equal(target.inputs.maxCapacity, 2);
        const policy = g.inputs(g.one(T.scalingPolicy)).targetTrackingScalingPolicyConfiguration;
        assert.equal(policy.predefinedMetricSpecification.predefinedMetricType, "SageMakerVariantConcurrentRequestsPerModelHighResolution");
        assert.equal(policy.scaleInCooldown, 1800);
    });

    it("network: two private subnets in two AZs, no internet gateway or NAT, and every endpoint SageMaker needs (FIPS where offered)", () => {
        const vpc = g.one(T.vpc);
        assert.equal(vpc.inputs.enableDnsHostnames, true);
        const subnets = g.ofType(T.subnet);
        assert.equal(subnets.length, 2);
        for (const s of subnets) assert.equal(s.inputs.mapPublicIpOnLaunch, false);
        assert.deepEqual(
            subnets.map((s) => s.inputs.cidrBlock),
            ["10.80.0.0/20", "10.80.16.0/20"],
        );
        assert.deepEqual(
            subnets.map((s) => s.inputs.availabilityZone),
            ["us-gov-west-1a", "us-gov-west-1b"],
        );
        assert.equal(g.ofType(T.igw).length + g.ofType(T.nat).length + g.ofType(T.route).length, 0);

        const services = g
            .ofType(T.vpcEndpoint)
            .map((e) => e.inputs.serviceName)
            .sort();
        // In GovCloud the standard runtime, STS, logs and monitoring services are FIPS already; no
        // sagemaker.api-fips service is confirmed there (policies/catalog/partitions.ts).
        assert.deepEqual(services, [
            "aws.sagemaker.us-gov-west-1.notebook",
            "com.amazonaws.us-gov-west-1.ecr.api",
            "com.amazonaws.us-gov-west-1.ecr.dkr",
            "com.amazonaws.us-gov-west-1.kms-fips",
            "com.amazonaws.us-gov-west-1.logs",
            "com.amazonaws.us-gov-west-1.monitoring",
            "com.amazonaws.us-gov-west-1.s3",
            "com.amazonaws.us-gov-west-1.sagemaker.api",
            "com.amazonaws.us-gov-west-1.sagemaker.runtime",
            "com.amazonaws.us-gov-west-1.sts",
        ]);
        for (const e of g.ofType(T.vpcEndpoint).filter((e) => e.inputs.vpcEndpointType === "Interface")) assert.equal(e.inputs.privateDnsEnabled, true);
        const notebookEndpoint = g.ofType(T.vpcEndpoint).find((e) => String(e.inputs.serviceName).endsWith(".notebook"))!;
        assert.ok(
            notebookEndpoint.dependencies.some((urn) => String(g.byUrn(urn)?.inputs.serviceName).includes("sagemaker.api")),
            "notebook endpoint waits for sagemaker.api",
        );
    });

    it("security groups: endpoints admit only HTTPS from the VPC; nothing is open to the internet; default group stripped", () => {
        const ingress = g.ofType(T.ingress).map((r) => g.inputs(r));
        const fromCidr = ingress.filter((r) => r.cidrIpv4);
        assert.deepEqual(
            fromCidr.map((r) => [r.cidrIpv4, r.ipProtocol, r.fromPort, r.toPort]),
            [["10.80.0.0/16", "tcp", 443, 443]],
        );
        // A multi-instance variant's containers talk to each other on any port (sharded inference).
        const self = g.one(T.ingress, "model-self");
        assert.equal(self.inputs.ipProtocol, "-1");
        assert.deepEqual(
            g.propertyDependsOn(self, "referencedSecurityGroupId").map((r) => r.type),
            [T.sg],
        );
        assert.deepEqual(g.propertyDependsOn(self, "referencedSecurityGroupId"), g.propertyDependsOn(self, "securityGroupId"), "its own group");
        for (const rule of g.ofType(T.egress).map((r) => g.inputs(r))) assert.notEqual(rule.cidrIpv4, "0.0.0.0/0");
        const defaultSg = g.one(T.defaultSg);
        assert.deepEqual([defaultSg.inputs.ingress, defaultSg.inputs.egress], [[], []]);
    });

    it("flow logs go to a KMS-encrypted log group with retention", () => {
        const flowLog = g.one(T.flowLog);
        assert.equal(flowLog.inputs.trafficType, "ALL");
        const [logGroup] = g.propertyDependsOn(flowLog, "logDestination");
        assert.equal(logGroup.type, T.logGroup);
        assert.equal(logGroup.inputs.retentionInDays, 365);
        assert.deepEqual(
            g.propertyDependsOn(logGroup, "kmsKeyId").map((r) => r.type),
            [T.key],
        );
    });

    it("one customer-managed key with rotation, a partition-correct policy including CloudWatch Logs, and an alias", () => {
        const key = g.one(T.key);
        assert.equal(key.inputs.enableKeyRotation, true);
        const policy = policyOf(key.inputs.policy);
        assert.equal(statement(policy, "EnableIamPoliciesOfThisAccount").Principal.AWS, "arn:aws-us-gov:iam::111122223333:root");
        const logs = statement(policy, "AllowCloudWatchLogsOfThisAccount");
        assert.equal(logs.Principal.Service, "logs.us-gov-west-1.amazonaws.com");
        assert.equal(logs.Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"], "arn:aws-us-gov:logs:us-gov-west-1:111122223333:log-group:*");
        assert.equal(g.one(T.alias).inputs.name, "alias/sagemaker-llm-govcloud");
    });

    it("the artifact bucket: SSE-KMS with a bucket key, versioning, public access blocked, ownership enforced, TLS only", () => {
        const sse = g.inputs(g.one(T.sse)).rules[0];
        assert.equal(sse.applyServerSideEncryptionByDefault.sseAlgorithm, "aws:kms");
        assert.equal(sse.bucketKeyEnabled, true);
        assert.equal(g.inputs(g.one(T.versioning)).versioningConfiguration.status, "Enabled");
        const pab = g.one(T.pab).inputs;
        assert.deepEqual([pab.blockPublicAcls, pab.blockPublicPolicy, pab.ignorePublicAcls, pab.restrictPublicBuckets], [true, true, true, true]);
        assert.equal(g.inputs(g.one(T.ownership)).rule.objectOwnership, "BucketOwnerEnforced");
        assert.ok(g.one(T.bucketPolicy).dependencies.length >= 2);
    });

    it("the notebook: private subnet, no direct internet, no root, IMDSv2, stack key, current platform, lifecycle config first", () => {
        const notebook = g.one(T.notebook);
        const inputs = g.inputs(notebook);
        assert.equal(inputs.directInternetAccess, "Disabled");
        assert.equal(inputs.rootAccess, "Disabled");
        assert.equal(inputs.instanceMetadataServiceConfiguration.minimumInstanceMetadataServiceVersion, "2");
        assert.equal(inputs.platformIdentifier, "notebook-al2023-v1");
        assert.deepEqual(
            g.propertyDependsOn(notebook, "kmsKeyId").map((r) => r.type),
            [T.key],
        );
        assert.deepEqual(
            g.propertyDependsOn(notebook, "subnetId").map((r) => r.type),
            [T.subnet, T.subnet],
        );
        assert.deepEqual(
            g.propertyDependsOn(notebook, "lifecycleConfigName").map((r) => r.type),
            [T.lifecycle],
        );
    });
});

describe("the AWS GovCloud sample's configuration (Falcon-40B on TGI 1.0.3, ml.g4dn.12xlarge), through a model entry", () => {
    let g: Graph;
    let run: StackRun;
    before(async () => ({ g, run } = await graphOf("govcloud", { models: [GOVCLOUD_SAMPLE] }, { preview: false })));

    it("the model runs the TGI image from the us-gov-west-1 account, with the GovCloud sample's settings", () => {
        const model = g.inputs(g.one(T.model));
        assert.equal(
            model.primaryContainer.image,
            "442386744353.dkr.ecr.us-gov-west-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.0.1-tgi1.0.3-gpu-py39-cu118-ubuntu20.04",
        );
        const env = model.primaryContainer.environment;
        assert.equal(env.HF_MODEL_ID, "/opt/ml/model");
        assert.equal(env.SM_NUM_GPUS, "4");
        assert.equal(env.HF_MODEL_QUANTIZE, "bitsandbytes-nf4");
        assert.equal(env.MAX_INPUT_LENGTH, "1024", "TGI 1.0.3 reads MAX_INPUT_LENGTH");
        assert.equal(env.MAX_INPUT_TOKENS, undefined);
        assert.equal(env.MAX_TOTAL_TOKENS, "2048");
        assert.equal(env.HUGGING_FACE_HUB_TOKEN, undefined);
        assert.deepEqual(
            Object.keys(env).sort(),
            ["HF_MODEL_ID", "HF_MODEL_QUANTIZE", "MAX_INPUT_LENGTH", "MAX_TOTAL_TOKENS", "SM_NUM_GPUS"],
            "no vLLM or SGLang variable, no DTYPE beside quantization",
        );
        assert.deepEqual(
            model.tags,
            { "sagemaker-llm:model": "falcon-40b-instruct", "sagemaker-llm:concurrent-requests": "4" },
            "the catalog id, for the GPU-memory policy",
        );
        const executionPolicy = policyOf(g.one(T.rolePolicy, "falcon-40b-instruct-execution").inputs.policy);
        assert.equal(
            statement(executionPolicy, "PullTheModelImageOnly").Resource,
            "arn:aws-us-gov:ecr:us-gov-west-1:442386744353:repository/huggingface-pytorch-tgi-inference",
        );
    });

    it("ml.g4dn has NVMe storage: no volume KMS key; the sample's 900 s health check; SageMaker's default AMI for TGI", () => {
        const config = g.inputs(g.one(T.config));
        assert.equal(config.kmsKeyArn, undefined);
        const variant = config.productionVariants[0];
        assert.equal(variant.instanceType, "ml.g4dn.12xlarge");
        assert.equal(variant.containerStartupHealthCheckTimeoutInSeconds, 900);
        assert.equal(variant.modelDataDownloadTimeoutInSeconds, 900);
        assert.equal(variant.volumeSizeInGb, undefined);
        assert.equal(variant.inferenceAmiVersion, undefined);
    });

    it("is the catalog's GovCloud default for falcon-40b-instruct: the bare id deploys the same model", async () => {
        const { g: bare } = await graphOf("govcloud", { models: [{ id: "falcon-40b-instruct", weightsSource: "s3" }] });
        const sample = g.inputs(g.one(T.model)).primaryContainer;
        const byDefault = bare.inputs(bare.one(T.model)).primaryContainer;
        assert.equal(byDefault.image, sample.image);
        assert.deepEqual(byDefault.environment, sample.environment);
        assert.equal(bare.inputs(bare.one(T.config)).productionVariants[0].instanceType, "ml.g4dn.12xlarge");
    });

    it("its invoke command sends TGI's generate body, which TGI 1.0.3's /invocations takes", () => {
        const [endpoint] = run.result.stackOutputs.llmEndpoints as any[];
        assert.equal(endpoint.engine, "tgi");
        assert.equal(endpoint.engineVersion, "1.0.3");
        assert.equal(endpoint.instanceType, "ml.g4dn.12xlarge");
        assert.match(
            endpoint.invokeCommand,
            /--endpoint-name falcon-40b-instruct-[a-z0-9]{8} .*--body '\{"inputs":"What is AWS GovCloud\?","parameters":\{"max_new_tokens":128\}\}'/,
        );
    });
});

describe("commercial stack (Pulumi.commercial.yaml)", () => {
    let g: Graph;
    before(async () => ({ g } = await graphOf("commercial")));

    it("a different model in a commercial region, image from the commercial account, ARNs in aws", () => {
        const model = g.inputs(g.one(T.model));
        assert.equal(
            model.primaryContainer.image,
            "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-sglang:0.5.8-transformers4.57.3-gpu-py312-cu129-ubuntu24.04",
        );
        const env = model.primaryContainer.environment;
        assert.equal(env.SM_SGLANG_MODEL_PATH, "/opt/ml/model");
        assert.equal(env.SM_SGLANG_SERVED_MODEL_NAME, "Qwen/Qwen3-30B-A3B-Instruct-2507");
        assert.equal(env.SM_SGLANG_CONTEXT_LENGTH, "65536");
        assert.equal(env.SM_SGLANG_QUANTIZATION, undefined, "never set when not quantizing");
        assert.equal(env.SM_SGLANG_TP_SIZE, "4");
        assert.equal(env.SM_SGLANG_MEM_FRACTION_STATIC, "0.8", "set explicitly, so the sizing and the engine agree");
        assert.deepEqual(
            Object.keys(env).filter((k) => !k.startsWith("SM_SGLANG_")),
            [],
            "no other engine's variables",
        );
        assert.equal(g.inputs(g.one(T.config)).productionVariants[0].instanceType, "ml.g6e.12xlarge");
        const arns = new Set(g.programResources.flatMap((r) => allStrings(g.inputs(r))).flatMap((s) => s.match(/arn:[a-z-]+:/g) ?? []));
        assert.deepEqual([...arns], ["arn:aws:"]);
        assert.equal(g.one(T.scalingTarget).inputs.maxCapacity, 3);
        assert.ok(
            g.ofType(T.vpcEndpoint).some((e) => e.inputs.serviceName === "com.amazonaws.us-east-1.sagemaker.api"),
            "no FIPS endpoints unless asked",
        );
    });
});

describe("variants", () => {
    it("an EBS-backed instance type (ml.p3) gets the stack key on its ML storage volume, and may size it", async () => {
        // One 16 GiB V100 (compute capability 7.0): vLLM 0.14.0 (the last release for 7.0), weights quantized to 4 bits in flight.
        const { g } = await graphOf("commercial", {
            models: [{ id: "llama-2-7b-chat", engineVersion: "0.14.0", quantize: "bitsandbytes", instanceType: "ml.p3.2xlarge", volumeSizeGb: 100 }],
        });
        const config = g.one(T.config);
        assert.equal(g.inputs(config).productionVariants[0].instanceType, "ml.p3.2xlarge");
        assert.ok(isUnknown(config.inputs.kmsKeyArn), "the key ARN is present (unknown until the key exists)");
        assert.deepEqual(
            g.propertyDependsOn(config, "kmsKeyArn").map((r) => r.type),
            [T.key],
        );
        assert.equal(g.inputs(config).productionVariants[0].volumeSizeInGb, 100);
    });

    it("weights from the Hub: NAT egress, gated model token as a secret, no network isolation", async () => {
        const { g } = await graphOf(
            "commercial",
            { egress: "nat", huggingFaceToken: "hf_exampletoken", models: [{ id: "llama-3.1-8b-instruct", weightsSource: "hub" }] },
            { secretOverrides: ["huggingFaceToken"] },
        );
        const model = g.one(T.model);
        const env = (model.inputs.primaryContainer as any).environment;
        assert.equal(env.SM_VLLM_MODEL, "meta-llama/Llama-3.1-8B-Instruct", "vLLM reads the Hub id from SM_VLLM_MODEL, not HF_MODEL_ID");
        assert.equal(env.HF_MODEL_ID, undefined);
        assert.notEqual(typeof env.HF_TOKEN, "string", "the token travels as a Pulumi secret");
        assert.equal(g.inputs(model).primaryContainer.environment.HF_TOKEN, "hf_exampletoken");
        assert.equal(g.inputs(model).primaryContainer.environment.HUGGING_FACE_HUB_TOKEN, undefined, "TGI's name for it, not vLLM's");
        assert.equal(g.inputs(model).enableNetworkIsolation, false);
        assert.equal(g.inputs(model).primaryContainer.modelDataSource, undefined);

        assert.equal(g.ofType(T.igw).length, 1);
        assert.equal(g.ofType(T.nat).length, 2);
        const publicSubnets = g.ofType(T.subnet).filter((s) => s.name.includes("public"));
        assert.equal(publicSubnets.length, 2);
        for (const s of publicSubnets) assert.equal(s.inputs.mapPublicIpOnLaunch, false, "public subnets hold only NAT gateways");
        const privateDefaults = g.ofType(T.route).filter((r) => r.name.includes("private"));
        assert.equal(privateDefaults.length, 2);
        for (const r of privateDefaults)
            assert.deepEqual(
                g.propertyDependsOn(r, "natGatewayId").map((x) => x.type),
                [T.nat],
            );
        assert.ok(
            g.ofType(T.egress).some((r) => r.inputs.cidrIpv4 === "0.0.0.0/0" && r.name.includes("hub")),
            "only the Hub rule leaves the VPC",
        );
    });

    it("existing-VPC mode uses the landing zone's VPC, its CIDR as AWS reports it, and its checked private subnets, and creates no network", async () => {
        const { g } = await graphOf("govcloud", EXISTING, { landingZone: {} });
        for (const type of [T.vpc, T.subnet, T.routeTable, T.vpcEndpoint, T.flowLog, T.defaultSg]) assert.equal(g.ofType(type).length, 0, type);
        const model = g.inputs(g.one(T.model));
        assert.deepEqual(model.vpcConfig.subnets, LANDING_ZONE.subnets);
        for (const sg of g.ofType(T.sg)) assert.equal(sg.inputs.vpcId, LANDING_ZONE.vpcId);
        assert.equal(g.inputs(g.one(T.notebook)).subnetId, LANDING_ZONE.subnets[0]);
        const toEndpoints = g.ofType(T.egress).filter((r) => r.name.endsWith("-endpoints"));
        assert.deepEqual([...new Set(toEndpoints.map((r) => r.inputs.cidrIpv4))], [LANDING_ZONE.cidr]);
    });

    it("several models in one stack: one endpoint each, unique names, one notebook allowed to invoke them all", async () => {
        const { g, run } = await graphOf(
            "commercial",
            { models: [{ id: "mistral-7b-instruct" }, { id: "llama-3-8b-instruct", name: "llama3" }, { id: "mistral-7b-instruct", name: "mistral-canary" }] },
            { preview: false },
        );
        const endpointNames = g.ofType(T.endpoint).map((e) => String(e.inputs.name));
        assert.equal(new Set(endpointNames).size, 3);
        // Models, configurations and the notebook are auto-named `<logical name>-<7 hex>`.
        const autoNamed = [...g.ofType(T.model), ...g.ofType(T.config), ...g.ofType(T.notebook), ...g.ofType(T.lifecycle)];
        for (const r of autoNamed) assert.equal(r.inputs.name, undefined, r.name);
        for (const name of [...endpointNames, ...autoNamed.map((r) => `${r.name}-1234567`)]) {
            assert.ok(name.length <= 63 && /^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/.test(name), `${name} breaks SageMaker's name rules`);
        }
        const notebookPolicy = policyOf(g.one(T.rolePolicy, "research-role").inputs.policy);
        assert.equal(statement(notebookPolicy, "InvokeThisStacksEndpointsOnly").Resource.length, 3);
        const script = Buffer.from(String(g.one(T.lifecycle).inputs.onCreate), "base64").toString();
        // Into the folder Jupyter opens on a notebook instance, which lives on its ML storage volume.
        assert.ok(script.includes("cat > '/home/ec2-user/SageMaker/invoke-endpoints.ipynb' <<'NOTEBOOK_JSON'\n"), script.slice(0, 400));
        const notebookJson = JSON.parse(script.split("<<'NOTEBOOK_JSON'\n")[1].split("\nNOTEBOOK_JSON")[0]);
        const code = notebookJson.cells.map((c: any) => c.source.join("")).join("\n");
        for (const name of endpointNames) assert.ok(code.includes(name), `sample notebook lacks ${name}`);
        // The first cell tells the user which body each engine takes and that an answer must come within 60 seconds.
        assert.match(
            notebookJson.cells[0].source.join(""),
            /TGI 2\.4\+ take OpenAI chat-completions bodies on `\/invocations`.*\n.*within 60 seconds: stream long answers\./s,
        );
        assert.equal((run.result.stackOutputs.llmEndpoints as unknown[]).length, 3);
    });

    it("stack outputs give endpoint names, an invoke command, the notebook URL in the GovCloud console, VPC, key and bucket", async () => {
        const { run } = await graphOf("govcloud", {}, { preview: false });
        const out = run.result.stackOutputs as any;
        assert.match(
            out.notebookUrl,
            /^https:\/\/console\.amazonaws-us-gov\.com\/sagemaker\/home\?region=us-gov-west-1#\/notebook-instances\/research-instance-[0-9a-f]{7}$/,
        );
        const [deployment] = out.llmEndpoints;
        assert.match(
            deployment.invokeCommand,
            /^aws sagemaker-runtime invoke-endpoint --region us-gov-west-1 --endpoint-name llama-3-1-8b-instruct-[a-z0-9]{8} /,
        );
        assert.match(
            deployment.invokeCommand,
            / --body '\{"messages":\[\{"role":"user","content":"What is AWS GovCloud\?"\}\],"max_tokens":128\}' /,
            "vLLM's /invocations takes a chat body",
        );
        assert.match(deployment.weightsS3Uri, /^s3:\/\/.+\/models\/llama-3-1-8b-instruct\/$/);
        assert.deepEqual(
            [deployment.name, deployment.model, deployment.engine, deployment.engineVersion, deployment.instanceType],
            ["llama-3-1-8b-instruct", "meta-llama/Llama-3.1-8B-Instruct", "vllm", "0.21.0", "ml.g5.12xlarge"],
        );
        // 8.03B × 2 bytes; 2 × 32 layers × 8 KV heads × 128 × 2 bytes = 128 KiB per token, × 32768 tokens × 4 requests = 16 GiB; 20% of the weights; 0.9 × 4 × 22888 MiB.
        const sizing: string[] = deployment.gpuMemorySizing;
        assert.equal(sizing.length, 5);
        assert.match(sizing[0], /^weights +15\.0 GiB +\(8\.03B × 2 bytes \(bfloat16\)\)$/);
        assert.match(sizing[1], /^KV cache +16\.0 GiB .*128 KiB\/token × 32768 tokens × 4 requests\)$/);
        assert.match(sizing[2], /^engine +3\.0 GiB/);
        assert.match(sizing[3], /^required +33\.9 GiB$/);
        assert.match(sizing[4], /^available +80\.5 GiB +\(0\.9 × 4 × 22\.4 GiB A10G on ml\.g5\.12xlarge\)$/);
        for (const key of ["vpcId", "kmsKeyArn", "artifactBucketName", "notebookName"]) assert.ok(out[key], key);
    });

    it("data capture, when asked, goes to the bucket encrypted with the stack key", async () => {
        const { g } = await graphOf("commercial", { models: [{ id: "mistral-7b-instruct", dataCapturePercent: 20 }] });
        const config = g.one(T.config);
        const capture = g.inputs(config).dataCaptureConfig;
        assert.equal(capture.initialSamplingPercentage, 20);
        assert.ok(isUnknown(capture.kmsKeyId));
        assert.deepEqual(
            g
                .propertyDependsOn(config, "dataCaptureConfig")
                .map((r) => r.type)
                .sort(),
            [T.bucket, T.key].sort(),
        );
    });

    it("the notebook can be turned off", async () => {
        const { g } = await graphOf("govcloud", { notebookEnabled: false });
        assert.equal(g.ofType(T.notebook).length, 0);
        assert.equal(g.ofType(T.endpoint).length, 1);
    });
});

describe("the container environment says only what the settings ask for", () => {
    /** The container environment of the model of deployment `name` (secrets unwrapped). */
    const environmentOf = (g: Graph, name: string): Record<string, string> => {
        const [model] = g.ofType(T.model).filter((m) => m.name === `${name}-model`);
        assert.ok(model, `no model for ${name}`);
        return g.inputs(model).primaryContainer.environment;
    };

    it("trustRemoteCode: no engine's container trusts the repository's code unless the setting asks, and then with the engine's switch", async () => {
        const engines = [
            ["vllm", "SM_VLLM_TRUST_REMOTE_CODE", ""],
            ["sglang", "SM_SGLANG_TRUST_REMOTE_CODE", ""],
            ["tgi", "HF_MODEL_TRUST_REMOTE_CODE", "true"],
        ] as const;
        const { g } = await graphOf("commercial", {
            models: engines.flatMap(([engine]) => [
                { id: "qwen2.5-7b-instruct", engine, instanceType: "ml.g6e.xlarge", name: `qwen-${engine}` },
                { id: "qwen2.5-7b-instruct", engine, instanceType: "ml.g6e.xlarge", name: `qwen-${engine}-trusted`, trustRemoteCode: true },
            ]),
        });
        const trustVariables = engines.map(([, variable]) => variable);
        for (const [engine, variable, switchOn] of engines) {
            const byDefault = environmentOf(g, `qwen-${engine}`);
            assert.deepEqual(
                Object.keys(byDefault).filter((k) => /TRUST/.test(k)),
                [],
                `${engine}: no trust variable by default`,
            );
            const trusted = environmentOf(g, `qwen-${engine}-trusted`);
            assert.deepEqual(
                Object.keys(trusted).filter((k) => trustVariables.includes(k as (typeof trustVariables)[number])),
                [variable],
                `${engine}: its own trust variable only`,
            );
            assert.equal(trusted[variable], switchOn, engine);
        }
    });

    it("the Hub token goes only to gated models whose weights come from the Hub, under the engine's name for it", async () => {
        const { g } = await graphOf(
            "commercial",
            {
                egress: "nat",
                huggingFaceToken: "hf_exampletoken",
                models: [
                    { id: "mistral-7b-instruct", name: "gated-hub", weightsSource: "hub" },
                    { id: "mistral-7b-instruct", name: "gated-hub-tgi", engine: "tgi", weightsSource: "hub" },
                    { id: "mistral-7b-instruct", name: "gated-s3", weightsSource: "s3" },
                    { id: "qwen2.5-7b-instruct", name: "open-hub", weightsSource: "hub" },
                ],
            },
            { secretOverrides: ["huggingFaceToken"] },
        );
        const tokenVariables = (name: string) =>
            Object.entries(environmentOf(g, name))
                .filter(([k]) => /TOKEN$/.test(k) && !/MAX_/.test(k))
                .map(([k, v]) => `${k}=${v}`);
        assert.deepEqual(tokenVariables("gated-hub"), ["HF_TOKEN=hf_exampletoken"]);
        assert.deepEqual(tokenVariables("gated-hub-tgi"), ["HUGGING_FACE_HUB_TOKEN=hf_exampletoken"]);
        assert.deepEqual(tokenVariables("gated-s3"), [], "weights staged in S3 need no token");
        assert.deepEqual(tokenVariables("open-hub"), [], "a model that is not gated needs no token");
    });
});

describe("the endpoint's name suffix is renewed only by a change that replaces the endpoint", () => {
    const SUFFIX = "random:index/randomString:RandomString";
    const keepersOf = async (entry: Record<string, unknown>) => {
        const { g } = await graphOf("govcloud", { models: [{ id: "llama-3.1-8b-instruct", engine: "vllm", weightsSource: "s3", ...entry }] });
        return g.inputs(g.one(SUFFIX, "llama-3-1-8b-instruct-suffix")).keepers;
    };

    it("settings that update the endpoint in place (context length, engine release, alarms, scaling) keep it; another instance type renews it", async () => {
        const base = await keepersOf({});
        for (const change of [{ maxTotalTokens: 16384 }, { engineVersion: "0.17.0" }, { latencyAlarmMs: 45_000 }, { maxInstances: 3 }]) {
            assert.deepEqual(await keepersOf(change), base, JSON.stringify(change));
        }
        const otherType = await keepersOf({ instanceType: "ml.g5.24xlarge" });
        assert.notDeepEqual(otherType, base);
    });

    it("the suffix is 8 lowercase letters and digits, which an endpoint name allows (SageMaker: [a-zA-Z0-9](-*[a-zA-Z0-9]){0,62})", async () => {
        const { g } = await graphOf("govcloud");
        const { length, special, upper, lower, numeric } = g.inputs(g.one(SUFFIX, "llama-3-1-8b-instruct-suffix"));
        assert.deepEqual([length, special, upper, lower ?? true, numeric ?? true], [8, false, false, true, true]);
    });
});

describe("text AWS checks on its side, which the mock runtime accepts as anything", function () {
    // A stack with every optional part: Hub weights through NAT, the notebook, data capture, an alarm topic.
    let everything: Graph;
    let stacks: [string, Graph][];
    before(async () => {
        everything = (
            await graphOf(
                "commercial",
                {
                    egress: "nat",
                    alarmTopicArn: "arn:aws:sns:us-east-1:123456789012:llm-alarms",
                    huggingFaceToken: "hf_exampletoken",
                    models: [{ id: "llama-3.1-8b-instruct", weightsSource: "hub", dataCapturePercent: 20 }],
                },
                { preview: false, secretOverrides: ["huggingFaceToken"] },
            )
        ).g;
        stacks = [
            ["govcloud", (await graphOf("govcloud", {}, { preview: false })).g],
            ["commercial", (await graphOf("commercial", {}, { preview: false })).g],
            ["everything", everything],
        ];
    });

    it("security-group and rule descriptions use only the characters EC2 accepts (an apostrophe fails `pulumi up`)", () => {
        // EC2 API Reference: CreateSecurityGroup GroupDescription, "up to 255 characters ... a-z, A-Z,
        // 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*"; a rule's Description (IpRange, UserIdGroupPair,
        // PrefixListId), the same set without '&'. Anything else is InvalidParameterValue.
        const GROUP = /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]{1,255}$/;
        const RULE = /^[a-zA-Z0-9 ._\-:/()#,@[\]+=;{}!$*]{1,255}$/;
        for (const [stack, g] of stacks) {
            for (const group of g.ofType(T.sg)) assert.match(String(group.inputs.description), GROUP, `${stack}: ${group.name}`);
            for (const rule of [...g.ofType(T.ingress), ...g.ofType(T.egress)]) assert.match(String(rule.inputs.description), RULE, `${stack}: ${rule.name}`);
        }
        assert.ok(
            everything.ofType(T.egress).some((r) => r.name.includes("hub")),
            "the Hub rule is among them",
        );
    });

    it("every policy statement has a statement id IAM accepts (letters and digits), unique in its policy, so findings and plan diffs name it", () => {
        // IAM User Guide, "IAM JSON policy elements: Sid": ASCII letters and digits, unique within a
        // JSON policy (MalformedPolicyDocument otherwise). Key and bucket policies are held to the same rule.
        const documents = (g: Graph) => [
            ...g.ofType(T.role).map((r) => [r.name, g.inputs(r).assumeRolePolicy] as const),
            ...g.ofType(T.rolePolicy).map((r) => [r.name, g.inputs(r).policy] as const),
            ...g.ofType(T.bucketPolicy).map((r) => [r.name, g.inputs(r).policy] as const),
            ...g.ofType(T.key).map((r) => [r.name, g.inputs(r).policy] as const),
        ];
        for (const [stack, g] of stacks) {
            for (const [name, document] of documents(g)) {
                const sids = policyOf(document).Statement.map((s) => s.Sid);
                for (const sid of sids) assert.match(String(sid), /^[A-Za-z0-9]+$/, `${stack}: ${name}`);
                assert.equal(new Set(sids).size, sids.length, `${stack}: ${name} repeats a Sid`);
            }
        }
        const rolePolicies = everything.ofType(T.rolePolicy).map((r) => r.name);
        for (const name of ["llama-3-1-8b-instruct-rollback-alarm", "research-role"]) assert.ok(rolePolicies.includes(name), name);
    });

    it("every role and key says what it is for", () => {
        for (const [stack, g] of stacks) {
            for (const r of [...g.ofType(T.role), ...g.ofType(T.key)]) assert.ok(String(r.inputs.description ?? "").length > 10, `${stack}: ${r.name}`);
        }
        const role = everything.one(T.role, "llama-3-1-8b-instruct-execution");
        assert.match(String(role.inputs.description), /llama-3-1-8b-instruct/, "a model's role names its deployment");
    });
});

describe("alarms and data capture, as an operator relies on them", function () {
    const TOPIC = "arn:aws:sns:us-east-1:123456789012:llm-alarms";
    let g: Graph;
    before(async () => ({ g } = await graphOf("commercial", { alarmTopicArn: TOPIC, models: [{ id: "mistral-7b-instruct", dataCapturePercent: 20 }] })));

    it("every alarm notifies the topic when it fires and when it clears; without a topic none notifies", async () => {
        const alarms = g.ofType(T.alarm);
        assert.equal(alarms.length, 4);
        for (const a of alarms) {
            assert.deepEqual(g.inputs(a).alarmActions, [TOPIC], a.name);
            assert.deepEqual(g.inputs(a).okActions, [TOPIC], a.name);
        }
        const { g: silent } = await graphOf("commercial");
        for (const a of silent.ofType(T.alarm)) assert.deepEqual([a.inputs.alarmActions, a.inputs.okActions], [undefined, undefined], a.name);
    });

    it("the notifying alarms: any 5XX in two minutes, p90 latency over five, GPU memory over ten; no traffic is not an alarm", () => {
        const settingsOf = (suffix: string) => {
            const a = g.inputs(g.one(T.alarm, `mistral-7b-instruct-${suffix}`));
            return [a.statistic ?? a.extendedStatistic, a.comparisonOperator, a.threshold, a.period, a.evaluationPeriods, a.treatMissingData];
        };
        assert.deepEqual(settingsOf("5xx"), ["Sum", "GreaterThanOrEqualToThreshold", 1, 60, 2, "notBreaching"]);
        assert.deepEqual(settingsOf("latency"), ["p90", "GreaterThanThreshold", 30_000_000, 60, 5, "notBreaching"]);
        assert.deepEqual(settingsOf("gpu-memory"), ["Average", "GreaterThanThreshold", 95, 300, 2, "notBreaching"]);
        assert.equal(
            g.inputs(g.one(T.alarm, "mistral-7b-instruct-rollback")).treatMissingData,
            "notBreaching",
            "a fleet without traffic is no evidence against it",
        );
    });

    it("each alarm's description names the deployment and its threshold, for the person it wakes", () => {
        const description = (suffix: string) => String(g.one(T.alarm, `mistral-7b-instruct-${suffix}`).inputs.alarmDescription);
        assert.match(description("rollback"), /^mistral-7b-instruct: 10% or more of the new fleet's requests answered with 5XX.*rolls a deployment back$/);
        assert.match(description("5xx"), /^mistral-7b-instruct: the model returned 5XX errors in two consecutive minutes$/);
        assert.match(description("latency"), /^mistral-7b-instruct: p90 model latency above 30000 ms for 5 minutes/);
        assert.match(description("gpu-memory"), /^mistral-7b-instruct: GPU memory above 95% \(summed over 1 GPU\(s\)\) for 10 minutes$/);
    });

    it("data capture records requests and responses, as JSON", () => {
        const capture = g.inputs(g.one(T.config)).dataCaptureConfig;
        assert.equal(capture.enableCapture, true);
        assert.deepEqual(
            capture.captureOptions.map((o: { captureMode: string }) => o.captureMode),
            ["Input", "Output"],
        );
        assert.deepEqual(capture.captureContentTypeHeader, { jsonContentTypes: ["application/json"] });
    });

    it("scaling on invocations tracks SageMaker's invocations-per-instance metric", async () => {
        const { g: byInvocations } = await graphOf("commercial", { models: [{ id: "mistral-7b-instruct", scalingMetric: "invocations" }] });
        const policy = byInvocations.inputs(byInvocations.one(T.scalingPolicy));
        assert.equal(policy.policyType, "TargetTrackingScaling");
        assert.equal(
            policy.targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.predefinedMetricType,
            "SageMakerVariantInvocationsPerInstance",
        );
    });
});

describe("a GovCloud stack with NAT egress and Hub weights: its network, lookups, outputs and model details", function () {
    let g: Graph;
    let run: StackRun;
    // The same stack on a landing-zone VPC, for what differs there (its lookups, the network's outputs).
    let landing: StackRun;
    before(async () => {
        ({ run, g } = await graphOf("govcloud", { egress: "nat", models: [{ id: "qwen2.5-7b-instruct", weightsSource: "hub" }] }));
        landing = await runRepoStack("govcloud", EXISTING, { landingZone: {} });
    });
    const names = (rs: { name: string }[]) => rs.map((r) => r.name);

    it("public subnets in the private subnets' zones, at the address plan's public slots; one NAT gateway per zone with its own Elastic IP", () => {
        const subnet = (kind: string, i: number) => g.inputs(g.one(T.subnet, `network-${kind}-${i}`));
        assert.deepEqual(
            [0, 1].map((i) => [subnet("public", i).cidrBlock, subnet("public", i).availabilityZone]),
            [
                ["10.80.128.0/20", "us-gov-west-1a"],
                ["10.80.144.0/20", "us-gov-west-1b"],
            ],
            "slots 8 and 9 of 10.80.0.0/16: zone a and b, after the private subnets' 0 and 1",
        );
        const igw = g.one(T.igw);
        assert.deepEqual(names(g.propertyDependsOn(igw, "vpcId")), ["network-vpc"]);
        for (const i of [0, 1]) {
            const eip = g.one("aws:ec2/eip:Eip", `network-nat-${i}`);
            assert.equal(eip.inputs.domain, "vpc");
            assert.ok(eip.dependencies.includes(igw.urn), "an Elastic IP in a VPC needs its internet gateway attached first");
            const nat = g.ofType(T.nat).find((n) => n.name === `network-nat-${i}`)!;
            assert.deepEqual(names(g.propertyDependsOn(nat, "subnetId")), [`network-public-${i}`]);
            assert.deepEqual(names(g.propertyDependsOn(nat, "allocationId")), [`network-nat-${i}`]);
            const route = g.one(T.route, `network-private-${i}-default`);
            assert.equal(route.inputs.destinationCidrBlock, "0.0.0.0/0");
            assert.deepEqual(names(g.propertyDependsOn(route, "natGatewayId")), [`network-nat-${i}`], "each zone leaves through its own NAT gateway");
        }
        const publicDefault = g.one(T.route, "network-public-default");
        assert.equal(publicDefault.inputs.destinationCidrBlock, "0.0.0.0/0");
        assert.deepEqual(names(g.propertyDependsOn(publicDefault, "gatewayId")), ["network-igw"]);
    });

    it("the VPC resolves names (interface endpoints' private DNS needs DNS support and hostnames); S3 is a gateway endpoint on the private route tables", () => {
        const vpc = g.inputs(g.one(T.vpc));
        assert.deepEqual([vpc.enableDnsSupport, vpc.enableDnsHostnames], [true, true]);
        const s3 = g.ofType(T.vpcEndpoint).find((e) => e.name === "network-s3")!;
        assert.equal(s3.inputs.vpcEndpointType, "Gateway");
        assert.deepEqual(names(g.propertyDependsOn(s3, "routeTableIds")).sort(), ["network-private-0", "network-private-1"]);
    });

    it("flow logs go to the stack's log group through a role only VPC flow logs of this account can assume", () => {
        const flowLog = g.inputs(g.one(T.flowLog));
        assert.equal(flowLog.logDestinationType, "cloud-watch-logs");
        assert.equal(flowLog.trafficType, "ALL");
        const role = g.one(T.role, "network-flow-logs");
        const trust = policyOf(role.inputs.assumeRolePolicy).Statement[0];
        assert.equal(trust.Principal.Service, "vpc-flow-logs.amazonaws.com");
        assert.deepEqual(Object.keys(trust.Condition).sort(), ["ArnLike", "StringEquals"]);
        assert.equal(trust.Condition.StringEquals["aws:SourceAccount"], "111122223333");
        assert.match(trust.Condition.ArnLike["aws:SourceArn"], /^arn:aws-us-gov:ec2:us-gov-west-1:111122223333:vpc-flow-log\/\*$/);
    });

    it("asks AWS for the zones that are available (not impaired or opt-in ones), and for S3's prefix list by the region's S3 service name", async () => {
        const zonesAsked = run.result.invokes.filter((i) => i.token === "aws:index/getAvailabilityZones:getAvailabilityZones");
        assert.ok(zonesAsked.length > 0);
        for (const i of zonesAsked) assert.equal(i.inputs.state, "available");
        const prefixLists = landing.result.invokes.filter((i) => i.token === "aws:ec2/getPrefixList:getPrefixList");
        assert.deepEqual(
            prefixLists.map((i) => i.inputs.name),
            ["com.amazonaws.us-gov-west-1.s3"],
        );
    });

    it("every lookup goes through the stack's own AWS provider (a default provider would read the shell's region and credentials)", () => {
        const tokens = (stack: StackRun) => stack.result.invokes.map((i) => i.token);
        assert.ok(tokens(run).includes("aws:index/getAvailabilityZones:getAvailabilityZones"), tokens(run).join(", "));
        assert.ok(tokens(landing).includes("aws:ec2/getPrefixList:getPrefixList"), tokens(landing).join(", "));
        for (const stack of [run, landing]) {
            const provider = new Graph(stack.result.resources).one(T.provider);
            for (const i of stack.result.invokes) assert.ok(i.provider?.startsWith(`${provider.urn}::`), `${i.token} went through ${i.provider}`);
        }
    });

    it("each component registers its outputs, the contract a caller reads", async () => {
        const outputsOf = (graph: Graph, type: string) =>
            Object.keys(graph.resources.find((r) => r.type === `sagemaker-llm:index:${type}`)?.outputs ?? {}).sort();
        // The same contract in both network modes (an existing VPC's interfaceEndpointIds is empty).
        const networkOutputs = ["interfaceEndpointIds", "privateSubnetIds", "s3PrefixListId", "vpcCidr", "vpcId"];
        assert.deepEqual(outputsOf(g, "PrivateNetwork"), networkOutputs);
        assert.deepEqual(outputsOf(g, "ArtifactBucket"), ["bucketArn", "bucketName"]);
        assert.deepEqual(outputsOf(g, "StackEncryption"), ["aliasName", "keyArn", "keyId"]);
        assert.deepEqual(outputsOf(g, "ResearchNotebook"), ["consoleUrl", "notebookArn", "notebookName", "roleArn"]);
        assert.deepEqual(outputsOf(new Graph(landing.result.resources), "PrivateNetwork"), networkOutputs);
        const deployed = new Graph((await runRepoStack("govcloud", {}, { preview: false })).result.resources);
        const endpoint = deployed.resources.find((r) => r.type === "sagemaker-llm:index:LlmEndpoint")!.outputs as Record<string, unknown>;
        const kinds = (endpoint.alarmNames as string[]).map((n) => /^llama-3-1-8b-instruct-(.+)-[0-9a-f]{7}$/.exec(n)?.[1]);
        assert.deepEqual(kinds, ["rollback", "5xx", "latency", "gpu-memory"], "every alarm of the deployment, by the name the provider gave it");
    });

    it("the model's and the notebook's security groups leave only by HTTPS (TCP 443), to the VPC's endpoints and S3; the Hub rule likewise", () => {
        const egress = g.ofType(T.egress).map((r) => [r.name, r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.toPort]);
        assert.ok(egress.length >= 5, JSON.stringify(egress));
        for (const [name, ...rule] of egress) assert.deepEqual(rule, ["tcp", 443, 443], String(name));
    });

    it("the notebook reads no weights when every model comes from the Hub: no S3 read statements at all", async () => {
        const { g: deployed } = await graphOf("govcloud", { egress: "nat", models: [{ id: "qwen2.5-7b-instruct", weightsSource: "hub" }] }, { preview: false });
        const sids = policyOf(deployed.one(T.rolePolicy, "research-role").inputs.policy).Statement.map((s) => s.Sid);
        assert.ok(sids.length > 0);
        assert.deepEqual(
            sids.filter((sid) => /Prefixes|ThroughS3/.test(sid)),
            [],
        );
    });

    it("a model whose subnets or security groups change is replaced: older providers changed only its tags in place", () => {
        assert.deepEqual(g.one(T.model).options.replaceOnChanges, ["vpcConfig"]);
    });

    it("an image is read as ECR's <account>.dkr.ecr.<region>.<suffix>/<repository> from its first character", () => {
        assert.deepEqual(parseEcrImage("123456789012.dkr.ecr.us-gov-west-1.amazonaws.com/team/vllm:0.17.0"), {
            account: "123456789012",
            repository: "team/vllm",
        });
        assert.throws(
            () => parseEcrImage("mirror.example.com/123456789012.dkr.ecr.us-east-1.amazonaws.com/vllm:1"),
            /^Error: Not an ECR image URI: mirror\.example\.com\//,
        );
    });
});
