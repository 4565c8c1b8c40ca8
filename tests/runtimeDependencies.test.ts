/**
 * package.json's `dependencies` are what `pulumi up` of the program needs, and nothing else: the
 * packages the program (index.ts and every module it imports, the pack's catalog included) and the
 * policy pack (policies/index.ts, loaded by `--policy-pack policies` and resolving its packages from
 * the root node_modules) import at run time, plus the TypeScript toolchain Pulumi's Node.js language
 * host compiles them with. Everything only the plan, the tools, the benchmark, the docs or the tests
 * use is a dev dependency, so `npm ci --omit=dev` is a working deploy install.
 */
import { strict as assert } from "assert";
import { builtinModules } from "module";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

const ROOT = path.resolve(__dirname, "..");

/**
 * Needed by `pulumi up` although no module imports them: with `runtime.options.typescript` (Pulumi.yaml)
 * the language host registers the project's ts-node with its typescript, type-checking each file it
 * loads (@pulumi/pulumi cmd/run/run.js, "tsn.register"). Without them it falls back to its vendored
 * ts-node 7.0.1 and TypeScript 3.8.3, which reject tsconfig's `target: es2022` (TS6046). The files use
 * Node.js globals (Buffer, require), so @types/node too. @types/mocha, also in tsconfig.json's `types`,
 * is not needed: ts-node reports the diagnostics of the files it compiles, not that option's. (Checked
 * on 2026-12-02 by loading index.ts and policies/index.ts that way after `npm ci --omit=dev`.)
 */
const LANGUAGE_HOST: Record<string, string> = {
    typescript: "the compiler the language host loads from the project",
    "ts-node": "the loader the language host registers",
    "@types/node": "the Node.js globals the program and the pack use",
};

/** The package a bare specifier names (`@scope/name/sub` -> `@scope/name`), or undefined for builtins. */
export function packageOf(specifier: string): string | undefined {
    if (specifier.startsWith("node:") || builtinModules.includes(specifier.split("/")[0])) return undefined;
    const parts = specifier.split("/");
    return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/** The module specifiers a file loads at run time: imports and re-exports that are not type-only, require() and import(). */
export function runtimeSpecifiers(fileName: string, text: string): string[] {
    const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
    const out: string[] = [];
    const visit = (node: ts.Node) => {
        if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
            const clause = node.importClause;
            const typeOnly =
                !!clause &&
                (clause.phaseModifier === ts.SyntaxKind.TypeKeyword ||
                    (!clause.name &&
                        !!clause.namedBindings &&
                        ts.isNamedImports(clause.namedBindings) &&
                        clause.namedBindings.elements.length > 0 &&
                        clause.namedBindings.elements.every((e) => e.isTypeOnly)));
            if (!typeOnly) out.push(node.moduleSpecifier.text);
        } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
            if (!node.isTypeOnly) out.push(node.moduleSpecifier.text);
        } else if (
            ts.isImportEqualsDeclaration(node) &&
            ts.isExternalModuleReference(node.moduleReference) &&
            ts.isStringLiteral(node.moduleReference.expression)
        ) {
            if (!node.isTypeOnly) out.push(node.moduleReference.expression.text);
        } else if (ts.isCallExpression(node) && node.arguments.length >= 1 && ts.isStringLiteralLike(node.arguments[0])) {
            const callee = node.expression;
            if ((ts.isIdentifier(callee) && callee.text === "require") || callee.kind === ts.SyntaxKind.ImportKeyword) out.push(node.arguments[0].text);
        }
        ts.forEachChild(node, visit);
    };
    visit(source);
    return out;
}

/** Every package the entry files load at run time, through their relative imports; package -> the files importing it. */
export function runtimePackages(entries: string[]): Map<string, string[]> {
    const seen = new Set<string>();
    const packages = new Map<string, string[]>();
    const resolveLocal = (from: string, specifier: string) => {
        const base = path.resolve(path.dirname(from), specifier);
        const found = [base, `${base}.ts`, `${base}.js`, path.join(base, "index.ts"), path.join(base, "index.js")].find(
            (c) => fs.existsSync(c) && fs.statSync(c).isFile(),
        );
        if (!found) throw new Error(`${path.relative(ROOT, from)} imports ${specifier}, which does not resolve`);
        return found;
    };
    const visit = (file: string) => {
        if (seen.has(file)) return;
        seen.add(file);
        if (file.endsWith(".json")) return;
        for (const specifier of runtimeSpecifiers(file, fs.readFileSync(file, "utf8"))) {
            if (specifier.startsWith(".")) visit(resolveLocal(file, specifier));
            else {
                const pkg = packageOf(specifier);
                if (pkg) packages.set(pkg, [...(packages.get(pkg) ?? []), path.relative(ROOT, file)]);
            }
        }
    };
    entries.forEach((e) => visit(path.join(ROOT, e)));
    return packages;
}

describe("runtime dependencies", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
        main: string;
        dependencies: Record<string, string>;
        devDependencies: Record<string, string>;
    };

    it("reads run-time imports and leaves type-only ones out", () => {
        const text = [
            'import * as a from "@scope/a/sub";',
            'import type { B } from "b";',
            'import { type C } from "c";',
            'import { type D, e } from "d";',
            'export * from "./local";',
            'export type { F } from "f";',
            'const g = require("g");',
            'const h = import("h");',
            'import "i";',
            'import fs = require("fs");',
        ].join("\n");
        assert.deepEqual(runtimeSpecifiers("x.ts", text), ["@scope/a/sub", "d", "./local", "g", "h", "i", "fs"]);
        assert.deepEqual(["@scope/a/sub", "d", "fs", "node:path", "path/posix"].map(packageOf), ["@scope/a", "d", undefined, undefined, undefined]);
    });

    it("dependencies hold every package the program and the policy pack load, and nothing else", () => {
        const used = runtimePackages([pkg.main, "policies/index.ts"]);
        const problems: string[] = [];
        for (const [name, files] of used) {
            if (!(name in pkg.dependencies))
                problems.push(
                    `${name} is loaded by ${files.slice(0, 3).join(", ")} (pulumi up) but is ${name in pkg.devDependencies ? "a dev dependency" : "not declared"}`,
                );
        }
        for (const name of Object.keys(pkg.dependencies)) {
            if (!used.has(name) && !(name in LANGUAGE_HOST))
                problems.push(`${name} is a dependency, but neither the program nor the pack loads it: move it to devDependencies`);
        }
        for (const name of Object.keys(LANGUAGE_HOST)) if (!(name in pkg.dependencies)) problems.push(`${name} (${LANGUAGE_HOST[name]}) must be a dependency`);
        assert.deepEqual(problems, []);
    });

    it("Pulumi.yaml still has the language host compile TypeScript, and both tsconfig files name the node types: why LANGUAGE_HOST lists its packages", () => {
        assert.match(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"), /^\s+typescript: true$/m);
        for (const file of ["tsconfig.json", "policies/tsconfig.json"]) {
            const config = ts.readConfigFile(path.join(ROOT, file), ts.sys.readFile).config as { compilerOptions?: { types?: string[] } };
            assert.ok(config.compilerOptions?.types?.includes("node"), `${file} names the node types`);
        }
    });
});
