import { StackValidationPolicy } from "@pulumi/policy";
import { Approval, ApprovalLedger, approvalsConfigSchema, Subject } from "./lib/approvals";
import { judgeFinding, tenantOf } from "./lib/findings";
import { catalog } from "./lib/catalog";
import { knownString } from "./lib/props";
import { stackConsent } from "./lib/stack";
import { T } from "../lib/resource-types";

const name = "azuread-directoryroleassignment-disallow-privileged-roles";

/** Tier-0 Entra directory roles, by role template ID (Enterprise Access Model control plane). */
export const TIER0_DIRECTORY_ROLES: Record<string, string> = {
    "62e90394-69f5-4237-9190-012177145e10": "Global Administrator",
    "e8611ab8-c189-46e8-94e1-60213ab1f814": "Privileged Role Administrator",
    "7be44c8a-adaf-4e2a-84d6-ab2649e08a13": "Privileged Authentication Administrator",
    "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3": "Application Administrator",
    "158c047a-c907-4556-b7ef-446551a6b5f7": "Cloud Application Administrator",
    "8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2": "Hybrid Identity Administrator",
    "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9": "Conditional Access Administrator",
    "194ae4cb-b126-40b2-bd5b-6091b380977d": "Security Administrator",
    "c4e39bd9-1100-46d3-8c65-fb160da0071f": "Authentication Administrator",
    "0526716b-113d-4c15-b2c8-68e3c22b9f80": "Authentication Policy Administrator",
    "fe930be7-5e62-47db-91af-98c3a49a38b1": "User Administrator",
    "3a2c62db-5318-420d-8d74-23affee5d9d5": "Intune Administrator",
    "29232cdf-9323-42fd-ade2-1d097af3e4de": "Exchange Administrator",
    "8329153b-31d0-4727-b945-745eb3bc5f31": "Domain Name Administrator",
    "be2f45a1-457d-42af-a067-6ec1fa63bc45": "External Identity Provider Administrator",
    "d29b2b05-8046-44ba-8758-1e26182fcf32": "Directory Synchronization Accounts",
    "e00e864a-17c5-4a4b-9c06-f5b95a8d5bd8": "Partner Tier2 Support",
};

export const policy: StackValidationPolicy = {
    name,
    description: "A service principal or managed identity is never given a tier-0 directory role such as Global Administrator or Privileged Role Administrator.",
    enforcementLevel: "mandatory",
    configSchema: approvalsConfigSchema,
    validateStack: (args, report) => {
        const stack = stackConsent(args.resources, catalog);
        const ledger = new ApprovalLedger(args.getConfig<{ approvals?: Approval[] }>().approvals ?? [], tenantOf(undefined, args));
        for (const r of args.resources.filter(x => x.type === T.directoryRoleAssignment)) {
            const roleId = knownString(r.props, "roleId")?.toLowerCase();
            const role = roleId && TIER0_DIRECTORY_ROLES[roleId];
            if (!role) continue;
            const principal = stack.principal(r, "principalObjectId");
            // people are out of this policy's scope; what the pack cannot identify counts as a workload (fail closed)
            if (principal.kind === "pending" || principal.kind === "user") continue;
            const subject: Subject = { type: "directory-role", clientNames: principal.names, resourceNames: [], permissionNames: [role, roleId] };
            const who = principal.kind === "unidentified" ? `${principal.label} (a principal the pack cannot identify, so it counts as a workload)` : `${principal.label} (a workload identity)`;
            judgeFinding(report, {
                policy: name, ledger, subject, tier0: true, tenant: tenantOf(r, args), urn: r.urn,
                message: `${who} is given the directory role ${role}, a tier-0 role: whoever holds its credential controls the tenant. Give it the narrowest Graph permission for the job instead.`,
                fields: { app: principal.label, permission: role, type: "directory-role", tier: 0 },
            });
        }
    },
};
