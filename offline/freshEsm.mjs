/**
 * Module resolution hook (node:module `register`) for offline program runs (./programLoader.ts): a
 * program's ES modules are imported under a run tag (`?offline-run=<n>`), and each module they
 * import from outside node_modules gets the same tag, so every run gets fresh instances of the
 * program's own modules, as each CLI run is a new process. Packages keep one instance per process.
 */
export async function resolve(specifier, context, nextResolve) {
    const resolved = await nextResolve(specifier, context);
    const parent = context.parentURL && context.parentURL.startsWith("file:") ? new URL(context.parentURL) : undefined;
    const tag = parent && parent.searchParams.get("offline-run");
    if (!tag || !resolved.url.startsWith("file:") || resolved.url.includes("/node_modules/")) return resolved;
    const url = new URL(resolved.url);
    if (url.searchParams.has("offline-run")) return resolved;
    url.searchParams.set("offline-run", tag);
    return { ...resolved, url: url.href };
}
