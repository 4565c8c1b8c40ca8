/**
 * The plan's per-model section (offline/servedModels.ts, rendered by offline/report.ts): engine,
 * image, GPUs, quantization, GPU memory needed and available, and the Service Quotas quota, computed
 * from the Model and EndpointConfiguration resources for this repository's stacks and for a program
 * written outside it; "unknown" where a value is computed in preview or not in the pack's catalogs.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EXIT } from "../offline/plan";
import { CapturedResource, SECRET_SIG, SIG_KEY, UNKNOWN } from "../offline/mockRun";
import { renderModels } from "../offline/report";
import { endpointQuotaName, servedModels } from "../offline/servedModels";
import { REPO_ROOT } from "./graph";
import { runPlan } from "./planRun";
import { capturedResource } from "./capturedResource";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "plan-report-"));
const outsideAcme = path.join(REPO_ROOT, "tests", "fixtures", "outside-acme");

/** The report's block of one model: from its header line to the next model or section. */
function modelBlock(stdout: string, model: string): string {
    const section = stdout.slice(stdout.indexOf("\nModels ("), stdout.indexOf("\nEstimated cost"));
    const start = section.indexOf(`\n  ${model} `);
    assert.ok(start >= 0, `no block for ${model} in:\n${section}`);
    const next = section.slice(start + 1).search(/\n {2}\S/);
    return next < 0 ? section.slice(start + 1) : section.slice(start + 1, start + 1 + next);
}

const row = (block: string, name: string) => new RegExp(`^ {4}${name} +(.*)$`, "m").exec(block)?.[1];

