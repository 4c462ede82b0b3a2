/**
 * The rollout's state, beside the project (`.rollout-state.json`, gitignored): which stacks are done and where the
 * rollout stopped, so that `--resume` continues at the failed stack and never redoes a done one. It is keyed by the
 * waves: a resume with other waves, or with waves that now resolve to other stacks, is refused.
 */
import * as fs from "fs";
import * as path from "path";
import { InputError } from "../errors";
import type { Wave } from "./waves";

export const STATE_FILE = ".rollout-state.json";

export interface StackRecord {
    state: "done" | "failed";
    /** the step that failed: plan, preview, up, verify */
    step?: string;
    error?: string;
    at: string;
}
export interface RolloutState {
    version: 1;
    /** the --waves arguments, as given */
    waves: string[];
    /** what they resolved to */
    resolved: { name: string; stacks: string[] }[];
    stacks: Record<string, StackRecord>;
    complete: boolean;
}

export const statePath = (project: string) => path.join(project, STATE_FILE);

export function newState(specs: string[], waves: Wave[]): RolloutState {
    return { version: 1, waves: [...specs], resolved: waves.map(w => ({ name: w.name, stacks: [...w.stacks] })), stacks: {}, complete: false };
}

/** The state file, or undefined when there is none; a file that is not a rollout state is an input error. */
export function loadState(project: string): RolloutState | undefined {
    const file = statePath(project);
    if (!fs.existsSync(file)) return undefined;
    let data: any;
    try {
        data = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        throw new InputError([{ path: file, message: `is not JSON (${(e as Error).message})`, hint: "delete it to start a new rollout" }]);
    }
    const ok =
        data?.version === 1 &&
        Array.isArray(data.waves) &&
        data.waves.every((w: unknown) => typeof w === "string") &&
        Array.isArray(data.resolved) &&
        data.resolved.every((w: any) => typeof w?.name === "string" && Array.isArray(w.stacks)) &&
        data.stacks &&
        typeof data.stacks === "object" &&
        Object.values(data.stacks).every((s: any) => s?.state === "done" || s?.state === "failed") &&
        typeof data.complete === "boolean";
    if (!ok) throw new InputError([{ path: file, message: "is not a rollout state of this version", hint: "delete it to start a new rollout" }]);
    return data as RolloutState;
}

/** Written whole and renamed into place, so a crash never leaves half a file. */
export function saveState(project: string, state: RolloutState): void {
    const file = statePath(project);
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2) + "\n");
    fs.renameSync(`${file}.tmp`, file);
}

const wavesArgs = (specs: string[]) => specs.map(s => `--waves ${s}`).join(" ");

/** Why this state cannot be resumed with these waves, or undefined when it can. */
export function resumeProblem(state: RolloutState, specs: string[], waves: Wave[], file: string): string | undefined {
    if (JSON.stringify(state.waves) !== JSON.stringify(specs))
        return `${file}: the rollout was started with ${wavesArgs(state.waves)}, not ${wavesArgs(specs)}; resume with the same waves, or delete the file to start a new rollout`;
    for (const w of waves) {
        const before = state.resolved.find(r => r.name === w.name)?.stacks ?? [];
        if (JSON.stringify(before) !== JSON.stringify(w.stacks))
            return `${file}: wave "${w.name}" was ${before.join(", ") || "empty"} and is now ${w.stacks.join(", ")} (stack files changed); delete the file to start a new rollout`;
    }
    return undefined;
}
