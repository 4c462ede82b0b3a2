/**
 * Issue 11, rules 1-4: consent as Entra applies it. Each rule is tested as a pure function on the documentation's own
 * examples, then through the plan (consent matrix, `flows`, fix sentences). Sources are cited per block.
 */
import { strict as assert } from "assert";
import {
    adminApprovalCode,
    assignmentOutcome,
    authorizationCodeOutcome,
    bundledConsentGaps,
    clientCredentialsOutcome,
    combinedConsentOutcome,
    isFailing,
    MICROSOFT_MANAGED_EXCLUSIONS,
    predictFlows,
    ScopeStatus,
    whoMayApprove,
} from "../lib/flows";
import { InputError } from "../lib/errors";
import { decodeName } from "../lib/ids";
import { buildModel, DEFAULT_ACCESS_ROLE_ID } from "../lib/model";
import { GRAPH_APP_ID } from "../lib/ids";
import type { PlanResult } from "../lib/plan/plan";
import { T } from "../lib/resource-types";
import { SimulatedTenant, TenantRejection, TenantState } from "../lib/sim/tenant";
import { catalog, devRaw, TENANT_ID } from "./helpers";
import { planDev } from "./policy-helpers";

const here = { registeredHere: true, publisherVerified: false, assignmentRequired: false };
const external = { ...here, registeredHere: false };
const userScope = (value: string) => ({ type: "delegated" as const, value, adminConsentRequired: false });
const policy = (userConsent: "none" | "low-risk" | "microsoft-managed" | "all", lowRisk: Record<string, string[]> = { [GRAPH_APP_ID]: ["User.Read"] }) => ({
    userConsent,
    lowRiskPermissions: lowRisk,
});
const status = (value: string, approver: "user" | "admin", reason?: ScopeStatus["reason"], approvedBy: ScopeStatus["approvedBy"] = null): ScopeStatus => ({
    value,
    approvedBy,
    approver,
    ...(reason ? { reason } : {}),
});
const flowOf = (plan: PlanResult, client: string, resource: string) => {
    const f = plan.flows.find(x => x.client === client && x.resource === resource);
    assert.ok(f, `no flow ${client} -> ${resource}: ${plan.flows.map(x => `${x.client}->${x.resource}`).join(", ")}`);
    return f;
};
const problems = (raw: unknown): string[] => {
    try {
        buildModel(raw, catalog);
        return [];
    } catch (e) {
        if (e instanceof InputError) return e.problems.map(p => `${p.path}: ${p.message}${p.hint ? ` (${p.hint})` : ""}`);
        throw e;
    }
};
const expectProblem = (raw: unknown, path: string, pattern: RegExp) => {
    const found = problems(raw);
    assert.ok(
        found.some(p => p.startsWith(`${path}: `) && pattern.test(p)),
        `expected ${path} ${pattern}, got:\n${found.join("\n")}`,
    );
};
const USER = "aaaaaaaa-0000-4000-8000-000000000001";
const GROUP = "bbbbbbbb-0000-4000-8000-000000000002";

