/**
 * AWS client settings shared by the tools: region, profile, FIPS and dual-stack endpoints and a custom
 * endpoint URL, resolved as the AWS SDK and CLI resolve them, and the plain-language explanation of the
 * AWS errors any command can hit (credentials, region, network).
 *
 * Precedence, as the SDK's own config loaders apply it: a value set on the client wins, then the
 * environment, then the profile of the shared config file (AWS SDKs and Tools Reference Guide,
 * "Precedence of settings" in the settings reference, and "Dual-stack and FIPS endpoints", which also
 * says the AWS CLI's --endpoint-url overrides the FIPS setting; checked 2026-12-03):
 *   profile:    --profile, else AWS_PROFILE, else "default"
 *   FIPS:       --fips / --no-fips, else AWS_USE_FIPS_ENDPOINT, else the profile's use_fips_endpoint
 *   dual-stack: --dualstack / --no-dualstack, else AWS_USE_DUALSTACK_ENDPOINT, else use_dualstack_endpoint
 * so a tool sets `useFipsEndpoint` and `useDualstackEndpoint` on its client only when the flag was
 * given: an explicit `false` would override a FedRAMP shell's AWS_USE_FIPS_ENDPOINT=true.
 *
 * Endpoints come from the SDK's own endpoint rules for the region, so the partition is always
 * right: us-gov-* regions resolve to GovCloud hosts (e.g. s3.us-gov-west-1.amazonaws.com,
 * runtime.sagemaker.us-gov-west-1.amazonaws.com). With FIPS the rules give (SDK v3, checked by
 * tests/awsConnection.test.ts, tests/stageModel.test.ts and tests/invoke.test.ts):
 *   S3:                 s3-fips.<region>.amazonaws.com in commercial US regions and in GovCloud
 *   SageMaker Runtime:  runtime-fips.sagemaker.<region>.amazonaws.com in commercial US regions;
 *                       runtime.sagemaker.<region>.amazonaws.com in GovCloud, whose standard
 *                       endpoint is the FIPS endpoint (as policies/catalog/partitions.ts notes for the VPC).
 *
 * Endpoint URLs configured outside the tool are applied by the SDK itself (AWS SDKs and Tools
 * Reference Guide, "Service-specific endpoints"; checked 2026-12-03), first found wins:
 *   AWS_ENDPOINT_URL_<SERVICE> (AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME), AWS_ENDPOINT_URL,
 *   the profile's `services` section (`s3 =` / `sagemaker_runtime =` with `endpoint_url`), the profile's
 *   endpoint_url; none when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS or the profile's
 *   ignore_configured_endpoint_urls is true. --endpoint-url wins over all of them.
 * The tools find them the same way, name them, pass them to the client themselves (clientConfig says
 * why), and refuse them together with FIPS or dual-stack, which the SDK's endpoint rules refuse
 * ("FIPS and custom endpoint are not supported").
 */
import * as os from "os";
// The SDK's own parser of the shared files (profile sections as "name", sso-session ones as
// "sso-session.name"); tests/awsConnection.test.ts lists profiles through it and fails if that changes.
import { loadSharedConfigFiles } from "@smithy/shared-ini-file-loader";
import { PARTITIONS, partitionOfRegion } from "../policies/catalog/partitions";
import { InputError, UsageError } from "./cli";

/** Where a tool's AWS client connects. Undefined settings are left to the SDK (environment, then profile). */
export interface AwsConnection {
    /** AWS region; undefined lets the SDK use AWS_REGION or the profile's region. */
    region?: string;
    /** Named profile of the shared config and credentials files; undefined: AWS_PROFILE, else default. */
    profile?: string;
    /** --fips (true) or --no-fips (false); undefined: AWS_USE_FIPS_ENDPOINT, else the profile's use_fips_endpoint. */
    fips?: boolean;
    /** --dualstack or --no-dualstack; undefined: AWS_USE_DUALSTACK_ENDPOINT, else the profile's use_dualstack_endpoint. */
    dualstack?: boolean;
    /** An explicit endpoint (an S3-compatible server or a local stand-in); excludes `fips` and `dualstack`. */
    endpointUrl?: string;
    /** An endpoint URL the environment or profile configures for the tool's service, which the SDK applies itself. */
    configuredEndpoint?: ConfiguredEndpoint;
}

