/**
 * After `up`: do the stack's outputs (index.ts) say what the offline plan said? Client IDs are assigned by Entra, so
 * only their presence (a GUID for every planned app, none extra) can be compared, except for external apps whose
 * client ID is the configured `appId`. The tenant, identifier URIs and consent summary are built from config alone
 * and must be equal. Secret outputs are never compared or shown.
 */
import type { PlanResult } from "../plan/plan";

export interface DeployedOutput {
    value: unknown;
    secret: boolean;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** outputs compared whole (built from config only) */
const EQUAL_OUTPUTS = ["tenant", "identifierUris", "consentSummary"];

const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);
const show = (v: unknown) => (v === undefined ? "nothing" : JSON.stringify(v));

/** The first place two JSON values differ, as `path: deployed X, planned Y`; undefined when equal. */
export function firstDifference(deployed: unknown, planned: unknown, at: string): string | undefined {
    if (Array.isArray(planned) && Array.isArray(deployed)) {
        for (let i = 0; i < Math.max(planned.length, deployed.length); i++) {
            const d = firstDifference(deployed[i], planned[i], `${at}[${i}]`);
            if (d) return d;
        }
        return undefined;
    }
    if (isRecord(planned) && isRecord(deployed)) {
        for (const key of [...new Set([...Object.keys(planned), ...Object.keys(deployed)])].sort()) {
            const d = firstDifference(deployed[key], planned[key], `${at}[${JSON.stringify(key)}]`);
            if (d) return d;
        }
        return undefined;
    }
    return deployed === planned ? undefined : `${at}: deployed ${show(deployed)}, planned ${show(planned)}`;
}

function checkClientIds(planned: unknown, deployed: unknown, plan: PlanResult): string[] {
    if (!isRecord(planned)) return [];
    if (!isRecord(deployed)) return [`clientIds: deployed ${show(deployed)}, planned a client ID per app`];
    const problems: string[] = [];
    for (const app of Object.keys(planned)) {
        const id = deployed[app];
        if (typeof id !== "string" || !GUID.test(id)) problems.push(`clientIds["${app}"]: deployed ${show(id)}, planned a client ID (a GUID)`);
        else if (plan.consent?.[app]?.identity === "external" && id.toLowerCase() !== String(planned[app]).toLowerCase())
            problems.push(`clientIds["${app}"]: deployed ${id}, planned the configured appId ${String(planned[app])}`);
    }
    for (const app of Object.keys(deployed)) if (!(app in planned)) problems.push(`clientIds["${app}"]: deployed, not in the plan`);
    return problems;
}

/** What differs between the deployed outputs and the plan's; empty when they match. */
export function verifyOutputs(plan: PlanResult, outputs: Record<string, DeployedOutput>): string[] {
    const planned = plan.outputs ?? {};
    const problems: string[] = [];
    for (const key of Object.keys(planned)) if (!(key in outputs)) problems.push(`${key}: planned, missing from the stack's outputs`);
    if (outputs.clientIds?.secret) problems.push("clientIds: deployed as a secret, planned in clear");
    else problems.push(...checkClientIds(planned.clientIds, outputs.clientIds?.value, plan));
    for (const key of EQUAL_OUTPUTS) {
        if (!(key in planned) || !(key in outputs)) continue;
        if (outputs[key].secret) {
            problems.push(`${key}: deployed as a secret, planned in clear`);
            continue;
        }
        const d = firstDifference(outputs[key].value, planned[key], key);
        if (d) problems.push(d);
    }
    // Without both the client IDs and the consent summary there is nothing to check: fail closed.
    if (!("clientIds" in planned) || !("consentSummary" in planned))
        problems.push("the plan has no clientIds or consentSummary output to check the deploy against");
    return problems;
}
