import Ajv from "ajv";
import { InputProblem } from "../errors";
import { schemaProblems } from "../schema-problems";
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

/** Checks the shape of the stack config; every problem is reported, each with its path. */
export function validateShape(data: unknown): { ok: true; config: StackConfig } | { ok: false; problems: InputProblem[] } {
    if (validate(data)) return { ok: true, config: data as StackConfig };
    return { ok: false, problems: schemaProblems(validate.errors ?? [], data) };
}
