/**
 * A program runner: runs the Pulumi programs it is sent under the mock runtime (one runtime, reused from stack to
 * stack) and sends back what they registered, as data. It never loads the policies: the plan's process judges.
 */
import { PermissionCatalog } from "../catalog";
import { RecordedResource, runTask } from "./run";
import { notPlainData, RunnerRecords, RunnerReply, RunnerRequest, taskClock } from "./runners";

/** Records per message while the program runs (lib/plan/run.ts handOver): about a megabyte each. */
const RECORDS_PER_MESSAGE = 500;

const catalog = PermissionCatalog.load();
// The channel's send as it is before any program runs: a program that replaces process.send must not see or rewrite
// what the runner hands the plan (its records, the job's id that would let it forge a reply).
const send = process.send!.bind(process);

process.on("message", async ({ id, task }: RunnerRequest) => {
    const stats = taskClock();
    let reply: Omit<RunnerReply, "stats">;
    let notData: string | undefined;
    const records = (batch: RecordedResource[]) => {
        try {
            send({ id, records: batch } satisfies RunnerRecords);
        } catch (e) {
            notData ??= (e as Error).message;
        }
    };
    try {
        const result = await runTask(task, catalog, { every: RECORDS_PER_MESSAGE, records });
        reply = notData === undefined ? { id, result } : { id, error: notPlainData(notData) };
    } catch (e) {
        reply = { id, error: (e as Error).message };
    }
    const measured = stats();
    try {
        send({ ...reply, stats: measured } satisfies RunnerReply);
    } catch (e) {
        // Only data crosses to the plan (structured clone): a value that is not data is the program's error.
        send({ id, error: notPlainData((e as Error).message), stats: measured } satisfies RunnerReply);
    }
});
// The plan's process went away: nothing is left to run for.
process.on("disconnect", () => process.exit(0));
