import { ReportViolation, ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { Application } from "@pulumi/azuread/application";
import { ApplicationRegistration } from "@pulumi/azuread/applicationRegistration";

/** Any truthy flag counts as on: a value of the wrong type (a string "false" too) is judged, not skipped. */
function judge(report: ReportViolation, accessTokens: unknown, idTokens: unknown) {
    const on = [accessTokens && "access tokens", idTokens && "ID tokens"].filter(Boolean) as string[];
    if (on.length)
        report(
            `The implicit grant is on for ${on.join(" and ")}: tokens travel in the URL fragment, where history, logs and referrers can keep them. Turn it off and use the authorization code flow with PKCE.`,
        );
}

export const applicationDisallowImplicitGrant: ResourceValidationPolicy = {
    name: "azuread-application-disallow-implicit-grant",
    description: "Rejects the implicit grant flow (access or ID tokens).",
    enforcementLevel: "mandatory",
    validateResource: [
        validateResourceOfType(Application, (app, _args, report) => {
            const g: { accessTokenIssuanceEnabled?: unknown; idTokenIssuanceEnabled?: unknown } = app.web?.implicitGrant ?? {};
            judge(report, g.accessTokenIssuanceEnabled, g.idTokenIssuanceEnabled);
        }),
        validateResourceOfType(ApplicationRegistration, (registration, _args, report) =>
            judge(report, registration.implicitAccessTokenIssuanceEnabled, registration.implicitIdTokenIssuanceEnabled),
        ),
    ],
};
