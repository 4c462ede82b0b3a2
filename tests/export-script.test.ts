import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { loadTenantExport } from "../lib/tenant/export";
import { tempDir } from "./helpers";
import { fixture } from "./tenant-helpers";

const ROOT = path.resolve(__dirname, "..");
const SCRIPT = path.join(ROOT, "scripts", "export-tenant.sh");
const FAKE_AZ = path.join(__dirname, "fixtures", "fake-az");
const G = "https://graph.microsoft.com/v1.0";

/** Canned Graph pages for the fake az, built from the fixture tenant, with @odata.nextLink on two collections. */
function pages(opts: { without?: string[] } = {}): string {
    const dir = tempDir("fake-graph-");
    const t = fixture();
    const page = (file: string, value: unknown[], next?: string) => {
        if (opts.without?.includes(file)) return;
        fs.writeFileSync(
            path.join(dir, `${file}.json`),
            JSON.stringify({ "@odata.context": `${G}/$metadata#x`, value, ...(next ? { "@odata.nextLink": next } : {}) }),
        );
    };
    const sps = structuredClone(t.servicePrincipals) as any[];
    sps[8].passwordCredentials = [{ keyId: "e2000000-0000-4000-8000-000000000001", secretText: "must-never-be-written", endDateTime: null }];
    sps[8].keyCredentials = [{ keyId: "e2000000-0000-4000-8000-000000000002", key: "TUlJQ2...", type: "AsymmetricX509Cert", usage: "Verify" }];
    page("applications", t.applications);
    page("servicePrincipals", sps.slice(0, 5), `${G}/servicePrincipals?$select=id,appId&$top=999&$skiptoken=p2`);
    page("servicePrincipals__skiptoken_p2", sps.slice(5));
    page("oauth2PermissionGrants", t.oauth2PermissionGrants);
    for (const sp of t.servicePrincipals.filter(s => s.appRoles?.length)) {
        const mine = t.appRoleAssignments.filter(a => a.resourceId === sp.id);
        const file = `servicePrincipals_${sp.id}_appRoleAssignedTo`;
        if (mine.length > 1) {
            page(file, mine.slice(0, 1), `${G}/servicePrincipals/${sp.id}/appRoleAssignedTo?$top=999&$skiptoken=r2`);
            page(`${file}__skiptoken_r2`, mine.slice(1));
        } else page(file, mine);
    }
    for (const [id, list] of Object.entries(t.delegatedPermissionClassifications!)) page(`servicePrincipals_${id}_delegatedPermissionClassifications`, list);
    for (const p of ["authorizationPolicy", "adminConsentRequestPolicy"] as const) {
        if (!opts.without?.includes(`policies_${p}`)) fs.writeFileSync(path.join(dir, `policies_${p}.json`), JSON.stringify(t[p]));
    }
    return dir;
}

function exportWith(dir: string, env: Record<string, string> = {}) {
    const out = path.join(dir, "out", "export.json");
    fs.mkdirSync(path.dirname(out), { recursive: true });
    const log = path.join(dir, "calls.log");
    const r = spawnSync("bash", [SCRIPT, "-o", out], {
        encoding: "utf8",
        env: { ...process.env, PATH: `${FAKE_AZ}:${process.env.PATH}`, FAKE_AZ_PAGES: dir, FAKE_AZ_LOG: log, ...env },
    });
    return { code: r.status, stderr: r.stderr, out, calls: fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : [] };
}

describe("scripts/export-tenant.sh (against a fake az serving Graph pages)", () => {
    it("merges every page into one export the loader accepts, without secret values", () => {
        const dir = pages();
        const r = exportWith(dir);
        assert.equal(r.code, 0, r.stderr);
        const e = loadTenantExport(r.out);
        const t = fixture();
        assert.equal(e.tenantId, t.tenantId);
        assert.deepEqual(
            e.servicePrincipals.map(s => s.id),
            t.servicePrincipals.map(s => s.id),
            "both pages of service principals",
        );
        assert.deepEqual(e.appRoleAssignments.map(a => a.id).sort(), t.appRoleAssignments.map(a => a.id).sort(), "every resource's assignments, all pages");
        assert.deepEqual(e.oauth2PermissionGrants, t.oauth2PermissionGrants, "both consent types");
        for (const a of t.applications) for (const c of a.passwordCredentials ?? []) delete c.secretText; // removed, even when null
        assert.deepEqual(e.applications, t.applications);
        assert.deepEqual(e.delegatedPermissionClassifications, t.delegatedPermissionClassifications);
        assert.deepEqual(e.authorizationPolicy, t.authorizationPolicy);
        assert.deepEqual(e.adminConsentRequestPolicy, t.adminConsentRequestPolicy);
        const text = fs.readFileSync(r.out, "utf8");
        assert.doesNotMatch(text, /must-never-be-written|TUlJQ2/);
        assert.match(text, /e2000000-0000-4000-8000-000000000002/, "credential metadata stays");
        assert.ok((fs.statSync(r.out).mode & 0o077) === 0, "readable by its owner only");
    });

    it("keeps calls bounded: appRoleAssignedTo only for service principals with app roles, classifications for Graph only", () => {
        const r = exportWith(pages());
        const assigned = r.calls.filter(c => c.includes("/appRoleAssignedTo"));
        assert.equal(assigned.length, 4, "two resources with app roles, two pages each");
        const withRoles = fixture()
            .servicePrincipals.filter(s => s.appRoles?.length)
            .map(s => s.id);
        assert.ok(
            assigned.every(c => withRoles.some(id => c.includes(id))),
            "none for a service principal without app roles",
        );
        assert.equal(r.calls.filter(c => c.includes("/delegatedPermissionClassifications")).length, 1);
        const spList = r.calls.find(c => c.startsWith(`${G}/servicePrincipals?`))!;
        assert.match(spList, /\$select=[^&]*appRoles,oauth2PermissionScopes,passwordCredentials,keyCredentials/);
        assert.doesNotMatch(spList, /secretText|key[,&]/);
    });

    it("leaves out a policy it may not read, and says so; fails without writing on a list it may not read", () => {
        let dir = pages({ without: ["policies_authorizationPolicy"] });
        let r = exportWith(dir);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stderr, /left out authorizationPolicy \(reading it needs Policy.Read.All\)/);
        const e = loadTenantExport(r.out);
        assert.ok(!("authorizationPolicy" in e) && e.adminConsentRequestPolicy);

        dir = pages({ without: ["oauth2PermissionGrants"] });
        r = exportWith(dir);
        assert.equal(r.code, 2);
        assert.match(r.stderr, /cannot read delegated permission grants: the account needs Directory.Read.All/);
        assert.match(r.stderr, /Insufficient privileges/);
        assert.ok(!fs.existsSync(r.out));
    });

    it("fails clearly without jq", () => {
        const r = exportWith(pages(), { JQ: "/nonexistent/jq" });
        assert.equal(r.code, 2);
        assert.match(r.stderr, /jq is required and was not found/);
    });
});
