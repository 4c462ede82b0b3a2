import { strict as assert } from "assert";
import { fleetStack } from "../bench/generate";
import { exitCode } from "../lib/plan/plan";
import { planConfig } from "./helpers";

/** Where in the registration order the first app registration and the last app's approvals (AppAccess) come. */
async function order(apps: number) {
    const plan = await planConfig(fleetStack(0, apps));
    assert.equal(exitCode(plan), 0, JSON.stringify([plan.problems, plan.errors], null, 1));
    const types = plan.resources.map(r => r.type);
    return {
        firstRegistration: types.findIndex(t => t.endsWith(":ApplicationRegistration")),
        lastAccess: types.map(t => t.endsWith(":AppAccess")).lastIndexOf(true),
        apps: Object.keys(plan.consent!).length,
    };
}

// components/tenant.ts builds a large stack in batches, yielding to the runtime between them, so that the runtime
// registers what is built instead of holding every resource of the stack in flight at once (README, Benchmark).
describe("building a large stack", () => {
    it("registers the first apps before it builds the last apps' approvals", async () => {
        const o = await order(120);
        assert.equal(o.apps, 120);
        assert.ok(o.firstRegistration < o.lastAccess, JSON.stringify(o));
    });

    it("builds a small stack at once, as before: every component is constructed before anything registers", async () => {
        const o = await order(40);
        assert.ok(o.firstRegistration > o.lastAccess, JSON.stringify(o));
    });
});