/** An endpoint URL from the environment or the shared config, and the setting that gave it. */
export interface ConfiguredEndpoint {
    url: string;
    /** "AWS_ENDPOINT_URL_S3", "profile gov's endpoint_url", "services section local's s3 endpoint_url (profile gov)". */
    source: string;
}

/** The SDK's id of each service the tools call (its client's serviceId), which names its endpoint settings. */
export type AwsServiceId = "S3" | "SageMaker Runtime";

/** The AWS connection options every tool takes (util.parseArgs form), with the AWS CLI's names. */
export const AWS_OPTIONS = {
    region: { type: "string" },
    profile: { type: "string" },
    fips: { type: "boolean" },
    "no-fips": { type: "boolean" },
    dualstack: { type: "boolean" },
    "no-dualstack": { type: "boolean" },
    "endpoint-url": { type: "string" },
} as const;

type AwsOptionValues = { [K in keyof typeof AWS_OPTIONS]?: (typeof AWS_OPTIONS)[K]["type"] extends "string" ? string : boolean };

/**
 * The --help lines of AWS_OPTIONS after --region (whose default differs per tool), with their
 * descriptions from `column` on. `fipsHosts` says what the FIPS endpoint is for the tool's service;
 * `endpointUrl` adds to what --endpoint-url says.
 */
export function awsOptionsUsage(column: number, fipsHosts: string[], endpointUrl: string[] = []): string {
    const rows: [string, string[]][] = [
        ["--profile <name>", ["named profile of ~/.aws/config and ~/.aws/credentials", "(default: AWS_PROFILE, else default)"]],
        [
            "--fips, --no-fips",
            [
                `use (or not) the FIPS endpoint: ${fipsHosts[0]}`,
                ...fipsHosts.slice(1),
                "(default: AWS_USE_FIPS_ENDPOINT, else the profile's use_fips_endpoint)",
            ],
        ],
        [
            "--dualstack, --no-dualstack",
            ["use (or not) the dual-stack (IPv4 and IPv6) endpoint (default:", "AWS_USE_DUALSTACK_ENDPOINT, else the profile's use_dualstack_endpoint)"],
        ],
        [
            "--endpoint-url <url>",
            [
                "another endpoint (a local stand-in); FIPS and dual-stack settings",
                "from the environment or profile do not apply to it",
                ...endpointUrl,
                "(default: AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, the",
                "profile's services section or endpoint_url, as the SDK reads them)",
            ],
        ],
    ];
    const indent = " ".repeat(column);
    return rows
        .map(([option, [first, ...rest]]) => {
            const head = `      ${option}`;
            const firstLine = head.length < column ? `${head.padEnd(column)}${first}` : `${head}\n${indent}${first}`;
            return [firstLine, ...rest.map((line) => `${indent}${line}`)].join("\n");
        })
        .join("\n");
}

/** A setting given as --x or --no-x: true, false, or undefined when neither. */
function flagPair(values: AwsOptionValues, name: "fips" | "dualstack"): boolean | undefined {
    const on = values[name];
    const off = values[`no-${name}`];
    if (on && off) throw new UsageError(`--${name} and --no-${name} exclude each other: give one`);
    return on ? true : off ? false : undefined;
}

/** An endpoint variant the SDK can turn on: its flag, environment variable and shared-config key. */
const VARIANTS = {
    fips: { flag: "fips", env: "AWS_USE_FIPS_ENDPOINT", key: "use_fips_endpoint", label: "FIPS" },
    dualstack: { flag: "dualstack", env: "AWS_USE_DUALSTACK_ENDPOINT", key: "use_dualstack_endpoint", label: "dual-stack" },
} as const;
type Variant = keyof typeof VARIANTS;

