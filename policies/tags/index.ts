import { Guardrail } from "../lib/guardrail";
import { awsResourceTagsRequired } from "./awsResourceTagsRequired";
import { awsResourceTagValuesAllowed } from "./awsResourceTagValuesAllowed";

export const tagGuardrails: Guardrail[] = [awsResourceTagsRequired, awsResourceTagValuesAllowed];
