/**
 * The consent picture of a stack, as policies see it: apps (registrations and their service principals), what each
 * requests, and the approvals (grants, app role assignments, pre-authorizations) with their client and resource.
 *
 * Parties are identified by the VALUES the program sends, matched against the outputs of the stack's resources
 * (stack policies see outputs, as the engine's AnalyzeStack gives them): a grant's resource is the service principal
 * whose objectId it names, that principal's clientId is an app of the stack or a Microsoft API of the catalog.
 * Property dependencies are only a hint, used when a value is not known yet (a first preview). A known value that
 * matches nothing is "unidentified": the policies fail closed on it. Nothing is inferred from permission names.
 */
import { PolicyResource } from "@pulumi/policy";
import {
    CatalogPermission,
    CatalogResource,
    classificationReason,
    effectiveTier,
    LEAST_PRIVILEGE_ALTERNATIVES,
    PermissionCatalog,
    PermissionType,
    Tier,
    TierSource,
} from "../../lib/catalog";
import { TIER_TAG, USER_CONSENT_TAG } from "../../lib/tags";
import { GRAPH_APP_ID } from "../../lib/ids";
import { dependency, isUnknown, knownString, knownStrings, raw } from "./props";
import { REGISTRATION_TYPES, T } from "../../lib/resource-types";
import { applyOverride, OverrideNote, TierOverrides } from "./tiers";

const TIER_TAG_PATTERN = new RegExp(`^${TIER_TAG}([012]):(.+)$`);

export interface Exposed {
    id: string;
    value: string;
    adminOnly: boolean;
    members: string[];
    resource?: PolicyResource;
}

export interface AppNode {
    registration: PolicyResource;
    sp?: PolicyResource;
    /** how approvals may name it: the app key of our components, resource names, client ID */
    names: string[];
    label: string;
    clientId?: string;
    scopes: Map<string, Exposed>;
    roles: Map<string, Exposed>;
    tiers: Map<string, Tier>;
    userConsent: boolean;
}

/**
 * What a reference resolves to. `pending`: its value is not known yet and nothing links it (a first preview), so it
 * is judged at the update; `unidentified`: its value is known but names nothing the pack can identify (fail closed).
 */
export type ResourceKey =
    | { kind: "app"; app: AppNode; byWiring?: boolean }
    | { kind: "microsoft"; appId: string; name: string; aliases: string[] }
    | { kind: "unidentified"; label: string; names: string[]; why: string }
    | { kind: "pending"; label: string };

export interface Principal {
    kind: "app" | "external" | "managed-identity" | "user" | "group" | "unidentified" | "pending";
    app?: AppNode;
    resource?: PolicyResource;
    clientId?: string;
    objectId?: string;
    label: string;
    names: string[];
    /** for unidentified principals: why the pack cannot tell who it is */
    why?: string;
}

export interface Judgement {
    type: PermissionType;
    value: string;
    id?: string;
    resourceName: string;
    /** null: neither in the catalog (for that API) nor defined in this stack */
    tier: Tier | null;
    /** the tier policies apply: unclassified and unidentified count as 0 */
    effectiveTier: Tier;
    source: "catalog" | "stack" | "unknown";
    alternative?: string;
    adminConsentRequired?: boolean;
    /** catalog permissions: what each classification source said, and why the tier is what it is */
    sources?: TierSource[];
    reason?: string;
    /** set when a tenant override of the security team decided the tier */
    override?: OverrideNote;
}

/** The tenant overrides a policy judges with, and the tenant the judged resource is deployed to. */
export interface TierContext {
    overrides: TierOverrides;
    tenant: string | undefined;
}

export interface Request {
    client: AppNode;
    urn: string;
    resource: ResourceKey;
    type: PermissionType;
    id?: string;
    value?: string;
}
/** `valuesPending` / `appRolePending`: the permission is not known before the write (it comes from another resource's outputs). */
export interface Grant {
    resource: PolicyResource;
    client: Principal;
    target: ResourceKey;
    values: string[];
    valuesPending: boolean;
    allPrincipals: boolean;
}
export interface Assignment {
    resource: PolicyResource;
    principal: Principal;
    target: ResourceKey;
    appRoleId?: string;
    appRolePending: boolean;
}
export interface PreAuthorization {
    resource: PolicyResource;
    api?: AppNode;
    apiPending: boolean;
    client?: AppNode;
    clientId?: string;
    permissionIds: string[];
}

