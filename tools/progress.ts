/**
 * Progress of a staging run on stderr: a cli-progress bar of bytes done (uploaded or found already
 * staged) with the current file and step when stderr is a terminal, and one line per finished file
 * and per warning in every case (so logs and CI output show what happened too).
 */
import * as cliProgress from "cli-progress";
import { TextOutput } from "./cli";

/** What the stager reports as it goes. */
export interface StageProgress {
    begin(fileCount: number, totalBytes: number): void;
    /** The current activity, e.g. "uploading model-00001-of-00009.safetensors". */
    status(text: string): void;
    /** Bytes that are now done. */
    advance(bytes: number): void;
    /** A line for the record: a finished file or a warning. */
    log(line: string): void;
    end(): void;
}

/** Binary units: 1.5 GiB, 12.0 MiB, 812 B. */
export function formatBytes(bytes: number): string {
    const units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let value = bytes;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
        value /= 1024;
        unit++;
    }
    return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** Progress on a text stream; draws a bar only when the stream is a terminal. */
export class ConsoleProgress implements StageProgress {
    private multiBar?: cliProgress.MultiBar;
    private bar?: cliProgress.SingleBar;

    constructor(private readonly out: TextOutput) {}

    begin(fileCount: number, totalBytes: number): void {
        this.out.write(`${fileCount} file(s), ${formatBytes(totalBytes)}\n`);
        if (!this.out.isTTY) return;
        this.multiBar = new cliProgress.MultiBar(
            {
                stream: this.out as NodeJS.WritableStream,
                format: "{bar} {percentage}% | {value}/{total} | ETA {eta_formatted} | {status}",
                formatValue: (v, options, type) => (type === "value" || type === "total" ? formatBytes(v) : cliProgress.Format.ValueFormat(v, options, type)),
                hideCursor: true,
                etaBuffer: 50,
            },
            cliProgress.Presets.shades_classic,
        );
        this.bar = this.multiBar.create(totalBytes, 0, { status: "" });
    }

    status(text: string): void {
        this.bar?.update({ status: text });
    }

    advance(bytes: number): void {
        this.bar?.increment(bytes);
    }

    log(line: string): void {
        if (this.multiBar) this.multiBar.log(`${line}\n`);
        else this.out.write(`${line}\n`);
    }

    end(): void {
        this.multiBar?.update(); // writes lines still buffered by log()
        this.multiBar?.stop();
        this.multiBar = undefined;
        this.bar = undefined;
    }
}
