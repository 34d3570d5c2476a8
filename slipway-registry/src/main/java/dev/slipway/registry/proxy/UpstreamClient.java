package dev.slipway.registry.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.core.Digest;
import dev.slipway.registry.oci.Manifest;
import dev.slipway.registry.oci.MediaTypes;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pull side of one upstream registry's OCI Distribution API, with its authentication: a request
 * goes out anonymously (or with what worked before); a {@code 401} with a {@code Bearer} challenge
 * is answered with a token from the challenge's realm (Docker token spec, with the configured
 * credentials or anonymous), cached per scope until it expires; a {@code Basic} challenge with the
 * configured credentials, sent up front from then on. Redirects (blob storage behind a CDN) are
 * followed here, and credentials never follow them to another host.
 */
final class UpstreamClient {
    private static final String ACCEPT = String.join(", ", MediaTypes.OCI_INDEX, MediaTypes.OCI_MANIFEST,
            MediaTypes.DOCKER_MANIFEST_LIST, MediaTypes.DOCKER_MANIFEST);
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    /** Until the response head arrives; java.net.http has no timeout for a body, see {@link IdleTimeout}. */
    private static final Duration HEAD_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration BODY_IDLE = Duration.ofSeconds(60);
    private static final Pattern PARAM = Pattern.compile("([a-zA-Z_]+)\\s*=\\s*(?:\"([^\"]*)\"|([^,\\s]*))");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Proxies.Proxy proxy;
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    private volatile boolean basic;

    private record Token(String value, long expiresAtNanos) {}

    /** A manifest as the upstream sent it; {@code digest} is its Docker-Content-Digest header, or null. */
    record ManifestResponse(byte[] body, String contentType, Digest digest) {}

    /** A blob download in progress: read {@code body} (of {@code length} bytes, -1 if unknown), then close it. */
    record BlobResponse(InputStream body, long length) implements AutoCloseable {
        @Override
        public void close() {
            try {
                body.close();
            } catch (IOException ignored) {
                // the connection is dropped either way
            }
        }
    }

    UpstreamClient(Proxies.Proxy proxy) {
        this.proxy = proxy;
    }

    Proxies.Proxy proxy() {
        return proxy;
    }

    ManifestResponse getManifest(String name, String reference) {
        HttpResponse<InputStream> r = send("GET", name, "/manifests/" + reference);
        try (InputStream in = r.body()) {
            expectOk(r, "manifest " + name + ":" + reference);
            byte[] body = in.readNBytes(Manifest.MAX_BYTES + 1);
            if (body.length > Manifest.MAX_BYTES) {
                throw new UpstreamException(UpstreamException.Kind.BAD_RESPONSE, "the upstream's manifest " + name + ":" + reference
                        + " is larger than " + Manifest.MAX_BYTES + " bytes");
            }
            return new ManifestResponse(body, r.headers().firstValue("Content-Type").orElse(null), digestHeader(r));
        } catch (IOException e) {
            throw new UpstreamException(UpstreamException.Kind.UNAVAILABLE, "reading the upstream's manifest failed: " + e, e);
        }
    }

    /** The digest the upstream's tag points at now (HEAD, no body); empty if the upstream does not say. */
    Optional<Digest> headManifest(String name, String reference) {
        HttpResponse<InputStream> r = send("HEAD", name, "/manifests/" + reference);
        discard(r);
        expectOk(r, "manifest " + name + ":" + reference);
        return Optional.ofNullable(digestHeader(r));
    }

    BlobResponse getBlob(String name, Digest digest) {
        HttpResponse<InputStream> r = send("GET", name, "/blobs/" + digest);
        if (r.statusCode() != 200) {
            discard(r);
            expectOk(r, "blob " + digest);
        }
        return new BlobResponse(new IdleTimeout(r.body(), BODY_IDLE), r.headers().firstValueAsLong("Content-Length").orElse(-1));
    }

    /** The blob's size according to the upstream, -1 if it does not say. */
    long headBlob(String name, Digest digest) {
        HttpResponse<InputStream> r = send("HEAD", name, "/blobs/" + digest);
        discard(r);
        expectOk(r, "blob " + digest);
        return r.headers().firstValueAsLong("Content-Length").orElse(-1);
    }

