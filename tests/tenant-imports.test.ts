import { strict as assert } from "assert";
import { loadStack, planStack, PlanResult } from "../lib/plan/plan";
import { encodeName } from "../lib/ids";
import { T } from "../lib/resource-types";
import { planImports, scopeChanges, urnParts } from "../lib/tenant/imports";
import { catalog, DEV_STACK } from "./helpers";
import { fixture } from "./tenant-helpers";

// Import IDs: @pulumi/azuread 6.9.1 "Import" sections (/applications/{id}, /servicePrincipals/{id},
// /oauth2PermissionGrants/{id}, /servicePrincipals/{resourceId}/appRoleAssignedTo/{id}); file format: `pulumi import` CLI docs.
describe("import file for an existing tenant (lib/tenant/imports.ts)", () => {
    let plan: PlanResult;
    const model = () => loadStack(DEV_STACK, catalog).model!;
    before(async () => {
        plan = await planStack({ configFile: DEV_STACK, catalog });
    });
    const importsOf = (data = fixture(), opts = {}) => planImports(data, plan.resources, model(), opts);
    const idOf = (r: ReturnType<typeof importsOf>, name: string) => r.imports.find(i => i.name === name)?.id;

    it("adopts the same app, service principal, grant and role assignment with the provider's import IDs", () => {
        const r = importsOf();
        assert.equal(idOf(r, "orders-web-registration"), "/applications/a1000000-0000-4000-8000-000000000002");
        assert.equal(idOf(r, "orders-web-sp"), "/servicePrincipals/c1000000-0000-4000-8000-000000000002");
        assert.equal(idOf(r, "partner-sync-sp"), "/servicePrincipals/c1000000-0000-4000-8000-000000000005", "an external app's service principal by its appId");
        assert.equal(idOf(r, "tenant-microsoft-00000003-0000-0000-c000-000000000000"), "/servicePrincipals/c2a1b7f0-5d3e-4b8a-9f61-0a1e2d3c4b5a");
        assert.equal(idOf(r, encodeName("orders-web", "grant", "orders-api")), "/oauth2PermissionGrants/grant-web-api-AllPrincipals-x2");
        assert.equal(
            idOf(r, encodeName("orders-reports", "assign", "orders-api", "Orders.Process")),
            "/servicePrincipals/c1000000-0000-4000-8000-000000000001/appRoleAssignedTo/asg-reports-api-x2",
            "the existing API's role of that value, though its ID differs from the derived one",
        );
        assert.equal(
            idOf(r, encodeName("partner-sync", "assign", "microsoft-graph", "Group.Read.All")),
            "/servicePrincipals/c2a1b7f0-5d3e-4b8a-9f61-0a1e2d3c4b5a/appRoleAssignedTo/asg-partner-graph-x5",
        );
        assert.equal(r.imports.length, 16);
        assert.deepEqual(importsOf(fixture(), { clientIds: { "orders-api": "b1000000-0000-4000-8000-000000000001" } }).appsMatchedByName, [
            "orders-reports",
            "orders-web",
            "orders-worker",
        ]);
    });

    it("a grant that exists with other scopes is an import followed by an update, with the scopes that change", () => {
        const r = importsOf();
        assert.deepEqual(
            r.updates.map(u => [u.name, u.add, u.remove]),
            [[encodeName("orders-web", "grant", "microsoft-graph"), [], ["Mail.Read"]]],
        );
        const e = fixture();
        e.oauth2PermissionGrants[0].scope = "openid";
        assert.deepEqual(
            importsOf(e).updates.map(u => [u.add, u.remove]),
            [[["profile", "User.Read"], []]],
        );
    });

    it("does not adopt a per-user grant for the stack's tenant-wide one, nor an object that is not there", () => {
        const e = fixture();
        e.oauth2PermissionGrants[1].consentType = "Principal";
        e.oauth2PermissionGrants[1].principalId = "f1000000-0000-4000-8000-000000000001";
        e.appRoleAssignments = e.appRoleAssignments.filter(a => a.id !== "asg-reports-api-x2");
        const r = importsOf(e);
        assert.equal(idOf(r, encodeName("orders-web", "grant", "orders-api")), undefined);
        assert.equal(idOf(r, encodeName("orders-reports", "assign", "orders-api", "Orders.Process")), undefined);
        assert.equal(
            idOf(r, encodeName("orders-worker", "assign", "orders-api", "Orders.Process")),
            "/servicePrincipals/c1000000-0000-4000-8000-000000000001/appRoleAssignedTo/asg-worker-api-x4",
        );
    });

    it("writes the CLI's file: names and parents as the program uses them, parent components created empty", () => {
        const r = importsOf(fixture(), { azureadVersion: "6.9.1" });
        const names = new Set(r.file.resources.map(x => x.name));
        assert.equal(names.size, r.file.resources.length, "names are unique in the file");
        assert.ok(
            [...names].every(n => /^[A-Za-z0-9_-]+$/.test(n)),
            "names are plain identifiers",
        );
        for (const x of r.file.resources) {
            if (x.parent) assert.ok(names.has(x.parent) || x.parent in r.file.nameTable, `${x.name}: parent ${x.parent} is defined`);
            assert.ok(x.component ? x.id === undefined : x.id && x.version === "6.9.1");
        }
        const grant = r.file.resources.find(x => x.logicalName === encodeName("orders-web", "grant", "orders-api"))!;
        assert.equal(grant.type, T.grant);
        const access = r.file.resources.find(x => x.name === grant.parent)!;
        assert.deepEqual([access.type, access.logicalName, access.component], ["entra-consent:index:AppAccess", "orders-web", true]);
        const tenant = r.file.resources.find(x => x.name === access.parent)!;
        assert.deepEqual([tenant.logicalName, tenant.parent], ["tenant", undefined]);
        // every imported resource's planned URN is rebuilt by the engine from type, name and parent chain
        const planned = plan.resources.find(p => p.name === encodeName("orders-web", "grant", "orders-api"))!;
        assert.equal(urnParts(planned.urn).name, grant.logicalName);
    });

    it("references components already in the stack through the name table", () => {
        const tenantUrn = plan.resources.find(p => p.type === "entra-consent:index:TenantConsent")!.urn;
        const r = importsOf(fixture(), { existingUrns: [tenantUrn] });
        assert.deepEqual(Object.values(r.file.nameTable), [tenantUrn]);
        assert.ok(!r.file.resources.some(x => x.type === "entra-consent:index:TenantConsent"));
    });

    it("names what an adopted app has besides, which the first up writes over", () => {
        const r = importsOf();
        assert.ok(r.notImported.some(n => /ApplicationIdentifierUri "orders-api-identifier-uri" of the adopted app orders-api/.test(n.reason)));
        assert.ok(r.notImported.some(n => n.reason.includes(`ApplicationApiAccess "${encodeName("orders-web", "requests", "microsoft-graph")}"`)));
        const e = fixture();
        e.applications = e.applications.filter(a => a.displayName !== "Contoso Orders API");
        assert.ok(!importsOf(e).notImported.some(n => /adopted app orders-api/.test(n.reason)), "an app that is not adopted is created whole");
    });
});

// An imported grant is then updated to the program's scopes (PATCH replaces the scope string; Graph
// "Update oAuth2PermissionGrant"): the plan must list both what the update adds and what it takes away.
describe("scopeChanges: what the first update does to an imported grant", () => {
    it("lists the program's scopes the grant lacks and the grant's scopes the program drops", () => {
        assert.deepEqual(scopeChanges(["User.Read", "Mail.Read"], ["User.Read", "Directory.ReadWrite.All"]), {
            add: ["Mail.Read"],
            remove: ["Directory.ReadWrite.All"],
        });
    });
    it("is empty when the scopes are the same in another order", () => {
        assert.deepEqual(scopeChanges(["openid", "User.Read"], ["User.Read", "openid"]), { add: [], remove: [] });
    });
});
