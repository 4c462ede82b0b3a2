import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { policyOptions } from "./lib/config";
import { Approval, ApprovalLedger, approvalsConfigSchema, Subject } from "./lib/approvals";
import { judgeFinding, reportUnusedApprovals, tenantOf } from "./lib/findings";
import { catalog } from "./lib/catalog";
import { dependency, isUnknown, knownString, raw } from "./lib/props";
import { builtInRole, builtInRoleByName, builtInRoleNames, privilegedActions } from "./lib/roles";
import { Principal, stackConsent, StackConsent } from "./lib/stack";
import { T } from "../lib/resource-types";

const name = "azuread-directoryroleassignment-disallow-privileged-roles";

/** What a role reference names. `pending`: not known yet in a first preview (judged at the update). */
export interface RoleVerdict {
    pending?: boolean;
    privileged: boolean;
    label: string;
    names: string[];
    why: string;
}

/** The stack's DirectoryRole and CustomDirectoryRole resources, by the object (and template) IDs they output. */
export class RoleIndex {
    private readonly byId = new Map<string, PolicyResource>();

    constructor(resources: PolicyResource[]) {
        for (const r of resources.filter(x => x.type === T.directoryRole || x.type === T.customDirectoryRole)) {
            for (const prop of ["objectId", "templateId"]) {
                // a DirectoryRole's templateId is the built-in's: a role assignment names that directly
                if (r.type === T.directoryRole && prop === "templateId") continue;
                const id = knownString(r.props, prop)?.toLowerCase();
                if (id && !this.byId.has(id)) this.byId.set(id, r);
            }
        }
    }

    /** A role reference by its value (template ID, or a role resource's object ID), the dependency only while it is unknown. */
    role(r: PolicyResource, prop: string): RoleVerdict {
        const id = knownString(r.props, prop)?.toLowerCase();
        if (id) {
            const node = this.byId.get(id);
            if (node) return judgeRoleResource(node, id);
            const builtIn = builtInRole(id);
            if (builtIn)
                return {
                    privileged: builtIn.privileged,
                    label: builtIn.displayName,
                    names: [builtIn.displayName, builtIn.templateId],
                    why: "a built-in role Microsoft labels PRIVILEGED",
                };
            return {
                privileged: true,
                label: id,
                names: [id],
                why: `role ID ${id} is neither a built-in role template nor a DirectoryRole or CustomDirectoryRole of this stack, so the pack counts it as privileged`,
            };
        }
        const dep = dependency(r, prop);
        if (dep && (dep.type === T.directoryRole || dep.type === T.customDirectoryRole)) return judgeRoleResource(dep);
        return { pending: true, privileged: false, label: "a role not known yet", names: [], why: "" };
    }
}

/** A DirectoryRole (an activated built-in, by templateId or displayName) or a CustomDirectoryRole (by its permissions). */
export function judgeRoleResource(node: PolicyResource, id?: string): RoleVerdict {
    const p = raw(node.props);
    const display = knownString(node.props, "displayName");
    const ids = [...(id ? [id] : []), node.name];
    if (node.type === T.directoryRole) {
        const template = knownString(node.props, "templateId");
        const builtIn = template ? builtInRole(template) : display ? builtInRoleByName(display) : undefined;
        if (builtIn)
            return {
                privileged: builtIn.privileged,
                label: builtIn.displayName,
                names: [builtIn.displayName, builtIn.templateId, ...ids],
                why: "a built-in role Microsoft labels PRIVILEGED",
            };
        if (!template && !display) return { pending: true, privileged: false, label: node.name, names: ids, why: "" };
        return {
            privileged: true,
            label: display ?? template!,
            names: [...(display ? [display] : []), ...(template ? [template] : []), ...ids],
            why: `the DirectoryRole ${node.name} names no built-in role Microsoft publishes, so the pack counts it as privileged`,
        };
    }
    const actions: unknown[] = (Array.isArray(p.permissions) ? p.permissions : []).flatMap((x: any) =>
        Array.isArray(x?.allowedResourceActions) ? x.allowedResourceActions : [x?.allowedResourceActions],
    );
    const unreadable = actions.filter(a => typeof a !== "string" || isUnknown(a));
    const hits = privilegedActions(actions.filter((a): a is string => typeof a === "string" && !isUnknown(a)));
    const label = display ?? node.name;
    const names = [label, ...ids];
    if (hits.length)
        return {
            privileged: true,
            label,
            names,
            why: `a custom role whose permissions include ${hits.join(", ")} (credential, role, consent or policy management)`,
        };
    if (unreadable.length) return { privileged: true, label, names, why: "a custom role with permissions the pack cannot read, so it counts as privileged" };
    return { privileged: false, label, names, why: "" };
}

