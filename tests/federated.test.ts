/**
 * Issue 7, class 9: federated credentials. Microsoft Learn, "Workload identity federation"
 * (https://learn.microsoft.com/en-us/entra/workload-id/workload-identity-federation) and "Flexible federated identity
 * credentials" (https://learn.microsoft.com/en-us/entra/workload-id/workload-identities-flexible-federated-identity-credentials):
 * plain credentials match issuer and subject exactly; flexible ones match claims with `claims['sub'] matches '...'`
 * (wildcards * and ?), clauses joined by `and`. An issuer outside the allowlist, or a subject or expression that matches
 * any repository, branch or namespace, is a mandatory violation unless approved; in the stack config, an input error.
 */
import { strict as assert } from "assert";
import * as path from "path";
import { DEFAULT_ALLOWED_ISSUERS, expressionProblem, issuerAllowed, subjectProblem } from "../lib/federated";
import { exitCode, planStack } from "../lib/plan/plan";
import { catalog, devConfig, planConfig, TENANT_ID, writeStack } from "./helpers";
import { approval, approvedOf, mandatoryOf, writePolicyConfig } from "./policy-helpers";

const POLICY = "azuread-federatedcredential-disallow-untrusted-workloads";
const PROGRAM = path.join(__dirname, "fixtures", "programs", "federated.ts");
const GITHUB = "https://token.actions.githubusercontent.com";
const OTHER_TENANT = "22222222-2222-2222-2222-222222222222";
const planFederated = (spec: Record<string, unknown>, policyConfig?: unknown) =>
    planStack({
        configFile: writeStack({ "azuread:tenantId": TENANT_ID, "test:spec": spec }),
        program: PROGRAM,
        catalog,
        policyConfig: policyConfig ? writePolicyConfig(policyConfig) : undefined,
    });