describe("plan report: per model", function () {
    this.timeout(300_000);

    for (const stack of ["govcloud", "commercial"]) {
        it(`${stack}: each model's engine, image, instance and GPUs, quantization, memory (the program's own sizing) and quota`, async () => {
            const file = path.join(tmp, `${stack}.json`);
            const outcome = await runPlan("--stack", stack, "--no-policies", "--json", file);
            assert.equal(outcome.code, EXIT.clean, outcome.stderr);
            const plan = JSON.parse(fs.readFileSync(file, "utf8"));
            const endpoints: any[] = plan.outputs.llmEndpoints;
            assert.ok(endpoints.length > 0);
            for (const endpoint of endpoints) {
                const model = plan.resources.find((r: any) => r.type === "aws:sagemaker/model:Model" && r.name === `${endpoint.name}-model`);
                const block = modelBlock(outcome.stdout, model.name);
                assert.match(block, new RegExp(`→ ${endpoint.name}-config productionVariants\\[0\\]`));
                assert.equal(row(block, "image"), model.inputs.primaryContainer.image);
                assert.match(row(block, "engine")!, /^(vLLM|SGLang|TGI)$/);
                assert.match(row(block, "instance")!, new RegExp(`^${endpoint.instanceType.replace(/\./g, "\\.")} × \\d+`));
                assert.match(row(block, "GPUs")!, /^\d+ × [A-Z0-9-]+, \d+\.\d GiB each; the model uses \d+$/);
                assert.match(row(block, "quantization")!, /^none \(\w+ unset\)$|^\S+ \(\w+\)$/);
                assert.match(
                    row(block, "quota")!,
                    new RegExp(`^"${endpointQuotaName(endpoint.instanceType).replace(/\./g, "\\.")}" \\(Service Quotas, Amazon SageMaker\\): at least \\d+`),
                );
                // The pack's arithmetic on the captured resources equals the program's own (settings validation) output.
                const printed = block
                    .split("\n")
                    .filter((l) => /^ {18}\S/.test(l))
                    .map((l) => l.trim());
                assert.deepEqual(
                    printed,
                    endpoint.gpuMemorySizing.map((l: string) => l.trim()),
                );
                const memory = row(block, "memory")!;
                const required = /required +(\d+\.\d) GiB/.exec(endpoint.gpuMemorySizing.join("\n"))![1];
                const available = /available +(\d+\.\d) GiB/.exec(endpoint.gpuMemorySizing.join("\n"))![1];
                assert.equal(memory, `${required} GiB needed, ${available} GiB available`);
            }
            // The JSON carries the same, per model.
            assert.equal(plan.models.length, endpoints.length);
            assert.ok(plan.models.every((m: any) => m.quota.name === endpointQuotaName(m.instanceType)));
        });
    }

    describe("a program written outside this repository (tests/fixtures/outside-acme)", () => {
        let outcome: Awaited<ReturnType<typeof runPlan>>;
        before(async () => {
            outcome = await runPlan("--stack", "broken-serving", "--program", outsideAcme, "--policy-config", path.join(outsideAcme, "policy-config.json"));
        });

        it("lists every model with its engine, image and quota", () => {
            for (const [model, engine, image] of [
                ["acme-assistant-model", "vLLM", /huggingface-vllm:/],
                ["acme-large-model", "vLLM", /huggingface-vllm:/],
                ["acme-legacy-model", "TGI", /huggingface-pytorch-tgi-inference:/],
                ["acme-community-model", "vLLM", /^docker\.io\/vllm\/vllm-openai:/],
            ] as const) {
                const block = modelBlock(outcome.stdout, model);
                assert.equal(row(block, "engine"), engine, block);
                assert.match(row(block, "image")!, image);
                const type = /^(\S+) ×/.exec(row(block, "instance")!)![1];
                assert.match(row(block, "quota")!, new RegExp(`^"${type.replace(/\./g, "\\.")} for endpoint usage"`));
            }
        });

        it("sizes a model the catalog does not name with the policy config's modelParameters, as the fit policy does (same numbers)", () => {
            const block = modelBlock(outcome.stdout, "acme-large-model");
            assert.match(row(block, "model")!, /^acme-large \(70B parameters, from policy config modelParameters/);
            const memory = /^(\d+\.\d) GiB needed, (\d+\.\d) GiB available: does not fit$/.exec(row(block, "memory")!);
            assert.ok(memory, block);
            const violation = outcome.stdout.split("\n").find((l) => l.includes("acme-large-config: ") && l.includes("GiB needed"));
            assert.ok(violation, "the fit policy reports the model");
            assert.ok(violation!.includes(`${memory![1]} GiB needed, ${memory![2]} GiB available`), violation);
        });

        it("a CPU instance type has no GPUs and no memory figure, with the reason", () => {
            const block = modelBlock(outcome.stdout, "acme-community-model");
            assert.equal(row(block, "GPUs"), "none (a CPU instance type)");
            assert.match(row(block, "memory")!, /^needed unknown, available unknown \(ml\.m5\.xlarge has no GPUs/);
        });
    });
});

describe("servedModels: values unknown in preview or not in the catalogs", () => {
    const resource = (type: string, name: string, inputs: Record<string, unknown>, propertyDependencies: Record<string, string[]> = {}): CapturedResource =>
        capturedResource(type, name, inputs, { propertyDependencies });
    const MODEL = "aws:sagemaker/model:Model";
    const CONFIG = "aws:sagemaker/endpointConfiguration:EndpointConfiguration";
    const vllm = (environment: Record<string, unknown>, image: unknown = "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-vllm:0.21.0-gpu") =>
        resource(MODEL, "m-model", { primaryContainer: { image, environment } });
    const config = (model: CapturedResource, variant: Record<string, unknown>) =>
        resource(CONFIG, "m-config", { productionVariants: [variant] }, { productionVariants: [model.urn] });

    it("an instance type and image computed in preview are unknown, with why; the rest is still read", () => {
        const model = vllm({ SM_VLLM_MODEL: "meta-llama/Llama-3.1-8B-Instruct", SM_VLLM_QUANTIZATION: "fp8" }, UNKNOWN);
        const [m] = servedModels([model, config(model, { instanceType: UNKNOWN, initialInstanceCount: 1 })]);
        assert.equal(m.instanceType, undefined);
        assert.equal(m.quota, undefined);
        assert.equal(m.image, undefined);
        assert.equal(m.quantization, "fp8 (SM_VLLM_QUANTIZATION)");
        const text = renderModels([m]);
        assert.match(text, /^ {4}instance +unknown \(computed in preview\)$/m);
        assert.match(text, /^ {4}image +unknown \(computed in preview\)$/m);
        assert.match(text, /^ {4}memory +needed unknown, available unknown \(the instance type is unknown\)$/m);
        assert.match(text, /^ {4}quota +unknown$/m);
    });

    it("an engine setting computed in preview leaves the memory unknown", () => {
        const model = vllm({ SM_VLLM_MODEL: "meta-llama/Llama-3.1-8B-Instruct", SM_VLLM_MAX_MODEL_LEN: UNKNOWN });
        const [m] = servedModels([model, config(model, { instanceType: "ml.g5.2xlarge", initialInstanceCount: 2 })]);
        assert.equal(m.memory, undefined);
        assert.deepEqual(m.quota, { name: "ml.g5.2xlarge for endpoint usage", instances: 2 });
        assert.match(renderModels([m]), /memory +needed unknown, available unknown \(an engine setting is computed in preview\)/);
    });

    it("an instance type outside the catalog and a model the catalog does not name are unknown, with the fix", () => {
        const model = vllm({ SM_VLLM_MODEL: "acme/unlisted-13b" });
        const [m] = servedModels([model, config(model, { instanceType: "ml.g7.mega", initialInstanceCount: 1 })]);
        const text = renderModels([m]);
        assert.match(text, /GPUs +unknown \(ml\.g7\.mega is not in policies\/catalog\/instances\.ts\)/);
        assert.match(
            text,
            /memory +needed unknown, available unknown \(acme\/unlisted-13b is not in the pack's model catalog; set policy config modelParameters/,
        );
        assert.match(text, /quota +"ml\.g7\.mega for endpoint usage"/);
        // Named in the fit policy's config, it is sized by its parameter count; the instance type stays unknown to the catalog.
        const [named] = servedModels([model, config(model, { instanceType: "ml.g5.2xlarge", initialInstanceCount: 1 })], { "acme/unlisted-13b": 13 });
        assert.ok(named.memory && named.memory.requiredGiB > 0);
    });

    it("a secret engine setting is not printed and leaves the memory unknown", () => {
        const secret = { [SIG_KEY]: SECRET_SIG, value: "meta-llama/Llama-3.1-8B-Instruct" };
        const model = vllm({ SM_VLLM_MODEL: secret });
        const [m] = servedModels([model, config(model, { instanceType: "ml.g5.2xlarge", initialInstanceCount: 1 })]);
        assert.doesNotMatch(JSON.stringify(m) + renderModels([m]), /Llama-3\.1-8B/);
        assert.match(renderModels([m]), /an engine setting is secret/);
    });

    it("a Model no configuration serves is listed, its instance unknown", () => {
        const model = vllm({ SM_VLLM_MODEL: "meta-llama/Llama-3.1-8B-Instruct" });
        const [m] = servedModels([model]);
        assert.equal(m.endpointConfig, undefined);
        assert.equal(m.engine, "vLLM");
        assert.match(renderModels([m]), /instance +unknown \(no endpoint configuration of the program is known to serve the model/);
    });
});
