import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { PermissionCatalog } from "../lib/catalog";
import type { Io } from "../lib/cli/io";
import { readStackFile } from "../lib/config/stack";
import { PlanOptions, planStack, PROJECT_ROOT } from "../lib/plan/plan";
import { tempDir } from "./hooks";

export { tempDir };

export const catalog = PermissionCatalog.load();
export const DEV_STACK = path.join(PROJECT_ROOT, "Pulumi.dev.yaml");
export const TENANT_ID = "11111111-1111-1111-1111-111111111111";

/** The sample dev stack's config map, a fresh copy each call, to change one thing per test. */
export function devConfig(): Record<string, any> {
    return structuredClone(readStackFile(DEV_STACK).config) as Record<string, any>;
}

/** The dev stack's `entra-consent:*` values as the raw config object buildModel takes. */
export function devRaw(): { tenant: any; apps: any } {
    const c = devConfig();
    return { tenant: c["entra-consent:tenant"], apps: c["entra-consent:apps"] };
}

/** Writes a stack file for a config map (in a folder of its own, removed after the run) and returns its path. */
export function writeStack(config: Record<string, unknown>, stack = "dev"): string {
    const dir = tempDir();
    const file = path.join(dir, `Pulumi.${stack}.yaml`);
    fs.writeFileSync(file, YAML.stringify({ config }));
    return file;
}

export function planConfig(config: Record<string, unknown>, opts: Partial<PlanOptions> = {}) {
    return planStack({ configFile: writeStack(config), catalog, ...opts });
}

export function byType<T extends { type: string }>(resources: T[], suffix: string): T[] {
    return resources.filter(r => r.type.endsWith(`:${suffix}`));
}

export interface CliResult {
    code: number | null;
    stdout: string;
    stderr: string;
}

/** Runs a CLI's main() in-process (tests/hooks.ts: the CLIs' one real spawn each is spawnCli), its output captured. */
export async function runMain(
    main: (argv: string[], io: Io) => Promise<number>,
    argv: string[],
    opts: { cwd?: string; stdin?: string } = {},
): Promise<CliResult> {
    const out: string[] = [],
        err: string[] = [];
    const io: Io = { out: t => out.push(t), err: t => err.push(t), stdin: () => opts.stdin ?? "", cwd: opts.cwd ?? PROJECT_ROOT };
    const code = await main(argv, io);
    return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}

/** How `npm run NAME` starts a CLI of lib/cli: node with tsx's loader, in `cwd`, without npm's INIT_CWD. */
export function cliProcess(name: string, argv: string[], cwd = PROJECT_ROOT): { args: string[]; options: { cwd: string; env: NodeJS.ProcessEnv } } {
    const env = { ...process.env };
    delete env.INIT_CWD;
    return { args: ["--require", require.resolve("tsx/cjs"), path.join(PROJECT_ROOT, "lib", "cli", `${name}.ts`), ...argv], options: { cwd, env } };
}

/**
 * Runs a CLI of lib/cli (plan, diagnose, ...) as a process, as `npm run NAME` does (tsx's loader, from the project folder): what only a
 * process shows, its exit code and that nothing prints a stack trace. Once per CLI: a process costs a second or more.
 */
export function spawnCli(name: string, argv: string[], cwd = PROJECT_ROOT): CliResult {
    const { args, options } = cliProcess(name, argv, cwd);
    const r = spawnSync(process.execPath, args, { ...options, encoding: "utf8" });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
