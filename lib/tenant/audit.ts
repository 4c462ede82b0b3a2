/**
 * Audit: what a tenant (its export) grants compared with what one stack declares. Pure: export + model + catalog in,
 * findings out. Everything is indexed by ID once, so 10,000 service principals and 50,000 assignments take well under a second.
 */
import { CatalogPermission, CatalogResource, effectiveTier, PermissionCatalog, PermissionType, Tier } from "../catalog";
import { GRAPH_APP_ID } from "../ids";
import { AppModel, ConsentModel, ResourceRef, resourceKey, UserConsentSetting } from "../model";
import { GraphServicePrincipal, TenantExport } from "./export";

export type FindingKind = "outside-code" | "extra-permissions" | "privileged" | "disabled" | "expiring-credential" | "consent-settings";
export const FINDING_KINDS: FindingKind[] = ["outside-code", "extra-permissions", "privileged", "disabled", "expiring-credential", "consent-settings"];

export interface Finding {
    kind: FindingKind;
    /** the stack's app key when the client is a stack app, else the service principal's display name */
    client: string | null;
    clientAppId?: string;
    resource: string | null;
    resourceAppId?: string;
    permissions: string[];
    type: PermissionType | null;
    /** the most privileged tier among `permissions` (catalog resources only; unknown Microsoft permissions count as 0); null: not judged */
    tier: Tier | null;
    consentType?: "AllPrincipals" | "Principal";
    /** whether the stack declares this grant or assignment (privileged findings) */
    inCode?: boolean;
    detail: string;
}

export interface AuditResult {
    stack: string;
    tenant: {
        id: string;
        name: string;
        exportedAt: string;
        servicePrincipals: number;
        grants: number;
        appRoleAssignments: number;
        userConsent: string;
        adminConsentRequests: "enabled" | "disabled" | "unknown";
    };
    findings: Finding[];
    summary: Record<FindingKind, number> & { tier0OutsideCode: number; unmatchedApps: string[]; appsMatchedByName: string[] };
}

export interface AuditOptions {
    stack: string;
    /** the deployed stack's client IDs (`pulumi stack output clientIds`): exact matching of the apps this stack registers */
    clientIds?: Record<string, string>;
    now?: Date;
    /** days before a credential's end that it counts as expiring */
    expiryDays?: number;
}

const DEFAULT_ACCESS_ROLE = "00000000-0000-0000-0000-000000000000";
const DAY_MS = 86_400_000;
const lower = (s: string) => s.toLowerCase();
export const splitScopes = (scope: string): string[] => scope.split(/\s+/).filter(Boolean);

/** The tenant's objects, indexed once. */
export class TenantIndex {
    readonly spById = new Map<string, GraphServicePrincipal>();
    readonly spByAppId = new Map<string, GraphServicePrincipal>();
    private readonly spByName = new Map<string, GraphServicePrincipal[]>();
    private readonly appsByName = new Map<string, string[]>();

    constructor(readonly data: TenantExport) {
        for (const sp of data.servicePrincipals) {
            this.spById.set(lower(sp.id), sp);
            this.spByAppId.set(lower(sp.appId), sp);
            const name = sp.displayName ?? "";
            const list = this.spByName.get(name) ?? [];
            list.push(sp);
            this.spByName.set(name, list);
        }
        for (const app of data.applications) {
            const list = this.appsByName.get(app.displayName ?? "") ?? [];
            list.push(lower(app.appId));
            this.appsByName.set(app.displayName ?? "", list);
        }
    }

    /** The one app registration of this tenant with that display name; undefined when none or several (ambiguous). */
    appIdByDisplayName(name: string): { appId?: string; reason?: string } {
        const ids = this.appsByName.get(name) ?? [];
        if (ids.length === 1) return { appId: ids[0] };
        return { reason: ids.length ? `${ids.length} app registrations are named "${name}"` : `no app registration is named "${name}"` };
    }

    managedIdentityByName(name: string): GraphServicePrincipal | undefined {
        const list = (this.spByName.get(name) ?? []).filter(sp => sp.servicePrincipalType === "ManagedIdentity");
        return list.length === 1 ? list[0] : undefined;
    }

    label(sp: GraphServicePrincipal | undefined, fallbackId: string): string {
        return sp ? sp.displayName || sp.appId : `unknown service principal ${fallbackId}`;
    }
}

