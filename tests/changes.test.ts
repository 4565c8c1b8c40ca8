/**
 * The change preview (offline/changes.ts): its reading of the provider's replacement rules, its
 * unsafe-change detectors, and the matrix of real day-2 changes on both stacks, each planned twice
 * with the real program under mocks and compared as `npm run plan -- --against` does.
 */
import { strict as assert } from "assert";
import { ChangeAction, ChangePreview, inputChanges, PlanResource, planResources, previewChanges, renderChanges } from "../offline/changes";
import { REPLACE_RULES, replacingChanges } from "../offline/replaceRules";
import { GOVCLOUD_SAMPLE } from "./govcloudSample";
import { RepoRunOptions, runRepoStack } from "./graph";
import { EXISTING, LANDING_ZONE } from "./landingZone";

const SALT = "test-salt";

/** A stack's resources as a mocked update computes them (the plan's `updateSnapshot`). */
async function planOf(stack: string, overrides: Record<string, unknown>, options: RepoRunOptions = {}): Promise<PlanResource[]> {
    const run = await runRepoStack(stack, overrides, { ...options, preview: false });
    if (run.result.error) throw run.result.error;
    return planResources(run.result.resources, SALT);
}

/** `<type> <logical name>` (e.g. `Model llama-3-1-8b-instruct-model`) → action, for every resource that changes. */
function actions(preview: ChangePreview): Record<string, ChangeAction> {
    return Object.fromEntries(preview.changes.filter((c) => c.action !== "same").map((c) => [`${c.type.split(":").pop()} ${c.name}`, c.action]));
}

function unsafe(preview: ChangePreview): string[] {
    return preview.findings.filter((f) => f.level === "unsafe").map((f) => `${f.name}: ${f.message}`);
}

function warnings(preview: ChangePreview): string {
    return preview.findings
        .filter((f) => f.level === "warning")
        .map((f) => `${f.name}: ${f.message}`)
        .join("\n");
}

describe("change preview: the provider's replacement rules", () => {
    it("a change anywhere under a ForceNew input replaces; `*` is everything but tags", () => {
        const model = REPLACE_RULES["aws:sagemaker/model:Model"];
        const changes = inputChanges(
            { primaryContainer: { environment: { A: "1" } }, tags: { x: "1" } },
            { primaryContainer: { environment: { A: "2" } }, tags: { x: "2" } },
            "",
            false,
        );
        assert.deepEqual(
            replacingChanges(model, changes).map((c) => c.path),
            ["primaryContainer.environment.A"],
        );
        const alarm = REPLACE_RULES["aws:cloudwatch/metricAlarm:MetricAlarm"];
        assert.deepEqual(replacingChanges(alarm, inputChanges({ threshold: 1, name: "a" }, { threshold: 2, name: "a" }, "", false)), []);
        assert.equal(replacingChanges(alarm, inputChanges({ name: "a" }, { name: "b" }, "", false)).length, 1);
    });

    it("a ForceNew block replaces only when added or removed (SDKv2); a decrease and a switch of source kind replace", () => {
        const endpoint = REPLACE_RULES["aws:sagemaker/endpoint:Endpoint"];
        const withAlarms = (names: string[]) => ({ deploymentConfig: { autoRollbackConfiguration: { alarms: names.map((alarmName) => ({ alarmName })) } } });
        assert.deepEqual(replacingChanges(endpoint, inputChanges(withAlarms(["a"]), withAlarms(["b"]), "", false)), [], "the alarm list updates in place");
        assert.equal(replacingChanges(endpoint, inputChanges({ deploymentConfig: {} }, withAlarms(["a"]), "", false)).length, 1, "adding the block replaces");
        const notebook = REPLACE_RULES["aws:sagemaker/notebookInstance:NotebookInstance"];
        assert.equal(replacingChanges(notebook, inputChanges({ volumeSize: 50 }, { volumeSize: 100 }, "", false)).length, 0);
        assert.equal(replacingChanges(notebook, inputChanges({ volumeSize: 100 }, { volumeSize: 50 }, "", false)).length, 1);
        const rule = REPLACE_RULES["aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"];
        assert.equal(replacingChanges(rule, inputChanges({ cidrIpv4: "10.0.0.0/16" }, { cidrIpv4: "10.1.0.0/16" }, "", false)).length, 0);
        assert.equal(replacingChanges(rule, inputChanges({ cidrIpv4: "10.0.0.0/16" }, { prefixListId: "pl-1" }, "", false)).length, 2);
    });

    it("values unknown in both plans are unchanged unless what they come from is new or replaced", () => {
        const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
        assert.deepEqual(inputChanges({ a: unknown }, { a: unknown }, "", false), []);
        assert.deepEqual(
            inputChanges({ a: unknown }, { a: unknown }, "", true).map((c) => c.path),
            ["a"],
        );
        assert.deepEqual(
            inputChanges({ a: [1, 2] }, { a: [1] }, "", false).map((c) => `${c.kind} ${c.path}`),
            ["removed a[1]"],
        );
    });
});

