/**
 * Red team for issue 7: routes that got a tier-0 or tier-1 permission into a tenant without a mandatory violation,
 * found by attacking the pack; each asserts the violation that is there now.
 */
import * as path from "path";
import { strict as assert } from "assert";
import { planStack } from "../lib/plan/plan";
import { catalog, TENANT_ID, writeStack } from "./helpers";
import { approval, mandatoryOf, writePolicyConfig } from "./policy-helpers";

const APP_TIERS = "azuread-approleassignment-disallow-privileged-permissions";
const program = (name: string) => path.join(__dirname, "fixtures", "programs", `redteam-${name}.ts`);
const plan = (name: string, preview = false) =>
    planStack({ configFile: writeStack({ "azuread:tenantId": TENANT_ID }), program: program(name), catalog, preview });

describe("red team: routes around the tier policies", () => {
    // `pulumi up` gates on its preview; the engine's AnalyzeStack runs on final outputs, after the steps
    // (pulumi/pulumi step_generator.go AnalyzeResources), so "judged at the update" is judged after the grant exists.
    it("preview: a tier-0 Graph app role whose appRoleId is unknown (appRoleIds of a newly adopted Graph SP) is a mandatory violation in the preview", async () => {
        const update = await plan("preview");
        assert.equal(mandatoryOf(update, APP_TIERS).length, 1, "the update sees it (after provisioning, under the engine)");
        const preview = await plan("preview", true);
        assert.equal(mandatoryOf(preview, APP_TIERS).length, 1, "the preview, the only gate before the step, must not let it through");
    });
});

describe("red team: the dependency is only a hint, and names belong to one principal", () => {
    const DECOY = program("decoy-preview");
    const planCase = (which: string, opts: { preview?: boolean; policyConfig?: unknown } = {}) =>
        planStack({
            configFile: writeStack({ "azuread:tenantId": TENANT_ID, "test:case": which }),
            program: DECOY,
            catalog,
            preview: opts.preview,
            policyConfig: opts.policyConfig ? writePolicyConfig(opts.policyConfig) : undefined,
        });

    it("judges a decoy role that reuses Graph's RoleManagement GUID as tier 0, also in the preview where the wiring is all there is", async () => {
        for (const preview of [true, false]) {
            const [v] = mandatoryOf(await planCase("decoy-role", { preview }), APP_TIERS);
            assert.ok(v, `preview: ${preview}`);
            assert.match(
                v.message,
                preview
                    ? /Harmless.Read \(tier 0.*its GUID is the Microsoft permission RoleManagement.ReadWrite.Directory's/
                    : /Microsoft Graph application permission RoleManagement.ReadWrite.Directory \(tier 0/,
            );
        }
    });

    it("judges a decoy scope named like Graph's tier-0 scope as Graph's in the preview, where the API is known only by wiring", async () => {
        const [v] = mandatoryOf(await planCase("decoy-scope", { preview: true }), "azuread-delegatedpermissiongrant-disallow-privileged-scopes");
        assert.match(v.message, /permission Directory.AccessAsUser.All for every user .*\(tier 0.*known only by wiring/);
    });

    it("fails closed in the preview on an object ID wired from a resource that is no principal", async () => {
        const [v] = mandatoryOf(await planCase("non-principal-wiring", { preview: true }), APP_TIERS);
        assert.match(
            v.message,
            /cannot identify the principal: its object ID is not known before the write and comes from decoy-api \(ApplicationRegistration\), not from a service principal/,
        );
    });

    it("never lets an approval for an app of the stack cover another principal named like it", async () => {
        const policyConfig = {
            [APP_TIERS]: {
                approvals: ["orders-reports", "orders-reports-sp"].map(client =>
                    approval({ client, resource: "microsoft-graph", permission: "Sites.Read.All", type: "application" }),
                ),
            },
        };
        const v = mandatoryOf(await planCase("look-alike-name", { policyConfig }), APP_TIERS);
        assert.equal(v.length, 1, JSON.stringify(v.map(x => x.message)));
        assert.match(v[0].message, /Sites.Read.All \(tier 1/);
    });
});

describe("red team: credentials on apps the stack does not own", () => {
    const FOREIGN = "azuread-credential-disallow-foreign-principals";
    const planCase = (which: string, preview = false) =>
        planStack({ configFile: writeStack({ "azuread:tenantId": TENANT_ID, "test:case": which }), program: program("credentials"), catalog, preview });

    it("denies a secret on an app registration named by a resource ID the stack does not declare", async () => {
        // planned as a preview: the simulated tenant holds only this program's apps and would refuse the write; a real
        // tenant holds the other team's app, and the preview is the gate before it
        const [v] = mandatoryOf(await planCase("literal-application", true), FOREIGN);
        assert.match(v.message, /added to \/applications\/5f5f5f5f-0000-4000-8000-0000000000aa, which is not an app registration of this stack/);
    });

    it("denies a secret on an adopted service principal, in the preview too", async () => {
        for (const preview of [false, true]) {
            const [v] = mandatoryOf(await planCase("adopted-principal", preview), FOREIGN);
            assert.match(v.message, /the adopted service principal saas-sp/, `preview: ${preview}`);
        }
    });

    it("allows credentials on the stack's own registration and service principal", async () => {
        assert.deepEqual(mandatoryOf(await planCase("own"), FOREIGN), []);
    });
});
