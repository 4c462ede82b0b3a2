/** Who holds what, by which mechanism: read by reviewers (stack output, plan text) and by tools (plan JSON). */
import { AppModel, ConsentModel, ResourceRef } from "./model";

export type Mechanism = "admin-grant" | "user-consent" | "pre-authorized" | "app-role-assignment";

export interface ApprovalLine {
    resource: string;
    type: "delegated" | "application";
    permissions: { value: string; id: string; mechanism: Mechanism }[];
}

export interface AppSummary {
    kind: string;
    identity: string;
    consent: "admin" | "user";
    exposes: { scopes: string[]; appRoles: string[] };
    preAuthorizes: Record<string, string[]>;
    requests: ApprovalLine[];
    /** how the app proves who it is: client secret, federated credentials */
    credentials: string[];
    /** who may sign in when the app requires assignment: users and groups by object ID, default access or per app role */
    assignment?: { required: boolean; assignedTo: Record<string, { users: string[]; groups: string[] }> };
    /** clients whose users consent to this API's permissions in the same prompt */
    knownClients?: string[];
}

/** The scopes an API of this stack pre-authorizes for a client app of this stack. */
export function preAuthorizedScopes(model: ConsentModel, client: AppModel, resource: ResourceRef): Set<string> {
    if (resource.kind !== "app") return new Set();
    const api = model.apps.find(a => a.key === resource.key)!;
    const clientMatches = (c: AppModel["preAuthorized"][number]["client"]) =>
        c.kind === "app" ? c.key === client.key : client.externalAppId !== undefined && c.appId === client.externalAppId;
    return new Set(api.preAuthorized.filter(p => clientMatches(p.client)).flatMap(p => p.scopes.map(s => s.id)));
}

export function consentSummary(model: ConsentModel): Record<string, AppSummary> {
    const out: Record<string, AppSummary> = {};
    for (const app of model.apps) {
        const requests: ApprovalLine[] = [];
        for (const r of app.delegated) {
            const pre = preAuthorizedScopes(model, app, r.resource);
            requests.push({
                resource: r.resource.label,
                type: "delegated",
                permissions: r.permissions.map(p => ({
                    value: p.value,
                    id: p.id,
                    mechanism: app.consent === "admin" ? "admin-grant" : pre.has(p.id) ? "pre-authorized" : "user-consent",
                })),
            });
        }
        for (const r of app.application) {
            requests.push({
                resource: r.resource.label,
                type: "application",
                permissions: r.permissions.map(p => ({ value: p.value, id: p.id, mechanism: "app-role-assignment" })),
            });
        }
        out[app.key] = {
            kind: app.kind,
            identity: app.identity,
            consent: app.consent,
            exposes: { scopes: app.scopes.map(s => s.value), appRoles: app.appRoles.map(r => r.value) },
            preAuthorizes: Object.fromEntries(
                app.preAuthorized.map(p => [p.client.kind === "app" ? p.client.key : p.client.appId, p.scopes.map(s => s.value)]),
            ),
            requests,
            credentials: [
                ...(app.clientSecret ? [`client secret, expires after ${app.clientSecret.expiresInDays} days`] : []),
                ...app.federatedCredentials.map(f => `federated ${f.name}: ${f.issuer} ${f.subject}`),
            ],
        };
        const assigned = Object.fromEntries(
            [["(default access)", app.assignedTo] as const, ...app.appRoles.map(r => [r.value, r.assignedTo] as const)].filter(
                ([, a]) => a && a.users.length + a.groups.length > 0,
            ),
        ) as Record<string, { users: string[]; groups: string[] }>;
        if (app.assignmentRequired || Object.keys(assigned).length) out[app.key].assignment = { required: app.assignmentRequired, assignedTo: assigned };
        if (app.knownClients.length) out[app.key].knownClients = [...app.knownClients];
    }
    return out;
}
