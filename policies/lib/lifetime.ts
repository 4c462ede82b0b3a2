/**
 * Credential lifetimes from the azuread provider's inputs. A date or duration that does not parse is a finding of its
 * own, never "no expiry": a policy that read it as unset (or as NaN days) would let any lifetime through.
 */
const DAY = 24 * 3600 * 1000;

const GO_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1e3, m: 60e3, h: 3600e3 };

/**
 * Go durations as the azuread provider takes them in endDateRelative ("4320h", "90h30m", "500ms"), in milliseconds;
 * undefined when Go's time.ParseDuration would refuse it. Longer units are tried first, so "ms" is not "m" then "s".
 */
export function parseGoDuration(s: string): number | undefined {
    const m = /^([+-]?)(.*)$/.exec(s)!;
    if (m[2] === "0") return 0;
    const re = /(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/gy;
    let total = 0,
        end = 0;
    for (const part of m[2].matchAll(re)) {
        total += Number(part[1]) * GO_UNITS[part[2]];
        end = part.index! + part[0].length;
    }
    if (!m[2].length || end !== m[2].length) return undefined;
    return m[1] === "-" ? -total : total;
}

/** Days in a month, for telling real calendar dates from "2026-02-30". */
const daysIn = (y: number, mo: number) => new Date(Date.UTC(y, mo, 0)).getUTCDate();

/**
 * An RFC 3339 timestamp ("2027-01-31T00:00:00Z"), as the provider validates endDate and startDate, in epoch
 * milliseconds; undefined for anything else, including dates that do not exist ("2026-02-30T00:00:00Z").
 */
export function parseTimestamp(s: string): number | undefined {
    const m = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/.exec(s);
    if (!m) return undefined;
    const [y, mo, d, h, mi, sec, oh, om] = [1, 2, 3, 4, 5, 6, 9, 10].map(i => Number(m[i] ?? 0));
    if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 || sec > 59 || oh > 23 || om > 59) return undefined;
    const offset = (m[8] === "-" ? -1 : 1) * (oh * 60 + om) * 60e3;
    return Date.UTC(y, mo - 1, d, h, mi, sec) + Math.round(Number(m[7] ?? 0) * 1000) - offset;
}

export type Lifetime =
    | { kind: "days"; days: number }
    | { kind: "unset" }
    | { kind: "invalid"; field: "endDate" | "startDate" | "endDateRelative"; value: unknown; expected: string };

interface CredentialProps {
    startDate?: unknown;
    endDate?: unknown;
    endDateRelative?: unknown;
}

/**
 * How long a credential can be used, counted from now or its start, whichever is earlier (a secret known today and
 * valid from next year is usable until its end by anyone who copies it today). The end is endDate, else startDate (or
 * now) plus endDateRelative, as the provider computes it.
 */
export function credentialLifetime(props: CredentialProps, now = new Date()): Lifetime {
    const time = (field: "endDate" | "startDate"): number | Lifetime | undefined => {
        const v = props[field];
        if (v === undefined || v === null) return undefined;
        const t = typeof v === "string" ? parseTimestamp(v) : undefined;
        return t ?? { kind: "invalid", field, value: v, expected: "an RFC 3339 timestamp of a real calendar date, e.g. 2027-01-31T00:00:00Z" };
    };
    const start = time("startDate");
    if (typeof start === "object") return start;
    const from = start ?? now.getTime();
    let end = time("endDate");
    if (typeof end === "object") return end;
    if (end === undefined && props.endDateRelative !== undefined && props.endDateRelative !== null) {
        const v = props.endDateRelative;
        const ms = typeof v === "string" ? parseGoDuration(v) : undefined;
        if (ms === undefined)
            return { kind: "invalid", field: "endDateRelative", value: v, expected: "a Go duration such as 2160h or 90h30m (units h, m, s, ms, us, ns)" };
        end = from + ms;
    }
    if (end === undefined) return { kind: "unset" };
    return { kind: "days", days: (end - Math.min(from, now.getTime())) / DAY };
}

/** The sentence a lifetime policy reports for a date or duration that does not parse. */
export function invalidLifetimeMessage(what: string, l: Extract<Lifetime, { kind: "invalid" }>): string {
    return `This ${what}'s ${l.field} ${JSON.stringify(l.value)} does not parse, so its lifetime cannot be judged (it is not read as "no expiry"). Use ${l.expected}.`;
}
