/**
 * Root hooks (.mocharc.js requires this file): every temporary folder a test makes is removed when the run (or,
 * under --parallel, the file) ends, so test runs leave nothing in the system's temporary folder. Plans run their
 * programs in this process (lib/plan/in-process.ts): the fixtures are trusted, and a runner process per program was
 * most of the suite's time; tests/isolation.test.ts plans in runner processes, as the CLIs do.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { InProcessRunner } from "../lib/plan/in-process";
import { planPoolInThisProcess } from "../lib/plan/pool";
import { useProgramRunner } from "../lib/plan/runners";

useProgramRunner(new InProcessRunner());
planPoolInThisProcess();

const made: string[] = [];

/** A new empty folder under os.tmpdir(), removed after the run. */
export function tempDir(prefix = "entra-consent-test-"): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    made.push(dir);
    return dir;
}

export const mochaHooks = {
    afterAll(): void {
        for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
    },
};
