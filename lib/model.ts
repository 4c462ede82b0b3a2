/**
 * The consent model: the stack config resolved against the permission catalog and the stack's own APIs.
 * Pure: no Pulumi, no I/O. The components build from it, the policies and flow predictions read it.
 */
import { CatalogPermission, CatalogResource, PermissionCatalog, PermissionType, resolvePermission, Tier } from "./catalog";
import { validateShape } from "./config/validate";
import { AppConfig, StackConfig } from "./config/schema";
import { formatPath, InputError, InputProblem } from "./errors";
import { exposedPermissionId, GRAPH_APP_ID, isGuid } from "./ids";
import { REDIRECT_PLATFORM, redirectUriProblem } from "./redirects";
import { DEFAULT_ALLOWED_ISSUERS, issuerAllowed, subjectProblem } from "./federated";
import { closest } from "./suggest";
import { ClientSecretConfig, readCertificatePem } from "./credentials";

export type AppKind = "web" | "spa" | "native" | "daemon" | "api";
export type Identity = "application" | "managed-identity" | "external";
export type UserConsentSetting = "none" | "low-risk" | "microsoft-managed" | "all";

/** A permission an API of this stack exposes, with its derived stable GUID. */
export interface ExposedPermission extends CatalogPermission {
    description: string;
    /** app roles only */
    members?: ("application" | "user")[];
    /** app roles only: users and groups assigned this role */
    assignedTo?: Assignees;
}

/** Graph's app role ID for default access: a user or group assigned to an app that declares no app roles. */
export const DEFAULT_ACCESS_ROLE_ID = "00000000-0000-0000-0000-000000000000";

/** Users and groups (object IDs, lower case, sorted) assigned to an app or one of its app roles. */
export interface Assignees {
    users: string[];
    groups: string[];
}

/** `label` is what resource names and reports use: the app key, or the Microsoft API's alias (else its appId). */
export type ResourceRef = { kind: "app"; key: string; name: string; label: string } | { kind: "microsoft"; appId: string; name: string; label: string };

/** One key per resource API, for facts kept by resource (low-impact classifications, managed exclusions). */
export const resourceKey = (ref: ResourceRef): string => (ref.kind === "app" ? `app:${ref.key}` : ref.appId);

export interface AccessRequest {
    resource: ResourceRef;
    /** sorted by value, so the order in config never matters */
    permissions: CatalogPermission[];
}

export type ClientRef = { kind: "app"; key: string } | { kind: "appId"; appId: string; firstPartyName?: string };

export interface PreAuthorization {
    client: ClientRef;
    scopes: ExposedPermission[];
}

export interface AppModel {
    key: string;
    displayName: string;
    /** true when config gave no displayName, so the registration is named after the app key */
    displayNameFromKey?: true;
    kind: AppKind;
    /** true when kind was inferred, not written */
    kindInferred: boolean;
    identity: Identity;
    consent: "admin" | "user";
    signInAudience: "AzureADMyOrg" | "AzureADMultipleOrgs";
    redirectUris: string[];
    owners: string[];
    /** undefined: api://<clientId> once the client ID is known */
    identifierUri?: string;
    scopes: ExposedPermission[];
    appRoles: ExposedPermission[];
    preAuthorized: PreAuthorization[];
    delegated: AccessRequest[];
    application: AccessRequest[];
    externalAppId?: string;
    managedIdentity?: { resourceGroup: string; location: string; name: string } | { principalId: string };
    clientSecret?: ClientSecretConfig;
    /** sorted by name: public certificates (PEM) with the credential's dates, RFC 3339 */
    certificates: CertificateCredential[];
    /** the service principal's appRoleAssignmentRequired: only assigned users and groups get a token, only an admin consents */
    assignmentRequired: boolean;
    /** users and groups with default access (apps without app roles) */
    assignedTo: Assignees;
    /** external apps: a verified publisher (low-risk user consent needs one for apps registered elsewhere) */
    publisherVerified: boolean;
    /** app keys of clients whose users consent to this API's own permissions in the same prompt (knownClientApplications) */
    knownClients: string[];
    /** sorted by name */
    federatedCredentials: { name: string; issuer: string; subject: string; audiences: string[]; description?: string }[];
}

