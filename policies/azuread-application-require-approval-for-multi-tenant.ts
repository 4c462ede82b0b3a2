import { ResourceValidationPolicy } from "@pulumi/policy";
import { Approval, approvalsConfigSchema, describeMatch, excepts, findApproval, howToApprove, Subject } from "./lib/approvals";
import { T } from "../lib/resource-types";

const name = "azuread-application-require-approval-for-multi-tenant";

export const policy: ResourceValidationPolicy = {
    name,
    description: "An app registration that accepts sign-ins from other tenants needs an approval from the security team.",
    enforcementLevel: "mandatory",
    configSchema: approvalsConfigSchema,
    validateResource: (args, report) => {
        if (args.type !== T.application && args.type !== T.registration) return;
        const audience: string = args.props.signInAudience ?? "AzureADMyOrg";
        if (audience === "AzureADMyOrg") return;
        const subject: Subject = { type: "sign-in-audience", clientNames: [args.name.replace(/-registration$/, ""), args.name], resourceNames: [], permissionNames: [audience] };
        const match = findApproval(args.getConfig<{ approvals?: Approval[] }>().approvals, subject);
        if (excepts(match, false)) return;
        report(`This app registration accepts sign-ins from ${audience === "AzureADMultipleOrgs" ? "any Entra tenant" : "other tenants and personal accounts"} (${audience}): anyone in another tenant can consent to it and get tokens.${describeMatch(match)} ${howToApprove(name, subject)}`);
    },
};
