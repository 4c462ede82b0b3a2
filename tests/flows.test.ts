import { strict as assert } from "assert";
import { authorizationCodeOutcome, clientCredentialsOutcome, onBehalfOfOutcome, predictFlows, principalFailure, whoMayApprove } from "../lib/flows";
import { buildModel, DEFAULT_LOW_RISK_PERMISSIONS, UserConsentSetting } from "../lib/model";
import { GRAPH_APP_ID } from "../lib/ids";
import type { TenantState } from "../lib/sim/tenant";
import { catalog, devRaw } from "./helpers";
import { planDev } from "./policy-helpers";

const lowRisk = { [GRAPH_APP_ID]: DEFAULT_LOW_RISK_PERMISSIONS };
const tenant = (userConsent: UserConsentSetting) => ({ userConsent, lowRiskPermissions: lowRisk });
const scope = (value: string, adminConsentRequired: boolean) => ({ type: "delegated" as const, value, adminConsentRequired });
const here = { registeredHere: true, publisherVerified: false, assignmentRequired: false };

describe("who may approve a permission (type x user consent setting)", () => {
    const table: [
        string,
        ReturnType<typeof scope> | { type: "application"; value: string; adminConsentRequired: boolean },
        string,
        UserConsentSetting,
        "admin" | "user",
    ][] = [
        [
            "application permission, users may consent to all",
            { type: "application", value: "User.Read.All", adminConsentRequired: true },
            GRAPH_APP_ID,
            "all",
            "admin",
        ],
        ["admin-only scope, users may consent to all", scope("User.Read.All", true), GRAPH_APP_ID, "all", "admin"],
        ["user scope, user consent off", scope("User.Read", false), GRAPH_APP_ID, "none", "admin"],
        ["user scope, users may consent to all", scope("Files.Read", false), GRAPH_APP_ID, "all", "user"],
        ["low-impact Graph scope, low-risk", scope("User.Read", false), GRAPH_APP_ID, "low-risk", "user"],
        ["other Graph user scope, low-risk", scope("Files.Read", false), GRAPH_APP_ID, "low-risk", "admin"],
        ["own API user scope, low-risk (not classified low impact)", scope("User.Read", false), "app:orders-api", "low-risk", "admin"],
        ["own API user scope, users may consent to all", scope("Orders.Read", false), "app:orders-api", "all", "user"],
    ];
    for (const [name, permission, resource, setting, expected] of table) {
        it(`${name}: ${expected}`, () => assert.equal(whoMayApprove(permission, resource, here, tenant(setting)).approver, expected));
    }
    it("uses the tenant's own low-risk list", () => {
        assert.equal(
            whoMayApprove(scope("Files.Read", false), GRAPH_APP_ID, here, { userConsent: "low-risk", lowRiskPermissions: { [GRAPH_APP_ID]: ["Files.Read"] } })
                .approver,
            "user",
        );
        assert.equal(
            whoMayApprove(scope("User.Read", false), GRAPH_APP_ID, here, { userConsent: "low-risk", lowRiskPermissions: { [GRAPH_APP_ID]: ["Files.Read"] } })
                .approver,
            "admin",
        );
    });
});

describe("flow rules", () => {
    it("authorization code: issued, issued after user consent, or admin approval required", () => {
        assert.equal(
            authorizationCodeOutcome([
                { value: "A", approvedBy: "admin-grant", approver: "admin" },
                { value: "B", approvedBy: "pre-authorized", approver: "admin" },
            ]).outcome,
            "issued",
        );
        const consent = authorizationCodeOutcome([
            { value: "A", approvedBy: "admin-grant", approver: "admin" },
            { value: "B", approvedBy: null, approver: "user" },
        ]);
        assert.deepEqual([consent.outcome, consent.granted], ["issued-after-user-consent", ["A", "B"]]);
        const admin = authorizationCodeOutcome([
            { value: "A", approvedBy: null, approver: "user" },
            { value: "B", approvedBy: null, approver: "admin" },
        ]);
        assert.deepEqual([admin.outcome, admin.missing, admin.granted, admin.code], ["admin-approval-required", ["B"], [], "AADSTS90093"]);
    });

    it("on-behalf-of never prompts: anything unapproved is AADSTS65001, even what a user could consent to", () => {
        assert.deepEqual(onBehalfOfOutcome([{ value: "A", approvedBy: null, approver: "user" }]), {
            outcome: "failed",
            code: "AADSTS65001",
            granted: [],
            missing: ["A"],
        });
        assert.equal(onBehalfOfOutcome([{ value: "A", approvedBy: "admin-grant", approver: "admin" }]).outcome, "issued");
    });

    it("client credentials: the token is issued without the missing roles", () => {
        assert.deepEqual(clientCredentialsOutcome(["r1", "r2"], ["r1", "r9"]), { outcome: "missing-roles", code: null, granted: ["r1"], missing: ["r2"] });
        assert.equal(clientCredentialsOutcome(["r1"], ["r1"]).outcome, "issued");
    });

    it("principals and first-party pairs fail before consent: 700016, 500011, 65002", () => {
        const ok = { clientHasPrincipal: true, resourceHasPrincipal: true, firstPartyClient: false, firstPartyResource: true, preAuthorized: false };
        assert.equal(principalFailure(ok), null);
        assert.equal(principalFailure({ ...ok, clientHasPrincipal: false }), "AADSTS700016");
        assert.equal(principalFailure({ ...ok, resourceHasPrincipal: false }), "AADSTS500011");
        assert.equal(principalFailure({ ...ok, firstPartyClient: true }), "AADSTS65002");
        assert.equal(principalFailure({ ...ok, firstPartyClient: true, preAuthorized: true }), null);
        assert.equal(principalFailure({ ...ok, firstPartyClient: true, firstPartyResource: false }), null);
    });
});