/** Where the stack's apps are in the tenant: service principal object ID per app key. */
export function matchStackApps(
    model: ConsentModel,
    index: TenantIndex,
    clientIds: Record<string, string> = {},
): { spIdByKey: Map<string, string>; unmatched: string[]; byName: string[] } {
    const spIdByKey = new Map<string, string>();
    const unmatched: string[] = [];
    const byName: string[] = [];
    for (const app of model.apps) {
        const r = findApp(app, index, clientIds);
        if (r.sp) spIdByKey.set(app.key, lower(r.sp.id));
        else unmatched.push(`${app.key}: ${r.reason}`);
        if (r.sp && r.byName) byName.push(app.key);
    }
    return { spIdByKey, unmatched, byName };
}

/**
 * byName: matched by display name or managed identity name only. Anyone who can register an app in the tenant can
 * take a name, so reports show these (--outputs matches by client ID instead).
 */
function findApp(app: AppModel, index: TenantIndex, clientIds: Record<string, string>): { sp?: GraphServicePrincipal; reason?: string; byName?: true } {
    const byAppId = (appId: string, how: string) => {
        const sp = index.spByAppId.get(lower(appId));
        return sp ? { sp } : { reason: `no service principal has appId ${appId} (${how})` };
    };
    if (app.externalAppId) return byAppId(app.externalAppId, "its appId");
    if (clientIds[app.key]) return byAppId(clientIds[app.key], "from --outputs clientIds");
    if (app.managedIdentity) {
        if ("principalId" in app.managedIdentity) {
            const sp = index.spById.get(app.managedIdentity.principalId);
            return sp ? { sp } : { reason: `no service principal has object ID ${app.managedIdentity.principalId}` };
        }
        const sp = index.managedIdentityByName(app.managedIdentity.name);
        return sp ? { sp, byName: true } : { reason: `no single managed identity is named "${app.managedIdentity.name}"` };
    }
    const found = index.appIdByDisplayName(app.displayName);
    if (!found.appId) return { reason: `${found.reason} (pass --outputs for exact client IDs)` };
    return { ...byAppId(found.appId, `the app named "${app.displayName}"`), byName: true };
}

/** Tiers are judged against the catalog entry of the resource's appId only: an own API's GUIDs never pass as Graph's. */
class Tiers {
    private readonly cache = new Map<string, Map<string, CatalogPermission> | null>();
    constructor(private readonly catalog: PermissionCatalog) {}

    private byKey(resourceAppId: string): Map<string, CatalogPermission> | null {
        const key = lower(resourceAppId);
        let m = this.cache.get(key);
        if (m === undefined) {
            const r: CatalogResource | undefined = this.catalog.resource(key);
            m = r
                ? new Map(
                      r.permissions.flatMap(
                          p =>
                              [
                                  [`${p.type}|v|${p.value}`, p],
                                  [`${p.type}|i|${p.id}`, p],
                              ] as [string, CatalogPermission][],
                      ),
                  )
                : null;
            this.cache.set(key, m);
        }
        return m;
    }

    /** null: not a catalog resource (not judged). A permission the catalog does not know on a catalog resource is tier 0 (fail closed). */
    tier(resourceAppId: string, type: PermissionType, value: string, id?: string): Tier | null {
        const m = this.byKey(resourceAppId);
        if (!m) return null;
        const p = (id && m.get(`${type}|i|${lower(id)}`)) || m.get(`${type}|v|${value}`);
        return p ? effectiveTier(p) : 0;
    }
}

const minTier = (tiers: (Tier | null)[]): Tier | null => {
    const known = tiers.filter((t): t is Tier => t !== null);
    return known.length ? (Math.min(...known) as Tier) : null;
};

/** What the stack declares, in the tenant's IDs. */
interface Declared {
    /** `${client}|${resource}|${consentType}` -> scope values */
    grants: Map<string, Set<string>>;
    /** `${client}|${resource}|${appRoleId}` */
    assignments: Set<string>;
    /** service principal IDs the stack relies on -> the app key or resource label */
    reliesOn: Map<string, string>;
}

