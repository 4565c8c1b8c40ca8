/**
 * `npm run plan -- --stack <name>`: the offline plan and policy gate. Runs a Pulumi program for a
 * stack under Pulumi's mock runtime in preview mode (no Pulumi CLI, plugins, backend or AWS
 * credentials), evaluates the policy pack on what it would create through @pulumi/policy's own
 * analyzer, estimates the cost, and writes JSON, SARIF and Mermaid reports on request.
 *
 * With `--against <earlier plan JSON>`, it also previews the changes from that plan to this one
 * (./changes.ts) and flags the unsafe ones.
 *
 * Exit codes: 0 clean, 1 mandatory violations, 2 the user's input is wrong (settings, flags, files,
 * the program's own errors), 3 a fault of this tool, 4 unsafe changes (with --against), 5 an
 * incomplete evaluation (blind spots, ./completeness.ts; --allow-incomplete accepts it).
 */
// First: it records when the plan's modules began to load (PLAN_TIMINGS, for the benchmark).
import { count, emitTimings, mark } from "./timings";
import * as fs from "fs";
import * as path from "path";
import { ChangePreview, newSecretSalt, PlanResource, planResources, previewChanges } from "./changes";
import { splitConfigPair } from "./configPath";
import { CostEstimate, estimateCost } from "./cost";
import { InputFileError, readJsonFile } from "./inputFiles";
import { toMermaid } from "./mermaid";
import { CapturedInvoke, mapSecrets } from "./mockRun";
import { checkSdkVersions, evaluatePolicies, loadPolicyConfigFile, loadPolicyPack, PolicyConfigError, PolicyPackLoadError, PolicyResult } from "./policyEngine";
import { BlindSpot, blindSpotsOf } from "./completeness";
import { planJson, PlanResourceJson, restoreComputed } from "./planJson";
import { describeProgramFailure } from "./programErrors";
import { UnsupportedProgramError } from "./programLoader";
import { escEnvironmentsNote, ProjectConfigError } from "./projectConfig";
import { renderReport } from "./report";
import { runStack, StackRun } from "./runStack";
import { fitModelParameters, ServedModel, servedModels } from "./servedModels";
import { toSarif } from "./sarif";
import { PartitionId, partitionOfRegion } from "../policies/catalog/partitions";
import { CliIo, EXIT as CLI_EXIT, ErrorClassifier, InputError, parseOptions as parseCliOptions, processIo, runCommand, UsageError } from "../tools/cli";
import { ParsedWaivedFinding, parseWaivedFinding, WAIVED_FINDINGS_POLICY } from "../policies/lib/waivers";

const REPO_ROOT = path.resolve(__dirname, "..");
const DEFAULT_PACK = path.join(REPO_ROOT, "policies");

/** The exit codes of the repository's commands (tools/cli.ts), and the plan's own from 4 up. */
export const EXIT = {
    clean: CLI_EXIT.ok,
    violations: CLI_EXIT.failed,
    invalid: CLI_EXIT.usage,
    internal: CLI_EXIT.internal,
    unsafeChanges: 4,
    incomplete: 5,
} as const;

/**
 * The version of the plan JSON: 2 added resource options, secret fingerprints and changes; 3 writes
 * values unknown in preview as null with `computed` lists (./planJson.ts) instead of the SDK's sentinel.
 */
export const PLAN_FORMAT = 3;

