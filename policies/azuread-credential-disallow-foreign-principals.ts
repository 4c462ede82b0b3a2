import { StackValidationPolicy } from "@pulumi/policy";
import { catalog } from "./lib/catalog";
import { knownString, raw } from "./lib/props";
import { stackConsent } from "./lib/stack";
import { APPLICATION_CREDENTIAL_TYPES, PRINCIPAL_CREDENTIAL_TYPES } from "../lib/resource-types";

/**
 * A credential is a key to every permission its app holds: adding one to an app registration or service principal this
 * stack did not create (a literal ID, an adopted SaaS app, a Microsoft API) takes that app over. Fail closed: a credential
 * the pack cannot tie to a registration or a created service principal of the stack is denied.
 */
export const credentialDisallowForeignPrincipals: StackValidationPolicy = {
    name: "azuread-credential-disallow-foreign-principals",
    description:
        "Rejects a secret, certificate or federated credential added to an app registration the stack does not declare, or to a service principal it adopts (`useExisting`: another team's, a SaaS or a Microsoft app) or cannot identify: a credential is a key to every permission that app holds.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const stack = stackConsent(args.resources, catalog);
        for (const r of args.resources) {
            if (APPLICATION_CREDENTIAL_TYPES.includes(r.type)) {
                const { app } = stack.appByApplicationId(r);
                if (app) continue;
                const named = knownString(r.props, "applicationId") ?? "an application not known before the write";
                report(
                    `This credential is added to ${named}, which is not an app registration of this stack: whoever holds it gets every permission that app holds. Add credentials in the stack that owns the app.`,
                    r.urn,
                );
            } else if (PRINCIPAL_CREDENTIAL_TYPES.includes(r.type)) {
                const { sp } = stack.servicePrincipalByResourceId(r, "servicePrincipalId");
                if (sp && raw(sp.props).useExisting !== true) continue;
                const named = sp
                    ? `the adopted service principal ${sp.name} (useExisting: another team's or Microsoft's app)`
                    : `${knownString(r.props, "servicePrincipalId") ?? "a service principal not known before the write"}, which is not a service principal this stack creates`;
                report(
                    `This credential is added to ${named}: whoever holds it signs in as that app with every permission it holds. Add credentials in the stack that owns the app.`,
                    r.urn,
                );
            }
        }
    },
};