/** An unknown value, or a list with one: a first preview's outputs of resources not created yet. */
const hasUnknown = (v: unknown): boolean => isUnknown(v) || (Array.isArray(v) && v.some(isUnknown));
const stripSuffix = (name: string) => name.replace(/-(registration|sp|identity)$/, "");
const lower = (s: string | undefined) => s?.toLowerCase();

export class StackConsent {
    readonly apps: AppNode[] = [];
    readonly requests: Request[] = [];
    readonly grants: Grant[] = [];
    readonly assignments: Assignment[] = [];
    readonly preAuthorizations: PreAuthorization[] = [];
    private readonly appByUrn = new Map<string, AppNode>();
    private readonly appByClientId = new Map<string, AppNode>();
    private readonly appByResourceId = new Map<string, AppNode>();
    /** principals by the object ID their resource outputs: service principals, managed identities, users, groups */
    private readonly byObjectId = new Map<string, PolicyResource>();
    /** service principals by their resource ID (`/servicePrincipals/{objectId}`), which credentials name */
    private readonly spByResourceId = new Map<string, PolicyResource>();
    private readonly appNames: Set<string>;

    constructor(
        readonly resources: PolicyResource[],
        readonly catalog: PermissionCatalog,
    ) {
        for (const r of resources.filter(x => REGISTRATION_TYPES.includes(x.type))) this.addApp(r);
        for (const sp of resources.filter(x => x.type === T.servicePrincipal)) {
            const id = lower(knownString(sp.props, "id"));
            if (id && !this.spByResourceId.has(id)) this.spByResourceId.set(id, sp);
        }
        for (const r of resources) {
            const objectId =
                r.type === T.userAssignedIdentity
                    ? knownString(r.props, "principalId")
                    : [T.servicePrincipal, T.user, T.group].includes(r.type as any)
                      ? knownString(r.props, "objectId")
                      : undefined;
            // The first registration wins, as for a duplicate URN: the engine would refuse the second anyway.
            if (objectId && !this.byObjectId.has(objectId.toLowerCase())) this.byObjectId.set(objectId.toLowerCase(), r);
        }
        for (const sp of resources.filter(x => x.type === T.servicePrincipal)) {
            const app = this.appOfServicePrincipal(sp);
            if (!app || app.sp) continue;
            app.sp = sp;
            app.names.push(sp.name);
            for (const tag of knownStrings(raw(sp.props).tags)) {
                const m = TIER_TAG_PATTERN.exec(tag);
                if (m) app.tiers.set(m[2], Number(m[1]) as Tier);
                if (tag === USER_CONSENT_TAG) app.userConsent = true;
            }
        }
        // every name an app registration goes by, complete now that service principals are linked (ownNames reads it)
        this.appNames = new Set(this.apps.flatMap(a => a.names));
        for (const r of resources) this.addConsent(r);
        for (const app of this.apps.filter(a => a.registration.type === T.application)) this.addInline(app);
    }

    private addApp(r: PolicyResource): void {
        const clientId = lower(knownString(r.props, "clientId"));
        const app: AppNode = {
            registration: r,
            names: [stripSuffix(r.name), r.name, ...(clientId ? [clientId] : [])],
            label: stripSuffix(r.name),
            clientId,
            scopes: new Map(),
            roles: new Map(),
            tiers: new Map(),
            userConsent: false,
        };
        this.apps.push(app);
        if (!this.appByUrn.has(r.urn)) this.appByUrn.set(r.urn, app);
        if (clientId && !this.appByClientId.has(clientId)) this.appByClientId.set(clientId, app);
        const id = lower(knownString(r.props, "id"));
        if (id && !this.appByResourceId.has(id)) this.appByResourceId.set(id, app);
    }

