/**
 * The checks of stacks/preconditions.ts: the pure check of an existing VPC's subnets, called directly
 * with the facts AWS would report, then the program's lookups against stand-ins that answer as AWS
 * does (a landing zone, a weights bucket). tests/lifecycle.test.ts runs the same checks as steps of a
 * stack's life.
 */
import { strict as assert } from "assert";
import type { SubnetFacts } from "../stacks/preconditions";
import { ExistingNetworkSettings } from "../stacks/settings";
import { freshRequire } from "./freshModules";
import { runRepoStack } from "./graph";
import { EXISTING, LANDING_ZONE, landingZoneStandIns, lookupError } from "./landingZone";

const network: ExistingNetworkSettings = {
    mode: "existing",
    egress: "none",
    vpcId: LANDING_ZONE.vpcId,
    privateSubnetIds: LANDING_ZONE.subnets,
    fipsEndpoints: false,
};
const [first, second] = LANDING_ZONE.subnets;
/**
 * The pure check, from stacks/preconditions.ts loaded afresh: its tables (the default routes) are
 * built when the module loads, which a mutation run would otherwise never see (tests/freshModules.ts).
 */
const existingNetworkProblems = (...args: Parameters<typeof import("../stacks/preconditions").existingNetworkProblems>) =>
    freshRequire<typeof import("../stacks/preconditions")>("stacks/preconditions", ["stacks/preconditions.ts"]).existingNetworkProblems(...args);
const privateSubnet = (id: string, zone: string): SubnetFacts => ({
    id,
    vpcId: LANDING_ZONE.vpcId,
    availabilityZone: zone,
    mapPublicIpOnLaunch: false,
    assignIpv6AddressOnCreation: false,
    routeTable: { id: "rtb-1", main: false, routes: [] },
});

describe("an existing VPC's subnets, as AWS reports them", () => {
    it("private subnets of the VPC in two zones pass; unknown facts (offline) are not judged", () => {
        assert.deepEqual(existingNetworkProblems(network, [privateSubnet(first, "a"), privateSubnet(second, "b")]), []);
        assert.deepEqual(
            existingNetworkProblems(
                network,
                LANDING_ZONE.subnets.map((id) => ({ id })),
            ),
            [],
        );
    });

    it("IPv6 addresses on launch make a subnet public; an IPv6 default route to an internet gateway in a main route table of unknown id is named without one", () => {
        const ipv6: SubnetFacts = {
            ...privateSubnet(first, "us-gov-west-1a"),
            assignIpv6AddressOnCreation: true,
            routeTable: { main: true, routes: [{ ipv6CidrBlock: "::/0", gatewayId: "igw-0123456789abcdef0" }] },
        };
        const problems = existingNetworkProblems(network, [ipv6, privateSubnet(second, "us-gov-west-1b")]);
        assert.deepEqual(
            problems.map((p) => [p.key, p.value, p.message]),
            [
                [
                    "existingPrivateSubnetIds[0]",
                    first,
                    "is not a private subnet: it gives instances IPv6 addresses on launch (AssignIpv6AddressOnCreation); " +
                        "the VPC's main route table (the subnet has none of its own) sends ::/0 to internet gateway igw-0123456789abcdef0. " +
                        "SageMaker models and the notebook must run in private subnets; list the landing zone's private subnets instead.",
                ],
            ],
        );
    });

    it("a default route elsewhere than an internet gateway (a NAT gateway, a transit gateway) and other routes to one are private", () => {
        const routed: SubnetFacts = {
            ...privateSubnet(first, "us-gov-west-1a"),
            routeTable: {
                id: "rtb-1",
                main: false,
                routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: "tgw-0123456789abcdef0" }, { cidrBlock: "10.0.0.0/8", gatewayId: "igw-0123456789abcdef0" }, {}],
            },
        };
        assert.deepEqual(existingNetworkProblems(network, [routed, privateSubnet(second, "us-gov-west-1b")]), []);
    });

    it("subnets all in one zone are refused with their ids and the zone; a zone AWS did not report (offline) is not judged", () => {
        const oneZone = [privateSubnet(first, "us-gov-west-1a"), privateSubnet(second, "us-gov-west-1a")];
        assert.deepEqual(existingNetworkProblems(network, oneZone), [
            {
                key: "existingPrivateSubnetIds",
                value: [first, second],
                message: "are all in us-gov-west-1a; SageMaker needs private subnets in at least two availability zones. Add a subnet of another zone.",
            },
        ]);
        assert.deepEqual(existingNetworkProblems(network, [oneZone[0], { ...oneZone[1], availabilityZone: undefined }]), []);
    });
});

