/**
 * Endpoints roll a deployment back automatically on CloudWatch alarms:
 * deploymentConfig.autoRollbackConfiguration.alarms lists at least `minimumAlarms` alarms. Only
 * presence and count matter, so alarm names unknown during preview count as set.
 */
import { resourceGuardrail } from "../lib/guardrail";
import { ENDPOINT_TYPE } from "../lib/instancesServing";
import { isUnknownValue, isUnset, peek } from "../lib/values";

/** Why an endpoint's props lack rollback alarms, or undefined. Reads without the unknown check. */
export function checkRollbackAlarms(props: unknown, minimumAlarms: number): string | undefined {
    const deploymentConfig = peek(props, "deploymentConfig");
    if (isUnknownValue(deploymentConfig)) return undefined;
    if (isUnset(deploymentConfig)) return "deploymentConfig is not set, so a failed update is not rolled back automatically";
    const rollback = peek(deploymentConfig, "autoRollbackConfiguration");
    if (isUnknownValue(rollback)) return undefined;
    if (isUnset(rollback)) return "deploymentConfig.autoRollbackConfiguration is not set";
    const alarms = peek(rollback, "alarms");
    if (isUnknownValue(alarms)) return undefined;
    const count = Array.isArray(alarms) ? alarms.length : 0;
    if (count >= minimumAlarms) return undefined;
    return `deploymentConfig.autoRollbackConfiguration.alarms has ${count} alarm(s), fewer than ${minimumAlarms}`;
}

const REMEDIATION =
    "Set deploymentConfig with a blueGreenUpdatePolicy (or rollingUpdatePolicy) and autoRollbackConfiguration.alarms naming CloudWatch alarms that detect a broken new model, " +
    "such as the new fleet's share of 5XX errors (Invocation5XXErrors, Average, with the EndpointConfigName dimension), and that the execution role may read (cloudwatch:DescribeAlarms).";

export const sagemakerEndpointAutoRollbackAlarms = resourceGuardrail(
    {
        name: "sagemaker-endpoint-auto-rollback-alarms",
        description: "Endpoints have deployment auto-rollback alarms (deploymentConfig.autoRollbackConfiguration.alarms is not empty).",
        enforcementLevel: "advisory",
        severity: "low",
        url: "https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails-configuration.html",
        configSchema: {
            properties: {
                minimumAlarms: { type: "integer", minimum: 1, default: 1, description: "Fewest rollback alarms an endpoint must list." },
            },
        },
        family: "availability",
        remediationSteps: REMEDIATION,
        controls: ["CM-3", "CP-10", "SI-4", "SI-17"],
        unknowns: "present",
        rationale:
            "An update to a new model or instance type that starts failing requests should return to the last good configuration on its own, not wait for an operator.",
    },
    (args, reportViolation) => {
        if (args.type !== ENDPOINT_TYPE) return;
        const minimum = args.getConfig<{ minimumAlarms: number }>().minimumAlarms;
        const problem = checkRollbackAlarms(args.props, minimum);
        if (problem) reportViolation(`${problem}. ${REMEDIATION}`);
    },
);
