/**
 * Issue 13: `npm run rollout`, waves of stacks through the Automation API. The engine is Pulumi's own seam: a
 * PulumiCommand (node_modules/@pulumi/pulumi/automation/cmd.js: LocalWorkspace and Stack call only its `run(args,
 * cwd, env, onOutput, onError, signal)`, `command` and `version`) that records every CLI call, answers like the CLI
 * (`stack output --json`, `stack history --json`, preview's summary event over the events gRPC stream) and fails
 * chosen stacks. No test talks to a cloud; the offline plans are the real ones.
 * Stack names: "alphanumeric characters, hyphens, underscores, or periods" (https://www.pulumi.com/docs/iac/concepts/stacks/).
 */
import { strict as assert } from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import * as grpc from "@grpc/grpc-js";
import { SemVer } from "semver";
import type { PulumiCommand } from "@pulumi/pulumi/automation";
import { main, RolloutDeps } from "../lib/cli/rollout";
import { planStack, PlanResult, PROJECT_ROOT } from "../lib/plan/plan";
import { STATE_FILE } from "../lib/rollout/state";
import { DeployedOutput, verifyOutputs } from "../lib/rollout/verify";
import { resolveWaves } from "../lib/rollout/waves";
import { InputError } from "../lib/errors";
import { catalog, devConfig, spawnCli } from "./helpers";

const { EventsClient } = require("@pulumi/pulumi/proto/events_grpc_pb");
const { EventRequest } = require("@pulumi/pulumi/proto/events_pb");

const STACKS = ["contoso-dev", "fabrikam-dev", "fabrikam-prod", "tailspin-prod", "wingtip-test"];
const WAVES = ["--waves", "canary=contoso-dev", "--waves", "early=fabrikam-*,tailspin-prod", "--waves", "rest=*"];
const POLICY_PACK = path.join(PROJECT_ROOT, "policies");

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), "entra-consent-rollout-"));
after(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));
let projects = 0;

/** The dev stack's config for another tenant. */
function tenantConfig(stack: string, index: number): Record<string, any> {
    const c = devConfig();
    const id = `${String(index + 2).repeat(8)}-0000-4000-8000-000000000000`;
    c["azuread:tenantId"] = id;
    c["entra-consent:tenant"].id = id;
    c["entra-consent:tenant"].name = stack;
    return c;
}

/** A project folder: Pulumi.yaml and a stack file per tenant; `change` edits one stack's config. */
function project(change: Record<string, (c: Record<string, any>) => void> = {}, stacks = STACKS): string {
    const dir = path.join(tmpRoot, String(++projects));
    fs.mkdirSync(dir);
    fs.copyFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    stacks.forEach((s, i) => {
        const c = tenantConfig(s, i);
        change[s]?.(c);
        fs.writeFileSync(path.join(dir, `Pulumi.${s}.yaml`), YAML.stringify({ config: c }));
    });
    return dir;
}

// Real offline plans, in this process's warm runners; the same file plans the same, so each is planned once.
const planned = new Map<string, Promise<PlanResult>>();
function planFile(file: string, policyConfig?: string): Promise<PlanResult> {
    const key = crypto
        .createHash("sha256")
        .update(fs.readFileSync(file))
        .update(policyConfig ? fs.readFileSync(policyConfig) : "")
        .digest("hex");
    if (!planned.has(key)) planned.set(key, planStack({ configFile: file, catalog, policyConfig }));
    return planned.get(key)!;
}
const plans: NonNullable<RolloutDeps["plan"]> = (files, policyConfig) => Promise.all(files.map(async f => ({ plan: await planFile(f, policyConfig) })));

interface Call {
    args: string[];
    stack?: string;
}

/** What the Pulumi CLI does for LocalWorkspace and Stack, recorded; `fail` makes a stack's preview or up exit non-zero. */
class FakePulumi {
    readonly command = "pulumi";
    readonly version = new SemVer("3.248.0");
    calls: Call[] = [];
    fail = new Map<string, "preview" | "up">();
    /** a deployed stack's outputs, changed before they are read */
    tamper?: (stack: string, outputs: Record<string, unknown>) => void;
    running = 0;
    maxRunning = 0;
    constructor(readonly project: string) {}

