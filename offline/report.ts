/**
 * The offline plan's terminal report: the resource tree, the lookups answered offline, the change
 * preview, the policy results, the GPU-memory sizing, the cost and the stack outputs, as text from a
 * Plan (./plan.ts). Pure: ./plan.ts runs the program and prints what this returns.
 */
import * as path from "path";
import { renderChanges } from "./changes";
import { CostEstimate } from "./cost";
import { CapturedInvoke, CapturedResource, isUnknown } from "./mockRun";
import type { Plan } from "./plan";
import { PolicyResult } from "./policyEval";
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
 * writes, without initializing ICU's number formatting (10 ms, 1.5% of a plan, to print two
 * prices). ICU rounds the shortest decimal form of the number half away from zero; so does this, on
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

/** The sizing arithmetic this program exports per deployment (`llmEndpoints[].gpuMemorySizing`), when it does. */
export function renderSizing(outputs: unknown): string | undefined {
    const endpoints = (outputs as { llmEndpoints?: unknown } | undefined)?.llmEndpoints;
    if (!Array.isArray(endpoints)) return undefined;
    const blocks = endpoints.flatMap((e: { name?: unknown; gpuMemorySizing?: unknown }) =>
        Array.isArray(e.gpuMemorySizing) ? [`  ${String(e.name)}:`, ...e.gpuMemorySizing.map((l) => `    ${String(l)}`)] : [],
    );
    return blocks.length > 0 ? blocks.join("\n") : undefined;
}

export function renderCost(cost: CostEstimate): string {
    if (cost.lines.length === 0) return "  no SageMaker endpoints or notebooks";
    const lines = cost.lines.map((l) => {
        const count = `${l.instanceType} × ${l.count}${l.maxCount !== undefined && l.maxCount !== l.count ? ` (up to ${l.maxCount})` : ""}`;
        const price = l.price
            ? `${money(l.usdPerHour!)}/h  ${money(l.usdPerMonth!)}/month${l.usdPerMonthAtMax !== undefined && l.maxCount !== l.count ? ` (${money(l.usdPerMonthAtMax)} at max)` : ""}  [${l.price.region} on-demand, ${l.price.asOf}: ${l.price.source}]`
            : "no price on record in policies/catalog/instances.ts for this partition";
        return `  ${l.kind.padEnd(8)} ${l.resource.padEnd(34)} ${count.padEnd(30)} ${price}`;
    });
    lines.push(
        `  Total of priced lines: ${money(cost.usdPerHour)}/h, ${money(cost.usdPerMonth)}/month (${cost.hoursPerMonth} h)${cost.unpriced ? `; ${cost.unpriced} line(s) without a price` : ""}.`,
    );
    lines.push("  List prices of the region and date shown; prices in other regions, and in GovCloud, differ.");
    return lines.join("\n");
}

/**
 * The data-source calls an offline run answered with stand-ins, grouped by call: what the report
 * rests on that is not AWS's answer (an existing VPC's subnets are unknown offline, for instance).
 */
export function renderLookups(lookups: CapturedInvoke[]): string | undefined {
    const byToken = new Map<string, CapturedInvoke[]>();
    for (const l of lookups.filter((l) => l.answeredBy !== "test")) byToken.set(l.token, [...(byToken.get(l.token) ?? []), l]);
    if (byToken.size === 0) return undefined;
    const lines = ["Lookups answered offline (stand-ins, not AWS; unknown facts stay unknown and are checked by 'pulumi preview'):"];
    for (const [token, calls] of byToken) {
        const none = calls.filter((c) => c.answeredBy === "none").length;
        lines.push(`  ${token} ×${calls.length}${none ? ` (${none} with no stand-in: the program got an empty answer)` : ""}`);
    }
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
    const sizing = renderSizing(p.outputs);
    if (sizing) out.push("GPU memory per model (weights + KV cache + engine allowance):", sizing, "");
    out.push("Estimated cost (on-demand):", renderCost(p.cost), "");
    out.push("Outputs:", ...Object.entries(p.outputs as Record<string, unknown>).map(([k, v]) => `  ${k}: ${renderValue(v)}`));
    return `${out.join("\n")}\n`;
}
