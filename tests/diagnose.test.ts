import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { main } from "../lib/cli/diagnose";
import { AADSTS_CODES, diagnose, isPlaceholder, normalizeErrorText, parseAadstsError, ParsedError, PlannedStack, tenantMatch } from "../lib/diagnose";
import { loadStack, planStack } from "../lib/plan/plan";
import { catalog, devConfig, runMain, spawnCli, writeStack } from "./helpers";

/*
 * Pasted errors modelled on what users post in public issue threads (MSAL .NET/Java/Python/JS exceptions, JSON
 * bodies, URL-encoded redirects, PowerShell and az CLI output, GitHub Actions logs, sign-in page blocks), with the
 * identifiers of the sample dev stack. Meanings and fixes: Microsoft Learn, "Microsoft Entra authentication and
 * authorization error codes" (reference-error-codes), "Unexpected error when performing consent to an application",
 * "Protected web API: app registration" (501051), and the troubleshooting pages cited per code in lib/diagnose.ts.
 */
const FIXTURES = path.join(__dirname, "fixtures", "aadsts");
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), "utf8");

// planned client IDs of Pulumi.dev.yaml (deterministic offline)
const WEB = "521743a2-ea3a-547d-836b-85918d2b243f";
const API = "5c08dab5-16b2-55cd-b4cc-ceb2a20514c8";
const REPORTS = "3cd2bb3a-4100-5c1d-812c-44f8b0f9887d";
const PARTNER = "7d0c9a4e-2b1f-4c1e-9d55-3a6f1f0b2c11";
const TENANT = "11111111-1111-1111-1111-111111111111";
const GRAPH = "00000003-0000-0000-c000-000000000000";
const KEY_VAULT = "cfa8b339-82a2-471a-a3c9-0fc0be7a4093";
const AZ_CLI = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
const TRACE = "3f9e2b71-6c4d-4a8e-9b15-7d2e0c8a4f61";
const CORRELATION = "b82c4e19-0a7f-4d36-8e5b-1c9d3f7a2e40";

type Variant = "dev" | "userConsent";
interface Case {
    facts: Partial<ParsedError>;
    /** what the diagnosis against the stack says */
    stack?: Variant;
    app?: string | null;
    fix?: [string, unknown];
    cause?: RegExp;
    action?: RegExp;
}

