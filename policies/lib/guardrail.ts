/**
 * What every policy in this pack carries besides its check, in @pulumi/policy's own fields (sent to
 * the engine and published to Pulumi Cloud with the pack): `severity`, `remediationSteps`,
 * `framework` (NIST SP 800-53 Rev. 5, ./nist.ts), `tags` (the family first) and `url`. Two facts
 * Pulumi has no field for stay in `meta`: how the policy treats values unknown during preview, and
 * why it exists. The pack (../index.ts) only composes; the README's policy table, the offline plan
 * and SARIF read these same fields.
 */
import { EnforcementLevel, Policy, PolicyConfigSchema, ReportViolation, ResourceValidationPolicy, Severity, StackValidationPolicy } from "@pulumi/policy";
import { policyNameProblem } from "./naming";
import { nistFramework, NistControl } from "./nist";
import { withProgramHint } from "./thisProgram";
import { waiverLedger } from "./waivers";

export type Family = "network" | "encryption" | "instances" | "tags" | "partition" | "notebook" | "iam" | "availability" | "secrets" | "waivers";

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
    unknowns: UnknownHandling;
    /** One sentence on why the check exists (README). */
    rationale: string;
}

/** The metadata fields of @pulumi/policy every guardrail sets. */
type PulumiMetadata = Required<Pick<Policy, "severity" | "remediationSteps" | "framework" | "tags" | "url">>;

export type Guardrail = (ResourceValidationPolicy | StackValidationPolicy) & PulumiMetadata & { meta: GuardrailMeta };

/** A guardrail's family: the first of its tags. */
export function familyOf(g: Pick<Guardrail, "tags">): Family {
    return g.tags[0] as Family;
}

export interface GuardrailSpec extends GuardrailMeta {
    name: string;
    description: string;
    enforcementLevel: EnforcementLevel;
    /**
     * How bad a violation is: `critical` exposes data or grants access to the internet or to any
     * principal; `high` weakens a boundary, encryption or a trust; `medium` makes a deployment fail
     * or leaves a governance gap; `low` is operational advice.
     */
    severity: Severity;
    /** What to change, on which resource and property: shown with every finding. */
    remediationSteps: string;
    family: Family;
    /** The NIST SP 800-53 Rev. 5 controls the check supports, most specific first. */
    controls: NistControl[];
    /** The AWS documentation page that states the requirement and how to meet it. */
    url: string;
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

/**
 * The reporter a policy's check gets: the program's setting named on findings about the program's
 * resources, and a finding a current waiver covers held back for `aws-resource-findings-waived` to
 * report as waived (./waivers.ts).
 */
function reporter(policy: string, report: ReportViolation, hint: string | undefined, resourceUrn?: string): ReportViolation {
    return (message, urn) => {
        const target = urn ?? resourceUrn;
        const full = withProgramHint(message, target, hint);
        if (waiverLedger.waive(policy, target, full) === undefined) report(full, urn);
    };
}

/** One validation function: the pack's resource policies each have one. */
type ResourceValidation = Extract<ResourceValidationPolicy["validateResource"], (...args: never[]) => unknown>;

/** A resource policy with its metadata. */
export function resourceGuardrail(spec: GuardrailSpec, validateResource: ResourceValidation): Guardrail {
    const { policy, meta, inThisProgram } = split(spec);
    return { ...policy, validateResource: (args, report) => validateResource(args, reporter(policy.name, report, inThisProgram, args.urn)), meta };
}

/** A stack policy with its metadata. */
export function stackGuardrail(spec: GuardrailSpec, validateStack: StackValidationPolicy["validateStack"]): Guardrail {
    const { policy, meta, inThisProgram } = split(spec);
    return { ...policy, validateStack: (args, report) => validateStack(args, reporter(policy.name, report, inThisProgram)), meta };
}

/** The spec as @pulumi/policy's fields, our own metadata, and the program hint; a name off the scheme (./naming.ts) throws. */
function split(spec: GuardrailSpec) {
    const problem = policyNameProblem(spec.name);
    if (problem !== undefined) throw new Error(problem);
    const { family, controls, unknowns, rationale, inThisProgram, ...fields } = spec;
    const policy: Policy & PulumiMetadata = { ...fields, framework: nistFramework(controls), tags: [family] };
    return { policy, meta: { unknowns, rationale }, inThisProgram };
}