/** A connection and what the tool should say about it before it connects. */
export interface ResolvedConnection {
    connection: AwsConnection;
    /** Where each variant's setting comes from when not from a flag ("AWS_USE_FIPS_ENDPOINT", "profile gov's use_fips_endpoint"). */
    settingSources: Partial<Record<Variant, string>>;
    /** Settings that do not apply, said rather than ignored (FIPS from the environment with --endpoint-url). */
    notes: string[];
}

/**
 * The connection from the AWS options. `defaultRegion` is the tool's own default (the stack's
 * awsRegion output), ahead of the environment. Checks what can be checked before any request: the
 * URL is a URL, no flag contradicts another or --endpoint-url, the named profile exists, a FIPS or
 * dual-stack setting in the environment or profile is "true" or "false" (the SDK would take any other
 * value, "1" or "yes", as false without a word), and neither is on together with an endpoint URL
 * configured for `service` in the environment or profile (found and kept in `configuredEndpoint`).
 */
export async function resolveConnection(
    values: AwsOptionValues,
    defaultRegion: string | undefined,
    env: NodeJS.ProcessEnv,
    service: AwsServiceId,
): Promise<ResolvedConnection> {
    const connection: AwsConnection = {
        region: regionFrom(values.region ?? defaultRegion, env),
        profile: values.profile,
        fips: flagPair(values, "fips"),
        dualstack: flagPair(values, "dualstack"),
        endpointUrl: values["endpoint-url"],
    };
    clientConfig(connection);
    const fromFlag = values.profile !== undefined;
    const profileSetting = fromFlag ? "--profile" : "AWS_PROFILE";
    // A bad --profile is a usage error (with the --help pointer); a bad AWS_PROFILE is the environment's.
    const ProfileError = fromFlag ? UsageError : InputError;
    const profileName = values.profile ?? env.AWS_PROFILE;
    if (profileName === "") throw new ProfileError(`${profileSetting} is empty: name a profile of ~/.aws/config or ~/.aws/credentials, or leave it out`);
    const files = sharedFilePaths(env);
    const { configFile, credentialsFile } = await loadSharedConfigFiles({ configFilepath: files.config, filepath: files.credentials, ignoreCache: true });
    const known = profileNames(configFile, credentialsFile);
    if (profileName !== undefined && !known.includes(profileName)) {
        // The SDK would say only "Could not load credentials from any providers", and take no region or FIPS setting from it.
        throw new ProfileError(
            `${profileSetting} '${profileName}': no such profile in ${files.config} or ${files.credentials}; ` +
                (known.length ? `profiles there: ${known.join(", ")}` : "they define no profiles") +
                ` (add it with 'aws configure --profile ${profileName}' or 'aws configure sso')`,
        );
    }
    const profile = profileName ?? "default";
    const profileSection = Object.hasOwn(configFile, profile) ? configFile[profile] : {};
    const configured = connection.endpointUrl === undefined ? configuredEndpoint(service, env, configFile, profile, profileSection) : undefined;
    if (configured) {
        connection.configuredEndpoint = configured;
        for (const variant of Object.keys(VARIANTS) as Variant[]) {
            if (connection[variant])
                throw new InputError(
                    `--${VARIANTS[variant].flag} and ${configured.source} (${configured.url}) exclude each other: the ${VARIANTS[variant].label} host comes from the region. ` +
                        `Leave --${VARIANTS[variant].flag} out, or set AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true to use the region's endpoints`,
                );
        }
    }
    const resolved: ResolvedConnection = { connection, settingSources: {}, notes: [] };
    for (const variant of Object.keys(VARIANTS) as Variant[]) {
        if (connection[variant] !== undefined) continue;
        const { env: envName, key, label, flag } = VARIANTS[variant];
        const fromEnv = env[envName];
        const fromProfile = profileSection[key];
        const [value, source] = fromEnv !== undefined ? [fromEnv, envName] : [fromProfile, `profile ${profile}'s ${key}`];
        if (value === undefined) continue;
        if (value !== "true" && value !== "false") {
            throw new InputError(
                `${source} is '${value}': the AWS SDK reads only true or false and would take this as false; ` +
                    `set it to true or false, or pass --${flag} or --no-${flag}`,
            );
        }
        resolved.settingSources[variant] = source;
        if (value === "true" && configured) {
            throw new InputError(
                `${source} asks for the ${label} endpoint and ${configured.source} sets the endpoint URL ${configured.url}; the SDK refuses the two together. ` +
                    `Unset one of them, pass --no-${flag}, or set AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true to use the region's ${label} endpoint`,
            );
        }
        if (value === "true" && connection.endpointUrl !== undefined) {
            resolved.notes.push(`${source} asks for the ${label} endpoint; it does not apply to --endpoint-url ${connection.endpointUrl}`);
        }
    }
    return resolved;
}

