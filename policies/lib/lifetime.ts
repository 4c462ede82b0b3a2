/** Credential lifetime in days from the provider's inputs; undefined when the end is not set. */
const DAY = 24 * 3600 * 1000;

/** Go durations as the azuread provider takes them in endDateRelative: "4320h", "90h30m". */
export function parseGoDuration(s: string): number | undefined {
    const re = /(\d+(?:\.\d+)?)(h|m|s|ms)/g;
    let total = 0, matched = "";
    for (const m of s.matchAll(re)) {
        total += Number(m[1]) * { h: 3600e3, m: 60e3, s: 1e3, ms: 1 }[m[2] as "h"];
        matched += m[0];
    }
    return matched === s && s.length ? total : undefined;
}

export function lifetimeDays(props: { startDate?: string; endDate?: string; endDateRelative?: string }, now = new Date()): number | undefined {
    const start = props.startDate ? Date.parse(props.startDate) : now.getTime();
    if (props.endDate) return (Date.parse(props.endDate) - start) / DAY;
    if (props.endDateRelative) {
        const ms = parseGoDuration(props.endDateRelative);
        return ms === undefined ? undefined : ms / DAY;
    }
    return undefined;
}
