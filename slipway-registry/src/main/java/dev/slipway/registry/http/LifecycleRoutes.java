package dev.slipway.registry.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.core.Durations;
import dev.slipway.core.SlipwayException;
import dev.slipway.core.json.RequestBody;
import dev.slipway.core.identity.Action;
import dev.slipway.core.identity.Caller;
import dev.slipway.core.identity.Identity;
import dev.slipway.core.identity.Principal;
import dev.slipway.core.identity.Scope;
import dev.slipway.registry.lifecycle.GcReport;
import dev.slipway.registry.lifecycle.ImmutableRule;
import dev.slipway.registry.lifecycle.Lifecycle;
import dev.slipway.registry.lifecycle.RetentionPolicy;
import dev.slipway.registry.lifecycle.RetentionReport;
import dev.slipway.registry.lifecycle.TagPattern;
import dev.slipway.http.Callers;
import dev.slipway.http.Role;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;

/**
 * The registry lifecycle API (docs/api.md#registry-lifecycle): immutable-tag rules, retention
 * policies and runs per owner, and garbage collection for site admins.
 *
 * <p>Changing rules and policies needs push rights on the owner and a password login or an
 * {@code admin}-scoped token, so a CI token that may push cannot lift a tag's immutability.
 */
public final class LifecycleRoutes {
    private final Identity identity;
    private final Lifecycle lifecycle;
    private final ObjectMapper json = new ObjectMapper();

    public LifecycleRoutes(Identity identity, Lifecycle lifecycle) {
        this.identity = identity;
        this.lifecycle = lifecycle;
    }

    public void register(RoutesConfig routes) {
        routes.get("/api/v1/registry/{owner}/immutable-tags", this::listRules, Role.SIGNED_IN);
        routes.post("/api/v1/registry/{owner}/immutable-tags", this::addRule, Role.SIGNED_IN);
        routes.delete("/api/v1/registry/{owner}/immutable-tags/{id}", this::removeRule, Role.SIGNED_IN);
        routes.get("/api/v1/registry/{owner}/retention", this::listPolicies, Role.SIGNED_IN);
        routes.put("/api/v1/registry/{owner}/retention", this::setPolicy, Role.SIGNED_IN);
        routes.delete("/api/v1/registry/{owner}/retention", this::removePolicy, Role.SIGNED_IN);
        routes.post("/api/v1/registry/{owner}/retention/run", this::runRetention, Role.SIGNED_IN);
        routes.post("/api/v1/admin/registry/retention", this::runAllRetention, Role.SITE_ADMIN);
        routes.post("/api/v1/admin/registry/gc", this::runGc, Role.SITE_ADMIN);
    }

    // ---- authorization

    private Principal requireAction(Context ctx, String owner, Action action) {
        Principal p = Callers.of(ctx).principal();
        if (!identity.repositoryActions(p, owner, false).contains(action)) {
            throw new SlipwayException.Forbidden("only '" + owner + "' (or its members) with " + action.wireName()
                    + " rights may do this");
        }
        return p;
    }

    private void requireSettingsChange(Context ctx, String owner) {
        Caller a = Callers.of(ctx);
        if (!identity.canManage(a.principal(), owner)) {
            throw new SlipwayException.Forbidden("only '" + owner + "' (or its members) may change its registry rules");
        }
        if (!a.password() && !a.principal().scopes().contains(Scope.ADMIN)) {
            throw new SlipwayException.Forbidden("changing registry rules needs a password login or a token with the admin scope");
        }
    }

    // ---- immutable tags

    private void listRules(Context ctx) {
        String owner = ctx.pathParam("owner");
        requireAction(ctx, owner, Action.PULL);
        ArrayNode arr = json.createArrayNode();
        lifecycle.immutableTags().list(owner).forEach(r -> arr.add(ruleJson(r)));
        ApiCalls.respond(ctx, 200, arr);
    }

    private void addRule(Context ctx) {
        String owner = ctx.pathParam("owner");
        requireSettingsChange(ctx, owner);
        JsonNode b = ApiCalls.body(ctx, RequestBody.Fields.of("pattern", "repository"));
        ImmutableRule rule = lifecycle.immutableTags().add(target(owner, b), text(b, "pattern", true));
        ApiCalls.respond(ctx, 201, ruleJson(rule));
    }

    private void removeRule(Context ctx) {
        String owner = ctx.pathParam("owner");
        requireSettingsChange(ctx, owner);
        lifecycle.immutableTags().removeById(owner, ctx.pathParam("id"));
        ctx.status(204);
    }

    private ObjectNode ruleJson(ImmutableRule r) {
        ObjectNode o = json.createObjectNode();
        o.put("id", r.id());
        o.put("owner", r.owner());
        o.put("repository", r.repository());
        o.put("pattern", r.pattern().text());
        o.put("created_at", Instant.ofEpochMilli(r.createdAt()).toString());
        return o;
    }

    /** The owner, or the repository named in the body, which must be one of the owner's. */
    private static String target(String owner, JsonNode body) {
        String repository = text(body, "repository", false);
        if (repository == null) {
            return owner;
        }
        if (!repository.startsWith(owner + "/")) {
            throw new SlipwayException.BadRequest("'repository' must be a full name under " + owner + "/, e.g. " + owner + "/app");
        }
        return repository;
    }

