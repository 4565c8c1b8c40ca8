/**
 * The offline plan's terminal report: the resource tree, the lookups answered offline, what was not
 * evaluated (blind spots), the change preview, the policy results, the models served, the cost and
 * the stack outputs, as text from a Plan (./plan.ts). Pure: ./plan.ts runs the program and prints what
 * this returns.
 */
import * as path from "path";
import { renderBlindSpots } from "./completeness";
import { renderChanges } from "./changes";
import { CostEstimate, CostLine } from "./cost";
import { CapturedInvoke, CapturedResource, isUnknown } from "./mockRun";
import { NETWORK_PRICES_FILE } from "./networkPrices";
import type { Plan } from "./plan";
import { PolicyResult } from "./policyEngine";
import { ServedModel } from "./servedModels";
import { parseWaivedFinding, WAIVED_FINDINGS_POLICY } from "../policies/lib/waivers";
import { missingTagsOfFinding } from "../policies/tags/awsResourceTagsRequired";

/** A masked value for the terminal. */
export function renderValue(value: unknown): string {
    if (isUnknown(value)) return "<computed>";
    if (Array.isArray(value)) return `[${value.map(renderValue).join(", ")}]`;
    if (value && typeof value === "object")
        return `{ ${Object.entries(value)
            .map(([k, v]) => `${k}: ${renderValue(v)}`)
            .join(", ")} }`;
    return String(value);
}

/** The resource tree, children indented under their component, with child counts. */
export function renderTree(resources: CapturedResource[]): string {
    const children = new Map<string | undefined, CapturedResource[]>();
    for (const r of resources) children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
    const lines: string[] = [];
    const walk = (parent: string | undefined, depth: number) => {
        for (const r of children.get(parent) ?? []) {
            const kids = children.get(r.urn)?.length ?? 0;
            lines.push(`${"  ".repeat(depth)}${r.custom ? "+" : "▸"} ${r.type} ${r.name}${kids ? `  (${kids})` : ""}`);
            walk(r.urn, depth + 1);
        }
    };
    walk(undefined, 0);
    return lines.join("\n");
}

/** "44 policies", with the former names a pack serves for old configs (tagged "renamed") counted apart. Pure. */
export function policyCount(result: PolicyResult): string {
    const former = result.policies.filter((p) => p.tags?.includes("renamed")).length;
    const current = result.policies.length - former;
    return `${current} policies${former > 0 ? ` (and ${former} former names, accepted in configs)` : ""}`;
}

