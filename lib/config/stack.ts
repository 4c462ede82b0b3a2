/** Where stack config comes from: the Pulumi config map (at deploy time) or a Pulumi.<stack>.yaml file (offline plan). */
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import YAML from "yaml";
import { PermissionCatalog } from "../catalog";
import { formatPath, InputError, InputProblem } from "../errors";
import { buildModel, ConsentModel } from "../model";
import { didYouMean } from "../suggest";

export const NAMESPACE = "entra-consent";
/**
 * tenant and apps describe the tenant; overrides and appsRemoved are a stack's differences from the apps of Pulumi.yaml;
 * adopted names the resources imported from the tenant (left there on delete).
 */
export const KEYS = ["tenant", "apps", "overrides", "appsRemoved", "adopted"];

/** A stack file's `config:` map, values as written (objects stay objects). */
export interface StackFile {
    path: string;
    config: Record<string, unknown>;
}

/**
 * Limits on a stack file: larger, deeper or more aliased input is refused as invalid, before it can exhaust memory or the
 * stack. One tenant's 5,000 apps take about 1.4 MB (bench/generate.ts); 8 MB leaves room for a tenant several times larger.
 */
export const STACK_FILE_LIMITS = { bytes: 8 * 1024 * 1024, depth: 64, aliases: 100 } as const;
/** The explicit tags a stack file may carry: YAML's core schema. Others (!!set, !!binary, !foo) change what a value is. */
const CORE_TAGS = new Set(["str", "int", "float", "bool", "null", "map", "seq"].map(t => `tag:yaml.org,2002:${t}`));

export function readStackFile(file: string): StackFile {
    const data = readConfigYaml(file);
    if (data.config !== undefined && !isMap(data.config)) {
        throw new InputError([{ path: `${file}: config`, message: "a stack file is a map with a `config:` map", hint: "see Pulumi.dev.yaml" }]);
    }
    return { path: file, config: (data.config as Record<string, unknown> | undefined) ?? {} };
}

/** A stack or project file, read with the same limits (size, depth, tags, aliases): the top-level map. */
export function readConfigYaml(file: string): Record<string, unknown> {
    let text: string;
    try {
        const { size } = fs.statSync(file);
        if (size > STACK_FILE_LIMITS.bytes) {
            throw new InputError([
                {
                    path: file,
                    message: `is ${size} bytes; a stack file may be at most ${STACK_FILE_LIMITS.bytes} bytes (8 MB)`,
                    hint: "a stack file holds one tenant's config",
                },
            ]);
        }
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        if (e instanceof InputError) throw e;
        throw new InputError([{ path: file, message: `cannot read the stack file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }]);
    }
    const lines = new YAML.LineCounter();
    const lineOf = (offset: number | undefined) => (offset === undefined ? "?" : lines.linePos(offset).line);
    let doc: YAML.Document.Parsed;
    try {
        // core schema without YAML 1.1's extra tags, no merge keys, duplicate keys refused
        doc = YAML.parseDocument(text, { prettyErrors: true, schema: "core", resolveKnownTags: false, merge: false, uniqueKeys: true, lineCounter: lines });
    } catch (e) {
        // The parser reports bad syntax in doc.errors; it throws only when its recursion runs out of stack, which shows
        // as a RangeError or, inside a regular expression, a SyntaxError. Either way the input is what failed.
        throw new InputError([
            {
                path: `${file}:${deepestLine(text)}`,
                message: `is nested too deeply to read (at most ${STACK_FILE_LIMITS.depth} levels): ${(e as Error).message}`,
            },
        ]);
    }
    if (doc.errors.length) {
        throw new InputError(
            doc.errors.map(e => ({
                path: `${file}:${e.linePos?.[0]?.line ?? "?"}`,
                message: `not valid YAML: ${e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")}`,
            })),
        );
    }
    const problems = hostileNodes(doc.contents).map(({ node, message, hint }) => ({ path: `${file}:${lineOf(node.range?.[0])}`, message, hint }));
    if (problems.length) throw new InputError(problems);
    let data: unknown;
    try {
        data = doc.toJS({ maxAliasCount: STACK_FILE_LIMITS.aliases }) ?? {};
    } catch (e) {
        if (e instanceof ReferenceError || e instanceof RangeError) {
            throw new InputError([
                {
                    path: `${file}:${lineOf(firstAlias(doc))}`,
                    message: `its aliases expand too far (an alias bomb): ${e.message}`,
                    hint: `write the values out, or use fewer aliases (at most ${STACK_FILE_LIMITS.aliases} expanded nodes)`,
                },
            ]);
        }
        throw e;
    }
    if (!isMap(data)) throw new InputError([{ path: `${file}: config`, message: "a stack file is a map with a `config:` map", hint: "see Pulumi.dev.yaml" }]);
    return data;
}

