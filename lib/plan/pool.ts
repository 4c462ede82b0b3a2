/**
 * Plans many stacks in parallel: a few long-lived worker processes (one Pulumi runtime each, reused from
 * stack to stack), as many as there are cores. Used by `plan --all` and by the benchmark.
 */
import { fork, ChildProcess } from "child_process";
import * as os from "os";
import * as path from "path";
import type { PlanResult } from "./plan";

export interface PlanTask { configFile: string; program?: string; preview?: boolean; policyConfig?: string }
export interface TaskStats { wallMs: number; cpuMs: number; rssBytes: number }
export interface PlanTaskResult { task: PlanTask; plan?: PlanResult; error?: string; stats: TaskStats }

const WORKER = path.join(__dirname, "worker.ts");

export async function planInPool(tasks: PlanTask[], opts: { workers?: number; onResult?: (r: PlanTaskResult, done: number) => void } = {}): Promise<PlanTaskResult[]> {
    const queue = tasks.map((task, index) => ({ task, index }));
    const results: PlanTaskResult[] = new Array(tasks.length);
    let done = 0;
    const count = Math.max(1, Math.min(opts.workers ?? os.cpus().length, tasks.length));
    const runWorker = async () => {
        let child: ChildProcess | undefined;
        const start = () => fork(WORKER, [], {
            // A larger young generation: the runtime allocates many short-lived promises per resource.
            execArgv: [...process.execArgv, "--max-semi-space-size=32"],
            stdio: ["ignore", "inherit", "inherit", "ipc"], serialization: "advanced",
        });
        try {
            for (let next = queue.shift(); next; next = queue.shift()) {
                child ??= start();
                const result = await send(child, next.task);
                if (result.error && !result.plan) { child.kill(); child = undefined; } // a crashed runtime is not reused
                results[next.index] = result;
                opts.onResult?.(result, ++done);
            }
        } finally {
            child?.disconnect();
        }
    };
    await Promise.all(Array.from({ length: count }, runWorker));
    return results;
}

function send(child: ChildProcess, task: PlanTask): Promise<PlanTaskResult> {
    return new Promise(resolve => {
        const onMessage = (m: PlanTaskResult) => { cleanup(); resolve(m); };
        const onExit = (code: number | null) => { cleanup(); resolve({ task, error: `the plan process exited with code ${code}`, stats: { wallMs: 0, cpuMs: 0, rssBytes: 0 } }); };
        const cleanup = () => { child.off("message", onMessage); child.off("exit", onExit); };
        child.on("message", onMessage);
        child.on("exit", onExit);
        child.send(task);
    });
}
