import { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { ApplicationCertificate } from "@pulumi/azuread/applicationCertificate";
import { ServicePrincipalCertificate } from "@pulumi/azuread/servicePrincipalCertificate";
import { policyOptions } from "./lib/config";
import { credentialLifetime, invalidLifetimeMessage } from "./lib/lifetime";

function judge(certificate: Parameters<typeof credentialLifetime>[0], args: ResourceValidationArgs, report: ReportViolation) {
    const { maxDays } = policyOptions<{ maxDays: number }>(applicationCertificateLimitLifetime, args);
    const lifetime = credentialLifetime(certificate);
    if (lifetime.kind === "invalid") return report(invalidLifetimeMessage("certificate credential", lifetime));
    if (lifetime.kind === "unset") {
        report(
            `This certificate credential has no end date, so it lasts as long as the certificate itself; the limit is ${maxDays} days. Set endDate (in config: certificates.<name>.endDate).`,
        );
    } else if (lifetime.days > maxDays) {
        report(
            `This certificate credential lives ${Math.round(lifetime.days)} days; the limit is ${maxDays}. Shorten it and rotate, or use a federated credential.`,
        );
    }
}

export const applicationCertificateLimitLifetime: ResourceValidationPolicy = {
    name: "azuread-applicationcertificate-limit-lifetime",
    description: "Rejects certificate credentials over `maxDays` or with no end date; dates and durations that do not parse, as for client secrets.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { maxDays: { type: "integer", minimum: 1, default: 365 } } },
    validateResource: [validateResourceOfType(ApplicationCertificate, judge), validateResourceOfType(ServicePrincipalCertificate, judge)],
};
