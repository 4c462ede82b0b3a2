/**
 * Turning an AADSTS error around: parse what a user pasted (Entra's message in any wrapping: MSAL exceptions,
 * JSON bodies, URL-encoded redirects, PowerShell and az CLI output, sign-in page blocks, stack traces), find the
 * app and tenant among the stacks, and say what the code means, which flow and permission is involved, whether
 * the planned state approves it, and the change to make (a config key and value) or the action outside code.
 */
import { GRAPH_APP_ID, GUID_SOURCE as GUID, isGuid, servicePrincipalName } from "./ids";
import { readStackFile } from "./config/stack";
import { PermissionCatalog } from "./catalog";
import { Flow, isFailing } from "./flows";
import { ConsentModel, AppModel } from "./model";
import type { PlanResult } from "./plan/plan";
import { closest } from "./suggest";

/**
 * Microsoft Learn pages the meanings below come from: the error code reference ("Microsoft Entra authentication and
 * authorization error codes"), "Unexpected error when performing consent to an application", "Troubleshoot consent
 * issues", the per-code troubleshooting articles, "Protected web API: app registration" (501051), and the Azure SDK's
 * service principal troubleshooting table (7000215).
 */
const SOURCES = {
    codes: "https://learn.microsoft.com/entra/identity-platform/reference-error-codes",
    consent: "https://learn.microsoft.com/entra/identity/enterprise-apps/application-sign-in-unexpected-user-consent-error",
    consentIssues: "https://learn.microsoft.com/troubleshoot/entra/entra-id/app-integration/troubleshoot-consent-issues",
    redirect: "https://learn.microsoft.com/troubleshoot/azure/active-directory/error-code-aadsts50011-reply-url-mismatch",
    misconfigured: "https://learn.microsoft.com/troubleshoot/azure/active-directory/error-code-aadsts650056-misconfigured-app",
    guest: "https://learn.microsoft.com/troubleshoot/entra/entra-id/app-integration/error-code-aadsts50020-user-account-identity-provider-does-not-exist",
    protectedApi: "https://learn.microsoft.com/entra/identity-platform/scenario-protected-web-api-app-registration",
    secrets: "https://learn.microsoft.com/azure/developer/java/sdk/troubleshooting-authentication-service-principal",
} as const;

export interface CodeInfo {
    /** Entra's internal name for the code */
    name: string;
    meaning: string;
    /** what to do when the stacks cannot say more */
    action: string;
    source: string;
}

/** The codes diagnose knows: meaning, generic action and source page, in one place. */
export const AADSTS_CODES: Record<string, CodeInfo> = {
    "65001": {
        name: "DelegationDoesNotExist",
        source: SOURCES.consentIssues,
        meaning:
            "consent missing: nobody approved this permission for this client in this tenant, and the flow could not ask (on-behalf-of, silent, refresh) or the user may not",
        action: "Have an administrator grant the permissions the app requests, or sign the user in interactively so they can consent.",
    },
    "65002": {
        name: "ConsentToFirstPartyAppsRequiresPreauthorization",
        source: SOURCES.codes,
        meaning: "a Microsoft first-party client asked for a Microsoft API; only Microsoft can pre-authorize that pair",
        action: "Register an app of your own and use its client ID.",
    },
    "65004": {
        name: "UserDeclinedConsent",
        source: SOURCES.codes,
        meaning: "the user declined the consent prompt",
        action: "Ask the user to sign in again and accept, or have an administrator approve the app.",
    },
    "65005": {
        name: "MisconfiguredApplication",
        source: SOURCES.consent,
        meaning:
            "the app asked for a resource or scope it does not list in its registration, that does not exist on the resource, or that is not available in this tenant",
        action: "Request only resources and scopes the registration lists (requiredResourceAccess), and check the scope name against the resource.",
    },
    "650052": {
        name: "InvalidResourceServicePrincipalNotFound (consent)",
        source: SOURCES.codes,
        meaning: "the app needs a resource (API) that has no service principal in this tenant",
        action: "Create the resource's service principal in the tenant (az ad sp create --id <resource appId>), or consent as an administrator, which creates it.",
    },
    "650056": {
        name: "MisconfiguredApplication",
        source: SOURCES.misconfigured,
        meaning: "the client lists no permission for the resource in its registration, or an administrator has not consented in this tenant",
        action: "Add the permission to the client's registration and grant admin consent in this tenant; check the client ID in the request.",
    },
    "650057": {
        name: "InvalidResource",
        source: SOURCES.codes,
        meaning: "the client asked for a resource its registration does not request (requiredResourceAccess)",
        action: "Add the resource's permissions to the client's registration, or request a resource it lists.",
    },
    "700016": {
        name: "UnauthorizedClient_DoesNotMatchRequest",
        source: SOURCES.codes,
        meaning: "the client application has no service principal in this tenant (not deployed there, or the request went to the wrong tenant)",
        action: "Check the client ID and the tenant in the authority URL; a multi-tenant app needs an administrator of this tenant to add it.",
    },
    "500011": {
        name: "InvalidResourceServicePrincipalNotFound",
        source: SOURCES.codes,
        meaning: "the resource (API) has no service principal in this tenant, or the resource URI in the request is wrong",
        action: "Check the resource or scope URI the client requests, and that the API is deployed in this tenant.",
    },
    "50011": {
        name: "InvalidReplyTo",
        source: SOURCES.redirect,
        meaning: "the redirect (reply) URI of the request is not one the app registration lists",
        action: "Add the exact redirect URI (scheme, host, port, path, case) to the app registration, or send one it lists.",
    },
    "500113": {
        name: "NoReplyAddress",
        source: SOURCES.codes,
        meaning: "the app registration has no redirect (reply) URI at all",
        action: "Add the redirect URI the app sends to its registration.",
    },
    "90093": {
        name: "GraphUserUnauthorized",
        source: SOURCES.consent,
        meaning: "the user may not consent to what the app requests: the tenant's policy does not allow user consent for this request",
        action: "An administrator grants consent for the organization.",
    },
    "90094": {
        name: "AdminConsentRequired",
        source: SOURCES.consent,
        meaning:
            "the app requests permissions only an administrator can grant (an admin-only permission, an app that requires assignment, or a risky or unverified multi-tenant app)",
        action: "An administrator grants consent for the organization.",
    },
    "90095": {
        name: "AdminConsentRequiredRequestAccess",
        source: SOURCES.codes,
        meaning: "administrator approval is needed and the tenant's admin consent workflow is on: the user can request approval",
        action: "Request approval on the prompt; an administrator reviews it under Enterprise applications > Admin consent requests.",
    },
    "900941": {
        name: "AdminConsentRequired",
        source: SOURCES.codes,
        meaning: "administrator consent is required: the app does not allow user consent",
        action: "An administrator grants consent for the organization.",
    },
    "900981": {
        name: "AdminConsentRequiredDueToRiskyApp",
        source: SOURCES.consent,
        meaning: "Entra judged the consent request risky (for example an unverified multi-tenant publisher): only an administrator can consent",
        action: "An administrator reviews the app and consents for the organization; a publisher can lower the risk by verifying.",
    },
    "50105": {
        name: "EntitlementGrantsNotFound",
        source: SOURCES.codes,
        meaning: "the app requires assignment and the signed-in user is not assigned to it (directly or through a group)",
        action: "Assign the user or one of their groups to the app (Enterprise applications > Users and groups).",
    },
    "501051": {
        name: "ApplicationNotAssignedToRole",
        source: SOURCES.protectedApi,
        meaning: "the client holds no app role on a resource API that requires assignment, so Entra issues no token",
        action: "Assign one of the API's application roles to the client and grant admin consent.",
    },
    "70001": {
        name: "UnauthorizedClient",
        source: SOURCES.codes,
        meaning: "the application is disabled in this tenant (or, in older wording, not found in it)",
        action: "Enable sign-in for the app's service principal (Enterprise applications > Properties > Enabled for users to sign in).",
    },
    "7000215": {
        name: "InvalidClientSecret",
        source: SOURCES.secrets,
        meaning: "the client secret sent is not valid for this app (wrong, expired, or the secret's ID instead of its value)",
        action: "Send the value of a current client secret of this app, not its ID; create a new one if unsure.",
    },
    "7000218": {
        name: "InvalidClientCredential (missing)",
        source: SOURCES.codes,
        meaning: "the request carries no client credential (client_secret or client_assertion) and the app is not a public client",
        action: "Send the app's credential, or, for a desktop or device-code client, register it as a public client.",
    },
    "700024": {
        name: "ClientAssertionNotWithinValidTimeRange",
        source: SOURCES.codes,
        meaning: "the client assertion (a federated token or certificate JWT) is expired or not yet valid when Entra checks it",
        action: "Fetch a fresh assertion right before the token request (a federated CI token lives minutes), and check the machine's clock.",
    },
    "90009": {
        name: "TokenForItselfMissingIdenticalAppIdentifier",
        source: SOURCES.codes,
        meaning: "the app requested a token for itself with its identifier URI; a token for itself needs the GUID form of its app ID",
        action: "Request <clientId>/.default (the GUID), or split the client and the API into two registrations.",
    },
    "700054": {
        name: "InvalidResponseTypeIdToken",
        source: SOURCES.codes,
        meaning: "the request asks for response_type id_token (implicit flow), which the app registration does not allow",
        action: "Use the authorization code flow with PKCE (response_type=code; MSAL.js 2+), or enable ID tokens for the implicit flow.",
    },
    "50020": {
        name: "UserUnauthorized",
        source: SOURCES.guest,
        meaning: "the user's account (from another tenant or a personal Microsoft account) does not exist in this tenant",
        action: "Invite the user as a guest, sign in with an account of this tenant, or use the /organizations or /common authority for a multi-tenant app.",
    },
    "50076": {
        name: "UserStrongAuthRequired",
        source: SOURCES.codes,
        meaning: "Conditional Access requires multi-factor authentication for this sign-in",
        action: "Sign in interactively and complete MFA; a non-interactive flow must hand the claims challenge back to an interactive sign-in.",
    },
    "50079": {
        name: "UserStrongAuthEnrollmentRequired",
        source: SOURCES.codes,
        meaning: "Conditional Access requires multi-factor authentication and the user has not registered a method",
        action: "The user registers for MFA at https://aka.ms/mysecurityinfo, then signs in interactively.",
    },
    "53003": {
        name: "BlockedByConditionalAccess",
        source: SOURCES.codes,
        meaning: "a Conditional Access policy blocked token issuance",
        action: "Open the sign-in log entry (correlation ID) and its Conditional Access tab to see which policy blocked, and meet its conditions.",
    },
};

