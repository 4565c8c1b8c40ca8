/**
 * What replaces a resource instead of updating it, per resource type, and which property the
 * provider names it by: the facts the change preview (./changes.ts) needs and mocks cannot show.
 *
 * Sources, read 2026-12-01:
 * - Inputs that force replacement: hashicorp/terraform-provider-aws, the resource's file under
 *   internal/service/<service>/ (`ForceNew: true` in SDKv2 resources, `RequiresReplace()` plan
 *   modifiers in plugin-framework ones, `CustomizeDiff` for the conditional cases), newest versions in
 *   the 2026 public index ("Copyright IBM Corp. 2014, 2026" headers where given); @pulumi/aws 7.48
 *   wraps the provider v6 line, whose exact commit is not published with the package. The random
 *   string: hashicorp/terraform-provider-random internal/provider/resource_string.go (v3.9.0).
 * - SDKv2 semantics (hashicorp/terraform-plugin-sdk helper/schema/schema.go): `ForceNew` on a nested
 *   block applies to its element count only, so such a block replaces the resource when added or
 *   removed, while a change inside it follows the flags of its own fields.
 * - Auto-naming: pulumi/pulumi-aws provider/autonaming.go names every resource with a `name` input
 *   (and `bucket` for S3 buckets) `<logical name>-<7 hex>` when the program sets none, and the engine
 *   computes a fresh name for a replacement (pulumi/pulumi pkg/resource/deploy/step_generator.go,
 *   "If we are going to perform a replacement, we need to recompute the default values").
 * - Replacement order: pulumi/pulumi-terraform-bridge pkg/tfbridge/provider.go and schema.go
 *   (`nameRequiresDeleteBeforeReplace`): an SDKv2 resource whose auto-nameable property the program
 *   set is replaced delete-first, whether or not that name changed; the program's explicit
 *   `deleteBeforeReplace` option overrides it (step_generator.go). Plugin-framework resources keep
 *   create-before-delete.
 */

export interface ReplaceRules {
    /** The Terraform resource the facts come from, and its source file. */
    source: string;
    /**
     * Inputs whose change replaces the resource (a change anywhere below them counts). `*` means
     * every input except `tags` (resources whose update applies tags only).
     */
    forceNew: string[];
    /** Nested blocks that replace the resource only when added or removed (SDKv2, see the header). */
    forceNewWhenAddedOrRemoved?: string[];
    /** Inputs that replace the resource only when their number decreases (a CustomizeDiff). */
    forceNewWhenDecreased?: string[];
    /** Inputs of which at most one is set; switching from one to another replaces the resource. */
    forceNewWhenSwitched?: string[];
    /** The property Pulumi auto-names when the program does not set it. */
    autoName?: string;
    /** A plugin-framework resource: the bridge does not make explicitly named ones delete-first. */
    framework?: boolean;
}

const SAGEMAKER = "hashicorp/terraform-provider-aws internal/service/sagemaker";
const EC2 = "hashicorp/terraform-provider-aws internal/service/ec2";

