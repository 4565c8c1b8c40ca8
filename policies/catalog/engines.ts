/**
 * The serving engines a model deployment can run, as Hugging Face packages them for SageMaker: where
 * each image lives, which releases exist, which environment variables set what, which quantizations
 * each applies while loading, and what its `/invocations` route speaks. The settings validation, the
 * endpoint component, the policy pack, the sample notebook and `npm run invoke` read this one table.
 *
 * Sources (checked 2026-12-01):
 * - Repositories, releases, tags and the registry per region: aws/sagemaker-python-sdk
 *   sagemaker-core/src/sagemaker/core/image_uri_config/ `huggingface-vllm.json`,
 *   `huggingface-sglang.json`, `huggingface-llm.json` (commit a24812666d25, 2026-08-21); the URI is
 *   `<account>.dkr.ecr.<region>.<dnsSuffix>/<repository>:<tag_prefix>-gpu-<py_version>-<container_version>`
 *   (`image_uris.py` `_format_tag`). The three files list the same registry account per region. The
 *   GovCloud accounts are confirmed by the AWS GovCloud (US) User Guide, "Amazon SageMaker AI"; GovCloud
 *   mirrors only mutable tags (same page), and every tag here is one. China and the ISO regions are
 *   left out (no partition here).
 * - vLLM: the image's entrypoint, aws/deep-learning-containers (branch master)
 *   huggingface/vllm/build_artifacts/sagemaker_entrypoint.sh (unchanged since 6228799f, 2026-02-02,
 *   up to 2026-08-19): every `SM_VLLM_<NAME>` becomes `--<name>` (lower case, `_` → `-`) followed by
 *   the value when it is not empty, so a switch is set with an empty value; `HF_MODEL_ID` is not read
 *   and the model must be `SM_VLLM_MODEL`. `/invocations` (vllm-project/vllm
 *   vllm/entrypoints/sagemaker/api_router.py) accepts an OpenAI chat-completions body
 *   (`messages`) or a completions body (`prompt`); `"stream": true` answers with server-sent events
 *   `data: {json}` ending `data: [DONE]`. The HF DLC's own SageMaker test
 *   (test/sagemaker_tests/huggingface/vllm/integration/sagemaker/test_vllm.py) deploys with
 *   InferenceAmiVersion al2-ami-sagemaker-inference-gpu-3-1. Minimum GPU: "compute capability 7.5 or
 *   higher" from vLLM 0.21 on (vllm docs/getting_started/installation/gpu.cuda.inc.md at v0.21.0),
 *   7.0 up to v0.14.0. GPU memory utilisation defaults to 0.9 in the vLLM docs of these releases and
 *   0.92 in later source, so the component always sets it.
 * - SGLang: aws/deep-learning-containers huggingface/sglang/build_artifacts/sagemaker_entrypoint.sh
 *   (11cc4ca2, 2026-02-25): `SM_SGLANG_<NAME>` → `--<name>` the same way; model path default
 *   `/opt/ml/model`; `/invocations` (sgl-project/sglang python/sglang/srt/entrypoints/http_server.py)
 *   takes only OpenAI chat-completions bodies; streaming as vLLM. `--mem-fraction-static` is computed
 *   from the GPU when unset (server_args.py `_handle_gpu_memory_settings`: (GPU memory − reserved) /
 *   GPU memory, where reserved memory grows with the GPU, the tensor-parallel degree and CUDA graphs:
 *   about 0.81 for 4 × A10G, 0.84 for 4 × L40S, 0.75 for a T4). The component sets 0.8 explicitly,
 *   below what it computes on 24 GB and larger GPUs, so the sizing (./sizing.ts) and the engine
 *   agree and the engine keeps at least its own reserve; on 16 GB T4s set gpuMemoryUtilization 0.75.
 * - TGI: huggingface/text-generation-inference `sagemaker-entrypoint.sh` (HF_MODEL_ID required,
 *   SM_NUM_GPUS → NUM_SHARD, HF_MODEL_QUANTIZE → QUANTIZE, HF_MODEL_TRUST_REMOTE_CODE), `launcher/src/
 *   main.rs` (MAX_INPUT_TOKENS since v2.0.0, MAX_INPUT_LENGTH before; `--quantize` values;
 *   CUDA_MEMORY_FRACTION default 1.0), `router/src/sagemaker.rs` (from v2.4.0 `/invocations` takes a
 *   generate body `{"inputs", "parameters"}`, a chat body or a completions body; before, generate
 *   only unless MESSAGES_API_ENABLED). Maintenance mode: the repository's README since 2025-12-11
 *   (commit 55f7f7cb, "text-generation-inference is now in maintenance mode"); the SageMaker SDK's
 *   ModelBuilder routes text generation to vLLM "replacing archived TGI" since 2026-06-25 (bec022e5).
 */

