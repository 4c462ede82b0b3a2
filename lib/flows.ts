/**
 * Consent verification: predict each token request the apps of a stack will make, from the consent model
 * (which requests) and the planned tenant state (which approvals exist there). Each rule is a small pure
 * function; `predictFlows` only gathers facts and applies them.
 */
import { identityName, servicePrincipalName } from "../components/types";
import { CatalogPermission, PermissionCatalog } from "./catalog";
import { AccessRequest, AppModel, ConsentModel, GRAPH_APP_ID, TenantModel } from "./model";
import type { Flow } from "./plan/plan";
import type { TenantState } from "./sim/tenant";

export type Approver = "admin" | "user";
export type FlowKind = "authorization-code" | "on-behalf-of" | "client-credentials";
export type Outcome = "issued" | "issued-after-user-consent" | "admin-approval-required" | "missing-roles" | "failed";

const PASSING_OUTCOMES: readonly string[] = ["issued", "issued-after-user-consent"];
export const isFailing = (f: { outcome: string }): boolean => !PASSING_OUTCOMES.includes(f.outcome);

/**
 * Who may approve a permission in this tenant (DESIGN facts 3 and 4): application permissions and admin-only
 * scopes need an administrator; otherwise the tenant's user consent setting decides.
 */
export function whoMayApprove(p: Pick<CatalogPermission, "type" | "adminConsentRequired" | "value">, resourceAppId: string | undefined, tenant: Pick<TenantModel, "userConsent" | "lowRiskPermissions">): Approver {
    if (p.type === "application" || p.adminConsentRequired) return "admin";
    if (tenant.userConsent === "all") return "user";
    if (tenant.userConsent === "low-risk") return resourceAppId === GRAPH_APP_ID && tenant.lowRiskPermissions.includes(p.value) ? "user" : "admin";
    return "admin";
}

export interface ScopeStatus { value: string; approvedBy: "admin-grant" | "pre-authorized" | null; approver: Approver }
export interface RuleResult { outcome: Outcome; code: string | null; granted: string[]; missing: string[] }

/** Interactive sign-in: approved scopes are issued; the rest either the user may consent to, or an admin must. */
export function authorizationCodeOutcome(scopes: ScopeStatus[]): RuleResult {
    const missing = scopes.filter(s => !s.approvedBy);
    const all = scopes.map(s => s.value);
    if (!missing.length) return { outcome: "issued", code: null, granted: all, missing: [] };
    if (missing.every(s => s.approver === "user")) return { outcome: "issued-after-user-consent", code: null, granted: all, missing: missing.map(s => s.value) };
    return { outcome: "admin-approval-required", code: null, granted: [], missing: missing.filter(s => s.approver === "admin").map(s => s.value) };
}

/** On-behalf-of, silent and refresh flows can never show a prompt: anything unapproved is AADSTS65001. */
export function onBehalfOfOutcome(scopes: ScopeStatus[]): RuleResult {
    const missing = scopes.filter(s => !s.approvedBy).map(s => s.value);
    return missing.length ? { outcome: "failed", code: "AADSTS65001", granted: [], missing } : { outcome: "issued", code: null, granted: scopes.map(s => s.value), missing: [] };
}

/** Client credentials for <resource>/.default: Entra issues the token anyway, without the unassigned roles. */
export function clientCredentialsOutcome(requested: string[], assigned: string[]): RuleResult {
    const granted = requested.filter(r => assigned.includes(r));
    const missing = requested.filter(r => !assigned.includes(r));
    return { outcome: missing.length ? "missing-roles" : "issued", code: null, granted, missing };
}

/** Failures before consent is even looked at: principals missing in the tenant, Microsoft-to-Microsoft calls. */
export function principalFailure(f: { clientHasPrincipal: boolean; resourceHasPrincipal: boolean; firstPartyClient: boolean; firstPartyResource: boolean; preAuthorized: boolean }): string | null {
    if (!f.clientHasPrincipal) return "AADSTS700016";
    if (!f.resourceHasPrincipal) return "AADSTS500011";
    if (f.firstPartyClient && f.firstPartyResource && !f.preAuthorized) return "AADSTS65002";
    return null;
}

/** Which flows an app makes: interactive clients sign users in, APIs call downstream on their behalf, daemons as themselves. */
export function flowsOf(app: AppModel): { kind: FlowKind; request: AccessRequest }[] {
    const delegatedKind: FlowKind = app.kind === "api" ? "on-behalf-of" : "authorization-code";
    return [
        ...app.delegated.map(request => ({ kind: delegatedKind, request })),
        ...app.application.map(request => ({ kind: "client-credentials" as FlowKind, request })),
    ];
}

const list = (xs: string[]) => xs.join(", ");

