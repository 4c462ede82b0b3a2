/**
 * Reading resource properties the way the policy engine gives them: behind a proxy that throws on unknown
 * values (a first preview). Linking code must not trip on an unknown ID, so it reads through these helpers.
 */
import { PolicyResource } from "@pulumi/policy";

// The engine's sentinels for unknown values (@pulumi/policy proxy.ts).
const UNKNOWN = new Set([
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58",
    "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

export function isUnknown(v: unknown): boolean {
    return typeof v === "string" && UNKNOWN.has(v);
}

/** The plain properties behind the engine's unknown-checking proxy. */
export function raw(props: Record<string, any>): Record<string, any> {
    return (props as any)?.__isSpecialProxy ? (props as any).__getSpecialProxyTarget : props;
}

/** A string property when it is known; undefined when absent or unknown. */
export function knownString(props: Record<string, any>, key: string): string | undefined {
    const v = raw(props)[key];
    return typeof v === "string" && !isUnknown(v) ? v : undefined;
}

/** A list of strings with unknown elements dropped (and an unknown list read as empty). */
export function knownStrings(v: unknown): string[] {
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string" && !isUnknown(x)) : [];
}

/** The first resource a property depends on (how outputs link resources, known or not). */
export function dependency(r: PolicyResource, prop: string): PolicyResource | undefined {
    return r.propertyDependencies[prop]?.[0];
}
