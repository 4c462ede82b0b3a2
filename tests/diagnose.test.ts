import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { diagnose, parseAadstsError, ParsedError, PlannedStack } from "../lib/diagnose";
import { loadStack, planStack } from "../lib/plan/plan";
import { catalog, devConfig, writeStack } from "./helpers";

const TAIL = "\r\nTrace ID: 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0\r\nCorrelation ID: 1a2b3c4d-5e6f-7081-92a3-b4c5d6e7f809\r\nTimestamp: 2026-11-20 09:14:07Z";
const WEB = "5d0b2c1a-7e6f-4a3b-9c8d-1e2f3a4b5c6d";

/** Error texts as Entra prints them (identifiers made up, wording as in Entra's messages). */
export const ERRORS: Record<string, string> = {
    "65001": `AADSTS65001: The user or administrator has not consented to use the application with ID '${WEB}' named 'Contoso Orders Web'. Send an interactive authorization request for this user and resource.${TAIL}`,
    "65002": `AADSTS65002: Consent between first party application '04b07795-8ddb-461a-bbee-02f9e1bf7b46' and first party resource '00000003-0000-0000-c000-000000000000' must be configured via preauthorization - applications owned and operated by Microsoft must get approval from the API owner before requesting tokens for that API.${TAIL}`,
    "65004": `AADSTS65004: User declined to consent to access the app.${TAIL}`,
    "700016": `AADSTS700016: Application with identifier '7d0c9a4e-2b1f-4c1e-9d55-3a6f1f0b2c11' was not found in the directory 'contoso-dev'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.${TAIL}`,
    "500011": `AADSTS500011: The resource principal named api://contoso-orders-dev was not found in the tenant named contoso-dev. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.${TAIL}`,
    "50011": `AADSTS50011: The redirect URI 'https://orders.contoso.example/callback' specified in the request does not match the redirect URIs configured for the application '${WEB}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal.${TAIL}`,
    "650057": `AADSTS650057: Invalid resource. The client has requested access to a resource which is not listed in the requested permissions in the client's application registration. Client app ID: ${WEB}(Contoso Orders Web). Resource value from request: https://graph.microsoft.com. Resource app ID: 00000003-0000-0000-c000-000000000000. List of valid resources from app registration: 00000003-0000-0000-c000-000000000000.${TAIL}`,
};

function parsed(code: string): ParsedError {
    const p = parseAadstsError(ERRORS[code]);
    if ("error" in p) throw new Error(p.error);
    return p;
}

describe("parsing AADSTS errors", () => {
    it("reads code, IDs, tenant, correlation ID and timestamp from each supported error", () => {
        assert.deepEqual(parsed("65001"), { code: "65001", clientId: WEB, clientName: "Contoso Orders Web", traceId: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
                                            correlationId: "1a2b3c4d-5e6f-7081-92a3-b4c5d6e7f809", timestamp: "2026-11-20 09:14:07Z" });
        assert.deepEqual([parsed("65002").clientId, parsed("65002").resource], ["04b07795-8ddb-461a-bbee-02f9e1bf7b46", "00000003-0000-0000-c000-000000000000"]);
        assert.equal(parsed("65004").code, "65004");
        assert.deepEqual([parsed("700016").clientId, parsed("700016").tenant], ["7d0c9a4e-2b1f-4c1e-9d55-3a6f1f0b2c11", "contoso-dev"]);
        assert.deepEqual([parsed("500011").resource, parsed("500011").tenant], ["api://contoso-orders-dev", "contoso-dev"]);
        assert.deepEqual([parsed("50011").redirectUri, parsed("50011").clientId], ["https://orders.contoso.example/callback", WEB]);
        assert.deepEqual([parsed("650057").clientId, parsed("650057").clientName, parsed("650057").resource], [WEB, "Contoso Orders Web", "00000003-0000-0000-c000-000000000000"]);
    });

    it("reads the client and scopes from an authorize URL pasted with the error", () => {
        const p = parseAadstsError(`AADSTS65004: User declined to consent to access the app. https://login.microsoftonline.com/common/oauth2/v2.0/authorize?client_id=${WEB}&scope=openid%20User.Read&response_type=code`);
        assert.ok(!("error" in p));
        assert.deepEqual([p.clientId, p.scopes], [WEB, ["openid", "User.Read"]]);
    });

    it("refuses what it cannot parse, saying why, instead of guessing", () => {
        assert.match((parseAadstsError("something went wrong") as any).error, /no AADSTS code/);
        assert.match((parseAadstsError("AADSTS50076: Due to a configuration change made by your administrator, you must use multi-factor authentication.") as any).error, /AADSTS50076 is not a consent error this tool diagnoses/);
        assert.match((parseAadstsError("AADSTS700016: Application not found.") as any).error, /not the clientId/);
    });
});

