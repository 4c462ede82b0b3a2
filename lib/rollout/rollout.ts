/**
 * A rollout in waves: per wave, the offline plan of every stack not done yet (one fails: stop before any tenant is
 * touched), then per stack, at most `parallel` at a time, preview with the policy pack, up, and a check of the
 * outputs against the plan. The first failure stops the rollout: stacks running finish, none starts, the rest are
 * not started. The state is saved after every stack so that a resume continues at the failed one.
 */
import { exitCode, PlanResult } from "../plan/plan";
import type { DeployOptions, Engine } from "./engine";
import { lastLines } from "./engine";
import type { RolloutState } from "./state";
import { verifyOutputs } from "./verify";
import type { Wave } from "./waves";

export type Step = "plan" | "preview" | "up" | "verify";
export type FinalState = "done" | "already-done" | "failed" | "not-started" | "planned";
export interface StackResult {
    wave: string;
    stack: string;
    state: FinalState;
    step?: Step;
    detail?: string;
    ms?: number;
}
export type RolloutEvent =
    | { type: "wave"; wave: string; stacks: string[] }
    | { type: "stack"; wave: string; stack: string; state: FinalState | "running"; step?: Step; detail?: string; ms?: number };

export interface PlanOutcome {
    plan?: PlanResult;
    error?: string;
}
export interface RolloutOptions {
    waves: Wave[];
    state: RolloutState;
    /** the offline plans of these stacks (the gate) */
    plan: (stacks: string[]) => Promise<Map<string, PlanOutcome>>;
    /** undefined: a dry run (the offline gates only) */
    engine?: Engine;
    deploy: Omit<DeployOptions, "onOutput">;
    parallel: number;
    /** asked once, before the first stack is deployed; false stops the rollout */
    confirm?: () => Promise<boolean>;
    save: (state: RolloutState) => void;
    emit: (event: RolloutEvent) => void;
}

const planDetail = (p: PlanResult) =>
    p.problems?.length
        ? `invalid input: ${p.problems.length} problem${p.problems.length === 1 ? "" : "s"} (npm run plan -- --stack ${p.stack})`
        : `${p.summary.resources} resources, ${p.summary.mandatory} mandatory, ${p.summary.failingFlows} failing flows, ${p.summary.errors} deploy errors`;

const changes = (summary: Record<string, number>) =>
    Object.entries(summary)
        .filter(([, n]) => n)
        .map(([op, n]) => `${n} ${op}`)
        .join(", ") || "no changes";

/** Runs `fn` over `items`, at most `limit` at once; stops starting new ones once `stopped()` is true. */
export async function runLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>, stopped: () => boolean): Promise<void> {
    const queue = [...items];
    const lane = async () => {
        for (let item = queue.shift(); item !== undefined && !stopped(); item = queue.shift()) await fn(item);
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
}

interface Run {
    opts: RolloutOptions;
    results: Map<string, StackResult>;
    code: number;
    confirmed: boolean;
    /** a deploy failed: no stack starts after it */
    stopped: boolean;
}

function record(run: Run, result: StackResult): void {
    run.results.set(result.stack, result);
    run.opts.emit({ type: "stack", ...result });
    if (result.state === "done" || result.state === "failed") {
        run.opts.state.stacks[result.stack] = { state: result.state, step: result.step, error: result.detail, at: new Date().toISOString() };
        if (result.state === "done") delete run.opts.state.stacks[result.stack].error;
        run.opts.save(run.opts.state);
    }
}

/** The offline gate of a wave: every stack's plan must exit 0. Returns the plans, or undefined when one failed. */
async function gate(run: Run, wave: Wave, stacks: string[]): Promise<Map<string, PlanResult> | undefined> {
    const outcomes = await run.opts.plan(stacks);
    const plans = new Map<string, PlanResult>();
    for (const stack of stacks) {
        const o = outcomes.get(stack);
        const code = o?.plan ? exitCode(o.plan) : 1;
        if (o?.plan && code === 0) {
            plans.set(stack, o.plan);
            if (!run.opts.engine) record(run, { wave: wave.name, stack, state: "planned", step: "plan", detail: planDetail(o.plan) });
            continue;
        }
        run.code = Math.max(run.code, code);
        const detail = `offline plan exit ${code}: ${o?.plan ? planDetail(o.plan) : (o?.error ?? "no result")}`;
        record(run, { wave: wave.name, stack, state: "failed", step: "plan", detail });
    }
    return plans.size === stacks.length ? plans : undefined;
}

async function deployOne(run: Run, wave: Wave, stack: string, plan: PlanResult, engine: Engine): Promise<void> {
    const started = performance.now();
    let output = "";
    const opts: DeployOptions = { ...run.opts.deploy, onOutput: text => (output = (output + text).slice(-20_000)) };
    let step: Step = "preview";
    const emitRunning = (detail?: string) => run.opts.emit({ type: "stack", wave: wave.name, stack, state: "running", step, detail });
    try {
        emitRunning();
        const summary = await engine.preview(stack, opts);
        step = "up";
        emitRunning(`preview: ${changes(summary)}`);
        const outputs = await engine.up(stack, opts);
        step = "verify";
        const problems = verifyOutputs(plan, outputs);
        if (problems.length) throw new Error(`the outputs differ from the plan: ${problems.join("; ")}`);
        const ms = Math.round(performance.now() - started);
        record(run, { wave: wave.name, stack, state: "done", detail: `preview: ${changes(summary)}; outputs match the plan`, ms });
    } catch (e) {
        run.stopped = true;
        run.code = Math.max(run.code, 1);
        const message = step === "verify" ? (e as Error).message : lastLines(`${output}\n${(e as Error).message ?? e}`, 12);
        record(run, { wave: wave.name, stack, state: "failed", step, detail: message, ms: Math.round(performance.now() - started) });
    }
}

async function runWave(run: Run, wave: Wave): Promise<boolean> {
    const { opts } = run;
    opts.emit({ type: "wave", wave: wave.name, stacks: wave.stacks });
    const todo = wave.stacks.filter(s => opts.state.stacks[s]?.state !== "done");
    for (const s of wave.stacks.filter(x => !todo.includes(x))) record(run, { wave: wave.name, stack: s, state: "already-done" });
    if (!todo.length) return true;
    const plans = await gate(run, wave, todo);
    if (!plans) return false;
    if (!opts.engine) return true;
    if (!run.confirmed) {
        run.confirmed = opts.confirm ? await opts.confirm() : true;
        if (!run.confirmed) {
            run.code = Math.max(run.code, 1);
            return false;
        }
    }
    const engine = opts.engine;
    await runLimited(
        todo,
        opts.parallel,
        s => deployOne(run, wave, s, plans.get(s)!, engine),
        () => run.stopped,
    );
    return !run.stopped;
}

/** The whole rollout: every stack's final state, in wave order, and the exit code (0 all done, else 1 or 2). */
export async function runRollout(opts: RolloutOptions): Promise<{ results: StackResult[]; code: number }> {
    const run: Run = { opts, results: new Map(), code: 0, confirmed: false, stopped: false };
    let stopped = false;
    for (const wave of opts.waves) {
        // A dry run shows every wave's gate; a real one stops at the first failure.
        if (stopped && opts.engine) break;
        if (!(await runWave(run, wave))) stopped = true;
    }
    const results = opts.waves.flatMap(w => w.stacks.map(stack => run.results.get(stack) ?? { wave: w.name, stack, state: "not-started" as const }));
    if (opts.engine && !stopped) {
        opts.state.complete = true;
        opts.save(opts.state);
    }
    return { results, code: run.code };
}
