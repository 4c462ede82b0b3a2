/**
 * Consent verification: predict each token request the apps of a stack will make, from the consent model
 * (which requests) and the planned tenant state (which approvals exist there). Each rule is a small pure
 * function; `predictFlows` only gathers facts and applies them.
 */
import { identityName, servicePrincipalName } from "./ids";
import { CatalogPermission, PermissionCatalog } from "./catalog";
import { AccessRequest, AppModel, ConsentModel, ResourceRef, resourceKey, TenantModel } from "./model";
import type { TenantState } from "./sim/tenant";

export type Approver = "admin" | "user";
export type FlowKind = "authorization-code" | "on-behalf-of" | "client-credentials";
export type Outcome = "issued" | "issued-after-user-consent" | "issued-to-assigned-users" | "admin-approval-required" | "missing-roles" | "failed";

/** One predicted sign-in flow of the plan: who asks whom for what, and what Entra answers. */
export interface Flow {
    client: string;
    resource: string;
    flow: string;
    outcome: string;
    code: string | null;
    claims: Record<string, string[]>;
    fix: string | null;
    /** the permissions the request asks for, and how each is approved (admin-grant, pre-authorized, user-consent, app-role-assignment, none) */
    permissions: string[];
    mechanism: string[];
}

const PASSING_OUTCOMES: readonly string[] = ["issued", "issued-after-user-consent", "issued-to-assigned-users"];
export const isFailing = (f: { outcome: string }): boolean => !PASSING_OUTCOMES.includes(f.outcome);

/**
 * Microsoft's managed policy (`microsoft-user-default-recommended`) as dated data: the delegated permissions it leaves
 * to administrators, by resource appId. Incomplete (data/user-consent-policies.json says what is missing and how to
 * refresh it): a permission missing from it is predicted user-consentable under `microsoft-managed`.
 */
const USER_CONSENT_POLICIES = require("../data/user-consent-policies.json") as {
    retrieved: string;
    policies: Record<string, { setting: string; excludes: Record<string, string[]> }>;
};
export const MICROSOFT_MANAGED_EXCLUSIONS: Readonly<Record<string, readonly string[]>> =
    USER_CONSENT_POLICIES.policies["microsoft-user-default-recommended"].excludes;
export const MICROSOFT_MANAGED_RETRIEVED = USER_CONSENT_POLICIES.retrieved;

/** Why only an administrator may approve: it picks the admin-approval code (rule 3). */
export type AdminReason = "admin-only" | "assignment-required" | "unverified-publisher" | "tenant-policy";
export interface Approval {
    approver: Approver;
    reason?: AdminReason;
}
/** What the tenant's consent policy needs to know about the client that asks. */
export interface ClientFacts {
    registeredHere: boolean;
    publisherVerified: boolean;
    assignmentRequired: boolean;
}
export type ConsentPolicy = Pick<TenantModel, "userConsent" | "lowRiskPermissions">;

/**
 * Who may approve a delegated permission `p` of the resource `resource` (its resourceKey) for `client` (rules 1 and 2).
 * Application permissions and admin-only scopes need an administrator; so does every permission of a client that
 * requires assignment, whatever the policy; otherwise the tenant's user consent setting decides.
 */
export function whoMayApprove(
    p: Pick<CatalogPermission, "type" | "adminConsentRequired" | "value">,
    resource: string,
    client: ClientFacts,
    tenant: ConsentPolicy,
    exclusions: Readonly<Record<string, readonly string[]>> = MICROSOFT_MANAGED_EXCLUSIONS,
): Approval {
    const admin = (reason: AdminReason): Approval => ({ approver: "admin", reason });
    if (p.type === "application" || p.adminConsentRequired) return admin("admin-only");
    if (client.assignmentRequired) return admin("assignment-required");
    switch (tenant.userConsent) {
        case "all":
            return { approver: "user" };
        // Exclusions apply to every client here: Microsoft announced them for third-party apps, but the published policy
        // text was not readable, and predicting an admin where a user could consent is the safe error.
        case "microsoft-managed":
            return exclusions[resource]?.includes(p.value) ? admin("tenant-policy") : { approver: "user" };
        case "low-risk":
            if (!client.registeredHere && !client.publisherVerified) return admin("unverified-publisher");
            return tenant.lowRiskPermissions[resource]?.includes(p.value) ? { approver: "user" } : admin("tenant-policy");
        default:
            return admin("tenant-policy");
    }
}

