/**
 * Exceptions are owned by the security team and live in the policy pack's config (the file given to
 * `--policy-pack-config`), under the policy they except:
 *
 *   { "azuread-approleassignment-disallow-privileged-permissions": { "approvals": [
 *       { "tenant": "11111111-...", "client": "orders-reports", "resource": "microsoft-graph", "permission": "Sites.Read.All",
 *         "type": "application", "ticket": "SEC-1234", "approver": "alice@contoso.example", "expires": "2027-03-31" } ] } }
 *
 * An approval applies to one tenant only, matches exactly (names are case-sensitive, as in the stack config; GUIDs
 * are GUIDs in any case), and holds through its `expires` day. Several may match: any valid one covers, and a tier-0
 * finding needs one that says `"tier0": true`. An approval that covers nothing is reported with the reason.
 */
import { PolicyConfigSchema } from "@pulumi/policy";
import { GUID_PATTERN, isGuid } from "../../lib/ids";
import { closest } from "../../lib/suggest";

export type ApprovalType = "application" | "delegated" | "sign-in-audience" | "directory-role" | "federated-credential";
export const APPROVAL_TYPES: ApprovalType[] = ["application", "delegated", "sign-in-audience", "directory-role", "federated-credential"];

export interface Approval {
    /** the tenant ID the approval applies to: never another one */
    tenant: string;
    /** the client: its app key, client ID, the Pulumi name of its registration / service principal, or its object ID */
    client: string;
    /** the resource API: app key, alias (microsoft-graph), appId, or the object ID an unidentified grant names */
    resource?: string;
    /** permission value or GUID; for sign-in-audience the audience; for directory-role the role name or ID */
    permission: string;
    type: ApprovalType;
    ticket: string;
    approver: string;
    /** a calendar date (YYYY-MM-DD): the last day the approval holds */
    expires: string;
    /** an approval covers tier 1; a tier-0 (control plane) permission needs this set as well */
    tier0?: boolean;
}

export const approvalSchema = {
    type: "object",
    additionalProperties: false,
    required: ["tenant", "client", "permission", "type", "ticket", "approver", "expires"],
    properties: {
        tenant: { type: "string", pattern: GUID_PATTERN, description: "the tenant ID the approval applies to" },
        client: { type: "string", minLength: 1 },
        resource: { type: "string", minLength: 1 },
        permission: { type: "string", minLength: 1 },
        type: { type: "string", enum: APPROVAL_TYPES },
        ticket: { type: "string", minLength: 1 },
        approver: { type: "string", minLength: 1 },
        expires: { type: "string", format: "date", description: "a calendar date, YYYY-MM-DD" },
        tier0: { type: "boolean" },
    },
} as const;

export const approvalsConfigSchema: PolicyConfigSchema = {
    properties: { approvals: { type: "array", items: approvalSchema as any, default: [] } },
};

/** What a finding is about, in every name an approval may use for it. */
export interface Subject {
    type: ApprovalType;
    clientNames: string[];
    resourceNames: string[];
    permissionNames: string[];
}

export type ApprovalMatch =
    | { status: "approved"; approval: Approval }
    | { status: "expired" | "lacks-tier0" | "invalid-date" | "other-tenant"; approval: Approval }
    | { status: "none" };

/** Exact, case-sensitive; a GUID equals the same GUID in any case. */
export const sameName = (a: string, b: string): boolean => a === b || (isGuid(a) && isGuid(b) && a.toLowerCase() === b.toLowerCase());

/** The UTC midnight after `expires`, or undefined when it is not a real calendar date (2027-02-30, 31/01/2027). */
export function expiryEnd(expires: string): number | undefined {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(expires);
    if (!m) return undefined;
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const t = Date.UTC(y, mo - 1, d);
    const back = new Date(t);
    if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
    return t + 24 * 3600 * 1000;
}

function matchesSubject(a: Approval, s: Subject): boolean {
    const has = (names: string[], v?: string) => v !== undefined && names.some(n => sameName(n, v));
    return (
        a.type === s.type &&
        has(s.clientNames, a.client) &&
        (s.type === "sign-in-audience" || s.type === "directory-role" || has(s.resourceNames, a.resource)) &&
        has(s.permissionNames, a.permission)
    );
}

/**
 * The approvals of one policy for one stack: answers whether a finding is covered, and remembers what each approval
 * did, so that those that covered nothing can be reported with the reason.
 */
export class ApprovalLedger {
    private readonly used = new Set<Approval>();
    private readonly near = new Map<Approval, ApprovalMatch["status"]>();

    constructor(
        readonly approvals: readonly Approval[],
        readonly tenant: string | undefined,
        readonly now = new Date(),
    ) {}