/** Who holds a role: a principal, by one property of a resource (assignment, eligibility, membership). */
interface Holding {
    resource: PolicyResource;
    role: RoleVerdict;
    principal: Principal;
    how: string;
}

/** The routes to a directory role: resource type -> the role property and the principal property. */
const ROUTES: { type: string; role: string; principal: string; how: string }[] = [
    { type: T.directoryRoleAssignment, role: "roleId", principal: "principalObjectId", how: "is assigned" },
    { type: T.directoryRoleEligibility, role: "roleDefinitionId", principal: "principalId", how: "is made eligible (PIM) for" },
    { type: T.directoryRoleMember, role: "roleObjectId", principal: "memberObjectId", how: "is made a member of" },
];

/** The routes into a group: membership and ownership (an owner of a role-assignable group manages its members). */
const GROUP_ROUTES: { type: string; group: string; principal: string }[] = [
    { type: T.groupMember, group: "groupObjectId", principal: "memberObjectId" },
    { type: T.groupAssignmentSchedule, group: "groupId", principal: "principalId" },
    { type: T.groupEligibilitySchedule, group: "groupId", principal: "principalId" },
];

/** Every holding of a directory role in the stack, by every route. */
export function roleHoldings(resources: PolicyResource[], stack: StackConsent): Holding[] {
    const roles = new RoleIndex(resources);
    const direct: Holding[] = [];
    for (const route of ROUTES) {
        for (const r of resources.filter(x => x.type === route.type)) {
            direct.push({ resource: r, role: roles.role(r, route.role), principal: stack.principal(r, route.principal), how: route.how });
        }
    }
    // groups holding a privileged role pass it on to their members and owners
    const groupRoles = new Map<string, RoleVerdict[]>();
    for (const h of direct.filter(h => h.principal.kind === "group" && h.role.privileged)) {
        const urn = h.principal.resource!.urn;
        groupRoles.set(urn, [...(groupRoles.get(urn) ?? []), h.role]);
    }
    const viaGroups: Holding[] = [];
    const through = (r: PolicyResource, group: PolicyResource, principal: Principal, how: string) => {
        for (const role of groupRoles.get(group.urn) ?? [])
            viaGroups.push({ resource: r, role, principal, how: `${how} the group ${group.name}, which holds` });
    };
    for (const route of GROUP_ROUTES) {
        for (const r of resources.filter(x => x.type === route.type)) {
            const group = stack.principal(r, route.group);
            const owner = route.type !== T.groupMember && knownString(r.props, "assignmentType")?.toLowerCase() === "owner";
            if (group.kind === "group") through(r, group.resource!, stack.principal(r, route.principal), owner ? "becomes an owner of" : "becomes a member of");
        }
    }
    for (const g of resources.filter(x => x.type === T.group && groupRoles.has(x.urn))) {
        for (const prop of ["members", "owners"]) {
            const ids: unknown[] = Array.isArray(raw(g.props)[prop]) ? raw(g.props)[prop] : [];
            for (const id of ids) {
                through(g, g, listedPrincipal(stack, g, id), prop === "members" ? "is listed as a member of" : "is listed as an owner of");
            }
        }
    }
    return [...direct, ...viaGroups, ...viaOwnership(resources, stack, direct)];
}

