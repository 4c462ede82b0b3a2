import { Judgement, Principal, ResourceKey } from "./stack";

/** "tier 0 (control plane: ...)" and friends, for violation messages. */
export function tierText(j: Judgement): string {
    if (j.source === "unknown") return `not a permission the pack knows on ${j.resourceName}, so it counts as tier 0`;
    if (j.override)
        return `tier ${j.tier} by override ${j.override.ticket}: ${j.override.reason}; without it ${catalogTierText({ ...j, tier: j.override.catalogTier })}`;
    return catalogTierText(j);
}

/** The tier and why (the classification sources' reasons), e.g. "tier 1, ...; High: phishing, per Microsoft's consent-grant risk table". */
function catalogTierText(j: Pick<Judgement, "tier" | "reason">): string {
    const plane =
        j.tier === null
            ? "not classified yet, so it counts as tier 0"
            : j.tier === 0
              ? "tier 0, control plane: it can take over or control the tenant"
              : j.tier === 1
                ? "tier 1, management plane: write access or sensitive reads"
                : "tier 2, user access";
    return j.reason ? `${plane}; ${j.reason}` : plane;
}

/** The structured fields of a finding about a judged permission: its value, its tier, and the override that decided it. */
export function tierFields(j: Judgement): { permission: string; tier: Judgement["tier"]; override?: { ticket: string; reason: string } } {
    return { permission: j.value, tier: j.tier, ...(j.override ? { override: { ticket: j.override.ticket, reason: j.override.reason } } : {}) };
}

export function alternativeText(j: Judgement): string {
    return j.alternative ? ` Least privilege: ask for ${j.alternative} instead.` : "";
}

/** Why a party cannot be identified, for the fail-closed findings; empty when it can. */
export function unidentifiedText(principal: Principal, target?: ResourceKey): string {
    const parts: string[] = [];
    if (principal.kind === "unidentified") parts.push(`The pack cannot identify the principal: ${principal.why}.`);
    if (target?.kind === "unidentified") parts.push(`The pack cannot identify the resource API: ${target.why}.`);
    return parts.length ? ` ${parts.join(" ")} What the pack cannot identify it treats as tier 0.` : "";
}
