/**
 * npm run rollout -- --waves canary=contoso-dev --waves rest=* [--policy-config F] [--policy-pack DIR] [--parallel N]
 *                    [--yes] [--resume] [--dry-run] [--format text|json] [--project DIR]
 * Rolls the project's stacks out in waves (lib/rollout/rollout.ts) with the Automation API.
 * Exit: 0 every stack done (or, with --dry-run, every offline plan clean), 1 a stack failed or the rollout was not
 * confirmed, 2 invalid input (waves, options, state file), an offline plan with invalid input, or no Pulumi CLI.
 */
import * as fs from "fs";
import * as path from "path";
import * as readline from "readline";
import { parseArgs } from "util";
import type { PulumiCommand } from "@pulumi/pulumi/automation";
import { formatProblem, InputError } from "../errors";
import { Io, processIo, runAsProcess, UsageError } from "./io";
import { PROJECT_ROOT, stackFiles, stackNameOf } from "../plan/plan";
import { planInPool } from "../plan/pool";
import { automationEngine, Engine, findPulumi } from "../rollout/engine";
import { PlanOutcome, RolloutEvent, runRollout, StackResult } from "../rollout/rollout";
import { loadState, newState, resumeProblem, RolloutState, saveState, statePath } from "../rollout/state";
import { resolveWaves, unassigned, Wave } from "../rollout/waves";

const USAGE = `usage: npm run rollout -- --waves NAME=STACK[,STACK...] [--waves ...] [options]
  --waves NAME=PATTERNS  a wave: stack names or globs (fabrikam-*), comma-separated; waves run in order;
                         a glob takes the stacks no wave names exactly and no earlier glob took (rest=*)
  --policy-config FILE   the policy pack's config, for the offline plans and --policy-pack-config
  --policy-pack DIR      the policy pack folder (default: policies/ of this project; or dist/policy-pack from npm run build:pack)
  --parallel N           stacks deployed at once within a wave (default 1)
  --yes                  do not ask before deploying (required when stdin is not a terminal)
  --resume               continue a stopped rollout at the stack that failed (state: .rollout-state.json)
  --dry-run              show the waves and run the offline plans; no Pulumi CLI, no tenant touched
  --format text|json     progress lines and a table for people (default), or JSON lines for tools
  --project DIR          the Pulumi project folder (default: the current directory)
exit codes: 0 done, 1 a stack failed or not confirmed, 2 invalid input or no Pulumi CLI`;

export interface RolloutDeps {
    /** the Pulumi CLI (default: PulumiCommand.get(), the \`pulumi\` on PATH) */
    pulumi?: () => Promise<{ command: PulumiCommand } | { error: string }>;
    /** the offline plans (default: planInPool, as plan --all) */
    plan?: (files: string[], policyConfig?: string) => Promise<PlanOutcome[]>;
    isTTY?: boolean;
    confirm?: (question: string) => Promise<boolean>;
}

function parse(argv: string[]) {
    try {
        return parseArgs({
            args: argv,
            options: {
                waves: { type: "string", multiple: true, default: [] },
                "policy-config": { type: "string" },
                "policy-pack": { type: "string" },
                parallel: { type: "string", default: "1" },
                yes: { type: "boolean", short: "y" },
                resume: { type: "boolean" },
                "dry-run": { type: "boolean" },
                format: { type: "string", default: "text" },
                project: { type: "string" },
                help: { type: "boolean", short: "h" },
            },
        }).values;
    } catch (e) {
        throw new UsageError((e as Error).message);
    }
}

type Args = ReturnType<typeof parse>;

