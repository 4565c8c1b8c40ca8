import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument } from "./iam";
import { packageType, withPreviousType } from "./packageTypes";

export interface ArtifactBucketArgs {
    /** The stack key; objects are encrypted with SSE-KMS and an S3 bucket key. */
    kmsKeyArn: pulumi.Input<string>;
    /**
     * On destroy, keep the bucket together with everything that guards it (encryption, public
     * access block, TLS-only policy, versioning, ownership), so what stays is still protected; its
     * key must then stay too (StackEncryption's `retainOnDelete`). False deletes the bucket with
     * every object version.
     * Default: true.
     * @default true
     */
    retainOnDelete?: boolean;
}

/**
 * Bucket for model weights and data capture: SSE-KMS with a bucket key, versioning, all public access
 * blocked, object ownership enforced (ACLs off), and a policy that refuses any request not over TLS.
 * Each guard is a resource of its own (@pulumi/aws v7), so keeping the bucket on destroy keeps them all.
 */
export class ArtifactBucket extends pulumi.ComponentResource {
    /** The bucket's name. */
    readonly bucketName: pulumi.Output<string>;
    /** The bucket's ARN. */
    readonly bucketArn: pulumi.Output<string>;

    constructor(name: string, args: ArtifactBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super(packageType("ArtifactBucket"), name, {}, withPreviousType("ArtifactBucket", opts));
        const retainOnDelete = args.retainOnDelete ?? true;
        const child = { parent: this, retainOnDelete };

        // Deleting a versioned bucket needs it empty of every version; without retention that is the intent.
        const bucket = new aws.s3.Bucket(name, { forceDestroy: !retainOnDelete }, child);
        const ownership = new aws.s3.BucketOwnershipControls(
            `${name}-ownership`,
            {
                bucket: bucket.id,
                rule: { objectOwnership: "BucketOwnerEnforced" },
            },
            child,
        );
        const publicAccess = new aws.s3.BucketPublicAccessBlock(
            `${name}-public-access`,
            {
                bucket: bucket.id,
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            },
            child,
        );
        new aws.s3.BucketVersioning(
            `${name}-versioning`,
            {
                bucket: bucket.id,
                versioningConfiguration: { status: "Enabled" },
            },
            child,
        );
        new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-encryption`,
            {
                bucket: bucket.id,
                rules: [
                    {
                        applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.kmsKeyArn },
                        bucketKeyEnabled: true,
                    },
                ],
            },
            child,
        );
        new aws.s3.BucketPolicy(
            `${name}-tls-only`,
            {
                bucket: bucket.id,
                policy: policyDocument([
                    {
                        Sid: "DenyRequestsWithoutTls",
                        Effect: "Deny",
                        Principal: "*",
                        Action: "s3:*",
                        Resource: [bucket.arn, pulumi.interpolate`${bucket.arn}/*`],
                        Condition: { Bool: { "aws:SecureTransport": "false" } },
                    },
                ]),
            },
            { ...child, dependsOn: [publicAccess, ownership] },
        );

        this.bucketName = bucket.bucket;
        this.bucketArn = bucket.arn;
        this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
    }
}