    private addConsent(r: PolicyResource): void {
        const p = raw(r.props);
        switch (r.type) {
            case T.scope:
            case T.appRole: {
                const app = this.appByApplicationId(r).app;
                const id = lower(knownString(r.props, r.type === T.scope ? "scopeId" : "roleId"));
                if (app && id) {
                    const exposed = {
                        id,
                        value: String(p.value ?? ""),
                        adminOnly: p.type !== "User",
                        members: knownStrings(p.allowedMemberTypes),
                        resource: r,
                    };
                    (r.type === T.scope ? app.scopes : app.roles).set(id, exposed);
                }
                break;
            }
            case T.apiAccess: {
                const client = this.appByApplicationId(r).app;
                if (!client) break;
                const target = this.resourceByClientId(r, "apiClientId");
                for (const id of knownStrings(p.scopeIds))
                    this.requests.push({ client, urn: r.urn, resource: target, type: "delegated", id: id.toLowerCase() });
                for (const id of knownStrings(p.roleIds))
                    this.requests.push({ client, urn: r.urn, resource: target, type: "application", id: id.toLowerCase() });
                break;
            }
            case T.grant:
                this.grants.push({
                    resource: r,
                    client: this.principal(r, "servicePrincipalObjectId"),
                    target: this.resourceByObjectId(r, "resourceServicePrincipalObjectId"),
                    values: knownStrings(p.claimValues),
                    valuesPending: hasUnknown(p.claimValues),
                    allPrincipals: p.userObjectId === undefined || p.userObjectId === null || p.userObjectId === "",
                });
                break;
            case T.assignment:
                this.assignments.push({
                    resource: r,
                    principal: this.principal(r, "principalObjectId"),
                    target: this.resourceByObjectId(r, "resourceObjectId"),
                    appRoleId: lower(knownString(r.props, "appRoleId")),
                    appRolePending: isUnknown(p.appRoleId),
                });
                break;
            case T.preAuthorized: {
                const api = this.appByApplicationId(r);
                const clientId = lower(knownString(r.props, "authorizedClientId"));
                const client = clientId ? this.appByClientId.get(clientId) : this.appOf(dependency(r, "authorizedClientId"));
                this.preAuthorizations.push({
                    resource: r,
                    api: api.app,
                    apiPending: api.pending,
                    client,
                    clientId,
                    permissionIds: knownStrings(p.permissionIds).map(s => s.toLowerCase()),
                });
                break;
            }
        }
    }

    /** Inline declarations of `azuread.Application` (raw programs). */
    private addInline(app: AppNode): void {
        const p = raw(app.registration.props);
        for (const s of Array.isArray(p.api?.oauth2PermissionScopes) ? p.api.oauth2PermissionScopes : []) {
            if (typeof s?.id === "string" && !isUnknown(s.id))
                app.scopes.set(s.id.toLowerCase(), {
                    id: s.id.toLowerCase(),
                    value: String(s.value),
                    adminOnly: s.type !== "User",
                    members: [],
                    resource: app.registration,
                });
        }
        for (const r of Array.isArray(p.appRoles) ? p.appRoles : []) {
            if (typeof r?.id === "string" && !isUnknown(r.id))
                app.roles.set(r.id.toLowerCase(), {
                    id: r.id.toLowerCase(),
                    value: String(r.value),
                    adminOnly: true,
                    members: knownStrings(r.allowedMemberTypes),
                    resource: app.registration,
                });
        }
        for (const rra of Array.isArray(p.requiredResourceAccesses) ? p.requiredResourceAccesses : []) {
            const appId = typeof rra?.resourceAppId === "string" && !isUnknown(rra.resourceAppId) ? rra.resourceAppId.toLowerCase() : undefined;
            const target: ResourceKey = appId ? this.resourceForClientId(appId) : { kind: "pending", label: "a resource not known yet" };
            for (const a of Array.isArray(rra?.resourceAccesses) ? rra.resourceAccesses : []) {
                if (typeof a?.id !== "string" || isUnknown(a.id)) continue;
                this.requests.push({
                    client: app,
                    urn: app.registration.urn,
                    resource: target,
                    type: a.type === "Role" ? "application" : "delegated",
                    id: a.id.toLowerCase(),
                });
            }
        }
    }

