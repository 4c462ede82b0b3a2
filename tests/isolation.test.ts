/**
 * Issue 7, class 8: the program cannot change what the policies read. Under the engine the pack runs in a process of
 * its own; the offline plan runs the program in a runner process (lib/plan/runners.ts) and judges in its own, so a
 * program that tampers with the catalog, the policies, the harness or the process's globals changes nothing that
 * judges it. Each route below makes the plan call the stack clean when the program runs in the judging process.
 */
import { strict as assert } from "assert";
import * as path from "path";
import { DEFAULT_PROGRAM, exitCode, loadStack, planStack, PlanResult } from "../lib/plan/plan";
import { fleetStack, fleetTenantId } from "../bench/generate";
import { InProcessRunner } from "../lib/plan/in-process";
import { PermissionCatalog } from "../lib/catalog";
import { policies } from "../policies/all";
import { buildModel } from "../lib/model";
import { predictFlows } from "../lib/flows";
import { runTask } from "../lib/plan/run";
import { ProgramRunners } from "../lib/plan/runners";
import { tenantState } from "../lib/sim/tenant";
import { catalog, devConfig, devRaw, TENANT_ID, writeStack } from "./helpers";
import { mandatoryOf } from "./policy-helpers";

const TAMPER = path.join(__dirname, "fixtures", "programs", "tamper.ts");
const APP_TIERS = "azuread-approleassignment-disallow-privileged-permissions";

// Runner processes, as the CLIs plan (the suite's other plans run their trusted fixtures in this process: tests/hooks.ts).
const runners = new ProgramRunners(1);

function planTampered(routes: string[], by: ProgramRunners = runners): Promise<PlanResult> {
    const config = { "azuread:tenantId": TENANT_ID, "test:spec": { graphRoles: ["RoleManagement.ReadWrite.Directory"] }, "test:routes": routes };
    return planStack({ configFile: writeStack(config), program: TAMPER, catalog, runners: by });
}

