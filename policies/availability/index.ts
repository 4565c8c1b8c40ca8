import { Guardrail } from "../lib/guardrail";
import { endpointAutoRollbackAlarms } from "./endpointAutoRollbackAlarms";
import { llmStartupHealthCheckTimeout } from "./llmStartupHealthCheckTimeout";
import { productionEndpointRedundancy } from "./productionEndpointRedundancy";

export const availabilityGuardrails: Guardrail[] = [productionEndpointRedundancy, endpointAutoRollbackAlarms, llmStartupHealthCheckTimeout];
