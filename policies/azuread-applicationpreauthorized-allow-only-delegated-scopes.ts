import { StackValidationPolicy } from "@pulumi/policy";
import { catalog } from "./lib/catalog";
import { stackConsent } from "./lib/stack";

/** Pre-authorization removes the consent prompt for delegated scopes; it never covers app roles. */
export const preAuthorizedAllowOnlyDelegatedScopes: StackValidationPolicy = {
    name: "azuread-applicationpreauthorized-allow-only-delegated-scopes",
    description: "Rejects pre-authorizations of app roles or of IDs that are not scopes of that API.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const stack = stackConsent(args.resources, catalog);
        for (const p of stack.preAuthorizations) {
            if (!p.api) continue;
            const client = p.client?.label ?? p.clientId ?? "a client";
            for (const id of p.permissionIds) {
                if (p.api.scopes.has(id)) continue;
                const role = p.api.roles.get(id) ?? catalog.permissionById(id, "application")?.permission;
                report(
                    role
                        ? `${p.api.label} pre-authorizes ${client} for the app role ${role.value}: pre-authorization covers delegated scopes only and never replaces the admin approval of an application permission. Approve it with an app role assignment instead.`
                        : `${p.api.label} pre-authorizes ${client} for ${id}, which is not a delegated scope of ${p.api.label}. Name one of: ${[...p.api.scopes.values()].map(s => s.value).join(", ") || "(it exposes no scopes)"}.`,
                    p.resource.urn,
                );
            }
        }
    },
};
