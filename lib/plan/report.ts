/** The plan as a reviewer reads it: per app, what it requests, what gets approved and by which mechanism. */
import { formatProblem } from "../errors";
import { Mechanism } from "../summary";
import { isFailing } from "../flows";
import { PlanResult } from "./plan";

const MECHANISM: Record<Mechanism, string> = {
    "admin-grant": "admin grant, tenant-wide (this deploy)",
    "user-consent": "user consent at sign-in",
    "pre-authorized": "pre-authorized by the API",
    "app-role-assignment": "app role assignment (this deploy)",
};

export function renderText(plan: PlanResult): string {
    const lines: string[] = [];
    lines.push(
        `stack ${plan.stack}: ${plan.tenant.id ? `tenant ${plan.tenant.name || plan.stack} (${plan.tenant.id})` : "tenant not known (the stack file is invalid)"}`,
    );
    if (plan.problems?.length) {
        lines.push(`invalid input, ${plan.problems.length} problem${plan.problems.length === 1 ? "" : "s"}; nothing was planned:`);
        for (const p of plan.problems) lines.push(`  - ${formatProblem(p)}`);
        return lines.join("\n");
    }
    const verdicts = policyVerdicts(plan);
    for (const [key, app] of Object.entries(plan.consent ?? {})) {
        lines.push("");
        lines.push(
            `${key}  (${app.kind}, ${app.identity === "application" ? "registered here" : app.identity}${app.requests.some(r => r.type === "delegated") ? `, consent: ${app.consent}` : ""})`,
        );
        if (app.displayNameFromKey && app.identity === "application")
            lines.push(`  named     "${app.displayName}" in Entra: the app key, as config sets no displayName`);
        if (app.exposes.scopes.length || app.exposes.appRoles.length) {
            lines.push(`  exposes   scopes: ${app.exposes.scopes.join(", ") || "none"}; app roles: ${app.exposes.appRoles.join(", ") || "none"}`);
        }
        for (const [client, scopes] of Object.entries(app.preAuthorizes)) lines.push(`  pre-authorizes ${client}: ${scopes.join(", ")}`);
        for (const c of app.credentials) lines.push(`  signs in with ${c}`);
        if (!app.requests.length) lines.push("  requests  nothing");
        for (const r of app.requests) {
            const byMechanism = new Map<string, string[]>();
            for (const p of r.permissions) {
                const rejectedBy = verdicts.rejected.get(findingKey(key, r.resource, r.type, p.value));
                const approval = verdicts.approved.get(findingKey(key, r.resource, r.type, p.value));
                const how = rejectedBy
                    ? `REJECTED by ${rejectedBy} (mandatory): nothing is approved`
                    : `approved by ${MECHANISM[p.mechanism]}${approval ? `; ${approval}` : ""}`;
                byMechanism.set(how, [...(byMechanism.get(how) ?? []), p.value]);
            }
            for (const [how, values] of byMechanism) lines.push(`  requests  ${r.resource} ${r.type}: ${values.join(", ")}\n            ${how}`);
        }
    }
    if (plan.imports) {
        const adopted = plan.resources.filter(r => r.action === "import");
        lines.push(
            "",
            `already in the tenant: ${adopted.length} resource${adopted.length === 1 ? "" : "s"} adopted with pulumi import${plan.imports.file ? ` --file ${plan.imports.file}` : ""} before the first up`,
        );
        for (const r of adopted) lines.push(`  import    ${r.name}  ${r.importId}`);
        for (const u of plan.imports.updates)
            lines.push(`  update    ${u.name}: scopes ${[...u.add.map(a => `+${a}`), ...u.remove.map(x => `-${x}`)].join(" ")}`);
        for (const n of plan.imports.appsMatchedByName) lines.push(`  review    ${n} was matched by display name only`);
        if (plan.imports.notRetained.length)
            lines.push(
                `  retain    destroy would delete ${plan.imports.notRetained.length} imported resource(s): list them under entra-consent:adopted in the stack file${plan.imports.adoptedFile ? ` (written to ${plan.imports.adoptedFile})` : ""}: ${plan.imports.notRetained.join(", ")}`,
            );
    }
    const retained = plan.resources.filter(r => r.retainOnDelete);
    if (retained.length) lines.push("", `retained on delete (adopted, never deleted by this stack): ${retained.map(r => r.name).join(", ")}`);
    if (plan.flows.length) lines.push("", ...consentMatrix(plan, verdicts));
    if (plan.violations.length) {
        lines.push("", "policy violations:");
        for (const v of plan.violations) lines.push(`  [${v.enforcementLevel}] ${v.policy}: ${v.message}${v.urn ? `\n      at ${v.urn}` : ""}`);
    }
    if (plan.errors.length) {
        lines.push("", "the deploy would fail:");
        for (const e of plan.errors) lines.push(`  - ${e}`);
    }
    const s = plan.summary;
    lines.push(
        "",
        `${s.resources} resources, ${s.mandatory} mandatory and ${s.advisory} advisory violations, ${s.failingFlows} failing flows, ${s.errors} deploy errors`,
    );
    return lines.join("\n");
}

