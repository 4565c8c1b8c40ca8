import { Guardrail } from "../lib/guardrail";
import { sagemakerEndpointAutoRollbackAlarms } from "./sagemakerEndpointAutoRollbackAlarms";
import { sagemakerEndpointConfigStartupHealthCheckTimeout } from "./sagemakerEndpointConfigStartupHealthCheckTimeout";
import { sagemakerEndpointConfigProductionRedundancy } from "./sagemakerEndpointConfigProductionRedundancy";

export const availabilityGuardrails: Guardrail[] = [
    sagemakerEndpointConfigProductionRedundancy,
    sagemakerEndpointAutoRollbackAlarms,
    sagemakerEndpointConfigStartupHealthCheckTimeout,
];
