/**
 * Adoption: what a planned stack declares that already exists in the tenant (its export), as the import file
 * `pulumi import --file` takes, so the first `pulumi up` adopts instead of failing with 409. Pure.
 * Import file: https://www.pulumi.com/docs/iac/cli/commands/pulumi_import/ (nameTable + resources: type, name, id,
 * logicalName, parent, component). Import IDs: @pulumi/azuread 6.9.1, each resource's "Import" section.
 */
import { encodeName } from "../ids";
import { ConsentModel } from "../model";
import { T, TYPE_PREFIX } from "../resource-types";
import { matchStackApps, splitScopes, TenantIndex } from "./audit";
import { TenantExport } from "./export";

/** A planned resource as PlanResult.resources carries it. */
export interface PlannedResource {
    urn: string;
    type: string;
    name: string;
    parent: string | null;
    inputs: Record<string, unknown>;
}

export interface ImportSpec {
    type: string;
    /** unique in the file: what `parent` refers to */
    name: string;
    /** the resource's name in the program */
    logicalName: string;
    id?: string;
    parent?: string;
    /** an empty component created as the parent of imported resources (pulumi >= 3.94) */
    component?: true;
    version?: string;
}
export interface PulumiImportFile {
    nameTable: Record<string, string>;
    resources: ImportSpec[];
}

export interface ImportPlan {
    file: PulumiImportFile;
    /** each planned resource that already exists, with its import ID */
    imports: { urn: string; type: string; name: string; id: string }[];
    /** imported grants whose scopes differ from the program's: the first `pulumi up` updates them */
    updates: { urn: string; name: string; id: string; add: string[]; remove: string[] }[];
    /** planned resources of an existing app the file does not adopt (why) */
    notImported: { urn: string; reason: string }[];
    /** stack apps found by display name only: anyone who registers an app can take a name, so review before adopting (or pass clientIds) */
    appsMatchedByName: string[];
}

export interface ImportOptions {
    clientIds?: Record<string, string>;
    /** URNs already in the stack's state: referenced through the name table instead of created as components */
    existingUrns?: string[];
    /** the azuread provider version to import with */
    azureadVersion?: string;
}

/** urn:pulumi:<stack>::<project>::<parent types $ type>::<name> -> the resource's own type and name */
export function urnParts(urn: string): { type: string; name: string } {
    const parts = urn.split("::");
    const types = parts[2] ?? "";
    return { type: types.slice(types.lastIndexOf("$") + 1), name: parts.slice(3).join("::") };
}

const lower = (s: string) => s.toLowerCase();
const COMPONENT = { registration: `${TYPE_PREFIX}:AppRegistration`, access: `${TYPE_PREFIX}:AppAccess`, external: `${TYPE_PREFIX}:ExternalPrincipal` };

/** What the first `pulumi up` changes in an imported grant: the program's scopes it lacks, and its scopes the program drops. */
export function scopeChanges(want: string[], have: string[]): { add: string[]; remove: string[] } {
    return { add: want.filter(s => !have.includes(s)), remove: have.filter(s => !want.includes(s)) };
}

type Ref = ConsentModel["apps"][number]["delegated"][number]["resource"];

/** The import ID of each planned resource that exists in the tenant, one method per resource type. */
class ImportIds {
    private readonly index: TenantIndex;
    private readonly spIdByKey: Map<string, string>;
    readonly byName: string[];
    private readonly appByAppId: Map<string, TenantExport["applications"][number]>;
    private readonly grantByKey: Map<string, TenantExport["oauth2PermissionGrants"][number]>;
    private readonly assignmentByKey: Map<string, TenantExport["appRoleAssignments"][number]>;
    private readonly appsByKey: Map<string, ConsentModel["apps"][number]>;

