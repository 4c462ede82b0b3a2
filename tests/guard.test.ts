/**
 * Issue 7: routes around the policy pack, each attacked from more than one angle. Parties are identified by the
 * values a program sends, not by guesses or wiring; what the pack cannot identify fails closed; every route to
 * delegated consent is judged by tier; approvals apply to one tenant and say why they did not apply.
 */
import * as path from "path";
import { strict as assert } from "assert";
import { planStack } from "../lib/plan/plan";
import { renderText } from "../lib/plan/report";
import { catalog, devConfig, TENANT_ID, writeStack } from "./helpers";
import { approval, approvedOf, mandatoryOf, of, planDev, planRaw, writePolicyConfig } from "./policy-helpers";

const APP_TIERS = "azuread-approleassignment-disallow-privileged-permissions";
const SCOPE_TIERS = "azuread-delegatedpermissiongrant-disallow-privileged-scopes";
const MULTI_TENANT = "azuread-application-require-approval-for-multi-tenant";
const DECOY = path.join(__dirname, "fixtures", "programs", "decoy.ts");
const apps = (c: Record<string, any>) => c["entra-consent:apps"];

const planDecoy = (which: string) => planStack({ configFile: writeStack({ "azuread:tenantId": TENANT_ID, "test:case": which }), program: DECOY, catalog });

