/**
 * A plan worker for `plan --all` and the benchmark: judges the stacks it is sent (policies, flows, report data),
 * with a program runner of its own (lib/plan/runners.ts). It never loads a program. Several stacks in flight: its
 * runner runs the next program while this process judges the last one.
 */
import type { PlanTask } from "./pool";
import { ProgramRunners } from "./runners";

// The runner starts first, so that its start-up overlaps this process loading the plan, the policies and the catalog.
const runners = new ProgramRunners(1);
runners.prestart();
process.once("exit", () => runners.close());
const { planTask } = require("./pool") as typeof import("./pool");
(require("../catalog") as typeof import("../catalog")).PermissionCatalog.load(); // before the first task, as the runner loads it

process.on("message", async ({ index, task }: { index: number; task: PlanTask }) => {
    const result = await planTask(task, runners);
    process.send!({ index, result: { ...result, stats: { ...result.stats, judgeRssBytes: process.resourceUsage().maxRSS * 1024 } } });
});
process.on("disconnect", () => process.exit(0));
