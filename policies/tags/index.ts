import { Guardrail } from "../lib/guardrail";
import { requiredTags } from "./requiredTags";
import { tagValues } from "./tagValues";

export const tagGuardrails: Guardrail[] = [requiredTags, tagValues];
