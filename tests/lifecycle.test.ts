/**
 * A stack's life beyond its first preview, as far as mocks can show it: the checks that stop a
 * deployment before anything is created (a landing zone's public subnets, weights not staged, zones
 * without an endpoint service), what `pulumi up` reports when SageMaker rolls an update back, the
 * order a real create needs, the first deployment without models, and what a destroy keeps.
 */
import { strict as assert } from "assert";
import { chooseZones, cidrSubnet, unofferedServiceError, zoneSlot } from "../components/network";
import { Graph, RepoRunOptions, runRepoStack } from "./graph";
import { EXISTING, LANDING_ZONE, LandingZoneVariant, landingZoneStandIns, lookupError } from "./landingZone";

const T = {
    model: "aws:sagemaker/model:Model",
    config: "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
    endpoint: "aws:sagemaker/endpoint:Endpoint",
    notebook: "aws:sagemaker/notebookInstance:NotebookInstance",
    subnet: "aws:ec2/subnet:Subnet",
    vpcEndpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
    egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    flowLog: "aws:ec2/flowLog:FlowLog",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    key: "aws:kms/key:Key",
    alias: "aws:kms/alias:Alias",
    bucket: "aws:s3/bucket:Bucket",
};
const SAGEMAKER = [T.model, T.config, T.endpoint, T.notebook];

async function failedRun(stack: string, overrides: Record<string, unknown>, options: RepoRunOptions) {
    const run = await runRepoStack(stack, overrides, options);
    assert.ok(run.result.error, "the program should have stopped");
    const registered = new Graph(run.result.resources).programResources.map((r) => r.type);
    return { error: run.result.error, registered };
}

async function graphOf(stack: string, overrides: Record<string, unknown> = {}, options: RepoRunOptions = {}): Promise<Graph> {
    const run = await runRepoStack(stack, overrides, options);
    assert.equal(run.result.error, undefined, run.result.error?.stack);
    return new Graph(run.result.resources);
}

