import * as pulumi from "@pulumi/pulumi";
import { suffixName } from "../lib/ids";

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

/** A Microsoft resource app's service principal as it exists in the tenant (getServicePrincipal). */
export interface MicrosoftResourcePrincipal {
    appId: string;
    objectId: string;
    appRoleIds: Record<string, string>;
    oauth2PermissionScopeIds: Record<string, string>;
}

export const TYPE_PREFIX = "entra-consent:index";

/** Service principal tags that carry consent facts to the policy pack (see consentTags). */
export const TIER_TAG = "entra-consent:tier:";
export const USER_CONSENT_TAG = "entra-consent:consent:user";
/** Stack tag: the tenant a stack declares (`pulumi stack tag set entra-consent:tenant <id>`); the offline plan sets it. */
export const TENANT_TAG = "entra-consent:tenant";

/** Names of the resources that hold an app's principal: how the plan finds it in the planned tenant. */
export const servicePrincipalName = (appKey: string): string => suffixName(appKey, "sp");
export const identityName = (appKey: string): string => suffixName(appKey, "identity");
/** An adopted Microsoft API service principal: the only service principals directly under TenantConsent. */
export const microsoftApiPrincipalName = (tenantName: string, appId: string): string => `${tenantName}-microsoft-${appId}`;
