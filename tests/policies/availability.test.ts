/**
 * The "availability" family (policies/availability/, advisory by default), through @pulumi/policy's
 * own analyzer: this repo's program for its stacks and variants, and the fixture programs in
 * tests/fixtures/policy-instances for what the program never builds (no rollback alarms, no
 * startup timeout, a single unscaled production instance).
 */
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { checkRollbackAlarms } from "../../policies/availability/sagemakerEndpointAutoRollbackAlarms";
import { checkStartupTimeout } from "../../policies/availability/sagemakerEndpointConfigStartupHealthCheckTimeout";
import { checkRedundancy } from "../../policies/availability/sagemakerEndpointConfigProductionRedundancy";
import { PRODUCTION_DEFAULTS, productionReason } from "../../policies/lib/availabilityScope";
import { stackOfUrn } from "../../policies/lib/urn";
import { assertClean, messages, notRunMessage } from "./assertions";
import { evaluateRepoStack, evaluateStack, EvaluateOptions, FIXTURES, guardrailsPack } from "./harness";

const REDUNDANCY = "sagemaker-endpoint-config-production-redundancy";
const ROLLBACK = "sagemaker-endpoint-auto-rollback-alarms";
const STARTUP = "sagemaker-endpoint-config-startup-health-check-timeout";
const AVAILABILITY_POLICIES = [REDUNDANCY, ROLLBACK, STARTUP];

const fixture = (name: string, options: EvaluateOptions = {}) => evaluateStack(`${FIXTURES}/policy-instances`, name, options);

/** The govcloud stack as production (by policy config), with one model entry. */
const PRODUCTION = { policyConfig: { [REDUNDANCY]: { productionStacks: ["govcloud"] } } };
const singleMistral = (fields: Record<string, unknown>) => ({ production: true, models: [{ id: "mistral-7b-instruct", ...fields }] });

