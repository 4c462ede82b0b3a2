import { StackValidationPolicy } from "@pulumi/policy";
import { knownString } from "./lib/props";
import { T } from "../lib/resource-types";
import { TENANT_TAG } from "../lib/tags";

export const policy: StackValidationPolicy = {
    name: "azuread-provider-require-stack-tenant",
    description: "Every azuread provider of a stack signs in to the tenant the stack declares, so that a grant never lands in the wrong tenant.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { stackTenants: { type: "object", additionalProperties: { type: "string" }, default: {} } } },
    validateStack: (args, report) => {
        const stackName = args.resources[0]?.urn.split("::")[0].replace(/^urn:pulumi:/, "");
        const declared = (
            args.stackTags.get(TENANT_TAG) ?? args.getConfig<{ stackTenants?: Record<string, string> }>().stackTenants?.[stackName ?? ""]
        )?.toLowerCase();
        if (!declared) args.notApplicable(`the stack declares no tenant: set the stack tag ${TENANT_TAG} or the policy option stackTenants`);
        for (const p of args.resources.filter(r => r.type === T.azureadProvider)) {
            const tenantId = knownString(p.props, "tenantId")?.toLowerCase();
            if (tenantId === undefined) {
                report(
                    `The azuread provider ${p.name} names no tenant, so it signs in wherever the deploying identity lands; this stack declares tenant ${declared}. Set azuread:tenantId (or the provider's tenantId).`,
                    p.urn,
                );
            } else if (tenantId !== declared) {
                report(
                    `The azuread provider ${p.name} signs in to tenant ${tenantId}, but this stack declares tenant ${declared}: consent is per tenant, and grants made there do nothing here. Fix azuread:tenantId or select the right stack.`,
                    p.urn,
                );
            }
        }
    },
};