export interface CertificateCredential {
    name: string;
    pem: string;
    endDate: string;
    startDate?: string;
}

export interface TenantModel {
    id: string;
    name: string;
    /** the directory's display name, as error messages print it */
    displayName?: string;
    userConsent: UserConsentSetting;
    /** delegated permission values classified low impact, by resourceKey: what users may consent to under `low-risk` */
    lowRiskPermissions: Record<string, string[]>;
    /** the admin consent workflow is on: users can request approval (AADSTS90095) */
    adminConsentWorkflow: boolean;
}

export interface ConsentModel {
    tenant: TenantModel;
    apps: AppModel[];
    /** resources adopted with `pulumi import` (entra-consent:adopted): never deleted by this stack */
    adopted?: string[];
}

export const DEFAULT_LOW_RISK_PERMISSIONS = ["openid", "profile", "email", "offline_access", "User.Read"];

const assignees = (a: { users?: readonly string[]; groups?: readonly string[] }): Assignees => ({
    users: (a.users ?? []).map(x => x.toLowerCase()).sort(),
    groups: (a.groups ?? []).map(x => x.toLowerCase()).sort(),
});

export function appRegistered(app: AppModel): boolean {
    return app.identity === "application";
}

function inferKind(app: AppConfig): AppKind {
    if (app.identity === "managed-identity") return "daemon";
    if (app.scopes || app.appRoles) return "api";
    if (app.redirectUris?.length) return "web";
    if (app.application && !app.delegated) return "daemon";
    return "native";
}

/**
 * Validates a raw stack config (shape, then meaning) and resolves it into the consent model.
 * Throws InputError listing every problem, each with its path.
 */
export function buildModel(raw: unknown, catalog: PermissionCatalog, opts: { azureadTenantId?: string } = {}): ConsentModel {
    const shape = validateShape(raw);
    if (!shape.ok) throw new InputError(shape.problems);
    const problems: InputProblem[] = [];
    const model = resolveModel(shape.config, catalog, problems, opts);
    if (problems.length) throw new InputError(problems);
    return model;
}

/** Where a rule reports a problem: path segments into the stack config, what was wrong, what was meant. */
export type Report = (segments: (string | number)[], message: string, hint?: string) => void;

/** A reporter that collects problems into a list, paths formatted as error messages print them. */
export const collect =
    (problems: InputProblem[]): Report =>
    (segments, message, hint) =>
        problems.push({ path: formatPath(segments), message, hint });

/** The stack config names one tenant; azuread:tenantId must be the same one. */
export function checkTenantId(tenantId: string, azureadTenantId: string | undefined, report: Report): void {
    if (azureadTenantId !== undefined && azureadTenantId.toLowerCase() !== tenantId.toLowerCase()) {
        report(["tenant", "id"], `is ${tenantId} but azuread:tenantId is ${azureadTenantId}`, "both name the one tenant this stack deploys to");
    }
}

/** The list form of tenant.lowRiskPermissions is Microsoft Graph's; it needs no other app, so it is resolved first. */
export function resolveGraphLowRisk(names: readonly string[], catalog: PermissionCatalog, report: Report): Record<string, string[]> {
    const graph = catalog.resource(GRAPH_APP_ID)!;
    const lowRisk: Record<string, string[]> = {};
    names.forEach((name, i) => {
        const r = catalog.resolve(graph, name, "delegated");
        if (!r.ok) report(["tenant", "lowRiskPermissions", i], r.reason, r.suggestion ? `did you mean ${r.suggestion}?` : undefined);
        else (lowRisk[GRAPH_APP_ID] ??= []).push(r.permission.value);
    });
    return lowRisk;
}

/** Fields that only an app registered in this stack (identity: application) carries. */
const REGISTRATION_FIELDS = [
    "scopes",
    "appRoles",
    "preAuthorized",
    "identifierUri",
    "redirectUris",
    "owners",
    "signInAudience",
    "clientSecret",
    "certificates",
    "federatedCredentials",
] as const;

