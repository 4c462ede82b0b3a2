import { StackValidationPolicy } from "@pulumi/policy";
import { Approval, approvalsConfigSchema, describeMatch, excepts, findApproval, howToApprove, Subject } from "./lib/approvals";
import { catalog } from "./lib/catalog";
import { alternativeText, tierText } from "./lib/describe";
import { stackConsent } from "./lib/stack";

const name = "azuread-approleassignment-disallow-privileged-permissions";

/** Application permissions by tier, identified by app role GUID whatever the resource's object ID is. */
export const policy: StackValidationPolicy = {
    name,
    description: "Application permissions of tier 0 (control plane) are denied and those of tier 1 need an approval from the security team.",
    enforcementLevel: "mandatory",
    configSchema: approvalsConfigSchema,
    validateStack: (args, report) => {
        const stack = stackConsent(args.resources, catalog);
        const { approvals } = args.getConfig<{ approvals?: Approval[] }>();
        for (const a of stack.assignments) {
            if (!a.appRoleId) continue; // not known before the resource exists: judged at the update
            const j = stack.judge(a.target, "application", a.appRoleId);
            if (j.effectiveTier === 2) continue;
            const subject: Subject = { type: "application", clientNames: a.principal.names, resourceNames: stack.resourceNames(a.target), permissionNames: [j.value, ...(j.id ? [j.id] : [])] };
            const match = findApproval(approvals, subject);
            if (excepts(match, j.effectiveTier === 0)) continue;
            const verdict = j.effectiveTier === 0 ? "Tier-0 application permissions are denied: one token can take over the tenant, with no user in the loop."
                : "Tier-1 application permissions need an approval: the app acts on the whole tenant as itself.";
            report(`${a.principal.label} is assigned the ${j.resourceName} application permission ${j.value} (${tierText(j)}). ${verdict}${alternativeText(j)}${describeMatch(match)} ${howToApprove(name, subject, j.effectiveTier === 0)}`, a.resource.urn);
        }
    },
};
