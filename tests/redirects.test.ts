/**
 * Issue 7, class 6: redirect URIs, for every kind. Rules from Microsoft Learn, "Redirect URI (reply URL) best practices
 * and limitations" (https://learn.microsoft.com/en-us/entra/identity-platform/reply-url): https only, with localhost
 * exceptions; wildcards avoided; 256 characters; no ! $ ' ( ) , ; — plus no userinfo, no fragment, custom schemes for
 * native apps only. Enforced in the stack config (exit 2) and by a mandatory policy for raw programs.
 */
import { strict as assert } from "assert";
import * as path from "path";
import { RedirectPlatform, redirectUriProblem } from "../lib/redirects";
import { exitCode, planStack } from "../lib/plan/plan";
import { catalog, devConfig, planConfig, TENANT_ID, writeStack } from "./helpers";
import { mandatoryOf } from "./policy-helpers";

const POLICY = "azuread-application-disallow-unsafe-redirect-uris";
const PROGRAM = path.join(__dirname, "fixtures", "programs", "redirects.ts");
const planRedirects = (spec: Record<string, unknown>) =>
    planStack({ configFile: writeStack({ "azuread:tenantId": TENANT_ID, "test:spec": spec }), program: PROGRAM, catalog });

/** URIs no platform may register, each with what the finding says. */
const HOSTILE: [string, RegExp][] = [
    ["http://orders.contoso.example/signin-oidc", /uses http:\/\/ on orders.contoso.example, which is not the loopback interface/],
    ["http://localhost:@evil.example/cb", /has a user name or password before "@", so it goes to evil.example/],
    ["https://user@orders.contoso.example/cb", /user name or password/],
    ["https://localhost\\@evil.example/cb", /backslash/],
    ["https://*.contoso.example/signin-oidc", /wildcard/],
    ["https://orders.contoso.example/*", /wildcard/],
    ["https://orders.contoso.example/%2A", /wildcard/],
    ["https://orders.contoso.example/cb#token", /fragment/],
    ["https://orders.contoso.example/cb#", /fragment/],
    ["http://localhost.evil.example/cb", /not the loopback interface/],
    ["http://127.0.0.1.nip.io/cb", /not the loopback interface/],
    ["http://[::2]/cb", /not the loopback interface/],
    ["http://local\thost/cb", /whitespace or control characters/],
    [" https://orders.contoso.example/cb", /whitespace or control characters/],
    ["javascript://orders.contoso.example/%0aalert(1)", /never a redirect target|not support/],
    ["data:text/html,hi", /never a redirect target|not support/],
    ["orders.contoso.example/signin-oidc", /not an absolute URL/],
    [`https://orders.contoso.example/${"a".repeat(250)}`, /at most 256/],
    ["https://orders.contoso.example/cb;jsessionid=1", /does not support/],
];
const FINE: [string, RedirectPlatform[]][] = [
    ["https://orders.contoso.example/signin-oidc", ["Web", "SPA", "PublicClient"]],
    ["http://localhost:5000/signin-oidc", ["Web", "SPA", "PublicClient"]],
    ["http://127.0.0.1/cb", ["Web", "SPA", "PublicClient"]],
    ["http://[::1]:8400/", ["Web", "SPA", "PublicClient"]],
    ["http://LOCALHOST/cb", ["Web", "SPA", "PublicClient"]],
    ["https://login.microsoftonline.com/common/oauth2/nativeclient", ["Web", "SPA", "PublicClient"]],
    ["msal0f1e2d3c-0000-4000-8000-000000000000://auth", ["PublicClient"]],
    ["myapp://callback", ["PublicClient"]],
];

describe("redirect URIs (pure)", () => {
    it("refuses each hostile URI on every platform, saying why", () => {
        for (const [uri, why] of HOSTILE)
            for (const platform of ["Web", "SPA", "PublicClient"] as const) {
                const p = redirectUriProblem(uri, platform);
                assert.ok(p, `${uri} on ${platform}`);
                assert.match(p.message, why, `${uri} on ${platform}`);
            }
    });

    it("accepts https, loopback http, and custom schemes on native apps only", () => {
        for (const [uri, platforms] of FINE)
            for (const platform of ["Web", "SPA", "PublicClient"] as const) {
                const p = redirectUriProblem(uri, platform);
                if (platforms.includes(platform)) assert.equal(p, undefined, `${uri} on ${platform}: ${p?.message}`);
                else assert.match(p?.message ?? "", /custom scheme .* only a native \(public client\) app/, `${uri} on ${platform}`);
            }
    });
});

