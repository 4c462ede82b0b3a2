/**
 * entra-consent: one stack per Entra tenant. Reads `entra-consent:tenant` and `entra-consent:apps` from the
 * stack config, checks the tenant before writing anything, then builds app registrations, their APIs,
 * service principals and approvals. Runs unchanged under `pulumi up` and under the offline plan.
 */
import { deployTenant } from "./components/tenant";
import { modelFromPulumiConfig } from "./lib/config/stack";

export = async () => {
    const model = modelFromPulumiConfig();
    const tenant = await deployTenant("tenant", model);
    return {
        tenant: { id: model.tenant.id, name: model.tenant.name },
        clientIds: tenant.clientIds,
        identifierUris: tenant.identifierUris,
        adminConsentUrls: tenant.adminConsentUrls,
        clientSecrets: tenant.clientSecrets, // a Pulumi secret: `pulumi stack output clientSecrets --show-secrets`
        consentSummary: tenant.consentSummary,
    };
};
