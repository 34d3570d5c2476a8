package dev.slipway.ci.workspace;

import java.nio.charset.StandardCharsets;

/**
 * HTTP Basic credentials for an http(s) repository, from the secret its {@code credentials} names:
 * {@code user:token}, or a bare token, sent with the user {@value #TOKEN_USER} (Gitea, Forgejo,
 * GitHub and GitLab take a token as the password of any user name). Surrounding whitespace, such
 * as the newline at the end of a token file, is not part of the value.
 */
public record HttpCredentials(String username, String password) {
    public static final String TOKEN_USER = "x-access-token";

    public HttpCredentials {
        if (username == null || username.isEmpty() || password == null) {
            throw new IllegalArgumentException("credentials need a user name and a password or token");
        }
    }

    /** Parses a secret's value; no exception message contains the value. */
    public static HttpCredentials parse(byte[] secret) {
        String v = new String(secret, StandardCharsets.UTF_8).strip();
        if (v.isEmpty()) {
            throw new IllegalArgumentException("the secret is empty; store user:token or a token");
        }
        int colon = v.indexOf(':');
        if (colon < 0) {
            return new HttpCredentials(TOKEN_USER, v);
        }
        return new HttpCredentials(colon == 0 ? TOKEN_USER : v.substring(0, colon), v.substring(colon + 1));
    }

    @Override
    public String toString() {
        return "HttpCredentials[" + username + ":***]";
    }
}
