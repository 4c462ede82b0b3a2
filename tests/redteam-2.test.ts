/**
 * Red team 2: routes around the guard through project-level config (Pulumi.yaml values, a stack's
 * entra-consent:overrides merged by lib/config/stack.ts mergeApps). The plan must compute the config `pulumi up`
 * gives the program, and the policy pack must judge the merged result.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { exitCode, planStack } from "../lib/plan/plan";
import { md } from "../lib/review/render";
import { catalog, devConfig, tempDir, TENANT_ID } from "./helpers";
import { mandatoryOf } from "./policy-helpers";

const APP_TIERS = "azuread-approleassignment-disallow-privileged-permissions";
const SHARED = devConfig()["entra-consent:apps"];
const HEAD = ["config:", `  azuread:tenantId: ${TENANT_ID}`, `  entra-consent:tenant: { id: ${TENANT_ID}, name: s, userConsent: low-risk }`, ""].join("\n");

/** Plans Pulumi.s.yaml (HEAD + `stackTail`, written as text so keys like __proto__ stay data) beside a Pulumi.yaml sharing the dev apps. */
function planFleet(stackTail: string) {
    const dir = tempDir();
    fs.writeFileSync(
        path.join(dir, "Pulumi.yaml"),
        YAML.stringify({ name: "entra-consent", runtime: "nodejs", config: { "entra-consent:apps": { value: SHARED } } }),
    );
    fs.writeFileSync(path.join(dir, "Pulumi.s.yaml"), HEAD + stackTail);
    return planStack({ configFile: path.join(dir, "Pulumi.s.yaml"), catalog });
}

const TIER0_GRANT = ["      application:", "        microsoft-graph: [Directory.ReadWrite.All]", ""].join("\n");

describe("red team 2: project-level config", () => {
    it("an override that adds a tier-0 application permission to an inherited app is a mandatory violation", async () => {
        const plan = await planFleet(`  entra-consent:overrides:\n    orders-reports:\n${TIER0_GRANT}`);
        assert.equal(exitCode(plan), 1);
        assert.ok(
            plan.resources.some(r => r.name === "orders-reports/assign/microsoft-graph/Directory.ReadWrite.All"),
            "the merged grant is planned",
        );
        assert.ok(
            mandatoryOf(plan, APP_TIERS).some(v => JSON.stringify(v).includes("Directory.ReadWrite.All")),
            JSON.stringify(mandatoryOf(plan, APP_TIERS)),
        );
    });

    it("an override keyed __proto__ (at the app or inside one) is an input error, never a prototype or a silent drop", async () => {
        for (const tail of [`    __proto__:\n${TIER0_GRANT}`, `    orders-reports:\n      __proto__:\n        microsoft-graph: [Directory.ReadWrite.All]\n`]) {
            const plan = await planFleet(`  entra-consent:overrides:\n${tail}`);
            assert.equal(exitCode(plan), 2);
            assert.match(plan.problems![0].path, /Pulumi\.s\.yaml: entra-consent:overrides.*__proto__/);
        }
    });

    it("an app keyed `constructor` added by an override is judged like any other app", async () => {
        const plan = await planFleet(`  entra-consent:overrides:\n    constructor:\n      kind: daemon\n${TIER0_GRANT}`);
        assert.equal(exitCode(plan), 1);
        assert.ok(mandatoryOf(plan, APP_TIERS).some(v => JSON.stringify(v).includes("constructor/assign/microsoft-graph/Directory.ReadWrite.All")));
    });

    // pulumi/pulumi sdk/go/common/resource/config/key.go ParseKey: a stack file's key without a `<namespace>:` does not
    // parse, so `pulumi up` refuses the file; the plan must not pass it with the key silently ignored.
    it("a stack file key without a namespace (`overrides:`) is an input error, not ignored", async () => {
        const plan = await planFleet(`  overrides:\n    orders-reports:\n${TIER0_GRANT}`);
        assert.equal(exitCode(plan), 2);
        assert.equal(plan.problems![0].path.replace(/^.*: /, ""), "overrides");
        assert.match(plan.problems![0].message, /namespace/);
    });
});

describe("red team 2: the review comment", () => {
    // Trojan Source (CVE-2021-42574, https://trojansource.codes): bidirectional overrides and zero-width characters
    // in a stack file's name make the comment show a name other than the file's; they are shown as code points.
    it("a stack or app name with bidi overrides or zero-width characters is shown by code point, never rendered", () => {
        const shown = md("prod\u202Eved.yaml\u200B\u2066x");
        assert.doesNotMatch(shown, /[\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/u);
        assert.match(shown, /prodU\+202Eved\.yaml/);
    });

    it("closing the stack's <details> or faking a table row from a name stays text", () => {
        const shown = md("x</summary></details>\n| prod | 0 | 0 | low |");
        assert.doesNotMatch(shown, /<\/details>|\n|(^|[^\\])\|/);
    });
});
