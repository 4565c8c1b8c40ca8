/**
 * Whether the Pulumi CLI handed the program a config key as a secret: the one @pulumi/pulumi internal
 * the program itself relies on, fenced here (tests/settingsStrict.test.ts fails by name when an SDK
 * release moves it). The SDK answers only internally: runtime/config.js `isConfigSecret`, marked
 * @internal and absent from its typings, reads the list the CLI passes (PULUMI_CONFIG_SECRET_KEYS,
 * built from the keys whose values are secure, nested ones included: pulumi/pulumi
 * sdk/go/common/resource/config/map.go `SecureKeys`, object.go `Secure`).
 *
 * Declaring huggingFaceToken `secret: true` in Pulumi.yaml cannot take its place: the CLI checks that
 * declaration only on a typed key, and then on the project default too, which it applies as a plain
 * value (pulumi/pulumi pkg/workspace/config.go `mergeConfig` then `validateStackConfigValue`: "must be
 * encrypted as it's secret"), so every stack without a token, the usual case, would be refused;
 * untyped, the declaration is not checked at all. Checked 2026-12-02 (pulumi/pulumi 1b59498).
 */
interface RuntimeConfig {
    isConfigSecret?: (key: string) => boolean;
}

/** Whether `fullKey` (`project:key`) was passed as secret. Throws when the SDK no longer offers the lookup. */
export function isConfigSecret(fullKey: string): boolean {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const runtimeConfig = require("@pulumi/pulumi/runtime/config") as RuntimeConfig;
    if (typeof runtimeConfig.isConfigSecret !== "function") {
        throw new Error(
            "@pulumi/pulumi/runtime/config no longer exports isConfigSecret, which stacks/configSecrets.ts uses to tell secret settings from plain ones; update that module for this SDK release.",
        );
    }
    return runtimeConfig.isConfigSecret(fullKey);
}
