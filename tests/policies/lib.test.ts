/**
 * The pack's shared reading of a stack (policies/lib/), called directly with resources shaped as the
 * analyzer gives them: the cases the stacks and fixtures do not produce (a provider's default tags as
 * the SDK sends them, a main route table made by association, a DNS suffix of another partition, an
 * endpoint configuration found by name, values unknown in preview).
 */
import { strict as assert } from "assert";
import { PolicyProviderResource } from "@pulumi/policy";
import { UNKNOWN } from "../../offline/mockRun";
import { configOfEndpoint, PRODUCTION_DEFAULTS, productionReason, scalingTargetsOf } from "../../policies/lib/availabilityScope";
import { stackOfUrn } from "../../policies/lib/urn";
import { regionOf } from "../../policies/lib/context";
import { renderPolicyTable } from "../../policies/lib/docs";
import { bucketsOf, companionsOf, COMPANION_TYPES, describeBucket } from "../../policies/lib/encryptionBuckets";
import { Guardrail } from "../../policies/lib/guardrail";
import { awsManagedPolicyName, principalsOf, serviceOfWildcardAction, statementsOf } from "../../policies/lib/iamDocuments";
import {
    containersOf,
    deploymentNameOf,
    ENDPOINT_CONFIG_TYPE,
    ENDPOINT_TYPE,
    engineOf,
    identifyModel,
    modelsServedBy,
    SCALING_TARGET_TYPE,
    tagValue,
    unidentifiedModelReason,
    variantsOf,
} from "../../policies/lib/instancesServing";
import {
    depsOf,
    internetRoutes,
    isWholeAddressSpace,
    knownId,
    knownStrings,
    linked,
    looksLikeInternetGatewayId,
    mustKnow,
    NET,
    routeTablesOf,
} from "../../policies/lib/networkGraph";
import { referenceProblem, referencesIn, stringsIn } from "../../policies/lib/partitionReferences";
import { compilePatterns, modelEnvironment } from "../../policies/lib/secretsCredentials";
import { hubContainers } from "../../policies/lib/modelWeights";
import { defaultTagsOfBlock, rawTagMap } from "../../policies/lib/tagsEffective";
import { Deferrals, isUnset } from "../../policies/lib/values";
import { subnetProblems } from "../../policies/network/sagemakerWorkloadSubnetsPrivate";
import { policyResource } from "./assertions";
import { freshRequire } from "../freshModules";

/** A value unknown in preview, as the engine sends it (and the mocks capture it). */
const UNKNOWN_STRING = UNKNOWN;

function awsProvider(defaultTags: unknown): PolicyProviderResource {
    return {
        type: "pulumi:providers:aws",
        name: "aws",
        urn: "urn:pulumi:dev::project::pulumi:providers:aws::aws",
        props: { region: "us-east-1", defaultTags },
    };
}