describe("an existing VPC's lookups, against a landing zone that answers as AWS does", function () {
    this.timeout(60_000);

    it("a VPC AWS does not know is the setting's problem, with the lookup's error, or 'not found' when it gives none", async () => {
        for (const [message, shown] of [
            ["no matching EC2 VPC found", "no matching EC2 VPC found"],
            ["", "not found"],
        ]) {
            const run = await runRepoStack("govcloud", EXISTING, {
                standIns: {
                    call: (token, inputs, region) => {
                        if (token === "aws:ec2/getVpc:getVpc") throw lookupError(message);
                        return landingZoneStandIns().call!(token, inputs, region);
                    },
                },
            });
            assert.equal(run.result.error?.name, "SettingsError", message);
            assert.match(
                run.result.error!.message,
                new RegExp(`existingVpcId = "vpc-0a1b2c3d4e5f60718": names no VPC AWS knows in this account and region \\(${shown}\\); check the id\\.`),
            );
        }
    });

    it("a participant of a shared VPC sees none of the owner's route tables: its subnets are judged on what it can see", async () => {
        const shared = await runRepoStack("govcloud", EXISTING, { preview: false, landingZone: { sharedWithAccount: true } });
        assert.equal(shared.result.error, undefined, shared.result.error?.message);
        const publicSubnet = await runRepoStack("govcloud", EXISTING, { preview: false, landingZone: { sharedWithAccount: true, publicIp: [second] } });
        assert.equal(publicSubnet.result.error?.name, "SettingsError");
        assert.match(
            publicSubnet.result.error!.message,
            new RegExp(
                `existingPrivateSubnetIds\\[1\\] = "${second}": is not a private subnet: it gives instances public IPv4 addresses on launch \\(MapPublicIpOnLaunch\\)\\. `,
            ),
        );
    });
});

describe("an S3-weights model is staged when its own prefix holds config.json", function () {
    this.timeout(60_000);
    /** A bucket holding these keys, listed as S3 lists them: by key prefix, at most maxKeys. */
    const bucketHolding = (keys: string[]) => ({
        call: (token: string, inputs: Record<string, unknown>) => {
            if (token !== "aws:s3/getObjects:getObjects") return undefined;
            const listed = keys.filter((k) => k.startsWith(String(inputs.prefix ?? ""))).slice(0, Number(inputs.maxKeys ?? 1000));
            return { id: String(inputs.bucket), bucket: inputs.bucket, keys: listed, commonPrefixes: [] };
        },
    });
    const ownFiles = ["models/llama-3-1-8b-instruct/tokenizer.json", "models/llama-3-1-8b-instruct/model-00001-of-00004.safetensors"];
    const otherModel = ["models/mistral-7b-instruct/config.json", "models/mistral-7b-instruct/tokenizer.json"];

    it("another model's files, or this model's without config.json, are not staged: the exact prefix and the command that stages it", async () => {
        const run = await runRepoStack("govcloud", {}, { preview: false, standIns: bucketHolding([...otherModel, ...ownFiles]) });
        assert.equal(run.result.error?.name, "WeightsNotStagedError");
        const bucket = run.result.invokes.find((i) => i.token === "aws:s3/getObjects:getObjects")!.inputs.bucket;
        // The SDK puts the property it was serializing before the program's message.
        const message = run.result.error!.message;
        assert.equal(
            message.slice(message.indexOf("Model '")),
            `Model 'llama-3-1-8b-instruct' reads its weights from s3://${bucket}/models/llama-3-1-8b-instruct/, which holds no config.json: the model's files are not staged. ` +
                "Nothing SageMaker was created for it. Stage them with 'npm run stage-model -- --model llama-3.1-8b-instruct --stack govcloud' " +
                `(README, "First deployment"), then run 'pulumi up' again.`,
        );
        const staged = await runRepoStack(
            "govcloud",
            {},
            { preview: false, standIns: bucketHolding([...otherModel, ...ownFiles, "models/llama-3-1-8b-instruct/config.json"]) },
        );
        assert.equal(staged.result.error, undefined, staged.result.error?.message);
    });
});
