/**
 * The review's part of `npm run bench` (issue 12): the fleet's stack files committed as the base of a git repository,
 * then every stack changed (one more delegated scope on one app: both sides of all stacks are planned, the worst
 * case), then one stack changed (the other stacks' base plans are the working tree's: planned once).
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import YAML from "yaml";
import { reviewChange } from "../lib/review/review";

const git = (dir: string, ...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "ignore" });

/** Adds a scope to the first web app of a stack file. */
function changeStack(file: string, scope: string): void {
    const doc = YAML.parse(fs.readFileSync(file, "utf8"));
    const apps = doc.config["entra-consent:apps"];
    const web = Object.keys(apps).find(k => k.startsWith("web-"))!;
    apps[web].delegated["microsoft-graph"].push(scope);
    fs.writeFileSync(file, YAML.stringify(doc));
}

/** Reviews the fleet in `dir` (its Pulumi.*.yaml files); returns the wall time of each review in ms. */
export async function reviewFleet(dir: string, files: string[], workers: number): Promise<{ allChangedMs: number; oneChangedMs: number; stacks: number }> {
    git(dir, "init", "-q", "-b", "main");
    git(dir, "add", "-A");
    git(dir, "-c", "user.email=bench@example.com", "-c", "user.name=bench", "commit", "-q", "-m", "base");
    for (const f of files) changeStack(f, "email");
    let started = Date.now();
    const all = await reviewChange({ cwd: dir, base: "main", workers });
    const allChangedMs = Date.now() - started;
    if (all.stacks.some(s => s.permissions.length !== 1)) throw new Error("the review did not find the one added scope in every stack");
    git(dir, "checkout", "-q", "--", ".");
    changeStack(files[0], "email");
    started = Date.now();
    await reviewChange({ cwd: dir, base: "main", workers });
    return { allChangedMs, oneChangedMs: Date.now() - started, stacks: all.stacks.length };
}
