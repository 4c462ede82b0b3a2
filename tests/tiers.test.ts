/**
 * Issue 8: tiers a security team can defend. A second classification source (Microsoft's consent-grant risk table),
 * impersonation families, cross-API equivalence, tenant overrides, and the `tiers` command.
 */
import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { main as buildMain } from "../scripts/build-catalog";
import { CatalogFile, CatalogResource, classificationReason, PermissionType } from "../lib/catalog";
import { classify, parseRiskTable, riskOf, tierChanges, formatTierChange, TierRules } from "../scripts/classify";
import { policies } from "../policies/all";
import { runPolicies } from "../lib/plan/policies";
import { runProgram } from "../lib/plan/run";
import { SimulatedTenant } from "../lib/sim/tenant";
import { catalog, cliProcess, devConfig, runMain, tempDir, TENANT_ID } from "./helpers";
import { mandatoryOf, of, planDev, writePolicyConfig } from "./policy-helpers";
import { main as tiersMain } from "../lib/cli/tiers";

const RULES: TierRules = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "data", "tier-rules.json"), "utf8"));
const RISK = parseRiskTable(fs.readFileSync(path.join(__dirname, "..", "data", "sources", "aadconsentgrantpermissiontable.csv"), "utf8"));

const perm = (resource: string, type: PermissionType, value: string) => {
    const p = catalog.resource(resource)?.permissions.find(q => q.type === type && q.value === value);
    assert.ok(p, `${resource} ${type} ${value} is in the catalog`);
    return p;
};
const sourceTier = (p: { sources?: { source: string; tier: number | null }[] }, source: string) => p.sources?.find(s => s.source === source)?.tier;

/** One resource with the given (type, value, EAM tier) permissions, for classification on its own. */
function resourceOf(appId: string, alias: string, permissions: [PermissionType, string, 0 | 1 | 2 | null][]): CatalogResource {
    return {
        appId,
        name: alias,
        aliases: [alias],
        identifierUris: [],
        permissions: permissions.map(([type, value, tier], i) => ({
            id: `0000000${i}-0000-4000-8000-000000000000`,
            value,
            type,
            tier,
            adminConsentRequired: true,
            displayName: value,
        })),
    };
}

