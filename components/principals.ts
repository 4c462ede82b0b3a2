import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import { AppModel } from "../lib/model";
import { ConsentPrincipal } from "./types";
import { identityName, microsoftApiPrincipalName, servicePrincipalName } from "../lib/ids";
import type { MicrosoftResourcePrincipal } from "../lib/preflight";
import { TYPE_PREFIX } from "../lib/resource-types";

/**
 * A managed identity as a consent principal: created here (user-assigned, azure-native) or an existing
 * system- or user-assigned identity named by its principal (object) ID. It holds application permissions only.
 */
export class ManagedIdentityPrincipal extends pulumi.ComponentResource implements ConsentPrincipal {
    readonly key: string;
    readonly clientId?: pulumi.Output<string>;
    readonly servicePrincipalObjectId: pulumi.Output<string>;
    readonly exposedPermissionResources: pulumi.Resource[] = [];

    constructor(name: string, args: { app: AppModel }, opts?: pulumi.ComponentResourceOptions) {
        super(`${TYPE_PREFIX}:ManagedIdentityPrincipal`, name, {}, opts);
        const mi = args.app.managedIdentity!;
        this.key = args.app.key;
        if ("principalId" in mi) {
            this.servicePrincipalObjectId = pulumi.output(mi.principalId);
        } else {
            const identity = new managedidentity.UserAssignedIdentity(
                identityName(name),
                {
                    resourceGroupName: mi.resourceGroup,
                    location: mi.location,
                    resourceName: mi.name,
                },
                { parent: this },
            );
            this.servicePrincipalObjectId = identity.principalId;
            this.clientId = identity.clientId;
        }
        this.registerOutputs({ servicePrincipalObjectId: this.servicePrincipalObjectId, clientId: this.clientId });
    }
}

/**
 * A multi-tenant app registered in another tenant: its service principal here (created, or adopted when
 * someone already consented), so that this stack can approve its permissions in this tenant.
 */
export class ExternalPrincipal extends pulumi.ComponentResource implements ConsentPrincipal {
    readonly key: string;
    readonly clientId: pulumi.Output<string>;
    readonly servicePrincipalObjectId: pulumi.Output<string>;
    readonly exposedPermissionResources: pulumi.Resource[] = [];

    constructor(name: string, args: { app: AppModel }, opts?: pulumi.ComponentResourceOptions) {
        super(`${TYPE_PREFIX}:ExternalPrincipal`, name, {}, opts);
        this.key = args.app.key;
        // Adopted, not created: other teams' consents hang on it, so removing the app from config or destroying the
        // stack leaves it in the tenant.
        const sp = new azuread.ServicePrincipal(
            servicePrincipalName(name),
            { clientId: args.app.externalAppId!, useExisting: true, appRoleAssignmentRequired: args.app.assignmentRequired || undefined },
            { parent: this, retainOnDelete: true },
        );
        this.clientId = sp.clientId;
        this.servicePrincipalObjectId = sp.objectId;
        this.registerOutputs({ clientId: this.clientId, servicePrincipalObjectId: this.servicePrincipalObjectId });
    }
}

/**
 * A Microsoft API's service principal (Microsoft Graph, ...), adopted as the azuread provider documents it
 * (`useExisting`) and never deleted (`retainOnDelete`). The IDs its permissions carry were read and checked
 * by `preflight` before this; grants and assignments take `objectId` from here.
 */
export class MicrosoftApiPrincipal extends azuread.ServicePrincipal {
    readonly appId: string;
    constructor(tenantName: string, read: MicrosoftResourcePrincipal, opts?: pulumi.CustomResourceOptions) {
        const appId = read.appId;
        super(microsoftApiPrincipalName(tenantName, appId), { clientId: appId, useExisting: true }, { ...opts, retainOnDelete: true });
        this.appId = appId;
    }
}
