"""A Python program using the sagemaker-llm component package: the key, network, bucket and one
model endpoint of the TypeScript program, with the same secure defaults (the components apply them).

Not run by this repository's tests (no Pulumi CLI or Python SDK generation here); its component and
input names are checked against the package schema by tests/componentPackage.test.ts. Set up with
`pulumi package add ../../components` (README, "The component package").
"""

import pulumi
import pulumi_aws as aws
import pulumi_sagemaker_llm as sagemaker_llm

config = pulumi.Config()
region = config.get("region") or "us-gov-west-1"
provider = aws.Provider("aws", region=region)
opts = pulumi.ResourceOptions(providers=[provider])
account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOptions(provider=provider)).account_id

encryption = sagemaker_llm.StackEncryption(
    "stack",
    region=region,
    account_id=account_id,
    opts=opts,
)

network = sagemaker_llm.PrivateNetwork(
    "network",
    region=region,
    account_id=account_id,
    kms_key_arn=encryption.key_arn,
    fips_endpoints=True,
    opts=opts,
)

artifacts = sagemaker_llm.ArtifactBucket(
    "artifacts",
    kms_key_arn=encryption.key_arn,
    opts=opts,
)

# A fresh stack creates the key, network and bucket only. Stage the weights into the bucket, e.g. from
# this repository: HF_TOKEN=<token> npm run stage-model -- --model llama-3.1-8b-instruct \
#   --bucket <artifactBucketName> --region <region> (the model is gated on the Hub), then
# `pulumi config set modelsEnabled true` and `pulumi up` again. An endpoint created before its weights
# are in the bucket fails only when SageMaker's health check gives up. The weights staged in S3 need no
# internet egress.
pulumi.export("artifactBucketName", artifacts.bucket_name)
if config.get_bool("modelsEnabled"):
    endpoint = sagemaker_llm.LlmEndpoint(
        "llama-3-1-8b-instruct",
        model_id="llama-3.1-8b-instruct",
        region=region,
        account_id=account_id,
        vpc_id=network.vpc_id,
        vpc_cidr=network.vpc_cidr,
        private_subnet_ids=network.private_subnet_ids,
        s3_prefix_list_id=network.s3_prefix_list_id,
        kms_key_arn=encryption.key_arn,
        artifact_bucket_name=artifacts.bucket_name,
        artifact_bucket_arn=artifacts.bucket_arn,
        # The deployment's default weightsS3Prefix, models/<name>/: where stage-model puts them.
        staged_weights_uri=artifacts.bucket_name.apply(lambda bucket: f"s3://{bucket}/models/llama-3-1-8b-instruct/"),
        opts=pulumi.ResourceOptions(providers=[provider], depends_on=[network]),
    )
    pulumi.export("endpointName", endpoint.endpoint_name)
