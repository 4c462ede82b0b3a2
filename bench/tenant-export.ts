/**
 * A synthetic tenant export for the audit benchmark: the dev stack's tenant (tests/fixtures/tenant) plus N service
 * principals of other apps holding M app role assignments and delegated grants on Microsoft Graph and on each
 * other's APIs, with Graph's permissions from the catalog. Deterministic: the same sizes give the same export.
 */
import * as fs from "fs";
import * as path from "path";
import { PermissionCatalog } from "../lib/catalog";
import { GRAPH_APP_ID } from "../lib/ids";
import { GraphAppRoleAssignment, GraphGrant, GraphServicePrincipal, TenantExport } from "../lib/tenant/export";

const BASE = path.join(__dirname, "..", "tests", "fixtures", "tenant", "contoso-dev.json");
const guid = (kind: number, n: number) => `${kind.toString(16).padStart(8, "0")}-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;

export function syntheticExport(servicePrincipals: number, assignments: number, catalog = PermissionCatalog.load()): TenantExport {
    const data: TenantExport = JSON.parse(fs.readFileSync(BASE, "utf8"));
    let seed = 42;
    const rand = (n: number) => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed % n;
    };
    const graphPermissions = catalog.resource(GRAPH_APP_ID)!.permissions;
    const graph = data.servicePrincipals.find(s => s.appId === GRAPH_APP_ID)!;
    graph.appRoles = graphPermissions
        .filter(p => p.type === "application")
        .map(p => ({ id: p.id, value: p.value, allowedMemberTypes: ["Application"], isEnabled: true }));
    graph.oauth2PermissionScopes = graphPermissions
        .filter(p => p.type === "delegated")
        .map(p => ({ id: p.id, value: p.value, type: p.adminConsentRequired ? "Admin" : "User", isEnabled: true }));
    const delegated = graph.oauth2PermissionScopes.map(s => s.value);

    const sps: GraphServicePrincipal[] = [];
    const count = Math.max(0, servicePrincipals - data.servicePrincipals.length);
    for (let i = 0; i < count; i++) {
        // every tenth app exposes an API of its own, with two roles
        const roles =
            i % 10 === 0
                ? [
                      { id: guid(3, i * 2), value: "Data.Read", allowedMemberTypes: ["Application"] },
                      { id: guid(3, i * 2 + 1), value: "Data.Write", allowedMemberTypes: ["Application"] },
                  ]
                : [];
        sps.push({
            id: guid(1, i),
            appId: guid(2, i),
            displayName: `SaaS app ${i}`,
            accountEnabled: rand(50) !== 0,
            servicePrincipalType: "Application",
            appRoles: roles,
            oauth2PermissionScopes: [],
            passwordCredentials: [],
            keyCredentials: [],
        });
    }
    const apis = sps.filter(s => s.appRoles!.length);
    const extra: GraphAppRoleAssignment[] = [];
    for (let i = 0; i < assignments - data.appRoleAssignments.length && sps.length; i++) {
        const principal = sps[rand(sps.length)];
        const toGraph = !apis.length || rand(4) !== 0;
        const resource = toGraph ? graph : apis[rand(apis.length)];
        const role = resource.appRoles![rand(resource.appRoles!.length)];
        extra.push({ id: `a${i}`, appRoleId: role.id, principalId: principal.id, principalType: "ServicePrincipal", resourceId: resource.id });
    }
    const grants: GraphGrant[] = sps
        .filter((_, i) => i % 3 === 0)
        .map((sp, i) => ({
            id: `g${i}`,
            clientId: sp.id,
            resourceId: graph.id,
            consentType: i % 2 ? "Principal" : "AllPrincipals",
            principalId: i % 2 ? guid(4, i) : null,
            scope: Array.from({ length: 1 + rand(4) }, () => delegated[rand(delegated.length)]).join(" "),
        }));
    data.servicePrincipals.push(...sps);
    data.appRoleAssignments.push(...extra);
    data.oauth2PermissionGrants.push(...grants);
    return data;
}
