package dev.slipway.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.json.RequestBody;
import dev.slipway.core.identity.Caller;
import dev.slipway.core.identity.Identity;
import dev.slipway.core.identity.Principal;
import dev.slipway.server.http.Authentication;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * What every {@code /api/v1} handler needs from a request: who is calling (resolved once per request
 * by {@link Authentication}) and the JSON body.
 */
final class ApiRequests {
    /** The calling principal. {@code password} marks a password login (token creation requires one). */
    record Auth(Principal principal, boolean password) {}

    private final Identity identity;
    private final ObjectMapper json = new ObjectMapper();

    ApiRequests(Identity identity) {
        this.identity = identity;
    }

    /** The caller the pipeline resolved (see {@link Authentication}); empty without credentials, a 401 for refused ones. */
    Optional<Auth> auth(Context ctx) {
        Caller c = Authentication.caller(ctx);
        if (c.isRefused()) {
            throw new SlipwayException.Unauthorized(c.refusal());
        }
        return c.principal().isAnonymous() ? Optional.empty() : Optional.of(new Auth(c.principal(), c.password()));
    }

    /** The caller, or the anonymous principal. */
    Principal principal(Context ctx) {
        return auth(ctx).map(Auth::principal).orElse(Principal.ANONYMOUS);
    }

    Auth requireAuth(Context ctx) {
        Optional<Auth> a = auth(ctx);
        if (a.isEmpty()) {
            ctx.header("WWW-Authenticate", "Basic realm=\"slipway\"");
            throw new SlipwayException.Unauthorized("authentication required");
        }
        return a.get();
    }

    /** A site admin with a password login or an admin-scoped token. */
    Principal requireSiteAdmin(Context ctx, String what) {
        Principal p = requireAuth(ctx).principal();
        if (!p.canAdminister()) {
            throw new SlipwayException.Forbidden(what + " needs a site admin (password login or admin-scoped token)");
        }
        return p;
    }

    /** The JSON object the request sends; a field outside {@code fields} is a 400 that names it (see {@link RequestBody}). */
    JsonNode body(Context ctx, RequestBody.Fields fields) {
        return RequestBody.parse(ctx.bodyAsBytes(), fields).node();
    }

    ObjectMapper json() {
        return json;
    }

    static void respond(Context ctx, int status, JsonNode node) {
        ctx.status(status).contentType("application/json").result(node.toString());
    }
}