    private static Digest digestHeader(HttpResponse<?> r) {
        Optional<String> h = r.headers().firstValue("Docker-Content-Digest");
        try {
            return h.map(Digest::parse).orElse(null);
        } catch (IllegalArgumentException e) {
            throw new UpstreamException(UpstreamException.Kind.BAD_RESPONSE, "the upstream sent an invalid Docker-Content-Digest: " + h.get());
        }
    }

    private void expectOk(HttpResponse<?> r, String what) {
        int s = r.statusCode();
        if (s == 200) {
            return;
        }
        String message = "the upstream " + proxy.upstream() + " answered " + s + " for " + what;
        UpstreamException.Kind kind = switch (s) {
            case 404 -> UpstreamException.Kind.NOT_FOUND;
            case 401, 403 -> UpstreamException.Kind.DENIED;
            case 408, 504 -> UpstreamException.Kind.TIMEOUT;
            default -> s >= 500 || s == 429 ? UpstreamException.Kind.UNAVAILABLE : UpstreamException.Kind.BAD_RESPONSE;
        };
        throw new UpstreamException(kind, message);
    }

    // ---- requests and authentication

    private HttpResponse<InputStream> send(String method, String name, String path) {
        URI uri = URI.create(proxy.upstream() + "/v2/" + name + path);
        String scope = "repository:" + name + ":pull";
        HttpResponse<InputStream> r = exchange(method, uri, authorization(scope));
        if (r.statusCode() != 401) {
            return r;
        }
        discard(r);
        String answer = answer(r.headers().firstValue("WWW-Authenticate").orElse(""), scope);
        return exchange(method, uri, answer);
    }

    private String authorization(String scope) {
        Token t = tokens.get(scope);
        if (t != null && System.nanoTime() < t.expiresAtNanos()) {
            return "Bearer " + t.value();
        }
        return basic ? basicCredentials() : null;
    }

    private String basicCredentials() {
        return "Basic " + Base64.getEncoder().encodeToString((proxy.username() + ":" + proxy.password()).getBytes(StandardCharsets.UTF_8));
    }