/** Each identity takes its own fields: external needs appId, a managed identity its identity, only registrations the rest. */
export function checkIdentityFields(key: string, app: AppConfig, identity: Identity, report: Report): void {
    const at = (...s: (string | number)[]) => ["apps", key, ...s];
    if (identity === "external" && !app.appId)
        report(at("appId"), "is required when identity is external", "the client ID of the multi-tenant app registered in its home tenant");
    if (identity !== "external" && app.appId)
        report(at("appId"), `only applies to identity: external (this app's identity is ${identity})`, "remove it, or set identity: external");
    if (identity === "managed-identity" && !app.managedIdentity)
        report(
            at("managedIdentity"),
            "is required when identity is managed-identity",
            "{ resourceGroup, location } to create one, or { principalId } of an existing identity",
        );
    if (identity !== "managed-identity" && app.managedIdentity)
        report(at("managedIdentity"), `only applies to identity: managed-identity (this app's identity is ${identity})`);
    if (identity !== "application") {
        for (const field of REGISTRATION_FIELDS) {
            if (app[field] !== undefined)
                report(at(field), `only applies to an app registered in this stack (identity: application), not to identity ${identity}`);
        }
    }
}

/** Who may be assigned to the app or its roles, who may claim a verified publisher, who may name known clients. */
export function checkAssignments(key: string, app: AppConfig, identity: Identity, report: Report): void {
    const at = (...s: (string | number)[]) => ["apps", key, ...s];
    if (identity === "managed-identity") {
        for (const field of ["assignmentRequired", "assignedTo"] as const) {
            if (app[field] !== undefined)
                report(
                    at(field),
                    "a managed identity signs in as itself: no user is ever assigned to it",
                    "set assignmentRequired and assignedTo on the app users sign in to, or on the API",
                );
        }
    }
    if (identity !== "external" && app.publisherVerified !== undefined)
        report(
            at("publisherVerified"),
            `only applies to identity: external (an app registered in this tenant needs no verified publisher for user consent; this app's identity is ${identity})`,
            "remove it",
        );
    if (app.knownClients !== undefined && !app.scopes)
        report(
            at("knownClients"),
            "only applies to an API that exposes scopes (combined consent is for an API's own clients)",
            "add scopes, or remove knownClients",
        );
    if (app.assignedTo && app.appRoles) {
        report(
            at("assignedTo"),
            "is default access, which Entra offers only for apps without app roles",
            `assign users and groups to a role: apps.${key}.appRoles.<role>.assignedTo`,
        );
    }
    for (const [value, r] of Object.entries(app.appRoles ?? {})) {
        if (r.assignedTo && !(r.members ?? ["application"]).includes("user")) {
            report(
                at("appRoles", value, "assignedTo"),
                `app role ${value} is for applications only (members: [${(r.members ?? ["application"]).join(", ")}]); users and groups cannot be assigned it`,
                `add user to apps.${key}.appRoles["${value}"].members`,
            );
        }
    }
}

/** How the app signs in: who has a signed-in user (delegated permissions), which kinds need redirect URIs, and which URIs are safe. */
export function checkSignIn(key: string, app: AppConfig, kind: AppKind, identity: Identity, report: Report): void {
    const at = (...s: (string | number)[]) => ["apps", key, ...s];
    if (identity === "managed-identity" && app.delegated)
        report(
            at("delegated"),
            "a managed identity has no signed-in user, so it cannot hold delegated permissions",
            "list application permissions under `application:`",
        );
    if (kind === "daemon" && app.delegated && identity !== "managed-identity")
        report(
            at("delegated"),
            "a daemon has no signed-in user, so it cannot use delegated permissions",
            "set kind to web, spa, native or api, or request application permissions",
        );
    if (identity === "managed-identity" && app.kind && app.kind !== "daemon")
        report(at("kind"), `a managed identity signs in as itself: kind must be daemon, not ${app.kind}`);
    if ((kind === "web" || kind === "spa") && !app.redirectUris?.length)
        report(at("redirectUris"), `a ${kind} app needs at least one redirect URI`, "e.g. https://app.contoso.example/signin-oidc");
    if (identity === "application") {
        (app.redirectUris ?? []).forEach((u, i) => {
            const p = redirectUriProblem(u, REDIRECT_PLATFORM[kind]);
            if (p) report(at("redirectUris", i), `"${u}" ${p.message} (a ${kind} app registers it on the ${REDIRECT_PLATFORM[kind]} platform)`, p.hint);
        });
    }
}