export type EngineId = "vllm" | "sglang" | "tgi";
export const ENGINE_IDS: EngineId[] = ["vllm", "sglang", "tgi"];

/** The request bodies an engine's `/invocations` accepts. */
export type RequestFormat = "chat" | "completions" | "tgi-generate";

export interface EngineRelease {
    /** The engine's release, e.g. "0.21.0". */
    version: string;
    /** Mutable image tag for that release. */
    tag: string;
    /** Request bodies `/invocations` accepts in this release. */
    requestFormats: RequestFormat[];
    /** Lowest CUDA compute capability the release supports; undefined: no minimum on record. */
    minComputeCapability?: number;
    /** The InferenceAmiVersion the image's own SageMaker test deploys with; undefined: SageMaker's default AMI. */
    inferenceAmiVersion?: string;
    /** TGI only: the variable carrying the input-token limit in this release; unset, MAX_INPUT_TOKENS (its name from 2.0.0 on). */
    inputTokensEnv?: "MAX_INPUT_TOKENS" | "MAX_INPUT_LENGTH";
    /**
     * TGI before 2.0: the launcher's fixed default for `--max-batch-prefill-tokens`, which must be at
     * least the input-token limit (launcher/src/main.rs at v1.0.3 and v1.4.5: `default_value = "4096"`;
     * from v2.0.0 it follows the input limit).
     */
    defaultMaxBatchPrefillTokens?: number;
    /** The on-the-fly quantizations of this release, where they differ from the engine's. */
    onTheFlyQuantizations?: string[];
}

/** Environment variable names that carry each setting into the container. */
export interface EngineVariables {
    /** The model: a Hub id, or the local path of weights SageMaker copied from S3. */
    model: string;
    tensorParallel: string;
    /** Context length: prompt plus generated tokens of one request. */
    contextLength: string;
    quantization: string;
    dtype: string;
    /** A switch: set (to `switchOn`) to trust the model repository's code. */
    trustRemoteCode: string;
    /** Share of each GPU's memory the engine may use. */
    memoryFraction: string;
    /** The name requests' `model` field may carry; undefined: the engine has none to set. */
    servedModelName?: string;
    /** The Hugging Face Hub token for gated models. */
    hubToken: string;
    /**
     * The Hub revision (branch, tag or commit) of the model repository the engine downloads; unset,
     * the repository's default branch. Sources (checked 2026-12-02): TGI's `sagemaker-entrypoint.sh`
     * (huggingface/text-generation-inference) exports `HF_MODEL_REVISION` as the launcher's
     * `REVISION`; the vLLM and SGLang images pass `SM_VLLM_REVISION` / `SM_SGLANG_REVISION` on as
     * `--revision` (their entrypoints, above), which vLLM (engine arguments, `--revision`: "a branch
     * name, a tag name, or a commit id"; vllm-project/vllm vllm/config/model.py `ModelConfig.revision`)
     * and SGLang (sgl-project/sglang docs/backend/server_arguments.md, `revision`) take as the model
     * version. vLLM's `--tokenizer-revision` and `--code-revision` are separate and not judged here.
     */
    revision: string;
}