function declared(model: ConsentModel, index: TenantIndex, spIdByKey: Map<string, string>): Declared {
    const out: Declared = { grants: new Map(), assignments: new Set(), reliesOn: new Map() };
    const resourceSp = (ref: ResourceRef): string | undefined =>
        ref.kind === "app" ? spIdByKey.get(ref.key) : index.spByAppId.get(lower(ref.appId))?.id.toLowerCase();
    for (const app of model.apps) {
        const client = spIdByKey.get(app.key);
        if (client) out.reliesOn.set(client, app.key);
        for (const r of [...app.delegated, ...app.application]) {
            const res = resourceSp(r.resource);
            if (res) out.reliesOn.set(res, r.resource.label);
        }
        if (!client) continue;
        for (const r of app.delegated) {
            const res = resourceSp(r.resource);
            if (!res) continue;
            // consent: admin -> one tenant-wide grant; consent: user -> each user's own grant within these scopes
            const key = `${client}|${res}|${app.consent === "admin" ? "AllPrincipals" : "Principal"}`;
            out.grants.set(key, new Set(r.permissions.map(p => p.value)));
        }
        for (const r of app.application) {
            const res = resourceSp(r.resource);
            if (!res) continue;
            const roles = index.spById.get(res)?.appRoles ?? [];
            for (const p of r.permissions) {
                // an API that existed before this stack may carry other role IDs than the derived ones: match by value there
                const role = roles.find(x => x.value === p.value) ?? roles.find(x => lower(x.id) === p.id);
                out.assignments.add(`${client}|${res}|${lower(role?.id ?? p.id)}`);
            }
        }
    }
    return out;
}

/** The tenant's consent settings as the stack models them (tenant.userConsent), from the authorization policy. */
export function userConsentOf(assigned: string[]): { setting: UserConsentSetting | "custom"; policies: string[] } {
    // Only ManagePermissionGrantsForSelf.* governs users consenting for themselves; ...ForOwnedResource.* is group/team owners.
    const self = assigned.filter(p => p.startsWith("ManagePermissionGrantsForSelf.")).map(p => p.slice("ManagePermissionGrantsForSelf.".length));
    if (!self.length) return { setting: "none", policies: self };
    if (self.length === 1 && self[0] === "microsoft-user-default-low") return { setting: "low-risk", policies: self };
    if (self.length === 1 && self[0] === "microsoft-user-default-legacy") return { setting: "all", policies: self };
    // "Let Microsoft manage your consent settings" assigns microsoft-user-default-recommended: the schema's microsoft-managed
    // (data/user-consent-policies.json lists what that policy excludes).
    if (self.length === 1 && self[0] === "microsoft-user-default-recommended") return { setting: "microsoft-managed", policies: self };
    return { setting: "custom", policies: self };
}

/** What every finding rule reads: the tenant indexed, tiers, what the stack declares, and who each service principal is. */
interface AuditContext {
    index: TenantIndex;
    tiers: Tiers;
    decl: Declared;
    /** service principal ID -> the stack's app key */
    keyBySp: Map<string, string>;
}

/** A service principal as findings name it: the stack's app key, else its display name. */
function who(ctx: AuditContext, spId: string): { name: string; appId?: string } {
    const sp = ctx.index.spById.get(lower(spId));
    return { name: ctx.keyBySp.get(lower(spId)) ?? ctx.index.label(sp, spId), appId: sp?.appId };
}

/** Delegated grants: outside code, scopes beyond code, privileged scopes (in code or not). */
function grantFindings(data: TenantExport, ctx: AuditContext): Finding[] {
    const findings: Finding[] = [];
    for (const g of data.oauth2PermissionGrants) {
        const client = who(ctx, g.clientId),
            resourceSp = ctx.index.spById.get(lower(g.resourceId)),
            resource = who(ctx, g.resourceId);
        const scopes = splitScopes(g.scope);
        if (!scopes.length) continue; // an empty grant grants nothing
        const tierOf = (values: string[]) => minTier(values.map(v => (resourceSp ? ctx.tiers.tier(resourceSp.appId, "delegated", v) : null)));
        const base = {
            client: client.name,
            clientAppId: client.appId,
            resource: resource.name,
            resourceAppId: resource.appId,
            type: "delegated" as const,
            consentType: g.consentType,
        };
        const want = ctx.decl.grants.get(`${lower(g.clientId)}|${lower(g.resourceId)}|${g.consentType}`);
        const who1 = g.consentType === "Principal" ? `one user (${g.principalId}) consented to` : "tenant-wide consent to";
        if (!want) {
            findings.push({
                kind: "outside-code",
                ...base,
                permissions: scopes,
                tier: tierOf(scopes),
                detail: `${who1} ${scopes.join(" ")}, which no stack declares`,
            });
        } else {
            const extra = scopes.filter(s => !want.has(s));
            if (extra.length)
                findings.push({
                    kind: "extra-permissions",
                    ...base,
                    permissions: extra,
                    tier: tierOf(extra),
                    detail: `the grant holds ${extra.join(" ")} beyond what code declares (${[...want].join(" ")}), e.g. from a portal "Grant admin consent"`,
                });
        }
        const privileged = scopes.filter(s => {
            const t = resourceSp ? ctx.tiers.tier(resourceSp.appId, "delegated", s) : null;
            return t !== null && t <= 1;
        });
        if (privileged.length)
            findings.push({
                kind: "privileged",
                ...base,
                permissions: privileged,
                tier: tierOf(privileged),
                inCode: !!want && privileged.every(s => want.has(s)),
                detail: `${who1} ${privileged.join(" ")}`,
            });
    }
    return findings;
}