/**
 * The code a user sees when only an admin may approve (rule 3): 90095 when the admin consent workflow lets the user
 * request approval; 90094 when the permission is admin-only, the app requires assignment or is an unverified
 * multi-tenant app; else 90093 (the tenant's policy). The precedence is the project's: Microsoft documents the
 * 90093/90094 pair together.
 */
export function adminApprovalCode(reasons: readonly AdminReason[], adminConsentWorkflow: boolean): string {
    if (adminConsentWorkflow) return "AADSTS90095";
    return reasons.some(r => r !== "tenant-policy") ? "AADSTS90094" : "AADSTS90093";
}

export interface ScopeStatus {
    value: string;
    approvedBy: "admin-grant" | "pre-authorized" | null;
    approver: Approver;
    reason?: AdminReason;
}
export interface RuleResult {
    outcome: Outcome;
    code: string | null;
    granted: string[];
    missing: string[];
    reasons?: AdminReason[];
}

/** Interactive sign-in: approved scopes are issued; the rest either the user may consent to, or an admin must. */
export function authorizationCodeOutcome(scopes: ScopeStatus[], adminConsentWorkflow = false): RuleResult {
    const missing = scopes.filter(s => !s.approvedBy);
    const all = scopes.map(s => s.value);
    if (!missing.length) return { outcome: "issued", code: null, granted: all, missing: [] };
    if (missing.every(s => s.approver === "user"))
        return { outcome: "issued-after-user-consent", code: null, granted: all, missing: missing.map(s => s.value) };
    const admin = missing.filter(s => s.approver === "admin");
    const reasons = [...new Set(admin.map(s => s.reason ?? "tenant-policy"))].sort();
    return {
        outcome: "admin-approval-required",
        code: adminApprovalCode(reasons, adminConsentWorkflow),
        granted: [],
        missing: admin.map(s => s.value),
        reasons,
    };
}

/**
 * Rule 1: with assignment required (on the client or the resource), a token is issued only to assigned users and
 * groups (direct members); with nobody assigned, every sign-in gets AADSTS50105. Applies to passing outcomes only.
 */
export function assignmentOutcome(result: RuleResult, assignment: { required: boolean; assignees: number }): RuleResult {
    if (!assignment.required || isFailing(result)) return result;
    return assignment.assignees ? { ...result, outcome: "issued-to-assigned-users" } : { ...result, outcome: "failed", code: "AADSTS50105" };
}

/**
 * On-behalf-of, silent and refresh flows can never show a prompt: anything unapproved is AADSTS65001, unless the
 * users consented to it already in a client's combined prompt (rule 4, `viaCombinedConsent`).
 */
export function onBehalfOfOutcome(scopes: ScopeStatus[], viaCombinedConsent = false): RuleResult {
    const missing = scopes.filter(s => !s.approvedBy).map(s => s.value);
    if (!missing.length) return { outcome: "issued", code: null, granted: scopes.map(s => s.value), missing: [] };
    return viaCombinedConsent
        ? { outcome: "issued-after-user-consent", code: null, granted: scopes.map(s => s.value), missing }
        : { outcome: "failed", code: "AADSTS65001", granted: [], missing };
}

/**
 * Rule 4, combined consent: a known client's user consents, in one prompt, to what the client asks of the API and to
 * the API's own unapproved downstream permissions. Both are consented only if the user may consent to all of them.
 */
export function combinedConsentOutcome(
    client: ScopeStatus[],
    downstream: ScopeStatus[],
    adminConsentWorkflow = false,
): { client: RuleResult; downstreamConsented: boolean } {
    const prompt = authorizationCodeOutcome([...client, ...downstream], adminConsentWorkflow);
    if (prompt.outcome === "issued") return { client: authorizationCodeOutcome(client, adminConsentWorkflow), downstreamConsented: false };
    if (prompt.outcome === "issued-after-user-consent") return { client: { ...prompt, granted: client.map(s => s.value) }, downstreamConsented: true };
    return { client: prompt, downstreamConsented: false };
}

