import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import { ChildKind, encodeName, legacyName, suffixName } from "../lib/ids";
import { ClientSecretConfig, secretSlots } from "../lib/credentials";
import { AppModel, ExposedPermission } from "../lib/model";
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
 * A scope's inputs: `Admin` when it needs admin consent, and then no user-consent texts at all, so no consent prompt
 * shows a user a scope they cannot consent to.
 */
export function permissionScopeArgs(applicationId: pulumi.Input<string>, scope: ExposedPermission): azuread.ApplicationPermissionScopeArgs {
    return {
        applicationId,
        scopeId: scope.id,
        value: scope.value,
        type: scope.adminConsentRequired ? "Admin" : "User",
        adminConsentDisplayName: scope.displayName,
        adminConsentDescription: scope.description,
        userConsentDisplayName: scope.adminConsentRequired ? undefined : scope.displayName,
        userConsentDescription: scope.adminConsentRequired ? undefined : scope.description,
    };
}

/** Creates AppRegistration's children, one method per kind, each named from config keys under `parent`. */
class RegistrationChildren {
    private readonly child: { parent: pulumi.Resource };

    constructor(
        private readonly name: string,
        parent: pulumi.Resource,
        private readonly app: AppModel,
        private readonly adopted?: ReadonlySet<string>,
    ) {
        this.child = { parent };
    }

    // imported objects (entra-consent:adopted) are left in the tenant on delete, as principals.ts does for adopted ones
    private retained(resourceName: string) {
        return this.adopted?.has(resourceName) ? { retainOnDelete: true } : {};
    }
    // Names that cannot collide for distinct configs (lib/ids.ts); the alias keeps resources of stacks deployed before.
    private named(kind: ChildKind, ...parts: string[]) {
        return { name: encodeName(this.name, kind, ...parts), opts: { ...this.child, aliases: [{ name: legacyName(this.name, kind, ...parts) }] } };
    }

    registration(): azuread.ApplicationRegistration {
        const { app } = this;
        return new azuread.ApplicationRegistration(
            suffixName(this.name, "registration"),
            {
                displayName: app.displayName,
                signInAudience: app.signInAudience,
                // The implicit grant puts tokens in URLs; authorization code with PKCE replaces it.
                implicitAccessTokenIssuanceEnabled: false,
                implicitIdTokenIssuanceEnabled: false,
                requestedAccessTokenVersion: app.scopes.length || app.appRoles.length ? 2 : undefined,
            },
            { ...this.child, ...this.retained(suffixName(this.name, "registration")) },
        );
    }

    redirectUris(applicationId: pulumi.Output<string>): void {
        if (!this.app.redirectUris.length) return;
        new azuread.ApplicationRedirectUris(
            suffixName(this.name, "redirect-uris"),
            { applicationId, type: REDIRECT_PLATFORM[this.app.kind], redirectUris: this.app.redirectUris },
            this.child,
        );
    }

    owners(applicationId: pulumi.Output<string>): void {
        for (const owner of this.app.owners) {
            const n = this.named("owner", owner);
            new azuread.ApplicationOwner(n.name, { applicationId, ownerObjectId: owner }, n.opts);
        }
    }

    /** The identifier URI of an app that exposes an API (default `api://<clientId>`). */
    identifierUri(registration: azuread.ApplicationRegistration): pulumi.Output<string> | undefined {
        const { app } = this;
        if (!(app.scopes.length || app.appRoles.length || app.identifierUri)) return undefined;
        const uri = app.identifierUri ?? pulumi.interpolate`api://${registration.clientId}`;
        return new azuread.ApplicationIdentifierUri(suffixName(this.name, "identifier-uri"), { applicationId: registration.id, identifierUri: uri }, this.child)
            .identifierUri;
    }

    scopes(applicationId: pulumi.Output<string>): pulumi.Resource[] {
        return this.app.scopes.map(scope => {
            const n = this.named("scope", scope.value);
            return new azuread.ApplicationPermissionScope(n.name, permissionScopeArgs(applicationId, scope), n.opts);
        });
    }

    appRoles(applicationId: pulumi.Output<string>): pulumi.Resource[] {
        return this.app.appRoles.map(role => {
            const n = this.named("role", role.value);
            return new azuread.ApplicationAppRole(
                n.name,
                {
                    applicationId,
                    roleId: role.id,
                    value: role.value,
                    displayName: role.displayName,
                    description: role.description,
                    allowedMemberTypes: role.members!.map(m => (m === "application" ? "Application" : "User")),
                },
                n.opts,
            );
        });
    }

    clientSecret(applicationId: pulumi.Output<string>, now: Date): pulumi.Output<string> | undefined {
        return this.app.clientSecret ? clientSecrets(this.name, applicationId, this.app.clientSecret, now, this.child) : undefined;
    }

    certificates(applicationId: pulumi.Output<string>): void {
        for (const c of this.app.certificates) {
            // a new kind of resource: no stack deployed before has it under a legacy name, so no alias
            new azuread.ApplicationCertificate(
                encodeName(this.name, "certificate", c.name),
                { applicationId, type: "AsymmetricX509Cert", encoding: "pem", value: c.pem, endDate: c.endDate, startDate: c.startDate },
                this.child,
            );
        }
    }

    federatedCredentials(applicationId: pulumi.Output<string>): void {
        for (const f of this.app.federatedCredentials) {
            const n = this.named("federated", f.name);
            new azuread.ApplicationFederatedIdentityCredential(
                n.name,
                { applicationId, displayName: f.name, issuer: f.issuer, subject: f.subject, audiences: f.audiences, description: f.description },
                n.opts,
            );
        }
    }

    servicePrincipal(clientId: pulumi.Output<string>): azuread.ServicePrincipal {
        const { app } = this;
        return new azuread.ServicePrincipal(
            servicePrincipalName(this.name),
            {
                clientId,
                owners: app.owners.length ? app.owners : undefined,
                // Only set when on, so the service principals of stacks deployed before keep their inputs.
                appRoleAssignmentRequired: app.assignmentRequired || undefined,
                tags: consentTags(app),
            },
            { ...this.child, ...this.retained(servicePrincipalName(this.name)) },
        );
    }
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
        this.key = args.app.key;
        // registration order is part of the contract (plan JSON lists resources in it): keep it
        const children = new RegistrationChildren(name, this, args.app, args.adopted);
        const registration = children.registration();
        this.clientId = registration.clientId;
        this.applicationId = registration.id;
        children.redirectUris(registration.id);
        children.owners(registration.id);
        this.identifierUri = children.identifierUri(registration);
        this.exposedPermissionResources.push(...children.scopes(registration.id), ...children.appRoles(registration.id));
        this.clientSecret = children.clientSecret(registration.id, args.now ?? new Date());
        children.certificates(registration.id);
        children.federatedCredentials(registration.id);
        this.servicePrincipalObjectId = children.servicePrincipal(registration.clientId).objectId;

        this.registerOutputs({
            clientId: this.clientId,
            applicationId: this.applicationId,
            servicePrincipalObjectId: this.servicePrincipalObjectId,
            identifierUri: this.identifierUri,
            clientSecret: this.clientSecret,
        });
    }
}
