import { Guardrail } from "../lib/guardrail";
import { allowedRegions } from "./allowedRegions";
import { consistentReferences } from "./consistentReferences";

export const partitionGuardrails: Guardrail[] = [consistentReferences, allowedRegions];
