import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Partition } from "../policies/catalog/partitions";
import { policyDocument } from "./iam";

export interface StackEncryptionArgs {
    partition: Partition;
    region: string;
    accountId: pulumi.Input<string>;
    /** Alias name without the `alias/` prefix. */
    aliasName: string;
    /** Days KMS waits before deleting the key after the stack is destroyed. @default 30 (the maximum) */
    deletionWindowInDays?: number;
    /**
     * On destroy, keep the key (enabled, with its policy and rotation), so data kept elsewhere (the
     * artifact bucket, log groups) can still be read. The alias is deleted either way: alias names
     * are unique in an account and region, and a stack deployed again creates it anew.
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
    readonly keyArn: pulumi.Output<string>;
    readonly keyId: pulumi.Output<string>;
    readonly aliasName: pulumi.Output<string>;

    constructor(name: string, args: StackEncryptionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("sagemaker-llm:components:StackEncryption", name, {}, opts);
        const { partition, region, accountId } = args;
        const arnPrefix = partition.arnPrefix;

        const key = new aws.kms.Key(
            `${name}-key`,
            {
                description: `Stack key for SageMaker LLM hosting (${pulumi.getStack()})`,
                enableKeyRotation: true,
                deletionWindowInDays: args.deletionWindowInDays ?? 30,
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
        const alias = new aws.kms.Alias(`${name}-alias`, { name: `alias/${args.aliasName}`, targetKeyId: key.keyId }, { parent: this });

        this.keyArn = key.arn;
        this.keyId = key.keyId;
        this.aliasName = alias.name;
        this.registerOutputs({ keyArn: this.keyArn, keyId: this.keyId, aliasName: this.aliasName });
    }
}
