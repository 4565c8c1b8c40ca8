/**
 * A Mermaid flowchart of a plan's architecture, generated from the resource graph of a mocked run:
 * one subgraph per component, one node per architectural resource, and an edge wherever a resource
 * uses another's value or waits for another of its component. Detail resources (rules, associations, policies attached to a role, random
 * suffixes, bucket settings) fold into the resource they configure, so the picture stays readable.
 */
import { CapturedResource } from "./mockRun";

/** Types shown as nodes: the resources a reader recognises as the architecture. */
const SHOWN_TYPES: Record<string, string> = {
    "aws:ec2/vpc:Vpc": "VPC",
    "aws:ec2/subnet:Subnet": "Subnet",
    "aws:ec2/internetGateway:InternetGateway": "Internet gateway",
    "aws:ec2/natGateway:NatGateway": "NAT gateway",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "VPC endpoint",
    "aws:ec2/securityGroup:SecurityGroup": "Security group",
    "aws:ec2/flowLog:FlowLog": "Flow log",
    "aws:cloudwatch/logGroup:LogGroup": "Log group",
    "aws:kms/key:Key": "KMS key",
    "aws:s3/bucket:Bucket": "S3 bucket",
    "aws:iam/role:Role": "IAM role",
    "aws:sagemaker/model:Model": "SageMaker model",
    "aws:sagemaker/endpointConfiguration:EndpointConfiguration": "Endpoint config",
    "aws:sagemaker/endpoint:Endpoint": "SageMaker endpoint",
    "aws:sagemaker/notebookInstance:NotebookInstance": "Notebook instance",
    "aws:sagemaker/notebookInstanceLifecycleConfiguration:NotebookInstanceLifecycleConfiguration": "Lifecycle config",
    "aws:appautoscaling/target:Target": "Autoscaling",
    "aws:cloudwatch/metricAlarm:MetricAlarm": "Alarm",
};

/** Mermaid-safe label text. */
function label(text: string): string {
    return text.replace(/"/g, "'").replace(/[<>]/g, "");
}

export function toMermaid(resources: CapturedResource[], title?: string): string {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const shown = resources.filter((r) => r.custom && SHOWN_TYPES[r.type]);
    const shownUrns = new Set(shown.map((r) => r.urn));
    const components = resources.filter((r) => !r.custom && r.type !== "pulumi:pulumi:Stack");
    const componentOf = (r: CapturedResource): string | undefined => {
        for (let parent = r.parent; parent; parent = byUrn.get(parent)?.parent) {
            if (components.some((c) => c.urn === parent)) return parent;
        }
        return undefined;
    };

    // A hidden resource stands for the nearest shown resources it depends on (e.g. a route table
    // association for its subnet), so edges through detail resources are kept.
    const representatives = (urn: string, seen = new Set<string>()): string[] => {
        if (shownUrns.has(urn)) return [urn];
        if (seen.has(urn)) return [];
        seen.add(urn);
        return (byUrn.get(urn)?.dependencies ?? []).flatMap((d) => representatives(d, seen));
    };
    // Edges follow data (property dependencies) and ordering inside a component; an ordering on
    // another component as a whole (a model waiting for the network) would draw an edge to each of
    // its resources.
    const edgeSources = (r: CapturedResource): string[] => {
        const data = new Set(Object.values(r.propertyDependencies).flat());
        return r.dependencies.filter((d) => data.has(d) || componentOf(byUrn.get(d) ?? r) === componentOf(r));
    };
    const dependsOn = new Map(shown.map((r) => [r.urn, [...new Set(edgeSources(r).flatMap((d) => representatives(d)))].filter((u) => u !== r.urn).sort()]));

    // Resources of one type in one component with the same dependencies become one node ("×N").
    const groups = new Map<string, CapturedResource[]>();
    for (const r of shown) {
        const key = JSON.stringify([componentOf(r) ?? "", r.type, dependsOn.get(r.urn)]);
        groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    const nodeOf = new Map<string, string>();
    const nodes = [...groups.values()].map((members, i) => {
        const id = `n${i}`;
        for (const m of members) nodeOf.set(m.urn, id);
        const names = members.length <= 3 ? members.map((m) => m.name).join(", ") : `${members[0].name}, … (${members.length})`;
        const type = SHOWN_TYPES[members[0].type] + (members.length > 1 ? ` ×${members.length}` : "");
        return { id, component: componentOf(members[0]), text: `${label(type)}<br/>${label(names)}` };
    });
    const edges = new Set<string>();
    for (const r of shown) for (const dep of dependsOn.get(r.urn) ?? []) edges.add(`  ${nodeOf.get(r.urn)} --> ${nodeOf.get(dep)}`);

    const lines = title ? [`---\ntitle: ${label(title)}\n---`, "flowchart LR"] : ["flowchart LR"];
    for (const [index, component] of components.entries()) {
        const members = nodes.filter((n) => n.component === component.urn);
        if (members.length === 0) continue;
        lines.push(`  subgraph c${index}["${label(`${component.type.split(":").pop()} ${component.name}`)}"]`);
        for (const n of members) lines.push(`    ${n.id}["${n.text}"]`);
        lines.push("  end");
    }
    for (const n of nodes.filter((n) => n.component === undefined)) lines.push(`  ${n.id}["${n.text}"]`);
    lines.push(...[...edges].sort());
    return `${lines.join("\n")}\n`;
}
