/** Runs the offline plan in-process for tests, capturing what it prints. */
import { main } from "../offline/plan";

export interface PlanOutcome {
    code: number;
    stdout: string;
    stderr: string;
}

export async function runPlan(...argv: string[]): Promise<PlanOutcome> {
    const out: string[] = [];
    const err: string[] = [];
    const stdout = process.stdout.write.bind(process.stdout);
    const stderr = process.stderr.write.bind(process.stderr);
    process.stdout.write = ((chunk: string) => out.push(String(chunk)) > 0) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string) => err.push(String(chunk)) > 0) as typeof process.stderr.write;
    try {
        const code = await main(argv);
        return { code, stdout: out.join(""), stderr: err.join("") };
    } finally {
        process.stdout.write = stdout;
        process.stderr.write = stderr;
    }
}
