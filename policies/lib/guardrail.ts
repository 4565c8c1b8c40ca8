/**
 * What every policy in this pack carries besides its check: remediation text, the NIST SP 800-53
 * Rev. 5 controls it supports, and how it treats values unknown during preview. The pack (../index.ts)
 * only composes; the README's policy table is checked against these definitions.
 */
import { EnforcementLevel, PolicyConfigSchema, ReportViolation, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { withProgramHint } from "./thisProgram";

export type Family = "network" | "encryption" | "instances" | "tags" | "partition" | "notebook" | "iam" | "availability" | "secrets";

/** NIST SP 800-53 Rev. 5 control identifiers, e.g. "SC-7", "SC-28(1)". */
export type NistControl = string;

/**
 * How a policy treats a value unknown during `pulumi preview`:
 * - `present`: only presence matters (e.g. a key ARN from an in-stack key); an unknown counts as set.
 * - `deferred`: the value matters; the check reports "not run" in preview and runs at `pulumi up`.
 * - `skipped`: the policy scans many values and passes over the unknown ones; they are checked at
 *   `pulumi up`, without the policy being reported as not run in preview.
 * - `none`: the policy reads only values that are always known (literals from the program).
 */
export type UnknownHandling = "present" | "deferred" | "skipped" | "none";

interface GuardrailMeta {
    family: Family;
    remediation: string;
    controls: NistControl[];
    unknowns: UnknownHandling;
    /** One sentence on why the check exists (README). */
    rationale: string;
}

export type Guardrail = (ResourceValidationPolicy | StackValidationPolicy) & { meta: GuardrailMeta };

export interface GuardrailSpec extends GuardrailMeta {
    name: string;
    description: string;
    enforcementLevel: EnforcementLevel;
    /**
     * Every property has a `default`, the one place its default lives: the engine fills the defaults
     * in before it configures the pack (pulumi/pulumi pkg/engine/update.go, installAndLoadPolicyPlugins
     * reconciles every pack's config, given or not, then calls Configure), so `getConfig()` always
     * holds every property and a policy reads it without a fallback of its own.
     */
    configSchema?: PolicyConfigSchema;
    /**
     * The setting of this repository's program that changes what the policy judges, added to a
     * finding on a resource the program made (lib/thisProgram.ts); other stacks never see it.
     * @default none
     */
    inThisProgram?: string;
}

/** The violation reporter with the program's setting named on findings about the program's resources. */
function hinted(report: ReportViolation, hint: string | undefined, resourceUrn?: string): ReportViolation {
    return (message, urn) => report(withProgramHint(message, urn ?? resourceUrn, hint), urn);
}

/** One validation function: the pack's resource policies each have one. */
type ResourceValidation = Extract<ResourceValidationPolicy["validateResource"], (...args: never[]) => unknown>;

/** A resource policy with its metadata. The description ends with the remediation, so the CLI shows it. */
export function resourceGuardrail(spec: GuardrailSpec, validateResource: ResourceValidation): Guardrail {
    const { family, remediation, controls, unknowns, rationale, inThisProgram, ...policy } = spec;
    return {
        ...policy,
        validateResource: (args, report) => validateResource(args, hinted(report, inThisProgram, args.urn)),
        meta: { family, remediation, controls, unknowns, rationale },
    };
}

/** A stack policy with its metadata. */
export function stackGuardrail(spec: GuardrailSpec, validateStack: StackValidationPolicy["validateStack"]): Guardrail {
    const { family, remediation, controls, unknowns, rationale, inThisProgram, ...policy } = spec;
    return {
        ...policy,
        validateStack: (args, report) => validateStack(args, hinted(report, inThisProgram)),
        meta: { family, remediation, controls, unknowns, rationale },
    };
}
