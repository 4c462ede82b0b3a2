import Ajv, { ErrorObject } from "ajv";
import { formatPath, InputProblem } from "../errors";
import { didYouMean } from "../suggest";
import { StackConfig, stackConfigSchema } from "./schema";

const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictTypes: false });
ajv.addFormat("rfc3339", isRfc3339);
const validate = ajv.compile(stackConfigSchema);

/**
 * RFC 3339 date-time as the azuread provider validates endDate/startDate (Go's time.RFC3339: a "T", a zone, no
 * leap second), of a date that exists: "2026-02-30T00:00:00Z" is refused, not rolled over to March.
 */
export function isRfc3339(s: string): boolean {
    const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/i.exec(s);
    if (!m) return false;
    const [y, mo, d, h, mi, sec] = m.slice(1, 7).map(Number);
    const t = new Date(Date.UTC(y, mo - 1, d, h, mi, sec));
    return (
        t.getUTCFullYear() === y &&
        t.getUTCMonth() === mo - 1 &&
        t.getUTCDate() === d &&
        t.getUTCHours() === h &&
        t.getUTCMinutes() === mi &&
        t.getUTCSeconds() === sec
    );
}

/** JSON pointer "/apps/orders-web/scopes/0" -> segments ["apps", "orders-web", "scopes", 0] */
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

function toProblem(e: ErrorObject, data: unknown): InputProblem | undefined {
    const at = pointerSegments(e.instancePath, data);
    switch (e.keyword) {
        case "additionalProperties": {
            const key = (e.params as any).additionalProperty as string;
            const allowed = Object.keys((e.parentSchema as any).properties ?? {});
            return { path: formatPath([...at, key]), message: `unknown key "${key}"${didYouMean(key, allowed)}`, hint: `allowed keys: ${allowed.join(", ")}` };
        }
        case "required":
            return {
                path: formatPath([...at, (e.params as any).missingProperty]),
                message: "is required",
                hint: (e.parentSchema as any).properties?.[(e.params as any).missingProperty]?.description,
            };
        case "enum": {
            const allowed = (e.params as any).allowedValues as unknown[];
            return {
                path: formatPath(at),
                message: `${show(e.data)} is not allowed${didYouMean(String(e.data), allowed.map(String))}`,
                hint: describe(e) ?? `one of ${allowed.map(show).join(", ")}`,
            };
        }
        case "propertyNames":
            return undefined; // reported by the nested error on the name itself
        case "if":
        case "anyOf":
            return undefined;
        case "oneOf":
            return { path: formatPath(at), message: "does not match any accepted form", hint: describe(e) };
        case "type":
            return {
                path: formatPath(at),
                message: `is ${Array.isArray(e.data) ? "a list" : e.data === null ? "empty" : `a ${typeof e.data}`}, expected ${(e.params as any).type === "object" ? "a map" : (e.params as any).type === "array" ? "a list" : `a ${(e.params as any).type}`}`,
                hint: describe(e),
            };
        case "pattern":
        case "format": {
            // a failing key name (propertyNames) carries the key on the error itself
            const name = (e as any).propertyName as string | undefined;
            if (name !== undefined) return { path: formatPath([...at, name]), message: `"${name}" is not a valid key`, hint: describe(e) };
            return { path: formatPath(at), message: `${show(e.data)} is not valid`, hint: describe(e) };
        }
        case "minItems":
        case "minLength":
        case "minProperties":
            return { path: formatPath(at), message: "is empty", hint: describe(e) };
        case "uniqueItems":
            return { path: formatPath(at), message: `lists ${show((e.data as unknown[])[(e.params as any).j])} twice`, hint: "list each entry once" };
        default:
            return { path: formatPath(at), message: `${show(e.data)} ${e.message}`, hint: describe(e) };
    }
}

/** Checks the shape of the stack config; every problem is reported, each with its path. */
export function validateShape(data: unknown): { ok: true; config: StackConfig } | { ok: false; problems: InputProblem[] } {
    if (validate(data)) return { ok: true, config: data as StackConfig };
    const problems: InputProblem[] = [];
    const seen = new Set<string>();
    const errors = validate.errors ?? [];
    // A oneOf failure also reports every branch's errors; keep only the summary for it.
    const oneOfPaths = errors.filter(e => e.keyword === "oneOf").map(e => e.instancePath);
    for (const e of errors) {
        if (e.keyword !== "oneOf" && oneOfPaths.some(p => e.instancePath.startsWith(p) && e.schemaPath.includes("/oneOf/"))) continue;
        const p = toProblem(e, data);
        if (!p) continue;
        const key = `${p.path}\u0000${p.message}`;
        if (!seen.has(key)) {
            seen.add(key);
            problems.push(p);
        }
    }
    return { ok: false, problems };
}
