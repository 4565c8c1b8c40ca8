/**
 * `npm run plan -- --stack <name>`: the offline plan and policy gate. Runs a Pulumi program for a
 * stack under Pulumi's mock runtime in preview mode (no Pulumi CLI, plugins, backend or AWS
 * credentials), evaluates the policy pack on what it would create through @pulumi/policy's own
 * analyzer, estimates the GPU cost, and writes JSON, SARIF and Mermaid reports on request.
 *
 * With `--against <earlier plan JSON>`, it also previews the changes from that plan to this one
 * (./changes.ts) and flags the unsafe ones.
 *
 * Exit codes: 0 clean, 1 mandatory violations, 2 invalid settings or usage, 3 internal error,
 * 4 unsafe changes (with --against).
 */
// First: it records when the plan's modules began to load (PLAN_TIMINGS, for the benchmark).
import { count, emitTimings, mark } from "./timings";
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { ChangePreview, newSecretSalt, PlanResource, planResources, previewChanges, renderChanges } from "./changes";
import { CostEstimate, estimateCost } from "./cost";
import { toMermaid } from "./mermaid";
import { CapturedInvoke, CapturedResource, isUnknown, mapSecrets } from "./mockRun";
import { checkSdkVersions, evaluatePolicies, loadPolicyConfigFile, loadPolicyPack, PolicyConfigError, PolicyPackLoadError, PolicyResult } from "./policyEngine";
import { ProjectConfigError } from "./projectConfig";
import { runStack, StackRun } from "./runStack";
import { toSarif } from "./sarif";
import { PartitionId, partitionOfRegion } from "../policies/catalog/partitions";
import { ParsedWaivedFinding, parseWaivedFinding, WAIVED_FINDINGS_POLICY } from "../policies/lib/waivers";
import { missingTagsOfFinding } from "../policies/tags/awsResourceTagsRequired";

const REPO_ROOT = path.resolve(__dirname, "..");
const DEFAULT_PACK = path.join(REPO_ROOT, "policies");

export const EXIT = { clean: 0, violations: 1, invalid: 2, internal: 3, unsafeChanges: 4 } as const;

/** The version of the plan JSON: 2 added resource options, secret fingerprints and changes. */
export const PLAN_FORMAT = 2;

export const USAGE = `Usage: npm run plan -- --stack <name> [options]

Shows what a Pulumi stack would create and whether it passes the policy pack, without the Pulumi
CLI, provider plugins, a backend or AWS credentials: the program runs under Pulumi's mock runtime in
preview mode, and the pack runs through @pulumi/policy's own analyzer, in-process.

Options:
  -s, --stack <name>          stack to plan (reads Pulumi.<name>.yaml)            (required)
  -p, --program <dir>         Pulumi Node.js program to plan                      (default: this project)
  -c, --config <key=value>    override a stack setting (repeatable); secure values are never printed
      --policy-pack <dir>     policy pack to evaluate                             (default: ./policies)
      --policy-config <file>  policy pack config (as for --policy-pack-config)    (default: <pack>/config/<stack>.json if present)
      --no-policies           skip the policy evaluation
      --json <file>           write the whole plan and policy results as JSON
      --sarif <file>          write policy violations as SARIF 2.1.0 (GitHub code scanning)
      --graph <file>          write a Mermaid diagram of the architecture
      --against <file>        preview the changes from an earlier plan's --json file to this one:
                              create, update, replace (and in which order), delete, and which are unsafe
  -h, --help                  show this help

Exit codes: 0 clean, 1 mandatory policy violations, 2 invalid settings or usage, 3 internal error,
4 unsafe changes against the earlier plan (--against; mandatory violations take precedence).
Progress goes to stderr; the report to stdout.

Limits: this is not a preview against AWS. No provider-side checks or defaults run (a value AWS would
reject is not caught here unless a policy checks it); values AWS computes (ids, ARNs, generated names)
stay unknown, and policies that need them report "not run" as in a real preview; data-source calls
return offline stand-ins (account 111122223333, region-derived zones). When an account is available,
'pulumi preview --policy-pack' remains the authority.`;

interface Options {
    stack: string;
    program: string;
    overrides: Record<string, string>;
    policyPack: string;
    policyConfig?: string;
    policies: boolean;
    json?: string;
    sarif?: string;
    graph?: string;
    against?: string;
}

