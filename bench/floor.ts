/**
 * The floor the plan is compared with: a process that only loads @pulumi/pulumi and registers the
 * same number of trivial resources under the same mock runtime in preview mode, the way
 * offline/mockRun.ts runs a program (setMocks, runInPulumiStack, waitForRPCs). Whatever the plan
 * takes beyond this is the program, its SDKs, the policy pack and the reports.
 *
 *   node -r ./offline/tsCache.js bench/floor.ts --resources 64     (PLAN_TIMINGS as for the plan)
 *
 * `--resources` counts every registered resource, the stack included, as the plan's count does.
 */
import { count, emitTimings, mark } from "../offline/timings";
import { parseArgs } from "util";
import * as pulumi from "@pulumi/pulumi";

// Internal SDK entry points, as offline/mockRun.ts and the Node.js language host use them.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const stackModule = require("@pulumi/pulumi/runtime/stack") as { runInPulumiStack(init: () => Promise<unknown>): Promise<unknown> };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const settingsModule = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };

class Trivial extends pulumi.CustomResource {
    constructor(name: string, args: { value: pulumi.Input<string>; after?: pulumi.Input<string> }, opts?: pulumi.CustomResourceOptions) {
        super("floor:index:Trivial", name, args, opts);
    }
}

async function main(): Promise<void> {
    mark("mainStart");
    const { values } = parseArgs({ options: { resources: { type: "string", default: "64" } } });
    const total = Number(values.resources);
    await pulumi.runtime.setMocks({ newResource: (args) => ({ id: "", state: args.inputs }), call: () => ({}) }, "floor", "floor", true);
    mark("programStart");
    await stackModule.runInPulumiStack(async () => {
        let previous: Trivial | undefined;
        // The stack itself is the first resource.
        for (let i = 1; i < total; i++) previous = new Trivial(`r${i}`, { value: `v${i}`, after: previous?.id });
        return {};
    });
    await settingsModule.waitForRPCs();
    mark("programEnd");
    count("resources", total);
}

main().then(
    () => {
        emitTimings();
        process.exit(0);
    },
    (err: unknown) => {
        process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
        process.exit(3);
    },
);