/** A true/false setting as the SDK reads it: anything else is an error there too. */
function booleanSetting(value: string | undefined, source: string): boolean {
    if (value === undefined) return false;
    if (value === "true" || value === "false") return value === "true";
    throw new InputError(`${source} is '${value}': the AWS SDK accepts only true or false here and stops on anything else; set it to true or false`);
}

/**
 * The endpoint URL the environment or the profile configures for `service`, found as the SDK finds it
 * (the precedence in this module's header); undefined when none, or when configured URLs are ignored.
 */
function configuredEndpoint(
    service: AwsServiceId,
    env: NodeJS.ProcessEnv,
    configFile: Record<string, Record<string, string | undefined>>,
    profile: string,
    profileSection: Record<string, string | undefined>,
): ConfiguredEndpoint | undefined {
    const ignoreVariable = "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS";
    const ignore =
        env[ignoreVariable] !== undefined
            ? booleanSetting(env[ignoreVariable], ignoreVariable)
            : booleanSetting(profileSection.ignore_configured_endpoint_urls, `profile ${profile}'s ignore_configured_endpoint_urls`);
    if (ignore) return undefined;
    const serviceVariable = `AWS_ENDPOINT_URL_${service.toUpperCase().replace(/ /g, "_")}`;
    for (const variable of [serviceVariable, "AWS_ENDPOINT_URL"]) {
        if (env[variable]) return { url: env[variable]!, source: variable };
    }
    const servicesName = profileSection.services;
    if (servicesName) {
        const section = configFile[`services.${servicesName}`];
        if (!section) {
            throw new InputError(
                `profile ${profile}'s services = ${servicesName} names no [services ${servicesName}] section of the shared config file; add it, or remove services from the profile`,
            );
        }
        const key = `${service.toLowerCase().replace(/ /g, "_")}.endpoint_url`;
        if (section[key]) return { url: section[key], source: `services section ${servicesName}'s ${key.replace(".", " ")} (profile ${profile})` };
    }
    if (profileSection.endpoint_url) return { url: profileSection.endpoint_url, source: `profile ${profile}'s endpoint_url` };
    return undefined;
}

/**
 * The profiles the shared files define, in file order: every section of the credentials file, and the
 * config file's sections except `[sso-session x]` and `[services x]`, which the SDK's parser keys
 * `sso-session.x` and `services.x` (a profile's own name may contain dots).
 */
function profileNames(configFile: Record<string, unknown>, credentialsFile: Record<string, unknown>): string[] {
    const configProfiles = Object.keys(configFile).filter((name) => !/^(sso-session|services)\./.test(name));
    return [...new Set([...configProfiles, ...Object.keys(credentialsFile)])];
}

/** The shared config and credentials files, where the SDK looks for them. */
function sharedFilePaths(env: NodeJS.ProcessEnv): { config: string; credentials: string } {
    const home = env.HOME || env.USERPROFILE || os.homedir();
    return {
        config: env.AWS_CONFIG_FILE || `${home}/.aws/config`,
        credentials: env.AWS_SHARED_CREDENTIALS_FILE || `${home}/.aws/credentials`,
    };
}

/** The region from an option, else AWS_REGION, else AWS_DEFAULT_REGION (the AWS CLI's variable). */
export function regionFrom(option: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
    return option || env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
}