const MECHANISM_SHORT: Record<string, string> = {
    "admin-grant": "admin grant",
    "pre-authorized": "pre-authorization",
    "user-consent": "user consent",
    "app-role-assignment": "app role assignment",
    none: "nothing",
};

/** Each client x resource of the tenant: the permissions, how they are approved, and the predicted token request. */
export function consentMatrix(plan: PlanResult, verdicts = policyVerdicts(plan)): string[] {
    const header = ["client", "resource", "flow", "permissions", "approved by", "outcome"];
    // A flow whose permission a mandatory violation rejects is predicted for a deploy that will not happen: say so.
    const blocked = (f: PlanResult["flows"][number]) =>
        f.permissions.filter(v => verdicts.rejected.has(findingKey(f.client, f.resource, f.flow === "client-credentials" ? "application" : "delegated", v)));
    const rows = plan.flows.map(f => [
        f.client,
        f.resource,
        f.flow,
        f.permissions.join(" "),
        f.mechanism.map(m => MECHANISM_SHORT[m] ?? m).join(" + ") || "-",
        blocked(f).length
            ? `REJECTED by policy (${blocked(f).join(" ")}): no deploy`
            : `${isFailing(f) ? "FAIL " : ""}${f.outcome}${f.code ? ` ${f.code}` : ""}`,
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)));
    const fmt = (r: string[]) => `  ${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join("  ")}`;
    const out = [`consent matrix: tenant ${plan.tenant.name} (user consent: ${plan.tenant.userConsent ?? "?"})`, fmt(header)];
    plan.flows.forEach((f, i) => {
        out.push(fmt(rows[i]));
        if (f.fix) out.push(`      fix: ${f.fix}`);
    });
    return out;
}

const findingKey = (app: string, resource: string, type: string, permission: string) => `${app}|${resource}|${type}|${permission}`;

/** What the policies decided per app x resource x type x permission: rejected (mandatory) or approved (with its approval). */
function policyVerdicts(plan: PlanResult): { rejected: Map<string, string>; approved: Map<string, string> } {
    const rejected = new Map<string, string>();
    const approved = new Map<string, string>();
    for (const v of plan.violations) {
        if (!v.app || !v.resource || !v.type || !v.permission) continue;
        const k = findingKey(v.app, v.resource, v.type, v.permission);
        if (v.enforcementLevel === "mandatory") rejected.set(k, v.policy);
        else if (v.approval)
            approved.set(k, `tier ${v.tier ?? "unclassified"}, approval ${v.approval.ticket} by ${v.approval.approver} until ${v.approval.expires}`);
    }
    return { rejected, approved };
}
