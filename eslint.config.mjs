// ESLint flat config: @eslint/js recommended + typescript-eslint recommended, eslint-config-prettier last
// (it only turns off rules that would fight the formatter; Prettier owns layout, see .prettierrc.json).
// Run: npx eslint .   (type errors are tsc's job: npm run typecheck)
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, globalIgnores } from "eslint/config";
import tseslint from "typescript-eslint";

// The Node.js globals plain JavaScript files here use (the `globals` package is not a dependency).
const nodeGlobals = {
    require: "readonly",
    module: "writable",
    exports: "writable",
    __dirname: "readonly",
    __filename: "readonly",
    process: "readonly",
    console: "readonly",
    Buffer: "readonly",
    setTimeout: "readonly",
    clearTimeout: "readonly",
    URL: "readonly",
    performance: "readonly",
};

export default defineConfig(
    globalIgnores([
        "**/node_modules/",
        "tests/fixtures/program-shapes/",
        "bin/",
        "out/",
        ".pulumi/",
        "bench/results/",
        "coverage/",
        "reports/",
        ".stryker-tmp/",
        "dist/",
    ]),
    {
        linterOptions: {
            // A disable comment that no longer suppresses anything is dead weight: reported, as a warning
            // (ESLint's default), so a stale comment does not fail CI on its own.
            reportUnusedDisableDirectives: "warn",
        },
    },
    js.configs.recommended,
    tseslint.configs.recommended,
    {
        // One type-aware rule: calls to deprecated APIs (@pulumi/aws and Node mark many). It needs the
        // TypeScript project (tsconfig.json; policies/tsconfig.json for the pack), which roughly triples
        // lint time (about 10 s here), still far below a test run. The code already carries a
        // `no-deprecated` disable comment where it uses one on purpose.
        files: ["**/*.ts"],
        languageOptions: {
            parserOptions: { projectService: true, tsconfigRootDir: path.dirname(fileURLToPath(import.meta.url)) },
        },
        rules: {
            "@typescript-eslint/no-deprecated": "error",
        },
    },
    {
        rules: {
            // A leading underscore says "unused on purpose" (a parameter a signature requires), and
            // `const { a, ...rest } = x` is the idiom for "x without a"; everything else unused is an error.
            "@typescript-eslint/no-unused-vars": [
                "error",
                {
                    argsIgnorePattern: "^_",
                    varsIgnorePattern: "^_",
                    caughtErrorsIgnorePattern: "^_",
                    destructuredArrayIgnorePattern: "^_",
                    ignoreRestSiblings: true,
                },
            ],
        },
    },
    {
        // Tests read untyped shapes (mocked resource inputs, parsed JSON and SARIF) and assert on
        // them; typing every probe would add noise, not safety. Source code keeps the rule.
        files: ["tests/**/*.ts"],
        rules: { "@typescript-eslint/no-explicit-any": "off" },
    },
    {
        // Plain JavaScript here is CommonJS (fixture programs and packs as a Pulumi user writes them,
        // loader hooks that run before TypeScript): require() is its module system, not a lapse.
        files: ["**/*.js", "**/*.cjs"],
        languageOptions: { sourceType: "commonjs", globals: nodeGlobals },
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
    {
        files: ["**/*.mjs"],
        languageOptions: { sourceType: "module", globals: nodeGlobals },
    },
    prettier,
);