    async run(
        args: string[],
        cwd: string,
        _env: Record<string, string>,
        onOutput?: (s: string) => void,
    ): Promise<{ stdout: string; stderr: string; code: number }> {
        const i = args.indexOf("--stack");
        const stack = i >= 0 ? args[i + 1] : undefined;
        this.calls.push({ args: [...args], stack });
        assert.equal(cwd, this.project, "the CLI runs in the project folder");
        const op = args[0] === "stack" ? `stack ${args[1]}` : args[0];
        if (op === "preview" || op === "up") return this.operation(op, stack!, args, onOutput);
        if (op === "stack select") return { stdout: "", stderr: "", code: 0 };
        if (op === "stack history") return { stdout: "[]", stderr: "", code: 0 };
        if (op === "stack output") return { stdout: JSON.stringify(await this.outputs(stack!, args.includes("--show-secrets"))), stderr: "", code: 0 };
        throw new Error(`unexpected CLI call: pulumi ${args.join(" ")}`);
    }

    private async operation(op: "preview" | "up", stack: string, args: string[], onOutput?: (s: string) => void) {
        this.running++;
        this.maxRunning = Math.max(this.maxRunning, this.running);
        try {
            await new Promise(r => setTimeout(r, 15));
            onOutput?.(`${op} of ${stack}: the engine's lines\n`);
            const log = args[args.indexOf("--event-log") + 1];
            if (op === "preview") await sendEvent(log, { summaryEvent: { resourceChanges: { create: 43 } } });
            if (this.fail.get(stack) === op) {
                onOutput?.(`error: ${op} failed for ${stack}: the tenant said no\n`);
                throw new Error(`code: 255\n stdout: \n stderr: error: ${op} failed for ${stack}\n`);
            }
            return { stdout: `${op} done`, stderr: "", code: 0 };
        } finally {
            this.running--;
        }
    }

    /** What `pulumi stack output --json` prints for a stack deployed as planned: new client IDs, the same consent. */
    private async outputs(stack: string, showSecrets: boolean): Promise<Record<string, unknown>> {
        const plan = await planFile(path.join(this.project, `Pulumi.${stack}.yaml`));
        const outputs = structuredClone(plan.outputs!) as Record<string, any>;
        for (const app of Object.keys(outputs.clientIds)) if (plan.consent?.[app]?.identity !== "external") outputs.clientIds[app] = crypto.randomUUID();
        outputs.clientSecrets = showSecrets ? { "orders-web": "s3cr3t-value" } : "[secret]";
        this.tamper?.(stack, outputs);
        return outputs;
    }

    asCommand(): PulumiCommand {
        return this as unknown as PulumiCommand;
    }
    /** the stacks each operation ran on, in order */
    ops(op: string): string[] {
        return this.calls.filter(c => c.args[0] === op).map(c => c.stack!);
    }
}

/** The engine's side of preview's event stream (the CLI after 3.205 sends events over gRPC to `--event-log tcp://...`). */
function sendEvent(address: string, event: unknown): Promise<void> {
    const client = new EventsClient(address.replace(/^tcp:\/\//, ""), grpc.credentials.createInsecure());
    return new Promise((resolve, reject) => {
        const call = client.streamEvents((e: Error | null) => {
            client.close();
            if (e) reject(e);
            else resolve();
        });
        call.write(new EventRequest().setEvent(JSON.stringify(event)));
        call.end();
    });
}

interface Run {
    code: number;
    out: string;
    err: string;
    lines: any[];
}
async function rollout(dir: string, args: string[], fake?: FakePulumi, deps: Partial<RolloutDeps> = {}): Promise<Run> {
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t), cwd: PROJECT_ROOT };
    const code = await main(["--project", dir, ...args], io, {
        pulumi: async () => (fake ? { command: fake.asCommand() } : { error: "no CLI in this test" }),
        plan: plans,
        isTTY: false,
        ...deps,
    });
    const lines = args.includes("json") ? out.map(l => JSON.parse(l)) : [];
    return { code, out: out.join("\n"), err: err.join("\n"), lines };
}
const summaryOf = (r: Run) => Object.fromEntries(r.lines.at(-1).stacks.map((s: any) => [s.stack, s.state === "failed" ? `failed:${s.step}` : s.state]));
const readState = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, STATE_FILE), "utf8"));

