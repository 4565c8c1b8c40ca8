/**
 * Benchmark child: runs a stack of a checkout under mocks (offline/runStack.ts, as the plan does)
 * and writes what the policy evaluation needs (the captured resources and the stack config) to a
 * JSON file, so bench/evalPolicies.ts can time and measure the evaluation alone in a fresh process.
 *
 *   node -r ./offline/tsCache.js bench/capture.ts --repo . --stack commercial --config models=[...] --out FILE
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";

type RunStackModule = typeof import("../offline/runStack");

export interface Capture {
    stack: string;
    resources: import("../offline/mockRun").CapturedResource[];
    stackConfig: Record<string, string>;
    secretConfigKeys: string[];
}

async function main(): Promise<number> {
    const { values } = parseArgs({
        options: {
            repo: { type: "string", default: "." },
            stack: { type: "string" },
            config: { type: "string", multiple: true, default: [] },
            out: { type: "string" },
        },
    });
    if (!values.stack || !values.out) throw new Error("--stack and --out are required");
    const repo = path.resolve(values.repo!);
    const overrides: Record<string, string> = {};
    for (const pair of values.config as string[]) overrides[pair.slice(0, pair.indexOf("="))] = pair.slice(pair.indexOf("=") + 1);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { runStack } = require(path.join(repo, "offline", "runStack")) as RunStackModule;
    const run = await runStack({ programDir: repo, stack: values.stack, overrides });
    if (run.result.error) {
        process.stderr.write(`${run.result.error.message}\n`);
        return 2;
    }
    const capture: Capture = { stack: values.stack, resources: run.result.resources, stackConfig: run.config.values, secretConfigKeys: run.config.secretKeys };
    fs.writeFileSync(values.out, JSON.stringify(capture));
    return 0;
}

main().then(
    (code) => process.exit(code),
    (err: unknown) => {
        process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
        process.exit(3);
    },
);