export interface Engine {
    id: EngineId;
    /** For messages and the README: "vLLM". */
    label: string;
    /** ECR repository of the Hugging Face SageMaker image. */
    repository: string;
    releases: EngineRelease[];
    defaultVersion: string;
    variables: EngineVariables;
    /** Value that turns a switch variable on: the entrypoint turns an empty value into a bare flag. */
    switchOn: string;
    /** Quantizations the engine applies to unquantized weights while loading (values of `variables.quantization`). */
    onTheFlyQuantizations: string[];
    /**
     * Share of GPU memory the engine may fill (weights, KV cache, activations), set explicitly by the
     * component where the engine takes it; TGI's CUDA_MEMORY_FRACTION default is 1.0.
     */
    defaultMemoryFraction: number;
    /**
     * Whether the component always tells the engine its memory share: vLLM's default changed between
     * releases (0.9, 0.92) and SGLang computes its own, so they are; TGI's launcher default (1.0) is
     * left alone unless another share is asked for.
     */
    alwaysSetMemoryFraction: boolean;
    /** Maintained upstream; false: archived or in maintenance mode, without a security-patch path. */
    maintained: boolean;
    /** Why, with its source (for the plan's and the pack's advisory). */
    status: string;
}

/**
 * ECR account of the Hugging Face SageMaker images, by region (the SDK's three files agree).
 */