describe("an existing (landing-zone) VPC is checked against AWS before anything uses it", function () {
    this.timeout(60_000);
    const cases: { title: string; variant: LandingZoneVariant; message: RegExp }[] = [
        {
            title: "a subnet that gives public IPv4 addresses",
            variant: { publicIp: [LANDING_ZONE.subnets[1]] },
            message:
                /existingPrivateSubnetIds\[1\] = "subnet-0fedcba9876543210": is not a private subnet: it gives instances public IPv4 addresses on launch \(MapPublicIpOnLaunch\)/,
        },
        {
            title: "a subnet whose route table sends 0.0.0.0/0 to an internet gateway",
            variant: { internetRoute: [LANDING_ZONE.subnets[0]] },
            message:
                /existingPrivateSubnetIds\[0\] = "subnet-0123456789abcdef0": is not a private subnet: its route table rtb-0123456789abcdef0 sends 0\.0\.0\.0\/0 to internet gateway igw-/,
        },
        {
            title: "a subnet without its own route table, when the main one routes to an internet gateway",
            variant: { mainTableInternetRoute: [LANDING_ZONE.subnets[1]] },
            message:
                /existingPrivateSubnetIds\[1\] = .*the VPC's main route table rtb-0main0000000000000 \(the subnet has none of its own\) sends 0\.0\.0\.0\/0 to internet gateway/,
        },
        {
            title: "a subnet of another VPC",
            variant: { otherVpc: [LANDING_ZONE.subnets[0]] },
            message: /existingPrivateSubnetIds\[0\] = "subnet-0123456789abcdef0": is in vpc-0ffffffffffffffff, not in existingVpcId vpc-0a1b2c3d4e5f60718/,
        },
        {
            title: "subnets all in one zone",
            variant: { oneZone: true },
            message: /existingPrivateSubnetIds = \[.*\]: are all in us-gov-west-1a; SageMaker needs private subnets in at least two availability zones/,
        },
    ];
    for (const c of cases) {
        it(`refuses ${c.title}, naming the setting, the value and the fix; no SageMaker resource is registered`, async () => {
            const { error, registered } = await failedRun("govcloud", EXISTING, { landingZone: c.variant });
            assert.equal(error.name, "SettingsError");
            assert.match(error.message, c.message);
            for (const type of SAGEMAKER) assert.ok(!registered.includes(type), `${type} was registered`);
        });
    }

    it("vpcCidr belongs to a VPC the stack creates: with an existing one it is refused, not ignored", async () => {
        const { error, registered } = await failedRun("govcloud", { ...EXISTING, vpcCidr: "10.20.0.0/16" }, {});
        assert.match(error.message, /sagemaker-llm:vpcCidr = "10\.20\.0\.0\/16": applies only to networkMode 'create'.*remove vpcCidr from the stack file/);
        assert.deepEqual(registered, []);
    });

    it("an id AWS does not know is the setting's problem, named with its value", async () => {
        const { error } = await failedRun("govcloud", EXISTING, {
            standIns: {
                call: (token, inputs, region) => {
                    if (token === "aws:ec2/getSubnet:getSubnet" && inputs.id === LANDING_ZONE.subnets[1]) throw lookupError("no matching EC2 Subnet found");
                    return landingZoneStandIns().call!(token, inputs, region);
                },
            },
        });
        assert.equal(error.name, "SettingsError");
        assert.match(error.message, /existingPrivateSubnetIds\[1\] = "subnet-0fedcba9876543210": names no subnet AWS knows in this account and region/);
    });

    it("offline, where the facts are unknown, the plan goes on and says which lookups it could not make", async () => {
        const run = await runRepoStack("govcloud", EXISTING);
        assert.equal(run.result.error, undefined);
        const tokens = run.result.invokes.filter((i) => i.answeredBy === "stand-in").map((i) => i.token);
        for (const token of ["aws:ec2/getVpc:getVpc", "aws:ec2/getSubnet:getSubnet", "aws:ec2/getRouteTables:getRouteTables"])
            assert.ok(tokens.includes(token), token);
    });
});

describe("weights from S3 must be staged before the model is created", function () {
    this.timeout(60_000);
    const empty: RepoRunOptions = {
        preview: false,
        standIns: { call: (token) => (token === "aws:s3/getObjects:getObjects" ? { id: "x", keys: [], commonPrefixes: [] } : undefined) },
    };

    it("at pulumi up, an empty weights prefix stops the program with the exact prefix and the staging command; no SageMaker resource is created", async () => {
        const { error, registered } = await failedRun("govcloud", {}, empty);
        assert.equal(error.name, "WeightsNotStagedError");
        assert.match(
            error.message,
            // The catalog id has dots, the deployment name dashes: the command must stage where the endpoint reads.
            /Model 'llama-3-1-8b-instruct' reads its weights from s3:\/\/artifacts-[0-9a-f]{7}\/models\/llama-3-1-8b-instruct\/, which holds no config\.json.*npm run stage-model -- --model llama-3\.1-8b-instruct --stack govcloud'/,
        );
        for (const type of SAGEMAKER) assert.ok(!registered.includes(type), `${type} was registered`);
        assert.ok(registered.includes(T.bucket), "the bucket is created, so the weights can be staged");
    });

    it("a deployment named apart from its model gets its own --name in the command", async () => {
        const { error } = await failedRun("commercial", { models: [{ id: "mistral-7b-instruct", name: "chat" }] }, empty);
        assert.match(error.message, /npm run stage-model -- --model mistral-7b-instruct --name chat --stack commercial/);
    });

    it("in a first preview the bucket does not exist yet: nothing is looked up; once staged, the model reads the checked prefix", async () => {
        const preview = await runRepoStack("govcloud", {});
        assert.ok(!preview.result.invokes.some((i) => i.token === "aws:s3/getObjects:getObjects"));
        const g = await graphOf("govcloud", {}, { preview: false });
        const source = g.inputs(g.one(T.model)).primaryContainer.modelDataSource.s3DataSources[0];
        assert.match(source.s3Uri, /^s3:\/\/artifacts-[0-9a-f]{7}\/models\/llama-3-1-8b-instruct\/$/);
    });
});

