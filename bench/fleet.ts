/**
 * npm run bench [-- --sizes 5x40,50x40,1x5000 --workers N]
 *
 * Generates fleets (tenants x apps), plans every stack with the offline plan (simulated tenant, policies,
 * flows: everything `npm run plan --all` does) and, in the same run, registers the same resources under
 * Pulumi's plain mock runtime as the baseline. Prints wall time, resources per second, CPU per resource and
 * peak memory per worker for each size.
 */
import { fork } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import YAML from "yaml";
import { planInPool, TaskStats } from "../lib/plan/pool";
import { fleetStack } from "./generate";
import { reviewFleet } from "./review";

interface Measure {
    stacks: number;
    resources: number;
    wallMs: number;
    cpuMs: number;
    peakRss: number;
    failures: number;
    medianStackMsPerResource: number;
    policyMsPerResource?: number;
}

/** CPU per resource of the median stack: the steady cost, without each worker's start-up and warm-up. */
function medianPerResource(stats: TaskStats[], resources: number[]): number {
    const per = stats.map((s, i) => s.cpuMs / resources[i]).sort((a, b) => a - b);
    return per[Math.floor(per.length / 2)];
}

async function planFleet(files: string[], workers: number): Promise<Measure & { replays: any[]; judgeRss: number }> {
    const started = Date.now();
    const results = await planInPool(
        files.map(f => ({ configFile: f })),
        { workers },
    );
    const wallMs = Date.now() - started;
    const plans = results.map(r => r.plan!).filter(Boolean);
    return {
        stacks: files.length,
        resources: plans.reduce((n, p) => n + p.summary.resources, 0),
        wallMs,
        cpuMs: sum(results.map(r => r.stats)),
        peakRss: Math.max(...results.map(r => r.stats.rssBytes)),
        judgeRss: Math.max(...results.map(r => r.stats.judgeRssBytes ?? 0)),
        failures: results.filter(r => !r.plan || r.plan.errors.length || r.plan.problems?.length).length,
        replays: plans.map(p => ({ stack: p.stack, resources: p.resources })),
        medianStackMsPerResource: medianPerResource(
            results.map(r => r.stats),
            results.map(r => r.plan?.summary.resources ?? 1),
        ),
        policyMsPerResource:
            plans.reduce((n, p) => n + (p.timings?.policiesMs ?? 0), 0) /
            Math.max(
                1,
                plans.reduce((n, p) => n + p.summary.resources, 0),
            ),
    };
}

async function plainFleet(replays: any[], workers: number): Promise<Measure> {
    const started = Date.now();
    const queue = [...replays];
    const stats: TaskStats[] = [];
    const counts: number[] = [];
    await Promise.all(
        Array.from({ length: workers }, async () => {
            const child = fork(path.join(__dirname, "plain-worker.ts"), [], { execArgv: process.execArgv, serialization: "advanced" });
            for (let r = queue.shift(); r; r = queue.shift()) {
                stats.push(
                    await new Promise<TaskStats>(resolve => {
                        child.once("message", (m: any) => resolve(m.stats));
                        child.send(r);
                    }),
                );
                counts.push(r.resources.length);
            }
            child.disconnect();
        }),
    );
    return {
        stacks: replays.length,
        resources: replays.reduce((n, r) => n + r.resources.length, 0),
        wallMs: Date.now() - started,
        cpuMs: sum(stats),
        peakRss: Math.max(...stats.map(s => s.rssBytes)),
        failures: 0,
        medianStackMsPerResource: medianPerResource(stats, counts),
    };
}

const sum = (stats: TaskStats[]) => stats.reduce((n, s) => n + s.cpuMs, 0);
const mb = (b: number) => `${Math.round(b / 2 ** 20)} MB`;

function row(label: string, m: Measure): string {
    return [
        label.padEnd(22),
        String(m.stacks).padStart(6),
        String(m.resources).padStart(9),
        (m.wallMs / 1000).toFixed(1).padStart(8),
        Math.round(m.resources / (m.wallMs / 1000))
            .toString()
            .padStart(7),
        (m.cpuMs / m.resources).toFixed(2).padStart(11),
        m.medianStackMsPerResource.toFixed(2).padStart(14),
        mb(m.peakRss).padStart(10),
        (m.policyMsPerResource === undefined ? "-" : m.policyMsPerResource.toFixed(3)).padStart(14),
    ].join("  ");
}

async function main() {
    const { values } = parseArgs({ options: { sizes: { type: "string", default: "5x40,50x40,1x400,1x2000,1x5000" }, workers: { type: "string" } } });
    const workers = Number(values.workers ?? os.cpus().length);
    const sizes = values.sizes!.split(",").map(s => s.split("x").map(Number) as [number, number]);
    console.log("cpu ms/res: all CPU of the workers per resource; median stack: CPU per resource of the median stack (steady cost);");
    console.log(
        "peak RSS: the largest runner process (one Pulumi runtime, reused from stack to stack); policy ms/res: the policy pack's wall time per resource.",
    );
    console.log(`entra-consent bench: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"}), ${workers} workers, node ${process.version}`);
    console.log(
        [
            "fleet".padEnd(22),
            "stacks".padStart(6),
            "resources".padStart(9),
            "wall s".padStart(8),
            "res/s".padStart(7),
            "cpu ms/res".padStart(11),
            "median stack".padStart(14),
            "peak RSS".padStart(10),
            "policy ms/res".padStart(14),
        ].join("  "),
    );
    for (const [tenants, apps] of sizes) {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "entra-consent-bench-"));
        const files = Array.from({ length: tenants }, (_, t) => {
            const file = path.join(dir, `Pulumi.tenant-${String(t).padStart(3, "0")}.yaml`);
            fs.writeFileSync(file, YAML.stringify({ config: fleetStack(t, apps) }));
            return file;
        });
        const plan = await planFleet(files, workers);
        console.log(row(`${tenants}x${apps} plan`, plan) + (plan.failures ? `  (${plan.failures} stacks failed!)` : ""));
        console.log(`${"".padEnd(22)}  (peak RSS of a plan worker, which judges beside its runner: ${mb(plan.judgeRss)})`);
        const plain = await plainFleet(plan.replays, workers);
        console.log(row(`${tenants}x${apps} plain mocks`, plain));
        const review = await reviewFleet(dir, files, workers);
        const ratio = (ms: number) => `${(ms / 1000).toFixed(1)} s, ${(ms / plan.wallMs).toFixed(2)}x the plan`;
        console.log(
            `${tenants}x${apps} review`.padEnd(22),
            `  every stack changed: ${ratio(review.allChangedMs)}; one stack changed: ${ratio(review.oneChangedMs)}`,
        );
        fs.rmSync(dir, { recursive: true, force: true });
        if (plan.failures) process.exitCode = 1;
    }
}

main().catch(e => {
    console.error(`bench: ${(e as Error).message}`);
    process.exit(1);
});
