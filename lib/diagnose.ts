/**
 * Turning an AADSTS error around: parse what a user pasted, find the app and tenant among the stacks, and say
 * what the code means, which flow and permission is involved, whether the planned state approves it, and the
 * change to make (a config key and value) or the action outside code.
 */
import { servicePrincipalName } from "../components/types";
import { PermissionCatalog } from "./catalog";
import { isFailing } from "./flows";
import { ConsentModel, AppModel } from "./model";
import type { Flow, PlanResult } from "./plan/plan";
import { closest } from "./suggest";

export const SUPPORTED_CODES = ["65001", "65002", "65004", "700016", "500011", "50011", "650057"] as const;
export type SupportedCode = (typeof SUPPORTED_CODES)[number];

export const MEANING: Record<SupportedCode, string> = {
    "65001": "consent missing: nobody approved this permission for this client in this tenant, and the flow could not ask (on-behalf-of, silent, refresh) or the user may not",
    "65002": "a Microsoft first-party client asked for a Microsoft API; only Microsoft can pre-authorize that pair",
    "65004": "the user declined the consent prompt",
    "700016": "the client application has no service principal in this tenant (not deployed there, or the request went to the wrong tenant)",
    "500011": "the resource (API) has no service principal in this tenant, or the resource URI in the request is wrong",
    "50011": "the redirect URI of the request is not one the app registration lists",
    "650057": "the client asked for a resource its registration does not request (requiredResourceAccess)",
};

export interface ParsedError {
    code: SupportedCode;
    clientId?: string;
    clientName?: string;
    /** a resource app ID or identifier URI */
    resource?: string;
    scopes?: string[];
    tenant?: string;
    redirectUri?: string;
    traceId?: string;
    correlationId?: string;
    timestamp?: string;
}

const GUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
const m1 = (text: string, re: RegExp) => re.exec(text)?.[1];

/** Parses an Entra error text; an error result says why it could not, never a guess. */
export function parseAadstsError(text: string): ParsedError | { error: string } {
    const codeMatch = /AADSTS(\d{5,6})\b/.exec(text);
    if (!codeMatch) return { error: "no AADSTS code in the text: paste the whole error, from \"AADSTS<number>:\" on" };
    const code = codeMatch[1];
    if (!(SUPPORTED_CODES as readonly string[]).includes(code)) {
        return { error: `AADSTS${code} is not a consent error this tool diagnoses; it knows ${SUPPORTED_CODES.map(c => `AADSTS${c}`).join(", ")}` };
    }
    const out: ParsedError = {
        code: code as SupportedCode,
        traceId: m1(text, new RegExp(`Trace ID:\\s*(${GUID})`, "i")),
        correlationId: m1(text, new RegExp(`Correlation ID:\\s*(${GUID})`, "i")),
        timestamp: m1(text, /Timestamp:\s*(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d+)?Z?)/i),
    };
    const clientFromUrl = m1(text, new RegExp(`client_id=(${GUID})`, "i"));
    const scopeText = m1(text, /[?&]scope=([^&\s]+)/i) ?? m1(text, /\bscopes? '([^']+)'/i);
    if (scopeText) out.scopes = decodeURIComponent(scopeText.replace(/\+/g, " ")).split(/[\s,]+/).filter(Boolean);
    switch (out.code) {
        case "65001": {
            const m = new RegExp(`application with ID '(${GUID})'(?: named '([^']*)')?`, "i").exec(text);
            out.clientId = m?.[1] ?? clientFromUrl;
            out.clientName = m?.[2];
            break;
        }
        case "65002": {
            const m = new RegExp(`first party application '(${GUID})' and first party resource '(${GUID})'`, "i").exec(text);
            out.clientId = m?.[1] ?? clientFromUrl;
            out.resource = m?.[2];
            break;
        }
        case "65004":
            out.clientId = clientFromUrl;
            break;
        case "700016": {
            const m = /Application with identifier '([^']+)' was not found in the directory '([^']+)'/i.exec(text);
            out.clientId = m?.[1];
            out.tenant = m?.[2];
            break;
        }
        case "500011": {
            const m = /resource principal named (\S+?) was not found in the tenant named (.+?)\.(?:\s|$)/i.exec(text);
            out.resource = m?.[1];
            out.tenant = m?.[2];
            break;
        }
        case "50011": {
            const m = new RegExp(`redirect URI '([^']+)' specified in the request does not match the redirect URIs configured for the application '(${GUID})'`, "i").exec(text);
            out.redirectUri = m?.[1];
            out.clientId = m?.[2];
            break;
        }
        case "650057": {
            out.clientId = m1(text, new RegExp(`Client app ID:\\s*(${GUID})`, "i"));
            out.clientName = m1(text, new RegExp(`Client app ID:\\s*${GUID}\\(([^)]*)\\)`, "i"));
            out.resource = m1(text, new RegExp(`Resource app ID:\\s*(${GUID})`, "i")) ?? m1(text, /Resource value from request:\s*(\S+?)\.?(?:\s|$)/i);
            break;
        }
    }
    out.clientId = out.clientId?.toLowerCase();
    const needs: Partial<Record<SupportedCode, (keyof ParsedError)[]>> = { "65002": ["clientId", "resource"], "700016": ["clientId"], "500011": ["resource"], "50011": ["clientId", "redirectUri"], "650057": ["clientId"] };
    const missing = (needs[out.code] ?? []).filter(k => out[k] === undefined);
    if (missing.length) return { error: `AADSTS${code} found, but not the ${missing.join(" and ")} Entra puts in its message: paste the whole error text` };
    return out;
}