describe("rollout: waves", () => {
    it("exact names are claimed first, then each wave's globs take what is left, in wave order", () => {
        const waves = resolveWaves(["canary=contoso-dev", "early=fabrikam-*,tailspin-prod", "late=fabrikam-prod", "rest=*"], STACKS);
        assert.deepEqual(
            waves.map(w => [w.name, w.stacks]),
            [
                ["canary", ["contoso-dev"]],
                ["early", ["fabrikam-dev", "tailspin-prod"]],
                ["late", ["fabrikam-prod"]],
                ["rest", ["wingtip-test"]],
            ],
        );
        assert.deepEqual(resolveWaves(["a=?abrikam-dev"], STACKS)[0].stacks, ["fabrikam-dev"]);
        assert.deepEqual(resolveWaves(["a=fabrikam.d*"], ["fabrikam.dev", "fabrikamXdev"])[0].stacks, ["fabrikam.dev"], "'.' is literal");
    });

    const problems = (specs: string[]) => {
        try {
            resolveWaves(specs, STACKS);
        } catch (e) {
            assert.ok(e instanceof InputError);
            return e.problems.map(p => `${p.path}: ${p.message}`).join("\n");
        }
        assert.fail("no input error");
    };

    it("a stack named in two waves, a wave matching nothing, an unknown stack or a bad spec is an input error", () => {
        assert.match(problems(["a=contoso-dev", "b=contoso-dev"]), /--waves\[1\] b: stack "contoso-dev" is already in wave "a"/);
        assert.match(problems(["a=*", "rest=*"]), /--waves\[1\] rest: "\*" matches no stack not already in a wave/);
        assert.match(problems(["a=nothing-*"]), /"nothing-\*" matches no stack/);
        assert.match(problems(["a=contoso-prod"]), /no stack "contoso-prod" \(no Pulumi.contoso-prod.yaml\); did you mean "contoso-dev"\?/);
        assert.match(problems(["canary"]), /--waves\[0\] "canary": has no '='/);
        assert.match(problems(["a="]), /names no stack/);
        assert.match(problems(["a=x/y"]), /"x\/y" is not a stack name or glob/);
        assert.match(problems(["a=contoso-dev", "a=fabrikam-dev"]), /wave "a" is named twice/);
        assert.match(problems([]), /--waves: is missing/);
    });

    it("the CLI exits 2 on bad waves, before any plan or CLI call", async () => {
        const dir = project();
        const fake = new FakePulumi(dir);
        let planned = 0;
        const r = await rollout(dir, ["--waves", "a=contoso-dev", "--waves", "b=contoso-dev", "--yes"], fake, {
            plan: async f => {
                planned += f.length;
                return [];
            },
        });
        assert.equal(r.code, 2);
        assert.match(r.err, /already in wave "a"/);
        assert.equal(planned, 0);
        assert.equal(fake.calls.length, 0);
    });
});

