/**
 * Helpers the policy family tests share, on top of the harness's Evaluation (its `of`, `flagged`,
 * `notRun` and `notRunOn`).
 */
import { strict as assert } from "assert";
import { PolicyResource } from "@pulumi/policy";
import { PolicyError } from "../../offline/policyEngine";
import { Evaluation } from "./harness";

/** The analyzer's messages of a policy's violations (the policy description, a newline, then the policy's message). */
export function messages(e: Evaluation, policy: string): string[] {
    return e.of(policy).map((v) => v.message);
}

/** The policy's own message lines (after the description line the analyzer prepends). */
export function ownMessages(e: Evaluation, policy: string): string[] {
    return e.of(policy).map((v) => v.message.split("\n").slice(1).join("\n"));
}

/** The enforcement levels of a policy's violations, each once. */
export function levels(e: Evaluation, policy: string): string[] {
    return [...new Set(e.of(policy).map((v) => v.enforcementLevel))];
}

/** The message of a policy's first not-run entry; "" when it ran. */
export function notRunMessage(e: Evaluation, policy: string): string {
    return e.result.notRun.find((n) => n.policyName === policy)?.message ?? "";
}

/** `<resource> <property>` of each not-run entry of a policy ("(stack)" for stack-wide ones), sorted. */
export function notRunProperties(e: Evaluation, policy: string): string[] {
    return e.result.notRun
        .filter((n) => n.policyName === policy)
        .map((n) => `${n.resourceName ?? "(stack)"} ${n.property}`)
        .sort();
}

/** Errors the analyzer raised from one of `policies` ("Error validating ... with policy '<name>'"). */
export function errorsOf(e: Evaluation, policies: readonly string[]): PolicyError[] {
    return e.result.errors.filter((x) => policies.some((p) => x.message.includes(`'${p}'`)));
}

/** None of `policies` (a family) reports anything: no violation, no "not run", no error. */
export function assertClean(e: Evaluation, policies: readonly string[], label: string): void {
    const mine = <T extends { policyName: string }>(items: T[]) => items.filter((i) => policies.includes(i.policyName));
    assert.deepEqual(
        mine(e.result.violations).map((v) => `${v.policyName} on ${v.resourceName}: ${v.message}`),
        [],
        `${label}: violations`,
    );
    assert.deepEqual(
        mine(e.result.notRun).map((n) => `${n.policyName} on ${n.resourceName}: ${n.message}`),
        [],
        `${label}: not run`,
    );
    assert.deepEqual(
        errorsOf(e, policies).map((x) => x.message),
        [],
        `${label}: errors`,
    );
}

/** A resource as a stack policy sees it (values un-proxied), for calling the pack's functions directly. */
export function policyResource(
    type: string,
    name: string,
    props: Record<string, unknown> = {},
    propertyDependencies: Record<string, PolicyResource[]> = {},
): PolicyResource {
    return {
        type,
        name,
        urn: `urn:pulumi:dev::project::${type}::${name}`,
        props,
        propertyDependencies,
        dependencies: [],
        isUnknown: false,
    } as unknown as PolicyResource;
}
