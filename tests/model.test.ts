import { strict as assert } from "assert";
import { InputError } from "../lib/errors";
import { exposedPermissionId } from "../lib/ids";
import { buildModel } from "../lib/model";
import { GRAPH_APP_ID } from "../lib/ids";
import { catalog, devRaw, TENANT_ID } from "./helpers";

/** The problems buildModel reports for a raw config, as "path: message (hint)" strings. */
function problems(raw: unknown, opts = {}): string[] {
    try {
        buildModel(raw, catalog, opts);
    } catch (e) {
        if (e instanceof InputError) return e.problems.map(p => `${p.path}: ${p.message}${p.hint ? ` (${p.hint})` : ""}`);
        throw e;
    }
    return [];
}

function expectProblem(raw: unknown, path: string, pattern: RegExp, opts = {}) {
    const found = problems(raw, opts);
    assert.ok(
        found.some(p => p.startsWith(`${path}: `) && pattern.test(p)),
        `expected ${path} ${pattern}, got:\n${found.join("\n")}`,
    );
}

describe("stack config: shape (JSON Schema)", () => {
    it("accepts the sample dev stack", () => {
        assert.deepEqual(problems(devRaw()), []);
    });

    it("reports an unknown key with its path and the closest real key", () => {
        const raw = devRaw();
        raw.apps["orders-web"].redirectUri = raw.apps["orders-web"].redirectUris;
        expectProblem(raw, 'entra-consent:apps["orders-web"].redirectUri', /unknown key "redirectUri"; did you mean "redirectUris"\?/);
    });

    it("reports a bad enum value with the closest allowed one", () => {
        const raw = devRaw();
        raw.tenant.userConsent = "lowrisk";
        expectProblem(raw, "entra-consent:tenant.userConsent", /did you mean "low-risk"/);
    });

    it("reports every problem at once", () => {
        const raw = devRaw();
        raw.tenant.id = "not-a-guid";
        raw.apps["orders-web"].kind = "website";
        raw.apps["orders-api"].scopes["Orders.Read"] = { consent: "user" };
        const found = problems(raw);
        assert.equal(found.length, 3, found.join("\n"));
        assert.ok(found.some(p => p.startsWith("entra-consent:tenant.id: ")));
        assert.ok(found.some(p => p.startsWith('entra-consent:apps["orders-web"].kind: ')));
        assert.ok(found.some(p => p.startsWith('entra-consent:apps["orders-api"].scopes["Orders.Read"].description: is required')));
    });

    it("rejects a bad app key, an empty permission list and a wrong type", () => {
        const raw = devRaw();
        raw.apps["Orders_Web"] = raw.apps["orders-web"];
        raw.apps["orders-reports"].application["microsoft-graph"] = [];
        raw.apps["orders-api"].preAuthorized = ["orders-web"];
        raw.apps["orders-reports"].federatedCredentials["github-main"].issuer = "http://token.example";
        expectProblem(raw, "entra-consent:apps.Orders_Web", /not a valid key/);
        expectProblem(raw, 'entra-consent:apps["orders-reports"].application["microsoft-graph"]', /is empty/);
        expectProblem(raw, 'entra-consent:apps["orders-api"].preAuthorized', /is a list, expected a map/);
        expectProblem(
            raw,
            'entra-consent:apps["orders-reports"].federatedCredentials["github-main"].issuer',
            /"http:\/\/token.example" is not valid \(the token issuer/,
        );
    });
});

describe("stack config: meaning (names resolved against the catalog and the stack)", () => {
    it("suggests the closest permission for a misspelled one", () => {
        const raw = devRaw();
        raw.apps["orders-web"].delegated["microsoft-graph"] = ["User.Read", "Usr.Read"];
        expectProblem(
            raw,
            'entra-consent:apps["orders-web"].delegated["microsoft-graph"][1]',
            /has no delegated permission "Usr.Read".*did you mean "User.Read"/,
        );
    });

    it("rejects a case variant of a permission, naming the real one", () => {
        const raw = devRaw();
        raw.apps["orders-reports"].application["microsoft-graph"] = ["user.readbasic.all"];
        expectProblem(raw, 'entra-consent:apps["orders-reports"].application["microsoft-graph"][0]', /case-sensitive.*did you mean "User.ReadBasic.All"/);
    });

    it("suggests the closest resource or app key", () => {
        const raw = devRaw();
        raw.apps["orders-web"].delegated["microsoft-grahp"] = raw.apps["orders-web"].delegated["microsoft-graph"];
        delete raw.apps["orders-web"].delegated["microsoft-graph"];
        raw.apps["orders-reports"].application["order-api"] = ["Orders.Process"];
        delete raw.apps["orders-reports"].application["orders-api"];
        expectProblem(raw, 'entra-consent:apps["orders-web"].delegated["microsoft-grahp"]', /unknown resource.*did you mean "microsoft-graph"/);
        expectProblem(raw, 'entra-consent:apps["orders-reports"].application["order-api"]', /unknown resource.*did you mean "orders-api"/);
    });

    it("suggests the closest scope of a stack API", () => {
        const raw = devRaw();
        raw.apps["orders-web"].delegated["orders-api"] = ["Orders.Raed"];
        expectProblem(raw, 'entra-consent:apps["orders-web"].delegated["orders-api"][0]', /did you mean "Orders.Read"/);
    });

    it("rejects an app role in a pre-authorization", () => {
        const raw = devRaw();
        raw.apps["orders-api"].preAuthorized["orders-web"] = ["Orders.Read", "Orders.Process"];
        expectProblem(raw, 'entra-consent:apps["orders-api"].preAuthorized["orders-web"][1]', /is an app role; pre-authorization covers delegated scopes only/);
    });

    it("rejects the same permission named twice, by value and by GUID", () => {
        const raw = devRaw();
        raw.apps["orders-reports"].application["microsoft-graph"] = ["User.ReadBasic.All", "97235f07-e226-4f63-ace3-39588e11d3a1"];
        expectProblem(raw, 'entra-consent:apps["orders-reports"].application["microsoft-graph"][1]', /listed twice/);
    });

    it("rejects the same resource under two names", () => {
        const raw = devRaw();
        raw.apps["orders-reports"].application["00000003-0000-0000-c000-000000000000"] = ["Group.Read.All"];
        expectProblem(
            raw,
            'entra-consent:apps["orders-reports"].application["microsoft-graph"]',
            /same resource \(Microsoft Graph\) as "00000003-0000-0000-c000-000000000000"/,
        );
    });

    it("checks identities: external needs appId, managed identities hold no delegated permissions, daemons have no user", () => {
        const raw = devRaw();
        delete raw.apps["partner-sync"].appId;
        raw.apps["orders-worker"].delegated = { "microsoft-graph": ["User.Read"] };
        raw.apps["orders-reports"].delegated = { "microsoft-graph": ["User.Read"] };
        expectProblem(raw, 'entra-consent:apps["partner-sync"].appId', /is required when identity is external/);
        expectProblem(raw, 'entra-consent:apps["orders-worker"].delegated', /managed identity has no signed-in user/);
        expectProblem(raw, 'entra-consent:apps["orders-reports"].delegated', /daemon has no signed-in user/);
        const mi = devRaw();
        mi.apps["orders-worker"].clientSecret = { expiresInDays: 30 };
        expectProblem(mi, 'entra-consent:apps["orders-worker"].clientSecret', /only applies to an app registered in this stack/);
    });

    it("rejects a Microsoft first-party app ID as an external app (AADSTS65002)", () => {
        const raw = devRaw();
        raw.apps["partner-sync"].appId = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
        expectProblem(raw, 'entra-consent:apps["partner-sync"].appId', /Microsoft first-party app "Microsoft Azure CLI".*AADSTS65002/);
    });

    it("rejects duplicate identifier URIs, user-only roles requested by apps, and a tenant ID that differs from azuread:tenantId", () => {
        const raw = devRaw();
        raw.apps["orders-web"].identifierUri = "api://contoso-orders-dev";
        raw.apps["orders-api"].appRoles["Orders.Process"].members = ["user"];
        expectProblem(raw, 'entra-consent:apps["orders-web"].identifierUri', /already the identifier URI of orders-api/);
        expectProblem(raw, 'entra-consent:apps["orders-reports"].application["orders-api"]', /for users only/);
        expectProblem(devRaw(), "entra-consent:tenant.id", /azuread:tenantId is 22222222/, { azureadTenantId: "22222222-2222-2222-2222-222222222222" });
    });
});

describe("consent model", () => {
    it("derives scope and role IDs from the app key and value only", () => {
        const model = buildModel(devRaw(), catalog, { azureadTenantId: TENANT_ID });
        const api = model.apps.find(a => a.key === "orders-api")!;
        assert.equal(api.scopes.find(s => s.value === "Orders.Read")!.id, exposedPermissionId("orders-api", "scope", "Orders.Read"));
        assert.notEqual(exposedPermissionId("orders-api", "scope", "Orders.Read"), exposedPermissionId("orders-api", "role", "Orders.Read"));
        assert.notEqual(exposedPermissionId("orders-api", "scope", "Orders.Read"), exposedPermissionId("billing-api", "scope", "Orders.Read"));
    });

    it("is the same whatever the order of apps, scopes and permissions in config", () => {
        const raw = devRaw();
        const reversed = (o: Record<string, any>) => Object.fromEntries(Object.entries(o).reverse());
        const shuffled = { tenant: raw.tenant, apps: reversed(raw.apps) };
        shuffled.apps["orders-api"].scopes = reversed(shuffled.apps["orders-api"].scopes);
        shuffled.apps["orders-web"].delegated = reversed(shuffled.apps["orders-web"].delegated);
        shuffled.apps["orders-web"].delegated["microsoft-graph"] = [...shuffled.apps["orders-web"].delegated["microsoft-graph"]].reverse();
        assert.deepEqual(buildModel(shuffled, catalog), buildModel(devRaw(), catalog));
    });

    it("infers kinds and applies defaults", () => {
        const raw = devRaw();
        delete raw.apps["orders-web"].kind;
        delete raw.apps["orders-reports"].kind;
        delete raw.apps["orders-web"].consent;
        const model = buildModel(raw, catalog);
        const app = (k: string) => model.apps.find(a => a.key === k)!;
        assert.equal(app("orders-api").kind, "api");
        assert.equal(app("orders-web").kind, "web");
        assert.equal(app("orders-web").consent, "admin");
        assert.equal(app("orders-reports").kind, "daemon");
        assert.equal(app("orders-worker").kind, "daemon");
        assert.equal(model.tenant.userConsent, "low-risk");
        assert.deepEqual(model.tenant.lowRiskPermissions, { [GRAPH_APP_ID]: ["openid", "profile", "email", "offline_access", "User.Read"] });
    });
});
