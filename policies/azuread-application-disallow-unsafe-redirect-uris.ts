import { ResourceValidationPolicy } from "@pulumi/policy";
import { REDIRECT_PLATFORM, RedirectPlatform, redirectUriProblem } from "../lib/redirects";
import { T } from "../lib/resource-types";

const PLATFORMS: RedirectPlatform[] = Object.values(REDIRECT_PLATFORM);

/** The redirect URI lists a resource registers, by platform. */
function redirectLists(type: string, props: Record<string, any>): [RedirectPlatform, unknown][] {
    if (type === T.redirectUris) {
        // an unrecognised platform is judged as Web: the strictest that still takes URIs (no custom schemes)
        return [[PLATFORMS.includes(props.type) ? props.type : "Web", props.redirectUris]];
    }
    if (type === T.application) {
        return [
            ["Web", props.web?.redirectUris],
            ["SPA", props.singlePageApplication?.redirectUris],
            ["PublicClient", props.publicClient?.redirectUris],
        ];
    }
    return [];
}

export const applicationDisallowUnsafeRedirectUris: ResourceValidationPolicy = {
    name: "azuread-application-disallow-unsafe-redirect-uris",
    description:
        "Rejects a redirect URI on `ApplicationRedirectUris` or `azuread.Application` (web, single-page, public client) that is not https (http only on loopback), carries a user name, wildcard, fragment or backslash, or uses a custom scheme on a platform other than PublicClient.",
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
        for (const [platform, list] of redirectLists(args.type, args.props)) {
            if (list === undefined || list === null) continue;
            for (const uri of Array.isArray(list) ? list : [list]) {
                const p = typeof uri === "string" ? redirectUriProblem(uri, platform) : { message: "is not a string", hint: "a URI" };
                if (p)
                    report(
                        `The redirect URI ${JSON.stringify(uri)} on the ${platform} platform ${p.message}: the authorization code or token for this app would go where the URI really points. Use ${p.hint}. (Microsoft Entra: "Redirect URI (reply URL) best practices and limitations".)`,
                    );
            }
        }
    },
};
