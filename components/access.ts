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

/** A user or group assigned to the app (default access, `role` undefined) or to one of its app roles. */
export interface AssignedMember {
    role: string | undefined;
    roleId: string;
    principal: string;
}

/** Users and groups assigned to the app (default access, DEFAULT_ACCESS_ROLE_ID) then to each of its app roles, in config order. */
export function assignedMembers(app: Pick<AppModel, "assignedTo" | "appRoles">): AssignedMember[] {
    return [
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
}

/** Creates AppAccess's children, one method per kind, each child named from config keys under `parent`. */
class AccessChildren {
    private readonly app: AppModel;
    private readonly self: ConsentPrincipal;

    constructor(
        private readonly name: string,
        private readonly parent: pulumi.Resource,
        private readonly args: AppAccessArgs,
    ) {
        this.app = args.app;
        this.self = args.principals.get(args.app.key)!;
    }

    // Names that cannot collide for distinct configs (lib/ids.ts); the alias keeps resources of stacks deployed before.
    private named(kind: ChildKind, ...parts: string[]): string {
        return encodeName(this.name, kind, ...parts);
    }
    private child(kind: ChildKind, parts: string[], dependsOn: pulumi.Resource[] = []): pulumi.CustomResourceOptions {
        return {
            parent: this.parent,
            dependsOn,
            aliases: [{ name: legacyName(this.name, kind, ...parts) }],
            // an imported grant or assignment stays in the tenant when removed or destroyed (principals.ts does the same)
            ...(this.args.adopted?.has(this.named(kind, ...parts)) ? { retainOnDelete: true } : {}),
        };
    }

    private target(ref: ResourceRef) {
        if (ref.kind === "app") {
            const p = this.args.principals.get(ref.key)!;
            return { clientId: p.clientId!, objectId: p.servicePrincipalObjectId, dependsOn: p.exposedPermissionResources };
        }
        const sp = this.args.microsoft.get(ref.appId);
        if (!sp) throw new Error(`internal: no service principal was read for ${ref.name} (${ref.appId})`);
        return { clientId: pulumi.output(ref.appId), objectId: sp.objectId, dependsOn: [] as pulumi.Resource[] };
    }

    /** What the app requests: registered apps only (external apps declare it in their home tenant). */
    requests(): void {
        if (!this.self.applicationId) return;
        for (const [label, { resource, delegated, application }] of groupByResource(this.app.delegated, this.app.application)) {
            const t = this.target(resource);
            new azuread.ApplicationApiAccess(
                this.named("requests", label),
                {
                    applicationId: this.self.applicationId,
                    apiClientId: t.clientId,
                    scopeIds: delegated.length ? delegated.map(p => p.id) : undefined,
                    roleIds: application.length ? application.map(p => p.id) : undefined,
                },
                this.child("requests", [label], t.dependsOn),
            );
        }
    }

    /** Delegated: one grant object per (client, resource), all scopes in it (a second one is a 409); admin consent only. */
    grants(): void {
        if (this.app.consent !== "admin") return;
        for (const request of this.app.delegated) {
            const t = this.target(request.resource);
            new azuread.ServicePrincipalDelegatedPermissionGrant(
                this.named("grant", request.resource.label),
                {
                    servicePrincipalObjectId: this.self.servicePrincipalObjectId,
                    resourceServicePrincipalObjectId: t.objectId,
                    claimValues: request.permissions.map(p => p.value),
                },
                this.child("grant", [request.resource.label], t.dependsOn),
            );
        }
    }

    /** Application: one assignment per app role; only an administrator can approve these, here. */
    assignments(): void {
        for (const request of this.app.application) {
            const t = this.target(request.resource);
            for (const permission of request.permissions) {
                new azuread.AppRoleAssignment(
                    this.named("assign", request.resource.label, permission.value),
                    {
                        principalObjectId: this.self.servicePrincipalObjectId,
                        resourceObjectId: t.objectId,
                        appRoleId: permission.id,
                    },
                    this.child("assign", [request.resource.label, permission.value], t.dependsOn),
                );
            }
        }
    }

    /**
     * Users and groups assigned to the app (default access) or to its app roles: the simulated tenant, like Entra,
     * refuses a role whose allowedMemberTypes lacks User. Only service principals of this stack carry them.
     */
    members(): void {
        for (const m of assignedMembers(this.app)) {
            const kind: ChildKind = m.role === undefined ? "member" : "role-member";
            const parts = m.role === undefined ? [m.principal] : [m.role, m.principal];
            new azuread.AppRoleAssignment(
                this.named(kind, ...parts),
                {
                    principalObjectId: m.principal,
                    resourceObjectId: this.self.servicePrincipalObjectId,
                    appRoleId: m.roleId,
                },
                { parent: this.parent, dependsOn: this.self.exposedPermissionResources },
            );
        }
    }

    /** Combined consent (knownClientApplications): the clients whose users consent to this API's permissions too. */
    knownClients(): void {
        if (!this.app.knownClients.length) return;
        new azuread.ApplicationKnownClients(
            suffixName(this.name, "known-clients"),
            {
                applicationId: this.self.applicationId!,
                knownClientIds: this.app.knownClients.map(k => this.args.principals.get(k)!.clientId!),
            },
            { parent: this.parent },
        );
    }

    /** Pre-authorized clients of this API: delegated scopes only, never app roles. */
    preAuthorizations(): void {
        for (const pre of this.app.preAuthorized) {
            const clientLabel = pre.client.kind === "app" ? pre.client.key : pre.client.appId;
            const clientId = pre.client.kind === "app" ? this.args.principals.get(pre.client.key)!.clientId! : pulumi.output(pre.client.appId);
            new azuread.ApplicationPreAuthorized(
                this.named("preauthorize", clientLabel),
                {
                    applicationId: this.self.applicationId!,
                    authorizedClientId: clientId,
                    permissionIds: pre.scopes.map(s => s.id),
                },
                this.child("preauthorize", [clientLabel], this.self.exposedPermissionResources),
            );
        }
    }
}

/**
 * The consent wiring of one app, shipped with its request: the permissions it requests
 * (requiredResourceAccess), their approvals (one delegated grant per resource when consent is admin,
 * one app role assignment per application permission) and, for an API, the clients it pre-authorizes.
 */
export class AppAccess extends pulumi.ComponentResource {
    constructor(name: string, args: AppAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super(`${TYPE_PREFIX}:AppAccess`, name, {}, opts);
        // registration order is part of the contract (plan JSON lists resources in it): keep it
        const children = new AccessChildren(name, this, args);
        children.requests();
        children.grants();
        children.assignments();
        children.members();
        children.knownClients();
        children.preAuthorizations();
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
