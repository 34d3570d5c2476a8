package dev.slipway.ci.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.ci.secret.DeployKey;
import dev.slipway.ci.secret.DeployKeys;
import dev.slipway.ci.secret.SecretInfo;
import dev.slipway.ci.secret.SecretScope;
import dev.slipway.ci.secret.Secrets;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.json.RequestBody;
import dev.slipway.core.identity.Identity;
import dev.slipway.core.identity.Principal;
import dev.slipway.core.identity.Scope;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * Secrets and deploy keys under {@code /api/v1}. Secrets use Gitea's Actions secrets shape
 * ({@code PUT .../actions/secrets/{name}} with {@code {"data": "..."}}; 201 created, 204
 * replaced), so Gitea scripts work; values are write-only and no response carries one.
 *
 * <p>Managing an owner's secrets or keys needs the owner itself, a member of the organization, or
 * a site admin, each with a password login or an {@code admin}-scoped token: a
 * {@code write:package} token (what CI jobs and docker logins hold) must not read or plant
 * secrets. Global secrets are for site admins only.
 */
public final class SecretRoutes {
    private final Secrets secrets;
    private final DeployKeys keys;
    private final Identity identity;
    private final Function<Context, Principal> authenticate;
    private final ObjectMapper json = new ObjectMapper();

    /** @param authenticate the API's authentication: the caller, or a 401 when there are no credentials */
    public SecretRoutes(Secrets secrets, DeployKeys keys, Identity identity, Function<Context, Principal> authenticate) {
        this.secrets = secrets;
        this.keys = keys;
        this.identity = identity;
        this.authenticate = authenticate;
    }

    public void register(RoutesConfig routes) {
        // Gitea's paths, plus /repos/{owner}/{repo}/secrets as a shorter alias.
        for (String repo : List.of("/api/v1/repos/{owner}/{repo}/actions/secrets", "/api/v1/repos/{owner}/{repo}/secrets")) {
            routes.get(repo, ctx -> list(ctx, repoScope(ctx)));
            routes.put(repo + "/{name}", ctx -> put(ctx, repoScope(ctx)));
            routes.delete(repo + "/{name}", ctx -> delete(ctx, repoScope(ctx)));
        }
        routes.get("/api/v1/orgs/{org}/actions/secrets", ctx -> list(ctx, orgScope(ctx)));
        routes.put("/api/v1/orgs/{org}/actions/secrets/{name}", ctx -> put(ctx, orgScope(ctx)));
        routes.delete("/api/v1/orgs/{org}/actions/secrets/{name}", ctx -> delete(ctx, orgScope(ctx)));
        routes.get("/api/v1/user/actions/secrets", ctx -> list(ctx, userScope(ctx)));
        routes.put("/api/v1/user/actions/secrets/{name}", ctx -> put(ctx, userScope(ctx)));
        routes.delete("/api/v1/user/actions/secrets/{name}", ctx -> delete(ctx, userScope(ctx)));
        routes.get("/api/v1/admin/actions/secrets", ctx -> list(ctx, globalScope(ctx)));
        routes.put("/api/v1/admin/actions/secrets/{name}", ctx -> put(ctx, globalScope(ctx)));
        routes.delete("/api/v1/admin/actions/secrets/{name}", ctx -> delete(ctx, globalScope(ctx)));

        routes.post("/api/v1/keys", this::createKey);
        routes.get("/api/v1/keys/{owner}", this::listKeys);
        routes.get("/api/v1/keys/{owner}/{name}", this::getKey);
        routes.delete("/api/v1/keys/{owner}/{name}", this::deleteKey);
    }

    // ---- scopes, each after its permission check

    private SecretScope repoScope(Context ctx) {
        requireManager(ctx, ctx.pathParam("owner"));
        return SecretScope.repository(ctx.pathParam("owner"), ctx.pathParam("repo"));
    }

    private SecretScope orgScope(Context ctx) {
        String org = ctx.pathParam("org");
        requireManager(ctx, org);
        if (identity.ownerKind(org).orElse(null) != Identity.OwnerKind.ORG) {
            throw new SlipwayException.NotFound("organization '" + org + "' does not exist");
        }
        return SecretScope.owner(org);
    }

    private SecretScope userScope(Context ctx) {
        Principal p = requireAdminScope(ctx);
        return SecretScope.owner(p.username());
    }

