import { strict as assert } from "assert";
import * as path from "path";
import { planStack } from "../lib/plan/plan";
import { runProgram } from "../lib/plan/run";
import { SimulatedTenant } from "../lib/sim/tenant";
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
