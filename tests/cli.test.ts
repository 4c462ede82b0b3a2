import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { main } from "../lib/cli/plan";
import { exitCode, planStack } from "../lib/plan/plan";
import { catalog, devConfig, runMain, TENANT_ID, writeStack } from "./helpers";

const ROOT = path.resolve(__dirname, "..");

const plan = (args: string[], cwd = ROOT) => runMain(main, args, { cwd });

describe("npm run plan (CLI)", () => {
    it("plans the dev stack as the plan contract's JSON, exit 0", async () => {
        const r = await plan(["--stack", "dev", "--format", "json"]);
        assert.equal(r.code, 0, r.stderr);
        const out = JSON.parse(r.stdout);
        assert.deepEqual(Object.keys(out).slice(0, 6), ["stack", "tenant", "resources", "violations", "flows", "summary"]);
        assert.equal(out.stack, "dev");
        assert.deepEqual(out.tenant, { id: TENANT_ID, name: "contoso-dev", userConsent: "low-risk" });
        assert.ok(out.flows.length > 0 && out.flows.every((f: any) => f.outcome === "issued"), "every flow of the sample stack is issued");
        assert.ok(out.resources.every((r: any) => typeof r.urn === "string" && typeof r.type === "string" && "parent" in r && typeof r.inputs === "object"));
        assert.equal(out.summary.resources, out.resources.length);
    });

    it("exits 2 with the path and the closest name for invalid input, and plans nothing", async () => {
        const config = devConfig();
        config["entra-consent:apps"]["orders-web"].delegated["microsoft-graph"] = ["User.Reed"];
        const r = await plan(["--config", writeStack(config)]);
        assert.equal(r.code, 2, r.stdout + r.stderr);
        assert.match(
            r.stdout,
            /entra-consent:apps\["orders-web"\]\.delegated\["microsoft-graph"\]\[0\]: Microsoft Graph has no delegated permission "User.Reed" \(did you mean "User.Read"\?\)/,
        );
        assert.match(r.stdout, /nothing was planned/);
        assert.doesNotMatch(r.stdout + r.stderr, /\n\s+at /, "no stack trace");
    });

    it("exits 2 on a usage error and lists the stacks it has", async () => {
        const r = await plan(["--stack", "prod"]);
        assert.equal(r.code, 2);
        assert.match(r.stderr, /Pulumi.prod.yaml: no such stack file \(stacks here: dev\)/);
        const format = await plan(["--stack", "dev", "--format", "yaml"]);
        assert.equal(format.code, 2);
        assert.match(format.stderr, /--format is "yaml"; use text or json\nusage:/);
    });

    it("exits 1 when the tenant would reject the deploy (--program)", async () => {
        const r = await plan([
            "--config",
            writeStack({ "azuread:tenantId": TENANT_ID, "test:case": "duplicate-grant" }),
            "--program",
            path.join(ROOT, "tests", "fixtures", "programs", "wiring.ts"),
        ]);
        assert.equal(r.code, 1, r.stdout + r.stderr);
        assert.match(r.stdout, /the deploy would fail:\n\s+- .*409 Permission entry already exists/);
    });

    it("plans every stack with --all, one progress line per stack, and exits with the worst code", async () => {
        const dir = path.dirname(writeStack(devConfig(), "dev"));
        const bad = devConfig();
        bad["entra-consent:tenant"].userConsent = "sometimes";
        fs.writeFileSync(path.join(dir, "Pulumi.broken.yaml"), fs.readFileSync(writeStack(bad, "broken")));
        const r = await plan(["--all"], dir);
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, /\[\d\/2\] broken: exit 2/);
        assert.match(r.stderr, /\[\d\/2\] dev: exit 0, \d+ resources/);
        assert.match(r.stdout, /stack broken:.*\n.*invalid input/);
        assert.match(r.stdout, /stack dev: tenant contoso-dev/);
    });
});

describe("every class of bad input exits 2 with a path", () => {
    const cases: [string, (c: Record<string, any>) => void, RegExp][] = [
        [
            "unknown config key",
            c => {
                c["entra-consent:aps"] = c["entra-consent:apps"];
            },
            /^entra-consent:aps: unknown config key; did you mean "entra-consent:apps"\?/,
        ],
        [
            "missing tenant",
            c => {
                delete c["entra-consent:tenant"];
            },
            /^entra-consent:tenant: is required/,
        ],
        [
            "schema",
            c => {
                c["entra-consent:apps"]["orders-web"].consent = "everyone";
            },
            /^entra-consent:apps\["orders-web"\]\.consent: "everyone" is not allowed/,
        ],
        [
            "unknown resource",
            c => {
                c["entra-consent:apps"]["orders-web"].delegated.graph2 = ["User.Read"];
            },
            /delegated\.graph2: unknown resource/,
        ],
        [
            "case variant",
            c => {
                c["entra-consent:apps"]["orders-web"].delegated["microsoft-graph"] = ["user.read"];
            },
            /case-sensitive.*did you mean "User.Read"/,
        ],
        [
            "tenant mismatch",
            c => {
                c["azuread:tenantId"] = "22222222-2222-2222-2222-222222222222";
            },
            /^entra-consent:tenant\.id: is 11111111-/,
        ],
    ];
    for (const [name, change, pattern] of cases) {
        it(name, async () => {
            const config = devConfig();
            change(config);
            const result = await planStack({ configFile: writeStack(config), catalog });
            assert.equal(exitCode(result), 2);
            assert.ok(
                result.problems!.some(p => pattern.test(`${p.path}: ${p.message}${p.hint ? ` (${p.hint})` : ""}`)),
                JSON.stringify(result.problems, null, 1),
            );
            assert.equal(result.resources.length, 0);
        });
    }

    it("YAML syntax errors name the line", async () => {
        const file = writeStack({});
        fs.writeFileSync(file, "config:\n  entra-consent:tenant: {id: [\n");
        const result = await planStack({ configFile: file, catalog });
        assert.equal(exitCode(result), 2);
        assert.match(`${result.problems![0].path}: ${result.problems![0].message}`, /Pulumi\.dev\.yaml:\d+: not valid YAML/);
    });
});
