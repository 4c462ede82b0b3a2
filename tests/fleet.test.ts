/**
 * Issue 13, one definition for many tenants: apps shared in Pulumi.yaml's project config, each stack's differences
 * (entra-consent:overrides, entra-consent:appsRemoved) merged by the program, and `plan --all`'s summary table.
 * Pulumi's rules checked here come from its source (pulumi/pulumi pkg/workspace/config.go mergeConfig: a project
 * value applies only where the stack has no value for the key, so objects are replaced whole, not merged; issues
 * pulumi/pulumi#13176 and #17948) and sdk/go/common/workspace/project.go (Validate: a key of another namespace needs
 * `value:`; no `default:` with `value:`), and docs: https://www.pulumi.com/docs/iac/concepts/config/ (project-level
 * configuration, clear text only; pulumi/pulumi-hugo#2461).
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { main, summaryRow } from "../lib/cli/plan";
import { projectConfig, resolveConfig } from "../lib/config/project";
import { mergeApps } from "../lib/config/stack";
import { InputError } from "../lib/errors";
import { exitCode, loadStack, planStack } from "../lib/plan/plan";
import { fleetFromProject } from "../bench/generate";
import { catalog, devConfig, TENANT_ID } from "./helpers";

const OTHER_TENANT = "22222222-2222-2222-2222-222222222222";
const SHARED = devConfig()["entra-consent:apps"] as Record<string, any>;

let tmp: string;
let n = 0;
before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), "entra-consent-fleet-"))));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A project folder: Pulumi.yaml with `project` as its config block, and one Pulumi.<stack>.yaml per entry. */
function project(projectConfigBlock: Record<string, unknown> | undefined, stacks: Record<string, Record<string, unknown>>): string {
    const dir = path.join(tmp, String(++n));
    fs.mkdirSync(dir);
    const def = { name: "entra-consent", runtime: "nodejs", ...(projectConfigBlock ? { config: projectConfigBlock } : {}) };
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), YAML.stringify(def));
    for (const [stack, config] of Object.entries(stacks)) fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), YAML.stringify({ config }));
    return dir;
}

const tenant = (id: string, name: string) => ({ "azuread:tenantId": id, "entra-consent:tenant": { id, name, userConsent: "low-risk" } });
const sharedApps = () => ({ "entra-consent:apps": { value: structuredClone(SHARED) } });

function problemsOf(f: () => unknown): { path: string; message: string }[] {
    try {
        f();
    } catch (e) {
        if (e instanceof InputError) return e.problems;
        throw e;
    }
    assert.fail("expected invalid input");
}