describe("rule 1: assignment required", () => {
    // "Applications that requires users to be assigned to the application must have their permissions consented by an
    // administrator, even if the user consent policies for your directory would otherwise allow a user to consent."
    // Configure how users consent to applications, https://learn.microsoft.com/entra/identity/enterprise-apps/configure-user-consent
    it("users cannot consent for an app that requires assignment, whatever the tenant allows (AADSTS90094)", () => {
        const a = whoMayApprove(userScope("User.Read"), GRAPH_APP_ID, { ...here, assignmentRequired: true }, policy("all"));
        assert.deepEqual(a, { approver: "admin", reason: "assignment-required" });
        assert.equal(whoMayApprove(userScope("User.Read"), GRAPH_APP_ID, here, policy("all")).approver, "user");
        assert.equal(authorizationCodeOutcome([status("User.Read", "admin", "assignment-required")]).code, "AADSTS90094");
    });

    // "If assignment is required, then only users who are assigned to the application are able to sign-in."
    // Properties of an enterprise application, https://learn.microsoft.com/entra/identity/enterprise-apps/application-properties
    it("a token only for assigned users and groups; nobody assigned is AADSTS50105 for everyone", () => {
        const issued = authorizationCodeOutcome([status("User.Read", "admin", undefined, "admin-grant")]);
        assert.equal(assignmentOutcome(issued, { required: true, assignees: 2 }).outcome, "issued-to-assigned-users");
        assert.ok(!isFailing({ outcome: "issued-to-assigned-users" }));
        assert.deepEqual(pick(assignmentOutcome(issued, { required: true, assignees: 0 })), ["failed", "AADSTS50105"]);
        assert.equal(assignmentOutcome(issued, { required: false, assignees: 0 }).outcome, "issued");
        const denied = authorizationCodeOutcome([status("User.Read.All", "admin", "admin-only")]);
        assert.deepEqual(pick(assignmentOutcome(denied, { required: true, assignees: 3 })), ["admin-approval-required", "AADSTS90094"]);
    });

    // "If assignment is required, applications must be assigned to get a token." (Properties of an enterprise
    // application); AADSTS501051 "is not assigned to a role for the application" (Protected web API: app registration,
    // https://learn.microsoft.com/entra/identity-platform/scenario-protected-web-api-app-registration).
    it("a daemon with no role on an API that requires assignment is refused (AADSTS501051), not given a role-less token", () => {
        assert.deepEqual(pick(clientCredentialsOutcome(["r1"], [], true)), ["failed", "AADSTS501051"]);
        assert.deepEqual(pick(clientCredentialsOutcome(["r1"], [], false)), ["missing-roles", null]);
        assert.deepEqual(pick(clientCredentialsOutcome(["r1", "r2"], ["r1"], true)), ["missing-roles", null], "one role is enough to get a token");
    });

    it("predicts AADSTS501051 from the tenant's appRoleAssignmentRequired", () => {
        const model = buildModel(devRaw(), catalog);
        const state = fakeTenant({ assignmentRequired: ["orders-api"] });
        const flows = predictFlows(model, state, catalog);
        const f = flows.find(x => x.client === "orders-reports" && x.resource === "orders-api")!;
        assert.deepEqual(pick(f), ["failed", "AADSTS501051"]);
        assert.match(f.fix!, /orders-api requires assignment and orders-reports holds no app role on it.*apps.orders-reports.application.orders-api/);
        assert.deepEqual(
            pick(flows.find(x => x.client === "orders-reports" && x.resource === "microsoft-graph")!),
            ["missing-roles", null],
            "Graph does not require assignment",
        );
    });

    it("plans users and groups as app role assignments, the service principal requiring assignment, and the flow for assigned users", async () => {
        const plan = await planDev(c => {
            Object.assign(c["entra-consent:apps"]["orders-web"], { assignmentRequired: true, assignedTo: { users: [USER], groups: [GROUP] } });
        });
        assert.deepEqual(plan.errors, []);
        const sp = plan.resources.find(r => r.name === "orders-web-sp")!;
        assert.equal(sp.inputs.appRoleAssignmentRequired, true);
        const members = plan.resources.filter(r => r.type === T.assignment && r.name.startsWith("orders-web/member/"));
        assert.deepEqual(
            members.map(m => [m.name, m.inputs.principalObjectId, m.inputs.appRoleId]).sort(),
            [
                [`orders-web/member/${USER}`, USER, DEFAULT_ACCESS_ROLE_ID],
                [`orders-web/member/${GROUP}`, GROUP, DEFAULT_ACCESS_ROLE_ID],
            ].sort(),
        );
        assert.ok(
            members.every(m => m.parent?.endsWith("AppAccess::orders-web")),
            "children of the app's AppAccess",
        );
        for (const resource of ["microsoft-graph", "orders-api"]) {
            const f = flowOf(plan, "orders-web", resource);
            assert.equal(f.outcome, "issued-to-assigned-users");
            assert.match(
                f.fix!,
                /Only users and groups assigned to orders-web get a token; anyone else gets AADSTS50105: assign them under apps.orders-web.assignedTo/,
            );
        }
        assert.equal(plan.summary.failingFlows, 0);
        assert.ok(!plan.resources.find(r => r.name === "orders-api-sp")!.inputs.appRoleAssignmentRequired, "only the app that asks for it");
        assert.deepEqual(plan.consent!["orders-web"].assignment, { required: true, assignedTo: { "(default access)": { users: [USER], groups: [GROUP] } } });
        assert.equal(plan.consent!["orders-api"].assignment, undefined);
    });

    it("users consenting for an app that requires assignment: admin approval (AADSTS90094); nobody assigned to an API: AADSTS50105", async () => {
        const plan = await planDev(c => {
            Object.assign(c["entra-consent:apps"]["orders-web"], { assignmentRequired: true, consent: "user" });
            c["entra-consent:apps"]["orders-api"].assignmentRequired = true;
            c["entra-consent:apps"]["orders-api"].appRoles["Orders.Process"].members = ["application", "user"];
        });
        const graph = flowOf(plan, "orders-web", "microsoft-graph");
        assert.deepEqual(pick(graph), ["admin-approval-required", "AADSTS90094"]);
        assert.match(graph.fix!, /Users cannot consent for an app that requires assignment/);
        const obo = flowOf(plan, "orders-api", "microsoft-graph");
        assert.deepEqual(pick(obo), ["failed", "AADSTS50105"]);
        assert.match(obo.fix!, /orders-api requires assignment and nobody is assigned.*apps.orders-api.assignedTo/);
    });

    it("a role for users can be assigned; a role for applications only cannot (config error, and the tenant refuses it)", async () => {
        const plan = await planDev(c => {
            const api = c["entra-consent:apps"]["orders-api"];
            api.appRoles["Orders.Approve"] = { members: ["user"], description: "Approve orders", assignedTo: { groups: [GROUP] } };
        });
        assert.deepEqual(plan.errors, []);
        const a = plan.resources.find(r => r.name === `orders-api/role-member/Orders.Approve/${GROUP}`)!;
        assert.equal(a.type, T.assignment);

        assert.equal(decodeName(a.name)!.path, `entra-consent:apps["orders-api"].appRoles["Orders.Approve"].assignedTo (${GROUP})`);
        assert.equal(decodeName(`orders-web/member/${USER}`)!.path, `entra-consent:apps["orders-web"].assignedTo (${USER})`);
        assert.equal(decodeName("orders-api-known-clients")!.path, 'entra-consent:apps["orders-api"].knownClients');

        const raw = devRaw();
        raw.apps["orders-api"].appRoles["Orders.Process"].assignedTo = { users: [USER] };
        expectProblem(
            raw,
            'entra-consent:apps["orders-api"].appRoles["Orders.Process"].assignedTo',
            /is for applications only \(members: \[application\]\).*add user to apps.orders-api.appRoles\["Orders.Process"\].members/,
        );
    });

    // Graph appRoleAssignment: a user, group or service principal assigned an app role; the app role's allowedMemberTypes
    // must include "User" for users and groups (appRole resource type, https://learn.microsoft.com/graph/api/resources/approle;
    // https://learn.microsoft.com/graph/api/resources/approleassignment).
    it("the simulated tenant enforces allowedMemberTypes User and default access only for apps without roles", () => {
        const sim = new SimulatedTenant({ tenantId: TENANT_ID, catalog });
        const reg = sim.newResource({ type: T.registration, name: "api-registration", inputs: { displayName: "api" }, provider: "", id: "", custom: true });
        const appId = reg.id!;
        sim.newResource({
            type: T.appRole,
            name: "role",
            inputs: { applicationId: appId, roleId: "cccccccc-0000-4000-8000-000000000003", value: "Jobs.Run", allowedMemberTypes: ["Application"] },
            provider: "",
            id: "",
            custom: true,
        });
        const sp = sim.newResource({ type: T.servicePrincipal, name: "api-sp", inputs: { clientId: reg.state.clientId }, provider: "", id: "", custom: true });
        const assign = (roleId: string) => () =>
            sim.newResource({
                type: T.assignment,
                name: `a-${roleId}`,
                inputs: { principalObjectId: USER, resourceObjectId: sp.id, appRoleId: roleId },
                provider: "",
                id: "",
                custom: true,
            });
        assert.throws(
            assign("cccccccc-0000-4000-8000-000000000003"),
            (e: unknown) => e instanceof TenantRejection && /does not allow users or groups \(allowedMemberTypes: Application\)/.test(e.message),
        );
        assert.throws(
            assign(DEFAULT_ACCESS_ROLE_ID),
            (e: unknown) => e instanceof TenantRejection && /was not found/.test(e.message),
            "default access: only apps without app roles",
        );

        const plain = sim.newResource({ type: T.registration, name: "web-registration", inputs: { displayName: "web" }, provider: "", id: "", custom: true });
        const webSp = sim.newResource({
            type: T.servicePrincipal,
            name: "web-sp",
            inputs: { clientId: plain.state.clientId, appRoleAssignmentRequired: true },
            provider: "",
            id: "",
            custom: true,
        });
        sim.newResource({
            type: T.assignment,
            name: "member",
            inputs: { principalObjectId: USER, resourceObjectId: webSp.id, appRoleId: DEFAULT_ACCESS_ROLE_ID },
            provider: "",
            id: "",
            custom: true,
        });
        const state = sim.state();
        assert.equal(state.principal(webSp.id!)!.assignmentRequired, true);
        assert.deepEqual(
            state.assignmentsTo(webSp.id!).map(a => a.principalType),
            ["UserOrGroup"],
        );
    });

    it("config errors: default access beside app roles, assignment on a managed identity", () => {
        const raw = devRaw();
        raw.apps["orders-api"].assignedTo = { users: [USER] };
        expectProblem(
            raw,
            'entra-consent:apps["orders-api"].assignedTo',
            /default access, which Entra offers only for apps without app roles.*apps.orders-api.appRoles.<role>.assignedTo/,
        );
        const mi = devRaw();
        mi.apps["orders-worker"].assignmentRequired = true;
        expectProblem(mi, 'entra-consent:apps["orders-worker"].assignmentRequired', /a managed identity signs in as itself/);
        const bad = devRaw();
        bad.apps["orders-web"].assignedTo = { users: ["alice@contoso.example"] };
        expectProblem(bad, 'entra-consent:apps["orders-web"].assignedTo.users[0]', /"alice@contoso.example" is not valid.*GUID/);
    });
});