/** One object ID of a list property (members, owners), identified as a principal on its own by its value. */
function listedPrincipal(stack: StackConsent, r: PolicyResource, id: unknown): Principal {
    return stack.principal({ ...r, props: { id }, propertyDependencies: {} } as unknown as PolicyResource, "id");
}

/** Owners of an app or service principal that holds a privileged role can add a credential to it and act as it. */
function viaOwnership(resources: PolicyResource[], stack: StackConsent, direct: Holding[]): Holding[] {
    const out: Holding[] = [];
    for (const h of direct.filter(h => h.principal.kind === "app" && h.role.privileged && !h.role.pending)) {
        const { registration, sp, label } = h.principal.app!;
        const how = `owns ${label}, which holds`;
        const listed = (r: PolicyResource | undefined) => {
            const ids: unknown[] = r && Array.isArray(raw(r.props).owners) ? raw(r.props).owners : [];
            for (const id of ids) out.push({ resource: r!, role: h.role, principal: listedPrincipal(stack, r!, id), how });
        };
        listed(registration);
        listed(sp);
        const regId = knownString(registration.props, "id")?.toLowerCase();
        for (const o of resources.filter(x => x.type === T.owner)) {
            const appId = knownString(o.props, "applicationId")?.toLowerCase();
            if (appId ? appId === regId : dependency(o, "applicationId")?.urn === registration.urn) {
                out.push({ resource: o, role: h.role, principal: stack.principal(o, "ownerObjectId"), how });
            }
        }
    }
    return out;
}

export const directoryRoleAssignmentDisallowPrivilegedRoles: StackValidationPolicy = {
    name,
    description:
        "Rejects a privileged directory role given to a service principal or managed identity by any route: `DirectoryRoleAssignment` (built-in template ID, the object ID of an activated `DirectoryRole`, or a `CustomDirectoryRole`), `DirectoryRoleMember`, `DirectoryRoleEligibilityScheduleRequest` (PIM), or membership or ownership (`GroupMember`, the group's `members`/`owners`, PIM for groups) of a group that holds such a role, or ownership (`ApplicationOwner`, `owners`) of an app or service principal that holds one; privileged means a built-in role Microsoft labels PRIVILEGED (`data/privileged-roles.json`), or a custom role with a credential, role, consent or policy management action (`allProperties`/`allTasks` wildcards included); a role ID the pack cannot identify counts as privileged, a principal it cannot identify as a workload; users are out of scope; approvals name the role (`type: directory-role`, `permission` the role name or template ID) and no resource.",
    enforcementLevel: "mandatory",
    configSchema: approvalsConfigSchema,
    validateStack: (args, report) => {
        const stack = stackConsent(args.resources, catalog);
        const ledger = new ApprovalLedger(
            policyOptions<{ approvals: Approval[] }>(directoryRoleAssignmentDisallowPrivilegedRoles, args).approvals,
            tenantOf(undefined, args),
        );
        const roleNames = new Set(builtInRoleNames());
        for (const { resource: r, role, principal, how } of roleHoldings(args.resources, stack)) {
            role.names.forEach(n => roleNames.add(n));
            // people are out of this policy's scope, groups pass roles on to their members; a first preview is judged at the update
            if (!role.privileged || role.pending || ["pending", "user", "group"].includes(principal.kind)) continue;
            const subject: Subject = { type: "directory-role", clientNames: principal.names, resourceNames: [], permissionNames: role.names };
            const who =
                principal.kind === "unidentified"
                    ? `${principal.label} (a principal the pack cannot identify, so it counts as a workload)`
                    : `${principal.label} (a workload identity)`;
            judgeFinding(report, {
                policy: name,
                ledger,
                subject,
                tier0: true,
                tenant: tenantOf(r, args),
                urn: r.urn,
                message: `${who} ${how} the directory role ${role.label}, ${role.why}: whoever holds its credential can take over the tenant. Give it the narrowest Graph permission for the job instead.`,
                fields: { app: principal.label, permission: role.label, type: "directory-role", tier: 0 },
            });
        }
        reportUnusedApprovals(report, name, ledger, { clients: stack.clientNames(), resources: [], permissions: [...roleNames] });
    },
};
