/** The review as text (terminal), Markdown (a pull request comment, bounded), JSON (tools) and the consent graph data. */
import type { EdgeChange, GraphEdge, StackGraph } from "./graph";
import type { PermissionRow, Risk, StackReview } from "./diff";
import type { ReviewResult } from "./review";

/** GitHub refuses comments over 65,536 characters. */
export const MARKDOWN_LIMIT = 65_536;
const SECTION_LINES = 120;
/** The first line of the Markdown: examples/github-review.yml finds the comment to update by it. */
export const COMMENT_MARKER = "<!-- entra-consent-review -->";
const RISK_ORDER: Risk[] = ["high", "elevated", "low", "none"];

export interface ReviewSummary {
    stacks: number;
    changed: number;
    added: number;
    removed: number;
    risk: Risk;
    blocking: number;
    exitCode: 0 | 1;
}

export function summarize(review: ReviewResult): ReviewSummary {
    const count = (change: string) => review.stacks.reduce((n, s) => n + s.permissions.filter(p => p.change === change).length, 0);
    const blocking = review.stacks.reduce((n, s) => n + s.blocking.length, 0);
    const risks = review.stacks.map(s => s.risk);
    if (review.judgeChanged.length) risks.push("elevated");
    return {
        stacks: review.stacks.length,
        changed: review.stacks.filter(s => s.status !== "unchanged").length,
        added: count("added"),
        removed: count("removed"),
        risk: RISK_ORDER.find(r => risks.includes(r)) ?? "none",
        blocking,
        exitCode: blocking ? 1 : 0,
    };
}

const counts = (s: StackReview) => ({
    added: s.permissions.filter(p => p.change === "added").length,
    removed: s.permissions.filter(p => p.change === "removed").length,
});

/** The JSON contract (README, "Review a change"): everything but the graph edges. */
export function toJson(review: ReviewResult): object {
    return { ...review, stacks: review.stacks.map(({ edges: _edges, ...s }) => s), summary: summarize(review) };
}

function permissionLine(p: PermissionRow): string {
    const sign = p.change === "unchanged" ? "changed" : p.change;
    const how = p.was ? `${p.was} -> ${p.mechanism}` : p.mechanism;
    const approval = p.approval ? `approved by ${p.approval.approver} (${p.approval.ticket}) until ${p.approval.expires}` : p.tier <= 1 ? "NO APPROVAL" : "";
    const approve = p.change === "removed" ? "" : `; who approves: ${p.approvers.join("; ")}`;
    return `${sign} tier ${p.tier} ${p.app} -> ${p.resource} ${p.permission} (${p.type}, ${how})${approval ? `: ${approval}` : ""}${approve}`;
}

/** One stack's review as headed groups of lines; tier-0/1 lines come first (blocking, then permissions sorted by tier). */
export function stackSections(s: StackReview): { heading: string; lines: string[] }[] {
    const approvals = (kind: string, list: StackReview["approvals"]["newlyReliedOn"]) =>
        list.map(a => `${kind} ${a.ticket} (${a.approver}, until ${a.expires}) for ${a.app} -> ${a.resource} ${a.permission} (${a.type})`);
    const sections = [
        { heading: "Blocking (exit 1)", lines: s.blocking },
        { heading: "Permissions", lines: s.permissions.map(permissionLine) },
        { heading: "Apps", lines: [...s.apps.added.map(a => `added ${a}`), ...s.apps.removed.map(a => `removed ${a}`)] },
        {
            heading: "Approvals",
            lines: [
                ...approvals("newly relied on:", s.approvals.newlyReliedOn),
                ...approvals("no longer needed:", s.approvals.noLongerNeeded),
                ...approvals("expires within 30 days:", s.approvals.expiringWithin30Days),
            ],
        },
        {
            heading: "Flows whose outcome changes",
            lines: s.flows.map(f => `${f.client} -> ${f.resource} (${f.flow}): ${f.from ?? "none"} -> ${f.to ?? "none"}${f.note ? `. ${f.note}` : ""}`),
        },
        {
            heading: "Credentials",
            lines: s.credentials.map(c => `${c.change} ${c.kind} ${c.name} of ${c.app}${c.fields.length ? `: ${c.fields.join(", ")}` : ""}`),
        },
        {
            heading: "Redirect URIs, owners, sign-in audience",
            lines: s.settings.map(x => `${x.app} ${x.setting}: ${[...x.added.map(v => `added ${v}`), ...x.removed.map(v => `removed ${v}`)].join(", ")}`),
        },
        {
            heading: "Policy findings",
            lines: [
                ...s.violations.new.map(v => `new ${v.enforcementLevel} ${v.policy}: ${v.message}`),
                ...s.violations.resolved.map(v => `resolved ${v.enforcementLevel} ${v.policy}: ${v.message}`),
            ],
        },
        {
            heading: "Resources",
            lines:
                s.resources.added.length + s.resources.removed.length + s.resources.changed.length
                    ? [`${s.resources.added.length} added, ${s.resources.removed.length} removed, ${s.resources.changed.length} changed (the JSON lists them)`]
                    : [],
        },
    ];
    return sections.filter(x => x.lines.length);
}

function stackTitle(s: StackReview): string {
    const c = counts(s);
    const status = s.status === "renamed" ? `renamed from ${s.baseStack}` : s.status;
    const tenant = s.tenant.baseId ? `, TENANT CHANGED ${s.tenant.baseId} -> ${s.tenant.id}` : "";
    return `${s.stack} (${status}${tenant}): risk ${s.risk}, ${c.added} added, ${c.removed} removed`;
}