describe("a deployment SageMaker rolls back fails pulumi up, and says how to keep what the endpoint still serves", function () {
    this.timeout(60_000);
    it("the endpoint reports its previous configuration: the program stops with the runbook", async () => {
        // What the provider records after a rollback: the endpoint back in service on its previous configuration.
        const rolledBack: RepoRunOptions = {
            preview: false,
            standIns: {
                resourceState: (type, _name, _inputs, state) =>
                    type === T.endpoint ? { ...state, endpointConfigName: "llama-3-1-8b-instruct-config-0previous" } : undefined,
            },
        };
        const { error } = await failedRun("govcloud", {}, rolledBack);
        assert.equal(error.name, "EndpointRolledBackError");
        assert.match(
            error.message,
            /Once the endpoint serves another configuration, delete the kept ones \('aws sagemaker describe-endpoint-config --endpoint-config-name llama-3-1-8b-instruct-config-0previous' names the model\)\.$/,
        );
        // An endpoint state that names no configuration (a provider's partial read) is not a rollback.
        const unnamed = await runRepoStack(
            "govcloud",
            {},
            {
                preview: false,
                standIns: { resourceState: (type, _name, _inputs, state) => (type === T.endpoint ? { ...state, endpointConfigName: "" } : undefined) },
            },
        );
        assert.equal(unnamed.result.error, undefined);
        assert.match(
            error.message,
            /Endpoint llama-3-1-8b-instruct-[a-z0-9]{8} did not move to endpoint configuration llama-3-1-8b-instruct-config-[0-9a-f]{7}: it serves llama-3-1-8b-instruct-config-0previous\. SageMaker rolled the update back/,
        );
        assert.match(
            error.message,
            /alarm llama-3-1-8b-instruct-rollback-[0-9a-f]{7} fired.*describe-endpoint --endpoint-name llama-3-1-8b-instruct-[a-z0-9]{8}.*FailureReason/,
        );
        // The next update would first delete what the endpoint still serves (pending deletion): the message says how to keep it.
        assert.match(
            error.message,
            /which Pulumi now holds as pending deletion and would delete at the start of the next 'pulumi up'\. Before that, keep them: 'pulumi stack export --file stack\.json'; remove the entries with "delete": true whose urn is urn:pulumi:govcloud::sagemaker-llm::sagemaker-llm:index:LlmEndpoint\$aws:sagemaker\/endpointConfiguration:EndpointConfiguration::llama-3-1-8b-instruct-config or urn:pulumi:govcloud::sagemaker-llm::sagemaker-llm:index:LlmEndpoint\$aws:sagemaker\/model:Model::llama-3-1-8b-instruct-model; 'pulumi stack import --file stack\.json'/,
        );
    });
});