describe("issue 8, class 1: two classification sources, the stricter wins", () => {
    // The risk table is what Export-MsIdAppConsentGrantReport rates consent grants by; Microsoft Learn, "App consent
    // grant investigation" (https://learn.microsoft.com/en-us/security/operations/incident-response-playbook-app-consent)
    // and "Detect and Remediate Illicit Consent Grants" (defender-office-365) describe the phishing it flags.
    it("reads Microsoft's risk table as its script does: exact value first, else the part before the first dot", () => {
        assert.equal(riskOf(RISK, "delegated", "Mail.ReadBasic")?.level, "Medium"); // exact entry beats the Mail family
        assert.equal(riskOf(RISK, "delegated", "Mail.Read")?.level, "High");
        assert.equal(riskOf(RISK, "application", "Mail.Read")?.reason, "Phishing");
        assert.equal(riskOf(RISK, "delegated", "User.Read")?.level, "Low");
        assert.equal(riskOf(RISK, "delegated", "Calendars.Read"), undefined);
        assert.throws(() => parseRiskTable("Type,Permission,Privilege,Reason\nDelegated,Mail,Severe,Phishing\n"), /line 2/);
        assert.throws(() => parseRiskTable("Kind,Name\n"), /header/);
    });

    it("takes the risk table's tier where it is stricter, with its reason (Graph Files.ReadWrite: EAM tier 2, High: phishing)", () => {
        const p = perm("microsoft-graph", "delegated", "Files.ReadWrite");
        assert.equal(sourceTier(p, "eam"), 2);
        assert.deepEqual(
            p.sources?.find(s => s.source === "consent-risk"),
            { source: "consent-risk", tier: 1, reason: "High: phishing" },
        );
        assert.equal(p.tier, 1);
        assert.equal(classificationReason(p), "High: phishing, per Microsoft's consent-grant risk table");
    });

    it("keeps the Enterprise Access Model's tier where it is stricter (Graph Mail.ReadBasic: EAM tier 1, Medium; RoleManagement: EAM tier 0, High)", () => {
        const basic = perm("microsoft-graph", "delegated", "Mail.ReadBasic");
        assert.deepEqual([sourceTier(basic, "eam"), sourceTier(basic, "consent-risk"), basic.tier], [1, 2, 1]);
        const roles = perm("microsoft-graph", "application", "RoleManagement.ReadWrite.Directory");
        assert.deepEqual([sourceTier(roles, "eam"), sourceTier(roles, "consent-risk"), roles.tier], [0, 1, 0]);
    });

    it("merges both directions on a resource of its own, and an unclassified permission stays unclassified (counts as tier 0)", () => {
        const r = resourceOf("aaaaaaaa-0000-4000-8000-00000000000a", "test-api", [
            ["delegated", "Mail.Send", 2],
            ["delegated", "Policy.Read.All", 0],
            ["delegated", "Notes.Create", null],
            ["delegated", "Tasks.Read", 2],
        ]);
        classify([r], RISK, { ...RULES, equivalences: [] });
        assert.deepEqual(
            r.permissions.map(p => p.tier),
            [1, 0, null, 2],
        );
        assert.deepEqual(r.permissions[3].sources, [{ source: "eam", tier: 2 }], "no entry in the risk table: the first source alone");
    });

    it("prints what changed tier since the last build, with the reason", () => {
        const before: CatalogFile = JSON.parse(
            JSON.stringify({
                source: "",
                firstPartyApps: {},
                resources: [
                    resourceOf("aaaaaaaa-0000-4000-8000-00000000000b", "test-api", [
                        ["delegated", "Mail.Send", 2],
                        ["delegated", "Gone.All", 1],
                        ["delegated", "Tasks.Read", 2],
                    ]),
                ],
            }),
        );
        const after: CatalogFile = JSON.parse(JSON.stringify(before));
        after.resources[0].permissions.splice(1, 1);
        after.resources[0].permissions.push({
            id: "aaaaaaaa-0000-4000-8000-0000000000ff",
            value: "New.All",
            type: "delegated",
            tier: null,
            adminConsentRequired: true,
            displayName: "New.All",
        });
        classify(after.resources, RISK, { ...RULES, equivalences: [] });
        assert.deepEqual(tierChanges(before, after).map(formatTierChange), [
            "test-api delegated Mail.Send: tier 2 -> tier 1 (High: phishing, per Microsoft's consent-grant risk table)",
            "test-api delegated New.All: absent -> unclassified (not classified yet)",
            "test-api delegated Gone.All: tier 1 -> absent (no longer in the sources)",
        ]);
        assert.deepEqual(tierChanges(after, after), []);
    });
});

describe("issue 8: npm run catalog", () => {
    it("rebuilds from the repository and prints each permission whose tier changed since the file it replaces", () => {
        const dir = tempDir("entra-consent-catalog-");
        const out = path.join(dir, "catalog.json");
        const last: CatalogFile = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "data", "catalog.json"), "utf8"));
        const graph = last.resources.find(r => r.appId === "00000003-0000-0000-c000-000000000000")!;
        graph.permissions.find(p => p.type === "delegated" && p.value === "Directory.AccessAsUser.All")!.tier = 2; // as before issue 8
        fs.writeFileSync(out, JSON.stringify(last));
        const lines: string[] = [],
            errors: string[] = [];
        assert.equal(
            buildMain(
                ["--out", out],
                l => lines.push(l),
                e => errors.push(e),
            ),
            0,
        );
        assert.equal(lines[0], "1 permission changed tier since the last build:");
        assert.match(
            lines[1],
            /^  microsoft-graph delegated Directory.AccessAsUser.All: tier 2 -> tier 0 \(the same access to the directory as the signed-in user.*per the impersonation rule/,
        );
        lines.length = 0;
        assert.equal(
            buildMain(
                ["--out", out],
                l => lines.push(l),
                e => errors.push(e),
            ),
            0,
        );
        assert.equal(lines[0], "no permission changed tier since the last build");
        assert.equal(
            buildMain(
                ["--out", out, "--sources", dir],
                () => {},
                e => errors.push(e),
            ),
            2,
            "a sources folder without the data is bad input",
        );
        assert.match(errors[errors.length - 1], /^catalog: ENOENT.*graph-permissions.json/);
    });
});

