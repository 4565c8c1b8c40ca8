/**
 * `npm run pack:build`: the policy pack as `pulumi policy publish` takes it, in a folder of its own
 * (default dist/policy-pack/):
 *
 *   npm run pack:build                      dist/policy-pack/
 *   npm run pack:build -- --out <folder>    somewhere else (emptied first)
 *   cd dist/policy-pack && pulumi policy publish <org>
 *
 * The folder holds the pack compiled to JavaScript, its PulumiPolicy.yaml, a package.json whose
 * dependencies are the versions this repository installed and tested, the pack's README, its
 * changelog and its shipped configs. `pulumi policy publish` packs the folder with `npm pack` and,
 * where the pack is enforced, the CLI installs its dependencies there (pulumi/pulumi pkg/backend/httpstate/policypack.go):
 * nothing outside the folder reaches the enforcing machine, which is why policies/ imports nothing
 * outside itself.
 *
 * Compiled, because a TypeScript pack is compiled where it runs by @pulumi/pulumi's
 * run-policy-pack with whatever `typescript` the pack's install brings, the SDK's vendored 3.8 when
 * none (@pulumi/pulumi cmd/run-policy-pack/run.js and tsutils.js); the built PulumiPolicy.yaml sets the
 * Node.js runtime's `typescript` option to false, so the JavaScript runs as it is.
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import * as YAML from "yaml";
import { CliIo, InputError, parseOptions, processIo, runAsScript, runCommand } from "./cli";

const REPO_ROOT = path.resolve(__dirname, "..");
const PACK_SOURCE = path.join(REPO_ROOT, "policies");
const DEFAULT_OUT = path.join(REPO_ROOT, "dist", "policy-pack");

/** What a build wrote. */
export interface BuiltPack {
    dir: string;
    /** Files written, relative to `dir`, sorted. */
    files: string[];
    /** The built package.json's dependencies (exact versions). */
    dependencies: Record<string, string>;
}

export class PackBuildError extends InputError {
    override name = "PackBuildError";
}

/** The version of `name` installed for the pack's source (what the test suite ran against). */
function installedVersion(name: string): string {
    const manifest = require.resolve(`${name}/package.json`, { paths: [PACK_SOURCE] });
    const version = (JSON.parse(fs.readFileSync(manifest, "utf8")) as { version: string }).version;
    // @pulumi/policy's package.json writes its version with a leading "v".
    return version.replace(/^v/, "");
}

/** Compiles policies/ (its own tsconfig.json) into `outDir`; type errors stop the build. */
function compile(outDir: string): void {
    const configFile = path.join(PACK_SOURCE, "tsconfig.json");
    const read = ts.readConfigFile(configFile, ts.sys.readFile);
    if (read.error) throw new PackBuildError(ts.flattenDiagnosticMessageText(read.error.messageText, "\n"));
    const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, PACK_SOURCE, { outDir, rootDir: PACK_SOURCE, noEmitOnError: true, sourceMap: false });
    const program = ts.createProgram(parsed.fileNames, parsed.options);
    const emitted = program.emit();
    const diagnostics = [...parsed.errors, ...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics];
    if (diagnostics.length > 0 || emitted.emitSkipped) {
        const host: ts.FormatDiagnosticsHost = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => REPO_ROOT, getNewLine: () => "\n" };
        throw new PackBuildError(`policies/ does not compile:\n${ts.formatDiagnostics(diagnostics, host)}`);
    }
}

/** Builds the pack into `outDir` (emptied first). */
export function buildPolicyPack(outDir: string = DEFAULT_OUT): BuiltPack {
    const dir = path.resolve(outDir);
    if (dir === PACK_SOURCE || PACK_SOURCE.startsWith(dir + path.sep))
        throw new PackBuildError(`--out ${outDir} would overwrite the pack's source; choose another folder.`);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    compile(dir);

    const source = JSON.parse(fs.readFileSync(path.join(PACK_SOURCE, "package.json"), "utf8")) as Record<string, unknown> & {
        dependencies: Record<string, string>;
    };
    const dependencies = Object.fromEntries(Object.keys(source.dependencies).map((name) => [name, installedVersion(name)]));
    const manifest = { ...source, main: "index.js", dependencies };
    fs.writeFileSync(path.join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);

    const project = YAML.parse(fs.readFileSync(path.join(PACK_SOURCE, "PulumiPolicy.yaml"), "utf8")) as Record<string, unknown>;
    project.runtime = { name: "nodejs", options: { typescript: false } };
    fs.writeFileSync(path.join(dir, "PulumiPolicy.yaml"), YAML.stringify(project, { lineWidth: 0 }));

    fs.copyFileSync(path.join(PACK_SOURCE, "README.md"), path.join(dir, "README.md"));
    fs.copyFileSync(path.join(PACK_SOURCE, "CHANGELOG.md"), path.join(dir, "CHANGELOG.md"));
    fs.cpSync(path.join(PACK_SOURCE, "config"), path.join(dir, "config"), { recursive: true });

    const files = (fs.readdirSync(dir, { recursive: true }) as string[])
        .filter((f) => fs.statSync(path.join(dir, f)).isFile())
        .map((f) => f.split(path.sep).join("/"))
        .sort();
    return { dir, files, dependencies };
}

export const USAGE = `Usage: npm run pack:build [-- --out <folder>]

Builds the policy pack as 'pulumi policy publish' takes it, into --out (default dist/policy-pack,
emptied first).

Exit codes: 0 built; 2 the input is wrong (policies/ does not compile, --out is the pack's source,
unknown options); 3 a fault of this command.`;

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
    return runCommand(io, "pack:build", async () => {
        const o = parseOptions(argv, { out: { type: "string" }, help: { type: "boolean", short: "h" } });
        if (o.help) {
            io.stdout.write(`${USAGE}\n`);
            return;
        }
        const built = buildPolicyPack(o.out);
        const folder = path.relative(process.cwd(), built.dir) || ".";
        io.stdout.write(`Built the policy pack in ${folder} (${built.files.length} files).\nPublish it: cd ${folder} && pulumi policy publish <org>\n`);
    });
}

if (require.main === module) runAsScript(main);
