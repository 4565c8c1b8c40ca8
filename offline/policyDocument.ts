/**
 * The offline answer to `aws:iam/getPolicyDocument:getPolicyDocument` (`aws.iam.getPolicyDocument`):
 * the document the AWS provider would render from the call's inputs, so policies that read IAM
 * documents see a program's getPolicyDocument results as they would in a real preview.
 *
 * Behaviour follows the provider's source, hashicorp/terraform-provider-aws
 * `internal/service/iam/policy_document_data_source.go` (dataSourcePolicyDocumentRead: schema
 * defaults, source/override merging, `&{` → `${`) and `internal/service/iam/policy_model.go` (the
 * document model and its JSON marshalling), checked 2026-12-02:
 * - Keys in the order of the Go structs: Version, Id, Statement; in a statement Sid, Effect, Action,
 *   NotAction, Resource, NotResource, Principal, NotPrincipal, Condition; empty ones left out (Sid
 *   too: `omitempty`, although the provider's website examples still show `"Sid": ""`).
 * - actions/notActions/resources/notResources and principal identifiers are sets: one element
 *   becomes a string, several an array sorted in reverse (policyDecodeConfigStrings).
 * - Principals: a single principal of type "*" with identifier "*" renders as `"*"`; otherwise an
 *   object by type (keys sorted, as Go marshals maps), blocks of one type joined.
 * - Conditions: an object by test then variable (keys sorted), values in the given order, blocks of
 *   the same test and variable joined, a single value as a string.
 * - `version` defaults to "2012-10-17"; effect to "Allow"; `&{` becomes `${` in resources,
 *   principals and condition values (an error under version 2008-10-17); duplicate Sids fail.
 * - sourcePolicyDocuments are merged first (their Sids must be unique), then the statements given,
 *   then overridePolicyDocuments, each statement with a Sid replacing the earlier one with that Sid
 *   (IAMPolicyDoc.Merge). Merged documents are re-rendered as the provider parses them: their
 *   actions and resources as written, principals and conditions normalised as above, condition
 *   values that are neither strings, booleans nor arrays dropped.
 * - `json` is Go's MarshalIndent with two spaces, `minifiedJson` its Marshal (both escape <, >, &
 *   as Go does), `id` the CRC-32 of `json` in decimal (`internal/create/hashcode.go`, StringHashcode).
 * Any unknown input makes the whole answer unknown, as it is in a real preview.
 */
import { crc32 } from "zlib";
import { UNKNOWN } from "./mockRun";

type Strings = string | string[];
interface Principal {
    type: string;
    identifiers: Strings;
}
interface Condition {
    test: string;
    variable: string;
    values: Strings;
}
interface Statement {
    sid?: string;
    effect?: string;
    actions?: unknown;
    notActions?: unknown;
    resources?: unknown;
    notResources?: unknown;
    principals?: Principal[];
    notPrincipals?: Principal[];
    conditions?: Condition[];
}
interface Doc {
    version: string;
    id: string;
    statements: Statement[];
}