    /** The Authorization header that answers a 401's challenge. */
    private String answer(String challenge, String scope) {
        int space = challenge.indexOf(' ');
        String scheme = (space < 0 ? challenge : challenge.substring(0, space)).toLowerCase(Locale.ROOT);
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = PARAM.matcher(space < 0 ? "" : challenge.substring(space + 1));
        while (m.find()) {
            params.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2) != null ? m.group(2) : m.group(3));
        }
        if (scheme.equals("bearer") && params.containsKey("realm")) {
            String token = token(params.get("realm"), params.get("service"), params.getOrDefault("scope", scope));
            return "Bearer " + token;
        }
        if (scheme.equals("basic") && proxy.username() != null) {
            basic = true;
            return basicCredentials();
        }
        throw new UpstreamException(UpstreamException.Kind.DENIED, "the upstream " + proxy.upstream() + " asks for authentication ("
                + (challenge.isEmpty() ? "no challenge" : scheme) + ")" + (proxy.username() == null ? " and the proxy has no credentials" : ""));
    }

    /** A token from the realm, as the Docker token spec describes; cached for its lifetime less a margin. */
    private String token(String realm, String service, String scope) {
        URI uri;
        try {
            uri = URI.create(realm + (realm.contains("?") ? "&" : "?") + (service == null ? "" : "service=" + enc(service) + "&")
                    + "scope=" + enc(scope));
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new UpstreamException(UpstreamException.Kind.BAD_RESPONSE, "the upstream's token realm is not an http(s) URL: " + realm);
        }
        HttpResponse<InputStream> r = exchange("GET", uri, proxy.username() == null ? null : basicCredentials());
        try (InputStream in = r.body()) {
            if (r.statusCode() == 401 || r.statusCode() == 403) {
                throw new UpstreamException(UpstreamException.Kind.DENIED, "the upstream's token service " + realm + " answered "
                        + r.statusCode() + (proxy.username() == null ? " to an anonymous request" : " to the proxy's credentials"));
            }
            expectOk(r, "a token");
            JsonNode body = JSON.readTree(in.readNBytes(1 << 20));
            String token = body.hasNonNull("token") ? body.get("token").asText() : body.path("access_token").asText(null);
            if (token == null || token.isEmpty()) {
                throw new UpstreamException(UpstreamException.Kind.BAD_RESPONSE, "the upstream's token service sent no token");
            }
            long seconds = Math.max(1, body.path("expires_in").asLong(60) - 10);
            tokens.put(scope, new Token(token, System.nanoTime() + Duration.ofSeconds(seconds).toNanos()));
            return token;
        } catch (IOException e) {
            throw new UpstreamException(UpstreamException.Kind.BAD_RESPONSE, "the upstream's token answer is unreadable: " + e, e);
        }
    }

    /** One request, following up to five redirects; credentials go only to the first request's host. */
    private static HttpResponse<InputStream> exchange(String method, URI uri, String authorization) {
        for (int hop = 0; ; hop++) {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(HEAD_TIMEOUT)
                    .header("Accept", ACCEPT).header("User-Agent", "slipway-proxy")
                    .method(method, HttpRequest.BodyPublishers.noBody());
            if (authorization != null) {
                b.header("Authorization", authorization);
            }
            HttpResponse<InputStream> r;
            try {
                r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (IllegalArgumentException e) {
                throw new UpstreamException(UpstreamException.Kind.BAD_RESPONSE, "cannot call " + uri + ": " + e.getMessage(), e);
            } catch (HttpTimeoutException e) {
                throw new UpstreamException(UpstreamException.Kind.TIMEOUT, "no answer from " + uri.getAuthority() + " in time (" + e.getMessage() + ")", e);
            } catch (IOException e) {
                throw new UpstreamException(UpstreamException.Kind.UNAVAILABLE, "cannot reach " + uri.getAuthority() + ": " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UpstreamException(UpstreamException.Kind.UNAVAILABLE, "interrupted while calling " + uri.getAuthority(), e);
            }
            int s = r.statusCode();
            Optional<String> location = r.headers().firstValue("Location");
            if ((s == 301 || s == 302 || s == 303 || s == 307 || s == 308) && location.isPresent() && hop < 5) {
                discard(r);
                URI next = redirectTarget(uri, location.get());
                if (!next.getScheme().equals(uri.getScheme()) || !next.getAuthority().equals(uri.getAuthority())) {
                    authorization = null;
                }
                uri = next;
                continue;
            }
            return r;
        }
    }

    /** Where a redirect points; only to http or https with a host, since an upstream's odd answer must not become our error. */
    private static URI redirectTarget(URI from, String location) {
        try {
            URI next = from.resolve(location.trim());
            if (("http".equals(next.getScheme()) || "https".equals(next.getScheme())) && next.getHost() != null) {
                return next;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new UpstreamException(UpstreamException.Kind.BAD_RESPONSE, "the upstream redirected to an unusable location: " + location);
    }

    private static void discard(HttpResponse<InputStream> r) {
        try {
            r.body().close();
        } catch (IOException ignored) {
            // dropping the connection is fine
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Closes a download that has made no progress for {@code idle}, so a stalled upstream cannot hold a fetch forever. */
    static final class IdleTimeout extends FilterInputStream {
        private volatile long lastProgress = System.nanoTime();
        private volatile boolean closed;

        IdleTimeout(InputStream in, Duration idle) {
            super(in);
            Thread.ofVirtual().name("upstream-idle-watch").start(() -> watch(idle));
        }

        private void watch(Duration idle) {
            long period = Math.min(1_000, Math.max(10, idle.toMillis() / 4));
            while (!closed) {
                try {
                    Thread.sleep(period);
                } catch (InterruptedException e) {
                    return;
                }
                if (!closed && System.nanoTime() - lastProgress > idle.toNanos()) {
                    try {
                        close();
                    } catch (IOException ignored) {
                        // the reader sees the stream closed
                    }
                }
            }
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            lastProgress = System.nanoTime();
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            lastProgress = System.nanoTime();
            return n;
        }

        @Override
        public void close() throws IOException {
            closed = true;
            super.close();
        }
    }
}
