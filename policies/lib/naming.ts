/**
 * The pack's policy naming scheme, `<service>-<resource>-<check>`: the AWS service, the kind of
 * resource the finding is on (the one that must change), and what is checked, all lower-case and
 * hyphenated, e.g. `s3-bucket-versioning`, `sagemaker-endpoint-config-volume-kms`. Each policy lives
 * in `policies/<family>/<moduleName>.ts`, the module named after the policy (`moduleNameOf`).
 * A guardrail whose name does not follow the scheme fails when the pack loads (guardrail.ts).
 */

/**
 * The services and, for each, the resource words a name may use. `aws-resource-*` checks apply to
 * every AWS resource (tags, partition, region); `sagemaker-workload-*` checks cover both SageMaker
 * models and notebook instances.
 */
export const POLICY_NAME_RESOURCES: Readonly<Record<string, readonly string[]>> = {
    aws: ["resource", "resource-policy"],
    cloudwatch: ["log-group"],
    ec2: ["security-group", "subnet", "vpc", "vpc-endpoint"],
    iam: ["identity", "policy", "role"],
    kms: ["key"],
    s3: ["bucket"],
    sagemaker: ["endpoint", "endpoint-config", "model", "notebook", "workload"],
};

export interface PolicyNameParts {
    service: string;
    resource: string;
    check: string;
}

/** A policy name split into service, resource and check, or undefined where it does not follow the scheme. Pure. */
export function parsePolicyName(name: string): PolicyNameParts | undefined {
    const [service, ...rest] = name.split("-");
    const tail = rest.join("-");
    // The longest resource word first: `endpoint-config-…` is an endpoint configuration, not an endpoint.
    const resources = [...(POLICY_NAME_RESOURCES[service] ?? [])].sort((a, b) => b.length - a.length);
    const resource = resources.find((r) => tail.startsWith(`${r}-`));
    if (resource === undefined) return undefined;
    const check = tail.slice(resource.length + 1);
    return /^[a-z0-9]+(-[a-z0-9]+)*$/.test(check) ? { service, resource, check } : undefined;
}

/** Why a name does not follow the scheme, or undefined when it does. Pure. */
export function policyNameProblem(name: string): string | undefined {
    if (parsePolicyName(name) !== undefined) return undefined;
    const services = Object.entries(POLICY_NAME_RESOURCES)
        .map(([service, resources]) => `${service} (${resources.join(", ")})`)
        .join("; ");
    return `policy name "${name}" does not follow <service>-<resource>-<check>, lower-case and hyphenated; the services and their resources: ${services} (policies/lib/naming.ts)`;
}

/** The module (file) name of a policy: its name in camelCase, e.g. `s3-bucket-sse-kms` → `s3BucketSseKms`. Pure. */
export function moduleNameOf(policyName: string): string {
    return policyName.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