describe("subnets go where every VPC endpoint service is offered", function () {
    this.timeout(60_000);
    it("the choice: requested zones are checked; otherwise the first zones offering every service; a service listing no zones does not restrict", () => {
        const services = [
            { serviceName: "com.amazonaws.r.sts", zones: ["ra", "rb", "rc"] },
            { serviceName: "com.amazonaws.r.sagemaker.runtime", zones: ["rb", "rc"] },
            { serviceName: "aws.sagemaker.r.notebook", zones: [] },
        ];
        assert.deepEqual(chooseZones(["ra", "rb", "rc"], services, [], 2), ["rb", "rc"]);
        assert.deepEqual(chooseZones(["ra", "rb", "rc"], services, ["rc", "rb"], 2), ["rc", "rb"]);
        assert.throws(
            () => chooseZones(["ra", "rb", "rc"], services, ["ra", "rb"], 2),
            /availabilityZones: ra does not offer com\.amazonaws\.r\.sagemaker\.runtime\. Choose zones that offer every VPC endpoint service the stack creates \(rb, rc\)/,
        );
        assert.throws(
            () => chooseZones(["ra", "rb", "rc"], services, [], 3),
            /Only 2 zone\(s\) offer every VPC endpoint service the stack creates, 3 are needed \(ra: not com\.amazonaws\.r\.sagemaker\.runtime; rb: all; rc: all\)/,
        );
    });

    it("a subnet's CIDR follows its zone, so moving a subnet to another zone never reuses a CIDR", () => {
        assert.deepEqual(["us-gov-west-1a", "us-gov-west-1b", "us-gov-west-1c"].map(zoneSlot), [0, 1, 2]);
        assert.throws(() => zoneSlot("us-east-1-bos-1z"), /no slot in the address plan/);
        assert.equal(zoneSlot("us-east-1h"), 7, "the last of the eight private slots");
        assert.throws(() => zoneSlot("us-east-1i"), /Zone us-east-1i has no slot in the address plan \(zones a to h\)/, "slot 8 is the first public one");
        assert.throws(() => zoneSlot("us-gov-west-1"), /no slot/, "a region, not a zone");
        // A /24 VPC splits into /28 subnets, the smallest AWS allows; a /25 cannot.
        assert.equal(cidrSubnet("10.1.2.0/24", 4, 1), "10.1.2.16/28");
        assert.throws(() => cidrSubnet("10.1.2.0/25", 4, 0), /10\.1\.2\.0\/25 is too small to split into \/29 subnets/);
    });

    it("the choice keeps to the count asked, and names a requested zone the region does not have", () => {
        const twoInC = [
            { serviceName: "com.amazonaws.r.sts", zones: ["rc"] },
            { serviceName: "com.amazonaws.r.logs", zones: ["rc"] },
        ];
        assert.throws(
            () => chooseZones(["ra", "rb", "rc"], twoInC, ["ra", "rb"], 2),
            /availabilityZones: ra does not offer com\.amazonaws\.r\.sts, com\.amazonaws\.r\.logs; rb does not offer com\.amazonaws\.r\.sts, com\.amazonaws\.r\.logs\. /,
        );
        assert.throws(() => chooseZones(["ra", "rb", "rc"], twoInC, [], 2), /\(ra: not com\.amazonaws\.r\.sts, com\.amazonaws\.r\.logs; rb: not .*; rc: all\)/);
        assert.throws(
            () => chooseZones(["ra", "rb"], twoInC, ["ra"], 1),
            /availabilityZones: ra does not offer com\.amazonaws\.r\.sts, com\.amazonaws\.r\.logs\. Choose zones that offer every VPC endpoint service the stack creates \(none do\), or leave availabilityZones empty\.$/,
            "no zone of the region offers them all",
        );
        const everywhere = [{ serviceName: "com.amazonaws.r.sts", zones: ["ra", "rb", "rc"] }];
        assert.deepEqual(chooseZones(["ra", "rb", "rc"], everywhere, [], 2), ["ra", "rb"]);
        assert.throws(
            () => chooseZones(["ra", "rb"], everywhere, ["ra", "rz"], 2),
            /^Error: availabilityZones: rz is not an available zone of the region \(ra, rb\)\. Choose zones that offer every VPC endpoint service the stack creates \(ra, rb\), or leave availabilityZones empty\.$/,
        );
    });

    it("the program looks every service up and puts the subnets in zones that offer them all", async () => {
        const runtime = "com.amazonaws.us-gov-west-1.sagemaker.runtime";
        const g = await graphOf(
            "govcloud",
            {},
            {
                standIns: {
                    call: (token, inputs, region) =>
                        token === "aws:ec2/getVpcEndpointService:getVpcEndpointService" && inputs.serviceName === runtime
                            ? { serviceName: runtime, availabilityZones: [`${region}b`, `${region}c`] }
                            : undefined,
                },
            },
        );
        assert.deepEqual(
            g.ofType(T.subnet).map((s) => `${String(s.inputs.availabilityZone)} ${String(s.inputs.cidrBlock)}`),
            ["us-gov-west-1b 10.80.16.0/20", "us-gov-west-1c 10.80.32.0/20"],
        );
    });

    it("a service the region does not offer stops the preview, naming it and the setting that chose it", async () => {
        const { error, registered } = await failedRun(
            "commercial",
            { fipsEndpoints: true },
            {
                standIns: {
                    call: (token, inputs) => {
                        if (token === "aws:ec2/getVpcEndpointService:getVpcEndpointService" && inputs.serviceName === "com.amazonaws.us-east-1.sts-fips") {
                            throw new Error("reading EC2 VPC Endpoint Services: couldn't find resource");
                        }
                        return undefined;
                    },
                },
            },
        );
        assert.match(
            error.message,
            /VPC endpoint service com\.amazonaws\.us-east-1\.sts-fips is not offered in us-east-1 to this account \(fipsEndpoints is true; set it to false to use the standard services\)/,
        );
        for (const type of [T.subnet, ...SAGEMAKER]) assert.ok(!registered.includes(type), `${type} was registered`);
    });

    it("a failed service lookup says which service, and passes the provider's reason on; FIPS advice only when FIPS services were asked for", () => {
        // Under the mock runtime a failed lookup reaches the program without a message, so the wording is checked here.
        const reason = new Error("reading EC2 VPC Endpoint Services: couldn't find resource");
        assert.equal(
            unofferedServiceError("com.amazonaws.us-east-1.sts", "us-east-1", false, reason).message,
            "VPC endpoint service com.amazonaws.us-east-1.sts is not offered in us-east-1 to this account: reading EC2 VPC Endpoint Services: couldn't find resource",
        );
        assert.equal(
            unofferedServiceError("com.amazonaws.us-east-1.sts-fips", "us-east-1", true, new Error("")).message,
            "VPC endpoint service com.amazonaws.us-east-1.sts-fips is not offered in us-east-1 to this account (fipsEndpoints is true; set it to false to use the standard services).",
        );
    });

    it("a service whose lookup lists no zones (as GovCloud's answers do) restricts none: the subnets take the first zones", async () => {
        const g = await graphOf(
            "govcloud",
            {},
            {
                standIns: {
                    call: (token, inputs) =>
                        token === "aws:ec2/getVpcEndpointService:getVpcEndpointService" ? { serviceName: inputs.serviceName } : undefined,
                },
            },
        );
        assert.deepEqual(
            g.ofType(T.subnet).map((s) => s.inputs.availabilityZone),
            ["us-gov-west-1a", "us-gov-west-1b"],
        );
    });

    it("FIPS endpoint services per partition: the commercial -fips services; in GovCloud only kms-fips (the others' standard hosts are FIPS)", async () => {
        const names = (g: Graph) => g.ofType(T.vpcEndpoint).map((e) => String(e.inputs.serviceName).split(".").slice(3).join("."));
        const commercial = names(await graphOf("commercial", { fipsEndpoints: true }));
        for (const fips of ["sagemaker.api-fips", "sagemaker.runtime-fips", "sts-fips", "kms-fips"]) assert.ok(commercial.includes(fips), fips);
        const govcloud = names(await graphOf("govcloud"));
        assert.deepEqual(
            govcloud.filter((n) => n.endsWith("-fips")),
            ["kms-fips"],
        );
    });
});