describe("the pack's shared reading of a stack (policies/lib)", () => {
    describe("the environment a resource belongs to, as the AWS provider merges its tags", () => {
        const urn = "urn:pulumi:dev::project::aws:sagemaker/endpoint:Endpoint::llm";
        const noStackTags = new Map<string, string>();
        const production = { tags: { Environment: "production" } };

        it("the provider's default tags, as JSON text (the SDK's form for an explicit provider), as an object, or as Terraform's one-element list", () => {
            for (const defaultTags of [JSON.stringify(production), production, [production]]) {
                assert.equal(
                    productionReason({ urn, props: {}, provider: awsProvider(defaultTags) }, noStackTags, PRODUCTION_DEFAULTS),
                    "tag Environment=production",
                    JSON.stringify(defaultTags),
                );
            }
        });

        it("the resource's own tag wins over tagsAll and the provider's default, as the provider merges them", () => {
            const provider = awsProvider(JSON.stringify(production));
            assert.equal(productionReason({ urn, props: { tags: { Environment: "dev" } }, provider }, noStackTags, PRODUCTION_DEFAULTS), undefined);
            assert.equal(productionReason({ urn, props: { tagsAll: { Environment: "dev" } }, provider }, noStackTags, PRODUCTION_DEFAULTS), undefined);
            assert.equal(
                productionReason({ urn, props: { tags: { Environment: "Prod" }, tagsAll: { Environment: "dev" } } }, noStackTags, PRODUCTION_DEFAULTS),
                "tag Environment=Prod",
            );
        });

        it("an own tag unknown in preview is not replaced by the provider's default; another provider's tags are not AWS default tags", () => {
            assert.equal(
                productionReason(
                    { urn, props: { tags: { Environment: UNKNOWN_STRING } }, provider: awsProvider(production) },
                    noStackTags,
                    PRODUCTION_DEFAULTS,
                ),
                undefined,
            );
            const other = { ...awsProvider(production), type: "pulumi:providers:azure-native" };
            assert.equal(productionReason({ urn, props: {}, provider: other }, noStackTags, PRODUCTION_DEFAULTS), undefined);
            // Unknown default tags, or text that is not JSON, give no environment (nothing is read through the proxy).
            assert.equal(productionReason({ urn, props: {}, provider: awsProvider(UNKNOWN_STRING) }, noStackTags, PRODUCTION_DEFAULTS), undefined);
            assert.equal(productionReason({ urn, props: {}, provider: awsProvider("{not json") }, noStackTags, PRODUCTION_DEFAULTS), undefined);
        });
    });

    describe("the containers that download weights from the Hub", () => {
        it("a container with model data from S3 is not asked about: its environment, unknown in preview, defers nothing", () => {
            const fromS3 = new Deferrals();
            assert.deepEqual(hubContainers({ name: "m", props: { primaryContainer: { modelDataUrl: "s3://b/k/", environment: UNKNOWN_STRING } } }, fromS3), []);
            assert.equal(fromS3.pending, false);
            const fromHub = new Deferrals();
            assert.deepEqual(hubContainers({ name: "h", props: { primaryContainer: { environment: UNKNOWN_STRING } } }, fromHub), []);
            assert.equal(fromHub.pending, true, "without S3 data the environment decides, so it waits for the update");
        });
    });

    describe("tag maps", () => {
        it("values that are not strings are written as text; absent ones are dropped; unknown ones are kept as unknown", () => {
            assert.deepEqual(rawTagMap({ Count: 3, Enabled: true, Gone: null, Owner: "ml-platform" }), { Count: "3", Enabled: "true", Owner: "ml-platform" });
            assert.equal(Object.keys(rawTagMap({ Owner: UNKNOWN_STRING })!).length, 1);
            assert.equal(typeof rawTagMap({ Owner: UNKNOWN_STRING })!.Owner, "symbol");
        });

        it("a tags value that is not a map is no tags", () => {
            for (const value of ['{"Owner":"me"}', ["Owner"], null, undefined, 5]) assert.equal(rawTagMap(value), undefined, JSON.stringify(value));
        });

        it("default tags that are malformed, empty or unknown are none (their shapes: tests/policies/tags.test.ts)", () => {
            for (const value of ["{not json", "{}", "[]", "", null, undefined, UNKNOWN_STRING, ['{"tags":{"Owner":"me"}}']])
                assert.deepEqual(defaultTagsOfBlock(value), {}, JSON.stringify(value));
        });
    });

    describe("where a resource is", () => {
        it("its own region (a per-resource region) before its provider's; an unknown one is not known", () => {
            assert.equal(regionOf({ region: "us-west-2" }, awsProvider(undefined)), "us-west-2");
            assert.equal(regionOf({ region: UNKNOWN_STRING }, awsProvider(undefined)), "us-east-1");
            assert.equal(regionOf({}, { ...awsProvider(undefined), props: { region: UNKNOWN_STRING } }), undefined);
        });
    });

    describe("S3 buckets and their companions", () => {
        it("the V2 resource types count as the bucket and its encryption and versioning settings", () => {
            const bucket = policyResource("aws:s3/bucketV2:BucketV2", "data");
            const sse = policyResource(
                "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
                "sse",
                {},
                { bucket: [bucket] },
            );
            const versioning = policyResource("aws:s3/bucketVersioningV2:BucketVersioningV2", "versioning", {}, { bucket: [bucket] });
            const all = [bucket, sse, versioning];
            assert.deepEqual(bucketsOf(all), [bucket]);
            assert.deepEqual(companionsOf(bucket, all, COMPANION_TYPES.encryption), [sse]);
            assert.deepEqual(companionsOf(bucket, all, COMPANION_TYPES.versioning), [versioning]);
        });

        it("at pulumi up a companion may name the bucket by its id alone (no dependency); a bucket is described by its Pulumi name and, when known, its S3 name", () => {
            const byId = policyResource("aws:s3/bucket:Bucket", "logs", { id: "logs-0a1b2c" });
            const policy = policyResource("aws:s3/bucketPolicy:BucketPolicy", "logs-policy", { bucket: "logs-0a1b2c" });
            assert.deepEqual(companionsOf(byId, [byId, policy], COMPANION_TYPES.policy), [policy]);
            assert.equal(describeBucket(byId), "Bucket 'logs'");
            assert.equal(describeBucket(policyResource("aws:s3/bucket:Bucket", "data", { bucket: "data-bucket" })), "Bucket 'data' (data-bucket)");
        });
    });

    describe("route tables", () => {
        it("a subnet setting written as text (as YAML programs give it) counts", () => {
            assert.deepEqual(subnetProblems(policyResource(NET.subnet, "text", { mapPublicIpOnLaunch: "true" }), []), ["mapPublicIpOnLaunch is true"]);
        });

        it("a subnet without an association uses its VPC's main route table, including one made main by aws.ec2.MainRouteTableAssociation", () => {
            const vpc = policyResource(NET.vpc, "vpc");
            const table = policyResource(NET.routeTable, "public", { routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: "igw-0123456789abcdef0" }] });
            const other = policyResource(NET.routeTable, "other");
            const main = policyResource(NET.mainRouteTableAssociation, "main", {}, { vpcId: [vpc], routeTableId: [table] });
            const subnet = policyResource(NET.subnet, "private-0", { mapPublicIpOnLaunch: false }, { vpcId: [vpc] });
            const all = [vpc, table, other, main, subnet];
            assert.deepEqual(routeTablesOf(subnet, all), [vpc, table]);
            assert.deepEqual(subnetProblems(subnet, all), ["route table public (RouteTable) sends 0.0.0.0/0 to an internet gateway, routes[0].cidrBlock"]);
            // An association for another VPC makes no table main for this one.
            const elsewhere = policyResource(
                NET.mainRouteTableAssociation,
                "elsewhere",
                {},
                { vpcId: [policyResource(NET.vpc, "other-vpc")], routeTableId: [other] },
            );
            assert.deepEqual(routeTablesOf(subnet, [vpc, other, elsewhere, subnet]), [vpc]);
            // Each VPC's aws.ec2.DefaultRouteTable is main for that VPC only.
            const own = policyResource(NET.defaultRouteTable, "own", {}, { defaultRouteTableId: [vpc] });
            const theirs = policyResource(NET.defaultRouteTable, "theirs", {}, { defaultRouteTableId: [policyResource(NET.vpc, "other-vpc")] });
            assert.deepEqual(routeTablesOf(subnet, [vpc, own, theirs, subnet]), [vpc, own]);
        });
    });

    describe("routes to an internet gateway", () => {
        const igw = policyResource(NET.internetGateway, "igw");
        const nat = policyResource(NET.natGateway, "nat");
        const defaultRoute = { cidrBlock: "0.0.0.0/0", gatewayId: UNKNOWN_STRING };

        it("a gateway id is the stack's internet gateway by its known id; another AWS id is no internet gateway, even with a dependency on one", () => {
            const igw = policyResource(NET.internetGateway, "igw", { id: "gateway-of-the-stack" });
            const table = (gatewayId: string) => policyResource(NET.routeTable, "t", { routes: [{ cidrBlock: "0.0.0.0/0", gatewayId }] }, { routes: [igw] });
            assert.deepEqual(
                internetRoutes(table("gateway-of-the-stack"), [igw]).map((r) => r.where),
                ["routes[0].cidrBlock"],
            );
            const literal = policyResource(NET.routeTable, "t", { routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: "gateway-of-the-stack" }] });
            assert.equal(internetRoutes(literal, [igw]).length, 1, "by id alone, without a dependency");
            assert.deepEqual(internetRoutes(table("vgw-0123456789abcdef0"), [igw]), []);
            // Not the shape of an AWS id (hex digits to the end): the dependency decides.
            assert.equal(internetRoutes(table("vgw-0123456789abcdef0x"), [igw]).length, 1);
            // A gateway id of no internet gateway in the stack, without a dependency on one, is none (the stack having none at all).
            assert.deepEqual(
                internetRoutes(policyResource(NET.routeTable, "t", { routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: "custom-gateway" }] }), []),
                [],
            );
        });

        it("with the routes depending on an internet gateway, a route with no gateway (a NAT route), an empty one or 'local' is still none", () => {
            const table = policyResource(
                NET.routeTable,
                "t",
                {
                    routes: [
                        { cidrBlock: "0.0.0.0/0", natGatewayId: "nat-0123456789abcdef0" },
                        { ipv6CidrBlock: "::/0", gatewayId: "" },
                        { cidrBlock: "0.0.0.0/0", gatewayId: "local" },
                        { ipv6CidrBlock: "::/0", gatewayId: UNKNOWN_STRING },
                    ],
                },
                { routes: [igw] },
            );
            assert.deepEqual(
                internetRoutes(table, [igw]).map((r) => r.where),
                ["routes[3].ipv6CidrBlock"],
            );
        });

        it("a whole address space is any /0 (white space around it aside); an internet gateway id is igw- and hex digits, nothing before or after", () => {
            assert.deepEqual(["0.0.0.0/0", " ::/0 ", "10.0.0.0/8", "0.0.0.0/0 x", 0].map(isWholeAddressSpace), [true, true, false, false, false]);
            assert.deepEqual(["igw-0a1b2c3d", "xigw-0a1b2c3d", "igw-0a1b2c3d/x", "igw-", "vgw-0a1b2c3d"].map(looksLikeInternetGatewayId), [
                true,
                false,
                false,
                false,
                false,
            ]);
        });

        it("a gateway unknown in preview is an internet gateway when the property depends on one, not when it depends on another kind", () => {
            const table = (dependsOn: ReturnType<typeof policyResource>) =>
                policyResource(NET.routeTable, "t", { routes: [null, "x", defaultRoute] }, { routes: [dependsOn] });
            assert.deepEqual(
                internetRoutes(table(igw), [igw, nat]).map((r) => r.where),
                ["routes[2].cidrBlock"],
            );
            assert.deepEqual(internetRoutes(table(nat), [igw, nat]), []);
            const vpc = policyResource(NET.vpc, "vpc");
            const route = (dependsOn: ReturnType<typeof policyResource>) =>
                policyResource(
                    NET.route,
                    "r",
                    { destinationCidrBlock: "0.0.0.0/0", gatewayId: UNKNOWN_STRING },
                    { routeTableId: [vpc], gatewayId: [dependsOn] },
                );
            assert.deepEqual(
                internetRoutes(vpc, [vpc, igw, route(igw)]).map((r) => r.where),
                ["destinationCidrBlock"],
            );
            assert.deepEqual(internetRoutes(vpc, [vpc, nat, route(nat)]), []);
        });

        it("a subnet without an association names its VPC's main route table as such", () => {
            const vpc = policyResource(NET.vpc, "vpc");
            const route = policyResource(NET.route, "r", { destinationCidrBlock: "0.0.0.0/0", gatewayId: "igw-0123456789abcdef0" }, { routeTableId: [vpc] });
            const subnet = policyResource(NET.subnet, "s", {}, { vpcId: [vpc] });
            assert.deepEqual(subnetProblems(subnet, [vpc, igw, route, subnet]), [
                "the main route table of vpc (Vpc) sends 0.0.0.0/0 to an internet gateway (r (Route)), destinationCidrBlock",
            ]);
        });

        it("routes or a destination unknown in preview are absent where no analyzer defers them (the analyzer's proxy does: tests/policies/network.test.ts)", () => {
            const table = (props: Record<string, unknown>) => policyResource(NET.routeTable, "t", props, { routes: [igw] });
            assert.deepEqual(internetRoutes(table({ routes: UNKNOWN_STRING }), [igw]), []);
            assert.deepEqual(
                internetRoutes(table({ routes: [{ cidrBlock: UNKNOWN_STRING, ipv6CidrBlock: "::/0", gatewayId: "igw-0123456789abcdef0" }] }), [igw]).map(
                    (r) => r.where,
                ),
                ["routes[0].ipv6CidrBlock"],
            );
        });
    });

    describe("links between resources", () => {
        it("the known strings of a value skip unknown, empty and non-string elements; a known id is a non-empty known string", () => {
            assert.deepEqual(knownStrings(["sg-1", "", 5, null, UNKNOWN_STRING, "sg-2"]), ["sg-1", "sg-2"]);
            assert.deepEqual(knownStrings("sg-1"), ["sg-1"]);
            assert.deepEqual(knownStrings(UNKNOWN_STRING), []);
            const withId = (id: unknown) => knownId(policyResource(NET.subnet, "s", { id }));
            assert.deepEqual(
                [withId("subnet-1"), withId(""), withId(UNKNOWN_STRING), withId(5), withId(undefined)],
                ["subnet-1", undefined, undefined, undefined, undefined],
            );
        });

        it("a property links to a resource by dependency, or by the resource's known id (a literal id, as at pulumi up); nothing else links", () => {
            const subnet = policyResource(NET.subnet, "private-0", { id: "subnet-0123456789abcdef0" });
            const byDependency = policyResource(NET.routeTableAssociation, "a", { subnetId: UNKNOWN_STRING }, { subnetId: [subnet] });
            const byId = policyResource(NET.routeTableAssociation, "b", { subnetId: "subnet-0123456789abcdef0" });
            const other = policyResource(NET.routeTableAssociation, "c", { subnetId: "subnet-0fedcba9876543210" });
            assert.deepEqual(
                [byDependency, byId, other].map((a) => linked(a, "subnetId", subnet)),
                [true, true, false],
            );
            // Without an id, an unset property does not match it.
            assert.equal(linked(policyResource(NET.routeTableAssociation, "d"), "subnetId", policyResource(NET.subnet, "no-id")), false);
            assert.deepEqual(depsOf(other, "subnetId"), []);
            assert.deepEqual(depsOf(byDependency, "subnetId"), [subnet]);
        });

        it("a nested read stops at an unset value instead of failing", () => {
            assert.equal(mustKnow({ routes: [null] }, "routes", 0, "cidrBlock"), undefined);
            assert.equal(mustKnow(undefined, "routes"), undefined);
            assert.equal(mustKnow({ routes: [{ cidrBlock: "0.0.0.0/0" }] }, "routes", 0, "cidrBlock"), "0.0.0.0/0");
        });
    });

    describe("IAM policy documents", () => {
        it("statements of a document, as JSON text or an object: one statement or a list, entries that are no object skipped", () => {
            const statement = { Effect: "Allow", Action: "s3:GetObject", Resource: "*" };
            assert.deepEqual(statementsOf(JSON.stringify({ Statement: statement })), [statement]);
            assert.deepEqual(statementsOf({ Statement: [null, "s3:*", statement] }), [statement]);
            assert.deepEqual(statementsOf({ Version: "2012-10-17" }), []);
        });

        it("a wildcard action grants a whole service (any case, white space around it, one or more *); a family of actions does not", () => {
            assert.deepEqual(["*", " S3:* ", "s3:**", "*:*"].map(serviceOfWildcardAction), ["*", "s3", "s3", "*"]);
            assert.deepEqual(["s3:Get*", "s3:*Object", "s3:Get:*", "s3"].map(serviceOfWildcardAction), [undefined, undefined, undefined, undefined]);
        });

        it("principals as type and value: none when unset, '*' for a bare string, '?' for a value of no principal shape", () => {
            assert.deepEqual(principalsOf(undefined), []);
            assert.deepEqual(principalsOf("*"), [{ type: "*", value: "*" }]);
            assert.deepEqual(principalsOf(["a"]), [{ type: "?", value: '["a"]' }]);
            assert.deepEqual(principalsOf(5), [{ type: "?", value: "5" }]);
            assert.deepEqual(principalsOf({ AWS: ["arn:aws:iam::111122223333:root", 7] }), [
                { type: "AWS", value: "arn:aws:iam::111122223333:root" },
                { type: "AWS", value: "7" },
            ]);
        });

        it("an AWS managed policy's name from its ARN in any partition, with or without a path; nothing else is one", () => {
            assert.equal(awsManagedPolicyName("arn:aws-us-gov:iam::aws:policy/AdministratorAccess"), "AdministratorAccess");
            assert.equal(awsManagedPolicyName(" arn:aws:iam::aws:policy/service-role/AmazonSageMakerFullAccess "), "AmazonSageMakerFullAccess");
            assert.equal(awsManagedPolicyName("arn:aws:iam::aws:policy/ReadOnlyAccess and more"), undefined, "the name runs to the end");
            assert.equal(awsManagedPolicyName("arn:aws:iam::111122223333:policy/AdministratorAccess"), undefined);
            assert.equal(awsManagedPolicyName("x-arn:aws:iam::aws:policy/AdministratorAccess"), undefined);
        });

        it("a value that is no document object is a document error, as is text that is not JSON", () => {
            for (const value of ["[]", "42", "null", [], 42, null])
                assert.throws(() => statementsOf(value), { name: "Error", message: "is not a policy document object" }, JSON.stringify(value));
            assert.throws(() => statementsOf("{ not json"), /^Error: is not valid JSON \(/);
        });
    });

    describe("references to another partition or region", () => {
        it("strings of a value with their paths: JSON documents in strings (after white space) are walked; a JSON string value is not; null and other scalars hold none", () => {
            assert.deepEqual(stringsIn({ a: null, b: 5, c: [' {"Resource": "arn:aws:s3:::x"} ', "plain"], d: '"a{b"', e: UNKNOWN_STRING }, "policy"), [
                { path: "policy.c[0](json).Resource", value: "arn:aws:s3:::x" },
                { path: "policy.c[1]", value: "plain" },
                { path: "policy.d", value: '"a{b"' },
            ]);
        });

        it("references in a string: an ECR image (with or without a repository) is one reference, not also a host; hosts before and after it are found", () => {
            const text =
                "s3.us-west-2.amazonaws.com, 123456789012.dkr.ecr.us-east-1.amazonaws.com/huggingface-vllm:1, sts.us-gov-west-1.amazonaws.com, 210987654321.dkr.ecr.eu-west-1.amazonaws.com";
            assert.deepEqual(
                referencesIn(text).map((r) => [r.kind, r.region, r.account, r.repository]),
                [
                    ["ECR registry", "us-east-1", "123456789012", "huggingface-vllm"],
                    ["ECR registry", "eu-west-1", "210987654321", undefined],
                    ["service endpoint or principal", "us-west-2", undefined, undefined],
                    ["service endpoint or principal", "us-gov-west-1", undefined, undefined],
                ],
            );
        });

        it("an ARN of another partition names both partitions", () => {
            const [ref] = referencesIn("arn:aws:s3:::bucket/key");
            assert.equal(referenceProblem(ref, "aws-us-gov", "us-gov-west-1"), "is in partition 'aws', not AWS GovCloud (US)'s 'aws-us-gov'");
        });

        it("an engine image from the registry account of other regions names them, up to three", () => {
            const ref = {
                kind: "ECR registry" as const,
                text: "763104351884.dkr.ecr.us-gov-west-1.amazonaws.com/huggingface-pytorch-tgi-inference:x",
                account: "763104351884",
                region: "us-gov-west-1",
                dnsSuffix: "amazonaws.com",
                repository: "huggingface-pytorch-tgi-inference",
            };
            assert.equal(
                referenceProblem(ref, "aws-us-gov", "us-gov-west-1"),
                "pulls huggingface-pytorch-tgi-inference from account 763104351884, the Hugging Face image registry of us-east-1, us-east-2, us-west-1, ...; in us-gov-west-1 it is 442386744353",
            );
            assert.equal(
                referenceProblem({ ...ref, account: "442386744353", region: "us-east-1" }, "aws", "us-east-1"),
                "pulls huggingface-pytorch-tgi-inference from account 442386744353, the Hugging Face image registry of us-gov-west-1; in us-east-1 it is 763104351884",
            );
        });

        it("a host of the right region under another partition's DNS suffix", () => {
            const ref = {
                kind: "service endpoint or principal" as const,
                text: "sagemaker.us-east-1.amazonaws.com.cn",
                region: "us-east-1",
                dnsSuffix: "amazonaws.com.cn",
            };
            assert.equal(referenceProblem(ref, "aws", "us-east-1"), "uses DNS suffix amazonaws.com.cn, not AWS commercial's amazonaws.com");
            assert.equal(referenceProblem({ ...ref, dnsSuffix: "amazonaws.com" }, "aws", "us-east-1"), undefined);
        });
    });

    describe("an endpoint's configuration", () => {
        const configs = [
            policyResource("aws:sagemaker/endpointConfiguration:EndpointConfiguration", "a", { name: "cfg-a" }),
            policyResource("aws:sagemaker/endpointConfiguration:EndpointConfiguration", "b", { name: "cfg-b" }),
        ];

        it("without a dependency, the configuration whose name the endpoint gives; none for a name outside the stack", () => {
            const deferrals = new Deferrals();
            assert.equal(
                configOfEndpoint(policyResource("aws:sagemaker/endpoint:Endpoint", "e", { endpointConfigName: "cfg-b" }), configs, deferrals),
                configs[1],
            );
            assert.equal(
                configOfEndpoint(policyResource("aws:sagemaker/endpoint:Endpoint", "e", { endpointConfigName: "cfg-elsewhere" }), configs, deferrals),
                undefined,
            );
            assert.equal(deferrals.pending, false);
        });

        it("a dependency on something other than a configuration (a generated name) does not stand for it; neither does another type of the same name, nor a configuration without a name", () => {
            const deferrals = new Deferrals();
            const candidates = [policyResource(ENDPOINT_CONFIG_TYPE, "unnamed"), policyResource(ENDPOINT_CONFIG_TYPE, "a", { name: "cfg-a" })];
            const generated = policyResource("random:index/randomPet:RandomPet", "suffix");
            const endpoint = policyResource(ENDPOINT_TYPE, "e", { endpointConfigName: "cfg-a" }, { endpointConfigName: [generated] });
            assert.equal(configOfEndpoint(endpoint, candidates, deferrals), candidates[1]);
            const sameName = policyResource("aws:sagemaker/model:Model", "m", { name: "cfg-a" });
            assert.equal(
                configOfEndpoint(policyResource(ENDPOINT_TYPE, "e", { endpointConfigName: "cfg-a" }), [sameName, ...candidates], deferrals),
                candidates[1],
            );
            assert.equal(configOfEndpoint(policyResource(ENDPOINT_TYPE, "e"), candidates, deferrals), undefined);
        });

        it("a name unknown in preview is recorded, so the policy reports itself not run", () => {
            const deferrals = new Deferrals();
            assert.equal(
                configOfEndpoint(policyResource("aws:sagemaker/endpoint:Endpoint", "e", { endpointConfigName: UNKNOWN_STRING }), configs, deferrals),
                undefined,
            );
            assert.throws(() => deferrals.settle(), /\[not checked: e\.endpointConfigName\]/);
        });
    });

    describe("the models and containers an endpoint configuration serves", () => {
        const MODEL = "aws:sagemaker/model:Model";
        const config = (variants: unknown[], dependsOn: ReturnType<typeof policyResource>[] = []) =>
            policyResource(ENDPOINT_CONFIG_TYPE, "cfg", { productionVariants: variants }, { productionVariants: dependsOn });
        const served = (cfg: ReturnType<typeof policyResource>, resources: ReturnType<typeof policyResource>[]) => {
            const deferrals = new Deferrals();
            const names = modelsServedBy(cfg, resources, deferrals).map((s) => `${s.variant.label}:${s.model.name}`);
            let deferred = "";
            try {
                deferrals.settle();
            } catch (err) {
                deferred = (err as Error).message;
            }
            return { names, deferred };
        };
        const chat = policyResource(MODEL, "chat", { name: "chat-1234" });
        const code = policyResource(MODEL, "code", { name: "code-5678" });
        const key = policyResource("aws:kms/key:Key", "key");

        it("a known modelName is matched by the Model's name, never by another type's; a name matching none is a Model made elsewhere", () => {
            const namesake = policyResource("aws:sagemaker/endpoint:Endpoint", "namesake", { name: "code-5678" });
            assert.deepEqual(served(config([{ modelName: "code-5678" }, { modelName: "chat-1234" }]), [namesake, chat, code]).names, [
                "productionVariants[0]:code",
                "productionVariants[1]:chat",
            ]);
            assert.deepEqual(served(config([{ modelName: "elsewhere" }, { modelName: "chat-1234" }], [chat]), [chat]).names, ["productionVariants[1]:chat"]);
        });

        it("a name unknown in preview: the one Model the variants depend on (other dependencies aside); with several, deferred; with none, nothing", () => {
            assert.deepEqual(served(config([{ modelName: UNKNOWN_STRING }], [key, chat]), [chat, code]), {
                names: ["productionVariants[0]:chat"],
                deferred: "",
            });
            // A single variant whose known name the stack's Models do not expose (a name the provider generates) takes its one dependency.
            assert.deepEqual(served(config([{ modelName: "generated" }], [chat]), [chat]).names, ["productionVariants[0]:chat"]);
            const several = served(config([{ modelName: UNKNOWN_STRING }], [chat, code]), [chat, code]);
            assert.deepEqual(several.names, []);
            assert.match(several.deferred, /\[not checked: cfg\.productionVariants\.0\.modelName \(2 models linked, name unknown\)\]/);
            assert.deepEqual(served(config([{}]), [policyResource(MODEL, "unnamed")]), { names: [], deferred: "" });
        });

        it("a known modelName matching none of two linked Models takes neither (only a single one stands for a generated name)", () => {
            assert.deepEqual(served(config([{ modelName: "generated" }], [chat, code]), [chat, code]).names, []);
        });

        it("variants: an unknown one is deferred, one that is no object is skipped; each list's by list and index", () => {
            const result = served(config([UNKNOWN_STRING, null, "x", { modelName: "chat-1234" }]), [chat]);
            assert.deepEqual(result.names, ["productionVariants[3]:chat"]);
            assert.match(result.deferred, /\[not checked: cfg\.productionVariants\.0\]/);
            const refs = variantsOf(
                "cfg",
                { productionVariants: [null, "x", { modelName: "a" }], shadowProductionVariants: [{ modelName: "b" }] },
                new Deferrals(),
            );
            assert.deepEqual(
                refs.map((r) => [r.label, r.path]),
                [
                    ["productionVariants[2]", "productionVariants.2"],
                    ["shadowProductionVariants[0]", "shadowProductionVariants.0"],
                ],
            );
        });

        it("containers: an unknown container or environment is deferred; one that is no object, or whose environment is none, is skipped", () => {
            const deferrals = new Deferrals();
            const model = policyResource(MODEL, "m", {
                primaryContainer: UNKNOWN_STRING,
                containers: [
                    null,
                    "x",
                    { image: "i", environment: UNKNOWN_STRING },
                    { environment: "text" },
                    { image: UNKNOWN_STRING, environment: { A: "1" } },
                ],
            });
            assert.deepEqual(containersOf(model, deferrals), [{ path: "containers.4", environment: { A: "1" }, image: undefined }]);
            assert.throws(() => deferrals.settle(), /\[not checked: m\.primaryContainer; m\.containers\.2\.environment\]/);
            const listUnknown = new Deferrals();
            assert.deepEqual(containersOf(policyResource(MODEL, "m", { containers: UNKNOWN_STRING }), listUnknown), []);
            assert.throws(() => listUnknown.settle(), /\[not checked: m\.containers\]/);
        });

        it("the deployment a Model belongs to: its resource name without the last -model", () => {
            assert.equal(deploymentNameOf("code-model-2-model"), "code-model-2");
            assert.equal(deploymentNameOf("chat"), "chat");
        });

        it("a Model's tag: from tags, then tagsAll; an empty or unknown value is none", () => {
            assert.equal(tagValue({ tags: { team: "a" }, tagsAll: { team: "b" } }, "team"), "a");
            assert.equal(tagValue({ tagsAll: { team: "ml" } }, "team"), "ml");
            assert.equal(tagValue({ tags: { team: "" }, tagsAll: { team: "ml" } }, "team"), "ml");
            assert.equal(tagValue({ tags: { team: UNKNOWN_STRING } }, "team"), undefined);
        });

        it("the engine of an image: an ECR image's repository, read from the start of the image", () => {
            const container = (image: string) => ({ path: "primaryContainer", environment: {}, image });
            assert.equal(engineOf(container("763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-vllm:x"))?.id, "vllm");
            assert.equal(engineOf(container("mirror.example.com/763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-vllm:x")), undefined);
        });
    });

    describe("which model a SageMaker Model holds", () => {
        const model = (name: string, tag?: string) => policyResource("aws:sagemaker/model:Model", name, tag ? { tags: { "sagemaker-llm:model": tag } } : {});
        const label = (name: string, modelRef: string, parameters: Record<string, number> = {}, tag?: string) =>
            identifyModel(model(name, tag), modelRef, parameters, "SM_VLLM_MODEL")?.label;

        it("a Hub id: the catalog entry, else a policy config modelParameters entry by that id", () => {
            assert.equal(label("m", "meta-llama/Llama-3.1-8B-Instruct"), "meta-llama/Llama-3.1-8B-Instruct (8.03B parameters, from SM_VLLM_MODEL)");
            assert.equal(
                label("m", "org/private-model", { "org/private-model": 7 }),
                "org/private-model (7B parameters, from policy config modelParameters, SM_VLLM_MODEL)",
            );
            assert.equal(label("m", "org/private-model"), undefined);
        });

        it("a local path (weights from S3): config by deployment, then by Model name, then the model tag (catalog or config), then the Model's name", () => {
            const local = "/opt/ml/model";
            assert.equal(label("chat-model", local, { chat: 13 }), "chat (13B parameters, from policy config modelParameters, deployment chat)");
            assert.equal(label("chat-model", local, { "chat-model": 13 }), "chat-model (13B parameters, from policy config modelParameters, model chat-model)");
            assert.equal(label("chat-model", local, {}, "qwen3-8b"), "Qwen/Qwen3-8B (8.2B parameters, from tag sagemaker-llm:model=qwen3-8b)");
            assert.equal(
                label("chat-model", local, { "in-house": 20 }, "in-house"),
                "in-house (20B parameters, from policy config modelParameters, tag sagemaker-llm:model)",
            );
            assert.equal(label("qwen3-8b-model", local), "Qwen/Qwen3-8B (8.2B parameters, catalog id from the model resource name qwen3-8b-model)");
            assert.equal(label("chat-model", local), undefined);
        });

        it("why a model is not identified, with the fix", () => {
            assert.equal(
                unidentifiedModelReason(model("chat-model"), "/opt/ml/model", "SM_VLLM_MODEL"),
                'SM_VLLM_MODEL=/opt/ml/model (weights from S3) does not say which model chat-model holds; set policy config modelParameters {"chat": <billions>} or tag the model sagemaker-llm:model=<catalog id>',
            );
            assert.equal(
                unidentifiedModelReason(model("chat-model"), "org/private-model", "SM_VLLM_MODEL"),
                `org/private-model is not in the pack's model catalog; set policy config modelParameters {"org/private-model": <billions>}`,
            );
        });
    });

    describe("an endpoint's scaling targets and its stack", () => {
        it("scaling targets: by dependency, or by a known resourceId naming the endpoint; not another endpoint's, another namespace's or another type's", () => {
            const endpoint = policyResource(ENDPOINT_TYPE, "e", { name: "llm" });
            const id = "endpoint/llm/variant/AllTraffic";
            const byName = policyResource(SCALING_TARGET_TYPE, "by-name", { serviceNamespace: "sagemaker", resourceId: id });
            const byDependency = policyResource(
                SCALING_TARGET_TYPE,
                "by-dependency",
                { serviceNamespace: "sagemaker", resourceId: UNKNOWN_STRING },
                { resourceId: [policyResource("aws:iam/role:Role", "role"), endpoint] },
            );
            const notAnId = policyResource(SCALING_TARGET_TYPE, "not-an-id", { serviceNamespace: "sagemaker", resourceId: `x-${id}` });
            const otherEndpoint = policyResource(SCALING_TARGET_TYPE, "other", {
                serviceNamespace: "sagemaker",
                resourceId: "endpoint/other/variant/AllTraffic",
            });
            const otherNamespace = policyResource(SCALING_TARGET_TYPE, "ecs", { serviceNamespace: "ecs", resourceId: id });
            // A namespace unknown in preview or unset does not rule a target out; a dependency on another endpoint does not link it.
            const namespaceUnknown = policyResource(SCALING_TARGET_TYPE, "ns-unknown", { serviceNamespace: UNKNOWN_STRING, resourceId: id });
            const namespaceUnset = policyResource(SCALING_TARGET_TYPE, "ns-unset", { resourceId: id });
            const elsewhere = policyResource(
                SCALING_TARGET_TYPE,
                "elsewhere",
                { serviceNamespace: "sagemaker", resourceId: UNKNOWN_STRING },
                { resourceId: [policyResource(ENDPOINT_TYPE, "other-endpoint")] },
            );
            const notATarget = policyResource(
                "aws:appautoscaling/policy:Policy",
                "policy",
                { serviceNamespace: "sagemaker", resourceId: id },
                { resourceId: [endpoint] },
            );
            assert.deepEqual(
                scalingTargetsOf(endpoint, [
                    byName,
                    byDependency,
                    otherEndpoint,
                    otherNamespace,
                    notATarget,
                    notAnId,
                    namespaceUnknown,
                    namespaceUnset,
                    elsewhere,
                ]).map((t) => [t.target.name, t.variantName]),
                [
                    ["by-name", "AllTraffic"],
                    ["by-dependency", undefined],
                    ["ns-unknown", "AllTraffic"],
                    ["ns-unset", "AllTraffic"],
                ],
            );
        });

        it("the stack of a URN; a string that does not start as a URN has none", () => {
            assert.equal(stackOfUrn("urn:pulumi:prod::project::aws:sagemaker/endpoint:Endpoint::llm"), "prod");
            assert.equal(stackOfUrn("x-urn:pulumi:prod::project::aws:sagemaker/endpoint:Endpoint::llm"), undefined);
        });
    });

    describe("values unknown in preview, as @pulumi/policy's proxy gives them (the internals policies/lib/values.ts reads)", () => {
        it("the proxy module exports seven distinct sentinels, its escape hatch and its error class; each sentinel is unknown and nothing else is; peeking into nothing is nothing", () => {
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const proxy = require("@pulumi/policy/proxy") as Record<string, unknown>;
            const kinds = ["Boolean", "Number", "String", "Array", "Asset", "Object", "Archive"].map((kind) => proxy[`unknown${kind}Value`]);
            assert.ok(kinds.every((v) => typeof v === "string" && v.length > 0));
            assert.equal(new Set(kinds).size, 7);
            assert.equal(typeof proxy.getSpecialProxyTarget, "string");
            assert.equal(typeof proxy.UnknownValueError, "function");
            const { isUnknownValue, isPresent, peek } = freshRequire<typeof import("../../policies/lib/values")>("policies/lib/values");
            assert.deepEqual([peek(null, "a"), peek(undefined, "a"), peek({ a: 1 }, "a")], [undefined, undefined, 1]);
            assert.deepEqual(kinds.map(isUnknownValue), Array(7).fill(true));
            assert.deepEqual(["", "x", 0, null, undefined, {}].map(isUnknownValue), Array(6).fill(false));
            assert.deepEqual(
                ["", "x", UNKNOWN_STRING, 0, false, null, undefined].map((value) => isPresent({ value }, "value")),
                [false, true, true, true, true, false, false],
            );
        });
    });

    describe("absent values", () => {
        it("undefined and null are unset (a program's null reaches a policy as null); false, 0 and empty text are values", () => {
            assert.deepEqual([undefined, null, false, 0, "", []].map(isUnset), [true, true, false, false, false, false]);
        });
    });

    describe("deferrals", () => {
        it("reading a property of nothing is nothing, not a deferral; a fact recorded without a sentinel still defers, with its reason", () => {
            const deferrals = new Deferrals();
            assert.equal(deferrals.read(undefined, "tags"), undefined);
            assert.equal(deferrals.read(null, 0), undefined);
            assert.equal(deferrals.pending, false);
            deferrals.add("model", "primaryContainer.image", "not a sentinel", "a private mirror");
            assert.equal(deferrals.pending, true);
            assert.throws(() => deferrals.settle(), /\[not checked: model\.primaryContainer\.image \(a private mirror\)\]/);
        });
    });

    describe("what counts as a credential (tables built when the module loads, so it is loaded afresh here)", () => {
        const fresh = () => freshRequire<typeof import("../../policies/lib/secretsCredentials")>("policies/lib/secretsCredentials");

        it("each credential word and word pair in a variable name; a reference word last makes it a setting about one", () => {
            const { isCredentialName } = fresh();
            const names = [
                "HUB_TOKEN",
                "CLIENT_SECRET",
                "DB_PASSWORD",
                "DB_PASSWD",
                "KEY_PASSPHRASE",
                "SERVICE_CREDENTIAL",
                "SERVICE_CREDENTIALS",
                "OPENAI_APIKEY",
                "STORE_SECRET_KEY",
            ];
            const pairs = ["SERVICE_API_KEY", "STORE_ACCESS_KEY", "SIGNING_PRIVATE_KEY"];
            for (const name of [...names, ...pairs]) assert.equal(isCredentialName(name), true, name);
            for (const name of ["HUB_TOKEN_PATH", "API_KEY_ARN", "SECRET_NAME", "PASSWORD_LENGTH", "PUBLIC_KEY", "KEY"])
                assert.equal(isCredentialName(name), false, name);
            // Every reference word, last: a setting about a credential, not one.
            const references = ["FILE", "DIR", "ID", "URL", "URI", "ENDPOINT", "LIMIT", "COUNT", "SIZE", "TYPE", "MODE"];
            for (const word of references) assert.equal(isCredentialName(`HF_TOKEN_${word}`), false, `HF_TOKEN_${word}`);
            assert.equal(isCredentialName("HF_TOKEN_PATH_"), false, "a trailing separator leaves the last word as it is");
            assert.equal(isCredentialName("__"), false, "no words");
        });

        it("a credential-named variable's value is literal unless empty, a flag (a word or up to three digits, trimmed) or a secrets ARN", () => {
            const { isLiteralCredentialValue } = fresh();
            for (const value of ["", "  ", "true", " TRUE ", "no", "Off", "none", "null", "enabled", "0", "42", "100"]) {
                assert.equal(isLiteralCredentialValue(value), false, JSON.stringify(value));
            }
            for (const arn of [
                "arn:aws:secretsmanager:us-east-1:111122223333:secret:hub",
                "arn:aws-us-gov:ssm:us-gov-west-1:111122223333:parameter/hub",
                "arn:aws:kms:us-east-1:111122223333:key/k",
            ]) {
                assert.equal(isLiteralCredentialValue(arn), false, arn);
            }
            // A flag or an ARN only as the whole value: a password that ends in digits or starts with a word is literal.
            for (const value of ["hunter2", "trueblue", "1234", "password: arn:aws:kms:us-east-1:111122223333:key/k", "arn:aws:s3:::bucket/token"]) {
                assert.equal(isLiteralCredentialValue(value), true, value);
            }
        });

        it("each value pattern, at its boundaries", () => {
            const { matchingPattern, BUILTIN_VALUE_PATTERNS } = fresh();
            const label = (value: string) => matchingPattern(value, BUILTIN_VALUE_PATTERNS)?.label;
            const hub = `hf_${"a1".repeat(10)}`;
            assert.equal(label(hub), "a Hugging Face access token (hf_...)");
            assert.equal(label(`Bearer ${hub}`), "a Hugging Face access token (hf_...)");
            assert.equal(label(`x${hub}`), undefined, "inside a longer word");
            assert.equal(label("hf_short"), undefined, "too short for a token");
            assert.equal(label("AKIAIOSFODNN7EXAMPLE"), "an AWS access key ID (AKIA.../ASIA...)");
            assert.equal(label("key=ASIAIOSFODNN7EXAMPLE;"), "an AWS access key ID (AKIA.../ASIA...)");
            assert.equal(label("XAKIAIOSFODNN7EXAMPLE"), undefined, "preceded by another capital");
            assert.equal(label("AKIAIOSFODNN7EXAMPLEX"), undefined, "followed by another capital");
            for (const header of [
                "-----BEGIN PRIVATE KEY-----",
                "-----BEGIN RSA PRIVATE KEY-----",
                "-----BEGIN OPENSSH PRIVATE KEY-----",
                "-----BEGIN ENCRYPTED PRIVATE KEY-----",
            ]) {
                assert.equal(label(`${header}\nMIIE...`), "a PEM private key", header);
            }
            assert.equal(label("-----BEGIN PUBLIC KEY-----"), undefined);
        });
    });

    describe("a model's environment variables (the secrets policies read them)", () => {
        it("from the primary container and each of containers[]; absent values, containers and non-maps have none", () => {
            const deferrals = new Deferrals();
            const props = {
                primaryContainer: { environment: { HF_TOKEN: "hf_x", UNSET: null } },
                containers: [{ environment: { API_KEY: 42 } }, null, { environment: "HF_TOKEN=hf_x" }, {}],
            };
            assert.deepEqual(modelEnvironment(props, deferrals), [
                { path: "primaryContainer.environment.HF_TOKEN", name: "HF_TOKEN", value: "hf_x" },
                { path: "containers[0].environment.API_KEY", name: "API_KEY", value: "42" },
            ]);
            assert.equal(deferrals.pending, false);
            assert.deepEqual(modelEnvironment({}, deferrals), []);
        });

        it("what is unknown in preview (a container, the list, an environment, a value) is left to the deferrals; the rest is read", () => {
            const unknown = UNKNOWN_STRING;
            for (const props of [
                { primaryContainer: unknown },
                { containers: unknown },
                { containers: [unknown] },
                { containers: [{ environment: unknown }] },
                { primaryContainer: { environment: { HF_TOKEN: unknown } } },
            ]) {
                const deferrals = new Deferrals();
                assert.deepEqual(modelEnvironment(props, deferrals), [], JSON.stringify(props));
                assert.equal(deferrals.pending, true, JSON.stringify(props));
            }
            const deferrals = new Deferrals();
            assert.deepEqual(modelEnvironment({ primaryContainer: { environment: { HF_TOKEN: unknown, HUB_SECRET: "s" } } }, deferrals), [
                { path: "primaryContainer.environment.HUB_SECRET", name: "HUB_SECRET", value: "s" },
            ]);
        });
    });

    describe("configured credential patterns", () => {
        it("none configured is none; each is compiled; an invalid one names itself and the policy", () => {
            assert.deepEqual(compilePatterns([], "p"), []);
            assert.equal(compilePatterns(["glpat-[0-9]{4}"], "p")[0].pattern.test("glpat-1234"), true);
            assert.throws(
                () => compilePatterns(["("], "p"),
                (err: Error) =>
                    /^p: extraPatterns entry "\(" is not a valid JavaScript regular expression/.test(err.message) && err.cause instanceof SyntaxError,
            );
        });
    });

    describe("the README's policy table", () => {
        it("a config setting without a default is listed by its name alone; table syntax in the text is escaped", () => {
            const g = {
                name: "example",
                description: "Example policy.",
                enforcementLevel: "advisory",
                configSchema: { properties: { limit: { type: "integer" }, names: { type: "array", default: ["a"] } } },
                validateResource: () => undefined,
                severity: "low",
                remediationSteps: "Fix it.",
                framework: { name: "NIST SP 800-53", version: "Rev. 5", reference: "CM-8", specification: "CM-8 System Component Inventory" },
                tags: ["tags"],
                url: "https://example.com/doc",
                meta: { unknowns: "none", rationale: "Why it matters." },
            } as unknown as Guardrail;
            assert.equal(
                renderPolicyTable([g]).split("\n")[2],
                '| [`example`](https://example.com/doc) | tags | advisory | low | Example policy. Why it matters. | CM-8 | `limit`; `names` (default `["a"]`) | reads only known values |',
            );
            const piped = { ...g, description: "Either a|b.\nOr c.", configSchema: undefined } as unknown as Guardrail;
            assert.equal(
                renderPolicyTable([piped]).split("\n")[2],
                "| [`example`](https://example.com/doc) | tags | advisory | low | Either a\\|b. Or c. Why it matters. | CM-8 |  | reads only known values |",
            );
        });
    });
});