export const KNOWN_CODES = Object.keys(AADSTS_CODES);
export const lookupUrl = (code: string) => `https://login.microsoftonline.com/error?code=${code}`;

export interface ParsedError {
    /** the digits after AADSTS */
    code: string;
    known: boolean;
    /** other AADSTS codes in the text (a wrapper code such as 70002, or a chain) */
    otherCodes?: string[];
    clientId?: string;
    clientName?: string;
    /** a resource app ID or identifier URI */
    resource?: string;
    /** a resource's display name ('Microsoft Graph') */
    resourceName?: string;
    scopes?: string[];
    /** as the message names it: an ID, a domain or a directory display name */
    tenant?: string;
    redirectUri?: string;
    user?: string;
    identityProvider?: string;
    traceId?: string;
    correlationId?: string;
    timestamp?: string;
    /** the message says the client was not found in the directory (700016, and 70001's older wording) */
    appNotFound?: true;
    /** facts the message carries but the pasted text hides (XXXX, ***, <redacted>, {id}, sample placeholders) */
    redacted?: string[];
}
type Fact = "clientId" | "clientName" | "resource" | "resourceName" | "tenant" | "redirectUri" | "user" | "identityProvider";

/** Values people paste in place of a real one: never facts. */
const PLACEHOLDER =
    /^(?:redacted|hidden|removed|masked|null|undefined|none|n\/a|appid|app ?id|client ?id|client_id|tenant ?id|tenant|guid|id|my ?client ?id|(?:your|my)[\s_-].*|enter_the_.*_here|00000000-0000-0000-0000-000000000000)$/i;
const MASK = /x{4,}|\*{2,}|#{3,}|…|\.{3}|<[^>]*>|\{[^}]*\}|\[[^\]]*\]|\(redacted\)/i;
export const isPlaceholder = (v: string): boolean => PLACEHOLDER.test(v.trim()) || MASK.test(v);

/**
 * Undoes the wrappings a pasted error comes in: HTML entities, JSON string escapes, URL encoding (`+` and %XX,
 * as in a redirect's error_description), typographic quotes, and per-line prefixes (CI timestamps, PowerShell's
 * `| ` continuation, `##[error]`). Line breaks stay; matching collapses them.
 */
