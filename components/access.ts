import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import { CatalogPermission } from "../lib/catalog";
import { ChildKind, encodeName, legacyName, suffixName } from "../lib/ids";
import { AccessRequest, AppModel, DEFAULT_ACCESS_ROLE_ID, ResourceRef } from "../lib/model";
import { ConsentPrincipal } from "./types";
import { TYPE_PREFIX } from "../lib/resource-types";

export interface AppAccessArgs {
    app: AppModel;
    /** every app of the stack, by key */
    principals: ReadonlyMap<string, ConsentPrincipal>;
    /** Microsoft resource service principals adopted by the stack, by appId */
    microsoft: ReadonlyMap<string, azuread.ServicePrincipal>;
    /** resource names adopted with `pulumi import` (entra-consent:adopted): retained on delete */
    adopted?: ReadonlySet<string>;
}

/**
 * The consent wiring of one app, shipped with its request: the permissions it requests
 * (requiredResourceAccess), their approvals (one delegated grant per resource when consent is admin,
 * one app role assignment per application permission) and, for an API, the clients it pre-authorizes.
 */
export class AppAccess extends pulumi.ComponentResource {
    constructor(name: string, args: AppAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super(`${TYPE_PREFIX}:AppAccess`, name, {}, opts);
        const { app, principals, microsoft } = args;
        const self = principals.get(app.key)!;
        // Names that cannot collide for distinct configs (lib/ids.ts); the alias keeps resources of stacks deployed before.
        const named = (kind: ChildKind, ...parts: string[]) => encodeName(name, kind, ...parts);
        const child = (kind: ChildKind, parts: string[], dependsOn: pulumi.Resource[] = []): pulumi.CustomResourceOptions => ({
            parent: this,
            dependsOn,
            aliases: [{ name: legacyName(name, kind, ...parts) }],
            // an imported grant or assignment stays in the tenant when removed or destroyed (principals.ts does the same)
            ...(args.adopted?.has(named(kind, ...parts)) ? { retainOnDelete: true } : {}),
        });

        const target = (ref: ResourceRef) => {
            if (ref.kind === "app") {
                const p = principals.get(ref.key)!;
                return { clientId: p.clientId!, objectId: p.servicePrincipalObjectId, dependsOn: p.exposedPermissionResources };
            }
            const sp = microsoft.get(ref.appId);
            if (!sp) throw new Error(`internal: no service principal was read for ${ref.name} (${ref.appId})`);
            return { clientId: pulumi.output(ref.appId), objectId: sp.objectId, dependsOn: [] as pulumi.Resource[] };
        };

        // What the app requests: registered apps only (external apps declare it in their home tenant).
        if (self.applicationId) {
            for (const [label, { resource, delegated, application }] of groupByResource(app.delegated, app.application)) {
                const t = target(resource);
                new azuread.ApplicationApiAccess(
                    named("requests", label),
                    {
                        applicationId: self.applicationId,
                        apiClientId: t.clientId,
                        scopeIds: delegated.length ? delegated.map(p => p.id) : undefined,
                        roleIds: application.length ? application.map(p => p.id) : undefined,
                    },
                    child("requests", [label], t.dependsOn),
                );
            }
        }

        // Delegated: one grant object per (client, resource), all scopes in it (a second one is a 409).
        if (app.consent === "admin") {
            for (const request of app.delegated) {
                const t = target(request.resource);
                new azuread.ServicePrincipalDelegatedPermissionGrant(
                    named("grant", request.resource.label),
                    {
                        servicePrincipalObjectId: self.servicePrincipalObjectId,
                        resourceServicePrincipalObjectId: t.objectId,
                        claimValues: request.permissions.map(p => p.value),
                    },
                    child("grant", [request.resource.label], t.dependsOn),
                );
            }
        }

        // Application: one assignment per app role; only an administrator can approve these, here.
        for (const request of app.application) {
            const t = target(request.resource);
            for (const permission of request.permissions) {
                new azuread.AppRoleAssignment(
                    named("assign", request.resource.label, permission.value),
                    {
                        principalObjectId: self.servicePrincipalObjectId,
                        resourceObjectId: t.objectId,
                        appRoleId: permission.id,
                    },
                    child("assign", [request.resource.label, permission.value], t.dependsOn),
                );
            }
        }

        // Users and groups assigned to the app (default access) or to its app roles: the simulated tenant, like Entra,
        // refuses a role whose allowedMemberTypes lacks User. Only service principals of this stack carry them.
        const members = [
            ...[...app.assignedTo.users, ...app.assignedTo.groups].map(principal => ({
                role: undefined as string | undefined,
                roleId: DEFAULT_ACCESS_ROLE_ID,
                principal,
            })),
            ...app.appRoles.flatMap(r =>
                [...(r.assignedTo?.users ?? []), ...(r.assignedTo?.groups ?? [])].map(principal => ({
                    role: r.value as string | undefined,
                    roleId: r.id,
                    principal,
                })),
            ),
        ];
        for (const m of members) {
            const kind: ChildKind = m.role === undefined ? "member" : "role-member";
            const parts = m.role === undefined ? [m.principal] : [m.role, m.principal];
            new azuread.AppRoleAssignment(
                named(kind, ...parts),
                {
                    principalObjectId: m.principal,
                    resourceObjectId: self.servicePrincipalObjectId,
                    appRoleId: m.roleId,
                },
                { parent: this, dependsOn: self.exposedPermissionResources },
            );
        }

        // Combined consent (knownClientApplications): the clients whose users consent to this API's permissions too.
        if (app.knownClients.length) {
            new azuread.ApplicationKnownClients(
                suffixName(name, "known-clients"),
                {
                    applicationId: self.applicationId!,
                    knownClientIds: app.knownClients.map(k => principals.get(k)!.clientId!),
                },
                { parent: this },
            );
        }

        // Pre-authorized clients of this API: delegated scopes only, never app roles.
        for (const pre of app.preAuthorized) {
            const clientLabel = pre.client.kind === "app" ? pre.client.key : pre.client.appId;
            const clientId = pre.client.kind === "app" ? principals.get(pre.client.key)!.clientId! : pulumi.output(pre.client.appId);
            new azuread.ApplicationPreAuthorized(
                named("preauthorize", clientLabel),
                {
                    applicationId: self.applicationId!,
                    authorizedClientId: clientId,
                    permissionIds: pre.scopes.map(s => s.id),
                },
                child("preauthorize", [clientLabel], self.exposedPermissionResources),
            );
        }

        this.registerOutputs({});
    }
}

function groupByResource(delegated: AccessRequest[], application: AccessRequest[]) {
    const out = new Map<string, { resource: ResourceRef; delegated: CatalogPermission[]; application: CatalogPermission[] }>();
    const entry = (r: ResourceRef) => {
        let e = out.get(r.label);
        if (!e) {
            e = { resource: r, delegated: [], application: [] };
            out.set(r.label, e);
        }
        return e;
    };
    for (const r of delegated) entry(r.resource).delegated.push(...r.permissions);
    for (const r of application) entry(r.resource).application.push(...r.permissions);
    return [...out.entries()].sort(([a], [b]) => a.localeCompare(b));
}
