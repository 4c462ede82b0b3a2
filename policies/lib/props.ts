/**
 * Reading resource properties the way the policy engine gives them: behind a proxy that throws on unknown
 * values (a first preview). Linking code must not trip on an unknown ID, so it reads through these helpers.
 */
import { PolicyResource } from "@pulumi/policy";

/** The engine's unknown-value sentinels and proxy keys, from its own proxy module (internal to @pulumi/policy, so not in its typings). */
const proxy = require("@pulumi/policy/proxy") as Record<string, unknown>;
const sdkString = (key: string): string => {
    const v = proxy[key];
    if (typeof v !== "string") throw new Error(`@pulumi/policy/proxy no longer exports ${key}`);
    return v;
};
const UNKNOWN = new Set(
    [
        "unknownBooleanValue",
        "unknownNumberValue",
        "unknownStringValue",
        "unknownArrayValue",
        "unknownAssetValue",
        "unknownArchiveValue",
        "unknownObjectValue",
    ].map(sdkString),
);
const IS_PROXY = sdkString("isSpecialProxy");
const PROXY_TARGET = sdkString("getSpecialProxyTarget");

export function isUnknown(v: unknown): boolean {
    return typeof v === "string" && UNKNOWN.has(v);
}

/** The plain properties behind the engine's unknown-checking proxy. */
export function raw(props: Record<string, any>): Record<string, any> {
    return (props as any)?.[IS_PROXY] ? (props as any)[PROXY_TARGET] : props;
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
