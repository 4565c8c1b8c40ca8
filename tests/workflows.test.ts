/**
 * The GitHub Actions workflows (.github/workflows): each validated against the workflow schema by
 * @action-validator/core (SchemaStore's schema, in WASM), the inputs given to each action checked
 * against that action's action.yml, and the properties the pipelines promise checked on the parsed
 * YAML: OIDC role assumption in the right partition and region, the SARIF upload of the offline plan
 * even when it fails, the destroy confirmation, environments and concurrency per stack, least
 * privilege, forks kept away from secrets, and every npm script and policy config path existing;
 * every action pinned to a commit SHA with its version in a comment, an exact Pulumi CLI version, the
 * optional Pulumi Cloud OIDC and ESC credential steps wired as alternatives, and the Dependabot config.
 *
 * Every check returns its problems as text, so the last part of this file can break copies of the
 * real workflows in memory and show that each check notices.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { type ValidationError, validateAction, validateWorkflow } from "@action-validator/core";
import * as semver from "semver";
import { parseDocument } from "yaml";

const ROOT = path.resolve(__dirname, "..");
const WORKFLOW_DIR = path.join(ROOT, ".github", "workflows");
const ACTION_DIR = path.join(ROOT, ".github", "actions");
const DEPENDABOT = path.join(ROOT, ".github", "dependabot.yml");

/** Parsed YAML: untyped by nature. */
type Node = any;

interface Workflow {
    file: string;
    text: string;
    doc: Node;
}

/**
 * Inputs of the actions the workflows use, by major version, from each action's action.yml at the
 * release the workflows pin (the version in the comment after the SHA; read from the action's
 * repository at that tag, 2026-12-02).
 */
const ACTION_INPUTS: Record<string, { inputs: string[]; required?: string[] }> = {
    "actions/checkout@v5": {
        inputs: [
            "repository",
            "ref",
            "token",
            "ssh-key",
            "ssh-known-hosts",
            "ssh-strict",
            "ssh-user",
            "persist-credentials",
            "path",
            "clean",
            "filter",
            "sparse-checkout",
            "sparse-checkout-cone-mode",
            "fetch-depth",
            "fetch-tags",
            "show-progress",
            "lfs",
            "submodules",
            "set-safe-directory",
            "github-server-url",
            "allow-unsafe-pr-checkout",
        ],
    },
    "actions/setup-node@v5": {
        inputs: [
            "always-auth",
            "node-version",
            "node-version-file",
            "architecture",
            "check-latest",
            "registry-url",
            "scope",
            "token",
            "cache",
            "package-manager-cache",
            "cache-dependency-path",
            "mirror",
            "mirror-token",
        ],
    },
    "actions/upload-artifact@v4": {
        inputs: ["name", "path", "if-no-files-found", "retention-days", "compression-level", "overwrite", "include-hidden-files"],
        required: ["path"],
    },
    "github/codeql-action/upload-sarif@v3": {
        inputs: ["sarif_file", "checkout_path", "ref", "sha", "token", "matrix", "category", "wait-for-processing"],
        required: ["sarif_file"],
    },
    "aws-actions/configure-aws-credentials@v5": {
        inputs: [
            "aws-region",
            "role-to-assume",
            "aws-access-key-id",
            "aws-secret-access-key",
            "aws-session-token",
            "web-identity-token-file",
            "role-chaining",
            "audience",
            "http-proxy",
            "no-proxy",
            "mask-aws-account-id",
            "role-duration-seconds",
            "role-external-id",
            "role-session-name",
            "role-skip-session-tagging",
            "inline-session-policy",
            "managed-session-policies",
            "output-credentials",
            "output-env-credentials",
            "unset-current-credentials",
            "disable-retry",
            "retry-max-attempts",
            "special-characters-workaround",
            "use-existing-credentials",
            "allowed-account-ids",
            "force-skip-oidc",
            "action-timeout-s",
        ],
        required: ["aws-region"],
    },
    "pulumi/auth-actions@v2": {
        inputs: ["organization", "requested-token-type", "scope", "token-expiration", "export-environment-variables", "cloud-url"],
        required: ["organization"],
    },
    "pulumi/esc-action@v3": {
        inputs: [
            "version",
            "environment",
            "keys",
            "cloud-url",
            "export-environment-variables",
            "oidc-auth",
            "oidc-organization",
            "oidc-requested-token-type",
            "oidc-scope",
            "oidc-token-expiration",
        ],
    },
    "pulumi/actions@v6": {
        inputs: [
            "command",
            "stack-name",
            "pulumi-version",
            "pulumi-version-file",
            "work-dir",
            "comment-on-pr",
            "comment-on-pr-number",
            "comment-on-summary",
            "github-token",
            "cloud-url",
            "secrets-provider",
            "parallel",
            "message",
            "config-map",
            "expect-no-changes",
            "diff",
            "replace",
            "exclude",
            "exclude-dependents",
            "target",
            "target-dependents",
            "policyPacks",
            "policyPackConfigs",
            "refresh",
            "upsert",
            "remove",
            "edit-pr-comment",
            "color",
            "exclude-protected",
            "plan",
            "suppress-outputs",
            "suppress-progress",
            "always-include-summary",
            "continue-on-error",
            "log-verbosity",
            "log-flow",
            "debug",
        ],
        required: ["command", "stack-name"],
    },
};

const CONFIGURE_AWS = "aws-actions/configure-aws-credentials";
const PULUMI = "pulumi/actions";
const UPLOAD_SARIF = "github/codeql-action/upload-sarif";
const PULUMI_AUTH = "pulumi/auth-actions";
const ESC = "pulumi/esc-action";

// ---------------------------------------------------------------------------------------------
// Loading and the repository's facts
// ---------------------------------------------------------------------------------------------

function loadWorkflows(dir = WORKFLOW_DIR): Workflow[] {
    if (!fs.existsSync(dir)) return [];
    return fs
        .readdirSync(dir)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
        .map((f) => {
            const text = fs.readFileSync(path.join(dir, f), "utf8");
            const parsed = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
            if (parsed.errors.length > 0) throw new Error(`${f}: ${parsed.errors.map((e) => e.message).join("; ")}`);
            return { file: f, text, doc: parsed.toJS() };
        });
}

/** Deep copy, for the tests that break a workflow. */
function clone(workflows: Workflow[]): Workflow[] {
    return workflows.map((w) => ({ ...w, doc: JSON.parse(JSON.stringify(w.doc)) }));
}

interface Repo {
    scripts: Record<string, string>;
    /** The @pulumi/pulumi version package-lock.json installs. */
    lockedPulumi: string;
    exists(relative: string): boolean;
    /** Stack name -> partition and region from Pulumi.<stack>.yaml. */
    stacks: Record<string, { partition: string; region: string }>;
}

function repoFacts(): Repo {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts?: Record<string, string> };
    const project = parseDocument(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")).toJS() as { name: string };
    const stacks: Repo["stacks"] = {};
    for (const f of fs.readdirSync(ROOT)) {
        const m = /^Pulumi\.([^.]+)\.yaml$/.exec(f);
        if (!m) continue;
        const config = (parseDocument(fs.readFileSync(path.join(ROOT, f), "utf8")).toJS() as { config?: Record<string, unknown> }).config ?? {};
        stacks[m[1]] = { partition: String(config[`${project.name}:partition`]), region: String(config[`${project.name}:region`]) };
    }
    const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { version?: string }> };
    const lockedPulumi = lock.packages["node_modules/@pulumi/pulumi"]?.version ?? "";
    return { scripts: pkg.scripts ?? {}, lockedPulumi, exists: (relative) => fs.existsSync(path.join(ROOT, relative)), stacks };
}

// ---------------------------------------------------------------------------------------------
// Jobs, matrix expansion, expressions
// ---------------------------------------------------------------------------------------------

/** One job, once per matrix combination (`matrix` empty without a matrix). */
interface JobInstance {
    workflow: Workflow;
    id: string;
    job: Node;
    matrix: Record<string, string>;
    where: string;
}

function matrixCombinations(strategy: Node): Record<string, string>[] {
    const matrix = strategy?.matrix;
    if (!matrix || typeof matrix !== "object") return [{}];
    const axes = Object.entries(matrix).filter(([k, v]) => k !== "include" && k !== "exclude" && Array.isArray(v)) as [string, unknown[]][];
    let combos: Record<string, string>[] = [{}];
    for (const [key, values] of axes) combos = combos.flatMap((c) => values.map((v) => ({ ...c, [key]: String(v) })));
    if (axes.length === 0) combos = [];
    const axisKeys = new Set(axes.map(([k]) => k));
    for (const exclude of (matrix.exclude ?? []) as Record<string, unknown>[]) {
        combos = combos.filter((c) => !Object.entries(exclude).every(([k, v]) => c[k] === String(v)));
    }
    for (const include of (matrix.include ?? []) as Record<string, unknown>[]) {
        const entry = Object.fromEntries(Object.entries(include).map(([k, v]) => [k, String(v)]));
        const matching = combos.filter((c) => Object.entries(entry).every(([k, v]) => !axisKeys.has(k) || c[k] === v));
        if (matching.length > 0 && axes.length > 0) matching.forEach((c) => Object.assign(c, entry));
        else combos.push(entry);
    }
    return combos.length > 0 ? combos : [{}];
}

