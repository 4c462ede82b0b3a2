/**
 * `npm run review` (issue 12) on real git repositories made in temporary folders: a base commit, then a changed
 * working tree, reviewed in-process through the CLI's main.
 */
import { strict as assert } from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { main } from "../lib/cli/review";
import type { PlanResult } from "../lib/plan/plan";
import { ReviewSide, reviewStack, StackReview } from "../lib/review/diff";
import { COMMENT_MARKER, MARKDOWN_LIMIT, md, renderMarkdown } from "../lib/review/render";
import { pairStacks, ReviewResult } from "../lib/review/review";
import { runMain } from "./helpers";

const T1 = "11111111-1111-1111-1111-111111111111";
const T2 = "22222222-2222-2222-2222-222222222222";
const T3 = "33333333-3333-3333-3333-333333333333";
const T4 = "44444444-4444-4444-4444-444444444444";
const O1 = "aaaaaaaa-0000-0000-0000-000000000001";
const O2 = "aaaaaaaa-0000-0000-0000-000000000002";
const ROOT = path.resolve(__dirname, "..");
const dirs: string[] = [];

const git = (dir: string, ...args: string[]) => execFileSync("git", args, { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
/** One side of the dev stack, planned with only these resources: for the pure tests of reviewStack. */
const devSide = (resources: PlanResult["resources"]): ReviewSide => ({
    stack: "dev",
    file: "Pulumi.dev.yaml",
    plan: {
        stack: "dev",
        tenant: { id: T1, name: "dev" },
        resources,
        violations: [],
        flows: [],
        summary: { resources: resources.length, mandatory: 0, advisory: 0, failingFlows: 0, errors: 0 },
        errors: [],
    },
});

function stackYaml(tenant: string, name: string, apps: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
    return YAML.stringify({ config: { "azuread:tenantId": tenant, "entra-consent:tenant": { id: tenant, name, ...extra }, "entra-consent:apps": apps } });
}
const daemon = (...perms: string[]) => ({ kind: "daemon", application: { "microsoft-graph": perms } });

/** A repository whose first commit holds `files`; returns its folder. */
function repo(files: Record<string, string>): string {
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "review-test-")));
    dirs.push(dir);
    git(dir, "init", "-q", "-b", "main");
    git(dir, "config", "user.email", "t@example.com");
    git(dir, "config", "user.name", "t");
    write(dir, files);
    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", "base");
    return dir;
}
function write(dir: string, files: Record<string, string | null>): void {
    for (const [f, text] of Object.entries(files)) {
        if (text === null) fs.rmSync(path.join(dir, f));
        else fs.writeFileSync(path.join(dir, f), text);
    }
}

/** Runs the CLI in-process from `dir`; stdout and stderr are captured. */
async function review(dir: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
    const r = await runMain(main, args, { cwd: dir });
    return { code: r.code!, out: r.stdout, err: r.stderr };
}

