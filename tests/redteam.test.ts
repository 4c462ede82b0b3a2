/**
 * Red team for issue 7: routes that get a tier-0 permission into a tenant without a mandatory violation. These tests
 * are expected to FAIL until the pack closes each route (they assert the violation that should be there).
 */
import * as path from "path";
import { strict as assert } from "assert";
import { planStack } from "../lib/plan/plan";
import { catalog, TENANT_ID, writeStack } from "./helpers";
import { mandatoryOf } from "./policy-helpers";

const APP_TIERS = "azuread-approleassignment-disallow-privileged-permissions";
const program = (name: string) => path.join(__dirname, "fixtures", "programs", `redteam-${name}.ts`);
const plan = (name: string, preview = false) => planStack({ configFile: writeStack({ "azuread:tenantId": TENANT_ID }), program: program(name), catalog, preview });

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
