/** Issue 9: the plan against what a tenant already holds (`npm run plan -- --tenant-export export.json`). */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { strict as assert } from "assert";
import { encodeName } from "../lib/ids";
import { exitCode, loadStack, planStack, PlanResult } from "../lib/plan/plan";
import { renderText } from "../lib/plan/report";
import { runProgram } from "../lib/plan/run";
import { SimulatedTenant, TenantState } from "../lib/sim/tenant";
import { TenantExport } from "../lib/tenant/export";
import { declaredResources, tenantConsentSettings, tenantSeed } from "../lib/tenant/seed";
import YAML from "yaml";
import { catalog, DEV_STACK, devConfig, TENANT_ID, writeStack } from "./helpers";
import { FIXTURE as EXPORT, fixture } from "./tenant-helpers";

const GRAPH_APP = "00000003-0000-0000-c000-000000000000";
const GRAPH_SP = "c2a1b7f0-5d3e-4b8a-9f61-0a1e2d3c4b5a";
const WEB_SP = "c1000000-0000-4000-8000-000000000002";
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "entra-consent-export-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const model = () => loadStack(DEV_STACK, catalog).model!;
/** The dev program run in this process against a tenant seeded from an export (change one thing per test). */
async function runSeeded(data: TenantExport = fixture(), adjust: (seed: ReturnType<typeof tenantSeed>) => void = () => {}) {
    const seed = tenantSeed(data, model());
    adjust(seed);
    const tenant = new SimulatedTenant({ tenantId: TENANT_ID, catalog, seed });
    const run = await runProgram({ program: "index.ts", config: devConfig(), stack: "dev", tenant });
    return { run, state: tenant.state() as TenantState };
}

describe("plan --tenant-export", () => {
    let plan: PlanResult;
    const importFile = path.join(tmp, "import.json");
    before(async () => {
        plan = await planStack({ configFile: DEV_STACK, catalog, tenantExport: EXPORT, importFile });
    });

    it("reports what exists as import, writes the pulumi import file, and names grants the first update changes", () => {
        assert.deepEqual(plan.errors, [], "the simulated tenant and the import file adopt the same resources");
        const adopted = plan.resources.filter(r => r.action === "import");
        assert.ok(adopted.length > 0 && adopted.every(r => typeof r.importId === "string" && r.importId.length > 0));
        assert.equal(plan.imports!.count, adopted.length);
        const file = JSON.parse(fs.readFileSync(importFile, "utf8"));
        assert.ok(Array.isArray(file.resources) && file.resources.some((r: any) => r.id === adopted[0].importId), "the file adopts what the plan reports");
        assert.match(renderText(plan), new RegExp(`already in the tenant: ${adopted.length} resources? adopted with pulumi import --file`));
        // the portal granted Mail.Read besides; the stack's grant is imported, then updated to the code's scopes
        assert.deepEqual(
            plan.imports!.updates.map(u => [u.name, u.add, u.remove]),
            [[encodeName("orders-web", "grant", "microsoft-graph"), [], ["Mail.Read"]]],
        );
    });

    // "Microsoft Entra authentication and authorization error codes" (learn.microsoft.com/entra/identity-platform/reference-error-codes):
    // AADSTS7000112 UnauthorizedClientApplicationDisabled (the application is disabled); AADSTS500014 the resource's service principal is disabled.
    it("predicts flows against the tenant's real state: a disabled service principal gets no token", async () => {
        const partner = plan.flows.find(f => f.client === "partner-sync")!;
        assert.deepEqual([partner.outcome, partner.code], ["failed", "AADSTS7000112"], "partner-sync's service principal is disabled in the export");
        assert.equal(exitCode(plan), 1, "a failing flow fails the plan");
        const e = fixture();
        e.servicePrincipals.find(s => s.appId === "7d0c9a4e-2b1f-4c1e-9d55-3a6f1f0b2c11")!.accountEnabled = true;
        e.servicePrincipals.find(s => s.id === GRAPH_SP)!.accountEnabled = false;
        const file = path.join(tmp, "graph-disabled.json");
        fs.writeFileSync(file, JSON.stringify(e));
        const graphOff = await planStack({ configFile: DEV_STACK, catalog, tenantExport: file });
        assert.ok(graphOff.flows.filter(f => f.resource === "microsoft-graph").every(f => f.code === "AADSTS500014"));
        assert.ok(graphOff.flows.filter(f => f.resource !== "microsoft-graph").every(f => f.code === null));
    });

    it("plans as before without an export, and refuses an export of another tenant (exit 2)", async () => {
        const plain = await planStack({ configFile: DEV_STACK, catalog });
        assert.equal(plain.imports, undefined);
        assert.ok(plain.resources.every(r => r.action === undefined));
        assert.equal(plain.flows.find(f => f.client === "partner-sync")!.code, null, "an empty tenant holds no disabled principal");
        const other = JSON.parse(fs.readFileSync(EXPORT, "utf8"));
        other.tenantId = "22222222-2222-2222-2222-222222222222";
        const file = path.join(tmp, "other.json");
        fs.writeFileSync(file, JSON.stringify(other));
        const refused = await planStack({ configFile: DEV_STACK, catalog, tenantExport: file });
        assert.equal(exitCode(refused), 2);
        assert.match(refused.problems![0].message, /the export is of tenant 22222222-2222-2222-2222-222222222222, and this stack deploys to 11111111-/);
    });

    it("the resources adoption is predicted for are the ones the program declares (names, types)", () => {
        const planned = new Map(plan.resources.map(r => [r.name, r.type]));
        for (const r of declaredResources(model())) assert.equal(planned.get(r.name), r.type, r.name);
    });
});

