/**
 * AWS client settings shared by the tools: region, FIPS endpoints and a custom endpoint URL, and the
 * plain-language explanation of the AWS errors any command can hit (credentials, region, network).
 *
 * Endpoints come from the SDK's own endpoint rules for the region, so the partition is always
 * right: us-gov-* regions resolve to GovCloud hosts (e.g. s3.us-gov-west-1.amazonaws.com,
 * runtime.sagemaker.us-gov-west-1.amazonaws.com). With `fips`, the rules give (SDK v3, checked by
 * tests/stageModel.test.ts and tests/invoke.test.ts):
 *   S3:                 s3-fips.<region>.amazonaws.com in commercial US regions and in GovCloud
 *   SageMaker Runtime:  runtime-fips.sagemaker.<region>.amazonaws.com in commercial US regions;
 *                       runtime.sagemaker.<region>.amazonaws.com in GovCloud, whose standard
 *                       endpoint is the FIPS endpoint (as policies/catalog/partitions.ts notes for the VPC).
 */
import { PARTITIONS, partitionOfRegion } from "../policies/catalog/partitions";
import { UsageError } from "./cli";

/** Where a tool's AWS client connects. */
export interface AwsConnection {
    /** AWS region; undefined lets the SDK use AWS_REGION or the profile's region. */
    region?: string;
    /** Use the service's FIPS endpoint in the region. */
    fips: boolean;
    /** An explicit endpoint (an S3-compatible server or a local stand-in); excludes `fips`. */
    endpointUrl?: string;
}

/** The region from an option, else AWS_REGION, else AWS_DEFAULT_REGION (the AWS CLI's variable). */
export function regionFrom(option: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
    return option || env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
}

/** The configuration every SDK v3 client of the tools takes. */
export function clientConfig(connection: AwsConnection): { region?: string; useFipsEndpoint: boolean; endpoint?: string } {
    if (connection.fips && connection.endpointUrl) {
        throw new UsageError("--fips and --endpoint-url exclude each other: the FIPS host comes from the region");
    }
    if (connection.endpointUrl && !/^https?:\/\/[^/]+/.test(connection.endpointUrl)) {
        throw new UsageError(`--endpoint-url must be an http(s) URL, got '${connection.endpointUrl}'`);
    }
    return { region: connection.region, useFipsEndpoint: connection.fips, endpoint: connection.endpointUrl };
}

/** The region an SDK v3 client sends requests to; UsageError when none is configured. */
export function clientRegion(client: { config: { region(): Promise<string> } }): Promise<string> {
    return client.config.region().catch(() => {
        throw new UsageError("no AWS region: pass --region (the stack's awsRegion output) or set AWS_REGION");
    });
}

/** "us-gov-west-1 (AWS GovCloud (US))", for messages. */
export function describeRegion(region: string): string {
    const partition = partitionOfRegion(region);
    return partition ? `${region} (${PARTITIONS[partition].displayName})` : region;
}

/** The network error code of an error or its cause, e.g. ECONNREFUSED. */
export function networkErrorCode(err: unknown): string | undefined {
    const codes = ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "ECONNRESET", "EHOSTUNREACH", "ENETUNREACH"];
    for (let e = err as { code?: string; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
        if (e.code && codes.includes(e.code)) return e.code;
    }
    return undefined;
}

/**
 * A plain explanation of an AWS error any tool can meet (no credentials, no region, credentials of
 * the wrong partition, no network), or undefined when the error is specific to the operation.
 */
export function describeAwsError(err: unknown, host: string): string | undefined {
    const e = err as { name?: string; message?: string };
    const name = e?.name ?? "";
    const message = e?.message ?? String(err);
    if (name === "CredentialsProviderError" || /Could not load credentials/i.test(message)) {
        return "no AWS credentials found: set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or run where a role provides them.";
    }
    if (/Region is missing/i.test(message)) return "no AWS region: pass --region or set AWS_REGION.";
    if (["ExpiredToken", "ExpiredTokenException", "TokenRefreshRequired"].includes(name)) {
        return `the AWS credentials have expired (${message}); refresh them and run again.`;
    }
    if (["InvalidAccessKeyId", "UnrecognizedClientException", "InvalidClientTokenId", "SignatureDoesNotMatch", "InvalidSignatureException"].includes(name)) {
        return `AWS rejected the credentials (${name}: ${message}). GovCloud and commercial accounts have separate credentials: use credentials of the partition of the region.`;
    }
    const code = networkErrorCode(err);
    if (code) return `cannot reach ${host} (${code}). Check the network path to the endpoint (from a private VPC: its interface or gateway endpoint).`;
    return undefined;
}
