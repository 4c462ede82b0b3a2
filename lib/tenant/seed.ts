/**
 * A tenant export as the simulated tenant's starting state (lib/sim/tenant.ts TenantSeed), so a plan with
 * `--tenant-export` runs against what the tenant holds. Which resources adopt an existing object is decided by the
 * same matching as the import file (lib/tenant/imports.ts), applied before the program runs to the resources the
 * components declare (names: lib/ids.ts, lib/resource-types.ts); after the run, the plan checks both agree.
 */
import { formatPath, InputProblem } from "../errors";
import { appRegistered, ConsentModel, resourceKey } from "../model";
import { didYouMean } from "../suggest";
import { encodeName, microsoftApiPrincipalName, servicePrincipalName, suffixName } from "../ids";
import { microsoftResourcesUsed } from "../preflight";
import { T, TYPE_PREFIX } from "../resource-types";
import { SimPermission, SimPrincipal, TenantSeed } from "../sim/tenant";
import { matchStackApps, splitScopes, TenantIndex, userConsentOf } from "./audit";
import { GraphAppRole, GraphPermissionScope, GraphServicePrincipal, TenantExport } from "./export";
import { PlannedResource, planImports } from "./imports";

const lower = (s: string) => s.toLowerCase();
/** index.ts names the TenantConsent component "tenant"; a drift shows as an internal error in the plan (lib/plan/plan.ts addImports). */
const TENANT_COMPONENT = "tenant";
// Disabled permissions cannot be granted or requested; the simulation holds the enabled ones.
const scopesOf = (list: GraphPermissionScope[] = []): SimPermission[] =>
    list.filter(s => s.isEnabled !== false).map(s => ({ id: lower(s.id), value: s.value, adminOnly: s.type !== "User" }));
const rolesOf = (list: GraphAppRole[] = []): SimPermission[] =>
    list.filter(r => r.isEnabled !== false && r.value).map(r => ({ id: lower(r.id), value: r.value!, members: r.allowedMemberTypes ?? [] }));

function principalOf(sp: GraphServicePrincipal, registeredHere: boolean): TenantSeed["principals"][number] {
    const kind: SimPrincipal["kind"] = sp.servicePrincipalType === "ManagedIdentity" ? "managed-identity" : registeredHere ? "application" : "external";
    return {
        objectId: lower(sp.id),
        clientId: lower(sp.appId),
        displayName: sp.displayName || sp.appId,
        kind,
        ...(sp.appRoleAssignmentRequired ? { assignmentRequired: true } : {}),
        ...(sp.accountEnabled === false ? { disabled: true as const } : {}),
        ...(registeredHere ? {} : { scopes: scopesOf(sp.oauth2PermissionScopes), roles: rolesOf(sp.appRoles) }),
    };
}

/** The resources the components declare that an export can hold, with what matching reads (names, parents, inputs). */
export function declaredResources(model: ConsentModel): PlannedResource[] {
    const urn = (types: string[], name: string) => `urn:pulumi:plan::entra-consent::${types.join("$")}::${name}`;
    const tenantType = `${TYPE_PREFIX}:TenantConsent`;
    const tenant = urn([tenantType], TENANT_COMPONENT);
    const out: PlannedResource[] = [];
    const add = (type: string, name: string, parent: string, inputs: Record<string, unknown> = {}) =>
        out.push({ urn: `${parent.replace(/::[^:]*$/, "")}$${type}::${name}`, type, name, parent, inputs });
    for (const [appId] of microsoftResourcesUsed(model))
        add(T.servicePrincipal, microsoftApiPrincipalName(TENANT_COMPONENT, appId), tenant, { clientId: appId });
    for (const app of model.apps) {
        const component = appRegistered(app) ? "AppRegistration" : app.identity === "managed-identity" ? "ManagedIdentityPrincipal" : "ExternalPrincipal";
        const owner = urn([tenantType, `${TYPE_PREFIX}:${component}`], app.key);
        if (component === "AppRegistration") add(T.registration, suffixName(app.key, "registration"), owner);
        if (component !== "ManagedIdentityPrincipal") add(T.servicePrincipal, servicePrincipalName(app.key), owner, { clientId: app.externalAppId });
        const access = urn([tenantType, `${TYPE_PREFIX}:AppAccess`], app.key);
        if (app.consent === "admin")
            for (const r of app.delegated)
                add(T.grant, encodeName(app.key, "grant", r.resource.label), access, { claimValues: r.permissions.map(p => p.value) });
        for (const r of app.application)
            for (const p of r.permissions) add(T.assignment, encodeName(app.key, "assign", r.resource.label, p.value), access, { appRoleId: p.id });
    }
    return out;
}