    private static String text(JsonNode body, String field, boolean required) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                throw new SlipwayException.BadRequest("'" + field + "' is required");
            }
            return null;
        }
        if (!n.isTextual()) {
            throw new SlipwayException.BadRequest("'" + field + "' must be a string");
        }
        return n.asText();
    }

    // ---- retention

    private void listPolicies(Context ctx) {
        String owner = ctx.pathParam("owner");
        requireAction(ctx, owner, Action.PULL);
        ArrayNode arr = json.createArrayNode();
        lifecycle.policies(owner).forEach(p -> arr.add(policyJson(p)));
        ApiCalls.respond(ctx, 200, arr);
    }

    private void setPolicy(Context ctx) {
        String owner = ctx.pathParam("owner");
        requireSettingsChange(ctx, owner);
        JsonNode b = ApiCalls.body(ctx, RequestBody.Fields.of("repository", "keep_last", "keep_within", "keep", "remove", "untagged_older_than"));
        String target = target(owner, b);
        RetentionPolicy policy = new RetentionPolicy(owner, target.equals(owner) ? null : target, integer(b, "keep_last"),
                duration(b, "keep_within"), pattern(b, "keep"), pattern(b, "remove"), duration(b, "untagged_older_than"));
        lifecycle.setPolicy(policy);
        ApiCalls.respond(ctx, 200, policyJson(policy));
    }

    private void removePolicy(Context ctx) {
        String owner = ctx.pathParam("owner");
        requireSettingsChange(ctx, owner);
        String repository = ctx.queryParam("repository");
        if (repository != null && !repository.startsWith(owner + "/")) {
            throw new SlipwayException.BadRequest("'repository' must be a full name under " + owner + "/");
        }
        lifecycle.removePolicy(repository == null ? owner : repository);
        ctx.status(204);
    }

    private void runRetention(Context ctx) {
        String owner = ctx.pathParam("owner");
        boolean dryRun = dryRun(ctx);
        requireAction(ctx, owner, dryRun ? Action.PULL : Action.DELETE);
        ApiCalls.respond(ctx, 200, reportJson(lifecycle.retain(owner, dryRun)));
    }

    private void runAllRetention(Context ctx) {
        ApiCalls.respond(ctx, 200, reportJson(lifecycle.retain(null, dryRun(ctx))));
    }

    private ObjectNode policyJson(RetentionPolicy p) {
        ObjectNode o = json.createObjectNode();
        o.put("owner", p.owner());
        o.put("repository", p.repository());
        if (p.keepLast() == null) {
            o.putNull("keep_last");
        } else {
            o.put("keep_last", p.keepLast());
        }
        o.put("keep_within", p.keepWithin() == null ? null : Durations.format(p.keepWithin()));
        o.put("keep", p.keep() == null ? null : p.keep().text());
        o.put("remove", p.remove() == null ? null : p.remove().text());
        o.put("untagged_older_than", p.untaggedOlderThan() == null ? null : Durations.format(p.untaggedOlderThan()));
        return o;
    }

    private ObjectNode reportJson(RetentionReport r) {
        ObjectNode o = json.createObjectNode();
        o.put("dry_run", r.dryRun());
        ArrayNode tags = o.putArray("tags");
        r.tags().forEach(t -> tags.addObject().put("repository", t.repository()).put("tag", t.tag()).put("digest", t.digest().toString()));
        ArrayNode manifests = o.putArray("manifests");
        r.manifests().forEach(m -> manifests.addObject().put("repository", m.repository()).put("digest", m.digest().toString())
                .put("media_type", m.mediaType()).put("size", m.size()).put("blob_bytes", m.blobBytes()).put("reason", m.reason()));
        ArrayNode skipped = o.putArray("skipped");
        r.skipped().forEach(skipped::add);
        o.put("bytes", r.bytes());
        return o;
    }

    private static Integer integer(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isInt()) {
            throw new SlipwayException.BadRequest("'" + field + "' must be an integer");
        }
        return n.asInt();
    }

    private static Duration duration(JsonNode body, String field) {
        String text = text(body, field, false);
        try {
            return text == null ? null : Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new SlipwayException.BadRequest("'" + field + "': " + e.getMessage());
        }
    }

    private static TagPattern pattern(JsonNode body, String field) {
        String text = text(body, field, false);
        return text == null ? null : TagPattern.parse(text);
    }

    // ---- garbage collection

    private void runGc(Context ctx) {
        GcReport r = lifecycle.collectGarbage(dryRun(ctx));
        ObjectNode o = json.createObjectNode();
        o.put("dry_run", r.dryRun());
        o.put("uploads", r.uploads());
        o.put("upload_bytes", r.uploadBytes());
        o.put("links", r.links());
        o.put("blobs", r.blobs());
        o.put("files", r.files());
        o.put("file_bytes", r.fileBytes());
        o.put("bytes", r.bytes());
        ApiCalls.respond(ctx, 200, o);
    }

    private static boolean dryRun(Context ctx) {
        String v = ctx.queryParam("dry_run");
        if (v == null || v.equals("false") || v.equals("0")) {
            return false;
        }
        if (v.isEmpty() || v.equals("true") || v.equals("1")) {
            return true;
        }
        throw new SlipwayException.BadRequest("dry_run must be true or false");
    }
}