export function renderPolicies(result: PolicyResult): string {
    const remediationOf = new Map(result.policies.map((p) => [p.name, p.remediationSteps]));
    const lines: string[] = [];
    const byPolicy = new Map<string, typeof result.violations>();
    for (const v of result.violations) byPolicy.set(v.policyName, [...(byPolicy.get(v.policyName) ?? []), v]);
    const order = { mandatory: 0, advisory: 1, remediate: 2, disabled: 3 } as Record<string, number>;
    for (const [name, violations] of [...byPolicy].sort(
        (a, b) => order[a[1][0].enforcementLevel] - order[b[1][0].enforcementLevel] || a[0].localeCompare(b[0]),
    )) {
        const level = violations[0].enforcementLevel;
        lines.push(`  ${level === "mandatory" ? "✖" : "!"} ${level.padEnd(9)} ${name} (${violations.length})`);
        // A missing tag is one problem on many resources: one line per tag, naming the resources.
        const byMissingTag = new Map<string, string[]>();
        const shortName = (v: (typeof violations)[number]) => (v.resourceName ? `${v.resourceType?.split(":").pop()} ${v.resourceName}` : "stack");
        for (const v of violations) for (const tag of missingTagsOfFinding(v.message)) byMissingTag.set(tag, [...(byMissingTag.get(tag) ?? []), shortName(v)]);
        const grouped = new Set(violations.filter((v) => missingTagsOfFinding(v.message).length > 0));
        for (const [tag, resources] of byMissingTag) {
            lines.push(`      missing tag ${JSON.stringify(tag)} on ${resources.length} resource${resources.length === 1 ? "" : "s"}: ${resources.join(", ")}`);
        }
        for (const v of violations) {
            if (grouped.has(v)) continue;
            const where = v.resourceName ? `${v.resourceType} ${v.resourceName}` : "stack";
            const lastLine = (text: string) =>
                text
                    .split("\n")
                    .filter((l) => l.trim() !== "")
                    .slice(-1)[0] ?? text;
            const waived = v.policyName === WAIVED_FINDINGS_POLICY ? parseWaivedFinding(v.message) : undefined;
            const message = waived
                ? `waived ${waived.policy} (${waived.reason}; approved by ${waived.approvedBy}, until ${waived.expires}): ${lastLine(waived.message)}`
                : lastLine(v.message);
            lines.push(`      ${where}: ${message}`);
        }
        const remediation = remediationOf.get(name);
        // The grouped lines leave the findings' own text out, remediation included.
        if (remediation && (grouped.size > 0 || !violations.every((v) => v.message.includes(remediation)))) lines.push(`      fix: ${remediation}`);
    }
    if (result.notRun.length > 0) {
        lines.push("  Not run in preview (they need values known only after 'pulumi up'):");
        const notRun = new Map<string, string[]>();
        for (const n of result.notRun)
            notRun.set(n.policyName, [...(notRun.get(n.policyName) ?? []), `${n.resourceName ?? "stack"}${n.property ? ` (${n.property})` : ""}`]);
        for (const [name, where] of notRun) lines.push(`    - ${name}: ${where.join(", ")}`);
    }
    for (const e of result.errors) lines.push(`  ✖ error    ${e.urn ?? "stack"}: ${e.message}`);
    if (lines.length === 0) lines.push("  ✔ no violations");
    return lines.join("\n");
}

/**
 * `$1,234.56`: what `usd.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })`
 * writes, without initializing ICU's number formatting for a few prices (bench/README.md has its
 * cost). ICU rounds the shortest decimal form of the number half away from zero; so does this, on
 * `String(usd)`. Anything else (negative, not finite, exponent notation) still goes to toLocaleString.
 */
