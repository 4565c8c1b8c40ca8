/**
 * Settings parsed directly (stacks/settings.ts parseSettings, pure, no stack run): Pulumi.yaml's
 * declared defaults, tags that satisfy the required keys, and what a test sets on top.
 *
 * stacks/ and policies/catalog/ are loaded afresh for each parse: the settings' schemas (zod) and the data tables they read
 * (models, engines, instances, partitions) are built when their modules load, and a mutation run
 * (`npm run mutate`) switches a mutant on only while tests run, after the test files have loaded: a
 * schema or table built at load would never carry the mutant, so no direct test could notice a
 * changed bound, pattern or table entry. (Stack runs re-load the program's modules for the same
 * reason; offline/mockRun.ts.)
 */
import { strict as assert } from "assert";
import { loadProject } from "../offline/projectConfig";
import type { ParsedSettings, ParseInput, SettingProblem } from "../stacks/settings";
import { freshRequire } from "./freshModules";
import { REPO_ROOT } from "./graph";

/** parseSettings of a freshly loaded stacks/settings.ts, with the tables it reads (see above). */
export function freshParseSettings(input: ParseInput): ParsedSettings {
    return freshRequire<typeof import("../stacks/settings")>("stacks/settings", ["stacks", "policies/catalog"]).parseSettings(input);
}

const project = loadProject(REPO_ROOT);
/** Pulumi.yaml's `default` of each setting, by key without the namespace. */
export const DECLARED_DEFAULTS: Record<string, unknown> = Object.fromEntries(
    Object.entries(project.declarations).map(([key, decl]) => [key.split(":")[1], decl.default]),
);
export const TEST_TAGS = { Owner: "o", Project: "p", Environment: "e", DataClassification: "d" };

/** parseSettings over the declared defaults and the test tags, with `values` on top. */
export function parseValues(values: Record<string, unknown>, options: { tokenIsSecret?: boolean } = {}): ParsedSettings {
    return freshParseSettings({
        stack: "test",
        namespace: "sagemaker-llm",
        tokenIsSecret: options.tokenIsSecret ?? false,
        values: { ...DECLARED_DEFAULTS, tags: TEST_TAGS, ...values },
    });
}

/** Settings for `models` in a partition's first region, without the research notebook (not under test). */
export function settingsFor(partition: "aws" | "aws-us-gov", models: unknown[], extra: Record<string, unknown> = {}): ParsedSettings {
    return parseValues({ partition, region: partition === "aws" ? "us-east-1" : "us-gov-west-1", notebookEnabled: false, models, ...extra });
}

/** The problems `parse` reports (it must refuse). */
export function problemsOf(parse: () => unknown): SettingProblem[] {
    try {
        parse();
    } catch (e) {
        // The class of the freshly loaded module, so by name.
        assert.ok(e instanceof Error && e.name === "SettingsError", `expected a SettingsError, got ${String(e)}`);
        return (e as Error & { problems: SettingProblem[] }).problems;
    }
    assert.fail("the settings were accepted");
}

/** The problems parseSettings reports for these model entries (it must refuse them). */
export function refusal(partition: "aws" | "aws-us-gov", models: unknown[]): SettingProblem[] {
    return problemsOf(() => settingsFor(partition, models));
}

export function problemAt(problems: SettingProblem[], key: string, pattern: RegExp): SettingProblem {
    const found = problems.find((p) => p.key === key && pattern.test(p.message));
    assert.ok(found, `no problem at ${key} matching ${pattern}; got:\n${problems.map((p) => `${p.key}: ${p.message}`).join("\n")}`);
    return found;
}