/** A stack as diagnose sees it: its model and its plan (flows, outputs, resources). */
export interface PlannedStack { stack: string; file: string; model: ConsentModel; plan: PlanResult }

export interface Diagnosis {
    stack: string;
    tenant: { id: string; name: string };
    app?: string;
    flows: Flow[];
    /** whether the planned state approves what the error is about */
    planned: string;
    cause: string;
    /** a change to the stack config, when code can fix it */
    fix?: { file: string; key: string; value: unknown };
    /** what to do outside code, when code cannot fix it */
    action?: string;
}

export interface DiagnoseResult { code: string; meaning: string; parsed: ParsedError; diagnoses: Diagnosis[] }

function findApp(stack: PlannedStack, parsed: ParsedError, clientIds: Record<string, string>): AppModel | undefined {
    if (parsed.clientId) {
        const key = Object.entries(clientIds).find(([, id]) => id.toLowerCase() === parsed.clientId)?.[0];
        const byId = stack.model.apps.find(a => a.key === key || a.externalAppId === parsed.clientId);
        if (byId) return byId;
    }
    if (parsed.clientName) return stack.model.apps.find(a => a.displayName === parsed.clientName || a.key === parsed.clientName);
    return undefined;
}

/** The resource an error names (appId or identifier URI): an app key of the stack, or a catalog alias. */
function findResource(stack: PlannedStack, resource: string | undefined, catalog: PermissionCatalog, identifierUris: Record<string, string>): { label: string; own?: AppModel } | undefined {
    if (!resource) return undefined;
    const r = resource.replace(/\/\.default$/, "").replace(/\/$/, "").toLowerCase();
    const own = stack.model.apps.find(a => [identifierUris[a.key], a.identifierUri].some(u => u && u.toLowerCase().replace(/\/$/, "") === r));
    if (own) return { label: own.key, own };
    const ms = catalog.resource(r) ?? catalog.resourceByIdentifierUri(r);
    return ms ? { label: ms.aliases[0] ?? ms.appId } : undefined;
}

