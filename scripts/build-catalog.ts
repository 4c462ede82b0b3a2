/**
 * Builds data/catalog.json, the permission catalog the program ships with, from the data kept in the repository
 * (data/sources, data/tier-rules.json; see data/SOURCES.md) and, optionally, from a tenant's exported Microsoft
 * Graph service principal; prints what changed tier since the last build:
 *
 *   npm run catalog                                   # from data/sources
 *   npm run catalog -- --graph-sp graph-sp.json       # refresh Graph from `GET /servicePrincipals(appId='00000003-...')`
 *   npm run catalog -- --sources /path/to/data
 *
 * The program reads only data/catalog.json at run time.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import type { CatalogFile, CatalogPermission, CatalogResource } from "../lib/catalog";
import { GRAPH_APP_ID } from "../lib/ids";
import { classify, formatTierChange, parseRiskTable, tierChanges, TierRules } from "./classify";

const ROOT = path.resolve(__dirname, "..");
export const SOURCES_DIR = path.join(ROOT, "data", "sources");
export const RULES_FILE = path.join(ROOT, "data", "tier-rules.json");
/** Permissions real tenants show that data/sources lacks (Key Vault, Storage, SQL user_impersonation), each with its source. */
export const ADDITIONS_FILE = path.join(ROOT, "data", "catalog-additions.json");
export const RISK_TABLE = "aadconsentgrantpermissiontable.csv";

/** Short names a stack config may use instead of a resource's appId. */
export const RESOURCE_ALIASES: Record<string, string[]> = {
    [GRAPH_APP_ID]: ["microsoft-graph", "graph"],
    "00000002-0000-0000-c000-000000000000": ["azure-ad-graph"],
    "00000002-0000-0ff1-ce00-000000000000": ["exchange-online"],
    "00000003-0000-0ff1-ce00-000000000000": ["sharepoint-online", "sharepoint"],
    "00000004-0000-0ff1-ce00-000000000000": ["skype-for-business"],
    "00000005-0000-0ff1-ce00-000000000000": ["viva-engage", "yammer"],
    "00000007-0000-0000-c000-000000000000": ["dynamics-crm", "dataverse"],
    "00000009-0000-0000-c000-000000000000": ["power-bi"],
    "0000000a-0000-0000-c000-000000000000": ["intune"],
    "00000012-0000-0000-c000-000000000000": ["azure-rights-management"],
    "797f4846-ba00-4fd7-ba43-dac1f8f63013": ["azure-service-management", "azure-resource-manager"],
    "cfa8b339-82a2-471a-a3c9-0fc0be7a4093": ["azure-key-vault"],
    "e406a681-f3d4-42a8-90b6-c2b029497af1": ["azure-storage"],
    "022907d3-0f1b-48f7-badc-1ba6abab6d66": ["azure-sql-database"],
    "2746ea77-4702-4b45-80ca-3c97e680e8b7": ["azure-data-explorer"],
    "499b84ac-1321-427f-aa17-267ca6975798": ["azure-devops"],
    "ca7f3f0b-7d91-482c-8e09-c5d840d0eac5": ["log-analytics"],
    "f5c26e74-f226-4ae8-85f0-b4af0080ac9e": ["application-insights"],
    "c5393580-f805-4401-95e8-94b7a6ef2fc2": ["office-365-management"],
    "fc780465-2017-40d4-a0c5-307022471b92": ["defender-for-endpoint"],
    "cc15fd57-2c6c-4117-a88c-83b1d56b4bbe": ["teams-services"],
};

interface GraphExportRole {
    id: string;
    value: string;
    allowedMemberTypes?: string[];
    isEnabled?: boolean;
    displayName?: string;
}
interface GraphExportScope {
    id: string;
    value: string;
    type?: "User" | "Admin";
    isEnabled?: boolean;
    adminConsentDisplayName?: string;
}

function readJson(file: string): any {
    return JSON.parse(fs.readFileSync(file, "utf8"));
}

/** Rebuilds the Graph permission list from a tenant export, keeping known tiers by GUID; new ones get tier null. */
export function graphPermissionsFromExport(
    sp: { appId?: string; appRoles?: GraphExportRole[]; oauth2PermissionScopes?: GraphExportScope[] },
    known: CatalogPermission[],
): CatalogPermission[] {
    if (sp.appId !== undefined && sp.appId !== GRAPH_APP_ID) {
        throw new Error(`the export is the service principal of ${sp.appId}, not Microsoft Graph (${GRAPH_APP_ID})`);
    }
    if (!Array.isArray(sp.appRoles) || !Array.isArray(sp.oauth2PermissionScopes)) {
        throw new Error(
            "the export has no appRoles / oauth2PermissionScopes arrays: export it with GET /servicePrincipals(appId='00000003-0000-0000-c000-000000000000')",
        );
    }
    const tierById = new Map(known.map(p => [p.id, p.tier]));
    const roles: CatalogPermission[] = sp.appRoles
        .filter(r => r.isEnabled !== false && (r.allowedMemberTypes ?? ["Application"]).includes("Application"))
        .map(r => ({
            id: r.id.toLowerCase(),
            value: r.value,
            type: "application",
            adminConsentRequired: true,
            tier: tierById.get(r.id.toLowerCase()) ?? null,
            displayName: r.displayName ?? r.value,
        }));
    const scopes: CatalogPermission[] = sp.oauth2PermissionScopes
        .filter(s => s.isEnabled !== false)
        .map(s => ({
            id: s.id.toLowerCase(),
            value: s.value,
            type: "delegated",
            adminConsentRequired: s.type !== "User",
            tier: tierById.get(s.id.toLowerCase()) ?? null,
            displayName: s.adminConsentDisplayName ?? s.value,
        }));
    return [...roles, ...scopes];
}

