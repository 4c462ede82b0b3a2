import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { strict as assert } from "assert";
import { PlanResult, planStack } from "../lib/plan/plan";
import type { Violation } from "../lib/plan/policies";
import { catalog, devConfig, TENANT_ID, writeStack } from "./helpers";

export const RAW = path.join(__dirname, "fixtures", "programs", "raw-consent.ts");

export function writePolicyConfig(config: unknown): string {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "entra-consent-policy-")), "policy-config.json");
    fs.writeFileSync(file, JSON.stringify(config));
    return file;
}

/** Plans the raw azuread program with a spec, optionally with a policy config. */
export function planRaw(spec: Record<string, unknown>, opts: { policyConfig?: unknown; preview?: boolean } = {}): Promise<PlanResult> {
    return planStack({
        configFile: writeStack({ "azuread:tenantId": TENANT_ID, "test:spec": spec }),
        program: RAW,
        catalog,
        preview: opts.preview,
        policyConfig: opts.policyConfig ? writePolicyConfig(opts.policyConfig) : undefined,
    });
}

/** Plans the dev stack after one change. */
export function planDev(change: (c: Record<string, any>) => void = () => {}, opts: { policyConfig?: unknown; preview?: boolean } = {}): Promise<PlanResult> {
    const config = devConfig();
    change(config);
    return planStack({
        configFile: writeStack(config),
        catalog,
        preview: opts.preview,
        policyConfig: opts.policyConfig ? writePolicyConfig(opts.policyConfig) : undefined,
    });
}

export function of(plan: PlanResult, policy: string): Violation[] {
    assert.deepEqual(plan.errors, [], "the plan itself has no errors");
    assert.equal(plan.problems, undefined, JSON.stringify(plan.problems));
    return plan.violations.filter(v => v.policy === policy);
}

/** An approval that holds until next year, or one that expired. */
export function approval(fields: Record<string, unknown>, expired = false) {
    const year = new Date().getUTCFullYear() + (expired ? -1 : 1);
    return { tenant: TENANT_ID, ticket: "SEC-42", approver: "secops@contoso.example", expires: `${year}-01-31`, ...fields };
}

/** The mandatory violations of one policy (what blocks a deploy). */
export function mandatoryOf(plan: PlanResult, policy: string): Violation[] {
    return of(plan, policy).filter(v => v.enforcementLevel === "mandatory");
}

/** Approved risk of one policy: advisory findings that carry the approval that covers them. */
export function approvedOf(plan: PlanResult, policy: string): Violation[] {
    return of(plan, policy).filter(v => v.enforcementLevel === "advisory" && v.approval);
}