/** Every fixture: the facts it carries, and the diagnosis. The code is the file name's prefix. */
const CORPUS: Record<string, Case> = {
    "65001-msal-dotnet-stack-trace.txt": {
        facts: { clientId: WEB, clientName: "Contoso Orders Web", traceId: TRACE, correlationId: CORRELATION, timestamp: "2026-10-02 08:15:44Z" },
        stack: "userConsent",
        app: "orders-web",
        fix: ["entra-consent:apps.orders-web.consent", "admin"],
        cause: /does not approve .*Orders\.ReadWrite on orders-api/,
    },
    "65001-url-encoded-runtime-scope.txt": {
        facts: {
            clientId: WEB,
            clientName: "Contoso Orders Web",
            tenant: TENANT,
            scopes: ["openid", "profile", "User.Read", "Mail.Read"],
            redirectUri: "https://orders.contoso.example/signin-oidc",
            timestamp: "2026-10-03 11:02:09Z",
        },
        app: "orders-web",
        fix: ["entra-consent:apps.orders-web.delegated.microsoft-graph", ["openid", "profile", "User.Read", "Mail.Read"]],
        cause: /asked at runtime for Mail\.Read on microsoft-graph, which orders-web's config does not request/,
    },
    "65001-german-msal.txt": {
        facts: { clientId: WEB, clientName: "Contoso Orders Web" },
        app: "orders-web",
        cause: /Most often the app asked at runtime for a scope that is not in config: .*entra-consent:apps\.orders-web\.delegated/,
    },
    "65001-daemon-client-credentials.txt": {
        facts: {
            clientId: PARTNER,
            clientName: "Partner Sync",
            scopes: ["api://contoso-orders-dev/.default"],
            resource: "api://contoso-orders-dev",
            tenant: TENANT,
            traceId: TRACE,
        },
        app: "partner-sync",
        fix: ["entra-consent:apps.partner-sync.application.orders-api", ["Orders.Process"]],
        cause: /daemon .*app roles .*never delegated scopes/,
    },
    "65002-az-cli.txt": {
        facts: { clientId: AZ_CLI, resource: GRAPH, correlationId: CORRELATION },
        cause: /Microsoft Azure CLI.*first-party client/,
        action: /register an app of your own/,
    },
    "65004-redirect-cancel.txt": {
        facts: { clientId: WEB, scopes: ["openid", "profile", "User.Read"], traceId: TRACE },
        app: "orders-web",
        cause: /declined/,
        action: /consent: admin/,
    },
    "65005-scope-not-on-api.txt": {
        facts: { clientName: "Contoso Orders Web", resource: API, scopes: ["Orders.Write"], otherCodes: ["70002"] },
        cause: /orders-api exposes no scope Orders\.Write/,
        action: /Request Orders\.\w+ instead of Orders\.Write/,
    },
    "650052-callback-query.txt": {
        facts: { resource: KEY_VAULT, resourceName: "Azure Key Vault", tenant: TENANT, timestamp: "2025-12-10 17:14:23Z" },
        cause: /Azure Key Vault has no service principal in tenant contoso-dev/,
        action: new RegExp(`az ad sp create --id ${KEY_VAULT}`),
    },
    "650056-misconfigured-graph.txt": {
        facts: { clientId: WEB, resourceName: "Microsoft Graph" },
        app: "orders-web",
        cause: /The plan requests microsoft-graph for orders-web; the registration that answered does not/,
        action: /pulumi up --stack dev/,
    },
    "650057-client-redacted.txt": { facts: { resource: KEY_VAULT, redacted: ["clientId"] }, app: null, cause: /does not request/ },
    "650057-msal-python.txt": {
        facts: { clientId: WEB, clientName: "Contoso Orders Web", resource: KEY_VAULT, scopes: ["https://vault.azure.net/user_impersonation"] },
        app: "orders-web",
        fix: ["entra-consent:apps.orders-web.delegated.azure-key-vault", ["user_impersonation"]],
    },
    "700016-powershell-wrapped.txt": {
        facts: { clientId: PARTNER, tenant: TENANT, correlationId: CORRELATION },
        app: "partner-sync",
        cause: /creates the service principal of partner-sync in contoso-dev/,
    },
    "700016-wrong-tenant.txt": {
        facts: { clientId: PARTNER, tenant: "9c1f6a2e-5b7d-4e3a-8f21-0d4c6b8a7e95" },
        app: "partner-sync",
        cause: /names tenant 9c1f6a2e-5b7d-4e3a-8f21-0d4c6b8a7e95, but partner-sync is planned in contoso-dev/,
    },
    "500011-plus-encoded-url.txt": {
        facts: { resource: "api://contoso-orders-dev", tenant: TENANT, traceId: TRACE, timestamp: "2026-03-20 08:28:44Z" },
        cause: /api:\/\/contoso-orders-dev is orders-api, whose service principal stack dev creates/,
    },
    "500011-empty-tenant.txt": { facts: { resource: "https://vault.azure.net" }, action: new RegExp(`az ad sp create --id ${KEY_VAULT}`) },
    "50011-reply-address-old.txt": {
        facts: { clientId: WEB, redirectUri: "http://localhost:5000/signin-oidc" },
        app: "orders-web",
        fix: ["entra-consent:apps.orders-web.redirectUris", ["https://orders.contoso.example/signin-oidc", "http://localhost:5000/signin-oidc"]],
    },
    "50011-sign-in-page-curly.txt": {
        facts: { clientId: WEB, redirectUri: "https://orders.contoso.example/callback" },
        app: "orders-web",
        fix: ["entra-consent:apps.orders-web.redirectUris", ["https://orders.contoso.example/signin-oidc", "https://orders.contoso.example/callback"]],
    },
    "50011-japanese.txt": {
        facts: { clientId: WEB, redirectUri: "https://orders.contoso.example/auth/callback" },
        app: "orders-web",
        fix: ["entra-consent:apps.orders-web.redirectUris", ["https://orders.contoso.example/signin-oidc", "https://orders.contoso.example/auth/callback"]],
    },
    "500113-sample-placeholder.txt": {
        facts: { redacted: ["clientId"], scopes: ["User.Read"] },
        cause: /redacted in the pasted text/,
        action: /Add the redirect URI/,
    },
    "7000215-azure-login-masked.txt": {
        facts: { redacted: ["clientId"], traceId: TRACE, timestamp: "2026-01-09 08:26:10Z" },
        cause: /redacted/,
        action: /client secret value|value of a current client secret/,
    },
    "7000215-terraform-json.txt": {
        facts: { clientId: REPORTS, traceId: TRACE, correlationId: CORRELATION },
        app: "orders-reports",
        cause: /workload identity federation \(github-main.*yet the caller sent a secret/,
        action: /azure\/login with client-id/,
    },
    "7000218-password-grant.txt": {
        facts: { clientId: WEB, tenant: TENANT, scopes: ["openid", "User.Read"] },
        app: "orders-web",
        cause: /confidential client and has a client secret in config, but the request sent none/,
        action: /clientSecrets --show-secrets/,
    },
    "700024-github-oidc.txt": {
        facts: { clientId: REPORTS, tenant: TENANT },
        app: "orders-reports",
        cause: /workload identity federation .*expired or not yet valid/,
        action: /right before the login/,
    },
    "90009-msal4j.txt": {
        facts: { clientId: API, clientName: "api://contoso-orders-dev" },
        app: "orders-api",
        action: new RegExp(`Request ${API}/\\.default`),
    },
    "90093-policy-blocks-user-consent.txt": {
        facts: { clientId: WEB, scopes: ["User.Read", "Calendars.Read"] },
        app: "orders-web",
        fix: ["entra-consent:apps.orders-web.delegated.microsoft-graph", ["openid", "profile", "User.Read", "Calendars.Read"]],
        cause: /tenant's policy does not allow user consent.*Calendars\.Read/,
    },
    "90094-sign-in-page-details.txt": {
        facts: { clientId: WEB, clientName: "Contoso Orders Web", correlationId: CORRELATION },
        stack: "userConsent",
        app: "orders-web",
        fix: ["entra-consent:apps.orders-web.consent", "admin"],
        cause: /only an administrator can grant/,
    },
    "90095-french-msal-js.txt": {
        facts: { clientId: WEB, resource: "api://contoso-orders-dev" },
        stack: "userConsent",
        app: "orders-web",
        fix: ["entra-consent:apps.orders-web.consent", "admin"],
        cause: /Admin consent requests/,
    },
    "900981-risky-app.txt": {
        facts: { clientId: PARTNER, scopes: ["https://graph.microsoft.com/Group.Read.All"] },
        app: "partner-sync",
        cause: /partner-sync is a daemon: .*app roles.*publisher verifying/,
    },
    "50105-assignment-required.txt": {
        facts: { clientId: WEB, clientName: "Contoso Orders Web", user: "alice@contoso.example" },
        app: "orders-web",
        fix: ["entra-consent:apps.orders-web.assignedTo", { users: ["<object ID of alice@contoso.example>"] }],
    },
    "501051-daemon-no-role.txt": {
        facts: { clientId: PARTNER, clientName: "Partner Sync", resource: "api://contoso-orders-dev", resourceName: "Contoso Orders API" },
        app: "partner-sync",
        fix: ["entra-consent:apps.partner-sync.application.orders-api", ["Orders.Process"]],
        cause: /requires assignment and partner-sync holds no app role/,
    },
    "70001-disabled.txt": { facts: { clientId: WEB, traceId: TRACE }, app: "orders-web", cause: /disabled/, action: /Enabled for users to sign in/ },
    "53003-az-cli-traceback.txt": {
        facts: { clientId: AZ_CLI, clientName: "Microsoft Azure CLI", correlationId: CORRELATION },
        cause: /Microsoft's "Microsoft Azure CLI"/,
        action: /Conditional Access tab/,
    },
    "50076-windows-powershell.txt": {
        facts: { resource: GRAPH, traceId: TRACE, correlationId: CORRELATION },
        cause: /Conditional Access, not consent/,
        action: new RegExp(`complete MFA.*${CORRELATION}`),
    },
    "50079-mfa-registration-msal-node.txt": {
        facts: { clientId: WEB, resource: GRAPH, traceId: TRACE },
        app: "orders-web",
        cause: /Conditional Access, not consent: .*has not registered/,
        action: /aka\.ms\/mysecurityinfo/,
    },
    "900941-admin-consent-json.txt": {
        facts: { clientId: WEB, scopes: ["openid", "api://contoso-orders-dev/Orders.ReadWrite"], resource: "api://contoso-orders-dev" },
        stack: "userConsent",
        app: "orders-web",
        fix: ["entra-consent:apps.orders-web.consent", "admin"],
        cause: /does not allow user consent/,
    },
    "50020-guest-display-name.txt": {
        facts: { clientId: WEB, clientName: "Contoso Orders Web", user: "bob@fabrikam.example", identityProvider: "live.com", tenant: "Contoso Development" },
        app: "orders-web",
        cause: /bob@fabrikam\.example \(from live\.com\) has no account.*set entra-consent:tenant\.displayName/,
        action: /Invite the user as a guest/,
    },
    "700054-react-msal1.txt": {
        facts: { clientId: WEB, redirectUri: "https://orders.contoso.example/", scopes: ["openid", "profile"] },
        app: "orders-web",
        cause: /implicit ID tokens off/,
        action: /response_type=code/,
    },
};

const codeOf = (file: string) => file.split("-")[0];
function parseOk(text: string): ParsedError {
    const p = parseAadstsError(text);
    if ("error" in p) throw new Error(p.error);
    return p;
}

let stacks: Record<Variant, PlannedStack>;
async function plannedStack(config: Record<string, any>): Promise<PlannedStack> {
    const file = writeStack(config, "dev");
    return { stack: "dev", file, model: loadStack(file, catalog).model!, plan: await planStack({ configFile: file, catalog }) };
}
before(async () => {
    const c = devConfig();
    c["entra-consent:apps"]["orders-web"].consent = "user";
    stacks = { dev: await plannedStack(devConfig()), userConsent: await plannedStack(c) };
});

describe("parsing pasted AADSTS errors (corpus in tests/fixtures/aadsts)", () => {
    const files = fs
        .readdirSync(FIXTURES)
        .filter(f => f.endsWith(".txt"))
        .sort();

    it("has at least 25 fixtures, each with its expectations here, covering every code diagnose knows", () => {
        assert.ok(files.length >= 25, `${files.length} fixtures`);
        assert.deepEqual(
            files.filter(f => !CORPUS[f]),
            [],
            "fixtures without expectations",
        );
        assert.deepEqual(
            Object.keys(CORPUS).filter(f => !files.includes(f)),
            [],
            "expectations without a fixture",
        );
        const covered = new Set(files.map(codeOf));
        assert.deepEqual(
            Object.keys(AADSTS_CODES).filter(c => !covered.has(c)),
            [],
        );
    });

    it("parses the whole corpus: every fixture yields its code and at least one identifying fact (100%)", () => {
        const parsed = files.filter(f => {
            const p = parseAadstsError(fixture(f));
            return (
                !("error" in p) &&
                p.code === codeOf(f) &&
                p.known &&
                ["clientId", "clientName", "resource", "resourceName", "redirectUri", "user", "redacted"].some(k => k in p)
            );
        });
        assert.equal(parsed.length / files.length, 1, `not parsed: ${files.filter(f => !parsed.includes(f)).join(", ")}`);
    });

    for (const [file, c] of Object.entries(CORPUS)) {
        it(`${file}: code ${codeOf(file)} and its facts`, () => {
            const p = parseOk(fixture(file));
            assert.equal(p.code, codeOf(file));
            for (const [k, v] of Object.entries(c.facts)) assert.deepEqual(p[k as keyof ParsedError], v, `${file}: ${k}`);
        });
    }
});

describe("diagnosing the corpus against the planned dev stack", () => {
    for (const [file, c] of Object.entries(CORPUS)) {
        it(`${file}: ${c.fix ? `fix ${c.fix[0]}` : "cause and action"}`, () => {
            const d = diagnose(parseOk(fixture(file)), [stacks[c.stack ?? "dev"]], catalog).diagnoses[0];
            if (c.app !== undefined) assert.equal(d.app, c.app ?? undefined);
            if (c.fix) assert.deepEqual([d.fix?.key, d.fix?.value], c.fix, d.cause);
            else assert.equal(d.fix, undefined, `unexpected fix ${JSON.stringify(d.fix)}`);
            if (c.cause) assert.match(d.cause, c.cause);
            if (c.action) assert.match(d.action ?? "", c.action);
        });
    }
});

describe("parsing: codes, wrappings, placeholders, tenants", () => {
    it("reads codes of any length, and codes without the AADSTS prefix from JSON bodies and library formats", () => {
        assert.equal(parseOk("AADSTS7000215: Invalid client secret provided.").code, "7000215");
        assert.equal(parseOk("AADSTS900941: Administrator consent is required.").code, "900941");
        assert.equal(
            parseOk(`{"error":"invalid_client","error_codes":[7000218],"error_uri":"https://login.microsoftonline.com/error?code=7000218"}`).code,
            "7000218",
        );
        assert.equal(parseOk("ServerError: invalid_request: 90009 - [2026-05-24 10:00:00Z]").code, "90009");
    });

    it("names an unknown code with Microsoft's lookup, never 'no AADSTS code', and keeps its facts", () => {
        const p = parseOk(`AADSTS50126: Error validating credentials due to invalid username or password. client_id=${WEB}`);
        assert.deepEqual([p.code, p.known, p.clientId], ["50126", false, WEB]);
        const r = diagnose(p, [stacks.dev], catalog);
        assert.equal(r.lookup, "https://login.microsoftonline.com/error?code=50126");
        assert.match((parseAadstsError("the app broke") as { error: string }).error, /no AADSTS code/);
    });

    it("picks the specific code inside a wrapper code (70002 around 65005), keeping the others", () => {
        const p = parseOk(fixture("65005-scope-not-on-api.txt"));
        assert.deepEqual([p.code, p.otherCodes], ["65005", ["70002"]]);
    });

    it("never takes a placeholder for a value", () => {
        for (const v of [
            "XXXX",
            "xxxxxxxx-xxxx-xxxx-xxxx-2c4a80df089f",
            "{id}",
            "<redacted>",
            "<client>",
            "***",
            "Enter_the_Application_Id_here",
            "00000000-0000-0000-0000-000000000000",
            "appid",
            "...",
        ]) {
            assert.ok(isPlaceholder(v), v);
            const p = parseOk(`AADSTS700016: Application with identifier '${v}' was not found in the directory '${TENANT}'.`);
            assert.equal(p.clientId, undefined, v);
            assert.deepEqual(p.redacted, ["clientId"], v);
            assert.equal(p.tenant, TENANT, `${v}: the tenant is still kept`);
        }
        for (const v of [WEB, "Contoso Orders Web", "https://orders.contoso.example/callback"]) assert.ok(!isPlaceholder(v), v);
    });

    it("keeps identifiers' case as printed, and still matches the app", () => {
        const upper = WEB.toUpperCase();
        const p = parseOk(`AADSTS65001: The user or administrator has not consented to use the application with ID '${upper}' named 'Contoso Orders Web'.`);
        assert.equal(p.clientId, upper);
        assert.equal(diagnose({ ...p, clientName: undefined }, [stacks.dev], catalog).diagnoses[0].app, "orders-web");
    });

    it("stops a tenant capture at the tenant, not at the next sentence or line", () => {
        const tail = "This can happen if the application has not been installed by the administrator of the tenant.";
        const tenantOf = (t: string) => parseOk(`AADSTS500011: The resource principal named api://x was not found in the tenant named ${t}`).tenant;
        assert.equal(tenantOf(`contoso.onmicrosoft.com. ${tail}`), "contoso.onmicrosoft.com");
        assert.equal(tenantOf(`Contoso Ltd. ${tail}`), "Contoso Ltd");
        assert.equal(tenantOf(`${TENANT}\r\nTrace ID: ${TRACE}`), TENANT);
        assert.equal(tenantOf(`Contoso Development ${tail}`), "Contoso Development");
    });

    it("undoes wrappings: JSON escapes, + and % encoding, curly quotes, PowerShell continuations, CI timestamps", () => {
        const t = normalizeErrorText("2026-01-09T08:26:10.1Z ##[error]a \\u0027b\\u0027\\r\\n     | c ‘d’ AADSTS50011%3a+The+redirect");
        assert.equal(t, "a 'b'\nc 'd' AADSTS50011: The redirect");
    });

    it("joins a sentence broken over lines", () => {
        const p = parseOk(
            "AADSTS50011: The redirect URI 'https://a.example/cb' specified in the request does not match the redirect URIs configured\nfor the application\n'" +
                WEB +
                "'.",
        );
        assert.deepEqual([p.redirectUri, p.clientId], ["https://a.example/cb", WEB]);
    });
});

describe("tenants: matched by ID, display names only against tenant.displayName", () => {
    const withDisplayName = (name: string): PlannedStack => ({
        ...stacks.dev,
        model: { ...stacks.dev.model, tenant: { ...stacks.dev.model.tenant, displayName: name } as any },
    });

    it("an ID decides; the stack's short tenant.name is never compared with a directory name", () => {
        assert.equal(tenantMatch(TENANT, stacks.dev), "match");
        assert.equal(tenantMatch("9c1f6a2e-5b7d-4e3a-8f21-0d4c6b8a7e95", stacks.dev), "mismatch");
        assert.equal(tenantMatch("contoso-dev", stacks.dev), "unknown", "tenant.name is a stack label, not the directory's name");
        assert.equal(tenantMatch("contoso.onmicrosoft.com", stacks.dev), "unknown");
    });

    it("a directory display name matches tenant.displayName (from the model, or read from the stack file)", () => {
        assert.equal(tenantMatch("Contoso Development", withDisplayName("Contoso Development")), "match");
        assert.equal(tenantMatch("Fabrikam", withDisplayName("Contoso Development")), "mismatch");
        const c = devConfig();
        c["entra-consent:tenant"].displayName = "Contoso Development";
        assert.equal(tenantMatch("contoso development", { ...stacks.dev, file: writeStack(c) }), "match");
    });

    it("50020 names the wrong directory when tenant.displayName says so", () => {
        const p = parseOk(fixture("50020-guest-display-name.txt"));
        const other = diagnose({ ...p, tenant: "Fabrikam" }, [withDisplayName("Contoso Development")], catalog).diagnoses[0];
        assert.match(other.cause, /names tenant Fabrikam, but orders-web is planned in contoso-dev/);
        const same = diagnose(p, [withDisplayName("Contoso Development")], catalog).diagnoses[0];
        assert.doesNotMatch(same.cause, /displayName|names tenant/);
    });
});

describe("fixes by the app's kind", () => {
    it("a daemon's 65001 is about app roles; a web app's about delegated consent", () => {
        const daemon = diagnose(parseOk(fixture("65001-daemon-client-credentials.txt")), [stacks.dev], catalog).diagnoses[0];
        assert.match(daemon.fix!.key, /\.application\./);
        const web = diagnose(parseOk(fixture("65001-msal-dotnet-stack-trace.txt")), [stacks.userConsent], catalog).diagnoses[0];
        assert.match(web.fix!.key, /\.consent$/);
    });

    it("7000215 for an app with a secret in config points at the stack's secret output", () => {
        const p = { ...parseOk(fixture("7000215-terraform-json.txt")), clientId: WEB };
        const d = diagnose(p, [stacks.dev], catalog).diagnoses[0];
        assert.match(d.cause, /secret is created by stack dev .*the secret's ID instead of its value/);
        assert.match(d.action!, /pulumi stack output clientSecrets --show-secrets/);
    });

    it("70001 in its older wording (not found in the directory) is read as a missing service principal, not a disabled one", () => {
        const p = parseOk(`AADSTS70001: Application with identifier '${PARTNER}' was not found in the directory ${TENANT}`);
        assert.deepEqual([p.clientId, p.tenant, p.appNotFound], [PARTNER, TENANT, true]);
        assert.match(diagnose(p, [stacks.dev], catalog).diagnoses[0].cause, /creates the service principal of partner-sync/);
    });

    it("50011 with the redirect URI already planned: deploy, not add it again", () => {
        const p = parseOk(
            `AADSTS50011: The redirect URI 'https://orders.contoso.example/signin-oidc' specified in the request does not match the redirect URIs configured for the application '${WEB}'.`,
        );
        const d = diagnose(p, [stacks.dev], catalog).diagnoses[0];
        assert.equal(d.fix, undefined);
        assert.match(d.cause, /is planned for orders-web/);
    });

    it("500011 for a mistyped identifier URI suggests the stack's closest one, and none when nothing is close", () => {
        const named = (uri: string) =>
            diagnose(parseOk(`AADSTS500011: The resource principal named ${uri} was not found in the tenant named ${TENANT}.`), [stacks.dev], catalog)
                .diagnoses[0];
        const typo = named("api://contoso-order-dev");
        assert.match(typo.cause, /api:\/\/contoso-order-dev is not an identifier URI in stack dev; did you mean api:\/\/contoso-orders-dev\?/);
        assert.match(typo.action!, /^Request the token for api:\/\/contoso-orders-dev\/\.default/);
        const far = named("api://fabrikam-payroll");
        assert.match(far.cause, /api:\/\/fabrikam-payroll is not an identifier URI in stack dev\.$/);
        assert.doesNotMatch(far.action ?? "", /contoso-orders-dev/);
    });
});

describe("npm run diagnose (CLI)", () => {
    const runIn = (args: string[], stdin = "") => runMain(main, args, { stdin });

    it("diagnoses a pasted error as JSON, exit 0", async () => {
        const r = await runIn(["--stack", "dev", "--format", "json", fixture("700016-powershell-wrapped.txt")]);
        assert.equal(r.code, 0, r.stderr);
        const out = JSON.parse(r.stdout);
        assert.deepEqual([out.code, out.known, out.diagnoses[0].app], ["AADSTS700016", true, "partner-sync"]);
        assert.match(out.source, /^https:\/\/learn\.microsoft\.com\//);
    });

    it("reads the error from standard input and prints the fix as text", async () => {
        const r = await runIn(["--stack", "dev", "-"], fixture("50011-sign-in-page-curly.txt"));
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /fix {6}in Pulumi\.dev\.yaml: set entra-consent:apps\.orders-web\.redirectUris/);
        const masked = await runIn(["--stack", "dev", fixture("7000215-azure-login-masked.txt")]);
        assert.match(masked.stdout, /redacted in the text: client ID\n\nno stack matches/);
    });

    it("exits 2 naming an unknown code and Microsoft's lookup URL", async () => {
        const r = await runIn(["--stack", "dev", "AADSTS50058: A silent sign-in request was sent but no user is signed in."]);
        assert.equal(r.code, 2);
        assert.match(r.stderr, /AADSTS50058 is not a code this tool diagnoses; look it up at https:\/\/login\.microsoftonline\.com\/error\?code=50058/);
        assert.doesNotMatch(r.stderr, /no AADSTS code/);
    });

    it("exits 2 with the usage for bad arguments, never a stack trace", async () => {
        const r = await runIn(["--format", "xml", "AADSTS65001"]);
        assert.equal(r.code, 2);
        assert.match(r.stderr, /--format is "xml"; use text or json\nusage:/);
        assert.equal((await runIn(["--stack", "nope", fixture("70001-disabled.txt")])).code, 2);
    });

    it("runs as a process: exit 2 with a clear message for text without a code, no stack trace", () => {
        const r = spawnCli("diagnose", ["--stack", "dev", "the app broke"]);
        assert.equal(r.code, 2);
        assert.match(r.stderr, /no AADSTS code in the text/);
        assert.doesNotMatch(r.stdout + r.stderr, /\n\s+at /, "no stack trace");
    });
});