describe("diagnosing against the planned tenant", () => {
    let dev: PlannedStack;
    let userConsent: PlannedStack;
    const planned = async (config: Record<string, any>, stack: string): Promise<PlannedStack> => {
        const file = writeStack(config, stack);
        const plan = await planStack({ configFile: file, catalog });
        // the deployed client ID, as `pulumi stack output --json` would give it
        plan.outputs = { ...plan.outputs, clientIds: { ...(plan.outputs as any).clientIds, "orders-web": WEB } };
        return { stack, file, model: loadStack(file, catalog).model!, plan };
    };
    before(async () => {
        dev = await planned(devConfig(), "dev");
        const c = devConfig();
        c["entra-consent:apps"]["orders-web"].consent = "user";
        userConsent = await planned(c, "dev");
    });

    it("65001 with the approval missing in the plan: the config key that fixes it", () => {
        const d = diagnose(parsed("65001"), [userConsent], catalog).diagnoses[0];
        assert.equal(d.app, "orders-web");
        assert.match(d.cause, /does not approve .*Orders.ReadWrite/);
        assert.deepEqual([d.fix!.key, d.fix!.value], ["entra-consent:apps.orders-web.consent", "admin"]);
    });

    it("65001 with the approval planned: deploy, or the sign-in went to another tenant", () => {
        const d = diagnose(parsed("65001"), [dev], catalog).diagnoses[0];
        assert.equal(d.fix, undefined);
        assert.match(d.cause, /planned state approves every delegated permission of orders-web.*run pulumi up/);
    });

    it("65002: an action outside code, since a Microsoft app cannot be approved by a tenant", () => {
        const d = diagnose(parsed("65002"), [dev], catalog).diagnoses[0];
        assert.equal(d.fix, undefined);
        assert.match(`${d.cause} ${d.action}`, /Microsoft Azure CLI.*register an app of your own/i);
    });

    it("65004: the user declined; nothing to grant", () => {
        const p = parseAadstsError(`${ERRORS["65004"]} client_id=${WEB}`) as ParsedError;
        const d = diagnose(p, [dev], catalog).diagnoses[0];
        assert.equal(d.app, "orders-web");
        assert.match(d.cause, /declined/);
        assert.match(d.action!, /consent: admin/);
    });

    it("700016 and 500011: the principal is planned in this tenant, so deploy it there", () => {
        const client = diagnose(parsed("700016"), [dev], catalog).diagnoses[0];
        assert.equal(client.app, "partner-sync");
        assert.match(client.cause, /creates the service principal of partner-sync in contoso-dev/);
        const resource = diagnose(parsed("500011"), [dev], catalog).diagnoses[0];
        assert.match(resource.cause, /identifier URI of orders-api/);
    });

    it("500011 for a Microsoft API says how to create its service principal; a mistyped URI gets the closest one", () => {
        const ms = parseAadstsError("AADSTS500011: The resource principal named https://vault.azure.net was not found in the tenant named contoso-dev. This can happen...") as ParsedError;
        assert.ok(!("error" in ms));
        assert.match(diagnose(ms, [dev], catalog).diagnoses[0].action!, /az ad sp create --id cfa8b339-82a2-471a-a3c9-0fc0be7a4093/);
        const typo = parseAadstsError("AADSTS500011: The resource principal named api://contoso-order-dev was not found in the tenant named contoso-dev. This can happen...") as ParsedError;
        assert.match(diagnose(typo, [dev], catalog).diagnoses.map(d => d.cause).join(" "), /No stack|did you mean api:\/\/contoso-orders-dev/);
    });

    it("50011 and 650057: the config key and value to add", () => {
        const redirect = diagnose(parsed("50011"), [dev], catalog).diagnoses[0];
        assert.deepEqual([redirect.fix!.key, redirect.fix!.value], ["entra-consent:apps.orders-web.redirectUris", ["https://orders.contoso.example/signin-oidc", "https://orders.contoso.example/callback"]]);
        const planned = diagnose(parsed("650057"), [dev], catalog).diagnoses[0];
        assert.match(planned.cause, /The plan requests microsoft-graph for orders-web; the registration that answered does not/);
        const c = devConfig();
        delete c["entra-consent:apps"]["orders-web"].delegated["microsoft-graph"];
        const p = { ...parsed("650057"), resource: "https://graph.microsoft.com", scopes: ["User.Read"] };
        const missing = diagnose(p, [{ ...dev, model: loadStack(writeStack(c), catalog).model! }], catalog).diagnoses[0];
        assert.deepEqual([missing.fix!.key, missing.fix!.value], ["entra-consent:apps.orders-web.delegated.microsoft-graph", ["User.Read"]]);
    });

    it("says when the error's tenant is not the app's tenant (the grant sits in the wrong tenant)", () => {
        const p = { ...parsed("700016"), tenant: "contoso-prod" };
        const d = diagnose(p, [dev], catalog).diagnoses[0];
        assert.match(d.cause, /names tenant contoso-prod, but partner-sync is planned in contoso-dev/);
    });

    it("says plainly when no stack has the app", () => {
        const p = { ...parsed("65001"), clientId: "99999999-9999-4999-8999-999999999999", clientName: "Someone Else" };
        const d = diagnose(p, [dev], catalog).diagnoses[0];
        assert.match(d.cause, /No stack has an app with client ID 99999999/);
    });
});

describe("npm run diagnose (CLI)", () => {
    const ROOT = path.resolve(__dirname, "..");
    const run = (args: string[]) => {
        const env = { ...process.env };
        delete env.INIT_CWD;
        return spawnSync(path.join(ROOT, "node_modules", ".bin", "tsx"), [path.join(ROOT, "lib", "cli", "diagnose.ts"), ...args], { cwd: ROOT, env, encoding: "utf8" });
    };

    it("diagnoses a pasted error as JSON, exit 0", () => {
        const r = run(["--stack", "dev", "--format", "json", ERRORS["700016"]]);
        assert.equal(r.status, 0, r.stderr);
        const out = JSON.parse(r.stdout);
        assert.equal(out.code, "AADSTS700016");
        assert.equal(out.diagnoses[0].app, "partner-sync");
    });

    it("exits 2 with a clear message for text it cannot parse", () => {
        const r = run(["--stack", "dev", "the app broke"]);
        assert.equal(r.status, 2);
        assert.match(r.stderr, /no AADSTS code in the text/);
    });
});
