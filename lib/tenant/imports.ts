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

export function planImports(data: TenantExport, resources: PlannedResource[], model: ConsentModel, opts: ImportOptions = {}): ImportPlan {
    const index = new TenantIndex(data);
    const { spIdByKey, byName } = matchStackApps(model, index, opts.clientIds);
    const appByAppId = new Map(data.applications.map(a => [lower(a.appId), a]));
    const grantByKey = new Map(data.oauth2PermissionGrants.map(g => [`${lower(g.clientId)}|${lower(g.resourceId)}|${g.consentType}`, g]));
    const assignmentByKey = new Map(data.appRoleAssignments.map(a => [`${lower(a.principalId)}|${lower(a.resourceId)}|${lower(a.appRoleId)}`, a]));
    const appsByKey = new Map(model.apps.map(a => [a.key, a]));
    const resourceSpId = (ref: ConsentModel["apps"][number]["delegated"][number]["resource"]) =>
        ref.kind === "app" ? spIdByKey.get(ref.key) : index.spByAppId.get(lower(ref.appId))?.id.toLowerCase();

    const plan: ImportPlan = { file: { nameTable: {}, resources: [] }, imports: [], updates: [], notImported: [], appsMatchedByName: byName };
    const byUrn = new Map(resources.map(r => [r.urn, r]));
    const existing = new Set(opts.existingUrns ?? []);
    const fileNames = new Map<string, string>();
    const used = new Set<string>();

    const idOf = (r: PlannedResource): string | undefined => {
        const parent = r.parent ? urnParts(r.parent) : undefined;
        const key = parent?.name ?? "";
        switch (r.type) {
            case T.registration:
            case T.application: {
                if (parent?.type !== COMPONENT.registration) return undefined;
                const sp = spIdByKey.get(key) && index.spById.get(spIdByKey.get(key)!);
                const app = sp && appByAppId.get(lower(sp.appId));
                return app && `/applications/${app.id}`;
            }
            case T.servicePrincipal: {
                // the stack's own apps by their match; Microsoft and external apps by the client ID the program sends
                const own = parent?.type === COMPONENT.registration || parent?.type === COMPONENT.external ? spIdByKey.get(key) : undefined;
                const sp = own ? index.spById.get(own) : typeof r.inputs.clientId === "string" ? index.spByAppId.get(lower(r.inputs.clientId)) : undefined;
                return sp && `/servicePrincipals/${sp.id}`;
            }
            case T.grant: {
                const app = parent?.type === COMPONENT.access ? appsByKey.get(key) : undefined;
                const request = app?.delegated.find(d => r.name === encodeName(key, "grant", d.resource.label));
                const client = app && spIdByKey.get(app.key),
                    res = request && resourceSpId(request.resource);
                const grant = client && res ? grantByKey.get(`${client}|${res}|AllPrincipals`) : undefined;
                if (!grant) return undefined;
                const want = Array.isArray(r.inputs.claimValues) ? (r.inputs.claimValues as string[]) : request!.permissions.map(p => p.value);
                const have = splitScopes(grant.scope);
                const add = want.filter(s => !have.includes(s)),
                    remove = have.filter(s => !want.includes(s));
                if (add.length || remove.length) plan.updates.push({ urn: r.urn, name: r.name, id: `/oauth2PermissionGrants/${grant.id}`, add, remove });
                return `/oauth2PermissionGrants/${grant.id}`;
            }
            case T.assignment: {
                const app = parent?.type === COMPONENT.access ? appsByKey.get(key) : undefined;
                const roleId = typeof r.inputs.appRoleId === "string" ? lower(r.inputs.appRoleId) : undefined;
                const request = app?.application.find(a => a.permissions.some(p => p.id === roleId));
                const permission = request?.permissions.find(p => p.id === roleId);
                const client = app && spIdByKey.get(app.key),
                    res = request && resourceSpId(request.resource);
                if (!client || !res || !permission) return undefined;
                // an API that existed before this stack may carry other role IDs than the derived ones: its role of that value
                const role = index.spById.get(res)?.appRoles?.find(x => x.value === permission.value);
                const a = assignmentByKey.get(`${client}|${res}|${lower(role?.id ?? permission.id)}`);
                return a && `/servicePrincipals/${a.resourceId}/appRoleAssignedTo/${a.id}`;
            }
            default:
                return undefined;
        }
    };

    /** The file's name for a resource, adding its parent chain (components) first. */
    const entryFor = (urn: string, spec?: Omit<ImportSpec, "name" | "parent" | "logicalName" | "type">): string => {
        const known = fileNames.get(urn);
        if (known) return known;
        const { type, name } = urnParts(urn);
        // unique in the file and a plain identifier for the code `pulumi import` generates; logicalName keeps the real name
        const base = (spec ? name : `${type.split(":").pop()}-${name}`).replace(/[^A-Za-z0-9_-]/g, "_");
        let fileName = base;
        for (let i = 2; used.has(fileName); i++) fileName = `${base}_${i}`;
        used.add(fileName);
        if (existing.has(urn)) {
            plan.file.nameTable[fileName] = urn;
            fileNames.set(urn, fileName);
            return fileName;
        }
        const r = byUrn.get(urn);
        const parentUrn = r?.parent ?? undefined;
        const parent = parentUrn && urnParts(parentUrn).type !== "pulumi:pulumi:Stack" ? entryFor(parentUrn) : undefined;
        plan.file.resources.push({ type, name: fileName, logicalName: name, ...(parent ? { parent } : {}), ...(spec ?? { component: true as const }) });
        fileNames.set(urn, fileName);
        return fileName;
    };

    const adopted = new Set([T.registration, T.application, T.servicePrincipal, T.grant, T.assignment] as string[]);
    const importedApps = new Set<string>();
    for (const r of resources) {
        if (!adopted.has(r.type)) continue;
        const id = idOf(r);
        if (!id) continue;
        entryFor(r.urn, { id, ...(opts.azureadVersion ? { version: opts.azureadVersion } : {}) });
        plan.imports.push({ urn: r.urn, type: r.type, name: r.name, id });
        if (r.type === T.registration || r.type === T.application) importedApps.add(urnParts(r.parent!).name);
    }
    // What an adopted app registration has besides (scopes, roles, URIs, API access, ...) is created by the first up,
    // over what the app already has: say so instead of leaving it to a surprise or a 409.
    for (const r of resources) {
        const parent = r.parent ? urnParts(r.parent) : undefined;
        if (!parent || adopted.has(r.type) || !r.type.startsWith("azuread:")) continue;
        if ((parent.type === COMPONENT.registration || parent.type === COMPONENT.access) && importedApps.has(parent.name)) {
            plan.notImported.push({
                urn: r.urn,
                reason: `${r.type.split(":").pop()} "${r.name}" of the adopted app ${parent.name} is not imported: the first \`pulumi up\` creates it on the existing app, next to or over what the app has (compare first)`,
            });
        }
    }
    return plan;
}