describe("rule 2: the tenant's user consent setting", () => {
    // Built-in policies: microsoft-user-default-low "All low risk permissions consentable by member type users", for
    // "apps from verified publishers and apps that are registered in your tenant"; microsoft-user-default-recommended
    // "Permissions consentable based on Microsoft's current recommendations" (Manage app consent policies,
    // https://learn.microsoft.com/entra/identity/enterprise-apps/manage-app-consent-policies; Configure how users consent).
    it("none: nobody; all (legacy): any permission that needs no admin", () => {
        assert.deepEqual(whoMayApprove(userScope("Files.Read.All"), GRAPH_APP_ID, here, policy("none")), { approver: "admin", reason: "tenant-policy" });
        assert.equal(whoMayApprove(userScope("Files.Read.All"), GRAPH_APP_ID, external, policy("all")).approver, "user");
    });

    it("low-risk: classified low impact, and only for apps registered here or from a verified publisher", () => {
        assert.equal(whoMayApprove(userScope("User.Read"), GRAPH_APP_ID, here, policy("low-risk")).approver, "user");
        assert.deepEqual(whoMayApprove(userScope("User.Read"), GRAPH_APP_ID, external, policy("low-risk")), {
            approver: "admin",
            reason: "unverified-publisher",
        });
        assert.equal(whoMayApprove(userScope("User.Read"), GRAPH_APP_ID, { ...external, publisherVerified: true }, policy("low-risk")).approver, "user");
        assert.deepEqual(whoMayApprove(userScope("Files.Read"), GRAPH_APP_ID, here, policy("low-risk")), { approver: "admin", reason: "tenant-policy" });
        // classifications are per resource: an own API's scope, and a Graph value on another resource, are different permissions
        const own = policy("low-risk", { "app:orders-api": ["Orders.Read"] });
        assert.equal(whoMayApprove(userScope("Orders.Read"), "app:orders-api", here, own).approver, "user");
        assert.equal(whoMayApprove(userScope("Orders.Read"), "app:billing-api", here, own).approver, "admin");
        assert.equal(whoMayApprove(userScope("User.Read"), "app:orders-api", here, policy("low-risk")).approver, "admin");
    });

    it("microsoft-managed: any permission that needs no admin, except Microsoft's published list (dated data, incomplete)", () => {
        const data = require("../data/user-consent-policies.json");
        assert.equal(data.complete, false);
        assert.match(data.retrieved, /^\d{4}-\d{2}-\d{2}$/);
        assert.ok(MICROSOFT_MANAGED_EXCLUSIONS[GRAPH_APP_ID].includes("Files.Read.All"));
        assert.deepEqual(whoMayApprove(userScope("Files.Read.All"), GRAPH_APP_ID, here, policy("microsoft-managed")), {
            approver: "admin",
            reason: "tenant-policy",
        });
        assert.equal(
            whoMayApprove(userScope("Files.Read"), GRAPH_APP_ID, external, policy("microsoft-managed")).approver,
            "user",
            "only the .All variants are named",
        );
        assert.equal(
            whoMayApprove(userScope("Files.Read.All"), "app:orders-api", here, policy("microsoft-managed")).approver,
            "user",
            "the list is Microsoft Graph's",
        );
        assert.equal(
            whoMayApprove(userScope("X.Y"), GRAPH_APP_ID, here, policy("microsoft-managed"), { [GRAPH_APP_ID]: ["X.Y"] }).approver,
            "admin",
            "the list is data",
        );
        // every value in the data is a delegated permission of its resource (a refresh cannot slip in a typo)
        for (const [appId, values] of Object.entries(MICROSOFT_MANAGED_EXCLUSIONS)) {
            const r = catalog.resource(appId)!;
            for (const v of values) assert.ok(catalog.resolve(r, v, "delegated").ok, `${v} of ${appId}`);
        }
    });

    it("plans microsoft-managed: user consent for Graph's ordinary scopes, an admin for Files.Read.All (AADSTS90093)", async () => {
        const plan = await planDev(c => {
            c["entra-consent:tenant"].userConsent = "microsoft-managed";
            c["entra-consent:apps"]["orders-web"].consent = "user";
        });
        assert.equal(flowOf(plan, "orders-web", "microsoft-graph").outcome, "issued-after-user-consent");
        const files = await planDev(c => {
            c["entra-consent:tenant"].userConsent = "microsoft-managed";
            c["entra-consent:apps"]["orders-web"].consent = "user";
            c["entra-consent:apps"]["orders-web"].delegated["microsoft-graph"].push("Files.Read.All");
        });
        const f = flowOf(files, "orders-web", "microsoft-graph");
        assert.deepEqual(
            [f.outcome, f.code, f.fix],
            [
                "admin-approval-required",
                "AADSTS90093",
                "Approve Files.Read.All for orders-web on microsoft-graph in this tenant: set apps.orders-web.consent: admin so the deploy grants them.",
            ],
        );
    });

    it("plans low-risk for an external app: unverified publisher needs an admin (AADSTS90094), verified does not", async () => {
        const change = (verified?: boolean) => (c: Record<string, any>) => {
            c["entra-consent:apps"]["partner-portal"] = {
                kind: "native",
                identity: "external",
                appId: "5e6f7a8b-1c2d-4e3f-9a0b-1c2d3e4f5a6b",
                consent: "user",
                ...(verified === undefined ? {} : { publisherVerified: verified }),
                delegated: { "microsoft-graph": ["User.Read"] },
            };
        };
        const unverified = flowOf(await planDev(change()), "partner-portal", "microsoft-graph");
        assert.deepEqual(pick(unverified), ["admin-approval-required", "AADSTS90094"]);
        assert.match(unverified.fix!, /verified publisher \(publisherVerified\)/);
        assert.equal(flowOf(await planDev(change(true)), "partner-portal", "microsoft-graph").outcome, "issued-after-user-consent");
    });

    it("lowRiskPermissions: the list is Microsoft Graph's; the map classifies any resource, own APIs included", () => {
        const raw = devRaw();
        raw.tenant.lowRiskPermissions = { "microsoft-graph": ["User.Read", "email"], "orders-api": ["Orders.Read"] };
        assert.deepEqual(buildModel(raw, catalog).tenant.lowRiskPermissions, { [GRAPH_APP_ID]: ["email", "User.Read"], "app:orders-api": ["Orders.Read"] });
        raw.tenant.lowRiskPermissions = ["User.Read"];
        assert.deepEqual(buildModel(raw, catalog).tenant.lowRiskPermissions, { [GRAPH_APP_ID]: ["User.Read"] });
    });

    it("config errors name the path, what was wrong and what was meant", () => {
        const typo = devRaw();
        typo.tenant.userConsent = "microsoft_managed";
        expectProblem(typo, "entra-consent:tenant.userConsent", /did you mean "microsoft-managed"/);
        const unknown = devRaw();
        unknown.tenant.lowRiskPermissions = { "orders-apx": ["Orders.Read"] };
        expectProblem(unknown, 'entra-consent:tenant.lowRiskPermissions["orders-apx"]', /unknown resource "orders-apx".*did you mean "orders-api"/);
        const scope = devRaw();
        scope.tenant.lowRiskPermissions = { "orders-api": ["Orders.Reed"] };
        expectProblem(scope, 'entra-consent:tenant.lowRiskPermissions["orders-api"][0]', /Orders.Reed.*did you mean "Orders.Read"/);
        const dup = devRaw();
        dup.tenant.lowRiskPermissions = ["User.Read", "User.Read"];
        expectProblem(dup, "entra-consent:tenant.lowRiskPermissions", /lists "User.Read" twice/);
        const verified = devRaw();
        verified.apps["orders-web"].publisherVerified = true;
        expectProblem(verified, 'entra-consent:apps["orders-web"].publisherVerified', /only applies to identity: external/);
    });

    it("tenant.displayName is the directory's name, optional", () => {
        const raw = devRaw();
        raw.tenant.displayName = "Contoso Ltd";
        assert.equal(buildModel(raw, catalog).tenant.displayName, "Contoso Ltd");
        assert.equal(buildModel(devRaw(), catalog).tenant.displayName, undefined);
        raw.tenant.displayName = "";
        expectProblem(raw, "entra-consent:tenant.displayName", /is empty/);
    });
});

