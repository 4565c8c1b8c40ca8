import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { refuseArguments, regionPartition } from "./arguments";
import { SettingProblem } from "./modelDeployment";
import { policyDocument } from "./iam";
import { packageType, withPreviousType } from "./packageTypes";

/** KMS ScheduleKeyDeletion's PendingWindowInDays bounds (AWS KMS API Reference). */
export const DELETION_WINDOW_DAYS = { min: 7, max: 30 } as const;

export interface StackEncryptionArgs {
    /** The region (AWS GovCloud (US) or commercial); the partition of the key policy's ARNs follows from it. */
    region: string;
    /** The account whose IAM policies the key policy delegates to. */
    accountId: pulumi.Input<string>;
    /**
     * Alias name without the `alias/` prefix: letters, digits, '/', '_' and '-', not starting with `aws/`.
     * Alias names are unique in an account and region, so the default names the project and the stack.
     * Default: `<project>-<stack>`.
     * @default `<project>-<stack>`
     */
    aliasName?: string;
    /** Days KMS waits before deleting the key after the stack is destroyed (7–30). Default: 30 (the maximum). @default 30 (the maximum) */
    deletionWindowInDays?: number;
    /**
     * On destroy, keep the key (enabled, with its policy and rotation), so data kept elsewhere (the
     * artifact bucket, log groups) can still be read. The alias is deleted either way: alias names
     * are unique in an account and region, and a stack deployed again creates it anew.
     * Default: true.
     * @default true
     */
    retainOnDelete?: boolean;
}

/**
 * The stack's one customer-managed KMS key: rotation on, a key policy that delegates to IAM in this
 * account and lets CloudWatch Logs of this region encrypt this account's log groups, and an alias.
 * Every other component encrypts with it.
 */
export class StackEncryption extends pulumi.ComponentResource {
    /** The key's ARN. */
    readonly keyArn: pulumi.Output<string>;
    /** The key's id. */
    readonly keyId: pulumi.Output<string>;
    /** The alias, `alias/<aliasName>`. */
    readonly aliasName: pulumi.Output<string>;

    constructor(name: string, args: StackEncryptionArgs, opts?: pulumi.ComponentResourceOptions) {
        const problems: SettingProblem[] = [];
        const partition = regionPartition(args.region, problems);
        const window = args.deletionWindowInDays ?? DELETION_WINDOW_DAYS.max;
        if (!Number.isInteger(window) || window < DELETION_WINDOW_DAYS.min || window > DELETION_WINDOW_DAYS.max) {
            problems.push({
                key: "deletionWindowInDays",
                value: window,
                message: `must be a whole number of days from ${DELETION_WINDOW_DAYS.min} to ${DELETION_WINDOW_DAYS.max}.`,
            });
        }
        const aliasName = args.aliasName ?? `${pulumi.getProject()}-${pulumi.getStack()}`;
        checkAliasName(aliasName, problems);
        refuseArguments("StackEncryption", name, problems);
        super(packageType("StackEncryption"), name, {}, withPreviousType("StackEncryption", opts));
        const { region, accountId } = args;
        const arnPrefix = partition!.arnPrefix;

        const key = new aws.kms.Key(
            `${name}-key`,
            {
                description: `Stack key for SageMaker LLM hosting (${pulumi.getStack()})`,
                enableKeyRotation: true,
                deletionWindowInDays: window,
                policy: policyDocument([
                    {
                        Sid: "EnableIamPoliciesOfThisAccount",
                        Effect: "Allow",
                        Principal: { AWS: pulumi.interpolate`${arnPrefix}:iam::${accountId}:root` },
                        Action: "kms:*",
                        Resource: "*",
                    },
                    {
                        // CloudWatch Logs' principal is regional in every partition.
                        Sid: "AllowCloudWatchLogsOfThisAccount",
                        Effect: "Allow",
                        Principal: { Service: `logs.${region}.amazonaws.com` },
                        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                        Resource: "*",
                        Condition: {
                            ArnLike: { "kms:EncryptionContext:aws:logs:arn": pulumi.interpolate`${arnPrefix}:logs:${region}:${accountId}:log-group:*` },
                        },
                    },
                ]),
            },
            { parent: this, retainOnDelete: args.retainOnDelete ?? true },
        );
        const alias = new aws.kms.Alias(`${name}-alias`, { name: `alias/${aliasName}`, targetKeyId: key.keyId }, { parent: this });

        this.keyArn = key.arn;
        this.keyId = key.keyId;
        this.aliasName = alias.name;
        this.registerOutputs({ keyArn: this.keyArn, keyId: this.keyId, aliasName: this.aliasName });
    }
}

/**
 * What KMS accepts as a customer-managed key's alias (AWS KMS Developer Guide, "Create aliases"): 1–256
 * characters with the `alias/` prefix, only letters, digits, '/', '_' and '-', and not `alias/aws/`,
 * which AWS managed keys use.
 */
function checkAliasName(aliasName: unknown, problems: SettingProblem[]): void {
    const full = `alias/${String(aliasName)}`;
    if (typeof aliasName !== "string" || !/^[A-Za-z0-9/_-]+$/.test(aliasName) || full.length > 256) {
        problems.push({
            key: "aliasName",
            value: aliasName,
            message: "must be 1 to 250 letters, digits, '/', '_' or '-', without the 'alias/' prefix (KMS adds it; at most 256 characters with it).",
        });
    } else if (aliasName.startsWith("aws/") || aliasName.startsWith("alias/")) {
        problems.push({
            key: "aliasName",
            value: aliasName,
            message: aliasName.startsWith("aws/")
                ? "must not start with 'aws/': KMS keeps alias/aws/ for AWS managed keys."
                : "is given with the 'alias/' prefix, which the component adds; remove it.",
        });
    }
}
