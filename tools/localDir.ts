/**
 * A local directory as a model source: a model downloaded on a connected machine, e.g. with
 * `hf download <repo> --local-dir <dir>` (formerly `huggingface-cli download`) or a Hub cache snapshot
 * (`~/.cache/huggingface/hub/models--org--name/snapshots/<commit>/`, whose files are symlinks into
 * the cache's blobs: links are followed). Git metadata and the download cache that
 * `hf download --local-dir` keeps (`.git/`, `.cache/huggingface/`) are not model files and are
 * skipped. The directory publishes no checksums; the stager hashes each file itself.
 */
import * as fs from "fs";
import * as path from "path";
import { Readable } from "stream";
import { UsageError } from "./cli";
import { byPath, ModelFile, ModelSource } from "./modelFiles";

/** Relative directories that hold tool metadata, not model files. */
const SKIPPED_DIRECTORIES = new Set([".git", ".cache/huggingface"]);

export async function openLocalDir(dir: string): Promise<ModelSource> {
    const root = path.resolve(dir);
    let stat: fs.Stats;
    try {
        stat = await fs.promises.stat(root);
    } catch (err) {
        throw new UsageError(`--from-dir ${dir}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "no such directory" : (err as Error).message}`);
    }
    if (!stat.isDirectory()) throw new UsageError(`--from-dir ${dir} is not a directory`);
    const files: ModelFile[] = [];
    await walk(root, "", files);
    return {
        description: `dir:${root}`,
        provenance: "local-directory",
        files: byPath(files),
        async open(file: ModelFile): Promise<Readable> {
            return fs.createReadStream(path.join(root, ...file.path.split("/")));
        },
    };
}

async function walk(root: string, relative: string, out: ModelFile[]): Promise<void> {
    for (const entry of await fs.promises.readdir(path.join(root, relative))) {
        const rel = relative ? `${relative}/${entry}` : entry;
        if (SKIPPED_DIRECTORIES.has(rel)) continue;
        const stat = await fs.promises.stat(path.join(root, rel)); // follows symlinks (Hub cache snapshots)
        if (stat.isDirectory()) await walk(root, rel, out);
        else if (stat.isFile()) out.push({ path: rel, size: stat.size });
    }
}
