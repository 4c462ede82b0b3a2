import { ResourceValidationPolicy } from "@pulumi/policy";
import { T } from "../lib/resource-types";

export const applicationPreferFederatedCredentials: ResourceValidationPolicy = {
    name: "azuread-application-prefer-federated-credentials",
    description: "Flags any client secret: use a federated credential or a managed identity.",
    enforcementLevel: "advisory",
    validateResource: (args, report) => {
        const secret = args.type === T.appPassword || args.type === T.spPassword || (args.type === T.application && args.props.password);
        if (!secret) return;
        report(
            "This app gets a client secret. A workload in Azure can use a managed identity, and one in GitHub Actions, Kubernetes or another cloud a federated identity credential (azuread.ApplicationFederatedIdentityCredential): no secret to leak or rotate.",
        );
    },
};
