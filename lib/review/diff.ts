/**
 * What a change grants, per stack: the plan of the base and of the working tree compared (issue 12). Pure: the two
 * plans and consent models in, the review out; lib/review/review.ts plans the two sides.
 */
import { effectiveTier, Tier } from "../catalog";
import type { AppModel, ConsentModel } from "../model";
import type { Flow } from "../flows";
import type { PlanResult } from "../plan/plan";
import type { Violation } from "../plan/policies";
import { consentSummary, Mechanism } from "../summary";

/** One side of a stack: its plan and, when the stack declares this project's config, its consent model. */
export interface ReviewSide {
    stack: string;
    /** the stack file, as the reader should find it (`<ref>:Pulumi.x.yaml` for the base) */
    file: string;
    plan: PlanResult;
    model?: ConsentModel;
}

export type Approach = "grant" | "assignment" | "pre-authorization" | "user consent";
export type Change = "added" | "removed" | "unchanged";
export interface ApprovalRef {
    ticket: string;
    approver: string;
    expires: string;
    tier0?: boolean;
}
export interface PermissionRow {
    app: string;
    resource: string;
    type: "delegated" | "application";
    permission: string;
    tier: Tier;
    mechanism: Approach;
    /** who must approve it in this tenant, in words */
    approvers: string[];
    approval: ApprovalRef | null;
    change: Change;
    /** set when the mechanism changed: the base's */
    was?: Approach;
}
export interface ApprovalUse extends ApprovalRef {
    app: string;
    resource: string;
    permission: string;
    type: string;
}
export interface FlowChange {
    client: string;
    resource: string;
    flow: string;
    from: string | null;
    to: string | null;
    note?: string;
}
export interface CredentialChange {
    app: string;
    name: string;
    kind: string;
    change: "added" | "removed" | "changed";
    /** non-secret fields only (end dates, issuer, subject), never a value */
    fields: string[];
}
export interface SettingChange {
    app: string;
    setting: "redirectUris" | "owners" | "signInAudience";
    added: string[];
    removed: string[];
}
export interface ViolationLine {
    policy: string;
    enforcementLevel: string;
    message: string;
    urn?: string;
}
export type Risk = "high" | "elevated" | "low" | "none";
export type StackStatus = "changed" | "unchanged" | "added" | "removed" | "renamed";

export interface StackReview {
    stack: string;
    status: StackStatus;
    /** a renamed stack: its name at the base */
    baseStack?: string;
    files: { base: string | null; head: string | null };
    tenant: { id: string; name: string; baseId?: string };
    risk: Risk;
    /** why the review exits 1 for this stack */
    blocking: string[];
    apps: { added: string[]; removed: string[] };
    permissions: PermissionRow[];
    approvals: { newlyReliedOn: ApprovalUse[]; noLongerNeeded: ApprovalUse[]; expiringWithin30Days: ApprovalUse[] };
    flows: FlowChange[];
    credentials: CredentialChange[];
    settings: SettingChange[];
    violations: { new: ViolationLine[]; resolved: ViolationLine[] };
    resources: { added: string[]; removed: string[]; changed: string[] };
    /** every permission edge of both sides (unchanged ones too), for the consent graph; not in the JSON */
    edges: PermissionRow[];
}

const MECHANISM: Record<Mechanism, Approach> = {
    "admin-grant": "grant",
    "app-role-assignment": "assignment",
    "pre-authorized": "pre-authorization",
    "user-consent": "user consent",
};

const permKey = (p: { app?: string; resource?: string; type?: string; permission?: string }) =>
    `${p.app}\u0000${p.resource}\u0000${p.type}\u0000${p.permission}`;

/** The approval that covers each approved permission (the policies' advisory "Approved:" findings), by permission. */
function approvalsOf(plan: PlanResult): Map<string, ApprovalUse> {
    const out = new Map<string, ApprovalUse>();
    for (const v of plan.violations) {
        if (v.approval && v.app && v.permission)
            out.set(permKey(v), { ...v.approval, app: v.app, resource: v.resource ?? "", permission: v.permission, type: v.type ?? "" });
    }
    return out;
}

/** The tier the policies judged by (tenant overrides included), else the catalog's. */
function tiersOf(plan: PlanResult): Map<string, Tier> {
    return new Map(plan.violations.filter(v => v.app && v.permission && typeof v.tier === "number").map(v => [permKey(v), v.tier as Tier]));
}

