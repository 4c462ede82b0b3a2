import { StackValidationPolicy } from "@pulumi/policy";
import { policyOptions } from "./lib/config";
import { knownString } from "./lib/props";
import { T } from "../lib/resource-types";
import { TENANT_TAG } from "../lib/tags";

export const providerRequireStackTenant: StackValidationPolicy = {
    name: "azuread-provider-require-stack-tenant",
    description:
        "Rejects an azuread provider whose tenant is not the stack's declared tenant (stack tag `entra-consent:tenant`, or the option `stackTenants`).",
    enforcementLevel: "mandatory",
    configSchema: { properties: { stackTenants: { type: "object", additionalProperties: { type: "string" }, default: {} } } },
    validateStack: (args, report) => {
        const stackName = args.resources[0]?.urn.split("::")[0].replace(/^urn:pulumi:/, "");
        const declared = (
            args.stackTags.get(TENANT_TAG) ??
            policyOptions<{ stackTenants: Record<string, string> }>(providerRequireStackTenant, args).stackTenants[stackName ?? ""]
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
