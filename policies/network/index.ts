import { Guardrail } from "../lib/guardrail";
import { sagemakerWorkloadExternalSubnetsApproved } from "./sagemakerWorkloadExternalSubnetsApproved";
import { ec2VpcEndpointPrivateDns } from "./ec2VpcEndpointPrivateDns";
import { sagemakerModelInVpc } from "./sagemakerModelInVpc";
import { sagemakerModelNetworkIsolation } from "./sagemakerModelNetworkIsolation";
import { sagemakerModelWeightsReachable } from "./sagemakerModelWeightsReachable";
import { sagemakerNotebookNoDirectInternet } from "./sagemakerNotebookNoDirectInternet";
import { ec2VpcPrivateEndpointsComplete } from "./ec2VpcPrivateEndpointsComplete";
import { sagemakerWorkloadCuiNoEgress } from "./sagemakerWorkloadCuiNoEgress";
import { sagemakerWorkloadSubnetsPrivate } from "./sagemakerWorkloadSubnetsPrivate";
import { ec2SecurityGroupNoPublicIngress } from "./ec2SecurityGroupNoPublicIngress";
import { ec2VpcFlowLogsEnabled } from "./ec2VpcFlowLogsEnabled";

export const networkGuardrails: Guardrail[] = [
    sagemakerNotebookNoDirectInternet,
    sagemakerModelInVpc,
    sagemakerWorkloadSubnetsPrivate,
    sagemakerWorkloadExternalSubnetsApproved,
    ec2SecurityGroupNoPublicIngress,
    ec2VpcFlowLogsEnabled,
    ec2VpcEndpointPrivateDns,
    ec2VpcPrivateEndpointsComplete,
    sagemakerModelWeightsReachable,
    sagemakerModelNetworkIsolation,
    sagemakerWorkloadCuiNoEgress,
];