export const USAGE = `Usage: npm run plan -- --stack <name> [options]

Shows what a Pulumi stack would create and whether it passes the policy pack, without the Pulumi
CLI, provider plugins, a backend or AWS credentials: the program runs under Pulumi's mock runtime in
preview mode, and the pack runs through @pulumi/policy's own analyzer, in-process.

Options:
  -s, --stack <name>          stack to plan (reads Pulumi.<name>.yaml)            (required)
  -p, --program <dir>         Pulumi Node.js program to plan                      (default: this project)
  -c, --config <key=value>    override a stack setting (repeatable), as 'pulumi config set --path' sets it:
                              tags.Owner=me, models[0].instanceType=ml.g5.2xlarge; secure values are never printed
      --policy-pack <dir>     policy pack to evaluate                             (default: ./policies)
      --policy-config <file>  policy pack config (as for --policy-pack-config)    (default: <pack>/config/<stack>.json if present)
      --no-policies           skip the policy evaluation
      --json <file>           write the whole plan and policy results as JSON
      --sarif <file>          write policy violations as SARIF 2.1.0 (GitHub code scanning)
      --graph <file>          write a Mermaid diagram of the architecture
      --against <file>        preview the changes from an earlier plan's --json file to this one:
                              create, update, replace (and in which order), delete, and which are unsafe
      --allow-incomplete      exit 0 (not 5) when parts of the program could not be evaluated offline
                              (remote components, reads, lookups without an offline answer); they are
                              still listed
  -h, --help                  show this help

Exit codes: 0 clean; 1 mandatory policy violations; 2 the input is wrong (settings, flags, files, or
an error the program itself raised); 3 a fault of this tool; 4 unsafe changes against the earlier plan
(--against); 5 incomplete: parts of the program could not be evaluated offline (--allow-incomplete
accepts that). The first that applies, in the order 2, 3, 1, 4, 5.
Progress goes to stderr; the report to stdout. Output files (--json, --sarif, --graph) go into folders
that exist (a missing one exits 2 before the program runs). --json writes values unknown in preview as
null, listed in each record's "computed" (see the README).

Limits: this is not a preview against AWS. No provider-side checks or defaults run (a value AWS would
reject is not caught here unless a policy checks it); values AWS computes (ids, ARNs, generated names)
stay unknown, and policies that need them report "not run" as in a real preview; data-source calls are
computed from their arguments where the provider does so (partition, region, policy documents, ARNs,
service principals), answered by stand-ins (account 111122223333, region-derived zones), or left
unknown and listed. Remote components' children, resources read from AWS and stack references
cannot be seen offline: the plan lists them and exits 5. When an account is available,
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
    allowIncomplete: boolean;
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
    /** Per served model: engine, image, GPUs, quantization, memory, quota (./servedModels.ts). */
    models: ServedModel[];
    cost: CostEstimate;
    /** `waived`: the findings waivers covered (this pack's policies/lib/waivers.ts), with their waivers. */
    policies?: { pack: string; config?: string; result: PolicyResult; waived: WaivedInPlan[] };
    /** Data-source calls the run made, and how each was answered offline (./lookups.ts). */
    lookups: CapturedInvoke[];
    /**
     * What the run could not see (./completeness.ts): `complete` is false when there is any, and
     * `accepted` says whether --allow-incomplete accepted that.
     */
    completeness: { complete: boolean; accepted: boolean; blindSpots: BlindSpot[] };
    /** Why `updateSnapshot` is missing when --json asked for it: the mocked update of the program failed. */
    updateSnapshotError?: string;
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

/** An error that stopped the program, told as ./programErrors.ts tells it. */
class ProgramRunError extends Error {
    constructor(
        readonly fault: "program" | "tool" | "unsupported",
        text: string,
    ) {
        super(text);
    }
}

/** Settings errors of this project's program pass as they are; any other error is classified. */
function programRunError(err: Error, run: StackRun, what: string): Error {
    if (err.name === "SettingsError") return err;
    const failure = describeProgramFailure(err, run.project.dir, __dirname);
    const environments = run.config.environments.length > 0 ? `\n${escEnvironmentsNote(run.config.environments)}` : "";
    return new ProgramRunError(failure.fault, failure.fault === "tool" ? failure.text : `${what}: ${failure.text}${environments}`);
}

const OPTIONS = {
    stack: { type: "string", short: "s" },
    program: { type: "string", short: "p", default: REPO_ROOT },
    config: { type: "string", short: "c", multiple: true },
    "policy-pack": { type: "string", default: DEFAULT_PACK },
    "policy-config": { type: "string" },
    "no-policies": { type: "boolean", default: false },
    json: { type: "string" },
    sarif: { type: "string" },
    graph: { type: "string" },
    against: { type: "string" },
    "allow-incomplete": { type: "boolean", default: false },
    help: { type: "boolean", short: "h" },
} as const;

function parseOptions(argv: string[]): Options | "help" {
    const values = parseCliOptions(argv, OPTIONS);
    if (values.help) return "help";
    if (!values.stack) throw new UsageError("--stack is required");
    const overrides: Record<string, string> = {};
    for (const pair of values.config ?? []) {
        // Keys may be paths (`tags.Owner=me`), read as 'pulumi config set --path' reads them (./configPath.ts).
        const split = splitConfigPair(pair);
        if (!split) throw new UsageError(`--config takes key=value (the key may be a path such as tags.Owner or models[0].instanceType), got '${pair}'`);
        overrides[split[0]] = split[1];
    }
    return checkInputPaths({
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
        allowIncomplete: values["allow-incomplete"] as boolean,
    });
}

/**
 * A policy pack is a folder with a PulumiPolicy.yaml or a package.json, as `--policy-pack` takes it:
 * a mistyped one is a usage error before the program runs, not a failure to load after it.
 */
function checkInputPaths(options: Options): Options {
    const shown = (p: string) => path.relative(process.cwd(), p) || p;
    if (options.policies) {
        const pack = options.policyPack;
        const isPack = ["PulumiPolicy.yaml", "PulumiPolicy.yml"].some((f) => fs.existsSync(path.join(pack, f)));
        if (!isPack) {
            throw new InputError(
                `--policy-pack ${shown(pack)}: ${fs.existsSync(pack) ? "is not a policy pack (no PulumiPolicy.yaml in it)" : "does not exist"}; give the folder of a CrossGuard policy pack, or --no-policies`,
            );
        }
        if (options.policyConfig && !fs.existsSync(options.policyConfig)) {
            throw new InputError(
                `--policy-config ${shown(options.policyConfig)}: does not exist; give the pack's config file (as for 'pulumi preview --policy-pack-config')`,
            );
        }
    } else if (options.sarif) {
        throw new UsageError("--sarif writes the policy results, and --no-policies evaluates none: drop one of them");
    }
    return checkOutputPaths(options);
}