const HF_DLC_ACCOUNT_BY_REGION: Record<string, string> = {
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

const OPENAI: RequestFormat[] = ["chat", "completions"];
const HF_DLC_AMI = "al2-ami-sagemaker-inference-gpu-3-1";

export const ENGINES: Record<EngineId, Engine> = {
    vllm: {
        id: "vllm",
        label: "vLLM",
        repository: "huggingface-vllm",
        releases: [
            {
                version: "0.14.0",
                tag: "0.14.0-transformers4.57.3-gpu-py312-cu129-ubuntu22.04",
                requestFormats: OPENAI,
                minComputeCapability: 7.0,
                inferenceAmiVersion: HF_DLC_AMI,
            },
            { version: "0.17.0", tag: "0.17.0-transformers4.57.5-gpu-py312-cu129-ubuntu22.04", requestFormats: OPENAI, inferenceAmiVersion: HF_DLC_AMI },
            {
                version: "0.21.0",
                tag: "0.21.0-transformers5.8.1-gpu-py312-cu130-ubuntu22.04",
                requestFormats: OPENAI,
                minComputeCapability: 7.5,
                inferenceAmiVersion: HF_DLC_AMI,
            },
        ],
        defaultVersion: "0.21.0",
        variables: {
            model: "SM_VLLM_MODEL",
            tensorParallel: "SM_VLLM_TENSOR_PARALLEL_SIZE",
            contextLength: "SM_VLLM_MAX_MODEL_LEN",
            quantization: "SM_VLLM_QUANTIZATION",
            dtype: "SM_VLLM_DTYPE",
            trustRemoteCode: "SM_VLLM_TRUST_REMOTE_CODE",
            memoryFraction: "SM_VLLM_GPU_MEMORY_UTILIZATION",
            servedModelName: "SM_VLLM_SERVED_MODEL_NAME",
            hubToken: "HF_TOKEN",
            revision: "SM_VLLM_REVISION",
        },
        switchOn: "",
        // vLLM's `--quantization fp8` (dynamic FP8; W8A8 on compute capability 8.9+, weight-only
        // Marlin below) and `bitsandbytes` (in-flight 4-bit) apply to unquantized checkpoints; AWQ,
        // GPTQ, compressed-tensors and MXFP4 checkpoints are recognised from their config.
        onTheFlyQuantizations: ["fp8", "bitsandbytes"],
        defaultMemoryFraction: 0.9,
        alwaysSetMemoryFraction: true,
        maintained: true,
        status: "maintained (vllm-project/vllm); the SageMaker SDK's default engine for text generation since 2026-06",
    },
    sglang: {
        id: "sglang",
        label: "SGLang",
        repository: "huggingface-sglang",
        // SGLang 0.5.8's `/invocations` is chat only.
        releases: [
            { version: "0.5.8", tag: "0.5.8-transformers4.57.3-gpu-py312-cu129-ubuntu24.04", requestFormats: ["chat"], inferenceAmiVersion: HF_DLC_AMI },
        ],
        defaultVersion: "0.5.8",
        variables: {
            model: "SM_SGLANG_MODEL_PATH",
            tensorParallel: "SM_SGLANG_TP_SIZE",
            contextLength: "SM_SGLANG_CONTEXT_LENGTH",
            quantization: "SM_SGLANG_QUANTIZATION",
            dtype: "SM_SGLANG_DTYPE",
            trustRemoteCode: "SM_SGLANG_TRUST_REMOTE_CODE",
            memoryFraction: "SM_SGLANG_MEM_FRACTION_STATIC",
            servedModelName: "SM_SGLANG_SERVED_MODEL_NAME",
            hubToken: "HF_TOKEN",
            revision: "SM_SGLANG_REVISION",
        },
        switchOn: "",
        onTheFlyQuantizations: ["fp8"],
        defaultMemoryFraction: 0.8,
        alwaysSetMemoryFraction: true,
        maintained: true,
        status: "maintained (sgl-project/sglang)",
    },
    tgi: {
        id: "tgi",
        label: "TGI",
        repository: "huggingface-pytorch-tgi-inference",
        releases: [
            // The AWS GovCloud Falcon-40B sample's version, the one known to run on ml.g4dn (T4) there.
            // `--quantize` values per release: launcher/src/main.rs `enum Quantization` at each tag (FP8 from v2.0.0, EETQ from v1.4).
            {
                version: "1.0.3",
                tag: "2.0.1-tgi1.0.3-gpu-py39-cu118-ubuntu20.04",
                requestFormats: ["tgi-generate"],
                inputTokensEnv: "MAX_INPUT_LENGTH",
                defaultMaxBatchPrefillTokens: 4096,
                onTheFlyQuantizations: ["bitsandbytes", "bitsandbytes-nf4", "bitsandbytes-fp4"],
            },
            {
                version: "1.4.5",
                tag: "2.1.1-tgi1.4.5-gpu-py310-cu121-ubuntu22.04",
                requestFormats: ["tgi-generate"],
                inputTokensEnv: "MAX_INPUT_LENGTH",
                defaultMaxBatchPrefillTokens: 4096,
                onTheFlyQuantizations: ["bitsandbytes", "bitsandbytes-nf4", "bitsandbytes-fp4", "eetq"],
            },
            { version: "2.0.0", tag: "2.1.1-tgi2.0.0-gpu-py310-cu121-ubuntu22.04", requestFormats: ["tgi-generate"], inputTokensEnv: "MAX_INPUT_TOKENS" },
            { version: "2.0.1", tag: "2.1.1-tgi2.0.1-gpu-py310-cu121-ubuntu22.04", requestFormats: ["tgi-generate"], inputTokensEnv: "MAX_INPUT_TOKENS" },
            { version: "2.0.2", tag: "2.3.0-tgi2.0.2-gpu-py310-cu121-ubuntu22.04", requestFormats: ["tgi-generate"], inputTokensEnv: "MAX_INPUT_TOKENS" },
            { version: "2.3.1", tag: "2.4.0-tgi2.3.1-gpu-py311-cu124-ubuntu22.04", requestFormats: ["tgi-generate"], inputTokensEnv: "MAX_INPUT_TOKENS" },
            {
                version: "3.2.3",
                tag: "2.6.0-tgi3.2.3-gpu-py311-cu124-ubuntu22.04",
                requestFormats: ["tgi-generate", ...OPENAI],
                inputTokensEnv: "MAX_INPUT_TOKENS",
            },
            {
                version: "3.3.6",
                tag: "2.7.0-tgi3.3.6-gpu-py311-cu124-ubuntu22.04",
                requestFormats: ["tgi-generate", ...OPENAI],
                inputTokensEnv: "MAX_INPUT_TOKENS",
            },
        ],
        defaultVersion: "3.3.6",
        variables: {
            model: "HF_MODEL_ID",
            tensorParallel: "SM_NUM_GPUS",
            contextLength: "MAX_TOTAL_TOKENS",
            quantization: "HF_MODEL_QUANTIZE",
            dtype: "DTYPE",
            trustRemoteCode: "HF_MODEL_TRUST_REMOTE_CODE",
            memoryFraction: "CUDA_MEMORY_FRACTION",
            hubToken: "HUGGING_FACE_HUB_TOKEN",
            revision: "HF_MODEL_REVISION",
        },
        switchOn: "true",
        onTheFlyQuantizations: ["bitsandbytes", "bitsandbytes-nf4", "bitsandbytes-fp4", "eetq", "fp8"],
        defaultMemoryFraction: 1,
        alwaysSetMemoryFraction: false,
        maintained: false,
        status: "archived: in maintenance mode since 2025-12-11 (huggingface/text-generation-inference README), no maintained path for security patches; kept for existing stacks and the AWS GovCloud sample's configuration",
    },
};

export function findEngine(id: string): Engine | undefined {
    return (ENGINE_IDS as string[]).includes(id) ? ENGINES[id as EngineId] : undefined;
}

export function findRelease(engine: Engine, version: string): EngineRelease | undefined {
    return engine.releases.find((r) => r.version === version);
}

/** The engine's releases from `minimum` on, `minimum` itself included (a model's first serving release). */
export function releasesFrom(engine: Engine, minimum: string): EngineRelease[] {
    return engine.releases.filter((r) => compareVersions(r.version, minimum) >= 0);
}

/** The quantizations a release applies while loading. */
export function releaseQuantizations(engine: Engine, release: EngineRelease): string[] {
    return release.onTheFlyQuantizations ?? engine.onTheFlyQuantizations;
}

/** Compares dotted release numbers: negative when a is older than b. */
export function compareVersions(a: string, b: string): number {
    const pa = a.split(".").map(Number);
    const pb = b.split(".").map(Number);
    // Stryker disable next-line EqualityOperator: one step further compares two missing parts (0 - 0), which changes nothing.
    for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
        const d = (pa[i] ?? 0) - (pb[i] ?? 0);
        if (d !== 0) return d;
    }
    return 0;
}

