/** The README's generated data tables (offline/dataTables.ts, written by `npm run docs`). */
import { strict as assert } from "assert";
import * as fs from "fs";
import { z } from "zod";
import {
    describeSchema,
    renderEnginesTable,
    renderEngineVariablesTable,
    renderInstancesTable,
    renderModelSettingsTable,
    renderModelsTable,
} from "../offline/dataTables";
import { dataMarkers, README, section } from "../offline/readme";
import { ENGINES } from "../policies/catalog/engines";
import { findInstanceType, INSTANCE_TYPES } from "../policies/catalog/instances";
import { MODELS } from "../policies/catalog/models";
import { rawSettingsSchema } from "../stacks/settings";
import { freshRequire } from "./freshModules";

/** The table row whose first cell starts with `first`. */
function row(tableText: string, first: string): string {
    const found = tableText.split("\n").find((line) => line.startsWith(`| ${first}`));
    assert.ok(found, `no row starting ${first}`);
    return found;
}

describe("the README's data tables", () => {
    it("are current: each marker section equals what the renderers produce (npm run docs)", () => {
        const readme = fs.readFileSync(README, "utf8");
        // The tables and renderers loaded afresh (see tests/freshModules.ts), so each table is what its code makes now.
        const tables = freshRequire<typeof import("../offline/readme")>("offline/readme").dataTables();
        assert.deepEqual(
            tables.map((t) => t.name),
            ["settings", "model-settings", "models", "engines", "engine-variables", "instances"],
        );
        for (const { name, content } of tables) {
            const [start, end] = dataMarkers(name);
            assert.equal(section(readme, start, end), content, `README section ${name} is stale: run npm run docs`);
        }
    });

    it("engines: one row per engine, the default release in bold, TGI marked not maintained", () => {
        const text = renderEnginesTable();
        assert.equal(text.split("\n").length, 2 + Object.keys(ENGINES).length);
        const tgi = row(text, "TGI");
        assert.match(tgi, /\*\*not maintained\*\*/);
        assert.match(tgi, /\*\*3\.3\.6\*\*/);
        assert.match(tgi, /`CUDA_MEMORY_FRACTION`, unset \(engine default 1\)/);
        const vllm = row(text, "vLLM");
        assert.match(vllm, /`SM_VLLM_GPU_MEMORY_UTILIZATION` = 0\.9/);
        assert.match(vllm, /\| 7\.5 \|/);
        assert.doesNotMatch(vllm, /not maintained/);
    });

    it("engine variables: one row per setting, a column per engine", () => {
        const text = renderEngineVariablesTable();
        assert.match(row(text, "Tensor parallel"), /`SM_VLLM_TENSOR_PARALLEL_SIZE` \| `SM_SGLANG_TP_SIZE` \| `SM_NUM_GPUS` \|/);
        assert.match(row(text, "Trust remote code"), /`HF_MODEL_TRUST_REMOTE_CODE=true`/);
        assert.match(row(text, "Served model name"), /\| not set \|$/);
        assert.equal(text.split("\n").length, 2 + Object.keys(ENGINES.vllm.variables).length);
    });

    it("instances: prices with region and date, 'no price on record' without one, 'not offered' outside the partition", () => {
        const text = renderInstancesTable();
        assert.equal(text.split("\n").length, 2 + INSTANCE_TYPES.length);
        assert.match(
            row(text, "`ml.g5.xlarge`"),
            /A10G \(Ampere, 8\.6\) \| 1 × 22\.4 \| yes \| no \| 250 \| `aws`, `aws-us-gov` \| \$1\.4084\/h \(us-east-1, 2025-04\) \| no price on record \|/,
        );
        assert.match(row(text, "`ml.g6e.xlarge`"), /\| no price on record \| not offered \|$/);
        assert.match(row(text, "`ml.p3.2xlarge`"), /\| EBS \|/);
        const unpriced = { ...findInstanceType("ml.g5.2xlarge")!, name: "ml.test.xlarge", prices: {} };
        assert.match(renderInstancesTable([unpriced]), /\| no price on record \| no price on record \|$/m);
    });

    it("models: KV cache per token at tensor parallel 1, MoE active parameters, superseded entries, per-partition defaults", () => {
        const text = renderModelsTable();
        assert.equal(text.split("\n").length, 2 + MODELS.length);
        const falcon = row(text, "`falcon-40b-instruct`");
        assert.match(falcon, /kept for existing stacks; superseded by `llama-3\.3-70b-instruct`/);
        assert.match(falcon, /\| 60 \/ 128 \/ 8 \/ 64 \| 120 \|/);
        assert.match(falcon, /\| tgi 1\.0\.3, `ml\.g4dn\.12xlarge` \(4 GPUs\), 2048 tokens, `bitsandbytes-nf4` \|$/);
        assert.match(row(text, "`llama-3.1-8b-instruct`"), /\| 8\.03B \| 32 \/ 32 \/ 8 \/ 128 \| 128 \|/);
        assert.match(row(text, "`gpt-oss-20b`"), /20\.9B \(3\.6B active\).*mxfp4 \(19\.1B\) \+ bfloat16 \(1\.8B\)/);
        assert.doesNotMatch(row(text, "`qwen3-8b`"), /superseded/);
    });

    it("model settings: every field of a models[] entry with its type or allowed values", () => {
        const shape = rawSettingsSchema.shape.models.element.shape;
        const text = renderModelSettingsTable(shape);
        assert.equal(text.split("\n").length, 2 + Object.keys(shape).length);
        assert.match(row(text, "`id`"), /\| yes \| string \|$/);
        assert.match(row(text, "`engine`"), /\| no \| one of `vllm`, `sglang`, `tgi` \|$/);
        assert.match(row(text, "`dataCapturePercent`"), /\| integer, ≥ 0, ≤ 100 \|$/);
        assert.match(row(text, "`trustRemoteCode`"), /\| boolean \|$/);
        assert.equal(describeSchema(z.number().positive().max(1).optional()), "number, > 0, ≤ 1");
    });
});
