import { ReportViolation, ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { Application } from "@pulumi/azuread/application";
import { ApplicationPassword } from "@pulumi/azuread/applicationPassword";
import { ServicePrincipalPassword } from "@pulumi/azuread/servicePrincipalPassword";

const advise = (_props: unknown, _args: unknown, report: ReportViolation) =>
    report(
        "This app gets a client secret. A workload in Azure can use a managed identity, and one in GitHub Actions, Kubernetes or another cloud a federated identity credential (azuread.ApplicationFederatedIdentityCredential): no secret to leak or rotate.",
    );

export const applicationPreferFederatedCredentials: ResourceValidationPolicy = {
    name: "azuread-application-prefer-federated-credentials",
    description: "Flags any client secret: use a federated credential or a managed identity.",
    enforcementLevel: "advisory",
    validateResource: [
        validateResourceOfType(ApplicationPassword, advise),
        validateResourceOfType(ServicePrincipalPassword, advise),
        validateResourceOfType(Application, (app, args, report) => {
            if (app.password) advise(app, args, report);
        }),
    ],
};
