import { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { Application } from "@pulumi/azuread/application";
import { ApplicationRegistration } from "@pulumi/azuread/applicationRegistration";
import { policyOptions } from "./lib/config";
import { Approval, ApprovalLedger, approvalsConfigSchema, Subject } from "./lib/approvals";
import { judgeFinding, tenantOf } from "./lib/findings";

const name = "azuread-application-require-approval-for-multi-tenant";

/** Any audience but AzureADMyOrg needs an approval, a value of the wrong type included (fail closed). */
function judge(registration: { signInAudience?: string }, args: ResourceValidationArgs, report: ReportViolation) {
    const audience = registration.signInAudience ?? "AzureADMyOrg";
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
}

export const applicationRequireApprovalForMultiTenant: ResourceValidationPolicy = {
    name,
    description: "Rejects a sign-in audience other than `AzureADMyOrg` without an approval (`type: sign-in-audience`).",
    enforcementLevel: "mandatory",
    configSchema: approvalsConfigSchema,
    validateResource: [validateResourceOfType(Application, judge), validateResourceOfType(ApplicationRegistration, judge)],
};
