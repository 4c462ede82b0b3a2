/**
 * The consent picture of a stack, as policies see it: apps (registrations and their service principals),
 * what each requests, and the approvals (grants, app role assignments, pre-authorizations) with their client
 * and resource resolved. Resources are linked through property dependencies, so this works in a first
 * preview where object and client IDs are still unknown, and for any program, not only our components.
 */
import { PolicyResource } from "@pulumi/policy";
import { CatalogPermission, effectiveTier, LEAST_PRIVILEGE_ALTERNATIVES, PermissionCatalog, PermissionType, Tier } from "../../lib/catalog";
import { TIER_TAG, USER_CONSENT_TAG } from "../../components/types";
import { GRAPH_APP_ID } from "../../lib/model";
import { dependency, isUnknown, knownString, knownStrings, raw } from "./props";
import { REGISTRATION_TYPES, T } from "../../lib/resource-types";

const TIER_TAG_PATTERN = new RegExp(`^${TIER_TAG}([012]):(.+)$`);

export interface Exposed { id: string; value: string; adminOnly: boolean; members: string[] }

export interface AppNode {
    registration: PolicyResource;
    sp?: PolicyResource;
    /** how approvals may name it: client ID, resource names, the app key of our components */
    names: string[];
    label: string;
    scopes: Map<string, Exposed>;
    roles: Map<string, Exposed>;
    tiers: Map<string, Tier>;
    userConsent: boolean;
}

export type ResourceKey =
    | { kind: "app"; app: AppNode }
    | { kind: "microsoft"; appId: string; name: string; aliases: string[] }
    | { kind: "unknown"; label: string };

export interface Principal {
    kind: "app" | "external" | "managed-identity" | "unknown";
    app?: AppNode;
    resource?: PolicyResource;
    clientId?: string;
    label: string;
    names: string[];
}

export interface Judgement {
    type: PermissionType;
    value: string;
    id?: string;
    resourceName: string;
    /** null: neither in the catalog nor defined in this stack */
    tier: Tier | null;
    /** the tier policies apply: unclassified counts as 0 */
    effectiveTier: Tier;
    source: "catalog" | "stack" | "unknown";
    alternative?: string;
}

export interface Request { client: AppNode; urn: string; resource: ResourceKey; type: PermissionType; id?: string; value?: string }
export interface Grant { resource: PolicyResource; client: Principal; target: ResourceKey; values: string[]; allPrincipals: boolean }
export interface Assignment { resource: PolicyResource; principal: Principal; target: ResourceKey; appRoleId?: string }
export interface PreAuthorization { resource: PolicyResource; api?: AppNode; client?: AppNode; clientId?: string; permissionIds: string[] }

const stripSuffix = (name: string) => name.replace(/-(registration|sp|identity)$/, "");

export class StackConsent {
    readonly apps: AppNode[] = [];
    readonly requests: Request[] = [];
    readonly grants: Grant[] = [];
    readonly assignments: Assignment[] = [];
    readonly preAuthorizations: PreAuthorization[] = [];
    private readonly appByUrn = new Map<string, AppNode>();