export function normalizeErrorText(text: string): string {
    let t = unescapeJson(text);
    t = t.replace(/\S+/g, run => (looksUrlEncoded(run) ? urlDecode(run) : run));
    t = t
        .replace(/[‘’‚‛′]/g, "'")
        .replace(/[“”„‟″«»]/g, '"')
        .replace(/[「『]/g, " '")
        .replace(/[」』]/g, "' ")
        .replace(/：/g, ": ")
        .replace(/[\u00a0\u3000]/g, " ");
    return t
        .split(/\r\n|\r|\n/)
        .map(l =>
            l
                .replace(/^\s*\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z\s/, "")
                .replace(/^\s*##\[\w+\]/, "")
                .replace(/^\s*\|\s?/, "")
                .trimEnd(),
        )
        .join("\n");
}

function unescapeJson(text: string): string {
    return text
        .replace(/^\uFEFF/, "")
        .replace(/&#39;|&#x27;|&apos;/g, "'")
        .replace(/&quot;/g, '"')
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">")
        .replace(/&amp;/g, "&")
        .replace(/\\r\\n|\\n|\\r/g, "\n")
        .replace(/\\u([0-9a-fA-F]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
        .replace(/\\(["'/])/g, "$1");
}

function looksUrlEncoded(run: string): boolean {
    return /%[0-9a-fA-F]{2}/.test(run) || /[A-Za-z]\+[A-Za-z]+\+[A-Za-z]/.test(run) || /AADSTS\d+(?::|%3a)\+/i.test(run);
}

function urlDecode(s: string): string {
    const plus = s.replace(/\+/g, " ");
    try {
        return decodeURIComponent(plus);
    } catch {
        return plus.replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    }
}

/** Query parameters of URLs in the text (authorize URLs, redirects back with error_description). */
function urlParams(text: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const m of text.matchAll(/[?&#](client_id|redirect_uri|scope|resource|error_description)=([^&\s"'#<>]*)/gi)) {
        const key = m[1].toLowerCase();
        if (!(key in out) && m[2]) out[key] = urlDecode(m[2]);
    }
    return out;
}

/** The codes in a text, in order: AADSTS<n>, then the shapes libraries print without the prefix. */
function codesIn(flat: string): string[] {
    const found: string[] = [];
    const add = (re: RegExp) => {
        for (const m of flat.matchAll(re)) if (!found.includes(m[1])) found.push(m[1]);
    };
    add(/AADSTS\s?(\d{4,8})\b/gi);
    if (!found.length) {
        add(/"error_codes"\s*:\s*\[\s*(\d{4,8})/g);
        add(/error\?code=(\d{4,8})\b/g);
        add(/\bError Code:\s*(\d{4,8})\b/gi);
        add(
            /\b(?:invalid_request|invalid_grant|invalid_client|invalid_scope|unauthorized_client|interaction_required|consent_required|access_denied):\s*(\d{5,8})\b/g,
        );
    }
    return found;
}

const trimValue = (v: string) =>
    v
        .trim()
        .replace(/^['"]|['"]$/g, "")
        .replace(/[.,;:]+$/, "")
        .trim();

/**
 * Parses an Entra error text. Every fact found is kept even when another is missing or redacted; placeholders are
 * never taken for values. An error result only when the text carries no code at all.
 */
export function parseAadstsError(input: string): ParsedError | { error: string } {
    const params = urlParams(unescapeJson(input));
    const text = normalizeErrorText(input);
    const flat = text.replace(/\s+/g, " ");
    const codes = codesIn(flat);
    if (!codes.length) return { error: 'no AADSTS code in the text: paste the whole error, from "AADSTS<number>:" on (or the JSON body with error_codes)' };
    const code = codes.find(c => c in AADSTS_CODES) ?? codes[0];
    const out: ParsedError = { code, known: code in AADSTS_CODES };
    if (codes.length > 1) out.otherCodes = codes.filter(c => c !== code);
    const redacted = new Set<Fact>();

    const set = (fact: Fact, value: string | undefined): void => {
        if (value === undefined || out[fact] !== undefined) return;
        const v = trimValue(value);
        if (isPlaceholder(v) || (!v && isPlaceholder(value))) {
            redacted.add(fact);
            return;
        }
        if (!v) return;
        out[fact] = v;
    };
    // a line-anchored pattern (flag m) reads the lines, as a sign-in page prints its fields; others the joined text
    const find = (re: RegExp, ...facts: (Fact | null)[]) => {
        const m = re.exec(re.multiline ? text : flat);
        if (m) facts.forEach((f, i) => f && set(f, m[i + 1]));
    };

    // The message's own sentences, old and new wordings; the first match of a fact wins.
    find(/\bconfigured the application (.+?) \('([^']*)'\) to block users/i, "clientName", "clientId");
    find(/application with (?:ID|identifier) '([^']*)'(?: named '([^']*)')?/i, "clientId", "clientName");
    find(/configured for the application:? '([^']*)'/i, "clientId");
    find(/\bClient app ID:\s*(<[^>]*>|\{[^}]*\}|[^\s(]+?)\s*(?:\(([^)]*)\))?(?=\.?\s|\.?$)/i, "clientId", "clientName");
    find(/first party application '([^']*)' and first party resource '([^']*)'/i, "clientId", "resource");
    find(/secret added to app '([^']*)'/i, "clientId");
    find(/\bApplication '([^']*)'\s*(?:\(([^)]*)\))?\s*(?:is requesting a token|is not assigned to a role|is disabled)/i, "clientId", "clientName");
    find(/signed in user '([^']*)' is not assigned to a role for the application '([^']*)'\s*(?:\(([^)]*)\))?/i, "user", "clientId", "clientName");
    find(/is not assigned to a role for the application '([^']*)'\s*(?:\(([^)]*)\))?/i, "resource", "resourceName");
    find(/cannot access the application '([^']*)'\s*(?:\(([^)]*)\))?/i, "clientId", "clientName");
    find(/\bsigned in user '([^']*)'/i, "user");
    find(/configured for '([^']*)' application/i, "clientId");
    find(/User account '([^']*)' from identity provider '([^']*)' does not exist in tenant '([^']*)'/i, "user", "identityProvider", "tenant");
    find(
        /resource principal named\s+(\S*?)\s*was not found in the tenant named\s+(.+?)(?=\.\s|\.$|\s+(?:This can|You might|Trace ID|Correlation ID|Timestamp)\b|$)/i,
        "resource",
        "tenant",
    );
    find(/\bResource app ID:\s*([^\s.]+)/i, "resource");
    find(/\bResource value from request:\s*(\S+?)\.?(?=\s|$)/i, "resource");
    find(/access a service '([^']*)'\s*(?:\(([^)]*)\))? that your organization '([^']*)'/i, "resource", "resourceName", "tenant");
    find(/\bapplication '([^']*)' asked for scope '[^']*' that doesn't exist on the resource '([^']*)'/i, "clientName", "resource");
    find(/requested access to (?:a )?resource '([^']*)'/i, "resource");
    find(/not listed any permissions for '([^']*)'/i, "resourceName");
    find(/\bto access '([^']*)'/i, "resource");
    find(/(?:redirect URI|reply address|reply URL) '([^']*)'/i, "redirectUri");
    find(/in the directory '([^']*)'/i, "tenant");
    find(/was not found in the directory ([^\s']+?)(?=\.\s|\.$|\s|$)/i, "tenant");
    // sign-in page blocks and CLI output
    find(/^\s*App name:\s*(.+)$/im, "clientName");
    find(/^\s*App id:\s*(\S+)/im, "clientId");
    find(new RegExp(`"client_id"\\s*:\\s*"([^"]*)"`, "i"), "clientId");
    find(new RegExp(`\\bclient[-_ ]?id["']?\\s*[:=]\\s*["']?(${GUID}|\\*{3})`, "i"), "clientId");
    set("clientId", params.client_id);
    set("redirectUri", params.redirect_uri);
    set("resource", params.resource);
    find(
        new RegExp(`login\\.microsoftonline\\.(?:com|us)/(?!common/|organizations/|consumers/)([^/\\s?'"]+)/(?:oauth2|v2\\.0|saml2|adminconsent)`, "i"),
        "tenant",
    );
    find(/\b(?:tenant[ _-]?id|--tenant)[:= ]\s*"?([0-9a-fA-F-]{36})/i, "tenant");

    if (/was not found in the directory/i.test(flat)) out.appNotFound = true;
    const scopeText = params.scope ?? /asked for scope '([^']+)'/i.exec(flat)?.[1] ?? /\bscopes?\s*[:=]?\s*\[?\s*'([^']+)'/i.exec(flat)?.[1];
    if (scopeText) out.scopes = scopeText.split(/[\s,]+/).filter(Boolean);
    if (!out.resource && out.scopes) {
        const prefixed = out.scopes.find(s => /^(?:api|https?):\/\/.+\/[^/]+$/.test(s));
        if (prefixed) out.resource = prefixed.replace(/\/[^/]+$/, "");
    }
    positionalFacts(out, flat, code, set);

    const id = (label: string) => new RegExp(`${label}\\s*[:=]\\s*"?(${GUID})`, "i");
    out.traceId = id("Trace ID").exec(flat)?.[1] ?? id('"trace_id"').exec(flat)?.[1];
    out.correlationId = id("Correlation ID").exec(flat)?.[1] ?? id('"correlation_id"').exec(flat)?.[1];
    out.timestamp = /Timestamp:?\s*"?:?\s*"?(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d+)?Z?)/i.exec(flat)?.[1];
    for (const f of redacted) if (out[f] === undefined) (out.redacted ??= []).push(f);
    for (const k of Object.keys(out) as (keyof ParsedError)[]) if (out[k] === undefined) delete out[k];
    return out;
}

/**
 * Localized messages (Entra answers in the browser's language; MSAL wraps them in its own UI strings): when the
 * English anchors found nothing, the quoted values and GUIDs of the message fill the code's facts in order.
 */
const POSITIONS: Record<string, Fact[]> = {
    "65001": ["clientId", "clientName"],
    "700016": ["clientId", "tenant"],
    "50011": ["redirectUri", "clientId"],
    "65002": ["clientId", "resource"],
    "7000215": ["clientId"],
    "90009": ["clientId", "clientName"],
    "70001": ["clientId"],
    "501051": ["clientId", "clientName", "resource"],
    "50020": ["user", "identityProvider", "tenant", "clientId", "clientName"],
};
function positionalFacts(out: ParsedError, flat: string, code: string, set: (f: Fact, v: string) => void): void {
    const slots = POSITIONS[code];
    if (!slots || slots.some(f => out[f] !== undefined || out.redacted?.includes(f))) return;
    const start = flat.search(new RegExp(`AADSTS\\s?${code}`, "i"));
    const body = flat.slice(start < 0 ? 0 : start).split(/\b(?:Trace ID|Correlation ID|Timestamp|Request Id)\b/i)[0];
    const tokens = [...body.matchAll(new RegExp(`(?<![\\p{L}\\p{N}])['"]([^'"]{1,200})['"](?![\\p{L}\\p{N}])|(${GUID})`, "gu"))].map(m => m[1] ?? m[2]);
    const accepts = (f: Fact, v: string) =>
        f === "clientId"
            ? isGuid(v) || isPlaceholder(v)
            : f === "redirectUri"
              ? v.includes("://")
              : f === "resource"
                ? isGuid(v) || v.includes("://")
                : !isGuid(v) && !v.includes("://");
    const free = [...slots];
    for (const t of tokens) {
        const i = free.findIndex(f => accepts(f, t));
        if (i >= 0) {
            set(free[i], t);
            free.splice(i, 1);
        }
    }
}

/** A stack as diagnose sees it: its model and its plan (flows, outputs, resources). */
export interface PlannedStack {
    stack: string;
    file: string;
    model: ConsentModel;
    plan: PlanResult;
}

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

export interface DiagnoseResult {
    code: string;
    known: boolean;
    meaning: string;
    source: string;
    lookup: string;
    parsed: ParsedError;
    diagnoses: Diagnosis[];
}

/**
 * `tenant.displayName` (the directory's name as messages print it). Read defensively: the model may not carry it
 * yet, so the raw stack file is the fallback.
 */
export function tenantDisplayName(s: PlannedStack): string | undefined {
    const fromModel = (s.model.tenant as { displayName?: unknown }).displayName;
    if (typeof fromModel === "string") return fromModel;
    try {
        const t = readStackFile(s.file).config["entra-consent:tenant"] as { displayName?: unknown } | undefined;
        return typeof t?.displayName === "string" ? t.displayName : undefined;
    } catch {
        return undefined;
    }
}

/**
 * Whether the tenant an error names is this stack's: an ID decides; a display name is compared with
 * `tenant.displayName` only (never the stack's short `tenant.name`); a domain cannot be compared.
 */
export function tenantMatch(named: string | undefined, s: PlannedStack): "match" | "mismatch" | "unknown" {
    if (!named) return "unknown";
    if (isGuid(named)) return named.toLowerCase() === s.model.tenant.id.toLowerCase() ? "match" : "mismatch";
    if (/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(named)) return "unknown";
    const display = tenantDisplayName(s);
    if (display === undefined) return "unknown";
    return display.toLowerCase() === named.toLowerCase() ? "match" : "mismatch";
}

function findApp(stack: PlannedStack, parsed: ParsedError, clientIds: Record<string, string>): AppModel | undefined {
    if (parsed.clientId) {
        const id = parsed.clientId.toLowerCase();
        const key = Object.entries(clientIds).find(([, v]) => typeof v === "string" && v.toLowerCase() === id)?.[0];
        const byId = stack.model.apps.find(a => a.key === key || a.externalAppId?.toLowerCase() === id);
        if (byId) return byId;
    }
    if (parsed.clientName) return stack.model.apps.find(a => a.displayName === parsed.clientName || a.key === parsed.clientName);
    return undefined;
}

interface ResourceHit {
    label: string;
    own?: AppModel;
    appId?: string;
}
/** The resource an error names (appId, identifier URI or display name): an app of the stack, or a catalog API. */
function findResource(
    stack: PlannedStack,
    parsed: Pick<ParsedError, "resource" | "resourceName">,
    catalog: PermissionCatalog,
    outputs: Outputs,
): ResourceHit | undefined {
    const ref = parsed.resource
        ?.replace(/\/\.default$/, "")
        .replace(/\/$/, "")
        .toLowerCase();
    if (ref) {
        const own = stack.model.apps.find(a =>
            [outputs.identifierUris?.[a.key], a.identifierUri, outputs.clientIds?.[a.key], a.externalAppId].some(
                u => typeof u === "string" && u.toLowerCase().replace(/\/$/, "") === ref,
            ),
        );
        if (own) return { label: own.key, own };
        const ms = catalog.resource(ref) ?? catalog.resourceByIdentifierUri(ref);
        if (ms) return { label: ms.aliases[0] ?? ms.appId, appId: ms.appId };
    }
    const name = parsed.resourceName?.toLowerCase();
    if (name) {
        const own = stack.model.apps.find(a => a.displayName.toLowerCase() === name || a.key === name);
        if (own) return { label: own.key, own };
        const ms = catalog.resources.find(
            r =>
                r.name.toLowerCase() === name ||
                r.name.toLowerCase().split(" / ").includes(name) ||
                (name === "aad graph" && r.aliases.includes("azure-ad-graph")),
        );
        if (ms) return { label: ms.aliases[0] ?? ms.appId, appId: ms.appId };
    }
    return undefined;
}

type Outputs = { clientIds?: Record<string, string>; identifierUris?: Record<string, string> };

export function diagnose(parsed: ParsedError, stacks: PlannedStack[], catalog: PermissionCatalog): DiagnoseResult {
    const info = AADSTS_CODES[parsed.code];
    const matches = new Map(stacks.map(s => [s, tenantMatch(parsed.tenant, s)]));
    const inTenant = stacks.filter(s => matches.get(s) === "match");
    const searched = inTenant.length ? inTenant : stacks;
    const diagnoses: Diagnosis[] = [];
    for (const s of searched) {
        const outputs = (s.plan.outputs ?? {}) as Outputs;
        const app = findApp(s, parsed, outputs.clientIds ?? {});
        const resource = findResource(s, parsed, catalog, outputs);
        const tenant = matches.get(s);
        if (!app && !resource && tenant !== "match") continue;
        const flows = s.plan.flows.filter(f => (app ? f.client === app.key : true) && (!resource || f.resource === resource.label) && (app || resource));
        const ctx: Ctx = { parsed, s, app, resource, flows, catalog, outputs, file: s.file };
        const explained = info ? explain(ctx) : { planned: planned(flows), cause: "This tool does not know this code." };
        let cause = explained.cause;
        if (tenant === "mismatch")
            cause += ` The error names tenant ${parsed.tenant}, but ${app?.key ?? "this stack"} is planned in ${s.model.tenant.name} (${s.model.tenant.id}): the request went to another tenant, where nothing of this stack was approved.`;
        else if (tenant === "unknown" && parsed.tenant && !parsed.tenant.includes(".")) {
            cause += ` The error names directory "${parsed.tenant}"; set entra-consent:tenant.displayName to the directory's name so diagnose can tell whether that is ${s.model.tenant.name}.`;
        }
        diagnoses.push({ stack: s.stack, tenant: { id: s.model.tenant.id, name: s.model.tenant.name }, app: app?.key, flows, ...explained, cause });
    }
    if (!diagnoses.length) diagnoses.push(notInAnyStack(parsed, catalog, info));
    return {
        code: `AADSTS${parsed.code}`,
        known: !!info,
        meaning: info?.meaning ?? "not a code this tool knows",
        source: info?.source ?? lookupUrl(parsed.code),
        lookup: lookupUrl(parsed.code),
        parsed,
        diagnoses,
    };
}

function notInAnyStack(parsed: ParsedError, catalog: PermissionCatalog, info: CodeInfo | undefined): Diagnosis {
    const named = parsed.clientId
        ? `client ID ${parsed.clientId}`
        : parsed.clientName
          ? `name "${parsed.clientName}"`
          : parsed.resource
            ? `resource ${parsed.resource}`
            : parsed.redacted?.includes("clientId")
              ? "the client ID of this error: it is redacted in the pasted text, so paste it unredacted"
              : "the identifiers of this error: the text names no client";
    const firstParty = parsed.clientId && catalog.isFirstParty(parsed.clientId) ? catalog.firstPartyName(parsed.clientId) : undefined;
    let action = info?.action ?? `Look the code up: ${lookupUrl(parsed.code)}`;
    if (parsed.code === "65002" || (firstParty && /^(65001|650057|650056|65005)$/.test(parsed.code))) {
        action = `${parsed.clientId} is the Microsoft app "${firstParty ?? "a Microsoft app"}": a tenant cannot approve it for a Microsoft API. Register an app of your own and declare it under entra-consent:apps.`;
    } else if (!firstParty && (parsed.clientId || parsed.clientName)) {
        action +=
            " If the app is yours, declare it under entra-consent:apps (an app registered elsewhere: identity: external with its appId), or pass --outputs with `pulumi stack output --json` of the deployed stack so its client IDs are known.";
    }
    return {
        stack: "-",
        tenant: { id: parsed.tenant ?? "", name: parsed.tenant ?? "" },
        flows: [],
        planned: "not in any stack",
        cause: `No stack has an app with ${named}${parsed.tenant ? ` in tenant ${parsed.tenant}` : ""}${firstParty ? ` (${parsed.clientId} is Microsoft's "${firstParty}")` : ""}.`,
        action,
    };
}

interface Ctx {
    parsed: ParsedError;
    s: PlannedStack;
    app?: AppModel;
    resource?: ResourceHit;
    flows: Flow[];
    catalog: PermissionCatalog;
    outputs: Outputs;
    file: string;
}
type Explained = Pick<Diagnosis, "planned" | "cause" | "fix" | "action">;

const planned = (flows: Flow[]) =>
    flows.length ? flows.map(f => `${f.flow} to ${f.resource}: ${f.outcome}${f.code ? ` (${f.code})` : ""}`).join("; ") : "no planned flow matches";
const deploy = (s: PlannedStack) =>
    `run pulumi up for stack ${s.stack}, or check that the sign-in goes to tenant ${s.model.tenant.name} (${s.model.tenant.id})`;
const OIDC_SCOPES = ["openid", "profile", "email", "offline_access"];

/**
 * Scopes the app asked for at runtime that its config does not request: the usual cause of a consent error for
 * a plan whose flows are all approved. Grouped by the resource label the config uses.
 */
function unconfiguredScopes(ctx: Ctx): { label: string; values: string[] }[] {
    const { app, parsed, s, catalog, outputs } = ctx;
    if (!app || !parsed.scopes) return [];
    const groups = new Map<string, string[]>();
    for (const scope of parsed.scopes) {
        if (OIDC_SCOPES.includes(scope) || scope.endsWith("/.default") || scope === ".default") continue;
        const m = /^(.*)\/([^/]+)$/.exec(scope);
        // a scope without a resource prefix is Microsoft Graph's, as Entra reads it
        const hit = findResource(s, { resource: m ? m[1] : GRAPH_APP_ID }, catalog, outputs);
        const label = hit?.label ?? m![1];
        const value = m ? m[2] : scope;
        const requested = app.delegated.find(r => r.resource.label === label)?.permissions.map(p => p.value) ?? [];
        if (!requested.includes(value)) groups.set(label, [...(groups.get(label) ?? []), value]);
    }
    return [...groups].map(([label, values]) => ({ label, values }));
}

function runtimeScopeFix(ctx: Ctx, lead: string): Explained | undefined {
    const { app, file, flows, s } = ctx;
    const extra = unconfiguredScopes(ctx);
    if (!app || !extra.length) return undefined;
    const { label, values } = extra[0];
    const current = app.delegated.find(r => r.resource.label === label)?.permissions.map(p => p.value) ?? [];
    return {
        planned: planned(flows),
        fix: { file, key: `entra-consent:apps.${app.key}.delegated.${label}`, value: [...current, ...values] },
        cause: `${lead} The app asked at runtime for ${extra.map(e => `${e.values.join(" ")} on ${e.label}`).join("; ")}, which ${app.key}'s config does not request, so stack ${s.stack} grants nothing for it.`,
    };
}

function adminConsentFix(ctx: Ctx, why: string): Explained {
    const { app, flows, file, s, parsed } = ctx;
    if (!app) return { planned: planned(flows), cause: why };
    if (app.kind === "daemon")
        return daemonRoles(
            ctx,
            `${why} ${app.key} is a daemon: what an administrator approves for it is app roles (application permissions), which the deploy assigns.`,
        );
    const userFlows = flows.filter(f => f.flow === "authorization-code" || f.flow === "on-behalf-of");
    const failing = userFlows.filter(isFailing);
    const notIssued = userFlows.filter(f => f.outcome !== "issued");
    if (app.consent === "user" || failing.length) {
        const what = (failing.length ? failing : notIssued).map(f => `${f.permissions.join(" ")} on ${f.resource}`).join("; ");
        return {
            planned: planned(flows),
            cause: `${why} The planned state leaves ${what || "the delegated permissions"} of ${app.key} to user consent, which this request cannot get.`,
            fix: { file, key: `entra-consent:apps.${app.key}.consent`, value: "admin" },
        };
    }
    const runtime = runtimeScopeFix(ctx, `${why} The planned state grants every delegated permission of ${app.key} tenant-wide.`);
    if (runtime) return runtime;
    return {
        planned: planned(flows),
        cause: `${why} The planned state grants every delegated permission of ${app.key} tenant-wide: ${deploy(s)}; if the app asks at runtime for a scope not in entra-consent:apps.${app.key}.delegated${parsed.scopes ? "" : " (the error does not show the scope parameter)"}, add it there.`,
    };
}

/** What each code means for this stack; undefined: the stack cannot say more than the code's meaning. */
type Handler = (ctx: Ctx, info: CodeInfo) => Explained | undefined;
const capitalized = (t: string) => `${t[0].toUpperCase()}${t.slice(1)}.`;

function explain(ctx: Ctx): Explained {
    const info = AADSTS_CODES[ctx.parsed.code];
    return (
        HANDLERS[ctx.parsed.code]?.(ctx, info) ?? {
            planned: planned(ctx.flows),
            cause: ctx.app || ctx.resource ? capitalized(info.meaning) : "The error names nothing this stack declares.",
            action: info.action,
        }
    );
}

const consentMissing: Handler = ctx => {
    const { app, flows, file, s } = ctx;
    if (!app) return undefined;
    if (app.kind === "daemon")
        return daemonRoles(
            ctx,
            "A daemon signs in with client credentials: its consent is app roles (application permissions) an administrator assigns, never delegated scopes.",
        );
    const failing = flows.filter(f => f.flow !== "client-credentials" && f.outcome !== "issued");
    if (failing.length) {
        return {
            planned: planned(flows),
            cause: `The planned state does not approve ${failing.map(f => `${f.permissions.join(" ")} on ${f.resource}`).join("; ")} for ${app.key}${failing.some(f => f.flow === "on-behalf-of") ? " (on-behalf-of cannot prompt the user)" : ""}.`,
            fix: { file, key: `entra-consent:apps.${app.key}.consent`, value: "admin" },
        };
    }
    const lead = `The planned state approves every delegated permission configured for ${app.key}.`;
    return (
        runtimeScopeFix(ctx, lead) ?? {
            planned: planned(flows),
            cause: `${lead} Most often the app asked at runtime for a scope that is not in config: compare the request's scope parameter with entra-consent:apps.${app.key}.delegated and add what is missing there. Otherwise ${deploy(s)}.`,
        }
    );
};

const clientPrincipal: Handler = ({ parsed, s, app, flows, file }, info) => {
    // 70001's older wording ("... was not found in the directory X") meant what 700016 means now
    if (parsed.code === "70001" && !parsed.appNotFound && app) {
        return {
            planned: planned(flows),
            cause: `${app.key}'s service principal is disabled in the tenant that answered; the plan does not disable it, so someone turned sign-in off outside code.`,
            action: info.action,
        };
    }
    if (!app) {
        if (!parsed.clientId)
            return {
                planned: "the error names no client ID",
                cause: `The client ID is ${parsed.redacted?.includes("clientId") ? "redacted in the text" : "not in the text"}; no app of stack ${s.stack} can be picked out.`,
                action: info.action,
            };
        return {
            planned: "no app of this stack has this client ID",
            cause: `${parsed.clientId} is not an app of stack ${s.stack} (tenant ${s.model.tenant.name}).`,
            fix: { file, key: "entra-consent:apps.<key>", value: { identity: "external", appId: parsed.clientId } },
        };
    }
    const sp =
        s.plan.resources.some(r => r.type.endsWith(":ServicePrincipal") && r.name === servicePrincipalName(app.key)) || app.identity === "managed-identity";
    return {
        planned: sp ? `the plan creates the service principal of ${app.key}` : `the plan has no service principal for ${app.key}`,
        cause: sp
            ? `Stack ${s.stack} creates the service principal of ${app.key} in ${s.model.tenant.name}; the tenant that answered has none: ${deploy(s)}.`
            : `${app.key} has no service principal in this tenant.`,
        action: sp ? `pulumi up --stack ${s.stack}` : undefined,
    };
};

const resourcePrincipal: Handler = ({ parsed, s, resource, flows, catalog, outputs }, info) => {
    if (resource?.own)
        return {
            planned: planned(flows),
            cause: `${parsed.resource ?? parsed.resourceName} is ${resource.own.key}, whose service principal stack ${s.stack} creates: ${deploy(s)}.`,
            action: `pulumi up --stack ${s.stack}`,
        };
    const ms = resource?.appId ? catalog.resource(resource.appId) : undefined;
    if (ms)
        return {
            planned: planned(flows),
            cause: `${ms.name} has no service principal in tenant ${s.model.tenant.name}.`,
            action: `Create it once: az ad sp create --id ${ms.appId}`,
        };
    const uris = s.model.apps.flatMap(a => [outputs.identifierUris?.[a.key], a.identifierUri].filter((u): u is string => typeof u === "string"));
    const near = closest(parsed.resource ?? "", [...new Set(uris)]);
    return {
        planned: "no app of this stack has this identifier URI",
        cause: `${parsed.resource ?? "The resource"} is not an identifier URI in stack ${s.stack}${near ? `; did you mean ${near}?` : "."}`,
        action: near ? `Request the token for ${near}/.default (or a scope under it).` : info.action,
    };
};

const redirectUris: Handler = ({ parsed, s, app, file }) => {
    if (!app) return undefined;
    const listed = `redirect URIs of ${app.key}: ${app.redirectUris.join(", ") || "none"}`;
    if ((parsed.redirectUri && app.redirectUris.includes(parsed.redirectUri)) || (parsed.code === "500113" && app.redirectUris.length)) {
        return {
            planned: listed,
            cause: `${parsed.redirectUri ? `${parsed.redirectUri} is planned for ${app.key}` : `The plan gives ${app.key} redirect URIs`}; the registration that answered lacks it: ${deploy(s)}.`,
            action: `pulumi up --stack ${s.stack}`,
        };
    }
    const platform = app.kind === "spa" ? " (registered as a SPA redirect)" : app.kind === "native" ? " (registered as a public client redirect)" : "";
    return {
        planned: listed,
        cause: `${parsed.redirectUri ? `${parsed.redirectUri} is not` : "The request's redirect URI (not in the pasted text) is not"} a redirect URI of ${app.key}${platform}.`,
        fix: {
            file,
            key: `entra-consent:apps.${app.key}.redirectUris`,
            value: [...app.redirectUris, parsed.redirectUri ?? "<the redirect URI the app sends>"],
        },
    };
};

const resourceNotRequested: Handler = ctx => {
    const { parsed, s, app, resource, flows, file } = ctx;
    if (!app) return undefined;
    const unknownScope = parsed.code === "65005" ? scopeNotOnResource(ctx) : undefined;
    if (unknownScope) return unknownScope;
    const label = resource?.label ?? parsed.resource ?? parsed.resourceName ?? "<resource>";
    const requested = [...new Set([...app.delegated, ...app.application].map(r => r.resource.label))];
    if (requested.includes(label)) {
        if (parsed.code !== "650057" && flows.some(isFailing))
            return adminConsentFix(ctx, `${app.key} requests ${label}, but the plan does not approve it for this request.`);
        return {
            planned: `${app.key} requests: ${requested.join(", ")}`,
            cause: `The plan requests ${label} for ${app.key}; the registration that answered does not: ${deploy(s)}.`,
            action: `pulumi up --stack ${s.stack}`,
        };
    }
    const kind = app.kind === "daemon" ? "application" : "delegated";
    const roles = resource?.own?.appRoles.filter(r => !r.members || r.members.includes("application")).map(r => r.value);
    const value =
        kind === "application"
            ? roles?.length
                ? roles
                : ["<app role>"]
            : (parsed.scopes?.filter(v => !OIDC_SCOPES.includes(v)).map(v => v.replace(/^.*\//, "")) ?? ["<permission>"]);
    return {
        planned: `${app.key} requests: ${requested.join(", ") || "nothing"}`,
        cause: `${app.key} does not request ${label} in its registration.`,
        fix: { file, key: `entra-consent:apps.${app.key}.${kind}.${label}`, value },
    };
};

const userMayNotConsent: Handler = (ctx, info) => {
    const { parsed, app } = ctx;
    const res = adminConsentFix(ctx, capitalized(info.meaning));
    const extra =
        parsed.code === "90095"
            ? " Until the deploy grants it, an administrator can approve the pending request under Enterprise applications > Admin consent requests."
            : parsed.code === "900981" && app?.identity === "external"
              ? ` ${app.key} is registered elsewhere: its publisher verifying lowers the risk; until then only an administrator consents.`
              : "";
    return { ...res, cause: res.cause + extra, action: app ? res.action : info.action };
};

const userNotAssigned: Handler = ({ parsed, app, flows, file }) => {
    if (!app) return undefined;
    const who = parsed.user ?? "the signed-in user";
    return {
        planned: planned(flows),
        cause: `${app.key} requires assignment and ${who} is not assigned to it or to one of its app roles.`,
        fix: { file, key: `entra-consent:apps.${app.key}.assignedTo`, value: { users: [`<object ID of ${who}>`] } },
        action: "Or assign one of the user's groups; a user's assignment works only through a role that allows users (members: [user]).",
    };
};

const tokenForItself: Handler = ({ parsed, app, flows, outputs }) => {
    const id = parsed.clientId ?? (app ? outputs.clientIds?.[app.key] : undefined) ?? "<clientId>";
    return {
        planned: planned(flows),
        cause: `${app?.key ?? parsed.clientId ?? "The app"} requested a token for itself by its identifier URI${parsed.clientName?.includes("://") ? ` (${parsed.clientName})` : ""}.`,
        action: `Request ${id}/.default (or ${id}/<scope>) with the GUID, or give the client and the API separate registrations.`,
    };
};

const implicitIdToken: Handler = ({ app, flows }) => ({
    planned: planned(flows),
    cause: `The sign-in asked for an ID token through the implicit flow; this stack keeps implicit ID tokens off on purpose${app?.kind === "spa" ? `, and registers ${app.key}'s redirect URIs for the authorization code flow with PKCE` : ""}.`,
    action:
        app?.kind === "spa"
            ? "Move the SPA to MSAL.js 2+ (@azure/msal-browser), which uses the authorization code flow with PKCE."
            : "Configure the sign-in middleware for response_type=code (authorization code flow) instead of id_token.",
});

const guestMissing: Handler = ({ parsed, app, flows }, info) => ({
    planned: planned(flows),
    cause: `${parsed.user ?? "The user"}${parsed.identityProvider ? ` (from ${parsed.identityProvider})` : ""} has no account in ${parsed.tenant ?? "this tenant"}${app ? `, where ${app.key} is registered${app.signInAudience === "AzureADMyOrg" ? " for this organization only" : ""}` : ""}.`,
    action: `${info.action}${app?.signInAudience === "AzureADMyOrg" ? ` Users of other Microsoft Entra organizations could sign in if ${app.key} were multi-tenant (entra-consent:apps.${app.key}.signInAudience: AzureADMultipleOrgs); personal accounts never can.` : ""}`,
});

const conditionalAccess: Handler = ({ parsed, app, flows }, info) => ({
    planned: planned(flows),
    cause: `Conditional Access, not consent: ${info.meaning}${app?.kind === "daemon" ? `; ${app.key} is a daemon, so a policy for workload identities (location or risk) applies to its service principal` : ""}. Nothing in the stack config changes this.`,
    action: `${info.action}${parsed.correlationId ? ` Correlation ID: ${parsed.correlationId}.` : ""}`,
});

const HANDLERS: Record<string, Handler> = {
    "65001": consentMissing,
    "65002": ({ parsed, flows, catalog }) => ({
        planned: planned(flows),
        cause: `${parsed.clientId} ("${catalog.firstPartyName(parsed.clientId ?? "") ?? "a Microsoft app"}") is a Microsoft first-party client and ${parsed.resource ?? "the resource"} a Microsoft API.`,
        action: "No tenant can approve this pair: register an app of your own, declare it under entra-consent:apps with the permissions it needs, and sign in with its client ID.",
    }),
    "65004": ({ app, flows }, info) => ({
        planned: planned(flows),
        cause: `A user declined the consent prompt${app ? ` of ${app.key}` : ""}: nothing was granted, and nothing needs granting by code.`,
        action: app
            ? `Ask the user to sign in again and accept, narrow what ${app.key} requests, or approve it for everyone with entra-consent:apps.${app.key}.consent: admin.`
            : info.action,
    }),
    "700016": clientPrincipal,
    "70001": clientPrincipal,
    "500011": resourcePrincipal,
    "650052": resourcePrincipal,
    "50011": redirectUris,
    "500113": redirectUris,
    "650057": resourceNotRequested,
    "650056": resourceNotRequested,
    "65005": resourceNotRequested,
    "90093": userMayNotConsent,
    "90094": userMayNotConsent,
    "90095": userMayNotConsent,
    "900941": userMayNotConsent,
    "900981": userMayNotConsent,
    "50105": userNotAssigned,
    "501051": ctx =>
        ctx.app
            ? daemonRoles(
                  ctx,
                  `${ctx.resource?.label ?? ctx.parsed.resource ?? "The API"} requires assignment and ${ctx.app.key} holds no app role on it, so Entra issues no token.`,
              )
            : undefined,
    "7000215": ctx => (ctx.app ? credentials(ctx) : undefined),
    "7000218": ctx => (ctx.app ? credentials(ctx) : undefined),
    "700024": ctx => (ctx.app ? credentials(ctx) : undefined),
    "90009": tokenForItself,
    "700054": implicitIdToken,
    "50020": guestMissing,
    "50076": conditionalAccess,
    "50079": conditionalAccess,
    "53003": conditionalAccess,
};

/** 65005 "asked for scope X that doesn't exist on the resource": the scope's name against what the resource exposes. */
function scopeNotOnResource(ctx: Ctx): Explained | undefined {
    const { parsed, resource, catalog, flows, file } = ctx;
    const scope = parsed.scopes?.[0]?.replace(/^.*\//, "");
    if (!scope || !resource) return undefined;
    const names = resource.own
        ? resource.own.scopes.map(p => p.value)
        : (catalog
              .resource(resource.appId ?? "")
              ?.permissions.filter(p => p.type === "delegated")
              .map(p => p.value) ?? []);
    if (names.includes(scope)) return undefined;
    const near = closest(scope, names);
    const cause = `${resource.label} exposes no scope ${scope}${near ? `; did you mean ${near}?` : "."}`;
    if (resource.own && !near)
        return {
            planned: planned(flows),
            cause,
            fix: { file, key: `entra-consent:apps.${resource.own.key}.scopes.${scope}`, value: { consent: "admin", description: "<what it allows>" } },
        };
    return { planned: planned(flows), cause, action: near ? `Request ${near} instead of ${scope}.` : "Request a scope the resource exposes." };
}

/** App roles a daemon needs on a resource: the config key and the roles the API offers applications. */
function daemonRoles(ctx: Ctx, why: string): Explained {
    const { app, resource, flows, file, s } = ctx;
    const a = app!;
    const missing = flows.filter(f => f.flow === "client-credentials" && f.outcome !== "issued");
    if (missing.length) {
        return {
            planned: planned(flows),
            cause: `${why} The plan leaves ${a.key} without ${missing.map(f => f.resource).join(", ")} roles it requests.`,
            fix: { file, key: `entra-consent:apps.${a.key}.application.${missing[0].resource}`, value: missing[0].permissions },
        };
    }
    const label = resource?.label;
    const held = label ? a.application.find(r => r.resource.label === label)?.permissions.map(p => p.value) : undefined;
    if (label && !held?.length) {
        const roles = resource?.own?.appRoles.filter(r => !r.members || r.members.includes("application")).map(r => r.value);
        return {
            planned: planned(flows),
            cause: `${why} ${a.key} requests no app role on ${label}.`,
            fix: { file, key: `entra-consent:apps.${a.key}.application.${label}`, value: roles?.length ? roles : ["<app role>"] },
        };
    }
    return {
        planned: planned(flows),
        cause: `${why} The plan assigns ${a.key} ${held?.length ? `${held.join(" ")} on ${label}` : "every app role it requests"}: ${deploy(s)}; a daemon must request <resource>/.default with client credentials, not a user flow or a named scope.`,
    };
}

/** Credential errors, told by what the app authenticates with in config. */
function credentials(ctx: Ctx): Explained {
    const { parsed, app, file, s, flows } = ctx;
    const a = app!;
    const federated = a.federatedCredentials.map(f => `${f.name} (${f.issuer}, ${f.subject})`);
    const p = planned(flows);
    if (a.identity === "managed-identity")
        return {
            planned: p,
            cause: `${a.key} is a managed identity: it never sends a secret or an assertion of its own; the code used an app credential instead of the managed identity credential.`,
            action: "Use ManagedIdentityCredential (or DefaultAzureCredential) on the Azure resource that carries the identity.",
        };
    if (a.identity === "external")
        return {
            planned: p,
            cause: `${a.key} is registered in another tenant: its credentials are its owner's, not this stack's.`,
            action: "Ask the app's publisher for a valid credential.",
        };
    if (parsed.code === "700024") {
        return {
            planned: p,
            cause: federated.length
                ? `${a.key} signs in with workload identity federation (${federated.join("; ")}); the token it exchanged was expired or not yet valid.`
                : `${a.key}'s client assertion (a certificate-signed JWT) was expired or not yet valid.`,
            action: federated.length
                ? "Request the federated token right before the login and log in again in a long job; the issuer's token lives minutes. Check the runner's clock."
                : AADSTS_CODES["700024"].action,
        };
    }
    if (parsed.code === "7000218") {
        if (a.kind === "native")
            return {
                planned: p,
                cause: `${a.key} is a public client: desktop, device-code and username/password sign-ins send no secret, but the registration that answered is not a public client: ${deploy(s)}.`,
                action: `pulumi up --stack ${s.stack}`,
            };
        if (a.clientSecret || federated.length)
            return {
                planned: p,
                cause: `${a.key} is a confidential client and has a ${federated.length ? "federated credential" : "client secret"} in config, but the request sent none.`,
                action: federated.length
                    ? "Send the federated token as client_assertion (for example azure/login with client-id and tenant-id)."
                    : `Send the secret from pulumi stack output clientSecrets --show-secrets (${a.key}).`,
            };
        return {
            planned: p,
            cause: `${a.key} is a confidential client (${a.kind}) with no credential in config, so it has nothing to send.`,
            fix: { file, key: `entra-consent:apps.${a.key}.federatedCredentials`, value: { "<name>": { issuer: "<issuer>", subject: "<subject>" } } },
            action: `Prefer workload identity federation; a secret (entra-consent:apps.${a.key}.clientSecret: { expiresInDays: 90 }) works too. A desktop or device-code app declares kind: native instead.`,
        };
    }
    // 7000215
    if (federated.length && !a.clientSecret)
        return {
            planned: p,
            cause: `${a.key} has no client secret in config: it signs in with workload identity federation (${federated.join("; ")}), yet the caller sent a secret.`,
            action: "Log in with the federated token (for example azure/login with client-id, tenant-id and subscription-id, no creds secret).",
        };
    if (a.clientSecret)
        return {
            planned: p,
            cause: `${a.key}'s secret is created by stack ${s.stack} (expires after ${a.clientSecret.expiresInDays} days); the caller sent another value: an old or rotated secret, or the secret's ID instead of its value.`,
            action: `Use the value from pulumi stack output clientSecrets --show-secrets (${a.key}), and update the caller after each deploy that rotates it.`,
        };
    return {
        planned: p,
        cause: `${a.key} has no credential in config: the secret the caller sent was made outside this stack, or has expired.`,
        fix: { file, key: `entra-consent:apps.${a.key}.federatedCredentials`, value: { "<name>": { issuer: "<issuer>", subject: "<subject>" } } },
        action: `Prefer workload identity federation; a secret managed here (entra-consent:apps.${a.key}.clientSecret: { expiresInDays: 90 }) works too.`,
    };
}
