/** Who holds what, by which mechanism: read by reviewers (stack output, plan text) and by tools (plan JSON). */
import { secretSlots } from "./credentials";
import { AppModel, ConsentModel, ResourceRef } from "./model";

export type Mechanism = "admin-grant" | "user-consent" | "pre-authorized" | "app-role-assignment";

export interface ApprovalLine {
    resource: string;
    type: "delegated" | "application";
    permissions: { value: string; id: string; mechanism: Mechanism }[];
}

export interface AppSummary {
    /** the name Entra shows (the app key when config gives none) */
    displayName: string;
    /** config gave no displayName: Entra shows the app key */
    displayNameFromKey?: true;
    kind: string;
    identity: string;
    consent: "admin" | "user";
    exposes: { scopes: string[]; appRoles: string[] };
    preAuthorizes: Record<string, string[]>;
    requests: ApprovalLine[];
    /** how the app proves who it is: client secret, certificates, federated credentials */
    credentials: string[];
    /** rotating client secrets: the one the stack output carries, when it is replaced, and when the next one appears */
    clientSecretRotation?: { rotateAfterDays: number; current: { slot: string; endDate: string; rotatesOn: string }; nextSecretOn: string };
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

/** A rotating secret's schedule at `now` (lib/credentials.ts), for the plan; undefined when the secret does not rotate. */
export function secretRotation(app: AppModel, now: Date): AppSummary["clientSecretRotation"] {
    if (app.clientSecret?.rotateAfterDays === undefined) return undefined;
    const slots = secretSlots(app.clientSecret, now);
    const current = slots.find(s => s.current)!;
    return {
        rotateAfterDays: app.clientSecret.rotateAfterDays,
        current: { slot: current.name, endDate: current.endDate, rotatesOn: current.rotatesOn! },
        nextSecretOn: slots.map(s => s.rotatesOn!).sort()[0],
    };
}

function credentials(app: AppModel, rotation: AppSummary["clientSecretRotation"]): string[] {
    const secret = app.clientSecret && `client secret, expires after ${app.clientSecret.expiresInDays} days`;
    return [
        ...(secret && rotation
            ? [
                  `${secret}, rotates every ${rotation.rotateAfterDays} days: the current one (${rotation.current.slot}) is replaced on ${rotation.current.rotatesOn}, a new one becomes the output on ${rotation.nextSecretOn}`,
              ]
            : secret
              ? [secret]
              : []),
        ...app.certificates.map(c => `certificate ${c.name}, valid until ${c.endDate}`),
        ...app.federatedCredentials.map(f => `federated ${f.name}: ${f.issuer} ${f.subject}`),
    ];
}

export function consentSummary(model: ConsentModel, now = new Date()): Record<string, AppSummary> {
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
        const rotation = secretRotation(app, now);
        out[app.key] = {
            displayName: app.displayName,
            ...(app.displayNameFromKey ? { displayNameFromKey: true as const } : {}),
            kind: app.kind,
            identity: app.identity,
            consent: app.consent,
            exposes: { scopes: app.scopes.map(s => s.value), appRoles: app.appRoles.map(r => r.value) },
            preAuthorizes: Object.fromEntries(
                app.preAuthorized.map(p => [p.client.kind === "app" ? p.client.key : p.client.appId, p.scopes.map(s => s.value)]),
            ),
            requests,
            credentials: credentials(app, rotation),
        };
        if (rotation) out[app.key].clientSecretRotation = rotation;
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
