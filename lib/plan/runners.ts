/**
 * Program runners: the processes that run Pulumi programs for the plan (lib/plan/worker.ts). A program runs in a
 * process of its own, as under the engine, so it cannot reach the catalog, the policies or the harness that judge
 * it; what comes back is data (structured clone). Runners are kept warm and reused for the same program only, so
 * one program cannot tamper with the run of another. Idle runners do not keep the plan's process alive.
 */
import { ChildProcess, fork } from "child_process";
import { randomUUID } from "crypto";
import * as os from "os";
import * as path from "path";
import type { RecordedResource, RunResult, RunTask } from "./run";

export interface TaskStats {
    wallMs: number;
    cpuMs: number;
    rssBytes: number;
}
/** `id` is random per job: a program that writes to the channel cannot name the job its answer is for. */
export interface RunnerRequest {
    id: string;
    task: RunTask;
}
/** Records the program made so far, sent while it runs (lib/plan/worker.ts); the reply lists the rest. */
export interface RunnerRecords {
    id: string;
    records: RecordedResource[];
}
export interface RunnerReply {
    id: string;
    result?: RunResult;
    error?: string;
    stats: TaskStats;
}

const WORKER = path.join(__dirname, path.extname(__filename) === ".ts" ? "worker.ts" : "worker.js");
export const NO_STATS: TaskStats = { wallMs: 0, cpuMs: 0, rssBytes: 0 };

/** Starts measuring a task in this process; the function returns its wall time, CPU and the process's peak memory so far. */
export function taskClock(): () => TaskStats {
    const started = performance.now();
    const cpu = process.cpuUsage();
    return () => {
        const used = process.cpuUsage(cpu);
        return { wallMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000, rssBytes: process.resourceUsage().maxRSS * 1024 };
    };
}

/** Why a run's results were refused: what a program produced does not cross a process boundary as data. */
export const notPlainData = (why: string): string => `the program's results are not plain data: ${why}`;

/** What runs programs for the plan: processes (ProgramRunners), or this process for the test suite (lib/plan/in-process.ts). */
export interface ProgramRunner {
    /** Runs a program; never rejects: a crash or a malformed reply comes back as `error`. */
    run(task: RunTask): Promise<RunnerReply>;
    close(): void;
}

interface Runner {
    child: ChildProcess;
    /** the program it runs; none yet for a runner started ahead (prestart), which has run nothing */
    program?: string;
    job?: Job;
}
interface Job {
    id: string;
    task: RunTask;
    /** records received before the reply, in the order they were made */
    records: RecordedResource[];
    resolve: (reply: RunnerReply) => void;
}

/** Node flags for a runner or plan worker: a TypeScript loader that compiles .ts files only (lib/plan/ts-hook.cjs). */
export function runnerArgs(): string[] {
    // A larger young generation: the runtime allocates many short-lived promises per resource, and what outlives a
    // small one is promoted and collected by full collections (npm run bench: 1x5000 ran 25% faster with 128 than 32).
    return ["--require", path.join(__dirname, "ts-hook.cjs"), "--max-semi-space-size=128"];
}

/** Whether a reply has the shape of a run's results (the runner is the program's process: check what it sends). */
function isRunResult(r: unknown): r is RunResult {
    const x = r as RunResult | undefined;
    return (
        !!x &&
        !!x.run &&
        areRecords(x.run.resources) &&
        Array.isArray(x.run.errors) &&
        Array.isArray(x.run.rejections) &&
        !!x.run.outputs &&
        typeof x.run.outputs === "object" &&
        !!x.tenant &&
        typeof x.tenant.tenantId === "string" &&
        Array.isArray(x.tenant.principals) &&
        Array.isArray(x.tenant.grants) &&
        Array.isArray(x.tenant.assignments) &&
        Array.isArray(x.tenant.applications)
    );
}

const isObject = (x: unknown): x is Record<string, unknown> => !!x && typeof x === "object" && !Array.isArray(x);
const isOptional = (x: unknown, is: (y: unknown) => boolean) => x === undefined || is(x);

/** Whether every element is a record (holes too: a sparse array crosses the channel as one, and `every` skips them). */
function areRecords(rs: unknown): rs is RecordedResource[] {
    if (!Array.isArray(rs)) return false;
    for (let i = 0; i < rs.length; i++) if (!isRecord(rs[i])) return false;
    return true;
}

/** Whether a value sent as a resource record has the fields the plan reads (a malformed one would crash the plan). */
function isRecord(r: unknown): r is RecordedResource {
    return (
        isObject(r) &&
        [r.urn, r.type, r.name].every(x => typeof x === "string") &&
        isOptional(r.parent, x => typeof x === "string") &&
        isOptional(r.provider, x => typeof x === "string") &&
        isOptional(r.version, x => typeof x === "string") &&
        Array.isArray(r.dependencies) &&
        isObject(r.propertyDependencies) &&
        Object.values(r.propertyDependencies).every(Array.isArray) &&
        isObject(r.inputs) &&
        isObject(r.outputs) &&
        Array.isArray(r.secretInputs) &&
        r.secretInputs.every(Array.isArray) &&
        isOptional(r.secretOutputs, x => Array.isArray(x) && x.every(Array.isArray)) &&
        isOptional(r.ignoreChanges, x => Array.isArray(x) && x.every(y => typeof y === "string"))
    );
}

export class ProgramRunners implements ProgramRunner {
    private readonly runners: Runner[] = [];
    private readonly waiting: Job[] = [];
    private closed = false;

