import { ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { ApprovalLedger, Subject } from "./lib/approvals";
import { catalog } from "./lib/catalog";
import { alternativeText, tierFields, tierText, unidentifiedText } from "./lib/describe";
import { judgeFinding, reportFinding, reportUnusedApprovals, tenantOf } from "./lib/findings";
import { knownPermissionNames } from "./lib/known";
import { Grant, StackConsent, stackConsent } from "./lib/stack";
import { noteLoweredTier, reportRefusedOverrides, TierOverrides, tierPolicyConfig, tierPolicyConfigSchema } from "./lib/tiers";

const name = "azuread-delegatedpermissiongrant-disallow-privileged-scopes";

/**
 * Whether a delegated grant needs an approval: a tenant-wide (AllPrincipals) grant from tier 1 up, one user's grant at
 * tier 0, and any grant whose principal or resource the pack cannot identify (fail closed).
 */
export function grantNeedsApproval(grant: { allPrincipals: boolean; effectiveTier: number; unidentified: boolean }): boolean {
    return grant.unidentified || (grant.allPrincipals ? grant.effectiveTier <= 1 : grant.effectiveTier === 0);
}

const subjectOf = (clientNames: string[], resourceNames: string[], value: string, id?: string): Subject => ({
    type: "delegated",
    clientNames,
    resourceNames,
    permissionNames: [value, ...(id ? [id] : [])],
});

/** One rule per route to delegated consent, each judged against the stack's approvals and tier overrides. */
class ScopeJudge {
    constructor(
        private readonly stack: StackConsent,
        private readonly args: StackValidationArgs,
        private readonly report: ReportViolation,
        readonly ledger: ApprovalLedger,
        readonly overrides: TierOverrides,
    ) {}

    /** Tenant-wide and single-user grants; scopes known only after the write are a finding of their own. */
    grants(): void {
        for (const g of this.stack.grants) {
            if (g.valuesPending) {
                reportFinding(this.report, {
                    urn: g.resource.urn,
                    app: g.client.label,
                    resource: this.stack.resourceLabel(g.target),
                    type: "delegated",
                    tier: null,
                    message: `${g.client.label} is granted delegated permissions of ${this.stack.resourceLabel(g.target)} that are not known before the write (they come from another resource's outputs), so no policy can judge them before they exist. List the scopes as literal values.`,
                });
            }
            if (g.client.kind === "pending" || g.target.kind === "pending") continue;
            for (const value of g.values) this.grantedScope(g, value);
        }
    }

    private grantedScope(g: Grant, value: string): void {
        const { stack, args, report } = this;
        const unidentified = unidentifiedText(g.client, g.target);
        const j = stack.judge(g.target, "delegated", value, { overrides: this.overrides, tenant: tenantOf(g.resource, args) });
        const scope = g.allPrincipals ? "for every user in the tenant (AllPrincipals)" : "for one user";
        const what = `${g.client.label} is granted the ${j.resourceName} delegated permission ${j.value} ${scope} (${tierText(j)}).`;
        const fields = { app: g.client.label, resource: stack.resourceLabel(g.target), type: "delegated", ...tierFields(j) };
        if (!grantNeedsApproval({ allPrincipals: g.allPrincipals, effectiveTier: j.effectiveTier, unidentified: !!unidentified })) {
            noteLoweredTier(report, j, { urn: g.resource.urn, message: what, ...fields });
            return;
        }
        const tier0 = j.effectiveTier === 0 && (g.allPrincipals || !!unidentified);
        const verdict =
            g.allPrincipals && j.effectiveTier === 0
                ? "A tenant-wide grant of a tier-0 scope lets the app do it for every user, administrators included: denied."
                : "This grant needs an approval.";
        judgeFinding(report, {
            policy: name,
            ledger: this.ledger,
            subject: subjectOf(g.client.names, stack.resourceNames(g.target), j.value, j.id),
            tier0,
            tenant: tenantOf(g.resource, args),
            urn: g.resource.urn,
            message: `${what}${unidentified} ${verdict}${alternativeText(j)}`,
            fields,
        });
    }

    /** Pre-authorization is consent for every user of that client: judged like a tenant-wide grant. */
    preAuthorizations(): void {
        const { stack, args, report } = this;
        for (const p of stack.preAuthorizations) {
            if (!p.api) {
                if (p.apiPending) continue;
                judgeFinding(report, {
                    policy: name,
                    ledger: this.ledger,
                    subject: subjectOf([p.clientId ?? "?"], ["?"], p.permissionIds[0] ?? "?"),
                    tier0: true,
                    tenant: tenantOf(p.resource, args),
                    urn: p.resource.urn,
                    message: `A pre-authorization names an application that is not an app registration of this stack, so the pack cannot judge what it approves. What the pack cannot identify it treats as tier 0.`,
                    fields: { app: p.clientId, type: "delegated", tier: null },
                });
                continue;
            }
            const clientNames = p.client?.names ?? (p.clientId ? [p.clientId] : []);
            const clientLabel = p.client?.label ?? p.clientId ?? "a client not known yet";
            for (const id of p.permissionIds) {
                if (!p.api.scopes.has(id)) continue; // not a scope: azuread-applicationpreauthorized-allow-only-delegated-scopes
                const j = stack.judge({ kind: "app", app: p.api }, "delegated", id);
                if (j.effectiveTier === 2) continue;
                judgeFinding(report, {
                    policy: name,
                    ledger: this.ledger,
                    subject: subjectOf(clientNames, p.api.names, j.value, j.id),
                    tier0: j.effectiveTier === 0,
                    tenant: tenantOf(p.resource, args),
                    urn: p.resource.urn,
                    message: `${p.api.label} pre-authorizes ${clientLabel} for ${j.value} (${tierText(j)}): every user of that client gets it without a prompt, like a tenant-wide grant. ${j.effectiveTier === 0 ? "Denied without a tier-0 approval." : "This needs an approval."}`,
                    fields: { app: clientLabel, resource: p.api.label, type: "delegated", ...tierFields(j) },
                });
            }
        }
    }

    /** Tier-0 scopes users may consent to themselves, requested by a client of the stack. */
    userConsentRequests(): void {
        const { stack, args, report } = this;
        for (const r of stack.requests) {
            if (r.type !== "delegated" || !r.id || r.resource.kind === "pending" || r.resource.kind === "unidentified") continue;
            const j = stack.judge(r.resource, "delegated", r.id, { overrides: this.overrides, tenant: tenantOf(r.client.registration, args) });
            if (j.effectiveTier !== 0 || j.adminConsentRequired !== false) continue;
            judgeFinding(report, {
                policy: name,
                ledger: this.ledger,
                subject: subjectOf(r.client.names, stack.resourceNames(r.resource), j.value, j.id),
                tier0: true,
                tenant: tenantOf(r.client.registration, args),
                urn: r.urn,
                message: `${r.client.label} requests the ${j.resourceName} delegated permission ${j.value} (${tierText(j)}), which users may consent to themselves, without an administrator: one phished click hands it over.`,
                fields: { app: r.client.label, resource: stack.resourceLabel(r.resource), type: "delegated", ...tierFields(j) },
            });
        }
    }

    /** Tier-0 scopes an API of the stack exposes for user consent. */
    userConsentScopes(): void {
        const { stack, args, report } = this;
        for (const api of stack.apps) {
            for (const s of api.scopes.values()) {
                if (s.adminOnly || (api.tiers.get(s.value) ?? 2) !== 0) continue;
                judgeFinding(report, {
                    policy: name,
                    ledger: this.ledger,
                    subject: subjectOf(api.names, api.names, s.value, s.id),
                    tier0: true,
                    tenant: tenantOf(api.registration, args),
                    urn: s.resource?.urn ?? api.registration.urn,
                    message: `${api.label} exposes its tier-0 scope ${s.value} for user consent (type User): any user can hand it to any client. Make it admin-consent (consent: admin).`,
                    fields: { app: api.label, resource: api.label, permission: s.value, type: "delegated", tier: 0 },
                });
            }
        }
    }
}

/**
 * Every route to delegated consent, by tier: tenant-wide grants, single-user grants, pre-authorizations (consent for
 * every user of that client) and tier-0 scopes that users may consent to themselves.
 */
export const delegatedGrantDisallowPrivilegedScopes: StackValidationPolicy = {
    name,
    description:
        "Rejects every route to delegated consent by tier: tenant-wide (AllPrincipals) grants and pre-authorizations (consent for every user of that client, whether an app of the stack or a bare client ID) of tier-0 scopes, and of tier-1 scopes without an approval; single-user grants of tier-0 scopes without an approval; tier-0 scopes users may consent to themselves (requested by a client of the stack, or exposed by one of its APIs as `consent: user`) without an approval; grants whose principal or resource the pack cannot identify.",
    enforcementLevel: "mandatory",
    configSchema: tierPolicyConfigSchema("delegated"),
    validateStack: (args, report) => {
        const stack = stackConsent(args.resources, catalog);
        const { ledger, overrides } = tierPolicyConfig(delegatedGrantDisallowPrivilegedScopes, args, catalog);
        const judge = new ScopeJudge(stack, args, report, ledger, overrides);
        judge.grants();
        judge.preAuthorizations();
        judge.userConsentRequests();
        judge.userConsentScopes();
        reportUnusedApprovals(report, name, judge.ledger, knownPermissionNames(stack, "delegated"));
        reportRefusedOverrides(report, name, judge.overrides, tenantOf(undefined, args));
    },
};