    appOf(r: PolicyResource | undefined): AppNode | undefined {
        if (!r) return undefined;
        if (REGISTRATION_TYPES.includes(r.type)) return this.appByUrn.get(r.urn);
        if (r.type === T.servicePrincipal) return this.appOfServicePrincipal(r);
        return undefined;
    }

    /** The app registration of a service principal: by the clientId it names, or by dependency while that is unknown. */
    private appOfServicePrincipal(sp: PolicyResource): AppNode | undefined {
        const clientId = lower(knownString(sp.props, "clientId"));
        if (clientId) return this.appByClientId.get(clientId);
        const dep = dependency(sp, "clientId");
        return dep && REGISTRATION_TYPES.includes(dep.type) ? this.appByUrn.get(dep.urn) : undefined;
    }

    /** The registration a sub-resource's `applicationId` names (`/applications/{objectId}`). */
    appByApplicationId(r: PolicyResource): { app?: AppNode; pending: boolean } {
        const id = lower(knownString(r.props, "applicationId"));
        if (id) return { app: this.appByResourceId.get(id), pending: false };
        const dep = dependency(r, "applicationId");
        return { app: dep && REGISTRATION_TYPES.includes(dep.type) ? this.appByUrn.get(dep.urn) : undefined, pending: true };
    }

    /** The resource a principal-holding property names: its value first, the dependency only while the value is unknown. */
    private named(r: PolicyResource, prop: string): { node?: PolicyResource; literal?: string; pending: boolean } {
        const literal = lower(knownString(r.props, prop));
        if (literal) return { node: this.byObjectId.get(literal), literal, pending: false };
        return { node: dependency(r, prop), pending: true };
    }

    /** Who a grant, assignment or role assignment approves, by the object ID it names. */
    principal(r: PolicyResource, prop: string): Principal {
        const { node, literal, pending } = this.named(r, prop);
        if (node?.type === T.servicePrincipal) {
            const app = this.appOfServicePrincipal(node);
            if (app) return { kind: "app", app, resource: node, clientId: app.clientId, objectId: literal, label: app.label, names: app.names };
            const clientId = lower(knownString(node.props, "clientId"));
            return {
                kind: "external",
                resource: node,
                clientId,
                objectId: literal,
                label: stripSuffix(node.name),
                names: [...this.ownNames(node), ...(clientId ? [clientId] : [])],
            };
        }
        const kinds: Record<string, Principal["kind"]> = { [T.userAssignedIdentity]: "managed-identity", [T.user]: "user", [T.group]: "group" };
        if (node && kinds[node.type])
            return {
                kind: kinds[node.type],
                resource: node,
                objectId: literal,
                label: stripSuffix(node.name),
                names: [...this.ownNames(node), ...(literal ? [literal] : [])],
            };
        // Not known before the write and not wired from a principal: nothing can judge it before it exists (the engine
        // judges the stack on its final outputs, after the steps), so it fails closed in the preview too.
        if (pending) return { kind: "unidentified", label: "a principal not known before the write", names: [], why: notKnownBeforeWrite(node) };
        return {
            kind: "unidentified",
            objectId: literal,
            label: literal ?? "an unknown principal",
            names: literal ? [literal] : [],
            why: `object ID ${literal} is not the objectId of any service principal, managed identity, user or group of this stack`,
        };
    }

    /**
     * The names an approval may use for a principal that is not an app registration of the stack (`partner-sync`,
     * `partner-sync-sp`), except those an app of the stack goes by: its approvals must never cover another principal.
     */
    private ownNames(node: PolicyResource): string[] {
        return [stripSuffix(node.name), node.name].filter(n => !this.appNames.has(n));
    }

    /** The service principal a credential's `servicePrincipalId` names (its resource ID), by value, else by dependency. */
    servicePrincipalByResourceId(r: PolicyResource, prop: string): { sp?: PolicyResource; pending: boolean } {
        const id = lower(knownString(r.props, prop));
        if (id) return { sp: this.spByResourceId.get(id), pending: false };
        const dep = dependency(r, prop);
        return { sp: dep?.type === T.servicePrincipal ? dep : undefined, pending: true };
    }

