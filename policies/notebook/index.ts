import { Guardrail } from "../lib/guardrail";
import { sagemakerNotebookImdsv2Required } from "./sagemakerNotebookImdsv2Required";
import { sagemakerNotebookNotDefaultSecurityGroup } from "./sagemakerNotebookNotDefaultSecurityGroup";
import { sagemakerNotebookPlatformApproved } from "./sagemakerNotebookPlatformApproved";
import { sagemakerNotebookRootAccessDisabled } from "./sagemakerNotebookRootAccessDisabled";

export const notebookGuardrails: Guardrail[] = [
    sagemakerNotebookRootAccessDisabled,
    sagemakerNotebookImdsv2Required,
    sagemakerNotebookPlatformApproved,
    sagemakerNotebookNotDefaultSecurityGroup,
];
