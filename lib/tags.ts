/** Tags that carry consent facts from the program to the policy pack: written by components, read by policies and the plan. */

/** Service principal tags (see consentTags in components/registration.ts). */
export const TIER_TAG = "entra-consent:tier:";
export const USER_CONSENT_TAG = "entra-consent:consent:user";
/** Stack tag: the tenant a stack declares (`pulumi stack tag set entra-consent:tenant <id>`); the offline plan sets it. */
export const TENANT_TAG = "entra-consent:tenant";
