import { StackValidationPolicy } from "@pulumi/policy";
import { Subject } from "./lib/approvals";
import { catalog } from "./lib/catalog";
import { alternativeText, tierFields, tierText, unidentifiedText } from "./lib/describe";
import { judgeFinding, reportFinding, reportUnusedApprovals, tenantOf } from "./lib/findings";
import { knownPermissionNames } from "./lib/known";
import { stackConsent } from "./lib/stack";
import { noteLoweredTier, reportRefusedOverrides, tierPolicyConfig, tierPolicyConfigSchema } from "./lib/tiers";

const name = "azuread-approleassignment-disallow-privileged-permissions";
/** The app role ID of an app's default access (apps without roles assign users and groups to it). */
const DEFAULT_ACCESS = "00000000-0000-0000-0000-000000000000";
const isUserOnly = (members: string[] | undefined) => !!members?.length && members.every(m => m === "User");

/**
 * Application permissions by tier, on the resource API the assignment names (its service principal), and to a principal
 * the pack can identify: anything else fails closed.
 */
export const appRoleAssignmentDisallowPrivilegedPermissions: StackValidationPolicy = {
    name,
    description:
        "Rejects application permissions (app role assignments) of tier 0, and of tier 1 without an approval, judged on the resource API the assignment names; Microsoft permissions with no tier yet, and assignments whose principal or resource the pack cannot identify, count as tier 0; the stack's own APIs are judged by the `tier` their owners set in config.",
    enforcementLevel: "mandatory",
    configSchema: tierPolicyConfigSchema("application"),
    validateStack: (args, report) => {
        const stack = stackConsent(args.resources, catalog);
        const { ledger, overrides } = tierPolicyConfig(appRoleAssignmentDisallowPrivilegedPermissions, args, catalog);
        for (const a of stack.assignments) {
            if (a.appRolePending) {
                // The engine judges the stack on its final outputs, after the steps: a permission nobody can read before the
                // write would be judged only once it exists. Fail closed in the preview.
                reportFinding(report, {
                    urn: a.resource.urn,
                    app: a.principal.label,
                    resource: stack.resourceLabel(a.target),
                    type: "application",
                    tier: null,
                    message: `${a.principal.label} is assigned an application permission of ${stack.resourceLabel(a.target)} whose app role ID is not known before the write (it comes from another resource's outputs), so no policy can judge it before it exists. Name the app role by its ID, a literal from the catalog.`,
                });
                continue;
            }
            if (!a.appRoleId || a.principal.kind === "pending" || a.target.kind === "pending") continue;
            if (a.principal.kind === "user" || a.principal.kind === "group") continue; // people, not workloads: app roles for users
            // A role of an API of the stack that only users and groups may hold (Entra refuses it to a service principal),
            // or the default access to an app of the stack, grants a person access to that app, not an application permission.
            if (a.target.kind === "app" && (a.appRoleId === DEFAULT_ACCESS || isUserOnly(a.target.app.roles.get(a.appRoleId)?.members))) continue;
            const j = stack.judge(a.target, "application", a.appRoleId, { overrides, tenant: tenantOf(a.resource, args) });
            const unidentified = unidentifiedText(a.principal, a.target);
            const what = `${a.principal.label} is assigned the ${j.resourceName} application permission ${j.value} (${tierText(j)}).`;
            const fields = { app: a.principal.label, resource: stack.resourceLabel(a.target), type: "application", ...tierFields(j) };
            if (j.effectiveTier === 2 && !unidentified) {
                noteLoweredTier(report, j, { urn: a.resource.urn, message: what, ...fields });
                continue;
            }
            const tier0 = j.effectiveTier === 0;
            const subject: Subject = {
                type: "application",
                clientNames: a.principal.names,
                resourceNames: stack.resourceNames(a.target),
                permissionNames: [j.value, ...(j.id ? [j.id] : [])],
            };
            const verdict = tier0
                ? "Tier-0 application permissions are denied: one token can take over the tenant, with no user in the loop."
                : j.effectiveTier === 1
                  ? "Tier-1 application permissions need an approval: the app acts on the whole tenant as itself."
                  : "An assignment the pack cannot identify needs an approval.";
            judgeFinding(report, {
                policy: name,
                ledger,
                subject,
                tier0,
                tenant: tenantOf(a.resource, args),
                urn: a.resource.urn,
                message: `${what}${unidentified} ${verdict}${alternativeText(j)}`,
                fields,
            });
        }
        reportUnusedApprovals(report, name, ledger, knownPermissionNames(stack, "application"));
        reportRefusedOverrides(report, name, overrides, tenantOf(undefined, args));
    },
};
