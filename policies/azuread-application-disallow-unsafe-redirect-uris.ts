import { ReportViolation, ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { Application } from "@pulumi/azuread/application";
import { ApplicationRedirectUris } from "@pulumi/azuread/applicationRedirectUris";
import { REDIRECT_PLATFORM, RedirectPlatform, redirectUriProblem } from "../lib/redirects";

const PLATFORMS: unknown[] = Object.values(REDIRECT_PLATFORM);

/** Judges the redirect URI lists a resource registers, by platform; typed props are only static types, so any value is checked. */
function judge(report: ReportViolation, lists: [RedirectPlatform, unknown][]) {
    for (const [platform, list] of lists) {
        if (list === undefined || list === null) continue;
        for (const uri of Array.isArray(list) ? list : [list]) {
            const p = typeof uri === "string" ? redirectUriProblem(uri, platform) : { message: "is not a string", hint: "a URI" };
            if (p)
                report(
                    `The redirect URI ${JSON.stringify(uri)} on the ${platform} platform ${p.message}: the authorization code or token for this app would go where the URI really points. Use ${p.hint}. (Microsoft Entra: "Redirect URI (reply URL) best practices and limitations".)`,
                );
        }
    }
}

export const applicationDisallowUnsafeRedirectUris: ResourceValidationPolicy = {
    name: "azuread-application-disallow-unsafe-redirect-uris",
    description:
        "Rejects a redirect URI on `ApplicationRedirectUris` or `azuread.Application` (web, single-page, public client) that is not https (http only on loopback), carries a user name, wildcard, fragment or backslash, or uses a custom scheme on a platform other than PublicClient.",
    enforcementLevel: "mandatory",
    validateResource: [
        validateResourceOfType(ApplicationRedirectUris, (uris, _args, report) =>
            // an unrecognised platform is judged as Web: the strictest that still takes URIs (no custom schemes)
            judge(report, [[PLATFORMS.includes(uris.type) ? (uris.type as RedirectPlatform) : "Web", uris.redirectUris]]),
        ),
        validateResourceOfType(Application, (app, _args, report) =>
            judge(report, [
                ["Web", app.web?.redirectUris],
                ["SPA", app.singlePageApplication?.redirectUris],
                ["PublicClient", app.publicClient?.redirectUris],
            ]),
        ),
    ],
};
