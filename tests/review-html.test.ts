// The review page of issue 12 in a real headless browser (Debian's chromium, driven by puppeteer-core): every app is an
// SVG node, added and removed edges are marked, labels from stack files are inert, nothing is loaded from the network,
// and a 40-app graph stays readable (no overlapping nodes). Chromium missing is a failure, not a skip: .ci/run installs it.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { type GraphEdge, type StackGraph, collapseEdges, layoutStack, tierOf } from "../lib/review/graph";
import { renderReviewHtml } from "../lib/review/html";

function chromiumPath(): string {
    try {
        return execFileSync("which", ["chromium"], { encoding: "utf8" }).trim();
    } catch {
        throw new Error("chromium is not installed: the review page test needs Debian's chromium package (apt-get install -y chromium; .ci/run does it)");
    }
}

/** A stack like the dev stack: a web app calling its own API (an app that is also a resource), a daemon, Graph. */
function ordersStack(): StackGraph {
    const edge = (app: string, resource: string, permission: string, type: GraphEdge["type"], tier: 0 | 1 | 2, change: GraphEdge["change"]): GraphEdge => ({
        app,
        resource,
        permission,
        type,
        tier,
        change,
    });
    return {
        stack: "dev",
        tenant: "contoso.onmicrosoft.com",
        apps: [
            { key: "orders-web", label: "Orders Web", change: "unchanged" },
            { key: "orders-api", label: "Orders API", change: "unchanged" },
            { key: "reports-daemon", label: "Reports daemon", change: "unchanged" },
            { key: "legacy-sync", label: "Legacy sync", change: "removed" },
            { key: "new-portal", label: "New portal", change: "added" },
        ],
        resources: [
            { key: "graph", label: "Microsoft Graph" },
            { key: "orders-api", label: "Orders API" },
        ],
        edges: [
            edge("orders-web", "orders-api", "Orders.Read", "delegated", 2, "unchanged"),
            edge("orders-web", "graph", "User.Read", "delegated", 2, "unchanged"),
            { ...edge("orders-web", "graph", "Mail.Read", "delegated", 1, "added"), approval: "SEC-88" },
            edge("reports-daemon", "graph", "User.Read.All", "application", 0, "removed"),
            edge("reports-daemon", "graph", "Reports.Read.All", "application", 1, "unchanged"),
            edge("legacy-sync", "graph", "Directory.Read.All", "application", 0, "removed"),
            edge("new-portal", "orders-api", "Orders.Read", "pre-authorized", 2, "added"),
            edge("new-portal", "graph", "openid", "user-consent", 2, "added"),
        ],
    };
}

const GRAPH_SCOPES = ["User.Read", "Mail.Read", "Calendars.Read", "Files.Read.All", "Sites.Read.All", "Group.Read.All", "User.Read.All", "Mail.Send"];

/** 40 apps over Graph and 5 of the apps' own APIs, 2 to 8 permissions per pair, with added and removed ones. */
function fleetStack(): StackGraph {
    const apps = Array.from({ length: 40 }, (_, i) => ({
        key: `app-${i}`,
        label: `Team ${i} service`,
        change: (i % 13 === 0 ? "added" : "unchanged") as GraphEdge["change"],
    }));
    const edges: GraphEdge[] = [];
    apps.forEach((a, i) => {
        GRAPH_SCOPES.slice(0, 2 + (i % 7)).forEach((scope, j) => {
            const change = j === 1 && i % 4 === 0 ? "added" : j === 2 && i % 5 === 0 ? "removed" : "unchanged";
            edges.push({ app: a.key, resource: "graph", permission: scope, type: i % 3 ? "delegated" : "application", tier: tierOf(j % 3), change });
        });
        if (i >= 5) edges.push({ app: a.key, resource: `app-${i % 5}`, permission: "access_as_user", type: "delegated", tier: 2, change: "unchanged" });
    });
    const resources = [{ key: "graph", label: "Microsoft Graph" }, ...apps.slice(0, 5).map(a => ({ key: a.key, label: a.label }))];
    return { stack: "fleet-07", tenant: "fabrikam.onmicrosoft.com", apps, resources, edges };
}

function pngSize(file: string): { bytes: number; width: number; height: number } {
    const png = fs.readFileSync(file);
    assert.equal(png.subarray(1, 4).toString("latin1"), "PNG", "the screenshot is a PNG");
    return { bytes: png.length, width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

let browser: Browser;
let tmp: string;

/** Launches chromium for the tests of the calling describe block (and a temporary folder for screenshots). */
function useBrowser(): void {
    before(async function () {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "review-html-"));
        const args = process.getuid?.() === 0 ? ["--no-sandbox"] : [];
        browser = await puppeteer.launch({ executablePath: chromiumPath(), headless: true, args });
    });
    after(async function () {
        await browser?.close();
        if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    });
}

