package dev.slipway.web;

import dev.slipway.core.identity.Principal;
import dev.slipway.core.identity.Sessions;
import io.javalin.http.Context;
import java.util.function.Function;

/**
 * Who makes a request to the UI: the one place the UI learns it. Every page, form and live
 * endpoint asks here, once per request (the answer is kept on the request).
 *
 * <p>Today {@link #sessionsThenApi} resolves the sign-in cookie itself and falls back to the API's
 * credentials (Basic, {@code token}, {@code Bearer}), so scripts reach the UI's JSON and event
 * streams with a token. The server-wide authentication pipeline replaces this with its own
 * resolver (it resolves a principal once per request for every route); the UI then keeps asking
 * here and needs no other change.
 */
@FunctionalInterface
public interface WebAuth {
    /** The caller, or {@link Principal#ANONYMOUS}. Throws the API's Unauthorized for credentials that are wrong. */
    Principal principal(Context ctx);

    /**
     * The session named by the {@value Web#SESSION_COOKIE} cookie when it is valid, else the API's
     * credentials (which give the anonymous principal when there are none).
     */
    static WebAuth sessionsThenApi(Sessions sessions, Function<Context, Principal> api) {
        return ctx -> {
            Principal cached = ctx.attribute(ATTRIBUTE);
            if (cached != null) {
                return cached;
            }
            String id = ctx.cookie(Web.SESSION_COOKIE);
            Principal p = id == null ? Principal.ANONYMOUS : sessions.resolve(id).orElse(Principal.ANONYMOUS);
            if (p.isAnonymous() && (ctx.header("Authorization") != null || ctx.queryParam("token") != null
                    || ctx.queryParam("access_token") != null)) {
                p = api.apply(ctx);
            }
            ctx.attribute(ATTRIBUTE, p);
            return p;
        };
    }

    /** The request attribute that holds the resolved principal. */
    String ATTRIBUTE = "slipway.web.principal";
}
