// The consent graph of one stack for the review page (issue 12): the types the review builds, and the layout.
// Layout is @dagrejs/dagre (MIT, maintained by the dagrejs org, ~2.4 MB unpacked with graphlib, pure JS, no engines
// field so no warnings on Node 20): a layered (Sugiyama) layout with crossing minimisation and edge-label placement,
// which a hand-written layering would have to reimplement; elkjs does the same in a much larger package.
// The layout runs here, at generation time, so the page needs no script.
import { Graph, layout } from "@dagrejs/dagre";

export type EdgeChange = "added" | "removed" | "unchanged";
export interface GraphEdge {
    app: string;
    resource: string;
    permission: string;
    type: "delegated" | "application" | "pre-authorized" | "user-consent";
    tier: 0 | 1 | 2;
    change: EdgeChange;
    approval?: string;
}
export interface StackGraph {
    stack: string;
    tenant: string;
    apps: { key: string; label: string; change: EdgeChange }[];
    resources: { key: string; label: string }[];
    edges: GraphEdge[];
}

/** One drawn node: an app, a resource, or both (keys are shared, e.g. orders-web -> orders-api). */
export interface LaidNode {
    key: string;
    label: string;
    kind: "app" | "resource" | "app resource";
    change: EdgeChange;
    x: number;
    y: number;
    width: number;
    height: number;
}
/** One drawn edge: every permission between one app and one resource with the same change, collapsed. */
export interface LaidEdge {
    app: string;
    resource: string;
    change: EdgeChange;
    /** The most privileged tier of the collapsed permissions (0 is the most privileged). */
    tier: 0 | 1 | 2;
    permissions: GraphEdge[];
    /** The label lines drawn on the edge (the full list is in the tooltip). */
    lines: string[];
    /** The tier each label line is coloured by ("+N more" takes the edge's tier). */
    lineTiers: (0 | 1 | 2)[];
    points: { x: number; y: number }[];
    labelX: number;
    labelY: number;
    labelWidth: number;
    labelHeight: number;
}
export interface LaidGraph {
    width: number;
    height: number;
    nodes: LaidNode[];
    edges: LaidEdge[];
}

export const NODE_HEIGHT = 30;
export const LINE_HEIGHT = 13;
/** Labels longer than this are cut on the page (names come from stack files); the tooltip has the full text. */
export const MAX_LABEL_CHARS = 40;
/** Edges with more permissions show this many lines and "+N more". */
export const MAX_EDGE_LINES = 3;
const CHAR_WIDTH = 7.5;
// 11px monospace is ~6.6px a character; a little more so that labels fit whichever monospace font the viewer has.
const EDGE_CHAR_WIDTH = 7;

export function truncate(text: string, max = MAX_LABEL_CHARS): string {
    const chars = Array.from(text);
    return chars.length <= max ? text : chars.slice(0, max - 1).join("") + "…";
}

/** Anything not tier 1 or 2 is treated as tier 0: what cannot be identified is shown as the most privileged. */
export function tierOf(tier: unknown): 0 | 1 | 2 {
    return tier === 1 || tier === 2 ? tier : 0;
}

/** Unknown change values are drawn as added: a reviewer must look at them. */
function changeOf(change: unknown): EdgeChange {
    return change === "removed" || change === "unchanged" ? change : "added";
}

function collectNodes(stack: StackGraph): Map<string, Omit<LaidNode, "x" | "y" | "width" | "height">> {
    const nodes = new Map<string, Omit<LaidNode, "x" | "y" | "width" | "height">>();
    for (const r of stack.resources) nodes.set(r.key, { key: r.key, label: r.label, kind: "resource", change: "unchanged" });
    for (const a of stack.apps) {
        const kind = nodes.has(a.key) ? "app resource" : "app";
        nodes.set(a.key, { key: a.key, label: a.label, kind, change: changeOf(a.change) });
    }
    // Edges naming a node that is not listed still get a node (labelled by key) rather than vanishing.
    for (const e of stack.edges) {
        if (!nodes.has(e.app)) nodes.set(e.app, { key: e.app, label: e.app, kind: "app", change: "unchanged" });
        if (!nodes.has(e.resource)) nodes.set(e.resource, { key: e.resource, label: e.resource, kind: "resource", change: "unchanged" });
    }
    return nodes;
}

/** Groups permissions by app x resource x change, most privileged first. */
export function collapseEdges(edges: GraphEdge[]): Omit<LaidEdge, "points" | "labelX" | "labelY" | "labelWidth" | "labelHeight">[] {
    const groups = new Map<string, GraphEdge[]>();
    for (const e of edges) {
        const id = JSON.stringify([e.app, e.resource, changeOf(e.change)]);
        groups.set(id, [...(groups.get(id) ?? []), e]);
    }
    return [...groups.values()].map(perms => {
        const sorted = [...perms].sort((a, b) => tierOf(a.tier) - tierOf(b.tier) || a.permission.localeCompare(b.permission));
        const shown = sorted.length > MAX_EDGE_LINES ? sorted.slice(0, MAX_EDGE_LINES - 1) : sorted;
        const lines = shown.map(p => truncate(p.permission, 32));
        const tier = tierOf(sorted[0].tier);
        const lineTiers = shown.map(p => tierOf(p.tier));
        if (shown.length < sorted.length) {
            lines.push(`+${sorted.length - shown.length} more`);
            lineTiers.push(tier);
        }
        return { app: sorted[0].app, resource: sorted[0].resource, change: changeOf(sorted[0].change), tier, permissions: sorted, lines, lineTiers };
    });
}

/** Lays out one stack's graph left to right: apps on the left, the resources they call on the right. */
export function layoutStack(stack: StackGraph): LaidGraph {
    const g = new Graph({ multigraph: true });
    g.setGraph({ rankdir: "LR", nodesep: 14, ranksep: 90, edgesep: 8, marginx: 12, marginy: 12 });
    g.setDefaultEdgeLabel(() => ({}));
    const nodes = collectNodes(stack);
    for (const n of nodes.values()) g.setNode(n.key, { width: Math.max(60, Array.from(truncate(n.label)).length * CHAR_WIDTH + 20), height: NODE_HEIGHT });
    const collapsed = collapseEdges(stack.edges);
    collapsed.forEach((e, i) => {
        // +2 characters for the "+ " or "- " prefix the page puts on added and removed edges.
        const width = (Math.max(...e.lines.map(l => Array.from(l).length)) + 2) * EDGE_CHAR_WIDTH + 8;
        g.setEdge(e.app, e.resource, { width, height: e.lines.length * LINE_HEIGHT + 4, labelpos: "c" }, `e${i}`);
    });
    layout(g);
    const graph = g.graph();
    const laidNodes = [...nodes.values()].map(n => {
        const { x = 0, y = 0, width, height } = g.node(n.key);
        return { ...n, x, y, width, height };
    });
    const laidEdges = collapsed.map((e, i) => {
        const label = g.edge(e.app, e.resource, `e${i}`);
        const { points = [], x = 0, y = 0, width = 0, height = 0 } = label;
        return { ...e, points, labelX: x, labelY: y, labelWidth: width, labelHeight: height };
    });
    return { width: graph.width ?? 0, height: graph.height ?? 0, nodes: laidNodes, edges: laidEdges };
}