describe("never delete what the stack did not create (entra-consent:adopted)", () => {
    const EXTERNAL_SP = "partner-sync-sp";
    const MICROSOFT_SP = `tenant-microsoft-${GRAPH_APP}`;

    it("the plan lists what destroy would delete until the stack file adopts it, and writes the config block beside the import file", async () => {
        const importFile = path.join(tmp, "prod.import.json");
        const plan = await planStack({ configFile: DEV_STACK, catalog, tenantExport: EXPORT, importFile });
        const imported = plan.resources.filter(r => r.action === "import").map(r => r.name);
        assert.deepEqual(plan.imports!.adopted, [...imported].sort());
        // external and Microsoft API principals are always retained; imported registrations, grants and assignments are not yet
        assert.deepEqual(
            plan.imports!.notRetained,
            plan.imports!.adopted.filter(n => n !== EXTERNAL_SP && n !== MICROSOFT_SP),
        );
        assert.match(renderText(plan), /retain {4}destroy would delete 14 imported resource\(s\): list them under entra-consent:adopted/);
        assert.deepEqual(YAML.parse(fs.readFileSync(plan.imports!.adoptedFile!, "utf8")), { config: { "entra-consent:adopted": plan.imports!.adopted } });
    });

    it("marks every adopted resource retainOnDelete: external and Microsoft API principals, and each imported one", async () => {
        const first = await planStack({ configFile: DEV_STACK, catalog, tenantExport: EXPORT });
        const adopted = first.imports!.adopted;
        const plan = await planStack({ configFile: writeStack({ ...devConfig(), "entra-consent:adopted": adopted }), catalog, tenantExport: EXPORT });
        assert.deepEqual(plan.imports!.notRetained, []);
        const byName = new Map(plan.resources.map(r => [r.name, r]));
        for (const name of [...adopted, EXTERNAL_SP, MICROSOFT_SP]) assert.equal(byName.get(name)?.retainOnDelete, true, name);
        const text = renderText(plan);
        const line = text.split("\n").find(l => l.startsWith("retained on delete"))!;
        for (const name of [...adopted, EXTERNAL_SP, MICROSOFT_SP]) assert.ok(line.split(/[:,] /).includes(name), `${name} in: ${line}`);
        // what the stack creates is deleted as before: only adopted objects are retained
        const retained = plan.resources.filter(r => r.retainOnDelete).map(r => r.name);
        assert.deepEqual(retained.sort(), [...new Set([...adopted, EXTERNAL_SP, MICROSOFT_SP])].sort());
        // the same config, planned without an export (as `pulumi up` runs it), retains the same resources
        const deployTime = await planStack({ configFile: writeStack({ ...devConfig(), "entra-consent:adopted": adopted }), catalog });
        assert.deepEqual(
            deployTime.resources
                .filter(r => r.retainOnDelete)
                .map(r => r.name)
                .sort(),
            retained,
        );
    });

    it("a name that is no adoptable resource of the stack is invalid input (exit 2), naming the path", async () => {
        const plan = await planStack({
            configFile: writeStack({ ...devConfig(), "entra-consent:adopted": ["orders-web-sp", "orders-web-registraton"] }),
            catalog,
        });
        assert.equal(exitCode(plan), 2);
        assert.deepEqual(
            plan.problems!.map(p => p.path),
            ["entra-consent:adopted[1]"],
        );
        assert.match(
            plan.problems![0].message,
            /"orders-web-registraton" is not a resource this stack declares that can be adopted; did you mean "orders-web-registration"\?/,
        );
        const notAList = await planStack({ configFile: writeStack({ ...devConfig(), "entra-consent:adopted": "orders-web-sp" }), catalog });
        assert.equal(exitCode(notAList), 2);
        assert.match(notAList.problems![0].path, /entra-consent:adopted/);
    });
});