const VARIABLE = /&\{/g;

function containsUnknown(value: unknown): boolean {
    if (value === UNKNOWN) return true;
    if (Array.isArray(value)) return value.some(containsUnknown);
    if (value && typeof value === "object") return Object.values(value).some(containsUnknown);
    return false;
}

/** A set of strings as the provider renders it: one element as a string, several sorted in reverse; undefined when empty. */
function setOf(values: unknown): Strings | undefined {
    const list = [...new Set(((values as unknown[] | undefined) ?? []).map(String))];
    if (list.length === 0) return undefined;
    return list.length === 1 ? list[0] : list.sort().reverse();
}

function replaceVariables(values: Strings | undefined, version: string): Strings | undefined {
    const replace = (v: string) => {
        if (version === "2008-10-17" && v.includes("&{")) {
            throw new Error(`found &{ sequence in (${v}), which is not supported in document version 2008-10-17`);
        }
        return v.replace(VARIABLE, "${");
    };
    if (values === undefined) return undefined;
    return typeof values === "string" ? replace(values) : values.map(replace);
}

function configPrincipals(blocks: unknown, version: string): Principal[] | undefined {
    const list = (blocks as { type: string; identifiers: unknown[] }[] | undefined) ?? [];
    if (list.length === 0) return undefined;
    return list.map((p) => ({ type: String(p.type), identifiers: replaceVariables(setOf(p.identifiers), version) ?? [] }));
}

function configStatement(input: Record<string, unknown>, version: string): Statement {
    const conditions = ((input.conditions as Record<string, unknown>[] | undefined) ?? []).map((c) => {
        const values = replaceVariables(((c.values as unknown[] | undefined) ?? []).map(String), version) as string[];
        return { test: String(c.test), variable: String(c.variable), values: values.length === 1 ? values[0] : values };
    });
    return {
        sid: typeof input.sid === "string" ? input.sid : undefined,
        effect: typeof input.effect === "string" && input.effect !== "" ? input.effect : "Allow",
        actions: setOf(input.actions),
        notActions: setOf(input.notActions),
        resources: replaceVariables(setOf(input.resources), version),
        notResources: replaceVariables(setOf(input.notResources), version),
        principals: configPrincipals(input.principals, version),
        notPrincipals: configPrincipals(input.notPrincipals, version),
        conditions: conditions.length > 0 ? conditions : undefined,
    };
}

/** A statement of a merged JSON document, as the provider's UnmarshalJSON reads it. */
function parsedStatement(s: Record<string, unknown>): Statement {
    const principals = (value: unknown): Principal[] | undefined => {
        if (value === undefined || value === null) return undefined;
        if (typeof value === "string") return [{ type: "*", identifiers: ["*"] }];
        if (typeof value !== "object" || Array.isArray(value)) throw new Error(`Unsupported data type for IAMPolicyStatementPrincipalSet`);
        return Object.entries(value as Record<string, unknown>).map(([type, ids]) => {
            if (typeof ids === "string") return { type, identifiers: ids };
            if (!Array.isArray(ids) || ids.some((i) => typeof i !== "string"))
                throw new Error(`Unsupported data type for principal type "${type}": must be string`);
            return { type, identifiers: [...(ids as string[])].sort() };
        });
    };
    const conditions: Condition[] = [];
    for (const [test, variables] of Object.entries((s.Condition as Record<string, Record<string, unknown>> | undefined) ?? {})) {
        for (const [variable, values] of Object.entries(variables ?? {})) {
            if (typeof values === "string") conditions.push({ test, variable, values: [values] });
            else if (typeof values === "boolean") conditions.push({ test, variable, values: String(values) });
            else if (Array.isArray(values)) conditions.push({ test, variable, values: values.map(String) });
        }
    }
    return {
        sid: typeof s.Sid === "string" ? s.Sid : undefined,
        effect: typeof s.Effect === "string" ? s.Effect : undefined,
        actions: s.Action,
        notActions: s.NotAction,
        resources: s.Resource,
        notResources: s.NotResource,
        principals: principals(s.Principal),
        notPrincipals: principals(s.NotPrincipal),
        conditions: conditions.length > 0 ? conditions : undefined,
    };
}

function parsedDocument(text: string, label: string): Doc {
    let raw: Record<string, unknown>;
    try {
        raw = JSON.parse(text) as Record<string, unknown>;
    } catch (err) {
        throw new Error(`writing IAM Policy Document: merging ${label}: ${(err as Error).message}`, { cause: err });
    }
    const statements = raw.Statement ?? [];
    if (!Array.isArray(statements)) throw new Error(`writing IAM Policy Document: merging ${label}: Statement is not an array`);
    return {
        version: typeof raw.Version === "string" ? raw.Version : "",
        id: typeof raw.Id === "string" ? raw.Id : "",
        statements: statements.map((s) => parsedStatement(s as Record<string, unknown>)),
    };
}

/** IAMPolicyDoc.Merge: adopt the Id, upgrade the Version, replace statements by Sid, append the rest. */
function merge(into: Doc, next: Doc): void {
    if (next.id) into.id = next.id;
    if (next.version > into.version) into.version = next.version;
    for (const statement of next.statements) {
        const at = statement.sid ? into.statements.findIndex((s) => s.sid === statement.sid) : -1;
        if (at >= 0) into.statements[at] = statement;
        else into.statements.push(statement);
    }
}

const sortedKeys = (record: Record<string, unknown>) =>
    Object.fromEntries(
        Object.keys(record)
            .sort()
            .map((k) => [k, record[k]]),
    );

function renderPrincipals(principals: Principal[] | undefined): unknown {
    if (!principals || principals.length === 0) return undefined;
    if (principals.length === 1 && principals[0].type === "*") {
        const ids = principals[0].identifiers;
        if (ids === "*" || (Array.isArray(ids) && ids.length === 1 && ids[0] === "*")) return "*";
    }
    const raw: Record<string, Strings> = {};
    for (const { type, identifiers } of principals) {
        const have = raw[type];
        if (Array.isArray(identifiers)) {
            raw[type] = [...(have === undefined ? [] : typeof have === "string" ? [have] : have), ...[...identifiers].sort().reverse()];
        } else {
            raw[type] = have === undefined ? identifiers : [...(typeof have === "string" ? [have] : have), identifiers];
        }
    }
    return sortedKeys(raw);
}

function renderConditions(conditions: Condition[] | undefined): unknown {
    if (!conditions || conditions.length === 0) return undefined;
    const raw: Record<string, Record<string, string[]>> = {};
    for (const { test, variable, values } of conditions) {
        raw[test] ??= {};
        raw[test][variable] = [...(raw[test][variable] ?? []), ...(typeof values === "string" ? [values] : values)];
    }
    const flat = (vars: Record<string, string[]>) => sortedKeys(Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, v.length === 1 ? v[0] : v])));
    return sortedKeys(Object.fromEntries(Object.entries(raw).map(([test, vars]) => [test, flat(vars)])));
}

