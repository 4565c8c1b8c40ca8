/**
 * Markdown tables of the data modules (`policies/catalog/engines.ts`, `policies/catalog/instances.ts`,
 * `policies/catalog/models.ts`) and of the per-model settings schema, for the README's generated sections
 * (offline/readme.ts). Pure functions: each takes its rows (the data modules' tables by default)
 * and returns the table text, so a data change shows up as a stale README section.
 */
import type { z } from "zod";
import { Engine, ENGINES, EngineVariables, findRelease } from "../policies/catalog/engines";
import { INSTANCE_TYPES, InstanceType } from "../policies/catalog/instances";
import { ModelSpec, MODELS, PartitionModelDefaults, WeightPart } from "../policies/catalog/models";
import { PARTITION_IDS, PartitionId } from "../policies/catalog/partitions";
import { kvBytesPerToken } from "../policies/catalog/sizing";
import { ConfigDeclaration } from "./projectConfig";

/** Escapes a cell's text for a Markdown table row. */
function cell(text: string): string {
    return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function table(header: string[], rows: string[][]): string {
    return [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

const code = (text: string) => `\`${text}\``;
const yesNo = (value: boolean) => (value ? "yes" : "no");
/** A number without trailing zeros: 8, 0.85, 22.4. */
const num = (n: number) => String(+n.toFixed(4));

function engineLabel(id: string): string {
    return ENGINES[id as keyof typeof ENGINES]?.label ?? id;
}

// ---------------------------------------------------------------------------------------------
// Engines
// ---------------------------------------------------------------------------------------------

function defaultRelease(engine: Engine) {
    const release = findRelease(engine, engine.defaultVersion);
    if (!release) throw new Error(`${engine.label}'s default release ${engine.defaultVersion} is not among its releases`);
    return release;
}

/** The memory variable and the share this project sets: always for vLLM and SGLang, for TGI only when another share is asked for. */
function memorySetting(engine: Engine): string {
    const variable = code(engine.variables.memoryFraction);
    return !engine.alwaysSetMemoryFraction
        ? `${variable}, unset (engine default ${num(engine.defaultMemoryFraction)})`
        : `${variable} = ${num(engine.defaultMemoryFraction)}`;
}

export function renderEnginesTable(engines: Engine[] = Object.values(ENGINES)): string {
    const rows = engines.map((e) => {
        const release = defaultRelease(e);
        return [
            `${e.label} (${code(e.id)})`,
            code(e.repository),
            e.releases.map((r) => (r.version === e.defaultVersion ? `**${r.version}**` : r.version)).join(", "),
            release.requestFormats.map(code).join(", "),
            release.minComputeCapability === undefined ? "none on record" : release.minComputeCapability.toFixed(1),
            e.onTheFlyQuantizations.map(code).join(", ") || "none",
            memorySetting(e),
            e.maintained ? "yes" : "**not maintained**",
            cell(e.status),
        ];
    });
    return table(
        [
            "Engine",
            "Image repository",
            "Releases (default in bold)",
            "Request formats (default release)",
            "Min. compute capability (default release)",
            "On-the-fly quantization",
            "Memory setting (value set)",
            "Maintained",
            "Status",
        ],
        rows,
    );
}

/** Row labels of the variables table, one per setting an engine variable carries. */
const VARIABLE_LABELS: Record<keyof EngineVariables, string> = {
    model: "Model (Hub id or local path)",
    tensorParallel: "Tensor parallel degree",
    contextLength: "Context length",
    quantization: "Quantization",
    dtype: "Dtype",
    trustRemoteCode: "Trust remote code",
    memoryFraction: "GPU memory fraction",
    servedModelName: "Served model name",
    hubToken: "Hub token",
    revision: "Hub revision (branch, tag or commit)",
};

function variableCell(engine: Engine, key: keyof EngineVariables): string {
    const name = engine.variables[key];
    if (!name) return "not set";
    if (key === "trustRemoteCode") return engine.switchOn === "" ? `${code(name)} (empty value)` : code(`${name}=${engine.switchOn}`);
    return code(name);
}

export function renderEngineVariablesTable(engines: Engine[] = Object.values(ENGINES)): string {
    const keys = Object.keys(VARIABLE_LABELS) as (keyof EngineVariables)[];
    return table(
        ["Setting", ...engines.map((e) => e.label)],
        keys.map((key) => [VARIABLE_LABELS[key], ...engines.map((e) => variableCell(e, key))]),
    );
}

// ---------------------------------------------------------------------------------------------
// Instance types
// ---------------------------------------------------------------------------------------------

function priceCell(type: InstanceType, partition: PartitionId): string {
    if (!type.offeredIn.includes(partition)) return "not offered";
    const price = type.prices[partition];
    return price ? `$${num(price.usdPerHour)}/h (${price.region}, ${price.asOf})` : "no price on record";
}

export function renderInstancesTable(types: InstanceType[] = INSTANCE_TYPES, partitions: PartitionId[] = PARTITION_IDS): string {
    const rows = types.map((t) => [
        code(t.name),
        t.gpu ? `${t.gpu.name} (${t.gpu.architecture}, ${t.gpu.computeCapability.toFixed(1)})` : "none (CPU)",
        t.gpu ? `${t.gpuCount} × ${t.gpuMemoryGiB.toFixed(1)}` : "—",
        t.gpu ? yesNo(t.gpu.bf16) : "—",
        t.gpu ? yesNo(t.gpu.fp8) : "—",
        t.localNvmeGb > 0 ? String(t.localNvmeGb) : "EBS",
        t.offeredIn.map(code).join(", "),
        ...partitions.map((p) => priceCell(t, p)),
    ]);
    return table(
        [
            "Type",
            "GPU (architecture, compute capability)",
            "GPUs × GiB",
            "bf16",
            "fp8",
            "Local NVMe (GB)",
            "Offered in",
            ...partitions.map((p) => `Price in ${code(p)}`),
        ],
        rows,
    );
}

// ---------------------------------------------------------------------------------------------
// Models
// ---------------------------------------------------------------------------------------------

function parametersCell(m: ModelSpec): string {
    return m.activeParametersBillions === undefined
        ? `${num(m.parametersBillions)}B`
        : `${num(m.parametersBillions)}B (${num(m.activeParametersBillions)}B active)`;
}

function weightsCell(parts: WeightPart[]): string {
    return parts.length === 1 ? parts[0].format : parts.map((p) => `${p.format} (${num(p.billions)}B)`).join(" + ");
}

/** "vLLM 0.21.0, ml.g5.12xlarge × 2 GPUs, 32768 tokens, quantize `fp8`". */
export function defaultCell(d: PartitionModelDefaults): string {
    const engine = ENGINES[d.engine];
    const parts = [
        `${d.engine} ${d.engineVersion ?? engine.defaultVersion}`,
        `${code(d.instanceType)}${d.numGpus !== undefined ? ` (${d.numGpus} GPUs)` : ""}`,
        `${d.maxTotalTokens} tokens`,
    ];
    if (d.quantize) parts.push(code(d.quantize));
    return parts.join(", ");
}

function modelCell(m: ModelSpec): string {
    return m.supersededBy ? `${code(m.id)} (kept for existing stacks; superseded by ${code(m.supersededBy)})` : code(m.id);
}

export function renderModelsTable(models: ModelSpec[] = MODELS, partitions: PartitionId[] = PARTITION_IDS): string {
    const rows = models.map((m) => [
        modelCell(m),
        code(m.hfModelId),
        parametersCell(m),
        `${m.layers} / ${m.attentionHeads} / ${m.kvHeads} / ${m.headDim}`,
        num(kvBytesPerToken(m.layers, m.kvHeads, m.headDim, 1) / 1024),
        String(m.contextLength),
        weightsCell(m.weights),
        m.license,
        yesNo(m.gated),
        m.engines.map(engineLabel).join(", "),
        ...partitions.map((p) => (m.defaults[p] ? defaultCell(m.defaults[p]) : "none")),
    ]);
    return table(
        [
            "Model",
            "Hub id",
            "Parameters",
            "Layers / heads / KV heads / head size",
            "KV cache KiB per token",
            "Context",
            "Weights",
            "Licence",
            "Gated",
            "Engines",
            ...partitions.map((p) => `Default in ${code(p)} (engine, instance, context, quantize)`),
        ],
        rows,
    );
}

// ---------------------------------------------------------------------------------------------
// Per-model settings (the zod schema of a models[] entry)
// ---------------------------------------------------------------------------------------------

interface NumberCheckDef {
    check: string;
    value?: number;
    inclusive?: boolean;
}

/** The type of a zod schema in words: `string`, `integer, ≥ 1`, one of `a`, `b`. */
export function describeSchema(schema: z.ZodType): string {
    const def = (schema as unknown as { def: { type: string } }).def;
    switch (def.type) {
        case "optional":
        case "nullable":
        case "default":
            return describeSchema((def as unknown as { innerType: z.ZodType }).innerType);
        case "string":
        case "boolean":
            return def.type;
        case "enum":
            return `one of ${(schema as unknown as { options: (string | number)[] }).options.map((o) => code(String(o))).join(", ")}`;
        case "number": {
            const n = schema as unknown as { format?: string | null; def: { checks?: { _zod: { def: NumberCheckDef } }[] } };
            const bounds = (n.def.checks ?? []).flatMap(({ _zod: { def: c } }) => {
                if (c.check === "greater_than") return [`${c.inclusive ? "≥" : ">"} ${c.value}`];
                if (c.check === "less_than") return [`${c.inclusive ? "≤" : "<"} ${c.value}`];
                return [];
            });
            return [n.format === "safeint" || n.format === "int32" ? "integer" : "number", ...bounds].join(", ");
        }
        default:
            return def.type;
    }
}

function isOptional(schema: z.ZodType): boolean {
    const type = (schema as unknown as { def: { type: string } }).def.type;
    return type === "optional" || type === "default";
}

/** One row per field of a models[] entry: name, required or optional, type or allowed values. */
export function renderModelSettingsTable(shape: Record<string, z.ZodType>): string {
    return table(
        ["Field", "Required", "Type / allowed values"],
        Object.entries(shape).map(([name, schema]) => [code(name), isOptional(schema) ? "no" : "yes", cell(describeSchema(schema))]),
    );
}

// ---------------------------------------------------------------------------------------------
// Top-level settings (Pulumi.yaml's config block)
// ---------------------------------------------------------------------------------------------

/** One row per setting Pulumi.yaml declares: its default (or "required") and its description. */
export function renderSettingsTable(declarations: Record<string, ConfigDeclaration>): string {
    const rows = Object.entries(declarations).map(([qualified, decl]) => {
        const key = qualified.split(":").pop()!;
        const value = decl.default;
        const defaultText = value === undefined ? "required" : code(typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value));
        return [code(key), defaultText, cell(decl.description ?? "")];
    });
    return table(["Setting", "Default", "Meaning"], rows);
}