function checkOptions(args: Args, cwd: string, project: string): { parallel: number; policyConfig?: string; policyPack: string } {
    if (args.format !== "text" && args.format !== "json") throw new UsageError(`--format is "${args.format}"; use text or json`);
    if (!/^[1-9][0-9]*$/.test(args.parallel)) throw new UsageError(`--parallel is "${args.parallel}"; use a whole number of 1 or more`);
    if (!fs.existsSync(path.join(project, "Pulumi.yaml"))) throw new UsageError(`${project}: no Pulumi.yaml (run in the project folder, or pass --project)`);
    const policyConfig = args["policy-config"] && path.resolve(cwd, args["policy-config"]);
    if (policyConfig && !fs.existsSync(policyConfig)) throw new UsageError(`--policy-config ${args["policy-config"]}: no such file`);
    const policyPack = path.resolve(cwd, args["policy-pack"] ?? path.join(PROJECT_ROOT, "policies"));
    if (!fs.existsSync(path.join(policyPack, "PulumiPolicy.yaml")))
        throw new UsageError(`--policy-pack ${policyPack}: no PulumiPolicy.yaml there (a policy pack folder, e.g. policies or dist/policy-pack)`);
    return { parallel: Number(args.parallel), policyConfig, policyPack };
}

/** The state to run with: a new one, or the stopped rollout's when resuming (refused when the waves differ). */
function stateFor(args: Args, project: string, waves: Wave[]): RolloutState {
    const file = statePath(project);
    const saved = loadState(project);
    if (args.resume) {
        if (!saved) throw new UsageError(`--resume: no ${path.basename(file)} in ${project}, nothing to resume`);
        const problem = resumeProblem(saved, args.waves, waves, file);
        if (problem) throw new UsageError(problem);
        return saved;
    }
    const done = saved ? Object.values(saved.stacks).filter(s => s.state === "done").length : 0;
    if (saved && !saved.complete && done && !args["dry-run"])
        throw new UsageError(
            `${file}: a rollout stopped with ${done} stack${done === 1 ? "" : "s"} done; continue it with --resume, or delete the file to start a new one`,
        );
    return newState(args.waves, waves);
}

async function defaultPlan(files: string[], policyConfig?: string): Promise<PlanOutcome[]> {
    const results = await planInPool(files.map(configFile => ({ configFile, policyConfig })));
    return results.map(r => ({ plan: r.plan, error: r.error }));
}

function askOnTerminal(question: string): Promise<boolean> {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
    return new Promise(resolve =>
        rl.question(`${question} [y/N] `, answer => {
            rl.close();
            resolve(/^y(es)?$/i.test(answer.trim()));
        }),
    );
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
const stackCount = (waves: Wave[]) => waves.reduce((n, w) => n + w.stacks.length, 0);
const seconds = (ms?: number) => (ms === undefined ? "" : ` (${(ms / 1000).toFixed(1)} s)`);

function progressLine(e: RolloutEvent): string {
    if (e.type === "wave") return `wave ${e.wave}: ${e.stacks.join(", ")}`;
    const state = e.state === "running" ? `${e.step}...` : e.state === "failed" ? `failed at ${e.step}` : e.state;
    const detail = e.detail ? `: ${e.detail.replace(/\n/g, "\n      ")}` : "";
    return `  [${e.wave}] ${e.stack}: ${state}${detail}${seconds(e.ms)}`;
}

export function renderTable(results: StackResult[]): string {
    const rows = results.map(r => [r.wave, r.stack, r.state === "failed" ? `failed (${r.step})` : r.state, (r.detail ?? "").split("\n")[0]]);
    const all = [["wave", "stack", "state", "detail"], ...rows];
    const widths = [0, 1, 2].map(i => Math.max(...all.map(r => r[i].length)));
    return all
        .map(r =>
            r
                .map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c))
                .join("  ")
                .trimEnd(),
        )
        .join("\n");
}

function header(waves: Wave[], stacks: string[], args: Args): string[] {
    const lines = [`rollout${args["dry-run"] ? " (dry run: offline plans only)" : ""}: ${plural(waves.length, "wave")}, ${plural(stackCount(waves), "stack")}`];
    for (const w of waves) lines.push(`  ${w.name}: ${w.stacks.join(", ")}`);
    const left = unassigned(waves, stacks);
    if (left.length) lines.push(`  not in any wave (not rolled out): ${left.join(", ")}`);
    return lines;
}