export function diagnose(parsed: ParsedError, stacks: PlannedStack[], catalog: PermissionCatalog): DiagnoseResult {
    const tenantMatches = (s: PlannedStack) => !parsed.tenant || [s.model.tenant.id, s.model.tenant.name].some(t => t.toLowerCase() === parsed.tenant!.toLowerCase());
    const inTenant = stacks.filter(tenantMatches);
    const searched = inTenant.length ? inTenant : stacks;
    const diagnoses: Diagnosis[] = [];
    for (const s of searched) {
        const outputs = (s.plan.outputs ?? {}) as { clientIds?: Record<string, string>; identifierUris?: Record<string, string> };
        const app = findApp(s, parsed, outputs.clientIds ?? {});
        const resource = findResource(s, parsed.resource, catalog, outputs.identifierUris ?? {});
        if (!app && !resource && !(parsed.code === "700016" && tenantMatches(s) && parsed.tenant)) continue;
        const tenant = { id: s.model.tenant.id, name: s.model.tenant.name };
        const base = { stack: s.stack, tenant, app: app?.key };
        const flows = s.plan.flows.filter(f => f.client === app?.key && (!resource || f.resource === resource.label));
        const wrongTenant = parsed.tenant && !tenantMatches(s) ? ` The error names tenant ${parsed.tenant}, but ${app?.key ?? "this app"} is planned in ${tenant.name} (${tenant.id}): the request went to the wrong tenant, where nothing was approved.` : "";
        const explained = explain(parsed, s, app, resource, flows, catalog);
        diagnoses.push({ ...base, ...explained, flows, cause: explained.cause + wrongTenant });
    }
    if (!diagnoses.length) {
        diagnoses.push({
            stack: "-", tenant: { id: parsed.tenant ?? "", name: parsed.tenant ?? "" }, flows: [], planned: "not in any stack",
            cause: `No stack has an app with ${parsed.clientId ? `client ID ${parsed.clientId}` : parsed.clientName ? `name "${parsed.clientName}"` : "these identifiers"}${parsed.tenant ? ` in tenant ${parsed.tenant}` : ""}.`,
            action: parsed.code === "65002" || (parsed.clientId && catalog.isFirstParty(parsed.clientId))
                ? `${parsed.clientId} is the Microsoft app "${catalog.firstPartyName(parsed.clientId!)}": a tenant cannot approve it for a Microsoft API. Register an app of your own and declare it under entra-consent:apps.`
                : "Declare the app under entra-consent:apps (an app registered elsewhere: identity: external with its appId), or pass --outputs with `pulumi stack output --json` of the deployed stack so its client IDs are known.",
        });
    }
    return { code: `AADSTS${parsed.code}`, meaning: MEANING[parsed.code], parsed, diagnoses };
}

