/** Every policy of the pack, one named export per policy module. Only index.ts constructs the PolicyPack; tests and the offline plan import this list. */
import { Policies } from "@pulumi/policy";
import { applicationDisallowImplicitGrant } from "./azuread-application-disallow-implicit-grant";
import { applicationPreferFederatedCredentials } from "./azuread-application-prefer-federated-credentials";
import { applicationRequireApprovalForMultiTenant } from "./azuread-application-require-approval-for-multi-tenant";
import { applicationRequireApprovedPermissions } from "./azuread-application-require-approved-permissions";
import { applicationRequireOwners } from "./azuread-application-require-owners";
import { applicationCertificateLimitLifetime } from "./azuread-applicationcertificate-limit-lifetime";
import { applicationPasswordLimitLifetime } from "./azuread-applicationpassword-limit-lifetime";
import { preAuthorizedAllowOnlyDelegatedScopes } from "./azuread-applicationpreauthorized-allow-only-delegated-scopes";
import { preAuthorizedReviewFirstPartyClient } from "./azuread-applicationpreauthorized-review-first-party-client";
import { appRoleAssignmentDisallowPrivilegedPermissions } from "./azuread-approleassignment-disallow-privileged-permissions";
import { consentDisallowFirstPartyClient } from "./azuread-consent-disallow-first-party-client";
import { delegatedGrantDisallowPrivilegedScopes } from "./azuread-delegatedpermissiongrant-disallow-privileged-scopes";
import { directoryRoleAssignmentDisallowPrivilegedRoles } from "./azuread-directoryroleassignment-disallow-privileged-roles";
import { providerRequireStackTenant } from "./azuread-provider-require-stack-tenant";
import { applicationDisallowUnsafeRedirectUris } from "./azuread-application-disallow-unsafe-redirect-uris";
import { federatedCredentialDisallowUntrustedWorkloads } from "./azuread-federatedcredential-disallow-untrusted-workloads";
import { credentialDisallowForeignPrincipals } from "./azuread-credential-disallow-foreign-principals";

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
    credentialDisallowForeignPrincipals,
];
