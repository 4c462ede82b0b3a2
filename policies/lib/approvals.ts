/**
 * Exceptions are owned by the security team and live in the policy pack's config (the file given to
 * `--policy-pack-config`), under the policy they except:
 *
 *   { "azuread-approleassignment-disallow-privileged-permissions": { "approvals": [
 *       { "client": "orders-reports", "resource": "microsoft-graph", "permission": "Sites.Read.All",
 *         "type": "application", "ticket": "SEC-1234", "approver": "alice@contoso.example", "expires": "2027-03-31" } ] } }
 *
 * An expired approval is no approval; the violation says that it expired, and when.
 */
import { PolicyConfigSchema } from "@pulumi/policy";

export type ApprovalType = "application" | "delegated" | "sign-in-audience" | "directory-role";

export interface Approval {
    /** the client: its app key, client ID, or the Pulumi name of its registration / service principal */
    client: string;
    /** the resource API: app key, alias (microsoft-graph) or appId; not used for sign-in-audience */
    resource?: string;
    /** permission value or GUID; for sign-in-audience the audience; for directory-role the role name or ID */
    permission: string;
    type: ApprovalType;
    ticket: string;
    approver: string;
    /** ISO date (YYYY-MM-DD): the last day the approval holds */
    expires: string;
    /** an approval covers tier 1; a tier-0 (control plane) permission needs this set as well */
    tier0?: boolean;
}

export const approvalSchema = {
    type: "object",
    additionalProperties: false,
    required: ["client", "permission", "type", "ticket", "approver", "expires"],
    properties: {
        client: { type: "string", minLength: 1 },
        resource: { type: "string", minLength: 1 },
        permission: { type: "string", minLength: 1 },
        type: { type: "string", enum: ["application", "delegated", "sign-in-audience", "directory-role"] },
        ticket: { type: "string", minLength: 1 },
        approver: { type: "string", minLength: 1 },
        expires: { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}$" },
        tier0: { type: "boolean" },
    },
} as const;

export const approvalsConfigSchema: PolicyConfigSchema = {
    properties: { approvals: { type: "array", items: approvalSchema as any, default: [] } },
};

export interface Subject {
    type: ApprovalType;
    clientNames: string[];
    resourceNames: string[];
    permissionNames: string[];
}

export type ApprovalMatch =
    | { status: "approved"; approval: Approval }
    | { status: "expired"; approval: Approval }
    | { status: "none" };

const norm = (s: string) => s.toLowerCase();

/** The day after `expires` (UTC) the approval no longer holds. */
function expired(a: Approval, now: Date): boolean {
    return now.getTime() >= Date.parse(`${a.expires}T00:00:00Z`) + 24 * 3600 * 1000;
}

export function findApproval(approvals: readonly Approval[] | undefined, subject: Subject, now = new Date()): ApprovalMatch {
    const has = (names: string[], v?: string) => v !== undefined && names.some(n => norm(n) === norm(v));
    const matches = (approvals ?? []).filter(a => a.type === subject.type && has(subject.clientNames, a.client)
        && (subject.type === "sign-in-audience" || has(subject.resourceNames, a.resource)) && has(subject.permissionNames, a.permission));
    const valid = matches.find(a => !expired(a, now));
    if (valid) return { status: "approved", approval: valid };
    const last = matches.sort((a, b) => b.expires.localeCompare(a.expires))[0];
    return last ? { status: "expired", approval: last } : { status: "none" };
}

/** Whether a match excepts the finding: a valid approval, which for a tier-0 finding must also say tier0. */
export function excepts(match: ApprovalMatch, tier0: boolean): boolean {
    return match.status === "approved" && (!tier0 || match.approval.tier0 === true);
}

/** The sentence a violation ends with: how the security team approves an exception. */
export function howToApprove(policy: string, subject: Subject, tier0 = false): string {
    const example: Record<string, unknown> = { client: subject.clientNames[0], resource: subject.resourceNames[0], permission: subject.permissionNames[0], type: subject.type, ticket: "...", approver: "...", expires: "YYYY-MM-DD" };
    if (subject.type === "sign-in-audience") delete example.resource;
    if (tier0) example.tier0 = true;
    return `An exception needs an approval in the policy config under "${policy}".approvals: ${JSON.stringify(example)}`;
}

export function describeMatch(m: ApprovalMatch): string {
    return m.status === "expired" ? ` The approval ${m.approval.ticket} (by ${m.approval.approver}) expired on ${m.approval.expires}.` : "";
}