function explain(parsed: ParsedError, s: PlannedStack, app: AppModel | undefined, resource: { label: string; own?: AppModel } | undefined, flows: Flow[], catalog: PermissionCatalog):
    Pick<Diagnosis, "planned" | "cause" | "fix" | "action"> {
    const failing = flows.filter(isFailing);
    const plannedText = flows.length ? flows.map(f => `${f.flow} to ${f.resource}: ${f.outcome}${f.code ? ` (${f.code})` : ""}`).join("; ") : "no planned flow matches";
    const file = s.file;
    switch (parsed.code) {
        case "65001": {
            if (!app) break;
            const delegated = (failing.length ? failing : flows).filter(f => f.flow !== "client-credentials");
            if (delegated.some(f => f.outcome !== "issued")) {
                return { planned: plannedText, cause: `The planned state does not approve ${delegated.map(f => `${f.permissions.join(" ")} on ${f.resource}`).join("; ")} for ${app.key}.`,
                         fix: { file, key: `entra-consent:apps.${app.key}.consent`, value: "admin" } };
            }
            return { planned: plannedText, cause: `The planned state approves every delegated permission of ${app.key}; the tenant that answered does not have it: run pulumi up for stack ${s.stack}, or check that the sign-in goes to tenant ${s.model.tenant.name}.` };
        }
        case "65002":
            return { planned: plannedText, cause: `${parsed.clientId} ("${catalog.firstPartyName(parsed.clientId!) ?? "a Microsoft app"}") is a Microsoft first-party client and ${parsed.resource} a Microsoft API.`,
                     action: "No tenant can approve this pair: register an app of your own, declare it under entra-consent:apps with the permissions it needs, and sign in with its client ID." };
        case "65004":
            return { planned: plannedText, cause: `A user declined the consent prompt${app ? ` of ${app.key}` : ""}: nothing was granted, and nothing needs granting by code.`,
                     action: app ? `Ask the user to sign in again and accept, narrow what ${app.key} requests, or approve it for everyone with entra-consent:apps.${app.key}.consent: admin.` : "Ask the user to sign in again and accept, or have an administrator approve the app." };
        case "700016": {
            if (!app) return { planned: "no app of this stack has this client ID", cause: `${parsed.clientId} is not an app of stack ${s.stack} (tenant ${s.model.tenant.name}).`,
                               fix: { file, key: `entra-consent:apps.<key>`, value: { identity: "external", appId: parsed.clientId } } };
            const planned = s.plan.resources.some(r => r.type.endsWith(":ServicePrincipal") && r.name === servicePrincipalName(app.key)) || app.identity === "managed-identity";
            return { planned: planned ? `the plan creates the service principal of ${app.key}` : `the plan has no service principal for ${app.key}`,
                     cause: planned ? `Stack ${s.stack} creates the service principal of ${app.key} in ${s.model.tenant.name}; the tenant that answered has none: run pulumi up for this stack, or sign in to tenant ${s.model.tenant.id}.` : `${app.key} has no service principal in this tenant.`,
                     action: planned ? `pulumi up --stack ${s.stack}` : undefined };
        }
        case "500011": {
            if (resource?.own) return { planned: plannedText, cause: `${parsed.resource} is the identifier URI of ${resource.own.key}, whose service principal stack ${s.stack} creates: run pulumi up for this stack, or sign in to tenant ${s.model.tenant.name}.`, action: `pulumi up --stack ${s.stack}` };
            const ms = parsed.resource ? catalog.resource(parsed.resource) ?? catalog.resourceByIdentifierUri(parsed.resource) : undefined;
            if (ms) return { planned: plannedText, cause: `${ms.name} has no service principal in tenant ${s.model.tenant.name}.`, action: `Create it once: az ad sp create --id ${ms.appId}` };
            const uris = s.model.apps.flatMap(a => (a.identifierUri ? [a.identifierUri] : []));
            const near = closest(parsed.resource ?? "", uris);
            return { planned: "no app of this stack has this identifier URI", cause: `${parsed.resource} is not an identifier URI in stack ${s.stack}${near ? `; did you mean ${near}?` : "."}`,
                     action: near ? `Request the token for ${near}/.default (or a scope under it).` : "Check the resource or scope URI the client requests." };
        }
        case "50011":
            if (!app) break;
            return { planned: `redirect URIs of ${app.key}: ${app.redirectUris.join(", ") || "none"}`, cause: `${parsed.redirectUri} is not a redirect URI of ${app.key}.`,
                     fix: { file, key: `entra-consent:apps.${app.key}.redirectUris`, value: [...app.redirectUris, parsed.redirectUri] } };
        case "650057": {
            if (!app) break;
            const label = resource?.label ?? parsed.resource ?? "<resource>";
            const requested = [...new Set([...app.delegated, ...app.application].map(r => r.resource.label))];
            if (requested.includes(label)) {
                return { planned: `${app.key} requests: ${requested.join(", ")}`, cause: `The plan requests ${label} for ${app.key}; the registration that answered does not: run pulumi up for stack ${s.stack}, or check that the sign-in goes to tenant ${s.model.tenant.name}.`, action: `pulumi up --stack ${s.stack}` };
            }
            return { planned: `${app.key} requests: ${requested.join(", ") || "nothing"}`, cause: `${app.key} does not request ${label} in its registration.`,
                     fix: { file, key: `entra-consent:apps.${app.key}.${app.kind === "daemon" ? "application" : "delegated"}.${label}`, value: parsed.scopes?.length ? parsed.scopes : ["<permission>"] } };
        }
    }
    return { planned: plannedText, cause: "The error names nothing this stack declares." };
}
