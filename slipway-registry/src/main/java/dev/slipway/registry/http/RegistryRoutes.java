package dev.slipway.registry.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.core.Digest;
import dev.slipway.core.identity.Action;
import dev.slipway.core.identity.Caller;
import dev.slipway.core.identity.Identity;
import dev.slipway.core.identity.Principal;
import dev.slipway.registry.Registry;
import dev.slipway.registry.RegistryAccess;
import dev.slipway.registry.metadata.Metadata;
import dev.slipway.registry.oci.MediaTypes;
import dev.slipway.registry.oci.Manifest;
import dev.slipway.registry.oci.Names;
import dev.slipway.registry.oci.OciError;
import dev.slipway.registry.oci.RegistryException;
import dev.slipway.registry.proxy.PullThroughCache;
import dev.slipway.http.Callers;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import org.eclipse.jetty.ee10.servlet.HttpOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OCI Distribution API under {@code /v2/} and the Docker token endpoint {@code /v2/token}.
 *
 * <p>Names contain slashes, so one handler per method parses the path against the spec's
 * endpoint patterns. Authentication accepts Basic (password or token), registry JWTs from
 * {@code /v2/token}, and personal access tokens as Bearer.
 */
public final class RegistryRoutes {
    private static final String NAME = "(?<name>[^?]+?)";
    private static final Pattern MANIFEST = Pattern.compile("^/v2/" + NAME + "/manifests/(?<ref>[^/]+)$");
    private static final Pattern BLOB = Pattern.compile("^/v2/" + NAME + "/blobs/(?<digest>[^/]+)$");
    private static final Pattern UPLOADS = Pattern.compile("^/v2/" + NAME + "/blobs/uploads/?$");
    private static final Pattern UPLOAD = Pattern.compile("^/v2/" + NAME + "/blobs/uploads/(?<id>[^/]+)$");
    private static final Pattern TAGS = Pattern.compile("^/v2/" + NAME + "/tags/list$");
    private static final Pattern REFERRERS = Pattern.compile("^/v2/" + NAME + "/referrers/(?<digest>[^/]+)$");
    private static final Pattern RANGE = Pattern.compile("^(?:bytes=)?(\\d+)-(\\d+)$");
    private static final int COPY_BUFFER = 1 << 20;
    private static final int MAX_LIST = 10_000;

    private final Registry registry;
    private final Identity identity;
    private final RegistryTokens tokens;
    private final String externalUrl;
    /** True when no external URL was configured and the server listens on every address. */
    private final boolean realmFromRequest;
    /** The token realm's base for the request this thread serves (see {@link #realmBase}). */
    private static final ThreadLocal<String> REQUEST_BASE = new ThreadLocal<>();
    private final String service;
    private final PullThroughCache pullThrough;
    private final RegistryAccess access;
    private final ObjectMapper json = new ObjectMapper();

    public RegistryRoutes(Registry registry, Identity identity, RegistryTokens tokens, String externalUrl, PullThroughCache pullThrough) {
        this(registry, identity, tokens, externalUrl, false, pullThrough);
    }

    /**
     * @param realmFromRequest derive the token realm from each request's {@code Host} (and
     *                         {@code X-Forwarded-Proto}) instead of {@code externalUrl}: for a
     *                         server listening on every address with no external URL configured,
     *                         so a client on another machine is not sent to its own loopback
     */
    public RegistryRoutes(Registry registry, Identity identity, RegistryTokens tokens, String externalUrl, boolean realmFromRequest,
                          PullThroughCache pullThrough) {
        this.realmFromRequest = realmFromRequest;
        this.registry = registry;
        this.pullThrough = pullThrough;
        this.access = new RegistryAccess(registry, identity, pullThrough);
        this.identity = identity;
        this.tokens = tokens;
        this.externalUrl = externalUrl;
        this.service = URI.create(externalUrl).getAuthority();
    }

    public void register(RoutesConfig routes) {
        for (HandlerType t : List.of(HandlerType.GET, HandlerType.HEAD, HandlerType.POST, HandlerType.PUT, HandlerType.PATCH, HandlerType.DELETE)) {
            routes.addHttpHandler(t, "/v2", this::dispatch);
            routes.addHttpHandler(t, "/v2/<rest>", this::dispatch);
        }
        routes.exception(RegistryException.class, this::error);
    }

