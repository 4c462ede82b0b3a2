import { distance } from "fastest-levenshtein";

/** The candidate closest to `input`, or undefined when nothing is close enough to be a plausible typo. */
export function closest(input: string, candidates: Iterable<string>): string | undefined {
    const lower = input.toLowerCase();
    let best: string | undefined;
    let bestScore = Infinity;
    for (const c of candidates) {
        // Case differences cost little: Entra names are case-sensitive, but a case variant is the likeliest typo.
        const score = c.toLowerCase() === lower ? 0.5 : distance(lower, c.toLowerCase());
        if (score < bestScore) {
            best = c;
            bestScore = score;
        }
    }
    const limit = Math.max(2, Math.floor(input.length / 3));
    return bestScore <= limit ? best : undefined;
}

/** " (did you mean X?)" or "" */
export function didYouMean(input: string, candidates: Iterable<string>): string {
    const c = closest(input, candidates);
    return c === undefined ? "" : `; did you mean "${c}"?`;
}
