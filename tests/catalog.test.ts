import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { graphPermissionsFromExport, buildCatalog } from "../scripts/build-catalog";
import { effectiveTier } from "../lib/catalog";
import { catalog } from "./helpers";

const graph = catalog.resource("microsoft-graph")!;

describe("permission catalog", () => {
    it("resolves a permission by value and by GUID to the same entry", () => {
        const byName = catalog.resolve(graph, "User.Read.All", "application");
        assert.ok(byName.ok);
        const byId = catalog.resolve(graph, byName.permission.id.toUpperCase(), "application");
        assert.ok(byId.ok);
        assert.deepEqual(byId.permission, byName.permission);
        assert.equal(byName.permission.id, "df021288-bdef-4463-88db-98f22de89214");
        assert.equal(byName.permission.adminConsentRequired, true);
    });

    it("keeps delegated and application permissions of the same value apart", () => {
        const d = catalog.resolve(graph, "User.Read.All", "delegated");
        const a = catalog.resolve(graph, "User.Read.All", "application");
        assert.ok(d.ok && a.ok);
        assert.notEqual(d.permission.id, a.permission.id);
    });

    it("rejects a case variant and names the real permission", () => {
        const r = catalog.resolve(graph, "user.read.all", "application");
        assert.equal(r.ok, false);
        assert.ok(!r.ok && /case-sensitive/.test(r.reason));
        assert.equal(!r.ok && r.suggestion, "User.Read.All");
    });

    it("suggests the closest permission for a typo", () => {
        const r = catalog.resolve(graph, "User.RaedBasic.All", "application");
        assert.ok(!r.ok);
        assert.equal(r.suggestion, "User.ReadBasic.All");
    });

    it("says when a permission exists only with the other type", () => {
        const r = catalog.resolve(graph, "openid", "application");
        assert.ok(!r.ok && /delegated permission of Microsoft Graph, not an application one/.test(r.reason), !r.ok ? r.reason : "");
        const byId = catalog.resolve(graph, "df021288-bdef-4463-88db-98f22de89214", "delegated");
        assert.ok(!byId.ok && /application permission User.Read.All/.test(byId.reason));
    });

    it("knows resources by alias and appId, and Microsoft first-party apps", () => {
        assert.equal(catalog.resource("00000003-0000-0000-C000-000000000000"), graph);
        assert.equal(catalog.resource("sharepoint-online")?.appId, "00000003-0000-0ff1-ce00-000000000000");
        assert.equal(catalog.resource("microsoft-grpah"), undefined);
        assert.ok(catalog.isFirstParty("04b07795-8ddb-461a-bbee-02f9e1bf7b46"));
        assert.ok(!catalog.isFirstParty("7d0c9a4e-2b1f-4c1e-9d55-3a6f1f0b2c11"));
    });

    it("treats an unclassified permission as tier 0", () => {
        assert.equal(effectiveTier({ tier: null }), 0);
        assert.equal(effectiveTier({ tier: 2 }), 2);
        assert.ok(
            graph.permissions.some(p => p.tier === null),
            "the shared data has unclassified permissions",
        );
    });

    it("is rebuilt from the files in the repository by the build script, identically", () => {
        const { catalog: rebuilt } = buildCatalog(); // data/sources and data/tier-rules.json: nothing outside the repository
        assert.deepEqual(rebuilt, JSON.parse(fs.readFileSync(path.join(__dirname, "..", "data", "catalog.json"), "utf8")));
    });

    it("refreshes Microsoft Graph from a tenant export, keeping known tiers and marking new permissions unclassified", () => {
        const known = graph.permissions;
        const userReadAll = known.find(p => p.value === "User.Read.All" && p.type === "application")!;
        const refreshed = graphPermissionsFromExport(
            {
                appId: "00000003-0000-0000-c000-000000000000",
                appRoles: [
                    { id: userReadAll.id.toUpperCase(), value: "User.Read.All", allowedMemberTypes: ["Application"], isEnabled: true },
                    { id: "aaaaaaaa-0000-4000-8000-000000000001", value: "Brand.New.All", allowedMemberTypes: ["Application"], isEnabled: true },
                    { id: "aaaaaaaa-0000-4000-8000-000000000002", value: "Disabled.All", allowedMemberTypes: ["Application"], isEnabled: false },
                ],
                oauth2PermissionScopes: [{ id: "aaaaaaaa-0000-4000-8000-000000000003", value: "Brand.New", type: "User", isEnabled: true }],
            },
            known,
        );
        assert.deepEqual(
            refreshed.map(p => [p.value, p.type, p.tier, p.adminConsentRequired]),
            [
                ["User.Read.All", "application", userReadAll.tier, true],
                ["Brand.New.All", "application", null, true],
                ["Brand.New", "delegated", null, false],
            ],
        );
        assert.equal(refreshed[0].id, userReadAll.id);
        assert.throws(
            () => graphPermissionsFromExport({ appId: "00000002-0000-0000-c000-000000000000", appRoles: [], oauth2PermissionScopes: [] }, known),
            /not Microsoft Graph/,
        );
        assert.throws(() => graphPermissionsFromExport({}, known), /no appRoles/);
    });
});

describe("permission catalog: project-owned additions (data/catalog-additions.json)", () => {
    it("knows the delegated user_impersonation of Key Vault, Storage and Azure SQL Database, by value and GUID, as tier 1", () => {
        // Microsoft Learn (Azure Storage authorization with Microsoft Entra ID): Azure Storage exposes a single delegation
        // scope, user_impersonation, permitting any action the user may take; Key Vault and SQL expose the same.
        const expected: Record<string, string> = {
            "azure-key-vault": "f53da476-18e3-4152-8e01-aec403e6edc0",
            "azure-storage": "03e0da56-190b-40ad-a80c-ea378c433f7f",
            "azure-sql-database": "c39ef2d1-04ce-46dc-8b5f-e9a5c60f0fc9",
        };
        for (const [alias, id] of Object.entries(expected)) {
            const api = catalog.resource(alias)!;
            const byValue = catalog.resolve(api, "user_impersonation", "delegated");
            assert.ok(byValue.ok, alias);
            assert.deepEqual([byValue.permission.id, byValue.permission.tier], [id, 1], alias);
            const byId = catalog.resolve(api, id, "delegated");
            assert.ok(byId.ok && byId.permission.value === "user_impersonation", alias);
        }
    });
});