export function predictFlows(model: ConsentModel, state: TenantState, catalog: PermissionCatalog): Flow[] {
    const principalOf = (app: AppModel): string | undefined =>
        app.managedIdentity && "principalId" in app.managedIdentity ? (state.principal(app.managedIdentity.principalId) ? app.managedIdentity.principalId : undefined)
            : state.principalOfResource(app.identity === "managed-identity" ? identityName(app.key) : servicePrincipalName(app.key));
    const flows: Flow[] = [];
    for (const app of model.apps) {
        const clientObjectId = principalOf(app);
        const clientId = clientObjectId ? state.principal(clientObjectId)?.clientId : app.externalAppId;
        for (const { kind, request } of flowsOf(app)) {
            const r = request.resource;
            const resourceApp = r.kind === "app" ? model.apps.find(a => a.key === r.key)! : undefined;
            const resourceObjectId = r.kind === "app" ? principalOf(resourceApp!) : state.principalByClientId(r.appId)?.objectId;
            const resourceClientId = r.kind === "app" ? (resourceObjectId ? state.principal(resourceObjectId)?.clientId : undefined) : r.appId;
            const values = request.permissions.map(p => p.value);
            const base = { client: app.key, resource: r.label, flow: kind, permissions: values };
            const preAuthorizedIds = resourceClientId && clientId ? state.application(resourceClientId)?.preAuthorized.get(clientId) ?? [] : [];
            const failure = principalFailure({
                clientHasPrincipal: !!clientObjectId, resourceHasPrincipal: !!resourceObjectId,
                firstPartyClient: !!clientId && catalog.isFirstParty(clientId), firstPartyResource: r.kind === "microsoft", preAuthorized: preAuthorizedIds.length > 0,
            });
            if (failure) {
                flows.push({ ...base, outcome: "failed", code: failure, claims: {}, mechanism: [], fix: principalFix(failure, app, r.label, r.kind === "microsoft" ? r.appId : undefined) });
                continue;
            }
            if (kind === "client-credentials") {
                const assigned = state.assignments(clientObjectId!, resourceObjectId!).map(a => a.appRoleId);
                const result = clientCredentialsOutcome(request.permissions.map(p => p.id), assigned);
                const byId = new Map(request.permissions.map(p => [p.id, p.value]));
                const missing = result.missing.map(id => byId.get(id)!);
                flows.push({ ...base, outcome: result.outcome, code: null, claims: { roles: result.granted.map(id => byId.get(id)!) }, mechanism: ["app-role-assignment"],
                             fix: missing.length ? `Assign ${list(missing)} to ${app.key} in this tenant: keep them under apps.${app.key}.application.${r.label} and run pulumi up (an admin must approve application permissions).` : null });
                continue;
            }
            const granted = new Set(state.grants(clientObjectId!, resourceObjectId!).filter(g => g.consentType === "AllPrincipals").flatMap(g => g.scopes));
            const scopes: ScopeStatus[] = request.permissions.map(p => ({
                value: p.value,
                approvedBy: granted.has(p.value) ? "admin-grant" : preAuthorizedIds.includes(p.id) ? "pre-authorized" : null,
                approver: whoMayApprove(p, r.kind === "microsoft" ? r.appId : undefined, model.tenant),
            }));
            const result = kind === "on-behalf-of" ? onBehalfOfOutcome(scopes) : authorizationCodeOutcome(scopes);
            const mechanism = [...new Set(scopes.map(s => s.approvedBy ?? (s.approver === "user" ? "user-consent" : "none")))];
            flows.push({ ...base, outcome: result.outcome, code: result.code, claims: result.granted.length ? { scp: result.granted } : {}, mechanism,
                         fix: result.missing.length && result.outcome !== "issued-after-user-consent" ? delegatedFix(app, r.label, result.missing, resourceApp, kind) : null });
        }
    }
    return flows;
}

function delegatedFix(app: AppModel, resource: string, missing: string[], resourceApp: AppModel | undefined, kind: FlowKind): string {
    const pre = resourceApp && kind === "authorization-code" ? `, or pre-authorize it: apps.${resourceApp.key}.preAuthorized.${app.key}: [${list(missing)}]` : "";
    return `Approve ${list(missing)} for ${app.key} on ${resource} in this tenant: set apps.${app.key}.consent: admin so the deploy grants them${pre}.`;
}

function principalFix(code: string, app: AppModel, resource: string, msAppId?: string): string {
    switch (code) {
        case "AADSTS700016": return app.identity === "external"
            ? `Create the service principal of ${app.key} in this tenant (apps.${app.key} with identity: external and its appId) and run pulumi up.`
            : `${app.key} has no service principal in this tenant: run pulumi up for this stack (the sign-in may be going to the wrong tenant).`;
        case "AADSTS500011": return msAppId
            ? `${resource} has no service principal in this tenant: create it once (az ad sp create --id ${msAppId}).`
            : `${resource} has no service principal in this tenant: run pulumi up for this stack.`;
        default: return `A Microsoft first-party client cannot call a Microsoft API with a tenant's consent: register an app of your own for ${app.key} and request the permissions for it.`;
    }
}