function jobInstances(workflows: Workflow[]): JobInstance[] {
    return workflows.flatMap((workflow) =>
        Object.entries((workflow.doc?.jobs ?? {}) as Record<string, Node>).flatMap(([id, job]) =>
            matrixCombinations(job?.strategy).map((matrix) => ({
                workflow,
                id,
                job,
                matrix,
                where: `${workflow.file} job ${id}${matrix.stack ? ` (${matrix.stack})` : ""}`,
            })),
        ),
    );
}

/** `${{ matrix.x }}` replaced by the combination's values; other expressions are left as written. */
function resolve(value: unknown, matrix: Record<string, string>): string {
    if (value === undefined || value === null) return "";
    return String(value).replace(/\$\{\{\s*matrix\.([A-Za-z0-9_-]+)\s*\}\}/g, (whole, key: string) => (key in matrix ? matrix[key] : whole));
}

/** A string with no `${{ }}` left in it, or undefined. */
function literal(value: unknown, matrix: Record<string, string>): string | undefined {
    const v = resolve(value, matrix);
    return v !== "" && !v.includes("${{") ? v : undefined;
}

function steps(job: Node): Node[] {
    return Array.isArray(job?.steps) ? job.steps : [];
}

/** `owner/repo[/path]` and the ref of a step's `uses`, or undefined for `run` steps and local actions. */
function actionOf(step: Node): { name: string; ref: string } | undefined {
    const uses = step?.uses;
    if (typeof uses !== "string" || uses.startsWith("./") || uses.startsWith("docker://")) return undefined;
    const at = uses.lastIndexOf("@");
    return at < 0 ? { name: uses, ref: "" } : { name: uses.slice(0, at), ref: uses.slice(at + 1) };
}

const stepsOf = (job: Node, action: string) => steps(job).filter((s) => actionOf(s)?.name === action);

/** The stack a job instance works on: its matrix `stack`, or its environment when that is a literal. */
function stackOf(instance: JobInstance): string | undefined {
    if (instance.matrix.stack) return instance.matrix.stack;
    const env = instance.job?.environment;
    return literal(typeof env === "object" && env !== null ? env.name : env, instance.matrix);
}

function permissionsOf(job: Node): Record<string, string> {
    const p = job?.permissions;
    return p && typeof p === "object" ? (p as Record<string, string>) : {};
}

/** The workflow's triggers as a list of event names. */
function triggers(workflow: Workflow): string[] {
    const on = workflow.doc?.on ?? workflow.doc?.true; // YAML 1.1 readers turn `on` into true; yaml 2 does not
    if (typeof on === "string") return [on];
    if (Array.isArray(on)) return on.map(String);
    return on && typeof on === "object" ? Object.keys(on) : [];
}

/** $VAR and ${VAR} in a shell script replaced from the step's env (matrix-resolved). */
function expandShell(script: string, env: Record<string, string>): string {
    return script.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, a?: string, b?: string) => {
        const name = (a ?? b) as string;
        return name in env ? env[name] : whole;
    });
}

function stepEnv(step: Node, matrix: Record<string, string>): Record<string, string> {
    return Object.fromEntries(Object.entries((step?.env ?? {}) as Record<string, unknown>).map(([k, v]) => [k, resolve(v, matrix)]));
}

// ---------------------------------------------------------------------------------------------
// The checks; each returns its problems
// ---------------------------------------------------------------------------------------------

/** action-validator's errors, flattened to "path: detail" lines (one_of errors carry their branches). */
function flattenErrors(errors: ValidationError[]): string[] {
    return errors.flatMap((e) => {
        const here = `${"path" in e ? e.path || "/" : "location" in e && e.location ? `line ${e.location.line}` : "/"}: ${e.title}${e.detail ? ` (${e.detail})` : ""}`;
        const nested = "states" in e && e.states ? e.states.flatMap((s) => flattenErrors(s.errors).map((n) => `  ${n}`)) : [];
        return [here, ...nested];
    });
}

function schemaProblems(workflows: Workflow[]): string[] {
    return workflows.flatMap((w) => {
        const state = validateWorkflow(w.text);
        return state.errors.length ? [`${w.file} is not a valid workflow:\n${flattenErrors(state.errors).join("\n")}`] : [];
    });
}

/**
 * The distinct version comments of a `uses:` line (`uses: owner/repo@<sha> # v1.2.3`) wherever the
 * workflow has it, read from its text since YAML parsing drops comments: none without a comment, more
 * than one when its uses disagree.
 */
function pinnedVersions(w: Workflow, uses: string): string[] {
    const escaped = uses.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    return [...new Set([...w.text.matchAll(new RegExp(`uses:\\s*${escaped}\\s*#\\s*(\\S+)`, "g"))].map((m) => m[1]))];
}

/**
 * Every `uses:` pinned to a full commit SHA with its release in a comment (a tag can be moved by its
 * owner; a SHA cannot), a known action, given only inputs it declares. Whether the SHA is the commit
 * of that tag cannot be checked offline; Dependabot keeps the two together.
 */
function actionInputProblems(workflows: Workflow[], repo: Repo): string[] {
    const problems: string[] = [];
    for (const w of workflows) {
        for (const [id, job] of Object.entries((w.doc?.jobs ?? {}) as Record<string, Node>)) {
            if (typeof job?.uses === "string") {
                // A reusable workflow in this repository.
                const local = /^\.\/(.+)$/.exec(job.uses);
                if (!local) problems.push(`${w.file} job ${id}: calls ${job.uses}; only this repository's reusable workflows are expected`);
                else if (!repo.exists(local[1])) problems.push(`${w.file} job ${id}: calls ${job.uses}, which does not exist`);
            }
            steps(job).forEach((step, i) => {
                const where = `${w.file} job ${id} step ${step?.name ?? i + 1}`;
                const action = actionOf(step);
                if (!action) return;
                if (!/^[0-9a-f]{40}$/.test(action.ref)) {
                    problems.push(`${where}: ${step.uses} is not pinned to a full commit SHA (uses: ${action.name}@<40-hex sha> # vX.Y.Z)`);
                    return;
                }
                const versions = pinnedVersions(w, step.uses);
                if (versions.length > 1) {
                    problems.push(`${where}: ${step.uses} is commented with different versions in ${w.file}: ${versions.join(", ")}; one SHA is one release`);
                    return;
                }
                const version = versions[0];
                const major = version ? /^v(\d+)\.\d+\.\d+$/.exec(version)?.[1] : undefined;
                if (!major) {
                    problems.push(`${where}: ${step.uses} has no version comment of the form '# v1.2.3' (got ${JSON.stringify(version ?? "")})`);
                    return;
                }
                const known = ACTION_INPUTS[`${action.name}@v${major}`];
                if (!known) {
                    problems.push(`${where}: ${action.name}@v${major} is not in ACTION_INPUTS; add its inputs from its action.yml at ${version}`);
                    return;
                }
                const given = Object.keys((step.with ?? {}) as Record<string, unknown>);
                for (const input of given) if (!known.inputs.includes(input)) problems.push(`${where}: ${action.name}@v${major} has no input '${input}'`);
                for (const input of known.required ?? [])
                    if (!given.includes(input)) problems.push(`${where}: ${action.name}@v${major} needs input '${input}'`);
            });
        }
    }
    return problems;
}

const GRANTS = new Set(["read", "write", "none"]);