/** Loads html with every network request recorded and aborted; the caller asserts none was made. */
async function open(html: string): Promise<{ page: Page; requests: string[] }> {
    const page = await browser.newPage();
    const requests: string[] = [];
    await page.setRequestInterception(true);
    page.on("request", req => {
        requests.push(req.url());
        void req.abort();
    });
    await page.setViewport({ width: 1400, height: 900 });
    await page.setContent(html, { waitUntil: "load" });
    return { page, requests };
}

describe("review page (HTML consent graph, headless chromium)", function () {
    useBrowser();

    it("the network guard sees a request (so that 'no request' below means something)", async function () {
        const { page, requests } = await open('<html><body><img src="http://example.invalid/x.png"></body></html>');
        await page.close();
        assert.deepEqual(requests, ["http://example.invalid/x.png"]);
    });

    it("draws every app as one node (an app that is also a resource once), marks added and removed edges, loads nothing", async function () {
        const stack = ordersStack();
        const { page, requests } = await open(
            renderReviewHtml({ title: "Review", summaryRows: [{ stack: "dev", added: 3, removed: 2, risk: "tier 1" }], stacks: [stack] }),
        );
        const keys = await page.$$eval("svg.consent-graph g.node", gs => gs.map(g => g.getAttribute("data-key")));
        for (const app of stack.apps) assert.equal(keys.filter(k => k === app.key).length, 1, `app ${app.key} is exactly one node`);
        assert.deepEqual([...keys].sort(), ["graph", "legacy-sync", "new-portal", "orders-api", "orders-web", "reports-daemon"]);
        const edges = await page.$$eval("svg.consent-graph g.edge", gs =>
            gs.map(g => {
                const line = g.querySelector("path.line") as SVGPathElement;
                const style = getComputedStyle(line);
                return {
                    cls: g.getAttribute("class"),
                    change: g.getAttribute("data-change"),
                    width: parseFloat(style.strokeWidth),
                    dash: style.strokeDasharray,
                };
            }),
        );
        // 8 permissions; orders-web -> graph splits into unchanged and added, reports-daemon -> graph into removed and unchanged.
        assert.equal(edges.length, 8);
        const added = edges.filter(e => e.change === "added");
        const removed = edges.filter(e => e.change === "removed");
        const unchanged = edges.filter(e => e.change === "unchanged");
        assert.equal(added.length, 3);
        assert.equal(removed.length, 2);
        for (const e of added) assert.match(e.cls ?? "", /\bedge added\b/);
        for (const e of added) assert.ok(e.width > unchanged[0].width, "added edges are drawn bolder");
        for (const e of removed) assert.notEqual(e.dash, "none", "removed edges are dashed");
        for (const e of unchanged) assert.equal(e.dash, "none");
        const removedText = await page.$eval('g.edge[data-change="removed"] text', t => getComputedStyle(t).textDecorationLine);
        assert.equal(removedText, "line-through");
        const file = path.join(tmp, "dev.png");
        await page.screenshot({ path: file, fullPage: true });
        await page.close();
        const png = pngSize(file);
        assert.ok(png.bytes > 10_000 && png.width >= 400 && png.height >= 300, `screenshot looks empty: ${JSON.stringify(png)}`);
        assert.deepEqual(requests, [], "the page loads nothing");
    });

    it("labels from stack files are inert: a <script> display name or permission runs nothing and shows as text", async function () {
        const payload = `<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">`;
        const stack = ordersStack();
        stack.stack = payload;
        stack.apps[0].label = payload;
        stack.apps[0].key = `"><script>window.__pwned=3</script>`;
        stack.edges = stack.edges.map(e => (e.app === "orders-web" ? { ...e, app: stack.apps[0].key, permission: payload } : e));
        const html = renderReviewHtml({ title: payload, summaryRows: [{ stack: payload, added: 1, removed: 0, risk: payload }], stacks: [stack] });
        const { page, requests } = await open(html);
        const result = await page.evaluate(() => ({
            pwned: (window as unknown as { __pwned?: number }).__pwned,
            scripts: document.querySelectorAll("script").length,
            imgs: document.querySelectorAll("img").length,
            title: document.title,
            node: document.querySelector('g.node[data-key^="\\"><script>"] text')?.textContent,
        }));
        await page.close();
        assert.equal(result.pwned, undefined);
        assert.equal(result.scripts, 0);
        assert.equal(result.imgs, 0);
        assert.equal(result.title, payload);
        assert.ok(result.node?.startsWith("<script>window.__pwned=1"), `node label shown as text: ${result.node}`);
        assert.deepEqual(requests, []);
    });
});

