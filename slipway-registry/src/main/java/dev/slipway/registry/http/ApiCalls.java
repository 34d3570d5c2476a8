package dev.slipway.registry.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.core.json.RequestBody;
import io.javalin.http.Context;

/**
 * The JSON API's bodies and answers under {@code /api/v1}, for the registry's routes.
 */
final class ApiCalls {
    static final ObjectMapper JSON = new ObjectMapper();

    private ApiCalls() {}

    /** The JSON object the request sends; a field outside {@code fields} is a 400 that names it (see {@link RequestBody}). */
    static JsonNode body(Context ctx, RequestBody.Fields fields) {
        return RequestBody.parse(ctx.bodyAsBytes(), fields).node();
    }

    static void respond(Context ctx, int status, JsonNode node) {
        ctx.status(status).contentType("application/json").result(node.toString());
    }
}
