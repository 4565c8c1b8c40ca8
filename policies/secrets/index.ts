import { Guardrail } from "../lib/guardrail";
import { sagemakerModelEnvCredentialExposure } from "./modelEnvCredentialExposure";
import { sagemakerModelEnvNoCredentials } from "./modelEnvNoCredentials";

export const secretsGuardrails: Guardrail[] = [sagemakerModelEnvNoCredentials, sagemakerModelEnvCredentialExposure];
