/**
 * Findings speak of the resource and its property on any stack, and name this program's setting only
 * on resources this program made (policies/lib/thisProgram.ts): through @pulumi/policy's analyzer on
 * the repo's stacks and on fixture programs written without the program's components.
 */
import { strict as assert } from "assert";
import { readdirSync, readFileSync } from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { packageType, previousType } from "../../components/packageTypes";
import { madeByThisProgram, PROGRAM_COMPONENT_TYPES, PROGRAM_PROJECT, withProgramHint } from "../../policies/lib/thisProgram";
import { urnTypeChain } from "../../policies/lib/urn";
import { messages } from "./assertions";
import { REPO_ROOT } from "../graph";
import { evaluateRepoStack, evaluateStack, FIXTURES } from "./harness";

const ENDPOINT_TYPES = "sagemaker-endpoint-config-instance-type-approved";
const NUM_GPUS = "sagemaker-model-num-gpus-within-instance";

/** Overrides the vLLM tensor-parallel degree of every Model's container. */
const eightGpus: pulumi.ResourceTransformation = (a) =>
    a.type === "aws:sagemaker/model:Model"
        ? {
              props: {
                  ...a.props,
                  primaryContainer: {
                      ...a.props.primaryContainer,
                      environment: { ...a.props.primaryContainer.environment, SM_VLLM_TENSOR_PARALLEL_SIZE: "8" },
                  },
              },
              opts: a.opts,
          }
        : undefined;

describe("findings on this program's resources, and on other programs'", function () {
    this.timeout(120_000);

    it("the component types the pack recognises are the ones the program's components register, and the types they had before", () => {
        const dir = path.join(REPO_ROOT, "components");
        const registered = readdirSync(dir)
            .filter((f) => f.endsWith(".ts"))
            .flatMap((f) => [...readFileSync(path.join(dir, f), "utf8").matchAll(/super\(packageType\("([^"]+)"\)/g)].map((m) => m[1]))
            .flatMap((component) => [packageType(component), previousType(component)])
            .sort();
        assert.equal(registered.length, 10);
        assert.deepEqual([...PROGRAM_COMPONENT_TYPES].sort(), registered);
        assert.match(readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8"), new RegExp(`^name: ${PROGRAM_PROJECT}$`, "m"));
    });

    it("reads the parents' types from a URN; a resource is the program's when one of them is a program component", () => {
        const child = "urn:pulumi:govcloud::sagemaker-llm::sagemaker-llm:components:LlmEndpoint$aws:sagemaker/model:Model::chat-model";
        assert.deepEqual(urnTypeChain(child), ["sagemaker-llm:components:LlmEndpoint", "aws:sagemaker/model:Model"]);
        assert.equal(madeByThisProgram(child), true);
        const outside = "urn:pulumi:dev::other::my:index:Llm$aws:sagemaker/model:Model::chat-model";
        assert.equal(madeByThisProgram(outside), false);
        assert.equal(madeByThisProgram("urn:pulumi:govcloud::sagemaker-llm::sagemaker-llm:index:LlmEndpoint$aws:sagemaker/model:Model::m"), true);
        // The package's components in another program (Python, YAML...): their settings are not this program's.
        assert.equal(madeByThisProgram("urn:pulumi:dev::platform::sagemaker-llm:index:LlmEndpoint$aws:sagemaker/model:Model::m"), false);
        assert.deepEqual(urnTypeChain("chat-model"), [], "not a URN");
        assert.deepEqual(urnTypeChain("urn:pulumi:dev::other"), [], "too short to hold a type");
        assert.equal(madeByThisProgram(undefined), false);
        assert.equal(withProgramHint("Fix it.", child, "set x."), "Fix it. In this program: set x.");
        assert.equal(withProgramHint("Fix it.", outside, "set x."), "Fix it.");
        assert.equal(withProgramHint("Fix it.", child, undefined), "Fix it.");
    });

    it("a resource policy: the program's endpoint configuration names the setting; a fixture program's names only the property", async () => {
        const policyConfig = { [ENDPOINT_TYPES]: { endpointInstanceTypes: { "aws-us-gov": ["ml.g4dn.2xlarge"] } } };
        const [own] = messages(await evaluateRepoStack("govcloud", { policyConfig }), ENDPOINT_TYPES);
        assert.match(own, /Set the variant's instanceType to a type approved for the stack's partition/);
        assert.match(own, /In this program: set models\[\]\.instanceType in the stack's settings to a type its approvedInstanceTypes setting lists\.$/);
        const [other] = messages(await evaluateStack(`${FIXTURES}/policy-instances`, "g6e-in-govcloud"), ENDPOINT_TYPES);
        assert.match(other, /Set the variant's instanceType to a type approved for the stack's partition/);
        assert.doesNotMatch(other, /In this program|models\[\]|settings/);
    });

    it("a stack policy: the finding on the program's model names the setting; a fixture program's does not", async () => {
        const [own] = messages(await evaluateRepoStack("govcloud", { preview: false, transformations: [eightGpus] }), NUM_GPUS);
        assert.match(own, /SM_VLLM_TENSOR_PARALLEL_SIZE = "8" is above the 4 GPU\(s\)/);
        assert.match(own, /In this program: set models\[\]\.numGpus \(or models\[\]\.instanceType\) in the stack's settings\.$/);
        const [other] = messages(await evaluateStack(`${FIXTURES}/policy-instances`, "too-many-gpus"), NUM_GPUS);
        assert.match(other, /SM_NUM_GPUS = "8" is above the 4 GPU\(s\)/);
        assert.doesNotMatch(other, /In this program|models\[\]/);
    });
});
