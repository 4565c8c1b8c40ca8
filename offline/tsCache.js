"use strict";
/**
 * Runs this repository's TypeScript from JavaScript compiled ahead of time, so `npm run plan` does
 * not load the TypeScript compiler and transpile ~90 files on every run (0.9 s of a GovCloud plan
 * under ts-node, with the other speed-ups; bench/README.md).
 *
 *   node -r ./offline/tsCache.js offline/plan.ts ...   (what `npm run plan` runs)
 *   mocha (.mocharc.json requires it)                  the tests, which re-require the program for
 *                                                      every stack they run: each file is compiled once
 *   node offline/tsCache.js --build                    (`npm run build`, also run by `npm ci` as `prepare`)
 *
 * Behaviour is that of `ts-node --transpile-only`, which the plan ran under before: the JavaScript
 * is ts-node's own output for each file (same compiler, same tsconfig.json, same source map), made
 * by ts-node and kept under bin/ts-cache/, keyed by a hash of the file's source, tsconfig.json
 * (with policies/tsconfig.json, which it extends) and the TypeScript and ts-node versions. Modules
 * keep their .ts file names (require.cache keys, __filename, __dirname and relative imports are
 * unchanged). A file whose source changed since the
 * build, or that is not cached, is compiled by ts-node (created on first need) and cached, so an edit
 * is never run stale and a clone built without `npm ci` (or with --ignore-scripts) still works, only
 * slower on its first run. TypeScript outside this repository (`--program` elsewhere) is handed to a
 * ts-node registered on first need, as the plan did before.
 *
 * One difference: ts-node installs source-map-support, which maps stack traces to TypeScript lines
 * and makes every stack trace the Pulumi SDK captures (one per promise) expensive. Cached modules
 * keep their inline source map, so `NODE_OPTIONS=--enable-source-maps` shows TypeScript lines.
 */
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const ROOT = fs.realpathSync(path.resolve(__dirname, ".."));
const CACHE_DIR = path.join(ROOT, "bin", "ts-cache");
/** Bump when the cache's layout or the way its output is made changes. */
const FORMAT = "1";
const SKIP_DIRS = new Set(["node_modules", "bin", "out", ".git"]);
const inNodeModules = (file) => file.split(path.sep).includes("node_modules");
const inRepo = (file) => file.startsWith(ROOT + path.sep) && !inNodeModules(file.slice(ROOT.length));

let salt;
/** What besides a file's source decides its output: tsconfig.json and the pack's one it extends, the compiler versions, ts-node's variables. */
function cacheSalt() {
    if (salt === undefined) {
        const read = (file) => {
            try {
                return fs.readFileSync(file, "utf8");
            } catch {
                return "";
            }
        };
        const version = (pkg) => {
            try {
                return JSON.parse(read(require.resolve(`${pkg}/package.json`, { paths: [ROOT] }))).version;
            } catch {
                return "";
            }
        };
        // ts-node reads its options from TS_NODE_* variables too.
        const env = Object.keys(process.env)
            .filter((k) => k.startsWith("TS_NODE_"))
            .sort()
            .map((k) => `${k}=${process.env[k]}`);
        const tsconfigs = [path.join(ROOT, "tsconfig.json"), path.join(ROOT, "policies", "tsconfig.json")].map(read);
        salt = [FORMAT, ...tsconfigs, version("typescript"), version("ts-node"), ...env].join("\0");
    }
    return salt;
}

const keyOf = (source) => crypto.createHash("sha256").update(cacheSalt()).update("\0").update(source).digest("hex");
const cacheFileOf = (file) => path.join(CACHE_DIR, `${path.relative(ROOT, file)}.js`);
/** The key goes before the output on its first line, so no line moves (the source map stays right). */
const header = (key) => `/*ts-cache ${key}*/`;

let service;
/** ts-node's compiler service, as `ts-node --transpile-only offline/plan.ts` creates it (tsconfig.json of this repository). */
function tsNode() {
    service ??= require(require.resolve("ts-node", { paths: [ROOT] })).create({ transpileOnly: true, projectSearchDir: ROOT });
    return service;
}

