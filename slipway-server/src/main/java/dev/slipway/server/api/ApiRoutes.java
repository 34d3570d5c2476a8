package dev.slipway.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.identity.Identity;
import dev.slipway.core.identity.Principal;
import dev.slipway.core.identity.Scope;
import dev.slipway.registry.Registry;
import dev.slipway.registry.oci.Names;
import dev.slipway.registry.oci.RegistryException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The REST API under {@code /api/v1}, in Gitea's shape where Gitea has the same thing, so that
 * users' scripts keep working. Authentication: Basic (password or token), {@code token <PAT>},
 * {@code Bearer <PAT>}, or the {@code token}/{@code access_token} query parameter.
 */
public final class ApiRoutes {
    private final Identity identity;
    private final Registry registry;
    private final ObjectMapper json = new ObjectMapper();

    public ApiRoutes(Identity identity, Registry registry) {
        this.identity = identity;
        this.registry = registry;
    }

    public void register(RoutesConfig routes) {
        routes.post("/api/v1/users/{user}/tokens", this::createToken);
        routes.get("/api/v1/users/{user}/tokens", this::listTokens);
        routes.delete("/api/v1/users/{user}/tokens/{token}", this::deleteToken);
        routes.get("/api/v1/user", this::currentUser);
        routes.post("/api/v1/orgs", this::createOrg);
        routes.put("/api/v1/orgs/{org}/members/{user}", this::addMember);
        routes.delete("/api/v1/orgs/{org}/members/{user}", this::removeMember);
        routes.get("/api/v1/orgs/{org}/members", this::listMembers);
        routes.post("/api/v1/admin/users", this::createUser);
        routes.patch("/api/v1/packages/{owner}/container/<name>", this::setVisibility);
    }

    // ---- authentication

    /** The calling principal, or 401. Password logins are marked so token creation can require one. */
    record Auth(Principal principal, boolean password) {}