describe("review page: tiers and readability at 40 apps (headless chromium)", function () {
    useBrowser();

    it("colours each edge by its most privileged tier and lists every permission in its tooltip", async function () {
        const stack = ordersStack();
        const { page } = await open(renderReviewHtml({ title: "Review", summaryRows: [], stacks: [stack] }));
        const daemon = await page.$eval('g.edge[data-app="reports-daemon"][data-change="removed"]', g => ({
            stroke: (g.querySelector("path.line") as SVGPathElement).getAttribute("stroke"),
            title: g.querySelector("title")?.textContent,
        }));
        await page.close();
        assert.equal(daemon.stroke, "#c62828", "tier 0 is red");
        assert.match(daemon.title ?? "", /User\.Read\.All \(application, tier 0\)/);
    });

    it("40 apps: nodes do not overlap, edge labels do not cover nodes, many permissions collapse into one edge", async function () {
        const stack = fleetStack();
        const html = renderReviewHtml({
            title: "Review of fleet-07",
            summaryRows: [{ stack: "fleet-07", added: 10, removed: 8, risk: "tier 0" }],
            stacks: [stack],
        });
        const { page, requests } = await open(html);
        const boxes = await page.$$eval("svg.consent-graph g.node rect", rs =>
            rs.map(r => {
                const b = r.getBoundingClientRect();
                return { key: r.parentElement?.getAttribute("data-key"), x: b.x, y: b.y, w: b.width, h: b.height };
            }),
        );
        const labels = await page.$$eval("svg.consent-graph g.edge rect.label", rs =>
            rs.map(r => r.getBoundingClientRect()).map(b => ({ x: b.x, y: b.y, w: b.width, h: b.height })),
        );
        const edgeCount = await page.$$eval("svg.consent-graph g.edge", gs => gs.length);
        // Text wider than its box (node or edge label) would spill over neighbours.
        const spills = await page.$$eval("svg.consent-graph g.node, svg.consent-graph g.edge", gs =>
            gs
                .filter(g => (g.querySelector("text") as SVGTextElement).getBBox().width > (g.querySelector("rect") as SVGRectElement).getBBox().width)
                .map(g => g.textContent),
        );
        const file = path.join(tmp, "fleet.png");
        await page.screenshot({ path: file, fullPage: true });
        await page.close();
        assert.equal(boxes.length, 41, "40 apps and Graph (5 apps are also resources)");
        assert.deepEqual(spills, [], "every label fits its box");
        const overlaps = (a: (typeof labels)[0], b: (typeof labels)[0]) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        for (let i = 0; i < boxes.length; i++) {
            for (let j = i + 1; j < boxes.length; j++) assert.ok(!overlaps(boxes[i], boxes[j]), `nodes ${boxes[i].key} and ${boxes[j].key} overlap`);
            for (const l of labels) assert.ok(!overlaps(boxes[i], l), `an edge label covers node ${boxes[i].key}`);
        }
        assert.equal(edgeCount, collapseEdges(stack.edges).length);
        assert.ok(edgeCount < stack.edges.length / 2, `${stack.edges.length} permissions collapse into ${edgeCount} edges`);
        const png = pngSize(file);
        assert.ok(png.bytes > 20_000 && png.height > 900, `screenshot looks empty: ${JSON.stringify(png)}`);
        assert.deepEqual(requests, []);
    });
});

describe("consent graph layout (pure)", function () {
    it("collapses one app x resource x change into one edge, most privileged first, with '+N more'", function () {
        const perms = ["A", "B", "C", "D", "E"].map((p, i) => ({
            app: "a",
            resource: "r",
            permission: p,
            type: "delegated" as const,
            tier: tierOf(2 - (i % 3)),
            change: "added" as const,
        }));
        const [edge, ...rest] = collapseEdges(perms);
        assert.equal(rest.length, 0);
        assert.equal(edge.tier, 0);
        assert.deepEqual(edge.lines, ["C", "B", "+3 more"]);
        assert.deepEqual(edge.lineTiers, [0, 1, 0]);
        assert.equal(edge.permissions.length, 5);
    });

    it("an unknown tier is drawn as tier 0 (fail closed)", function () {
        const [edge] = collapseEdges([{ app: "a", resource: "r", permission: "X", type: "application", tier: 7 as unknown as 0, change: "added" }]);
        assert.equal(edge.tier, 0);
    });

    it("an edge to an unlisted node still gets a node", function () {
        const g = layoutStack({
            stack: "s",
            tenant: "t",
            apps: [],
            resources: [],
            edges: [{ app: "ghost", resource: "graph", permission: "X", type: "application", tier: 1, change: "added" }],
        });
        assert.deepEqual(g.nodes.map(n => n.key).sort(), ["ghost", "graph"]);
    });
});
