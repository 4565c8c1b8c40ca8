/**
 * The component package's schema, generated offline the way `pulumi package add` gets it from a
 * Node.js source package: the package's plugin host (@pulumi/pulumi cmd/run-plugin/run.js) loads
 * components/, collects the exported ComponentResource classes (`getPulumiComponents`), names the
 * provider after package.json's name (scope as namespace, other characters than [-a-zA-Z0-9_] as
 * `-`), and answers GetSchema with `ComponentProvider.getSchema()`, which runs the component
 * analyzer over the TypeScript sources (provider/experimental/analyzer.js). This module is the only
 * code on that experimental API; tests/componentPackage.test.ts fails when it changes.
 *
 * `npm run docs` writes docs/components.md from the schema (a test checks it is current).
 */
import * as fs from "fs";
import * as path from "path";

export const COMPONENTS_DIR = path.resolve(__dirname, "..", "components");
export const COMPONENT_DOCS = path.resolve(__dirname, "..", "docs", "components.md");

/** A property of the schema (the subset the analyzer writes). */
export interface SchemaProperty {
    type?: string;
    $ref?: string;
    items?: SchemaProperty;
    additionalProperties?: SchemaProperty;
    description?: string;
    optional?: boolean;
    plain?: boolean;
}

export interface PackageSchema {
    name: string;
    version: string;
    description?: string;
    namespace?: string;
    resources: Record<
        string,
        {
            isComponent: boolean;
            description?: string;
            inputProperties: Record<string, SchemaProperty>;
            requiredInputs: string[];
            properties: Record<string, SchemaProperty>;
            required: string[];
        }
    >;
    types: Record<string, { type: string; enum?: { name: string; value: string }[]; properties?: Record<string, SchemaProperty>; required?: string[] }>;
}

interface ExperimentalProvider {
    getPulumiComponents(moduleExports: unknown): Array<new (...args: never[]) => unknown>;
    ComponentProvider: new (options: { components: unknown[]; dirname: string; name: string; namespace?: string }) => { getSchema(): Promise<string> };
}

/** The provider name and namespace the plugin host derives from a package.json name. */
export function providerNaming(packageName: string): { name: string; namespace?: string } {
    const match = /(@.*?\/)?(.+)/.exec(packageName)!;
    const name = match[2].replace(/[^-a-zA-Z0-9_]/g, "-");
    return { name, namespace: match[1] ? match[1].slice(1, -1) : undefined };
}

/** The schema of the package in `dir` (components/ by default). */
export async function componentPackageSchema(dir = COMPONENTS_DIR): Promise<PackageSchema> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const experimental = require("@pulumi/pulumi/provider/experimental") as ExperimentalProvider;
    const packageJson = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { name: string };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const components = experimental.getPulumiComponents(require(dir));
    const provider = new experimental.ComponentProvider({ components, dirname: dir, ...providerNaming(packageJson.name) });
    return JSON.parse(await provider.getSchema()) as PackageSchema;
}

function typeText(p: SchemaProperty, schema: PackageSchema): string {
    if (p.$ref) {
        const token = decodeURIComponent(p.$ref.replace(/^#\/types\//, ""));
        const type = schema.types[token];
        if (type?.enum) return type.enum.map((e) => `\`${e.value}\``).join(" \\| ");
        if (p.$ref.startsWith("#/types/")) return token.split(":").pop()!;
        return p.$ref;
    }
    if (p.type === "array" && p.items) return `list of ${typeText(p.items, schema)}`;
    if (p.type === "object" && p.additionalProperties) return `map of ${typeText(p.additionalProperties, schema)}`;
    return p.type ?? "any";
}

/** One line of a table cell: no newlines, no unescaped pipes. */
function cell(text: string | undefined): string {
    return (text ?? "").replace(/\s*\n\s*/g, " ").replace(/\|/g, "\\|");
}

function propertyTable(properties: Record<string, SchemaProperty>, required: string[], schema: PackageSchema, inputs: boolean): string[] {
    const rows = Object.entries(properties)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, p]) => {
            const need = required.includes(name) ? "required" : "optional";
            const kind = inputs ? `${need}${p.plain ? ", plain" : ", input"}` : need;
            return `| \`${name}\` | ${cell(typeText(p, schema))} | ${kind} | ${cell(p.description)} |`;
        });
    return ["| Name | Type | | Description |", "| --- | --- | --- | --- |", ...rows];
}

/** docs/components.md: every component with its inputs (and their defaults) and outputs, and the object types. */
export function renderComponentDocs(schema: PackageSchema): string {
    const lines = [
        `# The \`${schema.name}\` component package`,
        "",
        "<!-- Generated by npm run docs from the schema @pulumi/pulumi's component analyzer makes of components/ (offline/componentSchema.ts); do not edit. -->",
        "",
        cell(schema.description),
        "",
        'Use it from any Pulumi language: `pulumi package add <path to components/, or the repository\'s URL with /components>` generates the SDK (README, "The component package"). Plain inputs take values; inputs take values or outputs of other resources. Every optional input names its default.',
        "",
    ];
    for (const [token, resource] of Object.entries(schema.resources).sort(([a], [b]) => a.localeCompare(b))) {
        lines.push(`## ${token.split(":").pop()}`, "", `Type token \`${token}\`.`, "", cell(resource.description), "", "### Inputs", "");
        lines.push(...propertyTable(resource.inputProperties, resource.requiredInputs, schema, true), "", "### Outputs", "");
        lines.push(...propertyTable(resource.properties, resource.required, schema, false), "");
    }
    const objects = Object.entries(schema.types).filter(([, t]) => t.properties);
    if (objects.length > 0) {
        lines.push("## Object types", "");
        for (const [token, type] of objects.sort(([a], [b]) => a.localeCompare(b))) {
            lines.push(`### ${token.split(":").pop()}`, "", ...propertyTable(type.properties!, type.required ?? [], schema, true), "");
        }
    }
    return `${lines
        .join("\n")
        .replace(/\n{3,}/g, "\n\n")
        .trimEnd()}\n`;
}
