import { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { Application } from "@pulumi/azuread/application";
import { ApplicationPassword } from "@pulumi/azuread/applicationPassword";
import { ServicePrincipalPassword } from "@pulumi/azuread/servicePrincipalPassword";
import { policyOptions } from "./lib/config";
import { credentialLifetime, invalidLifetimeMessage } from "./lib/lifetime";

/** azuread's default when no end is given */
const PROVIDER_DEFAULT_DAYS = 730;

function judge(secret: Parameters<typeof credentialLifetime>[0], args: ResourceValidationArgs, report: ReportViolation) {
    const { maxDays } = policyOptions<{ maxDays: number }>(applicationPasswordLimitLifetime, args);
    const lifetime = credentialLifetime(secret);
    if (lifetime.kind === "invalid") return report(invalidLifetimeMessage("client secret", lifetime));
    const days = lifetime.kind === "days" ? lifetime.days : PROVIDER_DEFAULT_DAYS;
    if (days > maxDays) {
        const set =
            lifetime.kind === "days" ? `lives ${Math.round(days)} days` : `has no end date, so it lives the provider's default ${PROVIDER_DEFAULT_DAYS} days`;
        report(
            `This client secret ${set}; the limit is ${maxDays}. A long-lived secret is a standing credential anyone who copies it can use. Set endDate at most ${maxDays} days after the start (in config: clientSecret.expiresInDays) and rotate it (clientSecret.rotateAfterDays), or better, use a federated credential or a managed identity.`,
        );
    }
}

export const applicationPasswordLimitLifetime: ResourceValidationPolicy = {
    name: "azuread-applicationpassword-limit-lifetime",
    description:
        "Rejects client secrets over `maxDays` or with no end date (the provider's default is 2 years); an `endDate`/`startDate` that is not an RFC 3339 timestamp of a real date (`2026-02-30T00:00:00Z`, `tomorrow`) or an `endDateRelative` that is not a Go duration; a future start does not shorten the lifetime.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { maxDays: { type: "integer", minimum: 1, default: 180 } } },
    validateResource: [
        validateResourceOfType(ApplicationPassword, judge),
        validateResourceOfType(ServicePrincipalPassword, judge),
        // the inline password block of azuread.Application
        validateResourceOfType(Application, (app, args, report) => {
            if (app.password) judge(app.password, args, report);
        }),
    ],
};
