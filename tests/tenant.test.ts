import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { main as auditMain } from "../lib/cli/audit";
import { InputError } from "../lib/errors";
import { loadStack } from "../lib/plan/plan";
import { audit, AuditResult, Finding, sortFindings, userConsentOf } from "../lib/tenant/audit";
import { jsonDepth, loadTenantExport, parseTenantExport, TenantExport } from "../lib/tenant/export";
import { catalog, DEV_STACK, devConfig, runMain, spawnCli, tempDir, writeStack } from "./helpers";
import { FIXTURE, fixture } from "./tenant-helpers";

const NOW = new Date("2026-11-26T12:00:00Z");
const tmp = tempDir("entra-consent-tenant-");
let n = 0;
const write = (content: string): string => {
    const f = path.join(tmp, `export-${++n}.json`);
    fs.writeFileSync(f, content);
    return f;
};
const problemsOf = (fn: () => unknown): string[] => {
    try {
        fn();
    } catch (e) {
        if (e instanceof InputError) return e.problems.map(p => `${p.path}: ${p.message}`);
        throw e;
    }
    assert.fail("expected an InputError");
};
const devModel = () => loadStack(DEV_STACK, catalog).model!;
const run = (data: TenantExport, opts: { clientIds?: Record<string, string> } = {}): AuditResult =>
    audit(data, devModel(), catalog, { stack: "dev", now: NOW, ...opts });
const find = (r: AuditResult, kind: string, client: string | null, resource?: string | null): Finding | undefined =>
    r.findings.find(f => f.kind === kind && f.client === client && (resource === undefined || f.resource === resource));

// Response shapes: Microsoft Graph v1.0 reference, "servicePrincipal resource type", "application resource type",
// "oAuth2PermissionGrant resource type", "appRoleAssignment resource type", "Get authorizationPolicy",
// "Get adminConsentRequestPolicy", "List delegatedPermissionClassifications" (learn.microsoft.com/graph/api/...).
describe("tenant export (lib/tenant/export.ts)", () => {
    it("loads the fixture in Graph's shapes, ignoring fields the project does not read", () => {
        const e = loadTenantExport(FIXTURE);
        assert.equal(e.servicePrincipals.length, 9);
        assert.ok((e.servicePrincipals[0] as any).tags, "unknown Graph fields are kept, not rejected");
        const withNew = fixture() as any;
        withNew.servicePrincipals[0].someFieldGraphAddsNextYear = { nested: [1, 2] };
        withNew.newTopLevelKey = 1;
        parseTenantExport(withNew);
    });

    it("accepts an export without the three consent-setting keys (no rights to read them)", () => {
        const e = fixture();
        delete e.authorizationPolicy;
        delete e.adminConsentRequestPolicy;
        delete e.delegatedPermissionClassifications;
        parseTenantExport(e);
    });

    it("reports a wrong file with JSON paths, each problem once", () => {
        const e = fixture() as any;
        e.oauth2PermissionGrants[1].consentType = "Everyone";
        delete e.servicePrincipals[2].appId;
        e.appRoleAssignments[0].appRoleId = "not-a-guid";
        e.authorizationPolicy.defaultUserRolePermissions.permissionGrantPoliciesAssigned = "microsoft-user-default-low";
        const problems = problemsOf(() => parseTenantExport(e, "export.json"));
        assert.deepEqual(problems.sort(), [
            'export.json: appRoleAssignments[0].appRoleId: "not-a-guid" is not valid',
            "export.json: authorizationPolicy.defaultUserRolePermissions.permissionGrantPoliciesAssigned: is a string, expected a list",
            'export.json: oauth2PermissionGrants[1].consentType: "Everyone" is not allowed',
            "export.json: servicePrincipals[2].appId: is required",
        ]);
    });

    it("rejects an export that carries a secret's value", () => {
        const e = fixture() as any;
        e.applications[1].passwordCredentials[0].secretText = "s3cr3t~value";
        assert.deepEqual(
            problemsOf(() => parseTenantExport(e, "x.json")),
            ["x.json: applications[1].passwordCredentials[0].secretText: is a string, expected null"],
        );
    });

    it("rejects a classifications map keyed by something other than a service principal ID", () => {
        const e = fixture() as any;
        e.delegatedPermissionClassifications = { "microsoft-graph": [] };
        assert.match(
            problemsOf(() => parseTenantExport(e, "x.json"))[0],
            /delegatedPermissionClassifications\["microsoft-graph"\]: "microsoft-graph" is not a valid key/,
        );
    });

    it("guards against hostile files: too big, too deep, not JSON, missing", () => {
        assert.match(problemsOf(() => loadTenantExport(FIXTURE, { maxBytes: 1000 }))[0], /bytes, more than the 1000/);
        const deep = write("[".repeat(100000) + "]".repeat(100000));
        assert.match(problemsOf(() => loadTenantExport(deep))[0], /nests deeper than 32 levels/);
        assert.match(problemsOf(() => loadTenantExport(write('{"tenantId": ')))[0], /is not JSON/);
        assert.match(problemsOf(() => loadTenantExport(path.join(tmp, "nope.json")))[0], /no such file/);
        assert.match(problemsOf(() => loadTenantExport(write("[]")))[0], /: is a list, expected a map/);
    });

    it("counts depth outside strings only", () => {
        assert.equal(jsonDepth('{"a": "[[[[\\"[[", "b": [[1]]}'), 3);
    });

    it("caps the problems it lists for a file that is not an export at all", () => {
        const e = fixture() as any;
        e.appRoleAssignments = Array.from({ length: 200 }, () => ({}));
        const problems = problemsOf(() => parseTenantExport(e, "x.json"));
        assert.equal(problems.length, 21);
        assert.match(problems[20], /more problems not shown/);
    });
});

