import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { findCycles, importGraph, ImportGraph, layerOf, layerViolations, loadLayers, sourceFiles } from "../scripts/check-imports";

// The rules `npm run lint` applies (scripts/check-imports.ts with the table of scripts/layers.mjs), checked here on
// small graphs so each can be seen to fail, and on the repository itself.
const graph = (edges: Record<string, string[]>): ImportGraph => new Map(Object.entries(edges));
const LAYERS = [
    { name: "shared", paths: ["lib/ids.ts"] },
    { name: "model", paths: ["lib/model.ts"] },
    { name: "components", paths: ["components/"] },
    { name: "policies", paths: ["policies/"] },
    { name: "plan", paths: ["lib/plan/"] },
];

describe("import layering and cycles", () => {
    it("finds a two-file cycle, a longer one and a self-import, and nothing in an acyclic graph", () => {
        assert.deepEqual(findCycles(graph({ "a.ts": ["b.ts"], "b.ts": ["a.ts"] })), [["a.ts", "b.ts"]]);
        assert.deepEqual(findCycles(graph({ "a.ts": ["b.ts"], "b.ts": ["c.ts"], "c.ts": ["a.ts"], "d.ts": ["a.ts"] })), [["a.ts", "b.ts", "c.ts"]]);
        assert.deepEqual(findCycles(graph({ "a.ts": ["a.ts"] })), [["a.ts"]]);
        assert.deepEqual(findCycles(graph({ "a.ts": ["b.ts", "c.ts"], "b.ts": ["c.ts"], "c.ts": [] })), []);
    });

    it("counts type-only imports, re-exports and require() as edges (import-x/no-cycle skips `import type`)", () => {
        // lib/flows.ts imported the Flow type from lib/plan/plan.ts, which imports lib/flows.ts: the cycle import-x missed.
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "layering-"));
        try {
            fs.writeFileSync(path.join(dir, "flows.ts"), 'import type { Flow } from "./plan";\nexport const f = (x: Flow) => x;\n');
            fs.writeFileSync(
                path.join(dir, "plan.ts"),
                'export { f } from "./flows";\nexport interface Flow { id: string }\nconst j = require("./data.json");\n',
            );
            fs.writeFileSync(path.join(dir, "data.json"), "{}");
            const g = importGraph(["flows.ts", "plan.ts"], dir);
            assert.deepEqual(g.get("plan.ts"), ["flows.ts", "data.json"]);
            assert.deepEqual(findCycles(g), [["flows.ts", "plan.ts"]]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("rejects an import up the layers and allows one down", () => {
        assert.equal(layerOf("components/registration.ts", LAYERS), 2);
        assert.equal(layerOf("lib/flows.ts", LAYERS), undefined);
        assert.deepEqual(layerViolations(graph({ "lib/plan/plan.ts": ["lib/model.ts", "policies/all.ts"], "lib/model.ts": ["lib/ids.ts"] }), LAYERS), []);
        const up = layerViolations(graph({ "lib/model.ts": ["components/types.ts"] }), LAYERS);
        assert.equal(up.length, 1);
        assert.match(up[0], /lib\/model\.ts \(model\) imports components\/types\.ts \(components\)/);
    });

    it("keeps the policy pack to shared files, and places every file in a layer", () => {
        const g = graph({ "policies/lib/stack.ts": ["lib/ids.ts", "lib/model.ts", "components/types.ts"] });
        assert.equal(layerViolations(g, LAYERS).length, 0, "model and components are below policies");
        const pack = layerViolations(g, LAYERS, { policies: ["shared", "policies"] });
        assert.deepEqual(
            pack.map(p => p.split(" ")[3]),
            ["lib/model.ts", "components/types.ts"],
        );
        assert.match(layerViolations(graph({ "lib/flows.ts": [] }), LAYERS)[0], /lib\/flows\.ts is in no layer/);
    });

    it("the repository has no import cycle (type-only imports included) and every import runs down the layers", async () => {
        const { layers, mayImport } = await loadLayers();
        const g = importGraph(sourceFiles());
        assert.ok(g.size > 100, `${g.size} files`);
        assert.ok(g.get("lib/plan/plan.ts")!.includes("lib/flows.ts"));
        assert.deepEqual(findCycles(g), []);
        assert.deepEqual(layerViolations(g, layers, mayImport), []);
    });
});
