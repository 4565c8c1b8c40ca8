/**
 * The plan's cost estimate (offline/cost.ts): NAT gateways and interface VPC endpoints are listed as
 * AWS bills them (per gateway; per endpoint and zone), priced only from offline/networkPrices.ts, and
 * a line without a price (or with a count computed in preview) is "unknown", never $0.00; the totals
 * say how many lines are unknown.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { estimateCost } from "../offline/cost";
import { CapturedResource, UNKNOWN } from "../offline/mockRun";
import { NETWORK_PRICES } from "../offline/networkPrices";
import { EXIT } from "../offline/plan";
import { renderCost } from "../offline/report";
import { HOURS_PER_MONTH } from "../policies/catalog/instances";
import { runPlan } from "./planRun";
import { capturedResource } from "./capturedResource";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "plan-cost-"));
const costSection = (stdout: string) => stdout.slice(stdout.indexOf("Estimated cost (on-demand):"), stdout.indexOf("\nOutputs:"));

describe("cost: NAT gateways and interface endpoints", function () {
    this.timeout(300_000);

    it("commercial with NAT egress: one line per NAT gateway at the sourced price, one per interface endpoint per zone, unknown where unpriced", async () => {
        const file = path.join(tmp, "nat.json");
        const outcome = await runPlan("--stack", "commercial", "--no-policies", "--config", "egress=nat", "--json", file);
        assert.equal(outcome.code, EXIT.clean, outcome.stderr);
        const plan = JSON.parse(fs.readFileSync(file, "utf8"));
        const nats = plan.resources.filter((r: any) => r.type === "aws:ec2/natGateway:NatGateway");
        const interfaces = plan.resources.filter((r: any) => r.type === "aws:ec2/vpcEndpoint:VpcEndpoint" && r.inputs.vpcEndpointType === "Interface");
        assert.ok(nats.length > 0 && interfaces.length > 0);
        const natPrice = NETWORK_PRICES["nat-gateway"].prices.aws!;
        for (const nat of nats) {
            const line = plan.cost.lines.find((l: any) => l.resource === nat.name);
            assert.deepEqual(
                [line.kind, line.count, line.usdPerHour, line.usdPerMonth],
                ["nat-gateway", 1, natPrice.usdPerHour, natPrice.usdPerHour * HOURS_PER_MONTH],
            );
            assert.deepEqual(line.price, natPrice);
        }
        for (const endpoint of interfaces) {
            const line = plan.cost.lines.find((l: any) => l.resource === endpoint.name);
            assert.equal(line.kind, "interface-endpoint");
            assert.equal(line.count, endpoint.inputs.subnetIds.length, "billed per zone: one network interface per subnet");
            assert.equal(line.service, endpoint.inputs.serviceName);
            assert.equal(line.usdPerHour, undefined);
        }
        const text = costSection(outcome.stdout);
        const natLine = text.split("\n").find((l) => l.includes(nats[0].name))!;
        assert.match(
            natLine,
            new RegExp(`NAT gateway × 1 +\\$${natPrice.usdPerHour}/h .*\\[${natPrice.region} on-demand, ${natPrice.asOf}: Amazon VPC pricing`),
        );
        const endpointLine = text.split("\n").find((l) => l.includes(interfaces[0].name))!;
        assert.match(endpointLine, /: AZ × 2 +unknown: no price on record in offline\/networkPrices\.ts for this partition$/);
        const unknown = plan.cost.lines.filter((l: any) => l.usdPerHour === undefined).length;
        assert.equal(plan.cost.unpriced, unknown);
        assert.match(
            text,
            new RegExp(`Total of the ${plan.cost.lines.length - unknown} priced line\\(s\\): .*; ${unknown} line\\(s\\) unknown, not included\\.`),
        );
    });

    it("govcloud: nothing priced, so every line and the total say unknown, never $0.00", async () => {
        const file = path.join(tmp, "govcloud.json");
        const outcome = await runPlan("--stack", "govcloud", "--no-policies", "--json", file);
        assert.equal(outcome.code, EXIT.clean, outcome.stderr);
        const cost = JSON.parse(fs.readFileSync(file, "utf8")).cost;
        assert.ok(cost.lines.some((l: any) => l.kind === "interface-endpoint"));
        const text = costSection(outcome.stdout);
        assert.doesNotMatch(text, /\$0\.00/);
        assert.match(text, new RegExp(`Total: unknown \\(none of the ${cost.lines.length} lines has a price on record\\)\\.`));
        for (const line of text.split("\n").filter((l) => /^ {2}(endpoint|notebook|nat-gateway|interface-endpoint) /.test(l))) assert.match(line, /unknown: /);
    });
});

describe("estimateCost on its own", () => {
    const resource = (type: string, name: string, inputs: Record<string, unknown>): CapturedResource => capturedResource(type, name, inputs);
    const NAT = "aws:ec2/natGateway:NatGateway";
    const ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint";

    it("an interface endpoint whose subnets are computed in preview has an unknown count; a gateway endpoint is not listed", () => {
        const cost = estimateCost(
            [
                resource(ENDPOINT, "sts", { vpcEndpointType: "Interface", serviceName: "com.amazonaws.us-east-1.sts", subnetIds: UNKNOWN }),
                resource(ENDPOINT, "s3", { vpcEndpointType: "Gateway", serviceName: "com.amazonaws.us-east-1.s3" }),
            ],
            "aws",
        );
        assert.deepEqual(
            cost.lines.map((l) => [l.resource, l.count]),
            [["sts", undefined]],
        );
        assert.equal(cost.unpriced, 1);
        assert.match(renderCost(cost), /sts: AZ × unknown \(computed in preview\)/);
    });

    it("a NAT gateway is priced only in a partition with a price on record, and a private one not at all", () => {
        const nats = [resource(NAT, "public", {}), resource(NAT, "private", { connectivityType: "private" })];
        const aws = estimateCost(nats, "aws");
        assert.equal(aws.lines[0].usdPerHour, NETWORK_PRICES["nat-gateway"].prices.aws!.usdPerHour);
        assert.equal(aws.lines[1].usdPerHour, undefined);
        assert.equal(aws.unpriced, 1);
        assert.equal(NETWORK_PRICES["nat-gateway"].prices["aws-us-gov"], undefined, "no GovCloud figure has a source");
        for (const partition of ["aws-us-gov", undefined] as const) {
            const cost = estimateCost(nats, partition);
            assert.equal(cost.unpriced, 2);
            assert.doesNotMatch(renderCost(cost), /\$0\.00/);
        }
    });

    it("an endpoint whose instance type or count is computed in preview, and a notebook whose type is, get a line that says unknown, never a guess or no line", () => {
        const CONFIG = "aws:sagemaker/endpointConfiguration:EndpointConfiguration";
        const cost = estimateCost(
            [
                resource(CONFIG, "typeComputed", { productionVariants: [{ instanceType: UNKNOWN, initialInstanceCount: 1 }] }),
                resource(CONFIG, "countComputed", { productionVariants: [{ instanceType: "ml.g5.2xlarge", initialInstanceCount: UNKNOWN }] }),
                resource(CONFIG, "serverless", { productionVariants: [{ serverlessConfig: { memorySizeInMb: 2048 } }] }),
                resource("aws:sagemaker/notebookInstance:NotebookInstance", "nb", { instanceType: UNKNOWN }),
            ],
            "aws",
        );
        assert.deepEqual(
            cost.lines.map((l) => [l.resource, l.instanceType, l.instanceTypeComputed, l.count, l.usdPerHour]),
            [
                ["typeComputed", undefined, true, 1, undefined],
                ["countComputed", "ml.g5.2xlarge", undefined, undefined, undefined],
                ["nb", undefined, true, 1, undefined],
            ],
        );
        assert.equal(cost.unpriced, 3);
        const text = renderCost(cost);
        assert.match(text, /typeComputed\s+instance type computed in preview × 1\s+unknown: the instance type is computed in preview/);
        assert.match(text, /countComputed\s+ml\.g5\.2xlarge × unknown \(computed in preview\)\s+unknown: the count is computed in preview/);
        assert.match(text, /Total: unknown/);
    });

    it("every network price names its source, region and month", () => {
        for (const [item, pricing] of Object.entries(NETWORK_PRICES)) {
            for (const price of Object.values(pricing.prices)) {
                assert.ok(price!.usdPerHour > 0, item);
                assert.match(price!.asOf, /^\d{4}-\d{2}$/, item);
                assert.match(price!.region, /^[a-z]{2}(-gov)?-[a-z]+-\d$/, item);
                assert.match(price!.source, /aws\.amazon\.com\//, item);
            }
        }
    });
});