    /** The resource API of a grant or assignment: the service principal whose objectId it names, then that principal's app. */
    private resourceByObjectId(r: PolicyResource, prop: string): ResourceKey {
        const { node, literal, pending } = this.named(r, prop);
        if (node?.type === T.servicePrincipal) {
            const app = this.appOfServicePrincipal(node);
            // known by wiring only (a preview): the value may still turn out to be another API's at the write
            if (app) return pending ? { kind: "app", app, byWiring: true } : { kind: "app", app };
            const clientId = lower(knownString(node.props, "clientId"));
            if (clientId) return this.resourceForClientId(clientId, node);
            return {
                kind: "unidentified",
                label: node.name,
                names: [node.name],
                why: `the service principal ${node.name} names no client ID the pack can read before the write`,
            };
        }
        if (pending) return { kind: "unidentified", label: "a resource not known before the write", names: [], why: notKnownBeforeWrite(node) };
        return {
            kind: "unidentified",
            label: literal ?? "an unknown resource",
            names: literal ? [literal] : [],
            why: node
                ? `object ID ${literal} is a ${node.type.split(":").pop()}, not a service principal`
                : `object ID ${literal} is not the objectId of any service principal of this stack (declare the API's service principal, e.g. ` +
                  `new azuread.ServicePrincipal(name, { clientId: <appId>, useExisting: true }, { retainOnDelete: true }), and pass its objectId)`,
        };
    }

    private resourceByClientId(r: PolicyResource, prop: string): ResourceKey {
        const literal = lower(knownString(r.props, prop));
        if (literal) return this.resourceForClientId(literal);
        const app = this.appOf(dependency(r, prop));
        return app ? { kind: "app", app } : { kind: "pending", label: "a resource not known yet" };
    }

    /** A resource API by client ID (appId): an app of this stack, or a Microsoft API of the catalog. */
    resourceForClientId(appId: string, sp?: PolicyResource): ResourceKey {
        const app = this.appByClientId.get(appId.toLowerCase());
        if (app) return { kind: "app", app };
        const ms = this.catalog.resource(appId.toLowerCase());
        if (ms && ms.appId.toLowerCase() === appId.toLowerCase()) return microsoft(ms);
        const label = sp ? stripSuffix(sp.name) : appId;
        return {
            kind: "unidentified",
            label,
            names: [label, appId],
            why: `client ID ${appId} is neither an app of this stack nor a Microsoft API in the catalog`,
        };
    }

    /**
     * Tier and names of one permission on one resource, by ID or value: only that resource's permissions count. With
     * `tiers`, an override of the security team for the resource's tenant decides a catalog permission's tier.
     */
    judge(resource: ResourceKey, type: PermissionType, idOrValue: string, tiers?: TierContext): Judgement {
        if (resource.kind === "app") {
            const pool = type === "delegated" ? resource.app.scopes : resource.app.roles;
            const exposed = pool.get(idOrValue.toLowerCase()) ?? [...pool.values()].find(p => p.value === idOrValue);
            const value = exposed?.value ?? idOrValue;
            if (!exposed) return { type, value, resourceName: resource.app.label, tier: null, effectiveTier: 0, source: "unknown" };
            const owned = resource.app.tiers.get(value) ?? 2;
            // An API of the stack that reuses a Microsoft permission's GUID is judged at least as strictly as that
            // permission: a decoy role must not lend Graph's GUID a harmless tier (in a preview, wiring is all there is).
            // Known by wiring only, a scope is also judged as any Microsoft scope of the same name: the grant names
            // scopes by value, and the same value on Microsoft Graph would be granted if the wiring was a decoy.
            const borrowed = [
                ...microsoftPermissions(this.catalog, type, exposed.id),
                ...(resource.byWiring === true && type === "delegated" ? microsoftPermissions(this.catalog, type, exposed.value) : []),
            ];
            const tier = Math.min(owned, ...borrowed.map(effectiveTier)) as Tier;
            const twin = borrowed.find(p => effectiveTier(p) === tier);
            const reason =
                tier < owned
                    ? twin!.id === exposed.id
                        ? `its GUID is the Microsoft permission ${twin!.value}'s, so it is judged as that`
                        : `before the write the API is known only by wiring, and Microsoft's ${twin!.value} has this name, so it is judged as that`
                    : undefined;
            return {
                type,
                value,
                id: exposed.id,
                resourceName: resource.app.label,
                tier,
                effectiveTier: tier,
                source: "stack",
                adminConsentRequired: exposed.adminOnly,
                ...(reason ? { reason } : {}),
            };
        }
        if (resource.kind !== "microsoft") return { type, value: idOrValue, resourceName: resource.label, tier: null, effectiveTier: 0, source: "unknown" };
        const ms = this.catalog.resource(resource.appId)!;
        const hit = ms.permissions.find(p => p.type === type && (p.id === idOrValue.toLowerCase() || p.value === idOrValue));
        if (!hit) return { type, value: idOrValue, resourceName: ms.name, tier: null, effectiveTier: 0, source: "unknown" };
        const reason = classificationReason(hit);
        return applyOverride<Judgement>(
            {
                type,
                value: hit.value,
                id: hit.id,
                resourceName: ms.name,
                tier: hit.tier,
                effectiveTier: effectiveTier(hit),
                source: "catalog",
                alternative: ms.appId === GRAPH_APP_ID ? LEAST_PRIVILEGE_ALTERNATIVES[hit.value] : undefined,
                adminConsentRequired: hit.adminConsentRequired,
                sources: hit.sources,
                ...(reason ? { reason } : {}),
            },
            tiers?.overrides.find(ms, hit, tiers.tenant),
        );
    }

