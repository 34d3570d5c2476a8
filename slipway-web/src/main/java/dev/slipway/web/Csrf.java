package dev.slipway.web;

import dev.slipway.core.Ids;
import dev.slipway.core.SlipwayException;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Tokens against cross-site request forgery: every form carries {@value #FIELD}, and every POST
 * from a browser must bring it back.
 *
 * <p>The token is a hash of the browser's secret cookie: the session id once signed in, before
 * that a random {@value #PRE_SESSION_COOKIE} cookie (so the sign-in form is covered too). Another
 * site can make the browser send the cookie, but cannot read it or the page, so it cannot know the
 * token. Nothing is stored: the token follows from the cookie, and the cookie's id is never
 * derivable from the token. A request without cookies but with an Authorization header (a script
 * with a token) needs none: browsers never add that header on their own.
 */
final class Csrf {
    static final String FIELD = "_csrf";
    static final String PRE_SESSION_COOKIE = "slipway_csrf";

    private final Cookies cookies;

    Csrf(Cookies cookies) {
        this.cookies = cookies;
    }

    /** The token for this request's forms; sets the pre-session cookie when the browser has no cookie yet. */
    String token(Context ctx) {
        String secret = ctx.cookie(Web.SESSION_COOKIE);
        if (secret == null) {
            secret = ctx.attribute(PRE_SESSION_COOKIE);
        }
        if (secret == null) {
            secret = ctx.cookie(PRE_SESSION_COOKIE);
        }
        if (secret == null) {
            secret = Ids.randomHex(32);
            cookies.set(ctx, PRE_SESSION_COOKIE, secret, -1);
            ctx.attribute(PRE_SESSION_COOKIE, secret); // a second form on the same page gets the same token
        }
        return tokenFor(secret);
    }

    /** Refuses (403) a browser's POST whose form does not carry the token of its cookie. */
    void check(Context ctx) {
        String secret = ctx.cookie(Web.SESSION_COOKIE);
        if (secret == null) {
            secret = ctx.cookie(PRE_SESSION_COOKIE);
        }
        if (secret == null && ctx.header("Authorization") != null) {
            return;
        }
        String given = ctx.formParam(FIELD);
        if (secret == null || given == null
                || !MessageDigest.isEqual(tokenFor(secret).getBytes(StandardCharsets.US_ASCII), given.getBytes(StandardCharsets.UTF_8))) {
            throw new SlipwayException.Forbidden("the form has expired or did not come from this site; reload the page and try again");
        }
    }

    static String tokenFor(String secret) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(("slipway-csrf\u0000" + secret).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