export function buildCatalog(
    sourcesDir = SOURCES_DIR,
    graphExport?: unknown,
    rulesFile = RULES_FILE,
    additionsFile = ADDITIONS_FILE,
): { catalog: CatalogFile; warnings: string[] } {
    const warnings: string[] = [];
    const graph = readJson(path.join(sourcesDir, "graph-permissions.json"));
    const others = readJson(path.join(sourcesDir, "microsoft-api-permissions.json"));
    const firstParty = readJson(path.join(sourcesDir, "microsoft-first-party-apps.json"));
    const resourceApps = readJson(path.join(sourcesDir, "microsoft-resource-apps.json"));

    const byApp = new Map<string, CatalogResource>();
    const resourceFor = (appId: string, name: string): CatalogResource => {
        let r = byApp.get(appId);
        if (!r) {
            r = { appId, name, aliases: RESOURCE_ALIASES[appId] ?? [], identifierUris: [], permissions: [] };
            byApp.set(appId, r);
        }
        return r;
    };
    for (const app of resourceApps.resources) {
        resourceFor(app.appId, app.name).identifierUris = app.identifierUris ?? [];
    }
    let graphPermissions: CatalogPermission[] = graph.permissions
        .filter((p: any) => p.isEnabled !== false)
        .map((p: any) => ({
            id: p.id.toLowerCase(),
            value: p.value,
            type: p.type,
            adminConsentRequired: p.type === "application" || p.adminConsentRequired !== false,
            tier: p.tier ?? null,
            displayName: p.displayName ?? p.value,
        }));
    if (graphExport !== undefined) {
        graphPermissions = graphPermissionsFromExport(graphExport as any, graphPermissions);
    }
    resourceFor(GRAPH_APP_ID, graph.resourceName).permissions.push(...graphPermissions);

    for (const p of [...others.permissions, ...readJson(additionsFile).permissions]) {
        const r = resourceFor(p.resourceAppId, p.resourceName);
        if (r.permissions.some(q => q.value === p.value && q.type === p.type)) {
            warnings.push(`${p.resourceName}: ${p.type} permission ${p.value} is listed twice; the first entry is kept`);
            continue;
        }
        // The source has no admin-consent flag for these APIs: assume the conservative answer.
        r.permissions.push({ id: p.id.toLowerCase(), value: p.value, type: p.type, adminConsentRequired: true, tier: p.tier ?? null, displayName: p.value });
    }
    for (const r of byApp.values()) {
        r.permissions.sort((a, b) => a.type.localeCompare(b.type) || a.value.localeCompare(b.value));
    }
    const firstPartyApps: Record<string, string> = {};
    for (const app of firstParty.apps) firstPartyApps[app.appId.toLowerCase()] = app.displayName ?? "";
    for (const r of byApp.values()) firstPartyApps[r.appId] ??= r.name;

    const resources = [...byApp.values()].sort((a, b) => a.appId.localeCompare(b.appId));
    classify(resources, parseRiskTable(fs.readFileSync(path.join(sourcesDir, RISK_TABLE), "utf8")), readJson(rulesFile) as TierRules);
    const catalog: CatalogFile = {
        source:
            graphExport === undefined
                ? "data/sources and data/tier-rules.json (see data/SOURCES.md)"
                : "data/sources and data/tier-rules.json, Microsoft Graph refreshed from a tenant export",
        resources,
        firstPartyApps,
    };
    return { catalog, warnings };
}

/** Builds and writes the catalog, printing what changed tier since the file it replaces; returns the exit code (2: bad input). */
export function main(argv = process.argv.slice(2), log: (line: string) => void = console.log, err: (line: string) => void = console.error): number {
    try {
        const { values } = parseArgs({
            args: argv,
            options: { sources: { type: "string" }, rules: { type: "string" }, "graph-sp": { type: "string" }, out: { type: "string" } },
        });
        const out = path.resolve(values.out ?? path.join(ROOT, "data", "catalog.json"));
        const graphExport = values["graph-sp"] ? readJson(values["graph-sp"]) : undefined;
        const { catalog, warnings } = buildCatalog(path.resolve(values.sources ?? SOURCES_DIR), graphExport, path.resolve(values.rules ?? RULES_FILE));
        for (const w of warnings) err(`warning: ${w}`);
        const changes = tierChanges(fs.existsSync(out) ? readJson(out) : undefined, catalog);
        fs.writeFileSync(out, JSON.stringify(catalog) + "\n");
        log(
            changes.length
                ? `${changes.length} permission${changes.length === 1 ? "" : "s"} changed tier since the last build:`
                : "no permission changed tier since the last build",
        );
        for (const c of changes) log(`  ${formatTierChange(c)}`);
        const count = catalog.resources.reduce((n, r) => n + r.permissions.length, 0);
        log(
            `wrote ${path.relative(process.cwd(), out)}: ${catalog.resources.length} resources, ${count} permissions, ${Object.keys(catalog.firstPartyApps).length} first-party apps`,
        );
        return 0;
    } catch (e) {
        err(`catalog: ${(e as Error).message}`);
        return 2;
    }
}

if (require.main === module) process.exitCode = main();