/** One client's app role assignments on one resource: those outside code, those privileged. */
interface AssignmentGroup {
    client: string;
    resource: string;
    outside: string[];
    privileged: string[];
    privilegedInCode: boolean;
    tiers: (Tier | null)[];
    pTiers: (Tier | null)[];
}

/** Application permissions: assignments to service principals (users and groups assigned to app roles are not consent). */
function assignmentGroups(data: TenantExport, ctx: AuditContext): Map<string, AssignmentGroup> {
    const groups = new Map<string, AssignmentGroup>();
    for (const a of data.appRoleAssignments) {
        if (a.principalType && a.principalType !== "ServicePrincipal") continue;
        const resourceSp = ctx.index.spById.get(lower(a.resourceId));
        if (lower(a.appRoleId) === DEFAULT_ACCESS_ROLE) continue; // default access: no role claim, no permission
        const value = resourceSp?.appRoles?.find(r => lower(r.id) === lower(a.appRoleId))?.value ?? a.appRoleId;
        const tier = resourceSp ? ctx.tiers.tier(resourceSp.appId, "application", value, a.appRoleId) : null;
        const inCode = ctx.decl.assignments.has(`${lower(a.principalId)}|${lower(a.resourceId)}|${lower(a.appRoleId)}`);
        const key = `${lower(a.principalId)}|${lower(a.resourceId)}`;
        let e = groups.get(key);
        if (!e) {
            e = { client: a.principalId, resource: a.resourceId, outside: [], privileged: [], privilegedInCode: true, tiers: [], pTiers: [] };
            groups.set(key, e);
        }
        if (!inCode) {
            e.outside.push(value);
            e.tiers.push(tier);
        }
        if (tier !== null && tier <= 1) {
            e.privileged.push(value);
            e.pTiers.push(tier);
            e.privilegedInCode &&= inCode;
        }
    }
    return groups;
}

function assignmentFindings(data: TenantExport, ctx: AuditContext): Finding[] {
    const findings: Finding[] = [];
    for (const e of assignmentGroups(data, ctx).values()) {
        const client = who(ctx, e.client),
            resource = who(ctx, e.resource);
        const base = { client: client.name, clientAppId: client.appId, resource: resource.name, resourceAppId: resource.appId, type: "application" as const };
        if (e.outside.length)
            findings.push({
                kind: "outside-code",
                ...base,
                permissions: e.outside,
                tier: minTier(e.tiers),
                detail: `app role assignments ${e.outside.join(", ")}, which no stack declares`,
            });
        if (e.privileged.length)
            findings.push({
                kind: "privileged",
                ...base,
                permissions: e.privileged,
                tier: minTier(e.pTiers),
                inCode: e.privilegedInCode,
                detail: `holds ${e.privileged.join(", ")}`,
            });
    }
    return findings;
}

/** Service principals the stack relies on (its apps, their resources) that are disabled. */
function disabledFindings(ctx: AuditContext): Finding[] {
    const findings: Finding[] = [];
    for (const [spId, label] of ctx.decl.reliesOn) {
        const sp = ctx.index.spById.get(spId);
        const own = ctx.keyBySp.has(spId);
        if (sp?.accountEnabled === false)
            findings.push({
                kind: "disabled",
                client: ctx.keyBySp.get(spId) ?? null,
                clientAppId: sp.appId,
                resource: own ? null : label,
                resourceAppId: own ? undefined : sp.appId,
                permissions: [],
                type: null,
                tier: null,
                detail: `${ctx.index.label(sp, spId)} is disabled (accountEnabled false): no token is issued ${own ? "to" : "for"} it`,
            });
    }
    return findings;
}