after(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

// The base of the main scenario: one tenant whose apps each see one kind of change, and three stacks to rename, remove, keep.
const policyConfig = (approvals: object[]) =>
    JSON.stringify({
        "azuread-approleassignment-disallow-privileged-permissions": { approvals: approvals.filter(a => (a as { type: string }).type === "application") },
        "azuread-delegatedpermissiongrant-disallow-privileged-scopes": { approvals: approvals.filter(a => (a as { type: string }).type === "delegated") },
        "azuread-application-require-owners": { enforcementLevel: "mandatory", minOwners: 2 },
    });
const approval = (client: string, permission: string, type: string, ticket: string, expires: string) => ({
    tenant: T1,
    client,
    resource: "microsoft-graph",
    permission,
    type,
    ticket,
    approver: "alice@contoso.example",
    expires,
});
const baseApps = {
    web: { kind: "web", consent: "admin", redirectUris: ["https://web.contoso.example/signin"], owners: [O1], delegated: { "microsoft-graph": ["User.Read"] } },
    spa: { kind: "spa", consent: "user", redirectUris: ["https://spa.contoso.example"], delegated: { "microsoft-graph": ["User.Read"] } },
    daemon: daemon("User.ReadBasic.All", "Sites.Read.All"),
    "old-app": daemon("User.ReadBasic.All"),
    reports: {
        kind: "daemon",
        federatedCredentials: { gh: { issuer: "https://token.actions.githubusercontent.com", subject: "repo:contoso/reports:ref:refs/heads/main" } },
        application: { "microsoft-graph": ["User.ReadBasic.All"] },
    },
};
const headApps = {
    web: {
        ...baseApps.web,
        redirectUris: ["https://web.contoso.example/auth"],
        owners: [O1, O2],
        clientSecret: { expiresInDays: 90 },
        delegated: { "microsoft-graph": ["User.Read", "Mail.Read"] },
    },
    spa: { ...baseApps.spa, delegated: { "microsoft-graph": ["User.Read", "profile"] } },
    daemon: daemon("User.ReadBasic.All"),
    "new-app": daemon("User.ReadBasic.All", "Mail.Read"),
    reports: {
        ...baseApps.reports,
        federatedCredentials: { gh: { issuer: "https://token.actions.githubusercontent.com", subject: "repo:contoso/reports:ref:refs/heads/release" } },
    },
    multi: { kind: "web", signInAudience: "AzureADMultipleOrgs", redirectUris: ["https://multi.contoso.example/signin"], owners: [O1, O2] },
};

describe("npm run review: every kind of change in one reviewed pull request", function () {
    this.timeout(120_000);
    let dir: string;
    let result: { code: number; out: string; err: string };
    let json: { stacks: StackReview[]; summary: { exitCode: number }; program: { base: string; head: string } };
    let dev: StackReview;
    let statusBefore: string;
    let worktreesBefore: string;

    before(async () => {
        dir = repo({
            "Pulumi.dev.yaml": stackYaml(T1, "contoso", baseApps, { userConsent: "all" }),
            "Pulumi.staging.yaml": stackYaml(T2, "staging", { a: daemon("User.ReadBasic.All") }),
            "Pulumi.gone.yaml": stackYaml(T3, "gone", { a: daemon("User.ReadBasic.All") }),
            "policy-config.json": policyConfig([approval("daemon", "Sites.Read.All", "application", "SEC-1", inDays(300))]),
        });
        git(dir, "mv", "Pulumi.staging.yaml", "Pulumi.stage2.yaml");
        write(dir, {
            "Pulumi.dev.yaml": stackYaml(T1, "contoso", headApps, { userConsent: "all" }),
            "Pulumi.gone.yaml": null,
            "Pulumi.fresh.yaml": stackYaml(T4, "fresh", { a: daemon("User.ReadBasic.All") }),
            "policy-config.json": policyConfig([
                approval("web", "Mail.Read", "delegated", "SEC-88", inDays(10)),
                approval("daemon", "Sites.Read.All", "application", "SEC-1", inDays(300)),
            ]),
        });
        statusBefore = git(dir, "status", "--porcelain");
        worktreesBefore = git(dir, "worktree", "list");
        const out = path.join(dir, "..", `${path.basename(dir)}.json`);
        dirs.push(out);
        result = await review(dir, "--base", "main", "--format", "json", "--out", out, "--policy-config", "policy-config.json");
        json = JSON.parse(fs.readFileSync(out, "utf8"));
        dev = json.stacks.find(s => s.stack === "dev")!;
    });

    it("leaves the working tree as it was and removes its temporary worktree", () => {
        assert.equal(git(dir, "status", "--porcelain"), statusBefore);
        assert.equal(git(dir, "worktree", "list"), worktreesBefore);
        assert.equal(git(dir, "worktree", "list").split("\n").length, 1);
    });

    it("reports apps added and removed", () => {
        assert.deepEqual(dev.apps, { added: ["multi", "new-app"], removed: ["old-app"] });
    });

    it("reports permissions added and removed per app x resource x type, with tier, mechanism and who approves", () => {
        const mail = dev.permissions.find(p => p.app === "web" && p.permission === "Mail.Read")!;
        assert.equal(mail.change, "added");
        assert.equal(mail.tier, 1);
        assert.equal(mail.type, "delegated");
        assert.equal(mail.mechanism, "grant");
        assert.deepEqual(mail.approvers, ["the security team: an approval", "the deploying identity as Privileged Role Administrator (Microsoft Graph)"]);
        assert.equal(mail.approval?.ticket, "SEC-88");
        const sites = dev.permissions.find(p => p.app === "daemon" && p.permission === "Sites.Read.All")!;
        assert.equal(sites.change, "removed");
        assert.equal(sites.mechanism, "assignment");
        const profile = dev.permissions.find(p => p.app === "spa" && p.permission === "profile")!;
        assert.equal(profile.mechanism, "user consent");
        assert.equal(profile.tier, 2);
        assert.deepEqual(profile.approvers, ["each user, when prompted (tenant userConsent: all)"]);
        // tier-0/1 lines first
        assert.deepEqual(
            dev.permissions.map(p => p.tier),
            [...dev.permissions.map(p => p.tier)].sort(),
        );
        assert.ok(!dev.permissions.some(p => p.app === "web" && p.permission === "User.Read"), "unchanged permissions are not changes");
    });

    it("reports approvals newly relied on, no longer needed, and expiring within 30 days", () => {
        assert.deepEqual(
            dev.approvals.newlyReliedOn.map(a => a.ticket),
            ["SEC-88"],
        );
        assert.deepEqual(
            dev.approvals.noLongerNeeded.map(a => a.ticket),
            ["SEC-1"],
        );
        assert.deepEqual(
            dev.approvals.expiringWithin30Days.map(a => `${a.ticket} ${a.expires}`),
            [`SEC-88 ${inDays(10)}`],
        );
    });

    it("says that users who consented to a consent: user app do not get its new scope until prompted again", () => {
        // Microsoft Learn, "Scopes and permissions in the Microsoft identity platform", ".default when the user has already
        // given consent": .default prompts only when no delegated permission between client and resource was consented.
        const flow = dev.flows.find(f => f.client === "spa" && f.resource === "microsoft-graph")!;
        assert.match(flow.note!, /without profile until they are prompted again: \.default does not re-prompt/);
        assert.ok(!dev.flows.some(f => f.client === "web" && f.note), "an admin grant carries the new scope: no note");
    });

    it("reports flows whose predicted outcome changes", () => {
        const added = dev.flows.find(f => f.client === "new-app")!;
        assert.equal(added.from, null);
        assert.match(added.to!, /missing-roles|issued/);
        const gone = dev.flows.find(f => f.client === "old-app")!;
        assert.equal(gone.to, null);
    });

    it("reports credentials added and changed, never a value", () => {
        const secret = dev.credentials.find(c => c.app === "web")!;
        assert.equal(secret.change, "added");
        assert.equal(secret.kind, "ApplicationPassword");
        const fed = dev.credentials.find(c => c.app === "reports")!;
        assert.equal(fed.change, "changed");
        assert.deepEqual(fed.fields, ['subject: "repo:contoso/reports:ref:refs/heads/main" -> "repo:contoso/reports:ref:refs/heads/release"']);
    });

    it("reports redirect URI, owner and sign-in audience changes", () => {
        const web = dev.settings.filter(s => s.app === "web");
        assert.deepEqual(
            web.find(s => s.setting === "redirectUris"),
            { app: "web", setting: "redirectUris", added: ["https://web.contoso.example/auth"], removed: ["https://web.contoso.example/signin"] },
        );
        assert.deepEqual(web.find(s => s.setting === "owners")?.added, [O2]);
        assert.deepEqual(dev.settings.find(s => s.app === "multi" && s.setting === "signInAudience")?.added, ["AzureADMultipleOrgs"]);
    });

    it("reports new and resolved policy violations", () => {
        assert.ok(dev.violations.new.some(v => v.policy === "azuread-application-require-approval-for-multi-tenant" && v.enforcementLevel === "mandatory"));
        assert.ok(dev.violations.new.some(v => v.policy === "azuread-approleassignment-disallow-privileged-permissions" && /new-app/.test(v.message)));
        assert.ok(dev.violations.resolved.some(v => v.policy === "azuread-application-require-owners" && /web/.test(v.urn ?? v.message)));
    });

    it("reports a renamed stack file of the same tenant as a rename, and stacks added and removed", () => {
        const renamed = json.stacks.find(s => s.stack === "stage2")!;
        assert.equal(renamed.status, "renamed");
        assert.equal(renamed.baseStack, "staging");
        assert.equal(renamed.permissions.length, 0);
        assert.ok(!json.stacks.some(s => s.stack === "staging"));
        const gone = json.stacks.find(s => s.stack === "gone")!;
        assert.equal(gone.status, "removed");
        assert.deepEqual(gone.apps.removed, ["a"]);
        const fresh = json.stacks.find(s => s.stack === "fresh")!;
        assert.equal(fresh.status, "added");
        assert.deepEqual(
            fresh.permissions.map(p => `${p.change} ${p.permission}`),
            ["added User.ReadBasic.All"],
        );
    });

    it("exits 1 for an unapproved tier-0/1 permission and a new mandatory violation, naming both", () => {
        assert.equal(result.code, 1);
        assert.equal(json.summary.exitCode, 1);
        assert.ok(dev.blocking.some(b => /tier-1 application permission Mail\.Read on microsoft-graph to new-app/.test(b)));
        assert.ok(dev.blocking.some(b => /mandatory violation: azuread-application-require-approval-for-multi-tenant/.test(b)));
        assert.ok(!dev.blocking.some(b => /to web /.test(b)), "the approved Mail.Read of web does not block");
        assert.equal(dev.risk, "high");
    });
});

describe("npm run review: exit codes and outputs", function () {
    this.timeout(120_000);
    const base = {
        web: { kind: "web", consent: "admin", redirectUris: ["https://web.contoso.example/signin"], delegated: { "microsoft-graph": ["User.Read"] } },
    };

    it("exits 0 for a change that adds only tier-2 permissions, and prints Markdown for the pull request", async () => {
        const dir = repo({ "Pulumi.dev.yaml": stackYaml(T1, "contoso", base) });
        write(dir, { "Pulumi.dev.yaml": stackYaml(T1, "contoso", { web: { ...base.web, delegated: { "microsoft-graph": ["User.Read", "profile"] } } }) });
        const r = await review(dir, "--base", "HEAD", "--format", "markdown");
        assert.equal(r.code, 0, r.err);
        assert.ok(r.out.startsWith(COMMENT_MARKER), "the workflow finds its comment by the first line");
        assert.match(r.out, /\| stack \| added \| removed \| risk \|/);
        assert.match(r.out, /\| dev \(changed\) \| 1 \| 0 \| low \|/);
        assert.match(r.out, /<details><summary>dev \(changed\): risk low, 1 added, 0 removed<\/summary>/);
        assert.match(r.out, /- added tier 2 web -&gt; microsoft-graph profile \(delegated, grant\)/);
    });

    it("exits 2 for a ref that names no commit, outside a git repository, and for an unknown stack", async () => {
        const dir = repo({ "Pulumi.dev.yaml": stackYaml(T1, "contoso", base) });
        let r = await review(dir, "--base", "no-such-branch");
        assert.equal(r.code, 2);
        assert.match(r.err, /--base: "no-such-branch" is not a commit of/);
        r = await review(dir, "--base", "HEAD", "--stack", "prod");
        assert.equal(r.code, 2);
        assert.match(r.err, /--stack: no stack "prod" in the working tree or at the base \(stacks: dev\)/);
        const plain = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "review-nogit-")));
        dirs.push(plain);
        r = await review(plain, "--base", "HEAD");
        assert.equal(r.code, 2);
        assert.match(r.err, /is not in a git repository/);
        r = await review(dir, "--format", "json");
        assert.equal(r.code, 2);
        assert.match(r.err, /--base <git ref> is required/);
    });

    it("exits 2 for invalid config on either side, naming the side and the file, and still removes the worktree", async () => {
        const bad = stackYaml(T1, "contoso", { web: { ...base.web, delegated: { "microsoft-graph": ["User.Reed"] } } });
        const dir = repo({ "Pulumi.dev.yaml": bad });
        write(dir, { "Pulumi.dev.yaml": stackYaml(T1, "contoso", base) });
        let r = await review(dir, "--base", "HEAD");
        assert.equal(r.code, 2);
        assert.match(r.err, /base HEAD:Pulumi\.dev\.yaml: entra-consent:apps\.web\.delegated\["microsoft-graph"\]\[0\]: .*"User\.Reed"/);
        assert.ok(!r.err.includes(os.tmpdir()), "the temporary worktree's path never shows");
        assert.equal(git(dir, "worktree", "list").split("\n").length, 1);
        write(dir, { "Pulumi.dev.yaml": bad.replace("User.Reed", "User.Raed") });
        r = await review(dir, "--base", "HEAD");
        assert.match(r.err, /working tree Pulumi\.dev\.yaml: entra-consent:apps\.web\.delegated\["microsoft-graph"\]\[0\]: .*"User\.Raed"/);
    });

    it("plans the base with the base's own program, from the repository at the base", async () => {
        // A raw program in the repository: each side registers what its own copy says.
        const program = (name: string) =>
            `import * as azuread from "@pulumi/azuread";\nconst app = new azuread.ApplicationRegistration("${name}", { displayName: "${name}" });\nnew azuread.ServicePrincipal("${name}-sp", { clientId: app.clientId });\n`;
        const dir = repo({
            ".gitignore": "node_modules\n",
            "index.ts": program("base-app"),
            "Pulumi.dev.yaml": YAML.stringify({ config: { "azuread:tenantId": T1 } }),
        });
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
        write(dir, { "index.ts": program("head-app") });
        const out = path.join(dir, "review.json");
        const r = await review(dir, "--base", "HEAD", "--format", "json", "--out", out);
        const dev = (JSON.parse(fs.readFileSync(out, "utf8")) as ReviewResult).stacks[0];
        assert.deepEqual(dev.apps, { added: ["head-app", "head-app-sp"], removed: ["base-app", "base-app-sp"] }, r.err);
        assert.ok(fs.lstatSync(path.join(dir, "node_modules")).isSymbolicLink(), "the working tree's node_modules link is untouched");
    });

    it("runs as a command once (spawned): a flag without its value exits 2", () => {
        const r = spawnSync(process.execPath, ["--require", require.resolve("tsx/cjs"), path.join(ROOT, "lib/cli/review.ts"), "--base"], { encoding: "utf8" });
        assert.equal(r.status, 2);
        assert.match(r.stderr, /review: Option '--base <value>' argument missing/);
    });
});

