import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { policies } from "../policies/all";
import { grantNeedsApproval } from "../policies/azuread-delegatedpermissiongrant-disallow-privileged-scopes";
import type { ResourceValidation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { Application } from "@pulumi/azuread/application";
import { ApplicationPassword } from "@pulumi/azuread/applicationPassword";
import { planStack } from "../lib/plan/plan";
import { isTypeOf, runPolicies } from "../lib/plan/policies";
import type { RecordedResource } from "../lib/plan/run";
import { T } from "../lib/resource-types";
import { withDefaults } from "../policies/lib/config";
import { renderText } from "../lib/plan/report";
import { runProgram } from "../lib/plan/run";
import { SimulatedTenant } from "../lib/sim/tenant";
import { catalog, devConfig, TENANT_ID, writeStack } from "./helpers";
import { approval, approvedOf, mandatoryOf, of, planDev, planRaw } from "./policy-helpers";

const APP_TIERS = "azuread-approleassignment-disallow-privileged-permissions";
const SCOPE_TIERS = "azuread-delegatedpermissiongrant-disallow-privileged-scopes";
const REQUESTED = "azuread-application-require-approved-permissions";
const FIRST_PARTY = "azuread-consent-disallow-first-party-client";
const PREAUTH = "azuread-applicationpreauthorized-allow-only-delegated-scopes";
const PREAUTH_FIRST_PARTY = "azuread-applicationpreauthorized-review-first-party-client";
const PASSWORD = "azuread-applicationpassword-limit-lifetime";
const CERT = "azuread-applicationcertificate-limit-lifetime";
const FEDERATED = "azuread-application-prefer-federated-credentials";
const IMPLICIT = "azuread-application-disallow-implicit-grant";
const MULTI_TENANT = "azuread-application-require-approval-for-multi-tenant";
const OWNERS = "azuread-application-require-owners";
const DIRECTORY_ROLES = "azuread-directoryroleassignment-disallow-privileged-roles";
const TENANT = "azuread-provider-require-stack-tenant";
const GLOBAL_ADMIN = "62e90394-69f5-4237-9190-012177145e10";

const apps = (c: Record<string, any>) => c["entra-consent:apps"];

describe("policy pack: every registered policy", () => {
    it("is named <provider>-<resource>-<verb>-<thing>, described in a sentence, with an enforcement level", () => {
        assert.ok(policies.length >= 14);
        for (const p of policies) {
            assert.match(p.name, /^azuread-[a-z]+-(disallow|require|limit|prefer|allow|review)-[a-z0-9]+(-[a-z0-9]+)*$/, p.name);
            assert.match(p.description, /^[A-Z][^]*[A-Za-z0-9)]\.$/, `${p.name}: description is a sentence`);
            assert.ok(p.description.split(" ").length >= 6, `${p.name}: description says something`);
            assert.ok(["advisory", "mandatory"].includes(p.enforcementLevel!), `${p.name}: enforcement level`);
        }
        assert.equal(new Set(policies.map(p => p.name)).size, policies.length, "names are unique");
    });

    // compliance-policies' layout: one module per policy, named after it, with one named export (no `policy as x` in all.ts).
    it("lives in policies/<name>.ts as that module's one policy export, listed in all.ts under its own name", () => {
        for (const p of policies) {
            const mod = require(path.join(__dirname, "..", "policies", `${p.name}.ts`)) as Record<string, unknown>;
            const exported = Object.entries(mod).filter(([, v]) => v && typeof v === "object" && (v as { name?: unknown }).name === p.name);
            assert.equal(exported.length, 1, `${p.name}: one export holds the policy`);
            assert.equal(exported[0][1], p, `${p.name}: all.ts lists the module's export`);
        }
        assert.doesNotMatch(fs.readFileSync(path.join(__dirname, "..", "policies", "all.ts"), "utf8"), / as /, "all.ts imports each policy by its own name");
    });

    it("takes option defaults from its config schema only: code reads options through policyOptions, never getConfig", () => {
        for (const p of policies) {
            const source = fs.readFileSync(path.join(__dirname, "..", "policies", `${p.name}.ts`), "utf8");
            assert.doesNotMatch(source, /getConfig/, `${p.name}: reads options with policyOptions (policies/lib/config.ts)`);
        }
        const schema = {
            properties: { maxDays: { type: "integer", default: 180 }, approvals: { type: "array", default: [] as unknown[] }, note: { type: "string" } },
        };
        assert.deepEqual(withDefaults(schema as any, {}), { maxDays: 180, approvals: [] });
        assert.deepEqual(withDefaults(schema as any, { maxDays: 30, note: "x" }), { maxDays: 30, approvals: [], note: "x" });
        const a = withDefaults<{ approvals: unknown[] }>(schema as any, {});
        a.approvals.push(1);
        assert.deepEqual(schema.properties.approvals.default, [], "a default is copied, never shared between runs");
    });

    // compliance-policies' style: a resource policy judges typed props through validateResourceOfType (one per type it
    // judges, in the array form), so each validation runs only where args.isType holds for the class it names.
    it("builds each resource validation with validateResourceOfType: it names a type and runs nowhere else", () => {
        const validations = policies.flatMap(p =>
            "validateResource" in p && p.validateResource ? [p.validateResource].flat().map(v => ({ policy: p.name, v })) : [],
        );
        assert.ok(validations.length >= 7, "the resource policies are found");
        const named = (v: ResourceValidation) => (v as { __pulumiType?: unknown }).__pulumiType;
        const judged = new Set([...validations.map(({ v }) => named(v)), "test:index:Unjudged"]);
        for (const { policy, v } of validations) {
            assert.match(String(named(v)), /^[a-z-]+:[A-Za-z/]+:[A-Za-z]+$/, `${policy}: the validation names its resource type`);
            // any resource the pack judges, told it is of no class: the validation says not applicable and touches nothing
            for (const type of judged) {
                const untouchable = new Proxy({}, { get: () => assert.fail(`${policy} read the props of a ${type} that isType denies`) });
                const args = {
                    type,
                    props: untouchable,
                    urn: `urn:pulumi:dev::entra-consent::${type}::x`,
                    name: "x",
                    isType: () => false,
                    asType: () => undefined,
                    getConfig: () => assert.fail(`${policy} read its config for a ${type} that isType denies`),
                    notApplicable: (reason?: string): never => {
                        throw Object.assign(new Error(reason), { notApplicable: true });
                    },
                } as unknown as ResourceValidationArgs;
                assert.throws(
                    () => v(args, () => assert.fail(`${policy} reported on a ${type} that isType denies`)),
                    (e: { notApplicable?: boolean }) => e.notApplicable === true,
                    `${policy} on ${type}`,
                );
            }
        }
    });

    it("passes the sample dev stack with no mandatory violation", async () => {
        const plan = await planDev();
        assert.deepEqual(
            plan.violations.filter(v => v.enforcementLevel === "mandatory"),
            [],
        );
        // advisories only: the Azure CLI pre-authorized on orders-api, and orders-web's client secret
        assert.deepEqual(plan.violations.map(v => v.policy).sort(), [FEDERATED, PREAUTH_FIRST_PARTY].sort());
    });
});

