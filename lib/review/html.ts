/**
 * STUB (w-review): the review's HTML page, built by another engineer here (issue 12) behind this signature; theirs
 * replaces this file. This stand-in lists the edges as an escaped table (no graph, no scripts).
 */
import type { StackGraph } from "./graph";

const esc = (s: string): string => s.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`);

export function renderReviewHtml(opts: {
    title: string;
    summaryRows: { stack: string; added: number; removed: number; risk: string }[];
    stacks: StackGraph[];
}): string {
    const rows = opts.summaryRows.map(r => `<tr><td>${esc(r.stack)}</td><td>${r.added}</td><td>${r.removed}</td><td>${esc(r.risk)}</td></tr>`).join("");
    const stacks = opts.stacks
        .map(
            s =>
                `<h2>${esc(s.stack)}</h2><ul>${s.edges
                    .map(e => `<li class="${e.change}">${esc(`${e.change} ${e.app} -> ${e.resource} ${e.permission} (${e.type}, tier ${e.tier})`)}</li>`)
                    .join("")}</ul>`,
        )
        .join("");
    return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(opts.title)}</title></head><body><h1>${esc(opts.title)}</h1><table>${rows}</table>${stacks}</body></html>`;
}
