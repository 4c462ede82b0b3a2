import * as pulumi from "@pulumi/pulumi";

/** What the approvals of other apps need to know about one app of the stack. */
export interface ConsentPrincipal {
    key: string;
    /** the app (client) ID; for a managed identity, its client ID when created here */
    clientId?: pulumi.Output<string>;
    /** object ID of the service principal (for a managed identity: its principal ID) */
    servicePrincipalObjectId: pulumi.Output<string>;
    /** resource ID of the app registration (`/applications/{objectId}`), for sub-resources; registered apps only */
    applicationId?: pulumi.Output<string>;
    /** the identifier URI; registered apps only */
    identifierUri?: pulumi.Output<string>;
    /** resources that must exist before another app is approved for this app's scopes or roles */
    exposedPermissionResources: pulumi.Resource[];
}
