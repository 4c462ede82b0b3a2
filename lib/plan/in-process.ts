/**
 * A program runner for the test suite: runs programs in this process, one at a time, in one warm Pulumi runtime. The
 * plan runs each program in a process of its own (lib/plan/runners.ts) so that it cannot reach what judges it; a test
 * run plans hundreds of trusted fixtures, and a process per program was most of its time. Tests of that isolation
 * (tests/isolation.test.ts) and each CLI's spawned run still use processes. Results are structured-cloned, as they
 * are when they cross from a runner process, so a program's non-data answer fails here too.
 */
import * as path from "path";
import { PermissionCatalog } from "../catalog";
import { RunResult, RunTask, runTask } from "./run";
import { notPlainData, ProgramRunner, RunnerReply, taskClock } from "./runners";

export class InProcessRunner implements ProgramRunner {
    private last: Promise<unknown> = Promise.resolve();
    private catalog?: PermissionCatalog;

    run(task: RunTask): Promise<RunnerReply> {
        // Pulumi's runtime is one per process: a program starts when the one before it has finished.
        const next = this.last.then(() => this.runNow(task));
        this.last = next;
        return next;
    }

    close(): void {}

    private async runNow(task: RunTask): Promise<RunnerReply> {
        const stats = taskClock();
        let result: RunResult;
        try {
            this.catalog ??= PermissionCatalog.load();
            result = await runTask({ ...task, program: path.resolve(task.program) }, this.catalog);
        } catch (e) {
            return { id: "in-process", error: (e as Error).message, stats: stats() };
        }
        try {
            return { id: "in-process", result: structuredClone(result), stats: stats() };
        } catch (e) {
            return { id: "in-process", error: notPlainData((e as Error).message), stats: stats() };
        }
    }
}
