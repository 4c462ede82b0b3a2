import { v5 as uuidv5 } from "uuid";
import { formatPath } from "./errors";

/** A GUID in any case, unanchored (for composing into longer patterns). The one GUID pattern of the project. */
export const GUID_SOURCE = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
/** The same, anchored: the JSON schema `pattern` of a GUID field. */
export const GUID_PATTERN = `^${GUID_SOURCE}$` as const;
const GUID = new RegExp(GUID_PATTERN);
export const isGuid = (s: string): boolean => GUID.test(s);

/** Microsoft Graph's app ID, the same in every tenant. */
export const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

/** Namespace of every ID this project derives; never change it, or every scope and role ID changes. */
const NAMESPACE = "6f1c3f4e-8a47-5d1e-9b3a-2f6d0c7e5a19";

/**
 * Stable GUID of a scope or app role that an app of this stack exposes. It depends on the app key and the
 * permission value only, so reordering config or re-running the program never changes it.
 */
export function exposedPermissionId(appKey: string, kind: "scope" | "role", value: string): string {
    return uuidv5(`${appKey}/${kind}/${value}`, NAMESPACE);
}

/*
 * Resource names. Two resources of one type may never share a name (the engine refuses a duplicate URN), and names
 * are built from config: app keys, resource labels, permission values. Joining those with "-" let a chosen key or
 * value reproduce another resource's name ("a" + "b-c" + "d" = "a" + "b" + "c-d"), so names are built so that distinct
 * configs give distinct names:
 *  - each part is escaped: [A-Za-z0-9._-] stay as they are (the common case reads as before), every other
 *    character becomes %XX per UTF-8 byte, "%" and "/" included. So "Orders/Read" -> "Orders%2FRead" and
 *    "Orders_Read" -> "Orders_Read": the escape is injective (nameSegment below; the old one mapped both to "Orders_Read").
 *  - parts are joined with "/", which no escaped part contains, after a fixed word for the kind of resource:
 *    `orders-web/assign/microsoft-graph/User.Read.All`. A name splits back into exactly its parts (decodeName).
 * The principal-holding resources keep their single-suffix names (`<key>-registration`, `<key>-sp`, `<key>-identity`,
 * ...): one fixed suffix per resource type is already injective, and renaming them would replace the registrations
 * and service principals of every deployed stack (new client IDs).
 */
export const NAME_SEPARATOR = "/";

