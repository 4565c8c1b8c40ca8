/**
 * Every role the program creates, proven with a real IAM policy evaluator: the requests SageMaker,
 * the notebook's code and VPC flow logs make for each feature are allowed, those nobody should make
 * are denied, each trust policy admits only its service acting for this account, and removing any
 * action a role is granted denies a request it needs (so nothing granted is unused). The requests
 * and their sources are in tests/iam/requests.ts.
 */
import { strict as assert } from "assert";
import { parseEcrImage } from "../components/llmEndpoint";
import { CapturedResource } from "../offline/mockRun";
import { Graph, policyOf, runRepoStack } from "./graph";
import {
    executionRoleMustNot,
    executionRoleNeeds,
    flowLogRoleMustNot,
    flowLogRoleNeeds,
    IamRequest,
    notebookRoleMustNot,
    notebookRoleNeeds,
    StackFacts,
    trustCases,
} from "./iam/requests";
import { decide, Decision, PolicyDocument } from "./iam/simulate";

/** A role of the stack: its trust policy, the policies attached to it, and its ARN. */
interface RoleUnderTest {
    arn: string;
    trust: PolicyDocument;
    policies: PolicyDocument[];
}

/** The pull policy of AWS's Deep Learning Containers registries, which let every account pull (stands for it in cross-account evaluation). */
const PUBLIC_IMAGE_REGISTRY: PolicyDocument = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: "*", Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"] }],
};

interface StackUnderTest {
    facts: StackFacts;
    roles: { execution: RoleUnderTest; notebook: RoleUnderTest; flowLogs: RoleUnderTest };
    bucketPolicy: PolicyDocument;
    keyPolicy: PolicyDocument;
}

async function stackUnderTest(stack: string, overrides: Record<string, unknown>): Promise<StackUnderTest> {
    const run = await runRepoStack(stack, overrides, { preview: false });
    assert.equal(run.result.error, undefined, run.result.error?.stack);
    const g = new Graph(run.result.resources);
    const outputs = run.result.stackOutputs as { awsRegion: string; partitionId: string; artifactBucketName: string; kmsKeyArn: string; llmEndpoints: any[] };
    const partition = outputs.partitionId;
    const region = outputs.awsRegion;
    const account = outputs.kmsKeyArn.split(":")[4];
    const endpoint = outputs.llmEndpoints[0];
    const component = g.ofType("sagemaker-llm:index:LlmEndpoint")[0];
    const image = parseEcrImage(g.inputs(g.one("aws:sagemaker/model:Model")).primaryContainer.image);
    const flowLogGroup = g.ofType("aws:cloudwatch/logGroup:LogGroup").find((r) => r.name.endsWith("flow-logs"))!;
    const role = (name: string): RoleUnderTest => {
        const r = g.one("aws:iam/role:Role", name);
        const attached = g.ofType("aws:iam/rolePolicy:RolePolicy").filter((p: CapturedResource) => (p.propertyDependencies.role ?? []).includes(r.urn));
        return {
            arn: `arn:${partition}:iam::${account}:role/${r.name}-0123456`,
            trust: policyOf(r.inputs.assumeRolePolicy) as PolicyDocument,
            policies: attached.map((p) => policyOf(p.inputs.policy) as PolicyDocument),
        };
    };
    return {
        facts: {
            partition,
            region,
            account,
            bucketArn: `arn:${partition}:s3:::${outputs.artifactBucketName}`,
            keyArn: outputs.kmsKeyArn,
            deployment: endpoint.name,
            weightsPrefix: `models/${endpoint.name}/`,
            endpointName: endpoint.endpointName,
            endpointArn: endpoint.endpointArn,
            logGroupArn: `arn:${partition}:logs:${region}:${account}:log-group:/aws/sagemaker/Endpoints/${endpoint.endpointName}`,
            rollbackAlarmArn: `arn:${partition}:cloudwatch:${region}:${account}:alarm:${String((component.outputs as Record<string, unknown>).rollbackAlarmName)}`,
            ecrRepositoryArn: `arn:${partition}:ecr:${region}:${image.account}:repository/${image.repository}`,
            flowLogGroupArn: `arn:${partition}:logs:${region}:${account}:log-group:${String(flowLogGroup.inputs.name)}`,
        },
        roles: { execution: role(`${endpoint.name}-execution`), notebook: role("research-role"), flowLogs: role("network-flow-logs") },
        bucketPolicy: policyOf(g.one("aws:s3/bucketPolicy:BucketPolicy").inputs.policy) as PolicyDocument,
        keyPolicy: policyOf(g.one("aws:kms/key:Key").inputs.policy) as PolicyDocument,
    };
}

/** The decision for a role's request, with the resource policy the service applies (bucket, key, registry). */
function decideFor(s: StackUnderTest, role: RoleUnderTest, policies: PolicyDocument[], request: IamRequest): Promise<Decision> {
    const service = request.action.split(":")[0];
    const resourcePolicy =
        service === "s3" ? s.bucketPolicy : service === "kms" ? s.keyPolicy : service === "ecr" && request.resource !== "*" ? PUBLIC_IMAGE_REGISTRY : undefined;
    const account = service === "ecr" && request.resource !== "*" ? request.resource.split(":")[4] : s.facts.account;
    // Every S3 request travels over TLS: the bucket policy denies the others.
    const context = service === "s3" ? { "aws:SecureTransport": "true", ...request.context } : request.context;
    return decide({ principal: role.arn, action: request.action, resource: request.resource, account, context }, policies, resourcePolicy);
}

