import { ResourceValidationPolicy } from "@pulumi/policy";
import { T } from "../lib/resource-types";

export const applicationDisallowImplicitGrant: ResourceValidationPolicy = {
    name: "azuread-application-disallow-implicit-grant",
    description: "Rejects the implicit grant flow (access or ID tokens).",
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
        let on: string[] = [];
        if (args.type === T.application) {
            const g = args.props.web?.implicitGrant ?? {};
            on = [g.accessTokenIssuanceEnabled && "access tokens", g.idTokenIssuanceEnabled && "ID tokens"].filter(Boolean) as string[];
        } else if (args.type === T.registration) {
            on = [args.props.implicitAccessTokenIssuanceEnabled && "access tokens", args.props.implicitIdTokenIssuanceEnabled && "ID tokens"].filter(
                Boolean,
            ) as string[];
        } else return;
        if (on.length)
            report(
                `The implicit grant is on for ${on.join(" and ")}: tokens travel in the URL fragment, where history, logs and referrers can keep them. Turn it off and use the authorization code flow with PKCE.`,
            );
    },
};