describe("the order a real create needs", function () {
    this.timeout(60_000);
    let g: Graph;
    before(async () => (g = await graphOf("govcloud")));
    const dependencies = (type: string, name = "") => {
        const r = g.one(type, name);
        return new Set(r.dependencies.map((urn) => `${g.byUrn(urn)!.type.split(":").pop()} ${g.byUrn(urn)!.name}`));
    };

    it("the model waits for its role policy, its security-group rules and every VPC endpoint (S3 gateway included)", () => {
        const deps = dependencies(T.model);
        for (const d of [
            "RolePolicy llama-3-1-8b-instruct-execution",
            "SecurityGroupEgressRule llama-3-1-8b-instruct-model-endpoints",
            "SecurityGroupEgressRule llama-3-1-8b-instruct-model-s3",
            "SecurityGroupIngressRule llama-3-1-8b-instruct-model-self",
            "VpcEndpoint network-s3",
            "VpcEndpoint network-ecr-dkr",
            "VpcEndpoint network-logs",
        ])
            assert.ok(deps.has(d), d);
    });

    it("the notebook waits for its role policy, its security-group rules and the SageMaker endpoints; the flow log for its role policy", () => {
        const notebook = dependencies(T.notebook);
        for (const d of [
            "RolePolicy research-role",
            "SecurityGroupEgressRule research-endpoints",
            "SecurityGroupEgressRule research-s3",
            "VpcEndpoint network-sagemaker-notebook",
            "VpcEndpoint network-sagemaker-api",
        ])
            assert.ok(notebook.has(d), d);
        assert.ok(dependencies(T.flowLog).has("RolePolicy network-flow-logs"));
    });
});

