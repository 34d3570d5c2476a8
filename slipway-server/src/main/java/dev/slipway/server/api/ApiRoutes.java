package dev.slipway.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.json.RequestBody;
import dev.slipway.core.identity.Caller;
import dev.slipway.core.identity.Identity;
import dev.slipway.core.identity.Principal;
import dev.slipway.core.identity.Scope;
import dev.slipway.http.Callers;
import dev.slipway.http.Role;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;

/**
 * The REST API under {@code /api/v1}, in Gitea's shape where Gitea has the same thing, so that
 * users' scripts keep working. Who calls is resolved once per request by the server's pipeline
 * (Basic, {@code token <PAT>}, {@code Bearer <PAT>}, or the {@code token} query parameter), and each
 * route declares the {@link Role} it needs where it is registered.
 */
public final class ApiRoutes {
    private final Identity identity;
    private final ObjectMapper json = new ObjectMapper();

    public ApiRoutes(Identity identity) {
        this.identity = identity;
    }

    public void register(RoutesConfig routes) {
        routes.post("/api/v1/users/{user}/tokens", this::createToken, Role.SIGNED_IN);
        routes.get("/api/v1/users/{user}/tokens", this::listTokens, Role.SIGNED_IN);
        routes.delete("/api/v1/users/{user}/tokens/{token}", this::deleteToken, Role.SIGNED_IN);
        routes.get("/api/v1/user", this::currentUser, Role.SIGNED_IN);
        routes.post("/api/v1/orgs", this::createOrg, Role.SIGNED_IN);
        routes.put("/api/v1/orgs/{org}/members/{user}", this::addMember, Role.SIGNED_IN);
        routes.delete("/api/v1/orgs/{org}/members/{user}", this::removeMember, Role.SIGNED_IN);
        routes.get("/api/v1/orgs/{org}/members", this::listMembers, Role.SIGNED_IN);
        routes.post("/api/v1/admin/users", this::createUser, Role.SITE_ADMIN);
    }

    // ---- authentication

    /** The caller of a route that declared {@link Role#SIGNED_IN} or more: checked before the handler ran. */
    private static Caller requireAuth(Context ctx) {
        return Callers.of(ctx);
    }

    /** The authenticated caller, or 401: the authentication that route classes of other modules share. */
    public Principal principal(Context ctx) {
        return Callers.of(ctx).signedIn().principal();
    }

    /** The user themself (password login or admin-scoped token) or a site admin. */
    private Caller requireSelfOrAdmin(Context ctx, String user) {
        Caller a = requireAuth(ctx);
        boolean self = a.principal().username().equals(user) && (a.password() || a.principal().scopes().contains(Scope.ADMIN));
        if (!self && !a.principal().canAdminister()) {
            throw new SlipwayException.Forbidden("only '" + user + "' (with a password or an admin-scoped token) or a site admin may do this");
        }
        return a;
    }

    private JsonNode body(Context ctx, RequestBody.Fields fields) {
        return RequestBody.parse(ctx.bodyAsBytes(), fields).node();
    }

    /**
     * Gitea's request shapes (CreateUserOption, CreateAccessTokenOption, CreateOrgOption): scripts
     * written for Gitea send these fields, so they are accepted; the ones Slipway has no use for
     * (full_name, location, ...) are taken and not kept (docs/api.md lists them). Anything else is a 400.
     */
    static final RequestBody.Fields CREATE_USER = RequestBody.Fields.of("username", "password", "email", "admin", "full_name", "login_name",
            "must_change_password", "restricted", "send_notify", "source_id", "visibility", "created_at").alias("name", "username")
            .alias("user", "username");
    static final RequestBody.Fields CREATE_TOKEN = RequestBody.Fields.of("name", "scopes").alias("scope", "scopes");
    static final RequestBody.Fields CREATE_ORG = RequestBody.Fields.of("username", "name", "full_name", "description", "email", "location",
            "website", "visibility", "repo_admin_change_team_access");

    private void respond(Context ctx, int status, JsonNode node) {
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
        JsonNode b = body(ctx, CREATE_USER);
        String name = b.path("username").asText(null);
        Identity.User u = identity.createUser(name, b.path("password").asText(null), b.path("email").asText(null), b.path("admin").asBoolean(false));
        respond(ctx, 201, userJson(u));
    }

    private void createToken(Context ctx) {
        String user = ctx.pathParam("user");
        requireSelfOrAdmin(ctx, user);
        JsonNode b = body(ctx, CREATE_TOKEN);
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
        Caller a = requireAuth(ctx);
        Principal p = a.principal();
        if (!a.password() && !p.scopes().contains(Scope.ADMIN)) {
            throw new SlipwayException.Forbidden("creating an organization needs a password login or a token with the admin scope");
        }
        JsonNode b = body(ctx, CREATE_ORG);
        String name = b.hasNonNull("username") ? b.get("username").asText() : b.path("name").asText(null);
        identity.createOrg(name, p.siteAdmin() ? null : p.username());
        ObjectNode o = json.createObjectNode();
        o.put("username", name);
        o.put("name", name);
        respond(ctx, 201, o);
    }

    private void requireOrgManager(Context ctx, String org) {
        Caller a = requireAuth(ctx);
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
        if (!identity.inNamespace(p, org)) { // members and site admins; a job token only its own owner's
            throw new SlipwayException.Forbidden("only members of '" + org + "' may list its members");
        }
        ArrayNode arr = json.createArrayNode();
        identity.members(org).forEach(m -> arr.addObject().put("login", m).put("username", m));
        respond(ctx, 200, arr);
    }
}