/**
 * Who must approve a permission in this tenant: the security team for tier 0/1 (an approval in the policy config),
 * and for the approval itself, the role Entra requires ("Two commands"/"Real use" tables in README.md: Privileged Role
 * Administrator for Microsoft Graph, Cloud Application Administrator otherwise), the API's owners for a
 * pre-authorization, each user for user consent.
 */
function approversOf(row: Pick<PermissionRow, "resource" | "tier" | "mechanism">, plan: PlanResult): string[] {
    const out: string[] = [];
    if (row.tier === 0) out.push('the security team: an approval with "tier0": true');
    else if (row.tier === 1) out.push("the security team: an approval");
    const graph = row.resource === "microsoft-graph";
    if (row.mechanism === "grant" || row.mechanism === "assignment")
        out.push(`the deploying identity as ${graph ? "Privileged Role Administrator (Microsoft Graph)" : "Cloud Application Administrator"}`);
    else if (row.mechanism === "pre-authorization") out.push(`the owners of ${row.resource} (pre-authorization on its registration)`);
    else if ((plan.tenant.userConsent ?? "none") === "none") out.push("an admin: users may not consent in this tenant (userConsent: none)");
    else out.push(`each user, when prompted (tenant userConsent: ${plan.tenant.userConsent})`);
    return out;
}

/** Every permission a side's apps hold, with tier, mechanism, approvers and covering approval. */
function permissionRows(side: ReviewSide | undefined): Map<string, PermissionRow> {
    const out = new Map<string, PermissionRow>();
    if (!side?.model) return out;
    const approvals = approvalsOf(side.plan);
    const tiers = tiersOf(side.plan);
    const summary = consentSummary(side.model);
    for (const app of side.model.apps) {
        const requests = [...app.delegated.map(r => ["delegated", r] as const), ...app.application.map(r => ["application", r] as const)];
        for (const [type, request] of requests) {
            const line = summary[app.key].requests.find(l => l.type === type && l.resource === request.resource.label);
            for (const p of request.permissions) {
                const key = permKey({ app: app.key, resource: request.resource.label, type, permission: p.value });
                const mechanism = MECHANISM[line?.permissions.find(x => x.id === p.id)?.mechanism ?? "app-role-assignment"];
                const tier = tiers.get(key) ?? effectiveTier(p);
                const row = { app: app.key, resource: request.resource.label, type, permission: p.value, tier, mechanism };
                const approval = approvals.get(key);
                out.set(key, {
                    ...row,
                    approvers: approversOf(row, side.plan),
                    approval: approval
                        ? { ticket: approval.ticket, approver: approval.approver, expires: approval.expires, ...(approval.tier0 ? { tier0: true } : {}) }
                        : null,
                    change: "unchanged",
                });
            }
        }
    }
    return out;
}

/** Permission edges of both sides, each marked added, removed or unchanged (a mechanism change keeps the base's in `was`). */
export function diffPermissions(base: ReviewSide | undefined, head: ReviewSide | undefined): PermissionRow[] {
    const before = permissionRows(base);
    const after = permissionRows(head);
    const rows: PermissionRow[] = [];
    for (const [key, row] of after) {
        const old = before.get(key);
        rows.push(old ? { ...row, ...(old.mechanism !== row.mechanism ? { was: old.mechanism } : {}) } : { ...row, change: "added" });
    }
    for (const [key, row] of before) if (!after.has(key)) rows.push({ ...row, change: "removed" });
    // tier 0 first, then tier 1: what a reviewer must read first
    return rows.sort(
        (a, b) => a.tier - b.tier || a.app.localeCompare(b.app) || a.resource.localeCompare(b.resource) || a.permission.localeCompare(b.permission),
    );
}

function diffApprovals(base: ReviewSide | undefined, head: ReviewSide | undefined, today: Date): StackReview["approvals"] {
    const before = base ? approvalsOf(base.plan) : new Map<string, ApprovalUse>();
    const after = head ? approvalsOf(head.plan) : new Map<string, ApprovalUse>();
    const same = (a: ApprovalUse, b?: ApprovalUse) => !!b && a.ticket === b.ticket && a.expires === b.expires;
    // "holds through that day" (README, Approving an exception): expiring within 30 days means its last day is at most 30 days away
    const horizon = new Date(today.getTime() + 30 * 86_400_000).toISOString().slice(0, 10);
    return {
        newlyReliedOn: [...after].filter(([k, a]) => !same(a, before.get(k))).map(([, a]) => a),
        noLongerNeeded: [...before].filter(([k, a]) => !same(a, after.get(k))).map(([, a]) => a),
        expiringWithin30Days: [...after.values()].filter(a => a.expires <= horizon),
    };
}

