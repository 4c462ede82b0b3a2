/** A plan worker process: plans the stacks it is sent, one at a time, and reports each with its cost. */
import { PermissionCatalog } from "../catalog";
import { planStack } from "./plan";
import type { PlanTask, PlanTaskResult } from "./pool";

const catalog = PermissionCatalog.load();

process.on("message", async (task: PlanTask) => {
    const started = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    let result: Omit<PlanTaskResult, "stats">;
    try {
        result = { task, plan: await planStack({ ...task, catalog }) };
    } catch (e) {
        result = { task, error: (e as Error).message };
    }
    const used = process.cpuUsage(cpu);
    process.send!({ ...result, stats: {
        wallMs: Number(process.hrtime.bigint() - started) / 1e6, cpuMs: (used.user + used.system) / 1000,
        rssBytes: process.resourceUsage().maxRSS * 1024,
    } } satisfies PlanTaskResult);
});