/** A tenant with the stack's principals and no approvals at all, to see each flow fail the way Entra would. */
function emptyTenant(opts: { withoutPrincipals?: string[]; withoutGraph?: boolean } = {}): TenantState {
    return {
        tenantId: "t",
        principalOfResource: name => (opts.withoutPrincipals?.some(k => name.startsWith(`${k}-`)) ? undefined : `oid-${name}`),
        principal: id => (id.startsWith("oid-") ? { objectId: id, clientId: `client-${id}`, displayName: id, kind: "application" } : undefined),
        principalByClientId: id =>
            opts.withoutGraph && id === GRAPH_APP_ID ? undefined : { objectId: `ms-${id}`, clientId: id, displayName: id, kind: "microsoft" },
        grants: () => [],
        assignments: () => [],
        assignmentsTo: () => [],
        application: () => ({ scopes: [], roles: [], preAuthorized: new Map(), knownClients: [] }),
    };
}

describe("flow predictions against a tenant", () => {
    const model = buildModel(devRaw(), catalog);

    it("with no approvals: daemons miss roles, interactive clients need an admin, the middle tier fails with AADSTS65001", () => {
        const flows = predictFlows(model, emptyTenant(), catalog);
        const of = (client: string, resource: string) => flows.find(f => f.client === client && f.resource === resource)!;
        assert.deepEqual([of("orders-worker", "orders-api").outcome, of("orders-worker", "orders-api").claims], ["missing-roles", { roles: [] }]);
        assert.match(of("orders-worker", "orders-api").fix!, /Assign Orders.Process to orders-worker/);
        assert.equal(of("orders-web", "orders-api").outcome, "admin-approval-required");
        assert.match(of("orders-web", "orders-api").fix!, /apps.orders-web.consent: admin.*apps.orders-api.preAuthorized.orders-web/);
        assert.equal(of("orders-web", "microsoft-graph").outcome, "issued-after-user-consent", "openid, profile, User.Read are low risk in contoso-dev");
        assert.deepEqual([of("orders-api", "microsoft-graph").outcome, of("orders-api", "microsoft-graph").code], ["failed", "AADSTS65001"]);
    });

    it("reports AADSTS700016 without the client's principal and AADSTS500011 without the resource's", () => {
        const noClient = predictFlows(model, emptyTenant({ withoutPrincipals: ["partner-sync"] }), catalog).find(f => f.client === "partner-sync")!;
        assert.deepEqual([noClient.outcome, noClient.code], ["failed", "AADSTS700016"]);
        const noGraph = predictFlows(model, emptyTenant({ withoutGraph: true }), catalog).filter(f => f.resource === "microsoft-graph");
        assert.ok(noGraph.length > 0 && noGraph.every(f => f.code === "AADSTS500011"));
        assert.match(noGraph[0].fix!, /az ad sp create --id 00000003-0000-0000-c000-000000000000/);
    });
});

describe("flow predictions in the plan", () => {
    it("the sample dev stack plans with every flow issued", async () => {
        const plan = await planDev();
        assert.equal(plan.flows.length, 8);
        assert.deepEqual(
            plan.flows.filter(f => f.outcome !== "issued"),
            [],
        );
        assert.equal(plan.summary.failingFlows, 0);
    });

    it("consent: user predicts user consent, pre-authorization and admin approval per scope, and fails the plan", async () => {
        const plan = await planDev(c => {
            c["entra-consent:apps"]["orders-web"].consent = "user";
        });
        const web = plan.flows.filter(f => f.client === "orders-web");
        assert.deepEqual(
            web.map(f => [f.resource, f.outcome, f.mechanism]),
            [
                ["microsoft-graph", "issued-after-user-consent", ["user-consent"]],
                ["orders-api", "admin-approval-required", ["pre-authorized", "none"]],
            ],
        );
        assert.equal(plan.summary.failingFlows, 1);
    });

    it("a middle tier without an admin grant fails on-behalf-of with AADSTS65001", async () => {
        const plan = await planDev(c => {
            c["entra-consent:apps"]["orders-api"].consent = "user";
        });
        const obo = plan.flows.find(f => f.client === "orders-api")!;
        assert.deepEqual([obo.flow, obo.outcome, obo.code], ["on-behalf-of", "failed", "AADSTS65001"]);
        assert.match(obo.fix!, /set apps.orders-api.consent: admin/);
    });
});
