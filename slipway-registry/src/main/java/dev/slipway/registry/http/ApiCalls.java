package dev.slipway.registry.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.identity.Caller;
import dev.slipway.core.identity.Principal;
import dev.slipway.core.json.RequestBody;
import io.javalin.http.Context;

/**
 * What the registry's routes read from a request: the caller the server's authentication pipeline
 * resolved before any route ran ({@link Caller#ATTRIBUTE}), and for the JSON API under
 * {@code /api/v1} its body and answers.
 */
final class ApiCalls {
    static final ObjectMapper JSON = new ObjectMapper();

    private ApiCalls() {}

    static Caller caller(Context ctx) {
        Caller caller = ctx.attribute(Caller.ATTRIBUTE);
        if (caller == null) {
            throw new IllegalStateException("no caller on " + ctx.path() + ": the authentication pipeline did not run");
        }
        return caller;
    }

    /** A site admin with a password login or an admin-scoped token; {@code what} names the refused act. */
    static Principal requireSiteAdmin(Context ctx, String what) {
        Principal p = caller(ctx).signedIn().principal();
        if (!p.canAdminister()) {
            throw new SlipwayException.Forbidden(what);
        }
        return p;
    }

    /** The JSON object the request sends; a field outside {@code fields} is a 400 that names it (see {@link RequestBody}). */
    static JsonNode body(Context ctx, RequestBody.Fields fields) {
        return RequestBody.parse(ctx.bodyAsBytes(), fields).node();
    }

    static void respond(Context ctx, int status, JsonNode node) {
        ctx.status(status).contentType("application/json").result(node.toString());
    }
}
