/**
 * npm run lint (after eslint): imports run one way and form no cycle. The layer table is scripts/layers.mjs, which
 * eslint.config.mjs also reads; this check adds what import-x cannot see: its no-cycle rule skips `import type`, so a
 * cycle made of type-only imports passes it. Every import counts here: value, type-only, re-export and require().
 */
import * as fs from "fs";
import * as path from "path";
import { pathToFileURL } from "url";
import * as ts from "typescript";

const ROOT = path.resolve(__dirname, "..");
const SOURCE_DIRS = ["index.ts", "components", "lib", "policies", "scripts", "bench", "examples", "tests"];

export interface Layer {
    name: string;
    paths: string[];
}
/** file (relative, "/"-separated) -> the files it imports */
export type ImportGraph = Map<string, string[]>;

const posix = (p: string): string => p.split(path.sep).join("/");

/** The repository's own files a module specifier points to (packages and missing files are not edges). */
function resolveSpecifier(root: string, from: string, spec: string): string | undefined {
    if (!spec.startsWith(".")) return undefined;
    const base = path.resolve(root, path.dirname(from), spec);
    for (const candidate of [base, `${base}.ts`, path.join(base, "index.ts")]) {
        if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return posix(path.relative(root, candidate));
    }
    return undefined;
}

/** Every TypeScript file under the source folders (fixtures included: they are programs the plan runs). */
export function sourceFiles(root = ROOT): string[] {
    const out: string[] = [];
    const walk = (rel: string): void => {
        const abs = path.join(root, rel);
        if (!fs.existsSync(abs)) return;
        if (fs.statSync(abs).isDirectory()) {
            for (const e of fs.readdirSync(abs)) if (e !== "node_modules") walk(path.join(rel, e));
        } else if (rel.endsWith(".ts")) out.push(posix(rel));
    };
    SOURCE_DIRS.forEach(walk);
    return out.sort();
}

/** The import graph of `files`: imports, type-only imports, re-exports, require() and import() of relative paths. */
export function importGraph(files: string[], root = ROOT): ImportGraph {
    const graph: ImportGraph = new Map();
    for (const file of files) {
        const info = ts.preProcessFile(fs.readFileSync(path.join(root, file), "utf8"), true, true);
        const targets = info.importedFiles.map(f => resolveSpecifier(root, file, f.fileName)).filter((f): f is string => f !== undefined);
        graph.set(file, [...new Set(targets)]);
    }
    return graph;
}

/** The import cycles of a graph: its strongly connected components of two or more files, or a file importing itself. */
export function findCycles(graph: ImportGraph): string[][] {
    // Tarjan's algorithm, iterative so a long import chain cannot overflow the stack.
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const onStack = new Set<string>();
    const stack: string[] = [];
    const cycles: string[][] = [];
    let next = 0;
    for (const start of graph.keys()) {
        if (index.has(start)) continue;
        const work: { node: string; edge: number }[] = [{ node: start, edge: 0 }];
        index.set(start, next);
        low.set(start, next++);
        stack.push(start);
        onStack.add(start);
        while (work.length) {
            const top = work[work.length - 1];
            const edges = graph.get(top.node) ?? [];
            if (top.edge < edges.length) {
                const to = edges[top.edge++];
                if (!index.has(to)) {
                    index.set(to, next);
                    low.set(to, next++);
                    stack.push(to);
                    onStack.add(to);
                    work.push({ node: to, edge: 0 });
                } else if (onStack.has(to)) low.set(top.node, Math.min(low.get(top.node)!, index.get(to)!));
                continue;
            }
            work.pop();
            if (work.length) low.set(work[work.length - 1].node, Math.min(low.get(work[work.length - 1].node)!, low.get(top.node)!));
            if (low.get(top.node) !== index.get(top.node)) continue;
            const component: string[] = [];
            let member: string;
            do {
                member = stack.pop()!;
                onStack.delete(member);
                component.push(member);
            } while (member !== top.node);
            if (component.length > 1 || edges.includes(top.node)) cycles.push(component.sort());
        }
    }
    return cycles;
}

/** The layer a file belongs to (its position in `layers`), or undefined for a file no layer names. */
export function layerOf(file: string, layers: Layer[]): number | undefined {
    const i = layers.findIndex(l => l.paths.some(p => (p.endsWith("/") ? file.startsWith(p) : file === p)));
    return i < 0 ? undefined : i;
}

/** Imports that run upward (a lower layer importing a higher one), those a layer's `mayImport` list forbids, and unplaced files. */
export function layerViolations(graph: ImportGraph, layers: Layer[], mayImport: Record<string, string[]> = {}): string[] {
    const out: string[] = [];
    for (const [file, targets] of graph) {
        const from = layerOf(file, layers);
        if (from === undefined) {
            out.push(`${file} is in no layer (add it to scripts/layers.mjs)`);
            continue;
        }
        const allowed = mayImport[layers[from].name];
        for (const target of targets) {
            const to = layerOf(target, layers);
            if (to === undefined) out.push(`${file} imports ${target}, which is in no layer`);
            else if (to > from)
                out.push(`${file} (${layers[from].name}) imports ${target} (${layers[to].name}): imports run ${layers.map(l => l.name).join(" <- ")}`);
            else if (allowed && !allowed.includes(layers[to].name))
                out.push(`${file} (${layers[from].name}) imports ${target} (${layers[to].name}): ${layers[from].name} may import only ${allowed.join(", ")}`);
        }
    }
    return out;
}

/** The layer table of scripts/layers.mjs (an ES module, so eslint.config.mjs can read it too). */
export async function loadLayers(root = ROOT): Promise<{ layers: Layer[]; mayImport: Record<string, string[]> }> {
    const mod = (await import(pathToFileURL(path.join(root, "scripts", "layers.mjs")).href)) as { LAYERS: Layer[]; PACK_MAY_IMPORT: string[] };
    return { layers: mod.LAYERS, mayImport: { policies: mod.PACK_MAY_IMPORT } };
}

export async function main(_argv: string[]): Promise<number> {
    const { layers, mayImport } = await loadLayers();
    const graph = importGraph(sourceFiles());
    const problems = [...findCycles(graph).map(c => `import cycle: ${c.join(" <-> ")}`), ...layerViolations(graph, layers, mayImport)];
    for (const p of problems) console.error(`check-imports: ${p}`);
    if (!problems.length) console.log(`check-imports: ${graph.size} files, no import cycle, every import runs down the layers`);
    return problems.length ? 1 : 0;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(code => (process.exitCode = code));
}
