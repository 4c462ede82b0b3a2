/**
 * Plans many stacks in parallel: a few long-lived plan workers (lib/plan/plan-worker.ts), as many as there are
 * cores, each judging stacks with a program runner of its own (one Pulumi runtime, reused from stack to stack),
 * three stacks in flight per worker so that running and judging overlap. Used by `plan --all` and the benchmark.
 */
import { ChildProcess, fork } from "child_process";
import * as os from "os";
import * as path from "path";
import type { PlanResult } from "./plan";
import { runnerArgs, TaskStats } from "./runners";

export type { TaskStats };
export interface PlanTask {
    configFile: string;
    program?: string;
    preview?: boolean;
    policyConfig?: string;
}
export interface PlanTaskResult {
    task: PlanTask;
    plan?: PlanResult;
    error?: string;
    stats: TaskStats & { judgeRssBytes?: number };
}

const WORKER = path.join(__dirname, path.extname(__filename) === ".ts" ? "plan-worker.ts" : "plan-worker.js");
// Three stacks in flight: when the runner answers one, the next is already waiting for it while the worker judges.
const IN_FLIGHT = 3;

export async function planInPool(
    tasks: PlanTask[],
    opts: { workers?: number; onResult?: (r: PlanTaskResult, done: number) => void } = {},
): Promise<PlanTaskResult[]> {
    const queue = tasks.map((task, index) => ({ task, index }));
    const results: PlanTaskResult[] = new Array(tasks.length);
    let done = 0;
    const count = Math.max(1, Math.min(opts.workers ?? os.cpus().length, Math.ceil(tasks.length / IN_FLIGHT)));
    const runWorker = (): Promise<void> =>
        new Promise<void>(resolve => {
            const child: ChildProcess = fork(WORKER, [], { execArgv: runnerArgs(), stdio: ["ignore", "inherit", "inherit", "ipc"], serialization: "advanced" });
            const pending = new Map<number, PlanTask>();
            let exited = false;
            const next = () => {
                if (exited) return;
                const job = queue.shift();
                if (job) {
                    pending.set(job.index, job.task);
                    child.send(job);
                } else if (!pending.size) child.disconnect();
            };
            const finish = (index: number, result: PlanTaskResult) => {
                pending.delete(index);
                results[index] = result;
                opts.onResult?.(result, ++done);
                next();
            };
            child.on("message", (m: { index: number; result: PlanTaskResult }) => finish(m.index, m.result));
            child.on("exit", code => {
                exited = true;
                for (const [index, task] of [...pending])
                    finish(index, { task, error: `the plan process exited with code ${code}`, stats: { wallMs: 0, cpuMs: 0, rssBytes: 0 } });
                // a crashed worker is replaced while stacks are left
                if (queue.length) void runWorker().then(resolve);
                else resolve();
            });
            for (let i = 0; i < IN_FLIGHT; i++) next();
        });
    await Promise.all(Array.from({ length: count }, runWorker));
    return results;
}
