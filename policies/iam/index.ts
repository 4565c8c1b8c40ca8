import { Guardrail } from "../lib/guardrail";
import { iamIdentityNoBroadManagedPolicies } from "./iamIdentityNoBroadManagedPolicies";
import { iamPolicyNoWildcardActions } from "./iamPolicyNoWildcardActions";
import { iamRoleTrustSagemakerOnly } from "./iamRoleTrustSagemakerOnly";
import { iamRoleTrustSourceAccount } from "./iamRoleTrustSourceAccount";

export const iamGuardrails: Guardrail[] = [iamIdentityNoBroadManagedPolicies, iamPolicyNoWildcardActions, iamRoleTrustSagemakerOnly, iamRoleTrustSourceAccount];