/** Injective escape of one name part: see above. */
export function nameSegment(value: string): string {
    let out = "";
    for (const ch of value) {
        if (/[A-Za-z0-9._-]/.test(ch)) out += ch;
        else for (const b of Buffer.from(ch, "utf8")) out += `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
    }
    return out;
}

/** The inverse of nameSegment; undefined for a string nameSegment cannot have produced. */
export function segmentValue(segment: string): string | undefined {
    if (!/^(?:[A-Za-z0-9._-]|%[0-9A-F]{2})*$/.test(segment)) return undefined;
    try {
        const value = decodeURIComponent(segment);
        return nameSegment(value) === segment ? value : undefined;
    } catch {
        return undefined;
    }
}

/** The resources an app owns several of, with the config parts that tell them apart. */
export const CHILD_KINDS = {
    owner: ["ownerObjectId"],
    scope: ["value"],
    role: ["value"],
    federated: ["credential"],
    certificate: ["credential"],
    requests: ["resource"],
    grant: ["resource"],
    assign: ["resource", "value"],
    preauthorize: ["client"],
    member: ["principal"],
    "role-member": ["value", "principal"],
} as const;
export type ChildKind = keyof typeof CHILD_KINDS;

/** `<owner>/<kind>/<part>...`, each escaped: the name of a resource an app owns several of. */
export function encodeName(owner: string, kind: ChildKind, ...parts: string[]): string {
    if (parts.length !== CHILD_KINDS[kind].length) throw new Error(`internal: a ${kind} name takes ${CHILD_KINDS[kind].length} part(s)`);
    return [owner, kind, ...parts].map(nameSegment).join(NAME_SEPARATOR);
}

/**
 * The name of a resource an app owns several of, before the "/" encoding (`<owner>-<kind>-<parts>` with "_" for
 * every other character): the alias that lets a stack deployed before the encoding keep these resources.
 */
export function legacyName(owner: string, kind: ChildKind, ...parts: string[]): string {
    return [owner, kind, ...parts.map(p => p.replace(/[^A-Za-z0-9._-]/g, "_"))].join("-");
}

/** Single-suffix names of the resources that hold an app's identity (one per app and type). */
export const SUFFIXES = [
    "registration",
    "sp",
    "identity",
    "redirect-uris",
    "identifier-uri",
    "client-secret",
    "client-secret-a",
    "client-secret-b",
    "known-clients",
] as const;
export type Suffix = (typeof SUFFIXES)[number];
export const suffixName = (owner: string, suffix: Suffix): string => `${owner}-${suffix}`;

/** Names of the resources that hold an app's principal: how the plan finds it in the planned tenant. */
export const servicePrincipalName = (appKey: string): string => suffixName(appKey, "sp");
export const identityName = (appKey: string): string => suffixName(appKey, "identity");
/** An adopted Microsoft API service principal: the only service principals directly under TenantConsent. */
export const microsoftApiPrincipalName = (tenantName: string, appId: string): string => `${tenantName}-microsoft-${appId}`;

export interface DecodedName {
    /** the app key (the owning component's name) */
    app: string;
    kind: ChildKind | Suffix;
    /** the config parts, unescaped (resource label, permission value, client, ...) */
    parts: string[];
    /** where in the stack config the resource comes from */
    path: string;
}

const CONFIG_FIELD: Record<ChildKind | Suffix, string | undefined> = {
    owner: "owners",
    scope: "scopes",
    role: "appRoles",
    federated: "federatedCredentials",
    certificate: "certificates",
    requests: undefined,
    grant: "delegated",
    assign: "application",
    preauthorize: "preAuthorized",
    registration: undefined,
    sp: undefined,
    identity: "managedIdentity",
    "redirect-uris": "redirectUris",
    "identifier-uri": "identifierUri",
    "client-secret": "clientSecret",
    "client-secret-a": "clientSecret",
    "client-secret-b": "clientSecret",
    member: "assignedTo",
    "role-member": "appRoles",
    "known-clients": "knownClients",
};

/**
 * A resource name of entra-consent's components back to its place in the stack config, e.g.
 * "orders-web/grant/microsoft-graph" -> entra-consent:apps["orders-web"].delegated["microsoft-graph"].
 * `owner`, when known (the parent component's name), must be the name's owner. Undefined for any other name.
 */
export function decodeName(name: string, owner?: string): DecodedName | undefined {
    const parts = name.split(NAME_SEPARATOR);
    if (parts.length > 1) {
        const [app, kind, ...rest] = parts.map(segmentValue);
        if (app === undefined || kind === undefined || rest.some(p => p === undefined) || !(kind in CHILD_KINDS)) return undefined;
        const k = kind as ChildKind;
        if (rest.length !== CHILD_KINDS[k].length || (owner !== undefined && owner !== app)) return undefined;
        const values = rest as string[];
        const field = CONFIG_FIELD[k];
        const segments: (string | number)[] = ["apps", app, ...(field ? [field] : [])];
        if (k === "scope" || k === "role" || k === "federated" || k === "certificate" || k === "grant" || k === "assign" || k === "preauthorize")
            segments.push(values[0]);
        if (k === "role-member") segments.push(values[0], "assignedTo");
        let path = formatPath(segments);
        if (k === "member" || k === "role-member") path += ` (${values[values.length - 1]})`;
        if (k === "assign") path += ` (${values[1]})`;
        if (k === "owner") path += ` (${values[0]})`;
        if (k === "requests") path += ` (what it requests of ${values[0]})`;
        return { app, kind: k, parts: values, path };
    }
    for (const suffix of SUFFIXES) {
        if (!name.endsWith(`-${suffix}`)) continue;
        const app = name.slice(0, -suffix.length - 1);
        if (!app || (owner !== undefined && owner !== app)) return undefined;
        const field = CONFIG_FIELD[suffix];
        return { app, kind: suffix, parts: [], path: formatPath(["apps", app, ...(field ? [field] : [])]) };
    }
    return undefined;
}
