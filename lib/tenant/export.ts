/**
 * A tenant export (scripts/export-tenant.sh): Microsoft Graph v1.0 objects with Graph's own field names.
 * Loading validates only what the project reads; fields Graph adds over time are ignored, never rejected.
 * Graph shapes: https://learn.microsoft.com/graph/api/resources/serviceprincipal, .../application,
 * .../oauth2permissiongrant, .../approleassignment, .../authorizationpolicy, .../adminconsentrequestpolicy,
 * .../delegatedpermissionclassification (v1.0).
 */
import Ajv, { ErrorObject } from "ajv";
import * as fs from "fs";
import * as path from "path";
import { formatPath as formatAt, InputError, InputProblem } from "../errors";
import { GUID_PATTERN } from "../ids";

export interface GraphPasswordCredential {
    keyId: string;
    displayName?: string | null;
    endDateTime?: string | null;
    startDateTime?: string | null;
    hint?: string | null;
    secretText?: null;
}
export interface GraphKeyCredential {
    keyId: string;
    displayName?: string | null;
    endDateTime?: string | null;
    type?: string;
    usage?: string;
}
export interface GraphPermissionScope {
    id: string;
    value: string;
    type?: string;
    isEnabled?: boolean;
}
export interface GraphAppRole {
    id: string;
    value: string | null;
    allowedMemberTypes?: string[];
    isEnabled?: boolean;
}
export interface GraphApplication {
    id: string;
    appId: string;
    displayName?: string | null;
    identifierUris?: string[];
    passwordCredentials?: GraphPasswordCredential[];
    keyCredentials?: GraphKeyCredential[];
}
export interface GraphServicePrincipal {
    id: string;
    appId: string;
    displayName?: string | null;
    accountEnabled?: boolean;
    servicePrincipalType?: string | null;
    appOwnerOrganizationId?: string | null;
    appRoleAssignmentRequired?: boolean;
    verifiedPublisher?: { displayName?: string | null } | null;
    appRoles?: GraphAppRole[];
    oauth2PermissionScopes?: GraphPermissionScope[];
    passwordCredentials?: GraphPasswordCredential[];
    keyCredentials?: GraphKeyCredential[];
}
export interface GraphGrant {
    id: string;
    clientId: string;
    resourceId: string;
    consentType: "AllPrincipals" | "Principal";
    principalId?: string | null;
    scope: string;
}
export interface GraphAppRoleAssignment {
    id: string;
    appRoleId: string;
    principalId: string;
    principalType?: string;
    principalDisplayName?: string | null;
    resourceId: string;
    resourceDisplayName?: string | null;
}
export interface GraphAuthorizationPolicy {
    defaultUserRolePermissions: { permissionGrantPoliciesAssigned: string[] };
}
export interface GraphAdminConsentRequestPolicy {
    isEnabled: boolean;
    reviewers?: unknown[];
}
export interface GraphClassification {
    id?: string;
    permissionId: string;
    permissionName: string;
    classification: string;
}

export interface TenantExport {
    tenantId: string;
    exportedAt: string;
    applications: GraphApplication[];
    servicePrincipals: GraphServicePrincipal[];
    oauth2PermissionGrants: GraphGrant[];
    appRoleAssignments: GraphAppRoleAssignment[];
    /** absent: the export was made without the rights to read it */
    authorizationPolicy?: GraphAuthorizationPolicy;
    adminConsentRequestPolicy?: GraphAdminConsentRequestPolicy;
    /** service principal id -> its classifications */
    delegatedPermissionClassifications?: Record<string, GraphClassification[]>;
}

const guid = { type: "string", pattern: GUID_PATTERN, description: "a GUID" };
const str = { type: "string" };
const optStr = { type: ["string", "null"] };
const date = { type: ["string", "null"], format: "date-time", description: "an ISO 8601 date-time, as Graph returns it" };
const list = (items: object) => ({ type: "array", items });
const obj = (required: string[], properties: Record<string, object>) => ({ type: "object", required, properties, additionalProperties: true });
const credentials = (extra: Record<string, object>) =>
    list(obj(["keyId"], { keyId: guid, displayName: optStr, startDateTime: date, endDateTime: date, ...extra }));