/** Least privilege: `permissions` at workflow and job level, writes only where a step needs them. */
function permissionProblems(workflows: Workflow[]): string[] {
    const problems: string[] = [];
    for (const w of workflows) {
        const top = w.doc?.permissions;
        if (top === undefined) problems.push(`${w.file}: no workflow-level permissions (the default token may be read-write)`);
        else if (typeof top === "string" || Object.values(top as Record<string, string>).some((g) => g === "write")) {
            problems.push(`${w.file}: workflow-level permissions grant ${JSON.stringify(top)}; grant writes per job`);
        }
        for (const t of triggers(w))
            if (t === "pull_request_target") problems.push(`${w.file}: pull_request_target runs fork code with secrets; use pull_request`);
        for (const [id, job] of Object.entries((w.doc?.jobs ?? {}) as Record<string, Node>)) {
            const where = `${w.file} job ${id}`;
            if (job?.permissions === undefined) {
                problems.push(`${where}: no job-level permissions`);
                continue;
            }
            if (typeof job.permissions === "string") {
                problems.push(`${where}: permissions: ${job.permissions}; list the scopes`);
                continue;
            }
            const p = permissionsOf(job);
            for (const [scope, grant] of Object.entries(p)) if (!GRANTS.has(grant)) problems.push(`${where}: ${scope}: ${grant} is not read, write or none`);
            // configure-aws-credentials and pulumi/auth-actions both exchange the job's OIDC token.
            const usesAws = stepsOf(job, CONFIGURE_AWS).length > 0 || stepsOf(job, PULUMI_AUTH).length > 0;
            const sarif = stepsOf(job, UPLOAD_SARIF).length > 0;
            const comments = stepsOf(job, PULUMI).some((s) => String(s.with?.["comment-on-pr"]) === "true");
            const needed: Record<string, boolean> = { "id-token": usesAws, "security-events": sarif, "pull-requests": comments };
            if (typeof job.uses === "string") continue; // a reusable workflow call: checked by reusablePermissionProblems
            for (const [scope, grant] of Object.entries(p)) {
                if (grant !== "write") continue;
                if (!(scope in needed)) problems.push(`${where}: ${scope}: write is not needed by any step`);
                else if (!needed[scope]) problems.push(`${where}: ${scope}: write but no step needs it`);
            }
            for (const [scope, need] of Object.entries(needed)) {
                if (need && p[scope] !== "write")
                    problems.push(
                        `${where}: needs ${scope}: write (${scope === "id-token" ? "OIDC role assumption" : scope === "security-events" ? "SARIF upload" : "PR comment"})`,
                    );
            }
        }
    }
    return problems;
}

/** A job calling a reusable workflow grants at least what the called workflow's jobs ask for (GitHub refuses the run otherwise). */
function reusablePermissionProblems(workflows: Workflow[]): string[] {
    const problems: string[] = [];
    const order = { none: 0, read: 1, write: 2 } as Record<string, number>;
    for (const w of workflows) {
        for (const [id, job] of Object.entries((w.doc?.jobs ?? {}) as Record<string, Node>)) {
            const local = typeof job?.uses === "string" ? /^\.\/\.github\/workflows\/(.+)$/.exec(job.uses) : null;
            if (!local) continue;
            const called = workflows.find((c) => c.file === local[1]);
            if (!called) continue;
            if (!triggers(called).includes("workflow_call")) problems.push(`${w.file} job ${id}: ${called.file} is not triggered by workflow_call`);
            const granted = permissionsOf(job);
            for (const [cid, cjob] of Object.entries((called.doc?.jobs ?? {}) as Record<string, Node>)) {
                for (const [scope, grant] of Object.entries(permissionsOf(cjob))) {
                    if ((order[granted[scope] ?? "none"] ?? 0) < (order[grant] ?? 0)) {
                        problems.push(`${w.file} job ${id}: grants ${scope}: ${granted[scope] ?? "none"}, but ${called.file} job ${cid} needs ${grant}`);
                    }
                }
            }
        }
    }
    return problems;
}

/** Credentials only through OIDC role assumption, in the partition and region of the stack's own file. */
function credentialProblems(workflows: Workflow[], repo: Repo): string[] {
    const problems: string[] = [];
    for (const instance of jobInstances(workflows)) {
        const creds = stepsOf(instance.job, CONFIGURE_AWS);
        if (creds.length === 0) continue;
        const stack = stackOf(instance);
        if (!stack || !repo.stacks[stack]) {
            problems.push(`${instance.where}: assumes an AWS role but names no stack (matrix.stack or environment) with a Pulumi.<stack>.yaml`);
            continue;
        }
        const { partition, region } = repo.stacks[stack];
        for (const step of creds) {
            const w = (step.with ?? {}) as Record<string, unknown>;
            for (const key of ["aws-access-key-id", "aws-secret-access-key", "aws-session-token"]) {
                if (key in w) problems.push(`${instance.where}: ${key} given; use OIDC (role-to-assume), not stored keys`);
            }
            const role = resolve(w["role-to-assume"], instance.matrix);
            if (!role.startsWith(`arn:${partition}:iam::`) || !/:role\/.+$/.test(role)) {
                problems.push(`${instance.where}: role-to-assume ${JSON.stringify(role)} is not an IAM role ARN of partition ${partition} (stack ${stack})`);
            }
            const stepRegion = literal(w["aws-region"], instance.matrix);
            if (stepRegion !== region)
                problems.push(`${instance.where}: aws-region ${JSON.stringify(stepRegion ?? w["aws-region"])}, but Pulumi.${stack}.yaml deploys to ${region}`);
            if (literal(w.audience, instance.matrix) !== "sts.amazonaws.com") problems.push(`${instance.where}: audience must be sts.amazonaws.com`);
            if (!w["role-session-name"]) problems.push(`${instance.where}: no role-session-name (CloudTrail should name the run)`);
        }
        if (instance.job?.env?.AWS_STS_REGIONAL_ENDPOINTS !== "regional") problems.push(`${instance.where}: set AWS_STS_REGIONAL_ENDPOINTS: regional`);
    }
    return problems;
}

/** The GovCloud stack, spelled out: its jobs assume an arn:aws-us-gov role in us-gov-west-1. */
function govcloudProblems(workflows: Workflow[]): string[] {
    const gov = jobInstances(workflows).filter((i) => stackOf(i) === "govcloud" && stepsOf(i.job, CONFIGURE_AWS).length > 0);
    if (gov.length === 0) return ["no job assumes an AWS role for the govcloud stack"];
    return gov.flatMap((i) =>
        stepsOf(i.job, CONFIGURE_AWS).flatMap((s) => {
            const role = resolve(s.with?.["role-to-assume"], i.matrix);
            const region = resolve(s.with?.["aws-region"], i.matrix);
            return [
                ...(role.startsWith("arn:aws-us-gov:iam::") ? [] : [`${i.where}: GovCloud role ${role} is not in the aws-us-gov partition`]),
                ...(region === "us-gov-west-1" ? [] : [`${i.where}: GovCloud region is ${region}, not us-gov-west-1`]),
            ];
        }),
    );
}

/** Pulumi steps: after npm ci and the credentials; preview and up with the pack and the stack's own config file. */
function pulumiProblems(workflows: Workflow[], repo: Repo): string[] {
    const problems: string[] = [];
    for (const instance of jobInstances(workflows)) {
        const list = steps(instance.job);
        list.forEach((step, index) => {
            if (actionOf(step)?.name !== PULUMI) return;
            const w = (step.with ?? {}) as Record<string, unknown>;
            const command = String(w.command ?? "");
            const stack = stackOf(instance);
            const where = `${instance.where}: pulumi ${command}`;
            if (!stack || !repo.stacks[stack]) {
                problems.push(`${where}: names no stack with a Pulumi.<stack>.yaml`);
                return;
            }
            if (!resolve(w["stack-name"], instance.matrix).includes(stack))
                problems.push(`${where}: stack-name ${JSON.stringify(w["stack-name"])} is not the ${stack} stack`);
            const before = list.slice(0, index);
            if (!before.some((s) => typeof s.run === "string" && /\bnpm ci\b/.test(s.run)))
                problems.push(`${where}: runs before npm ci (the program and pack need node_modules)`);
            if (!before.some((s) => actionOf(s)?.name === CONFIGURE_AWS)) problems.push(`${where}: runs before the AWS credentials step`);
            if (command === "preview" || command === "up") {
                if (literal(w.policyPacks, instance.matrix) !== "policies") problems.push(`${where}: policyPacks must be 'policies'`);
                const config = literal(w.policyPackConfigs, instance.matrix);
                if (config !== `policies/config/${stack}.json`)
                    problems.push(`${where}: policyPackConfigs ${JSON.stringify(config)}, expected policies/config/${stack}.json`);
                else if (!repo.exists(config)) problems.push(`${where}: ${config} does not exist`);
            }
            if (command === "preview" && String(w["comment-on-pr"]) !== "true") problems.push(`${where}: comment-on-pr should be true`);
        });
    }
    return problems;
}

/** Every `--policy-pack-config` path in a run script, and every policyPackConfigs, exists. */
function policyConfigPathProblems(workflows: Workflow[], repo: Repo): string[] {
    const problems: string[] = [];
    for (const instance of jobInstances(workflows)) {
        for (const step of steps(instance.job)) {
            const paths: string[] = [];
            if (typeof step.run === "string") {
                const script = expandShell(resolve(step.run, instance.matrix), stepEnv(step, instance.matrix));
                for (const m of script.matchAll(/--policy-pack-config[= ]+"?([^"\s]+)"?/g)) paths.push(m[1]);
            }
            if (actionOf(step)?.name === PULUMI && step.with?.policyPackConfigs) {
                paths.push(
                    ...resolve(step.with.policyPackConfigs, instance.matrix)
                        .split(/[\n,]/)
                        .map((s) => s.trim())
                        .filter(Boolean),
                );
            }
            for (const p of paths) {
                if (p.includes("${{") || p.includes("$")) problems.push(`${instance.where}: policy pack config path ${p} cannot be resolved`);
                else if (!repo.exists(p)) problems.push(`${instance.where}: policy pack config ${p} does not exist`);
            }
        }
    }
    return problems;
}