/**
 * Go's encoding/json `omitempty` on the model's fields: strings and slices are left out when empty;
 * Action, NotAction, Resource and NotResource are `any`, left out only when nil (an empty list or
 * string from a merged document is kept, as Go keeps it).
 */
const ANY_FIELDS = new Set(["Action", "NotAction", "Resource", "NotResource"]);
function omitEmpty(entries: [string, unknown][]): Record<string, unknown> {
    const empty = (key: string, v: unknown) => v === undefined || v === null || (!ANY_FIELDS.has(key) && (v === "" || (Array.isArray(v) && v.length === 0)));
    return Object.fromEntries(entries.filter(([k, v]) => !empty(k, v)));
}

function render(doc: Doc): Record<string, unknown> {
    return omitEmpty([
        ["Version", doc.version],
        ["Id", doc.id],
        [
            "Statement",
            doc.statements.map((s) =>
                omitEmpty([
                    ["Sid", s.sid],
                    ["Effect", s.effect],
                    ["Action", s.actions],
                    ["NotAction", s.notActions],
                    ["Resource", s.resources],
                    ["NotResource", s.notResources],
                    ["Principal", renderPrincipals(s.principals)],
                    ["NotPrincipal", renderPrincipals(s.notPrincipals)],
                    ["Condition", renderConditions(s.conditions)],
                ]),
            ),
        ],
    ]);
}

/** Go's json.Marshal escapes these characters (HTML-safe output). */
function goEscape(json: string): string {
    return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * The result of `aws:iam/getPolicyDocument:getPolicyDocument` for the call's wire inputs: `json`,
 * `minifiedJson` and `id`, all unknown when any input is. Throws the provider's error for inputs
 * it refuses (duplicate Sids, `&{` under version 2008-10-17, unparsable merged documents).
 */
export function policyDocument(inputs: Record<string, unknown>): Record<string, unknown> {
    if (containsUnknown(inputs)) return { json: UNKNOWN, minifiedJson: UNKNOWN, id: UNKNOWN };
    const merged: Doc = { version: "", id: "", statements: [] };
    const sourceSids = new Set<string>();
    ((inputs.sourcePolicyDocuments as (string | null)[] | undefined) ?? []).forEach((text, i) => {
        if (text === null || text === undefined) return;
        const source = parsedDocument(text, `source document ${i}`);
        source.statements.forEach((s, n) => {
            if (!s.sid) return;
            if (sourceSids.has(s.sid)) {
                throw new Error(
                    `writing IAM Policy Document: merging source document ${i}: duplicate Sid (${s.sid}) in source_policy_documents (statement ${n})`,
                );
            }
            sourceSids.add(s.sid);
        });
        merge(merged, source);
    });
    const version = typeof inputs.version === "string" && inputs.version !== "" ? inputs.version : "2012-10-17";
    const sids = new Set<string>();
    const statements = ((inputs.statements as Record<string, unknown>[] | undefined) ?? []).map((input) => {
        const statement = configStatement(input, version);
        if (statement.sid) {
            if (sids.has(statement.sid)) throw new Error(`writing IAM Policy Document: duplicate Sid (${statement.sid})`);
            sids.add(statement.sid);
        }
        return statement;
    });
    merge(merged, { version, id: typeof inputs.policyId === "string" ? inputs.policyId : "", statements });
    ((inputs.overridePolicyDocuments as (string | null)[] | undefined) ?? []).forEach((text, i) => {
        if (text !== null && text !== undefined) merge(merged, parsedDocument(text, `override document ${i}`));
    });
    const doc = render(merged);
    const json = goEscape(JSON.stringify(doc, null, 2));
    return { json, minifiedJson: goEscape(JSON.stringify(doc)), id: String(crc32(json)) };
}
