/**
 * A plan worker for `plan --all` and the benchmark: judges the stacks it is sent (policies, flows, report data),
 * with a program runner of its own (lib/plan/runners.ts). It never loads a program. Several stacks in flight: its
 * runner runs the next program while this process judges the last one.
 */
import { PermissionCatalog } from "../catalog";
import { planStack } from "./plan";
import type { PlanTask, PlanTaskResult } from "./pool";
import { programRunners, TaskStats } from "./runners";

const catalog = PermissionCatalog.load();
const runners = programRunners(1);

process.on("message", async ({ index, task }: { index: number; task: PlanTask }) => {
    let stats: TaskStats = { wallMs: 0, cpuMs: 0, rssBytes: 0 };
    let result: Omit<PlanTaskResult, "stats">;
    try {
        result = {
            task,
            plan: await planStack({
                ...task,
                catalog,
                runners,
                onStats: s => {
                    stats = s;
                },
            }),
        };
    } catch (e) {
        result = { task, error: (e as Error).message };
    }
    process.send!({ index, result: { ...result, stats: { ...stats, judgeRssBytes: process.resourceUsage().maxRSS * 1024 } } });
});
process.on("disconnect", () => process.exit(0));