describe("availability policies", function () {
    before(async () => {
        const pack = await guardrailsPack();
        for (const name of AVAILABILITY_POLICIES) {
            assert.equal(pack.policies.find((p) => p.name === name)?.enforcementLevel, "advisory", `${name} is advisory by default`);
        }
    });

    describe("the repo's stacks as they are", () => {
        for (const stack of ["govcloud", "commercial"]) {
            for (const preview of [true, false]) {
                it(`${stack}, ${preview ? "preview" : "update"}: no violation, error or not-run`, async () => {
                    const e = await evaluateRepoStack(stack, { preview });
                    assertClean(e, AVAILABILITY_POLICIES, `${stack} preview=${preview}`);
                });
            }
        }
    });

    describe(REDUNDANCY, () => {
        it("passes a production stack with two instances and autoscaling from two (production: true)", async () => {
            for (const preview of [true, false]) {
                const e = await evaluateRepoStack("govcloud", { ...PRODUCTION, overrides: { production: true }, preview });
                assert.deepEqual(messages(e, REDUNDANCY), []);
                assert.equal(e.notRun(REDUNDANCY), false);
            }
            assert.deepEqual(messages(await fixture("compliant"), REDUNDANCY), []);
        });

        it("flags a production endpoint that autoscaling can take down to one instance, in preview (linked by dependencies) and in an update", async () => {
            for (const preview of [true, false]) {
                const e = await evaluateRepoStack("govcloud", { ...PRODUCTION, overrides: singleMistral({ instanceCount: 1, minInstances: 1 }), preview });
                const [violation, ...rest] = e.of(REDUNDANCY);
                assert.equal(rest.length, 0);
                assert.equal(e.notRun(REDUNDANCY), false);
                assert.equal(violation.enforcementLevel, "advisory");
                assert.equal(violation.resourceName, "mistral-7b-instruct-endpoint");
                assert.match(
                    violation.message,
                    /is production \(stack govcloud is in productionStacks\) but its variant AllTraffic can run on 1 instance\(s\) \(autoscaling target mistral-7b-instruct-scaling minCapacity = 1\), below 2/,
                );
            }
        });

        it("the autoscaling floor counts, not the initial count", async () => {
            const e = await evaluateRepoStack("govcloud", { ...PRODUCTION, overrides: singleMistral({ instanceCount: 2, minInstances: 1 }) });
            assert.match(messages(e, REDUNDANCY).join(), /minCapacity = 1/);
        });

        it("without autoscaling, the variant's initialInstanceCount; production from the Environment tag (any case)", async () => {
            const e = await fixture("no-rollback");
            assert.match(
                messages(e, REDUNDANCY).join(),
                /is production \(tag Environment=Production\) but its variant variant-0 can run on 1 instance\(s\) \(mistral-config productionVariants\[0\]\.initialInstanceCount = 1, no autoscaling target\)/,
            );
        });

        it("an instance count or minimum capacity unknown in preview: not run on it, naming the value; judged in an update", async () => {
            const endpoint = (extra: { computedCount?: boolean; autoscaling?: Record<string, unknown> }) => ({
                name: "mistral",
                variants: [
                    { model: "mistral", instanceType: "ml.g4dn.12xlarge", instanceCount: 1, healthCheckTimeout: 600, computedCount: extra.computedCount },
                ],
                rollbackAlarms: 2,
                autoscaling: extra.autoscaling,
            });
            const byCount = { overrides: { endpoints: [endpoint({ computedCount: true })] } };
            const preview = await fixture("compliant", byCount);
            assert.deepEqual(messages(preview, REDUNDANCY), []);
            assert.match(notRunMessage(preview, REDUNDANCY), /\[not checked: mistral-config\.productionVariants\.0\.initialInstanceCount\]$/);
            assert.match(
                messages(await fixture("compliant", { ...byCount, preview: false }), REDUNDANCY).join(),
                /initialInstanceCount = 1, no autoscaling target\), below 2/,
            );
            const byMinimum = { overrides: { endpoints: [endpoint({ autoscaling: { minCapacity: 1, maxCapacity: 2, computedMin: true } })] } };
            assert.match(notRunMessage(await fixture("compliant", byMinimum), REDUNDANCY), /\[not checked: mistral-scaling\.minCapacity\]$/);
            assert.match(
                messages(await fixture("compliant", { ...byMinimum, preview: false }), REDUNDANCY).join(),
                /autoscaling target mistral-scaling minCapacity = 1\), below 2/,
            );
        });

        it("applies only to production: not by default, yes by the Environment tag", async () => {
            const overrides = singleMistral({ instanceCount: 1, minInstances: 1 });
            assert.deepEqual(messages(await evaluateRepoStack("govcloud", { overrides }), REDUNDANCY), []);
            const tagged = await evaluateRepoStack("govcloud", {
                overrides: { ...overrides, tags: { Owner: "o", Project: "p", Environment: "production", DataClassification: "CUI" } },
            });
            assert.match(messages(tagged, REDUNDANCY).join(), /is production \(tag Environment=production\)/);
            const other = await evaluateRepoStack("govcloud", { overrides, policyConfig: { [REDUNDANCY]: { productionStacks: ["prod"] } } });
            assert.deepEqual(messages(other, REDUNDANCY), []);
        });

        it("config: minimumInstances and the enforcement level", async () => {
            const three = await fixture("compliant", { policyConfig: { [REDUNDANCY]: { minimumInstances: 3 } } });
            assert.match(messages(three, REDUNDANCY).join(), /minCapacity = 2\), below 3/);
            const mandatory = await fixture("no-rollback", { policyConfig: { [REDUNDANCY]: "mandatory" } });
            assert.deepEqual(
                mandatory.of(REDUNDANCY).map((v) => v.enforcementLevel),
                ["mandatory"],
            );
            assert.deepEqual(messages(await fixture("no-rollback", { policyConfig: { [REDUNDANCY]: { enforcementLevel: "disabled" } } }), REDUNDANCY), []);
        });

        it("with several variants, a scaling target whose resourceId is unknown in preview is not guessed: not run on it, judged in an update", async () => {
            const endpoints = [
                {
                    name: "pair",
                    variants: [
                        { name: "big", model: "big", instanceType: "ml.g4dn.12xlarge", instanceCount: 2, healthCheckTimeout: 600 },
                        { name: "small", model: "small", instanceType: "ml.g4dn.xlarge", instanceCount: 2, healthCheckTimeout: 600 },
                    ],
                    rollbackAlarms: 2,
                    autoscaling: { minCapacity: 1, maxCapacity: 2 },
                },
            ];
            const overrides = { environment: "production", endpoints };
            const preview = await fixture("two-variants", { overrides });
            assert.deepEqual(messages(preview, REDUNDANCY), []);
            assert.match(notRunMessage(preview, REDUNDANCY), /\[not checked: pair-scaling\.resourceId \(which of pair-config's variants it scales\)\]$/);
            // In an update the target names its variant: "big" scales down to 1; "small" keeps its 2.
            const update = await fixture("two-variants", { overrides, preview: false });
            assert.equal(update.notRun(REDUNDANCY), false);
            assert.deepEqual(update.flagged(REDUNDANCY), ["pair-endpoint"]);
            assert.match(
                messages(update, REDUNDANCY).join(),
                /its variant big can run on 1 instance\(s\) \(autoscaling target pair-scaling minCapacity = 1\), below 2/,
            );
        });

        it("a serverless variant has no instances to count: not judged, while the provisioned one beside it is", async () => {
            const endpoints = [
                {
                    name: "mistral",
                    variants: [
                        { name: "serverless", model: "mistral", serverless: { maxConcurrency: 5, memorySizeInMb: 6144 } },
                        { name: "provisioned", model: "mistral", instanceType: "ml.g5.2xlarge", instanceCount: 1 },
                    ],
                },
            ];
            const e = await fixture("no-rollback", { overrides: { endpoints }, preview: false });
            const [only, ...others] = messages(e, REDUNDANCY);
            assert.deepEqual(others, [], "one finding: the serverless variant is not one");
            assert.match(only, /mistral-endpoint is production .* but its variant provisioned can run on 1 instance\(s\)/);
        });

        it("the check and the production decision", () => {
            assert.equal(checkRedundancy({ instances: 2, source: "x" }, 2), undefined);
            assert.match(checkRedundancy({ instances: 1, source: "x" }, 2) ?? "", /1 instance\(s\) \(x\), below 2/);
            assert.equal(stackOfUrn("urn:pulumi:prod-east::proj::aws:sagemaker/endpoint:Endpoint::e"), "prod-east");
            const urn = "urn:pulumi:dev::proj::aws:sagemaker/endpoint:Endpoint::e";
            const noTags = new Map<string, string>();
            assert.equal(productionReason({ urn, props: {} }, noTags, PRODUCTION_DEFAULTS), undefined);
            assert.equal(productionReason({ urn, props: {} }, new Map([["Environment", "Prod"]]), PRODUCTION_DEFAULTS), "stack tag Environment=Prod");
            assert.equal(
                productionReason({ urn, props: { tags: { Stage: "live" } } }, noTags, {
                    productionStacks: [],
                    environmentTagKey: "Stage",
                    productionEnvironments: ["live"],
                }),
                "tag Stage=live",
            );
        });
    });

    describe(ROLLBACK, () => {
        it("passes the program's endpoints: alarm names unknown in preview count as set", async () => {
            for (const preview of [true, false]) {
                const e = await evaluateRepoStack("commercial", { preview });
                assert.deepEqual(messages(e, ROLLBACK), []);
                assert.equal(e.notRun(ROLLBACK), false);
            }
        });

        it("flags an endpoint without a deployment config", async () => {
            const e = await fixture("no-rollback");
            const [violation, ...rest] = e.of(ROLLBACK);
            assert.equal(rest.length, 0);
            assert.equal(violation.enforcementLevel, "advisory");
            assert.equal(violation.resourceName, "mistral-endpoint");
            assert.match(violation.message, /deploymentConfig is not set, so a failed update is not rolled back automatically\. Set deploymentConfig/);
        });

        it("config: minimumAlarms and the enforcement level", async () => {
            const e = await evaluateRepoStack("govcloud", { policyConfig: { [ROLLBACK]: { minimumAlarms: 2 } } });
            assert.match(messages(e, ROLLBACK).join(), /autoRollbackConfiguration\.alarms has 1 alarm\(s\), fewer than 2/);
            const mandatory = await fixture("no-rollback", { policyConfig: { [ROLLBACK]: "mandatory" } });
            assert.deepEqual(
                mandatory.of(ROLLBACK).map((v) => v.enforcementLevel),
                ["mandatory"],
            );
            assert.deepEqual(messages(await fixture("no-rollback", { policyConfig: { [ROLLBACK]: "disabled" } }), ROLLBACK), []);
        });

        it("the check", () => {
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const { unknownArrayValue, unknownObjectValue } = require("@pulumi/policy/proxy") as Record<string, string>;
            assert.equal(checkRollbackAlarms({ deploymentConfig: { autoRollbackConfiguration: { alarms: unknownArrayValue } } }, 1), undefined);
            assert.equal(checkRollbackAlarms({ deploymentConfig: unknownObjectValue }, 1), undefined);
            assert.match(checkRollbackAlarms({ deploymentConfig: { autoRollbackConfiguration: { alarms: [] } } }, 1) ?? "", /has 0 alarm\(s\)/);
            assert.match(checkRollbackAlarms({ deploymentConfig: { blueGreenUpdatePolicy: {} } }, 1) ?? "", /autoRollbackConfiguration is not set/);
            assert.equal(checkRollbackAlarms({ deploymentConfig: { autoRollbackConfiguration: unknownObjectValue } }, 1), undefined);
            for (const autoRollbackConfiguration of [undefined, null]) {
                assert.equal(
                    checkRollbackAlarms({ deploymentConfig: { autoRollbackConfiguration } }, 1),
                    "deploymentConfig.autoRollbackConfiguration is not set",
                );
            }
            for (const deploymentConfig of [undefined, null])
                assert.match(checkRollbackAlarms({ deploymentConfig }, 1) ?? "", /^deploymentConfig is not set, so a failed update is not rolled back/);
        });
    });

    describe(STARTUP, () => {
        it("passes the program's LLM-sized timeouts", async () => {
            assert.deepEqual(messages(await evaluateRepoStack("govcloud"), STARTUP), []);
            assert.deepEqual(messages(await fixture("compliant"), STARTUP), []);
        });

        it("flags a short timeout, and an unset one", async () => {
            const short = await evaluateRepoStack("commercial", {
                overrides: { models: [{ id: "mistral-7b-instruct", startupHealthCheckTimeoutSeconds: 300 }] },
            });
            const [violation, ...rest] = short.of(STARTUP);
            assert.equal(rest.length, 0);
            assert.equal(violation.enforcementLevel, "advisory");
            assert.equal(violation.resourceName, "mistral-7b-instruct-config");
            assert.match(
                violation.message,
                /productionVariants\[0\]\.containerStartupHealthCheckTimeoutInSeconds = 300 is below 600 s \(minimumHealthCheckTimeoutSeconds\)/,
            );
            assert.match(
                messages(await fixture("no-rollback"), STARTUP).join(),
                /containerStartupHealthCheckTimeoutInSeconds is not set \(needs at least 600 s/,
            );
        });

        it("scales with the model: Falcon-40B needs the catalog's 900 s (config useCatalogTimeouts turns it off)", async () => {
            const overrides = { models: [{ id: "falcon-40b-instruct", startupHealthCheckTimeoutSeconds: 600 }] };
            const e = await evaluateRepoStack("govcloud", { overrides });
            assert.match(messages(e, STARTUP).join(), /= 600 is below 900 s \(the pack's model catalog gives tiiuae\/falcon-40b-instruct 900 s\)/);
            assert.deepEqual(
                messages(await evaluateRepoStack("govcloud", { overrides, policyConfig: { [STARTUP]: { useCatalogTimeouts: false } } }), STARTUP),
                [],
            );
        });

        it("vLLM and SGLang containers are identified by their engine's model variable: Llama-3.3-70B needs the catalog's 2400 s on either", async () => {
            for (const [stack, engine] of [
                ["govcloud", "vllm"],
                ["commercial", "sglang"],
            ]) {
                const e = await evaluateRepoStack(stack, {
                    overrides: { models: [{ id: "llama-3.3-70b-instruct", engine, startupHealthCheckTimeoutSeconds: 900 }] },
                });
                assert.match(
                    messages(e, STARTUP).join(),
                    /= 900 is below 2400 s \(the pack's model catalog gives meta-llama\/Llama-3\.3-70B-Instruct 2400 s\)/,
                    `${stack} ${engine}`,
                );
            }
        });

        it("a container of no engine the pack knows (an own image) is identified by HF_MODEL_ID, which Hugging Face containers read", async () => {
            const ownImage: pulumi.ResourceTransformation = (args) =>
                args.type === "aws:sagemaker/model:Model"
                    ? {
                          props: {
                              ...args.props,
                              primaryContainer: {
                                  image: "111122223333.dkr.ecr.us-gov-west-1.amazonaws.com/own-llm-server:1.0",
                                  environment: { HF_MODEL_ID: "meta-llama/Llama-3.3-70B-Instruct" },
                              },
                          },
                          opts: args.opts,
                      }
                    : undefined;
            const overrides = { models: [{ id: "llama-3.3-70b-instruct", startupHealthCheckTimeoutSeconds: 900 }] };
            const e = await evaluateRepoStack("govcloud", { overrides, transformations: [ownImage] });
            assert.match(messages(e, STARTUP).join(), /= 900 is below 2400 s \(the pack's model catalog gives meta-llama\/Llama-3\.3-70B-Instruct 2400 s\)/);
        });

        it("a model that lists its container in containers[] (the multi-container form) is identified the same way", async () => {
            const overrides = { models: [{ id: "falcon-40b-instruct", startupHealthCheckTimeoutSeconds: 600 }] };
            const inContainers: pulumi.ResourceTransformation = (args) =>
                args.type === "aws:sagemaker/model:Model"
                    ? { props: { ...args.props, primaryContainer: undefined, containers: [args.props.primaryContainer] }, opts: args.opts }
                    : undefined;
            const e = await evaluateRepoStack("govcloud", { overrides, transformations: [inContainers] });
            assert.match(messages(e, STARTUP).join(), /= 600 is below 900 s \(the pack's model catalog gives tiiuae\/falcon-40b-instruct 900 s\)/);
        });

        it("with several variants, each is held to the catalog timeout of the model it serves, not its neighbour's", async () => {
            const models = [
                { name: "big", environment: { HF_MODEL_ID: "meta-llama/Llama-3.1-8B-Instruct", SM_NUM_GPUS: "4" } },
                { name: "small", environment: { HF_MODEL_ID: "tiiuae/falcon-7b-instruct", SM_NUM_GPUS: "1", HF_MODEL_QUANTIZE: "bitsandbytes" } },
            ];
            const endpoints = (bigTimeout: number) => [
                {
                    name: "pair",
                    variants: [
                        { name: "big", model: "big", instanceType: "ml.g4dn.12xlarge", healthCheckTimeout: bigTimeout },
                        { name: "small", model: "small", instanceType: "ml.g4dn.xlarge", healthCheckTimeout: 600 },
                    ],
                    rollbackAlarms: 2,
                },
            ];
            // In an update the variants' model names are known, so each variant's model is identified.
            const fitting = await fixture("two-variants", { overrides: { models, endpoints: endpoints(900) }, preview: false });
            assert.deepEqual(messages(fitting, STARTUP), []);
            const short = await fixture("two-variants", { overrides: { models, endpoints: endpoints(600) }, preview: false });
            assert.deepEqual(
                messages(short, STARTUP).map((m) => m.split("\n")[1].split(". ")[0]),
                [
                    "pair-config: productionVariants[0].containerStartupHealthCheckTimeoutInSeconds = 600 is below 900 s (the pack's model catalog gives meta-llama/Llama-3.1-8B-Instruct 900 s)",
                ],
            );
        });

        it("a timeout unknown in preview: not run in preview, checked in an update", async () => {
            const preview = await fixture("computed-instance-type");
            assert.equal(preview.notRun(STARTUP), true);
            assert.match(notRunMessage(preview, STARTUP), /\.productionVariants\.0\.containerStartupHealthCheckTimeoutInSeconds can't be known during preview/);
            const policyConfig = { [STARTUP]: { minimumHealthCheckTimeoutSeconds: 900 } };
            const update = await fixture("computed-instance-type", { preview: false, policyConfig });
            assert.equal(update.notRun(STARTUP), false);
            assert.match(messages(update, STARTUP).join(), /= 600 is below 900 s \(minimumHealthCheckTimeoutSeconds\)/);
        });

        it("config: the enforcement level", async () => {
            const mandatory = await fixture("no-rollback", { policyConfig: { [STARTUP]: "mandatory" } });
            assert.deepEqual(
                mandatory.of(STARTUP).map((v) => v.enforcementLevel),
                ["mandatory"],
            );
            assert.deepEqual(messages(await fixture("no-rollback", { policyConfig: { [STARTUP]: { enforcementLevel: "disabled" } } }), STARTUP), []);
        });

        it("the check", () => {
            assert.equal(checkStartupTimeout(900, { seconds: 900, why: "w" }), undefined);
            assert.match(checkStartupTimeout(899, { seconds: 900, why: "w" }) ?? "", /= 899 is below 900 s \(w\)/);
            for (const unset of [undefined, null]) {
                assert.equal(
                    checkStartupTimeout(unset, { seconds: 600, why: "w" }),
                    "containerStartupHealthCheckTimeoutInSeconds is not set (needs at least 600 s: w)",
                );
            }
        });
    });
});
