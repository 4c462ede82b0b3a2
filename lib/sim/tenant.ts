/**
 * A simulated Entra tenant behind `pulumi.runtime.setMocks`: assigns object and client IDs, holds the
 * Microsoft resource apps with their real permission IDs, answers the invokes the program uses (and throws
 * on any other), and enforces what Entra enforces, so a wrong wiring fails here and not in a customer's tenant.
 */
import * as pulumi from "@pulumi/pulumi";
import { v5 as uuidv5 } from "uuid";
import { PermissionCatalog } from "../catalog";
import { DEFAULT_ACCESS_ROLE_ID } from "../model";
import { T } from "../resource-types";

type Mocks = pulumi.runtime.Mocks;
type MockResourceArgs = pulumi.runtime.MockResourceArgs;
type MockCallArgs = pulumi.runtime.MockCallArgs;

export interface SimPermission {
    id: string;
    value: string;
    adminOnly?: boolean;
    members?: string[];
}
interface SimApp {
    objectId: string;
    clientId: string;
    displayName: string;
    scopes: Map<string, SimPermission>;
    roles: Map<string, SimPermission>;
    identifierUris: Set<string>;
    preAuthorized: Map<string, string[]>;
    requested: Map<string, { scopeIds: string[]; roleIds: string[] }>;
    /** client IDs in knownClientApplications */
    knownClients?: string[];
}
export interface SimPrincipal {
    objectId: string;
    clientId: string;
    displayName: string;
    kind: "application" | "microsoft" | "managed-identity" | "external";
    assignmentRequired?: boolean;
    /** accountEnabled false in the tenant: Entra issues no token to it or for it */
    disabled?: true;
}
export interface SimGrant {
    clientObjectId: string;
    resourceObjectId: string;
    consentType: "AllPrincipals" | "Principal";
    principalId?: string;
    scopes: string[];
    /** the grant's ID, for one that existed before the plan (a tenant export) */
    id?: string;
}
/** principalType: a service principal of the tenant, or a user or group (the simulation holds no users or groups) */
export interface SimAssignment {
    principalObjectId: string;
    resourceObjectId: string;
    appRoleId: string;
    principalType?: "ServicePrincipal" | "UserOrGroup";
    /** the assignment's ID, for one that existed before the plan (a tenant export) */
    id?: string;
}

/** An app registration of the tenant before the plan, with the API its service principal shows. */
export interface SeedApplication {
    objectId: string;
    clientId: string;
    displayName: string;
    identifierUris: string[];
    scopes: SimPermission[];
    roles: SimPermission[];
}
/**
 * What the tenant holds before the plan (lib/tenant/seed.ts builds it from a tenant export), as plain data.
 * principals: every service principal; scopes and roles for those whose app is not registered here (external apps).
 * adopted: Pulumi resource name -> ID of the existing object the resource adopts (`pulumi import`); creating anything
 * else that exists fails as Graph fails.
 */
export interface TenantSeed {
    applications: SeedApplication[];
    principals: (SimPrincipal & { scopes?: SimPermission[]; roles?: SimPermission[] })[];
    grants: SimGrant[];
    assignments: SimAssignment[];
    adopted: Record<string, string>;
}

/** What the tenant holds after a plan: what token requests are judged against (lib/flows.ts). */
export interface TenantState {
    tenantId: string;
    /** object ID of the principal a Pulumi resource (by name) created or adopted */
    principalOfResource(name: string): string | undefined;
    principal(objectId: string): SimPrincipal | undefined;
    principalByClientId(clientId: string): SimPrincipal | undefined;
    grants(clientObjectId: string, resourceObjectId: string): SimGrant[];
    assignments(principalObjectId: string, resourceObjectId: string): SimAssignment[];
    /** every app role assignment to a resource service principal (users, groups and service principals) */
    assignmentsTo(resourceObjectId: string): SimAssignment[];
    /** the app registration (or Microsoft resource app) with this client ID: its scopes, roles and pre-authorized clients */
    application(
        clientId: string,
    ): { scopes: SimPermission[]; roles: SimPermission[]; preAuthorized: Map<string, string[]>; knownClients: string[] } | undefined;
}

/**
 * The planned tenant as plain data: the program runs in a process of its own (lib/plan/pool.ts) and sends this
 * back, so flows are predicted in the plan's process from data, never from objects the program could reach.
 */
export interface TenantSnapshot {
    tenantId: string;
    principalsByResourceName: Record<string, string>;
    principals: SimPrincipal[];
    grants: SimGrant[];
    assignments: SimAssignment[];
    applications: { clientId: string; scopes: SimPermission[]; roles: SimPermission[]; preAuthorized: [string, string[]][]; knownClients: string[] }[];
}

