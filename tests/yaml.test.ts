/**
 * Issue 7, class 11: hostile YAML. Alias bombs, deep nesting, tags outside YAML's core schema, merge keys, duplicate
 * keys and huge files are invalid input: exit 2 with the file and line, never exit 1, never a stack trace, never an
 * app planned from what the YAML library made of them (a !!set map reads as an empty object).
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { STACK_FILE_LIMITS } from "../lib/config/stack";
import { exitCode, planStack } from "../lib/plan/plan";
import { catalog, TENANT_ID } from "./helpers";

const ROOT = path.resolve(__dirname, "..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "entra-consent-yaml-"));
let n = 0;
function stackFile(text: string): string {
    const d = path.join(dir, String(++n));
    fs.mkdirSync(d);
    fs.writeFileSync(path.join(d, "Pulumi.dev.yaml"), text);
    return path.join(d, "Pulumi.dev.yaml");
}

const HEAD = `config:
  azuread:tenantId: ${TENANT_ID}
  entra-consent:tenant: { id: ${TENANT_ID}, name: hostile }
`;
const VALID = `${HEAD}  entra-consent:apps:
    web:
      kind: native
      delegated: { microsoft-graph: [User.Read] }
`;
const BOMB = `${HEAD}  test:a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
  test:b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
  test:c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
  test:d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
  test:e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
  entra-consent:apps:
    web: { kind: native, delegated: { microsoft-graph: [User.Read] } }
`;

/** Plans a stack file in-process as the CLI does: the exit code and every problem as one text. */
async function planText(text: string) {
    const configFile = stackFile(text);
    const plan = await planStack({ configFile, catalog });
    return {
        code: exitCode(plan),
        problems: (plan.problems ?? []).map(p => `${p.path}: ${p.message}${p.hint ? ` (${p.hint})` : ""}`).join("\n"),
        plan,
        configFile,
    };
}

async function assertRefused(text: string, message: RegExp, line?: number) {
    const r = await planText(text);
    assert.equal(r.code, 2, r.problems);
    assert.match(r.problems, message);
    if (line !== undefined) assert.match(r.problems, new RegExp(`Pulumi\\.dev\\.yaml:${line}: `), r.problems);
    assert.deepEqual(r.plan.resources, [], "nothing planned");
}

