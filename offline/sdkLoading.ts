/**
 * Two changes to how the Pulumi SDKs load in a process that runs programs under mocks (the offline
 * plan, the tests, the benchmark), made to the SDK files' source as Node.js compiles them. Neither
 * changes what a program registers or what the SDK does with it; each applies only where the SDK
 * file has exactly the expected shape, and leaves any other version of the file as it is. Importing
 * this module installs them: offline/plan.ts and offline/mockRun.ts import it before anything loads
 * the SDKs (an SDK file compiled earlier in the process stays as it was).
 *
 * 1. @pulumi/aws loads its service modules when a program first uses them, not all ~240 of them
 *    when it is imported: `import * as aws from "@pulumi/aws"` otherwise compiles and runs every
 *    service's index (about 250 files) for the dozen services a program touches (55 ms of a
 *    GovCloud plan). The generated index loads each service with
 *        const ec2 = __importStar(require("./ec2"));
 *        exports.ec2 = ec2;
 *    and each such pair becomes a getter that requires the service on first access and then
 *    replaces itself with the plain property the original defines (enumerable, writable,
 *    configurable), so `aws.ec2`, `Object.keys(aws)` and assignment behave as before. The rest of
 *    the index (provider, top-level functions, enums, package registration) runs as it is. A
 *    service's index registers its resource types with the SDK as it loads, which the SDK needs only
 *    to rehydrate resource references of those types, and a program holding such a reference has
 *    used the service.
 *
 * 2. @pulumi/pulumi records a promise's stack trace only when it can print it. The SDK wraps every
 *    promise it makes (about 65 per resource) and stores `new Error().stack` on it as
 *    `_debugStackTrace`, which it reads only to print leaked promises when PULUMI_DEBUG_PROMISE_LEAKS
 *    is set (debuggable.js `debugPromiseLeaks`, read from the environment when the SDK loads).
 *    Capturing and formatting those traces was more than half of a program's time under mocks (a
 *    100-model stack's program: 3.7 s with them, 1.6 s without; a GovCloud plan: 90 ms). With the
 *    variable set, the Error is created where the promise is, as before, and formatted when first
 *    read (the same text); without it, `_debugStackTrace` is left undefined, as no code reads it then.
 */
import Module from "module";
import * as path from "path";

const sdkFile = (pkg: string, file: string) => `${path.sep}node_modules${path.sep}@pulumi${path.sep}${pkg}${path.sep}${file.split("/").join(path.sep)}`;
const AWS_INDEX = sdkFile("aws", "index.js");
const DEBUGGABLE = sdkFile("pulumi", "runtime/debuggable.js");

const SERVICE_IMPORT = /^const (\w+) = __importStar\(require\("\.\/(\w+)"\)\);(\r?\n)exports\.\1 = \1;$/gm;

/** Defines `exports[name]` as what `load()` returns, loaded on first access (put before the first service, on its line). */
const LAZY_HELPER =
    "var __lazyService = function (name, load) { " +
    "var set = function (v) { Object.defineProperty(exports, name, { value: v, enumerable: true, writable: true, configurable: true }); }; " +
    "Object.defineProperty(exports, name, { enumerable: true, configurable: true, get: function () { var v = load(); set(v); return v; }, set: set }); };";

/** @pulumi/aws's index.js with its service modules loaded on first use (pure, for tests). */
export function lazyServiceModules(source: string): string {
    let replaced = 0;
    return source.replace(SERVICE_IMPORT, (_pair, name: string, dir: string, newline: string) => {
        // The helper goes on the first replaced line, after "use strict"; the pair's second line is
        // kept empty, so no line of the index moves.
        const helper = replaced++ === 0 ? `${LAZY_HELPER} ` : "";
        return `${helper}__lazyService(${JSON.stringify(name)}, function () { return __importStar(require(${JSON.stringify(`./${dir}`)})); });${newline}`;
    });
}

const EAGER_STACK = 'Object.defineProperty(p, "_debugStackTrace", { writable: true, value: new Error().stack });';
const LAZY_STACK =
    "if (exports.debugPromiseLeaks) { " +
    "const debugError = new Error(); " +
    'const setDebugStackTrace = (v) => Object.defineProperty(p, "_debugStackTrace", { writable: true, value: v }); ' +
    'Object.defineProperty(p, "_debugStackTrace", { configurable: true, get: () => { const v = debugError.stack; setDebugStackTrace(v); return v; }, set: setDebugStackTrace }); ' +
    '} else Object.defineProperty(p, "_debugStackTrace", { writable: true, value: undefined });';

/** @pulumi/pulumi's runtime/debuggable.js recording leak stack traces only for PULUMI_DEBUG_PROMISE_LEAKS (pure, for tests). */
export function lazyDebugStacks(source: string): string {
    // One line for one line: nothing else in the file moves.
    return source.split(EAGER_STACK).join(LAZY_STACK);
}

type Compile = (this: NodeJS.Module, content: string, filename: string) => unknown;
const INSTALLED = Symbol.for("sagemaker-llm.offline.sdkLoading");

/** Installs both rewrites for the SDK files compiled from now on (once per process; importing this module does it). */
export function installSdkLoading(): void {
    const proto = (Module as unknown as { prototype: { _compile: Compile; [INSTALLED]?: boolean } }).prototype;
    if (proto[INSTALLED]) return;
    const compile = proto._compile;
    proto._compile = function (this: NodeJS.Module, content: string, filename: string) {
        if (filename.endsWith(AWS_INDEX)) content = lazyServiceModules(content);
        else if (filename.endsWith(DEBUGGABLE)) content = lazyDebugStacks(content);
        return compile.call(this, content, filename);
    };
    proto[INSTALLED] = true;
}

installSdkLoading();
