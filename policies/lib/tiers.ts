/**
 * Tenant overrides of permission tiers, owned by the security team, in the policy config under the policy that judges
 * that type of permission (application: azuread-approleassignment-disallow-privileged-permissions; delegated:
 * azuread-delegatedpermissiongrant-disallow-privileged-scopes):
 *
 *   { "azuread-approleassignment-disallow-privileged-permissions": { "tiers": [
 *       { "tenant": "11111111-...", "resource": "microsoft-graph", "permission": "Mail.Send", "type": "application",
 *         "tier": 0, "reason": "mail from our domain is trusted by partners", "ticket": "SEC-9" } ] } }
 *
 * An override sets the tier of one Microsoft API permission (raise or lower) for one tenant only. Lowering a tier-0
 * permission (or an unclassified one, which counts as tier 0) needs `"tier0": true`, as approvals do. An override that
 * names no catalog permission, lowers tier 0 without the flag, or repeats another for the same tenant is refused: an
 * input error offline (lib/plan/policies.ts), and under the engine it is ignored and reported as an advisory finding.
 */
import { PolicyConfigSchema, ReportViolation, StackValidationArgs } from "@pulumi/policy";
import { CatalogPermission, CatalogResource, effectiveTier, PermissionCatalog, PermissionType, Tier } from "../../lib/catalog";
import { closest } from "../../lib/suggest";
import { Approval, ApprovalLedger, approvalSchema, approvalsConfigSchema, sameName } from "./approvals";
import { policyOptions } from "./config";
import { Finding, reportFinding, tenantOf } from "./findings";

export interface TierOverride {
    /** the tenant ID the override applies to: never another one */
    tenant: string;
    /** a Microsoft API of the catalog: alias (microsoft-graph) or appId */
    resource: string;
    /** permission value or GUID */
    permission: string;
    type: PermissionType;
    tier: Tier;
    reason: string;
    ticket: string;
    /** lowering a tier-0 (or unclassified) permission needs this set */
    tier0?: boolean;
}

const text = { type: "string", minLength: 1 } as const;

/** One override, of the permission type the policy judges. */
export function tierOverrideSchema(type: PermissionType) {
    return {
        type: "object",
        additionalProperties: false,
        required: ["tenant", "resource", "permission", "type", "tier", "reason", "ticket"],
        properties: {
            tenant: approvalSchema.properties.tenant,
            resource: text,
            permission: text,
            type: { type: "string", enum: [type], description: `this policy judges ${type} permissions` },
            tier: { type: "integer", enum: [0, 1, 2] },
            reason: text,
            ticket: text,
            tier0: { type: "boolean" },
        },
    } as const;
}

/** The config of a policy that judges tiers: approvals and tier overrides. */
export function tierPolicyConfigSchema(type: PermissionType): PolicyConfigSchema {
    return { properties: { ...approvalsConfigSchema.properties, tiers: { type: "array", items: tierOverrideSchema(type) as any, default: [] } } };
}

export interface OverrideProblem {
    index: number;
    field?: keyof TierOverride;
    message: string;
    hint?: string;
}
export interface ResolvedOverride {
    override: TierOverride;
    index: number;
    resource: CatalogResource;
    permission: CatalogPermission;
}

/** Resolves overrides against the catalog; each refused one is a problem naming its index and field (did-you-mean). */
export function resolveOverrides(
    overrides: readonly TierOverride[],
    catalog: PermissionCatalog,
): { resolved: ResolvedOverride[]; problems: OverrideProblem[] } {
    const resolved: ResolvedOverride[] = [];
    const problems: OverrideProblem[] = [];
    overrides.forEach((o, index) => {
        const resource = catalog.resource(o.resource);
        if (!resource) {
            const c = closest(o.resource, [...catalog.aliases(), ...catalog.resources.map(r => r.appId)]);
            problems.push({
                index,
                field: "resource",
                message: `no Microsoft API "${o.resource}" is in the catalog`,
                hint: c ? `did you mean "${c}"?` : "an alias such as microsoft-graph, or an appId",
            });
            return;
        }
        const r = catalog.resolve(resource, o.permission, o.type);
        if (!r.ok) {
            problems.push({ index, field: "permission", message: r.reason, hint: r.suggestion ? `did you mean "${r.suggestion}"?` : undefined });
            return;
        }
        const base = effectiveTier(r.permission);
        if (base === 0 && o.tier > 0 && o.tier0 !== true) {
            problems.push({
                index,
                field: "tier",
                message: `lowers ${resource.name}'s ${r.permission.value} from tier 0${r.permission.tier === null ? " (not classified yet, so it counts as tier 0)" : ""} to tier ${o.tier} without "tier0": true`,
                hint: 'lowering a tier-0 permission needs "tier0": true, as a tier-0 approval does',
            });
            return;
        }
        const twin = resolved.find(x => sameName(x.override.tenant, o.tenant) && samePermission(x, resource, r.permission));
        if (twin) {
            problems.push({
                index,
                message: `sets the tier of ${resource.name}'s ${r.permission.value} for tenant ${o.tenant} again (tiers[${twin.index}] does already)`,
                hint: "one override per permission and tenant",
            });
            return;
        }
        resolved.push({ override: o, index, resource, permission: r.permission });
    });
    return { resolved, problems };
}