    /**
     * @param size how many programs run at once
     * @param keep how many runners stay warm, one per program (tests and `--program` plan a few programs in turn)
     */
    constructor(
        readonly size = os.cpus().length,
        readonly keep = Math.max(size, 6),
    ) {}

    /** Runs a program in a runner; never rejects: a crash or a malformed reply comes back as `error`. */
    run(task: RunTask): Promise<RunnerReply> {
        return new Promise(resolve => {
            this.waiting.push({ id: randomUUID(), task: { ...task, program: path.resolve(task.program) }, records: [], resolve });
            this.dispatch();
        });
    }

    /** Stops every runner (busy ones answer their job with an error). */
    close(): void {
        this.closed = true;
        for (const r of [...this.runners]) this.retire(r);
    }

    private dispatch(): void {
        if (this.closed) {
            // a job sent after close() is answered, not left waiting forever (the plan would hang, not fail)
            for (const job of this.waiting.splice(0)) job.resolve({ id: job.id, error: "the program runners were stopped", stats: NO_STATS });
            return;
        }
        for (const job of [...this.waiting]) {
            const runner = this.runnerFor(job.task.program);
            if (!runner) continue;
            this.waiting.splice(this.waiting.indexOf(job), 1);
            runner.job = job;
            runner.child.ref();
            (runner.child.channel as { ref?(): void } | undefined)?.ref?.();
            runner.child.send({ id: job.id, task: job.task } satisfies RunnerRequest);
        }
    }

    /** An idle runner of this program, or a new one (instead of the least recently used idle runner when all are kept). */
    private runnerFor(program: string): Runner | undefined {
        const idle = this.runners.filter(r => !r.job);
        if (this.runners.length - idle.length >= this.size) return undefined;
        const same = idle.find(r => r.program === program) ?? idle.find(r => r.program === undefined);
        if (same) {
            same.program = program;
            this.runners.push(...this.runners.splice(this.runners.indexOf(same), 1)); // most recently used last
            return same;
        }
        if (this.runners.length >= this.keep) {
            if (!idle.length) return undefined;
            this.retire(idle[0], undefined, false);
        }
        return this.start(program);
    }

    /**
     * Starts a runner before any program is known, so that its start-up (about 0.7 s: Pulumi's runtime, the catalog)
     * overlaps the caller's own; the first program sent takes it.
     */
    prestart(): void {
        if (this.closed || this.runners.length >= this.keep || this.runners.some(r => r.program === undefined)) return;
        this.idle(this.start(undefined));
    }

    private start(program: string | undefined): Runner {
        // The program's console goes to stderr: stdout carries the plan (JSON for tools), which a program must not write into.
        const child = fork(WORKER, [], { execArgv: runnerArgs(), stdio: ["ignore", 2, 2, "ipc"], serialization: "advanced" });
        const runner: Runner = { child, program };
        this.runners.push(runner);
        child.on("message", (reply: RunnerReply | RunnerRecords) => {
            const job = runner.job;
            if (job && reply && reply.id === job.id && "records" in reply && areRecords(reply.records)) {
                for (const r of reply.records) job.records.push(r);
                return;
            }
            if (!job || !reply || reply.id !== job.id || !("stats" in reply) || (reply.result !== undefined && !isRunResult(reply.result))) {
                // Not the answer to the job it runs: the program wrote to the channel. Trust nothing from this process.
                this.retire(runner, "the program runner sent a message that is not the answer to its task (the program wrote to the plan's channel)");
                return;
            }
            runner.job = undefined;
            if (reply.error !== undefined && reply.result === undefined)
                this.retire(runner, undefined, false); // a failed runtime is not reused
            else this.idle(runner);
            if (reply.result) reply.result.run.resources = job.records.concat(reply.result.run.resources);
            job.resolve({ id: job.id, result: reply.result, error: reply.error, stats: reply.stats ?? NO_STATS });
            this.dispatch();
        });
        child.on("exit", code => this.retire(runner, `the program's process exited with code ${code} before it finished`));
        child.on("error", e => this.retire(runner, `the program's process failed: ${e.message}`));
        return runner;
    }

    private idle(runner: Runner): void {
        runner.job = undefined;
        runner.child.unref();
        (runner.child.channel as { unref?(): void } | undefined)?.unref?.();
    }

    private retire(runner: Runner, why = "the program runner was stopped", redispatch = true): void {
        const i = this.runners.indexOf(runner);
        if (i < 0) return;
        this.runners.splice(i, 1);
        // Messages already read from its channel are still emitted: with no listener, Node queues them on the channel it
        // has just closed and throws in this process. Listen, and drop them.
        runner.child.removeAllListeners("message");
        runner.child.on("message", () => undefined);
        runner.child.on("error", () => undefined);
        if (runner.child.connected) runner.child.disconnect();
        runner.child.kill();
        const job = runner.job;
        runner.job = undefined;
        if (job) job.resolve({ id: job.id, error: why, stats: NO_STATS });
        if (redispatch) this.dispatch();
    }
}

let shared: ProgramRunner | undefined;

/** The process's warm runners (`size` programs at once, cores by default), created on first use and stopped at exit. */
export function programRunners(size?: number): ProgramRunner {
    if (!shared) {
        shared = new ProgramRunners(size);
        process.once("exit", () => shared?.close());
    }
    return shared;
}

/**
 * Makes `runner` what this process's plans run programs with (the test suite's tests/hooks.ts). Only code of the plan's
 * own process can call it; a program runs elsewhere and cannot.
 */
export function useProgramRunner(runner: ProgramRunner): void {
    shared?.close();
    shared = runner;
}