describe("class 2: the resource is the service principal a grant names, never a guess", () => {
    const exchangeMail = (permission: string) => (c: Record<string, any>) => {
        apps(c)["orders-reports"].application["exchange-online"] = [permission];
    };

    // User.Read.All (application) has one GUID on Microsoft Graph (tier 2) and on SharePoint Online (tier 1: its user
    // profiles). Since issue 8, Exchange's Mail.Read is tier 1 like Graph's (equivalence), so it no longer shows this.
    it("judges Graph's User.Read.All as Graph's (tier 2), not as SharePoint's tier-1 permission with the same GUID", async () => {
        const sharePoint = catalog.resource("sharepoint-online")!.permissions.find(p => p.value === "User.Read.All" && p.type === "application")!;
        const graph = catalog.resource("microsoft-graph")!.permissions.find(p => p.value === "User.Read.All" && p.type === "application")!;
        assert.equal(sharePoint.id, graph.id);
        assert.deepEqual([graph.tier, sharePoint.tier], [2, 1]);
        const plan = await planDev(c => {
            apps(c)["orders-reports"].application["microsoft-graph"] = ["User.Read.All"];
        });
        assert.deepEqual(of(plan, APP_TIERS), [], "a tier-2 request on Graph is not rejected because of SharePoint");
    });

    it("names Exchange in the finding, and an approval naming exchange-online covers Exchange's permission, not Graph's", async () => {
        const change = exchangeMail("Mail.Send"); // tier 1 on Exchange Online
        const [v] = mandatoryOf(await planDev(change), APP_TIERS);
        assert.match(v.message, /the Exchange Online application permission Mail.Send \(tier 1/);
        assert.equal(v.resource, "exchange-online");
        const forGraph = approval({ client: "orders-reports", resource: "microsoft-graph", permission: "Mail.Send", type: "application" });
        assert.equal(mandatoryOf(await planDev(change, { policyConfig: { [APP_TIERS]: { approvals: [forGraph] } } }), APP_TIERS).length, 1);
        const forExchange = approval({ client: "orders-reports", resource: "exchange-online", permission: "Mail.Send", type: "application" });
        assert.deepEqual(mandatoryOf(await planDev(change, { policyConfig: { [APP_TIERS]: { approvals: [forExchange] } } }), APP_TIERS), []);
    });

    it("judges a delegated grant on Azure Resource Manager as ARM's user_impersonation, not another API's", async () => {
        const plan = await planDev(c => {
            apps(c)["orders-web"].delegated["azure-service-management"] = ["user_impersonation"];
        });
        for (const v of plan.violations.filter(x => x.permission === "user_impersonation")) assert.equal(v.resource, "azure-service-management", v.message);
        assert.equal(plan.summary.errors, 0);
    });
});

describe("class 3: values, not wiring; fail closed on what the pack cannot identify", () => {
    it("sees Graph's RoleManagement.ReadWrite.Directory behind a decoy API whose role reuses its GUID (value routed through the decoy's output)", async () => {
        const v = mandatoryOf(await planDecoy("declared-through-decoy"), APP_TIERS);
        assert.equal(v.length, 1);
        assert.match(v[0].message, /Microsoft Graph application permission RoleManagement.ReadWrite.Directory \(tier 0/);
    });

    it("fails closed when Graph's object ID comes from an invoke, through a decoy, a Promise or a literal", async () => {
        for (const which of ["invoke-through-decoy", "invoke-promise", "invoke-literal"]) {
            const v = mandatoryOf(await planDecoy(which), APP_TIERS);
            assert.equal(v.length, 1, which);
            assert.match(
                v[0].message,
                /cannot identify the resource API: object ID [0-9a-f-]{36} is not the objectId of any service principal of this stack/,
                which,
            );
        }
    });

    it("fails closed on a principal carried through another's output to an object ID the stack does not declare", async () => {
        const v = mandatoryOf(await planDecoy("declared-principal-through-decoy"), APP_TIERS);
        assert.equal(v.length, 1);
        assert.match(v[0].message, /cannot identify the principal/);
        assert.deepEqual(mandatoryOf(await planDecoy("declared-honest"), APP_TIERS), [], "the same assignment, honestly wired, passes");
    });

    it("lets an approval naming the object ID cover what the pack cannot identify", async () => {
        const plan = await planDecoy("invoke-literal");
        const [v] = mandatoryOf(plan, APP_TIERS);
        const objectId = /object ID ([0-9a-f-]{36})/.exec(v.message)![1];
        const policyConfig = writePolicyConfig({
            [APP_TIERS]: {
                approvals: [
                    approval({ client: "client", resource: objectId, permission: "97235f07-e226-4f63-ace3-39588e11d3a1", type: "application", tier0: true }),
                ],
            },
        });
        const approved = await planStack({
            configFile: writeStack({ "azuread:tenantId": TENANT_ID, "test:case": "invoke-literal" }),
            program: DECOY,
            catalog,
            policyConfig,
        });
        assert.deepEqual(mandatoryOf(approved, APP_TIERS), []);
    });

    it("still judges by dependency in a first preview, where values are unknown", async () => {
        const v = mandatoryOf(await planRaw({ graphRoles: ["RoleManagement.ReadWrite.Directory"] }, { preview: true }), APP_TIERS);
        // the assignment's appRoleId is an invoke result (known), its resource the adopted Graph service principal (unknown yet)
        assert.equal(v.length, 1);
        assert.match(v[0].message, /Microsoft Graph application permission RoleManagement.ReadWrite.Directory/);
    });

    it("flags a grant to Graph named by an invoke result in a raw program (no service principal resource)", async () => {
        const v = mandatoryOf(await planRaw({ graphScopes: ["User.Read"], graphByInvoke: true }), SCOPE_TIERS);
        assert.equal(v.length, 1);
        assert.match(v[0].message, /client is granted the .* delegated permission User.Read .*cannot identify the resource API/);
    });
});

describe("class 5: every route to consent is judged by tier", () => {
    const preAuthorize =
        (tier: number, client = "orders-web") =>
        (c: Record<string, any>) => {
            apps(c)["orders-api"].scopes["Orders.ReadWrite"].tier = tier;
            apps(c)["orders-api"].preAuthorized[client] = ["Orders.Read", "Orders.ReadWrite"];
            if (client === "orders-web") apps(c)["orders-web"].consent = "user"; // no grant: the pre-authorization is the approval
        };

    it("asks an approval for a tier-1 scope pre-authorized for a client of the stack, and one with tier0 for tier 0", async () => {
        const [v1] = mandatoryOf(await planDev(preAuthorize(1)), SCOPE_TIERS);
        assert.match(v1.message, /orders-api pre-authorizes orders-web for Orders.ReadWrite \(tier 1.*every user of that client/);
        const [v0] = mandatoryOf(await planDev(preAuthorize(0)), SCOPE_TIERS);
        assert.match(v0.message, /Denied without a tier-0 approval.*"tier0":true/);
        const ok = approval({ client: "orders-web", resource: "orders-api", permission: "Orders.ReadWrite", type: "delegated" });
        assert.deepEqual(mandatoryOf(await planDev(preAuthorize(1), { policyConfig: { [SCOPE_TIERS]: { approvals: [ok] } } }), SCOPE_TIERS), []);
    });

    it("judges a pre-authorized bare client ID the same way", async () => {
        const bare = "3b2c9a4e-0000-4000-8000-0000000000b1";
        // (orders-web's own tenant-wide grant of the now tier-1 scope is a second finding)
        const v = mandatoryOf(await planDev(preAuthorize(1, bare)), SCOPE_TIERS).filter(x => x.message.includes("pre-authorizes"));
        assert.equal(v.length, 1, JSON.stringify(v.map(x => x.message)));
        assert.match(v[0].message, new RegExp(`pre-authorizes ${bare} for Orders.ReadWrite`));
    });

    it("asks an approval for a tier-0 Microsoft scope users may consent to themselves", async () => {
        const change = (c: Record<string, any>) => {
            apps(c)["orders-web"].consent = "user";
            apps(c)["orders-web"].delegated["microsoft-graph"].push("UserAuthMethod-Password.ReadWrite.All");
        };
        const v = mandatoryOf(await planDev(change), SCOPE_TIERS);
        assert.equal(v.length, 1);
        assert.match(
            v[0].message,
            /requests the Microsoft Graph delegated permission UserAuthMethod-Password.ReadWrite.All \(tier 0.*users may consent to themselves/,
        );
        const ok = approval({
            client: "orders-web",
            resource: "microsoft-graph",
            permission: "UserAuthMethod-Password.ReadWrite.All",
            type: "delegated",
            tier0: true,
        });
        assert.deepEqual(mandatoryOf(await planDev(change, { policyConfig: { [SCOPE_TIERS]: { approvals: [ok] } } }), SCOPE_TIERS), []);
    });

    it("asks an approval for an API of the stack exposing a tier-0 scope to user consent", async () => {
        const v = mandatoryOf(
            await planDev(c => {
                apps(c)["orders-api"].scopes["Orders.Read"].tier = 0;
            }),
            SCOPE_TIERS,
        );
        assert.ok(
            v.some(x => /orders-api exposes its tier-0 scope Orders.Read for user consent/.test(x.message)),
            JSON.stringify(v.map(x => x.message)),
        );
    });
});

describe("approvals: scoped to a tenant, exact, and explained when they do not apply", () => {
    const sitesRead = (c: Record<string, any>) => {
        apps(c)["orders-reports"].application["microsoft-graph"].push("Sites.Read.All");
    };
    const fields = { client: "orders-reports", resource: "microsoft-graph", permission: "Sites.Read.All", type: "application" };

    it("never clears another tenant: the same config passes tenant A and stops tenant B", async () => {
        const policyConfig = { [APP_TIERS]: { approvals: [approval(fields)] } };
        assert.deepEqual(mandatoryOf(await planDev(sitesRead, { policyConfig }), APP_TIERS), []);
        const tenantB = "22222222-2222-2222-2222-222222222222";
        const inB = await planDev(
            c => {
                sitesRead(c);
                c["azuread:tenantId"] = tenantB;
                c["entra-consent:tenant"].id = tenantB;
            },
            { policyConfig },
        );
        const [v] = mandatoryOf(inB, APP_TIERS);
        assert.match(v.message, /applies to tenant 11111111-1111-1111-1111-111111111111, not this one/);
    });

    it("matches exactly and case-sensitively", async () => {
        for (const wrong of [{ client: "Orders-Reports" }, { permission: "sites.read.all" }, { resource: "Microsoft-Graph" }]) {
            const plan = await planDev(sitesRead, { policyConfig: { [APP_TIERS]: { approvals: [approval({ ...fields, ...wrong })] } } });
            assert.equal(mandatoryOf(plan, APP_TIERS).length, 1, JSON.stringify(wrong));
        }
    });

    it("reports an approval that matches nothing, naming what does not exist with did-you-mean", async () => {
        const typo = approval({ ...fields, client: "orders-reprts" });
        const v = of(await planDev(sitesRead, { policyConfig: { [APP_TIERS]: { approvals: [typo] } } }), APP_TIERS).filter(
            x => x.enforcementLevel === "advisory",
        );
        assert.equal(v.length, 1);
        assert.match(v[0].message, /The approval SEC-42 .* did not apply: no client "orders-reprts" exists in this stack \(did you mean "orders-reports"\?\)/);
        const stale = approval({ ...fields, permission: "Sites.ReadWrite.All" });
        const [s] = of(await planDev(() => {}, { policyConfig: { [APP_TIERS]: { approvals: [stale] } } }), APP_TIERS);
        assert.match(s.message, /did not apply: it matches nothing in this stack that needs an approval/);
    });

    it("accepts the CLI's `all` key for every policy's level, a policy's own entry winning", async () => {
        const plan = await planDev(sitesRead, { policyConfig: { all: "advisory", [MULTI_TENANT]: "mandatory" } });
        assert.equal(of(plan, APP_TIERS)[0].enforcementLevel, "advisory");
        const bad = await planDev(() => {}, { policyConfig: { all: "loud" } });
        assert.match(bad.problems![0].message, /"loud" is not an enforcement level/);
    });

    it("accepts the example policy config README points to, and it approves what it says", async () => {
        const policyConfig = path.join(__dirname, "..", "policy-config.example.json");
        const plan = await planStack({
            configFile: writeStack(
                (() => {
                    const c = devConfig();
                    sitesRead(c);
                    return c;
                })(),
            ),
            catalog,
            policyConfig,
        });
        assert.equal(plan.problems, undefined, JSON.stringify(plan.problems));
        assert.deepEqual(mandatoryOf(plan, APP_TIERS), []);
        assert.equal(approvedOf(plan, APP_TIERS)[0].approval?.ticket, "SEC-1234");
    });

    it("carries structured fields beside the message of a violation", async () => {
        const [v] = mandatoryOf(await planDev(sitesRead), APP_TIERS);
        assert.deepEqual(
            { app: v.app, resource: v.resource, permission: v.permission, type: v.type, tier: v.tier },
            { app: "orders-reports", resource: "microsoft-graph", permission: "Sites.Read.All", type: "application", tier: 1 },
        );
        assert.ok(approvedOf(await planDev(sitesRead), APP_TIERS).length === 0);
    });
});

describe("app roles for people are not application permissions", () => {
    it("passes users and groups assigned to a user-only role of an API of the stack, and still judges a role workloads may hold", async () => {
        const user = "7a7a7a7a-0000-4000-8000-000000000001";
        const withUsers = (members: string[]) => (c: Record<string, any>) => {
            apps(c)["orders-api"].appRoles["Orders.Admin"] = { members, description: "Administer orders", assignedTo: { users: [user] } };
        };
        const plan = await planDev(withUsers(["user"]));
        assert.deepEqual(plan.errors, []);
        assert.deepEqual(mandatoryOf(plan, APP_TIERS), []);
        const both = await planDev(withUsers(["user", "application"]));
        assert.match(
            mandatoryOf(both, APP_TIERS)[0]?.message ?? "",
            /cannot identify the principal/,
            "a role a service principal may hold, given to an unknown object ID, fails closed",
        );
    });
});

describe("the text plan shows approved risk and never calls a rejected request approved", () => {
    it("marks a rejected permission REJECTED in the app's lines and in the consent matrix, and an approved one with its tier and approval", async () => {
        const change = (c: Record<string, any>) => {
            apps(c)["orders-reports"].application["microsoft-graph"].push("RoleManagement.ReadWrite.Directory", "Sites.Read.All");
        };
        const policyConfig = {
            [APP_TIERS]: {
                approvals: [approval({ client: "orders-reports", resource: "microsoft-graph", permission: "Sites.Read.All", type: "application" })],
            },
        };
        const text = renderText(await planDev(change, { policyConfig }));
        assert.match(text, /RoleManagement.ReadWrite.Directory\n\s+REJECTED by azuread-approleassignment-disallow-privileged-permissions \(mandatory\)/);
        assert.doesNotMatch(text, /RoleManagement.ReadWrite.Directory[^\n]*\n\s+approved by/);
        assert.match(
            text,
            /Sites.Read.All\n\s+approved by app role assignment \(this deploy\); tier 1, approval SEC-42 by secops@contoso.example until \d{4}-01-31/,
        );
        assert.match(text, /orders-reports\s+microsoft-graph\s+client-credentials.*REJECTED by policy \(RoleManagement.ReadWrite.Directory\): no deploy/);
    });
});
