/**
 * Credentials from config, as pure functions: when a rotating client secret is replaced, and what a certificate PEM
 * holds. The components build the resources from these; the plan prints the same dates.
 */
import { X509Certificate } from "node:crypto";

const DAY_MS = 24 * 3600 * 1000;

export interface ClientSecretConfig {
    expiresInDays: number;
    /** absent: one secret, never rotated by the program */
    rotateAfterDays?: number;
}

/** One client secret the program declares: its resource name suffix, end date and rotation key. */
export interface SecretSlot {
    /** "client-secret" for the single, non-rotating secret (the name stacks deployed before use); else a slot name */
    name: "client-secret" | "client-secret-a" | "client-secret-b";
    /** RFC 3339, whole seconds */
    endDate: string;
    /** rotating slots only: changes at the slot's period boundary, so azuread replaces the secret (rotateWhenChanged) */
    rotationKey?: string;
    /** rotating slots only: when this slot's period started and when it ends (the next `pulumi up` after it replaces it) */
    periodStart?: string;
    rotatesOn?: string;
    /** the secret the stack output carries: the newest */
    current: boolean;
}

/** RFC 3339 in whole seconds, as the provider's examples write it (2027-01-31T00:00:00Z). */
export const rfc3339 = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");

/**
 * The secrets an app's clientSecret config declares at time `now`.
 *
 * Without rotateAfterDays: one secret ending `expiresInDays` after now; the component ignores later changes to its end
 * date, so the secret is fixed when created (and stacks deployed with endDateRelative keep theirs).
 *
 * With rotateAfterDays (R): two slots, a and b, each replaced every R days, b's periods offset by R/2 from a's, counted
 * from the Unix epoch so every run in the same period computes the same key. Every R/2 days one slot gets a new secret,
 * which becomes the stack output; the other slot's secret stays valid until its own boundary, R/2 later, so consumers
 * have half a period to pick up the new one before the old one is deleted. Each secret ends `expiresInDays` after its
 * period started, which is after the period ends (R < expiresInDays): a `pulumi up` late by up to expiresInDays - R
 * days still rotates before anything expires.
 */
export function secretSlots(secret: ClientSecretConfig, now: Date): SecretSlot[] {
    const t = now.getTime();
    if (secret.rotateAfterDays === undefined) return [{ name: "client-secret" as const, endDate: rfc3339(t + secret.expiresInDays * DAY_MS), current: true }];
    const period = secret.rotateAfterDays * DAY_MS;
    const slots = (["a", "b"] as const).map((slot, i) => {
        const offset = (i * period) / 2;
        const start = Math.floor((t - offset) / period) * period + offset;
        return {
            name: `client-secret-${slot}` as const,
            endDate: rfc3339(start + secret.expiresInDays * DAY_MS),
            rotationKey: `${slot}:${rfc3339(start)}`,
            periodStart: rfc3339(start),
            rotatesOn: rfc3339(start + period),
            start,
        };
    });
    const newest = Math.max(...slots.map(s => s.start));
    return slots.map(({ start, ...s }) => ({ ...s, current: start === newest }));
}

/** Why a certificate PEM from config cannot be used, or what it holds. */
export type PemReading = { ok: true; notBefore: number; notAfter: number; subject: string } | { ok: false; message: string; hint: string };

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n?([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;

/**
 * A public certificate in PEM: exactly one CERTIFICATE block of well-formed base64 that parses as X.509, nothing else.
 * A private key anywhere in the text is refused first: a stack file is shared, so a key in it is a leak.
 */
export function readCertificatePem(pem: string): PemReading {
    if (/PRIVATE KEY/.test(pem))
        return {
            ok: false,
            message: "holds a private key",
            hint: "a private key in a stack file is a leak: remove it (and from the file's history), revoke and replace the key, and put only the public certificate (BEGIN CERTIFICATE) here",
        };
    const blocks = [...pem.matchAll(BLOCK)];
    if (!blocks.length)
        return {
            ok: false,
            message: "is not a PEM certificate (no BEGIN/END lines)",
            hint: "one public certificate: -----BEGIN CERTIFICATE-----, its base64 lines, -----END CERTIFICATE-----",
        };
    const rest = pem.replace(BLOCK, "").trim();
    if (blocks.length !== 1 || rest || blocks[0][1] !== "CERTIFICATE" || blocks[0][3] !== "CERTIFICATE")
        return {
            ok: false,
            message: `is not one PEM certificate (found ${blocks.map(b => `BEGIN ${b[1]}`).join(", ")}${rest ? " and text outside it" : ""})`,
            hint: "one public certificate: -----BEGIN CERTIFICATE-----, its base64 lines, -----END CERTIFICATE-----",
        };
    const body = blocks[0][2].replace(/\s+/g, "");
    if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(body) || !body)
        return { ok: false, message: "is not well-formed base64 between the BEGIN and END CERTIFICATE lines", hint: "copy the PEM file as it is" };
    try {
        const cert = new X509Certificate(Buffer.from(body, "base64"));
        return { ok: true, notBefore: Date.parse(cert.validFrom), notAfter: Date.parse(cert.validTo), subject: cert.subject };
    } catch {
        return { ok: false, message: "does not parse as an X.509 certificate", hint: "a PEM public certificate, e.g. from openssl x509 -in cert.pem" };
    }
}
