/**
 * Plans many stacks in parallel: a few long-lived plan workers (lib/plan/plan-worker.ts), as many as there are
 * cores, each judging stacks with a program runner of its own (one Pulumi runtime, reused from stack to stack),
 * three stacks in flight per worker so that running and judging overlap. Used by `plan --all` and the benchmark,
 * whose plain-runtime baseline (bench/plain-worker.ts) runs in the same pool (runInPool).
 */
import { ChildProcess, fork } from "child_process";
import * as os from "os";
import * as path from "path";
import { PermissionCatalog } from "../catalog";
import { PlanResult, planStack } from "./plan";
import { NO_STATS, ProgramRunner, runnerArgs, TaskStats } from "./runners";

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

/** One stack of a pool: planned and judged in the calling process (a plan worker, or the test suite's own). */
export async function planTask(task: PlanTask, runners?: ProgramRunner): Promise<PlanTaskResult> {
    let stats = NO_STATS;
    try {
        const plan = await planStack({ ...task, catalog: PermissionCatalog.load(), runners, onStats: s => (stats = s) });
        return { task, plan, stats };
    } catch (e) {
        return { task, error: (e as Error).message, stats };
    }
}

let planHere = false;
/**
 * Plans the pool's stacks in this process, one at a time, instead of in plan worker processes: the test suite
 * (tests/hooks.ts), which runs programs in this process too (lib/plan/in-process.ts). Each CLI's spawned test
 * still plans in worker processes.
 */
export function planPoolInThisProcess(): void {
    planHere = true;
}

export async function planInPool(
    tasks: PlanTask[],
    opts: { workers?: number; onResult?: (r: PlanTaskResult, done: number) => void } = {},
): Promise<PlanTaskResult[]> {
    if (planHere) {
        const results: PlanTaskResult[] = [];
        for (const task of tasks) {
            results.push(await planTask(task));
            opts.onResult?.(results[results.length - 1], results.length);
        }
        return results;
    }
    return runInPool(WORKER, tasks, {
        workers: Math.max(1, Math.min(opts.workers ?? os.cpus().length, Math.ceil(tasks.length / IN_FLIGHT))),
        inFlight: IN_FLIGHT,
        execArgv: runnerArgs(),
        onResult: opts.onResult,
        crashed: (task, code) => ({ task, error: `the plan process exited with code ${code}`, stats: NO_STATS }),
    });
}

export interface PoolOptions<T, R> {
    workers: number;
    /** tasks sent to one worker before it answers the first */
    inFlight: number;
    execArgv: string[];
    onResult?: (r: R, done: number) => void;
    /** the result of a task whose worker exited before answering it */
    crashed: (task: T, code: number | null) => R;
}

/**
 * The one process pool of the project (the plan and the benchmark's baseline): `workers` long-lived processes of the
 * `worker` module, each sent `{ index, task }` messages and answering `{ index, result }`; results in task order.
 * A worker that exits is replaced while tasks are left, and its unanswered tasks get `crashed`.
 */
export async function runInPool<T, R>(worker: string, tasks: T[], opts: PoolOptions<T, R>): Promise<R[]> {
    const queue = tasks.map((task, index) => ({ task, index }));
    const results: R[] = new Array(tasks.length);
    let done = 0;
    const runWorker = (): Promise<void> =>
        new Promise<void>(resolve => {
            const child: ChildProcess = fork(worker, [], {
                execArgv: opts.execArgv,
                stdio: ["ignore", "inherit", "inherit", "ipc"],
                serialization: "advanced",
            });
            const pending = new Map<number, T>();
            let exited = false;
            const next = () => {
                if (exited) return;
                const job = queue.shift();
                if (job) {
                    pending.set(job.index, job.task);
                    child.send(job);
                } else if (!pending.size) child.disconnect();
            };
            const finish = (index: number, result: R) => {
                pending.delete(index);
                results[index] = result;
                opts.onResult?.(result, ++done);
                next();
            };
            child.on("message", (m: { index: number; result: R }) => finish(m.index, m.result));
            child.on("exit", code => {
                exited = true;
                for (const [index, task] of [...pending]) finish(index, opts.crashed(task, code));
                // a crashed worker is replaced while tasks are left
                if (queue.length) void runWorker().then(resolve);
                else resolve();
            });
            for (let i = 0; i < opts.inFlight; i++) next();
        });
    await Promise.all(Array.from({ length: opts.workers }, runWorker));
    return results;
}
