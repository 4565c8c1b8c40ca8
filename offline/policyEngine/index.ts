/**
 * The offline policy engine: a real CrossGuard pack run in-process through @pulumi/policy's own
 * analyzer, as `pulumi preview --policy-pack` runs it.
 *
 * - ./packLoader.ts loads a pack and hands out its analyzer: the only code of the offline engine that
 *   relies on @pulumi/policy's internals (tests/engineFence.test.ts checks each reliance; the pack's
 *   own reliances are in policies/lib/analyzerConfigure.ts and policies/lib/values.ts).
 * - ./policyConfig.ts reconciles and validates policy config as the engine does (pure).
 * - ./analyzerRequests.ts marshals resources, providers and requests as the engine does.
 * - ./evaluate.ts runs the analyzer's calls and reads its answers.
 * - ./testedVersions.ts: the SDK versions the engine was tested with, checked at plan startup.
 */
export type { EnforcementLevel, LoadedPack, PolicyConfigEntry, PolicyConfigSchema, PolicyInfo, PolicySeverity } from "./types";
export { loadPolicyPack, PolicyPackLoadError } from "./packLoader";
export { loadPolicyConfigFile, parsePolicyPackConfig, PolicyConfigError, resolvePolicyConfig } from "./policyConfig";
export { defaultProviderName, synthesizeDefaultProvider } from "./analyzerRequests";
export type { AnalyzerProvider } from "./analyzerRequests";
export { evaluatePolicies } from "./evaluate";
export type { EffectivePolicy, EvaluateOptions, PolicyError, PolicyNotRun, PolicyResult, PolicyViolation } from "./evaluate";
export { MutationSafeCache } from "./mutationSafeCache";
export { ALLOW_UNTESTED_SDK, checkSdkVersions, TESTED_VERSIONS } from "./testedVersions";
