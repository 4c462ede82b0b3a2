/**
 * What the CLIs share: where main() reads and writes (so tests run it in-process and spawn a process once per CLI),
 * and the block that runs main() as a process: the exit code main returns, one line and exit 1 for anything else.
 */
import * as fs from "fs";
import { InputError } from "../errors";

export interface Io {
    out(text: string): void;
    err(text: string): void;
    /** standard input, read when a CLI is given "-" */
    stdin(): string;
    /** the folder relative paths and --stack names are read from */
    cwd: string;
}

export const processIo = (): Io => ({
    out: t => console.log(t),
    err: t => console.error(t),
    stdin: () => fs.readFileSync(0, "utf8"),
    cwd: process.cwd(),
});

/** Bad command-line input: main() prints it with the usage and returns 2. */
export class UsageError extends Error {}

/**
 * Runs main as the process (`npm run NAME` starts it from the project folder; INIT_CWD is where the user typed it).
 * main answers bad input itself (exit 2); an exception here is a defect, reported in one line, never a stack trace.
 */
export function runAsProcess(name: string, main: (argv: string[]) => Promise<number>): void {
    process.chdir(process.env.INIT_CWD ?? process.cwd());
    main(process.argv.slice(2)).then(
        code => {
            process.exitCode = code;
        },
        e => {
            console.error(e instanceof InputError ? e.message : `${name}: ${(e as Error).message}`);
            process.exitCode = e instanceof InputError ? 2 : 1;
        },
    );
}