describe("review: pure parts", () => {
    it("pairs a stack gone from the base with a new one of the same tenant as a rename", () => {
        const pairs = pairStacks(
            [
                { stack: "a", file: "a", tenant: T1 },
                { stack: "b", file: "b", tenant: T2 },
            ],
            [
                { stack: "c", file: "c", tenant: T2 },
                { stack: "d", file: "d", tenant: T3 },
            ],
        );
        assert.deepEqual(
            pairs.map(p => `${p.base?.stack ?? "-"}>${p.head?.stack ?? "-"}`),
            ["a>-", "b>c", "->d"],
        );
    });

    it("bounds the Markdown at GitHub's 65,536 characters and says what it left out", () => {
        const plan = (stack: string) => ({
            stack,
            tenant: { id: T1, name: stack },
            resources: [],
            violations: Array.from({ length: 40 }, (_, i) => ({
                policy: "p",
                enforcementLevel: "mandatory" as const,
                message: `finding ${i} ${"x".repeat(200)}`,
            })),
            flows: [],
            summary: { resources: 0, mandatory: 40, advisory: 0, failingFlows: 0, errors: 0 },
            errors: [],
        });
        const stacks = Array.from({ length: 400 }, (_, i) => reviewStack(undefined, { stack: `s${i}`, file: `Pulumi.s${i}.yaml`, plan: plan(`s${i}`) }));
        const text = renderMarkdown({ base: { ref: "main", commit: "0".repeat(40) }, program: { base: "", head: "" }, judgeChanged: [], stacks });
        assert.ok(text.length <= MARKDOWN_LIMIT, `${text.length}`);
        assert.match(text, /stack sections \(\d+ of them high risk: .*\) not shown: a GitHub comment holds at most 65,536 characters/);
        assert.match(text, /<details open><summary>s0 \(added\): risk high/);
    });

    it("shows which fields of a credential changed, and never a value beyond end dates, issuer and subject", () => {
        const side = (value: string, endDate: string) =>
            devSide([
                {
                    urn: "urn:pulumi:dev::p::azuread:index/applicationCertificate:ApplicationCertificate::web-cert",
                    type: "azuread:index/applicationCertificate:ApplicationCertificate",
                    name: "web-cert",
                    parent: null,
                    inputs: { value, endDate, type: "AsymmetricX509Cert" },
                },
            ]);
        const r = reviewStack(side("MIIC-old-certificate", "2027-01-01T00:00:00Z"), side("MIIC-new-certificate", "2027-06-01T00:00:00Z"));
        assert.deepEqual(r.credentials, [
            {
                app: "web-cert",
                name: "web-cert",
                kind: "ApplicationCertificate",
                change: "changed",
                fields: ["value changed (value not shown)", 'endDate: "2027-01-01T00:00:00Z" -> "2027-06-01T00:00:00Z"'],
            },
        ]);
        assert.ok(
            !JSON.stringify(r)
                .replace(/"edges".*/, "")
                .includes("MIIC-"),
        );
        assert.equal(r.risk, "elevated");
    });

    it("ignores inputs the engine keeps from the state (ignoreChanges): a secret's end date computed from today is no change", () => {
        const side = (endDate: string, displayName = "entra-consent") =>
            devSide([
                {
                    urn: "urn:pulumi:dev::p::azuread:index/applicationPassword:ApplicationPassword::web-client-secret",
                    type: "azuread:index/applicationPassword:ApplicationPassword",
                    name: "web-client-secret",
                    parent: null,
                    inputs: { endDate, displayName },
                    ignoreChanges: ["endDate", "endDateRelative"],
                },
            ]);
        const same = reviewStack(side("2027-02-24T23:50:01Z"), side("2027-02-24T23:50:03Z"));
        assert.deepEqual(same.credentials, []);
        assert.deepEqual(same.resources.changed, []);
        const renamed = reviewStack(side("2027-02-24T23:50:01Z"), side("2027-02-24T23:50:03Z", "renamed"));
        assert.deepEqual(
            renamed.credentials.map(c => c.fields),
            [['displayName: "entra-consent" -> "renamed"']],
        );
    });

    it("lists a removed resource the tenant keeps (retainOnDelete) as retained: removing it from code does not remove the grant", () => {
        const grant = (retainOnDelete?: true) => ({
            urn: "urn:pulumi:dev::p::azuread:index/servicePrincipalDelegatedPermissionGrant:ServicePrincipalDelegatedPermissionGrant::web/grant/graph",
            type: "azuread:index/servicePrincipalDelegatedPermissionGrant:ServicePrincipalDelegatedPermissionGrant",
            name: "web/grant/graph",
            parent: null,
            inputs: { claimValues: ["User.Read"] },
            ...(retainOnDelete ? { retainOnDelete } : {}),
        });
        const adopted = reviewStack(devSide([grant(true)]), devSide([]));
        assert.deepEqual(adopted.resources.removed, ["ServicePrincipalDelegatedPermissionGrant web/grant/graph (retained: stays in the tenant)"]);
        const created = reviewStack(devSide([grant()]), devSide([]));
        assert.deepEqual(created.resources.removed, ["ServicePrincipalDelegatedPermissionGrant web/grant/graph"]);
    });

    it("marks a stack whose file now declares another tenant: the same name is not the same stack", () => {
        const side = (tenant: string) => ({
            stack: "prod",
            file: "Pulumi.prod.yaml",
            plan: {
                stack: "prod",
                tenant: { id: tenant, name: "prod" },
                resources: [],
                violations: [],
                flows: [],
                summary: { resources: 0, mandatory: 0, advisory: 0, failingFlows: 0, errors: 0 },
                errors: [],
            },
        });
        const r = reviewStack(side(T1), side(T2));
        assert.deepEqual(r.tenant, { id: T2, name: "prod", baseId: T1 });
        assert.equal(r.risk, "elevated");
        assert.equal(reviewStack(side(T1), side(T1)).status, "unchanged");
    });

    it("escapes names and messages so a stack file cannot write Markdown or HTML into the comment", () => {
        assert.equal(md("</details><img src=x>"), "&lt;/details&gt;&lt;img src=x&gt;");
        assert.equal(md("a|b *c* [l](u)\nnext"), "a\\|b \\*c\\* \\[l\\](u) next");
    });
});
