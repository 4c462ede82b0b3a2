import * as fs from "fs";
import { isGuid } from "./ids";
import { closest } from "./suggest";

export type PermissionType = "delegated" | "application";
export type Tier = 0 | 1 | 2;

export interface CatalogPermission {
    id: string;
    value: string;
    type: PermissionType;
    adminConsentRequired: boolean;
    /** 0 ControlPlane, 1 ManagementPlane, 2 UserAccess; null = not classified yet (treat as 0). */
    tier: Tier | null;
    displayName: string;
    /** what each classification source says; `tier` is the strictest of them (scripts/build-catalog.ts) */
    sources?: TierSource[];
}

/**
 * Who classified a permission: the Enterprise Access Model data set (data/sources), Microsoft's consent-grant risk
 * table (data/sources/aadconsentgrantpermissiontable.csv), or a rule of data/tier-rules.json.
 */
export type TierSourceName = "eam" | "consent-risk" | "impersonation" | "equivalence";
export interface TierSource {
    source: TierSourceName;
    tier: Tier | null;
    reason?: string;
}

export const TIER_SOURCE_LABELS: Record<TierSourceName, string> = {
    eam: "the Enterprise Access Model classification",
    "consent-risk": "Microsoft's consent-grant risk table",
    impersonation: "the impersonation rule",
    equivalence: "cross-API equivalence",
};

/**
 * Why a permission has its tier, for people: the reasons of the sources that decided it first, then the risk table's
 * reason when it did not decide ("High: phishing, per Microsoft's consent-grant risk table"). Empty without reasons.
 */
export function classificationReason(p: { tier: Tier | null; sources?: TierSource[] }): string {
    const withReason = (p.sources ?? []).filter(s => s.reason);
    const deciding = withReason.filter(s => s.tier === p.tier);
    const ordered = [...deciding, ...withReason.filter(s => !deciding.includes(s) && s.source === "consent-risk")];
    return ordered.map(s => `${s.reason}, per ${TIER_SOURCE_LABELS[s.source]}`).join("; ");
}

export interface CatalogResource {
    appId: string;
    name: string;
    aliases: string[];
    identifierUris: string[];
    permissions: CatalogPermission[];
}

export interface CatalogFile {
    source: string;
    resources: CatalogResource[];
    /** appId (lower case) -> display name of every known Microsoft first-party application. */
    firstPartyApps: Record<string, string>;
}

/** Least-privilege alternatives the policies and the plan suggest (permission value -> better one). */
export const LEAST_PRIVILEGE_ALTERNATIVES: Record<string, string> = {
    "Sites.Read.All": "Sites.Selected",
    "Sites.ReadWrite.All": "Sites.Selected",
    "Sites.FullControl.All": "Sites.Selected",
    "Files.Read.All": "Files.SelectedOperations.Selected",
    "Files.ReadWrite.All": "Files.SelectedOperations.Selected",
    "User.Read.All": "User.ReadBasic.All",
    "User.ReadWrite.All": "User.ReadBasic.All",
    "Directory.Read.All": "User.ReadBasic.All or Group.Read.All, whichever objects the app reads",
    "Directory.ReadWrite.All": "the narrowest object permission (User.ReadWrite.All, Group.ReadWrite.All, ...)",
    "Mail.Read": "Mail.ReadBasic, or an application access policy that scopes the app to some mailboxes",
    "Mail.ReadWrite": "Mail.ReadBasic, or an application access policy that scopes the app to some mailboxes",
    "Group.ReadWrite.All": "GroupMember.ReadWrite.All, or Group.Create where only creation is needed",
    "Application.ReadWrite.All": "Application.ReadWrite.OwnedBy",
    "AppRoleAssignment.ReadWrite.All": "a grant made by this stack instead of by the app",
    "RoleManagement.ReadWrite.Directory": "no standing role management: use Privileged Identity Management",
};

export type Resolution = { ok: true; permission: CatalogPermission } | { ok: false; reason: string; suggestion?: string };

/** The Microsoft resource applications and their permissions, from data/catalog.json. */
export class PermissionCatalog {
    readonly resources: CatalogResource[];
    private readonly byAppId = new Map<string, CatalogResource>();
    private readonly byAlias = new Map<string, CatalogResource>();
    private readonly firstParty: Map<string, string>;

    constructor(file: CatalogFile) {
        this.resources = file.resources;
        for (const r of file.resources) {
            this.byAppId.set(r.appId.toLowerCase(), r);
            for (const a of r.aliases) this.byAlias.set(a, r);
        }
        this.firstParty = new Map(Object.entries(file.firstPartyApps));
    }

