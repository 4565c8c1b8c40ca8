/**
 * The fresh-clone install for `npm run bench`: `git clone` of the repository's committed HEAD into a
 * temporary directory (never the repository's own node_modules), then `npm ci` there, timed by the
 * parent from spawn to exit (its `prepare` script, the TypeScript cache build, included), and again
 * with `--omit=dev` in a second clone: what a machine that only runs `pulumi up` installs. npm's cache
 * (~/.npm) is used as it is, as on a CI runner that restores it; the figures do not include downloads
 * the cache already holds.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runProcess } from "./lib";

export interface InstallRun {
    /** `npm ci` and its flags. */
    command: string;
    wallMs: number;
    code: number;
    /** The `prepare` script's TypeScript cache build, as it reports itself (`ts-cache: ... in N ms`). */
    prepareMs?: number;
    /** Bytes of node_modules on disk (allocated blocks, as `du` counts them). */
    nodeModulesBytes: number;
    /** Package folders in node_modules (those with a package.json directly below a node_modules). */
    packages: number;
    /** `npm warn EBADENGINE` blocks: packages whose engines exclude this Node.js. */
    engineWarnings: string[];
    /** `added N packages` as npm reports it. */
    added?: number;
}

/** Disk usage and package count of a node_modules tree; symbolic links are not followed. */
export function nodeModulesSize(dir: string): { bytes: number; packages: number } {
    let bytes = 0;
    let packages = 0;
    const seen = new Set<string>();
    const walk = (d: string) => {
        for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
            const p = path.join(d, entry.name);
            const st = fs.lstatSync(p);
            const id = `${st.dev}:${st.ino}`;
            if (seen.has(id)) continue; // a hard link counts once, as du counts it
            seen.add(id);
            bytes += st.blocks * 512;
            if (entry.isDirectory()) {
                const inNodeModules = path.basename(d) === "node_modules";
                const inScope = path.basename(d).startsWith("@") && path.basename(path.dirname(d)) === "node_modules";
                if (inNodeModules || inScope) {
                    if (fs.existsSync(path.join(p, "package.json")) && !entry.name.startsWith("@") && !entry.name.startsWith(".")) packages++;
                }
                walk(p);
            }
        }
    };
    if (fs.existsSync(dir)) walk(dir);
    return { bytes, packages };
}

/**
 * The EBADENGINE warnings in npm's output, one line each: `package (requires node X, npm Y)`, with
 * every engine the block's `required` object names, in its order.
 */
export function engineWarnings(npmOutput: string): string[] {
    const out: string[] = [];
    for (const block of npmOutput.split(/EBADENGINE Unsupported engine \{/).slice(1)) {
        const pkg = /EBADENGINE\s+package: '([^']+)'/.exec(block)?.[1];
        const required = /EBADENGINE\s+required: \{([^}]*)\}/.exec(block)?.[1];
        if (!pkg || required === undefined) continue;
        const engines = [...required.matchAll(/([\w-]+): '([^']*)'/g)].map((m) => `${m[1]} ${m[2]}`);
        out.push(`${pkg} (requires ${engines.join(", ")})`);
    }
    return out;
}

/** Clones `repo` into a temporary directory and times `npm ci [flags]` there; removes the clone. */
export async function freshInstall(repo: string, flags: string[], log: (text: string) => void): Promise<InstallRun> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-install-"));
    try {
        const clone = path.join(dir, "clone");
        const cloned = await runProcess("git", ["clone", "--quiet", "--no-hardlinks", repo, clone], { cwd: dir });
        if (cloned.code !== 0) throw new Error(`git clone ${repo} failed (exit ${cloned.code}): ${cloned.stderr.trim()}`);
        const npm = process.platform === "win32" ? "npm.cmd" : "npm";
        const args = ["ci", "--no-audit", "--no-fund", ...flags];
        log(`npm ${args.join(" ")} in a fresh clone`);
        const r = await runProcess(npm, args, { cwd: clone });
        const output = r.stdout + r.stderr;
        if (r.code !== 0) log(`  exit ${r.code}:\n${output.trim().split("\n").slice(-10).join("\n")}`);
        const size = nodeModulesSize(path.join(clone, "node_modules"));
        const prepare = /ts-cache: .* in [^(]*\((\d+) ms\)/.exec(output);
        const added = /added (\d+) packages/.exec(output);
        return {
            command: `npm ${args.join(" ")}`,
            wallMs: r.wallMs,
            code: r.code,
            prepareMs: prepare ? Number(prepare[1]) : undefined,
            nodeModulesBytes: size.bytes,
            packages: size.packages,
            engineWarnings: engineWarnings(output),
            added: added ? Number(added[1]) : undefined,
        };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
