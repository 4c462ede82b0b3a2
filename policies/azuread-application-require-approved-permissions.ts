import { StackValidationPolicy } from "@pulumi/policy";
import { catalog } from "./lib/catalog";
import { Request, ResourceKey, stackConsent, StackConsent } from "./lib/stack";

const sameResource = (a: ResourceKey, b: ResourceKey) =>
    a.kind === "app" ? b.kind === "app" && a.app === b.app : a.kind === "microsoft" && b.kind === "microsoft" && a.appId === b.appId;

/** A scope users may consent to themselves: not admin-only (the tenant's user consent setting still applies). */
function userConsentable(stack: StackConsent, r: Request): boolean {
    if (!r.client.userConsent || r.type !== "delegated" || !r.id) return false;
    if (r.resource.kind === "app") return r.resource.app.scopes.get(r.id)?.adminOnly === false;
    if (r.resource.kind === "microsoft") return catalog.resource(r.resource.appId)?.permissions.find(p => p.id === r.id)?.adminConsentRequired === false;
    return false;
}

/** Requested equals approved: the AADSTS65001 of tomorrow on one side, hidden privilege on the other. */
export const applicationRequireApprovedPermissions: StackValidationPolicy = {
    name: "azuread-application-require-approved-permissions",
    description:
        "Rejects a permission an app of the stack requests with no approval in the stack (grant, assignment, pre-authorization, or user consent for a user-consentable scope when the app says `consent: user`), and an approval of something not requested.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const stack = stackConsent(args.resources, catalog);
        for (const r of stack.requests) {
            if (!r.id || r.resource.kind === "pending" || r.resource.kind === "unidentified") continue;
            const j = stack.judge(r.resource, r.type, r.id);
            const label = `${r.client.label} requests the ${j.resourceName} ${r.type} permission ${j.value}`;
            if (r.type === "application") {
                const ok = stack.assignments.some(a => a.principal.app === r.client && sameResource(a.target, r.resource) && a.appRoleId === r.id);
                if (!ok)
                    report(
                        `${label}, but no app role assignment approves it in this stack: its client-credentials token for ${stack.resourceLabel(r.resource)}/.default will lack this role and the API will answer 403. Add the assignment (list it under application:), or stop requesting it.`,
                        r.urn,
                    );
                continue;
            }
            const granted = stack.grants.some(g => g.client.app === r.client && sameResource(g.target, r.resource) && g.values.includes(j.value));
            const preAuthorized =
                r.resource.kind === "app" &&
                stack.preAuthorizations.some(p => p.api === (r.resource as any).app && p.client === r.client && p.permissionIds.includes(r.id!));
            if (granted || preAuthorized || userConsentable(stack, r)) continue;
            const why = r.client.userConsent ? "users cannot consent to it (it needs an administrator)" : "nothing approves it";
            report(
                `${label}, but ${why} in this stack: non-interactive flows (on-behalf-of, silent, refresh) fail with AADSTS65001 and sign-ins show "needs admin approval". Approve it here (consent: admin, or pre-authorize the client on its API), or stop requesting it.`,
                r.urn,
            );
        }
        const requested = (app: unknown, target: ResourceKey, type: "delegated" | "application", id: string | undefined, value: string) =>
            stack.requests.some(
                r =>
                    r.client === app &&
                    r.type === type &&
                    sameResource(r.resource, target) &&
                    (r.id === id || (!!r.id && stack.judge(r.resource, type, r.id).value === value)),
            );
        for (const g of stack.grants) {
            if (g.client.kind !== "app" || g.target.kind === "pending" || g.target.kind === "unidentified") continue;
            for (const value of g.values) {
                const j = stack.judge(g.target, "delegated", value);
                if (!requested(g.client.app, g.target, "delegated", j.id, j.value)) {
                    report(
                        `${g.client.label} is granted the ${j.resourceName} delegated permission ${j.value}, which it does not request: a grant nobody asked for is hidden privilege. Request it (list it under delegated:) or remove it from the grant.`,
                        g.resource.urn,
                    );
                }
            }
        }
        for (const a of stack.assignments) {
            if (a.principal.kind !== "app" || !a.appRoleId || a.target.kind === "pending" || a.target.kind === "unidentified") continue;
            const j = stack.judge(a.target, "application", a.appRoleId);
            if (!requested(a.principal.app, a.target, "application", j.id, j.value)) {
                report(
                    `${a.principal.label} is assigned the ${j.resourceName} application permission ${j.value}, which it does not request: an assignment nobody asked for is hidden privilege. Request it (list it under application:) or remove the assignment.`,
                    a.resource.urn,
                );
            }
        }
        for (const p of stack.preAuthorizations) {
            if (!p.client || !p.api) continue;
            for (const id of p.permissionIds) {
                const scope = p.api.scopes.get(id);
                if (scope && !requested(p.client, { kind: "app", app: p.api }, "delegated", id, scope.value)) {
                    report(
                        `${p.api.label} pre-authorizes ${p.client.label} for ${scope.value}, which ${p.client.label} does not request: pre-authorize only what the client asks for.`,
                        p.resource.urn,
                    );
                }
            }
        }
    },
};
