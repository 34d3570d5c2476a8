package dev.slipway.web;

import dev.slipway.core.identity.Principal;
import io.javalin.http.Context;

/**
 * Who makes a request to the UI: the one place the UI learns it. The server's authentication
 * pipeline resolves the caller once per request (the sign-in cookie {@value Web#SESSION_COOKIE},
 * else the API's credentials, so scripts reach the UI's JSON and event streams with a token) and
 * keeps it on the request; this reads it from there.
 */
@FunctionalInterface
public interface WebAuth {
    /** The caller, or {@link Principal#ANONYMOUS}. Throws the API's Unauthorized for credentials that are wrong. */
    Principal principal(Context ctx);
}