/** The read-only view flows are predicted against, built from a snapshot (IDs lower case, as the tenant keeps them). */
export function tenantState(snapshot: TenantSnapshot): TenantState {
    const principals = new Map(snapshot.principals.map(p => [p.objectId, p]));
    const byClientId = new Map(snapshot.principals.map(p => [p.clientId, p]));
    const resourceNames = new Map(Object.entries(snapshot.principalsByResourceName));
    const apps = new Map(
        snapshot.applications.map(a => [
            a.clientId,
            { scopes: a.scopes, roles: a.roles, preAuthorized: new Map(a.preAuthorized), knownClients: a.knownClients },
        ]),
    );
    return {
        tenantId: snapshot.tenantId,
        principalOfResource: name => resourceNames.get(name),
        principal: id => principals.get(id.toLowerCase()),
        principalByClientId: id => byClientId.get(id.toLowerCase()),
        grants: (c, r) => snapshot.grants.filter(g => g.clientObjectId === c && g.resourceObjectId === r),
        assignments: (p, r) => snapshot.assignments.filter(a => a.principalObjectId === p && a.resourceObjectId === r),
        assignmentsTo: r => snapshot.assignments.filter(a => a.resourceObjectId === r),
        application: clientId => apps.get(clientId.toLowerCase()),
    };
}

/** A rejection as data, to cross the process boundary. */
export interface RejectionRecord {
    status: number;
    resource: string;
    message: string;
}

/** An error Entra (or ARM) would answer; the plan reports it as a failed deploy step. */
export class TenantRejection extends Error {
    constructor(
        readonly status: number,
        readonly resource: string,
        message: string,
    ) {
        super(`${status} ${message}`);
        this.name = "TenantRejection";
    }
}

export interface SimulatedTenantOptions {
    tenantId: string;
    /** the tenant the deploying identity is signed in to (default: tenantId); a mismatch exercises the tenant guard */
    signedInTenantId?: string;
    catalog: PermissionCatalog;
    /** principal IDs of identities that exist already (managedIdentity.principalId in config) */
    existingPrincipalIds?: string[];
    /** Microsoft resource appIds with no service principal in this tenant */
    missingMicrosoftPrincipals?: string[];
    /** a first preview: nothing is created, so every computed output (IDs) is unknown and nothing is checked */
    preview?: boolean;
    /** appId -> role value -> id overrides, to simulate a catalog that is out of date */
    permissionIdOverrides?: Record<string, Record<string, string>>;
    /** start from what a tenant holds (a tenant export) instead of an empty tenant */
    seed?: TenantSeed;
}

/** One delegated grant per client, resource, consent type and (for Principal) user. */
const grantKey = (client: string, resource: string, consentType: string, principalId?: string) => `${client}|${resource}|${consentType}|${principalId ?? ""}`;

/** The SDK reads an invoke failure's text from `details`, as gRPC reports it. */
function invokeError(message: string): Error {
    return Object.assign(new Error(message), { details: message });
}

const DEPLOYER_OBJECT_ID = "d0d0d0d0-0000-4000-8000-00000000d0d0";
const DEPLOYER_CLIENT_ID = "c0c0c0c0-0000-4000-8000-00000000c0c0";

export class SimulatedTenant implements Mocks {
    readonly tenantId: string;
    readonly rejections: TenantRejection[] = [];
    /** @internal */ readonly apps = new Map<string, SimApp>();
    /** @internal */ readonly appsByClientId = new Map<string, SimApp>();
    /** @internal */ readonly principals = new Map<string, SimPrincipal>();
    /** @internal */ readonly principalsByClientId = new Map<string, SimPrincipal>();
    /** @internal */ readonly identifierUris = new Map<string, string>();
    /** @internal */ readonly grants = new Map<string, SimGrant>();
    /** @internal */ readonly assignments = new Map<string, SimAssignment>();
    /** Pulumi resource name -> object ID of the principal it created (service principals, managed identities) */
    /** @internal */ readonly principalsByResourceName = new Map<string, string>();
    private readonly microsoftApps = new Map<string, SimApp>();

