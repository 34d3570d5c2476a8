package dev.slipway.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.json.RequestBody;
import dev.slipway.core.identity.Identity;
import dev.slipway.core.identity.Principal;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * What every {@code /api/v1} handler needs from a request: who is calling and the JSON body. Basic
 * (password or token), {@code token <PAT>}, {@code Bearer <PAT>}, or the {@code token} /
 * {@code access_token} query parameter, as Gitea accepts them.
 */
final class ApiRequests {
    /** The calling principal. {@code password} marks a password login (token creation requires one). */
    record Auth(Principal principal, boolean password) {}

    private final Identity identity;
    private final ObjectMapper json = new ObjectMapper();

    ApiRequests(Identity identity) {
        this.identity = identity;
    }

    Optional<Auth> auth(Context ctx) {
        String header = ctx.header("Authorization");
        if (header != null && !header.isBlank()) {
            int space = header.indexOf(' ');
            String type = space < 0 ? header : header.substring(0, space);
            String value = space < 0 ? "" : header.substring(space + 1).trim();
            if (type.equalsIgnoreCase("Basic")) {
                String decoded;
                try {
                    decoded = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw new SlipwayException.Unauthorized("malformed Basic credentials");
                }
                int colon = decoded.indexOf(':');
                if (colon < 0) {
                    throw new SlipwayException.Unauthorized("malformed Basic credentials");
                }
                String user = decoded.substring(0, colon);
                String secret = decoded.substring(colon + 1);
                boolean isToken = identity.authenticateToken(secret).isPresent();
                Principal p = identity.authenticate(user, secret)
                        .orElseThrow(() -> new SlipwayException.Unauthorized("invalid username, password or token"));
                return Optional.of(new Auth(p, !isToken));
            }
            if (type.equalsIgnoreCase("token") || type.equalsIgnoreCase("Bearer")) {
                return Optional.of(new Auth(identity.authenticateToken(value)
                        .orElseThrow(() -> new SlipwayException.Unauthorized("invalid or revoked token")), false));
            }
            throw new SlipwayException.Unauthorized("unsupported Authorization scheme '" + type + "'");
        }
        String q = ctx.queryParam("token") != null ? ctx.queryParam("token") : ctx.queryParam("access_token");
        if (q != null) {
            return Optional.of(new Auth(identity.authenticateToken(q)
                    .orElseThrow(() -> new SlipwayException.Unauthorized("invalid or revoked token")), false));
        }
        return Optional.empty();
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
