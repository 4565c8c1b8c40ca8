/**
 * Reading resource properties the way this pack decides to treat unknowns. @pulumi/policy wraps
 * properties in a proxy that throws on reading a value unknown during preview (the policy is then
 * reported as not run). `isPresent` and `isUnknownValue` look without reading, for checks where
 * presence is what matters; `Deferrals` reports what is known first and the policy as not run after.
 */
// The proxy's escape hatch and error class are marked internal in the typings, so they are loaded untyped.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const policyProxy = require("@pulumi/policy/proxy") as {
    getSpecialProxyTarget: string;
    /** The analyzer recognizes "not run" by this error class. */
    UnknownValueError: new (sentinel: unknown, props: string[]) => Error;
    unknownBooleanValue: string;
    unknownNumberValue: string;
    unknownStringValue: string;
    unknownArrayValue: string;
    unknownAssetValue: string;
    unknownObjectValue: string;
    unknownArchiveValue: string;
};
const { getSpecialProxyTarget } = policyProxy;

/** The values @pulumi/policy gives a property unknown in preview, one per kind of value (proxy.js). */
const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
    policyProxy.unknownBooleanValue,
    policyProxy.unknownNumberValue,
    policyProxy.unknownStringValue,
    policyProxy.unknownArrayValue,
    policyProxy.unknownAssetValue,
    policyProxy.unknownObjectValue,
    policyProxy.unknownArchiveValue,
]);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the proxy's target is whatever the resource's properties hold
function raw(value: unknown): any {
    // The test @pulumi/policy's proxy makes before it wraps a value.
    if (value instanceof Object) {
        const target = (value as Record<string | symbol, unknown>)[getSpecialProxyTarget];
        if (target !== undefined) return target;
    }
    return value;
}

/** The property without the unknown check: unknown values come back as their sentinel. */
export function peek(obj: unknown, key: string): unknown {
    const target = raw(obj);
    return target == null ? undefined : target[key];
}

/** Absent: undefined, or null (a property a program set to null reaches a policy as null). */
export function isUnset(value: unknown): value is undefined | null {
    return value === undefined || value === null;
}

export function isUnknownValue(value: unknown): boolean {
    return typeof value === "string" && UNKNOWN_SENTINELS.has(value);
}

/** Set to something (possibly unknown in preview): for checks where presence is what matters. */
export function isPresent(obj: unknown, key: string): boolean {
    const value = peek(obj, key);
    return !isUnset(value) && value !== "";
}

/** Set and unknown in preview. */
export function isUnknownProperty(obj: unknown, key: string): boolean {
    return isUnknownValue(peek(obj, key));
}

// ------------------------------------------------------------------------------------------------
// Reporting what is known, then "not run" for what is not
// ------------------------------------------------------------------------------------------------

/** What `Deferrals` reads return for a value unknown during preview (the value is remembered). */
export const UNKNOWN: unique symbol = Symbol("unknown during preview");
export type Maybe<T> = T | typeof UNKNOWN;

interface Deferral {
    resource: string;
    path: string;
    sentinel: unknown;
    why?: string;
}

/**
 * Checking what is known now and deferring only what is not, for `deferred` policies that look at
 * several values (every variable of a container environment, every bucket or endpoint of a stack).
 *
 * Reading an unknown value through @pulumi/policy's proxy throws, and the analyzer reports the
 * policy as not run: one unknown would hide violations among the values that are known. A policy
 * using this reads each value with `read` (through the proxy) or `readKnown` (raw values), which
 * return UNKNOWN instead of throwing and remember the value; facts it cannot determine are `add`ed.
 * It reports what it found in the known values, then calls `settle()`, which raises the analyzer's
 * UnknownValueError for the first remembered value: in preview the policy is reported as not run
 * (besides the violations already reported), never as passed; at `pulumi up` every value is known
 * and nothing is remembered.
 */
export class Deferrals {
    /** Values to read again through the proxy, whose error names their path. */
    private readonly reads: (() => unknown)[] = [];
    /** Values (or facts) recorded with their resource and path. */
    private readonly items: Deferral[] = [];

    /** `obj[key]` read through the proxy, or UNKNOWN (remembered) when it is unknown in preview. */
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- callers narrow the value they read
    read(obj: unknown, key: string | number): Maybe<any> {
        if (isUnset(obj)) return undefined;
        if (isUnknownProperty(obj, String(key))) {
            this.reads.push(() => (obj as Record<string, unknown>)[key]);
            return UNKNOWN;
        }
        return (obj as Record<string, unknown>)[key];
    }

    /** `obj[key]` without the proxy's unknown check: `undefined` when absent, UNKNOWN when unknown (recorded as `where`). */
    readKnown(obj: unknown, key: string, where: { resource: string; path: string }): unknown {
        const value = peek(obj, key);
        if (isUnknownValue(value)) {
            this.add(where.resource, where.path, value);
            return UNKNOWN;
        }
        return value;
    }

    /** Records a value unknown in preview (`sentinel`), or a fact that could not be determined (`why`). */
    add(resource: string, path: string, sentinel: unknown = policyProxy.unknownStringValue, why?: string): void {
        this.items.push({ resource, path, sentinel: isUnknownValue(sentinel) ? sentinel : policyProxy.unknownStringValue, why });
    }

    get pending(): boolean {
        return this.reads.length > 0 || this.items.length > 0;
    }

    /** Reports the policy as not run if anything was remembered: throws in preview, does nothing at `pulumi up`. */
    settle(): void {
        for (const read of this.reads) read();
        if (this.items.length === 0) return;
        const first = this.items[0];
        const error = new policyProxy.UnknownValueError(first.sentinel, first.path.split("."));
        const details = this.items.map((d) => `${d.resource}.${d.path}${d.why ? ` (${d.why})` : ""}`);
        error.message += ` [not checked: ${details.join("; ")}]`;
        throw error;
    }
}