    constructor(private readonly opts: SimulatedTenantOptions) {
        this.tenantId = opts.tenantId.toLowerCase();
        const missing = new Set((opts.missingMicrosoftPrincipals ?? []).map(s => s.toLowerCase()));
        for (const r of opts.catalog.resources) {
            const overrides = opts.permissionIdOverrides?.[r.appId] ?? {};
            const app: SimApp = {
                objectId: this.id("microsoft-app", r.appId),
                clientId: r.appId,
                displayName: r.name,
                scopes: new Map(),
                roles: new Map(),
                identifierUris: new Set(r.identifierUris),
                preAuthorized: new Map(),
                requested: new Map(),
            };
            for (const p of r.permissions) {
                const id = overrides[p.value] ?? p.id;
                if (p.type === "delegated") app.scopes.set(id, { id, value: p.value, adminOnly: p.adminConsentRequired });
                else app.roles.set(id, { id, value: p.value, members: ["Application"] });
            }
            this.microsoftApps.set(r.appId, app);
            this.appsByClientId.set(r.appId, app);
            if (!missing.has(r.appId))
                this.addPrincipal({ objectId: this.id("microsoft-sp", r.appId), clientId: r.appId, displayName: r.name, kind: "microsoft" });
        }
        if (opts.seed) this.seedFrom(opts.seed);
        // With a seed, the export says which identities exist; without one, those the config names are taken to exist.
        for (const principalId of opts.seed ? [] : (opts.existingPrincipalIds ?? [])) {
            this.addPrincipal({
                objectId: principalId.toLowerCase(),
                clientId: this.id("existing-mi-client", principalId),
                displayName: `managed identity ${principalId}`,
                kind: "managed-identity",
            });
        }
    }

    /** @internal resource name -> ID of the existing object it adopts */
    readonly adopted = new Map<string, string>();
    /** @internal whether the tenant started from an export */
    get seeded(): boolean {
        return !!this.opts.seed;
    }

    /** The tenant as exported: its apps, service principals (Microsoft APIs' by their real object IDs), grants and assignments. */
    private seedFrom(seed: TenantSeed): void {
        const permissions = (list: SimPermission[] = []) => new Map(list.map(p => [p.id, { ...p }]));
        for (const a of seed.applications) {
            const app: SimApp = {
                objectId: a.objectId,
                clientId: a.clientId,
                displayName: a.displayName,
                scopes: permissions(a.scopes),
                roles: permissions(a.roles),
                identifierUris: new Set(a.identifierUris),
                preAuthorized: new Map(),
                requested: new Map(),
            };
            this.apps.set(app.objectId, app);
            this.appsByClientId.set(app.clientId, app);
            for (const uri of a.identifierUris) this.identifierUris.set(uri.toLowerCase(), app.objectId);
        }
        // A Microsoft API without a service principal in the export has none in the tenant (AADSTS500011).
        for (const appId of this.microsoftApps.keys()) {
            const sp = this.principalsByClientId.get(appId);
            if (sp) this.principals.delete(sp.objectId);
            this.principalsByClientId.delete(appId);
        }
        for (const { scopes, roles, ...p } of seed.principals) {
            this.addPrincipal(this.microsoftApps.has(p.clientId) ? { ...p, kind: "microsoft" } : { ...p });
            if (!this.appsByClientId.has(p.clientId) && (scopes?.length || roles?.length))
                this.appsByClientId.set(p.clientId, {
                    objectId: this.id("external-app", p.clientId),
                    clientId: p.clientId,
                    displayName: p.displayName,
                    scopes: permissions(scopes),
                    roles: permissions(roles),
                    identifierUris: new Set(),
                    preAuthorized: new Map(),
                    requested: new Map(),
                });
        }
        for (const g of seed.grants)
            this.grants.set(grantKey(g.clientObjectId, g.resourceObjectId, g.consentType, g.principalId), { ...g, scopes: [...g.scopes] });
        for (const a of seed.assignments) this.assignments.set(`${a.principalObjectId}|${a.resourceObjectId}|${a.appRoleId}`, { ...a });
        for (const [name, id] of Object.entries(seed.adopted)) this.adopted.set(name, id.toLowerCase());
    }

    /** The planned state, read-only. */
    state(): TenantState {
        return tenantState(this.snapshot());
    }

    /** The planned state as plain data (structured-clone and JSON safe). */
    snapshot(): TenantSnapshot {
        return {
            tenantId: this.tenantId,
            principalsByResourceName: Object.fromEntries(this.principalsByResourceName),
            principals: [...this.principals.values()].map(p => ({ ...p })),
            grants: [...this.grants.values()].map(g => ({ ...g, scopes: [...g.scopes] })),
            assignments: [...this.assignments.values()].map(a => ({ ...a })),
            applications: [...this.appsByClientId.entries()].map(([clientId, app]) => ({
                clientId,
                scopes: [...app.scopes.values()].map(p => ({ ...p })),
                roles: [...app.roles.values()].map(p => ({ ...p })),
                preAuthorized: [...app.preAuthorized.entries()].map(([c, ids]) => [c, [...ids]] as [string, string[]]),
                knownClients: [...(app.knownClients ?? [])],
            })),
        };
    }

    /** Deterministic IDs, so a plan of the same config prints the same IDs every time. */
    /** @internal */ id(kind: string, name: string): string {
        return uuidv5(`${kind}/${name}`, uuidv5(this.tenantId, "8a2f8c1e-3c55-4c8e-9a7c-6b1f0f2d9e41"));
    }