/** Writes a cache file atomically (concurrent runs may write the same one); a read-only checkout just goes without. */
function store(file, text) {
    try {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`;
        fs.writeFileSync(tmp, text);
        fs.renameSync(tmp, file);
        return true;
    } catch {
        return false;
    }
}

/** The JavaScript for a .ts file of this repository: from the cache, else compiled by ts-node and cached. */
function compiled(file, source) {
    const key = keyOf(source);
    const cacheFile = cacheFileOf(file);
    const head = header(key);
    try {
        const text = fs.readFileSync(cacheFile, "utf8");
        if (text.startsWith(head)) return text.slice(head.length);
    } catch {
        /* not cached yet */
    }
    const output = tsNode().compile(source, file);
    store(cacheFile, head + output);
    return output;
}

let registered;
/** ts-node's own require hook, for TypeScript outside this repository (registered on first need, as before). */
function tsNodeHook() {
    if (!registered) {
        const ours = require.extensions[".ts"];
        // Without ours in place, ts-node's hook falls back to the JavaScript loader (not back to ours).
        delete require.extensions[".ts"];
        require(require.resolve("ts-node", { paths: [ROOT] })).register(tsNode());
        registered = require.extensions[".ts"];
        require.extensions[".ts"] = ours;
    }
    return registered;
}

/**
 * Pulumi programs planned from outside this repository (`--program`), by folder: each compiles with
 * its own tsconfig.json, as the CLI's Node.js language host compiles a program (@pulumi/pulumi
 * cmd/run/run.js: ts-node with the project's tsconfig.json if there is one, else none, over the
 * defaults target ES2020 and module/moduleResolution nodenext). Type checking is left to the program's
 * own `tsc`: the plan transpiles only, as for this repository.
 */
const programRoots = new Map();

function registerProgramRoot(dir) {
    const root = path.resolve(dir);
    // This repository's own programs and fixtures compile from the cache, with its tsconfig.json.
    if (root === ROOT || inRepo(root) || programRoots.has(root)) return;
    const tsconfig = path.join(root, "tsconfig.json");
    const hasConfig = fs.existsSync(tsconfig);
    const tsNodePackage = require(require.resolve("ts-node", { paths: [ROOT] }));
    const service = tsNodePackage.create({
        transpileOnly: true,
        project: hasConfig ? tsconfig : undefined,
        skipProject: !hasConfig,
        compilerOptions: hasConfig ? {} : { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: true },
    });
    programRoots.set(root, service);
}

/** The compiler service of the registered program holding `file` (the deepest root), if any. */
function programServiceOf(file) {
    let best;
    for (const [root, service] of programRoots) if (file.startsWith(root + path.sep) && (!best || root.length > best.root.length)) best = { root, service };
    return best && best.service;
}

function install() {
    const jsHandler = require.extensions[".js"];
    require.extensions[".ts"] = function (module, filename) {
        // ts-node leaves node_modules alone: such a file loads as JavaScript.
        if (inNodeModules(filename)) return jsHandler(module, filename);
        const program = programServiceOf(filename);
        if (program) return module._compile(program.compile(fs.readFileSync(filename, "utf8"), filename), filename);
        if (!inRepo(filename)) return tsNodeHook()(module, filename);
        module._compile(compiled(filename, fs.readFileSync(filename, "utf8")), filename);
    };
}

/** Every .ts file of the repository (not node_modules, bin, declarations). */
function sources(dir = ROOT, out = []) {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) {
            if (!SKIP_DIRS.has(entry.name) && !entry.name.startsWith(".")) sources(path.join(dir, entry.name), out);
        } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
            out.push(path.join(dir, entry.name));
        }
    }
    return out;
}

/** Compiles every .ts file into the cache; never fails the install: a file that does not compile is compiled (and its error shown) when it is run. */
function build() {
    const started = Date.now();
    let fresh = 0;
    let built = 0;
    const failed = [];
    for (const file of sources()) {
        const source = fs.readFileSync(file, "utf8");
        const key = keyOf(source);
        const cacheFile = cacheFileOf(file);
        try {
            if (fs.readFileSync(cacheFile, "utf8").startsWith(header(key))) {
                fresh++;
                continue;
            }
        } catch {
            /* not cached */
        }
        try {
            if (store(cacheFile, header(key) + tsNode().compile(source, file))) built++;
        } catch (err) {
            failed.push(`${path.relative(ROOT, file)}: ${String(err && err.message).split("\n")[0]}`);
        }
    }
    process.stderr.write(
        `ts-cache: ${built} compiled, ${fresh} up to date in ${path.relative(process.cwd(), CACHE_DIR) || CACHE_DIR} (${Date.now() - started} ms)${failed.length ? `; not compiled: ${failed.join("; ")}` : ""}\n`,
    );
}

if (require.main === module) {
    if (process.argv.includes("--build")) build();
    else process.stderr.write("Usage: node -r ./offline/tsCache.js <file.ts> | node offline/tsCache.js --build\n");
} else {
    install();
}

module.exports = { build, sources, registerProgramRoot, ROOT, CACHE_DIR };
