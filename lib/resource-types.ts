/** Package part of the type tokens of entra-consent's components (`entra-consent:index:AppRegistration`). */
export const TYPE_PREFIX = "entra-consent:index";

/** Type tokens of the resources the simulated tenant answers for and the policies judge: one table for both. */
export const T = {
    application: "azuread:index/application:Application",
    registration: "azuread:index/applicationRegistration:ApplicationRegistration",
    identifierUri: "azuread:index/applicationIdentifierUri:ApplicationIdentifierUri",
    scope: "azuread:index/applicationPermissionScope:ApplicationPermissionScope",
    appRole: "azuread:index/applicationAppRole:ApplicationAppRole",
    preAuthorized: "azuread:index/applicationPreAuthorized:ApplicationPreAuthorized",
    apiAccess: "azuread:index/applicationApiAccess:ApplicationApiAccess",
    knownClients: "azuread:index/applicationKnownClients:ApplicationKnownClients",
    redirectUris: "azuread:index/applicationRedirectUris:ApplicationRedirectUris",
    owner: "azuread:index/applicationOwner:ApplicationOwner",
    servicePrincipal: "azuread:index/servicePrincipal:ServicePrincipal",
    grant: "azuread:index/servicePrincipalDelegatedPermissionGrant:ServicePrincipalDelegatedPermissionGrant",
    assignment: "azuread:index/appRoleAssignment:AppRoleAssignment",
    appPassword: "azuread:index/applicationPassword:ApplicationPassword",
    spPassword: "azuread:index/servicePrincipalPassword:ServicePrincipalPassword",
    appCertificate: "azuread:index/applicationCertificate:ApplicationCertificate",
    spCertificate: "azuread:index/servicePrincipalCertificate:ServicePrincipalCertificate",
    spTokenSigningCertificate: "azuread:index/servicePrincipalTokenSigningCertificate:ServicePrincipalTokenSigningCertificate",
    federatedCredential: "azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential",
    flexibleFederatedCredential: "azuread:index/applicationFlexibleFederatedIdentityCredential:ApplicationFlexibleFederatedIdentityCredential",
    directoryRoleAssignment: "azuread:index/directoryRoleAssignment:DirectoryRoleAssignment",
    user: "azuread:index/user:User",
    group: "azuread:index/group:Group",
    userAssignedIdentity: "azure-native:managedidentity:UserAssignedIdentity",
    azureadProvider: "pulumi:providers:azuread",
    directoryRole: "azuread:index/directoryRole:DirectoryRole",
    directoryRoleMember: "azuread:index/directoryRoleMember:DirectoryRoleMember",
    directoryRoleEligibility: "azuread:index/directoryRoleEligibilityScheduleRequest:DirectoryRoleEligibilityScheduleRequest",
    customDirectoryRole: "azuread:index/customDirectoryRole:CustomDirectoryRole",
    groupMember: "azuread:index/groupMember:GroupMember",
    groupAssignmentSchedule: "azuread:index/privilegedAccessGroupAssignmentSchedule:PrivilegedAccessGroupAssignmentSchedule",
    groupEligibilitySchedule: "azuread:index/privilegedAccessGroupEligibilitySchedule:PrivilegedAccessGroupEligibilitySchedule",
} as const;

export const REGISTRATION_TYPES: string[] = [T.application, T.registration];

/** Credentials added to an app registration (`applicationId`) and to a service principal (`servicePrincipalId`). */
export const APPLICATION_CREDENTIAL_TYPES: string[] = [T.appPassword, T.appCertificate, T.federatedCredential, T.flexibleFederatedCredential];
export const PRINCIPAL_CREDENTIAL_TYPES: string[] = [T.spPassword, T.spCertificate, T.spTokenSigningCertificate];
