/**
 * The change preview: what `pulumi up` would do to a stack planned earlier, resource by resource
 * (create, update, replace, delete, as `pulumi preview --diff` shows them), and which of those
 * changes are unsafe on real AWS. Mocks never replace anything, so replacements come from the
 * provider's rules (./replaceRules.ts) applied to the difference between two plans' inputs.
 *
 * The plans compared are mocked updates (the plan's `updateSnapshot`), whose stand-in ids, ARNs and
 * names change exactly where a replacement would (./mockRun.ts), so values built from them show
 * their changes. A value still unknown in both (a fact about something outside the program) is taken
 * to be unchanged unless a resource it comes from (its property dependencies) is created or replaced.
 * Secrets are compared by fingerprint.
 */
import { createHash, randomBytes } from "crypto";
import { AliasSpec, matchEarlierResources } from "./aliases";
import { CapturedResource, isUnknown, mapSecrets } from "./mockRun";
import { InputChange, replaceRulesOf, replacingChanges } from "./replaceRules";

/** A resource as a plan's JSON records it (secrets replaced by fingerprints). */
export interface PlanResource {
    urn: string;
    type: string;
    name: string;
    custom: boolean;
    parent?: string;
    /** `<provider URN>::<provider id>`. */
    provider?: string;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    inputs: Record<string, unknown>;
    /** The aliases the program declared (./aliases.ts matches them to an earlier plan's URNs); absent when none. */
    aliases?: AliasSpec[];
    options?: {
        /** Present only when the program set it. */
        deleteBeforeReplace?: boolean;
        retainOnDelete?: boolean;
        replaceOnChanges?: string[];
    };
}

export type ChangeAction = "create" | "update" | "replace" | "delete" | "same";

export interface ResourceChange {
    urn: string;
    type: string;
    name: string;
    action: ChangeAction;
    /** For a replacement: create the new one first (the default), or delete the old one first. */
    replaceOrder?: "create-before-delete" | "delete-before-create";
    /** Inputs that differ; `replaces` marks those that force the replacement. */
    inputs: (InputChange & { replaces: boolean })[];
    /** Why it is replaced when no input of its own forces it (its provider). */
    reason?: string;
    /** A deleted resource with retainOnDelete: left in AWS, dropped from the state. */
    retained?: boolean;
    /** The URN it had in the earlier plan, when an alias carried it over (it keeps its state). */
    previousUrn?: string;
}

export interface ChangeFinding {
    /** `unsafe`: the change fails on AWS, interrupts service or loses data; `warning`: it works, with a cost to know. */
    level: "unsafe" | "warning";
    urn: string;
    name: string;
    message: string;
}

export interface ChangePreview {
    changes: ResourceChange[];
    findings: ChangeFinding[];
    counts: Record<ChangeAction, number>;
}

const T = {
    endpoint: "aws:sagemaker/endpoint:Endpoint",
    config: "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
    model: "aws:sagemaker/model:Model",
    notebook: "aws:sagemaker/notebookInstance:NotebookInstance",
    scalingTarget: "aws:appautoscaling/target:Target",
    key: "aws:kms/key:Key",
    bucket: "aws:s3/bucket:Bucket",
    vpc: "aws:ec2/vpc:Vpc",
    subnet: "aws:ec2/subnet:Subnet",
};

/** `[secret:<8 hex>]`: equal secrets give equal fingerprints under one salt; the value cannot be read back. */
export function secretFingerprint(salt: string, value: unknown): string {
    if (isUnknown(value)) return String(value);
    return `[secret:${createHash("sha256").update(salt).update("\0").update(JSON.stringify(value)).digest("hex").slice(0, 8)}]`;
}

/** A fresh salt for a plan's secret fingerprints. */
export function newSecretSalt(): string {
    return randomBytes(16).toString("hex");
}

