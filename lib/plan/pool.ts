/**
 * Plans many stacks in parallel: the programs run in warm runner processes (lib/plan/runners.ts: one Pulumi
 * runtime each, reused from stack to stack, as many as there are cores); this process judges each run as it
 * comes back while the runners go on with the next stacks. Used by `plan --all` and by the benchmark.
 */
import * as os from "os";
import { planStack, PlanResult } from "./plan";
import { ProgramRunners, programRunners, TaskStats } from "./runners";

export type { TaskStats };
export interface PlanTask { configFile: string; program?: string; preview?: boolean; policyConfig?: string }
export interface PlanTaskResult { task: PlanTask; plan?: PlanResult; error?: string; stats: TaskStats }

export async function planInPool(tasks: PlanTask[], opts: { workers?: number; onResult?: (r: PlanTaskResult, done: number) => void } = {}): Promise<PlanTaskResult[]> {
    // A given worker count gets runners of its own (the benchmark); otherwise the process's warm runners.
    const runners = opts.workers ? new ProgramRunners(opts.workers) : programRunners();
    const queue = tasks.map((task, index) => ({ task, index }));
    const results: PlanTaskResult[] = new Array(tasks.length);
    let done = 0;
    // Twice as many stacks in flight as runners: each runner has its next stack while this process judges the last.
    const inFlight = Math.max(1, Math.min(2 * (opts.workers ?? os.cpus().length), tasks.length));
    const lane = async () => {
        for (let next = queue.shift(); next; next = queue.shift()) {
            let stats: TaskStats = { wallMs: 0, cpuMs: 0, rssBytes: 0 };
            let result: PlanTaskResult;
            try {
                const plan = await planStack({ ...next.task, runners, onStats: s => { stats = s; } });
                result = { task: next.task, plan, stats };
            } catch (e) {
                result = { task: next.task, error: (e as Error).message, stats };
            }
            results[next.index] = result;
            opts.onResult?.(result, ++done);
        }
    };
    try {
        await Promise.all(Array.from({ length: inFlight }, lane));
    } finally {
        if (opts.workers) runners.close();
    }
    return results;
}