    resourceNames(k: ResourceKey): string[] {
        return k.kind === "app" ? k.app.names : k.kind === "microsoft" ? [...k.aliases, k.appId, k.name] : k.kind === "unidentified" ? k.names : [k.label];
    }

    resourceLabel(k: ResourceKey): string {
        return k.kind === "app" ? k.app.label : k.kind === "microsoft" ? (k.aliases[0] ?? k.name) : k.label;
    }

    /** Every name an approval's client may use in this stack (for did-you-mean). */
    clientNames(): string[] {
        const names = new Set<string>();
        for (const a of this.apps) a.names.forEach(n => names.add(n));
        for (const r of this.byObjectId.values()) {
            names.add(stripSuffix(r.name));
            names.add(r.name);
        }
        return [...names];
    }
}

function microsoft(ms: CatalogResource): ResourceKey {
    return { kind: "microsoft", appId: ms.appId, name: ms.name, aliases: ms.aliases };
}

const permissionIndex = new WeakMap<PermissionCatalog, Map<string, CatalogPermission[]>>();
/** Microsoft permissions of a type by GUID or value, on any API of the catalog (indexed once per catalog). */
function microsoftPermissions(catalog: PermissionCatalog, type: PermissionType, idOrValue: string): CatalogPermission[] {
    let index = permissionIndex.get(catalog);
    if (!index) {
        index = new Map();
        for (const p of catalog.resources.flatMap(r => r.permissions)) {
            for (const k of [`${p.type}|${p.id}`, `${p.type}|${p.value}`]) index.set(k, [...(index.get(k) ?? []), p]);
        }
        permissionIndex.set(catalog, index);
    }
    return index.get(`${type}|${idOrValue}`) ?? [];
}

function notKnownBeforeWrite(node: PolicyResource | undefined): string {
    return `its object ID is not known before the write and ${node ? `comes from ${node.name} (${node.type.split(":").pop()}), not from a service principal` : "is wired from no resource"}`;
}

/** Whether a reference names something the pack can judge now (not pending, not unidentified). */
export const identified = (k: ResourceKey | Principal): boolean => k.kind !== "pending" && k.kind !== "unidentified";

const cache = new WeakMap<PolicyResource[], StackConsent>();
/** One StackConsent per stack validation, shared by the stack policies. */
export function stackConsent(resources: PolicyResource[], catalog: PermissionCatalog): StackConsent {
    let s = cache.get(resources);
    if (!s) {
        s = new StackConsent(resources, catalog);
        cache.set(resources, s);
    }
    return s;
}
