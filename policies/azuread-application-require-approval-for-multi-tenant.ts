import { ResourceValidationPolicy } from "@pulumi/policy";
import { policyOptions } from "./lib/config";
import { Approval, ApprovalLedger, approvalsConfigSchema, Subject } from "./lib/approvals";
import { judgeFinding, tenantOf } from "./lib/findings";
import { T } from "../lib/resource-types";

const name = "azuread-application-require-approval-for-multi-tenant";

export const applicationRequireApprovalForMultiTenant: ResourceValidationPolicy = {
    name,
    description: "Rejects a sign-in audience other than `AzureADMyOrg` without an approval (`type: sign-in-audience`).",
    enforcementLevel: "mandatory",
    configSchema: approvalsConfigSchema,
    validateResource: (args, report) => {
        if (args.type !== T.application && args.type !== T.registration) return;
        const audience: string = args.props.signInAudience ?? "AzureADMyOrg";
        if (audience === "AzureADMyOrg") return;
        const subject: Subject = {
            type: "sign-in-audience",
            clientNames: [args.name.replace(/-registration$/, ""), args.name],
            resourceNames: [],
            permissionNames: [audience],
        };
        const tenant = tenantOf(args, args);
        judgeFinding(report, {
            policy: name,
            ledger: new ApprovalLedger(policyOptions<{ approvals: Approval[] }>(applicationRequireApprovalForMultiTenant, args).approvals, tenant),
            subject,
            tier0: false,
            tenant,
            urn: args.urn,
            message: `This app registration accepts sign-ins from ${audience === "AzureADMultipleOrgs" ? "any Entra tenant" : "other tenants and personal accounts"} (${audience}): anyone in another tenant can consent to it and get tokens.`,
            fields: { app: subject.clientNames[0], permission: audience, type: "sign-in-audience" },
        });
    },
};
