import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import { ChildKind, encodeName, legacyName, suffixName } from "../lib/ids";
import { ClientSecretConfig, secretSlots } from "../lib/credentials";
import { AppModel } from "../lib/model";
import { REDIRECT_PLATFORM } from "../lib/redirects";
import { ConsentPrincipal } from "./types";
import { servicePrincipalName } from "../lib/ids";
import { TYPE_PREFIX } from "../lib/resource-types";
import { TIER_TAG, USER_CONSENT_TAG } from "../lib/tags";

/**
 * Facts the policy pack reads from the service principal, since no other resource carries them: the API owner's
 * tier for each exposed permission (`entra-consent:tier:<n>:<value>`) and the client's consent mode.
 */
export function consentTags(app: AppModel): string[] | undefined {
    const tags = [...app.scopes, ...app.appRoles].map(p => `${TIER_TAG}${p.tier ?? 2}:${p.value}`);
    if (app.consent === "user" && app.delegated.length) tags.push(USER_CONSENT_TAG);
    return tags.length ? tags.sort() : undefined;
}

/**
 * The app's client secrets (lib/credentials.ts): one fixed secret, or two rotating slots; returns the newest value,
 * always a Pulumi secret. The single secret ignores changes to its end date, so it is fixed when created and stacks
 * deployed with the deprecated endDateRelative keep their secret (the engine restores ignored inputs from state).
 * Rotating slots are replaced when their period key changes (rotateWhenChanged) together with their end date;
 * Pulumi creates the replacement before it deletes the old secret, and the other slot's secret is still valid.
 */
export function clientSecrets(
    name: string,
    applicationId: pulumi.Input<string>,
    config: ClientSecretConfig,
    now: Date,
    child: pulumi.CustomResourceOptions,
): pulumi.Output<string> {
    let current: pulumi.Output<string> | undefined;
    for (const slot of secretSlots(config, now)) {
        const password = new azuread.ApplicationPassword(
            suffixName(name, slot.name),
            {
                applicationId,
                displayName: slot.rotationKey ? `entra-consent ${slot.rotationKey}` : "entra-consent",
                endDate: slot.endDate,
                ...(slot.rotationKey ? { rotateWhenChanged: { rotation: slot.rotationKey } } : {}),
            },
            { ...child, additionalSecretOutputs: ["value"], ...(slot.rotationKey ? {} : { ignoreChanges: ["endDate", "endDateRelative"] }) },
        );
        if (slot.current) current = password.value;
    }
    return pulumi.secret(current!);
}

/**
 * An app registered in this tenant: its registration, redirect URIs, owners, the API it exposes
 * (identifier URI, scopes, app roles, with stable IDs from the model) and its service principal.
 * Approvals are not here: they live in AppAccess, so that apps may reference each other both ways.
 */
export class AppRegistration extends pulumi.ComponentResource implements ConsentPrincipal {
    readonly key: string;
    readonly clientId: pulumi.Output<string>;
    readonly applicationId: pulumi.Output<string>;
    readonly servicePrincipalObjectId: pulumi.Output<string>;
    readonly identifierUri?: pulumi.Output<string>;
    /** the client secret, when the app asks for one: always a Pulumi secret */
    readonly clientSecret?: pulumi.Output<string>;
    readonly exposedPermissionResources: pulumi.Resource[] = [];