/** Scopes a `consent: user` client starts to request on an API its users may already have consented to. */
function userConsentScopesAdded(permissions: PermissionRow[], base: ReviewSide | undefined): Map<string, string[]> {
    const out = new Map<string, string[]>();
    const held = new Set(permissions.filter(p => p.change !== "added" && p.mechanism === "user consent").map(p => `${p.app}\u0000${p.resource}`));
    for (const p of permissions) {
        const key = `${p.app}\u0000${p.resource}`;
        if (p.change === "added" && p.mechanism === "user consent" && held.has(key) && base) out.set(key, [...(out.get(key) ?? []), p.permission]);
    }
    return out;
}

/**
 * Token requests whose predicted outcome changes, and, for a scope added to a `consent: user` app, what users who
 * already consented get: `.default` prompts only when the user has consented to nothing on that API, so their tokens
 * lack the new scope until they are prompted again ("Scopes and permissions in the Microsoft identity platform",
 * ".default when the user has already given consent", learn.microsoft.com/entra/identity-platform/scopes-oidc).
 */
export function diffFlows(base: ReviewSide | undefined, head: ReviewSide | undefined, permissions: PermissionRow[]): FlowChange[] {
    const key = (f: Flow) => `${f.client}\u0000${f.resource}\u0000${f.flow}`;
    const before = new Map((base?.plan.flows ?? []).map(f => [key(f), f]));
    const after = new Map((head?.plan.flows ?? []).map(f => [key(f), f]));
    const describe = (f: Flow) => `${f.outcome}${f.code ? ` (${f.code})` : ""}`;
    const out: FlowChange[] = [];
    const reprompt = userConsentScopesAdded(permissions, base);
    for (const k of new Set([...before.keys(), ...after.keys()])) {
        const [b, a] = [before.get(k), after.get(k)];
        const from = b ? describe(b) : null;
        const to = a ? describe(a) : null;
        const scopes = a && reprompt.get(`${a.client}\u0000${a.resource}`);
        const note = scopes
            ? `users who already consented get tokens without ${scopes.join(", ")} until they are prompted again: .default does not re-prompt once a user has consented to any permission on this API (sign them in with prompt=consent, or grant with consent: admin)`
            : undefined;
        if (from !== to || note) {
            const f = (a ?? b)!;
            out.push({ client: f.client, resource: f.resource, flow: f.flow, from, to, ...(note ? { note } : {}) });
        }
    }
    return out;
}

const CREDENTIAL_TYPE =
    /(applicationPassword|applicationCertificate|FederatedIdentityCredential|servicePrincipalPassword|servicePrincipalCertificate|federatedIdentityCredential)/i;
/** Fields of a credential that are not its value: shown when they change. */
const CREDENTIAL_FIELDS = [
    "displayName",
    "startDate",
    "endDate",
    "endDateRelative",
    "issuer",
    "subject",
    "audiences",
    "claimsMatchingExpression",
    "type",
    "encoding",
];

/**
 * Resources by URN without the stack's name, so a renamed stack compares to itself. Inputs the program tells the engine
 * to ignore (`ignoreChanges`, e.g. a secret's end date computed from today) are left out: the engine keeps the deployed
 * value, so a difference there changes nothing in the tenant.
 */
