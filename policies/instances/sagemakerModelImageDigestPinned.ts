/**
 * A SageMaker model's container images are referenced by digest (`<registry>/<repository>@sha256:<64
 * hex>`), not by tag. A tag is mutable unless its repository says otherwise ("You can prevent image
 * tags from being overwritten by turning on tag immutability in a repository": Amazon ECR User
 * Guide, "Preventing image tags from being overwritten in Amazon ECR", checked 2026-12-02), so an
 * instance started later (a scale-out, a replacement after a failure) may run another image than
 * the one reviewed. Advisory: a digest has to be looked up per region and registry.
 *
 * Reported where a digest is at hand: an image of the team's own or another registry (whoever pushes
 * there has the digest), and any image without a tag or tagged `latest`. A versioned release tag of
 * the AWS deep-learning-container registries is not reported: the SageMaker documentation gives those
 * images by tag (../catalog/engines.ts), the pack holds no digests for them, and pinning one is the
 * team's choice.
 *
 * Unknowns (`deferred`): an image unknown in preview (an in-stack repository's URL) makes the policy
 * not run on the model; it runs at `pulumi up`.
 */
import { isDlcRegistryAccount } from "../catalog/engines";
import { resourceGuardrail } from "../lib/guardrail";
import { MODEL_TYPE } from "../lib/instancesServing";
import { modelImages } from "../lib/modelWeights";
import { Deferrals } from "../lib/values";

/** An image reference pinned to a content digest. Pure. */
export function isDigestPinned(image: string): boolean {
    return /@sha256:[0-9a-f]{64}$/.test(image.trim());
}

/** The tag of an image reference (after the last `/`), or undefined when it has none. Pure. */
function tagOf(image: string): string | undefined {
    const name = image.trim().slice(image.trim().lastIndexOf("/") + 1);
    const colon = name.lastIndexOf(":");
    return colon < 0 ? undefined : name.slice(colon + 1);
}

/** Why an image should be pinned by digest, or undefined (pinned, or an AWS deep-learning-container release tag). Pure. */
export function digestProblem(image: string): string | undefined {
    if (isDigestPinned(image)) return undefined;
    const tag = tagOf(image);
    if (tag === undefined || tag === "latest") return "names no version (no tag, or latest), so it changes with every push";
    const account = /^(\d{12})\.dkr\.ecr/.exec(image.trim())?.[1];
    if (account !== undefined && isDlcRegistryAccount(account)) return undefined;
    return "names a tag, not a digest, in a registry whose tags can be pushed again";
}

const remediation =
    "Reference the container image by digest in the model's `image` (`<account>.dkr.ecr.<region>.<domain>/<repository>@sha256:<digest>`, the digest of the tag you reviewed, from `aws ecr describe-images`).";

export const sagemakerModelImageDigestPinned = resourceGuardrail(
    {
        name: "sagemaker-model-image-digest-pinned",
        description:
            "A SageMaker model's container images are referenced by @sha256: digest, not by a mutable tag (AWS deep-learning-container release tags excepted).",
        enforcementLevel: "advisory",
        severity: "low",
        url: "https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-edit.html",
        family: "instances",
        remediationSteps: remediation,
        inThisProgram: "set the model's imageUri in the stack's settings to the digest form (<registry>/<repository>@sha256:<digest>).",
        controls: ["SR-4", "CM-2", "CM-3"],
        rationale:
            "A tag can be pushed again, so the image an endpoint's instances run can change without any change to the stack; a digest names exactly one image.",
        unknowns: "deferred",
    },
    (args, reportViolation) => {
        if (args.type !== MODEL_TYPE) return;
        const deferrals = new Deferrals();
        for (const { path, image } of modelImages({ name: args.name, props: args.props }, deferrals)) {
            const problem = digestProblem(image);
            if (problem !== undefined) reportViolation(`Model ${args.name} ${path} ${JSON.stringify(image)} ${problem}. ${remediation}`);
        }
        deferrals.settle();
    },
);
