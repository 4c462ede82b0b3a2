/** The git the review needs: the repository of a folder, a ref's commit, a temporary worktree at it, what changed since. */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { InputError } from "../errors";

function git(cwd: string, args: string[]): string {
    return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 2 ** 20 }).trim();
}

/** The top folder of the git repository `dir` is in; an input error when it is in none. */
export function repositoryOf(dir: string): string {
    try {
        return fs.realpathSync(git(dir, ["rev-parse", "--show-toplevel"]));
    } catch {
        throw new InputError([{ path: dir, message: "is not in a git repository", hint: "run the review inside the repository that holds the stack files" }]);
    }
}

/** The commit a ref names; an input error naming the ref when it names none. */
export function commitOf(repo: string, ref: string): string {
    try {
        if (ref.startsWith("-")) throw new Error("an option, not a ref");
        return git(repo, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`]);
    } catch {
        throw new InputError([{ path: "--base", message: `"${ref}" is not a commit of ${repo}`, hint: "a branch, tag or commit, e.g. origin/main or HEAD~1" }]);
    }
}

/** Files that differ between the commit and the working tree (tracked changes and untracked files), relative to the repo. */
export function changedFiles(repo: string, commit: string): string[] {
    const tracked = git(repo, ["diff", "--name-only", "--no-renames", commit, "--"]);
    const untracked = git(repo, ["ls-files", "--others", "--exclude-standard"]);
    return [...new Set([...tracked.split("\n"), ...untracked.split("\n")].filter(Boolean))].sort();
}

/**
 * Runs `fn` with a detached worktree of `commit` in a temporary folder, then removes the worktree (and its
 * administrative files in .git) even when `fn` throws. The working tree is not touched. `node_modules` folders of the
 * working tree, from `projectDir` up to the repository's top, are linked into the worktree so its program resolves the
 * same packages (a worktree has no node_modules of its own).
 */
export async function withWorktree<T>(repo: string, commit: string, projectDir: string, fn: (worktree: string) => Promise<T>): Promise<T> {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "entra-consent-review-"));
    const worktree = path.join(tmp, "base");
    const links: string[] = [];
    try {
        git(repo, ["worktree", "add", "--detach", "--quiet", worktree, commit]);
        for (let dir = projectDir; ; dir = path.dirname(dir)) {
            const modules = path.join(dir, "node_modules");
            const target = path.join(worktree, path.relative(repo, dir), "node_modules");
            if (fs.existsSync(modules) && fs.existsSync(path.dirname(target)) && !fs.existsSync(target)) {
                fs.symlinkSync(modules, target, "dir");
                links.push(target);
            }
            if (dir === repo || path.dirname(dir) === dir) break;
        }
        return await fn(worktree);
    } finally {
        // the links go first: nothing that removes the worktree may reach through them into the working tree
        for (const link of links) fs.unlinkSync(link);
        try {
            git(repo, ["worktree", "remove", "--force", worktree]);
        } catch {
            // not added, or already gone: prune below drops its administrative files
        }
        fs.rmSync(tmp, { recursive: true, force: true });
        git(repo, ["worktree", "prune"]);
    }
}