describe("rollout: deploys wave by wave through the Automation API", function () {
    this.timeout(120_000);

    it("runs the waves in order: per stack preview then up with the policy pack and its config, and checks the outputs", async () => {
        const dir = project();
        const fake = new FakePulumi(dir);
        const policyConfig = path.join(dir, "policy-config.json");
        fs.writeFileSync(policyConfig, "{}");
        const r = await rollout(dir, [...WAVES, "--yes", "--policy-config", policyConfig, "--format", "json"], fake);
        assert.equal(r.code, 0, r.err);
        const order = ["contoso-dev", "fabrikam-dev", "fabrikam-prod", "tailspin-prod", "wingtip-test"];
        assert.deepEqual(fake.ops("preview"), order);
        assert.deepEqual(fake.ops("up"), order);
        for (const stack of order) {
            const calls = fake.calls.filter(c => c.stack === stack).map(c => c.args.slice(0, 2).join(" "));
            // what LocalWorkspace.selectStack, Stack.preview and Stack.up run (up reads the outputs, masked and in clear, and the last update)
            assert.deepEqual(
                calls,
                ["stack select", "preview --policy-pack", "stack select", "up --yes", "stack output", "stack output", "stack history"],
                stack,
            );
            for (const op of ["preview", "up"]) {
                const args = fake.calls.find(c => c.stack === stack && c.args[0] === op)!.args;
                assert.equal(args[args.indexOf("--policy-pack") + 1], POLICY_PACK);
                assert.equal(args[args.indexOf("--policy-pack-config") + 1], policyConfig);
            }
        }
        assert.deepEqual(summaryOf(r), Object.fromEntries(order.map(s => [s, "done"])));
        assert.ok(
            r.lines.some(l => l.type === "stack" && l.state === "running" && l.detail === "preview: 43 create"),
            "preview's change summary is shown",
        );
        assert.equal(readState(dir).complete, true);
        assert.ok(!r.out.includes("s3cr3t-value") && !r.err.includes("s3cr3t-value"), "secret outputs never show");
    });

    it("stops at the first failure: done stacks stay done, the rest are not started; --resume continues at the failed stack", async () => {
        const dir = project();
        const fake = new FakePulumi(dir);
        fake.fail.set("fabrikam-prod", "up");
        const r = await rollout(dir, [...WAVES, "--yes", "--format", "json"], fake);
        assert.equal(r.code, 1);
        assert.deepEqual(summaryOf(r), {
            "contoso-dev": "done",
            "fabrikam-dev": "done",
            "fabrikam-prod": "failed:up",
            "tailspin-prod": "not-started",
            "wingtip-test": "not-started",
        });
        const failed = r.lines.at(-1).stacks.find((s: any) => s.stack === "fabrikam-prod");
        assert.match(failed.detail, /up failed for fabrikam-prod/, "the engine's last lines say why");
        assert.ok(!fake.calls.some(c => c.stack === "tailspin-prod" || c.stack === "wingtip-test"), "nothing touched the stacks not started");
        assert.deepEqual(readState(dir).stacks["fabrikam-prod"].state, "failed");

        // Without --resume a stopped rollout is not started over.
        const again = await rollout(dir, [...WAVES, "--yes"], new FakePulumi(dir));
        assert.equal(again.code, 2);
        assert.match(again.err, /a rollout stopped with 2 stacks done; continue it with --resume/);
        // Other waves are refused clearly.
        const other = await rollout(dir, ["--waves", "all=*", "--yes", "--resume"], new FakePulumi(dir));
        assert.equal(other.code, 2);
        assert.match(other.err, /was started with --waves canary=contoso-dev --waves early=fabrikam-\*,tailspin-prod --waves rest=\*, not --waves all=\*/);

        const fixed = new FakePulumi(dir);
        const resumed = await rollout(dir, [...WAVES, "--yes", "--resume", "--format", "json"], fixed);
        assert.equal(resumed.code, 0, resumed.err);
        assert.deepEqual(fixed.ops("up"), ["fabrikam-prod", "tailspin-prod", "wingtip-test"], "continues at the failed stack, redoes nothing");
        assert.deepEqual(fixed.ops("preview"), ["fabrikam-prod", "tailspin-prod", "wingtip-test"]);
        assert.equal(summaryOf(resumed)["contoso-dev"], "already-done");
        assert.equal(readState(dir).complete, true);
    });

    it("a failed preview stops before that stack's up", async () => {
        const dir = project();
        const fake = new FakePulumi(dir);
        fake.fail.set("contoso-dev", "preview");
        const r = await rollout(dir, [...WAVES, "--yes", "--format", "json"], fake);
        assert.equal(r.code, 1);
        assert.equal(summaryOf(r)["contoso-dev"], "failed:preview");
        assert.deepEqual(fake.ops("up"), []);
    });
});