describe("issue 13: apps defined once in Pulumi.yaml, per-tenant overrides", () => {
    describe("merge rules (pure)", () => {
        it("merges maps by key, recursively; scalars and lists replace; a new key adds an app", () => {
            const base = {
                api: { displayName: "API", scopes: { Read: { consent: "user" } } },
                web: { kind: "web", redirectUris: ["https://a/1", "https://a/2"] },
            };
            const r = mergeApps(
                base,
                {
                    api: { displayName: "API (EU)", scopes: { Write: { consent: "admin" } } },
                    web: { redirectUris: ["https://b/1"] },
                    extra: { kind: "daemon" },
                },
                undefined,
            );
            assert.deepEqual(r.problems, []);
            assert.deepEqual(r.apps, {
                api: { displayName: "API (EU)", scopes: { Read: { consent: "user" }, Write: { consent: "admin" } } },
                web: { kind: "web", redirectUris: ["https://b/1"] }, // the list is the override's, not a union
                extra: { kind: "daemon" },
            });
            assert.deepEqual(base.web.redirectUris, ["https://a/1", "https://a/2"], "the inherited definition is not changed");
            assert.deepEqual(r.origins.map(o => [o.at.join("."), o.written.join(".")]).sort(), [
                ["apps.api.displayName", "overrides.api.displayName"],
                ["apps.api.scopes.Write", "overrides.api.scopes.Write"],
                ["apps.extra", "overrides.extra"],
                ["apps.web.redirectUris", "overrides.web.redirectUris"],
            ]);
        });

        it("removes only what appsRemoved names; removed and overridden is defined anew; unknown or repeated keys are problems", () => {
            const base = { api: { displayName: "API" }, web: { kind: "web", consent: "admin" } };
            assert.deepEqual(mergeApps(base, undefined, ["api"]).apps, { web: { kind: "web", consent: "admin" } });
            assert.deepEqual(
                mergeApps(base, { web: { kind: "spa" } }, ["web"]).apps,
                { api: { displayName: "API" }, web: { kind: "spa" } },
                "nothing inherited survives",
            );
            const bad = mergeApps(base, undefined, ["wbe", "api", "api"]).problems;
            assert.deepEqual(
                bad.map(p => p.path),
                ["entra-consent:appsRemoved[0]", "entra-consent:appsRemoved[2]"],
            );
            assert.match(bad[0].message, /"wbe" is not an inherited app; did you mean "web"\?/);
            assert.match(mergeApps(base, undefined, "api").problems[0].message, /not a list/);
            assert.match(mergeApps(base, ["api"], undefined).problems[0].path, /entra-consent:overrides$/);
        });

        it("null deletes nothing (removal is explicit), and a key __proto__ stays data", () => {
            const nul = mergeApps({ web: { clientSecret: { expiresInDays: 90 } } }, { web: { clientSecret: null } }, undefined).problems;
            assert.equal(nul[0].path, "entra-consent:overrides.web.clientSecret");
            assert.match(nul[0].hint!, /appsRemoved/);
            const hostile = JSON.parse('{"web": {"__proto__": {"polluted": true}}, "__proto__": {"polluted": true}}');
            const r = mergeApps({ web: { kind: "web" } }, hostile, undefined);
            assert.equal(({} as any).polluted, undefined);
            assert.ok(Object.prototype.hasOwnProperty.call(r.apps, "__proto__"), "an app named __proto__ is an app (the schema refuses the name)");
            assert.equal(Object.getPrototypeOf((r.apps as any).web), Object.prototype);
        });
    });

    describe("Pulumi.yaml's project config, checked as the Pulumi CLI checks it", () => {
        const check = (config: Record<string, unknown>) => problemsOf(() => projectConfig({ name: "entra-consent", config }, "Pulumi.yaml"));

        it("reads structured values under value: (and default:), and Pulumi's shorthand", () => {
            const p = projectConfig(
                {
                    name: "entra-consent",
                    config: { apps: { value: { a: { kind: "web" } } }, "azuread:environment": "public", "entra-consent:x": { default: [1] } },
                },
                "P",
            );
            assert.deepEqual(p.values, { "entra-consent:apps": { a: { kind: "web" } }, "azuread:environment": "public", "entra-consent:x": [1] });
        });

        it("refuses a bare map, tenant keys, stack-only keys, secrets, and what Pulumi's Validate refuses, naming file and key", () => {
            assert.match(check({ "entra-consent:apps": { web: { kind: "web" } } })[0].message, /Pulumi reads a map here as a declaration/);
            assert.deepEqual(check({ "entra-consent:apps": { web: {} } })[0].path, "Pulumi.yaml: config.entra-consent:apps");
            assert.match(check({ "azuread:tenantId": { value: TENANT_ID } })[0].message, /names one tenant/);
            assert.match(check({ tenant: { value: { id: TENANT_ID } } })[0].message, /names one tenant/);
            assert.match(check({ "entra-consent:appsRemoved": { value: ["a"] } })[0].message, /a stack's difference/);
            assert.match(check({ "entra-consent:apps": { value: { web: { clientSecret: { secure: "AAAA" } } } } })[0].message, /holds a secret/);
            assert.match(check({ "entra-consent:token": { value: "x", secret: true } })[0].message, /holds a secret/);
            assert.match(check({ "azuread:environment": { description: "cloud" } })[0].message, /has no `value:`/);
            assert.match(check({ "azuread:environment": { default: "public" } })[0].message, /neither type nor default/);
            assert.match(check({ apps: { value: {}, default: {} } })[0].message, /both `default:` and `value:`/);
        });

        it("resolves like pulumi up: the stack's value for a key replaces the project's whole; keys only in Pulumi.yaml are inherited", () => {
            const proj = projectConfig(
                { name: "entra-consent", config: { "azuread:environment": { value: "public" }, "azuread:msiEndpoint": { value: "http://x" } } },
                "Pulumi.yaml",
            );
            const { config, sourceOf } = resolveConfig(proj, { path: "Pulumi.s.yaml", config: { "azuread:environment": "usgovernment" } });
            assert.deepEqual(config, { "azuread:environment": "usgovernment", "azuread:msiEndpoint": "http://x" });
            assert.deepEqual(sourceOf, { "azuread:environment": "Pulumi.s.yaml", "azuread:msiEndpoint": "Pulumi.yaml" });
            const shadow = problemsOf(() =>
                resolveConfig(projectConfig({ name: "entra-consent", config: sharedApps() }, "Pulumi.yaml"), {
                    path: "Pulumi.s.yaml",
                    config: { "entra-consent:apps": {} },
                }),
            );
            assert.equal(shadow[0].path, "Pulumi.s.yaml: entra-consent:apps");
            assert.match(shadow[0].message, /replaces the apps of Pulumi.yaml whole/);
            const required = projectConfig({ name: "entra-consent", config: { region: { description: "where" } } }, "Pulumi.yaml");
            assert.match(problemsOf(() => resolveConfig(required, { path: "Pulumi.s.yaml", config: {} }))[0].message, /declares it without a value/);
        });
    });

    describe("the offline plan of a fleet", () => {
        it("the program sees the merged config: inherited apps, the tenant's redirect URIs, removed apps gone", async () => {
            const dir = project(sharedApps(), {
                eu: {
                    ...tenant(OTHER_TENANT, "fabrikam-eu"),
                    "entra-consent:appsRemoved": ["partner-sync"],
                    "entra-consent:overrides": { "orders-web": { redirectUris: ["https://orders.fabrikam.example/signin-oidc"] } },
                },
            });
            const plan = await planStack({ configFile: path.join(dir, "Pulumi.eu.yaml"), catalog });
            assert.equal(exitCode(plan), 0, JSON.stringify(plan.problems ?? plan.errors));
            const apps = plan.resources.filter(r => r.type === "azuread:index/applicationRegistration:ApplicationRegistration");
            assert.deepEqual(apps.map(a => a.name).sort(), ["orders-api-registration", "orders-reports-registration", "orders-web-registration"]);
            const uris = plan.resources.find(r => r.name === "orders-web-redirect-uris")!.inputs;
            assert.deepEqual(uris.redirectUris, ["https://orders.fabrikam.example/signin-oidc"]);
            assert.ok(!plan.resources.some(r => r.name.includes("partner-sync")), "the removed app has no resources");
            assert.ok(Object.keys(plan.outputs!.clientIds as object).includes("orders-reports"), "an app only Pulumi.yaml declares is deployed");
        });

        it("names the file each bad value came from, with the path as written there", () => {
            const apps = sharedApps();
            apps["entra-consent:apps"].value["orders-web"].delegated["microsoft-graph"] = ["User.Reed"];
            const dir = project(apps, {
                eu: { ...tenant(OTHER_TENANT, "eu"), "entra-consent:overrides": { "orders-api": { scopes: { "Orders.Read": { consent: "everyone" } } } } },
                us: { ...tenant(TENANT_ID, "us"), "entra-consent:appsRemoved": ["orders-wbe"] },
                jp: tenant(TENANT_ID, "jp"),
            });
            const jp = problemsOf(() => loadStack(path.join(dir, "Pulumi.jp.yaml"), catalog)).map(p => p.path);
            assert.deepEqual(jp, [`${path.join(dir, "Pulumi.yaml")}: entra-consent:apps["orders-web"].delegated["microsoft-graph"][0]`]);
            const eu = problemsOf(() => loadStack(path.join(dir, "Pulumi.eu.yaml"), catalog)).map(p => p.path);
            assert.deepEqual(eu, [`${path.join(dir, "Pulumi.eu.yaml")}: entra-consent:overrides["orders-api"].scopes["Orders.Read"].consent`]);
            const us = problemsOf(() => loadStack(path.join(dir, "Pulumi.us.yaml"), catalog));
            assert.deepEqual(
                us.map(p => p.path),
                [`${path.join(dir, "Pulumi.us.yaml")}: entra-consent:appsRemoved[0]`],
            );
        });

        it("plan --all: an invalid stack says so in its progress line; one summary table ends the output; JSON keeps `stacks` and adds `summary`", async () => {
            const dir = project(sharedApps(), {
                a: tenant(TENANT_ID, "contoso"),
                b: { ...tenant(OTHER_TENANT, "fabrikam"), "entra-consent:appsRemoved": ["nope"] },
            });
            const run = async (args: string[]) => {
                const out: string[] = [];
                const err: string[] = [];
                const [log, error, cwd] = [console.log, console.error, process.cwd()];
                console.log = (...a: unknown[]) => out.push(a.join(" "));
                console.error = (...a: unknown[]) => err.push(a.join(" "));
                process.chdir(dir);
                try {
                    return { code: await main(args), out: out.join("\n"), err: err.join("\n") };
                } finally {
                    [console.log, console.error] = [log, error];
                    process.chdir(cwd);
                }
            };
            const text = await run(["--all"]);
            assert.equal(text.code, 2);
            assert.match(text.err, /\] b: exit 2, invalid input, 1 problem, nothing planned: .*Pulumi\.b\.yaml: entra-consent:appsRemoved\[0\]: "nope"/);
            assert.match(text.err, /\] a: exit 0, \d+ resources, 0 mandatory, \d+ advisory, 0 failing flows/);
            const table = text.out.slice(text.out.lastIndexOf("stack  "));
            const lines = table.split("\n");
            assert.match(lines[0], /^stack\s+tenant\s+resources\s+mandatory\s+advisory\s+failing flows\s+invalid input\s+exit$/);
            assert.match(lines[1], /^a\s+contoso\s+\d+\s+0\s+\d+\s+0\s+-\s+0$/);
            assert.match(lines[2], /^b\s+-\s+-\s+-\s+-\s+-\s+1 problem\s+2$/);
            assert.equal(lines[3], "2 stacks: 1 clean, 1 not (exit 2)");
            fs.rmSync(path.join(dir, "Pulumi.a.yaml")); // JSON: the invalid stack alone (no program to run)
            const json = await run(["--all", "--format", "json"]);
            const parsed = JSON.parse(json.out);
            assert.equal(parsed.stacks[0].stack, "b");
            assert.equal(parsed.stacks[0].problems.length, 1);
            assert.deepEqual(parsed.summary, [
                { stack: "b", tenant: null, resources: null, mandatory: null, advisory: null, failingFlows: null, invalidInput: 1, exit: 2 },
            ]);
        });

        it("the benchmark's fleet defined once in Pulumi.yaml plans cleanly, each stack with its own overrides", async () => {
            const fleet = fleetFromProject(2, 16);
            const dir = project(fleet.project, { t0: fleet.stacks[0], t1: fleet.stacks[1] });
            const [t0, t1] = await Promise.all(["t0", "t1"].map(s => planStack({ configFile: path.join(dir, `Pulumi.${s}.yaml`), catalog })));
            for (const p of [t0, t1]) assert.equal(exitCode(p), 0, JSON.stringify(p.problems ?? p.errors));
            const uris = (p: typeof t0) => p.resources.find(r => r.name === "web-1-redirect-uris")!.inputs.redirectUris;
            assert.deepEqual([uris(t0), uris(t1)], [["https://web-1.tenant-0.example/signin-oidc"], ["https://web-1.tenant-1.example/signin-oidc"]]);
            assert.ok(t1.consent!["own-daemon-1"] && !t1.consent!["partner-7"] && t0.consent!["partner-7"]);
        });

        it("a run that did not come back is exit 1 in the table, not clean", () => {
            const row = summaryRow({ task: { configFile: "/x/Pulumi.c.yaml" }, error: "crashed", stats: { wallMs: 0, cpuMs: 0, rssBytes: 0 } });
            assert.deepEqual([row.stack, row.resources, row.exit], ["c", null, 1]);
        });
    });
});
