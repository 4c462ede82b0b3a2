/** Synthetic fleets for the benchmark: realistic stacks of N apps each (APIs, web, SPA, daemons, managed identities, external apps). */
import { v5 as uuidv5 } from "uuid";

const NS = "0b4a7a55-31a7-4a7e-8c34-2a4b8f0d9f11";

export function fleetTenantId(t: number): string {
    return uuidv5(`tenant-${t}`, NS);
}

/** The config map of tenant `t` with `apps` apps (the same shape as Pulumi.dev.yaml). */
export function fleetStack(t: number, apps: number): Record<string, unknown> {
    const out: Record<string, any> = {};
    const apiOf = (i: number) => `api-${Math.floor(i / 8) * 8}`;
    for (let i = 0; i < apps; i++) {
        const api = apiOf(i);
        switch (i % 8) {
            case 0:
                out[`api-${i}`] = {
                    displayName: `API ${i}`,
                    identifierUri: `api://tenant-${t}-api-${i}`,
                    scopes: {
                        "Data.Read": { consent: "user", description: "Read data" },
                        "Data.ReadWrite": { consent: "admin", description: "Write data" },
                        "Data.Export": { description: "Export data" },
                    },
                    appRoles: {
                        "Data.Process": { description: "Process data" },
                        "Data.Audit": { description: "Audit data", members: ["application", "user"] },
                    },
                    preAuthorized: { [`web-${i + 1}`]: ["Data.Read"], ...(i + 4 < apps ? { [`spa-${i + 4}`]: ["Data.Read"] } : {}) },
                    delegated: { "microsoft-graph": ["User.Read"] },
                };
                break;
            case 1:
            case 2:
            case 3:
                out[`web-${i}`] = {
                    kind: "web",
                    redirectUris: [`https://web-${i}.tenant-${t}.example/signin-oidc`],
                    delegated: { "microsoft-graph": ["User.Read", "openid", "profile"], [api]: ["Data.Read", "Data.ReadWrite"] },
                };
                break;
            case 4:
                out[`spa-${i}`] = {
                    kind: "spa",
                    consent: "user",
                    redirectUris: [`https://spa-${i}.tenant-${t}.example`],
                    delegated: { "microsoft-graph": ["User.Read"], [api]: ["Data.Read"] },
                };
                break;
            case 5:
                out[`daemon-${i}`] = { kind: "daemon", application: { [api]: ["Data.Process", "Data.Audit"], "microsoft-graph": ["User.ReadBasic.All"] } };
                break;
            case 6:
                out[`worker-${i}`] = {
                    identity: "managed-identity",
                    managedIdentity: { resourceGroup: `rg-tenant-${t}`, location: "westeurope" },
                    application: { [api]: ["Data.Process"] },
                };
                break;
            default:
                out[`partner-${i}`] = { identity: "external", appId: uuidv5(`partner-${t}-${i}`, NS), application: { "microsoft-graph": ["Group.Read.All"] } };
        }
    }
    return {
        "azuread:tenantId": fleetTenantId(t),
        "entra-consent:tenant": { id: fleetTenantId(t), name: `tenant-${t}`, userConsent: "low-risk" },
        "entra-consent:apps": out,
    };
}

/**
 * A fleet defined once (README.md, "Many tenants"): Pulumi.yaml's config block holds tenant 0's apps; each stack
 * holds its tenant and overrides (its own redirect URIs and resource group), odd tenants leave one partner app out
 * and add one daemon of their own: the same resources per tenant as fleetStack.
 */
export function fleetFromProject(tenants: number, apps: number): { project: Record<string, unknown>; stacks: Record<string, unknown>[] } {
    const shared = fleetStack(0, apps)["entra-consent:apps"] as Record<string, any>;
    const stacks = Array.from({ length: tenants }, (_, t) => {
        const own = fleetStack(t, apps);
        const overrides: Record<string, any> = {};
        for (const [key, app] of Object.entries(shared)) {
            if (app.redirectUris) overrides[key] = { redirectUris: (own["entra-consent:apps"] as any)[key].redirectUris };
            if (app.managedIdentity) overrides[key] = { managedIdentity: { resourceGroup: `rg-tenant-${t}` } };
        }
        const partner = Object.keys(shared).find(k => k.startsWith("partner-"));
        const removed = t % 2 && partner ? [partner] : [];
        if (removed.length) overrides[`own-daemon-${t}`] = { kind: "daemon", application: { "microsoft-graph": ["User.ReadBasic.All"] } };
        return {
            "azuread:tenantId": own["azuread:tenantId"],
            "entra-consent:tenant": own["entra-consent:tenant"],
            "entra-consent:overrides": overrides,
            ...(removed.length ? { "entra-consent:appsRemoved": removed } : {}),
        };
    });
    return { project: { "entra-consent:apps": { value: shared } }, stacks };
}
