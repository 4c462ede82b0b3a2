/** entra-consent's components, for any Pulumi TypeScript program (index.ts is one such program). */
export { AppAccess, AppAccessArgs } from "./access";
export { ExternalPrincipal, ManagedIdentityPrincipal } from "./principals";
export { AppRegistration, consentTags } from "./registration";
export { deployTenant, TenantConsent, TenantConsentArgs } from "./tenant";
export { ConsentPrincipal } from "./types";
export { MicrosoftResourcePrincipal } from "../lib/preflight";
export { buildModel, ConsentModel } from "../lib/model";
export { PermissionCatalog } from "../lib/catalog";