/**
 * Output files go into folders that exist: a mistyped folder is a usage error before the program
 * runs, rather than a folder created somewhere unintended (or a failure after a long run).
 */
function checkOutputPaths(options: Options): Options {
    for (const [flag, file] of [
        ["--json", options.json],
        ["--sarif", options.sarif],
        ["--graph", options.graph],
    ] as const) {
        if (file === undefined) continue;
        const folder = path.dirname(path.resolve(file));
        if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) {
            throw new InputError(
                `${flag} ${file}: the folder ${path.dirname(file)} does not exist; create it first (mkdir -p ${JSON.stringify(path.dirname(file))}) or give a path in an existing folder`,
            );
        }
        if (fs.existsSync(file) && fs.statSync(file).isDirectory()) {
            throw new InputError(
                `${flag} ${file}: is a folder; give a file path, e.g. ${path.join(file, `plan${flag === "--json" ? ".json" : flag === "--sarif" ? ".sarif" : ".mmd"}`)}`,
            );
        }
    }
    return options;
}

/** An earlier plan's JSON, checked to be one this version can compare against. */
function loadEarlierPlan(file: string, project: string, stack: string): Plan {
    // Missing or malformed: an InputFileError naming the file (and the line and column).
    const earlier = (readJsonFile(file, "the earlier plan (--against)") ?? {}) as Plan;
    if (!Array.isArray(earlier.updateSnapshot) || typeof earlier.secretSalt !== "string" || earlier.planFormat !== PLAN_FORMAT) {
        throw new InputError(
            `--against ${file}: not a plan --json file of format ${PLAN_FORMAT}; write one with 'npm run plan -- --stack ${stack} --json <file>' before the change`,
        );
    }
    if (earlier.project !== project || earlier.stack !== stack) {
        throw new InputError(`--against ${file}: it plans ${earlier.project}/${earlier.stack}, not ${project}/${stack}`);
    }
    try {
        return { ...earlier, updateSnapshot: (earlier.updateSnapshot as PlanResourceJson[]).map(restoreComputed) };
    } catch (err) {
        throw new InputError(`--against ${file}: ${(err as Error).message}; write it again with 'npm run plan -- --stack ${stack} --json <file>'`);
    }
}

