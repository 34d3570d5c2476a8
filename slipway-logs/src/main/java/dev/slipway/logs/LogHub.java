package dev.slipway.logs;

import dev.slipway.core.SlipwayException;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Live fan-out of logs to followers, such as browsers watching a running task.
 *
 * <p>Each follow runs on its own virtual thread and reads the {@link LogStore} from its own
 * offset: the store is the buffer. Writers never wait for followers and nothing is queued per
 * follower, so a slow or stuck follower costs one page (at most 64 KiB) and falls behind, while
 * the others and the writer go on. An append wakes the log's followers; they also look every
 * second, which covers writes through another {@link LogStore} over the same root.
 *
 * <p>Delivery has no gap and no duplicate: a follower reads the change counter of the log before
 * each read of the store and waits only while the counter is unchanged, so a chunk appended while
 * the backlog is being replayed is either in the read or wakes the follower for the next one.
 */
public final class LogHub {
    private final LogStore store;
    private final long pollMillis;

    public LogHub(LogStore store) {
        this(store, 1000);
    }

    /** Tests pass a long poll, to show that followers never depend on it. */
    LogHub(LogStore store, long pollMillis) {
        this.store = store;
        this.pollMillis = pollMillis;
    }

    /** A follow in progress. */
    public interface Subscription extends AutoCloseable {
        /**
         * Stops the follow (the subscriber went away). Idempotent and does not wait: a listener call
         * already under way (or just starting) may complete, and none follows it.
         */
        void cancel();

        @Override
        default void close() {
            cancel();
        }
    }

    /**
     * Delivers the log to {@code listener} from {@code fromOffset} (0 for everything): the bytes
     * stored so far, then bytes as they are appended, then the end. A log that does not exist yet
     * is waited for; use {@link LogStore#exists} first to refuse unknown logs.
     *
     * @throws SlipwayException.BadRequest for an invalid id or a negative offset
     */
    public Subscription follow(String logId, long fromOffset, LogListener listener) {
        LogStore.validate(logId);
        if (fromOffset < 0) {
            throw new SlipwayException.BadRequest("negative log offset");
        }
        Follower follower = new Follower(logId, fromOffset, Objects.requireNonNull(listener, "listener"),
                store.signals.acquire(logId));
        Thread.ofVirtual().name("log-follow " + logId).start(follower);
        return follower;
    }

    private final class Follower implements Runnable, Subscription {
        private final String logId;
        private final LogListener listener;
        private final Signals.Signal signal;
        private long offset;
        private volatile boolean cancelled;

        Follower(String logId, long offset, LogListener listener, Signals.Signal signal) {
            this.logId = logId;
            this.offset = offset;
            this.listener = listener;
            this.signal = signal;
        }

        @Override
        public void cancel() {
            cancelled = true;
            signal.fire();
        }

        @Override
        public void run() {
            OptionalInt exit;
            try {
                exit = follow();
            } catch (Exception e) {
                if (!cancelled) {
                    listener.onError(e);
                }
                return;
            } finally {
                store.signals.release(logId, signal);
            }
            if (exit.isPresent() && !cancelled) {
                listener.onEnd(exit.getAsInt());
            }
        }

        /** Delivers chunks until the log is finished (returning its exit code) or the follow is cancelled. */
        private OptionalInt follow() throws Exception {
            boolean existed = false;
            while (!cancelled) {
                long version = signal.version();
                List<LogChunk> page;
                OptionalInt exit = OptionalInt.empty();
                try {
                    page = store.chunks(logId, offset, LogFiles.MAX_CHUNK);
                    if (page.isEmpty()) {
                        // The exit file is written after the last append: read it first, then the log again.
                        exit = store.exitCode(logId);
                        page = exit.isPresent() ? store.chunks(logId, offset, LogFiles.MAX_CHUNK) : page;
                    }
                    existed = true;
                } catch (SlipwayException.NotFound e) {
                    if (existed) {
                        throw new SlipwayException.NotFound("log " + logId + " was deleted");
                    }
                    signal.await(version, java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(pollMillis));
                    continue;
                }
                if (!page.isEmpty()) {
                    listener.onChunks(page);
                    offset = page.getLast().end();
                } else if (exit.isPresent()) {
                    return exit;
                } else {
                    signal.await(version, java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(pollMillis));
                }
            }
            return OptionalInt.empty();
        }
    }
}