/** The overrides of one policy's config, resolved once per stack validation; shared by StackConsent.judge. */
export class TierOverrides {
    readonly resolved: ResolvedOverride[];
    readonly problems: OverrideProblem[];

    constructor(
        readonly overrides: readonly TierOverride[],
        catalog: PermissionCatalog,
    ) {
        ({ resolved: this.resolved, problems: this.problems } = resolveOverrides(overrides, catalog));
    }

    /** The override that decides a catalog permission's tier in a tenant; none when the tenant is not known. */
    find(resource: CatalogResource, permission: CatalogPermission, tenant: string | undefined): TierOverride | undefined {
        if (!tenant) return undefined;
        return this.resolved.find(x => samePermission(x, resource, permission) && sameName(x.override.tenant, tenant))?.override;
    }
}

/**
 * What a tier policy (tierPolicyConfigSchema) reads from its config for one stack validation: its approvals, scoped to
 * the stack's tenant, and its tier overrides.
 */
export function tierPolicyConfig(
    policy: { configSchema?: PolicyConfigSchema },
    args: StackValidationArgs,
    catalog: PermissionCatalog,
): { ledger: ApprovalLedger; overrides: TierOverrides } {
    const config = policyOptions<{ approvals: Approval[]; tiers: TierOverride[] }>(policy, args);
    return { ledger: new ApprovalLedger(config.approvals, tenantOf(undefined, args)), overrides: new TierOverrides(config.tiers, catalog) };
}

/** By identity of the data, not of the objects: the catalog a policy judges with may be another instance of the same file. */
const samePermission = (x: ResolvedOverride, resource: CatalogResource, permission: CatalogPermission) =>
    x.resource.appId === resource.appId && x.permission.id === permission.id && x.permission.type === permission.type;

/** What a judgement carries when an override decided its tier. */
export interface OverrideNote {
    ticket: string;
    reason: string;
    catalogTier: Tier | null;
}

/** A judgement with the override's tier, remembering the catalog's: pure. */
export function applyOverride<J extends { tier: Tier | null; effectiveTier: Tier }>(j: J, o: TierOverride | undefined): J & { override?: OverrideNote } {
    if (!o) return j;
    return { ...j, tier: o.tier, effectiveTier: o.tier, override: { ticket: o.ticket, reason: o.reason, catalogTier: j.tier } };
}

/** Whether an override made a judgement less strict than the catalog: what passes because of it stays visible. */
export function loweredByOverride(j: { effectiveTier: Tier; override?: OverrideNote }): boolean {
    return !!j.override && j.effectiveTier > (j.override.catalogTier ?? 0);
}

/**
 * A permission that passes only because an override lowered its tier is reported as an advisory finding, so risk the
 * security team accepted stays visible in `pulumi preview`, as approved risk does.
 */
export function noteLoweredTier(report: ReportViolation, j: { effectiveTier: Tier; override?: OverrideNote }, finding: Finding & { urn: string }): void {
    if (loweredByOverride(j))
        reportFinding(report, { ...finding, enforcementLevel: "advisory", message: `Allowed by the tier override ${j.override!.ticket}: ${finding.message}` });
}

/** Under the engine: each refused override of this tenant is ignored and reported, as an advisory finding of its policy. */
export function reportRefusedOverrides(report: ReportViolation, policy: string, overrides: TierOverrides, tenant: string | undefined): void {
    for (const p of overrides.problems) {
        const o = overrides.overrides[p.index];
        if (!tenant || !sameName(o.tenant, tenant)) continue; // another tenant's: not this stack's concern
        reportFinding(report, {
            enforcementLevel: "advisory",
            resource: o.resource,
            permission: o.permission,
            type: o.type,
            tier: o.tier,
            message: `The tier override ${o.ticket} ("${policy}".tiers[${p.index}]) was ignored, so the permission keeps the catalog's tier: ${p.message}${p.hint ? ` (${p.hint})` : ""}.`,
        });
    }
}
