/** The plan as a reviewer reads it: per app, what it requests, what gets approved and by which mechanism. */
import { formatProblem } from "../errors";
import { Mechanism } from "../summary";
import { PlanResult } from "./plan";

const MECHANISM: Record<Mechanism, string> = {
    "admin-grant": "admin grant, tenant-wide (this deploy)",
    "user-consent": "user consent at sign-in",
    "pre-authorized": "pre-authorized by the API",
    "app-role-assignment": "app role assignment (this deploy)",
};

export function renderText(plan: PlanResult): string {
    const lines: string[] = [];
    lines.push(`stack ${plan.stack}: tenant ${plan.tenant.name || "?"} (${plan.tenant.id || "?"})`);
    if (plan.problems?.length) {
        lines.push(`invalid input, ${plan.problems.length} problem${plan.problems.length === 1 ? "" : "s"}; nothing was planned:`);
        for (const p of plan.problems) lines.push(`  - ${formatProblem(p)}`);
        return lines.join("\n");
    }
    for (const [key, app] of Object.entries(plan.consent ?? {})) {
        lines.push("");
        lines.push(`${key}  (${app.kind}, ${app.identity === "application" ? "registered here" : app.identity}${app.requests.some(r => r.type === "delegated") ? `, consent: ${app.consent}` : ""})`);
        if (app.exposes.scopes.length || app.exposes.appRoles.length) {
            lines.push(`  exposes   scopes: ${app.exposes.scopes.join(", ") || "none"}; app roles: ${app.exposes.appRoles.join(", ") || "none"}`);
        }
        for (const [client, scopes] of Object.entries(app.preAuthorizes)) lines.push(`  pre-authorizes ${client}: ${scopes.join(", ")}`);
        if (!app.requests.length) lines.push("  requests  nothing");
        for (const r of app.requests) {
            const byMechanism = new Map<Mechanism, string[]>();
            for (const p of r.permissions) byMechanism.set(p.mechanism, [...(byMechanism.get(p.mechanism) ?? []), p.value]);
            for (const [m, values] of byMechanism) lines.push(`  requests  ${r.resource} ${r.type}: ${values.join(", ")}\n            approved by ${MECHANISM[m]}`);
        }
    }
    if (plan.flows.length) {
        lines.push("", "token requests:");
        for (const f of plan.flows) {
            const claims = Object.entries(f.claims).map(([k, v]) => `${k}=[${v.join(" ")}]`).join(" ");
            lines.push(`  ${f.outcome === "issued" || f.outcome === "issued-after-user-consent" ? "ok  " : "FAIL"} ${f.client} -> ${f.resource} (${f.flow}): ${f.outcome}${f.code ? ` ${f.code}` : ""}${claims ? ` ${claims}` : ""}${f.fix ? `\n         fix: ${f.fix}` : ""}`);
        }
    }
    if (plan.violations.length) {
        lines.push("", "policy violations:");
        for (const v of plan.violations) lines.push(`  [${v.enforcementLevel}] ${v.policy}: ${v.message}${v.urn ? `\n      at ${v.urn}` : ""}`);
    }
    if (plan.errors.length) {
        lines.push("", "the deploy would fail:");
        for (const e of plan.errors) lines.push(`  - ${e}`);
    }
    const s = plan.summary;
    lines.push("", `${s.resources} resources, ${s.mandatory} mandatory and ${s.advisory} advisory violations, ${s.failingFlows} failing flows, ${s.errors} deploy errors`);
    return lines.join("\n");
}