export const isMap = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/** Nodes a stack file may not hold: deeper than the limit, tags outside the core schema, merge keys. Walked without recursion. */
function hostileNodes(root: unknown): { node: YAML.Node; message: string; hint?: string }[] {
    const out: { node: YAML.Node; message: string; hint?: string }[] = [];
    const stack: [unknown, number][] = [[root, 0]];
    while (stack.length) {
        const [node, depth] = stack.pop()!;
        if (!YAML.isNode(node)) continue;
        if (depth > STACK_FILE_LIMITS.depth) {
            out.push({ node, message: `is nested deeper than ${STACK_FILE_LIMITS.depth} levels` });
            continue;
        }
        if (node.tag && !CORE_TAGS.has(node.tag)) {
            out.push({
                node,
                message: `has the tag ${node.tag.replace("tag:yaml.org,2002:", "!!")}, which a stack file may not use`,
                hint: "plain YAML maps, lists, strings, numbers and booleans",
            });
        }
        if (YAML.isMap(node)) {
            for (const pair of node.items) {
                if (YAML.isScalar(pair.key) && pair.key.value === "<<")
                    out.push({ node: pair.key, message: "is a merge key (<<), which a stack file may not use", hint: "write the map out" });
                stack.push([pair.key, depth + 1], [pair.value, depth + 1]);
            }
        } else if (YAML.isSeq(node)) {
            for (const item of node.items) stack.push([item, depth + 1]);
        }
    }
    return out.sort((a, b) => (a.node.range?.[0] ?? 0) - (b.node.range?.[0] ?? 0));
}

/** Whether a JSON value nests deeper than `limit` levels, walked without recursion. */
function deeperThan(value: unknown, limit: number): boolean {
    const stack: [unknown, number][] = [[value, 0]];
    while (stack.length) {
        const [v, depth] = stack.pop()!;
        if (depth > limit) return true;
        if (v && typeof v === "object") for (const x of Object.values(v)) stack.push([x, depth + 1]);
    }
    return false;
}

/** Where the first alias is: the start of an expansion that went too far. */
function firstAlias(doc: YAML.Document.Parsed): number | undefined {
    let offset: number | undefined;
    YAML.visit(doc, {
        Alias(_, node) {
            offset = node.range?.[0];
            return YAML.visit.BREAK;
        },
    });
    return offset;
}

