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

/** Apps or approvals built between two yields to the runtime (see TenantConsent.build). */
const BATCH = 200;
const yieldToRuntime = () => new Promise<void>(resolve => setImmediate(resolve));

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
    /** settles when every child resource is constructed (rejects with the error that stopped it) */
    readonly built: Promise<void>;

    constructor(name: string, args: TenantConsentArgs, opts?: pulumi.ComponentResourceOptions) {
        super(`${TYPE_PREFIX}:TenantConsent`, name, {}, opts);
        const { model } = args;
        const principals = new Map<string, ConsentPrincipal>();
        this.principals = principals;
        this.built = this.build(name, args, principals);
        // Resolved once every app is built; the values are those of the principals' outputs, as before.
        const collect = (pick: (p: ConsentPrincipal) => pulumi.Output<string> | undefined) =>
            pulumi.output(
                this.built.then(() =>
                    Object.fromEntries(
                        [...principals].flatMap(([k, p]) => {
                            const v = pick(p);
                            return v ? [[k, v]] : [];
                        }),
                    ),
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

    /**
     * Builds every app, then every app's approvals, yielding to the runtime every BATCH of them so that it registers
     * what is built before the next: built at once, all of a large stack's resources (40,000 for 5,000 apps) would
     * wait in the runtime together with their pending outputs, most of the memory a plan needs (README, Benchmark).
     * The same resources with the same inputs; only larger stacks register in batches.
     */
    private async build(name: string, args: TenantConsentArgs, principals: Map<string, ConsentPrincipal>): Promise<void> {
        const { model, microsoft } = args;
        // What `pulumi import` adopted (entra-consent:adopted) is never deleted by this stack, like the principals it adopts.
        const adopted: ReadonlySet<string> = new Set(model.adopted ?? []);
        let built = 0; // apps or approvals since the start: a stack of up to BATCH / 2 apps is built at once, as before
        for (const app of model.apps) {
            if (++built % BATCH === 0) await yieldToRuntime();
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
            if (++built % BATCH === 0) await yieldToRuntime();
            new AppAccess(app.key, { app, principals, microsoft: resources, adopted }, { parent: this });
        }
    }
}

/** Checks the tenant (signed-in tenant, Microsoft permission IDs), then builds it. Nothing is written if a check fails. */
export async function deployTenant(name: string, model: ConsentModel, opts?: pulumi.ComponentResourceOptions): Promise<TenantConsent> {
    const unknownAdopted = adoptedProblems(model);
    if (unknownAdopted.length) throw new pulumi.RunError(unknownAdopted.map(p => `${p.path}: ${p.message}`).join("\n"));
    const microsoft = await preflight(model, opts?.provider ? { provider: opts.provider as pulumi.ProviderResource } : undefined);
    const tenant = new TenantConsent(name, { model, microsoft }, opts);
    await tenant.built;
    return tenant;
}
