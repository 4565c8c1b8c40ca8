/**
 * Hugging Face Text Generation Inference (TGI) containers for SageMaker ("huggingface-llm").
 *
 * Sources:
 * - ECR accounts and tags: aws/sagemaker-python-sdk `src/sagemaker/image_uri_config/huggingface-llm.json`
 *   (moved to `sagemaker-core/src/sagemaker/core/image_uri_config/` in SDK v3) and `image_uris.py`
 *   for the URI shape; the GovCloud accounts are confirmed by the AWS GovCloud (US) User Guide,
 *   "Amazon SageMaker AI" page.
 * - GovCloud mirrors only the mutable tags (no `-vX.Y` suffix): GovCloud User Guide, same page.
 *   Every tag below is a mutable tag.
 *   Checked against the SDK's file as of 2026-08 (huggingface-llm.json, "inference" → "versions"):
 *   tag = `<tag_prefix>-gpu-<py_version>-<container_version>`; 3.3.6 is the newest release listed.
 *   Releases whose container_version carries a `-vX.Y` suffix (2.2.0, 2.4.0, 3.0.1) are left out.
 *   The registry table is the same for every release; China and the ISO regions are left out (no
 *   partition here), every other region of the file is listed below.
 * - Environment variable for the input-token limit: TGI's launcher (huggingface/text-generation-
 *   inference `launcher/src/main.rs`) has only `max_input_length` (env MAX_INPUT_LENGTH) up to and
 *   including tag v1.4.5; tag v2.0.0 adds `max_input_tokens` (env MAX_INPUT_TOKENS) and keeps
 *   `max_input_length` as its legacy alias (setting both is an error). Still so at v3.3.6.
 */

export const TGI_REPOSITORY = "huggingface-pytorch-tgi-inference";

/** ECR registry account hosting the TGI image, by region. */
const TGI_ACCOUNT_BY_REGION: Record<string, string> = {
    "us-east-1": "763104351884",
    "us-east-2": "763104351884",
    "us-west-1": "763104351884",
    "us-west-2": "763104351884",
    "ca-central-1": "763104351884",
    "eu-central-1": "763104351884",
    "eu-north-1": "763104351884",
    "eu-west-1": "763104351884",
    "eu-west-2": "763104351884",
    "eu-west-3": "763104351884",
    "sa-east-1": "763104351884",
    "ap-northeast-1": "763104351884",
    "ap-northeast-2": "763104351884",
    "ap-south-1": "763104351884",
    "ap-southeast-1": "763104351884",
    "ap-southeast-2": "763104351884",
    "ap-east-2": "975050140332",
    "ap-southeast-5": "550225433462",
    "ap-southeast-6": "633930458069",
    "ap-southeast-7": "590183813437",
    "mx-central-1": "637423239942",
    "af-south-1": "626614931356",
    "ap-east-1": "871362719292",
    "ap-northeast-3": "364406365360",
    "ap-south-2": "772153158452",
    "ap-southeast-3": "907027046896",
    "ap-southeast-4": "457447274322",
    "ca-west-1": "204538143572",
    "eu-central-2": "380420809688",
    "eu-south-1": "692866216735",
    "eu-south-2": "503227376785",
    "il-central-1": "780543022126",
    "me-central-1": "914824155844",
    "me-south-1": "217643126080",
    "us-gov-west-1": "442386744353",
    "us-gov-east-1": "446045086412",
};

export interface TgiVersion {
    /** TGI release, e.g. "3.3.6". */
    version: string;
    /** Mutable image tag for that release. */
    tag: string;
    /** Environment variable carrying the input-token limit in this release. */
    inputTokensEnv: "MAX_INPUT_TOKENS" | "MAX_INPUT_LENGTH";
}

export const TGI_VERSIONS: TgiVersion[] = [
    // The AWS GovCloud Falcon-40B sample's version, the one known to run on ml.g4dn (T4) there.
    { version: "1.0.3", tag: "2.0.1-tgi1.0.3-gpu-py39-cu118-ubuntu20.04", inputTokensEnv: "MAX_INPUT_LENGTH" },
    { version: "1.4.5", tag: "2.1.1-tgi1.4.5-gpu-py310-cu121-ubuntu22.04", inputTokensEnv: "MAX_INPUT_LENGTH" },
    { version: "2.0.0", tag: "2.1.1-tgi2.0.0-gpu-py310-cu121-ubuntu22.04", inputTokensEnv: "MAX_INPUT_TOKENS" },
    { version: "2.0.1", tag: "2.1.1-tgi2.0.1-gpu-py310-cu121-ubuntu22.04", inputTokensEnv: "MAX_INPUT_TOKENS" },
    { version: "2.0.2", tag: "2.3.0-tgi2.0.2-gpu-py310-cu121-ubuntu22.04", inputTokensEnv: "MAX_INPUT_TOKENS" },
    { version: "2.3.1", tag: "2.4.0-tgi2.3.1-gpu-py311-cu124-ubuntu22.04", inputTokensEnv: "MAX_INPUT_TOKENS" },
    { version: "3.2.3", tag: "2.6.0-tgi3.2.3-gpu-py311-cu124-ubuntu22.04", inputTokensEnv: "MAX_INPUT_TOKENS" },
    { version: "3.3.6", tag: "2.7.0-tgi3.3.6-gpu-py311-cu124-ubuntu22.04", inputTokensEnv: "MAX_INPUT_TOKENS" },
];

/** The TGI release used when a model setting names none. */
export const DEFAULT_TGI_VERSION = "3.3.6";

export function tgiImageRegions(): string[] {
    return Object.keys(TGI_ACCOUNT_BY_REGION);
}

export function tgiImageAccount(region: string): string | undefined {
    return TGI_ACCOUNT_BY_REGION[region];
}

export function findTgiVersion(version: string): TgiVersion | undefined {
    return TGI_VERSIONS.find((v) => v.version === version);
}

/** Registry host of the TGI image for a region, e.g. `442386744353.dkr.ecr.us-gov-west-1.amazonaws.com`. */
export function tgiRegistry(region: string, dnsSuffix: string): string {
    const account = tgiImageAccount(region);
    if (!account) throw new Error(`No TGI image account is known for region ${region}`);
    return `${account}.dkr.ecr.${region}.${dnsSuffix}`;
}

/** Full image URI for a region and TGI release. */
export function tgiImageUri(region: string, dnsSuffix: string, version: string): string {
    const tgi = findTgiVersion(version);
    if (!tgi) throw new Error(`Unknown TGI version ${version}`);
    return `${tgiRegistry(region, dnsSuffix)}/${TGI_REPOSITORY}:${tgi.tag}`;
}
