/**
 * Issue 7, class 1: two resources, one name. Resource names are built from config (app keys, resource labels,
 * permission values); distinct configs must give distinct URNs, and a duplicate URN (which the engine refuses:
 * "Duplicate resource URN '<urn>'; try giving it a unique name") is a deploy error of the offline plan.
 */
import { strict as assert } from "assert";
import * as path from "path";
import { decodeName, encodeName, legacyName, nameSegment, segmentValue } from "../lib/ids";
import { duplicateUrnErrors } from "../lib/plan/duplicates";
import { exitCode, PlanResult, planStack } from "../lib/plan/plan";
import { RecordedResource } from "../lib/plan/run";
import { catalog, planConfig, TENANT_ID, writeStack } from "./helpers";

const DUPLICATE = path.join(__dirname, "fixtures", "programs", "duplicate-names.ts");
const APP_TIERS = "azuread-approleassignment-disallow-privileged-permissions";

const stack = (apps: Record<string, unknown>) => ({
    "azuread:tenantId": TENANT_ID,
    "entra-consent:tenant": { id: TENANT_ID, name: "collide" },
    "entra-consent:apps": apps,
});
const described = (values: string[]) => Object.fromEntries(values.map(v => [v, { description: `the ${v} permission` }]));
const api = (roles: string[], scopes: string[] = []) => ({ kind: "api", appRoles: described(roles), ...(scopes.length ? { scopes: described(scopes) } : {}) });

function assertDistinctUrns(plan: PlanResult): void {
    assert.deepEqual(plan.problems, undefined, JSON.stringify(plan.problems));
    assert.deepEqual(plan.errors, [], "no duplicate URN, no deploy error");
    const urns = plan.resources.map(r => r.urn);
    assert.equal(new Set(urns).size, urns.length, `URNs distinct: ${urns.filter((u, i) => urns.indexOf(u) !== i).join(", ")}`);
}
const names = (plan: PlanResult, type: string) =>
    plan.resources
        .filter(r => r.type.endsWith(`:${type}`))
        .map(r => r.name)
        .sort();

describe("resource names: pure encoding", () => {
    it("escapes permission values injectively and keeps the common case readable", () => {
        assert.equal(nameSegment("User.Read.All"), "User.Read.All");
        assert.equal(nameSegment("user_impersonation"), "user_impersonation");
        const hostile = ["Orders/Read", "Orders_Read", "Orders%2FRead", "Orders:Read", "Orders-Read", "Ordérs", "a/b", "a%2Fb", ""];
        const segments = hostile.map(nameSegment);
        assert.equal(new Set(segments).size, hostile.length, segments.join(" "));
        hostile.forEach((v, i) => assert.equal(segmentValue(segments[i]), v));
        for (const s of segments) assert.ok(!s.includes("/"), s);
        assert.equal(segmentValue("a/b"), undefined, "not a segment");
        assert.equal(segmentValue("%2f"), undefined, "escapes are upper-case only, so each value has one segment");
    });

    it("decodes a name back to its config path", () => {
        assert.equal(decodeName("orders-web/grant/microsoft-graph")!.path, 'entra-consent:apps["orders-web"].delegated["microsoft-graph"]');
        assert.equal(decodeName("orders-api/scope/Orders%2FRead")!.path, 'entra-consent:apps["orders-api"].scopes["Orders/Read"]');
        assert.equal(decodeName("d/assign/b-c/d")!.path, 'entra-consent:apps.d.application["b-c"] (d)');
        assert.equal(decodeName("orders-api/preauthorize/orders-web")!.path, 'entra-consent:apps["orders-api"].preAuthorized["orders-web"]');
        assert.equal(decodeName("orders-web-registration")!.path, 'entra-consent:apps["orders-web"]');
        assert.equal(decodeName("orders-web-client-secret")!.path, 'entra-consent:apps["orders-web"].clientSecret');
        assert.equal(decodeName("orders-web/grant/microsoft-graph", "orders-api"), undefined, "the owner must be the name's owner");
        for (const bad of ["a/nope/b", "a/assign/b", "a/grant/b/c", "a/grant/b%2f", "client-role"]) assert.equal(decodeName(bad), undefined, bad);
    });

    it("round-trips every part, whatever it contains", () => {
        const parts = ["x-assign-y", "b-c", "Orders/Read", "Orders_Read", "a b", "%41", "ünï"];
        for (const owner of parts)
            for (const v of parts) {
                const d = decodeName(encodeName(owner, "assign", "label", v))!;
                assert.deepEqual([d.app, d.kind, d.parts], [owner, "assign", ["label", v]]);
            }
    });

    it("had collisions under the old joining, which the new names do not have", () => {
        // app "a", resource "b-c", role "d" versus app "a", resource "b", role "c-d"
        assert.equal(legacyName("a", "assign", "b-c", "d"), legacyName("a", "assign", "b", "c-d"));
        assert.notEqual(encodeName("a", "assign", "b-c", "d"), encodeName("a", "assign", "b", "c-d"));
        assert.notEqual(encodeName("x-assign-y", "assign", "z", "w"), encodeName("x", "assign", "y-assign-z", "w"));
    });
});