    /** `now` decides the rotation period of client secrets (lib/credentials.ts); tests pass one */
    constructor(name: string, args: { app: AppModel; adopted?: ReadonlySet<string>; now?: Date }, opts?: pulumi.ComponentResourceOptions) {
        super(`${TYPE_PREFIX}:AppRegistration`, name, {}, opts);
        // imported objects (entra-consent:adopted) are left in the tenant on delete, as principals.ts does for adopted ones
        const retained = (resourceName: string) => (args.adopted?.has(resourceName) ? { retainOnDelete: true } : {});
        const { app } = args;
        const child = { parent: this };
        // Names that cannot collide for distinct configs (lib/ids.ts); the alias keeps resources of stacks deployed before.
        const named = (kind: ChildKind, ...parts: string[]) => ({
            name: encodeName(name, kind, ...parts),
            opts: { ...child, aliases: [{ name: legacyName(name, kind, ...parts) }] },
        });
        this.key = app.key;

        const registration = new azuread.ApplicationRegistration(
            suffixName(name, "registration"),
            {
                displayName: app.displayName,
                signInAudience: app.signInAudience,
                // The implicit grant puts tokens in URLs; authorization code with PKCE replaces it.
                implicitAccessTokenIssuanceEnabled: false,
                implicitIdTokenIssuanceEnabled: false,
                requestedAccessTokenVersion: app.scopes.length || app.appRoles.length ? 2 : undefined,
            },
            { ...child, ...retained(suffixName(name, "registration")) },
        );
        this.clientId = registration.clientId;
        this.applicationId = registration.id;

        if (app.redirectUris.length) {
            new azuread.ApplicationRedirectUris(
                suffixName(name, "redirect-uris"),
                {
                    applicationId: registration.id,
                    type: REDIRECT_PLATFORM[app.kind],
                    redirectUris: app.redirectUris,
                },
                child,
            );
        }
        for (const owner of app.owners) {
            const n = named("owner", owner);
            new azuread.ApplicationOwner(n.name, { applicationId: registration.id, ownerObjectId: owner }, n.opts);
        }
        if (app.scopes.length || app.appRoles.length || app.identifierUri) {
            const uri = app.identifierUri ?? pulumi.interpolate`api://${registration.clientId}`;
            const identifierUri = new azuread.ApplicationIdentifierUri(
                suffixName(name, "identifier-uri"),
                { applicationId: registration.id, identifierUri: uri },
                child,
            );
            this.identifierUri = identifierUri.identifierUri;
        }
        for (const scope of app.scopes) {
            const n = named("scope", scope.value);
            this.exposedPermissionResources.push(
                new azuread.ApplicationPermissionScope(
                    n.name,
                    {
                        applicationId: registration.id,
                        scopeId: scope.id,
                        value: scope.value,
                        type: scope.adminConsentRequired ? "Admin" : "User",
                        adminConsentDisplayName: scope.displayName,
                        adminConsentDescription: scope.description,
                        userConsentDisplayName: scope.adminConsentRequired ? undefined : scope.displayName,
                        userConsentDescription: scope.adminConsentRequired ? undefined : scope.description,
                    },
                    n.opts,
                ),
            );
        }
        for (const role of app.appRoles) {
            const n = named("role", role.value);
            this.exposedPermissionResources.push(
                new azuread.ApplicationAppRole(
                    n.name,
                    {
                        applicationId: registration.id,
                        roleId: role.id,
                        value: role.value,
                        displayName: role.displayName,
                        description: role.description,
                        allowedMemberTypes: role.members!.map(m => (m === "application" ? "Application" : "User")),
                    },
                    n.opts,
                ),
            );
        }
        if (app.clientSecret) this.clientSecret = clientSecrets(name, registration.id, app.clientSecret, args.now ?? new Date(), child);
        for (const c of app.certificates) {
            // a new kind of resource: no stack deployed before has it under a legacy name, so no alias
            new azuread.ApplicationCertificate(
                encodeName(name, "certificate", c.name),
                { applicationId: registration.id, type: "AsymmetricX509Cert", encoding: "pem", value: c.pem, endDate: c.endDate, startDate: c.startDate },
                child,
            );
        }
        for (const f of app.federatedCredentials) {
            const n = named("federated", f.name);
            new azuread.ApplicationFederatedIdentityCredential(
                n.name,
                {
                    applicationId: registration.id,
                    displayName: f.name,
                    issuer: f.issuer,
                    subject: f.subject,
                    audiences: f.audiences,
                    description: f.description,
                },
                n.opts,
            );
        }
        const sp = new azuread.ServicePrincipal(
            servicePrincipalName(name),
            {
                clientId: registration.clientId,
                owners: app.owners.length ? app.owners : undefined,
                // Only set when on, so the service principals of stacks deployed before keep their inputs.
                appRoleAssignmentRequired: app.assignmentRequired || undefined,
                tags: consentTags(app),
            },
            { ...child, ...retained(servicePrincipalName(name)) },
        );
        this.servicePrincipalObjectId = sp.objectId;

        this.registerOutputs({
            clientId: this.clientId,
            applicationId: this.applicationId,
            servicePrincipalObjectId: this.servicePrincipalObjectId,
            identifierUri: this.identifierUri,
            clientSecret: this.clientSecret,
        });
    }
}