/** Every `npm run <script>` a workflow runs exists in package.json. */
function npmScriptProblems(workflows: Workflow[], repo: Repo): string[] {
    const problems: string[] = [];
    for (const w of workflows) {
        for (const [id, job] of Object.entries((w.doc?.jobs ?? {}) as Record<string, Node>)) {
            for (const step of steps(job)) {
                if (typeof step.run !== "string") continue;
                for (const m of step.run.matchAll(/\bnpm\s+(?:run(?:-script)?|rs)\s+([A-Za-z0-9:_.-]+)/g)) {
                    if (!(m[1] in repo.scripts)) problems.push(`${w.file} job ${id}: npm run ${m[1]}, but package.json has no script '${m[1]}'`);
                }
                for (const m of step.run.matchAll(/\bnpm\s+(test|t|start)\b/g)) {
                    const script = m[1] === "t" ? "test" : m[1];
                    if (!(script in repo.scripts)) problems.push(`${w.file} job ${id}: npm ${m[1]}, but package.json has no script '${script}'`);
                }
            }
        }
    }
    return problems;
}

/** The offline plan runs for every stack; its SARIF goes to code scanning with if: always(), one category per stack. */
function sarifProblems(workflows: Workflow[], repo: Repo): string[] {
    const problems: string[] = [];
    const planned = new Set<string>();
    const categories = new Map<string, string>();
    for (const instance of jobInstances(workflows)) {
        const list = steps(instance.job);
        list.forEach((step, index) => {
            if (typeof step.run !== "string" || !/\bnpm run plan\b/.test(step.run)) return;
            const script = expandShell(resolve(step.run, instance.matrix), stepEnv(step, instance.matrix));
            const stack = /--stack[= ]+"?([^"\s]+)"?/.exec(script)?.[1];
            const sarif = /--sarif[= ]+"?([^"\s]+)"?/.exec(script)?.[1];
            const where = `${instance.where}: the plan step`;
            if (!stack || !repo.stacks[stack]) problems.push(`${where}: --stack ${stack} is not a stack of this repository`);
            else planned.add(stack);
            if (!sarif) {
                problems.push(`${where}: writes no --sarif file`);
                return;
            }
            if (step["continue-on-error"] !== undefined && String(step["continue-on-error"]) !== "false")
                problems.push(`${where}: continue-on-error would hide mandatory violations`);
            const upload = list.slice(index + 1).find((s) => actionOf(s)?.name === UPLOAD_SARIF && resolve(s.with?.sarif_file, instance.matrix) === sarif);
            if (!upload) {
                problems.push(`${where}: no later upload-sarif step uploads ${sarif}`);
                return;
            }
            if (!/\balways\(\)/.test(String(upload.if ?? "")))
                problems.push(`${where}: the SARIF upload needs if: always() (a failed plan is when its findings matter)`);
            const category = literal(upload.with?.category, instance.matrix);
            if (!category) problems.push(`${where}: the SARIF upload has no category (stacks would overwrite each other's results)`);
            else if (categories.has(category) && categories.get(category) !== stack)
                problems.push(`${where}: category ${category} is shared by stacks ${categories.get(category)} and ${stack}`);
            else categories.set(category, stack ?? "");
        });
    }
    for (const stack of Object.keys(repo.stacks)) if (!planned.has(stack)) problems.push(`the offline plan never runs for stack ${stack}`);
    return problems;
}

/** Jobs that touch a stack in AWS: preview only in pull requests from this repository; up and destroy behind the stack's environment and lock. */
function deploymentProblems(workflows: Workflow[], repo: Repo): string[] {
    const problems: string[] = [];
    const groups = new Map<string, Set<string>>();
    const commands = new Map<string, Set<string>>();
    for (const instance of jobInstances(workflows)) {
        for (const step of stepsOf(instance.job, PULUMI)) {
            const command = String(step.with?.command ?? "");
            const stack = stackOf(instance);
            if (!stack) continue;
            if (!commands.has(command)) commands.set(command, new Set());
            commands.get(command)?.add(stack);
            const where = `${instance.where}: pulumi ${command}`;
            if (command === "preview") {
                if (!triggers(instance.workflow).includes("pull_request")) problems.push(`${where}: previews belong to the pull_request workflow`);
                if (!/github\.event\.pull_request\.head\.repo\.full_name\s*==\s*github\.repository/.test(String(instance.job.if ?? ""))) {
                    problems.push(`${where}: not skipped for forks (if: github.event.pull_request.head.repo.full_name == github.repository)`);
                }
                continue;
            }
            const env = instance.job.environment;
            const envName = literal(typeof env === "object" && env !== null ? env.name : env, instance.matrix);
            if (envName !== stack) problems.push(`${where}: runs in environment ${JSON.stringify(envName ?? env)}, not ${stack} (whose reviewers approve it)`);
            const concurrency = instance.job.concurrency;
            const group = literal(typeof concurrency === "object" && concurrency !== null ? concurrency.group : concurrency, instance.matrix);
            if (!group) problems.push(`${where}: no concurrency group`);
            else {
                if (!groups.has(stack)) groups.set(stack, new Set());
                groups.get(stack)?.add(group);
            }
            if (typeof concurrency !== "object" || concurrency === null || concurrency["cancel-in-progress"] !== false) {
                problems.push(`${where}: concurrency needs cancel-in-progress: false (cancelling an update mid-way leaves pending operations)`);
            }
        }
    }
    for (const [stack, set] of groups)
        if (set.size > 1) problems.push(`stack ${stack}: up and destroy use different concurrency groups (${[...set].join(", ")}), so they can overlap`);
    const all = [...groups.values()].flatMap((s) => [...s]);
    if (new Set(all).size !== all.length) problems.push(`two stacks share a concurrency group: ${all.join(", ")}`);
    for (const command of ["preview", "up", "destroy"]) {
        for (const stack of Object.keys(repo.stacks))
            if (!commands.get(command)?.has(stack)) problems.push(`no workflow runs pulumi ${command} for stack ${stack}`);
    }
    return problems;
}