/** The engine whose image repository this is (e.g. from a Model's image URI). */
export function engineOfRepository(repository: string): Engine | undefined {
    return Object.values(ENGINES).find((e) => e.repository === repository);
}

/** Regions where the Hugging Face SageMaker images are published. */
export function imageRegions(): string[] {
    return Object.keys(HF_DLC_ACCOUNT_BY_REGION);
}

/** The registry account of the Hugging Face SageMaker images in a region. */
export function imageAccount(region: string): string | undefined {
    return HF_DLC_ACCOUNT_BY_REGION[region];
}

/** Full image URI of an engine release in a region. */
export function engineImageUri(engine: Engine, version: string, region: string, dnsSuffix: string): string {
    const release = findRelease(engine, version);
    if (!release) throw new Error(`Unknown ${engine.label} release ${version}`);
    const account = imageAccount(region);
    if (!account) throw new Error(`No Hugging Face image registry is known for region ${region}`);
    return `${account}.dkr.ecr.${region}.${dnsSuffix}/${engine.repository}:${release.tag}`;
}

/** What the engine's container is told, as plain values (the Hub token is added by the component). */
export interface EngineLaunch {
    /** Hub id, or the local path of staged weights. */
    model: string;
    /** The name requests may give as `model` (the catalog's Hub id). */
    servedModelName: string;
    tensorParallel: number;
    contextLength: number;
    /** TGI only: the input-token limit and prefill batch size. */
    maxInputTokens?: number;
    maxBatchPrefillTokens?: number;
    quantization?: string;
    dtype?: string;
    trustRemoteCode: boolean;
    memoryFraction: number;
    /** The Hub revision (a commit) of a Hub model; unset for staged weights. */
    revision?: string;
}

