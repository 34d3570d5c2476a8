package dev.slipway.registry.events;

import dev.slipway.core.Clock;
import dev.slipway.core.SecretBox;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loop per server: hands new outbox rows to the listeners and turns them into deliveries, then
 * POSTs due deliveries, each on its own virtual thread (at most {@value #PARALLEL} at once).
 *
 * <p>A delivery is claimed by moving its {@code next_attempt_at} forward by a lease with a
 * compare-and-set UPDATE, so two dispatchers never send the same attempt, and one that dies mid-send
 * only delays the retry. A 2xx answer delivers; anything else is retried after 1 s, 2 s, 4 s ...
 * (at most 15 min apart) until {@value #MAX_ATTEMPTS} attempts have failed. Delivered and failed rows
 * and their events are kept for {@link #RETENTION}.
 */
final class WebhookDispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
    static final int MAX_ATTEMPTS = 12;
    private static final int PARALLEL = 16;
    private static final int BATCH = 100;
    private static final long FIRST_RETRY_MILLIS = 1_000;
    private static final long MAX_RETRY_MILLIS = 15 * 60_000;
    private static final long LEASE_MILLIS = 30_000; // longer than a send can take (5 s connect + 10 s answer)
    private static final long IDLE_MILLIS = 5_000;
    private static final Duration RETENTION = Duration.ofDays(7);

    private final Jdbi jdbi;
    private final Clock clock;
    private final SecretBox secrets;
    private final List<RegistryEventListener> listeners;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private final LinkedBlockingQueue<Boolean> wake = new LinkedBlockingQueue<>(1);
    private final Semaphore sending = new Semaphore(PARALLEL);
    private volatile boolean closed;
    private Thread loop;
    private long lastPrune;

    private record Stored(String id, String owner, String payload) {}

    private record Due(String eventId, String webhookId, int attempts, long seen, String kind, String payload, String url,
                       String secret) {}

    WebhookDispatcher(Jdbi jdbi, Clock clock, SecretBox secrets, List<RegistryEventListener> listeners) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.secrets = secrets;
        this.listeners = listeners;
    }

    void start() {
        loop = Thread.ofVirtual().name("registry-events").start(this::run);
    }

    void wake() {
        wake.offer(Boolean.TRUE);
    }

    private void run() {
        while (!closed) {
            long wait = IDLE_MILLIS;
            try {
                fanOut();
                wait = deliverDue();
                prune();
            } catch (RuntimeException e) {
                LOG.warn("registry event dispatch failed; retrying in {} ms", wait, e);
            }
            try {
                wake.poll(wait, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** New events: listeners first (at least once), then one delivery per matching webhook, in one transaction. */
    private void fanOut() {
        while (!closed) {
            List<Stored> batch = jdbi.withHandle(h -> h.createQuery(
                            "SELECT id, owner, payload FROM registry_events WHERE fanned_out = FALSE ORDER BY id LIMIT " + BATCH)
                    .map((rs, ctx) -> new Stored(rs.getString(1), rs.getString(2), rs.getString(3))).list());
            if (batch.isEmpty()) {
                return;
            }
            for (Stored s : batch) {
                RegistryEvent event = EventJson.read(s.payload());
                for (RegistryEventListener l : listeners) {
                    try {
                        l.onEvent(event);
                    } catch (RuntimeException e) {
                        LOG.warn("registry event listener {} failed on {}", l, s.id(), e);
                    }
                }
            }
            long now = clock.millis();
            jdbi.useTransaction(h -> {
                record Hook(String id, String owner) {}
                List<Hook> hooks = h.createQuery("SELECT id, owner FROM webhooks")
                        .map((rs, ctx) -> new Hook(rs.getString(1), rs.getString(2))).list();
                for (Stored s : batch) {
                    int claimed = h.createUpdate("UPDATE registry_events SET fanned_out = TRUE WHERE id = :id AND fanned_out = FALSE")
                            .bind("id", s.id()).execute();
                    if (claimed == 0) {
                        continue;
                    }
                    for (Hook hook : hooks) {
                        if (hook.owner() == null || hook.owner().equals(s.owner())) {
                            h.createUpdate("INSERT INTO webhook_deliveries(event_id, webhook_id, status, attempts, next_attempt_at, updated_at) "
                                            + "VALUES (:e, :w, 'pending', 0, :t, :t)")
                                    .bind("e", s.id()).bind("w", hook.id()).bind("t", now).execute();
                        }
                    }
                }
            });
            if (batch.size() < BATCH) {
                return;
            }
        }
    }

    /** Starts the due deliveries; returns how long to sleep until the next one is due. */
    private long deliverDue() {
        long now = clock.millis();
        List<Due> due = jdbi.withHandle(h -> h.createQuery(
                        "SELECT d.event_id, d.webhook_id, d.attempts, d.next_attempt_at, e.kind, e.payload, w.url, w.secret "
                                + "FROM webhook_deliveries d JOIN registry_events e ON e.id = d.event_id JOIN webhooks w ON w.id = d.webhook_id "
                                + "WHERE d.status = 'pending' AND d.next_attempt_at <= :now ORDER BY d.next_attempt_at, d.event_id LIMIT " + BATCH)
                .bind("now", now)
                .map((rs, ctx) -> new Due(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getLong(4), rs.getString(5),
                        rs.getString(6), rs.getString(7), rs.getString(8)))
                .list());
        for (Due d : due) {
            int claimed = jdbi.withHandle(h -> h.createUpdate("UPDATE webhook_deliveries SET next_attempt_at = :lease "
                            + "WHERE event_id = :e AND webhook_id = :w AND status = 'pending' AND next_attempt_at = :seen")
                    .bind("lease", now + LEASE_MILLIS).bind("e", d.eventId()).bind("w", d.webhookId()).bind("seen", d.seen())
                    .execute());
            if (claimed == 0) {
                continue;
            }
            sending.acquireUninterruptibly();
            Thread.ofVirtual().name("webhook-delivery").start(() -> {
                try {
                    send(d);
                } finally {
                    sending.release();
                    wake();
                }
            });
        }
        Long next = jdbi.withHandle(h -> h.createQuery("SELECT MIN(next_attempt_at) FROM webhook_deliveries WHERE status = 'pending'")
                .mapTo(Long.class).findOne().orElse(null));
        return next == null ? IDLE_MILLIS : Math.clamp(next - clock.millis(), 10, IDLE_MILLIS);
    }

    private void send(Due d) {
        Integer status = null;
        String error = null;
        try {
            byte[] body = d.payload().getBytes(StandardCharsets.UTF_8);
            HttpRequest request = HttpRequest.newBuilder(URI.create(d.url()))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "slipway-webhook")
                    .header("X-Slipway-Event", d.kind())
                    .header("X-Slipway-Delivery", d.eventId())
                    .header("X-Slipway-Signature", signature(secrets.unseal(d.secret()), body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
            status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status < 200 || status > 299) {
                error = "answered " + status;
            }
        } catch (IOException | RuntimeException e) {
            error = e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return; // shutting down: the lease expires and the delivery is retried
        }
        int attempts = d.attempts() + 1;
        long now = clock.millis();
        String state = error == null ? "delivered" : attempts >= MAX_ATTEMPTS ? "failed" : "pending";
        if (error != null) {
            LOG.info("webhook delivery {} to {} failed (attempt {} of {}): {}", d.eventId(), d.url(), attempts, MAX_ATTEMPTS, error);
        }
        String lastError = error == null ? null : error.length() > 500 ? error.substring(0, 500) : error;
        Integer lastStatus = status;
        jdbi.useHandle(h -> h.createUpdate("UPDATE webhook_deliveries SET status = :s, attempts = :a, next_attempt_at = :n, "
                        + "last_status = :ls, last_error = :le, updated_at = :t WHERE event_id = :e AND webhook_id = :w")
                .bind("s", state).bind("a", attempts).bind("n", now + backoffMillis(attempts))
                .bind("ls", lastStatus).bind("le", lastError).bind("t", now)
                .bind("e", d.eventId()).bind("w", d.webhookId()).execute());
    }

    /** The wait after the {@code attempts}-th failure: 1 s, doubling, at most 15 min. */
    static long backoffMillis(int attempts) {
        int doublings = Math.min(attempts - 1, 20);
        return Math.min(FIRST_RETRY_MILLIS << doublings, MAX_RETRY_MILLIS);
    }

    /** {@code sha256=<hex>} of the HMAC-SHA256 of the body under the webhook's secret. */
    static String signature(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private void prune() {
        long now = clock.millis();
        if (now - lastPrune < 3_600_000) {
            return;
        }
        lastPrune = now;
        long cutoff = now - RETENTION.toMillis();
        jdbi.useTransaction(h -> {
            h.createUpdate("DELETE FROM webhook_deliveries WHERE status <> 'pending' AND updated_at < :c").bind("c", cutoff).execute();
            h.createUpdate("DELETE FROM registry_events WHERE fanned_out = TRUE AND created_at < :c AND NOT EXISTS "
                    + "(SELECT 1 FROM webhook_deliveries d WHERE d.event_id = registry_events.id)").bind("c", cutoff).execute();
        });
    }

    @Override
    public void close() {
        closed = true;
        if (loop != null) {
            loop.interrupt();
            try {
                loop.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
