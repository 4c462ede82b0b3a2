import { v5 as uuidv5 } from "uuid";

/** Namespace of every ID this project derives; never change it, or every scope and role ID changes. */
const NAMESPACE = "6f1c3f4e-8a47-5d1e-9b3a-2f6d0c7e5a19";

/**
 * Stable GUID of a scope or app role that an app of this stack exposes. It depends on the app key and the
 * permission value only, so reordering config or re-running the program never changes it.
 */
export function exposedPermissionId(appKey: string, kind: "scope" | "role", value: string): string {
    return uuidv5(`${appKey}/${kind}/${value}`, NAMESPACE);
}

/** Pulumi resource names may not contain characters URNs reserve; permission values may (e.g. "Orders/Read"). */
export function nameSegment(value: string): string {
    return value.replace(/[^A-Za-z0-9._-]/g, "_");
}