/** Everything checked before the first plan: options, waves, state, confirmation mode, the CLI. */
async function prepare(args: Args, cwd: string, deps: RolloutDeps) {
    const project = path.resolve(cwd, args.project ?? ".");
    const options = checkOptions(args, cwd, project);
    const stacks = stackFiles(project).map(stackNameOf);
    const waves = resolveWaves(args.waves, stacks);
    const state = stateFor(args, project, waves);
    const isTTY = deps.isTTY ?? !!process.stdin.isTTY;
    if (!args["dry-run"] && !args.yes && !isTTY) throw new UsageError("stdin is not a terminal, so nobody can confirm: pass --yes to deploy without asking");
    let engine: Engine | undefined;
    if (!args["dry-run"]) {
        const found = await (deps.pulumi ?? findPulumi)();
        if ("error" in found) throw new UsageError(found.error);
        engine = automationEngine(project, found.command);
    }
    return { project, options, stacks, waves, state, engine };
}

export async function main(argv: string[], io: Pick<Io, "out" | "err" | "cwd"> = processIo(), deps: RolloutDeps = {}): Promise<number> {
    const out = (t: string) => io.out(t);
    const err = (t: string) => io.err(t);
    let prepared: Awaited<ReturnType<typeof prepare>>;
    let args: Args | undefined;
    try {
        args = parse(argv);
        if (args.help) {
            out(USAGE);
            return 0;
        }
        prepared = await prepare(args, io.cwd, deps);
    } catch (e) {
        if (e instanceof InputError) err(`rollout: invalid input:\n${e.problems.map(p => `  - ${formatProblem(p)}`).join("\n")}`);
        else if (e instanceof UsageError) err(`rollout: ${e.message}${args ? "" : `\n${USAGE}`}`);
        else throw e;
        return 2;
    }
    return execute(args, prepared, deps, out, err);
}

async function execute(args: Args, p: Awaited<ReturnType<typeof prepare>>, deps: RolloutDeps, out: (t: string) => void, err: (t: string) => void) {
    const json = args.format === "json";
    const emit = (e: RolloutEvent) => (json ? out(JSON.stringify(e)) : err(progressLine(e)));
    if (json) out(JSON.stringify({ type: "rollout", dryRun: !!args["dry-run"], waves: p.waves, notInAnyWave: unassigned(p.waves, p.stacks) }));
    else err(header(p.waves, p.stacks, args).join("\n"));
    const planFiles = deps.plan ?? defaultPlan;
    const fileOf = (stack: string) => path.join(p.project, `Pulumi.${stack}.yaml`);
    const total = stackCount(p.waves);
    let confirmed: boolean | undefined;
    const { results, code } = await runRollout({
        waves: p.waves,
        state: p.state,
        plan: async stacks => {
            const outcomes = await planFiles(stacks.map(fileOf), p.options.policyConfig);
            return new Map(stacks.map((s, i) => [s, outcomes[i]]));
        },
        engine: p.engine,
        deploy: { policyPacks: [p.options.policyPack], policyPackConfigs: p.options.policyConfig ? [p.options.policyConfig] : [] },
        parallel: p.options.parallel,
        confirm: args.yes
            ? undefined
            : async () =>
                  (confirmed = await (deps.confirm ?? askOnTerminal)(
                      `Deploy ${plural(total, "stack")} in ${plural(p.waves.length, "wave")} (preview, then up, per stack)?`,
                  )),
        save: args["dry-run"] ? () => undefined : state => saveState(p.project, state),
        emit,
    });
    const failed = results.some(r => r.state === "failed");
    if (json) out(JSON.stringify({ type: "summary", exitCode: code, stacks: results }));
    else {
        out(renderTable(results));
        if (confirmed === false) out("\nnot confirmed: nothing was deployed");
        if (failed && !args["dry-run"])
            out(`\nstopped: fix the failed stack, then run the same command with --resume (${statePath(p.project)} records what is done)`);
    }
    return code;
}

if (require.main === module) runAsProcess("rollout", main);
