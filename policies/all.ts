/** Every policy of the pack. Only index.ts constructs the PolicyPack; tests and the offline plan import this list. */
import { Policies } from "@pulumi/policy";
import { policy as applicationDisallowImplicitGrant } from "./azuread-application-disallow-implicit-grant";
import { policy as applicationPreferFederatedCredentials } from "./azuread-application-prefer-federated-credentials";
import { policy as applicationRequireApprovalForMultiTenant } from "./azuread-application-require-approval-for-multi-tenant";
import { policy as applicationRequireApprovedPermissions } from "./azuread-application-require-approved-permissions";
import { policy as applicationRequireOwners } from "./azuread-application-require-owners";
import { policy as applicationCertificateLimitLifetime } from "./azuread-applicationcertificate-limit-lifetime";
import { policy as applicationPasswordLimitLifetime } from "./azuread-applicationpassword-limit-lifetime";
import { policy as preAuthorizedAllowOnlyDelegatedScopes } from "./azuread-applicationpreauthorized-allow-only-delegated-scopes";
import { policy as preAuthorizedReviewFirstPartyClient } from "./azuread-applicationpreauthorized-review-first-party-client";
import { policy as appRoleAssignmentDisallowPrivilegedPermissions } from "./azuread-approleassignment-disallow-privileged-permissions";
import { policy as consentDisallowFirstPartyClient } from "./azuread-consent-disallow-first-party-client";
import { policy as delegatedGrantDisallowPrivilegedScopes } from "./azuread-delegatedpermissiongrant-disallow-privileged-scopes";
import { policy as directoryRoleAssignmentDisallowPrivilegedRoles } from "./azuread-directoryroleassignment-disallow-privileged-roles";
import { policy as providerRequireStackTenant } from "./azuread-provider-require-stack-tenant";
import { policy as applicationDisallowUnsafeRedirectUris } from "./azuread-application-disallow-unsafe-redirect-uris";
import { policy as federatedCredentialDisallowUntrustedWorkloads } from "./azuread-federatedcredential-disallow-untrusted-workloads";

export const policies: Policies = [
    appRoleAssignmentDisallowPrivilegedPermissions,
    delegatedGrantDisallowPrivilegedScopes,
    applicationRequireApprovedPermissions,
    consentDisallowFirstPartyClient,
    preAuthorizedAllowOnlyDelegatedScopes,
    preAuthorizedReviewFirstPartyClient,
    applicationPasswordLimitLifetime,
    applicationCertificateLimitLifetime,
    applicationPreferFederatedCredentials,
    applicationDisallowImplicitGrant,
    applicationRequireApprovalForMultiTenant,
    applicationRequireOwners,
    directoryRoleAssignmentDisallowPrivilegedRoles,
    providerRequireStackTenant,
    applicationDisallowUnsafeRedirectUris,
    federatedCredentialDisallowUntrustedWorkloads,
];
