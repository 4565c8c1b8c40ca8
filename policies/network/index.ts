import { Guardrail } from "../lib/guardrail";
import { externalSubnetsApproved } from "./externalSubnetsApproved";
import { interfaceEndpointPrivateDns } from "./interfaceEndpointPrivateDns";
import { modelInVpc } from "./modelInVpc";
import { notebookNoDirectInternet } from "./notebookNoDirectInternet";
import { privateEndpointsComplete } from "./privateEndpointsComplete";
import { sagemakerModelNetworkIsolation } from "./sagemakerModelNetworkIsolation";
import { sagemakerModelWeightsReachable } from "./sagemakerModelWeightsReachable";
import { sagemakerSubnetsPrivate } from "./sagemakerSubnetsPrivate";
import { sagemakerWorkloadCuiNoEgress } from "./sagemakerWorkloadCuiNoEgress";
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
    sagemakerModelWeightsReachable,
    sagemakerModelNetworkIsolation,
    sagemakerWorkloadCuiNoEgress,
];
