/**
 * The @pulumi/pulumi internals offline/mockRun.ts relies on, beyond the SDK's public API: when an
 * SDK release moves or renames one of them, this fails by name instead of the runs failing obscurely.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import { installPromiseStackTraces } from "../offline/promiseStackTraces";
import { RegisterResourceRequest } from "@pulumi/pulumi/proto/resource_pb";

describe("@pulumi/pulumi internals the mock runs use", () => {
    it("runtime/stack runInPulumiStack, runtime/settings waitForRPCs, runtime/debuggable leakedPromises", () => {
        /* eslint-disable @typescript-eslint/no-require-imports */
        assert.equal(typeof require("@pulumi/pulumi/runtime/stack").runInPulumiStack, "function");
        assert.equal(typeof require("@pulumi/pulumi/runtime/settings").waitForRPCs, "function");
        const [leaks, message] = require("@pulumi/pulumi/runtime/debuggable").leakedPromises();
        /* eslint-enable @typescript-eslint/no-require-imports */
        assert.ok(leaks instanceof Set && typeof message === "string");
    });

    it("runtime/debuggable makes each promise's trace with `new Error().stack` in debuggable.js, so offline/promiseStackTraces.ts can tell it apart", () => {
        /* eslint-disable @typescript-eslint/no-require-imports */
        const source = fs.readFileSync(require.resolve("@pulumi/pulumi/runtime/debuggable"), "utf8");
        assert.match(source, /"_debugStackTrace", \{ writable: true, value: new Error\(\)\.stack \}/);
        assert.ok(installPromiseStackTraces());
        const { debuggablePromise } = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise<T>(p: Promise<T>, ctx: unknown): Promise<T> };
        /* eslint-enable @typescript-eslint/no-require-imports */
        const previous = process.env.PULUMI_DEBUG_PROMISE_LEAKS;
        try {
            delete process.env.PULUMI_DEBUG_PROMISE_LEAKS;
            // The trace goes on the promise given (the one returned wraps it).
            const quiet = Promise.resolve(1);
            debuggablePromise(quiet, "test");
            assert.equal((quiet as unknown as { _debugStackTrace: string })._debugStackTrace, "");
            process.env.PULUMI_DEBUG_PROMISE_LEAKS = "1";
            // Formatted in full (debuggable.ts when ts-node has installed source-map-support, which formats it then).
            const traced = Promise.resolve(1);
            debuggablePromise(traced, "test");
            assert.match((traced as unknown as { _debugStackTrace: string })._debugStackTrace, /^Error\n {4}at .*debuggable\.[jt]s:\d+:\d+/);
        } finally {
            if (previous === undefined) delete process.env.PULUMI_DEBUG_PROMISE_LEAKS;
            else process.env.PULUMI_DEBUG_PROMISE_LEAKS = previous;
        }
        // Every other error keeps the trace V8 writes.
        const own = new TypeError("own");
        assert.match(own.stack!, /^TypeError: own\n {4}at .*sdkInternals\.test\.ts:\d+:\d+/);
    });

    it("the RegisterResourceRequest accessors the capture reads", () => {
        const request = new RegisterResourceRequest();
        for (const accessor of [
            "getType",
            "getName",
            "getParent",
            "getCustom",
            "getRemote",
            "getProvider",
            "getObject",
            "getDependenciesList",
            "getPropertydependenciesMap",
            "getProtect",
            "getDeletebeforereplace",
            "getDeletebeforereplacedefined",
            "getReplaceonchangesList",
            "getIgnorechangesList",
            "getAdditionalsecretoutputsList",
            "getRetainondelete",
            "getAliasesList",
        ])
            assert.equal(typeof (request as unknown as Record<string, unknown>)[accessor], "function", accessor);
    });
});
