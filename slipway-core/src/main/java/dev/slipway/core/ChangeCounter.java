package dev.slipway.core;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A counter of changes that waiters block on instead of polling (log followers, run watchers).
 * A waiter reads {@link #version} before it reads the state it watches and, having found nothing
 * new, waits for the version to move on: a change made in between is never missed.
 */
public class ChangeCounter {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long version;

    /** Something changed: wakes every waiter. */
    public void fire() {
        lock.lock();
        try {
            version++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public long version() {
        lock.lock();
        try {
            return version;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the version differs from {@code seen} or {@code timeoutNanos} pass.
     *
     * @return the version now
     */
    public long await(long seen, long timeoutNanos) throws InterruptedException {
        long nanos = timeoutNanos;
        lock.lock();
        try {
            while (version == seen && nanos > 0) {
                nanos = changed.awaitNanos(nanos);
            }
            return version;
        } finally {
            lock.unlock();
        }
    }
}