    constructor(
        data: TenantExport,
        model: ConsentModel,
        clientIds: Record<string, string> | undefined,
        private readonly updates: ImportPlan["updates"],
    ) {
        this.index = new TenantIndex(data);
        const { spIdByKey, byName } = matchStackApps(model, this.index, clientIds);
        this.spIdByKey = spIdByKey;
        this.byName = byName;
        this.appByAppId = new Map(data.applications.map(a => [lower(a.appId), a]));
        this.grantByKey = new Map(data.oauth2PermissionGrants.map(g => [`${lower(g.clientId)}|${lower(g.resourceId)}|${g.consentType}`, g]));
        this.assignmentByKey = new Map(data.appRoleAssignments.map(a => [`${lower(a.principalId)}|${lower(a.resourceId)}|${lower(a.appRoleId)}`, a]));
        this.appsByKey = new Map(model.apps.map(a => [a.key, a]));
    }

    private resourceSpId(ref: Ref): string | undefined {
        return ref.kind === "app" ? this.spIdByKey.get(ref.key) : this.index.spByAppId.get(lower(ref.appId))?.id.toLowerCase();
    }

    idOf(r: PlannedResource): string | undefined {
        const parent = r.parent ? urnParts(r.parent) : undefined;
        const key = parent?.name ?? "";
        switch (r.type) {
            case T.registration:
            case T.application:
                return parent?.type === COMPONENT.registration ? this.applicationId(key) : undefined;
            case T.servicePrincipal:
                return this.servicePrincipalId(r, parent, key);
            case T.grant:
                return parent?.type === COMPONENT.access ? this.grantId(r, key) : undefined;
            case T.assignment:
                return parent?.type === COMPONENT.access ? this.assignmentId(r, key) : undefined;
            default:
                return undefined;
        }
    }

    private applicationId(key: string): string | undefined {
        const sp = this.spIdByKey.get(key) && this.index.spById.get(this.spIdByKey.get(key)!);
        const app = sp && this.appByAppId.get(lower(sp.appId));
        return app && `/applications/${app.id}`;
    }

    private servicePrincipalId(r: PlannedResource, parent: { type: string } | undefined, key: string): string | undefined {
        // the stack's own apps by their match; Microsoft and external apps by the client ID the program sends
        const own = parent?.type === COMPONENT.registration || parent?.type === COMPONENT.external ? this.spIdByKey.get(key) : undefined;
        const sp = own ? this.index.spById.get(own) : typeof r.inputs.clientId === "string" ? this.index.spByAppId.get(lower(r.inputs.clientId)) : undefined;
        return sp && `/servicePrincipals/${sp.id}`;
    }

    /** A tenant-wide grant of the same client and resource; the scopes the first update changes are noted in `updates`. */
    private grantId(r: PlannedResource, key: string): string | undefined {
        const app = this.appsByKey.get(key);
        const request = app?.delegated.find(d => r.name === encodeName(key, "grant", d.resource.label));
        const client = app && this.spIdByKey.get(app.key),
            res = request && this.resourceSpId(request.resource);
        const grant = client && res ? this.grantByKey.get(`${client}|${res}|AllPrincipals`) : undefined;
        if (!grant) return undefined;
        const want = Array.isArray(r.inputs.claimValues) ? (r.inputs.claimValues as string[]) : request!.permissions.map(p => p.value);
        const { add, remove } = scopeChanges(want, splitScopes(grant.scope));
        if (add.length || remove.length) this.updates.push({ urn: r.urn, name: r.name, id: `/oauth2PermissionGrants/${grant.id}`, add, remove });
        return `/oauth2PermissionGrants/${grant.id}`;
    }

    private assignmentId(r: PlannedResource, key: string): string | undefined {
        const app = this.appsByKey.get(key);
        const roleId = typeof r.inputs.appRoleId === "string" ? lower(r.inputs.appRoleId) : undefined;
        const request = app?.application.find(a => a.permissions.some(p => p.id === roleId));
        const permission = request?.permissions.find(p => p.id === roleId);
        const client = app && this.spIdByKey.get(app.key),
            res = request && this.resourceSpId(request.resource);
        if (!client || !res || !permission) return undefined;
        // an API that existed before this stack may carry other role IDs than the derived ones: its role of that value
        const role = this.index.spById.get(res)?.appRoles?.find(x => x.value === permission.value);
        const a = this.assignmentByKey.get(`${client}|${res}|${lower(role?.id ?? permission.id)}`);
        return a && `/servicePrincipals/${a.resourceId}/appRoleAssignedTo/${a.id}`;
    }
}

