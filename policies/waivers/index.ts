import { Guardrail } from "../lib/guardrail";
import { awsResourceFindingsWaived } from "./awsResourceFindingsWaived";
import { awsResourceWaiversValid } from "./awsResourceWaiversValid";

/** Last in the pack: they report what the other policies' findings met (lib/waivers.ts). */
export const waiverGuardrails: Guardrail[] = [awsResourceWaiversValid, awsResourceFindingsWaived];