describe("issue 8, class 2: impersonation families and cross-API equivalence", () => {
    // Microsoft Learn, "Microsoft Graph permissions reference" (https://learn.microsoft.com/en-us/graph/permissions-reference):
    // Directory.AccessAsUser.All "allows the app to have the same access to information in the directory as the signed-in user".
    it("makes Directory.AccessAsUser.All tier 0 on Microsoft Graph and on Azure AD Graph", () => {
        for (const api of ["microsoft-graph", "azure-ad-graph"]) {
            const p = perm(api, "delegated", "Directory.AccessAsUser.All");
            assert.equal(sourceTier(p, "eam"), 2, "the first source alone would pass it without an approval");
            assert.equal(p.tier, 0, api);
            assert.match(
                classificationReason(p),
                /^the same access to the directory as the signed-in user.*, per the impersonation rule; High: phishing, per Microsoft's consent-grant risk table$/,
            );
        }
    });

    // Microsoft Learn, "Authenticate an EWS application by using OAuth": with delegated permissions the app acts as the
    // signed-in user (EWS.AccessAsUser.All); "Call an Azure API as the user" (entra/agent-id/sidecar-call-azure-api-as-user):
    // Azure Resource Manager's user_impersonation lets the app request a token on behalf of the user, whose Azure roles apply.
    it("makes user_impersonation and *AccessAsUser.All at least tier 1 on every API that has them", () => {
        const cases: [string, string][] = [
            ["azure-service-management", "user_impersonation"],
            ["dynamics-crm", "user_impersonation"],
            ["azure-devops", "user_impersonation"],
            ["viva-engage", "user_impersonation"],
            ["exchange-online", "POP.AccessAsUser.All"],
            ["microsoft-graph", "EWS.AccessAsUser.All"],
            ["microsoft-graph", "IMAP.AccessAsUser.All"],
        ];
        for (const [api, value] of cases) {
            const p = perm(api, "delegated", value);
            assert.equal(sourceTier(p, "eam"), 2, `${api} ${value}: tier 2 by the first source`);
            assert.equal(p.tier, 1, `${api} ${value}`);
            assert.ok(
                p.sources?.some(s => s.source === "impersonation" && s.tier === 1),
                `${api} ${value}`,
            );
        }
        let count = 0;
        for (const r of catalog.resources)
            for (const p of r.permissions) {
                if (p.value === "user_impersonation" || p.value.endsWith("AccessAsUser.All")) {
                    count++;
                    assert.ok(p.tier === null || p.tier <= 1, `${r.name} ${p.value} is tier ${p.tier}`);
                }
            }
        assert.ok(count >= 15);
    });

    it("applies the families to an API the sources never rated (a new API's user_impersonation, a new *.AccessAsUser.All)", () => {
        const r = resourceOf("aaaaaaaa-0000-4000-8000-00000000000c", "new-api", [
            ["delegated", "user_impersonation", 2],
            ["delegated", "Foo.AccessAsUser.All", 2],
            ["delegated", "user_impersonation_lite", 2],
        ]);
        classify([r], [], { ...RULES, equivalences: [] });
        assert.deepEqual(
            r.permissions.map(p => p.tier),
            [1, 1, 2],
            "the match is exact, not a prefix",
        );
    });

    it("gives equivalent permissions on Graph, Exchange and SharePoint the same tier, the stricter, with the reason", () => {
        const pairs: [string, PermissionType, string, string, string][] = [
            ["exchange-online", "delegated", "Calendars.Read", "microsoft-graph", "Calendars.Read"],
            ["exchange-online", "application", "Calendars.Read.All", "microsoft-graph", "Calendars.Read.All"],
            ["exchange-online", "delegated", "Mail.ReadBasic", "microsoft-graph", "Mail.ReadBasic"],
            ["exchange-online", "delegated", "Mail.Read", "microsoft-graph", "Mail.Read"],
            ["sharepoint-online", "delegated", "MyFiles.Write", "microsoft-graph", "Files.ReadWrite"],
            ["sharepoint-online", "delegated", "AllSites.FullControl", "microsoft-graph", "Sites.FullControl.All"],
            ["sharepoint-online", "application", "Sites.FullControl.All", "microsoft-graph", "Sites.FullControl.All"],
        ];
        for (const [api, type, value, other, otherValue] of pairs)
            assert.equal(perm(api, type, value).tier, perm(other, type, otherValue).tier, `${api} ${value} == ${other} ${otherValue}`);
        const cal = perm("exchange-online", "delegated", "Calendars.Read");
        assert.deepEqual([sourceTier(cal, "eam"), cal.tier], [2, 1]);
        assert.match(
            classificationReason(cal),
            /^equivalent to microsoft-graph delegated Calendars.Read: reads or writes the same calendars.*, per cross-API equivalence$/,
        );
    });

    it("raises the weaker side whichever API it is on, and refuses an equivalence naming no catalog permission", () => {
        const graph = resourceOf("00000003-0000-0000-c000-000000000000", "microsoft-graph", [["delegated", "Calendars.Read", 2]]);
        const exchange = resourceOf("00000002-0000-0ff1-ce00-000000000000", "exchange-online", [["delegated", "Calendars.Read", 1]]);
        const rules = {
            ...RULES,
            equivalences: [{ reason: "same calendars", members: ["microsoft-graph delegated Calendars.Read", "exchange-online delegated Calendars.Read"] }],
        };
        classify([graph, exchange], [], rules);
        assert.deepEqual([graph.permissions[0].tier, exchange.permissions[0].tier], [1, 1]);
        assert.throws(
            () => classify([graph, exchange], [], { ...RULES, equivalences: [{ reason: "x", members: ["microsoft-graph delegated Calendars.Raed"] }] }),
            /Calendars.Raed/,
        );
    });
});

