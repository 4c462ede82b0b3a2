/**
 * `npm run review`: plans every stack at a base ref (in a temporary git worktree) and in the working tree, both sides
 * in one worker pool, and compares them (lib/review/diff.ts).
 *
 * Which code plans the base: the base's own program (its index.ts and components, what is deployed from the base),
 * judged by the working tree's plan, policies and catalog. One judge for both sides means a difference in the review is
 * a difference in what the program registers, not in how it is judged, and both sides share one pool. A change to the
 * judge itself (policies/, lib/, data/ of this checkout) is listed in `judgeChanged` for a human to read.
 */
import * as fs from "fs";
import * as path from "path";
import { PermissionCatalog } from "../catalog";
import { rawStackConfig, readStackFile } from "../config/stack";
import { InputError, InputProblem } from "../errors";
import { DEFAULT_PROGRAM, loadStack, PlanResult, PROJECT_ROOT, stackFiles, stackNameOf } from "../plan/plan";
import { planInPool, PlanTask } from "../plan/pool";
import { ReviewSide, reviewStack, StackReview } from "./diff";
import { changedFiles, commitOf, repositoryOf, withWorktree } from "./git";

export interface ReviewOptions {
    /** the project folder (stack files, index.ts), inside a git repository */
    cwd: string;
    base: string;
    /** one stack (its name in the working tree or at the base); default every stack */
    stack?: string;
    /** default: index.ts of the project folder, else this checkout's program for both sides */
    program?: string;
    policyConfig?: string;
    workers?: number;
    today?: Date;
}
export interface ReviewResult {
    base: { ref: string; commit: string };
    program: { base: string; head: string };
    /** files of the code that judges both sides (policies, catalog, plan) that differ from the base: review them by hand */
    judgeChanged: string[];
    stacks: StackReview[];
}

export interface StackRef {
    stack: string;
    file: string;
    tenant?: string;
}

/** The tenant a stack file declares (entra-consent:tenant.id, else azuread:tenantId); undefined when unreadable. */
function tenantOfFile(file: string): string | undefined {
    try {
        const { raw, azureadTenantId } = rawStackConfig(readStackFile(file).config);
        const id = (raw.tenant as { id?: unknown } | undefined)?.id;
        return (typeof id === "string" ? id : azureadTenantId)?.toLowerCase();
    } catch {
        return undefined; // the plan reports what is wrong with the file
    }
}

/**
 * Pairs the stacks of both sides: by name, then a stack gone from the base with a new one of the same tenant is a
 * rename (one stack per tenant), never a silent delete and add.
 */
export function pairStacks<T extends StackRef>(base: T[], head: T[]): { base?: T; head?: T }[] {
    const pairs: { base?: T; head?: T }[] = [];
    const headByName = new Map(head.map(h => [h.stack, h]));
    const goneFromBase: T[] = [];
    for (const b of base) {
        const h = headByName.get(b.stack);
        if (h) {
            pairs.push({ base: b, head: h });
            headByName.delete(b.stack);
        } else goneFromBase.push(b);
    }
    for (const b of goneFromBase) {
        const h = b.tenant ? [...headByName.values()].find(x => x.tenant === b.tenant) : undefined;
        if (h) headByName.delete(h.stack);
        pairs.push({ base: b, ...(h ? { head: h } : {}) });
    }
    for (const h of headByName.values()) pairs.push({ head: h });
    return pairs.sort((x, y) => (x.head ?? x.base)!.stack.localeCompare((y.head ?? y.base)!.stack));
}

const inside = (dir: string, file: string) => !path.relative(dir, file).startsWith("..") && !path.isAbsolute(path.relative(dir, file));

/** The program of each side: a file of the repository is taken from the base's worktree at the base, anything else is shared. */
function programs(opts: ReviewOptions, repo: string, worktree: string): { head: string; base: string } {
    const head = opts.program
        ? path.resolve(opts.cwd, opts.program)
        : fs.existsSync(path.join(opts.cwd, "index.ts"))
          ? path.join(opts.cwd, "index.ts")
          : DEFAULT_PROGRAM;
    if (!fs.existsSync(head)) throw new InputError([{ path: "--program", message: `${head}: no such file` }]);
    if (!inside(repo, head)) return { head, base: head };
    const base = path.join(worktree, path.relative(repo, head));
    if (!fs.existsSync(base)) throw new InputError([{ path: "--program", message: `${path.relative(repo, head)} does not exist at the base ${opts.base}` }]);
    return { head, base };
}

/** The policy config of each side: a file of the repository is read at the base from the base (none when it did not exist). */
function policyConfigs(opts: ReviewOptions, repo: string, worktree: string): { head?: string; base?: string } {
    if (!opts.policyConfig) return {};
    const head = path.resolve(opts.cwd, opts.policyConfig);
    if (!fs.existsSync(head)) throw new InputError([{ path: "--policy-config", message: `${head}: no such file` }]);
    if (!inside(repo, head)) return { head, base: head };
    const base = path.join(worktree, path.relative(repo, head));
    return { head, base: fs.existsSync(base) ? base : undefined };
}

