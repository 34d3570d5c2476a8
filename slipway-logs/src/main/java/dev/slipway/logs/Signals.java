package dev.slipway.logs;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wake-ups for followers of logs that changed. A log has a {@link Signal} only while someone
 * follows it, so writing an unfollowed log costs one map lookup per append.
 */
final class Signals {
    private final ConcurrentHashMap<String, Signal> byLog = new ConcurrentHashMap<>();

    /** The log's signal, registered until the matching {@link #release}. */
    Signal acquire(String logId) {
        return byLog.compute(logId, (id, s) -> {
            Signal signal = s == null ? new Signal() : s;
            signal.users++;
            return signal;
        });
    }

    void release(String logId, Signal signal) {
        byLog.computeIfPresent(logId, (id, s) -> s != signal || --s.users > 0 ? s : null);
    }

    /** Called after each change to the log (append, finish, creation, deletion). */
    void fire(String logId) {
        Signal s = byLog.get(logId);
        if (s != null) {
            s.fire();
        }
    }

    /**
     * A counter of changes. A follower reads {@link #version} before it reads the store and, having
     * found nothing new, waits for the version to move on: a change made in between is never missed.
     */
    static final class Signal {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private long version;
        private int users; // guarded by the map's compute

        long version() {
            lock.lock();
            try {
                return version;
            } finally {
                lock.unlock();
            }
        }

        void fire() {
            lock.lock();
            try {
                version++;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        /** Waits until the version differs from {@code seen} or the timeout passes. */
        void await(long seen, long timeoutMillis) throws InterruptedException {
            long nanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            lock.lock();
            try {
                while (version == seen && nanos > 0) {
                    nanos = changed.awaitNanos(nanos);
                }
            } finally {
                lock.unlock();
            }
        }
    }
}