/** A mocked run's resources as a plan records them. */
export function planResources(resources: CapturedResource[], salt: string): PlanResource[] {
    return resources.map((r) => ({
        urn: r.urn,
        type: r.type,
        name: r.name,
        custom: r.custom,
        parent: r.parent,
        provider: r.provider,
        dependencies: r.dependencies,
        propertyDependencies: r.propertyDependencies,
        inputs: mapSecrets(r.inputs, (secret) => secretFingerprint(salt, secret.value)) as Record<string, unknown>,
        ...(r.options.aliases.length > 0 ? { aliases: r.options.aliases } : {}),
        options: {
            ...(r.options.deleteBeforeReplaceDefined ? { deleteBeforeReplace: r.options.deleteBeforeReplace } : {}),
            retainOnDelete: r.options.retainOnDelete,
            replaceOnChanges: r.options.replaceOnChanges,
        },
    }));
}

function providerUrn(ref: string | undefined): string | undefined {
    return ref?.split("::").slice(0, -1).join("::");
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Differences between two versions of a value. Unknown on both sides counts as changed only when
 * `unknownChanges` (a resource it comes from is new or replaced).
 */
export function inputChanges(before: unknown, after: unknown, path: string, unknownChanges: boolean, out: InputChange[] = []): InputChange[] {
    if (before === undefined && after === undefined) return out;
    if (before === undefined) return push(out, { path, kind: "added", after });
    if (after === undefined) return push(out, { path, kind: "removed", before });
    if (isUnknown(before) || isUnknown(after)) {
        return isUnknown(before) && isUnknown(after) && !unknownChanges ? out : push(out, { path, kind: "changed", before, after });
    }
    if (Array.isArray(before) && Array.isArray(after)) {
        for (let i = 0; i < Math.max(before.length, after.length); i++) inputChanges(before[i], after[i], `${path}[${i}]`, unknownChanges, out);
        return out;
    }
    if (isPlainObject(before) && isPlainObject(after)) {
        for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
            inputChanges(before[key], after[key], path ? `${path}.${key}` : key, unknownChanges, out);
        }
        return out;
    }
    return before === after ? out : push(out, { path, kind: "changed", before, after });
}

function push<T>(list: T[], item: T): T[] {
    list.push(item);
    return list;
}

