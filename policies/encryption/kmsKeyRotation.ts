/**
 * A KMS key that supports automatic rotation has it on: `enableKeyRotation: true`, with a
 * `rotationPeriodInDays` (default 365 when unset) no longer than the configured maximum. KMS rotates
 * only symmetric encryption keys in its own key store: asymmetric and HMAC keys (a
 * `customerMasterKeySpec`, aws.kms.Key's only key-spec input, other than SYMMETRIC_DEFAULT) and keys
 * in a custom key store (`customKeyStoreId`) are not judged. The values matter, so unknown ones
 * defer the policy.
 */
import { resourceGuardrail } from "../lib/guardrail";

export const KMS_KEY_TYPE = "aws:kms/key:Key";
/** KMS's rotation period when none is given. */
export const KMS_DEFAULT_ROTATION_DAYS = 365;

export interface KeyRotationFacts {
    enableKeyRotation?: unknown;
    rotationPeriodInDays?: unknown;
    customerMasterKeySpec?: unknown;
    customKeyStoreId?: unknown;
}

/**
 * Whether KMS can rotate the key automatically. The key spec decides it: a SYMMETRIC_DEFAULT key is
 * always an ENCRYPT_DECRYPT key (AWS KMS API Reference, CreateKey, KeyUsage: "For symmetric
 * encryption KMS keys, omit the parameter or specify ENCRYPT_DECRYPT"), so its usage adds nothing.
 */
export function rotationSupported(key: KeyRotationFacts): boolean {
    const spec = key.customerMasterKeySpec ?? "SYMMETRIC_DEFAULT";
    return spec === "SYMMETRIC_DEFAULT" && !key.customKeyStoreId;
}

/** The problem with a key's rotation, or undefined when it is compliant or not applicable. */
export function rotationProblem(key: KeyRotationFacts, maximumRotationPeriodDays: number): string | undefined {
    if (!rotationSupported(key)) return undefined;
    if (key.enableKeyRotation !== true) {
        return `enableKeyRotation is ${key.enableKeyRotation === undefined ? "not set" : JSON.stringify(key.enableKeyRotation)}: KMS would never rotate this key's material. Set enableKeyRotation: true.`;
    }
    const period = key.rotationPeriodInDays ?? KMS_DEFAULT_ROTATION_DAYS;
    if (typeof period !== "number" || period > maximumRotationPeriodDays) {
        return (
            `rotationPeriodInDays is ${JSON.stringify(period)}, longer than the maximum of ${maximumRotationPeriodDays} days (policy config maximumRotationPeriodDays). ` +
            `Set rotationPeriodInDays to at most ${maximumRotationPeriodDays} (or leave it unset for KMS's ${KMS_DEFAULT_ROTATION_DAYS}).`
        );
    }
    return undefined;
}

export const kmsKeyRotation = resourceGuardrail(
    {
        name: "kms-key-rotation",
        description: "A symmetric KMS key sets enableKeyRotation: true, with a rotation period no longer than the configured maximum.",
        enforcementLevel: "mandatory",
        severity: "medium",
        url: "https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html",
        family: "encryption",
        remediationSteps: "Set enableKeyRotation: true on the key, and rotationPeriodInDays to at most maximumRotationPeriodDays (unset means 365).",
        controls: ["SC-12", "SC-13"],
        unknowns: "deferred",
        rationale:
            "Automatic rotation bounds how much data one key version protects and how long a compromised version stays useful, without re-encrypting anything.",
        configSchema: {
            properties: {
                maximumRotationPeriodDays: {
                    type: "integer",
                    minimum: 90,
                    maximum: 2560,
                    default: KMS_DEFAULT_ROTATION_DAYS,
                    description: "Longest acceptable rotationPeriodInDays (KMS allows 90 to 2560).",
                },
            },
        },
    },
    (args, reportViolation) => {
        if (args.type !== KMS_KEY_TYPE) return;
        const { maximumRotationPeriodDays } = args.getConfig<{ maximumRotationPeriodDays: number }>();
        const p = args.props;
        const facts: KeyRotationFacts = {
            enableKeyRotation: p.enableKeyRotation,
            rotationPeriodInDays: p.rotationPeriodInDays,
            customerMasterKeySpec: p.customerMasterKeySpec,
            customKeyStoreId: p.customKeyStoreId,
        };
        const problem = rotationProblem(facts, maximumRotationPeriodDays);
        if (problem) reportViolation(problem);
    },
);
