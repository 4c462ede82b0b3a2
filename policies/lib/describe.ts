import { Judgement } from "./stack";

/** "tier 0 (control plane: ...)" and friends, for violation messages. */
export function tierText(j: Judgement): string {
    if (j.source === "unknown") return "not in the catalog nor defined in this stack, so it counts as tier 0";
    if (j.tier === null) return "not classified yet, so it counts as tier 0";
    return j.tier === 0 ? "tier 0, control plane: it can take over or control the tenant"
        : j.tier === 1 ? "tier 1, management plane: write access or sensitive reads" : "tier 2, user access";
}

export function alternativeText(j: Judgement): string {
    return j.alternative ? ` Least privilege: ask for ${j.alternative} instead.` : "";
}