describe("change preview: unsafe changes", function () {
    this.timeout(60_000);
    let base: PlanResource[];
    before(async () => (base = await planOf("govcloud", {})));

    const clone = (plan: PlanResource[]) => JSON.parse(JSON.stringify(plan)) as PlanResource[];
    /** The resource `<type> <logical name>`. */
    const find = (plan: PlanResource[], key: string) => plan.find((r) => `${r.type.split(":").pop()} ${r.name}` === key)!;

    it("an explicitly named model replaced: deleted first while the endpoint uses it, or refused under its unchanged name", () => {
        // The design this repository had: the model named from a hash that left the environment out.
        const before = clone(base);
        const after = clone(base);
        for (const plan of [before, after]) find(plan, "Model llama-3-1-8b-instruct-model").inputs.name = "llama-3-1-8b-instruct-3f9a1c2b-model";
        (
            find(after, "Model llama-3-1-8b-instruct-model").inputs.primaryContainer as { environment: Record<string, string> }
        ).environment.SM_VLLM_MAX_MODEL_LEN = "16384";
        const deleteFirst = previewChanges(before, after);
        assert.equal(deleteFirst.changes.find((c) => c.type === "aws:sagemaker/model:Model")!.replaceOrder, "delete-before-create");
        assert.match(
            unsafe(deleteFirst).join("\n"),
            /llama-3-1-8b-instruct-model: replaced \(primaryContainer\.environment\.SM_VLLM_MAX_MODEL_LEN forces it\) by deleting it first/,
        );

        find(after, "Model llama-3-1-8b-instruct-model").options = { deleteBeforeReplace: false };
        assert.match(
            unsafe(previewChanges(before, after)).join("\n"),
            /under the same name 'llama-3-1-8b-instruct-3f9a1c2b-model', created before the old one is deleted: AWS refuses/,
        );
    });

    it("an instance-type change of an endpoint registered with autoscaling, made as an update: UpdateEndpoint fails", () => {
        // A program that keeps the endpoint and only swaps its configuration.
        const after = clone(base);
        (find(after, "EndpointConfiguration llama-3-1-8b-instruct-config").inputs.productionVariants as { instanceType: string }[])[0].instanceType =
            "ml.g5.24xlarge";
        find(after, "Endpoint llama-3-1-8b-instruct-endpoint").inputs.endpointConfigName = "llama-3-1-8b-instruct-config-0f0f0f0";
        const preview = previewChanges(base, after);
        assert.deepEqual(actions(preview)["Endpoint llama-3-1-8b-instruct-endpoint"], "update");
        assert.match(
            unsafe(preview).join("\n"),
            /UpdateEndpoint fails: the variant's instance type changes \(ml\.g5\.12xlarge → ml\.g5\.24xlarge\) while it is registered with Application Auto Scaling.*Runbook/,
        );
    });

    it("a subnet moved to another zone under the same CIDR (the address plan this repository had): AWS refuses the replacement", () => {
        const after = clone(base);
        find(after, "Subnet network-private-1").inputs.availabilityZone = "us-gov-west-1c";
        const preview = previewChanges(base, after);
        assert.deepEqual(actions(preview)["Subnet network-private-1"], "replace");
        assert.match(
            unsafe(preview).join("\n"),
            /network-private-1: is created with CIDR 10\.80\.16\.0\/20, which its previous instance still holds in the same VPC until the end of the update: AWS refuses/,
        );
        // A subnet moving onto the CIDR another one still holds (custom zones under the old address plan).
        const shifted = clone(base);
        Object.assign(find(shifted, "Subnet network-private-0").inputs, { availabilityZone: "us-gov-west-1b", cidrBlock: "10.80.16.0/20" });
        Object.assign(find(shifted, "Subnet network-private-1").inputs, { availabilityZone: "us-gov-west-1c", cidrBlock: "10.80.32.0/20" });
        assert.match(
            unsafe(previewChanges(base, shifted)).join("\n"),
            /network-private-0: is created with CIDR 10\.80\.16\.0\/20, which subnet network-private-1 still holds/,
        );
    });

    it("the stack key and the artifact bucket: replaced or deleted is unsafe, kept is not", () => {
        const withoutKeyAndBucket = base.filter((r) => !["Key stack-key", "Bucket artifacts"].includes(`${r.type.split(":").pop()} ${r.name}`));
        assert.deepEqual(unsafe(previewChanges(base, withoutKeyAndBucket)), [], "retainOnDelete: kept in AWS");
        const notRetained = clone(base);
        for (const key of ["Key stack-key", "Bucket artifacts"]) find(notRetained, key).options = { retainOnDelete: false };
        assert.equal(unsafe(previewChanges(notRetained, withoutKeyAndBucket)).length, 2);
    });

    it("an endpoint deleted first because its name is explicit; the same endpoint created first (its name changes)", () => {
        const before = clone(base);
        const after = clone(base);
        find(before, "Endpoint llama-3-1-8b-instruct-endpoint").inputs.name = "llama-3-1-8b-instruct-aaaaaaaa";
        find(after, "Endpoint llama-3-1-8b-instruct-endpoint").inputs.name = "llama-3-1-8b-instruct-bbbbbbbb";
        delete find(after, "Endpoint llama-3-1-8b-instruct-endpoint").options;
        assert.match(
            unsafe(previewChanges(before, after)).join("\n"),
            /llama-3-1-8b-instruct-endpoint: replaced \(name forces it\) by deleting it first.*serves nothing/,
        );
        find(after, "Endpoint llama-3-1-8b-instruct-endpoint").options = { deleteBeforeReplace: false };
        const createdFirst = previewChanges(before, after);
        assert.deepEqual(unsafe(createdFirst), []);
        assert.match(warnings(createdFirst), /a new endpoint replaces this one \(name forces it\), created first/);
    });
});