export const REPLACE_RULES: Record<string, ReplaceRules> = {
    "aws:sagemaker/model:Model": {
        // vpc_config's subnets and security groups replace since PR #45491 (Dec 2025); before it the
        // block was ForceNew only as a whole, and changes inside it were silently not applied.
        source: `aws_sagemaker_model, ${SAGEMAKER}/model.go (update: tags only)`,
        forceNew: ["*"],
        autoName: "name",
    },
    "aws:sagemaker/endpointConfiguration:EndpointConfiguration": {
        source: `aws_sagemaker_endpoint_configuration, ${SAGEMAKER}/endpoint_configuration.go (update: tags only)`,
        forceNew: ["*"],
        autoName: "name",
    },
    "aws:sagemaker/endpoint:Endpoint": {
        source: `aws_sagemaker_endpoint, ${SAGEMAKER}/endpoint.go (update: endpoint_config_name, deployment_config, tags)`,
        forceNew: ["name"],
        forceNewWhenAddedOrRemoved: ["deploymentConfig.autoRollbackConfiguration"],
        autoName: "name",
    },
    "aws:sagemaker/notebookInstance:NotebookInstance": {
        source: `aws_sagemaker_notebook_instance, ${SAGEMAKER}/notebook_instance.go (CustomizeDiff: volume_size decrease)`,
        forceNew: ["name", "directInternetAccess", "kmsKeyId", "platformIdentifier", "securityGroups", "subnetId"],
        forceNewWhenDecreased: ["volumeSize"],
        autoName: "name",
    },
    "aws:sagemaker/notebookInstanceLifecycleConfiguration:NotebookInstanceLifecycleConfiguration": {
        source: `aws_sagemaker_notebook_instance_lifecycle_configuration, ${SAGEMAKER}/notebook_instance_lifecycle_configuration.go`,
        forceNew: ["name"],
        autoName: "name",
    },
    "aws:appautoscaling/target:Target": {
        source: "aws_appautoscaling_target, hashicorp/terraform-provider-aws internal/service/appautoscaling/target.go",
        forceNew: ["resourceId", "scalableDimension", "serviceNamespace"],
    },
    "aws:appautoscaling/policy:Policy": {
        source: "aws_appautoscaling_policy, hashicorp/terraform-provider-aws internal/service/appautoscaling/policy.go",
        forceNew: ["name", "resourceId", "scalableDimension", "serviceNamespace"],
        autoName: "name",
    },
    "aws:cloudwatch/metricAlarm:MetricAlarm": {
        source: "aws_cloudwatch_metric_alarm, hashicorp/terraform-provider-aws internal/service/cloudwatch/metric_alarm.go",
        forceNew: ["name"],
        autoName: "name",
    },
    "aws:cloudwatch/logGroup:LogGroup": {
        source: "aws_cloudwatch_log_group, hashicorp/terraform-provider-aws internal/service/logs/group.go",
        forceNew: ["name", "namePrefix", "logGroupClass"],
        autoName: "name",
    },
    "aws:kms/key:Key": {
        source: "aws_kms_key, hashicorp/terraform-provider-aws internal/service/kms/key.go",
        forceNew: ["customKeyStoreId", "customerMasterKeySpec", "keyUsage", "multiRegion", "xksKeyId"],
    },
    "aws:kms/alias:Alias": {
        source: "aws_kms_alias, hashicorp/terraform-provider-aws internal/service/kms/alias.go",
        forceNew: ["name", "namePrefix"],
        autoName: "name",
    },
    "aws:s3/bucket:Bucket": {
        source: "aws_s3_bucket, hashicorp/terraform-provider-aws internal/service/s3/bucket.go",
        forceNew: ["bucket", "bucketPrefix", "objectLockEnabled"],
        autoName: "bucket",
    },
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": {
        source: "aws_s3_bucket_server_side_encryption_configuration, hashicorp/terraform-provider-aws internal/service/s3/bucket_server_side_encryption_configuration.go",
        forceNew: ["bucket", "expectedBucketOwner"],
    },
    "aws:s3/bucketVersioning:BucketVersioning": {
        source: "aws_s3_bucket_versioning, hashicorp/terraform-provider-aws internal/service/s3/bucket_versioning.go",
        forceNew: ["bucket", "expectedBucketOwner"],
    },
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": {
        source: "aws_s3_bucket_public_access_block, hashicorp/terraform-provider-aws internal/service/s3/bucket_public_access_block.go",
        forceNew: ["bucket"],
    },
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": {
        source: "aws_s3_bucket_ownership_controls, hashicorp/terraform-provider-aws internal/service/s3/bucket_ownership_controls.go",
        forceNew: ["bucket"],
    },
    "aws:s3/bucketPolicy:BucketPolicy": {
        source: "aws_s3_bucket_policy, hashicorp/terraform-provider-aws internal/service/s3/bucket_policy.go",
        forceNew: ["bucket"],
    },
    "aws:iam/role:Role": {
        source: "aws_iam_role, hashicorp/terraform-provider-aws internal/service/iam/role.go",
        forceNew: ["name", "namePrefix", "path"],
        autoName: "name",
    },
    "aws:iam/rolePolicy:RolePolicy": {
        source: "aws_iam_role_policy, hashicorp/terraform-provider-aws internal/service/iam/role_policy.go",
        forceNew: ["name", "namePrefix", "role"],
        autoName: "name",
    },
    "aws:ec2/vpc:Vpc": {
        // instance_tenancy also replaces, except dedicated to default (CustomizeDiff); not modelled.
        source: `aws_vpc, ${EC2}/vpc_.go`,
        forceNew: ["cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength"],
    },
    "aws:ec2/subnet:Subnet": {
        source: `aws_subnet, ${EC2}/vpc_subnet.go`,
        forceNew: ["availabilityZone", "availabilityZoneId", "cidrBlock", "ipv6Native", "outpostArn", "vpcId"],
    },
    "aws:ec2/routeTable:RouteTable": { source: `aws_route_table, ${EC2}/vpc_route_table.go`, forceNew: ["vpcId"] },
    "aws:ec2/routeTableAssociation:RouteTableAssociation": {
        source: `aws_route_table_association, ${EC2}/vpc_route_table_association.go`,
        forceNew: ["subnetId", "gatewayId"],
    },
    "aws:ec2/route:Route": {
        source: `aws_route, ${EC2}/vpc_route.go`,
        forceNew: ["routeTableId", "destinationCidrBlock", "destinationIpv6CidrBlock", "destinationPrefixListId"],
    },
    "aws:ec2/internetGateway:InternetGateway": { source: `aws_internet_gateway, ${EC2}/vpc_internet_gateway.go`, forceNew: [] },
    "aws:ec2/natGateway:NatGateway": {
        source: `aws_nat_gateway, ${EC2}/vpc_nat_gateway.go`,
        forceNew: ["allocationId", "availabilityMode", "connectivityType", "privateIp", "subnetId", "vpcId"],
    },
    "aws:ec2/eip:Eip": { source: `aws_eip, ${EC2}/ec2_eip.go`, forceNew: ["address", "domain", "networkBorderGroup", "publicIpv4Pool"] },
    "aws:ec2/vpcEndpoint:VpcEndpoint": { source: `aws_vpc_endpoint, ${EC2}/vpc_endpoint.go`, forceNew: ["serviceName", "vpcEndpointType", "vpcId"] },
    "aws:ec2/securityGroup:SecurityGroup": {
        source: `aws_security_group, ${EC2}/vpc_security_group.go`,
        forceNew: ["name", "namePrefix", "description", "vpcId"],
        autoName: "name",
    },
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": { source: `aws_default_security_group, ${EC2}/vpc_default_security_group.go`, forceNew: ["vpcId"] },
    "aws:ec2/flowLog:FlowLog": { source: `aws_flow_log, ${EC2}/vpc_flow_log.go (update: tags only)`, forceNew: ["*"] },
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {
        source: `aws_vpc_security_group_ingress_rule, ${EC2}/vpc_security_group_ingress_rule.go (plugin framework)`,
        forceNew: ["securityGroupId"],
        forceNewWhenSwitched: ["cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId"],
        framework: true,
    },
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": {
        source: `aws_vpc_security_group_egress_rule, ${EC2}/vpc_security_group_egress_rule.go (plugin framework)`,
        forceNew: ["securityGroupId"],
        forceNewWhenSwitched: ["cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId"],
        framework: true,
    },
    "random:index/randomString:RandomString": {
        // keepers replace unless only null-valued keys change; every other argument replaces.
        source: "random_string, hashicorp/terraform-provider-random internal/provider/resource_string.go (plugin framework)",
        forceNew: ["*"],
        framework: true,
    },
};