describe("resource names: configs built to collide plan with distinct URNs", () => {
    it("an app key containing -assign- and a resource label containing it", async () => {
        // old: both "x-assign-y-assign-z-W"
        const plan = await planConfig(
            stack({
                z: api(["W"]),
                "y-assign-z": api(["W"]),
                "x-assign-y": { kind: "daemon", application: { z: ["W"] } },
                x: { kind: "daemon", application: { "y-assign-z": ["W"] } },
            }),
        );
        assertDistinctUrns(plan);
        assert.deepEqual(names(plan, "AppRoleAssignment"), ["x-assign-y/assign/z/W", "x/assign/y-assign-z/W"]);
    });

    it("role values that differ only in / and _", async () => {
        // old: both "d-assign-api-Orders_Read" and both "api-role-Orders_Read"
        const plan = await planConfig(
            stack({ api: api(["Orders/Read", "Orders_Read"]), d: { kind: "daemon", application: { api: ["Orders/Read", "Orders_Read"] } } }),
        );
        assertDistinctUrns(plan);
        assert.deepEqual(names(plan, "AppRoleAssignment"), ["d/assign/api/Orders%2FRead", "d/assign/api/Orders_Read"]);
        assert.deepEqual(names(plan, "ApplicationAppRole"), ["api/role/Orders%2FRead", "api/role/Orders_Read"]);
    });

    it("a resource label that ends where another's role value begins", async () => {
        // old: both "a-assign-b-c-d"
        const plan = await planConfig(stack({ b: api(["c-d"]), "b-c": api(["d"]), a: { kind: "daemon", application: { b: ["c-d"], "b-c": ["d"] } } }));
        assertDistinctUrns(plan);
        assert.equal(names(plan, "AppRoleAssignment").length, 2);
    });

    it("grants, scopes and pre-authorizations whose app key equals another's key and label joined", async () => {
        const scopes = (v: string[]) => ({ kind: "api", scopes: described(v) });
        const plan = await planConfig(
            stack({
                // grants: old "a-grant-b-grant-c" twice
                c: scopes(["S"]),
                "b-grant-c": scopes(["S"]),
                "a-grant-b": { kind: "native", delegated: { c: ["S"] } },
                a: { kind: "native", delegated: { "b-grant-c": ["S"] } },
                // scopes: old "p-scope-q-scope-r" twice
                "p-scope-q": scopes(["r"]),
                p: scopes(["q-scope-r"]),
                // pre-authorizations: old "m-preauthorize-n-preauthorize-o" twice
                "m-preauthorize-n": { ...scopes(["S"]), preAuthorized: { o: ["S"] } },
                m: { ...scopes(["S"]), preAuthorized: { "n-preauthorize-o": ["S"] } },
                o: { kind: "native", delegated: { "m-preauthorize-n": ["S"] } },
                "n-preauthorize-o": { kind: "native", delegated: { m: ["S"] } },
            }),
        );
        assertDistinctUrns(plan);
        assert.ok(names(plan, "ServicePrincipalDelegatedPermissionGrant").includes("a-grant-b/grant/c"));
        assert.ok(names(plan, "ServicePrincipalDelegatedPermissionGrant").includes("a/grant/b-grant-c"));
        assert.equal(names(plan, "ApplicationPreAuthorized").length, 2);
    });

    it("a scope and an app role with the same value on two APIs, and an app key equal to a Microsoft alias's prefix", async () => {
        const plan = await planConfig(
            stack({
                api: { kind: "api", scopes: described(["Read"]), appRoles: described(["Read.All"]) },
                api2: api(["Read"]),
                microsoft: api(["graph-User.Read"]),
                client: {
                    kind: "daemon",
                    application: { "microsoft-graph": ["User.Read.All"], microsoft: ["graph-User.Read"], api: ["Read.All"], api2: ["Read"] },
                },
                user: { kind: "native", delegated: { api: ["Read"] } },
            }),
        );
        assertDistinctUrns(plan);
        assert.deepEqual(names(plan, "AppRoleAssignment"), [
            "client/assign/api/Read.All",
            "client/assign/api2/Read",
            "client/assign/microsoft-graph/User.Read.All",
            "client/assign/microsoft/graph-User.Read",
        ]);
        assert.deepEqual(
            [...names(plan, "ApplicationPermissionScope"), ...names(plan, "ApplicationAppRole")].filter(n => n.endsWith("/Read")),
            ["api/scope/Read", "api2/role/Read"],
        );
    });
});