    /** @internal */ addPrincipal(p: SimPrincipal): void {
        this.principals.set(p.objectId, p);
        this.principalsByClientId.set(p.clientId, p);
    }

    /** @internal */ reject(status: number, args: MockResourceArgs, message: string): never {
        const e = new TenantRejection(status, `${args.type}::${args.name}`, message);
        this.rejections.push(e);
        throw e;
    }

    /** The registration a sub-resource's applicationId names: the resource ID `/applications/{objectId}`, never a client ID. */
    /** @internal */ application(args: MockResourceArgs, applicationId: unknown): SimApp | undefined {
        if (typeof applicationId !== "string") return undefined; // unknown in a first preview
        const m = /^\/applications\/([0-9a-f-]{36})$/i.exec(applicationId);
        if (!m) {
            const hint = this.appsByClientId.has(applicationId.toLowerCase())
                ? " (that is a client ID; sub-resources take the application's resource ID `app.id`)"
                : "";
            this.reject(400, args, `applicationId "${applicationId}" is not an application resource ID of the form /applications/{objectId}${hint}`);
        }
        const app = this.apps.get(m[1].toLowerCase());
        if (!app) this.reject(404, args, `Resource '${m[1]}' does not exist or one of its queried reference-property objects are not present (applicationId)`);
        return app;
    }

    /** @internal */ principal(args: MockResourceArgs, field: string, objectId: unknown): SimPrincipal | undefined {
        if (typeof objectId !== "string") return undefined;
        const p = this.principals.get(objectId.toLowerCase());
        if (!p) {
            const byClient = this.principalsByClientId.get(objectId.toLowerCase()) ?? (this.appsByClientId.has(objectId.toLowerCase()) ? {} : undefined);
            const app = [...this.apps.values()].find(a => a.objectId === objectId.toLowerCase());
            const hint = byClient
                ? " (that is a client ID; use the service principal's objectId)"
                : app
                  ? " (that is the application's object ID; use its service principal's objectId)"
                  : "";
            this.reject(404, args, `Resource '${objectId}' does not exist or one of its queried reference-property objects are not present (${field})${hint}`);
        }
        return p;
    }

    /** @internal */ appOf(principal: SimPrincipal): SimApp | undefined {
        return this.appsByClientId.get(principal.clientId);
    }

    /** Each resource type has its own rule (RESOURCE_RULES below); a type without one is accepted as written. */
    newResource(args: MockResourceArgs): NewResource {
        const inputs = args.inputs ?? {};
        // A preview calls no Graph API: Entra checks nothing, and outputs the provider computes stay unknown.
        if (this.opts.preview) return { id: undefined, state: { ...inputs } };
        const rule = RESOURCE_RULES[args.type] ?? acceptAsWritten;
        return rule(this, { args, inputs, resourceId: this.id(args.type, args.name) });
    }

    /** Raw `azuread.Application` programs declare their API inline. */
    /** @internal */ applyInlineApplication(args: MockResourceArgs, app: SimApp, inputs: any): void {
        for (const uri of inputs.identifierUris ?? []) {
            if (typeof uri !== "string") continue;
            const owner = this.identifierUris.get(uri.toLowerCase());
            if (owner && owner !== app.objectId)
                this.reject(400, args, `Another object with the same value for property identifierUris already exists (${uri})`);
            this.identifierUris.set(uri.toLowerCase(), app.objectId);
            app.identifierUris.add(uri);
        }
        for (const s of inputs.api?.oauth2PermissionScopes ?? [])
            app.scopes.set(String(s.id).toLowerCase(), { id: String(s.id).toLowerCase(), value: s.value, adminOnly: s.type !== "User" });
        for (const r of inputs.appRoles ?? [])
            app.roles.set(String(r.id).toLowerCase(), { id: String(r.id).toLowerCase(), value: r.value, members: r.allowedMemberTypes ?? [] });
    }

    /** @internal */ principalState(inputs: any, p: SimPrincipal): Record<string, any> {
        const app = this.appOf(p);
        const byValue = (m: Map<string, SimPermission> | undefined) => Object.fromEntries([...(m?.values() ?? [])].map(x => [x.value, x.id]));
        return {
            ...inputs,
            clientId: p.clientId,
            objectId: p.objectId,
            displayName: p.displayName,
            appRoleIds: byValue(app?.roles),
            oauth2PermissionScopeIds: byValue(app?.scopes),
            type: "Application",
        };
    }

