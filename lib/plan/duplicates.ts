/**
 * The engine refuses a second registration of one URN ("Duplicate resource URN '<urn>'; try giving it a unique
 * name"), so the deploy fails. The mock runtime accepts both; this check gives the offline plan the engine's answer,
 * as a deploy error that names where each registration comes from. Both records stay in the plan and both are judged.
 */
import { TYPE_PREFIX } from "../resource-types";
import { formatPath } from "../errors";
import { decodeName } from "../ids";
import type { RecordedResource } from "./run";

const APP_COMPONENTS = ["AppRegistration", "AppAccess", "ManagedIdentityPrincipal", "ExternalPrincipal"].map(c => `${TYPE_PREFIX}:${c}`);
const lastType = (urn: string): string => urn.split("::")[2]?.split("$").pop() ?? "";

/** Where a registration comes from: its stack config path when entra-consent's components built it, else its URN. */
export function originOf(r: Pick<RecordedResource, "urn" | "type" | "name" | "parent">): string {
    if (APP_COMPONENTS.includes(r.type)) return formatPath(["apps", r.name]);
    if (r.parent && APP_COMPONENTS.includes(lastType(r.parent))) {
        const decoded = decodeName(r.name, r.parent.split("::").pop());
        if (decoded) return decoded.path;
    }
    return r.parent && lastType(r.parent) !== "pulumi:pulumi:Stack" ? `${r.urn} (child of ${r.parent})` : r.urn;
}

/** One deploy error per URN registered more than once. */
export function duplicateUrnErrors(resources: readonly RecordedResource[]): string[] {
    const byUrn = new Map<string, RecordedResource[]>();
    for (const r of resources) byUrn.set(r.urn, [...(byUrn.get(r.urn) ?? []), r]);
    return [...byUrn]
        .filter(([, rs]) => rs.length > 1)
        .map(
            ([urn, rs]) =>
                `Duplicate resource URN '${urn}'; try giving it a unique name. The engine refuses the deploy: ${rs.length} resources are registered under it, from ${rs.map(originOf).join(" and from ")}.`,
        );
}
