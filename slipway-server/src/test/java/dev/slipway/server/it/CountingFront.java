package dev.slipway.server.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A loopback HTTP forwarder put in front of an upstream registry, so that tests can see exactly what
 * the pull-through cache asked the upstream: it counts every request by method and path. It can
 * also demand Basic credentials, answer every request with an error status (an upstream that is up
 * but failing), and hold blob downloads back (to make concurrent misses overlap).
 */
public final class CountingFront implements AutoCloseable {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private static final Set<String> NOT_FORWARDED = Set.of("host", "content-length", "connection", "expect", "upgrade",
            "transfer-encoding", "keep-alive");

    private final HttpServer server;
    private final String target;
    private final Map<String, Integer> counts = new ConcurrentHashMap<>();
    private volatile String requiredAuthorization;
    private volatile int failWith;
    private volatile CountDownLatch blobHold;
    private volatile long blobHoldMillis;
    private volatile String redirectBlobsTo;
    private volatile long pauseAfter = -1;
    private volatile CountDownLatch pauseReached;
    private volatile CountDownLatch pauseResume;
    private volatile boolean corruptBlobs;
    private final java.util.concurrent.atomic.AtomicInteger withAuthorization = new java.util.concurrent.atomic.AtomicInteger();

    private CountingFront(String target) throws IOException {
        this.target = target;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    /** Forwards to {@code targetUrl} (scheme://host:port). */
    public static CountingFront start(String targetUrl) throws IOException {
        return new CountingFront(targetUrl);
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** How many requests {@code method path} (path without query) arrived. */
    public int count(String method, String path) {
        return counts.getOrDefault(method + " " + path, 0);
    }

    public Map<String, Integer> counts() {
        return Map.copyOf(counts);
    }

    /** From now on, requests without these Basic credentials get 401 with a Basic challenge. */
    public void requireBasic(String user, String password) {
        requiredAuthorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Answers every request with {@code status} (0: forward again). */
    public void failWith(int status) {
        failWith = status;
    }

    /**
     * Holds every blob GET until {@code requests} of them have arrived or {@code maxMillis} passed,
     * whichever comes first: concurrent clients that each reached the upstream would all be counted.
     */
    public void holdBlobs(int requests, long maxMillis) {
        blobHoldMillis = maxMillis;
        blobHold = new CountDownLatch(requests);
    }

    /** Answers blob GETs (after any credential check) with a 307 to the same path on {@code url}, as registries on object storage do. */
    public void redirectBlobsTo(String url) {
        redirectBlobsTo = url;
    }

    /**
     * Blob GET answers send their headers and first {@code afterBytes} bytes, then wait for
     * {@code resume} before the rest; the returned latch opens when the first part went out.
     */
    public CountDownLatch pauseBlobBodies(long afterBytes, CountDownLatch resume) {
        pauseReached = new CountDownLatch(1);
        pauseResume = resume;
        pauseAfter = afterBytes;
        return pauseReached;
    }

    /** Blob GET answers flip a bit of the blob's last byte (true) or pass it unchanged (false). */
    public void corruptBlobs(boolean corrupt) {
        corruptBlobs = corrupt;
    }

    /** How many requests arrived with an Authorization header. */
    public int withAuthorization() {
        return withAuthorization.get();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getRawPath();
            counts.merge(method + " " + path, 1, Integer::sum);
            if (ex.getRequestHeaders().containsKey("Authorization")) {
                withAuthorization.incrementAndGet();
            }
            if (requiredAuthorization != null && !requiredAuthorization.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"front\"");
                ex.sendResponseHeaders(401, -1);
                return;
            }
            if (failWith != 0) {
                ex.sendResponseHeaders(failWith, -1);
                return;
            }
            if (redirectBlobsTo != null && method.equals("GET") && path.contains("/blobs/")) {
                ex.getResponseHeaders().set("Location", redirectBlobsTo + path);
                ex.sendResponseHeaders(307, -1);
                return;
            }
            CountDownLatch hold = blobHold;
            if (hold != null && method.equals("GET") && path.contains("/blobs/")) {
                hold.countDown();
                hold.await(blobHoldMillis, TimeUnit.MILLISECONDS);
            }
            forward(ex, method);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void forward(HttpExchange ex, String method) throws IOException, InterruptedException {
        String query = ex.getRequestURI().getRawQuery();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(target + ex.getRequestURI().getRawPath() + (query == null ? "" : "?" + query)));
        ex.getRequestHeaders().forEach((name, values) -> {
            if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(v -> b.header(name, v));
            }
        });
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readAllBytes();
        }
        b.method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        HttpResponse<byte[]> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        r.headers().map().forEach((name, values) -> {
            if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                ex.getResponseHeaders().put(name, List.copyOf(values));
            }
        });
        if (method.equals("HEAD")) {
            r.headers().firstValue("Content-Length").ifPresent(v -> ex.getResponseHeaders().set("Content-Length", v));
            ex.sendResponseHeaders(r.statusCode(), -1);
            return;
        }
        byte[] out = r.body();
        if (method.equals("GET") && ex.getRequestURI().getRawPath().contains("/blobs/") && r.statusCode() == 200 && out.length > 0) {
            sendBlob(ex, out);
            return;
        }
        ex.sendResponseHeaders(r.statusCode(), out.length == 0 ? -1 : out.length);
        if (out.length > 0) {
            ex.getResponseBody().write(out);
        }
    }

    private void sendBlob(HttpExchange ex, byte[] blob) throws IOException, InterruptedException {
        byte[] out = blob;
        if (corruptBlobs) {
            out = blob.clone();
            out[out.length - 1] ^= 1;
        }
        ex.sendResponseHeaders(200, out.length);
        java.io.OutputStream body = ex.getResponseBody();
        long after = pauseAfter;
        if (after >= 0 && after < out.length) {
            body.write(out, 0, (int) after);
            body.flush();
            pauseReached.countDown();
            pauseResume.await(2, TimeUnit.MINUTES);
            body.write(out, (int) after, out.length - (int) after);
        } else {
            body.write(out);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