/** The import file's entries: names unique in the file, each resource after its parent chain (components). */
class ImportFileBuilder {
    private readonly fileNames = new Map<string, string>();
    private readonly used = new Set<string>();
    private readonly byUrn: Map<string, PlannedResource>;
    private readonly existing: Set<string>;

    constructor(
        private readonly file: PulumiImportFile,
        resources: PlannedResource[],
        existingUrns: string[] = [],
    ) {
        this.byUrn = new Map(resources.map(r => [r.urn, r]));
        this.existing = new Set(existingUrns);
    }

    /** The file's name for a resource, adding its parent chain (components) first. */
    entryFor(urn: string, spec?: Omit<ImportSpec, "name" | "parent" | "logicalName" | "type">): string {
        const known = this.fileNames.get(urn);
        if (known) return known;
        const { type, name } = urnParts(urn);
        // unique in the file and a plain identifier for the code `pulumi import` generates; logicalName keeps the real name
        const base = (spec ? name : `${type.split(":").pop()}-${name}`).replace(/[^A-Za-z0-9_-]/g, "_");
        let fileName = base;
        for (let i = 2; this.used.has(fileName); i++) fileName = `${base}_${i}`;
        this.used.add(fileName);
        if (this.existing.has(urn)) {
            this.file.nameTable[fileName] = urn;
            this.fileNames.set(urn, fileName);
            return fileName;
        }
        const r = this.byUrn.get(urn);
        const parentUrn = r?.parent ?? undefined;
        const parent = parentUrn && urnParts(parentUrn).type !== "pulumi:pulumi:Stack" ? this.entryFor(parentUrn) : undefined;
        this.file.resources.push({ type, name: fileName, logicalName: name, ...(parent ? { parent } : {}), ...(spec ?? { component: true as const }) });
        this.fileNames.set(urn, fileName);
        return fileName;
    }
}

const ADOPTED = new Set([T.registration, T.application, T.servicePrincipal, T.grant, T.assignment] as string[]);

/**
 * What an adopted app registration has besides (scopes, roles, URIs, API access, ...) is created by the first up,
 * over what the app already has: say so instead of leaving it to a surprise or a 409.
 */
function notImportedOf(resources: PlannedResource[], importedApps: Set<string>): ImportPlan["notImported"] {
    const out: ImportPlan["notImported"] = [];
    for (const r of resources) {
        const parent = r.parent ? urnParts(r.parent) : undefined;
        if (!parent || ADOPTED.has(r.type) || !r.type.startsWith("azuread:")) continue;
        if ((parent.type === COMPONENT.registration || parent.type === COMPONENT.access) && importedApps.has(parent.name)) {
            out.push({
                urn: r.urn,
                reason: `${r.type.split(":").pop()} "${r.name}" of the adopted app ${parent.name} is not imported: the first \`pulumi up\` creates it on the existing app, next to or over what the app has (compare first)`,
            });
        }
    }
    return out;
}

export function planImports(data: TenantExport, resources: PlannedResource[], model: ConsentModel, opts: ImportOptions = {}): ImportPlan {
    const updates: ImportPlan["updates"] = [];
    const ids = new ImportIds(data, model, opts.clientIds, updates);
    const plan: ImportPlan = { file: { nameTable: {}, resources: [] }, imports: [], updates, notImported: [], appsMatchedByName: ids.byName };
    const file = new ImportFileBuilder(plan.file, resources, opts.existingUrns);
    const importedApps = new Set<string>();
    for (const r of resources) {
        if (!ADOPTED.has(r.type)) continue;
        const id = ids.idOf(r);
        if (!id) continue;
        file.entryFor(r.urn, { id, ...(opts.azureadVersion ? { version: opts.azureadVersion } : {}) });
        plan.imports.push({ urn: r.urn, type: r.type, name: r.name, id });
        if (r.type === T.registration || r.type === T.application) importedApps.add(urnParts(r.parent!).name);
    }
    plan.notImported = notImportedOf(resources, importedApps);
    return plan;
}
