/**
 * The ML storage volume key of a SageMaker endpoint configuration, decided per instance type.
 *
 * SageMaker's CreateEndpointConfig `KmsKeyId` encrypts the ML storage volume attached to the
 * hosting instances, and "you can't request a KmsKeyId when using an instance type with local
 * storage": the call fails, and the NVMe instance store is hardware-encrypted. So the key is
 * REQUIRED when every variant runs on an EBS-backed type (otherwise the volume has only an AWS
 * managed key) and FORBIDDEN when any variant runs on a type with local NVMe storage. Rules that
 * require the key unconditionally (cdk-nag AwsSolutions-SM2, Checkov CKV_AWS_98, AWS Config
 * sagemaker-endpoint-configuration-kms-key-configured) demand a configuration SageMaker rejects on
 * the GPU types LLMs mostly run on (ml.g4dn, ml.g5, ...).
 *
 * Which type has local NVMe comes from ../catalog/instances.ts (`localNvme`), the table the program
 * uses. A type missing from that table cannot be decided and is reported as such.
 *
 * Unknowns: the key is `present` (an ARN from an in-stack key counts as set); an instance type
 * unknown during preview defers the policy to `pulumi up`. Serverless variants (no instance type)
 * have no ML storage volume to key and are not judged.
 */
import { findInstanceType, INSTANCE_TYPES } from "../catalog/instances";
import { resourceGuardrail } from "../lib/guardrail";
import { variantsOf } from "../lib/instancesServing";
import { Deferrals, isPresent } from "../lib/values";

export const ENDPOINT_CONFIG_TYPE = "aws:sagemaker/endpointConfiguration:EndpointConfiguration";

export interface VariantInstance {
    /** Where the variant is, e.g. `productionVariants[0]`. */
    where: string;
    instanceType: string;
}

/** Instance families of the GPU types in the pack's instance catalog with or without local NVMe, comma-separated (`ml.g5, ml.g6`). */
function gpuFamilies(localNvme: boolean): string {
    const types = INSTANCE_TYPES.filter((t) => t.gpuCount > 0 && t.localNvme === localNvme);
    return [...new Set(types.map((t) => t.name.split(".").slice(0, 2).join(".")))].join(", ");
}

const REMEDIATION =
    `On instance types with local NVMe storage (${gpuFamilies(true)}) leave kmsKeyArn unset: ` +
    "SageMaker rejects it and the NVMe volume is hardware-encrypted. On EBS-backed types " +
    `(${gpuFamilies(false)}) set kmsKeyArn to a customer-managed KMS key ARN. Do not mix the two kinds in one endpoint configuration.`;

/**
 * The problems with a configuration's volume key, given its variants' instance types and whether
 * `kmsKeyArn` is set: empty when compliant.
 */
export function volumeKeyProblems(variants: VariantInstance[], keyPresent: boolean): string[] {
    if (variants.length === 0) return [];
    const nvme = variants.filter((v) => findInstanceType(v.instanceType)?.localNvme === true);
    const unlisted = variants.filter((v) => !findInstanceType(v.instanceType));
    const list = (vs: VariantInstance[]) => vs.map((v) => `${v.where}.instanceType '${v.instanceType}'`).join(", ");
    if (nvme.length > 0 && keyPresent) {
        return [
            `kmsKeyArn is set, but ${list(nvme)} ${nvme.length === 1 ? "has" : "have"} local NVMe instance storage: SageMaker rejects a KmsKeyId for ${nvme.length === 1 ? "this instance type" : "these instance types"} ` +
                `(CreateEndpointConfig fails) and encrypts the NVMe volume in hardware. Remove kmsKeyArn from this endpoint configuration.`,
        ];
    }
    if (unlisted.length > 0) {
        return [
            `${list(unlisted)} ${unlisted.length === 1 ? "is" : "are"} not in the pack's instance catalog, so this policy cannot tell whether SageMaker requires or rejects kmsKeyArn ` +
                `(kmsKeyArn is ${keyPresent ? "set" : "not set"}). Use a listed type, or add the type to the pack's instance catalog with its localNvme fact and its source.`,
        ];
    }
    if (nvme.length === 0 && !keyPresent) {
        return [
            `kmsKeyArn is not set and every variant runs on an EBS-backed instance type (${list(variants)}): the ML storage volume would be encrypted only with an AWS managed key. ` +
                `Set kmsKeyArn to a customer-managed KMS key ARN.`,
        ];
    }
    return [];
}

export const sagemakerEndpointConfigVolumeKms = resourceGuardrail(
    {
        name: "sagemaker-endpoint-config-volume-kms",
        description:
            "A SageMaker endpoint configuration sets kmsKeyArn when every variant's instance type is EBS-backed, and does not set it when any has local NVMe storage.",
        enforcementLevel: "mandatory",
        severity: "high",
        url: "https://docs.aws.amazon.com/sagemaker/latest/dg/encryption-at-rest-nbi.html",
        family: "encryption",
        remediationSteps: REMEDIATION,
        controls: ["SC-28", "SC-28(1)", "SC-12", "SC-13"],
        unknowns: "present",
        rationale:
            "The ML storage volume holds the model weights: on EBS-backed types only a customer-managed key puts its encryption under the stack's key policy, while on NVMe types SageMaker refuses a key (the volume is hardware-encrypted), which rules that always demand one get wrong.",
    },
    (args, reportViolation) => {
        if (args.type !== ENDPOINT_CONFIG_TYPE) return;
        const deferrals = new Deferrals();
        const variants: VariantInstance[] = [];
        for (const variant of variantsOf(args.name, args.props, deferrals)) {
            const instanceType = deferrals.readKnown(variant.variant, "instanceType", { resource: args.name, path: `${variant.path}.instanceType` });
            if (typeof instanceType === "string" && instanceType !== "") variants.push({ where: variant.label, instanceType });
        }
        const keyPresent = isPresent(args.props, "kmsKeyArn");
        // An unknown type could change the verdict, except that a known NVMe type with a key is already wrong.
        const decided = volumeKeyProblems(variants, keyPresent);
        const nvmeWithKey = keyPresent && variants.some((v) => findInstanceType(v.instanceType)?.localNvme === true);
        if (deferrals.pending && !nvmeWithKey) {
            deferrals.settle();
            return;
        }
        for (const problem of decided) reportViolation(problem);
    },
);
