package dev.slipway.logs;

import dev.slipway.core.ChangeCounter;
import java.util.concurrent.ConcurrentHashMap;

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

    /** A log's change counter, with the number of followers that hold it. */
    static final class Signal extends ChangeCounter {
        private int users; // guarded by the map's compute
    }
}