describe("rollout: checks, limits and gates", function () {
    this.timeout(120_000);

    it("outputs that differ from the plan fail the stack at verify", async () => {
        const dir = project();
        const fake = new FakePulumi(dir);
        fake.tamper = (stack, outputs: any) => {
            if (stack === "contoso-dev") outputs.consentSummary["orders-web"].consent = "user";
        };
        const r = await rollout(dir, [...WAVES, "--yes", "--format", "json"], fake);
        assert.equal(r.code, 1);
        assert.equal(summaryOf(r)["contoso-dev"], "failed:verify");
        assert.match(r.lines.at(-1).stacks[0].detail, /consentSummary\["orders-web"\]\["consent"\]: deployed "user", planned "admin"/);
        assert.deepEqual(fake.ops("up"), ["contoso-dev"]);
    });

    it("--parallel N deploys at most N stacks of a wave at once (default 1)", async () => {
        const waves = ["--waves", "one=contoso-dev", "--waves", "many=*"];
        const one = new FakePulumi(project());
        assert.equal((await rollout(one.project, [...waves, "--yes"], one)).code, 0);
        assert.equal(one.maxRunning, 1);
        const two = new FakePulumi(project());
        assert.equal((await rollout(two.project, [...waves, "--yes", "--parallel", "2"], two)).code, 0);
        assert.equal(two.maxRunning, 2);
        assert.deepEqual(two.ops("up").sort(), [...STACKS].sort());
    });

    it("the offline gate: a wave with a failing plan stops before any CLI call for that wave", async () => {
        const dir = project({
            "tailspin-prod": c => (c["entra-consent:apps"]["orders-reports"].application["microsoft-graph"] = ["RoleManagement.ReadWrite.Directory"]),
        });
        const fake = new FakePulumi(dir);
        const r = await rollout(dir, [...WAVES, "--yes", "--format", "json"], fake);
        assert.equal(r.code, 1);
        assert.deepEqual(summaryOf(r), {
            "contoso-dev": "done",
            "fabrikam-dev": "not-started",
            "fabrikam-prod": "not-started",
            "tailspin-prod": "failed:plan",
            "wingtip-test": "not-started",
        });
        assert.deepEqual(
            fake.calls.map(c => c.stack),
            fake.calls.map(() => "contoso-dev"),
            "only the canary was touched",
        );
        // Invalid input in the first wave: exit 2, no CLI call at all.
        const bad = project({ "contoso-dev": c => (c["entra-consent:tenant"].userConsent = "sometimes") });
        const fake2 = new FakePulumi(bad);
        const r2 = await rollout(bad, [...WAVES, "--yes"], fake2);
        assert.equal(r2.code, 2);
        assert.match(r2.err, /contoso-dev: failed at plan: offline plan exit 2: invalid input/);
        assert.equal(fake2.calls.length, 0);
    });
});

describe("rollout: confirmation, dry run and the CLI", function () {
    this.timeout(120_000);

    it("asks before deploying: refuses without a terminal, stops when not confirmed", async () => {
        const dir = project();
        const fake = new FakePulumi(dir);
        const noTty = await rollout(dir, WAVES, fake);
        assert.equal(noTty.code, 2);
        assert.match(noTty.err, /pass --yes/);
        let asked = "";
        const declined = await rollout(dir, WAVES, fake, {
            isTTY: true,
            confirm: async q => {
                asked = q;
                return false;
            },
        });
        assert.equal(declined.code, 1);
        assert.match(asked, /Deploy 5 stacks in 3 waves/);
        assert.match(declined.out, /not confirmed: nothing was deployed/);
        assert.equal(fake.calls.length, 0);
        const yes = await rollout(dir, WAVES, fake, { isTTY: true, confirm: async () => true });
        assert.equal(yes.code, 0, yes.err);
        assert.equal(fake.ops("up").length, 5);
    });

    it("--dry-run shows the waves and runs every wave's offline gate: no CLI, no state file", async () => {
        const dir = project({ "fabrikam-dev": c => (c["entra-consent:tenant"].userConsent = "sometimes") });
        const fake = new FakePulumi(dir);
        const r = await rollout(dir, [...WAVES, "--dry-run", "--format", "json"], fake);
        assert.equal(r.code, 2);
        assert.deepEqual(
            r.lines[0].waves.map((w: any) => w.stacks),
            [["contoso-dev"], ["fabrikam-dev", "fabrikam-prod", "tailspin-prod"], ["wingtip-test"]],
        );
        assert.deepEqual(summaryOf(r), {
            "contoso-dev": "planned",
            "fabrikam-dev": "failed:plan",
            "fabrikam-prod": "planned",
            "tailspin-prod": "planned",
            "wingtip-test": "planned",
        });
        assert.equal(fake.calls.length, 0);
        assert.ok(!fs.existsSync(path.join(dir, STATE_FILE)));
    });

    it("without the Pulumi CLI: exit 2 naming what is missing; --dry-run still works", async () => {
        const dir = project({}, ["contoso-dev"]);
        const empty = fs.mkdtempSync(path.join(tmpRoot, "bin-"));
        const saved = process.env.PATH;
        process.env.PATH = empty;
        let r: Run, dry: Run;
        try {
            // the real lookup: PulumiCommand.get() runs `pulumi version` from PATH
            r = await rollout(dir, ["--waves", "a=*", "--yes"], undefined, { pulumi: undefined });
            dry = await rollout(dir, ["--waves", "a=*", "--dry-run"], undefined, { pulumi: undefined });
        } finally {
            process.env.PATH = saved;
        }
        assert.equal(r.code, 2);
        assert.match(r.err, /the Pulumi CLI is not installed \(no `pulumi` on PATH\).*--dry-run/);
        assert.equal(dry.code, 0, dry.err);
        assert.match(dry.out, /contoso-dev\s+planned/);
    });

    it("npm run rollout -- --dry-run, as a process (offline plans in the plan pool)", function () {
        const dir = project({}, ["contoso-dev", "fabrikam-dev"]);
        // One wave: wave order is tested in-process above; this is the default plan pool and the process's exit code.
        const r = spawnCli("rollout", ["--waves", "all=*", "--dry-run"], dir);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stderr, /1 wave, 2 stacks/);
        assert.match(r.stdout, /all\s+contoso-dev\s+planned/);
        assert.match(r.stdout, /all\s+fabrikam-dev\s+planned/);
    });
});