    private static readonly loaded = new Map<string, PermissionCatalog>();

    /**
     * The catalog, read once per process (the program, the plan and the policies share it): data/catalog.json by
     * default, through a static require so that the published policy pack carries it in its bundle.
     */
    static load(file?: string): PermissionCatalog {
        const key = file ?? "data/catalog.json";
        let c = PermissionCatalog.loaded.get(key);
        if (!c) {
            const data: CatalogFile = file ? JSON.parse(fs.readFileSync(file, "utf8")) : require("../data/catalog.json");
            c = new PermissionCatalog(data);
            PermissionCatalog.loaded.set(key, c);
        }
        return c;
    }

    /** A resource by alias (`microsoft-graph`) or appId. */
    resource(ref: string): CatalogResource | undefined {
        return this.byAlias.get(ref) ?? this.byAppId.get(ref.toLowerCase());
    }

    /** A resource by one of its identifier URIs; `https://*.vault.azure.net` also matches https://vault.azure.net. */
    resourceByIdentifierUri(uri: string): CatalogResource | undefined {
        const u = uri
            .replace(/\/\.default$/, "")
            .replace(/\/$/, "")
            .toLowerCase();
        const matches = (pattern: string) => {
            const p = pattern.replace(/\/$/, "").toLowerCase();
            if (!p.includes("*")) return p === u;
            const re = new RegExp(
                `^${p
                    .split("*.")
                    .map(part => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*"))
                    .join("([^/]+\\.)?")}$`,
            );
            return re.test(u);
        };
        return this.resources.find(r => r.identifierUris.some(matches));
    }

    aliases(): string[] {
        return [...this.byAlias.keys()];
    }

    isFirstParty(appId: string): boolean {
        return this.firstParty.has(appId.toLowerCase());
    }

    firstPartyName(appId: string): string | undefined {
        return this.firstParty.get(appId.toLowerCase());
    }

    /** Any catalog permission with that GUID, on any resource (policies judge by GUID alone). */
    permissionById(id: string, type?: PermissionType): { resource: CatalogResource; permission: CatalogPermission } | undefined {
        const lower = id.toLowerCase();
        for (const resource of this.resources) {
            const permission = resource.permissions.find(p => p.id === lower && (type === undefined || p.type === type));
            if (permission) return { resource, permission };
        }
        return undefined;
    }

    /** Resolves a permission named by value or GUID on a resource; case variants and wrong types are errors. */
    resolve(resource: CatalogResource, name: string, type: PermissionType): Resolution {
        return resolvePermission(resource.name, resource.permissions, name, type);
    }
}

/** Shared by catalog resources and the stack's own APIs: by exact value, or by GUID. */
export function resolvePermission(resourceName: string, permissions: readonly CatalogPermission[], name: string, type: PermissionType): Resolution {
    const ofType = permissions.filter(p => p.type === type);
    const other: PermissionType = type === "delegated" ? "application" : "delegated";
    if (isGuid(name)) {
        const lower = name.toLowerCase();
        const hit = ofType.find(p => p.id.toLowerCase() === lower);
        if (hit) return { ok: true, permission: hit };
        const wrongType = permissions.find(p => p.id.toLowerCase() === lower);
        if (wrongType)
            return { ok: false, reason: `${name} is the ${other} permission ${wrongType.value} of ${resourceName}, not ${article(type)} ${type} permission` };
        return { ok: false, reason: `${resourceName} has no ${type} permission with ID ${name}` };
    }
    const hit = ofType.find(p => p.value === name);
    if (hit) return { ok: true, permission: hit };
    const caseVariant = ofType.find(p => p.value.toLowerCase() === name.toLowerCase());
    if (caseVariant) {
        return { ok: false, reason: `permission names are case-sensitive: ${resourceName} has no ${type} permission "${name}"`, suggestion: caseVariant.value };
    }
    const wrongType = permissions.find(p => p.value === name);
    if (wrongType) {
        const hint =
            type === "application"
                ? " (application permissions go under `application:`, delegated ones under `delegated:`)"
                : " (list it under `application:`)";
        return { ok: false, reason: `${name} is ${article(other)} ${other} permission of ${resourceName}, not ${article(type)} ${type} one${hint}` };
    }
    return {
        ok: false,
        reason: `${resourceName} has no ${type} permission "${name}"`,
        suggestion: closest(
            name,
            ofType.map(p => p.value),
        ),
    };
}

const article = (t: PermissionType): string => (t === "application" ? "an" : "a");

/** Tier used for judging: unclassified Microsoft permissions count as tier 0. */
export const effectiveTier = (p: { tier: Tier | null }): Tier => (p.tier === null ? 0 : p.tier);
