package dev.slipway.core.outbox;

import dev.slipway.core.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * A persistent outbox: messages to other systems (commit statuses to forges, notifications),
 * enqueued in the transaction of the change that causes them and delivered afterwards by a
 * dispatcher, so a change and its messages commit together, and a slow or failing receiver never
 * holds the change up. Only the server starts the dispatcher ({@link #start()}); CLI commands may
 * enqueue, and the server sends what they left.
 *
 * <ul>
 *   <li><b>Handlers:</b> one per kind ({@link #handle}) does the I/O and says how the attempt went
 *       ({@link Result}). A server delivers only the kinds it has handlers for.</li>
 *   <li><b>Order:</b> messages with the same ordering key are delivered one at a time, in the order
 *       they were enqueued: the next waits while the one before it is retried, and goes once that
 *       one is delivered or has failed. Messages without a key, or with different keys, go in
 *       parallel (at most {@link Policy#parallel()} at once).</li>
 *   <li><b>Retries:</b> a failed attempt worth retrying is made again after 1 s, 2 s, 4 s ... (at most
 *       15 min apart); after {@link Policy#maxAttempts()} attempts the message has failed. A handler
 *       may fail a message at once (a refused token is refused on the tenth try too).</li>
 *   <li><b>Several servers on one database:</b> a message is claimed by moving its due time forward
 *       by a lease with a compare-and-set; a server that dies mid-send only delays the retry until
 *       the lease ends. An attempt that outlasts its lease may be made twice, so receivers must
 *       tolerate a repeat.</li>
 *   <li><b>Retention:</b> delivered and failed messages are kept {@link Policy#retention()} (30
 *       days), so users can see what was sent and why something failed.</li>
 * </ul>
 *
 * <p>Layout: tables {@code outbox} and {@code outbox_sequence} ({@code db/migration/core/V11__outbox.sql}).
 * Ids come from {@code outbox_sequence}, incremented in the enqueuing transaction: two transactions
 * that enqueue with one key get ids in the order they committed, on any server.
 */
public final class Outbox implements AutoCloseable {
    /**
     * When and how often to try.
     *
     * @param firstRetry the wait after the first failed attempt; it doubles after each further one
     * @param maxRetry the longest wait between attempts
     * @param maxAttempts attempts before a message has failed
     * @param lease how long a claimed attempt may take before another dispatcher may make it again
     * @param retention how long delivered and failed messages are kept
     * @param parallel attempts in flight at once, per server
     */
    public record Policy(Duration firstRetry, Duration maxRetry, int maxAttempts, Duration lease, Duration retention, int parallel) {
        public static final Policy DEFAULT = new Policy(Duration.ofSeconds(1), Duration.ofMinutes(15), 12, Duration.ofSeconds(30),
                Duration.ofDays(30), 16);

        public Policy {
            if (maxAttempts < 1 || parallel < 1 || firstRetry.isNegative() || maxRetry.compareTo(firstRetry) < 0) {
                throw new IllegalArgumentException("invalid outbox policy " + firstRetry + ", " + maxRetry + ", " + maxAttempts);
            }
        }

        /** The wait after the {@code failedAttempts}-th failed attempt: 1 s, doubling, at most 15 min (by default). */
        public long retryDelayMillis(int failedAttempts) {
            long max = maxRetry.toMillis();
            long delay = Math.min(firstRetry.toMillis(), max);
            for (int i = 1; i < failedAttempts && delay < max; i++) {
                delay = Math.min(delay * 2, max);
            }
            return delay;
        }
    }

    private final Jdbi jdbi;
    private final Clock clock;
    private final Policy policy;
    private final Map<String, Handler> handlers = new ConcurrentHashMap<>();
    private final OutboxDispatcher dispatcher;
    private boolean started;

    public Outbox(Jdbi jdbi, Clock clock) {
        this(jdbi, clock, Policy.DEFAULT);
    }

    public Outbox(Jdbi jdbi, Clock clock, Policy policy) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.policy = policy;
        this.dispatcher = new OutboxDispatcher(jdbi, clock, policy, handlers);
    }

    public Policy policy() {
        return policy;
    }

    /** Registers the handler of {@code kind}; one per kind. */
    public void handle(String kind, Handler handler) {
        if (handlers.putIfAbsent(kind, handler) != null) {
            throw new IllegalStateException("the outbox already has a handler for " + kind);
        }
    }

    /**
     * Enqueues {@code message} with the caller's handle, inside the caller's transaction: it exists
     * exactly when the change that caused it does. Call {@link #committed()} after the commit.
     *
     * @return the message's id
     */
    public long enqueue(Handle tx, Message message) {
        tx.createUpdate("UPDATE outbox_sequence SET value = value + 1").execute();
        long id = tx.createQuery("SELECT value FROM outbox_sequence").mapTo(Long.class).one();
        long now = clock.millis();
        tx.createUpdate("INSERT INTO outbox(id, kind, subject, ordering_key, payload, state, attempts, next_attempt_at, created_at, updated_at) "
                        + "VALUES (:id, :k, :s, :o, :p, 'pending', 0, :t, :t, :t)")
                .bind("id", id).bind("k", message.kind()).bind("s", message.subject()).bind("o", message.orderingKey())
                .bind("p", message.payload()).bind("t", now).execute();
        return id;
    }

    /** Enqueues {@code message} in a transaction of its own and wakes the dispatcher. */
    public long enqueue(Message message) {
        long id = jdbi.inTransaction(h -> enqueue(h, message));
        committed();
        return id;
    }

    /** Wakes the dispatcher after a transaction that enqueued committed (a no-op where none runs). */
    public void committed() {
        dispatcher.wake();
    }

    /** The messages about {@code subject}, in the order they were enqueued. */
    public List<Delivery> deliveries(String subject) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + OutboxDispatcher.COLUMNS + " FROM outbox WHERE subject = :s ORDER BY id")
                .bind("s", subject).map((rs, ctx) -> OutboxDispatcher.row(rs)).list());
    }

    public Optional<Delivery> delivery(long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + OutboxDispatcher.COLUMNS + " FROM outbox WHERE id = :id")
                .bind("id", id).map((rs, ctx) -> OutboxDispatcher.row(rs)).findOne());
    }

    /** Starts delivering: the server calls this once; CLI commands never do. */
    public synchronized void start() {
        if (!started) {
            started = true;
            dispatcher.start();
        }
    }

    /**
     * Makes the attempts that are due now, one after the other on the calling thread, and returns
     * how many were made: the dispatcher's work without its thread, for tests that drive the clock.
     */
    int deliverDue() throws InterruptedException {
        return dispatcher.deliverDue();
    }

    /** Stops the dispatcher; attempts in flight get a few seconds to finish (the others are made again after a restart). */
    @Override
    public synchronized void close() {
        if (started) {
            dispatcher.close();
            started = false;
        }
    }
}