/** The tenant as the export shows it, and which declared resources adopt what exists (resource name -> object ID). */
export function tenantSeed(data: TenantExport, model?: ConsentModel): TenantSeed {
    const spByAppId = new Map(data.servicePrincipals.map(sp => [lower(sp.appId), sp]));
    const registered = new Set(data.applications.map(a => lower(a.appId)));
    const adopted: Record<string, string> = {};
    if (model) for (const i of planImports(data, declaredResources(model), model).imports) adopted[i.name] = lower(i.id.slice(i.id.lastIndexOf("/") + 1));
    return {
        applications: data.applications.map(a => {
            const sp = spByAppId.get(lower(a.appId));
            return {
                objectId: lower(a.id),
                clientId: lower(a.appId),
                displayName: a.displayName || a.appId,
                identifierUris: a.identifierUris ?? [],
                scopes: scopesOf(sp?.oauth2PermissionScopes),
                roles: rolesOf(sp?.appRoles),
            };
        }),
        principals: data.servicePrincipals.map(sp => principalOf(sp, registered.has(lower(sp.appId)))),
        grants: data.oauth2PermissionGrants.map(g => ({
            id: g.id,
            clientObjectId: lower(g.clientId),
            resourceObjectId: lower(g.resourceId),
            consentType: g.consentType,
            ...(g.consentType === "Principal" && g.principalId ? { principalId: lower(g.principalId) } : {}),
            scopes: splitScopes(g.scope),
        })),
        assignments: data.appRoleAssignments.map(a => ({
            id: a.id,
            principalObjectId: lower(a.principalId),
            resourceObjectId: lower(a.resourceId),
            appRoleId: lower(a.appRoleId),
            principalType: !a.principalType || a.principalType === "ServicePrincipal" ? ("ServicePrincipal" as const) : ("UserOrGroup" as const),
        })),
        adopted,
    };
}

/**
 * The consent settings flows are predicted under: the tenant's own where the export shows them (the authorization
 * policy's user consent setting, each resource's `low` classifications), the stack's declared ones elsewhere. A custom
 * consent policy maps to no setting: the declared one stays, and the audit reports the difference.
 */
export function tenantConsentSettings(data: TenantExport, model: ConsentModel): ConsentModel["tenant"] {
    const assigned = data.authorizationPolicy?.defaultUserRolePermissions.permissionGrantPoliciesAssigned;
    const real = assigned ? userConsentOf(assigned).setting : "custom";
    const index = new TenantIndex(data);
    const { spIdByKey } = matchStackApps(model, index);
    const lowRisk = { ...model.tenant.lowRiskPermissions };
    const classes = data.delegatedPermissionClassifications ?? {};
    const byId = new Map(Object.entries(classes).map(([id, list]) => [lower(id), list]));
    const resources = new Set([...Object.keys(lowRisk), ...model.apps.flatMap(a => a.delegated.map(r => resourceKey(r.resource)))]);
    for (const key of resources) {
        const spId = key.startsWith("app:") ? spIdByKey.get(key.slice(4)) : index.spByAppId.get(lower(key))?.id;
        const list = spId ? byId.get(lower(spId)) : undefined;
        if (list) lowRisk[key] = list.filter(c => lower(c.classification) === "low").map(c => c.permissionName);
    }
    return { ...model.tenant, ...(real === "custom" ? {} : { userConsent: real }), lowRiskPermissions: lowRisk };
}

/**
 * entra-consent:adopted names only resources the program declares that an import can adopt: a name that matches
 * nothing would protect nothing (a typo), so it is an input error, not a silent pass.
 */
export function adoptedProblems(model: ConsentModel): InputProblem[] {
    if (!model.adopted?.length) return [];
    const known = new Set(declaredResources(model).map(r => r.name));
    return model.adopted.flatMap((name, i) =>
        known.has(name)
            ? []
            : [
                  {
                      path: formatPath(["adopted", i]),
                      message: `"${name}" is not a resource this stack declares that can be adopted${didYouMean(name, [...known])}`,
                      hint: "the names the plan with --tenant-export imports (registrations, service principals, grants, assignments)",
                  },
              ],
    );
}