/**
 * Client credentials for <resource>/.default: Entra issues the token anyway, without the unassigned roles; but a
 * resource that requires assignment refuses a client that holds no role on it at all (AADSTS501051).
 */
export function clientCredentialsOutcome(requested: string[], assigned: string[], resourceAssignmentRequired = false): RuleResult {
    if (resourceAssignmentRequired && !assigned.length) return { outcome: "failed", code: "AADSTS501051", granted: [], missing: [...requested] };
    const granted = requested.filter(r => assigned.includes(r));
    const missing = requested.filter(r => !assigned.includes(r));
    return { outcome: missing.length ? "missing-roles" : "issued", code: null, granted, missing };
}

/**
 * Bundled consent needs the client's registration to list every delegated permission the API asks downstream
 * (Microsoft's "Bundled consent for Microsoft Entra ID applications"): what is missing, by resource label.
 */
export function bundledConsentGaps(client: Pick<AppModel, "delegated">, api: Pick<AppModel, "delegated">): { resource: string; values: string[] }[] {
    return api.delegated.flatMap(r => {
        const listed = new Set(client.delegated.filter(c => resourceKey(c.resource) === resourceKey(r.resource)).flatMap(c => c.permissions.map(p => p.id)));
        const values = r.permissions.filter(p => !listed.has(p.id)).map(p => p.value);
        return values.length ? [{ resource: r.resource.label, values }] : [];
    });
}