    /** A registry error in the spec's format (see {@link OciErrors}); a 401 without a challenge gets the default one. */
    private void error(RegistryException e, Context ctx) {
        OciError err = e.error();
        Map<String, String> headers = new LinkedHashMap<>(e.headers());
        if (err == OciError.UNAUTHORIZED && !headers.containsKey("WWW-Authenticate")) {
            REQUEST_BASE.set(realmBase(ctx));
            headers.put("WWW-Authenticate", challenge(null, null));
        }
        OciErrors.write(ctx, err.status(), err.code(), e.getMessage(), headers);
    }

    private void dispatch(Context ctx) throws IOException {
        REQUEST_BASE.set(realmBase(ctx));
        ctx.header("Docker-Distribution-Api-Version", "registry/2.0");
        String path = ctx.path();
        HandlerType method = ctx.method();
        if (path.equals("/v2") || path.equals("/v2/")) {
            base(ctx);
            return;
        }
        if (path.equals("/v2/token")) {
            token(ctx);
            return;
        }
        if (path.equals("/v2/_catalog")) {
            requireMethod(method, HandlerType.GET);
            catalog(ctx);
            return;
        }
        Matcher m;
        if ((m = UPLOADS.matcher(path)).matches()) {
            requireMethod(method, HandlerType.POST);
            startUpload(ctx, Names.checkRepository(m.group("name")));
        } else if ((m = UPLOAD.matcher(path)).matches()) {
            upload(ctx, Names.checkRepository(m.group("name")), m.group("id"));
        } else if ((m = MANIFEST.matcher(path)).matches()) {
            manifest(ctx, Names.checkRepository(m.group("name")), m.group("ref"));
        } else if ((m = BLOB.matcher(path)).matches()) {
            blob(ctx, Names.checkRepository(m.group("name")), m.group("digest"));
        } else if ((m = TAGS.matcher(path)).matches()) {
            requireMethod(method, HandlerType.GET);
            tags(ctx, Names.checkRepository(m.group("name")));
        } else if ((m = REFERRERS.matcher(path)).matches()) {
            requireMethod(method, HandlerType.GET);
            referrers(ctx, Names.checkRepository(m.group("name")), m.group("digest"));
        } else {
            throw OciError.NAME_INVALID.with("no such endpoint: " + abbreviate(path)
                    + " (expected /v2/<name>/manifests/<reference>, /blobs/<digest>, /blobs/uploads/, /tags/list or /referrers/<digest>)");
        }
    }

    private static void requireMethod(HandlerType actual, HandlerType... allowed) {
        for (HandlerType a : allowed) {
            if (a == actual || (a == HandlerType.GET && actual == HandlerType.HEAD)) {
                return;
            }
        }
        throw OciError.UNSUPPORTED.with("method " + actual + " is not supported on this endpoint");
    }

    // ---- authentication and authorization

    /**
     * Who is calling, and (for registry JWTs) exactly what the token grants, as the server's
     * authentication pipeline resolved it before this request reached a route; credentials it
     * refused are a 401 with the token challenge.
     */
    private Caller caller(Context ctx) {
        Caller caller = Callers.of(ctx);
        if (caller.isRefused()) {
            throw unauthorized(caller.refusal(), null, null);
        }
        return caller;
    }

