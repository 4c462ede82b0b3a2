/**
 * The stack configuration contract (DESIGN.md), as a JSON Schema: the single source of truth for its shape.
 * The TypeScript types below are inferred from it, so the two cannot drift apart.
 * `description` doubles as "what was meant" in error messages.
 */
import type { FromSchema } from "json-schema-to-ts";
import { GUID_PATTERN } from "../ids";

const guid = {
    type: "string",
    pattern: GUID_PATTERN,
    description: "a GUID such as 11111111-1111-1111-1111-111111111111",
} as const;
const tier = {
    type: "integer",
    enum: [0, 1, 2],
    description: "the API owner's risk class: 0 control plane, 1 management plane, 2 user access (default 2)",
} as const;
const permissionList = {
    type: "array",
    minItems: 1,
    uniqueItems: true,
    items: { type: "string", minLength: 1, description: "a permission value (User.Read) or its GUID" },
    description: "a non-empty list of permission values or GUIDs",
} as const;
const permissionsByResource = {
    type: "object",
    description: "a map from resource (an app key of this stack, a well-known alias such as microsoft-graph, or an appId) to permission names",
    propertyNames: { minLength: 1 },
    additionalProperties: permissionList,
} as const;
const objectIds = (what: string) => ({ type: "array", uniqueItems: true, items: guid, description: `object IDs of ${what}` }) as const;
// Users and groups assigned to an app (default access) or to one of its app roles: an AppRoleAssignment each.
const assignedTo = {
    type: "object",
    additionalProperties: false,
    minProperties: 1,
    description: "{ users: [object IDs], groups: [object IDs] }: the users and groups assigned (Enterprise applications > Users and groups)",
    properties: { users: objectIds("users"), groups: objectIds("groups (direct members only: assignment does not cascade to nested groups)") },
} as const;
// Credentials (federated, certificates) by a stable name, which their resource names carry (lib/ids.ts).
const credentialName = { pattern: "^[a-z][a-z0-9-]{0,62}$", description: "a name of lower-case letters, digits and dashes" } as const;
// An RFC 3339 timestamp of a real calendar date, as the azuread provider takes endDate and startDate (lib/config/validate.ts).
const timestamp = { type: "string", format: "rfc3339", description: "an RFC 3339 timestamp such as 2027-06-30T00:00:00Z" } as const;
// Judged in full by lib/redirects.ts (URL parser, per platform); the shape only says it is a string.
const redirectUri = {
    type: "string",
    minLength: 1,
    description: "an https:// URI (http:// only on localhost, 127.0.0.1 or [::1]), or a custom scheme for native apps",
} as const;