    constructor(readonly resources: PolicyResource[], readonly catalog: PermissionCatalog) {
        for (const r of resources.filter(x => REGISTRATION_TYPES.includes(x.type as any))) this.addApp(r);
        for (const sp of resources.filter(x => x.type === T.servicePrincipal)) {
            const app = this.appOf(dependency(sp, "clientId"));
            if (!app) continue;
            app.sp = sp;
            app.names.push(sp.name);
            for (const tag of knownStrings(raw(sp.props).tags)) {
                const m = TIER_TAG_PATTERN.exec(tag);
                if (m) app.tiers.set(m[2], Number(m[1]) as Tier);
                if (tag === USER_CONSENT_TAG) app.userConsent = true;
            }
        }
        for (const r of resources) {
            const p = raw(r.props);
            switch (r.type) {
                case T.scope: case T.appRole: {
                    const app = this.appOf(dependency(r, "applicationId"));
                    const id = knownString(r.props, r.type === T.scope ? "scopeId" : "roleId");
                    if (app && id) {
                        const exposed = { id: id.toLowerCase(), value: String(p.value ?? ""), adminOnly: p.type !== "User", members: knownStrings(p.allowedMemberTypes) };
                        (r.type === T.scope ? app.scopes : app.roles).set(exposed.id, exposed);
                    }
                    break;
                }
                case T.apiAccess: {
                    const client = this.appOf(dependency(r, "applicationId"));
                    if (!client) break;
                    const target = this.resourceByClientId(r, "apiClientId");
                    for (const id of knownStrings(p.scopeIds)) this.requests.push({ client, urn: r.urn, resource: target, type: "delegated", id: id.toLowerCase() });
                    for (const id of knownStrings(p.roleIds)) this.requests.push({ client, urn: r.urn, resource: target, type: "application", id: id.toLowerCase() });
                    break;
                }
                case T.grant:
                    this.grants.push({
                        resource: r, client: this.principal(r, "servicePrincipalObjectId"),
                        target: this.resourceBySp(r, "resourceServicePrincipalObjectId", knownStrings(p.claimValues), "delegated"),
                        values: knownStrings(p.claimValues), allPrincipals: p.userObjectId === undefined || p.userObjectId === null || p.userObjectId === "",
                    });
                    break;
                case T.assignment: {
                    const appRoleId = knownString(r.props, "appRoleId")?.toLowerCase();
                    this.assignments.push({
                        resource: r, principal: this.principal(r, "principalObjectId"), appRoleId,
                        target: this.resourceBySp(r, "resourceObjectId", appRoleId ? [appRoleId] : [], "application"),
                    });
                    break;
                }
                case T.preAuthorized: {
                    const clientReg = this.appOf(dependency(r, "authorizedClientId"));
                    this.preAuthorizations.push({
                        resource: r, api: this.appOf(dependency(r, "applicationId")), client: clientReg,
                        clientId: knownString(r.props, "authorizedClientId")?.toLowerCase(), permissionIds: knownStrings(p.permissionIds).map(s => s.toLowerCase()),
                    });
                    break;
                }
            }
        }
        // Inline declarations of `azuread.Application` (raw programs).
        for (const app of this.apps.filter(a => a.registration.type === T.application)) {
            const p = raw(app.registration.props);
            for (const s of (Array.isArray(p.api?.oauth2PermissionScopes) ? p.api.oauth2PermissionScopes : [])) {
                if (typeof s?.id === "string" && !isUnknown(s.id)) app.scopes.set(s.id.toLowerCase(), { id: s.id.toLowerCase(), value: String(s.value), adminOnly: s.type !== "User", members: [] });
            }
            for (const r of (Array.isArray(p.appRoles) ? p.appRoles : [])) {
                if (typeof r?.id === "string" && !isUnknown(r.id)) app.roles.set(r.id.toLowerCase(), { id: r.id.toLowerCase(), value: String(r.value), adminOnly: true, members: knownStrings(r.allowedMemberTypes) });
            }
            for (const rra of (Array.isArray(p.requiredResourceAccesses) ? p.requiredResourceAccesses : [])) {
                const appId = typeof rra?.resourceAppId === "string" && !isUnknown(rra.resourceAppId) ? rra.resourceAppId.toLowerCase() : undefined;
                const target = appId ? this.resourceForAppId(appId) : { kind: "unknown" as const, label: "a resource not known yet" };
                for (const a of (Array.isArray(rra?.resourceAccesses) ? rra.resourceAccesses : [])) {
                    if (typeof a?.id !== "string" || isUnknown(a.id)) continue;
                    this.requests.push({ client: app, urn: app.registration.urn, resource: target, type: a.type === "Role" ? "application" : "delegated", id: a.id.toLowerCase() });
                }
            }
        }
    }

    private addApp(r: PolicyResource): void {
        const app: AppNode = { registration: r, names: [stripSuffix(r.name), r.name], label: stripSuffix(r.name), scopes: new Map(), roles: new Map(), tiers: new Map(), userConsent: false };
        this.apps.push(app);
        this.appByUrn.set(r.urn, app);
    }

    appOf(r: PolicyResource | undefined): AppNode | undefined {
        if (!r) return undefined;
        if (REGISTRATION_TYPES.includes(r.type as any)) return this.appByUrn.get(r.urn);
        if (r.type === T.servicePrincipal) return this.appOf(dependency(r, "clientId"));
        return undefined;
    }

    /** Who a grant or assignment approves: an app of the stack, an external app, a managed identity, or a literal object ID. */
    principal(r: PolicyResource, prop: string): Principal {
        const dep = dependency(r, prop);
        if (dep?.type === T.servicePrincipal) {
            const app = this.appOf(dep);
            if (app) return { kind: "app", app, resource: dep, label: app.label, names: app.names };
            const clientId = knownString(dep.props, "clientId")?.toLowerCase();
            return { kind: "external", resource: dep, clientId, label: stripSuffix(dep.name), names: [stripSuffix(dep.name), dep.name, ...(clientId ? [clientId] : [])] };
        }
        if (dep?.type === T.userAssignedIdentity) return { kind: "managed-identity", resource: dep, label: stripSuffix(dep.name), names: [stripSuffix(dep.name), dep.name] };
        const literal = knownString(r.props, prop)?.toLowerCase();
        return { kind: "unknown", label: literal ?? "an unknown principal", names: literal ? [literal] : [] };
    }