function assertDenied(plan: PlanResult, route: string) {
    const v = mandatoryOf(plan, APP_TIERS);
    assert.equal(v.length, 1, `${route}: ${JSON.stringify(plan.violations.map(x => x.message))} ${plan.errors.join("; ")}`);
    assert.match(v[0].message, /Microsoft Graph application permission RoleManagement.ReadWrite.Directory \(tier 0/, route);
    assert.equal(plan.summary.mandatory >= 1, true, route);
    assert.equal(exitCode(plan), 1, route);
}

describe("class 8: the program cannot change what the policies read", () => {
    after(() => runners.close());
    const routes = ["catalog", "graph-permission", "policies", "levels", "prototypes", "globals"];
    for (const route of routes) {
        it(`still denies a raw tier-0 assignment when the program tampers with ${route}`, async () => {
            assertDenied(await planTampered([route]), route);
        });
    }

    it("still denies it when the program tries every route at once, and this process's catalog and policies are untouched", async () => {
        assertDenied(await planTampered(routes), "all");
        const graph = PermissionCatalog.load().resource("microsoft-graph")!;
        assert.equal(graph.permissions.find(p => p.value === "RoleManagement.ReadWrite.Directory" && p.type === "application")?.tier, 0);
        assert.equal(policies.find(p => p.name === APP_TIERS)?.enforcementLevel, "mandatory");
        assert.equal(({} as Record<string, unknown>)[APP_TIERS], undefined, "Object.prototype of this process is clean");
        assert.equal([1, 2].filter(x => x > 0).length, 2, "Array.prototype of this process is intact");
    });

    it("fails closed when the program leaves before it is judged (process.exit)", async () => {
        const plan = await planTampered(["exit"]);
        assert.equal(exitCode(plan), 1);
        assert.match(plan.errors.join("\n"), /the program did not run to the end: the program's process exited with code \d+ before it finished/);
    });

    it("fails closed when the program writes a forged clean answer to the plan's channel", async () => {
        const plan = await planTampered(["forge"]);
        assert.equal(exitCode(plan), 1);
        assert.match(plan.errors.join("\n"), /not the answer to its task/);
    });

    it("still denies it when the program replaces process.send to drop the assignment from what its runner sends", async () => {
        assertDenied(await planTampered(["send-filter"]), "send-filter");
    });

    it("does not take a clean reply the program forges with the id it read through process.send", async () => {
        assertDenied(await planTampered(["reply-early"]), "reply-early");
    });

    // chunk-burst: a stopped runner's messages already read would otherwise reach a channel that is gone (an uncaught TypeError).
    for (const route of ["chunk-wrong-id", "chunk-no-id", "chunk-not-array", "chunk-burst"]) {
        it(`fails closed when the program writes records to the plan's channel (${route})`, async () => {
            const plan = await planTampered([route]);
            assert.equal(exitCode(plan), 1);
            assert.match(plan.errors.join("\n"), /not the answer to its task/);
        });
    }

    // The job's id read below process.send (tamper.ts stealId): what the plan reads must still be resource records.
    for (const route of ["chunk-not-records", "chunk-sparse", "reply-not-records"]) {
        it(`fails closed, without throwing, when what is sent with the job's id is not resource records (${route})`, async () => {
            const plan = await planTampered([route]);
            assert.equal(exitCode(plan), 1);
            assert.match(plan.errors.join("\n"), /not the answer to its task/);
        });
    }

    it("stops a runner that writes to the channel after its reply, so that no later job of it takes the message", async () => {
        const own = new ProgramRunners(1);
        const live = () => (own as unknown as { runners: unknown[] }).runners.length;
        try {
            assertDenied(await planTampered(["chunk-after-reply"], own), "chunk-after-reply");
            for (let i = 0; i < 50 && live(); i++) await new Promise(r => setTimeout(r, 50));
            assert.equal(live(), 0);
        } finally {
            own.close();
        }
    });

    it("plans the next stack normally after a program's runner was stopped", async () => {
        assertDenied(await planTampered([]), "none");
    });
});

describe("the simulated tenant's state crosses the process boundary as data", () => {
    it("predicts the same flows from a JSON copy of the snapshot as from the live tenant", async () => {
        const { run, tenant } = await runTask({ program: "index.ts", config: devConfig(), stack: "dev", tenant: { tenantId: TENANT_ID } }, catalog);
        assert.deepEqual(run.errors, []);
        const model = buildModel(devRaw(), catalog, {});
        const copied = tenantState(JSON.parse(JSON.stringify(tenant)));
        const flows = predictFlows(model, copied, catalog);
        assert.ok(flows.length > 0 && flows.every(f => f.outcome === "issued"), JSON.stringify(flows.filter(f => f.outcome !== "issued")));
        assert.ok(tenant.grants.length > 0 && tenant.assignments.length > 0 && tenant.applications.some(a => a.preAuthorized.length > 0));
    });
});

describe("the test suite's in-process runner (lib/plan/in-process.ts)", () => {
    it("runs programs sent at once one after the other, each against a tenant of its own", async () => {
        const runner = new InProcessRunner();
        const task = { program: DEFAULT_PROGRAM, config: devConfig(), stack: "dev", tenant: { tenantId: TENANT_ID } };
        const [a, b] = await Promise.all([runner.run(task), runner.run(task)]);
        for (const reply of [a, b]) {
            assert.deepEqual(reply.result?.run.errors, [], reply.error);
            assert.equal(reply.result?.run.resources.length, a.result?.run.resources.length);
            assert.equal(reply.result?.tenant.principals.filter(p => p.displayName === "Contoso Orders API").length, 1);
        }
    });
});

describe("a runner hands records over while the program runs (lib/plan/worker.ts)", () => {
    it("delivers every record of a stack larger than one message, in the order they were made", async () => {
        const { config } = loadStack(writeStack(fleetStack(0, 140)), catalog);
        const task = { program: DEFAULT_PROGRAM, config, stack: "dev", tenant: { tenantId: fleetTenantId(0) } };
        const inProcess = await new InProcessRunner().run(task);
        const processes = new ProgramRunners(1);
        try {
            const sent = await processes.run(task);
            assert.deepEqual(sent.result?.run.errors, [], sent.error);
            const urns = sent.result!.run.resources.map(r => r.urn);
            assert.ok(urns.length > 1000, `${urns.length} records: more than two messages`);
            assert.deepEqual(
                urns,
                inProcess.result!.run.resources.map(r => r.urn),
            );
        } finally {
            processes.close();
        }
    });
});

const runnersOf = (processes: ProgramRunners) => (processes as unknown as { runners: { program?: string; child: { pid: number } }[] }).runners;

describe("a runner started ahead (ProgramRunners.prestart)", () => {
    it("is taken by the first program only; another program gets a runner of its own", async () => {
        const processes = new ProgramRunners(2);
        try {
            processes.prestart();
            processes.prestart(); // one at most
            assert.equal(runnersOf(processes).length, 1);
            const ahead = runnersOf(processes)[0].child.pid;
            const task = { config: devConfig(), stack: "dev", tenant: { tenantId: TENANT_ID } };
            const first = await processes.run({ ...task, program: DEFAULT_PROGRAM });
            assert.deepEqual(first.result?.run.errors, [], first.error);
            assert.deepEqual(
                runnersOf(processes).map(r => [r.child.pid, r.program]),
                [[ahead, DEFAULT_PROGRAM]],
            );
            await processes.run({ ...task, program: path.join(__dirname, "fixtures", "programs", "wiring.ts") });
            assert.equal(runnersOf(processes).length, 2);
            assert.notEqual(runnersOf(processes)[1].child.pid, ahead);
        } finally {
            processes.close();
        }
    });

    it("never gives a runner that ran one program to another: least recently used, failed, stopped", async () => {
        const processes = new ProgramRunners(1, 1);
        const task = { config: devConfig(), stack: "dev", tenant: { tenantId: TENANT_ID } };
        const WIRING = path.join(__dirname, "fixtures", "programs", "wiring.ts");
        const seen: number[] = [];
        const only = (program: string) => {
            assert.deepEqual(
                runnersOf(processes).map(r => r.program),
                [program],
            );
            const pid = runnersOf(processes)[0].child.pid;
            assert.ok(!seen.includes(pid), `runner ${pid} ran another program`);
            seen.push(pid);
        };
        try {
            processes.prestart();
            seen.push(runnersOf(processes)[0].child.pid);
            await processes.run({ ...task, program: DEFAULT_PROGRAM });
            assert.deepEqual(
                runnersOf(processes).map(r => [r.child.pid, r.program]),
                [[seen[0], DEFAULT_PROGRAM]],
            );
            await processes.run({ ...task, program: WIRING }); // keep 1: the default program's runner is retired
            only(WIRING);
            processes.prestart(); // none: the one kept runner is the wiring program's
            assert.equal(runnersOf(processes).length, 1);
            const config = { "azuread:tenantId": TENANT_ID, "test:spec": {}, "test:routes": ["exit"] };
            const failed = await processes.run({ ...task, config, program: TAMPER });
            assert.match(failed.error ?? "", /exited with code/);
            assert.equal(runnersOf(processes).length, 0, "neither the wiring program's runner nor the failed one is kept");
            await processes.run({ ...task, program: DEFAULT_PROGRAM });
            only(DEFAULT_PROGRAM);
            processes.close();
            assert.equal(runnersOf(processes).length, 0);
            assert.equal((await processes.run({ ...task, program: DEFAULT_PROGRAM })).error, "the program runners were stopped");
        } finally {
            processes.close();
        }
    });
});
