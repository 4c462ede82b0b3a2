/**
 * The real engine, through Pulumi's Automation API: a LocalWorkspace on the project folder, `pulumi preview` and
 * `pulumi up` with the policy pack and its config, then the stack's outputs. The CLI is found with
 * `PulumiCommand.get()` (`pulumi version` on PATH); tests inject a PulumiCommand of their own.
 */
import { LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";
import type { DeployedOutput } from "./verify";

export interface DeployOptions {
    policyPacks: string[];
    policyPackConfigs: string[];
    onOutput: (text: string) => void;
}
export interface Engine {
    preview(stack: string, opts: DeployOptions): Promise<Record<string, number>>;
    up(stack: string, opts: DeployOptions): Promise<Record<string, DeployedOutput>>;
}

/** The Pulumi CLI, or the reason it cannot be used. */
export async function findPulumi(): Promise<{ command: PulumiCommand } | { error: string }> {
    try {
        return { command: await PulumiCommand.get() };
    } catch (e) {
        const message = String((e as Error).message ?? e);
        const notFound = /ENOENT|not found/i.test(message);
        return {
            error: notFound
                ? "the Pulumi CLI is not installed (no `pulumi` on PATH): install it (https://www.pulumi.com/docs/install/), or run with --dry-run to check the waves and the offline plans"
                : `the Pulumi CLI cannot be used: ${lastLines(message, 3)}`,
        };
    }
}

/** The last few non-empty lines of a CLI message (CommandError carries stdout and stderr whole). */
export function lastLines(text: string, count: number): string {
    return text
        .split(/\r?\n/)
        .map(l => l.trimEnd())
        .filter(l => l.trim())
        .slice(-count)
        .join("\n");
}

export function automationEngine(workDir: string, pulumiCommand: PulumiCommand): Engine {
    const select = (stackName: string) => LocalWorkspace.selectStack({ stackName, workDir }, { pulumiCommand });
    return {
        async preview(stack, opts) {
            const s = await select(stack);
            const result = await s.preview({ policyPacks: opts.policyPacks, policyPackConfigs: opts.policyPackConfigs, onOutput: opts.onOutput });
            return result.changeSummary as Record<string, number>;
        },
        async up(stack, opts) {
            const s = await select(stack);
            const result = await s.up({ policyPacks: opts.policyPacks, policyPackConfigs: opts.policyPackConfigs, onOutput: opts.onOutput });
            return result.outputs;
        },
    };
}
