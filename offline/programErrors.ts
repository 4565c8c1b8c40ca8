/**
 * An error that stopped the program, told as the Pulumi CLI tells a program's error: the message
 * first, then where in the program it was raised, without the stack of the tool running it. An error
 * the program raised (a missing `config.require` value, a module it cannot load, a throw in its
 * code, a resource the SDK refused, an argument the engine's offline lookups refused) is the user's
 * input to fix; only a programming error (TypeError and the like) in the offline engine's own code
 * is the tool's fault.
 *
 * Pure but for `path`; the engine directory is given, so a test can place it anywhere.
 */
import * as path from "path";

export interface ProgramFailure {
    /**
     * `program`: the user's to fix (exit 2); `tool`: the engine's fault (exit 3); `unsupported`: the
     * program uses an engine feature Pulumi's mock runtime does not provide (exit 3, a limit of the tool).
     */
    fault: "program" | "tool" | "unsupported";
    /** What to print: the message, and the program's file:line:column where there is one. */
    text: string;
}

/** `file:line:column` of each stack frame, outermost last (`file://` URLs of ES modules as paths). */
export function stackLocations(stack: string | undefined): string[] {
    const out: string[] = [];
    for (const line of (stack ?? "").split("\n")) {
        const m = /^\s+at (?:.*? \()?((?:file:\/\/)?[^()\s]+?):(\d+):(\d+)\)?$/.exec(line);
        if (!m) continue;
        let file = m[1];
        if (file.startsWith("file://")) file = decodeURIComponent(new URL(file).pathname);
        out.push(`${file.split("?")[0]}:${m[2]}:${m[3]}`);
    }
    return out;
}

const inside = (dir: string, file: string) => file.startsWith(dir + path.sep);
const inNodeModules = (file: string) => file.split(path.sep).includes("node_modules");

/**
 * Classifies what stopped a program run. `programDir`: the program's folder; `engineDir`: the
 * offline engine's folder (which may lie inside `programDir` when the program is this repository).
 */
export function describeProgramFailure(err: Error, programDir: string, engineDir: string, relativeTo: string = process.cwd()): ProgramFailure {
    const code = (err as NodeJS.ErrnoException).code;
    const frames = stackLocations(err.stack).map((l) => ({ location: l, file: l.replace(/:\d+:\d+$/, "") }));
    const ours = (f: { file: string }) => inside(engineDir, f.file);
    const programFrame = frames.find((f) => inside(programDir, f.file) && !inNodeModules(f.file) && !ours(f));
    const where = programFrame
        ? `\n    at ${path.relative(relativeTo, programFrame.file) || programFrame.file}${programFrame.location.slice(programFrame.file.length)}`
        : "";
    if (code === "MODULE_NOT_FOUND" || code === "ERR_MODULE_NOT_FOUND") {
        const missing = /Cannot find (?:module|package) '([^']+)'/.exec(err.message)?.[1];
        const fix =
            missing && !missing.startsWith(".") && !path.isAbsolute(missing)
                ? ` Install the program's dependencies ('npm install' in ${path.relative(relativeTo, programDir) || "."}).`
                : "";
        return { fault: "program", text: `The program could not load a module: ${err.message.split("\n")[0]}.${fix}${where}` };
    }
    // Features the engine provides and Pulumi's mock runtime does not: the mocks report them as
    // an outdated CLI (@pulumi/pulumi runtime/mocks.js setMocks turns transforms off; resource.js
    // and stack.js then throw "The Pulumi CLI does not support ...").
    const unsupported =
        /The Pulumi CLI does not support (?:the )?(.+?)(?: option)?\. Please update the Pulumi CLI/.exec(err.message)?.[1] ??
        (/registerStackTransform is not a function/.test(err.message) ? "transforms" : undefined);
    if (unsupported) {
        return {
            fault: "unsupported",
            text:
                `The offline plan cannot run this program: it uses ${unsupported} (${unsupported === "transforms" ? "pulumi.runtime.registerResourceTransform or the 'transforms' resource option" : "a resource option"}), ` +
                `which the Pulumi engine provides and Pulumi's mock runtime does not, so nothing could be evaluated. Plan it with 'pulumi preview --policy-pack'.${where}`,
        };
    }
    // How the program is to be loaded (its entry, runtime options) is the user's to fix.
    if (err.name === "ProgramLoadError") return { fault: "program", text: err.message };
    // A plain Error the engine raises is about the program's input (an ARN that is not one, two
    // resources with one URN, a value the program rejected with); a TypeError, ReferenceError or
    // the like raised in the engine's own code, with no program frame under it, is a fault of the tool.
    if (frames.length > 0 && ours(frames[0]) && !programFrame && err.name !== "Error") return { fault: "tool", text: err.stack ?? err.message };
    return { fault: "program", text: `The program failed: ${err.message}${where}` };
}
