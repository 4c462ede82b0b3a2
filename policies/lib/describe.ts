import { Judgement, Principal, ResourceKey } from "./stack";

/** "tier 0 (control plane: ...)" and friends, for violation messages. */
export function tierText(j: Judgement): string {
    if (j.source === "unknown") return `not a permission the pack knows on ${j.resourceName}, so it counts as tier 0`;
    if (j.tier === null) return "not classified yet, so it counts as tier 0";
    return j.tier === 0 ? "tier 0, control plane: it can take over or control the tenant"
        : j.tier === 1 ? "tier 1, management plane: write access or sensitive reads" : "tier 2, user access";
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