describe(APP_TIERS, () => {
    it("denies a tier-0 Microsoft Graph application permission, named by value or by GUID", async () => {
        for (const name of ["RoleManagement.ReadWrite.Directory", "9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8"]) {
            const v = of(
                await planDev(c => {
                    apps(c)["orders-reports"].application["microsoft-graph"].push(name);
                }),
                APP_TIERS,
            );
            assert.equal(v.length, 1, JSON.stringify(v));
            assert.equal(v[0].enforcementLevel, "mandatory");
            assert.match(v[0].message, /orders-reports is assigned the Microsoft Graph application permission RoleManagement.ReadWrite.Directory \(tier 0/);
            assert.match(v[0].urn!, /orders-reports\/assign\/microsoft-graph\/RoleManagement.ReadWrite.Directory$/);
        }
    });

    it("asks for an approval on tier 1, with the least-privilege alternative, and accepts a valid one", async () => {
        const change = (c: Record<string, any>) => {
            apps(c)["orders-reports"].application["microsoft-graph"].push("Sites.Read.All");
        };
        const v = of(await planDev(change), APP_TIERS);
        assert.equal(v.length, 1);
        assert.match(
            v[0].message,
            /Sites.Read.All \(tier 1.*Least privilege: ask for Sites.Selected instead.*"azuread-approleassignment-disallow-privileged-permissions".approvals/,
        );
        const approved = {
            [APP_TIERS]: {
                approvals: [approval({ client: "orders-reports", resource: "microsoft-graph", permission: "Sites.Read.All", type: "application" })],
            },
        };
        const plan = await planDev(change, { policyConfig: approved });
        assert.deepEqual(mandatoryOf(plan, APP_TIERS), []);
        // approved risk stays visible: an advisory with its tier and the approval, in structured fields
        const [seen] = approvedOf(plan, APP_TIERS);
        assert.deepEqual(
            { app: seen.app, resource: seen.resource, permission: seen.permission, type: seen.type, tier: seen.tier, ticket: seen.approval?.ticket },
            { app: "orders-reports", resource: "microsoft-graph", permission: "Sites.Read.All", type: "application", tier: 1, ticket: "SEC-42" },
        );
        assert.match(seen.message, /^Approved: .*Sites.Read.All \(tier 1.*Approved by secops@contoso.example \(SEC-42\) until \d{4}-01-31/);
    });

    it("treats an expired approval as none and says when it expired", async () => {
        const change = (c: Record<string, any>) => {
            apps(c)["orders-reports"].application["microsoft-graph"].push("Sites.Read.All");
        };
        const expired = approval(
            { client: "orders-reports", resource: "microsoft-graph", permission: "332a536c-c7ef-4017-ab91-336970924f0d", type: "application" },
            true,
        );
        const plan = await planDev(change, { policyConfig: { [APP_TIERS]: { approvals: [expired] } } });
        const v = mandatoryOf(plan, APP_TIERS);
        assert.equal(v.length, 1);
        assert.match(v[0].message, new RegExp(`The approval SEC-42 \\(by secops@contoso.example\\) expired on ${expired.expires}`));
        // and the approval itself is reported, by name, with the reason it did not apply
        assert.match(
            of(plan, APP_TIERS).find(x => x.enforcementLevel === "advisory")!.message,
            new RegExp(`The approval SEC-42 .* did not apply: it expired on ${expired.expires}`),
        );
    });

    it("needs tier0: true in an approval of a tier-0 permission", async () => {
        const change = (c: Record<string, any>) => {
            apps(c)["orders-reports"].application["microsoft-graph"].push("RoleManagement.ReadWrite.Directory");
        };
        const fields = { client: "orders-reports", resource: "microsoft-graph", permission: "RoleManagement.ReadWrite.Directory", type: "application" };
        const without = await planDev(change, { policyConfig: { [APP_TIERS]: { approvals: [approval(fields)] } } });
        assert.equal(mandatoryOf(without, APP_TIERS).length, 1);
        assert.match(
            of(without, APP_TIERS).find(x => x.enforcementLevel === "advisory")!.message,
            /did not apply: the permission is tier 0, and the approval does not say "tier0": true/,
        );
        // several approvals may match: any valid one covers, whatever the order
        const both = await planDev(change, {
            policyConfig: { [APP_TIERS]: { approvals: [approval(fields), approval({ ...fields, tier0: true, ticket: "SEC-43" })] } },
        });
        assert.deepEqual(mandatoryOf(both, APP_TIERS), []);
        assert.equal(approvedOf(both, APP_TIERS)[0].approval?.ticket, "SEC-43");
    });

    it("judges the stack's own APIs by the tier their owners give in config", async () => {
        const v = of(
            await planDev(c => {
                apps(c)["orders-api"].appRoles["Orders.Process"].tier = 1;
            }),
            APP_TIERS,
        );
        assert.deepEqual(v.map(x => x.message.split(" is assigned")[0]).sort(), ["orders-reports", "orders-worker"]);
        assert.match(v[0].message, /orders-api application permission Orders.Process \(tier 1/);
    });

    it("judges a raw azuread program the same way", async () => {
        const v = of(await planRaw({ graphRoles: ["RoleManagement.ReadWrite.Directory", "User.Read.All"] }), APP_TIERS);
        assert.equal(v.length, 1);
        assert.match(v[0].message, /^client is assigned the Microsoft Graph application permission RoleManagement.ReadWrite.Directory/);
    });
});

describe(SCOPE_TIERS, () => {
    it("denies a tenant-wide grant of a tier-0 scope and asks an approval for tier 1", async () => {
        const v = of(
            await planDev(c => {
                apps(c)["orders-web"].delegated["microsoft-graph"].push("AccessReview.ReadWrite.All", "Mail.Read");
            }),
            SCOPE_TIERS,
        );
        assert.deepEqual(v.map(x => /permission (\S+) for every user/.exec(x.message)?.[1]).sort(), ["AccessReview.ReadWrite.All", "Mail.Read"]);
        assert.match(v.find(x => x.message.includes("AccessReview"))!.message, /tier 0.*denied/);
    });

    it("accepts an approved tier-1 tenant-wide grant", async () => {
        const change = (c: Record<string, any>) => {
            apps(c)["orders-web"].delegated["microsoft-graph"].push("Mail.Read");
        };
        const policyConfig = {
            [SCOPE_TIERS]: {
                approvals: [approval({ client: "orders-web", resource: "00000003-0000-0000-c000-000000000000", permission: "Mail.Read", type: "delegated" })],
            },
        };
        const plan = await planDev(change, { policyConfig });
        assert.deepEqual(mandatoryOf(plan, SCOPE_TIERS), []);
        assert.equal(approvedOf(plan, SCOPE_TIERS)[0].permission, "Mail.Read");
    });

    it("lets a single-user grant through on tier 1 and asks an approval on tier 0", async () => {
        const user = "9f8e7d6c-0000-4000-8000-000000000001";
        assert.deepEqual(of(await planRaw({ graphScopes: ["Mail.Read"], grantUserObjectId: user }), SCOPE_TIERS), []);
        const v = of(await planRaw({ graphScopes: ["AccessReview.ReadWrite.All"], grantUserObjectId: user }), SCOPE_TIERS);
        assert.equal(v.length, 1);
        assert.match(v[0].message, /for one user.*needs an approval/);
    });
});

describe(REQUESTED, () => {
    it("flags an application permission requested but never assigned (a daemon's .default token would lack it)", async () => {
        const v = of(await planRaw({ graphRoles: ["User.Read.All"], requestGraphRoles: ["User.Read.All", "Group.Read.All"] }), REQUESTED);
        assert.equal(v.length, 1);
        assert.match(v[0].message, /client requests the Microsoft Graph application permission Group.Read.All, but no app role assignment approves it.*403/);
    });

    it("flags an approval that nothing requested (hidden privilege)", async () => {
        const v = of(
            await planRaw({
                graphRoles: ["User.Read.All", "Group.Read.All"],
                requestGraphRoles: ["User.Read.All"],
                graphScopes: ["User.Read", "Mail.Read"],
                requestGraphScopes: ["User.Read"],
            }),
            REQUESTED,
        );
        assert.deepEqual(v.map(x => /(assigned|granted) the Microsoft Graph \w+ permission (\S+), which it does not request/.exec(x.message)?.[2]).sort(), [
            "Group.Read.All",
            "Mail.Read",
        ]);
    });

    it("flags a delegated permission with no grant, and accepts user consent only for scopes users may consent to", async () => {
        const adminOnly = of(
            await planDev(c => {
                apps(c)["orders-web"].consent = "user";
            }),
            REQUESTED,
        );
        assert.deepEqual(
            adminOnly.map(x => /delegated permission (\S+), but users cannot consent/.exec(x.message)?.[1]),
            ["Orders.ReadWrite"],
        );
        assert.match(adminOnly[0].message, /AADSTS65001/);
        const userOk = of(
            await planDev(c => {
                apps(c)["orders-web"].consent = "user";
                apps(c)["orders-web"].delegated["orders-api"] = ["Orders.Read"];
            }),
            REQUESTED,
        );
        assert.deepEqual(userOk, []);
    });

    it("links requests and approvals in a first preview, where every ID is unknown", async () => {
        const clean = await planDev(() => {}, { preview: true });
        assert.deepEqual(of(clean, REQUESTED), []);
        assert.ok(
            clean.resources.some(r => r.inputs.servicePrincipalObjectId === "<unknown>"),
            "IDs are unknown in this preview",
        );
        const missing = of(
            await planRaw({ graphRoles: ["User.Read.All"], requestGraphRoles: ["User.Read.All", "Group.Read.All"] }, { preview: true }),
            REQUESTED,
        );
        assert.equal(missing.length, 1);
    });
});

describe("the offline harness in a first preview", () => {
    // @pulumi/policy's analyzer (node_modules/@pulumi/policy/server.js, proxy.js): a policy that reads a value not known
    // during preview throws UnknownValueError, reported as an advisory "can't run policy ... during preview", even when
    // the policy is mandatory; at the update the value is known and the policy judges it.
    const readsClientId = (): ResourceValidationPolicy => ({
        name: "test-reads-client-id",
        description: "Reads a service principal's client ID.",
        enforcementLevel: "mandatory",
        validateResource: (args, report) => {
            if (args.type === "azuread:index/servicePrincipal:ServicePrincipal" && !String(args.props.clientId).length) report("no client ID");
        },
    });

    it("reports a policy that reads an unknown value as an advisory it could not run, never as passed or mandatory", async () => {
        const plan = (preview: boolean) => planStack({ configFile: writeStack(devConfig()), catalog, preview, policies: [...policies, readsClientId()] });
        const notes = (await plan(true)).violations.filter(v => v.policy === "test-reads-client-id");
        assert.ok(notes.length > 0);
        for (const v of notes) {
            assert.equal(v.enforcementLevel, "advisory");
            assert.match(v.message, /^can't run policy 'test-reads-client-id' during preview: string value at \.clientId can't be known during preview$/);
        }
        assert.deepEqual(
            (await plan(false)).violations.filter(v => v.policy === "test-reads-client-id"),
            [],
            "known at the update",
        );
    });
});

// @pulumi/policy's analyzer function (internal, untyped) and the Analyzer protocol's messages, to run the SDK in-process
const { makeAnalyzeRpcFun } = require("@pulumi/policy/server");
const analyzerProto = require("@pulumi/pulumi/proto/analyzer_pb");

const recorded = (type: string, props: Record<string, unknown>, name = "x"): RecordedResource => ({
    urn: `urn:pulumi:dev::entra-consent::${type}::${name}`,
    type,
    name,
    custom: false,
    dependencies: [],
    propertyDependencies: {},
    inputs: props,
    secretInputs: [],
    outputs: props,
});

/** The findings ("policy URN message") of @pulumi/policy's own Analyze function, in-process, on one resource. */
function analyzeBySdk(r: RecordedResource, pack: ResourceValidationPolicy[]): Promise<string[]> {
    const req = new analyzerProto.AnalyzeRequest();
    req.setType(r.type);
    req.setUrn(r.urn);
    req.setName(r.name);
    req.setProperties(Struct.fromJavaScript(r.inputs as any));
    req.setOptions(new analyzerProto.AnalyzerResourceOptions());
    // the analyzer puts the policy's description before the message
    const finding = (d: any) => {
        const description = pack.find(p => p.name === d.getPolicyname())!.description;
        return `${d.getPolicyname()} ${d.getUrn() || r.urn} ${d.getMessage().replace(`${description}\n`, "")}`;
    };
    const analyze = makeAnalyzeRpcFun("probe", "0.0.1", "advisory", pack);
    return new Promise((resolve, reject) =>
        analyze({ request: req }, (err: Error | undefined, res: any) => (err ? reject(err) : resolve(res.getDiagnosticsList().map(finding)))),
    );
}

/** The same findings from the offline harness. */
function analyzeByHarness(r: RecordedResource, pack: ResourceValidationPolicy[]): string[] {
    const { violations, errors } = runPolicies(pack, [r], { stack: "dev", project: "entra-consent" });
    assert.deepEqual(errors, []);
    return violations.map(v => `${v.policy} ${v.urn} ${v.message}`);
}

describe("the offline harness's args.isType and args.asType", () => {
    // @pulumi/policy's analyzer builds them in makeAnalyzeRpcFun from isTypeOf (node_modules/@pulumi/policy/server.js):
    // a class's __pulumiType when it is a non-empty string, else its isInstance asked about { __pulumiType: type }.
    // The harness must answer the same for every kind of class, so validateResourceOfType judges the same resources.
    const classes: Record<string, unknown> = {
        generated: Application,
        otherGenerated: ApplicationPassword,
        isInstanceOnly: { isInstance: (o: { __pulumiType: string }) => o.__pulumiType === T.application },
        emptyToken: { __pulumiType: "", isInstance: (o: { __pulumiType: string }) => o.__pulumiType === T.application },
        notAStringToken: { __pulumiType: 7, isInstance: () => true },
        truthyButNotTrue: { isInstance: () => 1 },
        isInstanceNotAFunction: { isInstance: true },
        nothing: {},
    };
    const probe: ResourceValidationPolicy = {
        name: "test-probe-types",
        description: "Reports what isType and asType answer.",
        enforcementLevel: "advisory",
        validateResource: (args, report) =>
            report(JSON.stringify(Object.entries(classes).map(([k, c]) => [k, args.isType(c as any), args.asType(c as any) === args.props]))),
    };
    it("answers as @pulumi/policy's analyzer for generated classes, isInstance-only classes and odd ones", async () => {
        for (const type of [T.application, T.appPassword, "test:index:Other"]) {
            const r = recorded(type, { displayName: "x", web: { redirectUris: ["https://x.example/cb"] } });
            assert.deepEqual(analyzeByHarness(r, [probe]), await analyzeBySdk(r, [probe]), type);
        }
        assert.deepEqual(
            JSON.parse((await analyzeBySdk(recorded(T.application, {}), [probe]))[0].split(" ").slice(2).join(" ")),
            [
                ["generated", true, true],
                ["otherGenerated", false, false],
                ["isInstanceOnly", true, true],
                ["emptyToken", true, true],
                ["notAStringToken", true, true],
                ["truthyButNotTrue", false, false],
                ["isInstanceNotAFunction", false, false],
                ["nothing", null, false],
            ],
            "the case covers each branch of the SDK's isTypeOf",
        );
        assert.equal(isTypeOf(T.application, Application), true);
    });

    it("gives each typed resource policy's findings as the analyzer does, on every type it judges and a malformed one", async () => {
        const year = 365 * 24 * 3600 * 1000;
        const far = new Date(Date.now() + 3 * year).toISOString();
        const resources = [
            recorded(T.application, {
                displayName: "a",
                signInAudience: "AzureADMultipleOrgs",
                web: { implicitGrant: { accessTokenIssuanceEnabled: true }, redirectUris: ["http://a.example/cb", 7] },
                singlePageApplication: { redirectUris: "https://*.example/" },
                password: { displayName: "p", endDate: far },
            }),
            recorded(T.registration, { displayName: "r", implicitIdTokenIssuanceEnabled: "yes", signInAudience: 42 }),
            recorded(T.redirectUris, { applicationId: "/applications/1", type: "Nonsense", redirectUris: ["myapp://cb"] }),
            recorded(T.appPassword, { applicationId: "/applications/1", endDate: "tomorrow" }),
            recorded(T.spPassword, { servicePrincipalId: "/servicePrincipals/1" }),
            recorded(T.appCertificate, { applicationId: "/applications/1", endDateRelative: "ninety days", value: "x" }),
            recorded(T.spCertificate, { servicePrincipalId: "/servicePrincipals/1", endDate: far, value: "x" }),
            recorded(T.federatedCredential, { issuer: "https://evil.example", subject: "repo:*" }),
            recorded(T.flexibleFederatedCredential, { issuer: "https://token.actions.githubusercontent.com", claimsMatchingExpression: 3 }),
            recorded("azure-native:managedidentity:FederatedIdentityCredential", { subject: "system:serviceaccount:*" }),
            recorded(T.servicePrincipal, { clientId: "11111111-1111-1111-1111-111111111111" }),
        ];
        const typed = policies.filter(
            (p): p is ResourceValidationPolicy => "validateResource" in p && [p.validateResource].flat().some(v => v && "__pulumiType" in v),
        );
        assert.equal(typed.length, 7);
        const judged = new Set<string>();
        for (const r of resources) {
            const sdk = await analyzeBySdk(r, typed);
            assert.deepEqual(analyzeByHarness(r, typed), sdk, r.type);
            for (const f of sdk) judged.add(f.split(" ")[0]);
        }
        assert.deepEqual([...judged].sort(), typed.map(p => p.name).sort(), "every typed policy finds something in the case");
    });
});

describe(FIRST_PARTY, () => {
    it("denies a Microsoft first-party client ID as the client of a Graph assignment (AADSTS65002)", async () => {
        const v = of(await planRaw({ clientAppId: "04b07795-8ddb-461a-bbee-02f9e1bf7b46", graphRoles: ["User.Read.All"] }), FIRST_PARTY);
        assert.equal(v.length, 1);
        assert.match(v[0].message, /Microsoft Azure CLI.*AADSTS65002.*Register an app of your own/);
    });

    it("accepts an app of your own, and notes (advisory) a Microsoft client pre-authorized on your own API", async () => {
        assert.deepEqual(of(await planRaw({ clientAppId: "7d0c9a4e-2b1f-4c1e-9d55-3a6f1f0b2c11", graphRoles: ["User.Read.All"] }), FIRST_PARTY), []);
        const advisory = of(await planDev(), PREAUTH_FIRST_PARTY);
        assert.equal(advisory.length, 1);
        assert.equal(advisory[0].enforcementLevel, "advisory");
    });
});

describe(PREAUTH, () => {
    it("rejects an app role in a pre-authorization (a raw program, in a first preview)", async () => {
        const tenant = new SimulatedTenant({ tenantId: TENANT_ID, catalog, preview: true });
        const run = await runProgram({
            program: "tests/fixtures/programs/wiring.ts",
            config: { "test:case": "preauth-app-role" },
            stack: "dev",
            tenant,
            preview: true,
        });
        const v = runPolicies(policies, run.resources, { stack: "dev", project: "entra-consent" }).violations.filter(x => x.policy === PREAUTH);
        assert.equal(v.length, 1);
        assert.match(v[0].message, /pre-authorizes client for the app role Things.Process: pre-authorization covers delegated scopes only/);
    });

    it("accepts delegated scopes of that API", async () => {
        assert.deepEqual(of(await planDev(), PREAUTH), []);
    });
});

describe("credential hygiene", () => {
    it(`${PASSWORD}: rejects a secret over 180 days or with no end, accepts a short one, and honours maxDays`, async () => {
        assert.match(of(await planRaw({ password: { endDateRelative: "8760h" } }), PASSWORD)[0].message, /lives 365 days; the limit is 180/);
        assert.match(of(await planRaw({ password: {} }), PASSWORD)[0].message, /no end date.*730 days/);
        assert.deepEqual(of(await planRaw({ password: { endDateRelative: "2160h" } }), PASSWORD), []);
        assert.deepEqual(of(await planRaw({ password: { endDateRelative: "8760h" } }, { policyConfig: { [PASSWORD]: { maxDays: 400 } } }), PASSWORD), []);
    });

    it(`${CERT}: rejects a certificate over 365 days or with no end, accepts a shorter one`, async () => {
        assert.equal(of(await planRaw({ certificate: { endDateRelative: "17520h" } }), CERT).length, 1);
        assert.equal(of(await planRaw({ certificate: {} }), CERT).length, 1);
        assert.deepEqual(of(await planRaw({ certificate: { endDateRelative: "8000h" } }), CERT), []);
    });

    it(`${PASSWORD}: judges the client secrets the components create from config`, async () => {
        assert.deepEqual(of(await planDev(), PASSWORD), [], "90 days");
        const long = of(
            await planDev(c => {
                apps(c)["orders-web"].clientSecret.expiresInDays = 365;
            }),
            PASSWORD,
        );
        assert.equal(long.length, 1);
        assert.match(long[0].urn!, /orders-web-client-secret$/);
    });

    it(`${FEDERATED}: advises against client secrets, and says nothing without one`, async () => {
        const v = of(await planRaw({ password: { endDateRelative: "720h" } }), FEDERATED);
        assert.equal(v.length, 1);
        assert.equal(v[0].enforcementLevel, "advisory");
        assert.deepEqual(of(await planRaw({}), FEDERATED), []);
    });
});

describe("registration hygiene", () => {
    it(`${IMPLICIT}: rejects the implicit grant, accepts it off`, async () => {
        assert.match(of(await planRaw({ implicitGrant: true }), IMPLICIT)[0].message, /implicit grant is on for access tokens/);
        assert.deepEqual(of(await planRaw({}), IMPLICIT), []);
        assert.deepEqual(of(await planDev(), IMPLICIT), []);
    });

    it(`${MULTI_TENANT}: needs an approval for a multi-tenant audience`, async () => {
        const change = (c: Record<string, any>) => {
            apps(c)["orders-api"].signInAudience = "AzureADMultipleOrgs";
        };
        assert.match(of(await planDev(change), MULTI_TENANT)[0].message, /any Entra tenant/);
        const policyConfig = {
            [MULTI_TENANT]: { approvals: [approval({ client: "orders-api", permission: "AzureADMultipleOrgs", type: "sign-in-audience" })] },
        };
        const plan = await planDev(change, { policyConfig });
        assert.deepEqual(mandatoryOf(plan, MULTI_TENANT), []);
        assert.equal(approvedOf(plan, MULTI_TENANT).length, 1);
        // an approval for another tenant never clears this one
        const elsewhere = {
            [MULTI_TENANT]: {
                approvals: [
                    approval({
                        tenant: "22222222-2222-2222-2222-222222222222",
                        client: "orders-api",
                        permission: "AzureADMultipleOrgs",
                        type: "sign-in-audience",
                    }),
                ],
            },
        };
        assert.match(
            mandatoryOf(await planDev(change, { policyConfig: elsewhere }), MULTI_TENANT)[0].message,
            /applies to tenant 22222222-2222-2222-2222-222222222222, not this one/,
        );
    });

    it(`${OWNERS}: advises two owners where owners are managed`, async () => {
        const one = of(
            await planDev(c => {
                apps(c)["orders-api"].owners = ["1a2b3c4d-0000-4000-8000-000000000001"];
            }),
            OWNERS,
        );
        assert.equal(one.length, 1);
        assert.equal(one[0].enforcementLevel, "advisory");
        assert.deepEqual(
            of(
                await planDev(c => {
                    apps(c)["orders-api"].owners = ["1a2b3c4d-0000-4000-8000-000000000001", "1a2b3c4d-0000-4000-8000-000000000002"];
                }),
                OWNERS,
            ),
            [],
        );
        const strict = of(
            await planDev(
                c => {
                    apps(c)["orders-api"].owners = ["1a2b3c4d-0000-4000-8000-000000000001"];
                },
                { policyConfig: { [OWNERS]: { enforcementLevel: "mandatory" } } },
            ),
            OWNERS,
        );
        assert.equal(strict[0].enforcementLevel, "mandatory");
    });
});

describe(DIRECTORY_ROLES, () => {
    it("denies a tier-0 directory role to a service principal, and leaves other principals and roles alone", async () => {
        assert.match(
            of(await planRaw({ directoryRoleId: GLOBAL_ADMIN }), DIRECTORY_ROLES)[0].message,
            /client \(a workload identity\) is assigned the directory role Global Administrator/,
        );
        // a principal the pack cannot identify counts as a workload (fail closed)
        assert.match(
            of(await planRaw({ directoryRoleId: GLOBAL_ADMIN, directoryRolePrincipal: "literal" }), DIRECTORY_ROLES)[0].message,
            /cannot identify, so it counts as a workload/,
        );
        assert.deepEqual(of(await planRaw({ directoryRoleId: "88d8e3e3-8f55-4a1e-953a-9b9898b8876b" }), DIRECTORY_ROLES), []); // Directory Readers
    });
});

describe(TENANT, () => {
    it("rejects a provider signed in to another tenant than the stack declares", async () => {
        const v = of(await planRaw({ providerTenantId: "22222222-2222-2222-2222-222222222222", graphRoles: ["User.Read.All"] }), TENANT);
        assert.equal(v.length, 1);
        assert.match(v[0].message, /signs in to tenant 22222222-2222-2222-2222-222222222222, but this stack declares tenant 11111111-/);
    });

    it("accepts the default provider of the declared tenant, and is not applicable without a declared tenant", async () => {
        assert.deepEqual(of(await planDev(), TENANT), []);
        const tenant = new SimulatedTenant({ tenantId: TENANT_ID, catalog });
        const run = await runProgram({ program: "index.ts", config: devConfig(), stack: "dev", tenant });
        const wrong = runPolicies(policies, run.resources, {
            stack: "dev",
            project: "entra-consent",
            stackTags: { "entra-consent:tenant": "33333333-3333-3333-3333-333333333333" },
            defaultProviderConfig: { azuread: { tenantId: TENANT_ID } },
        });
        const onDefault = wrong.violations.filter(v => v.policy === TENANT);
        assert.equal(onDefault.length, 1);
        // the engine names a default provider after the plugin version, so findings carry the URN `pulumi preview` shows
        const azureadVersion = require("@pulumi/azuread/package.json").version as string;
        assert.equal(onDefault[0].urn, `urn:pulumi:dev::entra-consent::pulumi:providers:azuread::default_${azureadVersion.replace(/\./g, "_")}`);
        const undeclared = runPolicies(policies, run.resources, {
            stack: "dev",
            project: "entra-consent",
            defaultProviderConfig: { azuread: { tenantId: TENANT_ID } },
        });
        assert.deepEqual(
            undeclared.violations.filter(v => v.policy === TENANT),
            [],
        );
    });
    it("takes the declared tenant from the stackTenants option when the stack has no tenant tag, per stack name", async () => {
        const tenant = new SimulatedTenant({ tenantId: TENANT_ID, catalog });
        const run = await runProgram({ program: "index.ts", config: devConfig(), stack: "dev", tenant });
        const judge = (stackTenants: Record<string, string>) =>
            runPolicies(policies, run.resources, {
                stack: "dev",
                project: "entra-consent",
                config: { [TENANT]: { stackTenants } },
                defaultProviderConfig: { azuread: { tenantId: TENANT_ID } },
            }).violations.filter(v => v.policy === TENANT);
        const other = "33333333-3333-3333-3333-333333333333";
        const [v, ...more] = judge({ dev: other });
        assert.equal(more.length, 0);
        assert.match(v.message, new RegExp(`signs in to tenant ${TENANT_ID}, but this stack declares tenant ${other}`));
        assert.deepEqual(judge({ dev: TENANT_ID.toUpperCase() }), [], "the declared tenant, in any case");
        assert.deepEqual(judge({ prod: other }), [], "another stack's entry does not apply to dev");
    });
});

describe("policy config", () => {
    it("is an input error (exit 2) with the path and the closest name", async () => {
        const plan = await planDev(() => {}, {
            policyConfig: {
                "azuread-approleassignment-disallow-privileged-permission": "advisory",
                [APP_TIERS]: {
                    approvals: [
                        { tenant: TENANT_ID, client: "x", permission: "y", type: "application", ticket: "t", approver: "a", expires: "31/01/2027" },
                        { tenant: TENANT_ID, client: "x", permission: "y", type: "application", ticket: "t", approver: "a", expires: "2027-02-30" },
                        { client: "x", permission: "y", type: "application", ticket: "t", approver: "a", expires: "2027-01-31" },
                    ],
                },
                [PASSWORD]: { maxDay: 90 },
            },
        });
        const problems = plan.problems!.map(p => `${p.path}: ${p.message}`);
        assert.equal(problems.length, 5, problems.join("\n"));
        assert.match(
            problems[0],
            /policy-config.json: azuread-approleassignment-disallow-privileged-permission: no policy is named .*did you mean "azuread-approleassignment-disallow-privileged-permissions"/,
        );
        assert.match(problems[1], /approvals\[0\]\.expires: "31\/01\/2027" is not valid/);
        assert.match(problems[2], /approvals\[1\]\.expires: "2027-02-30" is not valid/, "a real calendar date");
        assert.match(problems[3], /approvals\[2\]\.tenant: is required/);
        assert.match(problems[4], /maxDay: unknown option "maxDay"; did you mean "maxDays"/);
    });

    it("can disable a policy or change its level", async () => {
        const change = (c: Record<string, any>) => {
            apps(c)["orders-reports"].application["microsoft-graph"].push("Sites.Read.All");
        };
        assert.deepEqual(of(await planDev(change, { policyConfig: { [APP_TIERS]: "disabled" } }), APP_TIERS), []);
        assert.equal(of(await planDev(change, { policyConfig: { [APP_TIERS]: "advisory" } }), APP_TIERS)[0].enforcementLevel, "advisory");
    });
});

describe("secrets in the plan", () => {
    it("never shows a secret input, in JSON or text, while the policies still judge the resource", async () => {
        const plan = await planRaw({ certificate: { endDateRelative: "17520h" } });
        const cert = plan.resources.find(r => r.name === "client-cert")!;
        assert.equal(cert.inputs.value, "[secret]");
        assert.doesNotMatch(JSON.stringify(plan) + renderText(plan), /not-for-your-eyes/);
        assert.equal(of(plan, CERT).length, 1);
    });
});

// oauth2PermissionGrant (Microsoft Graph resource type): consentType AllPrincipals is every user of the tenant,
// Principal one user. Tenant-wide is judged from tier 1 up, one user's grant only at tier 0; what the pack
// cannot identify always needs an approval (fail closed).
describe("grantNeedsApproval: which delegated grants need an approval", () => {
    it("a tenant-wide grant from tier 1 up, one user's grant only at tier 0", () => {
        const needs = (allPrincipals: boolean, effectiveTier: number) => grantNeedsApproval({ allPrincipals, effectiveTier, unidentified: false });
        assert.deepEqual(
            [0, 1, 2].map(t => needs(true, t)),
            [true, true, false],
        );
        assert.deepEqual(
            [0, 1, 2].map(t => needs(false, t)),
            [true, false, false],
        );
    });
    it("any grant whose principal or resource is unidentified, whatever its tier", () => {
        assert.equal(grantNeedsApproval({ allPrincipals: false, effectiveTier: 2, unidentified: true }), true);
    });
});