/** Whether a path is under one of Pulumi's `replaceOnChanges` paths. */
function underAny(path: string, prefixes: string[] | undefined): boolean {
    return (prefixes ?? []).some((p) => path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`) || p === "*");
}

/** What `pulumi up` would do to go from `earlier` to `after` (two plans' resources; `earlier` under the URNs before any alias), and what is unsafe. Pure. */
export function previewChanges(earlier: PlanResource[], after: PlanResource[]): ChangePreview {
    const { graph: before, renamed } = followAliases(earlier, after);
    const old = new Map(before.map((r) => [r.urn, r]));
    const current = new Map(after.map((r) => [r.urn, r]));
    const renewed = new Set<string>();
    const changes: ResourceChange[] = [];
    const findings: ChangeFinding[] = [];

    for (const r of after) {
        const was = old.get(r.urn);
        if (!was) {
            renewed.add(r.urn);
            changes.push({ urn: r.urn, type: r.type, name: r.name, action: "create", inputs: [] });
            continue;
        }
        const previousUrn = renamed.get(r.urn);
        if (!r.custom) {
            changes.push({ urn: r.urn, type: r.type, name: r.name, action: "same", inputs: [], ...(previousUrn ? { previousUrn } : {}) });
            continue;
        }
        const diffs: InputChange[] = [];
        for (const key of [...new Set([...Object.keys(was.inputs), ...Object.keys(r.inputs)])].sort()) {
            if (key === "__defaults") continue;
            const unknownChanges = (r.propertyDependencies[key] ?? []).some((u) => renewed.has(u));
            inputChanges(was.inputs[key], r.inputs[key], key, unknownChanges, diffs);
        }
        const rules = replaceRulesOf(r.type);
        const forcing = new Set(rules ? replacingChanges(rules, diffs) : []);
        for (const d of diffs) if (underAny(d.path, r.options?.replaceOnChanges)) forcing.add(d);
        let reason: string | undefined;
        if (r.type.startsWith("pulumi:providers:") && diffs.some((d) => d.path === "region")) {
            reason = "its region changes";
            for (const d of diffs) if (d.path === "region") forcing.add(d);
        }
        const [provider, oldProvider] = [providerUrn(r.provider), providerUrn(was.provider)];
        if (provider && renewed.has(provider) && old.has(provider)) reason = "its provider's region changes, and AWS resources cannot move between regions";
        else if (provider && oldProvider && provider !== oldProvider) {
            const regionOf = (urn: string, graph: Map<string, PlanResource>) => graph.get(urn)?.inputs.region;
            const [from, to] = [regionOf(oldProvider, old), regionOf(provider, current)];
            if (from !== to) reason = `its provider changes (${String(from)} → ${String(to)}), and AWS resources cannot move between regions or partitions`;
        }
        const action: ChangeAction = forcing.size > 0 || reason ? "replace" : diffs.length > 0 ? "update" : "same";
        const change: ResourceChange = {
            urn: r.urn,
            type: r.type,
            name: r.name,
            action,
            inputs: diffs.map((d) => ({ ...d, replaces: forcing.has(d) })),
            reason,
            ...(previousUrn ? { previousUrn } : {}),
        };
        if (action === "replace") {
            renewed.add(r.urn);
            const explicitName = rules?.autoName !== undefined && r.inputs[rules.autoName] !== undefined;
            const deleteFirst = r.options?.deleteBeforeReplace ?? (!rules?.framework && explicitName);
            change.replaceOrder = deleteFirst ? "delete-before-create" : "create-before-delete";
        }
        if (r.type.startsWith("pulumi:providers:") && diffs.some((d) => d.path.startsWith("defaultTags"))) {
            findings.push({
                level: "warning",
                urn: r.urn,
                name: r.name,
                message:
                    "the provider's default tags change: every taggable resource on it updates its tags in place (tagsAll), which mocks do not show resource by resource.",
            });
        }
        if (!rules && diffs.length > 0 && !r.type.startsWith("pulumi:providers:")) {
            findings.push({
                level: "warning",
                urn: r.urn,
                name: r.name,
                message: `${r.type} has no replacement rules in offline/replaceRules.ts; whether changing ${diffs.map((d) => d.path).join(", ")} replaces it is unknown here.`,
            });
        }
        changes.push(change);
    }
    for (const r of before) {
        if (current.has(r.urn)) continue;
        changes.push({ urn: r.urn, type: r.type, name: r.name, action: "delete", inputs: [], retained: r.options?.retainOnDelete === true });
    }
    for (const change of changes) findings.push(...judge(change, old.get(change.urn), current.get(change.urn), before, after));
    findings.push(...subnetCidrConflicts(changes, before, after));
    const counts = { create: 0, update: 0, replace: 0, delete: 0, same: 0 } as Record<ChangeAction, number>;
    for (const c of changes) counts[c.action]++;
    return { changes, findings, counts };
}

/**
 * The earlier plan as the engine reads it against this one: a resource whose URN is gone but which
 * a current resource finds through its aliases (./aliases.ts) is that resource, renamed, so its URN
 * is rewritten wherever the earlier plan uses it (parents, dependencies).
 */
function followAliases(earlier: PlanResource[], after: PlanResource[]): { graph: PlanResource[]; renamed: Map<string, string> } {
    const newUrnOf = new Map<string, string>();
    const renamed = matchEarlierResources(after, new Set(earlier.map((r) => r.urn)));
    for (const [urn, previous] of renamed) newUrnOf.set(previous, urn);
    if (newUrnOf.size === 0) return { graph: earlier, renamed };
    const map = (urn: string) => newUrnOf.get(urn) ?? urn;
    const graph = earlier.map((r) => ({
        ...r,
        urn: map(r.urn),
        parent: r.parent === undefined ? undefined : map(r.parent),
        dependencies: r.dependencies.map(map),
        propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies).map(([k, urns]) => [k, urns.map(map)])),
    }));
    return { graph, renamed };
}

/**
 * Subnets created (new, or as create-before-delete replacements) under a CIDR that a subnet of the
 * same VPC still holds: old subnets are deleted only at the end of the update, and AWS refuses two
 * subnets of a VPC with one CIDR.
 */
function subnetCidrConflicts(changes: ResourceChange[], before: PlanResource[], after: PlanResource[]): ChangeFinding[] {
    const action = new Map(changes.map((c) => [c.urn, c]));
    const known = (value: unknown) => (typeof value === "string" && !isUnknown(value) ? value : undefined);
    const held = before.filter((r) => r.type === T.subnet && known(r.inputs.cidrBlock));
    const out: ChangeFinding[] = [];
    for (const subnet of after.filter((r) => r.type === T.subnet)) {
        const change = action.get(subnet.urn);
        const created = change?.action === "create" || (change?.action === "replace" && change.replaceOrder === "create-before-delete");
        const cidr = known(subnet.inputs.cidrBlock);
        if (!change || !created || !cidr) continue;
        const vpc = known(subnet.inputs.vpcId);
        const holder = held.find((old) => {
            const kept = action.get(old.urn);
            const stillThere =
                old.urn === subnet.urn || kept?.action === "replace" || kept?.action === "delete" || kept?.action === "same" || kept?.action === "update";
            return (
                stillThere &&
                known(old.inputs.cidrBlock) === cidr &&
                (vpc === undefined || known(old.inputs.vpcId) === undefined || known(old.inputs.vpcId) === vpc)
            );
        });
        if (holder) {
            out.push({
                level: "unsafe",
                urn: subnet.urn,
                name: subnet.name,
                message: `is created with CIDR ${cidr}, which ${holder.urn === subnet.urn ? "its previous instance" : `subnet ${holder.name}`} still holds in the same VPC until the end of the update: AWS refuses a second subnet with that CIDR. Change vpcCidr in the same update (a new VPC), or move the subnets in two updates through unused zones.`,
            });
        }
    }
    return out;
}

/** The first production variant's field, when known. */
function variantField(config: PlanResource | undefined, field: string): unknown {
    const variants = config?.inputs.productionVariants;
    const value = Array.isArray(variants) && isPlainObject(variants[0]) ? variants[0][field] : undefined;
    return isUnknown(value) ? undefined : value;
}

/** The scaling target of an endpoint in a graph: the Target whose resourceId comes from it. */
function scalingTargetOf(endpointUrn: string, graph: PlanResource[]): PlanResource | undefined {
    return graph.find((r) => r.type === T.scalingTarget && (r.propertyDependencies.resourceId ?? []).includes(endpointUrn));
}

/** The endpoint configuration an endpoint names, in a graph. */
function configOf(endpoint: PlanResource | undefined, graph: PlanResource[]): PlanResource | undefined {
    const urns = endpoint?.propertyDependencies.endpointConfigName ?? [];
    return graph.find((r) => r.type === T.config && urns.includes(r.urn));
}

/** The resource's physical name as the program set it (the property Pulumi would otherwise auto-name). */
function knownName(r: PlanResource | undefined, property: string | undefined): string | undefined {
    const name = property ? r?.inputs[property] : undefined;
    return typeof name === "string" && !isUnknown(name) ? name : undefined;
}

/** The unsafe changes and warnings of one resource's change. */
function judge(
    change: ResourceChange,
    was: PlanResource | undefined,
    now: PlanResource | undefined,
    before: PlanResource[],
    after: PlanResource[],
): ChangeFinding[] {
    const out: ChangeFinding[] = [];
    const add = (level: ChangeFinding["level"], message: string) => out.push({ level, urn: change.urn, name: change.name, message });
    const rules = replaceRulesOf(change.type);
    const forcedBy = change.inputs.filter((i) => i.replaces).map((i) => i.path);
    const why = change.reason ?? `${forcedBy.join(", ")} ${forcedBy.length === 1 ? "forces" : "force"} it`;

    if (change.action === "replace") {
        const nameInput = rules?.autoName;
        const sameName =
            knownName(was, nameInput) !== undefined && knownName(was, nameInput) === knownName(now, nameInput) ? knownName(now, nameInput) : undefined;
        // A replacement in another region (a provider's new region) may keep its name.
        if (change.replaceOrder === "create-before-delete" && sameName && !change.reason) {
            add(
                "unsafe",
                `replaced (${why}) under the same ${nameInput} '${sameName}', created before the old one is deleted: AWS refuses a second ${change.type.split(":").pop()} of that name. Let the provider name it, or make the name change whenever it is replaced.`,
            );
        }
        if (change.replaceOrder === "delete-before-create" && (change.type === T.endpoint || change.type === T.model || change.type === T.config)) {
            add(
                "unsafe",
                `replaced (${why}) by deleting it first, because its ${nameInput} is set explicitly: ${change.type === T.endpoint ? "the endpoint serves nothing until its replacement is in service" : "the live endpoint still uses it while it is gone"}. Let the provider name it, or make the name change with every replacement and set deleteBeforeReplace: false.`,
            );
        }
        if (change.type === T.key || change.type === T.bucket) {
            add(
                "unsafe",
                `${change.type === T.key ? "the stack key" : "the artifact bucket"} is replaced (${why}): ${change.type === T.key ? "what it encrypts (staged weights, captured data, logs) is not re-encrypted, and the old key is scheduled for deletion unless kept" : "the new bucket is empty; the staged weights and captured data stay in the old one, or are deleted with it"}. Keep the key and bucket; create a new stack for another region or partition.`,
            );
        }
        if (change.type === T.endpoint && change.replaceOrder === "create-before-delete") {
            const oldConfig = configOf(was, before);
            const newConfig = configOf(now, after);
            const [oldType, newType] = [variantField(oldConfig, "instanceType"), variantField(newConfig, "instanceType")];
            const oldMax = scalingTargetOf(change.urn, before)?.inputs.maxCapacity ?? variantField(oldConfig, "initialInstanceCount");
            const newCount = variantField(newConfig, "initialInstanceCount");
            const fleets =
                !oldType || !newType
                    ? ""
                    : oldType === newType
                      ? `: up to ${String(oldMax ?? "?")} + ${String(newCount ?? "?")} × ${String(newType)} (its "for endpoint usage" quota must hold them)`
                      : `: up to ${String(oldMax ?? "?")} × ${String(oldType)} and ${String(newCount ?? "?")} × ${String(newType)} (each type's "for endpoint usage" quota must hold them)`;
            add(
                "warning",
                `a new endpoint replaces this one (${why}), created first, then the old one is deleted: clients must use the new name (stack output llmEndpoints[].endpointName), and while the new fleet starts both run${fleets}.`,
            );
        }
        if (change.type === T.notebook)
            add("warning", `the notebook instance is replaced (${why}): files on its ML storage volume (/home/ec2-user/SageMaker) are not carried over.`);
        if (change.type === T.vpc)
            add(
                "warning",
                `the VPC is replaced (${why}): every subnet, endpoint and security group in it is too, and SageMaker moves the endpoints to new network interfaces with a blue/green update.`,
            );
    }
    if (change.action === "delete") {
        if ((change.type === T.key || change.type === T.bucket) && !change.retained) {
            add(
                "unsafe",
                `${change.type === T.key ? "the stack key is deleted (after KMS's waiting period): what it encrypted can no longer be read" : "the artifact bucket is deleted with every object version"}.`,
            );
        }
        if (change.type === T.notebook) add("warning", "the notebook instance is deleted, with the files on its ML storage volume.");
        if (change.type === T.endpoint) add("warning", "the endpoint is deleted: it stops serving, and clients calling it get errors.");
    }
    if (change.action === "update" && change.type === T.endpoint && change.inputs.some((i) => i.path === "endpointConfigName")) {
        const oldConfig = configOf(was, before);
        const newConfig = configOf(now, after);
        const oldType = variantField(oldConfig, "instanceType");
        const newType = variantField(newConfig, "instanceType");
        const target = scalingTargetOf(change.urn, before);
        if (target && oldType && newType && oldType !== newType) {
            add(
                "unsafe",
                `UpdateEndpoint fails: the variant's instance type changes (${String(oldType)} → ${String(newType)}) while it is registered with Application Auto Scaling (SageMaker Developer Guide, "Update or delete endpoints that use auto scaling"). ` +
                    "Runbook: delete the scaling policy and deregister the scalable target (remove them from the program, pulumi up), change the instance type (pulumi up), then restore them (pulumi up); or create a new endpoint for the new type.",
            );
        }
        const newCount = variantField(newConfig, "initialInstanceCount");
        const max = target?.inputs.maxCapacity;
        if (typeof newCount === "number" && typeof max === "number" && max > newCount) {
            add(
                "warning",
                `blue/green update to a new configuration: UpdateEndpoint resets the instance count to initialInstanceCount ${newCount} (the provider does not send RetainAllVariantProperties), so if autoscaling has scaled the endpoint above ${newCount} (up to ${max}) capacity drops to ${newCount} when traffic shifts, until autoscaling scales out again. ` +
                    `To keep capacity, set instanceCount to the current count first ('aws sagemaker describe-endpoint' CurrentInstanceCount). During the update both fleets run: up to ${max} + ${newCount} instances of ${String(newType ?? "its type")} ("for endpoint usage" quota).`,
            );
        }
    }
    return out;
}

