/**
 * The @pulumi/pulumi internals offline/mockRun.ts relies on, beyond the SDK's public API: when an
 * SDK release moves or renames one of them, this fails by name instead of the runs failing obscurely.
 */
import { strict as assert } from "assert";
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
