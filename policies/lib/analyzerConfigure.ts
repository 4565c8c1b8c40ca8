/**
 * The one place the pack reaches past @pulumi/policy's exports: it sees the config the engine sends
 * to the analyzer's Configure call before @pulumi/policy stores it, so former policy names can be
 * honoured (lib/renamedConfig.ts). @pulumi/policy exposes no hook for this: `PolicyPack`'s
 * constructor calls its `serve()`, which registers the Analyzer service's handlers with
 * `@grpc/grpc-js`'s `Server.prototype.addService` (@pulumi/policy server.js); the pack wraps that
 * public grpc-js method while the constructor runs, and wraps the `configure` handler it is given.
 * The request is pulumirpc.ConfigureAnalyzerRequest (@pulumi/pulumi proto/analyzer_pb.js): a map
 * from policy name to PolicyConfig { enforcementLevel, properties: google.protobuf.Struct }.
 *
 * If @pulumi/policy stops registering a `configure` handler this way, the pack fails to load with
 * an error saying so, and tests/policies/renamedConfig.test.ts fails: never a silent loss of config.
 */
import * as path from "path";
import { EnforcementLevel } from "@pulumi/policy";
import type { PolicyConfigEntry } from "./renamedConfig";

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-require-imports */
type Callback = (err: Error | null, response?: unknown) => void;
type Handler = (call: { request: any }, callback: Callback) => unknown;

/** The modules @pulumi/policy itself loads, resolved from where it is installed. */
function policyDependencies(): { grpc: any; analyzer: any; struct: any } {
    const policyDir = path.dirname(require.resolve("@pulumi/policy"));
    const analyzerPath = require.resolve("@pulumi/pulumi/proto/analyzer_pb", { paths: [policyDir] });
    return {
        grpc: require(require.resolve("@grpc/grpc-js", { paths: [policyDir] })),
        analyzer: require(analyzerPath),
        struct: require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [path.dirname(analyzerPath)] })),
    };
}

const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

function levelName(analyzer: any, value: number): EnforcementLevel {
    const level = LEVELS.find((l) => analyzer.EnforcementLevel[l.toUpperCase()] === value);
    if (level === undefined) throw new Error(`unknown enforcement level ${value} in the analyzer's Configure request`);
    return level;
}

/**
 * Runs `construct` (which constructs the PolicyPack) with the Configure handler wrapped: `adjust`
 * gets every policy's entry as plain values, may change them in place (or throw, failing Configure
 * with its message), and the changed entries go on to @pulumi/policy.
 */
export function withConfigureAdjusted(adjust: (config: Record<string, PolicyConfigEntry>) => void, construct: () => void): void {
    const { grpc, analyzer, struct } = policyDependencies();
    const serverProto = grpc.Server.prototype;
    const addService = serverProto.addService;
    let wrapped = false;
    serverProto.addService = function (this: unknown, service: unknown, implementation: Record<string, Handler>) {
        const configure = implementation?.configure;
        if (typeof configure !== "function") return addService.call(this, service, implementation);
        wrapped = true;
        const adjusted: Handler = (call, callback) => {
            try {
                const map = call.request.getPolicyconfigMap();
                const config: Record<string, PolicyConfigEntry> = {};
                for (const [name, entry] of map.entries() as Iterable<[string, any]>) {
                    config[name] = {
                        enforcementLevel: levelName(analyzer, entry.getEnforcementlevel()),
                        properties: (entry.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown>,
                    };
                }
                const before = JSON.parse(JSON.stringify(config)) as Record<string, PolicyConfigEntry>;
                adjust(config);
                for (const [name, entry] of Object.entries(config)) {
                    if (JSON.stringify(entry) === JSON.stringify(before[name])) continue;
                    const policyConfig = new analyzer.PolicyConfig();
                    policyConfig.setEnforcementlevel(analyzer.EnforcementLevel[entry.enforcementLevel.toUpperCase()]);
                    policyConfig.setProperties(struct.Struct.fromJavaScript(entry.properties));
                    map.set(name, policyConfig);
                }
            } catch (err) {
                callback(err instanceof Error ? err : new Error(String(err)));
                return;
            }
            return configure(call, callback);
        };
        return addService.call(this, service, { ...implementation, configure: adjusted });
    };
    try {
        construct();
    } finally {
        serverProto.addService = addService;
    }
    if (!wrapped) {
        throw new Error(
            "@pulumi/policy no longer registers the analyzer's configure handler through @grpc/grpc-js Server.addService, " +
                "so this pack cannot apply config set under former policy names (policies/lib/analyzerConfigure.ts); use the @pulumi/policy version the pack's package.json names.",
        );
    }
}
/* eslint-enable @typescript-eslint/no-explicit-any, @typescript-eslint/no-require-imports */
