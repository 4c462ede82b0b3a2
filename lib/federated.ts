/**
 * Federated identity credentials (workload identity federation): which external tokens an app trusts. Judged as
 * Microsoft Entra documents them ("Workload identity federation", https://learn.microsoft.com/en-us/entra/workload-id/workload-identity-federation;
 * "Flexible federated identity credentials", https://learn.microsoft.com/en-us/entra/workload-id/workload-identities-flexible-federated-identity-credentials):
 * a plain credential matches issuer and subject exactly; a flexible one matches claims with an expression such as
 * `claims['sub'] matches 'repo:contoso/orders:ref:refs/heads/*'` (clauses joined by `and`; `matches` takes * and ?).
 * A credential whose issuer is not trusted, or whose subject or expression matches any repository, branch,
 * environment or namespace, lets a workload nobody here controls sign in as the app. Pure: the config validation
 * (exit 2) and the policy pack (raw programs) both call it.
 */

/** `{tenant}` stands for the stack's tenant ID; `*` for one DNS label or path segment (no "." or "/"). */
export const DEFAULT_ALLOWED_ISSUERS = [
    "https://token.actions.githubusercontent.com",
    "https://*.oic.prod-aks.azure.com/{tenant}/*/",
    "https://login.microsoftonline.com/{tenant}/v2.0",
    "https://sts.windows.net/{tenant}/",
];

const escapeRegex = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&");

/** Whether an issuer is on the allowlist (patterns as in DEFAULT_ALLOWED_ISSUERS); without a tenant, `{tenant}` matches nothing. */
export function issuerAllowed(issuer: string, allowed: readonly string[], tenant: string | undefined): boolean {
    return allowed.some(pattern => {
        if (pattern.includes("{tenant}") && !tenant) return false;
        const source = pattern
            .split("{tenant}")
            .map(part => part.split("*").map(escapeRegex).join("[^./]+"))
            .join(escapeRegex(tenant ?? ""));
        return new RegExp(`^${source}$`, "i").test(issuer);
    });
}

const WILDCARD = /[*?]/;
/** A pattern segment that narrows: a literal prefix ending at a separator ("release/*", "v1-*"); "*" or "r*" do not. */
function narrowed(segment: string): boolean {
    const at = segment.search(WILDCARD);
    return at < 0 || /[^/_.-][/_.-]$/.test(segment.slice(0, at));
}

/**
 * Why a subject pattern matches too much, or undefined. GitHub Actions: `repo:<owner>/<repo>:<context>`; Kubernetes:
 * `system:serviceaccount:<namespace>:<name>`; anything else: no segment may be a bare wildcard.
 */
export function subjectProblem(subject: string): string | undefined {
    if (!WILDCARD.test(subject)) return undefined;
    const github = /^repo:([^:]*)(?::(.*))?$/.exec(subject);
    if (github) {
        if (WILDCARD.test(github[1])) return `matches any repository (${github[1]})`;
        const context = github[2] ?? "";
        const kind = /^ref:refs\/heads\//.test(context)
            ? "branch"
            : /^ref:refs\/tags\//.test(context)
              ? "tag"
              : /^environment:/.test(context)
                ? "environment"
                : "branch, tag, environment or event";
        const value = context.replace(/^ref:refs\/(heads|tags)\/|^environment:/, "");
        if (!narrowed(value) || kind === "branch, tag, environment or event") return `matches any ${kind} of ${github[1]} (${context})`;
        return undefined;
    }
    const k8s = /^system:serviceaccount:([^:]*):(.*)$/.exec(subject);
    if (k8s) {
        if (WILDCARD.test(k8s[1])) return `matches any namespace (${k8s[1]})`;
        return narrowed(k8s[2]) ? undefined : `matches any service account in namespace ${k8s[1]} (${k8s[2]})`;
    }
    if (subject.split(/[:/]/).some(s => !narrowed(s)) || WILDCARD.test(subject[0])) return `has a wildcard that matches any value of a whole part (${subject})`;
    return undefined;
}

export interface Clause {
    claim: string;
    operator: "matches" | "eq";
    comparand: string;
}

/** The clauses of a flexible credential's expression; undefined when it does not parse (then it cannot be judged). */
export function parseClaimsExpression(expression: string): Clause[] | undefined {
    const clause = /^claims\['([A-Za-z0-9_.:-]+)'\] (matches|eq) '([^']*)'$/;
    const out: Clause[] = [];
    for (const part of expression.trim().split(/ and /)) {
        const m = clause.exec(part.trim());
        if (!m) return undefined;
        out.push({ claim: m[1], operator: m[2] as Clause["operator"], comparand: m[3] });
    }
    return out;
}

/** Why a flexible credential's expression matches too much (or cannot be judged), or undefined. */
export function expressionProblem(expression: string): string | undefined {
    const clauses = parseClaimsExpression(expression);
    if (!clauses) return `does not parse as claims['<claim>'] matches|eq '<value>' joined by "and", so what it matches cannot be judged`;
    const subjects = clauses.filter(c => c.claim === "sub");
    if (!subjects.length) return "does not constrain the subject (claims['sub']), so it matches any repository or workload of the issuer";
    for (const c of clauses) {
        if (c.operator === "eq") continue;
        const p =
            c.claim === "sub"
                ? subjectProblem(c.comparand)
                : c.comparand.split(/[:/@]/).some(s => !narrowed(s))
                  ? `matches any value of a whole part of ${c.claim} (${c.comparand})`
                  : undefined;
        if (p) return p;
    }
    return undefined;
}