describe("redirect URIs in the stack config are input errors (exit 2), for every kind", () => {
    const withUris = (kind: string, uris: string[]) => {
        const c = devConfig();
        c["entra-consent:apps"]["orders-web"].kind = kind;
        c["entra-consent:apps"]["orders-web"].redirectUris = uris;
        if (kind === "daemon") delete c["entra-consent:apps"]["orders-web"].delegated;
        return c;
    };

    for (const kind of ["web", "spa", "native", "api", "daemon"]) {
        it(`a ${kind} app: the path, what is wrong and what is meant`, async () => {
            for (const [uri, why] of [
                ["http://localhost:@evil.example/cb", /user name or password/],
                ["http://orders.contoso.example/cb", /not the loopback/],
                ["https://*.contoso.example/cb", /wildcard/],
            ] as const) {
                const plan = await planConfig(withUris(kind, ["https://orders.contoso.example/signin-oidc", uri]));
                assert.equal(exitCode(plan), 2, `${kind} ${uri}`);
                const p = plan.problems!.find(x => x.path === 'entra-consent:apps["orders-web"].redirectUris[1]');
                assert.ok(p, JSON.stringify(plan.problems));
                assert.match(p.message, why);
                assert.ok(p.hint, "says what is meant");
            }
        });
    }

    it("a custom scheme only on a native app", async () => {
        assert.equal(exitCode(await planConfig(withUris("native", ["myapp://auth"]))), 0);
        for (const kind of ["web", "spa"]) {
            const plan = await planConfig(withUris(kind, ["myapp://auth"]));
            assert.match(plan.problems?.[0]?.message ?? "", /custom scheme myapp:\/\/, which only a native/);
        }
    });

    it("loopback http for development, on IPv6 too", async () => {
        for (const kind of ["web", "spa", "native"])
            assert.equal(exitCode(await planConfig(withUris(kind, ["http://[::1]:5000/cb", "http://127.0.0.1:5000/cb"]))), 0, kind);
    });
});

describe(`${POLICY}: raw programs`, () => {
    it("judges ApplicationRedirectUris on each platform", async () => {
        for (const platform of ["Web", "SPA", "PublicClient"]) {
            const v = mandatoryOf(
                await planRedirects({ platform, uris: ["https://ok.contoso.example/cb", "http://localhost:@evil.example/cb", "https://*.contoso.example/cb"] }),
                POLICY,
            );
            assert.equal(v.length, 2, `${platform}: ${JSON.stringify(v)}`);
            assert.match(v[0].message, /"http:\/\/localhost:@evil.example\/cb" on the .* platform has a user name or password/);
            assert.match(v[1].message, /wildcard/);
        }
    });

    it("allows a custom scheme on PublicClient only, and judges an unknown platform as Web", async () => {
        assert.deepEqual(mandatoryOf(await planRedirects({ platform: "PublicClient", uris: ["myapp://auth"] }), POLICY), []);
        for (const platform of ["SPA", "Web", "publicclient"])
            assert.equal(mandatoryOf(await planRedirects({ platform, uris: ["myapp://auth"] }), POLICY).length, 1, platform);
    });

    it("judges azuread.Application's web, single-page and public client redirect URIs", async () => {
        const v = mandatoryOf(
            await planRedirects({
                web: ["http://orders.contoso.example/cb"],
                spa: ["https://spa.contoso.example/#/cb"],
                publicClient: ["javascript:alert(1)"],
            }),
            POLICY,
        );
        assert.deepEqual(v.map(x => /on the (\w+) platform/.exec(x.message)?.[1]).sort(), ["PublicClient", "SPA", "Web"]);
        assert.deepEqual(
            mandatoryOf(
                await planRedirects({ web: ["https://orders.contoso.example/cb"], spa: ["http://localhost:3000"], publicClient: ["myapp://auth"] }),
                POLICY,
            ),
            [],
        );
    });

    it("passes the sample dev stack", async () => {
        const plan = await planConfig(devConfig());
        assert.deepEqual(
            plan.violations.filter(v => v.policy === POLICY),
            [],
        );
    });
});
