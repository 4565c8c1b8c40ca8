import { Guardrail } from "../lib/guardrail";
import { endpointInstanceTypeApproved } from "./endpointInstanceTypeApproved";
import { modelFitsGpuMemory } from "./modelFitsGpuMemory";
import { notebookInstanceTypeApproved } from "./notebookInstanceTypeApproved";
import { sagemakerModelHubRevisionPinned } from "./sagemakerModelHubRevisionPinned";
import { sagemakerModelImageDigestPinned } from "./sagemakerModelImageDigestPinned";
import { sagemakerModelImageRegistryApproved } from "./sagemakerModelImageRegistryApproved";
import { servingEngineMaintained } from "./servingEngineMaintained";
import { smNumGpusWithinInstance } from "./smNumGpusWithinInstance";

export const instanceGuardrails: Guardrail[] = [
    endpointInstanceTypeApproved,
    notebookInstanceTypeApproved,
    smNumGpusWithinInstance,
    modelFitsGpuMemory,
    servingEngineMaintained,
    sagemakerModelHubRevisionPinned,
    sagemakerModelImageDigestPinned,
    sagemakerModelImageRegistryApproved,
];
