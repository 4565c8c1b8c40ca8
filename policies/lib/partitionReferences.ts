/**
 * Partition- and region-bearing strings inside resource properties, and whether they fit the
 * partition and region a resource is created in.
 *
 * Found in every string property, recursively, JSON strings (policy documents, container
 * definitions) expanded:
 * - ARNs `arn:<partition>:<service>:<region>:<account>:<resource>`: the partition must be the
 *   resource's (PARTITIONS[...].arnPrefix); a region, where the ARN has one (not IAM, S3 buckets,
 *   `*`), must be the resource's region.
 * - ECR registry hosts `<account>.dkr.ecr[-fips].<region>.<dnsSuffix>`: region and DNS suffix must be
 *   the resource's; for a Hugging Face engine repository (../catalog/engines.ts) the account must not be the
 *   registry account of other regions only (e.g. the commercial 763104351884 in GovCloud).
 * - Regional AWS hostnames and service principals `<...>.<region>.<dnsSuffix>` (e.g.
 *   `logs.us-gov-west-1.amazonaws.com`): region and DNS suffix must be the resource's.
 * - VPC endpoint service names `com.amazonaws.<region>.<service>`, `aws.sagemaker.<region>.<service>`:
 *   region must be the resource's.
 * Values unknown in preview are skipped: they are computed from resources of the same stack, which
 * its provider creates in the right partition and region; at `pulumi up` they are known and checked.
 */
import { PARTITIONS, PartitionId } from "../catalog/partitions";
import { engineOfRepository, imageAccount, imageRegions } from "../catalog/engines";
import { isUnknownValue, peek } from "./values";

/** A string property and where it sits, e.g. `policy(json).Statement[0].Resource`. */
export interface FoundString {
    path: string;
    value: string;
}

export type ReferenceKind = "ARN" | "ECR registry" | "service endpoint or principal" | "VPC endpoint service";

export interface RegionalReference {
    kind: ReferenceKind;
    /** The matched text. */
    text: string;
    /** ARN partition (without `arn:`). */
    partition?: string;
    /** Region-shaped region field, if the reference has one. */
    region?: string;
    dnsSuffix?: string;
    /** ECR images: the registry's account and the repository (without tag or digest). */
    account?: string;
    repository?: string;
}

const REGION = "[a-z]{2}(?:-[a-z]+)+-\\d{1,2}";
const REGION_RE = new RegExp(`^${REGION}$`);
const ARN_RE = /\barn:([a-z][a-z0-9-]*):([a-z0-9-]+):([^:\s"']*):([^:\s"']*):[^\s"',]*/g;
const ECR_RE = new RegExp(`\\b(\\d{12})\\.dkr\\.ecr(?:-fips)?\\.(${REGION})\\.(amazonaws\\.com(?:\\.cn)?)(?:/([a-z0-9][a-z0-9._/-]*))?`, "g");
const HOST_RE = new RegExp(`\\b((?:[a-z0-9-]+\\.)+)(${REGION})\\.(amazonaws\\.com(?:\\.cn)?)\\b`, "g");
const ENDPOINT_SERVICE_RE = new RegExp(`\\b(?:(?:cn\\.)?com\\.amazonaws\\.(?:vpce\\.)?|aws\\.sagemaker\\.)(${REGION})\\.[a-z0-9][a-z0-9.-]*`, "g");

export function isRegionName(value: string): boolean {
    return REGION_RE.test(value);
}

/**
 * Every known string in a value, with its path. Reads without the policy proxy's unknown check
 * (values unknown in preview are skipped); strings holding JSON are parsed and walked too.
 */
export function stringsIn(value: unknown, path = ""): FoundString[] {
    const out: FoundString[] = [];
    const walk = (v: unknown, at: string): void => {
        if (typeof v === "string") {
            if (isUnknownValue(v)) return;
            const trimmed = v.trim();
            if (/^[[{]/.test(trimmed)) {
                try {
                    walk(JSON.parse(trimmed), `${at}(json)`);
                    return;
                } catch {
                    /* not JSON: a plain string */
                }
            }
            out.push({ path: at, value: v });
            return;
        }
        // Stryker disable next-line ConditionalExpression: a number or boolean has no keys, so walking one finds nothing either.
        if (!v || typeof v !== "object") return;
        if (Array.isArray(v)) {
            // Stryker disable next-line EqualityOperator: the element at v.length is undefined, which adds nothing.
            for (let i = 0; i < v.length; i++) walk(peek(v, String(i)), `${at}[${i}]`);
            return;
        }
        for (const key of Object.keys(v)) walk(peek(v, key), at ? `${at}.${key}` : key);
    };
    walk(value, path);
    return out;
}

/** The partition- or region-bearing references in one string. */
export function referencesIn(text: string): RegionalReference[] {
    const refs: RegionalReference[] = [];
    for (const m of text.matchAll(ARN_RE)) {
        refs.push({ kind: "ARN", text: m[0], partition: m[1], region: isRegionName(m[3]) ? m[3] : undefined });
    }
    const ecrSpans: [number, number][] = [];
    for (const m of text.matchAll(ECR_RE)) {
        ecrSpans.push([m.index!, m.index! + m[0].length]);
        refs.push({ kind: "ECR registry", text: m[0], account: m[1], region: m[2], dnsSuffix: m[3], repository: m[4] });
    }
    for (const m of text.matchAll(HOST_RE)) {
        // Stryker disable next-line EqualityOperator: a host cannot start where an image ends or end where one starts (both patterns need a word boundary there).
        if (ecrSpans.some(([s, e]) => m.index! < e && m.index! + m[0].length > s)) continue;
        refs.push({ kind: "service endpoint or principal", text: m[0], region: m[2], dnsSuffix: m[3] });
    }
    for (const m of text.matchAll(ENDPOINT_SERVICE_RE)) {
        refs.push({ kind: "VPC endpoint service", text: m[0], region: m[1] });
    }
    return refs;
}

/** Regions whose Hugging Face image registry account this is (../catalog/engines.ts). */
function regionsOfImageAccount(account: string): string[] {
    return imageRegions().filter((r) => imageAccount(r) === account);
}

/**
 * Why a reference does not fit a resource in `partition`/`region`, or undefined if it fits.
 * Pure: the policy's reasoning, exported for tests.
 */
export function referenceProblem(ref: RegionalReference, partition: PartitionId, region: string): string | undefined {
    const p = PARTITIONS[partition];
    if (ref.partition !== undefined && `arn:${ref.partition}` !== p.arnPrefix) {
        return `is in partition '${ref.partition}', not ${p.displayName}'s '${p.arnPrefix.slice("arn:".length)}'`;
    }
    if (ref.region !== undefined && ref.region !== region) {
        return `names region ${ref.region}, not the resource's ${region}`;
    }
    if (ref.dnsSuffix !== undefined && ref.dnsSuffix !== p.dnsSuffix) {
        return `uses DNS suffix ${ref.dnsSuffix}, not ${p.displayName}'s ${p.dnsSuffix}`;
    }
    const engine = ref.repository ? engineOfRepository(ref.repository) : undefined; // only an ECR image has a repository
    if (engine && ref.account) {
        const expected = imageAccount(region);
        const owns = regionsOfImageAccount(ref.account);
        if (expected && ref.account !== expected && owns.length > 0) {
            const named = owns.slice(0, 3);
            return `pulls ${ref.repository} from account ${ref.account}, the Hugging Face image registry of ${named.join(", ")}${named.length < owns.length ? ", ..." : ""}; in ${region} it is ${expected}`;
        }
    }
    return undefined;
}