    /**
     * Whether `subject` is covered; `tier0`: the finding needs an approval that says tier0; `tenant`: the tenant the
     * resource is deployed to (its azuread provider's), when it differs from the stack's.
     */
    check(subject: Subject, tier0: boolean, tenant = this.tenant): ApprovalMatch {
        const candidates = this.approvals.filter(a => matchesSubject(a, subject));
        let best: ApprovalMatch = { status: "none" };
        const rank = { none: 0, "other-tenant": 1, "invalid-date": 2, expired: 3, "lacks-tier0": 4, approved: 5 };
        for (const a of candidates) {
            const end = expiryEnd(a.expires);
            const status: ApprovalMatch["status"] =
                !tenant || !sameName(a.tenant, tenant)
                    ? "other-tenant"
                    : end === undefined
                      ? "invalid-date"
                      : this.now.getTime() >= end
                        ? "expired"
                        : tier0 && a.tier0 !== true
                          ? "lacks-tier0"
                          : "approved";
            if (status === "approved") this.used.add(a);
            else if (rank[status] > rank[this.near.get(a) ?? "none"]) this.near.set(a, status);
            const better = rank[status] > rank[best.status] || (best.status !== "none" && status === best.status && a.expires > best.approval.expires);
            if (better) best = { status, approval: a } as ApprovalMatch;
        }
        return best;
    }

    /**
     * Approvals of this stack's tenant that covered nothing, each with the reason. `known` lists what exists in the
     * stack (for did-you-mean); approvals for other tenants are not this stack's concern unless they nearly matched.
     */
    unused(known: { clients: string[]; resources: string[]; permissions: string[] }): { approval: Approval; reason: string }[] {
        const out: { approval: Approval; reason: string }[] = [];
        for (const a of this.approvals) {
            if (this.used.has(a)) continue;
            const near = this.near.get(a);
            const ours = !!this.tenant && sameName(a.tenant, this.tenant);
            if (!ours && near !== "other-tenant") continue;
            const reason =
                near === "other-tenant"
                    ? `it applies to tenant ${a.tenant}, and this stack deploys to ${this.tenant ?? "an undeclared tenant"}`
                    : near === "invalid-date" || expiryEnd(a.expires) === undefined
                      ? `its expires "${a.expires}" is not a calendar date (YYYY-MM-DD)`
                      : near === "expired" || this.now.getTime() >= expiryEnd(a.expires)!
                        ? `it expired on ${a.expires}`
                        : near === "lacks-tier0"
                          ? `the permission is tier 0, and the approval does not say "tier0": true`
                          : (missingName(a, known) ?? "it matches nothing in this stack that needs an approval");
            out.push({ approval: a, reason });
        }
        return out;
    }
}

function missingName(a: Approval, known: { clients: string[]; resources: string[]; permissions: string[] }): string | undefined {
    const check = (what: string, v: string | undefined, names: string[]) => {
        if (v === undefined || names.some(n => sameName(n, v))) return undefined;
        const c = closest(v, names);
        return `no ${what} "${v}" exists in this stack${c ? ` (did you mean "${c}"?)` : ""}`;
    };
    return (
        check("client", a.client, known.clients) ??
        (a.type === "sign-in-audience" || a.type === "directory-role" ? undefined : check("resource", a.resource, known.resources)) ??
        check("permission", a.permission, known.permissions)
    );
}

/** The sentence a violation ends with: how the security team approves an exception. */
export function howToApprove(policy: string, subject: Subject, tenant: string | undefined, tier0 = false): string {
    const example: Record<string, unknown> = {
        tenant: tenant ?? "<tenant id>",
        client: subject.clientNames[0],
        resource: subject.resourceNames[0],
        permission: subject.permissionNames[0],
        type: subject.type,
        ticket: "...",
        approver: "...",
        expires: "YYYY-MM-DD",
    };
    if (subject.type === "sign-in-audience") delete example.resource;
    if (tier0) example.tier0 = true;
    return `An exception needs an approval in the policy config under "${policy}".approvals: ${JSON.stringify(example)}`;
}

export function describeMatch(m: ApprovalMatch): string {
    switch (m.status) {
        case "expired":
            return ` The approval ${m.approval.ticket} (by ${m.approval.approver}) expired on ${m.approval.expires}.`;
        case "lacks-tier0":
            return ` The approval ${m.approval.ticket} (by ${m.approval.approver}) does not say "tier0": true.`;
        case "invalid-date":
            return ` The approval ${m.approval.ticket} has an expiry that is not a calendar date ("${m.approval.expires}"), so it is none.`;
        case "other-tenant":
            return ` The approval ${m.approval.ticket} applies to tenant ${m.approval.tenant}, not this one.`;
        default:
            return "";
    }
}