/** Failures before consent is even looked at: principals missing in the tenant, Microsoft-to-Microsoft calls. */
export function principalFailure(f: {
    clientHasPrincipal: boolean;
    resourceHasPrincipal: boolean;
    firstPartyClient: boolean;
    firstPartyResource: boolean;
    preAuthorized: boolean;
    /** accountEnabled false (a tenant export): Entra's "Microsoft Entra authentication and authorization error codes" */
    clientDisabled?: boolean;
    resourceDisabled?: boolean;
}): string | null {
    if (!f.clientHasPrincipal) return "AADSTS700016";
    if (!f.resourceHasPrincipal) return "AADSTS500011";
    if (f.clientDisabled) return "AADSTS7000112";
    if (f.resourceDisabled) return "AADSTS500014";
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

/** The facts one delegated request is judged on: its principals, then each scope's approval and approver. */
interface DelegatedFacts {
    failure: string | null;
    scopes: ScopeStatus[];
    clientObjectId?: string;
    resourceObjectId?: string;
}

export function predictFlows(model: ConsentModel, state: TenantState, catalog: PermissionCatalog): Flow[] {
    const predictor = new FlowPredictor(model, state, catalog);
    return model.apps.flatMap(app => predictor.flowsOfApp(app));
}

/** The token requests of a consent model, judged against what the deploy leaves in the tenant. */
class FlowPredictor {
    constructor(
        private readonly model: ConsentModel,
        private readonly state: TenantState,
        private readonly catalog: PermissionCatalog,
    ) {}

    principalOf(app: AppModel): string | undefined {
        if (app.managedIdentity && "principalId" in app.managedIdentity)
            return this.state.principal(app.managedIdentity.principalId) ? app.managedIdentity.principalId : undefined;
        return this.state.principalOfResource(app.identity === "managed-identity" ? identityName(app.key) : servicePrincipalName(app.key));
    }
    clientIdOf(app: AppModel): string | undefined {
        const oid = this.principalOf(app);
        return oid ? this.state.principal(oid)?.clientId : app.externalAppId;
    }
    appOf(r: ResourceRef): AppModel | undefined {
        return r.kind === "app" ? this.model.apps.find(a => a.key === r.key)! : undefined;
    }
    resourceObjectIdOf(r: ResourceRef): string | undefined {
        return r.kind === "app" ? this.principalOf(this.appOf(r)!) : this.state.principalByClientId(r.appId)?.objectId;
    }
    resourceClientIdOf(r: ResourceRef): string | undefined {
        if (r.kind === "microsoft") return r.appId;
        const oid = this.resourceObjectIdOf(r);
        return oid ? this.state.principal(oid)?.clientId : undefined;
    }
    required(objectId: string | undefined): boolean {
        return !!(objectId && this.state.principal(objectId)?.assignmentRequired);
    }
    disabled(objectId: string | undefined): boolean {
        return !!(objectId && this.state.principal(objectId)?.disabled);
    }
    assignees(objectId: string): number {
        return this.state.assignmentsTo(objectId).filter(a => a.principalType === "UserOrGroup").length;
    }

    /** Why neither side can take part in a token request (a missing or disabled service principal), if one can't. */
    principalFailure(app: AppModel, r: ResourceRef, clientObjectId: string | undefined, resourceObjectId: string | undefined, preAuthorized: boolean) {
        const clientId = this.clientIdOf(app);
        return principalFailure({
            clientHasPrincipal: !!clientObjectId,
            resourceHasPrincipal: !!resourceObjectId,
            firstPartyClient: !!clientId && this.catalog.isFirstParty(clientId),
            firstPartyResource: r.kind === "microsoft",
            preAuthorized,
            clientDisabled: this.disabled(clientObjectId),
            resourceDisabled: this.disabled(resourceObjectId),
        });
    }

    delegatedFacts(app: AppModel, request: AccessRequest): DelegatedFacts {
        const r = request.resource;
        const clientObjectId = this.principalOf(app);
        const clientId = this.clientIdOf(app);
        const resourceObjectId = this.resourceObjectIdOf(r);
        const resourceClientId = this.resourceClientIdOf(r);
        const preAuthorizedIds = resourceClientId && clientId ? (this.state.application(resourceClientId)?.preAuthorized.get(clientId) ?? []) : [];
        const failure = this.principalFailure(app, r, clientObjectId, resourceObjectId, preAuthorizedIds.length > 0);
        if (failure) return { failure, scopes: [] };
        const granted = new Set(
            this.state
                .grants(clientObjectId!, resourceObjectId!)
                .filter(g => g.consentType === "AllPrincipals")
                .flatMap(g => g.scopes),
        );
        const client: ClientFacts = {
            registeredHere: app.identity === "application",
            publisherVerified: app.publisherVerified,
            assignmentRequired: this.required(clientObjectId),
        };
        const scopes = request.permissions.map(
            (p): ScopeStatus => ({
                value: p.value,
                approvedBy: granted.has(p.value) ? "admin-grant" : preAuthorizedIds.includes(p.id) ? "pre-authorized" : null,
                ...whoMayApprove(p, resourceKey(r), client, this.model.tenant),
            }),
        );
        return { failure: null, scopes, clientObjectId, resourceObjectId };
    }

    /** Rule 4: the known clients of an API (in the tenant) that would show its users a combined prompt. */
    combinedClients(api: AppModel): AppModel[] {
        const apiClientId = this.clientIdOf(api);
        const known = apiClientId ? (this.state.application(apiClientId)?.knownClients ?? []) : [];
        return this.model.apps.filter(
            c =>
                c.key !== api.key &&
                known.includes(this.clientIdOf(c) ?? "") &&
                !bundledConsentGaps(c, api).length &&
                c.delegated.some(d => d.resource.kind === "app" && d.resource.key === api.key),
        );
    }
    downstreamOf(api: AppModel): ScopeStatus[] {
        return api.delegated.map(d => this.delegatedFacts(api, d)).flatMap(f => (f.failure ? [] : f.scopes));
    }
    // A client that requires assignment gets no user consent at all, so neither does the API's part of its prompt (cautious).
    combined(client: AppModel, api: AppModel, clientScopes: ScopeStatus[]) {
        return combinedConsentOutcome(
            clientScopes,
            this.downstreamOf(api).map(s =>
                this.required(this.principalOf(client)) && s.approver === "user"
                    ? { ...s, approver: "admin" as const, reason: "assignment-required" as const }
                    : s,
            ),
            this.model.tenant.adminConsentWorkflow,
        );
    }

    flowsOfApp(app: AppModel): Flow[] {
        return flowsOf(app).map(({ kind, request }) => {
            const r = request.resource;
            const base = { client: app.key, resource: r.label, flow: kind, permissions: request.permissions.map(p => p.value) };
            if (kind === "client-credentials") return { ...base, ...this.clientCredentialsFlow(app, request) };
            return { ...base, ...this.delegatedFlow(app, kind, request) };
        });
    }

    delegatedFlow(app: AppModel, kind: FlowKind, request: AccessRequest): Pick<Flow, "outcome" | "code" | "claims" | "mechanism" | "fix"> {
        const r = request.resource;
        const resourceApp = this.appOf(r);
        const facts = this.delegatedFacts(app, request);
        if (facts.failure)
            return {
                outcome: "failed",
                code: facts.failure,
                claims: {},
                mechanism: [],
                fix: principalFix(facts.failure, app, r.label, r.kind === "microsoft" ? r.appId : undefined),
            };
        const { scopes } = facts;
        const adminConsentWorkflow = this.model.tenant.adminConsentWorkflow;
        let result: RuleResult;
        let via: AppModel | undefined;
        if (kind === "on-behalf-of") {
            via = this.combinedClients(app).find(
                c =>
                    this.combined(c, app, this.delegatedFacts(c, c.delegated.find(d => d.resource.kind === "app" && d.resource.key === app.key)!).scopes)
                        .downstreamConsented,
            );
            result = onBehalfOfOutcome(scopes, via !== undefined);
        } else {
            result =
                resourceApp && this.combinedClients(resourceApp).includes(app)
                    ? this.combined(app, resourceApp, scopes).client
                    : authorizationCodeOutcome(scopes, adminConsentWorkflow);
        }
        // Users must be assigned to the app they sign in to and to the API the token is for, where either requires it.
        const needs = [facts.clientObjectId!, facts.resourceObjectId!].filter(oid => this.required(oid));
        result = assignmentOutcome(result, { required: needs.length > 0, assignees: Math.min(...needs.map(oid => this.assignees(oid))) });
        const mechanism = [...new Set(scopes.map(s => s.approvedBy ?? (s.approver === "user" || via ? "user-consent" : "none")))];
        return {
            outcome: result.outcome,
            code: result.code,
            claims: result.granted.length ? { scp: result.granted } : {},
            mechanism,
            fix: delegatedFix({
                app,
                resource: r.label,
                result,
                resourceApp,
                kind,
                via,
                assignmentOn: needs.map(oid => this.model.apps.find(a => this.principalOf(a) === oid)!.key),
            }),
        };
    }

    clientCredentialsFlow(app: AppModel, request: AccessRequest): Pick<Flow, "outcome" | "code" | "claims" | "mechanism" | "fix"> {
        const r = request.resource;
        const clientObjectId = this.principalOf(app);
        const resourceObjectId = this.resourceObjectIdOf(r);
        const failure = this.principalFailure(app, r, clientObjectId, resourceObjectId, false);
        if (failure)
            return {
                outcome: "failed",
                code: failure,
                claims: {},
                mechanism: [],
                fix: principalFix(failure, app, r.label, r.kind === "microsoft" ? r.appId : undefined),
            };
        const assigned = this.state.assignments(clientObjectId!, resourceObjectId!).map(a => a.appRoleId);
        const result = clientCredentialsOutcome(
            request.permissions.map(p => p.id),
            assigned,
            this.required(resourceObjectId),
        );
        const byId = new Map(request.permissions.map(p => [p.id, p.value]));
        const missing = result.missing.map(id => byId.get(id)!);
        const assign = `keep them under apps.${app.key}.application.${r.label} and run pulumi up (an admin must approve application permissions)`;
        return {
            outcome: result.outcome,
            code: result.code,
            claims: { roles: result.granted.map(id => byId.get(id)!) },
            mechanism: ["app-role-assignment"],
            fix:
                result.code === "AADSTS501051"
                    ? `${r.label} requires assignment and ${app.key} holds no app role on it, so Entra refuses the token: assign ${list(missing)} to ${app.key}: ${assign}.`
                    : missing.length
                      ? `Assign ${list(missing)} to ${app.key} in this tenant: ${assign}.`
                      : null,
        };
    }
}

interface FixFacts {
    app: AppModel;
    resource: string;
    result: RuleResult;
    resourceApp?: AppModel;
    kind: FlowKind;
    via?: AppModel;
    assignmentOn: string[];
}

/** The one sentence a flow carries: the fix when it fails, how to assign users when only assigned users get a token. */
function delegatedFix({ app, resource, result, resourceApp, kind, via, assignmentOn }: FixFacts): string | null {
    const where = (key: string) => `apps.${key}.assignedTo (or an app role's assignedTo, members: [user])`;
    if (result.outcome === "issued-to-assigned-users")
        return `Only users and groups assigned to ${list(assignmentOn)} get a token; anyone else gets AADSTS50105: assign them under ${assignmentOn.map(where).join(" and ")}.`;
    if (result.code === "AADSTS50105")
        return `${list(assignmentOn)} requires assignment and nobody is assigned in this stack, so every sign-in gets AADSTS50105: assign users or groups under ${assignmentOn.map(where).join(" and ")}.`;
    if (result.outcome === "issued-after-user-consent" && via)
        return `Users consent to this in ${via.key}'s combined prompt (apps.${app.key}.knownClients): ${via.key} must request ${app.key}'s .default scope; until a user has signed in there, this fails with AADSTS65001.`;
    if (!result.missing.length || result.outcome === "issued-after-user-consent") return null;
    const pre =
        resourceApp && kind === "authorization-code"
            ? `, or pre-authorize it: apps.${resourceApp.key}.preAuthorized.${app.key}: [${list(result.missing)}]`
            : "";
    const approve = `Approve ${list(result.missing)} for ${app.key} on ${resource} in this tenant: set apps.${app.key}.consent: admin so the deploy grants them${pre}`;
    const why = (result.reasons ?? []).map(r => REASON_TEXT[r]).filter(Boolean);
    const known =
        kind === "on-behalf-of"
            ? `; or let users consent in a client's prompt: list the client in apps.${app.key}.knownClients (it must also request ${list(result.missing)} and ask for ${app.key}'s .default scope)`
            : "";
    const workflow =
        result.code === "AADSTS90095"
            ? "; users can request approval (admin consent workflow): an admin approves it under Enterprise applications > Admin consent requests"
            : "";
    return `${approve}${known}${workflow}.${why.length ? ` ${why.join(" ")}` : ""}`;
}

const REASON_TEXT: Record<AdminReason, string> = {
    "admin-only": "",
    "assignment-required": "Users cannot consent for an app that requires assignment.",
    "unverified-publisher":
        "Under low-risk user consent, users consent only for apps registered in this tenant or from a verified publisher (publisherVerified).",
    "tenant-policy": "",
};

function principalFix(code: string, app: AppModel, resource: string, msAppId?: string): string {
    switch (code) {
        case "AADSTS700016":
            return app.identity === "external"
                ? `Create the service principal of ${app.key} in this tenant (apps.${app.key} with identity: external and its appId) and run pulumi up.`
                : `${app.key} has no service principal in this tenant: run pulumi up for this stack (the sign-in may be going to the wrong tenant).`;
        case "AADSTS500011":
            return msAppId
                ? `${resource} has no service principal in this tenant: create it once (az ad sp create --id ${msAppId}).`
                : `${resource} has no service principal in this tenant: run pulumi up for this stack.`;
        case "AADSTS7000112":
        case "AADSTS500014":
            return `The service principal of ${code === "AADSTS7000112" ? app.key : resource} is disabled in this tenant (accountEnabled false): no token is issued until an admin enables it (Enterprise applications > Properties > Enabled for users to sign in).`;
        default:
            return `A Microsoft first-party client cannot call a Microsoft API with a tenant's consent: register an app of your own for ${app.key} and request the permissions for it.`;
    }
}
