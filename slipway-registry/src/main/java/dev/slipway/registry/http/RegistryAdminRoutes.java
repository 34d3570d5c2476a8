package dev.slipway.registry.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.core.Durations;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.json.RequestBody;
import dev.slipway.registry.events.Webhooks;
import dev.slipway.registry.proxy.Proxies;
import dev.slipway.http.Role;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;

/**
 * Site administration of the registry's pull-through proxies and event webhooks (site admins only,
 * {@link Role#SITE_ADMIN}):
 * <pre>
 * GET    /api/v1/admin/registry/proxies            POST {owner, url, username?, password?, ttl?, public?}
 * DELETE /api/v1/admin/registry/proxies/{owner}
 * GET    /api/v1/admin/webhooks                    POST {url, secret, owner?}
 * DELETE /api/v1/admin/webhooks/{id}
 * </pre>
 * Passwords and secrets are accepted, never returned.
 */
public final class RegistryAdminRoutes {
    static final Duration DEFAULT_TTL = Duration.ofMinutes(10);

    private final Proxies proxies;
    private final Webhooks webhooks;

    public RegistryAdminRoutes(Proxies proxies, Webhooks webhooks) {
        this.proxies = proxies;
        this.webhooks = webhooks;
    }

    public void register(RoutesConfig routes) {
        routes.get("/api/v1/admin/registry/proxies", this::listProxies, Role.SITE_ADMIN);
        routes.post("/api/v1/admin/registry/proxies", this::addProxy, Role.SITE_ADMIN);
        routes.delete("/api/v1/admin/registry/proxies/{owner}", this::removeProxy, Role.SITE_ADMIN);
        routes.get("/api/v1/admin/webhooks", this::listWebhooks, Role.SITE_ADMIN);
        routes.post("/api/v1/admin/webhooks", this::addWebhook, Role.SITE_ADMIN);
        routes.delete("/api/v1/admin/webhooks/{id}", this::removeWebhook, Role.SITE_ADMIN);
    }

    private void listProxies(Context ctx) {
        ArrayNode arr = ApiCalls.JSON.createArrayNode();
        proxies.list().forEach(p -> arr.add(proxyJson(p)));
        ApiCalls.respond(ctx, 200, arr);
    }

    private void addProxy(Context ctx) {
        JsonNode b = ApiCalls.body(ctx, RequestBody.Fields.of("owner", "url", "username", "password", "ttl", "public"));
        JsonNode ttl = b.get("ttl");
        Duration d;
        try {
            d = ttl == null || ttl.isNull() ? DEFAULT_TTL : ttl.isNumber() ? Duration.ofSeconds(ttl.asLong()) : Durations.parse(ttl.asText());
        } catch (IllegalArgumentException e) {
            throw new SlipwayException.BadRequest(e.getMessage());
        }
        Proxies.Proxy p = proxies.add(text(b, "owner"), text(b, "url"), text(b, "username"), text(b, "password"), d,
                b.path("public").asBoolean(false));
        ApiCalls.respond(ctx, 201, proxyJson(p));
    }

    private static String text(JsonNode b, String field) {
        JsonNode n = b.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    private ObjectNode proxyJson(Proxies.Proxy p) {
        ObjectNode o = ApiCalls.JSON.createObjectNode();
        o.put("owner", p.owner());
        o.put("url", p.upstream().toString());
        o.put("username", p.username());
        o.put("ttl", Durations.format(p.ttl()));
        o.put("ttl_seconds", p.ttl().toSeconds());
        o.put("public", p.isPublic());
        o.put("created_at", Instant.ofEpochMilli(p.createdAt()).toString());
        return o;
    }

    private void removeProxy(Context ctx) {
        proxies.remove(ctx.pathParam("owner"));
        ctx.status(204);
    }

    private void listWebhooks(Context ctx) {
        ArrayNode arr = ApiCalls.JSON.createArrayNode();
        webhooks.list().forEach(w -> arr.add(webhookJson(w)));
        ApiCalls.respond(ctx, 200, arr);
    }

    private void addWebhook(Context ctx) {
        JsonNode b = ApiCalls.body(ctx, RequestBody.Fields.of("url", "secret", "owner"));
        ApiCalls.respond(ctx, 201, webhookJson(webhooks.add(text(b, "url"), text(b, "secret"), text(b, "owner"))));
    }

    private ObjectNode webhookJson(Webhooks.Webhook w) {
        ObjectNode o = ApiCalls.JSON.createObjectNode();
        o.put("id", w.id());
        o.put("url", w.url());
        o.put("owner", w.owner());
        o.put("created_at", Instant.ofEpochMilli(w.createdAt()).toString());
        ObjectNode d = o.putObject("deliveries");
        d.put("pending", w.pending());
        d.put("delivered", w.delivered());
        d.put("failed", w.failed());
        return o;
    }

    private void removeWebhook(Context ctx) {
        webhooks.remove(ctx.pathParam("id"));
        ctx.status(204);
    }
}
