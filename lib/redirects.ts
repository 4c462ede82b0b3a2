/**
 * Redirect URIs, judged as Microsoft Entra documents them ("Redirect URI (reply URL) best practices and limitations",
 * https://learn.microsoft.com/en-us/entra/identity-platform/reply-url): https only, with an exception for localhost
 * (http on the loopback interface, for native apps and local development); no wildcards; at most 256 characters; no
 * ! $ ' ( ) , ; characters. And as any OAuth client should be (RFC 9700, RFC 8252): no userinfo, no fragment, custom
 * schemes for native (public client) apps only. Parsed with the WHATWG URL parser, the one browsers use, so that what
 * is judged is what a browser would navigate to: `http://localhost:@evil.example` is evil.example, not loopback.
 * Pure: the stack config validation (exit 2) and the policy pack (raw programs) both call it.
 */

/** Where a redirect URI is registered: the app registration's platforms. */
export type RedirectPlatform = "Web" | "SPA" | "PublicClient";

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);
/** Schemes that run code or read local data in a browser: never a redirect target, not even for a native app. */
const NEVER = new Set(["javascript:", "data:", "vbscript:", "file:", "blob:", "about:", "filesystem:"]);
const MAX_LENGTH = 256;

export interface RedirectProblem {
    /** what is wrong, after the URI */
    message: string;
    /** what is meant */
    hint: string;
}

/** Why a redirect URI may not be registered on this platform, or undefined when it may. */
export function redirectUriProblem(uri: string, platform: RedirectPlatform): RedirectProblem | undefined {
    const native = platform === "PublicClient";
    const accepted = native
        ? "https://, http:// on localhost, 127.0.0.1 or [::1], or an app's own scheme such as myapp://auth"
        : "https://, or http:// on localhost, 127.0.0.1 or [::1] while developing";
    const problem = (message: string, hint = accepted) => ({ message, hint });
    // The URL parser drops tabs and newlines and trims spaces; judge the string as written, not a cleaned-up one.
    if (/[\u0000-\u0020\u007f-\u009f]/.test(uri)) return problem("contains whitespace or control characters");
    if (uri.length > MAX_LENGTH) return problem(`is ${uri.length} characters long; Entra accepts at most ${MAX_LENGTH}`);
    if (/\*|%2a/i.test(uri)) return problem("contains a wildcard (*), which would accept any host or path it matches", "register each exact redirect URI");
    if (uri.includes("\\")) return problem("contains a backslash, which browsers read as / and other parsers do not", "write / (or %5C inside a path)");
    if (/[!$'(),;]/.test(uri)) return problem("contains a character Entra does not support in redirect URIs (! $ ' ( ) , ;)");
    let url: URL;
    try {
        url = new URL(uri);
    } catch {
        return problem("is not an absolute URL");
    }
    if (uri.includes("#") || url.hash) return problem("has a fragment (#...), which the authorization response would overwrite or leak", "remove the fragment");
    // userinfo makes the part before "@" look like the host: http://localhost:@evil.example goes to evil.example.
    const authority = /^[a-z][a-z0-9+.-]*:(?:\/\/)?([^/?#]*)/i.exec(uri)?.[1] ?? "";
    if (url.username || url.password || authority.includes("@"))
        return problem(
            `has a user name or password before "@", so it goes to ${url.host || "another host"}, not what it shows`,
            "remove everything up to and including the @",
        );
    if (url.protocol === "https:") return url.hostname ? undefined : problem("names no host");
    if (url.protocol === "http:") {
        if (LOOPBACK_HOSTS.has(url.hostname)) return undefined;
        return problem(`uses http:// on ${url.hostname}, which is not the loopback interface: tokens and codes would cross the network in clear text`);
    }
    if (NEVER.has(url.protocol)) return problem(`uses the ${url.protocol} scheme, which is never a redirect target`);
    if (!native) return problem(`uses the custom scheme ${url.protocol}//, which only a native (public client) app may register`);
    return undefined;
}

/** Config kind -> the platform its redirect URIs are registered on (components/registration.ts registers them so). */
export const REDIRECT_PLATFORM = { web: "Web", api: "Web", daemon: "Web", spa: "SPA", native: "PublicClient" } as const satisfies Record<
    string,
    RedirectPlatform
>;