function header(review: ReviewResult): string[] {
    const sum = summarize(review);
    const lines = [
        `Review of ${review.base.ref} (${review.base.commit.slice(0, 12)}) -> working tree: ${sum.changed} of ${sum.stacks} stacks change, risk ${sum.risk}, exit ${sum.exitCode}`,
    ];
    if (review.judgeChanged.length)
        lines.push(`The code that judges both sides changed (${review.judgeChanged.join(", ")}): this review used the new one; review those files by hand.`);
    return lines;
}

export function renderText(review: ReviewResult): string {
    const out = header(review);
    for (const s of review.stacks) {
        out.push("", stackTitle(s));
        for (const sec of stackSections(s)) out.push(`  ${sec.heading}:`, ...sec.lines.map(l => `    ${l}`));
    }
    return out.join("\n");
}

/** Text from the stack files and program (names, messages) must not become Markdown or HTML in the comment. */
export const md = (s: string): string =>
    s
        .replace(/[\r\n]+/g, " ")
        // bidi overrides and zero-width characters would show a name other than the file's (Trojan Source)
        .replace(/[\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/gu, c => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`)
        .replace(/&/g, "&amp;")
        .replace(/</g, "&lt;")
        .replace(/>/g, "&gt;")
        .replace(/([\\`*_[\]|#~!])/g, "\\$1");

function markdownSection(s: StackReview): string {
    const body: string[] = [];
    let budget = SECTION_LINES;
    for (const sec of stackSections(s)) {
        if (budget <= 0) break;
        const shown = sec.lines.slice(0, budget);
        budget -= shown.length;
        body.push(`**${md(sec.heading)}**`, "", ...shown.map(l => `- ${md(l)}`));
        if (shown.length < sec.lines.length) body.push(`- … ${sec.lines.length - shown.length} more (see the JSON output)`);
        body.push("");
    }
    if (!body.length) body.push("No change.", "");
    return [`<details${s.risk === "high" ? " open" : ""}><summary>${md(stackTitle(s))}</summary>`, "", ...body, "</details>", ""].join("\n");
}

/**
 * A pull request comment: a summary table (stack, added, removed, risk), then one collapsible section per stack,
 * riskiest first; at most `limit` characters: what does not fit is summarised, and the comment says so.
 */
export function renderMarkdown(review: ReviewResult, limit = MARKDOWN_LIMIT): string {
    const stacks = [...review.stacks].sort((a, b) => RISK_ORDER.indexOf(a.risk) - RISK_ORDER.indexOf(b.risk) || a.stack.localeCompare(b.stack));
    const notice = (n: number, what: string) =>
        `\n_${n} ${what} not shown: a GitHub comment holds at most ${MARKDOWN_LIMIT.toLocaleString("en")} characters. Run \`npm run review -- --format json\` or \`--format html\` for all of it._\n`;
    const reserve = 400;
    let out = `${COMMENT_MARKER}\n### entra-consent review\n\n${header(review).map(md).join("\n\n")}\n\n| stack | added | removed | risk |\n|---|---:|---:|---|\n`;
    let rows = 0;
    for (const s of stacks) {
        const c = counts(s);
        const row = `| ${md(s.stack)}${s.status === "unchanged" ? "" : ` (${s.status})`} | ${c.added} | ${c.removed} | ${s.risk} |\n`;
        if (out.length + row.length > limit / 2) break;
        out += row;
        rows++;
    }
    if (rows < stacks.length) out += notice(stacks.length - rows, "rows of the table");
    out += "\n";
    const changed = stacks.filter(s => s.status !== "unchanged");
    let shown = 0;
    for (const s of changed) {
        const section = markdownSection(s);
        if (out.length + section.length > limit - reserve) break;
        out += section + "\n";
        shown++;
    }
    if (shown < changed.length) {
        const left = changed.slice(shown);
        const high = left.filter(s => s.risk === "high").length;
        out += notice(
            left.length,
            `stack sections (${high} of them high risk: ${
                left
                    .filter(s => s.risk === "high")
                    .slice(0, 10)
                    .map(s => md(s.stack))
                    .join(", ") || "none"
            })`,
        );
    }
    return out.length > limit ? out.slice(0, limit) : out;
}

const GRAPH_TYPE: Record<PermissionRow["mechanism"], GraphEdge["type"]> = {
    grant: "delegated",
    assignment: "application",
    "pre-authorization": "pre-authorized",
    "user consent": "user-consent",
};

/** The consent graph of a stack (lib/review/graph.ts): apps and resources as nodes, permission edges by change. */
export function stackGraph(s: StackReview): StackGraph {
    const change = (key: string): EdgeChange => (s.apps.added.includes(key) ? "added" : s.apps.removed.includes(key) ? "removed" : "unchanged");
    const apps = [...new Set([...s.edges.map(e => e.app), ...s.apps.added, ...s.apps.removed])].sort();
    const resources = [...new Set(s.edges.map(e => e.resource))].sort();
    return {
        stack: s.stack,
        tenant: s.tenant.name || s.tenant.id,
        apps: apps.map(key => ({ key, label: key, change: change(key) })),
        resources: resources.map(key => ({ key, label: key })),
        edges: s.edges.map(e => ({
            app: e.app,
            resource: e.resource,
            permission: e.permission,
            type: GRAPH_TYPE[e.mechanism],
            tier: e.tier,
            change: e.change,
            ...(e.approval ? { approval: e.approval.ticket } : {}),
        })),
    };
}

export function summaryRows(review: ReviewResult): { stack: string; added: number; removed: number; risk: string }[] {
    return review.stacks.map(s => ({ stack: s.stack, ...counts(s), risk: s.risk }));
}
