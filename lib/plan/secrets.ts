/**
 * Secrets in plan output. The program marks secrets at any depth of a resource's inputs (a credential's value in a
 * list in an object); the runner records each one's path. Policies judge the plain values, as the engine unwraps
 * secrets for them; everything the plan prints masks them: by path in inputs, and by value in every other string
 * (violation and error messages, stack outputs), so a policy or program that quotes a secret does not show it.
 */
export const SECRET_MASK = "[secret]";
/** Where a secret sits in a value: `["credentials", 0, "value"]`. */
export type SecretPath = (string | number)[];
/** What secretStrings reads of a recorded resource (RecordedResource in run.ts). */
export interface SecretHolder {
    inputs: Record<string, unknown>;
    secretInputs: SecretPath[];
    outputs: Record<string, unknown>;
    secretOutputs?: SecretPath[];
}
/** Shorter secret values are masked where they sit, but not searched for inside other text (they would mask words). */
const MIN_QUOTED = 4;

/** A copy of `value` with the value at each path replaced by SECRET_MASK (paths that do not exist are skipped). */
export function maskPaths<T>(value: T, paths: SecretPath[]): T {
    if (!paths.length) return value;
    const copy = structuredClone(value) as unknown;
    for (const p of paths) {
        if (!p.length) return SECRET_MASK as T;
        let at = copy as Record<string | number, unknown> | undefined;
        for (const key of p.slice(0, -1)) at = at && typeof at === "object" ? (at[key] as Record<string | number, unknown>) : undefined;
        const last = p[p.length - 1];
        if (at && typeof at === "object" && last in at) at[last] = SECRET_MASK;
    }
    return copy as T;
}

/** Every string a secret holds, in the inputs and computed outputs of the resources (a secret object's strings included). */
export function secretStrings(resources: SecretHolder[]): string[] {
    const found = new Set<string>();
    const collect = (v: unknown): void => {
        if (typeof v === "string") {
            if (v) found.add(v);
        } else if (Array.isArray(v)) v.forEach(collect);
        else if (v && typeof v === "object") Object.values(v).forEach(collect);
    };
    const at = (root: unknown, p: SecretPath) =>
        p.reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<string | number, unknown>)[k] : undefined), root);
    for (const r of resources) {
        for (const p of r.secretInputs) collect(at(r.inputs, p));
        // Secrets the provider computes (a password's value). Where an output repeats an input, the input's own paths
        // say what is secret: the runtime marks a whole output property secret when any part of it is.
        for (const p of r.secretOutputs ?? []) if (at(r.inputs, p.slice(0, 1)) === undefined) collect(at(r.outputs, p));
    }
    return [...found];
}

/** A copy of `value` where every string equal to a secret, or quoting one, shows SECRET_MASK instead. */
export function redact<T>(value: T, secrets: string[]): T {
    if (!secrets.length) return value;
    const exact = new Set(secrets);
    // Longest first, so a secret that contains another is masked whole.
    const quoted = secrets.filter(s => s.length >= MIN_QUOTED).sort((a, b) => b.length - a.length);
    const text = (s: string) => (exact.has(s) ? SECRET_MASK : quoted.reduce((t, q) => (t.includes(q) ? t.split(q).join(SECRET_MASK) : t), s));
    const walk = (v: unknown): unknown =>
        typeof v === "string"
            ? text(v)
            : Array.isArray(v)
              ? v.map(walk)
              : v && typeof v === "object"
                ? Object.fromEntries(Object.entries(v).map(([k, x]) => [text(k), walk(x)]))
                : v;
    return walk(value) as T;
}
