/**
 * The components as another program uses them (tests/fixtures/component-defaults): given only their
 * required arguments, they apply the secure defaults themselves, and refuse what cannot work.
 */
import { strict as assert } from "assert";
import * as path from "path";
import { runStack } from "../offline/runStack";
import { Graph, policyOf } from "./graph";

const FIXTURE = path.join(__dirname, "fixtures", "component-defaults");

/** The fixture run with one component and its config overrides (`component-defaults:<key>`). */
function componentRun(component: string, overrides: Record<string, string> = {}) {
    const config = Object.fromEntries(Object.entries(overrides).map(([key, value]) => [`component-defaults:${key}`, value]));
    return runStack({ programDir: FIXTURE, stack: "test", overrides: { "component-defaults:component": component, ...config } });
}

async function componentGraph(component: string): Promise<Graph> {
    const run = await componentRun(component);
    assert.equal(run.result.error, undefined, run.result.error?.stack);
    return new Graph(run.result.resources);
}

describe("components on their own: the defaults they apply without the program's settings", function () {
    this.timeout(60_000);

    it("StackEncryption keeps its key when the stack is destroyed, rotates it, and lets only this account's CloudWatch Logs use it for log groups", async () => {
        const g = await componentGraph("StackEncryption");
        const key = g.one("aws:kms/key:Key");
        assert.equal(key.options.retainOnDelete, true);
        assert.deepEqual([key.inputs.enableKeyRotation, key.inputs.deletionWindowInDays], [true, 30]);
        const logs = policyOf(key.inputs.policy).Statement.find((s) => s.Principal?.Service === "logs.us-gov-west-1.amazonaws.com");
        // AWS CloudWatch Logs User Guide, "Encrypt log data in CloudWatch Logs using AWS KMS": the key
        // policy grants these to the regional logs principal, on the key itself ("*" in a key policy).
        assert.deepEqual(logs.Action, ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]);
        assert.equal(logs.Resource, "*");
        assert.equal(logs.Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"], "arn:aws-us-gov:logs:us-gov-west-1:111122223333:log-group:*");
        // Alias names are unique per account and region: the default names the project and the stack.
        assert.equal(g.one("aws:kms/alias:Alias").inputs.name, "alias/component-defaults-test");
    });

    it("ArtifactBucket keeps the bucket and every guard on it when the stack is destroyed", async () => {
        const g = await componentGraph("ArtifactBucket");
        const s3 = g.programResources.filter((r) => r.custom && r.type.startsWith("aws:s3/"));
        assert.ok(s3.length >= 5, s3.map((r) => r.type).join(", "));
        for (const r of s3) assert.equal(r.options.retainOnDelete, true, r.type);
    });

    it("PrivateNetwork keeps its flow-log group when the stack is destroyed", async () => {
        const g = await componentGraph("PrivateNetwork");
        assert.equal(g.one("aws:cloudwatch/logGroup:LogGroup").options.retainOnDelete, true);
    });

    it("LlmEndpoint keeps its log group, and notifies no one unless given a topic", async () => {
        const g = await componentGraph("LlmEndpoint");
        assert.equal(g.one("aws:cloudwatch/logGroup:LogGroup").options.retainOnDelete, true);
        const alarms = g.ofType("aws:cloudwatch/metricAlarm:MetricAlarm");
        assert.equal(alarms.length, 4);
        for (const a of alarms) assert.equal(a.inputs.alarmActions, undefined, a.name);
    });

    it("LlmEndpoint refuses weights from S3 without their staged URI, before creating anything", async () => {
        const run = await componentRun("LlmEndpoint", { stagedWeights: "none" });
        assert.equal(
            run.result.error?.message,
            "LlmEndpoint 'endpoint': invalid arguments; nothing was created:\n  - stagedWeightsUri: is required: the weights come from S3 (weightsSource `s3`). Stage them, then pass their s3:// URI.",
        );
        assert.deepEqual(
            run.result.resources.filter((r) => r.custom).map((r) => r.type),
            [],
        );
    });

    it("LlmEndpoint refuses a dependsOn it cannot hand to its children before it registers anything", async () => {
        const run = await componentRun("LlmEndpoint", { dependsOnOutput: "true" });
        assert.match(String(run.result.error?.message), /dependsOn of a sagemaker-llm component must be a resource or a list of resources/);
        assert.deepEqual(
            run.result.resources.filter((r) => r.type !== "pulumi:pulumi:Stack").map((r) => r.type),
            [],
        );
    });

    it("LlmEndpoint refuses staged weights its role cannot read, given as an output, before the model is created", async () => {
        const run = await componentRun("LlmEndpoint", { stagedWeights: "output-elsewhere" });
        assert.match(
            String(run.result.error?.message),
            // The SDK reports it as the failure of the model's input that carries the URI.
            /LlmEndpoint 'endpoint': stagedWeightsUri = "s3:\/\/artifacts\/models\/other\/": must be s3:\/\/artifacts\/models\/endpoint\/: the artifact bucket at the deployment's weightsS3Prefix[^\n]* Its SageMaker model and endpoint were not created\.$/,
        );
        assert.deepEqual(
            run.result.resources.filter((r) => r.type.startsWith("aws:sagemaker/")).map((r) => r.type),
            [],
        );
    });
});
