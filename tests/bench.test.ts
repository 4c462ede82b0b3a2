import { strict as assert } from "assert";
import { fleetStack } from "../bench/generate";
import { exitCode } from "../lib/plan/plan";
import { planConfig } from "./helpers";

describe("benchmark fleet", () => {
    it("generates stacks that plan cleanly, with every kind of app", async () => {
        const plan = await planConfig(fleetStack(3, 16));
        assert.equal(exitCode(plan), 0, JSON.stringify([plan.problems, plan.errors], null, 1));
        const kinds = new Set(Object.values(plan.consent!).map(a => `${a.kind}/${a.identity}`));
        assert.deepEqual([...kinds].sort(), [
            "api/application",
            "daemon/application",
            "daemon/external",
            "daemon/managed-identity",
            "spa/application",
            "web/application",
        ]);
        assert.ok(plan.summary.resources > 100);
    });
});
