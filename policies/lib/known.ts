import { PermissionType } from "../../lib/catalog";
import { StackConsent } from "./stack";

/** Names that exist in a stack, for saying which part of an unused approval matches nothing. */
export function knownPermissionNames(stack: StackConsent, type: PermissionType): { clients: string[]; resources: string[]; permissions: string[] } {
    const resources = new Set<string>();
    const permissions = new Set<string>();
    for (const app of stack.apps) {
        app.names.forEach(n => resources.add(n));
        for (const p of (type === "delegated" ? app.scopes : app.roles).values()) {
            permissions.add(p.value);
            permissions.add(p.id);
        }
    }
    for (const r of stack.catalog.resources) {
        [r.appId, r.name, ...r.aliases].forEach(n => resources.add(n));
        for (const p of r.permissions)
            if (p.type === type) {
                permissions.add(p.value);
                permissions.add(p.id);
            }
    }
    return { clients: stack.clientNames(), resources: [...resources], permissions: [...permissions] };
}
