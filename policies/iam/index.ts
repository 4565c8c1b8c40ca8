import { Guardrail } from "../lib/guardrail";
import { awsResourcePolicyPrincipalsLimited } from "./awsResourcePolicyPrincipalsLimited";
import { iamIdentityNoBroadManagedPolicies } from "./iamIdentityNoBroadManagedPolicies";
import { iamPolicyNoPassRoleWildcard } from "./iamPolicyNoPassRoleWildcard";
import { iamPolicyNoWildcardActions } from "./iamPolicyNoWildcardActions";
import { iamRoleTrustSagemakerOnly } from "./iamRoleTrustSagemakerOnly";
import { iamRoleTrustSourceAccount } from "./iamRoleTrustSourceAccount";

export const iamGuardrails: Guardrail[] = [
    iamIdentityNoBroadManagedPolicies,
    iamPolicyNoWildcardActions,
    iamRoleTrustSagemakerOnly,
    iamRoleTrustSourceAccount,
    iamPolicyNoPassRoleWildcard,
    awsResourcePolicyPrincipalsLimited,
];