describe("audit (lib/tenant/audit.ts)", () => {
    it("matches the stack's apps: external by appId, registered by display name, a created managed identity by name", () => {
        const r = run(fixture());
        assert.deepEqual(r.summary.unmatchedApps, []);
        assert.deepEqual(r.summary.appsMatchedByName, ["orders-api", "orders-reports", "orders-web", "orders-worker"], "shown: a name can be taken");
        assert.deepEqual(run(fixture(), { clientIds: { "orders-web": "b1000000-0000-4000-8000-000000000002" } }).summary.appsMatchedByName, [
            "orders-api",
            "orders-reports",
            "orders-worker",
        ]);
        assert.equal(find(r, "outside-code", "orders-worker"), undefined, "the worker's assignments are the stack's");
        assert.equal(find(r, "outside-code", "orders-reports"), undefined);
    });

    it("outside-code: a portal-granted SaaS admin consent, a per-user grant, an assignment no stack declares", () => {
        const r = run(fixture());
        const saas = find(r, "outside-code", "Fabrikam Expenses")!;
        assert.deepEqual([saas.type, saas.consentType, saas.permissions, saas.tier], ["delegated", "AllPrincipals", ["User.Read", "Directory.Read.All"], 2]);
        const perUser = find(r, "outside-code", "Adatum Notes")!;
        assert.deepEqual([perUser.consentType, perUser.permissions, perUser.tier], ["Principal", ["Files.Read.All", "offline_access"], 1]);
        const rm = find(r, "outside-code", "Legacy Directory Automation")!;
        assert.deepEqual([rm.type, rm.permissions, rm.tier, rm.resource], ["application", ["RoleManagement.ReadWrite.Directory"], 0, "Microsoft Graph"]);
        assert.equal(r.summary["outside-code"], 3, "users assigned to app roles and the stack's own grants are not outside code");
    });

    it("outside-code: users and groups assigned to an app's roles are not consent, service principals are", () => {
        const e = fixture();
        const role = "d1000000-0000-4000-8000-0000000000a1"; // orders-api's Orders.Process
        e.appRoleAssignments.push({
            id: "grp",
            appRoleId: role,
            principalId: "f1000000-0000-4000-8000-000000000002",
            principalType: "Group",
            resourceId: "c1000000-0000-4000-8000-000000000001",
        });
        assert.equal(run(e).summary["outside-code"], 3);
        e.appRoleAssignments.push({
            id: "sp",
            appRoleId: role,
            principalId: "c1000000-0000-4000-8000-000000000007",
            principalType: "ServicePrincipal",
            resourceId: "c1000000-0000-4000-8000-000000000001",
        });
        assert.deepEqual(find(run(e), "outside-code", "Adatum Notes", "orders-api")!.permissions, ["Orders.Process"]);
    });

    it("outside-code: an assignment the stack declares for another role of the same resource is still outside code", () => {
        const e = fixture();
        e.appRoleAssignments.push({ ...e.appRoleAssignments[0], id: "extra", appRoleId: "7ab1d382-f21e-4acd-a863-ba3e13f7da61" });
        const f = find(run(e), "outside-code", "orders-reports", "Microsoft Graph")!;
        assert.deepEqual(f.permissions, ["Directory.Read.All"]);
    });

    it("outside-code: a per-user grant to a stack app whose consent is admin is not covered by its admin grant", () => {
        const e = fixture();
        e.oauth2PermissionGrants.push({
            ...e.oauth2PermissionGrants[0],
            id: "pu",
            consentType: "Principal",
            principalId: "f1000000-0000-4000-8000-000000000009",
            scope: "User.Read",
        });
        assert.ok(run(e).findings.some(f => f.kind === "outside-code" && f.client === "orders-web" && f.consentType === "Principal"));
    });

    it("extra-permissions: a declared grant holding more scopes than code (portal Grant admin consent)", () => {
        const r = run(fixture());
        const f = find(r, "extra-permissions", "orders-web", "Microsoft Graph")!;
        assert.deepEqual([f.permissions, f.tier, f.consentType], [["Mail.Read"], 1, "AllPrincipals"]);
        assert.equal(r.summary["extra-permissions"], 1, "a grant whose scope string has stray spaces is not extra");
    });

    it("privileged: every tier-0/1 holder, in code or not, ranked by tier", () => {
        const r = run(fixture());
        const p = r.findings.filter(f => f.kind === "privileged");
        assert.deepEqual(
            p.map(f => [f.client, f.tier, f.inCode]),
            [
                ["Legacy Directory Automation", 0, false],
                ["Adatum Notes", 1, false],
                ["orders-web", 1, false],
            ],
        );
    });

    it("privileged: judged against the resource's own catalog entry, never another API's GUIDs", () => {
        // An own API role that reuses RoleManagement.ReadWrite.Directory's GUID is not Graph's permission.
        const e = fixture();
        e.servicePrincipals
            .find(s => s.displayName === "Contoso Orders API")!
            .appRoles!.push({ id: "9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8", value: "Decoy", allowedMemberTypes: ["Application"] });
        e.appRoleAssignments.push({
            id: "decoy",
            appRoleId: "9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8",
            principalId: "c1000000-0000-4000-8000-000000000006",
            principalType: "ServicePrincipal",
            resourceId: "c1000000-0000-4000-8000-000000000001",
        });
        const r = run(e);
        assert.equal(find(r, "privileged", "Fabrikam Expenses", "orders-api"), undefined);
        assert.equal(find(r, "outside-code", "Fabrikam Expenses", "orders-api")!.tier, null, "not a catalog resource: not judged");
    });

    it("privileged: a Microsoft Graph app role the catalog does not know counts as tier 0 (fail closed)", () => {
        const e = fixture();
        e.appRoleAssignments.push({
            id: "unknown",
            appRoleId: "aaaaaaaa-0000-4000-8000-000000000000",
            principalId: "c1000000-0000-4000-8000-000000000006",
            principalType: "ServicePrincipal",
            resourceId: "c2a1b7f0-5d3e-4b8a-9f61-0a1e2d3c4b5a",
        });
        assert.equal(find(run(e), "privileged", "Fabrikam Expenses")!.tier, 0);
    });

    it("disabled: a service principal the stack relies on with accountEnabled false", () => {
        const r = run(fixture());
        assert.deepEqual(
            r.findings.filter(f => f.kind === "disabled").map(f => f.client),
            ["partner-sync"],
        );
        const e = fixture();
        e.servicePrincipals[0].accountEnabled = false; // Microsoft Graph itself
        assert.equal(find(run(e), "disabled", null, "microsoft-graph")!.resourceAppId, "00000003-0000-0000-c000-000000000000");
    });

    it("expiring-credential: a stack app's secret ending within 30 days, not the one ending later", () => {
        const r = run(fixture());
        const list = r.findings.filter(f => f.kind === "expiring-credential");
        assert.equal(list.length, 1);
        assert.match(list[0].detail, /"portal secret" .* in 10 days/);
        assert.equal(list[0].client, "orders-web");
        assert.equal(audit(fixture(), devModel(), catalog, { stack: "dev", now: new Date("2026-04-01T00:00:00Z") }).summary["expiring-credential"], 0);
        assert.match(
            audit(fixture(), devModel(), catalog, { stack: "dev", now: new Date("2027-01-01T00:00:00Z") }).findings.find(f => f.kind === "expiring-credential")!
                .detail,
            /expired on/,
        );
    });

    // "Configure how users consent to applications" and "Configure permission classifications" (Microsoft Learn):
    // microsoft-user-default-low = verified publishers' low-impact permissions, -legacy = all apps, no policy = no user consent.
    it("consent-settings: the authorization policy's user consent and Graph's low classifications against the stack's", () => {
        const r = run(fixture());
        const settings = r.findings.filter(f => f.kind === "consent-settings");
        assert.equal(settings.length, 2);
        assert.match(settings.find(f => f.resource === null)!.detail, /microsoft-user-default-legacy \(all\) but the stack declares userConsent: low-risk/);
        assert.deepEqual(settings.find(f => f.resource === "Microsoft Graph")!.permissions, ["User.Read"]);

        const e = fixture();
        e.authorizationPolicy!.defaultUserRolePermissions.permissionGrantPoliciesAssigned = [
            "ManagePermissionGrantsForSelf.microsoft-user-default-low",
            "ManagePermissionGrantsForOwnedResource.DeveloperDefault",
        ];
        e.delegatedPermissionClassifications![e.servicePrincipals[0].id].push({
            permissionId: "e1fe6dd8-ba31-4d61-89e7-88639da4683d",
            permissionName: "User.Read",
            classification: "low",
        });
        assert.equal(run(e).summary["consent-settings"], 0, "matching settings are no finding");

        delete e.authorizationPolicy;
        delete e.delegatedPermissionClassifications;
        assert.equal(run(e).summary["consent-settings"], 2, "settings the export could not read are findings, not a pass");
    });

    it("consent-settings: compares the classifications of every resource the stack declares lowRiskPermissions for, its own APIs included", () => {
        const API_SP = "c1000000-0000-4000-8000-000000000001";
        const withApiLowRisk = (value: unknown) => {
            const config = devConfig();
            config["entra-consent:tenant"].lowRiskPermissions = { "microsoft-graph": ["openid", "profile", "email", "offline_access"], "orders-api": value };
            return loadStack(writeStack(config), catalog).model!;
        };
        const e = fixture();
        const apiFinding = (data: TenantExport, model = withApiLowRisk(["Orders.Read"])) =>
            audit(data, model, catalog, { stack: "dev", now: NOW }).findings.find(f => f.kind === "consent-settings" && f.resource === "orders-api");
        assert.match(apiFinding(e)!.detail, /no delegated permission classifications for orders-api: .* unknown/, "unknown is a finding, not a pass");
        e.delegatedPermissionClassifications![API_SP] = [
            { permissionId: "d1000000-0000-4000-8000-0000000000b1", permissionName: "Orders.ReadWrite", classification: "low" },
        ];
        const diff = apiFinding(e)!;
        assert.deepEqual(diff.permissions, ["Orders.Read", "Orders.ReadWrite"]);
        assert.match(diff.detail, /low in code but not in the tenant: Orders.Read; classified low in the tenant but not in code: Orders.ReadWrite/);
        e.delegatedPermissionClassifications![API_SP][0].permissionName = "Orders.Read";
        assert.equal(apiFinding(e), undefined, "the same classification is no finding");
    });

    it("maps permissionGrantPoliciesAssigned to the stack's userConsent values", () => {
        assert.equal(userConsentOf([]).setting, "none");
        assert.equal(userConsentOf(["ManagePermissionGrantsForOwnedResource.DeveloperDefault"]).setting, "none");
        assert.equal(userConsentOf(["ManagePermissionGrantsForSelf.microsoft-user-default-low"]).setting, "low-risk");
        assert.equal(userConsentOf(["ManagePermissionGrantsForSelf.microsoft-user-default-legacy"]).setting, "all");
        // "Let Microsoft manage your consent settings" (Microsoft Learn, "Configure how users consent to applications",
        // learn.microsoft.com/entra/identity/enterprise-apps/configure-user-consent) assigns microsoft-user-default-recommended:
        // the schema's microsoft-managed (lib/config/schema.ts tenant.userConsent, data/user-consent-policies.json).
        assert.equal(userConsentOf(["ManagePermissionGrantsForSelf.microsoft-user-default-recommended"]).setting, "microsoft-managed");
        assert.equal(userConsentOf(["ManagePermissionGrantsForSelf.contoso-custom"]).setting, "custom");
    });

    it("an app that cannot be identified is listed, and its grants count as outside code (fail closed)", () => {
        const e = fixture();
        e.applications.push({ id: "a1000000-0000-4000-8000-0000000000ff", appId: "b1000000-0000-4000-8000-0000000000ff", displayName: "Contoso Orders Web" });
        const r = run(e);
        assert.match(r.summary.unmatchedApps.join("\n"), /orders-web: 2 app registrations are named "Contoso Orders Web"/);
        assert.ok(find(r, "outside-code", "Contoso Orders Web", "Microsoft Graph"));
        // --outputs clientIds resolve it exactly
        const exact = run(e, { clientIds: { "orders-web": "b1000000-0000-4000-8000-000000000002" } });
        assert.deepEqual(exact.summary.unmatchedApps, []);
        assert.equal(find(exact, "outside-code", "Contoso Orders Web"), undefined);
    });
});

