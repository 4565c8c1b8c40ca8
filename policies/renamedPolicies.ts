/**
 * Policies renamed to the naming scheme (lib/naming.ts) and the release that renamed them. A pack
 * config that still uses a former name keeps working for one more release: its settings apply to
 * the policy's current name, and a finding says to rename the key (lib/renamedConfig.ts). The
 * pack's CHANGELOG.md lists the same renames; tests/policies/naming.test.ts checks the two agree.
 */
export interface PolicyRename {
    /** The name configs may still use. */
    formerName: string;
    /** The policy's name now. */
    name: string;
    /** The pack version that renamed it. */
    renamedIn: string;
    /** The first pack version that no longer accepts the former name. */
    acceptedUntil: string;
}

const RENAMED_IN = "0.2.0";
const ACCEPTED_UNTIL = "0.3.0";

const NAMES: readonly (readonly [formerName: string, name: string])[] = [
    ["endpoint-auto-rollback-alarms", "sagemaker-endpoint-auto-rollback-alarms"],
    ["llm-startup-health-check-timeout", "sagemaker-endpoint-config-startup-health-check-timeout"],
    ["production-endpoint-redundancy", "sagemaker-endpoint-config-production-redundancy"],
    ["sagemaker-data-capture-kms", "sagemaker-endpoint-config-data-capture-kms"],
    ["sagemaker-endpoint-volume-kms", "sagemaker-endpoint-config-volume-kms"],
    ["iam-no-broad-managed-policies", "iam-identity-no-broad-managed-policies"],
    ["iam-no-wildcard-actions", "iam-policy-no-wildcard-actions"],
    ["iam-sagemaker-role-trust", "iam-role-trust-sagemaker-only"],
    ["iam-sagemaker-trust-source-account", "iam-role-trust-source-account"],
    ["endpoint-instance-type-approved", "sagemaker-endpoint-config-instance-type-approved"],
    ["model-fits-gpu-memory", "sagemaker-model-fits-gpu-memory"],
    ["notebook-instance-type-approved", "sagemaker-notebook-instance-type-approved"],
    ["serving-engine-maintained", "sagemaker-model-serving-engine-maintained"],
    ["sm-num-gpus-within-instance", "sagemaker-model-num-gpus-within-instance"],
    ["sagemaker-external-subnets-approved", "sagemaker-workload-external-subnets-approved"],
    ["vpc-interface-endpoint-private-dns", "ec2-vpc-endpoint-private-dns"],
    ["vpc-private-endpoints-complete", "ec2-vpc-private-endpoints-complete"],
    ["sagemaker-subnets-private", "sagemaker-workload-subnets-private"],
    ["security-group-no-public-ingress", "ec2-security-group-no-public-ingress"],
    ["vpc-flow-logs-enabled", "ec2-vpc-flow-logs-enabled"],
    ["notebook-imdsv2-required", "sagemaker-notebook-imdsv2-required"],
    ["notebook-not-default-security-group", "sagemaker-notebook-not-default-security-group"],
    ["notebook-platform-approved", "sagemaker-notebook-platform-approved"],
    ["notebook-root-access-disabled", "sagemaker-notebook-root-access-disabled"],
    ["partition-allowed-regions", "aws-resource-region-allowed"],
    ["partition-consistent-references", "aws-resource-partition-consistent"],
    ["tags-allowed-values", "aws-resource-tag-values-allowed"],
    ["tags-required", "aws-resource-tags-required"],
];

export const POLICY_RENAMES: readonly PolicyRename[] = NAMES.map(([formerName, name]) => ({
    formerName,
    name,
    renamedIn: RENAMED_IN,
    acceptedUntil: ACCEPTED_UNTIL,
}));
