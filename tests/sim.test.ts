import { strict as assert } from "assert";
import * as path from "path";
import { planStack } from "../lib/plan/plan";
import { runProgram } from "../lib/plan/run";
import { T } from "../lib/resource-types";
import {
    acceptAsWritten,
    applicationRule,
    assignmentRule,
    grantRule,
    permissionRule,
    RESOURCE_RULES,
    ResourceRequest,
    servicePrincipalRule,
    SimulatedTenant,
    TenantRejection,
} from "../lib/sim/tenant";
import { catalog, devConfig, TENANT_ID, writeStack } from "./helpers";

const WIRING = path.join(__dirname, "fixtures", "programs", "wiring.ts");

function planWiring(which: string) {
    return planStack({ configFile: writeStack({ "azuread:tenantId": TENANT_ID, "test:case": which }), program: WIRING, catalog });
}

describe("simulated tenant", () => {
    it("accepts a correctly wired raw azuread program", async () => {
        const plan = await planWiring("correct");
        assert.deepEqual(plan.errors, []);
        assert.equal(plan.resources.filter(r => r.type.startsWith("azuread:")).length, 11);
    });

    const rejections: [string, RegExp][] = [
        ["client-id-as-application-id", /api-scope: 400 applicationId "[0-9a-f-]+" is not an application resource ID.*that is a client ID/],
        ["client-id-as-sp-object-id", /grant: 404 Resource '[0-9a-f-]+' does not exist.*servicePrincipalObjectId.*that is a client ID/],
        ["duplicate-grant", /grant-again: 409 Permission entry already exists: one oauth2PermissionGrant per client, resource, consent type and principal/],
        ["role-not-for-apps", /assignment: 400 App role Things.Process of raw api does not allow applications/],
        ["assignment-unknown-role", /assignment: 400 Permission being assigned was not found/],
        ["grant-unknown-scope", /grant: 400 Scope 'Things.Write' is not a delegated permission of raw api/],
        ["duplicate-identifier-uri", /client-uri: 400 Another object with the same value for property identifierUris already exists/],
        ["preauth-app-role", /preauth: 400 Permission .* is an app role of raw api; preAuthorizedApplications may only name delegated permission scopes/],
        ["sp-for-unknown-app", /ghost-sp: 400 The appId .* does not reference a valid application object \(AADSTS700016/],
        ["unmocked-invoke", /does not answer azuread:index\/getUser:getUser/],
    ];
    for (const [which, pattern] of rejections) {
        it(`rejects ${which}`, async () => {
            const plan = await planWiring(which);
            assert.ok(
                plan.errors.some(e => pattern.test(e)),
                `expected ${pattern}, got:\n${plan.errors.join("\n")}`,
            );
        });
    }
});

describe("deploy-time checks before any write", () => {
    const written = (resources: { type: string }[]) => resources.filter(r => r.type.startsWith("azuread:") || r.type.startsWith("azure-native:"));

    it("stops when signed in to another tenant, naming both tenants", async () => {
        const plan = await planStack({ configFile: writeStack(devConfig()), catalog, signedInTenantId: "22222222-2222-2222-2222-222222222222" });
        assert.ok(
            plan.errors.some(e => /signed in to tenant 22222222-2222-2222-2222-222222222222, but stack dev declares tenant contoso-dev \(11111111-/.test(e)),
            plan.errors.join("\n"),
        );
        assert.deepEqual(written(plan.resources), []);
    });

    it("stops when a Microsoft permission ID in the tenant differs from the catalog", async () => {
        const tenant = new SimulatedTenant({
            tenantId: TENANT_ID,
            catalog,
            permissionIdOverrides: { "00000003-0000-0000-c000-000000000000": { "Group.Read.All": "99999999-9999-4999-8999-999999999999" } },
        });
        const run = await runProgram({ program: "index.ts", config: devConfig(), stack: "dev", tenant });
        assert.ok(
            run.errors.some(e =>
                /partner-sync.*Group.Read.All is 99999999-9999-4999-8999-999999999999 in this tenant but 5b567255-7703-4780-807c-7be8301ae99b in the catalog/.test(
                    e,
                ),
            ),
            run.errors.join("\n"),
        );
        assert.deepEqual(written(run.resources), []);
    });

    it("stops when a Microsoft API has no service principal in the tenant (AADSTS500011)", async () => {
        const tenant = new SimulatedTenant({ tenantId: TENANT_ID, catalog, missingMicrosoftPrincipals: ["00000003-0000-0000-c000-000000000000"] });
        const run = await runProgram({ program: "index.ts", config: devConfig(), stack: "dev", tenant });
        assert.ok(
            run.errors.some(e =>
                /Microsoft Graph \(00000003-0000-0000-c000-000000000000\) has no service principal in tenant contoso-dev.*AADSTS500011/.test(e),
            ),
            run.errors.join("\n"),
        );
        assert.deepEqual(written(run.resources), []);
    });
});

describe("--program with this project's config", () => {
    it("predicts no flows for a program that does not build the tenant with our components", async () => {
        const config = { ...devConfig(), "test:case": "correct" };
        const plan = await planStack({ configFile: writeStack(config), program: WIRING, catalog });
        assert.deepEqual(plan.errors, []);
        assert.deepEqual(plan.flows, []);
        assert.ok(plan.consent, "the config is still validated and summarised");
    });
});

/** Each resource type's rule alone (lib/sim/tenant.ts RESOURCE_RULES), called with a fresh tenant and one request. */
describe("simulated tenant rules", () => {
    const GRAPH = "00000003-0000-0000-c000-000000000000";
    const MI = "e0000000-0000-4000-8000-00000000000e";
    const fresh = () => new SimulatedTenant({ tenantId: TENANT_ID, catalog, existingPrincipalIds: [MI] });
    let n = 0;
    const req = (type: string, name: string, inputs: Record<string, unknown>): ResourceRequest => ({
        args: { type, name, inputs, provider: "", id: undefined, custom: true } as any,
        inputs,
        resourceId: `a0000000-0000-4000-8000-${String(++n).padStart(12, "0")}`,
    });
    const rejects = (f: () => unknown, status: number, pattern: RegExp) =>
        assert.throws(f, (e: unknown) => e instanceof TenantRejection && e.status === status && pattern.test(e.message));
    const graphSp = (t: SimulatedTenant) => t.state().principalByClientId(GRAPH)!.objectId;

    it("routes every type the tenant checks to its own rule, and accepts other types as written", () => {
        for (const type of [T.application, T.registration, T.servicePrincipal, T.grant, T.assignment, T.scope, T.appRole])
            assert.equal(typeof RESOURCE_RULES[type], "function", type);
        assert.equal(RESOURCE_RULES[T.grant], grantRule);
        assert.equal(RESOURCE_RULES[T.group], undefined);
        const t = fresh();
        // groups get the object ID Entra gives them; other types only echo their inputs
        const group = req(T.group, "g", { displayName: "G" });
        assert.deepEqual(acceptAsWritten(t, group).state, { displayName: "G", objectId: group.resourceId });
        assert.deepEqual(t.newResource(req(T.group, "g", { displayName: "G" }).args).state.displayName, "G");
    });

    it("applicationRule registers an app with an object and client ID; permissionRule keeps scope values unique", () => {
        const t = fresh();
        const app = applicationRule(t, req(T.registration, "api", { displayName: "API" }));
        assert.match(app.id!, /^\/applications\/a0000000-/);
        assert.match(app.state.clientId, /^[0-9a-f-]{36}$/);
        const scope = { applicationId: app.id, scopeId: "5c000000-0000-4000-8000-000000000001", value: "Things.Read", type: "User" };
        permissionRule(t, req(T.scope, "read", scope));
        assert.deepEqual(
            t
                .state()
                .application(app.state.clientId)!
                .scopes.map(s => s.value),
            ["Things.Read"],
        );
        rejects(
            () => permissionRule(t, req(T.appRole, "role", { ...scope, roleId: "5c000000-0000-4000-8000-000000000002" })),
            400,
            /value 'Things.Read' is already used/,
        );
    });

    it("servicePrincipalRule: one per appId, adopted only with useExisting; an unknown appId is AADSTS700016", () => {
        const t = fresh();
        rejects(() => servicePrincipalRule(t, req(T.servicePrincipal, "graph", { clientId: GRAPH })), 409, /already exists in this tenant/);
        assert.equal(servicePrincipalRule(t, req(T.servicePrincipal, "graph", { clientId: GRAPH, useExisting: true })).id, graphSp(t));
        rejects(() => servicePrincipalRule(t, req(T.servicePrincipal, "ghost", { clientId: "9f000000-0000-4000-8000-000000000009" })), 400, /AADSTS700016/);
        assert.equal(t.state().principalOfResource("graph"), graphSp(t));
    });

    it("grantRule: scopes the resource declares, one grant per client, resource and consent type (409)", () => {
        const t = fresh();
        const grant = { servicePrincipalObjectId: MI, resourceServicePrincipalObjectId: graphSp(t), claimValues: ["User.Read"] };
        grantRule(t, req(T.grant, "grant", grant));
        assert.deepEqual(t.state().grants(MI, graphSp(t))[0].scopes, ["User.Read"]);
        rejects(() => grantRule(t, req(T.grant, "again", grant)), 409, /Permission entry already exists/);
        rejects(
            () => grantRule(t, req(T.grant, "bad", { ...grant, userObjectId: "u", claimValues: ["Nope.Read"] })),
            400,
            /Scope 'Nope.Read' is not a delegated permission/,
        );
    });

    it("assignmentRule: a role of the resource that allows applications, once per principal and role", () => {
        const t = fresh();
        const role = catalog.resource(GRAPH)!.permissions.find(p => p.type === "application" && p.value === "Group.Read.All")!.id;
        const a = { principalObjectId: MI, resourceObjectId: graphSp(t), appRoleId: role };
        assert.equal(assignmentRule(t, req(T.assignment, "a", a)).state.resourceDisplayName, "Microsoft Graph");
        rejects(() => assignmentRule(t, req(T.assignment, "b", a)), 400, /already exists on the object/);
        rejects(
            () => assignmentRule(t, req(T.assignment, "c", { ...a, appRoleId: "9f000000-0000-4000-8000-000000000009" })),
            400,
            /was not found on application/,
        );
    });
});
