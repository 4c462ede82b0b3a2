/** One problem with the user's input: where (a path into the stack config), what was wrong, what was meant. */
export interface InputProblem {
    path: string;
    message: string;
    /** What was meant: the closest real name, or the accepted form. */
    hint?: string;
}

/** Path segments rendered as `apps["orders-web"].delegated["microsoft-graph"][1]`, prefixed with the config namespace. */
export function formatPath(segments: readonly (string | number)[], root = "entra-consent:"): string {
    let out = root;
    for (const s of segments) {
        if (typeof s === "number") out += `[${s}]`;
        else if (out === root && root.endsWith(" "))
            out += s; // a file's top-level key: "file.json: key"
        else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(s)) out += out === root ? s : `.${s}`;
        else out += `[${JSON.stringify(s)}]`;
    }
    return out;
}

export function formatProblem(p: InputProblem): string {
    return `${p.path}: ${p.message}${p.hint ? ` (${p.hint})` : ""}`;
}

/** Invalid input: reported all at once, exit code 2, never a stack trace. */
export class InputError extends Error {
    constructor(
        readonly problems: InputProblem[],
        readonly source?: string,
    ) {
        super(
            `${source ? `${source}: ` : ""}invalid stack configuration, ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n` +
                problems.map(p => `  - ${formatProblem(p)}`).join("\n"),
        );
        this.name = "InputError";
    }
}
