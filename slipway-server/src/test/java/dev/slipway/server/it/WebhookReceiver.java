package dev.slipway.server.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A loopback HTTP endpoint that records what it receives (method, path, headers, body) and answers
 * with scripted statuses (then 200); it stands in for webhook receivers and for a forge's API.
 * {@link #hold()} keeps requests waiting for their answer until {@link #release()}.
 */
public final class WebhookReceiver implements AutoCloseable {
    /** One request as received, with the status it was answered with. Header names are lower-case. */
    public record Delivery(Map<String, String> headers, String body, int answeredWith, String method, String path) {
        public String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    private final HttpServer server;
    private final ConcurrentLinkedQueue<Integer> script = new ConcurrentLinkedQueue<>();
    private final List<Delivery> received = java.util.Collections.synchronizedList(new ArrayList<>());
    private volatile java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(0);

    private WebhookReceiver(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", ex -> {
            try (ex; InputStream in = ex.getRequestBody()) {
                String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                try {
                    gate.await(2, java.util.concurrent.TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                Map<String, String> headers = new java.util.HashMap<>();
                ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.getFirst()));
                Integer scripted = script.poll();
                int status = scripted == null ? 200 : scripted;
                received.add(new Delivery(headers, body, status, ex.getRequestMethod(), ex.getRequestURI().getRawPath()));
                ex.sendResponseHeaders(status, -1);
            }
        });
        server.start();
    }

    /** On a free port. */
    public static WebhookReceiver start() throws IOException {
        return new WebhookReceiver(0);
    }

    /** On a given port (one that a server was told about while nothing listened there). */
    public static WebhookReceiver start(int port) throws IOException {
        return new WebhookReceiver(port);
    }

    /** Requests wait for their answer (and are recorded when answered) until {@link #release()}. */
    public void hold() {
        gate = new java.util.concurrent.CountDownLatch(1);
    }

    public void release() {
        gate.countDown();
    }

    /** http://127.0.0.1:PORT, to which paths are appended. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    /** The next requests are answered with these statuses, in order; later ones with 200. */
    public void answer(int... statuses) {
        for (int s : statuses) {
            script.add(s);
        }
    }

    public List<Delivery> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** Waits (up to {@code timeout}) until {@code count} deliveries match, and returns the matching ones. */
    public List<Delivery> await(Predicate<Delivery> match, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Delivery> matching = received().stream().filter(match).toList();
            if (matching.size() >= count || System.nanoTime() > deadline) {
                return matching;
            }
            Thread.sleep(20);
        }
    }

    /** {@code sha256=<hex>} of HMAC-SHA256(secret, body), computed here independently of the server. */
    public static String signature(String secret, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        release();
        server.stop(0);
    }
}
