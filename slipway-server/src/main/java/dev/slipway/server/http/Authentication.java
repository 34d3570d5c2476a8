package dev.slipway.server.http;

import dev.slipway.core.identity.Caller;
import dev.slipway.core.identity.Identity;
import dev.slipway.core.identity.Principal;
import dev.slipway.core.identity.Sessions;
import dev.slipway.registry.http.RegistryTokens;
import dev.slipway.web.Web;
import dev.slipway.http.Callers;
import dev.slipway.http.Role;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.security.RouteRole;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Resolves who makes a request once, in one {@code before} handler, and keeps it on the request as
 * a {@link Caller}; every route reads it from there ({@link #caller}). Each protocol keeps the
 * credentials its clients send, with its own words for a refusal:
 * <ul>
 * <li>{@code /v2/} (docker, podman, skopeo): Basic (password or token), a registry JWT from
 *     {@code /v2/token} as Bearer, or a personal access token as Bearer or {@code token}.</li>
 * <li>{@code /api/} (Gitea's and Woodpecker's clients): Basic (password or token), a personal access
 *     token as {@code token} or Bearer, or the {@code token}/{@code access_token} query parameter.
 *     The sign-in cookie is not a credential there: a form on another site cannot call the API.</li>
 * <li>the UI's pages: the sign-in cookie ({@link Web#SESSION_COOKIE}); without a valid one, the
 *     API's credentials, so scripts read the UI's JSON and event streams with a token.</li>
 * </ul>
 */
public final class Authentication {
    private final Identity identity;
    private final Sessions sessions;
    private final RegistryTokens registryTokens;

    public Authentication(Identity identity, Sessions sessions, RegistryTokens registryTokens) {
        this.identity = identity;
        this.sessions = sessions;
        this.registryTokens = registryTokens;
    }

    /**
     * Resolves the caller before every request ({@code before}), and checks the {@link Role}s the
     * matched route declared before its handler runs ({@code beforeMatched}); a refusal is thrown,
     * so the server's one exception mapping answers it in the protocol's format.
     */
    public void register(RoutesConfig routes) {
        routes.before(ctx -> ctx.attribute(Caller.ATTRIBUTE, resolve(ctx)));
        routes.beforeMatched(ctx -> {
            for (RouteRole role : ctx.routeRoles()) {
                if (role instanceof Role r) {
                    r.check(caller(ctx), ctx);
                }
            }
        });
    }

    /** The caller the pipeline resolved for this request. */
    public static Caller caller(Context ctx) {
        return Callers.of(ctx);
    }

    /** The principal (anonymous without credentials); credentials that were refused are a 401. */
    public static Principal principal(Context ctx) {
        return caller(ctx).accepted();
    }

    private Caller resolve(Context ctx) {
        String path = ctx.path();
        if (path.equals("/v2") || path.startsWith("/v2/")) {
            return registry(ctx);
        }
        if (!path.startsWith("/api/")) {
            String id = ctx.cookie(Web.SESSION_COOKIE);
            Optional<Principal> session = id == null ? Optional.empty() : sessions.resolve(id);
            if (session.isPresent()) {
                return Caller.of(session.get(), true);
            }
        }
        return api(ctx);
    }

    private Caller api(Context ctx) {
        Header h = Header.of(ctx);
        if (h != null) {
            if (h.type().equalsIgnoreCase("Basic")) {
                String[] pair = basic(h.value());
                if (pair == null) {
                    return Caller.refused("malformed Basic credentials");
                }
                boolean isToken = identity.authenticateToken(pair[1]).isPresent();
                return identity.authenticate(pair[0], pair[1]).map(p -> Caller.of(p, !isToken))
                        .orElse(Caller.refused("invalid username, password or token"));
            }
            if (h.type().equalsIgnoreCase("token") || h.type().equalsIgnoreCase("Bearer")) {
                return token(h.value(), "invalid or revoked token");
            }
            return Caller.refused("unsupported Authorization scheme '" + h.type() + "'");
        }
        String q = ctx.queryParam("token") != null ? ctx.queryParam("token") : ctx.queryParam("access_token");
        return q == null ? Caller.ANONYMOUS : token(q, "invalid or revoked token");
    }

    private Caller registry(Context ctx) {
        Header h = Header.of(ctx);
        if (h == null) {
            return Caller.ANONYMOUS;
        }
        if (h.type().equalsIgnoreCase("Basic")) {
            String[] pair = basic(h.value());
            Optional<Principal> p = pair == null ? Optional.empty() : identity.authenticate(pair[0], pair[1]);
            return p.map(principal -> Caller.of(principal, false)).orElse(Caller.refused("invalid username, password or token"));
        }
        if (h.type().equalsIgnoreCase("Bearer") || h.type().equalsIgnoreCase("token")) {
            Optional<RegistryTokens.Grant> grant = h.type().equalsIgnoreCase("Bearer") ? registryTokens.verify(h.value()) : Optional.empty();
            if (grant.isPresent()) {
                Principal.Job job = grant.get().principal().job();
                if (job != null && !identity.jobTokens().active(job.id())) {
                    return Caller.refused("the token was issued to run " + job.run() + " of " + job.repository() + ", which has ended");
                }
                return new Caller(grant.get().principal(), false,
                        new Caller.Grant(grant.get().repositories(), grant.get().catalog()), null);
            }
            return token(h.value(), "invalid or expired token");
        }
        return Caller.refused("unsupported Authorization scheme '" + h.type() + "' (use Basic or Bearer)");
    }

    private Caller token(String secret, String refusal) {
        return identity.authenticateToken(secret).map(p -> Caller.of(p, false)).orElse(Caller.refused(refusal));
    }

    /** {@code user:secret} of Basic credentials, or null when they are not Base64 of that. */
    private static String[] basic(String encoded) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        return colon < 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
    }

    /** The Authorization header's scheme and value; null when there is none. */
    private record Header(String type, String value) {
        static Header of(Context ctx) {
            String header = ctx.header("Authorization");
            if (header == null || header.isBlank()) {
                return null;
            }
            int space = header.indexOf(' ');
            return new Header(space < 0 ? header : header.substring(0, space), space < 0 ? "" : header.substring(space + 1).trim());
        }
    }
}