/** The problems of a side's plan, each naming the side and the file; the worktree's temporary path never shows. */
function sideProblems(plan: PlanResult, label: string, worktree: string, ref: string): InputProblem[] {
    const clean = (s: string) => s.split(worktree + path.sep).join(`${ref}:`);
    return (plan.problems ?? []).map(p => ({ ...p, path: `${label}: ${clean(p.path)}`, message: clean(p.message) }));
}

function selectPairs<T extends StackRef>(pairs: { base?: T; head?: T }[], stack: string | undefined): { base?: T; head?: T }[] {
    if (stack === undefined) return pairs;
    const chosen = pairs.filter(p => p.head?.stack === stack || p.base?.stack === stack);
    if (!chosen.length) {
        const names = [...new Set(pairs.flatMap(p => [p.head?.stack, p.base?.stack]).filter(Boolean))];
        throw new InputError([
            {
                path: "--stack",
                message: `no stack "${stack}" in the working tree or at the base`,
                hint: names.length ? `stacks: ${names.join(", ")}` : "no Pulumi.*.yaml here",
            },
        ]);
    }
    return chosen;
}

/** Plans both sides in one pool; a base stack whose inputs and code are the head's is not planned twice. */
async function planSides(
    pairs: { base?: StackRef; head?: StackRef }[],
    code: { programs: { head: string; base: string }; configs: { head?: string; base?: string }; sameCode: boolean },
    workers?: number,
): Promise<Map<string, PlanResult>> {
    const tasks = new Map<string, PlanTask>();
    const reuse = new Map<string, string>();
    const same = (a?: string, b?: string) => a === b || (!!a && !!b && fs.readFileSync(a).equals(fs.readFileSync(b)));
    for (const { base, head } of pairs) {
        if (head) tasks.set(head.file, { configFile: head.file, program: code.programs.head, policyConfig: code.configs.head });
        if (!base) continue;
        if (head && code.sameCode && head.stack === base.stack && same(head.file, base.file) && same(code.configs.head, code.configs.base))
            reuse.set(base.file, head.file);
        else tasks.set(base.file, { configFile: base.file, program: code.programs.base, policyConfig: code.configs.base });
    }
    const results = await planInPool([...tasks.values()], { workers });
    const plans = new Map<string, PlanResult>();
    for (const r of results) {
        if (!r.plan) throw new Error(`the plan of ${r.task.configFile} did not finish: ${r.error}`);
        plans.set(r.task.configFile, r.plan);
    }
    for (const [base, head] of reuse) plans.set(base, plans.get(head)!);
    return plans;
}

export async function reviewChange(opts: ReviewOptions): Promise<ReviewResult> {
    const cwd = fs.realpathSync(opts.cwd);
    const repo = repositoryOf(cwd);
    const commit = commitOf(repo, opts.base);
    const changed = changedFiles(repo, commit);
    return withWorktree(repo, commit, cwd, async worktree => {
        const baseDir = path.join(worktree, path.relative(repo, cwd));
        const refs = (dir: string, label: (f: string) => string) =>
            (fs.existsSync(dir) ? stackFiles(dir) : []).map(file => ({ stack: stackNameOf(file), file, tenant: tenantOfFile(file), label: label(file) }));
        const headRefs = refs(cwd, f => path.relative(repo, f));
        const baseRefs = refs(baseDir, f => `${opts.base}:${path.relative(worktree, f)}`);
        const pairs = selectPairs(pairStacks(baseRefs, headRefs), opts.stack);
        const progs = programs({ ...opts, cwd }, repo, worktree);
        const configs = policyConfigs({ ...opts, cwd }, repo, worktree);
        const configRel = configs.head && inside(repo, configs.head) ? path.relative(repo, configs.head) : undefined;
        const sameCode = progs.head === progs.base || changed.every(f => /(^|\/)Pulumi\.[^/]+\.ya?ml$/.test(f) || f === configRel);
        const plans = await planSides(pairs, { programs: progs, configs, sameCode }, opts.workers);
        const catalog = PermissionCatalog.load();
        const problems: InputProblem[] = [];
        const side = (r: StackRef & { label: string }, label: string): ReviewSide => {
            const plan = plans.get(r.file)!;
            problems.push(...sideProblems(plan, `${label} ${r.label}`, worktree, opts.base));
            let model;
            try {
                model = plan.problems?.length ? undefined : loadStack(r.file, catalog).model;
            } catch {
                model = undefined; // the plan already validated it; a program of its own config has no model
            }
            return { stack: r.stack, file: r.label, plan, model };
        };
        const sides = pairs.map(p => [p.base && side(p.base, "base"), p.head && side(p.head, "working tree")] as const);
        if (problems.length) throw new InputError(problems);
        const rel = (f: string) => (inside(worktree, f) ? `${opts.base}:${path.relative(worktree, f)}` : inside(repo, f) ? path.relative(repo, f) : f);
        const judgeRoot = inside(repo, PROJECT_ROOT) ? path.relative(repo, PROJECT_ROOT) : undefined;
        const judge =
            judgeRoot === undefined ? [] : changed.filter(f => /^(policies|lib|data)\//.test(path.posix.relative(judgeRoot.split(path.sep).join("/"), f)));
        return {
            base: { ref: opts.base, commit },
            program: { base: rel(progs.base), head: rel(progs.head) },
            judgeChanged: judge,
            stacks: sides.map(([b, h]) => reviewStack(b, h, opts.today)),
        };
    });
}
