/**
 * `npm run plan -- --stack <name>`: runs the real program for a stack under Pulumi's mock runtime
 * in preview mode, with no Pulumi CLI, plugins or AWS credentials, and prints what it would create.
 *
 * Exit codes: 0 planned, 2 invalid settings or usage, 3 internal error.
 */
import * as path from "path";
import { parseArgs } from "util";
import { CapturedResource, isUnknown } from "./mockRun";
import { ProjectConfigError } from "./projectConfig";
import { runStack } from "./runStack";

const USAGE = `Usage: npm run plan -- --stack <name> [--program <dir>] [--config key=value ...]

Runs the Pulumi program in <dir> (default: this project) for stack <name> under Pulumi's mock
runtime, as a preview would, and prints the resources it would create by component.

Limits: no provider-side checks or defaults run, values AWS computes stay unknown (shown as
<computed>), and data-source calls return offline stand-ins (account 111122223333). When an account
is available, 'pulumi preview' remains the authority.

Exit codes: 0 planned, 2 invalid settings or usage, 3 internal error.`;

export const EXIT = { ok: 0, invalid: 2, internal: 3 } as const;

function parseOverrides(pairs: string[]): Record<string, string> {
    const overrides: Record<string, string> = {};
    for (const pair of pairs) {
        const eq = pair.indexOf("=");
        if (eq <= 0) throw new ProjectConfigError(`--config takes key=value, got '${pair}'`);
        overrides[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    return overrides;
}

/** The resource tree, one line per resource, children indented under their component. */
export function renderTree(resources: CapturedResource[]): string {
    const children = new Map<string | undefined, CapturedResource[]>();
    for (const r of resources) children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
    const lines: string[] = [];
    const walk = (parent: string | undefined, depth: number) => {
        for (const r of children.get(parent) ?? []) {
            const kids = children.get(r.urn)?.length ?? 0;
            lines.push(`${"  ".repeat(depth)}${r.custom ? "+" : "▸"} ${r.type} ${r.name}${kids ? `  (${kids})` : ""}`);
            walk(r.urn, depth + 1);
        }
    };
    walk(undefined, 0);
    return lines.join("\n");
}

function renderValue(value: unknown): string {
    if (isUnknown(value)) return "<computed>";
    if (Array.isArray(value)) return `[${value.map(renderValue).join(", ")}]`;
    if (value && typeof value === "object") return `{ ${Object.entries(value).map(([k, v]) => `${k}: ${renderValue(v)}`).join(", ")} }`;
    return String(value);
}

export async function main(argv: string[]): Promise<number> {
    let args;
    try {
        args = parseArgs({
            args: argv,
            options: {
                stack: { type: "string", short: "s" },
                program: { type: "string", default: path.resolve(__dirname, "..") },
                config: { type: "string", short: "c", multiple: true, default: [] },
                help: { type: "boolean", short: "h" },
            },
            strict: true,
        }).values;
    } catch (err) {
        process.stderr.write(`${(err as Error).message}\n\n${USAGE}\n`);
        return EXIT.invalid;
    }
    if (args.help) {
        process.stdout.write(`${USAGE}\n`);
        return EXIT.ok;
    }
    if (!args.stack) {
        process.stderr.write(`--stack is required.\n\n${USAGE}\n`);
        return EXIT.invalid;
    }
    try {
        process.stderr.write(`Running ${args.program} for stack '${args.stack}' under mocks (preview)...\n`);
        const { result } = await runStack({ programDir: args.program, stack: args.stack, overrides: parseOverrides(args.config as string[]) });
        if (result.error) {
            process.stderr.write(`${result.error.message}\n`);
            return result.error.name === "SettingsError" ? EXIT.invalid : EXIT.internal;
        }
        const custom = result.resources.filter((r) => r.custom);
        const components = result.resources.filter((r) => !r.custom && r.type !== "pulumi:pulumi:Stack").length;
        process.stdout.write(`Stack ${result.project}/${result.stack}: ${custom.length} resources in ${components} components\n\n`);
        process.stdout.write(`${renderTree(result.resources)}\n\nOutputs:\n`);
        for (const [key, value] of Object.entries(result.stackOutputs)) process.stdout.write(`  ${key}: ${renderValue(value)}\n`);
        return EXIT.ok;
    } catch (err) {
        if (err instanceof ProjectConfigError) {
            process.stderr.write(`${err.message}\n`);
            return EXIT.invalid;
        }
        process.stderr.write(`Internal error: ${(err as Error).stack ?? String(err)}\n`);
        return EXIT.internal;
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => process.exit(code));
}
