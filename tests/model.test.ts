import { strict as assert } from "assert";
import { AppConfig } from "../lib/config/schema";
import { InputError, InputProblem } from "../lib/errors";
import { exposedPermissionId } from "../lib/ids";
import {
    AppModel,
    buildModel,
    checkAssignments,
    checkExternalAppIds,
    checkFederatedCredentials,
    checkIdentifierUris,
    checkIdentityFields,
    checkSignIn,
    checkTenantId,
    collect,
    ModelContext,
    resolveAccessRequests,
    resolveApp,
    resolveClient,
    resolveExposed,
    resolveGraphLowRisk,
    resolveKnownClients,
    resolveLowRiskMap,
    resolvePermissionList,
    resolvePreAuthorizations,
    resolveResource,
    resolveTenant,
} from "../lib/model";
import { GRAPH_APP_ID } from "../lib/ids";
import { PlanResult } from "../lib/plan/plan";
import { renderText } from "../lib/plan/report";
import { consentSummary } from "../lib/summary";
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

    it("names an app without displayName after its key, and the plan text and JSON say so", () => {
        const model = buildModel(devRaw(), catalog);
        const summary = consentSummary(model);
        assert.deepEqual(
            Object.entries(summary).map(([k, a]) => [k, a.displayName, a.displayNameFromKey ?? false]),
            [
                ["orders-api", "Contoso Orders API", false],
                ["orders-reports", "Contoso Orders Reports", false],
                ["orders-web", "Contoso Orders Web", false],
                ["orders-worker", "orders-worker", true],
                ["partner-sync", "partner-sync", true],
            ],
        );
        const raw = devRaw();
        delete raw.apps["orders-web"].displayName;
        const plan = { stack: "dev", tenant: { id: TENANT_ID, name: "contoso-dev" }, resources: [], violations: [], flows: [], errors: [] } as const;
        const text = renderText({
            ...plan,
            consent: consentSummary(buildModel(raw, catalog)),
            summary: { resources: 0, mandatory: 0, advisory: 0, failingFlows: 0, errors: 0 },
        } as unknown as PlanResult);
        // only registered apps: a managed identity or an external app is not named by this stack's displayName
        assert.deepEqual(
            text.split("\n").filter(l => l.includes("named ")),
            ['  named     "orders-web" in Entra: the app key, as config sets no displayName'],
        );
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

// Each rule of lib/model.ts alone: a small config in, the model part and the problems out (no catalog file, no Pulumi).
const T = "11111111-1111-1111-1111-111111111111";
/** Runs a rule with a fresh reporter; returns its result and the problems as "path: message (hint)". */
function run<R>(rule: (report: ReturnType<typeof collect>) => R): { result: R; found: string[] } {
    const problems: InputProblem[] = [];
    const result = rule(collect(problems));
    return { result, found: problems.map(p => `${p.path}: ${p.message}${p.hint ? ` (${p.hint})` : ""}`) };
}
const api: AppConfig = {
    displayName: "Orders API",
    scopes: { "Orders.Read": { description: "read", consent: "user" }, "Orders.Write": { description: "write" } },
    appRoles: { "Orders.Process": { description: "process" }, "Orders.Audit": { description: "audit", members: ["user"] } },
};
/** A context of pass-1 apps, as resolveModel builds it. */
function context(apps: Record<string, AppConfig>, problems: InputProblem[] = []): ModelContext {
    const report = collect(problems);
    return { catalog, apps: new Map(Object.entries(apps).map(([k, a]) => [k, resolveApp(k, a, T, report)])), report };
}
const model = (ctx: ModelContext, key: string): AppModel => ctx.apps.get(key) as AppModel;

describe("consent model rules, one at a time: the tenant and each app alone (pass 1)", () => {
    it("checkTenantId: reports a different azuread:tenantId, not the same one in another case, not an absent one", () => {
        assert.deepEqual(run(r => checkTenantId(T, T.toUpperCase(), r)).found, []);
        assert.deepEqual(run(r => checkTenantId(T, undefined, r)).found, []);
        assert.match(
            run(r => checkTenantId(T, "22222222-2222-2222-2222-222222222222", r)).found.join(),
            /^entra-consent:tenant\.id: is 1111.* but azuread:tenantId is 2222/,
        );
    });

    it("resolveGraphLowRisk: resolves Graph's delegated permissions by name or ID, reports the rest by index", () => {
        const { result, found } = run(r => resolveGraphLowRisk(["User.Read", "e1fe6dd8-ba31-4d61-89e7-88639da4683d", "Usr.Read"], catalog, r));
        assert.deepEqual(result, { [GRAPH_APP_ID]: ["User.Read", "User.Read"] });
        assert.deepEqual(found.length, 1);
        assert.match(found[0], /^entra-consent:tenant\.lowRiskPermissions\[2\]: .*Usr\.Read.*did you mean User\.Read/);
    });

    it("checkIdentityFields: external needs appId, registration fields belong to registered apps only", () => {
        assert.match(run(r => checkIdentityFields("x", {}, "external", r)).found.join(), /apps\.x\.appId: is required when identity is external/);
        const mi = run(r =>
            checkIdentityFields("w", { managedIdentity: { principalId: T }, clientSecret: { expiresInDays: 30 }, owners: [T] }, "managed-identity", r),
        );
        assert.deepEqual(
            mi.found.map(p => p.split(": ")[0]),
            ["entra-consent:apps.w.owners", "entra-consent:apps.w.clientSecret"],
        );
        assert.deepEqual(run(r => checkIdentityFields("a", { clientSecret: { expiresInDays: 30 } }, "application", r)).found, []);
    });

    it("checkAssignments: default access only without app roles; a role assigned to users must admit users", () => {
        const { found } = run(r =>
            checkAssignments(
                "a",
                { ...api, assignedTo: { users: [T] }, appRoles: { Run: { description: "d", assignedTo: { groups: [T] } } } },
                "application",
                r,
            ),
        );
        assert.equal(found.length, 2, found.join("\n"));
        assert.match(found[0], /apps\.a\.assignedTo: is default access/);
        assert.match(found[1], /apps\.a\.appRoles\.Run\.assignedTo: app role Run is for applications only/);
        assert.deepEqual(
            run(r => checkAssignments("a", { appRoles: { Run: { description: "d", members: ["user"], assignedTo: { groups: [T] } } } }, "application", r))
                .found,
            [],
        );
    });

    it("checkSignIn: web apps need a redirect URI, an http one is reported by index, daemons hold no delegated permissions", () => {
        assert.match(run(r => checkSignIn("w", {}, "web", "application", r)).found.join(), /apps\.w\.redirectUris: a web app needs at least one redirect URI/);
        assert.match(
            run(r => checkSignIn("w", { redirectUris: ["https://ok.example/cb", "http://x.example/cb"] }, "web", "application", r)).found.join(),
            /apps\.w\.redirectUris\[1\]: "http:\/\/x\.example\/cb"/,
        );
        assert.match(
            run(r => checkSignIn("d", { delegated: { "microsoft-graph": ["User.Read"] } }, "daemon", "application", r)).found.join(),
            /daemon has no signed-in user/,
        );
        assert.deepEqual(run(r => checkSignIn("n", { delegated: { "microsoft-graph": ["User.Read"] } }, "native", "application", r)).found, []);
    });

    it("checkFederatedCredentials: untrusted issuers and subjects naming more than one workload are reported", () => {
        const app: AppConfig = { federatedCredentials: { ci: { issuer: "https://evil.example", subject: "repo:contoso/*" } } };
        const { found } = run(r => checkFederatedCredentials("r", app, "application", T, r));
        assert.equal(found.length, 2, found.join("\n"));
        assert.match(found[0], /apps\.r\.federatedCredentials\.ci\.issuer: "https:\/\/evil\.example" is not an issuer/);
        assert.match(found[1], /apps\.r\.federatedCredentials\.ci\.subject:/);
        const ok: AppConfig = {
            federatedCredentials: { ci: { issuer: "https://token.actions.githubusercontent.com", subject: "repo:contoso/orders:ref:refs/heads/main" } },
        };
        assert.deepEqual(run(r => checkFederatedCredentials("r", ok, "application", T, r)).found, []);
    });
});

describe("consent model rules, one at a time: what an app exposes and claims (pass 1)", () => {
    it("resolveExposed: scopes and roles sorted, with stable IDs and defaults; a value used by both is reported", () => {
        const { result, found } = run(r => resolveExposed("api", api, r));
        assert.deepEqual(found, []);
        assert.deepEqual(
            result.scopes.map(s => [s.value, s.adminConsentRequired, s.tier, s.id]),
            [
                ["Orders.Read", false, 2, exposedPermissionId("api", "scope", "Orders.Read")],
                ["Orders.Write", true, 2, exposedPermissionId("api", "scope", "Orders.Write")],
            ],
        );
        assert.deepEqual(
            result.appRoles.map(r => [r.value, r.members]),
            [
                ["Orders.Audit", ["user"]],
                ["Orders.Process", ["application"]],
            ],
        );
        const dup = run(r => resolveExposed("api", { scopes: { X: { description: "d" } }, appRoles: { X: { description: "d" } } }, r));
        assert.match(dup.found.join(), /apps\.api\.appRoles\.X: "X" is also a scope/);
    });

    it("resolveApp: defaults (display name is the key, admin consent, single tenant) and the inferred kind", () => {
        const { result, found } = run(r => resolveApp("orders-api", { scopes: api.scopes, owners: ["AAAAAAAA-0000-0000-0000-000000000000"] }, T, r));
        assert.deepEqual(found, []);
        assert.deepEqual(
            [result.displayName, result.kind, result.kindInferred, result.identity, result.consent, result.signInAudience, result.owners],
            ["orders-api", "api", true, "application", "admin", "AzureADMyOrg", ["aaaaaaaa-0000-0000-0000-000000000000"]],
        );
        const mi = run(r => resolveApp("w", { identity: "managed-identity", managedIdentity: { resourceGroup: "rg", location: "westeurope" } }, T, r)).result;
        assert.deepEqual([mi.kind, mi.managedIdentity], ["daemon", { resourceGroup: "rg", location: "westeurope", name: "id-w" }]);
    });
});

describe("consent model rules, one at a time: references between apps and to Microsoft APIs (pass 2)", () => {
    it("checkIdentifierUris: the second app (by key) claiming a URI, in any case, is reported", () => {
        const ctx = context({ a: { identifierUri: "api://x" }, b: { identifierUri: "API://X" }, c: { identifierUri: "api://y" } });
        const { found } = run(r => checkIdentifierUris([...ctx.apps.values()], r));
        assert.deepEqual(found, ['entra-consent:apps.b.identifierUri: "API://X" is already the identifier URI of a (identifier URIs are unique in a tenant)']);
    });

    it("checkExternalAppIds: a Microsoft first-party app cannot be an external app of the stack", () => {
        const ctx = context({ cli: { identity: "external", appId: "04B07795-8DDB-461A-BBEE-02F9E1BF7B46" }, p: { identity: "external", appId: T } });
        const { found } = run(r => checkExternalAppIds([...ctx.apps.values()], catalog, r));
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(found[0], /apps\.cli\.appId: 04b07795.* is the Microsoft first-party app "Microsoft Azure CLI"/);
    });

    it("resolveResource: an API of the stack, a Microsoft API by alias or appId; an external app or a typo is reported", () => {
        const problems: InputProblem[] = [];
        const ctx = context({ "orders-api": api, partner: { identity: "external", appId: T } }, problems);
        assert.deepEqual(resolveResource(ctx, ["x"], "orders-api")?.ref, { kind: "app", key: "orders-api", name: "Orders API", label: "orders-api" });
        assert.equal(resolveResource(ctx, ["x"], "microsoft-graph")?.ref.label, "microsoft-graph");
        assert.equal(resolveResource(ctx, ["x"], GRAPH_APP_ID)?.ref.kind, "microsoft");
        assert.equal(resolveResource(ctx, ["p"], "partner"), undefined);
        assert.equal(resolveResource(ctx, ["t"], "orders-apj"), undefined);
        assert.deepEqual(
            problems.map(p => p.message + (p.hint ? ` (${p.hint})` : "")),
            ['"partner" is an external app, which exposes no API here', 'unknown resource "orders-apj" (did you mean "orders-api"?)'],
        );
    });

    it("resolvePermissionList: sorted by value; the same permission by name and by ID is reported once listed twice", () => {
        const ctx = context({ "orders-api": api });
        const resource = resolveResource(ctx, [], "orders-api")!;
        const writeId = exposedPermissionId("orders-api", "scope", "Orders.Write");
        const { result, found } = run(r => resolvePermissionList(r, ["l"], resource, ["Orders.Write", "Orders.Read", writeId], "delegated"));
        assert.deepEqual(
            result.map(p => p.value),
            ["Orders.Read", "Orders.Write"],
        );
        assert.deepEqual(found, ["entra-consent:l[2]: Orders.Write is listed twice (by name and by ID) (list each permission once)"]);
    });

    it("resolveAccessRequests: one entry per resource; a user-only app role requested by an app and a resource named twice are reported", () => {
        const problems: InputProblem[] = [];
        const raw: AppConfig = {
            application: { "orders-api": ["Orders.Audit"], "microsoft-graph": ["User.Read.All"], [GRAPH_APP_ID]: ["Group.Read.All"] },
            delegated: { "orders-api": ["Orders.Read"] },
        };
        const ctx = context({ "orders-api": api, d: raw }, problems);
        resolveAccessRequests(ctx, model(ctx, "d"), raw);
        assert.deepEqual(
            model(ctx, "d").delegated.map(a => [a.resource.label, a.permissions.map(p => p.value)]),
            [["orders-api", ["Orders.Read"]]],
        );
        assert.deepEqual(
            model(ctx, "d").application.map(a => a.resource.label),
            ["microsoft-graph", "orders-api"],
        );
        assert.equal(problems.length, 2, problems.map(p => p.message).join("\n"));
        assert.match(problems[0].message, /names the same resource \(Microsoft Graph\)/);
        assert.match(problems[1].message, /app role Orders.Audit of orders-api is for users only/);
    });
});

describe("consent model rules, one at a time: clients and classifications (pass 2)", () => {
    it("resolveClient and resolvePreAuthorizations: stack apps by key, external apps and GUIDs by appId; roles and managed identities refused", () => {
        const problems: InputProblem[] = [];
        const raw: AppConfig = {
            ...api,
            preAuthorized: { web: ["Orders.Read"], mi: ["Orders.Read"], "04b07795-8ddb-461a-bbee-02f9e1bf7b46": ["Orders.Process"] },
        };
        const ctx = context(
            {
                "orders-api": raw,
                web: { kind: "native" },
                mi: { identity: "managed-identity", managedIdentity: { principalId: T } },
                ext: { identity: "external", appId: T },
            },
            problems,
        );
        assert.deepEqual(resolveClient(ctx, [], "ext"), { kind: "appId", appId: T });
        resolvePreAuthorizations(ctx, model(ctx, "orders-api"), raw);
        assert.deepEqual(
            model(ctx, "orders-api").preAuthorized.map(p => [p.client, p.scopes.map(s => s.value)]),
            [
                [{ kind: "appId", appId: "04b07795-8ddb-461a-bbee-02f9e1bf7b46", firstPartyName: "Microsoft Azure CLI" }, []],
                [{ kind: "app", key: "web" }, ["Orders.Read"]],
            ],
        );
        assert.deepEqual(
            problems.map(p => p.path),
            ['entra-consent:apps["orders-api"].preAuthorized["04b07795-8ddb-461a-bbee-02f9e1bf7b46"][0]', 'entra-consent:apps["orders-api"].preAuthorized.mi'],
        );
        assert.match(problems[0].message, /is an app role/);
    });

    it("resolveKnownClients: other interactive apps of the stack, sorted; itself, daemons and unknown keys reported", () => {
        const problems: InputProblem[] = [];
        const raw: AppConfig = { ...api, knownClients: ["web", "api", "cli", "job", "wbe"] };
        const ctx = context(
            { api: raw, web: { kind: "spa", redirectUris: ["https://x.example"] }, cli: { kind: "native" }, job: { kind: "daemon" } },
            problems,
        );
        resolveKnownClients(ctx, model(ctx, "api"), raw);
        assert.deepEqual(model(ctx, "api").knownClients, ["cli", "web"]);
        assert.deepEqual(
            problems.map(p => `${p.path}: ${p.message}`),
            [
                "entra-consent:apps.api.knownClients[1]: is this API itself",
                'entra-consent:apps.api.knownClients[3]: "job" is a daemon: no user signs in to it, so there is no consent to combine',
                'entra-consent:apps.api.knownClients[4]: unknown app "wbe"',
            ],
        );
    });

    it("resolveLowRiskMap and resolveTenant: classifications by resource key, the stack's own APIs included; defaults of the tenant", () => {
        const problems: InputProblem[] = [];
        const ctx = context({ "orders-api": api }, problems);
        const lowRisk: Record<string, string[]> = {};
        resolveLowRiskMap(ctx, { "orders-api": ["Orders.Read"], "microsoft-graph": ["User.Read"], [GRAPH_APP_ID]: ["openid"] }, lowRisk);
        // keys are read in sorted order: Graph's appId comes before its alias, so the alias is the duplicate
        assert.deepEqual(lowRisk, { "app:orders-api": ["Orders.Read"], [GRAPH_APP_ID]: ["openid"] });
        assert.deepEqual(
            problems.map(p => p.path),
            ['entra-consent:tenant.lowRiskPermissions["microsoft-graph"]'],
        );
        assert.deepEqual(resolveTenant({ id: T.toUpperCase(), name: "t" }, lowRisk), {
            id: T,
            name: "t",
            userConsent: "none",
            lowRiskPermissions: lowRisk,
            adminConsentWorkflow: false,
        });
    });
});