describe("simulated tenant seeded from an export (lib/tenant/seed.ts)", () => {
    it("adopts what the plan imports with the export's object IDs, not new ones", async () => {
        const { run, state } = await runSeeded();
        assert.deepEqual(run.errors, []);
        assert.equal(state.principalOfResource("orders-web-sp"), WEB_SP);
        assert.equal(state.principalOfResource("partner-sync-sp"), "c1000000-0000-4000-8000-000000000005", "the external app's existing principal");
        assert.equal(state.principalOfResource("tenant-microsoft-00000003-0000-0000-c000-000000000000"), GRAPH_SP);
        assert.equal(state.principalOfResource("orders-worker-identity"), "c1000000-0000-4000-8000-000000000004", "the managed identity of that name");
        const registration = run.resources.find(r => r.name === "orders-web-registration")!;
        assert.equal(registration.outputs.clientId, "b1000000-0000-4000-8000-000000000002");
        // the imported grant now holds the program's scopes, under its own ID
        const grant = state.grants(WEB_SP, GRAPH_SP).find(g => g.consentType === "AllPrincipals")!;
        assert.deepEqual([grant.id, [...grant.scopes].sort()], ["grant-web-graph-AllPrincipals-x1", ["User.Read", "openid", "profile"]]);
        // what the stack does not declare stays: a user's own consent and another app's grants
        assert.deepEqual(
            state.grants("c1000000-0000-4000-8000-000000000007", GRAPH_SP).map(g => [g.consentType, g.principalId]),
            [["Principal", "f1000000-0000-4000-8000-000000000001"]],
        );
        assert.equal(state.principal("c1000000-0000-4000-8000-000000000005")!.disabled, true);
    });

    it("creating what exists without importing it fails as Graph does (409)", async () => {
        const grant = encodeName("orders-web", "grant", "microsoft-graph");
        const { run } = await runSeeded(fixture(), seed => delete seed.adopted[grant]);
        assert.ok(
            run.errors.some(
                e => e.includes(grant) && /409 Permission entry already exists.*grant-web-graph-AllPrincipals-x1 exists in the tenant: import it/.test(e),
            ),
            run.errors.join("\n"),
        );
        const sp = await runSeeded(fixture(), seed => delete seed.adopted["orders-api-sp"]);
        assert.ok(
            sp.run.errors.some(e => /orders-api-sp: 409 A service principal for b1000000-0000-4000-8000-000000000001 already exists/.test(e)),
            sp.run.errors.join("\n"),
        );
        // an app registered anew (not imported) cannot take the identifier URI the existing app holds
        const api = await runSeeded(fixture(), seed => delete seed.adopted["orders-api-registration"]);
        assert.ok(
            api.run.errors.some(e =>
                /orders-api-identifier-uri: 400 Another object with the same value for property identifierUris already exists \(api:\/\/contoso-orders-dev\)/.test(
                    e,
                ),
            ),
            api.run.errors.join("\n"),
        );
        const role = encodeName("orders-worker", "assign", "microsoft-graph", "User.ReadBasic.All");
        const assignment = await runSeeded(fixture(), seed => delete seed.adopted[role]);
        assert.ok(assignment.run.errors.some(e => e.includes(role) && /already exists on the object \(assignment asg-worker-graph-x3/.test(e)));
    });

    it("a Microsoft API without a service principal in the export has none in the tenant (AADSTS500011)", async () => {
        const e = fixture();
        e.servicePrincipals = e.servicePrincipals.filter(s => s.appId !== GRAPH_APP);
        e.oauth2PermissionGrants = e.oauth2PermissionGrants.filter(g => g.resourceId !== GRAPH_SP);
        e.appRoleAssignments = e.appRoleAssignments.filter(a => a.resourceId !== GRAPH_SP);
        const { run } = await runSeeded(e);
        assert.ok(run.errors.some(x => /Microsoft Graph \(00000003-0000-0000-c000-000000000000\) has no service principal.*AADSTS500011/.test(x)));
    });

    it("predicts flows under the tenant's own consent settings where the export shows them", () => {
        const m = model();
        assert.equal(m.tenant.userConsent, "low-risk");
        const real = tenantConsentSettings(fixture(), m);
        assert.equal(real.userConsent, "all", "microsoft-user-default-legacy");
        assert.deepEqual(real.lowRiskPermissions[GRAPH_APP], ["openid", "profile", "email", "offline_access"]);
        const e = fixture();
        delete e.authorizationPolicy;
        delete e.delegatedPermissionClassifications;
        assert.deepEqual(tenantConsentSettings(e, m), m.tenant, "what the export lacks stays as declared");
    });
});