/** The rules of a resource type, or undefined when this table does not know it. */
export function replaceRulesOf(type: string): ReplaceRules | undefined {
    return REPLACE_RULES[type];
}

/** The property a resource type is auto-named by, if Pulumi auto-names it. */
export function autoNamedProperty(type: string): string | undefined {
    return REPLACE_RULES[type]?.autoName;
}

/** One difference between two versions of a resource's inputs. */
export interface InputChange {
    /** `a.b[0].c`; array indices kept. */
    path: string;
    kind: "added" | "removed" | "changed";
    before?: unknown;
    after?: unknown;
}

/** `a.b[3].c` → `a.b.c`, the form the rules are written in. */
function withoutIndices(path: string): string {
    return path.replace(/\[\d*\]/g, "");
}

function under(path: string, rule: string): boolean {
    return path === rule || path.startsWith(`${rule}.`);
}

/** The changes that replace the resource under `rules` (empty: an update in place). Pure. */
export function replacingChanges(rules: ReplaceRules, changes: InputChange[]): InputChange[] {
    return changes.filter((c) => {
        const path = withoutIndices(c.path);
        if (rules.forceNew.includes("*") ? !under(path, "tags") : rules.forceNew.some((f) => under(path, f))) return true;
        if (rules.forceNewWhenAddedOrRemoved?.some((f) => path === f && c.kind !== "changed")) return true;
        if (rules.forceNewWhenDecreased?.some((f) => path === f) && typeof c.before === "number" && typeof c.after === "number" && c.after < c.before)
            return true;
        if (rules.forceNewWhenSwitched?.includes(path) && c.kind !== "changed") {
            // Switching: this source kind was added while another was removed (or the reverse).
            const other = changes.some((o) => o !== c && rules.forceNewWhenSwitched!.includes(o.path) && o.kind !== "changed" && o.kind !== c.kind);
            return other;
        }
        return false;
    });
}

/**
 * What of a resource's inputs decides its identity: the inputs whose change replaces it (for `*`,
 * all but tags; for blocks that replace when added or removed, and sources that replace when
 * switched, their presence). Equal identities
 * mean the same resource; a mocked update derives stand-in ids and names from it, so they change
 * exactly when a replacement would. A decrease that replaces (forceNewWhenDecreased) is not part of it.
 */
export function replacementIdentity(type: string, inputs: Record<string, unknown>): unknown {
    const rules = REPLACE_RULES[type];
    if (!rules) return null;
    if (rules.forceNew.includes("*")) return Object.fromEntries(Object.entries(inputs).filter(([key]) => key !== "tags"));
    const at = (path: string) =>
        path.split(".").reduce<unknown>((value, key) => (value && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined), inputs);
    return {
        ...Object.fromEntries(rules.forceNew.map((path) => [path, at(path)])),
        ...Object.fromEntries(
            [...(rules.forceNewWhenAddedOrRemoved ?? []), ...(rules.forceNewWhenSwitched ?? [])].map((path) => [path, at(path) !== undefined]),
        ),
    };
}