/** When the parser ran out of stack: the line that opens the most levels, for the message. */
function deepestLine(text: string): number {
    let best = 1,
        most = -1;
    text.split("\n").forEach((line, i) => {
        const opens = (line.match(/[[{]|(?:^|\s)[-?](?=\s|$)/g) ?? []).length + line.search(/\S|$/);
        if (opens > most) {
            most = opens;
            best = i + 1;
        }
    });
    return best;
}

/**
 * Picks this project's keys from a config map (values as objects or JSON strings, as the engine gives them),
 * reporting unknown `entra-consent:` keys and unparsable values.
 */
export function rawStackConfig(config: Record<string, unknown>): { raw: Record<string, unknown>; azureadTenantId?: string; origins: Origin[] } {
    const problems: InputProblem[] = [];
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(config)) {
        // `pulumi up` refuses a key without `<namespace>:` (pulumi/pulumi sdk/go/common/resource/config/key.go ParseKey)
        if (!key.includes(":")) problems.push({ path: key, message: "has no namespace: Pulumi refuses the stack file", hint: `write ${NAMESPACE}:${key}` });
        if (!key.startsWith(`${NAMESPACE}:`)) continue;
        const name = key.slice(NAMESPACE.length + 1);
        if (!KEYS.includes(name)) {
            problems.push({
                path: key,
                message: `unknown config key${didYouMean(name, KEYS).replace(/"(\w+)"/, `"${NAMESPACE}:$1"`)}`,
                hint: `this project reads ${KEYS.map(k => `${NAMESPACE}:${k}`).join(", ")}`,
            });
            continue;
        }
        if (typeof value === "string") {
            let parsed: unknown;
            try {
                parsed = JSON.parse(value);
            } catch {
                problems.push({ path: formatPath([name]), message: "is not a map", hint: "write it as a YAML map in the stack file" });
                continue;
            }
            // the engine passes objects as JSON strings: the same depth limit as a stack file, before anything recurses into it
            if (deeperThan(parsed, STACK_FILE_LIMITS.depth))
                problems.push({ path: formatPath([name]), message: `is nested deeper than ${STACK_FILE_LIMITS.depth} levels` });
            else raw[name] = parsed;
        } else raw[name] = value;
    }
    if (problems.length) throw new InputError(problems);
    const merged = applyOverrides(raw);
    const tenantId = config["azuread:tenantId"];
    return { raw: merged.raw, azureadTenantId: typeof tenantId === "string" ? tenantId : undefined, origins: merged.origins };
}

/** The stack's overrides and removals applied to the apps (inherited from Pulumi.yaml): the config the model is built from. */
function applyOverrides(raw: Record<string, unknown>): { raw: Record<string, unknown>; origins: Origin[] } {
    if (raw.overrides === undefined && raw.appsRemoved === undefined) return { raw, origins: [] };
    const { overrides, appsRemoved, ...rest } = raw;
    const merged = mergeApps(raw.apps, overrides, appsRemoved);
    if (merged.problems.length) throw new InputError(merged.problems);
    return { raw: { ...rest, ...(merged.apps === undefined ? {} : { apps: merged.apps }) }, origins: merged.origins };
}

/** Where a part of the merged apps was written: `at` (apps.x.y) came from `written` (overrides.x.y) in the stack file. */
export interface Origin {
    at: (string | number)[];
    written: (string | number)[];
}

/** Sets an own property, whatever its name: a key "__proto__" from a stack file stays data, never a prototype. */
function put(target: Record<string, unknown>, key: string, value: unknown): void {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

const NULL_HINT = "an override cannot delete a value: list the app in entra-consent:appsRemoved (and under overrides to define it anew)";

/**
 * A deep merge of one value by another (the override wins): maps merge key by key, recursively; scalars and
 * lists (redirectUris, members, permission lists) replace the inherited value whole, so what a tenant gets is
 * exactly what its file says. null deletes nothing: it is a problem.
 */
export function deepMerge(
    base: unknown,
    over: unknown,
    at: (string | number)[],
    written: (string | number)[],
    out: { origins: Origin[]; problems: InputProblem[] },
): unknown {
    if (over === null) {
        out.problems.push({ path: formatPath(written), message: "is empty (null)", hint: NULL_HINT });
        return base;
    }
    if (!isMap(base) || !isMap(over)) {
        out.origins.push({ at, written });
        return over;
    }
    const merged: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(base)) put(merged, k, v);
    for (const [k, v] of Object.entries(over)) {
        const inherited = Object.prototype.hasOwnProperty.call(base, k);
        put(merged, k, inherited ? deepMerge(base[k], v, [...at, k], [...written, k], out) : v);
        if (!inherited) out.origins.push({ at: [...at, k], written: [...written, k] });
    }
    return merged;
}

/**
 * The apps a stack deploys: the inherited `apps` without `appsRemoved`, then `overrides` merged in by app key
 * (a key not inherited adds an app; a key both removed and overridden is defined anew, nothing inherited).
 */
export function mergeApps(apps: unknown, overrides: unknown, appsRemoved: unknown): { apps: unknown; origins: Origin[]; problems: InputProblem[] } {
    const out = { origins: [] as Origin[], problems: [] as InputProblem[] };
    if (overrides !== undefined && !isMap(overrides))
        out.problems.push({ path: formatPath(["overrides"]), message: "is not a map", hint: "a map of app key -> the fields that differ in this tenant" });
    if (appsRemoved !== undefined && (!Array.isArray(appsRemoved) || appsRemoved.some(k => typeof k !== "string")))
        out.problems.push({ path: formatPath(["appsRemoved"]), message: "is not a list of app keys", hint: "e.g. [orders-reports]" });
    if (apps !== undefined && !isMap(apps)) return { apps, ...out }; // the schema reports what apps should be
    if (out.problems.length) return { apps, ...out };
    const base: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(apps ?? {})) put(base, k, v);
    const seen = new Set<string>();
    ((appsRemoved ?? []) as string[]).forEach((key, i) => {
        if (seen.has(key)) out.problems.push({ path: formatPath(["appsRemoved", i]), message: `lists "${key}" twice` });
        else if (!Object.prototype.hasOwnProperty.call(base, key))
            out.problems.push({
                path: formatPath(["appsRemoved", i]),
                message: `"${key}" is not an inherited app${didYouMean(key, Object.keys(base))}`,
                hint: Object.keys(base).length ? `the inherited apps: ${Object.keys(base).join(", ")}` : "no apps are inherited (Pulumi.yaml declares none)",
            });
        seen.add(key);
        delete base[key];
    });
    for (const [key, over] of Object.entries((overrides ?? {}) as Record<string, unknown>)) {
        const inherited = Object.prototype.hasOwnProperty.call(base, key);
        put(base, key, inherited ? deepMerge(base[key], over, ["apps", key], ["overrides", key], out) : over);
        if (!inherited) out.origins.push({ at: ["apps", key], written: ["overrides", key] });
    }
    return { apps: base, ...out };
}

/** The consent model of the running stack, from the engine's config; input errors become a RunError (no stack trace). */
export function modelFromPulumiConfig(catalog = PermissionCatalog.load()): ConsentModel {
    try {
        // the engine has applied Pulumi.yaml's values under the stack's (a key set in both: the stack's, whole);
        // the stack's overrides and removals are merged here, as the offline plan does (lib/plan/plan.ts loadStack)
        const { raw, azureadTenantId } = rawStackConfig(pulumi.runtime.allConfig());
        return buildModel(raw, catalog, { azureadTenantId });
    } catch (e) {
        if (e instanceof InputError) throw new pulumi.RunError(e.message);
        throw e;
    }
}
