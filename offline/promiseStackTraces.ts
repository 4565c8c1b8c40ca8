/**
 * Stack traces of the Pulumi SDK's promises, formatted only when they can be read.
 *
 * @pulumi/pulumi wraps every promise it makes (dozens per resource) and stores `new Error().stack`
 * on it as `_debugStackTrace` (runtime/debuggable.js `debuggablePromise`), which it reads only to
 * print leaked promises when PULUMI_DEBUG_PROMISE_LEAKS is set. Formatting those traces is most of
 * a program's time under mocks. V8's stack trace API (https://v8.dev/docs/stack-trace-api,
 * "Customizing stack traces": `Error.prepareStackTrace`) lets a process format traces itself: here an
 * Error created directly by debuggable.js gets an empty trace, unless PULUMI_DEBUG_PROMISE_LEAKS is
 * set; every other Error is formatted by the formatter installed before, or as V8 formats it. Not
 * installed when Node.js maps traces through source maps (`--enable-source-maps`), whose own
 * formatting would otherwise be replaced.
 *
 * What this relies on in the SDK (its file name and that it reads `.stack` where the Error is made)
 * is checked by tests/sdkInternals.test.ts.
 */
const DEBUGGABLE = /[\\/]@pulumi[\\/]pulumi[\\/]runtime[\\/]debuggable\.js$/;
const OURS = Symbol.for("sagemaker-llm.offline.promiseStackTraces");

type Prepare = (error: Error, sites: NodeJS.CallSite[]) => unknown;

/** The first line of a trace as V8 writes it (the error's toString), then one `at` line per frame. */
function v8Format(error: Error, sites: NodeJS.CallSite[]): string {
    let head: string;
    try {
        head = Error.prototype.toString.call(error);
    } catch {
        head = "<error>";
    }
    return head + sites.map((s) => `\n    at ${s}`).join("");
}

/** Whether the Error was created by the SDK's debuggablePromise (its first frame is in debuggable.js). */
export function isSdkPromiseTrace(sites: NodeJS.CallSite[]): boolean {
    const file = sites[0]?.getFileName();
    return file !== undefined && file !== null && DEBUGGABLE.test(file);
}

/**
 * Puts the formatter in place, over whatever formatter is installed now (source-map-support, which
 * ts-node installs when it compiles, replaces any before it: the mock runs call this before each run).
 * Returns whether it is in place.
 */
export function installPromiseStackTraces(): boolean {
    const registry = Error as unknown as { prepareStackTrace?: Prepare & { [OURS]?: true } };
    if (registry.prepareStackTrace?.[OURS]) return true;
    if (process.sourceMapsEnabled) return false;
    const previous = registry.prepareStackTrace;
    const prepare: Prepare & { [OURS]?: true } = (error, sites) => {
        if (!process.env.PULUMI_DEBUG_PROMISE_LEAKS && isSdkPromiseTrace(sites)) return "";
        return previous ? previous(error, sites) : v8Format(error, sites);
    };
    prepare[OURS] = true;
    registry.prepareStackTrace = prepare;
    return true;
}

installPromiseStackTraces();