export const appSchema = {
    type: "object",
    additionalProperties: false,
    properties: {
        displayName: { type: "string", minLength: 1, maxLength: 256, description: "the app registration's display name" },
        kind: { type: "string", enum: ["web", "spa", "native", "daemon", "api"], description: "one of web, spa, native, daemon, api" },
        identity: {
            type: "string",
            enum: ["application", "managed-identity", "external"],
            description: "one of application (registered here), managed-identity, external",
        },
        appId: { ...guid, description: "the client ID of the external multi-tenant application" },
        managedIdentity: {
            description: "either { resourceGroup, location[, name] } to create a user-assigned identity, or { principalId } of an existing one",
            oneOf: [
                {
                    type: "object",
                    additionalProperties: false,
                    required: ["resourceGroup", "location"],
                    properties: {
                        resourceGroup: { type: "string", minLength: 1 },
                        location: { type: "string", minLength: 1 },
                        name: { type: "string", minLength: 3, maxLength: 128 },
                    },
                },
                { type: "object", additionalProperties: false, required: ["principalId"], properties: { principalId: guid } },
            ],
        },
        identifierUri: { type: "string", pattern: "^(api://|https://)\\S+$", description: "an identifier URI such as api://contoso-orders-dev" },
        signInAudience: { type: "string", enum: ["AzureADMyOrg", "AzureADMultipleOrgs"], description: "AzureADMyOrg (default) or AzureADMultipleOrgs" },
        assignmentRequired: {
            type: "boolean",
            description:
                "true: only users and groups assigned to the app get a token, and only an administrator can consent for it (the service principal's appRoleAssignmentRequired)",
        },
        assignedTo: {
            ...assignedTo,
            description: "users and groups assigned to the app with default access (an app without app roles): { users: [object IDs], groups: [object IDs] }",
        },
        publisherVerified: {
            type: "boolean",
            description: "an external app only: true when its publisher is verified (the consent prompt shows a blue badge); default false",
        },
        knownClients: {
            type: "array",
            uniqueItems: true,
            items: { type: "string", minLength: 1, description: "an app key of this stack" },
            description: "client app keys of this stack whose users consent to this API's own permissions in the same prompt (knownClientApplications)",
        },
        consent: {
            type: "string",
            enum: ["admin", "user"],
            description: "admin (grant delegated permissions tenant-wide in this deploy, the default) or user (users consent themselves)",
        },
        redirectUris: { type: "array", uniqueItems: true, items: redirectUri, description: "a list of redirect URIs" },
        owners: { type: "array", uniqueItems: true, items: guid, description: "object IDs of the users or service principals that own the registration" },
        clientSecret: {
            type: "object",
            additionalProperties: false,
            required: ["expiresInDays"],
            description: "a client secret created here, a Pulumi secret in the stack outputs: { expiresInDays[, rotateAfterDays] }",
            properties: {
                expiresInDays: {
                    type: "integer",
                    minimum: 1,
                    maximum: 730,
                    description: "days until the secret expires (the policy pack allows 180 by default)",
                },
                rotateAfterDays: {
                    type: "integer",
                    minimum: 2,
                    maximum: 729,
                    description:
                        "days after which a `pulumi up` replaces a secret; two secrets overlap, a new one every rotateAfterDays / 2 days; less than expiresInDays",
                },
            },
        },
        certificates: {
            type: "object",
            description: "certificate credentials (public certificates only), by stable name: { <name>: { pem, endDate[, startDate] } }",
            propertyNames: credentialName,
            additionalProperties: {
                type: "object",
                additionalProperties: false,
                required: ["pem", "endDate"],
                properties: {
                    pem: {
                        type: "string",
                        minLength: 1,
                        maxLength: 65536,
                        description: "the public certificate in PEM: -----BEGIN CERTIFICATE----- ... -----END CERTIFICATE----- (never a private key)",
                    },
                    endDate: { ...timestamp, description: "when the credential expires, RFC 3339 (2027-06-30T00:00:00Z); at most the certificate's notAfter" },
                    startDate: { ...timestamp, description: "when the credential becomes valid, RFC 3339; default: the certificate's notBefore" },
                },
            },
        },
        federatedCredentials: {
            type: "object",
            description: "workload identity federation (GitHub Actions, Kubernetes, another cloud), by stable name: no secret to leak",
            propertyNames: credentialName,
            additionalProperties: {
                type: "object",
                additionalProperties: false,
                required: ["issuer", "subject"],
                properties: {
                    issuer: { type: "string", pattern: "^https://\\S+$", description: "the token issuer, e.g. https://token.actions.githubusercontent.com" },
                    subject: { type: "string", minLength: 1, description: "the subject, e.g. repo:contoso/orders:environment:prod" },
                    audiences: { type: "array", minItems: 1, items: { type: "string", minLength: 1 }, description: "default [api://AzureADTokenExchange]" },
                    description: { type: "string", maxLength: 600 },
                },
            },
        },
        scopes: {
            type: "object",
            description: "delegated permissions this API exposes, by value",
            propertyNames: { pattern: "^[^\\s.][^\\s]*$", description: "a scope value without spaces, not starting with a dot" },
            additionalProperties: {
                type: "object",
                additionalProperties: false,
                required: ["description"],
                properties: {
                    consent: { type: "string", enum: ["user", "admin"], description: "who may consent: user or admin (default admin)" },
                    description: { type: "string", minLength: 1, maxLength: 1000 },
                    displayName: { type: "string", minLength: 1, maxLength: 256 },
                    tier,
                },
            },
        },
        appRoles: {
            type: "object",
            description: "application permissions (app roles) this API exposes, by value",
            propertyNames: { pattern: "^[^\\s.][^\\s]*$", description: "a role value without spaces, not starting with a dot" },
            additionalProperties: {
                type: "object",
                additionalProperties: false,
                required: ["description"],
                properties: {
                    members: {
                        type: "array",
                        minItems: 1,
                        uniqueItems: true,
                        items: { type: "string", enum: ["application", "user"] },
                        description: "who may hold the role: [application], [user] or both (default [application])",
                    },
                    assignedTo: {
                        ...assignedTo,
                        description: "users and groups assigned this role (its members must include user): { users: [object IDs], groups: [object IDs] }",
                    },
                    description: { type: "string", minLength: 1, maxLength: 1000 },
                    displayName: { type: "string", minLength: 1, maxLength: 256 },
                    tier,
                },
            },
        },
        preAuthorized: {
            type: "object",
            description: "clients (an app key of this stack or a client ID) that skip the consent prompt for these delegated scopes",
            additionalProperties: { ...permissionList, description: "a non-empty list of this API's scope values" },
        },
        delegated: permissionsByResource,
        application: permissionsByResource,
    },
} as const;