function resourcesOf(side: ReviewSide | undefined): Map<string, PlanResult["resources"][number]> {
    return new Map(
        (side?.plan.resources ?? []).map(r => {
            const ignored = new Set((r.ignoreChanges ?? []).map(p => p.split(/[.[]/)[0]));
            const inputs = ignored.size ? Object.fromEntries(Object.entries(r.inputs).filter(([k]) => !ignored.has(k))) : r.inputs;
            return [r.urn.split("::").slice(1).join("::"), { ...r, inputs }];
        }),
    );
}

/** The app a resource belongs to: its name's first part (`orders-web/federated/x`, `orders-web-client-secret`). */
function appOfResource(name: string, apps: string[]): string {
    const first = name.split("/")[0];
    return apps.filter(a => first === a || first.startsWith(`${a}-`)).sort((a, b) => b.length - a.length)[0] ?? first;
}

export function diffCredentials(base: ReviewSide | undefined, head: ReviewSide | undefined): CredentialChange[] {
    const before = resourcesOf(base);
    const after = resourcesOf(head);
    const apps = [...new Set([...(base?.model?.apps ?? []), ...(head?.model?.apps ?? [])].map(a => a.key))];
    const out: CredentialChange[] = [];
    const show = (inputs: Record<string, unknown>) => CREDENTIAL_FIELDS.filter(f => inputs[f] !== undefined).map(f => `${f}: ${JSON.stringify(inputs[f])}`);
    for (const k of new Set([...before.keys(), ...after.keys()])) {
        const [b, a] = [before.get(k), after.get(k)];
        const r = (a ?? b)!;
        if (!CREDENTIAL_TYPE.test(r.type)) continue;
        const kind = r.type.split(":").pop()!;
        const common = { app: appOfResource(r.name, apps), name: r.name, kind };
        if (!b) out.push({ ...common, change: "added", fields: show(a!.inputs) });
        else if (!a) out.push({ ...common, change: "removed", fields: show(b.inputs) });
        else if (JSON.stringify(a.inputs) !== JSON.stringify(b.inputs)) {
            const changed = [...new Set([...Object.keys(a.inputs), ...Object.keys(b.inputs)])].filter(
                f => JSON.stringify(a.inputs[f]) !== JSON.stringify(b.inputs[f]),
            );
            const fields = changed.map(f =>
                CREDENTIAL_FIELDS.includes(f) ? `${f}: ${JSON.stringify(b.inputs[f])} -> ${JSON.stringify(a.inputs[f])}` : `${f} changed (value not shown)`,
            );
            out.push({ ...common, change: "changed", fields });
        }
    }
    return out;
}

export function diffSettings(base: ReviewSide | undefined, head: ReviewSide | undefined): SettingChange[] {
    const byKey = (side?: ReviewSide) => new Map((side?.model?.apps ?? []).map(a => [a.key, a]));
    const before = byKey(base);
    const after = byKey(head);
    const out: SettingChange[] = [];
    const values: Record<SettingChange["setting"], (a: AppModel) => string[]> = {
        redirectUris: a => a.redirectUris,
        owners: a => a.owners,
        signInAudience: a => (a.identity === "application" ? [a.signInAudience] : []),
    };
    for (const key of new Set([...before.keys(), ...after.keys()])) {
        for (const setting of Object.keys(values) as SettingChange["setting"][]) {
            const b = new Set(before.has(key) ? values[setting](before.get(key)!) : []);
            const a = new Set(after.has(key) ? values[setting](after.get(key)!) : []);
            const added = [...a].filter(x => !b.has(x));
            const removed = [...b].filter(x => !a.has(x));
            if (added.length || removed.length) out.push({ app: key, setting, added, removed });
        }
    }
    return out;
}

function violationKey(v: Violation): string {
    return [
        v.policy,
        v.enforcementLevel,
        (v.urn ?? "").split("::").slice(1).join("::"),
        v.app,
        v.resource,
        v.type,
        v.permission,
        v.approval ? "" : v.message,
    ].join("\u0000");
}

export function diffViolations(base: ReviewSide | undefined, head: ReviewSide | undefined): StackReview["violations"] {
    const line = (v: Violation): ViolationLine => ({
        policy: v.policy,
        enforcementLevel: v.enforcementLevel,
        message: v.message,
        ...(v.urn ? { urn: v.urn } : {}),
    });
    // Approved findings are approvals, reported apart; problems of the program's run count as mandatory findings.
    const of = (side?: ReviewSide) =>
        new Map(
            [
                ...(side?.plan.violations ?? []).filter(v => !v.approval),
                ...(side?.plan.errors ?? []).map(e => ({ policy: "deploy", enforcementLevel: "mandatory" as const, message: e })),
            ].map(v => [violationKey(v), v]),
        );
    const before = of(base);
    const after = of(head);
    return {
        new: [...after].filter(([k]) => !before.has(k)).map(([, v]) => line(v)),
        resolved: [...before].filter(([k]) => !after.has(k)).map(([, v]) => line(v)),
    };
}

function diffResources(base: ReviewSide | undefined, head: ReviewSide | undefined): StackReview["resources"] {
    const before = resourcesOf(base);
    const after = resourcesOf(head);
    const label = (r: { type: string; name: string }) => `${r.type.split(":").pop()} ${r.name}`;
    return {
        added: [...after].filter(([k]) => !before.has(k)).map(([, r]) => label(r)),
        // An adopted resource (retainOnDelete) leaves the stack but stays in the tenant, unjudged from then on: say so.
        removed: [...before].filter(([k]) => !after.has(k)).map(([, r]) => (r.retainOnDelete ? `${label(r)} (retained: stays in the tenant)` : label(r))),
        changed: [...after].filter(([k, r]) => before.has(k) && JSON.stringify(before.get(k)!.inputs) !== JSON.stringify(r.inputs)).map(([, r]) => label(r)),
    };
}

function appsOf(side?: ReviewSide): Set<string> {
    if (side?.model) return new Set(side.model.apps.map(a => a.key));
    // a program that does not use this project's config: its app registrations and service principals by name
    return new Set((side?.plan.resources ?? []).filter(r => /applicationRegistration:|\/application:|servicePrincipal:/.test(r.type)).map(r => r.name));
}

/** Why this stack's change fails the review (exit 1): an unapproved tier-0/1 permission added, a new mandatory finding. */
function blockingOf(permissions: PermissionRow[], violations: StackReview["violations"]): string[] {
    return [
        ...permissions
            .filter(p => (p.change === "added" || p.was) && p.tier <= 1 && !p.approval)
            .map(p => `adds tier-${p.tier} ${p.type} permission ${p.permission} on ${p.resource} to ${p.app} (${p.mechanism}) without a covering approval`),
        // the first sentence says what; the whole message is under the policy findings
        ...violations.new
            .filter(v => v.enforcementLevel === "mandatory")
            .map(v => `adds a mandatory violation: ${v.policy}: ${v.message.split(/(?<=\.) /)[0]}`),
    ];
}

function riskOf(r: Omit<StackReview, "risk">): Risk {
    if (r.blocking.length) return "high";
    const added = r.permissions.filter(p => p.change === "added" || p.was);
    if (
        added.some(p => p.tier <= 1) ||
        r.credentials.some(c => c.change !== "removed") ||
        r.settings.some(s => s.setting === "signInAudience" && s.added.length)
    )
        return "elevated";
    if (r.tenant.baseId && r.tenant.baseId !== r.tenant.id) return "elevated";
    const changed =
        added.length +
        r.permissions.filter(p => p.change === "removed").length +
        r.apps.added.length +
        r.apps.removed.length +
        r.flows.length +
        r.credentials.length +
        r.settings.length +
        r.violations.new.length +
        r.violations.resolved.length +
        r.resources.added.length +
        r.resources.removed.length +
        r.resources.changed.length;
    return changed ? "low" : "none";
}

/** Compares one stack at the base (undefined: it is new) with the working tree (undefined: it is gone). */
export function reviewStack(base: ReviewSide | undefined, head: ReviewSide | undefined, today = new Date()): StackReview {
    const side = (head ?? base)!;
    const edges = diffPermissions(base, head);
    const violations = diffViolations(base, head);
    const [appsBefore, appsAfter] = [appsOf(base), appsOf(head)];
    const status: StackStatus = !base ? "added" : !head ? "removed" : base.stack !== head.stack ? "renamed" : "changed";
    const review: Omit<StackReview, "risk"> = {
        stack: side.stack,
        status,
        ...(status === "renamed" ? { baseStack: base!.stack } : {}),
        files: { base: base?.file ?? null, head: head?.file ?? null },
        tenant: {
            id: side.plan.tenant.id,
            name: side.plan.tenant.name,
            ...(base && head && base.plan.tenant.id !== head.plan.tenant.id ? { baseId: base.plan.tenant.id } : {}),
        },
        blocking: blockingOf(edges, violations),
        apps: { added: [...appsAfter].filter(a => !appsBefore.has(a)).sort(), removed: [...appsBefore].filter(a => !appsAfter.has(a)).sort() },
        permissions: edges.filter(p => p.change !== "unchanged" || p.was),
        approvals: diffApprovals(base, head, today),
        flows: diffFlows(base, head, edges),
        credentials: diffCredentials(base, head),
        settings: diffSettings(base, head),
        violations,
        resources: diffResources(base, head),
        edges,
    };
    const risk = riskOf(review);
    return { ...review, risk, status: status === "changed" && risk === "none" ? "unchanged" : status };
}
