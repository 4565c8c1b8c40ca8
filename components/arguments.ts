/**
 * What every component does with its arguments before creating anything: the values AWS accepts
 * that several components take (the region's partition, log retention), and the error that lists
 * every problem at once, as the stack settings do (stacks/settings.ts). A program in another
 * language calls the components with values no type checker has seen, so each component checks its
 * arguments itself.
 */
import { Partition, PARTITIONS, partitionOfRegion, regionsOf } from "../policies/catalog/partitions";
import type { SettingProblem } from "./modelDeployment";

/** CloudWatch Logs PutRetentionPolicy accepted values (CloudWatch Logs API Reference, PutRetentionPolicy, retentionInDays). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** The components' log retention when none is given, in days. */
export const DEFAULT_LOG_RETENTION_DAYS = 365;

/** A component's arguments were refused; nothing of the component was created. */
export class ComponentArgumentsError extends Error {
    constructor(
        readonly component: string,
        readonly resourceName: string,
        readonly problems: SettingProblem[],
    ) {
        const lines = problems.map((p) => `  - ${describeProblem(p)}`);
        super(`${component} '${resourceName}': invalid arguments; nothing was created:\n${lines.join("\n")}`);
        this.name = "ComponentArgumentsError";
    }
}

/** The problems of a failed zod parse of a component's arguments, keyed by the path of each. */
export function problemsOfIssues(issues: readonly { path: readonly PropertyKey[]; input?: unknown; message: string }[]): SettingProblem[] {
    return issues.map((issue) => ({ key: issue.path.map(String).join(".") || "arguments", value: issue.input, message: issue.message }));
}

/** `key = value: message`, the value left out when there is none. */
export function describeProblem(p: SettingProblem): string {
    return `${p.key}${p.value === undefined ? "" : ` = ${JSON.stringify(p.value)}`}: ${p.message}`;
}

/** Throws ComponentArgumentsError when any problem was found. */
export function refuseArguments(component: string, resourceName: string, problems: SettingProblem[]): void {
    if (problems.length > 0) throw new ComponentArgumentsError(component, resourceName, problems);
}

/** The partition of a region a component is given; a problem (and undefined) for a region of neither partition this project deploys to. */
export function regionPartition(region: unknown, problems: SettingProblem[]): Partition | undefined {
    const id = typeof region === "string" ? partitionOfRegion(region) : undefined;
    // Only where the serving engines' images are published: the region of every component of a stack.
    const partition = id && regionsOf(id).includes(region as string) ? PARTITIONS[id] : undefined;
    if (!partition) {
        const regions = Object.values(PARTITIONS).flatMap((p) => regionsOf(p.id));
        problems.push({
            key: "region",
            value: region,
            message: `is not a region of AWS GovCloud (US) or commercial AWS where the serving engines' images are published; use one of ${regions.join(", ")}.`,
        });
    }
    return partition;
}

/** A log retention CloudWatch Logs accepts, else a problem. */
export function checkLogRetention(key: string, days: unknown, problems: SettingProblem[]): void {
    if (!(LOG_RETENTION_DAYS as readonly unknown[]).includes(days)) {
        problems.push({ key, value: days, message: `is not a retention CloudWatch Logs accepts; use one of ${LOG_RETENTION_DAYS.join(", ")}.` });
    }
}
