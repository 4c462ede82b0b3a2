// The review as one self-contained HTML page (issue 12): a summary table, then one SVG consent graph per stack.
// No script, no external fonts or styles; a Content-Security-Policy forbids scripts and network loads, so even a
// label that escaped escaping could not run or call out. Every label comes from stack files and is escaped.
import { type LaidEdge, type LaidGraph, type LaidNode, type StackGraph, LINE_HEIGHT, layoutStack, tierOf, truncate } from "./graph";

export const TIER_COLOURS = { 0: "#c62828", 1: "#ef6c00", 2: "#757575" } as const;
const ADDED = "#2e7d32";

export function escapeXml(text: unknown): string {
    return String(text).replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);
}

const CSS = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 16px; color: #212121; }
table { border-collapse: collapse; margin-bottom: 16px; }
th, td { border: 1px solid #bdbdbd; padding: 3px 10px; text-align: left; }
.legend span { display: inline-block; margin-right: 14px; }
.swatch { display: inline-block; width: 22px; height: 0; border-top: 3px solid; vertical-align: middle; margin-right: 4px; }
section { margin-top: 20px; }
svg { border: 1px solid #e0e0e0; background: #fff; }
svg text { font: 11px monospace; }
.node rect { fill: #e3f2fd; stroke: #1565c0; stroke-width: 1.2; }
.node.resource rect { fill: #f3e5f5; stroke: #6a1b9a; }
.node.added rect { stroke: ${ADDED}; stroke-width: 3; }
.node.removed rect { stroke-dasharray: 5 3; fill: #fafafa; }
.node.removed text { text-decoration: line-through; }
.edge path.line { fill: none; stroke-width: 1.6; }
.edge.added path.line { stroke-width: 3.2; }
.edge.added path.halo { fill: none; stroke: ${ADDED}; stroke-width: 7; stroke-opacity: 0.35; }
.edge.removed path.line { stroke-dasharray: 6 4; stroke-opacity: 0.7; }
.edge.removed text { text-decoration: line-through; }
.edge rect.label { fill: #fff; fill-opacity: 0.9; stroke: #e0e0e0; }
.edge.added rect.label { stroke: ${ADDED}; stroke-width: 1.5; }
`;

function renderNode(n: LaidNode): string {
    const cls = `node ${n.kind} ${n.change}`;
    const x = n.x - n.width / 2;
    const y = n.y - n.height / 2;
    return (
        `<g class="${escapeXml(cls)}" data-key="${escapeXml(n.key)}" data-change="${escapeXml(n.change)}">` +
        `<title>${escapeXml(`${n.kind === "resource" ? "resource" : "app"} ${n.label} (${n.key})${n.change === "unchanged" ? "" : `, ${n.change}`}`)}</title>` +
        `<rect x="${x}" y="${y}" width="${n.width}" height="${n.height}" rx="5"/>` +
        `<text x="${n.x}" y="${n.y + 4}" text-anchor="middle">${escapeXml(truncate(n.label))}</text></g>`
    );
}

function edgeTooltip(e: LaidEdge): string {
    const lines = e.permissions.map(p => `${p.permission} (${p.type}, tier ${tierOf(p.tier)}${p.approval ? `, approval ${p.approval}` : ""})`);
    return `${e.app} -> ${e.resource}, ${e.change}: ${e.permissions.length} permission(s)\n${lines.join("\n")}`;
}

function renderEdge(e: LaidEdge): string {
    const d = e.points.map((p, i) => `${i === 0 ? "M" : "L"}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(" ");
    const colour = TIER_COLOURS[e.tier];
    const top = e.labelY - e.labelHeight / 2;
    const prefix = e.change === "added" ? "+ " : e.change === "removed" ? "- " : "";
    const text = e.lines
        .map((line, i) => {
            const fill = TIER_COLOURS[e.lineTiers[i]];
            return `<tspan x="${e.labelX}" y="${top + 12 + i * LINE_HEIGHT}" fill="${fill}">${escapeXml((i === 0 ? prefix : "") + line)}</tspan>`;
        })
        .join("");
    return (
        `<g class="edge ${e.change} tier-${e.tier}" data-change="${e.change}" data-tier="${e.tier}" data-app="${escapeXml(e.app)}" ` +
        `data-resource="${escapeXml(e.resource)}" data-count="${e.permissions.length}"><title>${escapeXml(edgeTooltip(e))}</title>` +
        (e.change === "added" ? `<path class="halo" d="${d}"/>` : "") +
        `<path class="line" d="${d}" stroke="${colour}" marker-end="url(#arrow-${e.tier})"/>` +
        `<rect class="label" x="${e.labelX - e.labelWidth / 2}" y="${top}" width="${e.labelWidth}" height="${e.labelHeight}" rx="3"/>` +
        `<text text-anchor="middle">${text}</text></g>`
    );
}

function markers(): string {
    const defs = ([0, 1, 2] as const).map(
        t =>
            `<marker id="arrow-${t}" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse">` +
            `<path d="M0,0 L10,5 L0,10 z" fill="${TIER_COLOURS[t]}"/></marker>`,
    );
    return `<defs>${defs.join("")}</defs>`;
}

export function renderSvg(graph: LaidGraph, name: string): string {
    const w = Math.ceil(graph.width);
    const h = Math.ceil(graph.height);
    // Edges first so that nodes are drawn over them.
    return (
        `<svg xmlns="http://www.w3.org/2000/svg" class="consent-graph" role="img" aria-label="${escapeXml(`consent graph of ${name}`)}" ` +
        `width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">${markers()}` +
        `<g class="edges">${graph.edges.map(renderEdge).join("")}</g><g class="nodes">${graph.nodes.map(renderNode).join("")}</g></svg>`
    );
}

function legend(): string {
    const tiers = ([0, 1, 2] as const).map(t => `<span><i class="swatch" style="border-color:${TIER_COLOURS[t]}"></i>tier ${t}</span>`);
    const changes = [
        `<span><i class="swatch" style="border-color:${ADDED};border-top-width:6px"></i>added (bold, green halo, "+")</span>`,
        `<span><i class="swatch" style="border-top-style:dashed;border-color:#757575"></i>removed (dashed, struck through, "-")</span>`,
        `<span>several permissions between one app and one resource share an edge; hover it for the full list</span>`,
    ];
    return `<p class="legend">${[...tiers, ...changes].join("")}</p>`;
}

function summaryTable(rows: { stack: string; added: number; removed: number; risk: string }[]): string {
    const body = rows
        .map(r => `<tr><td>${escapeXml(r.stack)}</td><td>${escapeXml(r.added)}</td><td>${escapeXml(r.removed)}</td><td>${escapeXml(r.risk)}</td></tr>`)
        .join("");
    return `<table class="summary"><thead><tr><th>stack</th><th>added</th><th>removed</th><th>risk</th></tr></thead><tbody>${body}</tbody></table>`;
}

function stackSection(stack: StackGraph): string {
    const graph = layoutStack(stack);
    const heading = `${stack.stack} (tenant ${stack.tenant}): ${stack.apps.length} apps, ${stack.edges.length} permissions`;
    const body = stack.edges.length || stack.apps.length ? renderSvg(graph, stack.stack) : "<p>No apps and no permissions.</p>";
    return `<section class="stack" data-stack="${escapeXml(stack.stack)}"><h2>${escapeXml(heading)}</h2>${body}</section>`;
}

export function renderReviewHtml(opts: {
    title: string;
    summaryRows: { stack: string; added: number; removed: number; risk: string }[];
    stacks: StackGraph[];
}): string {
    return [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        `<title>${escapeXml(opts.title)}</title><style>${CSS}</style></head><body>`,
        `<h1>${escapeXml(opts.title)}</h1>`,
        summaryTable(opts.summaryRows),
        legend(),
        ...opts.stacks.map(stackSection),
        "</body></html>",
        "",
    ].join("\n");
}