describe("rule 3: admin approval carries its code", () => {
    // Unexpected error when performing consent to an application,
    // https://learn.microsoft.com/entra/identity/enterprise-apps/application-sign-in-unexpected-user-consent-error:
    // 90093/90094 "requesting permissions you aren't authorized to grant" (admin-only, assignment required), 90093 "has
    // set a policy that prevents you from granting". 90095 (admin consent workflow) is the issue's: no Learn text was
    // found for it; "The user can create a consent request ... only when the admin consent workflow is enabled"
    // (appConsentRequest resource type, https://learn.microsoft.com/graph/api/resources/appconsentrequest).
    it("90095 with the workflow; else 90094 for admin-only, assignment required, unverified app; else 90093", () => {
        assert.equal(adminApprovalCode(["admin-only"], true), "AADSTS90095");
        assert.equal(adminApprovalCode(["tenant-policy"], true), "AADSTS90095");
        for (const r of ["admin-only", "assignment-required", "unverified-publisher"] as const)
            assert.equal(adminApprovalCode(["tenant-policy", r], false), "AADSTS90094", r);
        assert.equal(adminApprovalCode(["tenant-policy"], false), "AADSTS90093");
    });

    it("plans 90095 with tenant.adminConsentWorkflow and says users can request approval", async () => {
        const plan = await planDev(c => {
            c["entra-consent:tenant"].adminConsentWorkflow = true;
            c["entra-consent:apps"]["orders-web"].consent = "user";
        });
        const f = flowOf(plan, "orders-web", "orders-api");
        assert.deepEqual(pick(f), ["admin-approval-required", "AADSTS90095"]);
        assert.match(
            f.fix!,
            /users can request approval \(admin consent workflow\): an admin approves it under Enterprise applications > Admin consent requests/,
        );
        const off = flowOf(
            await planDev(c => {
                c["entra-consent:apps"]["orders-web"].consent = "user";
            }),
            "orders-web",
            "orders-api",
        );
        assert.deepEqual(pick(off), ["admin-approval-required", "AADSTS90094"], "Orders.ReadWrite is admin-only");
    });
});