/** Federated credentials trust only known issuers, and only subjects that name one workload. */
export function checkFederatedCredentials(key: string, app: AppConfig, identity: Identity, tenantId: string, report: Report): void {
    for (const [fname, f] of identity === "application" ? Object.entries(app.federatedCredentials ?? {}) : []) {
        const at = ["apps", key, "federatedCredentials", fname];
        if (!issuerAllowed(f.issuer, DEFAULT_ALLOWED_ISSUERS, tenantId))
            report(
                [...at, "issuer"],
                `"${f.issuer}" is not an issuer this project trusts`,
                `one of ${DEFAULT_ALLOWED_ISSUERS.join(", ").replace(/\{tenant\}/g, tenantId)}`,
            );
        const broad = subjectProblem(f.subject);
        if (broad)
            report(
                [...at, "subject"],
                `"${f.subject}" ${broad}`,
                "name one repository and one branch, tag or environment (repo:contoso/orders:environment:prod), or one namespace and service account",
            );
    }
}

/** A rotating secret is replaced after rotateAfterDays, so it must still be valid then: rotateAfterDays < expiresInDays. */
export function checkClientSecret(key: string, app: AppConfig, report: Report): void {
    const secret = app.clientSecret;
    if (secret?.rotateAfterDays !== undefined && secret.rotateAfterDays >= secret.expiresInDays)
        report(
            ["apps", key, "clientSecret", "rotateAfterDays"],
            `is ${secret.rotateAfterDays}, not less than expiresInDays (${secret.expiresInDays}): the secret would expire before it is replaced`,
            "rotate well before expiry, e.g. expiresInDays: 90, rotateAfterDays: 30",
        );
}

/**
 * Certificate credentials: a public certificate (never a private key: a stack file is shared), and dates inside the
 * certificate's own validity, so the lifetime the policy pack judges is the one Entra will use.
 */
