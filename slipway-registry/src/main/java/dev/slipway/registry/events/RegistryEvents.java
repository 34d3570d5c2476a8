package dev.slipway.registry.events;

import dev.slipway.core.Clock;
import dev.slipway.core.Ids;
import dev.slipway.core.SecretBox;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Registry events, outbox style. A change that reports an event writes it with {@link #record}
 * inside its own transaction (table {@code registry_events}, see {@code V4__registry_proxy_events.sql}),
 * so the event exists exactly when the change does, whatever crashes. After the commit the change
 * calls {@link #committed()}; the dispatcher (started only by the server, {@link #start()}) hands
 * each new event to the in-process listeners and creates one delivery per matching webhook, then
 * delivers with retries. A server that was down finds the undelivered rows when it starts again.
 */
public final class RegistryEvents implements AutoCloseable {
    private final Jdbi jdbi;
    private final Clock clock;
    private final SecretBox secrets;
    private final List<RegistryEventListener> listeners = new CopyOnWriteArrayList<>();
    private long lastMillis;
    private long sequence;
    private WebhookDispatcher dispatcher;

    public RegistryEvents(Jdbi jdbi, Clock clock, SecretBox secrets) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.secrets = secrets;
    }

    /** A new event id: milliseconds, then a counter, in hex, so ids sort in the order they were made. */
    public synchronized String newId() {
        long now = Math.max(clock.millis(), lastMillis); // a clock step back must not reorder ids
        lastMillis = now;
        return String.format("%012x%08x%s", now, ++sequence & 0xffffffffL, Ids.randomHex(4));
    }

    public long now() {
        return clock.millis();
    }

    /** Writes the event to the outbox with the caller's handle, inside the caller's transaction. */
    public void record(Handle h, RegistryEvent event) {
        h.createUpdate("INSERT INTO registry_events(id, kind, repository, owner, payload, created_at, fanned_out) "
                        + "VALUES (:id, :k, :r, :o, :p, :t, FALSE)")
                .bind("id", event.id()).bind("k", event.kind()).bind("r", event.repository()).bind("o", event.owner())
                .bind("p", EventJson.write(event)).bind("t", event.at()).execute();
    }

    /** Wakes the dispatcher after a transaction with events committed (a no-op where none runs). */
    public void committed() {
        WebhookDispatcher d = dispatcher;
        if (d != null) {
            d.wake();
        }
    }

    public void subscribe(RegistryEventListener listener) {
        listeners.add(listener);
    }

    /** Starts delivering: the server calls this once; CLI commands never do. */
    public synchronized void start() {
        if (dispatcher == null) {
            dispatcher = new WebhookDispatcher(jdbi, clock, secrets, listeners);
            dispatcher.start();
        }
    }

    @Override
    public synchronized void close() {
        if (dispatcher != null) {
            dispatcher.close();
            dispatcher = null;
        }
    }
}
