/**
 * A policy's options: what the policy config sets, and for every option it leaves out the `default` of the policy's
 * config schema, the one place a default is written. The offline harness (lib/plan/policies.ts) fills options the
 * same way, so the plan and the pack under the Pulumi CLI see the same values.
 */
import { PolicyConfigSchema } from "@pulumi/policy";

export function withDefaults<T>(schema: PolicyConfigSchema | undefined, options: Record<string, unknown>): T {
    const defaults = Object.entries(schema?.properties ?? {})
        .filter(([key, s]) => options[key] === undefined && typeof s === "object" && s.default !== undefined)
        .map(([key, s]) => [key, structuredClone((s as { default: unknown }).default)]);
    return { ...options, ...Object.fromEntries(defaults) } as T;
}

/** The options of `policy` for this run (see withDefaults). */
export const policyOptions = <T>(policy: { configSchema?: PolicyConfigSchema }, args: { getConfig<U extends object>(): U }): T =>
    withDefaults<T>(policy.configSchema, args.getConfig<Record<string, unknown>>());