describe("federated credentials (pure)", () => {
    it("allows GitHub Actions, this tenant's AKS clusters and this tenant's own issuers by default", () => {
        const ok = [
            GITHUB,
            `https://westeurope.oic.prod-aks.azure.com/${TENANT_ID}/6c1b7b0e-0000-4000-8000-000000000001/`,
            `https://login.microsoftonline.com/${TENANT_ID}/v2.0`,
            `https://sts.windows.net/${TENANT_ID}/`,
        ];
        for (const issuer of ok) assert.ok(issuerAllowed(issuer, DEFAULT_ALLOWED_ISSUERS, TENANT_ID), issuer);
        const bad = [
            `https://login.microsoftonline.com/${OTHER_TENANT}/v2.0`,
            `https://sts.windows.net/${OTHER_TENANT}/`,
            `https://westeurope.oic.prod-aks.azure.com/${OTHER_TENANT}/6c1b7b0e-0000-4000-8000-000000000001/`,
            "https://token.actions.githubusercontent.com.evil.example",
            "https://evil.example/token.actions.githubusercontent.com",
            "https://evil.example/.oic.prod-aks.azure.com/",
            "http://token.actions.githubusercontent.com",
            "https://gitlab.com",
        ];
        for (const issuer of bad) assert.ok(!issuerAllowed(issuer, DEFAULT_ALLOWED_ISSUERS, TENANT_ID), issuer);
        assert.ok(!issuerAllowed(`https://sts.windows.net/${TENANT_ID}/`, DEFAULT_ALLOWED_ISSUERS, undefined), "no tenant, no tenant issuer");
    });

    it("refuses subjects that match any repository, branch, environment or namespace", () => {
        const broad: [string, RegExp][] = [
            ["repo:contoso/*:ref:refs/heads/main", /any repository/],
            ["repo:*:ref:refs/heads/main", /any repository/],
            ["repo:contoso/ord?rs:environment:prod", /any repository/],
            ["repo:contoso/orders:ref:refs/heads/*", /any branch/],
            ["repo:contoso/orders:ref:refs/heads/m*", /any branch/],
            ["repo:contoso/orders:environment:*", /any environment/],
            ["repo:contoso/orders:*", /any branch, tag, environment or event/],
            ["repo:contoso/orders:ref:refs/tags/*", /any tag/],
            ["system:serviceaccount:*:deployer", /any namespace/],
            ["system:serviceaccount:team-*:deployer", /any namespace/],
            ["system:serviceaccount:orders:*", /any service account/],
            ["*", /wildcard/],
            ["project_path:contoso/*:ref_type:branch:ref:main", /wildcard/],
        ];
        for (const [s, why] of broad) assert.match(subjectProblem(s) ?? "", why, s);
        for (const s of [
            "repo:contoso/orders:ref:refs/heads/main",
            "repo:contoso/orders:environment:prod",
            "repo:contoso/orders:ref:refs/heads/release/*",
            "repo:contoso/orders:ref:refs/tags/v1.*",
            "system:serviceaccount:orders:deployer",
            "system:serviceaccount:orders:deploy-*",
        ]) {
            assert.equal(subjectProblem(s), undefined, s);
        }
    });

    it("judges flexible expressions clause by clause, and fails closed on what does not parse", () => {
        assert.equal(expressionProblem("claims['sub'] matches 'repo:contoso/orders:ref:refs/heads/release/*'"), undefined);
        assert.equal(
            expressionProblem(
                "claims['sub'] matches 'repo:contoso/orders:ref:refs/heads/main' and claims['job_workflow_ref'] matches 'contoso/wf/.github/workflows/deploy.yml@refs/heads/main'",
            ),
            undefined,
        );
        assert.match(expressionProblem("claims['sub'] matches 'repo:contoso/*:ref:refs/heads/main'")!, /any repository/);
        assert.match(expressionProblem("claims['sub'] matches 'repo:contoso/orders:ref:refs/heads/*'")!, /any branch/);
        assert.match(
            expressionProblem("claims['job_workflow_ref'] matches 'contoso/wf/.github/workflows/deploy.yml@refs/heads/main'")!,
            /does not constrain the subject/,
        );
        assert.match(
            expressionProblem(
                "claims['sub'] matches 'repo:contoso/orders:ref:refs/heads/main' and claims['job_workflow_ref'] matches 'contoso/*/.github/workflows/deploy.yml@*'",
            )!,
            /whole part of job_workflow_ref/,
        );
        for (const bad of ["claims['sub'] matches 'a' or claims['sub'] matches 'b'", "claims[\"sub\"] matches 'x'", "true", "", "claims['sub'] contains 'x'"]) {
            assert.match(expressionProblem(bad)!, /does not parse/, bad);
        }
    });
});