    call(args: MockCallArgs): Record<string, any> {
        switch (args.token) {
            case "azuread:index/getClientConfig:getClientConfig":
                return {
                    tenantId: (this.opts.signedInTenantId ?? this.tenantId).toLowerCase(),
                    clientId: DEPLOYER_CLIENT_ID,
                    objectId: DEPLOYER_OBJECT_ID,
                    id: DEPLOYER_CLIENT_ID,
                };
            case "azuread:index/getServicePrincipal:getServicePrincipal": {
                const key = String(args.inputs.clientId ?? args.inputs.objectId ?? "").toLowerCase();
                const p = this.principalsByClientId.get(key) ?? this.principals.get(key);
                if (!p)
                    throw invokeError(
                        `service principal not found: no service principal with ${args.inputs.clientId ? "clientId" : "objectId"} ${key} in tenant ${this.tenantId}`,
                    );
                const app = this.appOf(p);
                return {
                    ...this.principalState({}, p),
                    id: p.objectId,
                    appRoles: [...(app?.roles.values() ?? [])].map(r => ({ id: r.id, value: r.value, allowedMemberTypes: r.members, enabled: true })),
                    oauth2PermissionScopes: [...(app?.scopes.values() ?? [])].map(s => ({
                        id: s.id,
                        value: s.value,
                        type: s.adminOnly ? "Admin" : "User",
                        enabled: true,
                    })),
                };
            }
            default:
                throw invokeError(`the simulated tenant does not answer ${args.token}: mock it, or add it to lib/sim/tenant.ts`);
        }
    }
}

/** What the program asks to create, as a rule sees it. resourceId: the deterministic ID the tenant gives the object. */
export interface ResourceRequest {
    args: MockResourceArgs;
    inputs: Record<string, any>;
    resourceId: string;
}
/** What the tenant answers: the resource's ID (undefined: unknown) and its state (inputs plus what the provider computes). */
export interface NewResource {
    id: string | undefined;
    state: Record<string, any>;
}
/** One resource type's rule: what Entra checks and does when the provider creates that resource. */
export type ResourceRule = (tenant: SimulatedTenant, request: ResourceRequest) => NewResource;

/** An app registration gets an object ID and a client ID; `azuread.Application` also declares its API inline. */
export function applicationRule(t: SimulatedTenant, { args, inputs, resourceId }: ResourceRequest): NewResource {
    const adopted = t.apps.get(t.adopted.get(args.name) ?? "");
    // An imported registration keeps its object and client ID. Its API (scopes, roles, pre-authorizations, requested
    // access) is what the program declares: the first `pulumi up` writes it (the plan lists these as not imported).
    const app: SimApp = {
        objectId: adopted?.objectId ?? resourceId,
        clientId: adopted?.clientId ?? t.id("client", `${args.type}/${args.name}`),
        displayName: inputs.displayName,
        scopes: new Map(),
        roles: new Map(),
        identifierUris: adopted?.identifierUris ?? new Set(),
        preAuthorized: new Map(),
        requested: new Map(),
    };
    const { objectId, clientId } = app;
    t.apps.set(objectId, app);
    t.appsByClientId.set(clientId, app);
    if (args.type === T.application) t.applyInlineApplication(args, app, inputs);
    return {
        id: `/applications/${objectId}`,
        state: { ...inputs, objectId, clientId, publisherDomain: "contoso.example", disabledByMicrosoft: "" },
    };
}

/** Identifier URIs are unique in the tenant. */
export function identifierUriRule(t: SimulatedTenant, { args, inputs }: ResourceRequest): NewResource {
    const app = t.application(args, inputs.applicationId);
    const uri = String(inputs.identifierUri ?? "");
    if (app && uri) {
        const owner = t.identifierUris.get(uri.toLowerCase());
        if (owner && owner !== app.objectId) t.reject(400, args, `Another object with the same value for property identifierUris already exists (${uri})`);
        t.identifierUris.set(uri.toLowerCase(), app.objectId);
        app.identifierUris.add(uri);
    }
    return { id: `${inputs.applicationId}/identifierUris/${Buffer.from(uri).toString("base64")}`, state: inputs };
}

/** A scope or app role: its value and ID are unique among the application's scopes and roles. */
export function permissionRule(t: SimulatedTenant, { args, inputs }: ResourceRequest): NewResource {
    const app = t.application(args, inputs.applicationId);
    const isScope = args.type === T.scope;
    const id = String((isScope ? inputs.scopeId : inputs.roleId) ?? "").toLowerCase();
    if (app) {
        if ([...app.scopes.values(), ...app.roles.values()].some(p => p.value === inputs.value)) {
            t.reject(400, args, `Permission value '${inputs.value}' is already used by a scope or app role of this application`);
        }
        if (app.scopes.has(id) || app.roles.has(id)) t.reject(400, args, `Permission ID ${id} is already used by a scope or app role of this application`);
        if (isScope) app.scopes.set(id, { id, value: inputs.value, adminOnly: inputs.type !== "User" });
        else app.roles.set(id, { id, value: inputs.value, members: inputs.allowedMemberTypes ?? [] });
    }
    return { id: `${inputs.applicationId}/${isScope ? "permissionScopes" : "appRoles"}/${id}`, state: inputs };
}

