/**
 * Checks made at deploy time before anything is written: the signed-in tenant is the stack's tenant, and
 * each Microsoft API the stack uses has a service principal in it whose permission IDs match the catalog.
 */
import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import { ConsentModel } from "./model";

/** A Microsoft resource app's service principal as it exists in the tenant (getServicePrincipal). */
export interface MicrosoftResourcePrincipal {
    appId: string;
    objectId: string;
    appRoleIds: Record<string, string>;
    oauth2PermissionScopeIds: Record<string, string>;
}

/** Microsoft APIs the model uses, by appId. */
export function microsoftResourcesUsed(model: ConsentModel): Map<string, string> {
    const out = new Map<string, string>();
    for (const app of model.apps) {
        for (const r of [...app.delegated, ...app.application]) if (r.resource.kind === "microsoft") out.set(r.resource.appId, r.resource.name);
    }
    return out;
}

export function tenantMismatch(model: ConsentModel, signedInTenantId: string): string | undefined {
    if (signedInTenantId.toLowerCase() === model.tenant.id) return undefined;
    return (
        `this deploy is signed in to tenant ${signedInTenantId}, but stack ${pulumi.getStack()} declares tenant ${model.tenant.name} (${model.tenant.id}). ` +
        "Sign in to the stack's tenant (az login --tenant ...) or select the stack of the tenant you are signed in to; nothing was written."
    );
}

/** Every requested Microsoft permission whose ID in the tenant differs from the catalog, or is missing there. */
export function permissionIdMismatches(model: ConsentModel, principals: ReadonlyMap<string, MicrosoftResourcePrincipal>): string[] {
    const problems: string[] = [];
    for (const app of model.apps) {
        for (const [type, requests] of [
            ["delegated", app.delegated],
            ["application", app.application],
        ] as const) {
            for (const r of requests) {
                if (r.resource.kind !== "microsoft") continue;
                const sp = principals.get(r.resource.appId);
                if (!sp) continue;
                const ids = type === "delegated" ? sp.oauth2PermissionScopeIds : sp.appRoleIds;
                for (const p of r.permissions) {
                    const actual = ids[p.value];
                    if (actual === undefined)
                        problems.push(`apps.${app.key}.${type}.${r.resource.label}: ${r.resource.name} in this tenant has no ${type} permission ${p.value}`);
                    else if (actual.toLowerCase() !== p.id)
                        problems.push(
                            `apps.${app.key}.${type}.${r.resource.label}: ${p.value} is ${actual} in this tenant but ${p.id} in the catalog; refresh the catalog (npm run catalog -- --graph-sp export.json)`,
                        );
                }
            }
        }
    }
    return problems;
}

/** Runs both checks with the azuread provider; throws a RunError (no stack trace) before any resource exists. */
export async function preflight(model: ConsentModel, opts?: pulumi.InvokeOptions): Promise<Map<string, MicrosoftResourcePrincipal>> {
    const client = await azuread.getClientConfig(opts);
    const mismatch = tenantMismatch(model, client.tenantId);
    if (mismatch) throw new pulumi.RunError(mismatch);

    const principals = new Map<string, MicrosoftResourcePrincipal>();
    const missing: string[] = [];
    await Promise.all(
        [...microsoftResourcesUsed(model)].map(async ([appId, name]) => {
            try {
                const sp = await azuread.getServicePrincipal({ clientId: appId }, opts);
                principals.set(appId, { appId, objectId: sp.objectId, appRoleIds: sp.appRoleIds, oauth2PermissionScopeIds: sp.oauth2PermissionScopeIds });
            } catch (e) {
                missing.push(lookupFailure(name, appId, model.tenant.name, (e as Error).message));
            }
        }),
    );
    const problems = [...missing.sort(), ...permissionIdMismatches(model, principals)];
    if (problems.length) throw new pulumi.RunError(`the tenant does not match the plan; nothing was written:\n  - ${problems.join("\n  - ")}`);
    return principals;
}

/** Graph's answers when the deploying identity may not read service principals (403 Authorization_RequestDenied). */
const DENIED = /Authorization_RequestDenied|Insufficient privileges|\b403\b|Forbidden|AADSTS(?:50105|53003)/i;

/**
 * Why a Microsoft API's service principal could not be read: missing from the tenant (AADSTS500011 for every token),
 * or not readable by the deploying identity, which is a permission to fix, not a service principal to create.
 */
export function lookupFailure(name: string, appId: string, tenantName: string, message: string): string {
    const said = message.split("\n")[0];
    if (DENIED.test(message)) {
        return (
            `the deploying identity may not read the service principal of ${name} (${appId}) in tenant ${tenantName}: give it Application.Read.All ` +
            `(or a directory role that reads applications) and run again; nothing says the service principal is missing. Lookup said: ${said}`
        );
    }
    return (
        `${name} (${appId}) has no service principal in tenant ${tenantName}: tokens for it fail with AADSTS500011. ` +
        `Create it once (az ad sp create --id ${appId}). Lookup said: ${said}`
    );
}
