/** Runs a program's stack under mocks and evaluates this repo's policy pack on it, in-process. */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { evaluatePolicies, loadPolicyPack, LoadedPack, MutationSafeCache, PolicyResult, PolicyViolation } from "../../offline/policyEngine";
import { runStack, StackRun } from "../../offline/runStack";
import { configOverrides, REPO_ROOT } from "../graph";
import { LandingZoneVariant, landingZoneStandIns } from "../landingZone";

/**
 * The pack under test: this repository's policies/, or the built pack in the folder POLICY_PACK_DIR
 * names (tests/packBuild.test.ts runs the policy suite against one installed outside the repository).
 */
export const PACK_DIR = process.env.POLICY_PACK_DIR ? path.resolve(process.env.POLICY_PACK_DIR) : path.join(REPO_ROOT, "policies");
export const FIXTURES = path.join(REPO_ROOT, "tests", "fixtures");

/** The pack under test, loaded once per process by loadPolicyPack (once per mutant under `npm run mutate`). */
export function guardrailsPack(): Promise<LoadedPack> {
    return loadPolicyPack(PACK_DIR);
}

export interface EvaluateOptions {
    /** `key=value` stack config overrides; structured values are JSON-encoded. */
    overrides?: Record<string, unknown>;
    secretOverrides?: string[];
    /** Policy pack config, as in a --policy-pack-config file. */
    policyConfig?: Record<string, unknown>;
    /** Preview (default) leaves computed values unknown; false emulates an update. */
    preview?: boolean;
    /** Stack transformations: careless changes to the program's resources. */
    transformations?: pulumi.ResourceTransformation[];
    /** Answer the existing-VPC lookups as this landing zone would (tests/landingZone.ts). */
    landingZone?: LandingZoneVariant;
}

export interface Evaluation {
    run: StackRun;
    result: PolicyResult;
    /** Violations of one policy. */
    of(policyName: string): PolicyViolation[];
    /** Names of the policies with at least one violation, sorted. */
    violatedPolicies(): string[];
    /** Whether a policy could not run (unknown values). */
    notRun(policyName: string): boolean;
    /** Names of the resources a policy reported, sorted, one per violation ("(stack)" for stack-wide ones). */
    flagged(policyName: string): string[];
    /** Names of the resources on which a policy could not run, sorted. */
    notRunOn(policyName: string): string[];
}

/**
 * Evaluations by program, stack and options. A MutationSafeCache, so `npm run mutate` stays right:
 * under StrykerJS the cache is emptied whenever the active mutant changes (an evaluation made under
 * another mutant would hide this one), and in Stryker's dry run every call evaluates again, so each
 * test that uses an evaluation is credited with the code it executes (per-test coverage), not only
 * the first test that asked for it. Outside Stryker it is a plain per-process memo.
 */
const memo = new MutationSafeCache<string, Evaluation>();

/**
 * Evaluates the pack on a stack of any program directory (this repo, or a fixture program). Runs are
 * deterministic, so every test file shares one evaluation per program, stack and options (not with
 * transformations, which are functions). Callers must not modify what they get.
 */
export function evaluateStack(programDir: string, stack: string, options: EvaluateOptions = {}): Promise<Evaluation> {
    if (options.transformations) return evaluate(programDir, stack, options);
    return memo.get(JSON.stringify([programDir, stack, options]), () => evaluate(programDir, stack, options));
}

async function evaluate(programDir: string, stack: string, options: EvaluateOptions): Promise<Evaluation> {
    const run = await runStack({
        programDir,
        stack,
        overrides: configOverrides(options.overrides),
        secretOverrides: options.secretOverrides,
        preview: options.preview,
        transformations: options.transformations,
        standIns: options.landingZone && landingZoneStandIns(options.landingZone),
    });
    if (run.result.error) throw run.result.error;
    const result = await evaluatePolicies(await guardrailsPack(), run.result.resources, {
        config: options.policyConfig,
        stackConfig: run.config.values,
        secretConfigKeys: run.config.secretKeys,
    });
    return {
        run,
        result,
        of: (name) => result.violations.filter((v) => v.policyName === name),
        violatedPolicies: () => [...new Set(result.violations.map((v) => v.policyName))].sort(),
        notRun: (name) => result.notRun.some((n) => n.policyName === name),
        flagged: (name) =>
            result.violations
                .filter((v) => v.policyName === name)
                .map((v) => v.resourceName ?? "(stack)")
                .sort(),
        notRunOn: (name) =>
            result.notRun
                .filter((n) => n.policyName === name)
                .map((n) => n.resourceName ?? "(stack)")
                .sort(),
    };
}

/** This repo's program. */
export function evaluateRepoStack(stack: string, options: EvaluateOptions = {}): Promise<Evaluation> {
    return evaluateStack(REPO_ROOT, stack, options);
}