    /** A resource named by a literal appId: a Microsoft API of the catalog (our own apps' client IDs are outputs, linked by dependency). */
    resourceForAppId(appId: string): ResourceKey {
        const ms = this.catalog.resource(appId);
        return ms ? { kind: "microsoft", appId: ms.appId, name: ms.name, aliases: ms.aliases } : { kind: "unknown", label: appId };
    }

    private resourceByClientId(r: PolicyResource, prop: string): ResourceKey {
        const app = this.appOf(dependency(r, prop));
        if (app) return { kind: "app", app };
        const literal = knownString(r.props, prop)?.toLowerCase();
        return literal ? this.resourceForAppId(literal) : { kind: "unknown", label: "a resource not known yet" };
    }

    /**
     * The resource of a grant or assignment. A service principal of the stack links directly; otherwise it is
     * an object ID read from the tenant (a Microsoft API): find the catalog resource that has these permissions.
     */
    private resourceBySp(r: PolicyResource, prop: string, permissions: string[], type: PermissionType): ResourceKey {
        const app = this.appOf(dependency(r, prop));
        if (app) return { kind: "app", app };
        if (!permissions.length) return { kind: "unknown", label: "a resource not in this stack" };
        const has = (ps: CatalogPermission[]) => permissions.every(x => ps.some(p => p.type === type && (type === "application" ? p.id === x : p.value === x)));
        const candidates = this.catalog.resources.filter(res => has(res.permissions));
        const ms = candidates.find(c => c.appId === GRAPH_APP_ID) ?? candidates[0];
        return ms ? { kind: "microsoft", appId: ms.appId, name: ms.name, aliases: ms.aliases } : { kind: "unknown", label: "a resource not in this stack" };
    }

    /** Tier and names of one permission on a resource, by ID or value. */
    judge(resource: ResourceKey, type: PermissionType, idOrValue: string): Judgement {
        if (resource.kind === "app") {
            const pool = type === "delegated" ? resource.app.scopes : resource.app.roles;
            const exposed = pool.get(idOrValue.toLowerCase()) ?? [...pool.values()].find(p => p.value === idOrValue);
            const value = exposed?.value ?? idOrValue;
            if (!exposed) return { type, value, resourceName: resource.app.label, tier: null, effectiveTier: 0, source: "unknown" };
            const tier = resource.app.tiers.get(value) ?? 2;
            return { type, value, id: exposed.id, resourceName: resource.app.label, tier, effectiveTier: tier, source: "stack" };
        }
        const ms = resource.kind === "microsoft" ? this.catalog.resource(resource.appId) : undefined;
        const hit = ms?.permissions.find(p => p.type === type && (p.id === idOrValue.toLowerCase() || p.value === idOrValue))
            ?? this.catalog.permissionById(idOrValue, type)?.permission;
        if (!hit) return { type, value: idOrValue, resourceName: resource.kind === "microsoft" ? resource.name : resource.label, tier: null, effectiveTier: 0, source: "unknown" };
        return { type, value: hit.value, id: hit.id, resourceName: ms?.name ?? "Microsoft", tier: hit.tier, effectiveTier: effectiveTier(hit),
                 source: "catalog", alternative: LEAST_PRIVILEGE_ALTERNATIVES[hit.value] };
    }

    resourceNames(k: ResourceKey): string[] {
        return k.kind === "app" ? k.app.names : k.kind === "microsoft" ? [...k.aliases, k.appId, k.name] : [k.label];
    }

    resourceLabel(k: ResourceKey): string {
        return k.kind === "app" ? k.app.label : k.kind === "microsoft" ? (k.aliases[0] ?? k.name) : k.label;
    }
}

const cache = new WeakMap<PolicyResource[], StackConsent>();
/** One StackConsent per stack validation, shared by the stack policies. */
export function stackConsent(resources: PolicyResource[], catalog: PermissionCatalog): StackConsent {
    let s = cache.get(resources);
    if (!s) { s = new StackConsent(resources, catalog); cache.set(resources, s); }
    return s;
}
