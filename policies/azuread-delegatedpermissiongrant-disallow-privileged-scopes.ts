import { StackValidationPolicy } from "@pulumi/policy";
import { Approval, approvalsConfigSchema, describeMatch, excepts, findApproval, howToApprove, Subject } from "./lib/approvals";
import { catalog } from "./lib/catalog";
import { alternativeText, tierText } from "./lib/describe";
import { stackConsent } from "./lib/stack";

const name = "azuread-delegatedpermissiongrant-disallow-privileged-scopes";

/** Delegated grants by tier: tenant-wide grants are judged strictly, single-user grants more leniently. */
export const policy: StackValidationPolicy = {
    name,
    description: "Tenant-wide delegated grants of tier-0 scopes are denied and of tier-1 scopes need an approval; a grant for a single user needs an approval for tier-0 scopes.",
    enforcementLevel: "mandatory",
    configSchema: approvalsConfigSchema,
    validateStack: (args, report) => {
        const stack = stackConsent(args.resources, catalog);
        const { approvals } = args.getConfig<{ approvals?: Approval[] }>();
        for (const g of stack.grants) {
            for (const value of g.values) {
                const j = stack.judge(g.target, "delegated", value);
                const needsApproval = g.allPrincipals ? j.effectiveTier <= 1 : j.effectiveTier === 0;
                if (!needsApproval) continue;
                const subject: Subject = { type: "delegated", clientNames: g.client.names, resourceNames: stack.resourceNames(g.target), permissionNames: [j.value, ...(j.id ? [j.id] : [])] };
                const match = findApproval(approvals, subject);
                const deniedOutright = g.allPrincipals && j.effectiveTier === 0;
                if (excepts(match, deniedOutright)) continue;
                const scope = g.allPrincipals ? "for every user in the tenant (AllPrincipals)" : "for one user";
                const verdict = deniedOutright ? "A tenant-wide grant of a tier-0 scope lets the app do it for every user, administrators included: denied."
                    : "This grant needs an approval.";
                report(`${g.client.label} is granted the ${j.resourceName} delegated permission ${j.value} ${scope} (${tierText(j)}). ${verdict}${alternativeText(j)}${describeMatch(match)} ${howToApprove(name, subject, deniedOutright)}`, g.resource.urn);
            }
        }
    },
};
