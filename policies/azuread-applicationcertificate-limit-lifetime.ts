import { ResourceValidationPolicy } from "@pulumi/policy";
import { credentialLifetime, invalidLifetimeMessage } from "./lib/lifetime";
import { T } from "../lib/resource-types";

const CERTIFICATES: string[] = [T.appCertificate, T.spCertificate];

export const policy: ResourceValidationPolicy = {
    name: "azuread-applicationcertificate-limit-lifetime",
    description: "Certificate credentials expire within 365 days, or the configured maximum.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { maxDays: { type: "integer", minimum: 1, default: 365 } } },
    validateResource: (args, report) => {
        if (!CERTIFICATES.includes(args.type)) return;
        const { maxDays = 365 } = args.getConfig<{ maxDays?: number }>();
        const lifetime = credentialLifetime(args.props);
        if (lifetime.kind === "invalid") return report(invalidLifetimeMessage("certificate credential", lifetime));
        if (lifetime.kind === "unset") {
            report(
                `This certificate credential has no end date, so it lasts as long as the certificate itself; the limit is ${maxDays} days. Set endDate or endDateRelative.`,
            );
        } else if (lifetime.days > maxDays) {
            report(
                `This certificate credential lives ${Math.round(lifetime.days)} days; the limit is ${maxDays}. Shorten it and rotate, or use a federated credential.`,
            );
        }
    },
};