/** The changes inside two JSON documents held as strings, or undefined when they are not both JSON objects. */
function jsonChanges(before: unknown, after: unknown): InputChange[] | undefined {
    const parse = (v: unknown) => {
        if (typeof v !== "string" || isUnknown(v) || !v.startsWith("{")) return undefined;
        try {
            return JSON.parse(v) as unknown;
        } catch {
            return undefined;
        }
    };
    const [a, b] = [parse(before), parse(after)];
    return a !== undefined && b !== undefined ? inputChanges(a, b, "", false) : undefined;
}

const SYMBOL: Record<ChangeAction, string> = { create: "+", update: "~", replace: "+-", delete: "-", same: " " };

/** A value for the report: secrets hidden, long strings (scripts, documents) cut to their start and length. */
function show(value: unknown): string {
    if (isUnknown(value)) return "<computed>";
    if (typeof value === "string") {
        if (value.startsWith("[secret:")) return "[secret]";
        return value.length > 160 ? `${JSON.stringify(value.slice(0, 60))}… (${value.length} characters)` : JSON.stringify(value);
    }
    const text = JSON.stringify(value) ?? "undefined";
    return text.length > 160 ? `${text.slice(0, 60)}… (${text.length} characters)` : text;
}

/** The change preview as text, like `pulumi preview --diff`. */
export function renderChanges(preview: ChangePreview, against: string): string {
    const lines = [`Changes against ${against} (offline; replacements from offline/replaceRules.ts):`];
    for (const c of preview.changes.filter((c) => c.action !== "same")) {
        const detail =
            c.action === "replace"
                ? `replace, ${c.replaceOrder}${c.reason ? `: ${c.reason}` : ""}`
                : c.action === "delete" && c.retained
                  ? "delete (retained: kept in AWS, dropped from the state)"
                  : c.action;
        lines.push(`  ${SYMBOL[c.action].padEnd(2)} ${c.type} ${c.name}  (${detail})`);
        for (const i of c.inputs) {
            const mark = i.replaces ? "  (forces replacement)" : "";
            // A JSON document (a policy) shows as the parts of it that changed.
            const parts = i.kind === "changed" ? jsonChanges(i.before, i.after) : undefined;
            for (const part of parts ?? [i]) {
                const values =
                    part.kind === "added" ? show(part.after) : part.kind === "removed" ? show(part.before) : `${show(part.before)} => ${show(part.after)}`;
                const where = parts ? `${i.path} ${part.path}` : i.path;
                lines.push(`        ${part.kind === "added" ? "+" : part.kind === "removed" ? "-" : "~"} ${where}: ${values}${mark}`);
            }
        }
    }
    const n = preview.counts;
    lines.push(`  ${n.create} to create, ${n.update} to update, ${n.replace} to replace, ${n.delete} to delete, ${n.same} unchanged`);
    const carried = preview.changes.filter((c) => c.previousUrn !== undefined).length;
    if (carried > 0) lines.push(`  ${carried} under a new URN, carried over by their aliases (the engine moves their state; nothing is recreated)`);
    const unsafe = preview.findings.filter((f) => f.level === "unsafe");
    const warnings = preview.findings.filter((f) => f.level === "warning");
    if (unsafe.length > 0) lines.push("  Unsafe changes:", ...unsafe.map((f) => `    ✖ ${f.name}: ${f.message}`));
    if (warnings.length > 0) lines.push("  Warnings:", ...warnings.map((f) => `    ! ${f.name}: ${f.message}`));
    if (unsafe.length === 0) lines.push("  ✔ no unsafe changes");
    return lines.join("\n");
}