    private SecretScope globalScope(Context ctx) {
        if (!authenticate.apply(ctx).canAdminister()) {
            throw new SlipwayException.Forbidden("global secrets need a site admin with a password or an admin-scoped token");
        }
        return SecretScope.global();
    }

    private Principal requireAdminScope(Context ctx) {
        Principal p = authenticate.apply(ctx);
        if (!p.scopes().contains(Scope.ADMIN)) {
            throw new SlipwayException.Forbidden("secrets and deploy keys need a password login or an admin-scoped token; "
                    + "a package token is not enough");
        }
        return p;
    }

    private Principal requireManager(Context ctx, String owner) {
        Principal p = requireAdminScope(ctx);
        if (!identity.canManage(p, owner)) {
            throw new SlipwayException.Forbidden("only '" + owner + "' (or a member, for an organization) or a site admin "
                    + "may manage its secrets and deploy keys");
        }
        return p;
    }

    // ---- secrets

    private void list(Context ctx, SecretScope scope) {
        ArrayNode arr = json.createArrayNode();
        for (SecretInfo s : secrets.list(scope)) {
            arr.addObject().put("name", s.name()).put("scope", s.scope().wireName())
                    .put("created_at", Instant.ofEpochMilli(s.createdAt()).toString())
                    .put("updated_at", Instant.ofEpochMilli(s.updatedAt()).toString());
        }
        respond(ctx, 200, arr);
    }

    private void put(Context ctx, SecretScope scope) {
        // description: Gitea's API takes it (since 1.22); Slipway accepts it and keeps no text with a secret.
        JsonNode body = RequestBody.parse(ctx.bodyAsBytes(), "data", "data_base64", "description").node();
        byte[] value;
        if (body.path("data").isTextual()) {
            value = body.get("data").asText().getBytes(StandardCharsets.UTF_8);
        } else if (body.path("data_base64").isTextual()) {
            try {
                value = Base64.getDecoder().decode(body.get("data_base64").asText());
            } catch (IllegalArgumentException e) {
                throw new SlipwayException.BadRequest("'data_base64' is not valid base64");
            }
        } else {
            throw new SlipwayException.BadRequest("send {\"data\": \"<value>\"} (or {\"data_base64\": \"...\"} for bytes)");
        }
        ctx.status(secrets.put(scope, ctx.pathParam("name"), value) ? 201 : 204);
    }

    private void delete(Context ctx, SecretScope scope) {
        secrets.delete(scope, ctx.pathParam("name"));
        ctx.status(204);
    }

    // ---- deploy keys

    private void createKey(Context ctx) {
        Principal p = requireAdminScope(ctx);
        JsonNode body = RequestBody.parse(ctx.bodyAsBytes(), "owner", "name").node();
        String owner = body.path("owner").isTextual() ? body.get("owner").asText() : p.username();
        requireManager(ctx, owner);
        respond(ctx, 201, keyJson(keys.create(owner, body.path("name").asText(null))));
    }

    private void listKeys(Context ctx) {
        String owner = ctx.pathParam("owner");
        requireManager(ctx, owner);
        ArrayNode arr = json.createArrayNode();
        keys.list(owner).forEach(k -> arr.add(keyJson(k)));
        respond(ctx, 200, arr);
    }

    private void getKey(Context ctx) {
        String owner = ctx.pathParam("owner");
        requireManager(ctx, owner);
        String name = ctx.pathParam("name");
        ObjectNode o = keyJson(keys.get(owner, name));
        ArrayNode used = o.putArray("used_by");
        keys.references(owner, name).forEach(used::add);
        respond(ctx, 200, o);
    }

    private void deleteKey(Context ctx) {
        String owner = ctx.pathParam("owner");
        requireManager(ctx, owner);
        keys.delete(owner, ctx.pathParam("name"), "true".equals(ctx.queryParam("force")));
        ctx.status(204);
    }

    private ObjectNode keyJson(DeployKey k) {
        return json.createObjectNode().put("owner", k.owner()).put("name", k.name()).put("public_key", k.publicKey())
                .put("fingerprint", k.fingerprint()).put("created_at", Instant.ofEpochMilli(k.createdAt()).toString());
    }

    // ---- JSON

    private static void respond(Context ctx, int status, JsonNode node) {
        ctx.status(status).contentType("application/json").result(node.toString());
    }
}