describe("npm run audit (lib/cli/audit.ts, in-process)", () => {
    const cli = async (...args: string[]) => runMain((argv, io) => auditMain(argv, io, NOW), args);

    it("runs as a process once (spawned): exit 1 for the tier-0 permission outside code, JSON on stdout, no stack trace", () => {
        const r = spawnCli("audit", ["--config", DEV_STACK, "--tenant-export", FIXTURE, "--format", "json"]);
        assert.equal(r.code, 1, r.stderr);
        assert.equal(JSON.parse(r.stdout).summary.tier0OutsideCode, 1);
        assert.doesNotMatch(r.stdout + r.stderr, /\n\s+at /);
    });

    it("json: { stack, tenant, findings, summary }, exit 1 for a tier-0 permission outside code", async () => {
        const r = await cli("--config", DEV_STACK, "--tenant-export", FIXTURE, "--format", "json");
        assert.equal(r.code, 1, r.stderr);
        const out = JSON.parse(r.stdout);
        assert.deepEqual(Object.keys(out), ["stack", "tenant", "findings", "summary"]);
        assert.equal(out.stack, "dev");
        assert.equal(out.summary.tier0OutsideCode, 1);
    });

    it("exit 0 once the tier-0 assignment is gone; markdown is a ticket with one table per kind", async () => {
        const e = fixture();
        e.appRoleAssignments = e.appRoleAssignments.filter(a => a.appRoleId !== "9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8");
        const r = await cli("--config", DEV_STACK, "--tenant-export", write(JSON.stringify(e)), "--format", "markdown");
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /^## Consent audit: stack `dev`/);
        assert.match(r.stdout, /No tier-0 permission is held outside code\./);
        assert.match(r.stdout, /### extra-permissions\n\n\| Client \| Resource \| Permissions \| Type \| Tier \| Consent \| Detail \|\n\|---/);
        assert.match(
            r.stdout,
            /\| orders-web \(b1000000-0000-4000-8000-000000000002\) \| Microsoft Graph \(00000003-0000-0000-c000-000000000000\) \| `Mail.Read` \| delegated \| tier 1 \| AllPrincipals \|/,
        );
    });

    it("text names each finding; --outputs matches apps by client ID", async () => {
        const outputs = write(JSON.stringify({ clientIds: { "orders-web": "b1000000-0000-4000-8000-000000000002" } }));
        const r = await cli("--config", DEV_STACK, "--tenant-export", FIXTURE, "--outputs", outputs);
        assert.equal(r.code, 1);
        assert.match(
            r.stdout,
            /! Legacy Directory Automation \(b1000000-0000-4000-8000-000000000008\) -> Microsoft Graph .*\[RoleManagement.ReadWrite.Directory\] \(application, tier 0\)/,
        );
    });

    it("exit 2 with a path for a wrong export, a tenant mismatch, bad outputs or bad flags; never a stack trace", async () => {
        const e = fixture() as any;
        e.servicePrincipals[0].id = 42;
        let r = await cli("--config", DEV_STACK, "--tenant-export", write(JSON.stringify(e)));
        assert.equal(r.code, 2);
        assert.match(r.stderr, /servicePrincipals\[0\]\.id: is a number, expected a string/);
        const other = fixture();
        other.tenantId = "22222222-2222-2222-2222-222222222222";
        r = await cli("--config", DEV_STACK, "--tenant-export", write(JSON.stringify(other)));
        assert.equal(r.code, 2);
        assert.match(r.stderr, /tenantId: is 22222222-2222-2222-2222-222222222222 but the stack declares tenant 11111111/);
        r = await cli("--config", DEV_STACK, "--tenant-export", FIXTURE, "--outputs", write('{"clientIds": [1]}'));
        assert.equal(r.code, 2);
        assert.match(r.stderr, /has no clientIds map/);
        r = await cli("--config", DEV_STACK, "--tenant-export", FIXTURE, "--format", "html");
        assert.equal(r.code, 2);
        r = await cli("--config", DEV_STACK);
        assert.match(r.stderr, /--tenant-export FILE is required/);
        const bad = devConfig();
        bad["entra-consent:apps"]["orders-web"].delegated["microsoft-graph"] = ["User.Reed"];
        r = await cli("--config", writeStack(bad), "--tenant-export", FIXTURE);
        assert.equal(r.code, 2);
        assert.match(r.stderr, /did you mean "User.Read"/);
        assert.doesNotMatch(r.stderr, /\n\s+at /);
    });
});

// The audit is read top-down (README "Start from an existing tenant", the table of kinds): the order must put what
// is outside code before what is merely privileged, and tier 0 before what was not judged at all.
describe("sortFindings: the audit report's order", () => {
    const f = (kind: Finding["kind"], tier: Finding["tier"], client: string): Finding => ({
        kind,
        client,
        resource: "microsoft-graph",
        permissions: [],
        type: "delegated",
        tier,
        detail: "",
    });
    it("orders by kind first, then the most privileged tier, findings not judged (null) last, then client", () => {
        const sorted = sortFindings([
            f("privileged", 0, "a"),
            f("outside-code", null, "a"),
            f("outside-code", 2, "b"),
            f("outside-code", 0, "z"),
            f("outside-code", 0, "c"),
        ]);
        assert.deepEqual(
            sorted.map(x => `${x.kind}/${x.tier}/${x.client}`),
            ["outside-code/0/c", "outside-code/0/z", "outside-code/2/b", "outside-code/null/a", "privileged/0/a"],
        );
    });
});
