/**
 * The guardrails pack: composes the policies of each family. Each policy lives in its own file with
 * its metadata (lib/guardrail.ts); nothing is decided here. Former policy names stay accepted in
 * pack configs for one release (renamedPolicies.ts, lib/renamedConfig.ts); waivers in the pack config
 * apply to every policy's findings (lib/waivers.ts). Both read the whole config at Configure.
 *
 * Run it: pulumi preview --policy-pack policies --policy-pack-config policies/config/<stack>.json
 */
import { PolicyPack } from "@pulumi/policy";
import { guardrails } from "./guardrails";
import { withConfigureAdjusted } from "./lib/analyzerConfigure";
import { formerNameSupport } from "./lib/renamedConfig";
import { rememberPackConfig } from "./lib/packConfig";
import { configureWaivers } from "./lib/waivers";
import { POLICY_RENAMES } from "./renamedPolicies";

export const PACK_NAME = "sagemaker-llm-guardrails";

const formerNames = formerNameSupport(guardrails, POLICY_RENAMES);
withConfigureAdjusted(
    (config) => {
        formerNames.adjust(config);
        rememberPackConfig(config);
        configureWaivers(config, new Date().toISOString().slice(0, 10));
    },
    () => new PolicyPack(PACK_NAME, { policies: [...guardrails, ...formerNames.policies] }),
);
