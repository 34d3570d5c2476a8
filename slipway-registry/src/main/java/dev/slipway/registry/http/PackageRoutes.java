package dev.slipway.registry.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.core.Digest;
import dev.slipway.core.SlipwayException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.core.json.RequestBody;
import dev.slipway.core.identity.Action;
import dev.slipway.core.identity.Identity;
import dev.slipway.core.identity.Principal;
import dev.slipway.registry.Registry;
import dev.slipway.registry.RegistryAccess;
import dev.slipway.registry.metadata.PackageVersions;
import dev.slipway.registry.oci.Names;
import dev.slipway.registry.oci.RegistryException;
import dev.slipway.http.Callers;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Gitea's packages API for container packages, so scripts written for Gitea (listing, reading and
 * deleting image tags) work against Slipway unchanged:
 * <pre>
 * GET    /api/v1/packages/{owner}?type=container&amp;q=&amp;page=&amp;limit=   versions (tags), newest first
 * GET    /api/v1/packages/{owner}/container/{name}/{version}              one version (tag or digest)
 * DELETE /api/v1/packages/{owner}/container/{name}/{version}              deletes a tag, or a manifest by digest
 * PATCH  /api/v1/packages/{owner}/container/{name}                        {"visibility": "public"|"private"} (Slipway's)
 * PATCH  /api/v1/packages/{owner}                                         the visibility new repositories get (Slipway's)
 * </pre>
 * A package {@code name} is the repository without its owner; it may contain slashes, sent as they
 * are or escaped as {@code %2F} (Gitea escapes them).
 */
public final class PackageRoutes {
    private static final int DEFAULT_LIMIT = 30; // Gitea's DEFAULT_PAGING_NUM
    private static final int MAX_LIMIT = 50; // Gitea's MAX_RESPONSE_ITEMS
    static final RequestBody.Fields VISIBILITY = RequestBody.Fields.of("visibility", "public").alias("private", "visibility");

    private final Identity identity;
    private final Registry registry;
    private final RegistryAccess access;
    private final PackageVersions versions;
    private final String externalUrl;

    public PackageRoutes(Identity identity, Registry registry, RegistryAccess access, String externalUrl) {
        this.identity = identity;
        this.registry = registry;
        this.access = access;
        this.versions = new PackageVersions(registry.metadata().jdbi());
        this.externalUrl = externalUrl;
    }

    public void register(RoutesConfig routes) {
        routes.get("/api/v1/packages/{owner}", this::list);
        routes.get("/api/v1/packages/{owner}/container/<rest>", this::get);
        routes.delete("/api/v1/packages/{owner}/container/<rest>", this::delete);
        routes.patch("/api/v1/packages/{owner}/container/<name>", this::setVisibility);
        routes.patch("/api/v1/packages/{owner}", this::setOwnerVisibility);
    }

    private void list(Context ctx) {
        String owner = ctx.pathParam("owner");
        Principal p = Callers.of(ctx).accepted();
        if (identity.ownerKind(owner).isEmpty()) {
            throw new SlipwayException.NotFound("no user or organization named '" + owner + "'");
        }
        int page = positive(ctx, "page", 1, Integer.MAX_VALUE);
        int limit = positive(ctx, "limit", DEFAULT_LIMIT, MAX_LIMIT);
        String type = ctx.queryParam("type");
        boolean containers = type == null || type.isBlank() || type.trim().equals("container");
        PackageVersions.Page result = containers
                ? versions.list(owner, access.rights(p, owner, false).contains(Action.PULL), ctx.queryParam("q"), (int) Math.min((long) (page - 1) * limit, Integer.MAX_VALUE), limit)
                : new PackageVersions.Page(0, List.of());
        ArrayNode arr = ApiCalls.JSON.createArrayNode();
        result.versions().forEach(v -> arr.add(packageJson(owner, v)));
        ctx.header("X-Total-Count", Long.toString(result.total()));
        String links = links(ctx, page, limit, result.total());
        if (!links.isEmpty()) {
            ctx.header("Link", links);
        }
        ApiCalls.respond(ctx, 200, arr);
    }

    /** Gitea's Link header: next, prev, first and last pages, each keeping the other query parameters. */
    private String links(Context ctx, int page, int limit, long total) {
        long last = Math.max(1, (total + limit - 1) / limit);
        List<String> out = new ArrayList<>();
        if (page < last) {
            out.add(link(ctx, page + 1, limit, "next"));
            out.add(link(ctx, last, limit, "last"));
        }
        if (page > 1) {
            out.add(link(ctx, 1, limit, "first"));
            out.add(link(ctx, Math.min(page - 1, last), limit, "prev"));
        }
        return String.join(",", out);
    }

    private String link(Context ctx, long page, int limit, String rel) {
        StringBuilder q = new StringBuilder("page=").append(page).append("&limit=").append(limit);
        for (String key : List.of("type", "q")) {
            String v = ctx.queryParam(key);
            if (v != null) {
                q.append('&').append(key).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        }
        return "<" + externalUrl + ctx.path() + "?" + q + ">; rel=\"" + rel + "\"";
    }

    private static int positive(Context ctx, String name, int fallback, int max) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.trim());
            return n < 1 ? fallback : Math.min(n, max);
        } catch (NumberFormatException e) {
            throw new SlipwayException.BadRequest(name + " must be a positive integer, got '" + v + "'");
        }
    }

    private void get(Context ctx) {
        Target t = target(ctx);
        requireRight(Callers.of(ctx).accepted(), t.repository(), Action.PULL);
        PackageVersions.Version v = versions.find(t.repository(), t.version())
                .orElseThrow(() -> new SlipwayException.NotFound("package " + t.name() + " has no version '" + t.version() + "'"));
        ApiCalls.respond(ctx, 200, packageJson(t.owner(), v));
    }

    private void delete(Context ctx) {
        Target t = target(ctx);
        Principal p = Callers.of(ctx).signedIn().principal();
        requireRight(p, t.repository(), Action.DELETE);
        if (versions.find(t.repository(), t.version()).isEmpty()) {
            throw new SlipwayException.NotFound("package " + t.name() + " has no version '" + t.version() + "'");
        }
        try {
            registry.deleteManifest(t.repository(), t.version(), p.username());
        } catch (RegistryException e) {
            throw switch (e.error().status()) {
                case 404 -> new SlipwayException.NotFound(e.getMessage());
                case 401, 403 -> new SlipwayException.Forbidden(e.getMessage());
                default -> new SlipwayException.BadRequest(e.getMessage());
            };
        }
        ctx.status(204);
    }

    private void requireRight(Principal p, String repository, Action action) {
        if (access.rights(p, repository).contains(action)) {
            return;
        }
        if (p.isAnonymous()) {
            throw new SlipwayException.Unauthorized("authentication required to " + action.wireName() + " " + repository);
        }
        throw new SlipwayException.Forbidden("user '" + p.username() + "' may not " + action.wireName() + " " + repository
                + (p.scopeActions().contains(action) ? "" : " (the token's scopes do not allow it)"));
    }

    /** The package and version named by the rest of the path, from the raw URI so that %2F in a name survives. */
    private record Target(String owner, String name, String version) {
        String repository() {
            return owner + "/" + name;
        }
    }

    private static Target target(Context ctx) {
        String owner = ctx.pathParam("owner");
        String raw = ctx.req().getRequestURI();
        String marker = "/container/";
        int at = raw.indexOf(marker);
        String rest = at < 0 ? ctx.pathParam("rest") : raw.substring(at + marker.length());
        int slash = rest.lastIndexOf('/');
        if (slash <= 0 || slash == rest.length() - 1) {
            throw new SlipwayException.NotFound("expected /api/v1/packages/{owner}/container/{name}/{version}");
        }
        String name = decode(rest.substring(0, slash));
        String version = decode(rest.substring(slash + 1));
        try {
            Names.checkRepository(owner + "/" + name);
            if (Digest.looksLikeDigest(version)) {
                Registry.parseDigest(version);
            } else {
                Names.checkTag(version);
            }
        } catch (RegistryException e) {
            throw new SlipwayException.BadRequest(e.getMessage());
        }
        return new Target(owner, name, version);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new SlipwayException.BadRequest("bad %-escape in '" + s + "'");
        }
    }

    /** Gitea's Package object, with the fields scripts use; {@code creator} and {@code repository} are null. */
    private ObjectNode packageJson(String owner, PackageVersions.Version v) {
        String name = v.repository().substring(owner.length() + 1);
        ObjectNode o = ApiCalls.JSON.createObjectNode();
        o.put("id", stableId(v.repository() + ":" + v.version()));
        ObjectNode ownerJson = o.putObject("owner");
        ownerJson.put("id", stableId(owner));
        ownerJson.put("login", owner);
        ownerJson.put("username", owner);
        ownerJson.put("full_name", "");
        ownerJson.put("email", identity.user(owner).map(Identity.User::email).orElse(""));
        ownerJson.put("avatar_url", "");
        o.set("repository", NullNode.getInstance());
        o.set("creator", NullNode.getInstance());
        o.put("type", "container");
        o.put("name", name);
        o.put("version", v.version());
        o.put("digest", v.digest().toString());
        o.put("html_url", externalUrl + "/" + owner + "/-/packages/container/"
                + URLEncoder.encode(name, StandardCharsets.UTF_8) + "/" + URLEncoder.encode(v.version(), StandardCharsets.UTF_8));
        o.put("created_at", Instant.ofEpochMilli(v.createdAt()).toString());
        return o;
    }

    /** A stable positive number for a name (Gitea's ids are numbers; scripts may key on them). */
    private static long stableId(String s) {
        return Long.parseLong(Digest.sha256(s).hex().substring(0, 13), 16);
    }

    // ---- visibility

    /** A repository's visibility; one not pushed yet is created with it (its first push keeps it). */
    private void setVisibility(Context ctx) {
        String owner = ctx.pathParam("owner");
        String repository = owner + "/" + ctx.pathParam("name");
        try {
            Names.checkRepository(repository);
        } catch (RegistryException e) {
            throw new SlipwayException.BadRequest(e.getMessage());
        }
        boolean isPublic = visibility(requireManager(ctx, owner, repository));
        boolean existed = registry.setPublic(repository, isPublic);
        ObjectNode o = ApiCalls.JSON.createObjectNode();
        o.put("name", repository);
        o.put("visibility", isPublic ? "public" : "private");
        o.put("created", !existed);
        ApiCalls.respond(ctx, 200, o);
    }

    /** The visibility an owner's new repositories get; its existing repositories keep their own. */
    private void setOwnerVisibility(Context ctx) {
        String owner = ctx.pathParam("owner");
        boolean isPublic = visibility(requireManager(ctx, owner, "the repositories of " + owner));
        int existing = registry.setOwnerPublic(owner, isPublic);
        ObjectNode o = ApiCalls.JSON.createObjectNode();
        o.put("owner", owner);
        o.put("default_visibility", isPublic ? "public" : "private");
        o.put("existing_repositories", existing);
        o.put("message", "new repositories of " + owner + " will be " + (isPublic ? "public" : "private")
                + "; its " + existing + " existing repositories keep their own visibility");
        ApiCalls.respond(ctx, 200, o);
    }

    /** Checks the caller may change {@code what} of {@code owner} (an existing user or organization) and returns the body. */
    private JsonNode requireManager(Context ctx, String owner, String what) {
        Principal p = Callers.of(ctx).signedIn().principal();
        if (identity.ownerKind(owner).isEmpty()) {
            throw new SlipwayException.NotFound("no user or organization named '" + owner + "'");
        }
        if (!identity.canManage(p, owner)) {
            throw new SlipwayException.Forbidden("only '" + owner + "' (or its members) with write:package may change " + what);
        }
        return ApiCalls.body(ctx, VISIBILITY);
    }

    /** {"visibility": "public"|"private"} or {"public": true|false}. */
    private static boolean visibility(JsonNode b) {
        if (b.has("public") && b.get("public").isBoolean()) {
            return b.get("public").asBoolean();
        }
        if (b.has("visibility") && b.get("visibility").isTextual()) {
            String v = b.get("visibility").asText();
            if (!v.equals("public") && !v.equals("private")) {
                throw new SlipwayException.BadRequest("visibility must be 'public' or 'private'");
            }
            return v.equals("public");
        }
        throw new SlipwayException.BadRequest("send {\"visibility\": \"public\"|\"private\"} or {\"public\": true|false}");
    }
}