/** Pre-authorization names delegated scopes of the API only, once per client. */
export function preAuthorizedRule(t: SimulatedTenant, { args, inputs }: ResourceRequest): NewResource {
    const app = t.application(args, inputs.applicationId);
    const clientId = typeof inputs.authorizedClientId === "string" ? inputs.authorizedClientId.toLowerCase() : undefined;
    if (app && clientId) {
        for (const pid of inputs.permissionIds ?? []) {
            if (typeof pid !== "string") continue;
            if (app.roles.has(pid.toLowerCase()))
                t.reject(
                    400,
                    args,
                    `Permission ${pid} is an app role of ${app.displayName}; preAuthorizedApplications may only name delegated permission scopes`,
                );
            if (!app.scopes.has(pid.toLowerCase())) t.reject(400, args, `Permission ${pid} is not a delegated permission scope of ${app.displayName}`);
        }
        if (app.preAuthorized.has(clientId)) t.reject(409, args, `Client ${clientId} is already pre-authorized on ${app.displayName}`);
        app.preAuthorized.set(
            clientId,
            (inputs.permissionIds ?? []).map((s: string) => s.toLowerCase()),
        );
    }
    return { id: `${inputs.applicationId}/preAuthorizedApplication/${clientId ?? "unknown"}`, state: inputs };
}

/** requiredResourceAccess: an API the tenant knows, its scopes as scopes and its roles as roles, one entry per API. */
export function apiAccessRule(t: SimulatedTenant, { args, inputs }: ResourceRequest): NewResource {
    const app = t.application(args, inputs.applicationId);
    const apiClientId = typeof inputs.apiClientId === "string" ? inputs.apiClientId.toLowerCase() : undefined;
    if (app && apiClientId) {
        const api = t.appsByClientId.get(apiClientId);
        if (!api) t.reject(400, args, `apiClientId ${apiClientId} is not an application known to this tenant (AADSTS650057 at sign-in)`);
        for (const id of (inputs.scopeIds ?? []).map((s: string) => s.toLowerCase())) {
            if (!api.scopes.has(id))
                t.reject(
                    400,
                    args,
                    `${id} is not a delegated permission scope of ${api.displayName}${api.roles.has(id) ? " (it is an app role: list it in roleIds)" : ""}`,
                );
        }
        for (const id of (inputs.roleIds ?? []).map((s: string) => s.toLowerCase())) {
            if (!api.roles.has(id))
                t.reject(
                    400,
                    args,
                    `${id} is not an app role of ${api.displayName}${api.scopes.has(id) ? " (it is a delegated scope: list it in scopeIds)" : ""}`,
                );
        }
        if (app.requested.has(apiClientId)) t.reject(409, args, `${app.displayName} already has a requiredResourceAccess entry for ${api.displayName}`);
        app.requested.set(apiClientId, { scopeIds: inputs.scopeIds ?? [], roleIds: inputs.roleIds ?? [] });
    }
    return { id: `${inputs.applicationId}/apiAccess/${apiClientId ?? "unknown"}`, state: inputs };
}

/** A client secret on an existing registration; its value is a secret, as the provider marks it. */
export function appPasswordRule(t: SimulatedTenant, { args, inputs }: ResourceRequest): NewResource {
    t.application(args, inputs.applicationId);
    const keyId = t.id("password-key", args.name);
    // The provider marks the value secret; so does the simulation.
    return {
        id: `${inputs.applicationId}/password/${keyId}`,
        state: { ...inputs, keyId, value: pulumi.secret(`sim-secret-${t.id("password-value", args.name)}`) },
    };
}

/** Redirect URIs and owners: only the registration must exist. */
export function applicationChildRule(t: SimulatedTenant, { args, inputs }: ResourceRequest): NewResource {
    t.application(args, inputs.applicationId);
    return {
        id: `${inputs.applicationId}/${args.type === T.owner ? `owner/${inputs.ownerObjectId}` : `redirectUris/${inputs.type}`}`,
        state: inputs,
    };
}

