import { strict as assert } from "assert";
import { buildModel } from "../lib/model";
import { lookupFailure, microsoftResourcesUsed, permissionIdMismatches, tenantMismatch } from "../lib/preflight";
import { credentialLifetime, parseGoDuration } from "../policies/lib/lifetime";
import { catalog, devRaw } from "./helpers";

const GRAPH = "00000003-0000-0000-c000-000000000000";
const model = buildModel(devRaw(), catalog);
const graphIds = (type: "application" | "delegated") =>
    Object.fromEntries(
        catalog
            .resource(GRAPH)!
            .permissions.filter(p => p.type === type)
            .map(p => [p.value, p.id]),
    );

describe("deploy-time checks (pure)", () => {
    it("tells a missing Microsoft service principal from one the deployer may not read", () => {
        const missing = lookupFailure("Microsoft Graph", GRAPH, "contoso-dev", 'could not find service principal with client ID "00000003-..."');
        assert.match(missing, /has no service principal in tenant contoso-dev: tokens for it fail with AADSTS500011.*az ad sp create --id 00000003/);
        for (const said of ["Authorization_RequestDenied: Insufficient privileges to complete the operation.", "unexpected status 403 with OData error"]) {
            const denied = lookupFailure("Microsoft Graph", GRAPH, "contoso-dev", said);
            assert.match(denied, /may not read the service principal of Microsoft Graph.*Application.Read.All/, said);
            assert.doesNotMatch(denied, /az ad sp create/, "never tells a deployer without read rights to create Microsoft Graph");
        }
    });

    it("lists the Microsoft APIs a stack uses", () => {
        assert.deepEqual([...microsoftResourcesUsed(model)], [[GRAPH, "Microsoft Graph"]]);
    });

    it("accepts the signed-in tenant in any case and names both tenants otherwise", () => {
        assert.equal(tenantMismatch(model, "11111111-1111-1111-1111-111111111111".toUpperCase()), undefined);
        assert.match(
            tenantMismatch(model, "22222222-2222-2222-2222-222222222222")!,
            /signed in to tenant 22222222-.*declares tenant contoso-dev \(11111111-.*nothing was written/,
        );
    });

    it("finds permission IDs that differ from the tenant's, or that the tenant lacks", () => {
        const sp = { appId: GRAPH, objectId: "x", appRoleIds: graphIds("application"), oauth2PermissionScopeIds: graphIds("delegated") };
        assert.deepEqual(permissionIdMismatches(model, new Map([[GRAPH, sp]])), []);
        const drifted = {
            ...sp,
            appRoleIds: { ...sp.appRoleIds, "Group.Read.All": "99999999-9999-4999-8999-999999999999" },
            oauth2PermissionScopeIds: { ...sp.oauth2PermissionScopeIds },
        };
        delete (drifted.oauth2PermissionScopeIds as Record<string, string>).profile;
        const problems = permissionIdMismatches(model, new Map([[GRAPH, drifted]]));
        assert.equal(problems.length, 2, problems.join("\n"));
        assert.match(problems.join("\n"), /apps.orders-web.delegated.microsoft-graph: Microsoft Graph in this tenant has no delegated permission profile/);
        assert.match(problems.join("\n"), /apps.partner-sync.application.microsoft-graph: Group.Read.All is 99999999-.* refresh the catalog/);
    });
});

describe("credential lifetimes (pure)", () => {
    it("reads Go durations as the azuread provider takes them, and refuses others", () => {
        assert.equal(parseGoDuration("4320h"), 4320 * 3600e3);
        assert.equal(parseGoDuration("90h30m"), 90.5 * 3600e3);
        assert.equal(parseGoDuration("180d"), undefined);
        assert.equal(parseGoDuration(""), undefined);
    });

    it("measures from startDate or now, to endDate or by endDateRelative", () => {
        const now = new Date("2026-01-01T00:00:00Z");
        const days = (props: Record<string, string>) => credentialLifetime(props, now);
        assert.deepEqual(days({ endDate: "2026-07-01T00:00:00Z" }), { kind: "days", days: 181 });
        assert.deepEqual(days({ startDate: "2025-12-01T00:00:00Z", endDate: "2026-01-31T00:00:00Z" }), { kind: "days", days: 61 });
        // a start in the future does not shorten it: the secret is known (and copyable) from today
        assert.deepEqual(days({ startDate: "2026-06-01T00:00:00Z", endDate: "2026-07-01T00:00:00Z" }), { kind: "days", days: 181 });
        assert.deepEqual(days({ endDateRelative: "720h" }), { kind: "days", days: 30 });
        assert.deepEqual(days({ startDate: "2026-01-31T00:00:00Z", endDateRelative: "720h" }), { kind: "days", days: 60 });
        assert.deepEqual(days({}), { kind: "unset" });
    });
});
