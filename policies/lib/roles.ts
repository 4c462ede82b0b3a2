/**
 * Which Entra directory roles are privileged: Microsoft's built-in roles labelled PRIVILEGED (data/privileged-roles.json,
 * from Microsoft Learn "Microsoft Entra built-in roles"), and custom roles whose permissions include a privileged
 * resource action ("Privileged roles and permissions in Microsoft Entra ID"), wildcards such as
 * microsoft.directory/applications/allProperties/allTasks included. Pure functions: the policy links resources.
 */
import data from "../../data/privileged-roles.json";

export interface BuiltInRole {
    templateId: string;
    displayName: string;
    privileged: boolean;
}

const BUILT_IN = new Map<string, BuiltInRole>([
    ...data.roles.map(r => [r.templateId.toLowerCase(), { ...r, privileged: true }] as const),
    ...data.builtInRoles.map(r => [r.templateId.toLowerCase(), { ...r, privileged: false }] as const),
]);
const PRIVILEGED_ACTIONS: string[] = data.privilegedActions.map(a => a.action.toLowerCase());

/** A built-in role by template ID, or undefined when the ID is no built-in role Microsoft publishes. */
export function builtInRole(templateId: string): BuiltInRole | undefined {
    return BUILT_IN.get(templateId.toLowerCase());
}

/** A built-in role by display name (how `azuread.DirectoryRole` may activate one). */
export function builtInRoleByName(displayName: string): BuiltInRole | undefined {
    return [...BUILT_IN.values()].find(r => r.displayName.toLowerCase() === displayName.toLowerCase());
}

export function isPrivilegedBuiltIn(templateId: string): boolean {
    return builtInRole(templateId)?.privileged === true;
}

/** Every built-in role's name and template ID (what a `directory-role` approval may name). */
export function builtInRoleNames(): string[] {
    return [...BUILT_IN.values()].flatMap(r => [r.displayName, r.templateId]);
}

/**
 * Whether a granted action includes a privileged one. Actions read {namespace}/{entity}/{propertySet}/{action}:
 * `allEntities`, `allProperties` and `allTasks` stand for every entity, property set and action; the entity
 * `applications` includes its variants (`applications.myOrganization`); a pattern ending in `*` matches any suffix.
 */
export function coversAction(granted: string, pattern: string): boolean {
    const g = granted.toLowerCase().split("/");
    const p = pattern.toLowerCase().split("/");
    if (g.length < 3 || p.length < 3 || g[0] !== p[0]) return false;
    if (g[1] !== "allentities" && g[1] !== p[1] && !p[1].startsWith(`${g[1]}.`)) return false;
    const [gAction, pAction] = [g[g.length - 1], p[p.length - 1]];
    const [gProps, pProps] = [g.slice(2, -1).join("/"), p.slice(2, -1).join("/")];
    const actionOk = gAction === "alltasks" || gAction === pAction || (pAction.endsWith("*") && gAction.startsWith(pAction.slice(0, -1)));
    const propsOk = gProps === "allproperties" || gProps === pProps || (gProps === "" && gAction === "alltasks");
    return actionOk && propsOk;
}

/**
 * The privileged actions among a custom role's allowed resource actions. An action with a wildcard Entra does not
 * define (`*`) counts as privileged: what the pack cannot read is a finding, not a pass.
 */
export function privilegedActions(actions: string[]): string[] {
    return actions.filter(a => a.includes("*") || PRIVILEGED_ACTIONS.some(p => coversAction(a, p)));
}
