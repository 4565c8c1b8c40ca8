/**
 * IAM policy documents as typed values, so components state least-privilege statements plainly and
 * the JSON is produced in one place.
 */
import * as pulumi from "@pulumi/pulumi";

export interface PolicyStatement {
    Sid: string;
    Effect: "Allow" | "Deny";
    Principal?: Record<string, pulumi.Input<string> | pulumi.Input<string>[]> | "*";
    Action: string | string[];
    Resource?: pulumi.Input<string> | pulumi.Input<string>[];
    Condition?: Record<string, Record<string, pulumi.Input<string> | pulumi.Input<string>[]>>;
}

export function policyDocument(statements: PolicyStatement[]): pulumi.Output<string> {
    return pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements });
}

/**
 * Trust policy for a service role: only `servicePrincipal` may assume it, and only under `condition`,
 * the confused-deputy guard the service documents (each caller cites its source).
 */
export function serviceTrustPolicy(servicePrincipal: string, condition: NonNullable<PolicyStatement["Condition"]>): pulumi.Output<string> {
    return policyDocument([
        {
            Sid: "TrustServiceForThisAccountOnly",
            Effect: "Allow",
            Principal: { Service: servicePrincipal },
            Action: "sts:AssumeRole",
            Condition: condition,
        },
    ]);
}

/**
 * The confused-deputy condition SageMaker documents ("Cross-service confused deputy prevention"):
 * the SageMaker resources of this account and region, `arn:<partition>:sagemaker:<region>:<account>:*`
 * (the form for inference, where the account in the ARN makes aws:SourceAccount unnecessary); with
 * `withSourceAccount`, also aws:SourceAccount (the guide's general form).
 */
export function sageMakerSourceCondition(
    arnPrefix: string,
    region: string,
    accountId: pulumi.Input<string>,
    withSourceAccount: boolean,
): NonNullable<PolicyStatement["Condition"]> {
    const arnLike = { ArnLike: { "aws:SourceArn": pulumi.interpolate`${arnPrefix}:sagemaker:${region}:${accountId}:*` } };
    return withSourceAccount ? { ...arnLike, StringEquals: { "aws:SourceAccount": accountId } } : arnLike;
}

/** A KMS permission usable only as S3 uses the key on the principal's behalf (kms:ViaService). */
export function throughS3(region: string): NonNullable<PolicyStatement["Condition"]> {
    return { StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com` } };
}
