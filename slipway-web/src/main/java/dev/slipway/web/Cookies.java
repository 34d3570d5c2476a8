package dev.slipway.web;

import io.javalin.http.Context;

/**
 * Writes the UI's cookies: always HttpOnly (no script reads them), SameSite=Lax (sent on links from
 * other sites, never on their forms or fetches), Path=/, and Secure when the browser talks to
 * Slipway over TLS: the request came over https, a TLS proxy said so ({@code X-Forwarded-Proto}),
 * or the external URL is https.
 */
final class Cookies {
    private final boolean externalHttps;

    Cookies(String externalUrl) {
        this.externalHttps = externalUrl.startsWith("https://");
    }

    /** @param maxAgeSeconds -1 for a cookie that ends with the browser session, 0 to delete it */
    void set(Context ctx, String name, String value, long maxAgeSeconds) {
        StringBuilder c = new StringBuilder(name).append('=').append(value).append("; Path=/; HttpOnly; SameSite=Lax");
        if (maxAgeSeconds >= 0) {
            c.append("; Max-Age=").append(maxAgeSeconds);
        }
        if (secure(ctx)) {
            c.append("; Secure");
        }
        ctx.res().addHeader("Set-Cookie", c.toString());
    }

    void delete(Context ctx, String name) {
        set(ctx, name, "", 0);
    }

    boolean secure(Context ctx) {
        return externalHttps || ctx.req().isSecure() || "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"));
    }
}
