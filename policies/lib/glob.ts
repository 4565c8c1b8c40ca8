/** Name patterns in policy config, where `*` matches any run of characters and nothing else is special. */

/** Whether `text` matches `pattern` whole. Pure. */
export function globMatches(pattern: string, text: string): boolean {
    const source = pattern
        .split("*")
        .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
        .join(".*");
    return new RegExp(`^${source}$`, "s").test(text);
}
