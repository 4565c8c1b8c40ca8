/**
 * A SageMaker model whose containers download their weights from the Hugging Face Hub
 * (../lib/modelWeights.ts) can reach the Hub:
 * - not with `enableNetworkIsolation: true`: the container can make no outbound call at all
 *   (SageMaker Developer Guide, "Run Training and Inference Containers in Internet-Free Mode",
 *   section "Network Isolation": "the containers can't make any outbound network calls, even to
 *   other AWS services such as Amazon S3"; checked 2026-12-02);
 * - in a VPC (`vpcConfig`), not through subnets without a default route that leads out: the
 *   model's network interfaces "provide your model containers with a network connection within
 *   your VPC that is not connected to the internet" (Developer Guide, "Give SageMaker AI Hosted
 *   Endpoints Access to Resources in Your Amazon VPC"), so the Hub is reached through a NAT gateway;
 *   a default route only to an internet gateway does not serve interfaces without a public address.
 *   A default route to a target the stack cannot see beyond (transit gateway, peering, firewall
 *   endpoint) may be a central egress and is not reported, nor are subnets whose route tables the
 *   stack does not hold (a landing zone's), nor models with a subnet from outside the stack.
 * A model outside a VPC runs in SageMaker's network, which reaches the internet.
 *
 * Unknowns (`deferred`): a model variable, `enableNetworkIsolation`, a route list or a route's
 * destination unknown in preview is recorded; what is known is reported, then the policy is reported
 * as not run, and it runs in full at `pulumi up`.
 */
import { PolicyResource } from "@pulumi/policy";
import { stackGuardrail } from "../lib/guardrail";
import { hubContainers, networkIsolation } from "../lib/modelWeights";
import { DefaultRoute, describeResource, NET, ofType, subnetDefaultRoutes } from "../lib/networkGraph";
import { Deferrals, isUnknownValue, isUnset, peek, UNKNOWN } from "../lib/values";
import { subnetUsers } from "./sagemakerWorkloadSubnetsPrivate";

const remediation =
    "Stage the weights in S3 and give the model's container `modelDataSource` (its model variable then names the local path /opt/ml/model), " +
    "or give the container a way to the Hub: `enableNetworkIsolation` false, and in a VPC a default route (0.0.0.0/0) from each of the model's subnets to a NAT gateway.";

/** Why a subnet's routes do not lead to the internet for a SageMaker network interface; undefined when they may. Pure. */
export function noEgressReason(routes: DefaultRoute[]): string | undefined {
    if (routes.some((r) => r.target !== "internet gateway")) return undefined;
    if (routes.length === 0) return "no default route (0.0.0.0/0 or ::/0)";
    return "only a default route to an internet gateway, which SageMaker's network interfaces (no public address) cannot use";
}

export const sagemakerModelWeightsReachable = stackGuardrail(
    {
        name: "sagemaker-model-weights-reachable",
        description:
            "A SageMaker model whose container downloads its weights from the Hugging Face Hub can reach it: no network isolation, and in a VPC a NAT gateway route from its subnets.",
        enforcementLevel: "mandatory",
        severity: "medium",
        url: "https://docs.aws.amazon.com/sagemaker/latest/dg/mkt-algo-model-internet-free.html",
        family: "network",
        remediationSteps: remediation,
        inThisProgram: "weightsSource 'hub' needs egress 'nat'; with egress 'none' use weightsSource 's3' and stage the weights in the artifact bucket.",
        controls: ["CM-6", "SC-7"],
        rationale:
            "A model that cannot download its weights fails only when the endpoint is created, after its instances were paid for and its health check timed out; the network it needs is known before.",
        unknowns: "deferred",
    },
    (args, reportViolation) => {
        const all = args.resources;
        const deferrals = new Deferrals();
        const { used, external } = subnetUsers(all, new Set());
        for (const model of ofType(all, NET.sagemakerModel)) {
            const hub = hubContainers(model, deferrals);
            if (hub.length === 0) continue;
            const what = hub.map((h) => `${h.container.path}.environment.${h.variable}=${h.hubId}`).join(", ");
            const isolation = networkIsolation(model, deferrals);
            if (isolation === UNKNOWN) continue;
            if (isolation) {
                reportViolation(
                    `Model ${model.name} downloads its weights from the Hugging Face Hub (${what}) but sets enableNetworkIsolation true: its container can make no outbound call. ${remediation}`,
                    model.urn,
                );
                continue;
            }
            const vpcConfig = peek(model.props, "vpcConfig");
            if (isUnset(vpcConfig)) continue; // SageMaker's own network reaches the internet
            if (isUnknownValue(vpcConfig)) {
                deferrals.add(model.name, "vpcConfig", vpcConfig);
                continue;
            }
            // A subnet from outside the stack may be the one with egress: nothing to judge.
            if (external.some((x) => x.user === model)) continue;
            const subnets = [...used].filter(([, users]) => users.includes(model)).map(([subnet]) => subnet);
            const closed: string[] = [];
            for (const subnet of subnets) {
                let unknown = false;
                const routes = subnetDefaultRoutes(subnet, all, (r: PolicyResource, path: string, value: unknown) => {
                    unknown = true;
                    deferrals.add(r.name, path, value);
                });
                // Its route tables are outside the stack, or a route is unknown in preview (deferred).
                if (routes === undefined || unknown) continue;
                const reason = noEgressReason(routes);
                if (reason) closed.push(`${describeResource(subnet)} has ${reason}`);
            }
            if (closed.length > 0) {
                reportViolation(
                    `Model ${model.name} downloads its weights from the Hugging Face Hub (${what}) but cannot reach it from its VPC: ${closed.join("; ")}. ${remediation}`,
                    model.urn,
                );
            }
        }
        deferrals.settle();
    },
);