/** One day-2 change: the settings before and after, and what `pulumi up` must do. */
interface Day2Change {
    title: string;
    before: Record<string, unknown>;
    after: Record<string, unknown>;
    options?: RepoRunOptions;
    afterOptions?: RepoRunOptions;
    /** Logical name → the action expected (others may change too). `$` stands for the deployment name. */
    expect: Record<string, ChangeAction>;
    /** Resources that must not change. */
    unchanged?: string[];
    /** Unsafe findings expected (default: none). */
    unsafe?: RegExp[];
    warnings?: RegExp[];
}

/** A stack's model deployment as its stack file (Pulumi.<stack>.yaml) sets it, and what day-2 changes to it use. */
interface StackModel {
    /** The deployment name: the catalog id with dots as dashes. */
    name: string;
    /** The stack file's model entry. */
    entry: Record<string, unknown>;
    /** The stack's instance type and another the deployment fits with the same GPU count (so the Model, sharded as before, stays). */
    otherInstanceType: [string, string];
    /** Entry fields before and after a release change of one engine. */
    otherRelease: [Record<string, unknown>, Record<string, unknown>];
    /** Entry fields that keep the entry valid in the other partition too. */
    crossPartition: Record<string, unknown>;
}

const STACK_MODELS: Record<string, StackModel> = {
    govcloud: {
        name: "llama-3-1-8b-instruct",
        entry: { id: "llama-3.1-8b-instruct", engine: "vllm", weightsSource: "s3" },
        // 4 × A10G either way: ml.g5.24xlarge has more CPUs and memory, not more GPUs.
        otherInstanceType: ["ml.g5.12xlarge", "ml.g5.24xlarge"],
        otherRelease: [{}, { engineVersion: "0.17.0" }],
        crossPartition: {},
    },
    commercial: {
        name: "qwen3-30b-a3b-instruct-2507",
        entry: { id: "qwen3-30b-a3b-instruct-2507", engine: "sglang", weightsSource: "s3", maxInstances: 3 },
        // 4 × L40S either way.
        otherInstanceType: ["ml.g6e.12xlarge", "ml.g6e.24xlarge"],
        // policies/catalog/engines.ts has one SGLang release: the release change is made on vLLM.
        otherRelease: [{ engine: "vllm" }, { engine: "vllm", engineVersion: "0.17.0" }],
        // GovCloud's default ml.g5.12xlarge holds this model on SGLang (0.8 of GPU memory) with an 8k context, not its 64k.
        crossPartition: { maxTotalTokens: 8192 },
    },
};