async function assertDecisions(s: StackUnderTest, role: RoleUnderTest, requests: IamRequest[], expected: "Allowed" | "denied") {
    for (const request of requests) {
        const decision = await decideFor(s, role, role.policies, request);
        const ok = expected === "Allowed" ? decision === "Allowed" : decision !== "Allowed";
        assert.ok(ok, `${request.action} on ${request.resource} ${JSON.stringify(request.context ?? {})} (${request.why}): ${decision}`);
    }
}

/** Each granted action, removed alone, denies at least one request the role needs. */
async function assertEveryActionNeeded(s: StackUnderTest, role: RoleUnderTest, needs: IamRequest[]) {
    for (const [p, policy] of role.policies.entries()) {
        for (const [i, statement] of policy.Statement.entries()) {
            const actions = ([] as string[]).concat(statement.Action as string | string[]);
            for (const action of actions) {
                const without = structuredClone(role.policies);
                const rest = actions.filter((a) => a !== action);
                if (rest.length === 0) without[p].Statement.splice(i, 1);
                else without[p].Statement[i].Action = rest;
                const affected = needs.filter((r) => r.action === action);
                assert.ok(affected.length > 0, `${action} (statement ${String(statement.Sid)}) is granted but no request in the table needs it`);
                const decisions = await Promise.all(affected.map((r) => decideFor(s, role, without, r)));
                assert.ok(
                    decisions.some((d) => d !== "Allowed"),
                    `removing ${action} from ${String(statement.Sid)} denies nothing the role needs`,
                );
            }
        }
    }
}

async function assertTrust(s: StackUnderTest, role: RoleUnderTest, cases: ReturnType<typeof trustCases>["execution"]) {
    for (const [expected, list] of [
        ["Allowed", cases.allowed],
        ["denied", cases.denied],
    ] as const) {
        for (const c of list) {
            const decision = await decide(
                { principal: c.service, action: "sts:AssumeRole", resource: role.arn, account: s.facts.account, context: c.context },
                [],
                role.trust,
            );
            assert.ok(
                expected === "Allowed" ? decision === "Allowed" : decision !== "Allowed",
                `${c.service} ${JSON.stringify(c.context)} (${c.why}): ${decision}`,
            );
        }
    }
}

describe("IAM, proven with a policy evaluator", function () {
    this.timeout(120_000);
    for (const [stack, overrides, features] of [
        ["govcloud", {}, { dataCapture: false }],
        ["commercial", { models: [{ id: "mistral-7b-instruct", dataCapturePercent: 10 }] }, { dataCapture: true }],
    ] as const) {
        describe(`${stack}${features.dataCapture ? ", with data capture" : ""}`, () => {
            let s: StackUnderTest;
            before(async () => (s = await stackUnderTest(stack, overrides)));

            it("the execution role can do what SageMaker does for the endpoint, and nothing on the deny list", async () => {
                await assertDecisions(s, s.roles.execution, executionRoleNeeds(s.facts, features), "Allowed");
                await assertDecisions(s, s.roles.execution, executionRoleMustNot(s.facts, features), "denied");
            });
            it("every action granted to the execution role is needed by a request of the sourced table", () =>
                assertEveryActionNeeded(s, s.roles.execution, executionRoleNeeds(s.facts, features)));

            it("the notebook role: invoke this stack's endpoints, read its artifacts, write notebook logs; nothing else", async () => {
                await assertDecisions(s, s.roles.notebook, notebookRoleNeeds(s.facts), "Allowed");
                await assertDecisions(s, s.roles.notebook, notebookRoleMustNot(s.facts), "denied");
                await assertEveryActionNeeded(s, s.roles.notebook, notebookRoleNeeds(s.facts));
            });

            it("the flow-log role: deliver to its log group only", async () => {
                await assertDecisions(s, s.roles.flowLogs, flowLogRoleNeeds(s.facts), "Allowed");
                await assertDecisions(s, s.roles.flowLogs, flowLogRoleMustNot(s.facts), "denied");
                await assertEveryActionNeeded(s, s.roles.flowLogs, flowLogRoleNeeds(s.facts));
            });

            it("each trust policy admits its service acting for this account (and region) only", async () => {
                const cases = trustCases(s.facts);
                await assertTrust(s, s.roles.execution, cases.execution);
                await assertTrust(s, s.roles.notebook, cases.notebook);
                await assertTrust(s, s.roles.flowLogs, cases.flowLogs);
            });
        });
    }

    it("the evaluator is real: it refuses an unknown action and denies what no policy allows", async () => {
        await assert.rejects(
            decide({ principal: "arn:aws:iam::111122223333:role/r", action: "s3:GetObjekt", resource: "arn:aws:s3:::b/k", account: "111122223333" }, []),
            /rejects s3:GetObjekt/,
        );
        assert.equal(
            await decide({ principal: "arn:aws:iam::111122223333:role/r", action: "s3:GetObject", resource: "arn:aws:s3:::b/k", account: "111122223333" }, []),
            "ImplicitlyDenied",
        );
    });
});