describe("first deployment without models, then with them", function () {
    this.timeout(60_000);
    it("modelsEnabled false creates the network, key and bucket only, and still says where each model's weights go", async () => {
        const run = await runRepoStack("govcloud", { modelsEnabled: false }, { preview: false });
        assert.equal(run.result.error, undefined);
        const g = new Graph(run.result.resources);
        for (const type of SAGEMAKER) assert.equal(g.ofType(type).length, 0, type);
        for (const type of [T.key, T.bucket, "aws:ec2/vpc:Vpc", T.vpcEndpoint]) assert.ok(g.ofType(type).length > 0, type);
        const [deployment] = run.result.stackOutputs.llmEndpoints as { name: string; weightsS3Uri: string; endpointName?: string }[];
        assert.equal(deployment.name, "llama-3-1-8b-instruct");
        assert.match(deployment.weightsS3Uri, /^s3:\/\/artifacts-[0-9a-f]{7}\/models\/llama-3-1-8b-instruct\/$/);
        assert.equal(deployment.endpointName, undefined);
        assert.ok(!run.result.invokes.some((i) => i.token === "aws:s3/getObjects:getObjects"), "no weights are required yet");
    });
});

describe("what a destroy keeps", function () {
    this.timeout(60_000);
    const retained = (g: Graph) =>
        g.programResources
            .filter((r) => r.options.retainOnDelete)
            .map((r) => `${r.type.split(":").pop()} ${r.name}`)
            .sort();

    it("by default the key, the bucket with every guard, and the log groups, together; the alias goes", async () => {
        const g = await graphOf("govcloud");
        assert.deepEqual(retained(g), [
            "Bucket artifacts",
            "BucketOwnershipControls artifacts-ownership",
            "BucketPolicy artifacts-tls-only",
            "BucketPublicAccessBlock artifacts-public-access",
            "BucketServerSideEncryptionConfiguration artifacts-encryption",
            "BucketVersioning artifacts-versioning",
            "Key stack-key",
            "LogGroup llama-3-1-8b-instruct-logs",
            "LogGroup network-flow-logs",
        ]);
        assert.equal(g.one(T.bucket).inputs.forceDestroy, false);
    });

    it("retainDataOnDestroy false keeps nothing: the bucket is emptied of every version and deleted", async () => {
        const g = await graphOf("govcloud", { retainDataOnDestroy: false });
        assert.deepEqual(retained(g), []);
        assert.equal(g.one(T.bucket).inputs.forceDestroy, true);
    });
});
