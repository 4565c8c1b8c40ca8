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

/** Trust policy for a service role, limited to this account (confused-deputy protection). */
export function serviceTrustPolicy(servicePrincipal: string, accountId: pulumi.Input<string>): pulumi.Output<string> {
    return policyDocument([
        {
            Sid: "TrustServiceForThisAccountOnly",
            Effect: "Allow",
            Principal: { Service: servicePrincipal },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:SourceAccount": accountId } },
        },
    ]);
}