describe(`${POLICY}: raw programs`, () => {
    it("passes a credential for one repository and branch from GitHub Actions, plain and flexible", async () => {
        assert.deepEqual(mandatoryOf(await planFederated({ kind: "plain", issuer: GITHUB, subject: "repo:contoso/orders:ref:refs/heads/main" }), POLICY), []);
        assert.deepEqual(
            mandatoryOf(
                await planFederated({ kind: "flexible", issuer: GITHUB, expression: "claims['sub'] matches 'repo:contoso/orders:ref:refs/heads/release/*'" }),
                POLICY,
            ),
            [],
        );
    });

    it("denies a subject for any branch, and a flexible expression for any repository", async () => {
        let v = mandatoryOf(await planFederated({ kind: "plain", issuer: GITHUB, subject: "repo:contoso/orders:ref:refs/heads/*" }), POLICY);
        assert.equal(v.length, 1);
        assert.match(v[0].message, /ci-github: its subject "repo:contoso\/orders:ref:refs\/heads\/\*" matches any branch.*"federated-credential"/);
        v = mandatoryOf(await planFederated({ kind: "flexible", issuer: GITHUB, expression: "claims['sub'] matches 'repo:*'" }), POLICY);
        assert.match(v[0]?.message ?? "", /matches any repository/);
        assert.deepEqual(
            { type: v[0].type, resource: v[0].resource, permission: v[0].permission },
            { type: "federated-credential", resource: GITHUB, permission: "claims['sub'] matches 'repo:*'" },
        );
    });

    it("denies an issuer outside the allowlist, another tenant's issuer, and accepts one the policy config allows", async () => {
        for (const issuer of ["https://gitlab.com", `https://sts.windows.net/${OTHER_TENANT}/`]) {
            const v = mandatoryOf(await planFederated({ kind: "plain", issuer, subject: "project_path:contoso/orders:ref_type:branch:ref:main" }), POLICY);
            assert.match(v[0]?.message ?? "", /an issuer that is not allowed/, issuer);
        }
        const allowed = { [POLICY]: { allowedIssuers: [...DEFAULT_ALLOWED_ISSUERS, "https://gitlab.com"] } };
        assert.deepEqual(
            mandatoryOf(
                await planFederated({ kind: "plain", issuer: "https://gitlab.com", subject: "project_path:contoso/orders:ref_type:branch:ref:main" }, allowed),
                POLICY,
            ),
            [],
        );
        assert.deepEqual(
            mandatoryOf(
                await planFederated({ kind: "plain", issuer: `https://sts.windows.net/${TENANT_ID}/`, subject: "0f1e2d3c-0000-4000-8000-000000000000" }),
                POLICY,
            ),
            [],
        );
    });

    it("judges azure-native's federated credential on a managed identity too", async () => {
        const v = mandatoryOf(await planFederated({ kind: "managed-identity", issuer: GITHUB, subject: "repo:contoso/*:environment:prod" }), POLICY);
        assert.match(v[0]?.message ?? "", /deployer-github: its subject .*any repository/);
    });

    it("lets a tenant-scoped approval cover it, keeping it visible", async () => {
        const spec = { kind: "plain", issuer: GITHUB, subject: "repo:contoso/orders:ref:refs/heads/*" };
        const ok = approval({ client: "ci-github", resource: GITHUB, permission: spec.subject, type: "federated-credential" });
        const plan = await planFederated(spec, { [POLICY]: { approvals: [ok] } });
        assert.deepEqual(mandatoryOf(plan, POLICY), []);
        assert.equal(approvedOf(plan, POLICY).length, 1);
        const elsewhere = await planFederated(spec, { [POLICY]: { approvals: [{ ...ok, tenant: OTHER_TENANT }] } });
        assert.equal(mandatoryOf(elsewhere, POLICY).length, 1, "an approval for another tenant does not cover it");
    });
});

describe("federated credentials in the stack config are input errors (exit 2)", () => {
    const withCredential = (f: Record<string, string>) => {
        const c = devConfig();
        c["entra-consent:apps"]["orders-reports"].federatedCredentials = { "github-main": f };
        return c;
    };

    it("names the path, what is wrong and what is meant", async () => {
        let plan = await planConfig(withCredential({ issuer: GITHUB, subject: "repo:contoso/orders-reports:ref:refs/heads/*" }));
        assert.equal(exitCode(plan), 2);
        assert.equal(plan.problems![0].path, 'entra-consent:apps["orders-reports"].federatedCredentials["github-main"].subject');
        assert.match(plan.problems![0].message, /matches any branch/);
        assert.ok(plan.problems![0].hint);
        plan = await planConfig(withCredential({ issuer: "https://evil.example", subject: "repo:contoso/orders-reports:ref:refs/heads/main" }));
        assert.equal(exitCode(plan), 2);
        assert.equal(plan.problems![0].path, 'entra-consent:apps["orders-reports"].federatedCredentials["github-main"].issuer');
        assert.match(plan.problems![0].hint!, /token.actions.githubusercontent.com/);
    });

    it("passes the sample dev stack's credential, and the policy passes it too", async () => {
        const plan = await planConfig(devConfig());
        assert.equal(plan.problems, undefined);
        assert.deepEqual(
            plan.violations.filter(v => v.policy === POLICY),
            [],
        );
    });
});
