/** npm run bench:policies: the policy pack's time per policy on one generated stack (where policy time goes). */
import * as path from "path";
import { policies } from "../policies/all";
import { runPolicies } from "../lib/plan/policies";
import { runProgram } from "../lib/plan/run";
import { SimulatedTenant } from "../lib/sim/tenant";
import { PermissionCatalog } from "../lib/catalog";
import { fleetStack, fleetTenantId } from "./generate";

async function main() {
    const apps = Number(process.argv[2] ?? 400);
    const catalog = PermissionCatalog.load();
    const tenantId = fleetTenantId(0);
    const config = fleetStack(0, apps) as Record<string, unknown>;
    const run = await runProgram({
        program: path.join(__dirname, "..", "index.ts"),
        config,
        stack: "bench",
        tenant: new SimulatedTenant({ tenantId, catalog }),
    });
    const opts = {
        stack: "bench",
        project: "entra-consent",
        stackTags: { "entra-consent:tenant": tenantId },
        defaultProviderConfig: { azuread: { tenantId } },
    };
    console.log(`${run.resources.length} resources, ${apps} apps`);
    for (let i = 0; i < 3; i++) {
        const t = performance.now();
        runPolicies(policies, run.resources, opts);
        console.log(`${((performance.now() - t) / run.resources.length).toFixed(3)} ms/res  the whole pack (run ${i + 1})`);
    }
    for (const p of policies) {
        const t = performance.now();
        runPolicies([p], run.resources, opts);
        console.log(`${((performance.now() - t) / run.resources.length).toFixed(3)} ms/res  ${p.name}`);
    }
}
main().then(() => process.exit(0));
