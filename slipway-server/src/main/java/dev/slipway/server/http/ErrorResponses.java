package dev.slipway.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.ci.secret.MissingSecretException;
import dev.slipway.core.SlipwayException;
import dev.slipway.registry.http.OciErrors;
import dev.slipway.web.Web;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Typed exceptions mapped to HTTP once, in the protocol's own error format: OCI error JSON on
 * {@code /v2/} ({@link OciErrors}; the registry's own {@code RegistryException} is mapped by its
 * routes, with their token challenge), an error page for a browser on a UI page, and elsewhere the
 * API's problem body, Gitea's {@code {"message": ...}}. A handler never writes an error status itself.
 */
public final class ErrorResponses {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Web web;

    public ErrorResponses(Web web) {
        this.web = web;
    }

    public void register(RoutesConfig routes) {
        routes.exception(SlipwayException.class, (e, ctx) -> answer(ctx, e.status(), e.getMessage()));
        // Javalin's own errors (413 over maxRequestSize, 404 unknown endpoint, 405) are otherwise text/plain.
        routes.exception(HttpResponseException.class, (e, ctx) -> answer(ctx, e.getStatus(), e.getMessage()));
        routes.exception(IllegalArgumentException.class, (e, ctx) -> answer(ctx, 400, e.getMessage()));
        routes.exception(MissingSecretException.class, (e, ctx) -> answer(ctx, 422, e.getMessage()));
        routes.exception(Exception.class, (e, ctx) -> {
            LOG.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
            answer(ctx, 500, "internal error: " + e.getClass().getSimpleName());
        });
    }

    /** An error in the format of the protocol the request speaks (see the class). */
    public void answer(Context ctx, int status, String message) {
        if (Web.isPage(ctx)) {
            web.errorPage(ctx, status, message);
        } else if (ctx.path().startsWith("/v2")) {
            OciErrors.write(ctx, status, OciErrors.code(status), message, Map.of());
        } else {
            problem(ctx, status, message);
        }
    }

    /**
     * The API's problem body, {@code {"message": ...}} as Gitea answers; HEAD answers carry no body.
     * A 401 of the API names the credentials it takes (not one of the UI's JSON or event streams: a
     * browser would ask for a password in a dialog of its own).
     */
    public static void problem(Context ctx, int status, String message) {
        ctx.status(status);
        if (status == 401 && ctx.path().startsWith("/api/")) {
            ctx.header("WWW-Authenticate", "Basic realm=\"slipway\"");
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("message", message);
        ctx.contentType("application/json");
        if (ctx.method() != HandlerType.HEAD) {
            ctx.result(body.toString());
        }
    }
}