describe("rule 4: combined consent for a middle tier (knownClients)", () => {
    // "Gaining consent for the middle-tier application" (Microsoft identity platform and OAuth 2.0 On-Behalf-Of flow,
    // https://learn.microsoft.com/entra/identity-platform/v2-oauth2-on-behalf-of-flow): the client is listed in the API's
    // knownClientApplications, requests the API's .default, and the prompt covers the API's downstream permissions too.
    // Microsoft's "Bundled consent for Microsoft Entra ID applications" (support article): the client's registration must
    // list all of the API's permissions.
    it("one prompt: both consented if the user may consent to everything in it, else admin approval for the client", () => {
        const ok = combinedConsentOutcome([status("Orders.Read", "user")], [status("User.Read", "user")]);
        assert.deepEqual(
            [ok.client.outcome, ok.client.granted, ok.client.missing, ok.downstreamConsented],
            ["issued-after-user-consent", ["Orders.Read"], ["Orders.Read", "User.Read"], true],
        );
        const no = combinedConsentOutcome([status("Orders.Read", "user", undefined, "pre-authorized")], [status("User.Read.All", "admin", "admin-only")]);
        assert.deepEqual(
            [no.client.outcome, no.client.code, no.client.missing, no.downstreamConsented],
            ["admin-approval-required", "AADSTS90094", ["User.Read.All"], false],
        );
        const nothing = combinedConsentOutcome(
            [status("Orders.Read", "user", undefined, "admin-grant")],
            [status("User.Read", "user", undefined, "admin-grant")],
        );
        assert.deepEqual([nothing.client.outcome, nothing.downstreamConsented], ["issued", false]);
    });

    it("bundled consent needs the client to list the API's downstream permissions", () => {
        const m = buildModel(devRaw(), catalog);
        const app = (k: string) => m.apps.find(a => a.key === k)!;
        assert.deepEqual(bundledConsentGaps(app("orders-web"), app("orders-api")), []);
        assert.deepEqual(bundledConsentGaps({ delegated: [] }, app("orders-api")), [{ resource: "microsoft-graph", values: ["User.Read"] }]);
    });

    const middleTier = (more: (c: Record<string, any>) => void = () => {}) =>
        planDev(c => {
            const apps = c["entra-consent:apps"];
            apps["orders-api"].consent = "user";
            apps["orders-api"].knownClients = ["orders-web"];
            more(c);
        });

    it("without known clients on-behalf-of still needs an admin grant (AADSTS65001)", async () => {
        const plan = await planDev(c => {
            c["entra-consent:apps"]["orders-api"].consent = "user";
        });
        assert.deepEqual(pick(flowOf(plan, "orders-api", "microsoft-graph")), ["failed", "AADSTS65001"]);
        assert.match(flowOf(plan, "orders-api", "microsoft-graph").fix!, /apps.orders-api.knownClients/);
    });

    it("with the client known, users consent for the middle tier in the client's prompt: on-behalf-of works", async () => {
        const plan = await middleTier();
        assert.deepEqual(plan.errors, []);
        assert.deepEqual(plan.consent!["orders-api"].knownClients, ["orders-web"]);
        const known = plan.resources.find(r => r.type === T.knownClients)!;
        assert.equal(known.name, "orders-api-known-clients");
        const webClientId = (plan.outputs as { clientIds: Record<string, string> }).clientIds["orders-web"];
        assert.match(webClientId, /^[0-9a-f-]{36}$/);
        assert.deepEqual(known.inputs.knownClientIds, [webClientId]);
        const obo = flowOf(plan, "orders-api", "microsoft-graph");
        assert.deepEqual([obo.outcome, obo.code, obo.mechanism], ["issued-after-user-consent", null, ["user-consent"]]);
        assert.match(obo.fix!, /combined prompt.*orders-web must request orders-api's .default scope/);
        assert.equal(flowOf(plan, "orders-web", "orders-api").outcome, "issued-after-user-consent", "the prompt shows the API's User.Read");
        assert.equal(plan.summary.failingFlows, 0);
    });

    it("an admin-only downstream permission makes the client's flow admin-approval-required and on-behalf-of stays AADSTS65001", async () => {
        const plan = await middleTier(c => {
            c["entra-consent:apps"]["orders-api"].delegated["microsoft-graph"].push("User.Read.All");
            c["entra-consent:apps"]["orders-web"].delegated["microsoft-graph"].push("User.Read.All");
        });
        const web = flowOf(plan, "orders-web", "orders-api");
        assert.deepEqual([web.outcome, web.code], ["admin-approval-required", "AADSTS90094"]);
        assert.deepEqual(web.claims, {});
        assert.deepEqual(pick(flowOf(plan, "orders-api", "microsoft-graph")), ["failed", "AADSTS65001"]);
    });

    it("a known client whose registration lacks the API's downstream permissions gets no combined consent", async () => {
        const plan = await middleTier(c => {
            c["entra-consent:apps"]["orders-web"].delegated["microsoft-graph"] = ["openid", "profile"];
        });
        assert.deepEqual(pick(flowOf(plan, "orders-api", "microsoft-graph")), ["failed", "AADSTS65001"]);
        assert.equal(flowOf(plan, "orders-web", "orders-api").outcome, "issued");
    });

    it("the middle tier requiring assignment: users cannot consent for it, so no combined consent", async () => {
        const plan = await middleTier(c => {
            c["entra-consent:apps"]["orders-api"].assignmentRequired = true;
        });
        assert.equal(flowOf(plan, "orders-web", "orders-api").code, "AADSTS90094");
        assert.equal(flowOf(plan, "orders-api", "microsoft-graph").code, "AADSTS65001");
    });

    it("a known client that requires assignment: no user consent in its prompt, for the API's part either", async () => {
        const plan = await middleTier(c => {
            c["entra-consent:apps"]["orders-web"].assignmentRequired = true;
        });
        assert.deepEqual(pick(flowOf(plan, "orders-web", "orders-api")), ["admin-approval-required", "AADSTS90094"]);
        assert.deepEqual(pick(flowOf(plan, "orders-api", "microsoft-graph")), ["failed", "AADSTS65001"]);
    });

    it("known clients must be interactive apps of this stack (did-you-mean), on an API", () => {
        const raw = devRaw();
        raw.apps["orders-api"].knownClients = ["orders-wep", "orders-worker", "orders-api"];
        expectProblem(raw, 'entra-consent:apps["orders-api"].knownClients[0]', /unknown app "orders-wep".*did you mean "orders-web"/);
        expectProblem(raw, 'entra-consent:apps["orders-api"].knownClients[1]', /"orders-worker" is a managed identity: no user signs in to it/);
        expectProblem(raw, 'entra-consent:apps["orders-api"].knownClients[2]', /is this API itself/);
        const web = devRaw();
        web.apps["orders-web"].knownClients = ["orders-api"];
        expectProblem(web, 'entra-consent:apps["orders-web"].knownClients', /only applies to an API that exposes scopes/);
    });
});

function pick(r: { outcome: string; code: string | null }): [string, string | null] {
    return [r.outcome, r.code];
}

/** The dev stack's principals, no approvals, and the given apps' service principals requiring assignment. */
function fakeTenant(opts: { assignmentRequired: string[] }): TenantState {
    return {
        tenantId: "t",
        principalOfResource: name => `oid-${name}`,
        principal: id =>
            id.startsWith("oid-")
                ? {
                      objectId: id,
                      clientId: `client-${id}`,
                      displayName: id,
                      kind: "application",
                      assignmentRequired: opts.assignmentRequired.some(k => id === `oid-${k}-sp`),
                  }
                : undefined,
        principalByClientId: id => ({ objectId: `ms-${id}`, clientId: id, displayName: id, kind: "microsoft" }),
        grants: () => [],
        assignments: () => [],
        assignmentsTo: () => [],
        application: () => ({ scopes: [], roles: [], preAuthorized: new Map(), knownClients: [] }),
    };
}
