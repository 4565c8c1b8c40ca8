import { Guardrail } from "../lib/guardrail";
import { imdsV2Required } from "./imdsV2Required";
import { notDefaultSecurityGroup } from "./notDefaultSecurityGroup";
import { platformApproved } from "./platformApproved";
import { rootAccessDisabled } from "./rootAccessDisabled";

export const notebookGuardrails: Guardrail[] = [rootAccessDisabled, imdsV2Required, platformApproved, notDefaultSecurityGroup];