export const stackConfigSchema = {
    $id: "https://entra-consent.dev/schemas/stack-config.json",
    type: "object",
    additionalProperties: false,
    required: ["tenant", "apps"],
    properties: {
        adopted: {
            type: "array",
            uniqueItems: true,
            items: { type: "string", minLength: 1 },
            description:
                "names of the resources this stack adopted with pulumi import (the plan with --tenant-export lists them): kept in the tenant on destroy (retainOnDelete)",
        },
        tenant: {
            type: "object",
            additionalProperties: false,
            required: ["id", "name"],
            properties: {
                id: { ...guid, description: "the tenant ID (a GUID), equal to azuread:tenantId" },
                name: { type: "string", pattern: "^[a-zA-Z0-9][a-zA-Z0-9._-]*$", description: "a short tenant name such as contoso-dev" },
                displayName: {
                    type: "string",
                    minLength: 1,
                    maxLength: 256,
                    description: "the directory's display name, as error messages print it (Contoso Ltd)",
                },
                userConsent: {
                    type: "string",
                    enum: ["none", "low-risk", "microsoft-managed", "all"],
                    description: "the tenant's user consent setting: none, low-risk, microsoft-managed or all (legacy)",
                },
                // Two forms in one schema (not oneOf) so that a duplicate or an empty value is reported precisely.
                lowRiskPermissions: {
                    type: ["array", "object"],
                    uniqueItems: true,
                    items: { type: "string", minLength: 1 },
                    propertyNames: { minLength: 1 },
                    additionalProperties: { type: "array", uniqueItems: true, items: { type: "string", minLength: 1 } },
                    description: "delegated permissions the tenant classified as low impact: a list (Microsoft Graph) or a map { <resource>: [values] }",
                },
                adminConsentWorkflow: {
                    type: "boolean",
                    description: "true when the tenant's admin consent workflow is on: users can request approval (default false)",
                },
            },
        },
        apps: {
            type: "object",
            description: "the apps of this tenant, by stable key",
            propertyNames: { pattern: "^[a-z][a-z0-9-]{0,62}$", description: "a key of lower-case letters, digits and dashes, starting with a letter" },
            additionalProperties: appSchema,
        },
    },
} as const;

export type StackConfig = FromSchema<typeof stackConfigSchema>;
export type AppConfig = FromSchema<typeof appSchema>;