/** One service principal per appId: an existing one is adopted only with useExisting (else 409); a new one needs an application (AADSTS700016). */
export function servicePrincipalRule(t: SimulatedTenant, { args, inputs, resourceId }: ResourceRequest): NewResource {
    const clientId = typeof inputs.clientId === "string" ? inputs.clientId.toLowerCase() : undefined;
    if (clientId === undefined) return { id: undefined, state: inputs };
    const existing = t.principalsByClientId.get(clientId);
    if (existing) {
        if (!inputs.useExisting && t.adopted.get(args.name) !== existing.objectId)
            t.reject(409, args, `A service principal for ${clientId} already exists in this tenant (set useExisting to adopt it, or import it)`);
        t.principalsByResourceName.set(args.name, existing.objectId);
        if (typeof inputs.appRoleAssignmentRequired === "boolean") existing.assignmentRequired = inputs.appRoleAssignmentRequired;
        return { id: existing.objectId, state: t.principalState(inputs, existing) };
    }
    const app = t.appsByClientId.get(clientId);
    if (!app && !inputs.useExisting) {
        t.reject(400, args, `The appId '${clientId}' of the service principal does not reference a valid application object (AADSTS700016 at sign-in)`);
    }
    const p: SimPrincipal = {
        objectId: resourceId,
        clientId,
        displayName: app?.displayName ?? `external app ${clientId}`,
        kind: app ? "application" : "external",
        ...(inputs.appRoleAssignmentRequired === true ? { assignmentRequired: true } : {}),
    };
    t.addPrincipal(p);
    t.principalsByResourceName.set(args.name, p.objectId);
    return { id: p.objectId, state: t.principalState(inputs, p) };
}

/** A delegated grant: existing principals, scopes the resource declares, one grant per client, resource, consent type and principal (409). */
export function grantRule(t: SimulatedTenant, { args, inputs, resourceId }: ResourceRequest): NewResource {
    const client = t.principal(args, "servicePrincipalObjectId", inputs.servicePrincipalObjectId);
    const resource = t.principal(args, "resourceServicePrincipalObjectId", inputs.resourceServicePrincipalObjectId);
    if (client && resource) {
        const api = t.appOf(resource);
        const values = new Set([...(api?.scopes.values() ?? [])].map(s => s.value));
        for (const v of inputs.claimValues ?? []) {
            if (!values.has(v)) t.reject(400, args, `Scope '${v}' is not a delegated permission of ${resource.displayName}`);
        }
        const consentType = inputs.userObjectId ? "Principal" : "AllPrincipals";
        const key = grantKey(client.objectId, resource.objectId, consentType, inputs.userObjectId);
        const existing = t.grants.get(key);
        // An imported grant is updated to the program's scopes (the plan lists what changes); any other is a conflict.
        if (existing && !(existing.id && t.adopted.get(args.name) === existing.id.toLowerCase()))
            t.reject(
                409,
                args,
                `Permission entry already exists: one oauth2PermissionGrant per client, resource, consent type and principal (${client.displayName} -> ${resource.displayName}, ${consentType})${existing.id ? `; grant ${existing.id} exists in the tenant: import it` : ""}`,
            );
        t.grants.set(key, {
            clientObjectId: client.objectId,
            resourceObjectId: resource.objectId,
            consentType,
            principalId: inputs.userObjectId,
            scopes: [...(inputs.claimValues ?? [])],
            ...(existing?.id ? { id: existing.id } : {}),
        });
    }
    return { id: resourceId, state: inputs };
}

/** An app role assignment: a role of the resource that allows this kind of member, once per principal and role. */
export function assignmentRule(t: SimulatedTenant, { args, inputs, resourceId }: ResourceRequest): NewResource {
    // A principal the tenant does not hold as a service principal is a user or group (not simulated), unless it is
    // some other known object (a client ID, an application's object ID): then the 404 with its hint, as before.
    const known = typeof inputs.principalObjectId === "string" && t.principals.has(inputs.principalObjectId.toLowerCase());
    const other =
        typeof inputs.principalObjectId === "string" &&
        (t.principalsByClientId.has(inputs.principalObjectId.toLowerCase()) ||
            t.appsByClientId.has(inputs.principalObjectId.toLowerCase()) ||
            t.apps.has(inputs.principalObjectId.toLowerCase()));
    const principal = known || other ? t.principal(args, "principalObjectId", inputs.principalObjectId) : undefined;
    const userOrGroup = typeof inputs.principalObjectId === "string" && !known && !other ? inputs.principalObjectId.toLowerCase() : undefined;
    const resource = t.principal(args, "resourceObjectId", inputs.resourceObjectId);
    const principalObjectId = principal?.objectId ?? userOrGroup;
    if (principalObjectId && resource && typeof inputs.appRoleId === "string") {
        const roleId = inputs.appRoleId.toLowerCase();
        const app = t.appOf(resource);
        // Default access: Graph accepts the all-zero role ID for a user or group when the app declares no app roles.
        const defaultAccess = roleId === DEFAULT_ACCESS_ROLE_ID && userOrGroup !== undefined && !app?.roles.size;
        const role = app?.roles.get(roleId);
        if (!role && !defaultAccess)
            t.reject(400, args, `Permission being assigned was not found on application ${resource.displayName} (appRoleId ${roleId})`);
        const memberType = userOrGroup ? "User" : "Application";
        if (role && !(role.members ?? []).includes(memberType))
            t.reject(
                400,
                args,
                `App role ${role.value} of ${resource.displayName} does not allow ${userOrGroup ? "users or groups" : "applications"} (allowedMemberTypes: ${(role.members ?? []).join(", ")})`,
            );
        const key = `${principalObjectId}|${resource.objectId}|${roleId}`;
        const existing = t.assignments.get(key);
        const adoptedId = t.adopted.get(args.name);
        // An imported assignment of another role ID (an API that existed before the stack) is replaced by the first up.
        if (adoptedId && !existing) for (const [k, a] of t.assignments) if (a.id?.toLowerCase() === adoptedId) t.assignments.delete(k);
        if (existing && !(existing.id && adoptedId === existing.id.toLowerCase()))
            t.reject(
                400,
                args,
                `Permission being assigned already exists on the object${existing.id ? ` (assignment ${existing.id} exists in the tenant: import it)` : ""}`,
            );
        t.assignments.set(key, {
            principalObjectId,
            resourceObjectId: resource.objectId,
            appRoleId: roleId,
            principalType: userOrGroup ? "UserOrGroup" : "ServicePrincipal",
            ...(existing?.id ? { id: existing.id } : {}),
        });
    }
    return {
        id: resourceId,
        state: {
            ...inputs,
            principalDisplayName: principal?.displayName ?? (userOrGroup ? `user or group ${userOrGroup}` : undefined),
            resourceDisplayName: resource?.displayName,
        },
    };
}

