/**
 * The files of a model, wherever they come from (the Hugging Face Hub, a local directory), as the
 * staging step sees them: a relative path, a size, the checksums the source publishes, and a way
 * to open the bytes as a stream. Also the --include/--exclude filter.
 */
import { Readable } from "stream";

export interface ModelFile {
    /** Path relative to the model's root, '/'-separated: the object key below the prefix. */
    path: string;
    /** Size in bytes. */
    size: number;
    /** SHA-256 (hex) the source publishes for the file: the Hub does for LFS files. */
    sha256?: string;
    /** Git blob id (SHA-1, hex) the source publishes: the Hub does for files kept in git. */
    gitBlobId?: string;
}

export interface ModelSource {
    /** What is being staged, for messages, e.g. `hf://org/name@<commit>` or `dir:/data/falcon`. */
    description: string;
    /** Where the files came from, recorded in object metadata (ASCII, no local paths), e.g. `hf://org/name@<commit>`. */
    provenance: string;
    /** The files, sorted by path. */
    files: ModelFile[];
    /** The file's bytes as a stream; each call starts a new read (or download). */
    open(file: ModelFile): Promise<Readable>;
}

/**
 * A glob as a regular expression, with fnmatch rules as huggingface_hub's allow/ignore patterns:
 * `*` matches any run of characters (including `/`), `?` one character, `[...]` a set.
 */
export function globToRegExp(glob: string): RegExp {
    let re = "";
    for (let i = 0; i < glob.length; i++) {
        const c = glob[i];
        if (c === "*") re += ".*";
        else if (c === "?") re += ".";
        else if (c === "[") {
            const close = glob.indexOf("]", i + 1);
            if (close < 0) re += "\\[";
            else {
                const body = glob.slice(i + 1, close);
                re += `[${body.startsWith("!") ? `^${body.slice(1)}` : body}]`;
                i = close;
            }
        } else re += c.replace(/[.+^${}()|\\/]/g, "\\$&");
    }
    return new RegExp(`^${re}$`);
}

/** The files matching any `include` glob (all when none) and no `exclude` glob. */
export function filterFiles<T extends { path: string }>(files: T[], include: string[], exclude: string[]): T[] {
    const includes = include.map(globToRegExp);
    const excludes = exclude.map(globToRegExp);
    return files.filter((f) => (includes.length === 0 || includes.some((r) => r.test(f.path))) && !excludes.some((r) => r.test(f.path)));
}

/** Sorts files by path, the order they are staged and reported in. */
export function byPath<T extends { path: string }>(files: T[]): T[] {
    return [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