/** The container environment that launches an engine release with these values. */
export function engineEnvironment(engine: Engine, release: EngineRelease, launch: EngineLaunch): Record<string, string> {
    const v = engine.variables;
    const env: Record<string, string> = {
        [v.model]: launch.model,
        [v.tensorParallel]: String(launch.tensorParallel),
        [v.contextLength]: String(launch.contextLength),
    };
    if (v.servedModelName) env[v.servedModelName] = launch.servedModelName;
    if (engine.alwaysSetMemoryFraction || launch.memoryFraction !== engine.defaultMemoryFraction) env[v.memoryFraction] = String(launch.memoryFraction);
    if (engine.id === "tgi") {
        if (launch.maxInputTokens !== undefined) env[release.inputTokensEnv ?? "MAX_INPUT_TOKENS"] = String(launch.maxInputTokens);
        if (launch.maxBatchPrefillTokens !== undefined) env.MAX_BATCH_PREFILL_TOKENS = String(launch.maxBatchPrefillTokens);
    }
    // Set only when quantizing: TGI passes any non-empty HF_MODEL_QUANTIZE to its launcher, and the
    // vLLM/SGLang entrypoints pass every variable on as a flag.
    if (launch.quantization) env[v.quantization] = launch.quantization;
    if (launch.dtype) env[v.dtype] = launch.dtype;
    if (launch.trustRemoteCode) env[v.trustRemoteCode] = engine.switchOn;
    if (launch.revision) env[v.revision] = launch.revision;
    return env;
}

/**
 * The engine a container environment launches, recognised by variables only that engine reads (for
 * an image this table does not know, such as a private mirror). `HF_MODEL_ID` alone is not enough:
 * other Hugging Face and AWS containers (the inference toolkit, LMI) read it too.
 */
export function engineOfEnvironment(keys: string[]): Engine | undefined {
    if (keys.some((k) => k.startsWith("SM_VLLM_"))) return ENGINES.vllm;
    if (keys.some((k) => k.startsWith("SM_SGLANG_"))) return ENGINES.sglang;
    const tgiOnly = ["SM_NUM_GPUS", "MAX_TOTAL_TOKENS", "MAX_INPUT_TOKENS", "MAX_INPUT_LENGTH", "HF_MODEL_QUANTIZE"];
    if (keys.includes("HF_MODEL_ID") && keys.some((k) => tgiOnly.includes(k))) return ENGINES.tgi;
    return undefined;
}

/**
 * What another Hugging Face container (the SageMaker Hugging Face inference toolkit, the HF LLM
 * container) reads for a Hub model and its revision: `HF_MODEL_ID` and `HF_MODEL_REVISION`
 * (aws/sagemaker-huggingface-inference-toolkit README, "Environment variables"; TGI's entrypoint
 * above), checked 2026-12-02.
 */
export const HUB_MODEL_VARIABLE = "HF_MODEL_ID";
export const HUB_REVISION_VARIABLE = "HF_MODEL_REVISION";

/** Whether an image comes from the Hugging Face/AWS deep-learning-container registries (an engine's or another container's). */
export function isDlcRegistryAccount(account: string): boolean {
    return Object.values(HF_DLC_ACCOUNT_BY_REGION).includes(account);
}
