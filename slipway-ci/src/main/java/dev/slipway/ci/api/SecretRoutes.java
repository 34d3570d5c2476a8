package dev.slipway.ci.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.ci.secret.DeployKey;
import dev.slipway.ci.secret.DeployKeys;
import dev.slipway.ci.secret.Environments;
import dev.slipway.ci.secret.SecretInfo;
import dev.slipway.ci.secret.SecretScope;
import dev.slipway.ci.secret.Secrets;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.json.RequestBody;
import dev.slipway.core.identity.Identity;
import dev.slipway.core.identity.Principal;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.function.Function;

/**
 * Secrets and deploy keys under {@code /api/v1}. Secrets use Gitea's Actions secrets shape
 * ({@code PUT .../actions/secrets/{name}} with {@code {"data": "..."}}; 201 created, 204
 * replaced), so Gitea scripts work; values are write-only and no response carries one.
 *
 * <p>Managing an owner's secrets or keys needs the owner itself, a member of the organization, or
 * a site admin, each with a password login or an {@code admin}-scoped token ({@link ScopeAccess}):
 * a {@code write:package} token (what CI jobs and docker logins hold) must not read or plant
 * secrets. Global secrets are for site admins only. An environment's secrets
 * ({@code .../environments/{environment}/secrets}) need the environment to exist.
 */
public final class SecretRoutes {
    private final Secrets secrets;
    private final DeployKeys keys;
    private final ScopeAccess access;
    private final ObjectMapper json = new ObjectMapper();

    /** @param authenticate the API's authentication: the caller, or a 401 when there are no credentials */
    public SecretRoutes(Secrets secrets, DeployKeys keys, Environments environments, Identity identity,
                        Function<Context, Principal> authenticate) {
        this.secrets = secrets;
        this.keys = keys;
        this.access = new ScopeAccess(identity, environments, authenticate);
    }

    public void register(RoutesConfig routes) {
        // Gitea's paths, GitHub's for an environment's, and /repos/{owner}/{repo}/secrets as a shorter alias.
        Map<String, Function<Context, SecretScope>> scopes = access.collections("secrets");
        scopes.put("/api/v1/repos/{owner}/{repo}/secrets", access::repository);
        scopes.forEach((path, scope) -> {
            routes.get(path, ctx -> list(ctx, scope.apply(ctx)));
            routes.put(path + "/{name}", ctx -> put(ctx, scope.apply(ctx)));
            routes.delete(path + "/{name}", ctx -> delete(ctx, scope.apply(ctx)));
        });

        routes.post("/api/v1/keys", this::createKey);
        routes.get("/api/v1/keys/{owner}", this::listKeys);
        routes.get("/api/v1/keys/{owner}/{name}", this::getKey);
        routes.delete("/api/v1/keys/{owner}/{name}", this::deleteKey);
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
        Principal p = access.requireAdminScope(ctx);
        JsonNode body = RequestBody.parse(ctx.bodyAsBytes(), "owner", "name").node();
        String owner = body.path("owner").isTextual() ? body.get("owner").asText() : p.username();
        access.requireManager(ctx, owner);
        respond(ctx, 201, keyJson(keys.create(owner, body.path("name").asText(null))));
    }

    private void listKeys(Context ctx) {
        String owner = ctx.pathParam("owner");
        access.requireManager(ctx, owner);
        ArrayNode arr = json.createArrayNode();
        keys.list(owner).forEach(k -> arr.add(keyJson(k)));
        respond(ctx, 200, arr);
    }

    private void getKey(Context ctx) {
        String owner = ctx.pathParam("owner");
        access.requireManager(ctx, owner);
        String name = ctx.pathParam("name");
        ObjectNode o = keyJson(keys.get(owner, name));
        ArrayNode used = o.putArray("used_by");
        keys.references(owner, name).forEach(used::add);
        respond(ctx, 200, o);
    }

    private void deleteKey(Context ctx) {
        String owner = ctx.pathParam("owner");
        access.requireManager(ctx, owner);
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