describe("offline plan: duplicate URNs are a deploy error, as in the engine", () => {
    it("reports a raw program registering two resources under one name, and judges both", async () => {
        const plan = await planStack({ configFile: writeStack({ "azuread:tenantId": TENANT_ID }), program: DUPLICATE, catalog });
        const urn = "urn:pulumi:dev::entra-consent::azuread:index/appRoleAssignment:AppRoleAssignment::client-role";
        const dup = plan.errors.filter(e => e.startsWith("Duplicate resource URN"));
        assert.equal(dup.length, 1, JSON.stringify(plan.errors));
        assert.match(
            dup[0],
            new RegExp(
                `^Duplicate resource URN '${urn.replace(/[.$]/g, "\\$&")}'; try giving it a unique name\\..* 2 resources .*from ${urn.replace(/[.$]/g, "\\$&")} and from ${urn.replace(/[.$]/g, "\\$&")}\\.$`,
            ),
        );
        assert.equal(plan.summary.errors, plan.errors.length);
        assert.equal(exitCode(plan), 1);
        assert.equal(plan.resources.filter(r => r.urn === urn).length, 2, "both registrations stay in the plan");
        assert.ok(
            plan.violations.some(v => v.policy === APP_TIERS && /RoleManagement.ReadWrite.Directory/.test(v.message)),
            "the tier-0 twin is judged too",
        );
    });

    it("names both config paths when entra-consent's components registered them", () => {
        const rec = (parent: string, name: string): RecordedResource => ({
            urn: `urn:pulumi:dev::p::entra-consent:index:TenantConsent$entra-consent:index:AppAccess$azuread:index/appRoleAssignment:AppRoleAssignment::${name}`,
            type: "azuread:index/appRoleAssignment:AppRoleAssignment",
            name,
            parent: `urn:pulumi:dev::p::entra-consent:index:TenantConsent$entra-consent:index:AppAccess::${parent}`,
            custom: true,
            dependencies: [],
            propertyDependencies: {},
            inputs: {},
            secretInputs: [],
            outputs: {},
        });
        const [error] = duplicateUrnErrors([rec("a", "a/assign/b/c"), rec("a", "a/assign/b/c"), rec("q", "q/grant/r")]);
        assert.match(error, /from entra-consent:apps.a.application.b \(c\) and from entra-consent:apps.a.application.b \(c\)\.$/);
        // a name whose owner is not its parent is not decoded: the URN and the parent say where it is
        const [other] = duplicateUrnErrors([rec("a", "a/assign/b/c"), rec("x", "a/assign/b/c")]);
        assert.match(other, /from entra-consent:apps.a.application.b \(c\) and from urn:.*::a\/assign\/b\/c \(child of urn:.*AppAccess::x\)\.$/);
        assert.deepEqual(duplicateUrnErrors([rec("a", "a/assign/b/c"), rec("a", "a/assign/b/d")]), []);
    });
});
