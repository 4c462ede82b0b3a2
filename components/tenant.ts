import * as pulumi from "@pulumi/pulumi";
import { ConsentModel, appRegistered } from "../lib/model";
import { MicrosoftResourcePrincipal, preflight } from "../lib/preflight";
import { AppSummary, consentSummary } from "../lib/summary";
import { AppAccess } from "./access";
import { ExternalPrincipal, ManagedIdentityPrincipal, MicrosoftApiPrincipal } from "./principals";
import { AppRegistration } from "./registration";
import { adoptedProblems } from "../lib/tenant/seed";
import { ConsentPrincipal } from "./types";
import { TYPE_PREFIX } from "../lib/resource-types";

export interface TenantConsentArgs {
    model: ConsentModel;
    /** Microsoft resource service principals read from the tenant (see `preflight`), by appId */
    microsoft: ReadonlyMap<string, MicrosoftResourcePrincipal>;
}

/** The whole tenant from one consent model: every app, then every app's approvals. */
export class TenantConsent extends pulumi.ComponentResource {
    readonly clientIds: pulumi.Output<Record<string, string>>;
    readonly identifierUris: pulumi.Output<Record<string, string>>;
    readonly adminConsentUrls: pulumi.Output<Record<string, string>>;
    /** client secrets by app key: a Pulumi secret, never plain in outputs or logs */
    readonly clientSecrets: pulumi.Output<Record<string, string>>;
    readonly consentSummary: Record<string, AppSummary>;
    readonly principals: ReadonlyMap<string, ConsentPrincipal>;

    constructor(name: string, args: TenantConsentArgs, opts?: pulumi.ComponentResourceOptions) {
        super(`${TYPE_PREFIX}:TenantConsent`, name, {}, opts);
        const { model, microsoft } = args;
        const principals = new Map<string, ConsentPrincipal>();
        // What `pulumi import` adopted (entra-consent:adopted) is never deleted by this stack, like the principals it adopts.
        const adopted: ReadonlySet<string> = new Set(model.adopted ?? []);
        for (const app of model.apps) {
            const p = appRegistered(app)
                ? new AppRegistration(app.key, { app, adopted }, { parent: this })
                : app.identity === "managed-identity"
                  ? new ManagedIdentityPrincipal(app.key, { app }, { parent: this })
                  : new ExternalPrincipal(app.key, { app }, { parent: this });
            principals.set(app.key, p);
        }
        // The Microsoft APIs' service principals, adopted (never created nor deleted by this stack): grants and
        // assignments name them through these resources, so the policy pack identifies each resource API by the
        // service principal a grant names (objectId -> clientId -> catalog), not by guessing from permission names.
        const resources = new Map<string, MicrosoftApiPrincipal>();
        for (const [appId, sp] of microsoft) resources.set(appId, new MicrosoftApiPrincipal(name, sp, { parent: this }));
        for (const app of model.apps) {
            new AppAccess(app.key, { app, principals, microsoft: resources, adopted }, { parent: this });
        }
        this.principals = principals;

        const collect = (pick: (p: ConsentPrincipal) => pulumi.Output<string> | undefined) =>
            pulumi.output(
                Object.fromEntries(
                    [...principals].flatMap(([k, p]) => {
                        const v = pick(p);
                        return v ? [[k, v]] : [];
                    }),
                ),
            ) as pulumi.Output<Record<string, string>>;
        this.clientIds = collect(p => p.clientId);
        this.identifierUris = collect(p => p.identifierUri);
        this.adminConsentUrls = collect(p =>
            p instanceof ManagedIdentityPrincipal || !p.clientId
                ? undefined
                : pulumi.interpolate`https://login.microsoftonline.com/${model.tenant.id}/adminconsent?client_id=${p.clientId}`,
        );
        this.clientSecrets = pulumi.secret(collect(p => (p instanceof AppRegistration ? p.clientSecret : undefined)));
        this.consentSummary = consentSummary(model);
        this.registerOutputs({
            clientIds: this.clientIds,
            identifierUris: this.identifierUris,
            adminConsentUrls: this.adminConsentUrls,
            clientSecrets: this.clientSecrets,
            consentSummary: this.consentSummary,
        });
    }
}

/** Checks the tenant (signed-in tenant, Microsoft permission IDs), then builds it. Nothing is written if a check fails. */
export async function deployTenant(name: string, model: ConsentModel, opts?: pulumi.ComponentResourceOptions): Promise<TenantConsent> {
    const unknownAdopted = adoptedProblems(model);
    if (unknownAdopted.length) throw new pulumi.RunError(unknownAdopted.map(p => `${p.path}: ${p.message}`).join("\n"));
    const microsoft = await preflight(model, opts?.provider ? { provider: opts.provider as pulumi.ProviderResource } : undefined);
    return new TenantConsent(name, { model, microsoft }, opts);
}