// A secret's value never belongs in an export: Graph returns secretText only when a secret is created.
const passwordCredentials = credentials({
    hint: optStr,
    secretText: { type: "null", description: "never a secret's value: re-export with scripts/export-tenant.sh, which does not read it" },
});
const keyCredentials = credentials({ type: optStr, usage: optStr });

export const tenantExportSchema = obj(["tenantId", "exportedAt", "applications", "servicePrincipals", "oauth2PermissionGrants", "appRoleAssignments"], {
    tenantId: guid,
    exportedAt: { type: "string", format: "date-time", description: "when the export was made (ISO 8601)" },
    applications: list(obj(["id", "appId"], { id: guid, appId: guid, displayName: optStr, identifierUris: list(str), passwordCredentials, keyCredentials })),
    servicePrincipals: list(
        obj(["id", "appId"], {
            id: guid,
            appId: guid,
            displayName: optStr,
            accountEnabled: { type: "boolean" },
            servicePrincipalType: optStr,
            appOwnerOrganizationId: { type: ["string", "null"] },
            appRoleAssignmentRequired: { type: "boolean" },
            verifiedPublisher: { type: ["object", "null"] },
            appRoles: list(obj(["id"], { id: guid, value: optStr, allowedMemberTypes: list(str), isEnabled: { type: "boolean" } })),
            oauth2PermissionScopes: list(obj(["id", "value"], { id: guid, value: str, type: optStr, isEnabled: { type: "boolean" } })),
            passwordCredentials,
            keyCredentials,
        }),
    ),
    oauth2PermissionGrants: list(
        obj(["id", "clientId", "resourceId", "consentType", "scope"], {
            id: { type: "string", minLength: 1 },
            clientId: guid,
            resourceId: guid,
            consentType: { enum: ["AllPrincipals", "Principal"], description: "AllPrincipals (admin consent for everyone) or Principal (one user)" },
            principalId: { type: ["string", "null"] },
            scope: { type: ["string"] },
        }),
    ),
    appRoleAssignments: list(
        obj(["id", "appRoleId", "principalId", "resourceId"], {
            id: { type: "string", minLength: 1 },
            appRoleId: guid,
            principalId: guid,
            resourceId: guid,
            principalType: optStr,
        }),
    ),
    authorizationPolicy: obj(["defaultUserRolePermissions"], {
        defaultUserRolePermissions: obj(["permissionGrantPoliciesAssigned"], { permissionGrantPoliciesAssigned: list(str) }),
    }),
    adminConsentRequestPolicy: obj(["isEnabled"], { isEnabled: { type: "boolean" } }),
    delegatedPermissionClassifications: {
        type: "object",
        propertyNames: guid,
        description: "service principal id -> the list Graph returns",
        additionalProperties: list(obj(["permissionId", "permissionName", "classification"], { permissionId: guid, permissionName: str, classification: str })),
    },
});

const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictTypes: false });
// date-time as Graph writes it (2026-01-31T00:00:00Z, with optional fractions); no ajv-formats needed for one format.
ajv.addFormat("date-time", /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
const validate = ajv.compile(tenantExportSchema);

/** Graph's shapes are at most ~8 levels deep; deeper input is hostile or not an export. */
export const MAX_DEPTH = 32;
export const MAX_BYTES = 512 * 1024 * 1024;
const MAX_PROBLEMS = 20;

/** The nesting depth of JSON text, counted without parsing (strings skipped), so a hostile file cannot exhaust the stack. */
export function jsonDepth(text: string, limit = Infinity): number {
    let depth = 0,
        max = 0,
        inString = false;
    for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (inString) {
            if (c === 92)
                i++; // backslash: skip the escaped character
            else if (c === 34) inString = false;
        } else if (c === 34) inString = true;
        else if (c === 123 || c === 91) {
            if (++depth > max) {
                max = depth;
                if (max > limit) return max;
            }
        } else if (c === 125 || c === 93) depth--;
    }
    return max;
}

