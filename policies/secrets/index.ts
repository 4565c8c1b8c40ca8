import { Guardrail } from "../lib/guardrail";
import { sagemakerModelEnvCredentialExposure } from "./sagemakerModelEnvCredentialExposure";
import { sagemakerModelEnvNoCredentials } from "./sagemakerModelEnvNoCredentials";

export const secretsGuardrails: Guardrail[] = [sagemakerModelEnvNoCredentials, sagemakerModelEnvCredentialExposure];