/** Jobs of pull_request workflows that use secrets or an OIDC token are skipped for forks. */
function forkProblems(workflows: Workflow[]): string[] {
    const problems: string[] = [];
    for (const w of workflows.filter((x) => triggers(x).includes("pull_request"))) {
        for (const [id, job] of Object.entries((w.doc?.jobs ?? {}) as Record<string, Node>)) {
            const sensitive = /\$\{\{\s*secrets\./.test(JSON.stringify(job)) || permissionsOf(job)["id-token"] === "write";
            if (sensitive && !/github\.event\.pull_request\.head\.repo\.full_name\s*==\s*github\.repository/.test(String(job?.if ?? ""))) {
                problems.push(`${w.file} job ${id}: uses secrets or OIDC but is not skipped for pull requests from forks`);
            }
        }
    }
    return problems;
}

/**
 * The Pulumi CLI the steps install: one exact release (`3.248.0`, not `^3` or a variable) in every
 * workflow, not older than the locked @pulumi/pulumi (the CLI and the SDK are released together).
 */
function pulumiVersionProblems(workflows: Workflow[], repo: Repo): string[] {
    const problems: string[] = [];
    const versions = new Set<string>();
    for (const instance of jobInstances(workflows)) {
        for (const step of stepsOf(instance.job, PULUMI)) {
            const where = `${instance.where}: pulumi ${step.with?.command ?? ""}`;
            const raw = step.with?.["pulumi-version"];
            const version = literal(raw, instance.matrix);
            if (!version || !/^\d+\.\d+\.\d+$/.test(version)) {
                problems.push(
                    `${where}: pulumi-version ${JSON.stringify(raw ?? "(none: the latest)")} floats; pin an exact release such as ${repo.lockedPulumi}`,
                );
                continue;
            }
            versions.add(version);
            if (repo.lockedPulumi && semver.lt(version, repo.lockedPulumi))
                problems.push(`${where}: pulumi-version ${version} is older than the locked @pulumi/pulumi ${repo.lockedPulumi}`);
        }
    }
    if (versions.size > 1) problems.push(`the workflows install different Pulumi CLI versions: ${[...versions].join(", ")}`);
    return problems;
}

const TOKEN_EXPRESSION = /^\$\{\{\s*steps\.pulumi-auth\.outputs\.pulumi-access-token\s*\|\|\s*secrets\.PULUMI_ACCESS_TOKEN\s*\}\}$/;
const ESC_KEYS = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"];

/** `X` of an `if: X == ''` or `if: X != ''` condition, or undefined. */
function emptinessTest(condition: unknown, op: "==" | "!="): string | undefined {
    const m = new RegExp(`^\\s*(?:\\$\\{\\{\\s*)?([A-Za-z0-9_.-]+)\\s*${op}\\s*''\\s*(?:\\}\\})?\\s*$`).exec(String(condition ?? ""));
    return m?.[1];
}

/** The values a `with:` input can take: itself, or the quoted strings of its `${{ a && 'x' || 'y' }}` expression. */
function possibleValues(value: unknown): string[] {
    const text = String(value ?? "");
    const expression = /^\$\{\{(.*)\}\}$/s.exec(text.trim());
    return expression ? [...expression[1].matchAll(/'([^']*)'/g)].map((m) => m[1]).filter((v) => v !== "") : text ? [text] : [];
}

/**
 * The optional credentials without long-lived secrets (docs/credentials.md), in every job that runs
 * Pulumi: a Pulumi Cloud token from GitHub's OIDC token (pulumi/auth-actions, step id pulumi-auth) when
 * vars.PULUMI_CLOUD_AUTH is 'oidc', else the stored PULUMI_ACCESS_TOKEN; and the AWS credentials from a
 * Pulumi ESC environment when one is named, else configure-aws-credentials, exactly one of the two.
 */
function credentialOptionProblems(workflows: Workflow[]): string[] {
    const problems: string[] = [];
    for (const w of workflows) {
        for (const [id, job] of Object.entries((w.doc?.jobs ?? {}) as Record<string, Node>)) {
            const list = steps(job);
            const pulumiAt = list.findIndex((s) => actionOf(s)?.name === PULUMI);
            if (pulumiAt < 0) continue;
            const where = `${w.file} job ${id}`;
            const auth = list.map((s, i) => [s, i] as const).filter(([s]) => actionOf(s)?.name === PULUMI_AUTH);
            if (auth.length !== 1) problems.push(`${where}: needs one ${PULUMI_AUTH} step (the Pulumi Cloud OIDC option), has ${auth.length}`);
            for (const [step, index] of auth) {
                if (step.id !== "pulumi-auth") problems.push(`${where}: the ${PULUMI_AUTH} step needs id: pulumi-auth (the token expressions read its output)`);
                if (!/^\s*vars\.PULUMI_CLOUD_AUTH\s*==\s*'oidc'\s*$/.test(String(step.if ?? "")))
                    problems.push(
                        `${where}: the ${PULUMI_AUTH} step must be optional: if: vars.PULUMI_CLOUD_AUTH == 'oidc' (got ${JSON.stringify(step.if ?? "")})`,
                    );
                const tokenTypes = possibleValues(step.with?.["requested-token-type"]);
                if (tokenTypes.length === 0 || !tokenTypes.every((t) => t.startsWith("urn:pulumi:token-type:access_token:")))
                    problems.push(`${where}: the ${PULUMI_AUTH} step needs requested-token-type urn:pulumi:token-type:access_token:<type>`);
                if (index > pulumiAt) problems.push(`${where}: the ${PULUMI_AUTH} step runs after pulumi`);
            }
            const esc = list.map((s, i) => [s, i] as const).filter(([s]) => actionOf(s)?.name === ESC);
            const configure = stepsOf(job, CONFIGURE_AWS);
            if (esc.length !== 1 || configure.length !== 1) {
                problems.push(`${where}: needs one ${ESC} step and one ${CONFIGURE_AWS} step (has ${esc.length} and ${configure.length})`);
            }
            for (const [step, index] of esc) {
                const chosen = emptinessTest(step.if, "!=");
                const fallback = configure.map((c) => emptinessTest(c.if, "=="));
                if (!chosen || fallback.some((f) => f !== chosen))
                    problems.push(
                        `${where}: the ESC step (if: ${JSON.stringify(step.if ?? "")}) and configure-aws-credentials (if: ${JSON.stringify(configure.map((c) => c.if ?? ""))}) must test the same setting, X != '' and X == '', so exactly one runs`,
                    );
                else if (!new RegExp(`^\\$\\{\\{\\s*${chosen.replace(/\./g, "\\.")}\\s*\\}\\}$`).test(String(step.with?.environment ?? "")))
                    problems.push(`${where}: the ESC step opens ${JSON.stringify(step.with?.environment)}, not the \${{ ${chosen} }} its condition tests`);
                const keys = String(step.with?.keys ?? "")
                    .split(",")
                    .map((k) => k.trim());
                for (const key of ESC_KEYS) if (!keys.includes(key)) problems.push(`${where}: the ESC step does not inject ${key}`);
                if (index > pulumiAt) problems.push(`${where}: the ESC step runs after pulumi`);
            }
            for (const step of list.filter((s) => actionOf(s)?.name === PULUMI || actionOf(s)?.name === ESC)) {
                const token = step.env?.PULUMI_ACCESS_TOKEN;
                if (!TOKEN_EXPRESSION.test(String(token ?? "")))
                    problems.push(
                        `${where}: ${actionOf(step)?.name} gets PULUMI_ACCESS_TOKEN ${JSON.stringify(token ?? "(none)")}; use \${{ steps.pulumi-auth.outputs.pulumi-access-token || secrets.PULUMI_ACCESS_TOKEN }} so both ways work`,
                    );
            }
        }
    }
    return problems;
}

const PREVIEW_TEAM_TOKEN_TYPE =
    /^\$\{\{\s*vars\.PULUMI_PREVIEW_TEAM\s*!=\s*''\s*&&\s*'urn:pulumi:token-type:access_token:team'\s*\|\|\s*'urn:pulumi:token-type:access_token:organization'\s*\}\}$/;
const PREVIEW_TEAM_SCOPE = /^\$\{\{\s*vars\.PULUMI_PREVIEW_TEAM\s*!=\s*''\s*&&\s*format\('team:\{0\}',\s*vars\.PULUMI_PREVIEW_TEAM\)\s*\|\|\s*''\s*\}\}$/;

/**
 * What a pull request's preview may open (docs/credentials.md, "Keep previews away from the deploy
 * environment"): the read-only preview ESC environment (`vars.<STACK>_ESC_PREVIEW_ENVIRONMENT`), never the
 * deploy one, and with vars.PULUMI_PREVIEW_TEAM a team token of that team rather than an organization
 * token. Jobs of the other workflows open the deploy environment, never a preview one.
 */
function previewCredentialProblems(workflows: Workflow[]): string[] {
    const problems: string[] = [];
    for (const instance of jobInstances(workflows)) {
        const preview = triggers(instance.workflow).includes("pull_request");
        for (const step of preview ? stepsOf(instance.job, PULUMI_AUTH) : []) {
            if (!PREVIEW_TEAM_TOKEN_TYPE.test(String(step.with?.["requested-token-type"] ?? "")) || !PREVIEW_TEAM_SCOPE.test(String(step.with?.scope ?? "")))
                problems.push(
                    `${instance.where}: the ${PULUMI_AUTH} step of a preview must ask for a team token scoped to vars.PULUMI_PREVIEW_TEAM when it is set (requested-token-type ${JSON.stringify(step.with?.["requested-token-type"] ?? "")}, scope ${JSON.stringify(step.with?.scope ?? "")})`,
                );
        }
        for (const step of stepsOf(instance.job, ESC)) {
            const opened = resolve(step.with?.environment, instance.matrix);
            const variable = /^\$\{\{\s*vars\.([A-Z0-9_]+)\s*\}\}$/.exec(opened)?.[1];
            if (!variable) {
                problems.push(`${instance.where}: the ESC step opens ${JSON.stringify(opened)}; name the environment with one repository variable`);
            } else if (preview && !/_ESC_PREVIEW_ENVIRONMENT$/.test(variable)) {
                problems.push(
                    `${instance.where}: a pull request's preview opens vars.${variable}; previews take the read-only <STACK>_ESC_PREVIEW_ENVIRONMENT, not the deploy environment`,
                );
            } else if (!preview && !/_ESC_ENVIRONMENT$/.test(variable)) {
                problems.push(`${instance.where}: opens vars.${variable}; jobs outside pull requests take <STACK>_ESC_ENVIRONMENT`);
            }
        }
    }
    return problems;
}

interface DependabotConfig {
    file: string;
    text: string;
}

function loadDependabot(file = DEPENDABOT): DependabotConfig | undefined {
    return fs.existsSync(file) ? { file: path.relative(ROOT, file), text: fs.readFileSync(file, "utf8") } : undefined;
}

const DEPENDABOT_ECOSYSTEMS = new Set([
    "npm",
    "github-actions",
    "bundler",
    "cargo",
    "composer",
    "docker",
    "gomod",
    "gradle",
    "maven",
    "nuget",
    "pip",
    "terraform",
]);
const DEPENDABOT_INTERVALS = new Set(["daily", "weekly", "monthly", "quarterly", "semiannually", "yearly", "cron"]);
const DEPENDABOT_UPDATE_KEYS = new Set([
    "package-ecosystem",
    "directory",
    "directories",
    "schedule",
    "allow",
    "assignees",
    "commit-message",
    "cooldown",
    "groups",
    "ignore",
    "insecure-external-code-execution",
    "labels",
    "milestone",
    "open-pull-requests-limit",
    "pull-request-branch-name",
    "rebase-strategy",
    "registries",
    "reviewers",
    "target-branch",
    "vendor",
    "versioning-strategy",
]);

/**
 * .github/dependabot.yml: version 2, known keys, a valid schedule, and updates for the npm packages
 * (the root and every other package.json of the project: policies/) and for the workflows' actions.
 * Keys and values from GitHub's "Dependabot options reference" (docs.github.com, checked 2026-12-02).
 */
function dependabotProblems(config: DependabotConfig | undefined, repo: Repo): string[] {
    if (!config) return [".github/dependabot.yml is missing (npm and github-actions updates)"];
    const parsed = parseDocument(config.text, { uniqueKeys: true });
    if (parsed.errors.length > 0) return [`${config.file}: ${parsed.errors.map((e) => e.message).join("; ")}`];
    const doc = parsed.toJS() as Node;
    const problems: string[] = [];
    if (doc?.version !== 2) problems.push(`${config.file}: version must be 2 (got ${JSON.stringify(doc?.version)})`);
    const updates = Array.isArray(doc?.updates) ? (doc.updates as Node[]) : [];
    if (updates.length === 0) problems.push(`${config.file}: no updates`);
    const covered = new Set<string>();
    updates.forEach((u, i) => {
        const where = `${config.file} updates[${i}]`;
        const ecosystem = String(u?.["package-ecosystem"] ?? "");
        if (!DEPENDABOT_ECOSYSTEMS.has(ecosystem)) problems.push(`${where}: package-ecosystem ${JSON.stringify(ecosystem)} is not one Dependabot knows`);
        for (const key of Object.keys(u ?? {})) if (!DEPENDABOT_UPDATE_KEYS.has(key)) problems.push(`${where}: unknown key ${key}`);
        const dirs: unknown[] = u?.directories ?? (u?.directory !== undefined ? [u.directory] : []);
        if (dirs.length === 0) problems.push(`${where}: no directory`);
        const interval = u?.schedule?.interval;
        if (!DEPENDABOT_INTERVALS.has(String(interval)))
            problems.push(`${where}: schedule.interval ${JSON.stringify(interval)} is not one of ${[...DEPENDABOT_INTERVALS].join(", ")}`);
        for (const dir of dirs) {
            const d = String(dir);
            if (ecosystem === "npm" && !repo.exists(path.posix.join(d.replace(/^\//, ""), "package.json"))) problems.push(`${where}: ${d} has no package.json`);
            covered.add(`${ecosystem} ${d.replace(/\/$/, "") || "/"}`);
        }
    });
    const wanted = ["npm /", "github-actions /", ...(repo.exists("policies/package.json") ? ["npm /policies"] : [])];
    for (const w of wanted) if (!covered.has(w)) problems.push(`${config.file}: no ${w.replace(" ", " update for ")}`);
    return problems;
}

/** Runs a `run:` script with bash and the given env; returns the exit status. */
function runScript(script: string, env: Record<string, string>): number {
    const result = spawnSync("bash", ["--noprofile", "--norc", "-e", "-o", "pipefail", "-c", script], {
        env: { PATH: process.env.PATH ?? "", ...env },
        encoding: "utf8",
    });
    return result.status ?? -1;
}

/** The destroy workflow: manual only, a stack choice and a confirmation that must equal it, checked before any credentials. */
function destroyProblems(workflows: Workflow[], repo: Repo): string[] {
    const problems: string[] = [];
    const destroyers = workflows.filter((w) =>
        Object.values((w.doc?.jobs ?? {}) as Record<string, Node>).some((j) => stepsOf(j, PULUMI).some((s) => s.with?.command === "destroy")),
    );
    if (destroyers.length === 0) return ["no workflow runs pulumi destroy"];
    for (const w of destroyers) {
        const on = triggers(w);
        if (on.length !== 1 || on[0] !== "workflow_dispatch")
            problems.push(`${w.file}: destroy must be triggered by workflow_dispatch only (it is: ${on.join(", ")})`);
        const inputs = (w.doc?.on?.workflow_dispatch?.inputs ?? {}) as Record<string, Node>;
        const stackInput = inputs.stack;
        if (stackInput?.type !== "choice" || stackInput?.required !== true) problems.push(`${w.file}: input 'stack' must be a required choice`);
        const options = ((stackInput?.options ?? []) as unknown[]).map(String).sort();
        if (JSON.stringify(options) !== JSON.stringify(Object.keys(repo.stacks).sort()))
            problems.push(`${w.file}: stack options ${options.join(", ")} are not the repository's stacks`);
        const confirmName = Object.keys(inputs).find((k) => k !== "stack");
        if (!confirmName || inputs[confirmName]?.required !== true) {
            problems.push(`${w.file}: no required confirmation input`);
            continue;
        }
        const jobs = (w.doc?.jobs ?? {}) as Record<string, Node>;
        const confirmExpr = new RegExp(`inputs\\.${confirmName}\\s*==\\s*inputs\\.stack|inputs\\.stack\\s*==\\s*inputs\\.${confirmName}`);
        for (const [id, job] of Object.entries(jobs)) {
            if (!stepsOf(job, PULUMI).some((s) => s.with?.command === "destroy")) continue;
            const where = `${w.file} job ${id}`;
            if (!confirmExpr.test(String(job.if ?? ""))) problems.push(`${where}: if: does not require inputs.${confirmName} == inputs.stack`);
            const needs = ([] as string[]).concat(job.needs ?? []);
            const gates = needs.filter((n) => jobs[n] && stepsOf(jobs[n], CONFIGURE_AWS).length === 0 && steps(jobs[n]).some((s) => typeof s.run === "string"));
            if (gates.length === 0) {
                problems.push(`${where}: needs no confirmation job (one without AWS credentials that fails on a mismatch)`);
                continue;
            }
            // Run the gate's scripts as GitHub would, with the inputs substituted into their env.
            const gateWorks = gates.some((gate) => {
                const scripts = steps(jobs[gate]).filter((s) => typeof s.run === "string");
                const run = (stack: string, confirm: string) =>
                    scripts.every((s) => {
                        const env = Object.fromEntries(
                            Object.entries((s.env ?? {}) as Record<string, unknown>).map(([k, v]) => [
                                k,
                                String(v)
                                    .replace(/\$\{\{\s*(?:github\.event\.)?inputs\.stack\s*\}\}/g, stack)
                                    .replace(new RegExp(`\\$\\{\\{\\s*(?:github\\.event\\.)?inputs\\.${confirmName}\\s*\\}\\}`, "g"), confirm),
                            ]),
                        );
                        return runScript(s.run, { ...env, GITHUB_REF: "refs/heads/main", GITHUB_STEP_SUMMARY: "/dev/null" }) === 0;
                    });
                const stacks = Object.keys(repo.stacks);
                const other = (s: string) => stacks.find((x) => x !== s) ?? `${s}-other`;
                return stacks.every((s) => run(s, s) && !run(s, other(s)) && !run(s, "") && !run(s, `${s} `) && !run(s, s.toUpperCase()));
            });
            if (!gateWorks) problems.push(`${where}: its confirmation job does not pass exactly when ${confirmName} equals the stack`);
        }
    }
    return problems;
}

// ---------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------

describe("GitHub Actions workflows", function () {
    this.timeout(60_000);
    const workflows = loadWorkflows();
    const repo = repoFacts();
    const expectNone = (problems: string[]) => {
        if (problems.length > 0) assert.fail(`${problems.length} problem(s):\n${problems.join("\n")}`);
    };

    it("are present: pull request, deploy, destroy and the shared checks", () => {
        const files = workflows.map((w) => w.file);
        for (const f of ["checks.yml", "pull-request.yml", "deploy.yml", "destroy.yml"]) assert.ok(files.includes(f), `.github/workflows/${f} is missing`);
    });

    it("are valid GitHub workflows (action-validator, SchemaStore schema)", () => {
        expectNone(schemaProblems(workflows));
    });

    it("local composite actions, if any, are valid actions", () => {
        if (!fs.existsSync(ACTION_DIR)) return;
        const files = fs
            .readdirSync(ACTION_DIR, { recursive: true })
            .map(String)
            .filter((f) => /(^|\/)action\.ya?ml$/.test(f));
        expectNone(
            files.flatMap((f) => {
                const state = validateAction(fs.readFileSync(path.join(ACTION_DIR, f), "utf8"));
                return state.errors.length ? [`${f}:\n${flattenErrors(state.errors).join("\n")}`] : [];
            }),
        );
    });

    it("pin every action to a commit SHA with its release in a comment, and give it only inputs its action.yml declares", () => {
        expectNone(actionInputProblems(workflows, repo));
    });

    it("grant least privilege: permissions per workflow and job, writes only where a step needs them", () => {
        expectNone([...permissionProblems(workflows), ...reusablePermissionProblems(workflows)]);
    });

    it("get AWS credentials only through OIDC, in the partition and region of each stack's file", () => {
        expectNone(credentialProblems(workflows, repo));
    });

    it("assume an arn:aws-us-gov role in us-gov-west-1 for the GovCloud stack", () => {
        expectNone(govcloudProblems(workflows));
    });

    it("run pulumi after npm ci and the credentials, with the policy pack and the stack's own config", () => {
        expectNone(pulumiProblems(workflows, repo));
    });

    it("name policy pack configs that exist", () => {
        expectNone(policyConfigPathProblems(workflows, repo));
    });

    it("run only npm scripts that package.json defines", () => {
        expectNone(npmScriptProblems(workflows, repo));
    });

    it("run the offline plan for every stack and upload its SARIF with if: always(), one category per stack", () => {
        expectNone(sarifProblems(workflows, repo));
    });

    it("preview in same-repository pull requests; up and destroy behind the stack's environment and one lock per stack", () => {
        expectNone([...deploymentProblems(workflows, repo), ...forkProblems(workflows)]);
    });

    it("destroy only on manual dispatch, when the confirmation equals the stack", () => {
        expectNone(destroyProblems(workflows, repo));
    });

    it("install one exact Pulumi CLI release, not older than the locked SDK", () => {
        expectNone(pulumiVersionProblems(workflows, repo));
    });

    it("offer Pulumi Cloud OIDC and Pulumi ESC credentials as options next to the stored token and configure-aws-credentials", () => {
        expectNone(credentialOptionProblems(workflows));
    });

    it("give pull-request previews only the read-only ESC environment and, when a preview team is named, its team token; the other jobs the deploy environment", () => {
        expectNone(previewCredentialProblems(workflows));
    });

    it("have a Dependabot config for npm (root and policies/) and the actions", () => {
        expectNone(dependabotProblems(loadDependabot(), repo));
    });

    describe("the checks notice a broken workflow", () => {
        /** Applies `change` to a copy of one workflow and returns the copies. */
        const broken = (file: string, change: (doc: Node) => void, text?: (t: string) => string): Workflow[] => {
            const copy = clone(workflows);
            const w = copy.find((x) => x.file === file);
            assert.ok(w, `${file} exists`);
            change(w.doc);
            if (text) w.text = text(w.text);
            return copy;
        };
        const jobOf = (doc: Node, id: string) => doc.jobs[id];
        const stepOf = (doc: Node, job: string, action: string) => steps(jobOf(doc, job)).find((s) => actionOf(s)?.name === action);
        const expectSome = (problems: string[], pattern: RegExp) =>
            assert.ok(
                problems.some((p) => pattern.test(p)),
                `expected a problem matching ${pattern}, got:\n${problems.join("\n") || "(none)"}`,
            );

        it("a misspelled key fails schema validation", () => {
            const copy = broken(
                "deploy.yml",
                () => undefined,
                (t) => t.replace("runs-on:", "runs_on:"),
            );
            expectSome(schemaProblems(copy), /deploy\.yml is not a valid workflow/);
        });

        it("a misspelled permission fails schema validation", () => {
            const copy = broken(
                "destroy.yml",
                () => undefined,
                (t) => t.replace("id-token: write", "id_token: write"),
            );
            expectSome(schemaProblems(copy), /destroy\.yml is not a valid workflow[\s\S]*id_token/);
        });

        it("a misspelled action input, and an unpinned action", () => {
            const copy = broken("pull-request.yml", (doc) => {
                const step = stepOf(doc, "preview", PULUMI);
                step.with["policy-packs"] = step.with.policyPacks;
                delete step.with.policyPacks;
                stepOf(doc, "preview", CONFIGURE_AWS).uses = `${CONFIGURE_AWS}@main`;
            });
            const problems = actionInputProblems(copy, repo);
            expectSome(problems, /pulumi\/actions@v6 has no input 'policy-packs'/);
            expectSome(problems, /configure-aws-credentials@main is not pinned to a full commit SHA/);
        });

        it("an action pinned by tag, by SHA without its version comment, or with comments that disagree", () => {
            const byTag = broken("checks.yml", (doc) => (stepOf(doc, "test", "actions/checkout").uses = "actions/checkout@v5"));
            expectSome(actionInputProblems(byTag, repo), /checks\.yml job test .*actions\/checkout@v5 is not pinned to a full commit SHA/);
            const sha = "0123456789abcdef0123456789abcdef01234567";
            const noComment = broken(
                "deploy.yml",
                (doc) => (stepOf(doc, "up", PULUMI).uses = `${PULUMI}@${sha}`),
                (text) => text.replace(/uses: pulumi\/actions@[0-9a-f]{40} # v[0-9.]+/, `uses: ${PULUMI}@${sha}`),
            );
            expectSome(actionInputProblems(noComment, repo), /deploy\.yml job up .*pulumi\/actions@0123.* has no version comment/);
            const disagreeing = broken(
                "destroy.yml",
                (doc) => doc,
                (text) => text.replace(/(uses: actions\/checkout@[0-9a-f]{40}) # v[0-9.]+/, "$1 # v4.0.0"),
            );
            expectSome(
                actionInputProblems(disagreeing, repo),
                /destroy\.yml job .*actions\/checkout@[0-9a-f]{40} is commented with different versions in destroy\.yml: /,
            );
        });

        it("a floating or outdated Pulumi CLI version", () => {
            const floating = broken("pull-request.yml", (doc) => (stepOf(doc, "preview", PULUMI).with["pulumi-version"] = "^3"));
            expectSome(pulumiVersionProblems(floating, repo), /pull-request\.yml job preview \(govcloud\): pulumi preview: pulumi-version "\^3" floats/);
            const variable = broken("destroy.yml", (doc) => (stepOf(doc, "destroy-govcloud", PULUMI).with["pulumi-version"] = "${{ vars.PULUMI_VERSION }}"));
            expectSome(pulumiVersionProblems(variable, repo), /destroy-govcloud: pulumi destroy: pulumi-version .* floats/);
            const missing = broken("deploy.yml", (doc) => delete stepOf(doc, "up", PULUMI).with["pulumi-version"]);
            expectSome(pulumiVersionProblems(missing, repo), /pulumi-version "\(none: the latest\)" floats/);
            const old = broken("deploy.yml", (doc) => (stepOf(doc, "up", PULUMI).with["pulumi-version"] = "3.100.0"));
            expectSome(pulumiVersionProblems(old, repo), /3\.100\.0 is older than the locked @pulumi\/pulumi/);
            expectSome(pulumiVersionProblems(old, repo), /different Pulumi CLI versions/);
        });

        it("a credential option that is not optional, runs with its alternative, or loses the stored token", () => {
            const always = broken("deploy.yml", (doc) => delete stepOf(doc, "up", PULUMI_AUTH).if);
            expectSome(credentialOptionProblems(always), /deploy\.yml job up: the pulumi\/auth-actions step must be optional/);
            const both = broken("pull-request.yml", (doc) => delete stepOf(doc, "preview", CONFIGURE_AWS).if);
            expectSome(credentialOptionProblems(both), /pull-request\.yml job preview: the ESC step .* exactly one runs/);
            const tokenOnly = broken(
                "destroy.yml",
                (doc) => (stepOf(doc, "destroy-commercial", PULUMI).env.PULUMI_ACCESS_TOKEN = "${{ secrets.PULUMI_ACCESS_TOKEN }}"),
            );
            expectSome(credentialOptionProblems(tokenOnly), /destroy-commercial: pulumi\/actions gets PULUMI_ACCESS_TOKEN/);
            const noOption = broken("deploy.yml", (doc) => (jobOf(doc, "up").steps = steps(jobOf(doc, "up")).filter((s) => actionOf(s)?.name !== ESC)));
            expectSome(credentialOptionProblems(noOption), /deploy\.yml job up: needs one pulumi\/esc-action step/);
            const noIdToken = broken("destroy.yml", (doc) => {
                const job = jobOf(doc, "destroy-govcloud");
                job.steps = steps(job).filter((s) => actionOf(s)?.name !== CONFIGURE_AWS);
                delete job.permissions["id-token"];
            });
            expectSome(permissionProblems(noIdToken), /destroy-govcloud: needs id-token: write/);
        });

        it("a pull-request preview that opens the deploy ESC environment or always gets an organization token", () => {
            const deployEnvironment = broken("pull-request.yml", (doc) => {
                const commercial = jobOf(doc, "preview").strategy.matrix.include.find((e: Node) => e.stack === "commercial");
                commercial["esc-environment"] = "${{ vars.COMMERCIAL_ESC_ENVIRONMENT }}";
            });
            expectSome(previewCredentialProblems(deployEnvironment), /preview \(commercial\): a pull request's preview opens vars\.COMMERCIAL_ESC_ENVIRONMENT/);
            const previewInDeploy = broken("deploy.yml", (doc) => {
                const govcloud = jobOf(doc, "up").strategy.matrix.include.find((e: Node) => e.stack === "govcloud");
                govcloud["esc-environment"] = "${{ vars.GOVCLOUD_ESC_PREVIEW_ENVIRONMENT }}";
            });
            expectSome(previewCredentialProblems(previewInDeploy), /up \(govcloud\): opens vars\.GOVCLOUD_ESC_PREVIEW_ENVIRONMENT/);
            const organizationToken = broken("pull-request.yml", (doc) => delete stepOf(doc, "preview", PULUMI_AUTH).with.scope);
            expectSome(
                previewCredentialProblems(organizationToken),
                /preview \(govcloud\): the pulumi\/auth-actions step of a preview must ask for a team token/,
            );
        });

        it("a Dependabot config that is missing, leaves out an ecosystem, or has an invalid schedule", () => {
            expectSome(dependabotProblems(undefined, repo), /dependabot\.yml is missing/);
            const real = loadDependabot();
            assert.ok(real, ".github/dependabot.yml exists");
            const edit = (change: (doc: Node) => void) => {
                const doc = parseDocument(real.text).toJS() as Node;
                change(doc);
                return { file: real.file, text: JSON.stringify(doc) };
            };
            const noActions = edit((doc) => (doc.updates = doc.updates.filter((u: Node) => u["package-ecosystem"] !== "github-actions")));
            expectSome(dependabotProblems(noActions, repo), /no github-actions update for \//);
            const hourly = edit((doc) => (doc.updates[0].schedule.interval = "hourly"));
            expectSome(dependabotProblems(hourly, repo), /schedule\.interval "hourly"/);
            const noPolicies = edit(
                (doc) => (doc.updates = doc.updates.filter((u: Node) => !(u["package-ecosystem"] === "npm" && u.directory === "/policies"))),
            );
            expectSome(dependabotProblems(noPolicies, repo), /no npm update for \/policies/);
            const v1 = edit((doc) => (doc.version = 1));
            expectSome(dependabotProblems(v1, repo), /version must be 2/);
            expectSome(dependabotProblems({ file: real.file, text: "version: 2\nupdates: [" }, repo), /dependabot\.yml: /);
        });

        it("a job that assumes a role without id-token: write", () => {
            const copy = broken("deploy.yml", (doc) => delete jobOf(doc, "up").permissions["id-token"]);
            expectSome(permissionProblems(copy), /deploy\.yml job up: needs id-token: write/);
        });

        it("a write permission no step needs", () => {
            const copy = broken("destroy.yml", (doc) => (jobOf(doc, "confirm").permissions = { contents: "write" }));
            expectSome(permissionProblems(copy), /job confirm: contents: write is not needed/);
        });

        it("a reusable workflow call that grants less than the called jobs need", () => {
            const copy = broken("pull-request.yml", (doc) => delete jobOf(doc, "checks").permissions["security-events"]);
            expectSome(reusablePermissionProblems(copy), /grants security-events: none, but checks\.yml job plan needs write/);
        });

        it("a GovCloud role in the commercial partition, and a commercial region", () => {
            const copy = broken("deploy.yml", (doc) => {
                const gov = jobOf(doc, "up").strategy.matrix.include.find((e: Node) => e.stack === "govcloud");
                gov.partition = "aws";
                gov.region = "us-east-1";
            });
            expectSome(govcloudProblems(copy), /GovCloud role arn:aws:iam::.* is not in the aws-us-gov partition/);
            expectSome(govcloudProblems(copy), /GovCloud region is us-east-1/);
            expectSome(credentialProblems(copy, repo), /deploys to us-gov-west-1/);
        });

        it("stored access keys instead of OIDC", () => {
            const copy = broken("destroy.yml", (doc) => (stepOf(doc, "destroy-commercial", CONFIGURE_AWS).with["aws-access-key-id"] = "${{ secrets.KEY }}"));
            expectSome(credentialProblems(copy, repo), /aws-access-key-id given/);
        });

        it("a preview without the pack, or with another stack's config", () => {
            const copy = broken("pull-request.yml", (doc) => {
                const step = stepOf(doc, "preview", PULUMI);
                step.with.policyPackConfigs = "policies/config/govcloud.json";
            });
            expectSome(
                pulumiProblems(copy, repo),
                /preview \(commercial\).*policyPackConfigs "policies\/config\/govcloud\.json", expected policies\/config\/commercial\.json/,
            );
        });

        it("a policy pack config that does not exist", () => {
            const copy = broken("deploy.yml", (doc) => (stepOf(doc, "up", PULUMI).with.policyPackConfigs = "policies/config/${{ matrix.stack }}-prod.json"));
            expectSome(policyConfigPathProblems(copy, repo), /policies\/config\/govcloud-prod\.json does not exist/);
        });

        it("an npm script package.json lacks", () => {
            const copy = broken("checks.yml", (doc) => steps(jobOf(doc, "test")).push({ run: "npm run no-such-script" }));
            expectSome(npmScriptProblems(copy, repo), /npm run no-such-script, but package\.json has no script/);
        });

        it("a SARIF upload that is skipped when the plan fails, or that has no category", () => {
            const copy = broken("checks.yml", (doc) => {
                const upload = stepOf(doc, "plan", UPLOAD_SARIF);
                upload.if = "success()";
                delete upload.with.category;
            });
            expectSome(sarifProblems(copy, repo), /needs if: always\(\)/);
            expectSome(sarifProblems(copy, repo), /has no category/);
        });

        it("a plan step that swallows its failure, or a stack left out", () => {
            const copy = broken("checks.yml", (doc) => {
                const job = jobOf(doc, "plan");
                job.strategy.matrix.stack = ["govcloud"];
                steps(job).find((s) => typeof s.run === "string" && s.run.includes("npm run plan"))["continue-on-error"] = true;
            });
            expectSome(sarifProblems(copy, repo), /continue-on-error would hide/);
            expectSome(sarifProblems(copy, repo), /never runs for stack commercial/);
        });

        it("a preview that runs for forks", () => {
            const copy = broken("pull-request.yml", (doc) => delete jobOf(doc, "preview").if);
            expectSome(deploymentProblems(copy, repo), /not skipped for forks/);
            expectSome(forkProblems(copy), /job preview: uses secrets or OIDC/);
        });

        it("an up outside its environment, or that may overlap a destroy", () => {
            const copy = broken("deploy.yml", (doc) => {
                const up = jobOf(doc, "up");
                up.environment = "production";
                up.concurrency = { group: "deploy-${{ matrix.stack }}", "cancel-in-progress": true };
            });
            const problems = deploymentProblems(copy, repo);
            expectSome(problems, /pulumi up: runs in environment "production", not govcloud/);
            expectSome(problems, /cancel-in-progress: false/);
            expectSome(problems, /stack govcloud: up and destroy use different concurrency groups/);
        });

        it("a destroy whose confirmation check is missing or wrong", () => {
            const noGate = broken("destroy.yml", (doc) => {
                delete jobOf(doc, "destroy-govcloud").needs;
                jobOf(doc, "destroy-govcloud").if = "inputs.stack == 'govcloud'";
            });
            expectSome(destroyProblems(noGate, repo), /destroy-govcloud: if: does not require inputs\.confirm == inputs\.stack/);
            expectSome(destroyProblems(noGate, repo), /destroy-govcloud: needs no confirmation job/);

            const lenient = broken("destroy.yml", (doc) => (steps(jobOf(doc, "confirm"))[0].run = 'test -n "$CONFIRMATION"'));
            expectSome(destroyProblems(lenient, repo), /confirmation job does not pass exactly when confirm equals the stack/);

            const onPush = broken("destroy.yml", (doc) => (doc.on.push = { branches: ["main"] }));
            expectSome(destroyProblems(onPush, repo), /workflow_dispatch only/);
        });
    });
});