export function resolveCertificates(key: string, app: AppConfig, report: Report): CertificateCredential[] {
    const out: CertificateCredential[] = [];
    for (const [name, c] of Object.entries(app.certificates ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
        const at = (field: string) => ["apps", key, "certificates", name, field];
        const cert = readCertificatePem(c.pem);
        if (!cert.ok) report(at("pem"), cert.message, cert.hint);
        const end = Date.parse(c.endDate);
        const start = c.startDate === undefined ? undefined : Date.parse(c.startDate);
        if (start !== undefined && start >= end) report(at("startDate"), `${c.startDate} is not before endDate ${c.endDate}`);
        if (cert.ok && end > cert.notAfter)
            report(
                at("endDate"),
                `${c.endDate} is after the certificate's notAfter ${new Date(cert.notAfter).toISOString()}`,
                "end the credential when the certificate ends, or earlier",
            );
        if (cert.ok && start !== undefined && start < cert.notBefore)
            report(
                at("startDate"),
                `${c.startDate} is before the certificate's notBefore ${new Date(cert.notBefore).toISOString()}`,
                "omit startDate to use notBefore",
            );
        out.push({ name, pem: c.pem, endDate: c.endDate, ...(c.startDate ? { startDate: c.startDate } : {}) });
    }
    return out;
}

/** The scopes and app roles an API exposes, sorted by value, each with its stable GUID; a value is either a scope or a role. */
export function resolveExposed(key: string, app: AppConfig, report: Report): { scopes: ExposedPermission[]; appRoles: ExposedPermission[] } {
    const byValue = <T>(o: Record<string, T>) => Object.entries(o).sort(([a], [b]) => a.localeCompare(b));
    const scopes: ExposedPermission[] = byValue(app.scopes ?? {}).map(([value, s]) => ({
        id: exposedPermissionId(key, "scope", value),
        value,
        type: "delegated" as PermissionType,
        adminConsentRequired: (s.consent ?? "admin") === "admin",
        tier: (s.tier ?? 2) as Tier,
        displayName: s.displayName ?? value,
        description: s.description,
    }));
    const appRoles: ExposedPermission[] = byValue(app.appRoles ?? {}).map(([value, r]) => ({
        id: exposedPermissionId(key, "role", value),
        value,
        type: "application" as PermissionType,
        adminConsentRequired: true,
        tier: (r.tier ?? 2) as Tier,
        displayName: r.displayName ?? value,
        description: r.description,
        members: [...(r.members ?? ["application"])].sort() as ("application" | "user")[],
        ...(r.assignedTo ? { assignedTo: assignees(r.assignedTo) } : {}),
    }));
    for (const s of scopes)
        if (appRoles.some(r => r.value === s.value)) {
            report(
                ["apps", key, "appRoles", s.value],
                `"${s.value}" is also a scope of this API`,
                "Entra requires scope and app role values to be unique within an app",
            );
        }
    return { scopes, appRoles };
}

/** Pass 1 for one app: what it is and what it exposes (needed before anyone can reference it). References come in pass 2. */
export function resolveApp(key: string, app: AppConfig, tenantId: string, report: Report): AppModel {
    const identity: Identity = app.identity ?? "application";
    const kind: AppKind = app.kind ?? inferKind(app);
    checkIdentityFields(key, app, identity, report);
    checkAssignments(key, app, identity, report);
    checkSignIn(key, app, kind, identity, report);
    checkFederatedCredentials(key, app, identity, tenantId, report);
    if (identity === "application") checkClientSecret(key, app, report);
    const certificates = identity === "application" ? resolveCertificates(key, app, report) : [];
    const { scopes, appRoles } = resolveExposed(key, app, report);
    return {
        key,
        displayName: app.displayName ?? key,
        ...(app.displayName === undefined ? { displayNameFromKey: true as const } : {}),
        kind,
        kindInferred: app.kind === undefined,
        identity,
        consent: app.consent ?? "admin",
        signInAudience: app.signInAudience ?? "AzureADMyOrg",
        redirectUris: [...(app.redirectUris ?? [])],
        owners: [...(app.owners ?? [])].map(o => o.toLowerCase()),
        identifierUri: app.identifierUri,
        scopes,
        appRoles,
        preAuthorized: [],
        delegated: [],
        application: [],
        externalAppId: app.appId?.toLowerCase(),
        assignmentRequired: app.assignmentRequired ?? false,
        assignedTo: assignees(app.assignedTo ?? {}),
        publisherVerified: app.publisherVerified ?? false,
        knownClients: [],
        clientSecret: app.clientSecret && {
            expiresInDays: app.clientSecret.expiresInDays,
            ...(app.clientSecret.rotateAfterDays !== undefined ? { rotateAfterDays: app.clientSecret.rotateAfterDays } : {}),
        },
        certificates,
        federatedCredentials: federatedCredentials(app),
        managedIdentity: managedIdentity(key, app),
    };
}

const federatedCredentials = (app: AppConfig): AppModel["federatedCredentials"] =>
    Object.entries(app.federatedCredentials ?? {})
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, f]) => ({
            name,
            issuer: f.issuer,
            subject: f.subject,
            audiences: [...(f.audiences ?? ["api://AzureADTokenExchange"])],
            description: f.description,
        }));

const managedIdentity = (key: string, app: AppConfig): AppModel["managedIdentity"] =>
    app.managedIdentity &&
    ("principalId" in app.managedIdentity
        ? { principalId: app.managedIdentity.principalId!.toLowerCase() }
        : { resourceGroup: app.managedIdentity.resourceGroup!, location: app.managedIdentity.location!, name: app.managedIdentity.name ?? `id-${key}` });

