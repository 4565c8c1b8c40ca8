/**
 * Facts about a resource's deployment context that policies need: its region and partition, taken
 * from the resource's provider (what the engine passes analyzers) or its own `region` property.
 * Data (instances, models, partitions, images) comes from ../catalog, the same tables the program uses.
 */
import { PolicyProviderResource } from "@pulumi/policy";
import { PartitionId, partitionOfRegion } from "../catalog/partitions";
import { knownStrings } from "./networkGraph";
import { isUnknownValue, peek } from "./values";

/** The region a resource is created in, when known. */
export function regionOf(props: unknown, provider: PolicyProviderResource | undefined): string | undefined {
    const own = peek(props, "region");
    if (typeof own === "string" && !isUnknownValue(own)) return own;
    const fromProvider = provider ? peek(provider.props, "region") : undefined;
    return typeof fromProvider === "string" && !isUnknownValue(fromProvider) ? fromProvider : undefined;
}

/** The partition of a region; undefined without a region or for one no partition here holds. */
export function partitionOf(region: string | undefined): PartitionId | undefined {
    return region ? partitionOfRegion(region) : undefined;
}

/**
 * The accounts a provider admits (`allowedAccountIds`; the provider refuses to deploy into any other,
 * so the stack's account is among them), as 12-digit ids known now: the list, or the JSON text an
 * explicit provider's list input arrives as. Empty when unset or unknown.
 */
export function providerAccountIds(provider: PolicyProviderResource | undefined): string[] {
    let value = provider ? peek(provider.props, "allowedAccountIds") : undefined;
    if (typeof value === "string" && !isUnknownValue(value)) {
        try {
            value = JSON.parse(value);
        } catch {
            // A single id as plain text.
        }
    }
    return knownStrings(value).filter((id) => /^\d{12}$/.test(id));
}
