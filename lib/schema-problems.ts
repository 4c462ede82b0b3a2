/**
 * ajv's errors as input problems: the one mapper for every JSON schema the project checks input against (the stack
 * config, lib/config/validate.ts; the policy config, lib/plan/policies.ts; a tenant export, lib/tenant/export.ts).
 * Each problem names the path (formatPath, under the caller's root), what was wrong and what was meant.
 */
import type { ErrorObject } from "ajv";
import { formatPath, InputProblem } from "./errors";
import { didYouMean } from "./suggest";

export interface SchemaProblemOptions {
    /** formatPath's root: "entra-consent:" for stack config, "<file>: " for a file */
    root?: string;
    /** segments before the validated value's own path (the policy name in a policy config) */
    under?: (string | number)[];
    /** what an object's keys are called in messages ("key", or "option" for policy options) */
    keyNoun?: string;
    /** the hint of an unknown key, from the keys the object takes */
    keysHint?: (allowed: string[]) => string;
}

/** JSON pointer "/apps/orders-web/scopes/0" -> ["apps", "orders-web", "scopes", 0]; a digit string is an index only in an array. */
function pointerSegments(pointer: string, data: unknown): (string | number)[] {
    if (!pointer) return [];
    const out: (string | number)[] = [];
    let node: any = data;
    for (const raw of pointer.slice(1).split("/")) {
        const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
        const seg = Array.isArray(node) && /^\d+$/.test(key) ? Number(key) : key;
        out.push(seg);
        node = node?.[seg as any];
    }
    return out;
}

const describe = (e: ErrorObject): string | undefined => (e.parentSchema as any)?.description;
// A long value is not echoed: it may be a certificate, or a private key pasted by mistake, and errors end up in logs.
const show = (v: unknown): string => (typeof v === "string" && v.length > 120 ? `a text of ${v.length} characters` : JSON.stringify(v));
const kind = (v: unknown): string => (Array.isArray(v) ? "a list" : v === null ? "empty" : `a ${typeof v}`);
const expected = (t: string): string => (t === "object" ? "a map" : t === "array" ? "a list" : t === "null" ? "null" : `a ${t}`);

function toProblem(e: ErrorObject, data: unknown, opts: SchemaProblemOptions): InputProblem | undefined {
    const at = [...(opts.under ?? []), ...pointerSegments(e.instancePath, data)];
    const root = opts.root ?? "entra-consent:";
    // a file's root alone reads "file.json", not "file.json: "
    const path = (segments: (string | number)[]) => (!segments.length && root.endsWith(": ") ? root.slice(0, -2) : formatPath(segments, root));
    const p = e.params as any;
    switch (e.keyword) {
        case "additionalProperties": {
            const key = p.additionalProperty as string;
            const allowed = Object.keys((e.parentSchema as any).properties ?? {});
            const hint = opts.keysHint ? opts.keysHint(allowed) : `allowed keys: ${allowed.join(", ")}`;
            return { path: path([...at, key]), message: `unknown ${opts.keyNoun ?? "key"} "${key}"${didYouMean(key, allowed)}`, hint };
        }
        case "required":
            return {
                path: path([...at, p.missingProperty]),
                message: "is required",
                hint: (e.parentSchema as any).properties?.[p.missingProperty]?.description,
            };
        case "enum": {
            const allowed = p.allowedValues as unknown[];
            return {
                path: path(at),
                message: `${show(e.data)} is not allowed${didYouMean(String(e.data), allowed.map(String))}`,
                hint: describe(e) ?? `one of ${allowed.map(show).join(", ")}`,
            };
        }
        case "propertyNames": // reported by the nested error on the name itself
        case "if":
        case "anyOf":
            return undefined;
        case "oneOf":
            return { path: path(at), message: "does not match any accepted form", hint: describe(e) };
        case "type":
            return { path: path(at), message: `is ${kind(e.data)}, expected ${[p.type].flat().map(expected).join(" or ")}`, hint: describe(e) };
        case "pattern":
        case "format": {
            // a failing key name (propertyNames) carries the key on the error itself
            const name = (e as any).propertyName as string | undefined;
            if (name !== undefined) return { path: path([...at, name]), message: `"${name}" is not a valid ${opts.keyNoun ?? "key"}`, hint: describe(e) };
            return { path: path(at), message: `${show(e.data)} is not valid`, hint: describe(e) ?? (e.keyword === "format" ? `a ${p.format}` : undefined) };
        }
        case "minItems":
        case "minLength":
        case "minProperties":
            return { path: path(at), message: "is empty", hint: describe(e) };
        case "uniqueItems":
            return { path: path(at), message: `lists ${show((e.data as unknown[])[p.j])} twice`, hint: "list each entry once" };
        default:
            return { path: path(at), message: `${show(e.data)} ${e.message}`, hint: describe(e) };
    }
}

/** Every problem of one failed validation (`data` is what was validated), each once; a oneOf reports its summary only. */
export function schemaProblems(errors: ErrorObject[], data: unknown, opts: SchemaProblemOptions = {}): InputProblem[] {
    const problems: InputProblem[] = [];
    const seen = new Set<string>();
    // A oneOf failure also reports every branch's errors; keep only the summary for it.
    const oneOfPaths = errors.filter(e => e.keyword === "oneOf").map(e => e.instancePath);
    for (const e of errors) {
        if (e.keyword !== "oneOf" && oneOfPaths.some(p => e.instancePath.startsWith(p) && e.schemaPath.includes("/oneOf/"))) continue;
        const p = toProblem(e, data, opts);
        const key = p && `${p.path}\u0000${p.message}`;
        if (p && key && !seen.has(key)) {
            seen.add(key);
            problems.push(p);
        }
    }
    return problems;
}