export interface Plan {
    planFormat: number;
    project: string;
    stack: string;
    program: string;
    stackFile: string;
    /** Salt of the secret fingerprints in `resources` (`[secret:<8 hex>]`); a later plan compares under it. */
    secretSalt: string;
    /** What the preview registers (values AWS computes unknown). */
    resources: PlanResource[];
    /**
     * The same resources as a mocked update computes them, with stand-in ids, ARNs and names that
     * change exactly where a replacement would (./mockRun.ts): what --against compares. In a preview,
     * a policy document built from ARNs is unknown as a whole, so a change inside it would not show.
     */
    updateSnapshot?: PlanResource[];
    outputs: unknown;
    cost: CostEstimate;
    /** `waived`: the findings waivers covered (this pack's policies/lib/waivers.ts), with their waivers. */
    policies?: { pack: string; config?: string; result: PolicyResult; waived: WaivedInPlan[] };
    /** Data-source calls the run made, and whether an offline stand-in answered them. */
    lookups: CapturedInvoke[];
    /** With --against: the changes from the earlier plan. */
    changes?: ChangePreview & { against: string };
}

/** A finding a waiver covered, as --json records it. */
export interface WaivedInPlan extends Omit<ParsedWaivedFinding, "message"> {
    urn?: string;
    resourceName?: string;
    message: string;
}

/** The findings `aws-resource-findings-waived` reported as waived, each with its policy and waiver. Pure. */
export function waivedFindings(result: PolicyResult): WaivedInPlan[] {
    return result.violations.flatMap((v) => {
        const waived = v.policyName === WAIVED_FINDINGS_POLICY ? parseWaivedFinding(v.message) : undefined;
        return waived === undefined ? [] : [{ ...waived, urn: v.urn, resourceName: v.resourceName }];
    });
}

class UsageError extends Error {}

