/**
 * Offline answers to data-source calls (offline/lookups.ts): computed where the provider computes
 * them from the arguments, stand-ins where a made-up fact is documented, unknown otherwise.
 */
import { strict as assert } from "assert";
import * as path from "path";
import { answerLookup, parseArn, resultFieldsOf } from "../offline/lookups";
import { UNKNOWN } from "../offline/mockRun";
import { REPO_ROOT } from "./graph";

const here = [REPO_ROOT];

describe("offline lookups", () => {
    it("getServicePrincipal: <service>.amazonaws.com in commercial and GovCloud, the partition's suffix for China's exceptions, the region it was asked for", () => {
        const gov = answerLookup("aws:index/getServicePrincipal:getServicePrincipal", { serviceName: "sagemaker" }, "us-gov-west-1", here);
        assert.equal(gov.kind, "computed");
        assert.deepEqual(gov.result, {
            id: "sagemaker.us-gov-west-1.amazonaws.com",
            name: "sagemaker.amazonaws.com",
            suffix: "amazonaws.com",
            region: "us-gov-west-1",
            serviceName: "sagemaker",
        });
        assert.equal(
            answerLookup("aws:index/getServicePrincipal:getServicePrincipal", { serviceName: "logs" }, "cn-north-1", here).result.name,
            "logs.amazonaws.com.cn",
        );
        assert.equal(
            answerLookup("aws:index/getServicePrincipal:getServicePrincipal", { serviceName: "s3" }, "cn-north-1", here).result.name,
            "s3.amazonaws.com",
        );
        assert.equal(
            answerLookup("aws:index/getServicePrincipal:getServicePrincipal", { serviceName: "logs", region: "cn-northwest-1" }, "us-east-1", here).result.id,
            "logs.cn-northwest-1.amazonaws.com.cn",
        );
    });

    it("getArn: the parts of an ARN, the resource keeping its colons; not an ARN is an error", () => {
        const arn = "arn:aws-us-gov:logs:us-gov-west-1:111122223333:log-group:/aws/sagemaker:*";
        assert.deepEqual(answerLookup("aws:index/getArn:getArn", { arn }, "us-east-1", here).result, {
            id: arn,
            arn,
            partition: "aws-us-gov",
            service: "logs",
            region: "us-gov-west-1",
            account: "111122223333",
            resource: "log-group:/aws/sagemaker:*",
        });
        assert.equal(parseArn("arn:aws:s3:::bucket")?.resource, "bucket");
        assert.equal(parseArn("arn:aws:s3::bucket"), undefined);
        assert.equal(parseArn("urn:aws:s3:::bucket"), undefined);
        assert.throws(() => answerLookup("aws:index/getArn:getArn", { arn: "not-an-arn" }, "us-east-1", here), /'not-an-arn' is not an ARN/);
    });

    it("getRegion and getPartition follow the provider's region, or the region asked for", () => {
        assert.deepEqual(answerLookup("aws:index/getPartition:getPartition", {}, "us-gov-east-1", here).result, {
            partition: "aws-us-gov",
            dnsSuffix: "amazonaws.com",
            reverseDnsPrefix: "com.amazonaws",
            id: "aws-us-gov",
        });
        assert.equal(answerLookup("aws:index/getRegion:getRegion", {}, "us-gov-east-1", here).result.name, "us-gov-east-1");
        assert.equal(
            answerLookup("aws:index/getRegion:getRegion", { region: "cn-north-1" }, "us-east-1", here).result.endpoint,
            "ec2.cn-north-1.amazonaws.com.cn",
        );
    });

    it("stand-ins: a VPC or subnet looked up without an id has an unknown id, not none; zone exclusions apply", () => {
        assert.equal(answerLookup("aws:ec2/getVpc:getVpc", { default: true }, "us-east-1", here).result.id, UNKNOWN);
        assert.equal(answerLookup("aws:ec2/getVpc:getVpc", { id: "vpc-1" }, "us-east-1", here).result.id, "vpc-1");
        assert.equal(answerLookup("aws:ec2/getSubnet:getSubnet", { filters: [{ name: "tag:Name", values: ["a"] }] }, "us-east-1", here).result.id, UNKNOWN);
        const zonesOf = (inputs: Record<string, unknown>) =>
            answerLookup("aws:index/getAvailabilityZones:getAvailabilityZones", inputs, "us-east-1", here).result as { names: string[]; zoneIds: string[] };
        const all = zonesOf({});
        assert.deepEqual(all.names, ["us-east-1a", "us-east-1b", "us-east-1c"]);
        const zones = zonesOf({ excludeNames: ["us-east-1b"], excludeZoneIds: [all.zoneIds[2]] });
        assert.deepEqual(zones.names, ["us-east-1a"]);
        assert.deepEqual(zones.zoneIds, [all.zoneIds[0]]);
    });

    it("a call with no offline answer: every field the SDK declares for its result unknown, except the arguments it echoes", () => {
        const answer = answerLookup("aws:ec2/getSecurityGroup:getSecurityGroup", { name: "shared" }, "us-east-1", here);
        assert.equal(answer.kind, "unknown");
        assert.equal(answer.result.name, "shared");
        assert.equal(answer.result.vpcId, UNKNOWN);
        assert.equal(answer.result.arn, UNKNOWN);
        assert.ok(answer.unknownFields!.includes("vpcId") && !answer.unknownFields!.includes("name"));
    });

    it("reads a result's fields from the provider SDK's declaration, at the package root for index functions", () => {
        const fields = resultFieldsOf("aws:ec2/getRouteTables:getRouteTables", here)!;
        assert.deepEqual([...fields].sort(), ["filters", "id", "ids", "region", "tags", "vpcId"]);
        assert.ok(resultFieldsOf("aws:index/getCallerIdentity:getCallerIdentity", here)!.includes("accountId"));
        assert.equal(resultFieldsOf("aws:ec2/getNothingSuch:getNothingSuch", here), undefined);
        assert.equal(resultFieldsOf("acme:index/getThing:getThing", [path.join(REPO_ROOT, "tests")]), undefined);
        const unknown = answerLookup("acme:index/getThing:getThing", {}, "us-east-1", here);
        assert.deepEqual(unknown, { kind: "unknown", result: {}, unknownFields: [] });
    });
});