    private Optional<Auth> auth(Context ctx) {
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

    Auth requireAuth(Context ctx) {
        Optional<Auth> a = auth(ctx);
        if (a.isEmpty()) {
            ctx.header("WWW-Authenticate", "Basic realm=\"slipway\"");
            throw new SlipwayException.Unauthorized("authentication required");
        }
        return a.get();
    }

    /** The user themself (password login or admin-scoped token) or a site admin. */
    private Auth requireSelfOrAdmin(Context ctx, String user) {
        Auth a = requireAuth(ctx);
        boolean self = a.principal().username().equals(user) && (a.password() || a.principal().scopes().contains(Scope.ADMIN));
        if (!self && !a.principal().canAdminister()) {
            throw new SlipwayException.Forbidden("only '" + user + "' (with a password or an admin-scoped token) or a site admin may do this");
        }
        return a;
    }

    JsonNode body(Context ctx) {
        try {
            JsonNode n = json.readTree(ctx.body());
            if (n == null || !n.isObject()) {
                throw new SlipwayException.BadRequest("request body must be a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new SlipwayException.BadRequest("request body is not valid JSON: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
        }
    }

    void respond(Context ctx, int status, JsonNode node) {
        ctx.status(status).contentType("application/json").result(node.toString());
    }

    // ---- users and tokens

    private void currentUser(Context ctx) {
        Principal p = requireAuth(ctx).principal();
        Identity.User u = identity.user(p.username()).orElseThrow(() -> new SlipwayException.NotFound("user vanished"));
        respond(ctx, 200, userJson(u));
    }

    private ObjectNode userJson(Identity.User u) {
        ObjectNode o = json.createObjectNode();
        o.put("login", u.name());
        o.put("username", u.name());
        o.put("email", u.email());
        o.put("is_admin", u.admin());
        return o;
    }

    private void createUser(Context ctx) {
        Auth a = requireAuth(ctx);
        if (!a.principal().canAdminister()) {
            throw new SlipwayException.Forbidden("creating users needs a site admin");
        }
        JsonNode b = body(ctx);
        String name = b.path("username").asText(null);
        Identity.User u = identity.createUser(name, b.path("password").asText(null), b.path("email").asText(null), b.path("admin").asBoolean(false));
        respond(ctx, 201, userJson(u));
    }

    private void createToken(Context ctx) {
        String user = ctx.pathParam("user");
        requireSelfOrAdmin(ctx, user);
        JsonNode b = body(ctx);
        String name = b.path("name").asText(null);
        List<Scope> scopes = new ArrayList<>();
        JsonNode s = b.get("scopes");
        if (s == null || !s.isArray() || s.isEmpty()) {
            throw new SlipwayException.BadRequest("'scopes' must be a non-empty array, e.g. [\"read:package\", \"write:package\"]");
        }
        for (JsonNode n : s) {
            try {
                scopes.add(Scope.parse(n.asText()));
            } catch (IllegalArgumentException e) {
                throw new SlipwayException.BadRequest(e.getMessage());
            }
        }
        Identity.CreatedToken t = identity.createToken(user, name, scopes);
        ObjectNode o = tokenJson(t.info());
        o.put("sha1", t.secret());
        o.put("token", t.secret());
        respond(ctx, 201, o);
    }

    private ObjectNode tokenJson(Identity.TokenInfo info) {
        ObjectNode o = json.createObjectNode();
        o.put("id", info.id());
        o.put("name", info.name());
        o.put("sha1", "");
        o.put("token_last_eight", info.lastEight());
        ArrayNode arr = o.putArray("scopes");
        info.scopes().forEach(arr::add);
        o.put("created_at", java.time.Instant.ofEpochMilli(info.createdAt()).toString());
        if (info.lastUsedAt() != null) {
            o.put("last_used_at", java.time.Instant.ofEpochMilli(info.lastUsedAt()).toString());
        }
        return o;
    }

    private void listTokens(Context ctx) {
        String user = ctx.pathParam("user");
        requireSelfOrAdmin(ctx, user);
        ArrayNode arr = json.createArrayNode();
        identity.tokens(user).forEach(t -> arr.add(tokenJson(t)));
        respond(ctx, 200, arr);
    }

    private void deleteToken(Context ctx) {
        String user = ctx.pathParam("user");
        requireSelfOrAdmin(ctx, user);
        identity.deleteToken(user, ctx.pathParam("token"));
        ctx.status(204);
    }

    // ---- organizations

    private void createOrg(Context ctx) {
        Auth a = requireAuth(ctx);
        Principal p = a.principal();
        if (!a.password() && !p.scopes().contains(Scope.ADMIN)) {
            throw new SlipwayException.Forbidden("creating an organization needs a password login or a token with the admin scope");
        }
        JsonNode b = body(ctx);
        String name = b.hasNonNull("username") ? b.get("username").asText() : b.path("name").asText(null);
        identity.createOrg(name, p.siteAdmin() ? null : p.username());
        ObjectNode o = json.createObjectNode();
        o.put("username", name);
        o.put("name", name);
        respond(ctx, 201, o);
    }

    private void requireOrgManager(Context ctx, String org) {
        Auth a = requireAuth(ctx);
        Principal p = a.principal();
        boolean member = identity.isMember(org, p.username()) && (a.password() || p.scopes().contains(Scope.ADMIN));
        if (!member && !p.canAdminister()) {
            throw new SlipwayException.Forbidden("only members of '" + org + "' (password or admin-scoped token) or a site admin may manage its members");
        }
    }

    private void addMember(Context ctx) {
        String org = ctx.pathParam("org");
        requireOrgManager(ctx, org);
        identity.addMember(org, ctx.pathParam("user"));
        ctx.status(204);
    }

    private void removeMember(Context ctx) {
        String org = ctx.pathParam("org");
        requireOrgManager(ctx, org);
        identity.removeMember(org, ctx.pathParam("user"));
        ctx.status(204);
    }

    private void listMembers(Context ctx) {
        String org = ctx.pathParam("org");
        Principal p = requireAuth(ctx).principal();
        if (!identity.isMember(org, p.username()) && !p.siteAdmin()) {
            throw new SlipwayException.Forbidden("only members of '" + org + "' may list its members");
        }
        ArrayNode arr = json.createArrayNode();
        identity.members(org).forEach(m -> arr.addObject().put("login", m).put("username", m));
        respond(ctx, 200, arr);
    }

    // ---- packages

    private void setVisibility(Context ctx) {
        String owner = ctx.pathParam("owner");
        String repository = owner + "/" + ctx.pathParam("name");
        try {
            Names.checkRepository(repository);
        } catch (RegistryException e) {
            throw new SlipwayException.BadRequest(e.getMessage());
        }
        Principal p = requireAuth(ctx).principal();
        if (!identity.canManage(p, owner)) {
            throw new SlipwayException.Forbidden("only '" + owner + "' (or its members) with write:package may change " + repository);
        }
        JsonNode b = body(ctx);
        boolean isPublic;
        if (b.has("public") && b.get("public").isBoolean()) {
            isPublic = b.get("public").asBoolean();
        } else if (b.has("visibility") && b.get("visibility").isTextual()) {
            String v = b.get("visibility").asText();
            if (!v.equals("public") && !v.equals("private")) {
                throw new SlipwayException.BadRequest("visibility must be 'public' or 'private'");
            }
            isPublic = v.equals("public");
        } else {
            throw new SlipwayException.BadRequest("send {\"visibility\": \"public\"|\"private\"} or {\"public\": true|false}");
        }
        if (!registry.metadata().setPublic(repository, isPublic)) {
            throw new SlipwayException.NotFound("package '" + repository + "' does not exist (push it first)");
        }
        ObjectNode o = json.createObjectNode();
        o.put("name", repository);
        o.put("visibility", isPublic ? "public" : "private");
        respond(ctx, 200, o);
    }
}
