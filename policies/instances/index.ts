import { Guardrail } from "../lib/guardrail";
import { endpointInstanceTypeApproved } from "./endpointInstanceTypeApproved";
import { modelFitsGpuMemory } from "./modelFitsGpuMemory";
import { notebookInstanceTypeApproved } from "./notebookInstanceTypeApproved";
import { servingEngineMaintained } from "./servingEngineMaintained";
import { smNumGpusWithinInstance } from "./smNumGpusWithinInstance";

export const instanceGuardrails: Guardrail[] = [
    endpointInstanceTypeApproved,
    notebookInstanceTypeApproved,
    smNumGpusWithinInstance,
    modelFitsGpuMemory,
    servingEngineMaintained,
];