function pointerSegments(pointer: string): (string | number)[] {
    if (!pointer) return [];
    return pointer
        .slice(1)
        .split("/")
        .map(raw => raw.replace(/~1/g, "/").replace(/~0/g, "~"))
        .map(k => (/^\d+$/.test(k) ? Number(k) : k));
}

function toProblem(e: ErrorObject, root: string): InputProblem | undefined {
    const at = pointerSegments(e.instancePath);
    const formatPath = (segments: (string | number)[], prefix: string) => (segments.length ? formatAt(segments, prefix) : prefix.slice(0, -2));
    const hint = (e.parentSchema as { description?: string } | undefined)?.description;
    switch (e.keyword) {
        case "required":
            return { path: formatPath([...at, (e.params as { missingProperty: string }).missingProperty], root), message: "is required" };
        case "type":
            return {
                path: formatPath(at, root),
                message: `is ${e.data === null ? "null" : Array.isArray(e.data) ? "a list" : `a ${typeof e.data}`}, expected ${(e.params as { type: string | string[] }).type}`,
                hint,
            };
        case "propertyNames":
            return undefined; // reported by the nested error on the name itself
        case "pattern":
        case "format": {
            const name = (e as { propertyName?: string }).propertyName;
            if (name !== undefined) return { path: formatPath([...at, name], root), message: `"${name}" is not a valid key`, hint };
            return { path: formatPath(at, root), message: `${JSON.stringify(e.data)} is not valid`, hint };
        }
        case "enum":
            return {
                path: formatPath(at, root),
                message: `${JSON.stringify(e.data)} is not allowed`,
                hint: hint ?? `one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(", ")}`,
            };
        default:
            return { path: formatPath(at, root), message: `${e.message}`, hint };
    }
}

/** Validates parsed export data; InputError with JSON paths (prefixed with `source: `) when it is not an export. */
export function parseTenantExport(data: unknown, source = "tenant export"): TenantExport {
    const root = `${source}: `;
    if (validate(data)) return data as unknown as TenantExport;
    const problems: InputProblem[] = [];
    for (const e of validate.errors ?? []) {
        const p = toProblem(e, root);
        if (p && !problems.some(q => q.path === p.path && q.message === p.message)) problems.push(p);
        if (problems.length === MAX_PROBLEMS) {
            problems.push({ path: root.trim(), message: "more problems not shown", hint: "is this a file written by scripts/export-tenant.sh?" });
            break;
        }
    }
    throw new InputError(problems, source);
}

/** Reads and validates an export file; every failure (missing, too big, too deep, not JSON, wrong shape) is an InputError. */
export function loadTenantExport(file: string, limits: { maxBytes?: number; maxDepth?: number } = {}): TenantExport {
    const source = path.basename(file);
    const fail = (message: string, hint?: string): never => {
        throw new InputError([{ path: file, message, hint }], source);
    };
    let size: number;
    try {
        size = fs.statSync(file).size;
    } catch {
        return fail("no such file", "the JSON file scripts/export-tenant.sh wrote");
    }
    const maxBytes = limits.maxBytes ?? MAX_BYTES;
    if (size > maxBytes) fail(`is ${size} bytes, more than the ${maxBytes} an export may have`, "export one tenant with scripts/export-tenant.sh");
    const text = fs.readFileSync(file, "utf8");
    const maxDepth = limits.maxDepth ?? MAX_DEPTH;
    if (jsonDepth(text, maxDepth) > maxDepth) fail(`nests deeper than ${maxDepth} levels`, "Graph's objects are never that deep: not a tenant export");
    let data: unknown;
    try {
        data = JSON.parse(text);
    } catch (e) {
        return fail(`is not JSON: ${(e as Error).message}`);
    }
    return parseTenantExport(data, source);
}
