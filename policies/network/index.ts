import { Guardrail } from "../lib/guardrail";
import { externalSubnetsApproved } from "./externalSubnetsApproved";
import { interfaceEndpointPrivateDns } from "./interfaceEndpointPrivateDns";
import { modelInVpc } from "./modelInVpc";
import { notebookNoDirectInternet } from "./notebookNoDirectInternet";
import { privateEndpointsComplete } from "./privateEndpointsComplete";
import { sagemakerSubnetsPrivate } from "./sagemakerSubnetsPrivate";
import { securityGroupNoPublicIngress } from "./securityGroupNoPublicIngress";
import { vpcFlowLogs } from "./vpcFlowLogs";

export const networkGuardrails: Guardrail[] = [
    notebookNoDirectInternet,
    modelInVpc,
    sagemakerSubnetsPrivate,
    externalSubnetsApproved,
    securityGroupNoPublicIngress,
    vpcFlowLogs,
    interfaceEndpointPrivateDns,
    privateEndpointsComplete,
];
