/**
 * Waivers: per-resource exemptions from one policy, each with a reason, an expiry date and who
 * approved it, set in the pack config under `aws-resource-waivers-valid` (../waivers/). A finding a
 * current waiver covers is not reported by its policy; `aws-resource-findings-waived` reports it
 * instead, advisory, marked as waived, so it is never dropped. An expired waiver covers nothing and
 * is itself a mandatory violation; a waiver that covers no finding is reported.
 *
 * The waivers reach every policy through Configure (lib/analyzerConfigure.ts sees the whole pack
 * config; @pulumi/policy gives a policy only its own), and the findings waived during a run are
 * kept here until the stack policies that report them run, last in the pack.
 */
import { PolicyConfigSchema } from "@pulumi/policy";
import type { PolicyConfigEntry } from "./renamedConfig";
import { globMatches } from "./glob";
import { urnTypeChain } from "./urn";

/** The policy whose config holds the waivers, and which reports expired ones. */
export const WAIVERS_POLICY = "aws-resource-waivers-valid";
/** The policy that reports the findings waivers cover, and the waivers that cover none. */
export const WAIVED_FINDINGS_POLICY = "aws-resource-findings-waived";

export interface Waiver {
    /** The policy waived. */
    policy: string;
    /** The resource's URN, or its name; `*` matches any run of characters. */
    resource?: string;
    /** The resource's type token (e.g. `aws:s3/bucket:Bucket`); `*` matches any run of characters. */
    type?: string;
    /** Why the finding is accepted. */
    reason: string;
    /** The last day (UTC, YYYY-MM-DD) the waiver applies. */
    expires: string;
    /** Who accepted the risk. */
    approvedBy: string;
}

/** The `waivers` setting's schema (policy names, dates and that a waiver names a resource or a type are checked at Configure, `configureWaivers`). */
export function waiversSchema(): PolicyConfigSchema["properties"][string] {
    return {
        type: "array",
        default: [],
        description:
            "Per-resource exemptions: each names the policy, the resource (its URN or name) and/or its type (`*` matches any run of characters), why, the last day it applies (YYYY-MM-DD, UTC) and who approved it.",
        items: {
            type: "object",
            additionalProperties: false,
            required: ["policy", "reason", "expires", "approvedBy"],
            properties: {
                policy: { type: "string", minLength: 1, description: "The policy waived." },
                resource: { type: "string", minLength: 1, description: "The resource's URN or name; `*` matches any run of characters." },
                type: { type: "string", minLength: 1, description: "The resource's type token, e.g. aws:s3/bucket:Bucket; `*` matches any run of characters." },
                reason: { type: "string", minLength: 1, pattern: "^[^\\n]+$", description: "Why the finding is accepted, on one line." },
                expires: { type: "string", minLength: 1, pattern: "^\\d{4}-\\d{2}-\\d{2}$", description: "The last day (UTC) the waiver applies, YYYY-MM-DD." },
                approvedBy: { type: "string", minLength: 1, pattern: "^[^:\\n]+$", description: "Who accepted the risk (no colon)." },
            },
        },
    };
}

/** The resource name a URN ends with. Pure. */
function nameOfUrn(urn: string): string {
    return urn.slice(urn.lastIndexOf("::") + 2);
}

/** Whether a waiver covers a finding of `policy` on the resource `urn`. Pure. */
export function waiverCovers(waiver: Waiver, policy: string, urn: string | undefined): boolean {
    if (waiver.policy !== policy || urn === undefined) return false;
    if (waiver.resource !== undefined && !globMatches(waiver.resource, waiver.resource.startsWith("urn:pulumi:") ? urn : nameOfUrn(urn))) return false;
    if (waiver.type !== undefined && !globMatches(waiver.type, urnTypeChain(urn).at(-1) ?? "")) return false;
    return true;
}

/** Whether the waiver's last day is before `today` (both YYYY-MM-DD, UTC). Pure. */
export function waiverExpired(waiver: Waiver, today: string): boolean {
    return waiver.expires < today;
}

/** Why a waiver's expiry is no calendar date, or undefined. Pure. */
export function expiryProblem(waiver: Waiver): string | undefined {
    const date = new Date(`${waiver.expires}T00:00:00Z`);
    if (!Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === waiver.expires) return undefined;
    return `the waiver of ${waiver.policy} for ${describeScope(waiver)} expires "${waiver.expires}", which is no calendar date (YYYY-MM-DD)`;
}

/** The resources a waiver names, for messages. Pure. */
export function describeScope(waiver: Waiver): string {
    return [waiver.resource !== undefined ? `resource "${waiver.resource}"` : "", waiver.type !== undefined ? `type "${waiver.type}"` : ""]
        .filter(Boolean)
        .join(" of ");
}

