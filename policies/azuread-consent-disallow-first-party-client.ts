import { StackValidationPolicy } from "@pulumi/policy";
import { catalog } from "./lib/catalog";
import { Principal, ResourceKey, stackConsent } from "./lib/stack";

/** AADSTS65002: Microsoft first-party clients calling Microsoft first-party resources need Microsoft's pre-authorization. */
export const consentDisallowFirstPartyClient: StackValidationPolicy = {
    name: "azuread-consent-disallow-first-party-client",
    description: "Rejects a Microsoft first-party client ID as the client of a grant or assignment to a Microsoft API (AADSTS65002).",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const stack = stackConsent(args.resources, catalog);
        const check = (client: Principal, target: ResourceKey, urn: string) => {
            const clientId = client.clientId ?? client.names.find(n => catalog.isFirstParty(n));
            if (!clientId || !catalog.isFirstParty(clientId) || target.kind !== "microsoft") return;
            report(
                `${client.label} uses the client ID ${clientId} of the Microsoft first-party app "${catalog.firstPartyName(clientId)}" to call ${target.name}. ` +
                    "A Microsoft client calling a Microsoft API needs pre-authorization by Microsoft; a tenant cannot grant it, and sign-ins fail with AADSTS65002. " +
                    "Register an app of your own and request the permissions for it.",
                urn,
            );
        };
        for (const g of stack.grants) check(g.client, g.target, g.resource.urn);
        for (const a of stack.assignments) check(a.principal, a.target, a.resource.urn);
    },
};