describe("rollout: outputs against the plan", () => {
    let plan: PlanResult;
    before(async () => {
        plan = await planFile(path.join(project({}, ["contoso-dev"]), "Pulumi.contoso-dev.yaml"));
    });
    const deployed = (change: (o: Record<string, any>) => void = () => undefined): Record<string, DeployedOutput> => {
        const o = structuredClone(plan.outputs!) as Record<string, any>;
        for (const app of Object.keys(o.clientIds)) if (app !== "partner-sync") o.clientIds[app] = crypto.randomUUID();
        change(o);
        return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, { value: v, secret: k === "clientSecrets" }]));
    };

    it("new client IDs for every planned app and the same consent summary match", () => {
        assert.deepEqual(verifyOutputs(plan, deployed()), []);
    });

    it("a missing or extra client ID, an external app's other appId, a changed summary or a missing output do not", () => {
        assert.deepEqual(
            verifyOutputs(
                plan,
                deployed(o => delete o.clientIds["orders-api"]),
            ),
            ['clientIds["orders-api"]: deployed nothing, planned a client ID (a GUID)'],
        );
        assert.match(
            verifyOutputs(
                plan,
                deployed(o => (o.clientIds.stray = crypto.randomUUID())),
            )[0],
            /clientIds\["stray"\]: deployed, not in the plan/,
        );
        assert.match(
            verifyOutputs(
                plan,
                deployed(o => (o.clientIds["partner-sync"] = crypto.randomUUID())),
            )[0],
            /planned the configured appId 7d0c9a4e/,
        );
        assert.match(
            verifyOutputs(
                plan,
                deployed(o => o.consentSummary["orders-reports"].requests.pop()),
            )[0],
            /consentSummary\["orders-reports"\]\["requests"\]\[1\]: deployed nothing, planned \{/,
        );
        assert.match(
            verifyOutputs(
                plan,
                deployed(o => delete o.consentSummary),
            ).join("\n"),
            /consentSummary: planned, missing from the stack's outputs/,
        );
        assert.match(
            verifyOutputs(
                plan,
                deployed(o => (o.tenant.id = "x")),
            ).join("\n"),
            /tenant\["id"\]: deployed "x"/,
        );
        const secretIds = deployed();
        secretIds.clientIds.secret = true;
        assert.deepEqual(verifyOutputs(plan, secretIds), ["clientIds: deployed as a secret, planned in clear"]);
    });

    it("a plan without client IDs or consent summary cannot vouch for a deploy", () => {
        assert.match(verifyOutputs({ ...plan, outputs: { tenant: plan.outputs!.tenant } }, deployed()).join("\n"), /no clientIds or consentSummary/);
    });
});