const APP_TIERS = "azuread-approleassignment-disallow-privileged-permissions";
const SCOPE_TIERS = "azuread-delegatedpermissiongrant-disallow-privileged-scopes";
const OTHER_TENANT = "22222222-2222-2222-2222-222222222222";
const apps = (c: Record<string, any>) => c["entra-consent:apps"];
const reportsAsk =
    (...values: string[]) =>
    (c: Record<string, any>) => {
        apps(c)["orders-reports"].application["microsoft-graph"] = values;
    };
const webAsks =
    (...values: string[]) =>
    (c: Record<string, any>) => {
        apps(c)["orders-web"].delegated["microsoft-graph"] = values;
    };
const override = (fields: Record<string, unknown>) => ({
    tenant: TENANT_ID,
    resource: "microsoft-graph",
    type: "application",
    reason: "reviewed by security",
    ticket: "SEC-9",
    ...fields,
});
const problemsOf = (plan: { problems?: { path: string; message: string; hint?: string }[] }) =>
    (plan.problems ?? []).map(p => `${p.path}: ${p.message}${p.hint ? ` (${p.hint})` : ""}`);

describe("issue 8, class 3: the reasons of both sources in findings", () => {
    it("says why a tenant-wide grant of Directory.AccessAsUser.All is denied: the impersonation rule and Microsoft's risk table", async () => {
        const [v] = mandatoryOf(await planDev(webAsks("User.Read", "Directory.AccessAsUser.All")), SCOPE_TIERS);
        assert.match(
            v.message,
            /delegated permission Directory.AccessAsUser.All for every user in the tenant \(AllPrincipals\) \(tier 0, control plane: .*; the same access to the directory as the signed-in user, a Global Administrator's included, per the impersonation rule; High: phishing, per Microsoft's consent-grant risk table\)/,
        );
        assert.match(v.message, /denied/);
        assert.equal(v.tier, 0);
    });

    it("shows the risk table's reason where it decided the tier (Files.ReadWrite, tier 2 by the first source)", async () => {
        const [v] = mandatoryOf(await planDev(webAsks("User.Read", "Files.ReadWrite")), SCOPE_TIERS);
        assert.match(
            v.message,
            /Files.ReadWrite .*\(tier 1, management plane: write access or sensitive reads; High: phishing, per Microsoft's consent-grant risk table\)/,
        );
    });
});

describe("issue 8, class 4: tenant overrides owned by security", () => {
    it("raises a permission's tier for its tenant, and the finding names the override", async () => {
        assert.deepEqual(of(await planDev(reportsAsk("User.ReadBasic.All")), APP_TIERS), [], "tier 2: no finding without the override");
        const config = { [APP_TIERS]: { tiers: [override({ permission: "User.ReadBasic.All", tier: 0, reason: "directory harvesting for phishing" })] } };
        const [v] = mandatoryOf(await planDev(reportsAsk("User.ReadBasic.All"), { policyConfig: config }), APP_TIERS);
        assert.match(
            v.message,
            /User.ReadBasic.All \(tier 0 by override SEC-9: directory harvesting for phishing; without it tier 2, user access\)\. Tier-0 application permissions are denied/,
        );
        assert.equal(v.tier, 0);
        assert.deepEqual(v.override, { ticket: "SEC-9", reason: "directory harvesting for phishing" });
    });

    it("lowers a permission's tier for its tenant only: another tenant's override does nothing", async () => {
        assert.equal(mandatoryOf(await planDev(reportsAsk("Mail.Send")), APP_TIERS).length, 1, "tier 1 needs an approval");
        const lower = override({ permission: "Mail.Send", tier: 2, reason: "sends only from a shared mailbox" });
        const lowered = of(await planDev(reportsAsk("Mail.Send"), { policyConfig: { [APP_TIERS]: { tiers: [lower] } } }), APP_TIERS);
        assert.deepEqual(
            lowered.map(v => [v.enforcementLevel, v.tier, v.override?.ticket]),
            [["advisory", 2, "SEC-9"]],
            "passes, and the accepted risk stays visible",
        );
        assert.match(
            lowered[0].message,
            /^Allowed by the tier override SEC-9: orders-reports is assigned the Microsoft Graph application permission Mail.Send \(tier 2 by override SEC-9: sends only from a shared mailbox; without it tier 1, management plane/,
        );
        const elsewhere = { ...lower, tenant: OTHER_TENANT };
        const [v] = mandatoryOf(await planDev(reportsAsk("Mail.Send"), { policyConfig: { [APP_TIERS]: { tiers: [elsewhere] } } }), APP_TIERS);
        assert.match(v.message, /Mail.Send \(tier 1, management plane/);
        assert.equal(v.override, undefined);
    });

    it("applies to delegated grants under the delegated policy, judged by the same module", async () => {
        const raise = { tiers: [override({ type: "delegated", permission: "User.Read", tier: 0, reason: "no sign-in apps without review" })] };
        const [v] = mandatoryOf(await planDev(webAsks("User.Read"), { policyConfig: { [SCOPE_TIERS]: raise } }), SCOPE_TIERS);
        assert.match(
            v.message,
            /User.Read for every user in the tenant \(AllPrincipals\) \(tier 0 by override SEC-9: no sign-in apps without review; without it tier 2/,
        );
        const lower = { tiers: [override({ type: "delegated", permission: "Files.ReadWrite", tier: 2, reason: "own files only" })] };
        const lowered = of(await planDev(webAsks("User.Read", "Files.ReadWrite"), { policyConfig: { [SCOPE_TIERS]: lower } }), SCOPE_TIERS);
        assert.deepEqual(
            lowered.map(x => [x.enforcementLevel, x.permission, x.tier]),
            [["advisory", "Files.ReadWrite", 2]],
        );
        assert.match(
            lowered[0].message,
            /^Allowed by the tier override SEC-9: orders-web is granted .* Files.ReadWrite for every user in the tenant \(AllPrincipals\) \(tier 2 by override SEC-9: own files only; without it tier 1/,
        );
        // an application override under the delegated policy is not silently useless: the schema takes only its type
        const wrongType = await planDev(() => {}, { policyConfig: { [SCOPE_TIERS]: { tiers: [override({ permission: "User.Read.All", tier: 0 })] } } });
        assert.match(problemsOf(wrongType)[0], /azuread-delegatedpermissiongrant-disallow-privileged-scopes.tiers\[0\].type: "application" is not allowed/);
    });

    it('refuses to lower a tier-0 permission without "tier0": true, and lowers it with the flag', async () => {
        const ask = reportsAsk("RoleManagement.ReadWrite.Directory");
        const lower = override({ permission: "RoleManagement.ReadWrite.Directory", tier: 1, reason: "PIM automation" });
        const refused = await planDev(ask, { policyConfig: { [APP_TIERS]: { tiers: [lower] } } });
        assert.deepEqual(
            problemsOf(refused).map(p => p.replace(/^.*?policy-config.json: /, "")),
            [
                `${APP_TIERS}.tiers[0].tier: lowers Microsoft Graph's RoleManagement.ReadWrite.Directory from tier 0 to tier 1 without "tier0": true (lowering a tier-0 permission needs "tier0": true, as a tier-0 approval does)`,
            ],
        );
        const flagged = await planDev(ask, { policyConfig: { [APP_TIERS]: { tiers: [{ ...lower, tier0: true }] } } });
        const [v] = mandatoryOf(flagged, APP_TIERS);
        assert.match(
            v.message,
            /\(tier 1 by override SEC-9: PIM automation; without it tier 0, control plane.*\)\. Tier-1 application permissions need an approval/,
        );
    });

    it("under the engine, ignores a refused override with an advisory finding, and the permission keeps its tier", async () => {
        // the engine validates the schema only: a config with a refused override reaches the policy
        const tenant = new SimulatedTenant({ tenantId: TENANT_ID, catalog });
        const config = devConfig();
        reportsAsk("RoleManagement.ReadWrite.Directory")(config);
        const run = await runProgram({ program: "index.ts", config, stack: "dev", tenant });
        const tiers = [
            override({ permission: "RoleManagement.ReadWrite.Directory", tier: 2, reason: "PIM automation" }),
            override({ permission: "Mail.Sedn", tier: 0 }),
            override({ tenant: OTHER_TENANT, permission: "Mail.Sedn", tier: 0 }),
        ];
        const { violations } = runPolicies(policies, run.resources, {
            stack: "dev",
            project: "entra-consent",
            config: { [APP_TIERS]: { tiers } },
            stackTags: { "entra-consent:tenant": TENANT_ID },
        });
        const mine = violations.filter(v => v.policy === APP_TIERS);
        assert.deepEqual(
            mine.filter(v => v.enforcementLevel === "mandatory").map(v => [v.permission, v.tier]),
            [["RoleManagement.ReadWrite.Directory", 0]],
        );
        const notes = mine.filter(v => v.enforcementLevel === "advisory").map(v => v.message);
        assert.equal(notes.length, 2, notes.join("\n"));
        assert.match(
            notes[0],
            /The tier override SEC-9 \("azuread-approleassignment-disallow-privileged-permissions".tiers\[0\]\) was ignored, so the permission keeps the catalog's tier: lowers Microsoft Graph's RoleManagement.ReadWrite.Directory from tier 0 to tier 2 without "tier0": true/,
        );
        assert.match(notes[1], /tiers\[1\]\) was ignored.*Microsoft Graph has no application permission "Mail.Sedn" \(did you mean "Mail.Send"\?\)/);
    });

    it("reports unknown resource and permission names offline as input errors with did-you-mean", async () => {
        const tiers = [
            override({ resource: "microsoft-grpah", permission: "Mail.Send", tier: 0 }),
            override({ permission: "Mail.Sedn", tier: 0 }),
            override({ permission: "mail.send", tier: 0 }),
            override({ permission: "User.ReadBasic.All", tier: 1 }),
            override({ permission: "User.ReadBasic.All", tier: 0 }),
        ];
        const plan = await planDev(() => {}, { policyConfig: { [APP_TIERS]: { tiers } } });
        const found = problemsOf(plan).map(p => p.replace(/^.*?policy-config.json: /, ""));
        assert.deepEqual(found, [
            `${APP_TIERS}.tiers[0].resource: no Microsoft API "microsoft-grpah" is in the catalog (did you mean "microsoft-graph"?)`,
            `${APP_TIERS}.tiers[1].permission: Microsoft Graph has no application permission "Mail.Sedn" (did you mean "Mail.Send"?)`,
            `${APP_TIERS}.tiers[2].permission: permission names are case-sensitive: Microsoft Graph has no application permission "mail.send" (did you mean "Mail.Send"?)`,
            `${APP_TIERS}.tiers[4]: sets the tier of Microsoft Graph's User.ReadBasic.All for tenant ${TENANT_ID} again (tiers[3] does already) (one override per permission and tenant)`,
        ]);
    });
});

describe("issue 8, class 5: npm run tiers", () => {
    const run = async (...argv: string[]) => {
        const r = await runMain(tiersMain, argv);
        return { code: r.code, out: r.stdout, err: r.stderr };
    };
    const config = (tiers: unknown[]) => writePolicyConfig({ [APP_TIERS]: { tiers } });

    it("runs as a process once: a reader that stops early (`| head`) ends it with exit 0, not an EPIPE stack trace", async () => {
        const { args, options } = cliProcess("tiers", []);
        const child = spawn(process.execPath, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
        let stderr = "";
        child.stderr.on("data", d => (stderr += d));
        const first = await new Promise<string>(resolve => child.stdout.once("data", d => resolve(String(d))));
        child.stdout.destroy(); // as head does after its lines
        const code = await new Promise<number | null>(resolve => child.on("close", resolve));
        assert.match(first, /^resource\s+type\s+permission/);
        assert.equal(code, 0, stderr);
        assert.equal(stderr, "");
    });

    it("prints the effective classification as text: tier, sources and reason", async () => {
        const r = await run("--resource", "microsoft-graph", "--type", "delegated");
        assert.equal(r.code, 0, r.err);
        const line = r.out.split("\n").find(l => /\sDirectory.AccessAsUser.All\s/.test(l))!;
        assert.match(
            line,
            /^microsoft-graph\s+delegated\s+Directory.AccessAsUser.All\s+0\s+eam:2 consent-risk:1 impersonation:0\s+the same access to the directory/,
        );
        assert.ok(
            r.out
                .split("\n")
                .slice(1)
                .every(l => l === "" || l.startsWith("sources:") || /^microsoft-graph\s+delegated\s/.test(l)),
            "one API, one type",
        );
        assert.match(r.out, /sources: eam: the Enterprise Access Model classification; consent-risk: Microsoft's consent-grant risk table/);
    });

    it("prints JSON with structured sources, and applies a tenant's overrides from the policy config, not another tenant's", async () => {
        const file = config([
            override({ permission: "Mail.Send", tier: 2, reason: "shared mailbox only" }),
            override({ tenant: OTHER_TENANT, permission: "User.Read.All", tier: 0 }),
        ]);
        const r = await run("--resource", "microsoft-graph", "--type", "application", "--format", "json", "--policy-config", file, "--tenant", TENANT_ID);
        assert.equal(r.code, 0, r.err);
        const rows = JSON.parse(r.out);
        const mail = rows.find((x: any) => x.permission === "Mail.Send");
        assert.deepEqual([mail.tier, mail.override], [2, { ticket: "SEC-9", reason: "shared mailbox only", catalogTier: 1 }]);
        assert.deepEqual(
            mail.sources.map((s: any) => s.source),
            ["eam", "consent-risk"],
        );
        const users = rows.find((x: any) => x.permission === "User.Read.All");
        assert.deepEqual([users.tier, users.override], [2, undefined], "the other tenant's override does not apply");
        assert.ok(rows.every((x: any) => x.type === "application" && x.resource === "microsoft-graph"));
    });

    it("prints markdown and CSV (quoted), with the override column", async () => {
        const file = config([override({ permission: "Mail.Send", tier: 0, reason: "mail, as we see it, is tier 0" })]);
        const md = await run("--resource", "microsoft-graph", "--format", "markdown", "--policy-config", file, "--tenant", TENANT_ID);
        assert.equal(md.code, 0, md.err);
        assert.equal(md.out.split("\n")[0], "| resource | type | permission | tier | sources | reason | override |");
        assert.match(
            md.out,
            /\| microsoft-graph \| application \| Mail.Send \| 0 \| eam:1 consent-risk:1 \| High: phishing, per Microsoft's consent-grant risk table \| SEC-9: mail, as we see it, is tier 0 \(catalog: 1\) \|/,
        );
        const csv = await run("--resource", "exchange-online", "--format", "csv", "--type", "delegated");
        assert.equal(csv.code, 0, csv.err);
        const lines = csv.out.split("\n");
        assert.equal(lines[0], "resource,type,permission,id,tier,sources,reason,override");
        assert.ok(
            lines.some(l =>
                /^exchange-online,delegated,Calendars.Read,[0-9a-f-]{36},1,eam:2 equivalence:1,"equivalent to microsoft-graph delegated Calendars.Read: reads or writes the same calendars through Exchange Online as through Microsoft Graph, per cross-API equivalence",$/.test(
                    l,
                ),
            ),
            lines.slice(0, 5).join("\n"),
        );
        assert.equal(lines.length, 1 + catalog.resource("exchange-online")!.permissions.filter(p => p.type === "delegated").length);
    });

    it("exits 2 on bad input, naming what was wrong", async () => {
        const cases: [string[], RegExp][] = [
            [["--resource", "microsoft-grpah"], /no Microsoft API "microsoft-grpah" is in the catalog; did you mean "microsoft-graph"\?/],
            [["--type", "app"], /--type is "app"; use delegated or application/],
            [["--format", "yaml"], /--format is "yaml"; use text, json, markdown, csv/],
            [["--tenant", TENANT_ID], /--policy-config and --tenant go together/],
            [["--policy-config", config([]), "--tenant", "contoso"], /--tenant is "contoso"; give the tenant ID/],
            [["--colour"], /Unknown option '--colour'/],
            [
                ["--policy-config", config([override({ permission: "Mail.Sedn", tier: 0 })]), "--tenant", TENANT_ID],
                /tiers\[0\]\.permission: Microsoft Graph has no application permission "Mail.Sedn" \(did you mean "Mail.Send"\?\)/,
            ],
        ];
        for (const [argv, pattern] of cases) {
            const r = await run(...argv);
            assert.equal(r.code, 2, argv.join(" "));
            assert.match(r.err, pattern, argv.join(" "));
            assert.equal(r.out, "");
        }
    });
});