/** A finding a waiver covered. */
export interface WaivedFinding {
    waiver: Waiver;
    policy: string;
    urn: string;
    message: string;
}

/** The first line of a waived finding's message; `parseWaivedFinding` reads it back (the offline plan's JSON and SARIF). */
export function waivedFindingMessage(finding: WaivedFinding): string {
    const { waiver } = finding;
    return `Waived finding of ${finding.policy} until ${waiver.expires}, approved by ${waiver.approvedBy}: ${waiver.reason}\n${finding.message}`;
}

const WAIVED_LINE = /^Waived finding of ([a-z0-9-]+) until (\d{4}-\d{2}-\d{2}), approved by ([^:\n]+): ([^\n]*)$/m;

/** What a finding of `aws-resource-findings-waived` says was waived, or undefined for its other findings. */
export interface ParsedWaivedFinding {
    policy: string;
    expires: string;
    approvedBy: string;
    reason: string;
    /** The waived policy's own message. */
    message: string;
}

/** The waiver a message of `aws-resource-findings-waived` reports (after any description lines), or undefined. Pure. */
export function parseWaivedFinding(message: string): ParsedWaivedFinding | undefined {
    const m = WAIVED_LINE.exec(message);
    if (!m) return undefined;
    return { policy: m[1], expires: m[2], approvedBy: m[3], reason: m[4], message: message.slice(m.index + m[0].length + 1) };
}

/**
 * The waivers of the current run and what they covered: set at Configure, consulted by every
 * guardrail's reporter, read by the two waiver policies at the end of the run.
 */
export class WaiverLedger {
    private waivers: Waiver[] = [];
    private today = "";
    private covered: WaivedFinding[] = [];

    /** A new run: its waivers and today's date (YYYY-MM-DD, UTC). */
    configure(waivers: readonly Waiver[], today: string): void {
        this.waivers = [...waivers];
        this.today = today;
        this.covered = [];
    }

    /** The current waiver covering a finding, which is then recorded as waived; undefined when none does. */
    waive(policy: string, urn: string | undefined, message: string): Waiver | undefined {
        const waiver = this.waivers.find((w) => !waiverExpired(w, this.today) && waiverCovers(w, policy, urn));
        if (waiver !== undefined) this.covered.push({ waiver, policy, urn: urn!, message });
        return waiver;
    }

    /** The findings waived so far. */
    waived(): readonly WaivedFinding[] {
        return this.covered;
    }

    /** The waivers past their last day. */
    expired(): Waiver[] {
        return this.waivers.filter((w) => waiverExpired(w, this.today));
    }

    /** The current waivers that covered no finding. */
    unused(): Waiver[] {
        return this.waivers.filter((w) => !waiverExpired(w, this.today) && !this.covered.some((f) => f.waiver === w));
    }
}

/** The one ledger of the pack (one pack per analyzer process). */
export const waiverLedger = new WaiverLedger();

/**
 * Reads the waivers from the pack config Configure received (every policy's entry) into the
 * ledger, for the run starting on `today` (YYYY-MM-DD, UTC). Throws, failing Configure with the
 * message, for a waiver of a policy the pack does not have (or of a waiver policy), an expiry that is
 * no calendar date, or waivers while the policy that reports waived findings is disabled (they would
 * vanish).
 */
export function configureWaivers(config: Readonly<Record<string, PolicyConfigEntry>>, today: string, ledger: WaiverLedger = waiverLedger): void {
    const waivers = (config[WAIVERS_POLICY]?.properties.waivers ?? []) as Waiver[];
    const problems: string[] = [];
    for (const waiver of waivers) {
        if (!(waiver.policy in config) || waiver.policy === WAIVERS_POLICY || waiver.policy === WAIVED_FINDINGS_POLICY) {
            problems.push(`a waiver names the policy "${waiver.policy}", which is not a policy of this pack that findings can be waived from`);
        }
        if (waiver.resource === undefined && waiver.type === undefined) {
            problems.push(
                `the waiver of ${waiver.policy} approved by ${waiver.approvedBy} names neither a resource nor a type: waive resources, not the whole policy (its enforcement level does that)`,
            );
        }
        const expiry = expiryProblem(waiver);
        if (expiry !== undefined) problems.push(expiry);
    }
    if (waivers.length > 0 && config[WAIVED_FINDINGS_POLICY]?.enforcementLevel === "disabled") {
        problems.push(`${WAIVED_FINDINGS_POLICY} is disabled while waivers are set: waived findings must stay visible; set it to advisory`);
    }
    if (problems.length > 0) throw new Error(`Invalid waivers in the policy pack config (${WAIVERS_POLICY}.waivers):\n  ${problems.join("\n  ")}`);
    ledger.configure(waivers, today);
}