/** The report's order: by kind (FINDING_KINDS), then most privileged first (not judged last), then client and resource. Sorts in place. */
export function sortFindings(findings: Finding[]): Finding[] {
    const rank: Record<FindingKind, number> = Object.fromEntries(FINDING_KINDS.map((k, i) => [k, i])) as Record<FindingKind, number>;
    const tierRank = (t: Tier | null) => (t === null ? 3 : t);
    return findings.sort(
        (a, b) =>
            rank[a.kind] - rank[b.kind] ||
            tierRank(a.tier) - tierRank(b.tier) ||
            String(a.client).localeCompare(String(b.client)) ||
            String(a.resource).localeCompare(String(b.resource)),
    );
}

function summaryOf(findings: Finding[], unmatched: string[], byName: string[]): AuditResult["summary"] {
    const summary = Object.fromEntries(FINDING_KINDS.map(k => [k, findings.filter(f => f.kind === k).length])) as unknown as AuditResult["summary"];
    summary.tier0OutsideCode = findings.filter(isTier0OutsideCode).length;
    summary.unmatchedApps = unmatched;
    summary.appsMatchedByName = byName;
    return summary;
}

function tenantOf(data: TenantExport, model: ConsentModel): AuditResult["tenant"] {
    const assigned = data.authorizationPolicy?.defaultUserRolePermissions.permissionGrantPoliciesAssigned;
    return {
        id: data.tenantId,
        name: model.tenant.name,
        exportedAt: data.exportedAt,
        servicePrincipals: data.servicePrincipals.length,
        grants: data.oauth2PermissionGrants.length,
        appRoleAssignments: data.appRoleAssignments.length,
        userConsent: assigned ? userConsentOf(assigned).setting : "unknown",
        adminConsentRequests: data.adminConsentRequestPolicy ? (data.adminConsentRequestPolicy.isEnabled ? "enabled" : "disabled") : "unknown",
    };
}

export function audit(data: TenantExport, model: ConsentModel, catalog: PermissionCatalog, opts: AuditOptions): AuditResult {
    const index = new TenantIndex(data);
    const { spIdByKey, unmatched, byName } = matchStackApps(model, index, opts.clientIds);
    const ctx: AuditContext = {
        index,
        tiers: new Tiers(catalog),
        decl: declared(model, index, spIdByKey),
        keyBySp: new Map([...spIdByKey].map(([k, v]) => [v, k])),
    };
    const findings = sortFindings([
        ...grantFindings(data, ctx),
        ...assignmentFindings(data, ctx),
        ...disabledFindings(ctx),
        ...expiringCredentials(model, index, spIdByKey, opts),
        ...consentSettings(model, data, index, spIdByKey),
    ]);
    return { stack: opts.stack, tenant: tenantOf(data, model), findings, summary: summaryOf(findings, unmatched, byName) };
}

/** Exit 1 material: a tier-0 permission the tenant holds outside code (a grant no stack declares, or scopes beyond it). */
export const isTier0OutsideCode = (f: Finding): boolean => (f.kind === "outside-code" || f.kind === "extra-permissions") && f.tier === 0;

export function auditExitCode(r: AuditResult): 0 | 1 {
    return r.summary.tier0OutsideCode > 0 ? 1 : 0;
}

function expiringCredentials(model: ConsentModel, index: TenantIndex, spIdByKey: Map<string, string>, opts: AuditOptions): Finding[] {
    const now = (opts.now ?? new Date()).getTime();
    const limit = now + (opts.expiryDays ?? 30) * DAY_MS;
    const appByAppId = new Map(index.data.applications.map(a => [lower(a.appId), a]));
    const out: Finding[] = [];
    for (const app of model.apps) {
        const spId = spIdByKey.get(app.key);
        const sp = spId ? index.spById.get(spId) : undefined;
        if (!sp) continue;
        const registration = appByAppId.get(lower(sp.appId)); // only apps registered in this tenant have one here
        const creds = [
            ...(registration?.passwordCredentials ?? []).map(c => ({ c, what: "client secret" })),
            ...(registration?.keyCredentials ?? []).map(c => ({ c, what: "certificate" })),
            ...(sp.passwordCredentials ?? []).map(c => ({ c, what: "service principal secret" })),
            ...(sp.keyCredentials ?? []).map(c => ({ c, what: "service principal certificate" })),
        ];
        for (const { c, what } of creds) {
            if (!c.endDateTime) continue;
            const end = Date.parse(c.endDateTime);
            if (end > limit) continue;
            const days = Math.ceil((end - now) / DAY_MS);
            out.push({
                kind: "expiring-credential",
                client: app.key,
                clientAppId: sp.appId,
                resource: null,
                permissions: [],
                type: null,
                tier: null,
                detail: `${what} "${c.displayName ?? c.keyId}" (${c.keyId}) ${end <= now ? `expired on ${c.endDateTime}` : `expires on ${c.endDateTime}, in ${days} day${days === 1 ? "" : "s"}`}`,
            });
        }
    }
    return out;
}

