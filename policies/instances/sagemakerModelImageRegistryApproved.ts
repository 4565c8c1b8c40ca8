/**
 * A SageMaker model's container images come only from approved registries:
 * - the AWS deep-learning-container registry of the stack's own region: the registry account the
 *   pack's engine table lists for that region (../catalog/engines.ts `imageAccount`, from
 *   aws/sagemaker-python-sdk `image_uri_config/*.json`; the SageMaker Developer Guide's "Docker
 *   Registry Paths and Example Code" now points to the AWS DLC "Available Deep Learning Containers
 *   Images" page for the same accounts; checked 2026-12-02), in that region;
 * - the stack's own account's ECR in that region. The account is the AWS provider's
 *   `allowedAccountIds` (the guard a program sets so it cannot deploy into another account) plus
 *   this policy's `accountIds`; a policy cannot ask AWS which account it runs in;
 * - a configured `approvedRegistries` entry (a registry host, or a host with a repository path).
 * The region is the resource's provider region (or its own `region`), as aws-resource-region-allowed
 * reads it; a provider without a region is that policy's finding, and this one then judges nothing.
 * ECR's FIPS hostnames (`dkr.ecr-fips.`) are the same registry.
 *
 * Unknowns (`deferred`): an image or the provider's region unknown in preview makes the policy not run
 * on the model; it runs at `pulumi up`.
 */
import { imageAccount } from "../catalog/engines";
import { providerAccountIds } from "../lib/context";
import { resourceGuardrail } from "../lib/guardrail";
import { MODEL_TYPE } from "../lib/instancesServing";
import { modelImages } from "../lib/modelWeights";
import { Deferrals, isUnknownValue, peek } from "../lib/values";

export interface RegistryConfig {
    approvedRegistries: string[];
    accountIds: string[];
}

/** An ECR image reference's registry account, region and repository. Pure. */
export function parseEcrImage(image: string): { account: string; region: string; host: string; repository: string } | undefined {
    const match = /^((\d{12})\.dkr\.ecr(?:-fips)?\.([a-z]{2}(?:-[a-z]+)+-\d{1,2})\.amazonaws\.com(?:\.cn)?)\/([^:@\s]+)/.exec(image.trim());
    return match ? { host: match[1], account: match[2], region: match[3], repository: match[4] } : undefined;
}

/** Whether an image is under a configured registry entry (a host, or a host and repository path). Pure. */
export function underRegistry(image: string, entry: string): boolean {
    const prefix = entry.trim().replace(/\/+$/, "");
    return prefix !== "" && (image === prefix || ["/", ":", "@"].some((sep) => image.startsWith(prefix + sep)));
}

/** Why an image is not approved in `region` for these own accounts and approved entries; undefined when it is. Pure. */
export function registryProblem(image: string, region: string, ownAccounts: readonly string[], approved: readonly string[]): string | undefined {
    if (approved.some((entry) => underRegistry(image, entry))) return undefined;
    const ecr = parseEcrImage(image);
    if (!ecr) return "is not an Amazon ECR image";
    if (ecr.region !== region) return `is in ${ecr.region}'s ECR, not the stack's region ${region}`;
    const dlc = imageAccount(region);
    if (ecr.account === dlc || ownAccounts.includes(ecr.account)) return undefined;
    const own =
        ownAccounts.length > 0
            ? `the stack's account (${ownAccounts.join(", ")})`
            : "the stack's account (none known: set the provider's allowedAccountIds or this policy's accountIds)";
    return `is in account ${ecr.account}'s registry, which is neither the AWS deep-learning-container registry of ${region} (${dlc ?? "none known"}) nor ${own}`;
}

const remediation =
    "Take the model's container `image` from the AWS deep-learning-container registry of the stack's region or from the stack's own account's ECR in that region " +
    "(copy other images there after review), or add the registry to this policy's approvedRegistries.";

export const sagemakerModelImageRegistryApproved = resourceGuardrail(
    {
        name: "sagemaker-model-image-registry-approved",
        description:
            "A SageMaker model's container images come from the AWS deep-learning-container registry of the stack's region, the stack's own account's ECR there, or an approved registry.",
        enforcementLevel: "mandatory",
        severity: "high",
        url: "https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-algo-docker-registry-paths.html",
        family: "instances",
        remediationSteps: remediation,
        inThisProgram: "leave the model's imageUri unset (the engine's image in the stack's region) or point it at the stack's own account's ECR.",
        configSchema: {
            properties: {
                approvedRegistries: {
                    type: "array",
                    items: { type: "string", minLength: 1 },
                    default: [],
                    description:
                        "More approved registries: a registry host (123456789012.dkr.ecr.us-gov-west-1.amazonaws.com) or a host with a repository path (.../team/llm).",
                },
                accountIds: {
                    type: "array",
                    items: { type: "string", minLength: 1, pattern: "^\\d{12}$" },
                    default: [],
                    description: "The stack's own AWS account ids, whose ECR in the stack's region is approved, besides the AWS provider's allowedAccountIds.",
                },
            },
        },
        controls: ["CM-7(5)", "SR-4", "CM-2"],
        rationale:
            "An inference container runs with the model's execution role next to regulated data; only images from registries the organisation controls or AWS publishes for the region have a known provenance.",
        unknowns: "deferred",
    },
    (args, reportViolation) => {
        if (args.type !== MODEL_TYPE) return;
        const config = args.getConfig<RegistryConfig>();
        const deferrals = new Deferrals();
        const own = peek(args.props, "region");
        const fromProvider = args.provider ? peek(args.provider.props, "region") : undefined;
        const raw = typeof own === "string" ? own : fromProvider;
        if (isUnknownValue(raw)) {
            deferrals.add(args.name, "region", raw, "the provider's region is unknown in preview");
            deferrals.settle();
        }
        if (typeof raw !== "string" || raw === "") return; // no region: aws-resource-region-allowed reports the provider
        const accounts = [...new Set([...providerAccountIds(args.provider), ...config.accountIds])];
        for (const { path, image } of modelImages({ name: args.name, props: args.props }, deferrals)) {
            const problem = registryProblem(image, raw, accounts, config.approvedRegistries);
            if (problem) reportViolation(`Model ${args.name} ${path} ${JSON.stringify(image)} ${problem}. ${remediation}`);
        }
        deferrals.settle();
    },
);