describe("hostile YAML in Pulumi.<stack>.yaml is invalid input (exit 2)", () => {
    it("plans the well-formed base file (the cases below change one thing)", async () => {
        const r = await planText(VALID);
        assert.equal(r.code, 0, r.problems);
        assert.ok(r.plan.resources.length > 0);
    });

    it("refuses an alias bomb (billion laughs), naming the first alias's line", async () => {
        await assertRefused(BOMB, /alias bomb.*Excessive alias count/, 5);
    });

    it("refuses an alias bomb inside the app config and through nested maps", async () => {
        const nested = `${HEAD}  entra-consent:apps:
    base: &x { kind: native, delegated: { microsoft-graph: [User.Read, User.Read, User.Read, User.Read, User.Read, User.Read, User.Read, User.Read] } }
    a: &y { p: *x, q: *x, r: *x, s: *x, t: *x, u: *x, v: *x, w: *x }
    b: &z { p: *y, q: *y, r: *y, s: *y, t: *y, u: *y, v: *y, w: *y }
    c: { p: *z, q: *z, r: *z, s: *z, t: *z, u: *z, v: *z, w: *z }
`;
        await assertRefused(nested, /alias bomb/);
    });

    it("refuses nesting deeper than the limit, naming the line", async () => {
        await assertRefused(`${HEAD}  test:deep: ${"[".repeat(100)}${"]".repeat(100)}\n${VALID.slice(HEAD.length)}`, /nested deeper than 64 levels/, 4);
        const block = Array.from({ length: 80 }, (_, i) => `${" ".repeat(2 * i + 4)}k${i}:`).join("\n");
        await assertRefused(`${HEAD}  test:deep:\n${block} x\n`, /nested deeper than 64 levels/);
    });

    it("refuses nesting so deep the parser would run out of stack, flow or block", async () => {
        await assertRefused(`${HEAD}  test:deep: ${"[".repeat(20000)}${"]".repeat(20000)}\n`, /nested too deeply to read/, 4);
        await assertRefused(`${HEAD}  test:deep: ${"{a: ".repeat(20000)}1${"}".repeat(20000)}\n`, /nested too deeply to read/, 4);
        await assertRefused(`${HEAD}  test:deep:\n    ${"- ".repeat(100000)}x\n`, /nested too deeply to read/, 5);
    });

    it("refuses deep nesting hidden in a JSON string value, as the engine passes config", async () => {
        const json = `{"web":{"kind":"native","delegated":{"microsoft-graph":["User.Read"]}},"deep":${"[".repeat(20000)}${"]".repeat(20000)}}`;
        await assertRefused(`${HEAD}  entra-consent:apps: '${json}'\n`, /entra-consent:apps: is nested deeper than 64 levels/);
        const r = await planText(
            `${HEAD}  entra-consent:apps: '${JSON.stringify({ web: { kind: "native", delegated: { "microsoft-graph": ["User.Read"] } } })}'\n`,
        );
        assert.equal(r.code, 0, `a JSON string value of normal depth still plans: ${r.problems}`);
    });

    for (const [tag, value] of [
        ["!!set", "{ web, api }"],
        ["!!binary", "aGVsbG8="],
        ["!foo", "bar"],
        ["!!omap", "[ { a: 1 } ]"],
        ["!!timestamp", "2026-01-01"],
    ]) {
        it(`refuses the tag ${tag}`, async () => {
            await assertRefused(
                `${HEAD}  entra-consent:apps: ${tag} ${value}\n`,
                new RegExp(`has the tag ${tag.replace(/[!]/g, "\\!")}, which a stack file may not use`),
                4,
            );
        });
    }

    it("refuses a tag on a nested value, not only at the top", async () => {
        await assertRefused(VALID.replace("kind: native", "kind: !!binary bmF0aXZl"), /has the tag !!binary/, 6);
    });

    it("refuses merge keys", async () => {
        const merge = `${HEAD}  entra-consent:apps:
    base: &base { kind: native, delegated: { microsoft-graph: [User.Read] } }
    web:
      <<: *base
      displayName: Web
`;
        await assertRefused(merge, /merge key \(<<\)/, 7);
    });

    it("refuses duplicate keys", async () => {
        await assertRefused(VALID.replace("      kind: native\n", "      kind: native\n      kind: web\n"), /Map keys must be unique/, 7);
    });

    it("refuses a file over 8 MB before reading it", async () => {
        await assertRefused(`${VALID}# ${"x".repeat(STACK_FILE_LIMITS.bytes)}\n`, /bytes; a stack file may be at most 8388608 bytes/);
    });

    it("answers through the CLI with exit 2 and a message, never a stack trace", () => {
        for (const [text, message] of [
            [BOMB, /alias bomb/],
            [`${HEAD}  test:deep: ${"[".repeat(20000)}${"]".repeat(20000)}\n`, /nested too deeply/],
        ] as const) {
            const env = { ...process.env };
            delete env.INIT_CWD;
            const r = spawnSync(path.join(ROOT, "node_modules", ".bin", "tsx"), [path.join(ROOT, "lib", "cli", "plan.ts"), "--config", stackFile(text)], {
                cwd: ROOT,
                env,
                encoding: "utf8",
            });
            assert.equal(r.status, 2, r.stdout + r.stderr);
            assert.match(r.stdout + r.stderr, message);
            assert.doesNotMatch(r.stdout + r.stderr, /\n\s+at /, "no stack trace");
        }
    });
});
