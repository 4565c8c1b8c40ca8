import { Guardrail } from "../lib/guardrail";
import { awsResourcePolicyPrincipalsLimited } from "./awsResourcePolicyPrincipalsLimited";
import { iamPolicyNoPassRoleWildcard } from "./iamPolicyNoPassRoleWildcard";
import { noBroadManagedPolicies } from "./noBroadManagedPolicies";
import { noWildcardActions } from "./noWildcardActions";
import { sageMakerTrustOnlySageMaker } from "./sagemakerTrustOnlySageMaker";
import { sageMakerTrustSourceAccount } from "./sagemakerTrustSourceAccount";

export const iamGuardrails: Guardrail[] = [
    noBroadManagedPolicies,
    noWildcardActions,
    sageMakerTrustOnlySageMaker,
    sageMakerTrustSourceAccount,
    iamPolicyNoPassRoleWildcard,
    awsResourcePolicyPrincipalsLimited,
];
