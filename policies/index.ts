/**
 * The guardrails pack: composes the policies of each family. Each policy lives in its own file with
 * its metadata (lib/guardrail.ts); nothing is decided here.
 *
 * Run it: pulumi preview --policy-pack policies --policy-pack-config policies/config/<stack>.json
 */
import { PolicyPack } from "@pulumi/policy";
import { guardrails } from "./guardrails";

export const PACK_NAME = "sagemaker-llm-guardrails";

new PolicyPack(PACK_NAME, { policies: guardrails });
