import { Guardrail } from "../lib/guardrail";
import { sagemakerEndpointConfigInstanceTypeApproved } from "./sagemakerEndpointConfigInstanceTypeApproved";
import { sagemakerModelFitsGpuMemory } from "./sagemakerModelFitsGpuMemory";
import { sagemakerModelHubRevisionPinned } from "./sagemakerModelHubRevisionPinned";
import { sagemakerModelImageDigestPinned } from "./sagemakerModelImageDigestPinned";
import { sagemakerModelImageRegistryApproved } from "./sagemakerModelImageRegistryApproved";
import { sagemakerNotebookInstanceTypeApproved } from "./sagemakerNotebookInstanceTypeApproved";
import { sagemakerModelServingEngineMaintained } from "./sagemakerModelServingEngineMaintained";
import { sagemakerModelNumGpusWithinInstance } from "./sagemakerModelNumGpusWithinInstance";

export const instanceGuardrails: Guardrail[] = [
    sagemakerEndpointConfigInstanceTypeApproved,
    sagemakerNotebookInstanceTypeApproved,
    sagemakerModelNumGpusWithinInstance,
    sagemakerModelFitsGpuMemory,
    sagemakerModelServingEngineMaintained,
    sagemakerModelHubRevisionPinned,
    sagemakerModelImageDigestPinned,
    sagemakerModelImageRegistryApproved,
];