/** Identifier URIs are unique in a tenant: the second app (by key) to claim one is reported. */
export function checkIdentifierUris(apps: readonly AppModel[], report: Report): void {
    const uriOwner = new Map<string, string>();
    for (const app of apps) {
        if (!app.identifierUri) continue;
        const other = uriOwner.get(app.identifierUri.toLowerCase());
        if (other)
            report(
                ["apps", app.key, "identifierUri"],
                `"${app.identifierUri}" is already the identifier URI of ${other}`,
                "identifier URIs are unique in a tenant",
            );
        else uriOwner.set(app.identifierUri.toLowerCase(), app.key);
    }
}

/** An external app cannot be a Microsoft first-party app: the tenant cannot approve permissions for it. */
export function checkExternalAppIds(apps: readonly AppModel[], catalog: PermissionCatalog, report: Report): void {
    const externalIds = new Map(apps.filter(a => a.externalAppId).map(a => [a.externalAppId!, a.key]));
    for (const [appId, key] of externalIds) {
        if (catalog.isFirstParty(appId))
            report(
                ["apps", key, "appId"],
                `${appId} is the Microsoft first-party app "${catalog.firstPartyName(appId)}"`,
                "a tenant cannot approve permissions for a Microsoft app (AADSTS65002): register an app of your own",
            );
    }
}

/** What pass 2 resolves references against: the catalog and the apps of pass 1. */
export interface ModelContext {
    catalog: PermissionCatalog;
    apps: ReadonlyMap<string, AppModel>;
    report: Report;
}

export interface ResolvedResource {
    ref: ResourceRef;
    permissions: readonly CatalogPermission[];
    catalogResource?: CatalogResource;
    app?: AppModel;
}

/** A resource named in config: an API of this stack (by app key) or a Microsoft API of the catalog (by alias or appId). */
export function resolveResource(ctx: ModelContext, segments: (string | number)[], ref: string): ResolvedResource | undefined {
    const own = ctx.apps.get(ref);
    if (own) {
        if (own.identity !== "application") {
            ctx.report(segments, `"${ref}" is ${own.identity === "external" ? "an external app" : "a managed identity"}, which exposes no API here`);
            return undefined;
        }
        return { ref: { kind: "app", key: ref, name: own.displayName, label: ref }, permissions: [...own.scopes, ...own.appRoles], app: own };
    }
    const ms = ctx.catalog.resource(ref);
    if (ms)
        return {
            ref: { kind: "microsoft", appId: ms.appId, name: ms.name, label: ms.aliases[0] ?? ms.appId },
            permissions: ms.permissions,
            catalogResource: ms,
        };
    const suggestion = closest(ref, [...ctx.apps.keys(), ...ctx.catalog.aliases()]);
    ctx.report(
        segments,
        `unknown resource "${ref}"`,
        suggestion
            ? `did you mean "${suggestion}"?`
            : "name an app key of this stack, a well-known alias such as microsoft-graph, or the appId of a Microsoft API in the catalog",
    );
    return undefined;
}

/** Permission names (values or GUIDs) resolved against one resource, sorted by value; each permission once. */
export function resolvePermissionList(
    report: Report,
    segments: (string | number)[],
    resource: Pick<ResolvedResource, "ref" | "permissions">,
    names: readonly string[],
    type: PermissionType,
): CatalogPermission[] {
    const out: CatalogPermission[] = [];
    names.forEach((name, i) => {
        const r = resolvePermission(resource.ref.name, resource.permissions, name, type);
        if (!r.ok) {
            report([...segments, i], r.reason, r.suggestion ? `did you mean "${r.suggestion}"?` : undefined);
            return;
        }
        if (out.some(p => p.id === r.permission.id)) {
            report([...segments, i], `${r.permission.value} is listed twice (by name and by ID)`, "list each permission once");
            return;
        }
        out.push(r.permission);
    });
    return out.sort((a, b) => a.value.localeCompare(b.value));
}

