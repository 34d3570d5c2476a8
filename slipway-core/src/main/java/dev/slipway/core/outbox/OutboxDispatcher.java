package dev.slipway.core.outbox;

import dev.slipway.core.Clock;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox's loop: claims due messages (the first pending one of each ordering key) with a
 * compare-and-set lease, hands each to its kind's handler on a virtual thread of its own, and
 * records how the attempt went. Woken by {@link Outbox#committed()} and by finished attempts;
 * otherwise it looks again when the next message is due, or every few seconds (messages enqueued
 * by another server, leases that ran out).
 */
final class OutboxDispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxDispatcher.class);
    private static final List<String> FIELDS = List.of("id", "kind", "subject", "ordering_key", "payload", "state", "attempts",
            "next_attempt_at", "created_at", "updated_at", "last_status", "last_answer");
    static final String COLUMNS = String.join(", ", FIELDS);
    private static final String ALIASED_COLUMNS = String.join(", ", FIELDS.stream().map("o."::concat).toList());
    private static final int BATCH = 100;
    private static final long IDLE_MILLIS = 5_000;
    private static final long PRUNE_EVERY_MILLIS = 3_600_000;
    private static final int ANSWER_LENGTH = 1000;
    /** Pending messages of a handled kind with no pending message before them under the same key. */
    private static final String HEADS = "FROM outbox o WHERE o.state = 'pending' AND o.kind IN (<kinds>) AND NOT EXISTS "
            + "(SELECT 1 FROM outbox p WHERE p.ordering_key = o.ordering_key AND p.state = 'pending' AND p.id < o.id)";

    private final Jdbi jdbi;
    private final Clock clock;
    private final Outbox.Policy policy;
    private final Map<String, Handler> handlers;
    private final LinkedBlockingQueue<Boolean> wake = new LinkedBlockingQueue<>(1);
    private final Semaphore sending;
    private volatile boolean closed;
    private Thread loop;
    private long lastPrune;

    /** A message claimed for one attempt, until {@code leaseUntil}. */
    private record Claimed(Delivery delivery, long leaseUntil) {}

    OutboxDispatcher(Jdbi jdbi, Clock clock, Outbox.Policy policy, Map<String, Handler> handlers) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.policy = policy;
        this.handlers = handlers;
        this.sending = new Semaphore(policy.parallel());
    }

    static Delivery row(ResultSet rs) throws SQLException {
        int status = rs.getInt(11);
        Integer lastStatus = rs.wasNull() ? null : status;
        return new Delivery(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                Delivery.State.parse(rs.getString(6)), rs.getInt(7), rs.getLong(8), rs.getLong(9), rs.getLong(10), lastStatus,
                rs.getString(12));
    }

    void start() {
        closed = false;
        loop = Thread.ofVirtual().name("outbox").start(this::run);
    }

    void wake() {
        wake.offer(Boolean.TRUE);
    }

    private void run() {
        while (!closed) {
            long wait = IDLE_MILLIS;
            try {
                for (Claimed c : claimDue(sending.availablePermits())) {
                    sending.acquireUninterruptibly();
                    Thread.ofVirtual().name("outbox-" + c.delivery().kind()).start(() -> {
                        try {
                            attempt(c);
                        } catch (InterruptedException e) {
                            // stopping: the lease runs out and the attempt is made again
                        } finally {
                            sending.release();
                            wake();
                        }
                    });
                }
                wait = untilNextDue();
                prune();
            } catch (RuntimeException e) {
                LOG.warn("outbox dispatch failed; trying again in {} ms", wait, e);
            }
            try {
                wake.poll(wait, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The due attempts, made one after the other on this thread (see {@link Outbox#deliverDue()}). */
    int deliverDue() throws InterruptedException {
        List<Claimed> due = claimDue(BATCH);
        for (Claimed c : due) {
            attempt(c);
        }
        return due.size();
    }

    /** Claims up to {@code limit} due messages, each the first pending one of its ordering key. */
    private List<Claimed> claimDue(int limit) {
        List<String> kinds = List.copyOf(handlers.keySet());
        if (kinds.isEmpty() || limit <= 0) {
            return List.of();
        }
        long now = clock.millis();
        List<Delivery> due = jdbi.withHandle(h -> h.createQuery("SELECT " + ALIASED_COLUMNS + " " + HEADS
                        + " AND o.next_attempt_at <= :now ORDER BY o.next_attempt_at, o.id LIMIT " + Math.min(limit, BATCH))
                .bindList("kinds", kinds).bind("now", now).map((rs, ctx) -> row(rs)).list());
        List<Claimed> claimed = new ArrayList<>();
        long lease = now + policy.lease().toMillis();
        for (Delivery d : due) {
            int n = jdbi.withHandle(h -> h.createUpdate("UPDATE outbox SET next_attempt_at = :lease "
                            + "WHERE id = :id AND state = 'pending' AND next_attempt_at = :seen")
                    .bind("lease", lease).bind("id", d.id()).bind("seen", d.nextAttemptAt()).execute());
            if (n == 1) {
                claimed.add(new Claimed(d, lease));
            }
        }
        return claimed;
    }

    /** One attempt and its record; a result recorded after the lease ran out (another server took over) is dropped. */
    private void attempt(Claimed c) throws InterruptedException {
        Delivery d = c.delivery();
        Handler handler = handlers.get(d.kind());
        Result result;
        try {
            result = handler.deliver(d);
        } catch (RuntimeException e) {
            LOG.warn("outbox handler for {} failed on message {}", d.kind(), d.id(), e);
            result = Result.retry(null, e.toString());
        }
        int attempts = d.attempts() + 1;
        long now = clock.millis();
        Delivery.State state;
        String answer = result.answer();
        long next = now;
        switch (result) {
            case Result.Delivered ok -> state = Delivery.State.DELIVERED;
            case Result.Failed failed -> state = Delivery.State.FAILED;
            case Result.Retry retry -> {
                if (attempts >= policy.maxAttempts()) {
                    state = Delivery.State.FAILED;
                    answer = answer + " (gave up after " + attempts + " attempts)";
                } else {
                    state = Delivery.State.PENDING;
                    next = now + policy.retryDelayMillis(attempts);
                }
            }
        }
        if (state != Delivery.State.DELIVERED) {
            LOG.info("outbox {} message {} ({}), attempt {}: {}{}", d.kind(), d.id(), d.subject(), attempts, answer,
                    state == Delivery.State.PENDING ? "; next attempt in " + (next - now) + " ms" : "; failed");
        }
        String lastAnswer = answer == null || answer.length() <= ANSWER_LENGTH ? answer : answer.substring(0, ANSWER_LENGTH - 3) + "...";
        Delivery.State recorded = state;
        long nextAttempt = next;
        Integer lastStatus = result.status();
        int n = jdbi.withHandle(h -> h.createUpdate("UPDATE outbox SET state = :s, attempts = :a, next_attempt_at = :n, last_status = :ls, "
                        + "last_answer = :la, updated_at = :t WHERE id = :id AND state = 'pending' AND next_attempt_at = :lease")
                .bind("s", recorded.wire()).bind("a", attempts).bind("n", nextAttempt).bind("ls", lastStatus).bind("la", lastAnswer)
                .bind("t", now).bind("id", d.id()).bind("lease", c.leaseUntil()).execute());
        if (n == 0) {
            LOG.warn("outbox message {} took longer than its lease; another attempt may have been made meanwhile", d.id());
        }
    }

    /** Milliseconds until the next message is due (at least 10, at most the idle period). */
    private long untilNextDue() {
        List<String> kinds = List.copyOf(handlers.keySet());
        if (kinds.isEmpty()) {
            return IDLE_MILLIS;
        }
        Long next = jdbi.withHandle(h -> h.createQuery("SELECT MIN(o.next_attempt_at) " + HEADS).bindList("kinds", kinds)
                .mapTo(Long.class).findOne().orElse(null));
        return next == null ? IDLE_MILLIS : Math.clamp(next - clock.millis(), 10, IDLE_MILLIS);
    }

    private void prune() {
        long now = clock.millis();
        if (now - lastPrune < PRUNE_EVERY_MILLIS) {
            return;
        }
        lastPrune = now;
        int n = jdbi.withHandle(h -> h.createUpdate("DELETE FROM outbox WHERE state <> 'pending' AND updated_at < :c")
                .bind("c", now - policy.retention().toMillis()).execute());
        if (n > 0) {
            LOG.info("outbox: removed {} messages delivered or failed more than {} ago", n, policy.retention());
        }
    }

    @Override
    public void close() {
        closed = true;
        if (loop != null) {
            loop.interrupt();
            try {
                loop.join(5_000);
                // Attempts in flight record their results before the database closes (or are made again after a restart).
                if (sending.tryAcquire(policy.parallel(), 5, TimeUnit.SECONDS)) {
                    sending.release(policy.parallel());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