function parseOptions(argv: string[]): Options | "help" {
    let values;
    try {
        values = parseArgs({
            args: argv,
            options: {
                stack: { type: "string", short: "s" },
                program: { type: "string", short: "p", default: REPO_ROOT },
                config: { type: "string", short: "c", multiple: true, default: [] },
                "policy-pack": { type: "string", default: DEFAULT_PACK },
                "policy-config": { type: "string" },
                "no-policies": { type: "boolean", default: false },
                json: { type: "string" },
                sarif: { type: "string" },
                graph: { type: "string" },
                against: { type: "string" },
                help: { type: "boolean", short: "h" },
            },
            strict: true,
        }).values;
    } catch (err) {
        throw new UsageError((err as Error).message);
    }
    if (values.help) return "help";
    if (!values.stack) throw new UsageError("--stack is required");
    const overrides: Record<string, string> = {};
    for (const pair of values.config as string[]) {
        const eq = pair.indexOf("=");
        if (eq <= 0) throw new UsageError(`--config takes key=value, got '${pair}'`);
        overrides[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    return {
        stack: values.stack,
        program: path.resolve(values.program as string),
        overrides,
        policyPack: path.resolve(values["policy-pack"] as string),
        policyConfig: values["policy-config"] ? path.resolve(values["policy-config"]) : undefined,
        policies: !values["no-policies"],
        json: values.json,
        sarif: values.sarif,
        graph: values.graph,
        against: values.against,
    };
}

/** An earlier plan's JSON, checked to be one this version can compare against. */
function loadEarlierPlan(file: string, project: string, stack: string): Plan {
    let earlier: Plan;
    try {
        earlier = JSON.parse(fs.readFileSync(file, "utf8")) as Plan;
    } catch (err) {
        throw new UsageError(`--against ${file}: cannot read it as a plan's JSON (${(err as Error).message})`);
    }
    if (!Array.isArray(earlier.updateSnapshot) || typeof earlier.secretSalt !== "string" || earlier.planFormat !== PLAN_FORMAT) {
        throw new UsageError(
            `--against ${file}: not a plan --json file of format ${PLAN_FORMAT}; write one with 'npm run plan -- --stack ${stack} --json <file>' before the change`,
        );
    }
    if (earlier.project !== project || earlier.stack !== stack) {
        throw new UsageError(`--against ${file}: it plans ${earlier.project}/${earlier.stack}, not ${project}/${stack}`);
    }
    return earlier;
}

/** Inputs with secret values replaced, so nothing secret reaches a report. */
function masked(value: unknown): unknown {
    return mapSecrets(value, () => "[secret]");
}

/** A masked value for the terminal. */
function renderValue(value: unknown): string {
    if (isUnknown(value)) return "<computed>";
    if (Array.isArray(value)) return `[${value.map(renderValue).join(", ")}]`;
    if (value && typeof value === "object")
        return `{ ${Object.entries(value)
            .map(([k, v]) => `${k}: ${renderValue(v)}`)
            .join(", ")} }`;
    return String(value);
}

/** The resource tree, children indented under their component, with child counts. */
function renderTree(resources: CapturedResource[]): string {
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

function renderPolicies(result: PolicyResult): string {
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
function money(usd: number): string {
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
function renderSizing(outputs: unknown): string | undefined {
    const endpoints = (outputs as { llmEndpoints?: unknown } | undefined)?.llmEndpoints;
    if (!Array.isArray(endpoints)) return undefined;
    const blocks = endpoints.flatMap((e: { name?: unknown; gpuMemorySizing?: unknown }) =>
        Array.isArray(e.gpuMemorySizing) ? [`  ${String(e.name)}:`, ...e.gpuMemorySizing.map((l) => `    ${String(l)}`)] : [],
    );
    return blocks.length > 0 ? blocks.join("\n") : undefined;
}

function renderCost(cost: CostEstimate): string {
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
 * The partition whose prices apply: the program's `partitionId` output (this program exports it),
 * else the partition of the AWS provider's configured region; undefined leaves every line unpriced.
 */
function stackPartition(run: StackRun): PartitionId | undefined {
    const output = run.result.stackOutputs.partitionId;
    if (output === "aws" || output === "aws-us-gov") return output;
    const region = run.config.values["aws:region"];
    return region ? partitionOfRegion(region) : undefined;
}

/**
 * The data-source calls an offline run answered with stand-ins, grouped by call: what the report
 * rests on that is not AWS's answer (an existing VPC's subnets are unknown offline, for instance).
 */
function renderLookups(lookups: CapturedInvoke[]): string | undefined {
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

function write(file: string, text: string): void {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    fs.writeFileSync(file, text);
    process.stderr.write(`Wrote ${file}\n`);
}

function defaultPolicyConfig(options: Options): string | undefined {
    if (options.policyConfig) return options.policyConfig;
    const candidate = path.join(options.policyPack, "config", `${options.stack}.json`);
    return fs.existsSync(candidate) ? candidate : undefined;
}

async function plan(options: Options): Promise<{ plan: Plan; run: StackRun }> {
    process.stderr.write(`Running ${path.relative(process.cwd(), options.program) || "."} for stack '${options.stack}' under mocks (preview)...\n`);
    mark("programStart");
    const run = await runStack({ programDir: options.program, stack: options.stack, overrides: options.overrides });
    mark("programEnd");
    if (run.result.error) throw run.result.error;
    const resources = run.result.resources;
    const earlier = options.against ? loadEarlierPlan(options.against, run.project.name, options.stack) : undefined;
    // Under the earlier plan's salt, equal secrets have equal fingerprints.
    const secretSalt = earlier?.secretSalt ?? newSecretSalt();
    const recorded = planResources(resources, secretSalt);
    let updateSnapshot: PlanResource[] | undefined;
    if (options.json || earlier) {
        const update = await runStack({ programDir: options.program, stack: options.stack, overrides: options.overrides, preview: false });
        if (update.result.error) throw update.result.error;
        updateSnapshot = planResources(update.result.resources, secretSalt);
    }
    count("resources", resources.length);
    let policies: Plan["policies"];
    if (options.policies) {
        const configFile = defaultPolicyConfig(options);
        process.stderr.write(
            `Evaluating ${path.relative(process.cwd(), options.policyPack) || "."}${configFile ? ` with ${path.relative(process.cwd(), configFile)}` : ""}...\n`,
        );
        mark("policyLoadStart");
        const pack = await loadPolicyPack(options.policyPack);
        const config = configFile ? loadPolicyConfigFile(configFile) : undefined;
        mark("policyLoadEnd");
        const result = await evaluatePolicies(pack, resources, { config, stackConfig: run.config.values, secretConfigKeys: run.config.secretKeys });
        mark("policyEvalEnd");
        count("policies", pack.policies.length);
        policies = { pack: pack.name, config: configFile, result, waived: waivedFindings(result) };
    }
    return {
        run,
        plan: {
            planFormat: PLAN_FORMAT,
            project: run.project.name,
            stack: options.stack,
            program: options.program,
            stackFile: run.config.stackFile,
            secretSalt,
            resources: recorded,
            updateSnapshot,
            outputs: masked(run.result.stackOutputs),
            cost: estimateCost(resources, stackPartition(run)),
            policies,
            lookups: run.result.invokes.map((i) => ({ ...i, inputs: masked(i.inputs) as Record<string, unknown> })),
            changes: earlier && updateSnapshot ? { ...previewChanges(earlier.updateSnapshot!, updateSnapshot), against: options.against! } : undefined,
        },
    };
}

export async function main(argv: string[]): Promise<number> {
    mark("mainStart");
    let options: Options | "help";
    try {
        options = parseOptions(argv);
    } catch (err) {
        process.stderr.write(`${(err as Error).message}\n\n${USAGE}\n`);
        return EXIT.invalid;
    }
    if (options === "help") {
        process.stdout.write(`${USAGE}\n`);
        return EXIT.clean;
    }
    const sdk = checkSdkVersions();
    if (sdk.warning) process.stderr.write(sdk.warning);
    if (sdk.error) {
        process.stderr.write(sdk.error);
        return EXIT.internal;
    }
    try {
        const { plan: p, run } = await plan(options);
        const out: string[] = [];
        const custom = run.result.resources.filter((r) => r.custom);
        const components = run.result.resources.filter((r) => !r.custom && r.type !== "pulumi:pulumi:Stack");
        out.push(`Plan for ${p.project}/${p.stack} (offline: mock runtime, preview mode)`, "");
        out.push(`Resources: ${custom.length} in ${components.length} components`, renderTree(run.result.resources), "");
        const offline = renderLookups(p.lookups);
        if (offline) out.push(offline, "");
        if (p.changes) out.push(renderChanges(p.changes, path.relative(process.cwd(), p.changes.against) || p.changes.against), "");
        if (p.policies) {
            const s = p.policies.result.summary;
            out.push(
                `Policies: ${p.policies.pack}, ${policyCount(p.policies.result)}${p.policies.config ? `, config ${path.relative(process.cwd(), p.policies.config)}` : ""}`,
            );
            out.push(renderPolicies(p.policies.result));
            const waived = p.policies.waived.length > 0 ? ` (${p.policies.waived.length} of them waived findings)` : "";
            out.push(`  ${s.mandatory} mandatory, ${s.advisory} advisory${waived}, ${s.notRun} not run${s.errors ? `, ${s.errors} errors` : ""}`, "");
        }
        const sizing = renderSizing(p.outputs);
        if (sizing) out.push("GPU memory per model (weights + KV cache + engine allowance):", sizing, "");
        out.push("Estimated cost (on-demand):", renderCost(p.cost), "");
        out.push("Outputs:", ...Object.entries(p.outputs as Record<string, unknown>).map(([k, v]) => `  ${k}: ${renderValue(v)}`));
        process.stdout.write(`${out.join("\n")}\n`);

        if (options.json) write(options.json, `${JSON.stringify(p, null, 2)}\n`);
        if (options.graph) write(options.graph, toMermaid(run.result.resources, `${p.project}/${p.stack}`));
        if (options.sarif && p.policies) {
            const { result } = p.policies;
            write(
                options.sarif,
                `${JSON.stringify(toSarif({ packName: result.pack.name, packVersion: result.pack.version, result, stackFile: p.stackFile, rootDir: process.cwd() }), null, 2)}\n`,
            );
        }
        const failed = p.policies && (p.policies.result.summary.mandatory > 0 || p.policies.result.summary.errors > 0);
        const unsafe = p.changes?.findings.some((f) => f.level === "unsafe");
        mark("reportEnd");
        return failed ? EXIT.violations : unsafe ? EXIT.unsafeChanges : EXIT.clean;
    } catch (err) {
        const e = err as Error;
        if (e.name === "SettingsError" || e instanceof ProjectConfigError || e instanceof PolicyConfigError) {
            process.stderr.write(`${e.message}\n`);
            return EXIT.invalid;
        }
        if (e instanceof UsageError) {
            process.stderr.write(`${e.message}\n`);
            return EXIT.invalid;
        }
        if (e instanceof PolicyPackLoadError) {
            process.stderr.write(`Could not load the policy pack: ${e.message}\n`);
            return EXIT.internal;
        }
        process.stderr.write(`Internal error: ${e.stack ?? String(e)}\n`);
        return EXIT.internal;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => {
        emitTimings();
        process.exit(code);
    });
}
