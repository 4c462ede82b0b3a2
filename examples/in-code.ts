/**
 * entra-consent inside another Pulumi program, with the apps declared in code instead of stack config.
 * Plan it offline: npm run plan -- --config examples/Pulumi.example.yaml --program examples/in-code.ts
 */
import * as pulumi from "@pulumi/pulumi";
import { buildModel, deployTenant, PermissionCatalog } from "../components";

export = async () => {
    const tenantId = new pulumi.Config("azuread").require("tenantId");
    // buildModel validates like the stack config does: a typo is an error with its path and the closest name.
    const model = buildModel(
        {
            tenant: { id: tenantId, name: "example", userConsent: "none" },
            apps: {
                "reports-api": {
                    identifierUri: "api://example-reports",
                    appRoles: { "Reports.Generate": { description: "Generate reports as a service" } },
                },
                "reports-job": {
                    identity: "managed-identity",
                    managedIdentity: { resourceGroup: "rg-reports", location: "westeurope" },
                    application: { "reports-api": ["Reports.Generate"], "microsoft-graph": ["User.ReadBasic.All"] },
                },
            },
        },
        PermissionCatalog.load(),
        { azureadTenantId: tenantId },
    );
    const tenant = await deployTenant("tenant", model);
    return { clientIds: tenant.clientIds, consentSummary: tenant.consentSummary };
};