    /** Where clients reach this server: the external URL, or what the request says (see the constructor). */
    private String realmBase(Context ctx) {
        String host = ctx.header("Host");
        if (!realmFromRequest || host == null || !host.matches("[A-Za-z0-9.\\-]+(:\\d{1,5})?|\\[[0-9A-Fa-f:.]+\\](:\\d{1,5})?")) {
            return externalUrl;
        }
        return ("https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto")) ? "https://" : "http://") + host;
    }

    private String challenge(String scope, String error) {
        String base = REQUEST_BASE.get() != null ? REQUEST_BASE.get() : externalUrl;
        StringBuilder sb = new StringBuilder("Bearer realm=\"").append(base).append("/v2/token\",service=\"").append(service).append('"');
        if (scope != null) {
            sb.append(",scope=\"").append(scope).append('"');
        }
        if (error != null) {
            sb.append(",error=\"").append(error).append('"');
        }
        return sb.toString();
    }

    private RegistryException unauthorized(String detail, String scope, String error) {
        return new RegistryException(OciError.UNAUTHORIZED, detail, Map.of("WWW-Authenticate", challenge(scope, error)));
    }

    private Set<Action> rights(Principal principal, String repository) {
        return access.rights(principal, repository);
    }

    private Set<Action> allowed(Caller caller, String repository) {
        return caller.grant() != null ? caller.grant().actions(repository) : rights(caller.principal(), repository);
    }

    /** Throws 401 (so the client fetches a token with the right scope) or 403 (the user may not). */
    private Caller authorize(Context ctx, String repository, Action action) {
        Caller caller = caller(ctx);
        if (action == Action.PUSH) {
            pullThrough.refusePush(repository);
        }
        if (allowed(caller, repository).contains(action)) {
            return caller;
        }
        String scope = "repository:" + repository + ":" + (action == Action.PULL ? "pull" : action == Action.PUSH ? "pull,push" : "delete");
        if (caller.principal().isAnonymous()) {
            throw unauthorized("authentication required to " + action.wireName() + " " + repository, scope, null);
        }
        if (caller.grant() != null && rights(caller.principal(), repository).contains(action)) {
            throw unauthorized("token does not grant " + action.wireName() + " on " + repository, scope, "insufficient_scope");
        }
        throw OciError.DENIED.with("user '" + caller.principal().username() + "' may not " + action.wireName() + " "
                + repository + scopeHint(caller.principal(), action));
    }

    private static String scopeHint(Principal p, Action action) {
        if (!p.scopeActions().contains(action)) {
            return " (the token's scopes " + p.scopes().stream().map(s -> s.wireName()).sorted().toList() + " do not allow it)";
        }
        return "";
    }

    // ---- base and token

    private void base(Context ctx) {
        Caller caller = caller(ctx);
        if (caller.principal().isAnonymous()) {
            throw unauthorized("authentication required", null, null);
        }
        ctx.contentType("application/json").result("{}");
    }

    /** The Docker token endpoint: GET with Basic credentials, or POST with an OAuth2 password grant. */
    private void token(Context ctx) {
        Principal principal;
        List<String> scopes;
        if (ctx.method() == HandlerType.POST) {
            String grantType = ctx.formParam("grant_type");
            if (!"password".equals(grantType)) {
                throw OciError.UNSUPPORTED.with("grant_type '" + grantType + "' is not supported; use password or GET with Basic auth");
            }
            principal = identity.authenticate(ctx.formParam("username"), ctx.formParam("password"))
                    .orElseThrow(() -> unauthorized("invalid username, password or token", null, null));
            String scope = ctx.formParam("scope");
            scopes = scope == null || scope.isBlank() ? List.of() : List.of(scope.trim().split("\\s+"));
        } else if (ctx.method() == HandlerType.GET) {
            Caller caller = caller(ctx);
            principal = caller.principal();
            scopes = ctx.queryParams("scope").stream().flatMap(s -> List.of(s.trim().split("\\s+")).stream()).filter(s -> !s.isEmpty()).toList();
        } else {
            throw OciError.UNSUPPORTED.with("use GET or POST on /v2/token");
        }
        Map<String, Set<Action>> granted = new LinkedHashMap<>();
        boolean catalog = false;
        for (String scope : scopes) {
            int first = scope.indexOf(':');
            int last = scope.lastIndexOf(':');
            if (first < 0 || last == first) {
                continue;
            }
            String type = scope.substring(0, first);
            String name = scope.substring(first + 1, last);
            if (type.equals("registry") && name.equals("catalog")) {
                catalog = true;
                continue;
            }
            if (!type.equals("repository")) {
                continue;
            }
            try {
                Names.checkRepository(name);
            } catch (RegistryException invalid) {
                continue; // the token spec: grant nothing for what cannot be granted
            }
            EnumSet<Action> requested = EnumSet.noneOf(Action.class);
            for (String a : scope.substring(last + 1).split(",")) {
                Action action = a.equals("*") ? null : Action.parseOrNull(a.trim());
                if (a.equals("*")) {
                    requested.addAll(EnumSet.allOf(Action.class));
                } else if (action != null) {
                    requested.add(action);
                }
            }
            requested.retainAll(rights(principal, name));
            EnumSet<Action> merged = EnumSet.copyOf(requested.isEmpty() ? EnumSet.noneOf(Action.class) : requested);
            Set<Action> previous = granted.get(name);
            if (previous != null) {
                merged.addAll(previous);
            }
            granted.put(name, merged);
        }
        String token = tokens.issue(principal, ctx.queryParam("service") != null ? ctx.queryParam("service") : service, granted, catalog);
        ObjectNode body = json.createObjectNode();
        body.put("token", token);
        body.put("access_token", token);
        body.put("expires_in", tokens.ttl().toSeconds());
        body.put("issued_at", Instant.now().toString());
        ctx.contentType("application/json").result(body.toString());
    }

    // ---- discovery

    private void catalog(Context ctx) {
        Caller caller = caller(ctx);
        Principal p = caller.principal();
        if (caller.grant() != null && !caller.grant().catalog()) {
            throw unauthorized("token does not grant registry:catalog:*", "registry:catalog:*", "insufficient_scope");
        }
        if (p.isAnonymous() && caller.grant() == null) {
            throw unauthorized("authentication required", "registry:catalog:*", null);
        }
        int n = pageSize(ctx);
        String last = ctx.queryParam("last");
        List<String> names = registry.catalog(identity.readableOwners(p), last, n + 1);
        boolean more = names.size() > n;
        if (more) {
            names = names.subList(0, n);
            ctx.header("Link", "</v2/_catalog?n=" + n + "&last=" + enc(names.getLast()) + ">; rel=\"next\"");
        }
        ObjectNode body = json.createObjectNode();
        ArrayNode arr = body.putArray("repositories");
        names.forEach(arr::add);
        ctx.contentType("application/json").result(body.toString());
    }

    private static int pageSize(Context ctx) {
        String n = ctx.queryParam("n");
        if (n == null || n.isEmpty()) {
            return MAX_LIST;
        }
        try {
            int v = Integer.parseInt(n);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return Math.min(v, MAX_LIST);
        } catch (NumberFormatException e) {
            throw OciError.PAGINATION_NUMBER_INVALID.with("n must be a non-negative integer, got '" + abbreviate(n) + "'");
        }
    }

    private void tags(Context ctx, String repository) {
        authorize(ctx, repository, Action.PULL);
        int n = pageSize(ctx);
        String last = ctx.queryParam("last");
        List<String> tags = n == 0 ? List.of() : registry.tags(repository, last, n + 1);
        if (tags.size() > n) {
            tags = tags.subList(0, n);
            ctx.header("Link", "</v2/" + repository + "/tags/list?n=" + n + "&last=" + enc(tags.getLast()) + ">; rel=\"next\"");
        }
        ObjectNode body = json.createObjectNode();
        body.put("name", repository);
        ArrayNode arr = body.putArray("tags");
        tags.forEach(arr::add);
        ctx.contentType("application/json").result(body.toString());
    }

    private void referrers(Context ctx, String repository, String digestText) {
        authorize(ctx, repository, Action.PULL);
        Digest subject = Registry.parseDigest(digestText);
        String filter = ctx.queryParam("artifactType");
        if (filter != null && filter.isEmpty()) {
            filter = null; // "?artifactType=" filters nothing
        }
        ObjectNode index = json.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", MediaTypes.OCI_INDEX);
        ArrayNode list = index.putArray("manifests");
        for (Metadata.ManifestRow row : registry.metadata().referrers(repository, subject)) {
            if (filter != null && !filter.equals(row.artifactType())) {
                continue;
            }
            ObjectNode d = list.addObject();
            d.put("mediaType", row.mediaType());
            d.put("digest", row.digest().toString());
            d.put("size", row.size());
            if (row.artifactType() != null) {
                d.put("artifactType", row.artifactType());
            }
            Map<String, String> annotations = Manifest.parse(registry.manifestContent(row.digest()), row.mediaType()).annotations();
            if (!annotations.isEmpty()) {
                ObjectNode a = d.putObject("annotations");
                annotations.forEach(a::put);
            }
        }
        if (filter != null) {
            ctx.header("OCI-Filters-Applied", "artifactType");
        }
        ctx.contentType(MediaTypes.OCI_INDEX).result(index.toString());
    }

    // ---- manifests

    private void manifest(Context ctx, String repository, String reference) throws IOException {
        if (reference.length() > 200) {
            throw OciError.MANIFEST_INVALID.with("reference too long");
        }
        switch (ctx.method().name()) {
            case "GET", "HEAD" -> {
                authorize(ctx, repository, Action.PULL);
                Metadata.ManifestRow row = pullThrough.manifest(repository, reference);
                byte[] content = registry.manifestContent(row.digest());
                ctx.header("Docker-Content-Digest", row.digest().toString());
                ctx.header("ETag", "\"" + row.digest() + "\"");
                ctx.contentType(row.mediaType());
                if (ctx.method() == HandlerType.HEAD) {
                    ctx.header("Content-Length", Long.toString(content.length));
                } else {
                    ctx.result(content);
                }
            }
            case "PUT" -> {
                Caller pusher = authorize(ctx, repository, Action.PUSH);
                long declared = ctx.req().getContentLengthLong();
                if (declared > Manifest.MAX_BYTES) {
                    throw OciError.TOO_LARGE.with("manifest is " + declared + " bytes; the limit is " + Manifest.MAX_BYTES);
                }
                byte[] body = ctx.bodyInputStream().readNBytes(Manifest.MAX_BYTES + 1);
                if (body.length > Manifest.MAX_BYTES) {
                    throw OciError.TOO_LARGE.with("manifest exceeds the limit of " + Manifest.MAX_BYTES + " bytes");
                }
                Registry.PutResult result = registry.putManifest(repository, reference, ctx.header("Content-Type"), body,
                        pusher.principal().username());
                ctx.status(201);
                ctx.header("Location", "/v2/" + repository + "/manifests/" + result.digest());
                ctx.header("Docker-Content-Digest", result.digest().toString());
                if (result.subject() != null) {
                    ctx.header("OCI-Subject", result.subject().digest().toString());
                }
            }
            case "DELETE" -> {
                Caller deleter = authorize(ctx, repository, Action.DELETE);
                registry.deleteManifest(repository, reference, deleter.principal().username());
                ctx.status(202);
            }
            default -> throw OciError.UNSUPPORTED.with("method " + ctx.method() + " is not supported on manifests");
        }
    }

    // ---- blobs

    private void blob(Context ctx, String repository, String digestText) throws IOException {
        switch (ctx.method().name()) {
            case "GET", "HEAD" -> {
                authorize(ctx, repository, Action.PULL);
                Digest digest = Registry.parseDigest(digestText);
                String range = ctx.header("Range");
                if (ctx.method() == HandlerType.GET && (range == null || range.isBlank())
                        && pullThrough.blob(repository, digest) instanceof PullThroughCache.Streaming streaming) {
                    serveArriving(ctx, digest, streaming.fetch());
                    return;
                }
                long size = pullThrough.blobSize(repository, digest, ctx.method() != HandlerType.HEAD);
                serveBlob(ctx, digest, size);
            }
            case "DELETE" -> {
                authorize(ctx, repository, Action.DELETE);
                registry.deleteBlob(repository, Registry.parseDigest(digestText));
                ctx.status(202);
            }
            default -> throw OciError.UNSUPPORTED.with("method " + ctx.method() + " is not supported on blobs");
        }
    }

    /**
     * A pull-through blob still arriving from upstream: sent as it lands (see
     * {@link PullThroughCache#follow}); a failed fetch cuts the response short.
     */
    private void serveArriving(Context ctx, Digest digest, PullThroughCache.Fetch fetch) throws IOException {
        blobHeaders(ctx, digest);
        ctx.header("Content-Length", Long.toString(fetch.length()));
        OutputStream out = ctx.res().getOutputStream();
        try (InputStream in = pullThrough.follow(fetch, out::flush)) {
            in.transferTo(out);
            out.flush();
        }
    }

    private static void blobHeaders(Context ctx, Digest digest) {
        ctx.header("Docker-Content-Digest", digest.toString());
        ctx.header("ETag", "\"" + digest + "\"");
        ctx.header("Accept-Ranges", "bytes");
        ctx.header("Cache-Control", "max-age=31536000");
        ctx.contentType("application/octet-stream");
    }

    private void serveBlob(Context ctx, Digest digest, long size) throws IOException {
        long start = 0;
        long end = size - 1;
        String range = ctx.header("Range");
        boolean partial = false;
        if (range != null && !range.isBlank()) {
            Matcher m = Pattern.compile("^bytes=(\\d*)-(\\d*)$").matcher(range.trim());
            boolean ok = m.matches() && !(m.group(1).isEmpty() && m.group(2).isEmpty());
            if (ok) {
                try {
                    if (m.group(1).isEmpty()) { // suffix range: the last N bytes
                        long n = Long.parseLong(m.group(2));
                        start = Math.max(0, size - n);
                    } else {
                        start = Long.parseLong(m.group(1));
                        if (!m.group(2).isEmpty()) {
                            end = Math.min(end, Long.parseLong(m.group(2)));
                        }
                    }
                } catch (NumberFormatException e) {
                    ok = false;
                }
            }
            if (!ok || start > end || start >= size) {
                throw new RegistryException(OciError.RANGE_INVALID, "unsatisfiable range '" + abbreviate(range) + "' for a blob of " + size + " bytes",
                        Map.of("Content-Range", "bytes */" + size));
            }
            partial = true;
        }
        long length = end - start + 1;
        blobHeaders(ctx, digest);
        if (partial) {
            ctx.status(206);
            ctx.header("Content-Range", "bytes " + start + "-" + end + "/" + size);
        }
        ctx.header("Content-Length", Long.toString(Math.max(0, length)));
        if (ctx.method() == HandlerType.HEAD || length <= 0) {
            return;
        }
        try (InputStream in = registry.openBlob(digest, start)) {
            OutputStream out = ctx.res().getOutputStream();
            if (out instanceof HttpOutput jetty) {
                // File -> direct buffer -> socket: no copies through byte[] on the heap.
                ReadableByteChannel ch = Channels.newChannel(in);
                ByteBuffer buf = takeDirectBuffer();
                try {
                    long remaining = length;
                    while (remaining > 0) {
                        buf.clear().limit((int) Math.min(buf.capacity(), remaining));
                        int n = ch.read(buf);
                        if (n < 0) {
                            break;
                        }
                        buf.flip();
                        jetty.write(buf);
                        remaining -= n;
                    }
                } finally {
                    DIRECT_BUFFERS.offer(buf);
                }
            } else {
                byte[] buf = new byte[(int) Math.min(COPY_BUFFER, length)];
                long remaining = length;
                while (remaining > 0) {
                    int n = in.read(buf, 0, (int) Math.min(buf.length, remaining));
                    if (n < 0) {
                        break;
                    }
                    out.write(buf, 0, n);
                    remaining -= n;
                }
            }
            out.flush();
        }
    }

    /** A few direct buffers for blob GETs, reused: direct memory is freed only by GC otherwise. */
    private static final ArrayBlockingQueue<ByteBuffer> DIRECT_BUFFERS = new ArrayBlockingQueue<>(16);

    private static ByteBuffer takeDirectBuffer() {
        ByteBuffer b = DIRECT_BUFFERS.poll();
        return b != null ? b : ByteBuffer.allocateDirect(256 << 10);
    }

    // ---- uploads

    private void startUpload(Context ctx, String repository) throws IOException {
        authorize(ctx, repository, Action.PUSH);
        String mount = ctx.queryParam("mount");
        String from = ctx.queryParam("from");
        if (mount != null && from != null) {
            Digest digest = Registry.parseDigest(mount);
            boolean mayRead = false;
            try {
                Names.checkRepository(from);
                mayRead = allowed(caller(ctx), from).contains(Action.PULL);
            } catch (RegistryException ignored) {
                // an invalid or unreadable source falls back to a normal upload, as the spec says
            }
            if (mayRead && registry.mount(repository, digest, from)) {
                created(ctx, repository, digest);
                return;
            }
        }
        String digestParam = ctx.queryParam("digest");
        Digest digest = digestParam == null ? null : Registry.parseDigest(digestParam); // before a session exists
        if (digest != null) {
            registry.checkBlobSize(ctx.req().getContentLengthLong());
        }
        String id = registry.startUpload(repository);
        if (digest != null) {
            try {
                registry.appendUpload(repository, id, ctx.bodyInputStream(), null, null, ctx.req().getContentLengthLong());
                registry.completeUpload(repository, id, digest);
            } catch (RuntimeException e) {
                cancelQuietly(repository, id);
                throw e;
            }
            created(ctx, repository, digest);
            return;
        }
        ctx.status(202);
        uploadHeaders(ctx, repository, id, 0);
    }

    private void cancelQuietly(String repository, String id) {
        try {
            registry.cancelUpload(repository, id);
        } catch (RuntimeException ignored) {
            // already gone
        }
    }

    private void created(Context ctx, String repository, Digest digest) {
        ctx.status(201);
        ctx.header("Location", "/v2/" + repository + "/blobs/" + digest);
        ctx.header("Docker-Content-Digest", digest.toString());
        ctx.header("Content-Length", "0");
    }

    private static void uploadHeaders(Context ctx, String repository, String id, long size) {
        ctx.header("Location", "/v2/" + repository + "/blobs/uploads/" + id);
        ctx.header("Range", Registry.rangeHeader(size));
        ctx.header("Docker-Upload-UUID", id);
        ctx.header("Content-Length", "0");
    }

    private void upload(Context ctx, String repository, String id) throws IOException {
        switch (ctx.method().name()) {
            case "GET", "HEAD" -> {
                authorize(ctx, repository, Action.PUSH);
                long size = registry.uploadOffset(repository, id);
                ctx.status(204);
                uploadHeaders(ctx, repository, id, size);
            }
            case "PATCH" -> {
                authorize(ctx, repository, Action.PUSH);
                long size = appendChunk(ctx, repository, id);
                ctx.status(202);
                uploadHeaders(ctx, repository, id, size);
            }
            case "PUT" -> {
                authorize(ctx, repository, Action.PUSH);
                String digestParam = ctx.queryParam("digest");
                if (digestParam == null || digestParam.isEmpty()) {
                    throw OciError.DIGEST_INVALID.with("the digest query parameter is required to complete an upload");
                }
                Digest digest = Registry.parseDigest(digestParam);
                long length = ctx.req().getContentLengthLong();
                if (length != 0) { // a final chunk may come with the PUT
                    appendChunk(ctx, repository, id);
                }
                registry.completeUpload(repository, id, digest);
                created(ctx, repository, digest);
            }
            case "DELETE" -> {
                authorize(ctx, repository, Action.PUSH);
                registry.cancelUpload(repository, id);
                ctx.status(204);
            }
            default -> throw OciError.UNSUPPORTED.with("method " + ctx.method() + " is not supported on uploads");
        }
    }

    /** Appends the request body to the upload, honouring an optional {@code Content-Range: start-end}. */
    private long appendChunk(Context ctx, String repository, String id) {
        Long start = null;
        Long end = null;
        String contentRange = ctx.header("Content-Range");
        if (contentRange != null && !contentRange.isBlank()) {
            Matcher m = RANGE.matcher(contentRange.trim());
            if (!m.matches()) {
                throw new RegistryException(OciError.RANGE_INVALID, "Content-Range must be <start>-<end>, got '" + abbreviate(contentRange) + "'",
                        Map.of("Range", Registry.rangeHeader(registry.uploadOffset(repository, id))));
            }
            start = Long.parseLong(m.group(1));
            end = Long.parseLong(m.group(2));
        }
        return registry.appendUpload(repository, id, ctx.bodyInputStream(), start, end, ctx.req().getContentLengthLong());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String abbreviate(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "..." : s;
    }
}