/** knownClientApplications, kept for combined consent. */
export function knownClientsRule(t: SimulatedTenant, { args, inputs }: ResourceRequest): NewResource {
    const app = t.application(args, inputs.applicationId);
    if (app && Array.isArray(inputs.knownClientIds))
        app.knownClients = inputs.knownClientIds.filter((c: unknown): c is string => typeof c === "string").map((c: string) => c.toLowerCase());
    return { id: `${inputs.applicationId}/knownClients`, state: inputs };
}

/** An Azure managed identity: a service principal Entra creates with it. */
export function userAssignedIdentityRule(t: SimulatedTenant, { args, inputs }: ResourceRequest): NewResource {
    const displayName = String(inputs.resourceName ?? args.name);
    // ARM creates or updates: an identity of that name that exists keeps its principal (the export shows it by name).
    const same = t.seeded ? [...t.principals.values()].filter(p => p.kind === "managed-identity" && p.displayName === displayName) : [];
    const existing = same.length === 1 ? same[0] : undefined;
    const principalId = existing?.objectId ?? t.id("mi-principal", args.name);
    const clientId = existing?.clientId ?? t.id("mi-client", args.name);
    if (!existing) t.addPrincipal({ objectId: principalId, clientId, displayName, kind: "managed-identity" });
    t.principalsByResourceName.set(args.name, principalId);
    const id = `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/${inputs.resourceGroupName}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${inputs.resourceName ?? args.name}`;
    return {
        id,
        state: {
            ...inputs,
            name: inputs.resourceName ?? args.name,
            principalId,
            clientId,
            tenantId: t.tenantId,
            type: "Microsoft.ManagedIdentity/userAssignedIdentities",
        },
    };
}

/** Any type without a rule of its own. */
export function acceptAsWritten(t: SimulatedTenant, { args, inputs, resourceId }: ResourceRequest): NewResource {
    // Anything else a program creates (credentials, groups, role assignments...) is accepted as written;
    // directory objects (groups, users, directory roles) output the object ID Entra gives them.
    return {
        id: resourceId,
        state: [T.group, T.user, T.directoryRole, T.customDirectoryRole].includes(args.type as any) ? { ...inputs, objectId: resourceId } : inputs,
    };
}

/** Resource type -> its rule. A type missing here is accepted as written (acceptAsWritten). */
export const RESOURCE_RULES: Record<string, ResourceRule> = {
    [T.application]: applicationRule,
    [T.registration]: applicationRule,
    [T.identifierUri]: identifierUriRule,
    [T.scope]: permissionRule,
    [T.appRole]: permissionRule,
    [T.preAuthorized]: preAuthorizedRule,
    [T.apiAccess]: apiAccessRule,
    [T.appPassword]: appPasswordRule,
    [T.redirectUris]: applicationChildRule,
    [T.owner]: applicationChildRule,
    [T.servicePrincipal]: servicePrincipalRule,
    [T.grant]: grantRule,
    [T.assignment]: assignmentRule,
    [T.knownClients]: knownClientsRule,
    [T.userAssignedIdentity]: userAssignedIdentityRule,
};