/** Inputs with secret values replaced, so nothing secret reaches a report. */
function masked(value: unknown): unknown {
    return mapSecrets(value, () => "[secret]");
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

/** Writes an output file; its folder was checked to exist (checkOutputPaths). */
function write(io: CliIo, file: string, text: string): void {
    try {
        fs.writeFileSync(file, text);
    } catch (err) {
        throw new InputError(`cannot write ${file}: ${(err as Error).message}`);
    }
    io.stderr.write(`Wrote ${file}\n`);
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
    if (run.result.error)
        throw programRunError(
            run.result.error,
            run,
            `Running ${path.relative(process.cwd(), run.project.main) || run.project.main} for stack '${options.stack}'`,
        );
    const resources = run.result.resources;
    const earlier = options.against ? loadEarlierPlan(options.against, run.project.name, options.stack) : undefined;
    // Under the earlier plan's salt, equal secrets have equal fingerprints.
    const secretSalt = earlier?.secretSalt ?? newSecretSalt();
    const recorded = planResources(resources, secretSalt);
    let updateSnapshot: PlanResource[] | undefined;
    let updateSnapshotError: string | undefined;
    if (options.json || earlier) {
        const update = await runStack({ programDir: options.program, stack: options.stack, overrides: options.overrides, preview: false });
        if (update.result.error) {
            // Offline, a value AWS or another stack would give (a lookup, a read) has no stand-in in an
            // update, where nothing may stay unknown; the preview stands, the snapshot is what is lost.
            const error = programRunError(update.result.error, update, "The mocked update (for --json's update snapshot and --against)");
            if (earlier || !(error instanceof ProgramRunError) || error.fault !== "program") throw error;
            updateSnapshotError = error.message;
            process.stderr.write(`${error.message}\nThe plan goes on without the update snapshot.\n`);
        } else {
            updateSnapshot = planResources(update.result.resources, secretSalt);
        }
    }
    count("resources", resources.length);
    const blindSpots = blindSpotsOf({ ...run.result, environments: run.config.environments });
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
            models: servedModels(resources, fitModelParameters(policies?.result)),
            cost: estimateCost(resources, stackPartition(run)),
            policies,
            lookups: run.result.invokes.map((i) => ({ ...i, inputs: masked(i.inputs) as Record<string, unknown> })),
            completeness: { complete: blindSpots.length === 0, accepted: options.allowIncomplete, blindSpots },
            updateSnapshotError,
            changes: earlier && updateSnapshot ? { ...previewChanges(earlier.updateSnapshot!, updateSnapshot), against: options.against! } : undefined,
        },
    };
}

/** The plan's own errors: each is the user's input (2) or a fault of this tool (3). */
const classifyPlanError: ErrorClassifier = (e) => {
    if (e.name === "SettingsError" || e instanceof ProjectConfigError || e instanceof PolicyConfigError || e instanceof InputFileError) {
        return { code: EXIT.invalid, message: e.message };
    }
    if (e instanceof ProgramRunError) {
        return e.fault === "program"
            ? { code: EXIT.invalid, message: e.message }
            : { code: EXIT.internal, message: e.fault === "tool" ? `internal error: ${e.message}` : e.message };
    }
    if (e instanceof UnsupportedProgramError) return { code: EXIT.internal, message: e.message };
    // The pack is the user's input: not installed, not a pack, or failing as it loads.
    if (e instanceof PolicyPackLoadError) return { code: EXIT.invalid, message: `could not load the policy pack: ${e.message}` };
    return undefined;
};

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
    mark("mainStart");
    return runCommand(
        io,
        "plan",
        async () => {
            const options = parseOptions(argv);
            if (options === "help") {
                io.stdout.write(`${USAGE}\n`);
                return EXIT.clean;
            }
            const sdk = checkSdkVersions();
            if (sdk.warning) io.stderr.write(sdk.warning);
            if (sdk.error) {
                io.stderr.write(sdk.error);
                return EXIT.internal;
            }
            const { plan: p, run } = await plan(options);
            io.stdout.write(renderReport(p, run.result.resources));

            if (options.json) write(io, options.json, `${JSON.stringify(planJson(p), null, 2)}\n`);
            if (options.graph) write(io, options.graph, toMermaid(run.result.resources, `${p.project}/${p.stack}`));
            if (options.sarif && p.policies) {
                const { result } = p.policies;
                write(
                    io,
                    options.sarif,
                    `${JSON.stringify(toSarif({ packName: result.pack.name, packVersion: result.pack.version, result, stackFile: p.stackFile, rootDir: process.cwd(), blindSpots: p.completeness.blindSpots }), null, 2)}\n`,
                );
            }
            const failed = p.policies && (p.policies.result.summary.mandatory > 0 || p.policies.result.summary.errors > 0);
            const unsafe = p.changes?.findings.some((f) => f.level === "unsafe");
            const incomplete = !p.completeness.complete && !options.allowIncomplete;
            mark("reportEnd");
            return failed ? EXIT.violations : unsafe ? EXIT.unsafeChanges : incomplete ? EXIT.incomplete : EXIT.clean;
        },
        classifyPlanError,
    );
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => {
        emitTimings();
        process.exit(code);
    });
}
