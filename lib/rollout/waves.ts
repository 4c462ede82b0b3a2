/**
 * Waves of a rollout: `--waves NAME=PATTERN[,PATTERN...]`, in order. A pattern is a stack name or a glob (`*` any
 * characters, `?` one). Exact names are claimed first, across all waves; then each wave's globs, in wave order, take
 * the stacks not claimed yet, so `rest=*` takes what no earlier wave named. Anything ambiguous is an input error.
 */
import { InputError, InputProblem } from "../errors";
import { didYouMean } from "../suggest";

export interface Wave {
    name: string;
    patterns: string[];
    stacks: string[];
}

// Stack names may only contain alphanumeric characters, hyphens, underscores, or periods (Pulumi docs, "Stacks").
const STACK_PATTERN = /^[A-Za-z0-9._*?-]+$/;
const WAVE_NAME = /^[A-Za-z0-9._-]+$/;

const isGlob = (p: string) => /[*?]/.test(p);

export function globToRegExp(pattern: string): RegExp {
    const body = pattern
        .replace(/[.+^${}()|[\]\\-]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".");
    return new RegExp(`^${body}$`);
}

function parseSpec(spec: string, index: number): { name: string; patterns: string[]; problems: InputProblem[] } {
    const where = `--waves[${index}] "${spec}"`;
    const eq = spec.indexOf("=");
    const name = eq < 0 ? "" : spec.slice(0, eq).trim();
    const patterns = (eq < 0 ? "" : spec.slice(eq + 1))
        .split(",")
        .map(p => p.trim())
        .filter(Boolean);
    const problems: InputProblem[] = [];
    if (eq < 0) problems.push({ path: where, message: "has no '='", hint: "write NAME=STACK[,STACK...], e.g. canary=contoso-dev" });
    else if (!WAVE_NAME.test(name))
        problems.push({ path: where, message: `wave name "${name}" is empty or has characters other than letters, digits, '.', '_', '-'` });
    if (eq >= 0 && !patterns.length) problems.push({ path: where, message: "names no stack", hint: "list stack names or globs after '='" });
    for (const p of patterns)
        if (!STACK_PATTERN.test(p))
            problems.push({
                path: where,
                message: `"${p}" is not a stack name or glob`,
                hint: "stack names use letters, digits, '.', '_', '-'; globs add '*' and '?'",
            });
    return { name, patterns, problems };
}

/** The waves, each with its stacks (in the order of `stacks`); InputError on any ambiguity. */
export function resolveWaves(specs: string[], stacks: string[]): Wave[] {
    const problems: InputProblem[] = [];
    if (!specs.length) problems.push({ path: "--waves", message: "is missing", hint: "e.g. --waves canary=contoso-dev --waves rest=*" });
    const parsed = specs.map((s, i) => parseSpec(s, i));
    problems.push(...parsed.flatMap(p => p.problems));
    const seen = new Set<string>();
    for (const [i, p] of parsed.entries()) {
        if (p.name && seen.has(p.name))
            problems.push({ path: `--waves[${i}]`, message: `wave "${p.name}" is named twice`, hint: "give each wave its own name" });
        seen.add(p.name);
    }
    if (problems.length) throw new InputError(problems, "rollout");
    const known = new Set(stacks);
    const owner = new Map<string, string>();
    // Exact names first: a stack named in two waves is a mistake, whatever the order.
    for (const [i, p] of parsed.entries()) {
        for (const name of p.patterns.filter(x => !isGlob(x))) {
            if (!known.has(name))
                problems.push({ path: `--waves[${i}] ${p.name}`, message: `no stack "${name}" (no Pulumi.${name}.yaml)${didYouMean(name, stacks)}` });
            else if (owner.has(name) && owner.get(name) !== p.name)
                problems.push({
                    path: `--waves[${i}] ${p.name}`,
                    message: `stack "${name}" is already in wave "${owner.get(name)}"`,
                    hint: "name each stack in one wave only",
                });
            else owner.set(name, p.name);
        }
    }
    const waves = parsed.map(p => ({ name: p.name, patterns: p.patterns, stacks: stacks.filter(s => owner.get(s) === p.name) }));
    for (const [i, w] of waves.entries()) {
        for (const glob of w.patterns.filter(isGlob)) {
            const re = globToRegExp(glob);
            const taken = stacks.filter(s => re.test(s) && !owner.has(s));
            for (const s of taken) owner.set(s, w.name);
            if (!taken.length)
                problems.push({
                    path: `--waves[${i}] ${w.name}`,
                    message: `"${glob}" matches no stack not already in a wave`,
                    hint: `stacks: ${stacks.join(", ") || "none"}`,
                });
        }
        w.stacks = stacks.filter(s => owner.get(s) === w.name);
    }
    if (problems.length) throw new InputError(problems, "rollout");
    return waves;
}

/** Stacks of the project that no wave takes: they are not rolled out. */
export const unassigned = (waves: Wave[], stacks: string[]): string[] => stacks.filter(s => !waves.some(w => w.stacks.includes(s)));
