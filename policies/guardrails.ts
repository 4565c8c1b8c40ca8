/** Every guardrail of the pack, by family. Import this (not index.ts, which starts the pack). */
import { availabilityGuardrails } from "./availability";
import { encryptionGuardrails } from "./encryption";
import { iamGuardrails } from "./iam";
import { instanceGuardrails } from "./instances";
import { Guardrail } from "./lib/guardrail";
import { networkGuardrails } from "./network";
import { notebookGuardrails } from "./notebook";
import { partitionGuardrails } from "./partition";
import { secretsGuardrails } from "./secrets";
import { tagGuardrails } from "./tags";
import { waiverGuardrails } from "./waivers";

export const guardrails: Guardrail[] = [
    ...networkGuardrails,
    ...encryptionGuardrails,
    ...instanceGuardrails,
    ...tagGuardrails,
    ...partitionGuardrails,
    ...notebookGuardrails,
    ...iamGuardrails,
    ...availabilityGuardrails,
    ...secretsGuardrails,
    // Last: they report what the policies above found and waivers covered.
    ...waiverGuardrails,
];
