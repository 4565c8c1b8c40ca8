/**
 * How the day-2 tools (stage-model, invoke) resolve their AWS connection, as the AWS SDK and CLI do
 * (tools/awsConfig.ts): --profile / AWS_PROFILE, FIPS and dual-stack endpoints from a flag, else the
 * environment, else the profile of a shared config file written here. Each case resolves a tool's
 * plan from its options and checks the request the SDK client would send (host and signing key),
 * without a network; the notes and refusals are checked on the commands themselves.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { HeadBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { InvokeEndpointCommand, SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import {
    AwsServiceId,
    clientConfig,
    describeAwsError,
    describeClientEndpoint,
    networkErrorCode,
    ResolvedConnection,
    resolveConnection,
} from "../tools/awsConfig";
import { main as invokeMain, resolvePlan as invokePlan } from "../tools/invoke";
import { resolvePlan as stagePlan } from "../tools/stageModel";
import { AWS_SHELL_VARIABLES, runCaptured } from "./fixtures/tools/cliIo";
import { FakeRuntime, startFakeRuntime } from "./fixtures/tools/fakeSageMakerRuntime";
import { capturedRequest } from "./fixtures/tools/resolvedHost";
import { S3RVER_CREDENTIALS, S3TestServer, startS3Server } from "./fixtures/tools/s3Server";
import { stageModel } from "./fixtures/tools/stageModelRun";

const BUCKET = "artifacts-1234";
const CONFIG = `[default]
region = us-east-1

[profile gov]
region = us-gov-west-1
use_fips_endpoint = true

[profile gov-dualstack]
region = us-gov-east-1
use_dualstack_endpoint = true

[profile typo]
region = us-gov-west-1
use_fips_endpoint = 1

[sso-session corp]
sso_region = us-gov-west-1

[profile dev.gov]
region = us-gov-west-1

[profile local-services]
region = us-gov-west-1
services = local

[profile local-all]
region = us-gov-west-1
endpoint_url = http://all.local.test:8

[services local]
s3 =
  endpoint_url = http://s3.local.test:9
`;
const CREDENTIALS = `[default]
aws_access_key_id = DEFAULTKEY
aws_secret_access_key = secret

[gov]
aws_access_key_id = GOVKEY
aws_secret_access_key = secret

[gov-dualstack]
aws_access_key_id = DUALSTACKKEY
aws_secret_access_key = secret

[local-all]
aws_access_key_id = LOCALKEY
aws_secret_access_key = secret
`;

describe("AWS connection of the day-2 tools (tools/awsConfig.ts)", function () {
    const savedEnv = { ...process.env };
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "aws-connection-test-"));

    /** The SDK reads process.env itself, so each case sets it (and passes the same object to the tool). */
    function useEnvironment(vars: Record<string, string> = {}): NodeJS.ProcessEnv {
        for (const key of [...AWS_SHELL_VARIABLES, "HF_TOKEN"]) delete process.env[key];
        Object.assign(process.env, {
            HOME: tmp,
            AWS_CONFIG_FILE: path.join(tmp, "config"),
            AWS_SHARED_CREDENTIALS_FILE: path.join(tmp, "credentials"),
            AWS_EC2_METADATA_DISABLED: "true",
            ...vars,
        });
        return process.env;
    }

    const connectionOf = (plan: { connection: ResolvedConnection } | "help"): ResolvedConnection => {
        assert.notEqual(plan, "help");
        return (plan as { connection: ResolvedConnection }).connection;
    };

    /** The S3 request stage-model's client would send for these options. */
    async function s3Request(...args: string[]) {
        const plan = await stagePlan(["--model", "acme/tiny-llm", "--bucket", BUCKET, "--prefix", "models/tiny/", ...args], process.env);
        return capturedRequest((c) => new S3Client(c), new HeadBucketCommand({ Bucket: BUCKET }), clientConfig(connectionOf(plan).connection));
    }

    /** The SageMaker Runtime request invoke's client would send for these options. */
    async function runtimeRequest(...args: string[]) {
        const plan = await invokePlan(["--endpoint-name", "e", "--engine", "vllm", "--chat", "hi", ...args], process.env);
        return capturedRequest(
            (c) => new SageMakerRuntimeClient(c),
            new InvokeEndpointCommand({ EndpointName: "e", Body: new Uint8Array() }),
            clientConfig(connectionOf(plan).connection),
        );
    }

    before(function () {
        fs.writeFileSync(path.join(tmp, "config"), CONFIG);
        fs.writeFileSync(path.join(tmp, "credentials"), CREDENTIALS);
    });

    after(function () {
        for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
        Object.assign(process.env, savedEnv);
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    it("honours AWS_USE_FIPS_ENDPOINT when no flag is given (no explicit false overrides it)", async function () {
        useEnvironment({ AWS_USE_FIPS_ENDPOINT: "true" });
        assert.equal((await s3Request("--region", "us-east-1")).host, `${BUCKET}.s3-fips.us-east-1.amazonaws.com`);
        assert.equal((await runtimeRequest("--region", "us-east-1")).host, "runtime-fips.sagemaker.us-east-1.amazonaws.com");
        assert.equal((await s3Request("--region", "us-gov-west-1")).host, `${BUCKET}.s3-fips.us-gov-west-1.amazonaws.com`);

        useEnvironment();
        assert.equal((await s3Request("--region", "us-east-1")).host, `${BUCKET}.s3.us-east-1.amazonaws.com`, "off without a setting");
    });

    it("--fips and --no-fips win over the environment and the profile", async function () {
        useEnvironment({ AWS_USE_FIPS_ENDPOINT: "true" });
        assert.equal((await s3Request("--region", "us-east-1", "--no-fips")).host, `${BUCKET}.s3.us-east-1.amazonaws.com`);
        assert.equal((await runtimeRequest("--region", "us-east-1", "--no-fips")).host, "runtime.sagemaker.us-east-1.amazonaws.com");
        useEnvironment({ AWS_USE_FIPS_ENDPOINT: "false" });
        assert.equal((await s3Request("--region", "us-east-1", "--fips")).host, `${BUCKET}.s3-fips.us-east-1.amazonaws.com`);
        useEnvironment();
        assert.equal((await s3Request("--profile", "gov", "--no-fips")).host, `${BUCKET}.s3.us-gov-west-1.amazonaws.com`);
    });

    it("--profile, else AWS_PROFILE, gives the profile's region, FIPS setting and credentials", async function () {
        useEnvironment();
        assert.deepEqual(await s3Request("--profile", "gov"), { host: `${BUCKET}.s3-fips.us-gov-west-1.amazonaws.com`, accessKeyId: "GOVKEY" });
        assert.deepEqual(await runtimeRequest("--profile", "gov"), { host: "runtime.sagemaker.us-gov-west-1.amazonaws.com", accessKeyId: "GOVKEY" });
        assert.deepEqual(await s3Request(), { host: `${BUCKET}.s3.us-east-1.amazonaws.com`, accessKeyId: "DEFAULTKEY" }, "the default profile");

        useEnvironment({ AWS_PROFILE: "gov" });
        assert.deepEqual(await s3Request(), { host: `${BUCKET}.s3-fips.us-gov-west-1.amazonaws.com`, accessKeyId: "GOVKEY" });
        useEnvironment({ AWS_PROFILE: "gov-dualstack" });
        assert.equal((await s3Request("--profile", "gov")).accessKeyId, "GOVKEY", "--profile over AWS_PROFILE");

        useEnvironment({ AWS_USE_FIPS_ENDPOINT: "false" });
        assert.equal((await s3Request("--profile", "gov")).host, `${BUCKET}.s3.us-gov-west-1.amazonaws.com`, "the environment over the profile");
        assert.equal(
            (await s3Request("--profile", "gov", "--region", "us-gov-east-1")).host,
            `${BUCKET}.s3.us-gov-east-1.amazonaws.com`,
            "--region over the profile",
        );
    });

    it("takes the dual-stack setting the same way: --dualstack/--no-dualstack, AWS_USE_DUALSTACK_ENDPOINT, use_dualstack_endpoint", async function () {
        useEnvironment({ AWS_USE_DUALSTACK_ENDPOINT: "true" });
        assert.equal((await s3Request("--region", "us-gov-west-1")).host, `${BUCKET}.s3.dualstack.us-gov-west-1.amazonaws.com`);
        assert.equal((await runtimeRequest("--region", "us-east-1")).host, "runtime.sagemaker.us-east-1.api.aws");
        assert.equal((await s3Request("--region", "us-gov-west-1", "--no-dualstack")).host, `${BUCKET}.s3.us-gov-west-1.amazonaws.com`);
        assert.equal((await s3Request("--region", "us-gov-west-1", "--fips")).host, `${BUCKET}.s3-fips.dualstack.us-gov-west-1.amazonaws.com`);

        useEnvironment();
        assert.deepEqual(await s3Request("--profile", "gov-dualstack"), {
            host: `${BUCKET}.s3.dualstack.us-gov-east-1.amazonaws.com`,
            accessKeyId: "DUALSTACKKEY",
        });
        assert.equal((await s3Request("--region", "us-east-1", "--dualstack")).host, `${BUCKET}.s3.dualstack.us-east-1.amazonaws.com`);
    });

    it("says which endpoint the client resolved, and which setting chose it", async function () {
        const describe = async (args: string[], vars: Record<string, string> = {}) => {
            useEnvironment(vars);
            const resolved = await resolveConnection(
                {
                    region: args.includes("--region") ? args[args.indexOf("--region") + 1] : undefined,
                    profile: args.includes("--profile") ? args[args.indexOf("--profile") + 1] : undefined,
                    fips: args.includes("--fips") || undefined,
                    dualstack: args.includes("--dualstack") || undefined,
                },
                undefined,
                process.env,
                "S3",
            );
            const client = new S3Client(clientConfig(resolved.connection));
            try {
                return (await describeClientEndpoint(client, resolved)).description;
            } finally {
                client.destroy();
            }
        };
        assert.equal(
            await describe(["--region", "us-east-1"], { AWS_USE_FIPS_ENDPOINT: "true" }),
            "us-east-1 (AWS commercial), FIPS endpoint (AWS_USE_FIPS_ENDPOINT)",
        );
        assert.equal(await describe(["--profile", "gov"]), "us-gov-west-1 (AWS GovCloud (US)), FIPS endpoint (profile gov's use_fips_endpoint)");
        assert.equal(
            await describe(["--region", "us-gov-east-1", "--fips", "--dualstack"]),
            "us-gov-east-1 (AWS GovCloud (US)), FIPS endpoint (--fips), dual-stack endpoint (--dualstack)",
        );
        assert.equal(
            await describe([], { AWS_PROFILE: "gov-dualstack" }),
            "us-gov-east-1 (AWS GovCloud (US)), dual-stack endpoint (profile gov-dualstack's use_dualstack_endpoint)",
        );
        assert.equal(await describe(["--region", "us-east-1"]), "us-east-1 (AWS commercial)");
    });

    it("reads the shared files where the SDK does by default: ~/.aws/config and ~/.aws/credentials", async function () {
        const home = fs.mkdtempSync(path.join(tmp, "home-"));
        fs.mkdirSync(path.join(home, ".aws"));
        fs.writeFileSync(path.join(home, ".aws", "config"), "[profile home-only]\nregion = us-gov-east-1\nuse_fips_endpoint = true\n");
        fs.writeFileSync(path.join(home, ".aws", "credentials"), "[creds-only]\naws_access_key_id = K\naws_secret_access_key = S\n");
        const env = { HOME: home };
        const fromConfig = await resolveConnection({ profile: "home-only" }, undefined, env, "S3");
        assert.deepEqual(fromConfig.settingSources, { fips: "profile home-only's use_fips_endpoint" });
        assert.equal((await resolveConnection({ profile: "creds-only" }, undefined, env, "S3")).connection.profile, "creds-only");
        await assert.rejects(resolveConnection({ profile: "x" }, undefined, env, "S3"), {
            message: `--profile 'x': no such profile in ${home}/.aws/config or ${home}/.aws/credentials; profiles there: home-only, creds-only (add it with 'aws configure --profile x' or 'aws configure sso')`,
        });
        await assert.rejects(
            resolveConnection({ profile: "x" }, undefined, { HOME: path.join(tmp, "no-home") }, "S3"),
            /no such profile in .* they define no profiles/,
        );
    });

    it("notes a setting only when --endpoint-url sets it aside", async function () {
        const env = { AWS_USE_FIPS_ENDPOINT: "true", AWS_CONFIG_FILE: path.join(tmp, "config"), AWS_SHARED_CREDENTIALS_FILE: path.join(tmp, "credentials") };
        const regional = await resolveConnection({ region: "us-east-1" }, undefined, env, "S3");
        assert.deepEqual(regional, {
            connection: { region: "us-east-1", profile: undefined, fips: undefined, dualstack: undefined, endpointUrl: undefined },
            settingSources: { fips: "AWS_USE_FIPS_ENDPOINT" },
            notes: [],
        });
        const local = await resolveConnection({ region: "us-east-1", "endpoint-url": "http://127.0.0.1:9" }, undefined, env, "S3");
        assert.deepEqual(local.notes, ["AWS_USE_FIPS_ENDPOINT asks for the FIPS endpoint; it does not apply to --endpoint-url http://127.0.0.1:9"]);
        const off = await resolveConnection(
            { region: "us-east-1", "endpoint-url": "http://127.0.0.1:9" },
            undefined,
            {
                ...env,
                AWS_USE_FIPS_ENDPOINT: "false",
            },
            "S3",
        );
        assert.deepEqual(off.notes, [], "a setting that asks for nothing");
        assert.equal(
            (await resolveConnection({}, "us-gov-west-1", { ...env, AWS_REGION: "us-east-1" }, "S3")).connection.region,
            "us-gov-west-1",
            "the stack's region over AWS_REGION",
        );
        assert.equal((await resolveConnection({}, undefined, { ...env, AWS_DEFAULT_REGION: "us-gov-east-1" }, "S3")).connection.region, "us-gov-east-1");
    });

    it("finds an endpoint URL the environment or profile configures as the SDK does, sends there, and names it", async function () {
        const configured = async (service: AwsServiceId, vars: Record<string, string>, profile?: string) =>
            (await resolveConnection({ region: "us-gov-west-1", profile }, undefined, useEnvironment(vars), service)).connection.configuredEndpoint;
        // Service-specific over global, for its own service only.
        assert.deepEqual(await configured("S3", { AWS_ENDPOINT_URL_S3: "http://s3.env.test:1", AWS_ENDPOINT_URL: "http://all.env.test:2" }), {
            url: "http://s3.env.test:1",
            source: "AWS_ENDPOINT_URL_S3",
        });
        assert.deepEqual(await configured("SageMaker Runtime", { AWS_ENDPOINT_URL_S3: "http://s3.env.test:1", AWS_ENDPOINT_URL: "http://all.env.test:2" }), {
            url: "http://all.env.test:2",
            source: "AWS_ENDPOINT_URL",
        });
        assert.deepEqual(await configured("SageMaker Runtime", { AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: "http://rt.env.test:3" }), {
            url: "http://rt.env.test:3",
            source: "AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME",
        });
        // The profile's services section for its service, else its endpoint_url; the environment first.
        assert.deepEqual(await configured("S3", {}, "local-services"), {
            url: "http://s3.local.test:9",
            source: "services section local's s3 endpoint_url (profile local-services)",
        });
        assert.equal(await configured("SageMaker Runtime", {}, "local-services"), undefined);
        assert.deepEqual(await configured("SageMaker Runtime", {}, "local-all"), {
            url: "http://all.local.test:8",
            source: "profile local-all's endpoint_url",
        });
        assert.equal((await configured("S3", { AWS_ENDPOINT_URL: "http://all.env.test:2" }, "local-services"))?.source, "AWS_ENDPOINT_URL");
        assert.equal(
            await configured("S3", { AWS_ENDPOINT_URL: "http://all.env.test:2", AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true" }, "local-services"),
            undefined,
        );
        await assert.rejects(configured("S3", { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "yes" }), {
            name: "InputError",
            message: /AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is 'yes': the AWS SDK accepts only true or false/,
        });

        // Where the tools' clients send the requests: the URL they named.
        useEnvironment({ AWS_ENDPOINT_URL_S3: "http://s3.env.test:1" });
        assert.equal((await s3Request("--region", "us-gov-west-1")).host, `${BUCKET}.s3.env.test`);
        useEnvironment();
        assert.equal((await runtimeRequest("--profile", "local-all")).host, "all.local.test");

        // Why the tools look: the SDK applies these settings on its own. And why they pass the URL on
        // themselves (clientConfig): the SDK reads AWS_PROFILE's endpoint_url, not that of the profile
        // given to the client. If this changes, clientConfig may leave the URL to the SDK again.
        const sdkHost = async (config: Record<string, unknown>) =>
            (await capturedRequest((c) => new SageMakerRuntimeClient(c), new InvokeEndpointCommand({ EndpointName: "e", Body: new Uint8Array() }), config))
                .host;
        useEnvironment({ AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: "http://rt.env.test:3", ...S3RVER_CREDENTIALS });
        assert.equal(await sdkHost({ region: "us-gov-west-1" }), "rt.env.test");
        useEnvironment({ AWS_PROFILE: "local-all" });
        assert.equal(await sdkHost({ region: "us-gov-west-1" }), "all.local.test");
        useEnvironment();
        assert.equal(await sdkHost({ region: "us-gov-west-1", profile: "local-all" }), "runtime.sagemaker.us-gov-west-1.amazonaws.com");

        // So with --profile, another profile's endpoint_url (default's) must not reach the request either.
        const config = path.join(tmp, "config-default-url");
        fs.writeFileSync(config, "[default]\nendpoint_url = http://default.local.test:7\n\n[profile plain]\nregion = us-gov-west-1\n");
        useEnvironment({ AWS_CONFIG_FILE: config });
        assert.equal(await sdkHost({ region: "us-gov-west-1", profile: "gov" }), "default.local.test", "the SDK alone takes default's");
        assert.equal((await runtimeRequest("--profile", "gov", "--region", "us-gov-west-1")).host, "runtime.sagemaker.us-gov-west-1.amazonaws.com");
        assert.equal((await runtimeRequest("--region", "us-gov-west-1")).host, "default.local.test", "without --profile, default's is the profile's own");
        const resolved = await resolveConnection({ profile: "local-services" }, undefined, useEnvironment(), "S3");
        const client = new S3Client(clientConfig(resolved.connection));
        try {
            assert.equal(
                (await describeClientEndpoint(client, resolved)).description,
                "us-gov-west-1 (AWS GovCloud (US)), endpoint http://s3.local.test:9 (services section local's s3 endpoint_url (profile local-services))",
            );
        } finally {
            client.destroy();
        }
    });

    it("refuses a configured endpoint URL with FIPS or dual-stack, which the SDK's endpoint rules refuse, naming both settings", async function () {
        const refused = (vars: Record<string, string>, values: Record<string, unknown> = {}) =>
            resolveConnection({ region: "us-east-1", ...values }, undefined, useEnvironment(vars), "S3");
        await assert.rejects(refused({ AWS_ENDPOINT_URL: "http://all.env.test:2", AWS_USE_FIPS_ENDPOINT: "true" }), {
            name: "InputError",
            message:
                "AWS_USE_FIPS_ENDPOINT asks for the FIPS endpoint and AWS_ENDPOINT_URL sets the endpoint URL http://all.env.test:2; the SDK refuses the two together. " +
                "Unset one of them, pass --no-fips, or set AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true to use the region's FIPS endpoint",
        });
        await assert.rejects(refused({ AWS_ENDPOINT_URL_S3: "http://s3.env.test:1" }, { dualstack: true }), {
            name: "InputError",
            message: /^--dualstack and AWS_ENDPOINT_URL_S3 \(http:\/\/s3\.env\.test:1\) exclude each other/,
        });
        // --no-fips sets the environment's FIPS aside; the configured URL is then used.
        assert.equal(
            (await refused({ AWS_ENDPOINT_URL: "http://all.env.test:2", AWS_USE_FIPS_ENDPOINT: "true" }, { "no-fips": true })).connection.configuredEndpoint
                ?.url,
            "http://all.env.test:2",
        );
        // On the command: exit 2 before any request, instead of the SDK's own error.
        const staged = await stageModel(
            ["--model", "acme/tiny-llm", "--bucket", BUCKET, "--prefix", "models/tiny/", "--region", "us-east-1"],
            useEnvironment({ AWS_ENDPOINT_URL: "http://127.0.0.1:9", AWS_USE_FIPS_ENDPOINT: "true", ...S3RVER_CREDENTIALS }),
        );
        assert.equal(staged.code, 2, staged.stderr);
        assert.match(staged.stderr, /AWS_USE_FIPS_ENDPOINT asks for the FIPS endpoint and AWS_ENDPOINT_URL sets the endpoint URL http:\/\/127\.0\.0\.1:9/);
    });

    it("explains the AWS errors any command can meet, and leaves the others to the command", function () {
        const host = "S3 in us-gov-west-1";
        assert.match(
            describeAwsError(Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" }), host)!,
            /^no AWS credentials found: set AWS_PROFILE/,
        );
        assert.match(describeAwsError(new Error("Region is missing"), host)!, /^no AWS region: pass --region or set AWS_REGION/);
        assert.match(
            describeAwsError(Object.assign(new Error("The security token included in the request is expired"), { name: "ExpiredTokenException" }), host)!,
            /^the AWS credentials have expired \(The security token/,
        );
        assert.match(
            describeAwsError(
                Object.assign(new Error("The security token included in the request is invalid."), { name: "UnrecognizedClientException" }),
                host,
            )!,
            /^AWS rejected the credentials \(UnrecognizedClientException: .*GovCloud and commercial accounts have separate credentials/,
        );
        const refused = new Error("fetch failed", { cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" }) });
        assert.equal(networkErrorCode(refused), "ECONNREFUSED");
        assert.match(describeAwsError(refused, host)!, /^cannot reach S3 in us-gov-west-1 \(ECONNREFUSED\)\. Check the network path/);
        assert.equal(networkErrorCode(Object.assign(new Error("x"), { code: "EACCES" })), undefined, "not a network error");
        assert.equal(describeAwsError(Object.assign(new Error("Access Denied"), { name: "AccessDenied" }), host), undefined);
    });

    describe("on the commands", function () {
        let runtime: FakeRuntime;
        let s3: S3TestServer;

        before(async function () {
            runtime = await startFakeRuntime();
            runtime.endpoints.set("tiny", { kind: "generate", text: "GovCloud is an isolated AWS region." });
            s3 = await startS3Server([BUCKET]);
        });

        after(async function () {
            await runtime?.close();
            await s3?.close();
        });

        const invoke = (argv: string[], env: NodeJS.ProcessEnv) => runCaptured(invokeMain, argv, { env });

        it("refuses contradictory flags, an unknown profile and a setting the SDK would read as false, before any request", async function () {
            const refusals: [string[], Record<string, string>, RegExp][] = [
                [["--fips", "--no-fips"], {}, /--fips and --no-fips exclude each other/],
                [["--dualstack", "--no-dualstack"], {}, /--dualstack and --no-dualstack exclude each other/],
                [["--dualstack", "--endpoint-url", "http://127.0.0.1:9"], {}, /--dualstack and --endpoint-url exclude each other/],
                [["--fips", "--endpoint-url", "http://127.0.0.1:9"], {}, /--fips and --endpoint-url exclude each other/],
                [
                    ["--profile", "nope"],
                    {},
                    /--profile 'nope': no such profile in .*config or .*credentials; profiles there: default, gov, gov-dualstack, typo, dev\.gov, local-services, local-all \(add it with 'aws configure --profile nope'/,
                ],
                // Names the SDK's parsed files hold that are no profiles: an object's own property, other kinds of section.
                [["--profile", "constructor"], {}, /--profile 'constructor': no such profile/],
                [["--profile", "sso-session.corp"], {}, /--profile 'sso-session\.corp': no such profile/],
                [["--profile", "services.local"], {}, /--profile 'services\.local': no such profile/],
                [[], { AWS_PROFILE: "nope" }, /AWS_PROFILE 'nope': no such profile/],
                [["--profile", ""], {}, /--profile is empty/],
                [
                    [],
                    { AWS_USE_FIPS_ENDPOINT: "yes" },
                    /AWS_USE_FIPS_ENDPOINT is 'yes': the AWS SDK reads only true or false and would take this as false; set it to true or false, or pass --fips or --no-fips/,
                ],
                [[], { AWS_USE_DUALSTACK_ENDPOINT: "1" }, /AWS_USE_DUALSTACK_ENDPOINT is '1'/],
                [["--profile", "typo"], {}, /profile typo's use_fips_endpoint is '1'/],
            ];
            for (const [args, vars, expected] of refusals) {
                const env = useEnvironment({ ...vars, ...S3RVER_CREDENTIALS });
                const staged = await stageModel(
                    ["--model", "acme/tiny-llm", "--bucket", BUCKET, "--prefix", "models/tiny/", "--region", "us-gov-west-1", ...args],
                    env,
                );
                assert.equal(staged.code, 2, `stage-model ${args.join(" ")}: ${staged.stderr}`);
                assert.match(staged.stderr, expected);
                // A flag's mistake points to --help; the environment's or a profile's does not.
                assert.equal(/--help/.test(staged.stderr), args.length > 0 && !args.includes("typo"), `stage-model ${args.join(" ")}: ${staged.stderr}`);
                const invoked = await invoke(["--endpoint-name", "tiny", "--engine", "tgi", "--prompt", "hi", "--region", "us-gov-west-1", ...args], env);
                assert.equal(invoked.code, 2, `invoke ${args.join(" ")}: ${invoked.stderr}`);
                assert.match(invoked.stderr, expected);
            }
            assert.equal(runtime.requests.length, 0, "nothing was sent to the runtime");
            assert.equal(s3.requests.length, 0, "nothing was sent to S3");
            // A flag decides, so the environment's value is not read.
            useEnvironment({ AWS_USE_FIPS_ENDPOINT: "yes" });
            assert.equal((await s3Request("--region", "us-east-1", "--no-fips")).host, `${BUCKET}.s3.us-east-1.amazonaws.com`);
        });

        it("with --endpoint-url, says that FIPS and dual-stack settings from the environment or profile do not apply", async function () {
            const env = useEnvironment({ AWS_USE_FIPS_ENDPOINT: "true", AWS_USE_DUALSTACK_ENDPOINT: "true", ...S3RVER_CREDENTIALS });
            const invoked = await invoke(
                ["--endpoint-name", "tiny", "--engine", "tgi", "--prompt", "hi", "--region", "us-gov-west-1", "--endpoint-url", runtime.url],
                env,
            );
            assert.equal(invoked.code, 0, invoked.stderr);
            assert.equal(invoked.stdout, "GovCloud is an isolated AWS region.\n");
            assert.match(invoked.stderr, new RegExp(`! AWS_USE_FIPS_ENDPOINT asks for the FIPS endpoint; it does not apply to --endpoint-url ${runtime.url}`));
            assert.match(invoked.stderr, /! AWS_USE_DUALSTACK_ENDPOINT asks for the dual-stack endpoint; it does not apply/);

            const modelDir = fs.mkdtempSync(path.join(tmp, "model-"));
            fs.writeFileSync(path.join(modelDir, "config.json"), "{}");
            const staged = await stageModel(
                [
                    "--from-dir",
                    modelDir,
                    "--bucket",
                    BUCKET,
                    "--prefix",
                    "models/tiny/",
                    "--region",
                    "us-gov-west-1",
                    "--endpoint-url",
                    s3.endpoint,
                    "--dryrun",
                ],
                env,
            );
            assert.equal(staged.code, 0, staged.stderr);
            assert.match(staged.stderr, /! AWS_USE_FIPS_ENDPOINT asks for the FIPS endpoint; it does not apply to --endpoint-url http:\/\/127\.0\.0\.1/);
            assert.match(staged.stdout, /\(dryrun\) upload: .*config\.json to s3:\/\/artifacts-1234\/models\/tiny\/config\.json/);

            useEnvironment({ ...S3RVER_CREDENTIALS });
            const quiet = await invoke(
                ["--endpoint-name", "tiny", "--engine", "tgi", "--prompt", "hi", "--region", "us-gov-west-1", "--endpoint-url", runtime.url],
                process.env,
            );
            assert.equal(quiet.code, 0, quiet.stderr);
            assert.equal(quiet.stderr, "", "no note without such a setting");
        });
    });
});