function day2Changes(stack: string): Day2Change[] {
    const m = STACK_MODELS[stack];
    const model = (extra: Record<string, unknown> = {}) => ({ models: [{ ...m.entry, ...extra }] });
    const hub = (token: string) => ({ egress: "nat", huggingFaceToken: token, models: [{ id: "llama-3-8b-instruct", weightsSource: "hub" }] });
    const zones = (letters: string) => [...letters].map((l) => `${stack === "govcloud" ? "us-gov-west-1" : "us-east-1"}${l}`);
    const own = (type: string, suffix: string) => `${type} ${m.name}-${suffix}`;
    return [
        {
            title: "Hub token rotation",
            before: hub("hf_tokenAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
            after: hub("hf_tokenBBBBBBBBBBBBBBBBBBBBBBBBBBBB"),
            options: { secretOverrides: ["huggingFaceToken"] },
            expect: {
                "Model llama-3-8b-instruct-model": "replace",
                "EndpointConfiguration llama-3-8b-instruct-config": "replace",
                "Endpoint llama-3-8b-instruct-endpoint": "update",
                "MetricAlarm llama-3-8b-instruct-rollback": "update",
            },
            unchanged: [
                "RandomString llama-3-8b-instruct-suffix",
                "LogGroup llama-3-8b-instruct-logs",
                "Role llama-3-8b-instruct-execution",
                "RolePolicy llama-3-8b-instruct-execution",
            ],
            warnings: [/initialInstanceCount 1.*up to 2/],
        },
        {
            title: "another VPC CIDR",
            before: {},
            after: { vpcCidr: "10.90.0.0/16" },
            expect: {
                "Vpc network-vpc": "replace",
                [own("Model", "model")]: "replace",
                [own("EndpointConfiguration", "config")]: "replace",
                [own("Endpoint", "endpoint")]: "update",
                "NotebookInstance research-instance": "replace",
                "LogGroup network-flow-logs": "replace",
            },
            unchanged: [own("Role", "execution"), "Key stack-key", "Bucket artifacts"],
            warnings: [/the VPC is replaced/, /research-instance: the notebook instance is replaced/],
        },
        {
            title: "other availability zones",
            before: { availabilityZones: zones("ab") },
            after: { availabilityZones: zones("ac") },
            expect: { "Subnet network-private-1": "replace", [own("Model", "model")]: "replace", [own("Endpoint", "endpoint")]: "update" },
            unchanged: ["Subnet network-private-0", "Vpc network-vpc", "NotebookInstance research-instance"],
        },
        {
            title: "other subnets of a landing zone",
            before: { ...EXISTING },
            after: { ...EXISTING, existingPrivateSubnetIds: LANDING_ZONE.moreSubnets },
            options: { landingZone: {} },
            expect: {
                [own("Model", "model")]: "replace",
                [own("EndpointConfiguration", "config")]: "replace",
                [own("Endpoint", "endpoint")]: "update",
                "NotebookInstance research-instance": "replace",
            },
        },
        {
            title: "another instance type (under autoscaling)",
            before: model({ instanceType: m.otherInstanceType[0] }),
            after: model({ instanceType: m.otherInstanceType[1] }),
            expect: {
                [own("RandomString", "suffix")]: "replace",
                [own("Endpoint", "endpoint")]: "replace",
                [own("EndpointConfiguration", "config")]: "replace",
                [own("Target", "scaling")]: "replace",
                [own("Policy", "scaling")]: "replace",
                [own("LogGroup", "logs")]: "replace",
                [own("MetricAlarm", "rollback")]: "update",
                [own("RolePolicy", "execution")]: "update",
            },
            unchanged: [own("Model", "model"), own("Role", "execution")],
            warnings: [new RegExp(`${m.name}-endpoint: a new endpoint replaces this one`)],
        },
        {
            title: "another engine version",
            before: model(m.otherRelease[0]),
            after: model(m.otherRelease[1]),
            expect: { [own("Model", "model")]: "replace", [own("EndpointConfiguration", "config")]: "replace", [own("Endpoint", "endpoint")]: "update" },
            unchanged: [own("RolePolicy", "execution"), own("RandomString", "suffix")],
        },
        {
            title: "token limits",
            before: model(),
            after: model({ maxTotalTokens: 16384 }),
            expect: { [own("Model", "model")]: "replace", [own("Endpoint", "endpoint")]: "update" },
            unchanged: [own("RandomString", "suffix"), own("RolePolicy", "execution")],
        },
        {
            title: "alarm thresholds",
            before: model(),
            after: model({ latencyAlarmMs: 45_000, rollbackErrorPercent: 20 }),
            expect: { [own("MetricAlarm", "latency")]: "update", [own("MetricAlarm", "rollback")]: "update" },
            unchanged: [own("Model", "model"), own("EndpointConfiguration", "config"), own("Endpoint", "endpoint")],
        },
        {
            title: "data capture on",
            before: model(),
            after: model({ dataCapturePercent: 20 }),
            expect: {
                [own("EndpointConfiguration", "config")]: "replace",
                [own("Endpoint", "endpoint")]: "update",
                [own("RolePolicy", "execution")]: "update",
            },
            unchanged: [own("Model", "model")],
        },
        {
            title: "data capture off",
            before: model({ dataCapturePercent: 20 }),
            after: model(),
            expect: {
                [own("EndpointConfiguration", "config")]: "replace",
                [own("Endpoint", "endpoint")]: "update",
                [own("RolePolicy", "execution")]: "update",
            },
        },
        {
            title: "autoscaling bounds",
            before: model(),
            after: model({ minInstances: 1, maxInstances: 5 }),
            expect: { [own("Target", "scaling")]: "update" },
            unchanged: [own("EndpointConfiguration", "config"), own("Endpoint", "endpoint")],
        },
        {
            title: "tags",
            before: {},
            after: {
                tags: { Owner: "ml-research", Project: "llm-hosting", Environment: stack, DataClassification: stack === "govcloud" ? "CUI" : "internal" },
            },
            expect: { [`aws aws-${stack === "govcloud" ? "aws-us-gov" : "aws"}`]: "update" },
            // The provider merges default tags into each resource's tagsAll, which mocks do not show: the preview says so.
            unchanged: [own("Model", "model"), own("Endpoint", "endpoint"), "Vpc network-vpc", "Bucket artifacts"],
            warnings: [/the provider's default tags change: every taggable resource on it updates its tags in place/],
        },
        {
            title: "notebook off",
            before: {},
            after: { notebookEnabled: false },
            expect: { "NotebookInstance research-instance": "delete", "ResearchNotebook research": "delete" },
            unchanged: [own("Endpoint", "endpoint")],
            warnings: [/research-instance: the notebook instance is deleted/],
        },
        {
            title: "notebook on",
            before: { notebookEnabled: false },
            after: {},
            expect: { "NotebookInstance research-instance": "create" },
            unchanged: [own("Endpoint", "endpoint")],
        },
        {
            title: "models off (back to the first deployment's base)",
            before: {},
            after: { modelsEnabled: false },
            expect: { [own("Endpoint", "endpoint")]: "delete", "NotebookInstance research-instance": "delete" },
            unchanged: ["Bucket artifacts", "Key stack-key", "Vpc network-vpc"],
            warnings: [/the endpoint is deleted: it stops serving/],
        },
        {
            title: "unsafe: another partition (a new provider; everything would move)",
            before: model(m.crossPartition),
            after: {
                ...model(m.crossPartition),
                ...(stack === "govcloud" ? { partition: "aws", region: "us-east-1" } : { partition: "aws-us-gov", region: "us-gov-west-1" }),
            },
            expect: { "Key stack-key": "replace", "Bucket artifacts": "replace" },
            unsafe: [
                /stack-key: the stack key is replaced \(its provider changes \(us-[a-z-]+-\d → us-[a-z-]+-\d\)/,
                /artifacts: the artifact bucket is replaced/,
            ],
        },
        {
            title: "unsafe: another region (everything would move, the key and the bucket included)",
            before: {},
            after: { region: stack === "govcloud" ? "us-gov-east-1" : "us-east-2" },
            expect: { "Key stack-key": "replace", "Bucket artifacts": "replace", "Vpc network-vpc": "replace" },
            unsafe: [
                /stack-key: the stack key is replaced \(its provider's region changes/,
                /artifacts: the artifact bucket is replaced.*create a new stack for another region/,
            ],
        },
    ];
}

/**
 * Day-2 changes to the AWS GovCloud sample's configuration (Falcon-40B on TGI 1.0.3, tests/govcloudSample.ts),
 * which a GovCloud stack may still run: TGI's own release and input-token settings.
 */
function govcloudSampleChanges(): Day2Change[] {
    const sample = (extra: Record<string, unknown> = {}) => ({ models: [{ ...GOVCLOUD_SAMPLE, ...extra }] });
    const own = (type: string, suffix: string) => `${type} falcon-40b-instruct-${suffix}`;
    return [
        {
            title: "the AWS GovCloud sample (TGI): another TGI release",
            before: sample(),
            after: sample({ engineVersion: "1.4.5" }),
            expect: { [own("Model", "model")]: "replace", [own("EndpointConfiguration", "config")]: "replace", [own("Endpoint", "endpoint")]: "update" },
            unchanged: [own("RolePolicy", "execution"), own("RandomString", "suffix")],
        },
        {
            title: "the AWS GovCloud sample (TGI): input-token limit",
            before: sample(),
            after: sample({ maxInputTokens: 512 }),
            expect: { [own("Model", "model")]: "replace", [own("Endpoint", "endpoint")]: "update" },
            unchanged: [own("RandomString", "suffix"), own("RolePolicy", "execution")],
        },
    ];
}

describe("change preview: day-2 changes on both stacks", function () {
    this.timeout(240_000);
    for (const stack of ["govcloud", "commercial"]) {
        describe(stack, () => {
            for (const change of [...day2Changes(stack), ...(stack === "govcloud" ? govcloudSampleChanges() : [])]) {
                it(change.title, async () => {
                    const before = await planOf(stack, change.before, change.options);
                    const after = await planOf(stack, change.after, change.afterOptions ?? change.options);
                    const preview = previewChanges(before, after);
                    const done = actions(preview);
                    for (const [name, action] of Object.entries(change.expect)) assert.equal(done[name], action, `${name}: ${JSON.stringify(done)}`);
                    // A name that is not in the plan would pass as unchanged: each must be there.
                    const planned = new Set(before.map((r) => `${r.type.split(":").pop()} ${r.name}`));
                    for (const name of change.unchanged ?? []) {
                        assert.ok(planned.has(name), `${name} is not in the plan`);
                        assert.equal(done[name], undefined, `${name} should not change: ${done[name]}`);
                    }
                    if (!change.unsafe)
                        for (const c of preview.changes.filter((c) => c.action === "replace")) assert.equal(c.replaceOrder, "create-before-delete", c.name);
                    const found = unsafe(preview);
                    if (!change.unsafe) assert.deepEqual(found, [], "no unsafe change");
                    for (const pattern of change.unsafe ?? [])
                        assert.ok(
                            found.some((f) => pattern.test(f)),
                            `${pattern} in\n${found.join("\n")}`,
                        );
                    for (const pattern of change.warnings ?? []) assert.match(warnings(preview), pattern);
                    assert.match(renderChanges(preview, "before.json"), /to create, .* to update, .* to replace, .* to delete, .* unchanged/);
                });
            }
        });
    }

    it("secrets are compared by fingerprint: equal under one salt, never shown", async () => {
        const options = { secretOverrides: ["huggingFaceToken"] };
        const settings = {
            egress: "nat",
            huggingFaceToken: "hf_tokenAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            models: [{ id: "llama-3-8b-instruct", weightsSource: "hub" }],
        };
        const same = previewChanges(await planOf("commercial", settings, options), await planOf("commercial", settings, options));
        assert.deepEqual(actions(same), {});
        const rotated = await planOf("commercial", { ...settings, huggingFaceToken: "hf_tokenBBBBBBBBBBBBBBBBBBBBBBBBBBBB" }, options);
        const text = renderChanges(previewChanges(await planOf("commercial", settings, options), rotated), "before.json");
        assert.match(text, /~ primaryContainer\.environment\.HF_TOKEN: \[secret\] => \[secret\] {2}\(forces replacement\)/);
        assert.ok(!/hf_token/.test(JSON.stringify(rotated)) && !/hf_token/.test(text), "no token in the plan or the report");
    });
});