export function money(usd: number): string {
    const text = String(usd);
    if (!Number.isFinite(usd) || usd < 0 || Object.is(usd, -0) || text.includes("e")) {
        return `$${usd.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
    }
    const [whole, fraction = ""] = text.split(".");
    let cents = BigInt(whole + fraction.padEnd(2, "0").slice(0, 2));
    if (fraction.length > 2 && fraction[2] >= "5") cents += 1n;
    const digits = cents.toString().padStart(3, "0");
    return `$${digits.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${digits.slice(-2)}`;
}

const UNKNOWN_TEXT = "unknown";

/** Why a field is unknown, from a model's `unknown` notes (`field: reason`). */
function why(m: ServedModel, field: string): string {
    const reasons = m.unknown.filter((u) => u.startsWith(`${field}: `)).map((u) => u.slice(field.length + 2));
    return reasons.length > 0 ? `${UNKNOWN_TEXT} (${reasons.join("; ")})` : UNKNOWN_TEXT;
}

/**
 * Per served model: engine, image, instance and GPUs, quantization, the model, GPU memory needed and
 * available (with the arithmetic), and the Service Quotas quota to request; "unknown" with the reason
 * where a value is computed in preview or not in the pack's catalogs.
 */
export function renderModels(models: ServedModel[]): string {
    if (models.length === 0) return "  no SageMaker models";
    const lines: string[] = [];
    const row = (name: string, value: string) => lines.push(`    ${name.padEnd(13)} ${value}`);
    for (const m of models) {
        const where = m.endpointConfig ? ` → ${m.endpointConfig} ${m.variant}` : "";
        lines.push(`  ${m.model}${m.container ? ` ${m.container}` : ""}${where}`);
        row("engine", m.engine ?? why(m, "engine"));
        row("image", m.image ?? why(m, "image"));
        const count =
            m.instanceCount === undefined
                ? ` × ${why(m, "instanceCount")}`
                : ` × ${m.instanceCount}${m.maxInstanceCount !== undefined && m.maxInstanceCount !== m.instanceCount ? ` (up to ${m.maxInstanceCount})` : ""}`;
        row("instance", m.instanceType ? `${m.instanceType}${count}` : why(m, "instanceType"));
        row(
            "GPUs",
            m.gpus?.count === 0
                ? "none (a CPU instance type)"
                : m.gpus
                  ? `${m.gpus.count} × ${m.gpus.name}, ${m.gpus.memoryGiBEach.toFixed(1)} GiB each; the model uses ${m.gpus.used ?? UNKNOWN_TEXT}`
                  : m.instanceType
                    ? why(m, "gpus")
                    : UNKNOWN_TEXT,
        );
        row("quantization", m.quantization ?? why(m, "quantization"));
        if (m.identity) row("model", m.identity);
        if (m.memory) {
            row(
                "memory",
                `${m.memory.requiredGiB.toFixed(1)} GiB needed, ${m.memory.availableGiB.toFixed(1)} GiB available${m.memory.fits ? "" : ": does not fit"}`,
            );
            for (const l of m.memory.lines) lines.push(`${" ".repeat(18)}${l}`);
        } else row("memory", `needed ${UNKNOWN_TEXT}, available ${UNKNOWN_TEXT} (${why(m, "memory").replace(/^unknown \(|\)$/g, "") || "no reason recorded"})`);
        row(
            "quota",
            m.quota
                ? `"${m.quota.name}" (Service Quotas, Amazon SageMaker)${m.quota.instances !== undefined ? `: at least ${m.quota.instances}, more while a blue/green update runs both fleets` : ""}`
                : UNKNOWN_TEXT,
        );
    }
    return lines.join("\n");
}

/** An hourly rate: cents from $1 up, else the digits the rate has (a NAT gateway's $0.045/h is not $0.05). */
function hourly(usd: number): string {
    return usd >= 1 || usd === 0 ? money(usd) : `$${Number(usd.toFixed(4))}`;
}

/** What is billed per hour on a cost line: `ml.g5.2xlarge × 2 (up to 4)`, `NAT gateway × 1`, `sts: AZ × 2`. */
function billedUnits(l: CostLine): string {
    const what = l.instanceTypeComputed
        ? "instance type computed in preview"
        : (l.instanceType ?? (l.service ? `${l.service.split(".").slice(3).join(".") || l.service}: ${l.unit}` : l.unit));
    const count = l.count === undefined ? "unknown (computed in preview)" : String(l.count);
    return `${what} × ${count}${l.maxCount !== undefined && l.maxCount !== l.count ? ` (up to ${l.maxCount})` : ""}`;
}

/** Where a line's missing price would be recorded. */
function priceTable(l: CostLine): string {
    return l.instanceType || l.instanceTypeComputed ? "policies/catalog/instances.ts" : NETWORK_PRICES_FILE;
}

export function renderCost(cost: CostEstimate): string {
    if (cost.lines.length === 0) return "  no SageMaker endpoints, notebooks, NAT gateways or interface VPC endpoints";
    const lines = cost.lines.map((l) => {
        const price =
            l.usdPerHour !== undefined && l.price
                ? `${hourly(l.usdPerHour)}/h  ${money(l.usdPerMonth!)}/month${l.usdPerMonthAtMax !== undefined && l.maxCount !== l.count ? ` (${money(l.usdPerMonthAtMax)} at max)` : ""}  [${l.price.region} on-demand, ${l.price.asOf}: ${l.price.source}]`
                : l.instanceTypeComputed
                  ? "unknown: the instance type is computed in preview"
                  : l.price
                    ? "unknown: the count is computed in preview"
                    : `unknown: no price on record in ${priceTable(l)} for this partition`;
        return `  ${l.kind.padEnd(18)} ${l.resource.padEnd(34)} ${billedUnits(l).padEnd(30)} ${price}`;
    });
    const priced = cost.lines.length - cost.unpriced;
    lines.push(
        priced === 0
            ? `  Total: unknown (none of the ${cost.lines.length} lines has a price on record).`
            : `  Total of the ${priced} priced line(s): ${hourly(cost.usdPerHour)}/h, ${money(cost.usdPerMonth)}/month (${cost.hoursPerMonth} h)${cost.unpriced ? `; ${cost.unpriced} line(s) unknown, not included` : ""}.`,
    );
    lines.push(
        "  List prices of the region and date shown; prices in other regions, and in GovCloud, differ. Data processed (NAT gateway, endpoint GBs) is not estimated.",
    );
    return lines.join("\n");
}

/**
 * The data-source calls an offline run answered itself (computed from their arguments, or stand-ins),
 * grouped by call: what the report rests on that is not AWS's answer. Calls left unknown are blind
 * spots (./completeness.ts).
 */
export function renderLookups(lookups: CapturedInvoke[]): string | undefined {
    const byToken = new Map<string, CapturedInvoke[]>();
    for (const l of lookups.filter((l) => l.answeredBy === "computed" || l.answeredBy === "stand-in"))
        byToken.set(l.token, [...(byToken.get(l.token) ?? []), l]);
    if (byToken.size === 0) return undefined;
    const lines = [
        "Lookups answered offline (computed from their arguments, or stand-ins, not AWS; unknown facts stay unknown and are checked by 'pulumi preview'):",
    ];
    for (const [token, calls] of byToken) lines.push(`  ${token} ×${calls.length} (${calls[0].answeredBy})`);
    return lines.join("\n");
}

/** The whole report, as the plan prints it to stdout; paths are shown relative to `cwd`. */
export function renderReport(p: Plan, resources: CapturedResource[], cwd: string = process.cwd()): string {
    const out: string[] = [];
    const custom = resources.filter((r) => r.custom);
    const components = resources.filter((r) => !r.custom && r.type !== "pulumi:pulumi:Stack");
    out.push(`Plan for ${p.project}/${p.stack} (offline: mock runtime, preview mode)`, "");
    out.push(`Resources: ${custom.length} in ${components.length} components`, renderTree(resources), "");
    const offline = renderLookups(p.lookups);
    if (offline) out.push(offline, "");
    const blind = renderBlindSpots(p.completeness.blindSpots, p.completeness.accepted);
    if (blind) out.push(blind, "");
    if (p.changes) out.push(renderChanges(p.changes, path.relative(cwd, p.changes.against) || p.changes.against), "");
    if (p.policies) {
        const s = p.policies.result.summary;
        out.push(
            `Policies: ${p.policies.pack}, ${policyCount(p.policies.result)}${p.policies.config ? `, config ${path.relative(cwd, p.policies.config)}` : ""}`,
        );
        out.push(renderPolicies(p.policies.result));
        const waived = p.policies.waived.length > 0 ? ` (${p.policies.waived.length} of them waived findings)` : "";
        out.push(`  ${s.mandatory} mandatory, ${s.advisory} advisory${waived}, ${s.notRun} not run${s.errors ? `, ${s.errors} errors` : ""}`, "");
    }
    out.push("Models (engine, GPUs and memory from the Model and EndpointConfiguration resources, sized with the pack's catalog):", renderModels(p.models), "");
    out.push("Estimated cost (on-demand):", renderCost(p.cost), "");
    out.push("Outputs:", ...Object.entries(p.outputs as Record<string, unknown>).map(([k, v]) => `  ${k}: ${renderValue(v)}`));
    return `${out.join("\n")}\n`;
}
