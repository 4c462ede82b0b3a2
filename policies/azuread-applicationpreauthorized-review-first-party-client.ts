import { StackValidationPolicy } from "@pulumi/policy";
import { catalog } from "./lib/catalog";
import { stackConsent } from "./lib/stack";

/** Pre-authorizing a Microsoft client (the Azure CLI, Visual Studio...) on your own API is legitimate: worth a note. */
export const preAuthorizedReviewFirstPartyClient: StackValidationPolicy = {
    name: "azuread-applicationpreauthorized-review-first-party-client",
    description: "Notes a Microsoft client (Azure CLI, ...) pre-authorized on your API: allowed.",
    enforcementLevel: "advisory",
    validateStack: (args, report) => {
        const stack = stackConsent(args.resources, catalog);
        for (const p of stack.preAuthorizations) {
            if (!p.clientId || !catalog.isFirstParty(p.clientId)) continue;
            report(
                `${p.api?.label ?? "An API"} pre-authorizes the Microsoft first-party app "${catalog.firstPartyName(p.clientId)}" (${p.clientId}): any user of it in this tenant gets tokens for these scopes without a prompt. Allowed; keep the scopes narrow.`,
                p.resource.urn,
            );
        }
    },
};
