/**
 * One call from "a program directory and a stack name" to a captured mock run: the entry point the
 * tests, the offline plan and the benchmark share.
 */
import * as pulumi from "@pulumi/pulumi";
import { loadProject, loadStackConfig, PulumiProject, StackConfig } from "./projectConfig";
import { MockRunResult, runProgramUnderMocks, StandIns } from "./mockRun";

export interface RunStackOptions {
    /** Directory holding Pulumi.yaml. */
    programDir: string;
    stack: string;
    /** `key=value` config overrides (as `pulumi config set` stores them). */
    overrides?: Record<string, string>;
    /** Override keys to mark secret (as `pulumi config set --secret`). */
    secretOverrides?: string[];
    /** Preview mode (default true): computed values stay unknown, as in `pulumi preview`. */
    preview?: boolean;
    /** Stack transformations applied to the program's resources. */
    transformations?: pulumi.ResourceTransformation[];
    /** Answers in place of the offline stand-ins (tests). */
    standIns?: StandIns;
}

export interface StackRun {
    project: PulumiProject;
    config: StackConfig;
    result: MockRunResult;
}

export async function runStack(options: RunStackOptions): Promise<StackRun> {
    const project = loadProject(options.programDir);
    const config = loadStackConfig(project, options.stack, options.overrides ?? {}, options.secretOverrides ?? []);
    const result = await runProgramUnderMocks({
        project,
        config,
        preview: options.preview ?? true,
        transformations: options.transformations,
        standIns: options.standIns,
    });
    return { project, config, result };
}
