/**
 * Issue 7, class 10: a secret anywhere in a resource's inputs (nested objects and lists) is masked in every output
 * format, as are stack outputs and messages that quote one; policies still judge the plain value, as the engine
 * unwraps secrets for them (@pulumi/policy deserializes secrets to their values unless a policy asks for proxies).
 */
import { strict as assert } from "assert";
import * as path from "path";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { planStack, PlanResult } from "../lib/plan/plan";
import { renderText } from "../lib/plan/report";
import { maskPaths, redact } from "../lib/plan/secrets";
import { policies } from "../policies/all";
import { main } from "../lib/cli/plan";
import { catalog, runMain, spawnCli, TENANT_ID, writeStack } from "./helpers";

const PROGRAM = path.join(__dirname, "fixtures", "programs", "nested-secrets.ts");
const SECRETS = { token: "tok-3f9a-never-print", description: "descr-77c1-never-print", notes: "notes-a0b2-never-print", output: "out-5d4e-never-print" };
const LEAK = /never-print/;
const stackFile = (quote = false) => writeStack({ "azuread:tenantId": TENANT_ID, "test:secrets": SECRETS, "test:quote": quote });

/** A policy that reads the credential values and quotes them in a finding, as a careless policy might. */
function spy(seen: unknown[]): ResourceValidationPolicy {
    return {
        name: "test-spy",
        description: "Quotes what it sees.",
        enforcementLevel: "advisory",
        validateResource: (args, report) => {
            if (args.type !== "azuread:index/synchronizationSecret:SynchronizationSecret") return;
            for (const c of args.props.credentials ?? []) {
                seen.push(c.value);
                report(`saw ${c.key}=${c.value}`);
            }
        },
    };
}

describe("class 10: secrets nested in inputs", () => {
    let plan: PlanResult;
    const seen: unknown[] = [];
    before(async () => {
        plan = await planStack({ configFile: stackFile(true), program: PROGRAM, catalog, policies: [...policies, spy(seen)] });
    });

    it("policies see the plain values", () => {
        assert.deepEqual(seen, ["https://sync.example", SECRETS.token]);
    });

    it("masks each secret where it sits, at any depth, and shows the values beside it", () => {
        const sync = plan.resources.find(r => r.name === "client-sync")!;
        assert.deepEqual(sync.inputs.credentials, [
            { key: "BaseAddress", value: "https://sync.example" },
            { key: "SecretToken", value: "[secret]" },
        ]);
        const app = plan.resources.find(r => r.name === "client")!;
        assert.equal(app.inputs.notes, "[secret]");
        assert.equal(app.inputs.fallbackPublicClientEnabled, "[secret]");
        const scope = (app.inputs.api as any).oauth2PermissionScopes[0];
        assert.equal(scope.adminConsentDescription, "[secret]");
        assert.equal(scope.adminConsentDisplayName, "Read data");
        assert.deepEqual(plan.outputs?.nested, { list: [{ token: "[secret]", plain: "visible" }] });
    });

    it("shows no secret in the JSON or the text plan: not in inputs, outputs, findings or errors", () => {
        assert.ok(
            plan.violations.some(v => v.message === "saw SecretToken=[secret]"),
            "a finding quoting a secret is masked",
        );
        assert.ok(
            plan.errors.some(e => /cannot reach the provisioning endpoint with \[secret\]/.test(e)),
            plan.errors.join("\n"),
        );
        assert.doesNotMatch(JSON.stringify(plan), LEAK);
        assert.doesNotMatch(renderText(plan), LEAK);
    });

    it("shows no secret from the plan CLI, as text or JSON, on stdout or stderr", async () => {
        const args = ["--config", stackFile(true), "--program", PROGRAM];
        const text = await runMain(main, args);
        assert.equal(text.code, 1, text.stderr);
        assert.match(text.stdout, /cannot reach the provisioning endpoint with \[secret\]/);
        assert.doesNotMatch(text.stdout + text.stderr, LEAK);
        // The plan CLI's one real process (tests/helpers.ts spawnCli): what the program's runner writes to stderr is
        // seen too, and the process exits 1 without a stack trace.
        const json = spawnCli("plan", [...args, "--format", "json"]);
        assert.equal(json.code, 1, json.stderr);
        assert.match(JSON.parse(json.stdout).errors.join("\n"), /cannot reach the provisioning endpoint with \[secret\]/);
        assert.doesNotMatch(json.stdout + json.stderr, LEAK);
        assert.doesNotMatch(json.stdout + json.stderr, /\n\s+at /, "no stack trace");
    });
});

describe("secret masking (pure)", () => {
    it("masks by path, leaving other values and paths that do not exist", () => {
        const v = { a: [{ b: "x", c: "y" }], d: "z" };
        assert.deepEqual(
            maskPaths(v, [
                ["a", 0, "c"],
                ["nope", 1],
            ]),
            { a: [{ b: "x", c: "[secret]" }], d: "z" },
        );
        assert.deepEqual(v.a[0].c, "y", "the original is not changed");
    });

    it("redacts secrets quoted in text, longest first, and short secrets only where they are a whole value", () => {
        assert.deepEqual(redact({ m: ["key abcd1234 and abcd"], k: "ab", t: "tab" }, ["abcd", "abcd1234", "ab"]), {
            m: ["key [secret] and [secret]"],
            k: "[secret]",
            t: "tab",
        });
    });
});
