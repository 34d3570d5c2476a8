package dev.slipway.http;

import dev.slipway.core.SlipwayException;
import dev.slipway.core.identity.Caller;
import dev.slipway.core.identity.Principal;
import io.javalin.http.Context;
import io.javalin.security.RouteRole;

/**
 * What a route needs from its caller, declared where the route is registered:
 * {@code routes.get("/api/v1/admin/...", this::list, Role.SITE_ADMIN)}. The server's pipeline
 * checks it once, before the handler runs ({@code beforeMatched}), and answers a refusal in the
 * protocol's own format. A route without a role is open to anyone, signed in or not: its handler
 * decides on the resource (a public repository, an owner's namespace) with the caller it reads from
 * {@link Callers}.
 */
public enum Role implements RouteRole {
    /** Credentials that were accepted: a 401 without them (or with refused ones). */
    SIGNED_IN,
    /** A site admin with a password login or an admin-scoped token, never a job token: 401, then 403. */
    SITE_ADMIN;

    /** Throws the refusal when {@code caller} does not meet this role. */
    public void check(Caller caller, Context ctx) {
        Principal p = caller.signedIn().principal();
        if (this == SITE_ADMIN && !p.canAdminister()) {
            throw new SlipwayException.Forbidden(ctx.method() + " " + ctx.path()
                    + " needs a site admin (password login or admin-scoped token)");
        }
    }
}