/** The delegated and application permissions an app requests, by resource; one key per resource, app roles only for their members. */
export function resolveAccessRequests(ctx: ModelContext, app: AppModel, raw: AppConfig): void {
    const keysSeen = new Map<string, string>();
    for (const type of ["delegated", "application"] as const) {
        for (const [ref, names] of Object.entries(raw[type] ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
            const at = ["apps", app.key, type, ref];
            const resource = resolveResource(ctx, at, ref);
            if (!resource) continue;
            const permissions = resolvePermissionList(ctx.report, at, resource, names, type);
            if (type === "application" && resource.app) {
                for (const p of permissions) {
                    const role = resource.app.appRoles.find(r => r.id === p.id)!;
                    if (!role.members!.includes("application"))
                        ctx.report(
                            at,
                            `app role ${p.value} of ${ref} is for users only (members: [user])`,
                            `add application to apps.${ref}.appRoles["${p.value}"].members`,
                        );
                }
            }
            const list = type === "delegated" ? app.delegated : app.application;
            const firstKey = keysSeen.get(`${type}|${resource.ref.label}`);
            if (firstKey !== undefined)
                ctx.report(at, `names the same resource (${resource.ref.name}) as "${firstKey}"`, "list all permissions of one resource under one key");
            else {
                keysSeen.set(`${type}|${resource.ref.label}`, ref);
                if (permissions.length) list.push({ resource: resource.ref, permissions });
            }
        }
    }
}

/** A pre-authorized client: an app of this stack (its appId when external), or any client ID; never a managed identity. */
export function resolveClient(ctx: ModelContext, at: (string | number)[], clientRef: string): ClientRef | undefined {
    const clientApp = ctx.apps.get(clientRef);
    if (clientApp) {
        if (clientApp.identity === "managed-identity") {
            ctx.report(at, `"${clientRef}" is a managed identity; it signs in as itself, so delegated scopes do not apply`);
            return undefined;
        }
        return clientApp.externalAppId ? { kind: "appId", appId: clientApp.externalAppId } : { kind: "app", key: clientRef };
    }
    if (isGuid(clientRef)) {
        const appId = clientRef.toLowerCase();
        return { kind: "appId", appId, firstPartyName: ctx.catalog.firstPartyName(appId) };
    }
    const s = closest(clientRef, [...ctx.apps.keys()]);
    ctx.report(at, `unknown client "${clientRef}"`, s ? `did you mean "${s}"?` : "name an app key of this stack or a client ID (GUID)");
    return undefined;
}

/** The clients an API pre-authorizes, each for delegated scopes of the API only (app roles are approved by assignment). */
export function resolvePreAuthorizations(ctx: ModelContext, app: AppModel, raw: AppConfig): void {
    for (const [clientRef, names] of Object.entries(raw.preAuthorized ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
        const at = ["apps", app.key, "preAuthorized", clientRef];
        const client = resolveClient(ctx, at, clientRef);
        const scopes: ExposedPermission[] = [];
        names.forEach((name, i) => {
            const r = resolvePermission(app.displayName, [...app.scopes, ...app.appRoles], name, "delegated");
            if (r.ok) {
                scopes.push(r.permission as ExposedPermission);
                return;
            }
            const role = app.appRoles.find(x => x.value === name || x.id === name.toLowerCase());
            ctx.report(
                [...at, i],
                role ? `${name} is an app role; pre-authorization covers delegated scopes only` : r.reason,
                role
                    ? "approve app roles with an app role assignment (the client's application: list)"
                    : r.suggestion
                      ? `did you mean "${r.suggestion}"?`
                      : `scopes of ${app.key}: ${app.scopes.map(s => s.value).join(", ") || "none"}`,
            );
        });
        if (client) app.preAuthorized.push({ client, scopes: scopes.sort((a, b) => a.value.localeCompare(b.value)) });
    }
}

/** Known clients (combined consent) are other apps of this stack that a user signs in to. */
export function resolveKnownClients(ctx: ModelContext, app: AppModel, raw: AppConfig): void {
    (raw.knownClients ?? []).forEach((clientKey, i) => {
        const at = ["apps", app.key, "knownClients", i];
        const client = ctx.apps.get(clientKey);
        if (!client) {
            const s = closest(
                clientKey,
                [...ctx.apps.keys()].filter(k => k !== app.key),
            );
            ctx.report(
                at,
                `unknown app "${clientKey}"`,
                s ? `did you mean "${s}"?` : "name the app key of a client of this stack (known clients must be apps of the same stack)",
            );
        } else if (clientKey === app.key) ctx.report(at, "is this API itself", "name the client apps that sign users in and call this API");
        else if (client.identity === "managed-identity" || client.kind === "daemon")
            ctx.report(
                at,
                `"${clientKey}" is a ${client.identity === "managed-identity" ? "managed identity" : "daemon"}: no user signs in to it, so there is no consent to combine`,
                "name a web, spa or native client",
            );
        else app.knownClients.push(clientKey);
    });
    app.knownClients.sort();
}

/** Low-impact classifications by resource: the map form names any resource, the stack's own APIs included. */
export function resolveLowRiskMap(ctx: ModelContext, config: Record<string, readonly string[]>, lowRisk: Record<string, string[]>): void {
    for (const [ref, names] of Object.entries(config).sort(([a], [b]) => a.localeCompare(b))) {
        const at = ["tenant", "lowRiskPermissions", ref];
        const resource = resolveResource(ctx, at, ref);
        if (!resource) continue;
        const values = resolvePermissionList(ctx.report, at, resource, names, "delegated").map(p => p.value);
        const k = resourceKey(resource.ref);
        if (lowRisk[k]) ctx.report(at, `names the same resource (${resource.ref.name}) as another key`, "list all permissions of one resource under one key");
        else lowRisk[k] = values;
    }
}

/** The tenant's consent settings, with defaults. */
export function resolveTenant(tenant: StackConfig["tenant"], lowRiskPermissions: Record<string, string[]>): TenantModel {
    return {
        id: tenant.id.toLowerCase(),
        name: tenant.name,
        ...(tenant.displayName ? { displayName: tenant.displayName } : {}),
        // userConsent defaults to none, as before: the prediction that asks for an admin grant is never too optimistic.
        userConsent: tenant.userConsent ?? "none",
        lowRiskPermissions,
        adminConsentWorkflow: tenant.adminConsentWorkflow ?? false,
    };
}

/** Resolves a config of the right shape into the model, reporting every problem of meaning (the rules above, in order). */
export function resolveModel(config: StackConfig, catalog: PermissionCatalog, problems: InputProblem[], opts: { azureadTenantId?: string } = {}): ConsentModel {
    const report = collect(problems);
    const { tenant } = config;
    checkTenantId(tenant.id, opts.azureadTenantId, report);
    const lowRiskConfig = tenant.lowRiskPermissions ?? DEFAULT_LOW_RISK_PERMISSIONS;
    const lowRisk = Array.isArray(lowRiskConfig) ? resolveGraphLowRisk(lowRiskConfig, catalog, report) : {};

    const entries = Object.entries(config.apps).sort(([a], [b]) => a.localeCompare(b));
    const apps = new Map(entries.map(([key, app]) => [key, resolveApp(key, app, tenant.id, report)]));
    checkIdentifierUris([...apps.values()], report);
    checkExternalAppIds([...apps.values()], catalog, report);

    // Pass 2: references between apps and to Microsoft APIs.
    const ctx: ModelContext = { catalog, apps, report };
    for (const [key, raw] of entries) {
        const app = apps.get(key)!;
        resolveAccessRequests(ctx, app, raw);
        resolvePreAuthorizations(ctx, app, raw);
        resolveKnownClients(ctx, app, raw);
    }
    if (!Array.isArray(lowRiskConfig)) resolveLowRiskMap(ctx, lowRiskConfig, lowRisk);
    return { tenant: resolveTenant(tenant, lowRisk), apps: [...apps.values()], ...(config.adopted ? { adopted: [...config.adopted] } : {}) };
}