/** The SDK v3 client configuration of a connection: only what was set, so the SDK resolves the rest. */
export function clientConfig(connection: AwsConnection): {
    region?: string;
    profile?: string;
    useFipsEndpoint?: boolean;
    useDualstackEndpoint?: boolean;
    endpoint?: string;
    ignoreConfiguredEndpointUrls?: boolean;
} {
    const { region, profile, fips, dualstack, endpointUrl } = connection;
    if (endpointUrl !== undefined) {
        if (fips) throw new UsageError("--fips and --endpoint-url exclude each other: the FIPS host comes from the region");
        if (dualstack) throw new UsageError("--dualstack and --endpoint-url exclude each other: the dual-stack host comes from the region");
        if (!/^https?:\/\/[^/]+/.test(endpointUrl)) throw new UsageError(`--endpoint-url must be an http(s) URL, got '${endpointUrl}'`);
        // The URL names the host, so the environment's or profile's FIPS and dual-stack choices do not apply
        // (the S3 rules would otherwise refuse it: "A custom endpoint cannot be combined with FIPS").
        return { ...defined({ region, profile }), endpoint: endpointUrl, useFipsEndpoint: false, useDualstackEndpoint: false };
    }
    // Decided here, not left to the SDK: the SDK for JavaScript reads the endpoint settings of
    // AWS_PROFILE's profile (or default), not of a profile given to the client (@smithy/core endpoints,
    // getEndpointFromConfig loads the config without it), so it would miss --profile's own endpoint_url
    // and apply default's instead. The URL found for the profile is passed on; none found, the SDK
    // is told to look for none (ignoreConfiguredEndpointUrls, a client option).
    const endpoint = connection.configuredEndpoint?.url;
    return defined({
        region,
        profile,
        useFipsEndpoint: fips,
        useDualstackEndpoint: dualstack,
        endpoint,
        ignoreConfiguredEndpointUrls: endpoint === undefined ? true : undefined,
    });
}

function defined<T extends object>(values: T): Partial<T> {
    return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The region an SDK v3 client sends requests to; UsageError when none is configured. */
export function clientRegion(client: { config: { region(): Promise<string> } }): Promise<string> {
    return client.config.region().catch(() => {
        throw new UsageError("no AWS region: pass --region (the stack's awsRegion output) or set AWS_REGION");
    });
}

/** The resolved settings of an SDK v3 client that decide its endpoint. */
interface EndpointSettings {
    config: { region(): Promise<string>; useFipsEndpoint(): Promise<boolean>; useDualstackEndpoint(): Promise<boolean> };
}

/**
 * Where a client's requests go, in words, from the settings the SDK itself resolved:
 * "us-gov-west-1 (AWS GovCloud (US)), FIPS endpoint (AWS_USE_FIPS_ENDPOINT)". UsageError when no
 * region is configured.
 */
export async function describeClientEndpoint(client: EndpointSettings, resolved: ResolvedConnection): Promise<{ region: string; description: string }> {
    const region = await clientRegion(client);
    const on: Record<Variant, boolean> = { fips: await client.config.useFipsEndpoint(), dualstack: await client.config.useDualstackEndpoint() };
    const variants = (Object.keys(VARIANTS) as Variant[])
        .filter((variant) => on[variant])
        .map((variant) => {
            const flag = resolved.connection[variant] ? `--${VARIANTS[variant].flag}` : undefined;
            const source = flag ?? resolved.settingSources[variant];
            return `${VARIANTS[variant].label} endpoint${source ? ` (${source})` : ""}`;
        });
    // A configured endpoint URL is named, so nobody wonders why requests miss the region's endpoint;
    // --endpoint-url is the user's own, and its messages name the URL alone.
    const configured = resolved.connection.configuredEndpoint;
    const endpoint = configured ? [`endpoint ${configured.url} (${configured.source})`] : [];
    return { region, description: [describeRegion(region), ...endpoint, ...variants].join(", ") };
}

/** The endpoint URL that replaces the region's endpoint, and the setting that gave it: --endpoint-url, else a configured one. */
export function endpointOverride(connection: AwsConnection): ConfiguredEndpoint | undefined {
    if (connection.endpointUrl !== undefined) return { url: connection.endpointUrl, source: "--endpoint-url" };
    return connection.configuredEndpoint;
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