function consentSettings(model: ConsentModel, data: TenantExport, index: TenantIndex, spIdByKey: Map<string, string>): Finding[] {
    const base = { kind: "consent-settings" as const, client: null, type: "delegated" as const, tier: null };
    const out: Finding[] = [];
    const declaredSetting = model.tenant.userConsent;
    if (!data.authorizationPolicy) {
        out.push({
            ...base,
            resource: null,
            permissions: [],
            detail: `the export has no authorization policy (read it with Policy.Read.All): the tenant's user consent setting is unknown, the stack declares ${declaredSetting}`,
        });
    } else {
        const real = userConsentOf(data.authorizationPolicy.defaultUserRolePermissions.permissionGrantPoliciesAssigned);
        if (real.setting !== declaredSetting) {
            out.push({
                ...base,
                resource: null,
                permissions: real.policies,
                detail: `users may consent under ${real.policies.length ? real.policies.join(", ") : "no policy"} (${real.setting}) but the stack declares userConsent: ${declaredSetting}, so its flow predictions are wrong in this tenant`,
            });
        }
    }
    // Low-impact classifications only matter where users consent to "low" permissions.
    if (declaredSetting === "low-risk") out.push(...classificationFindings(model, data, index, spIdByKey));
    return out;
}

/**
 * Microsoft Graph and every resource whose low-impact classifications the stack declares (tenant.lowRiskPermissions,
 * by resourceKey, the stack's own APIs included): the tenant's `low` classifications of its service principal against code. A resource the export cannot place, or without classifications, is a finding (fail closed).
 */
function classificationFindings(model: ConsentModel, data: TenantExport, index: TenantIndex, spIdByKey: Map<string, string>): Finding[] {
    const base = { kind: "consent-settings" as const, client: null, type: "delegated" as const, tier: null };
    const resources = new Map<string, string>([[GRAPH_APP_ID, "Microsoft Graph"]]);
    const names = new Map(
        model.apps.flatMap(a => a.delegated.map(r => [resourceKey(r.resource), r.resource.kind === "app" ? r.resource.key : r.resource.name] as const)),
    );
    for (const key of Object.keys(model.tenant.lowRiskPermissions)) if (!resources.has(key)) resources.set(key, names.get(key) ?? key.replace(/^app:/, ""));
    const out: Finding[] = [];
    const classes = data.delegatedPermissionClassifications;
    for (const [key, label] of resources) {
        const sp = key.startsWith("app:") ? index.spById.get(spIdByKey.get(key.slice(4)) ?? "") : index.spByAppId.get(lower(key));
        const list = sp && classes ? (classes[sp.id] ?? classes[lower(sp.id)]) : undefined;
        const at = { ...base, resource: label, resourceAppId: sp?.appId ?? (key.startsWith("app:") ? undefined : key) };
        if (!list) {
            out.push({
                ...at,
                permissions: [],
                detail: `the export has no delegated permission classifications for ${label}${sp ? "" : " (no service principal found)"}: the low-impact permissions users may consent to are unknown`,
            });
            continue;
        }
        const low = new Set(list.filter(c => lower(c.classification) === "low").map(c => c.permissionName));
        const want = new Set(model.tenant.lowRiskPermissions[key] ?? []);
        const missing = [...want].filter(p => !low.has(p)),
            extra = [...low].filter(p => !want.has(p));
        if (missing.length || extra.length)
            out.push({
                ...at,
                permissions: [...missing, ...extra],
                detail: [
                    missing.length && `classified low in code but not in the tenant: ${missing.join(", ")}`,
                    extra.length && `classified low in the tenant but not in code: ${extra.join(", ")}`,
                ]
                    .filter(Boolean)
                    .join("; "),
            });
    }
    return out;
}
