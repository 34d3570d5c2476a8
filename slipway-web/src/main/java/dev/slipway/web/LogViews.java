package dev.slipway.web;

import dev.slipway.logs.LogStore;
import dev.slipway.logs.render.LogIndex;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The logs viewers have open: per log, its {@link LogIndex} (pages and search) and its
 * {@link LogOutline} (folds and times), built on first use and brought up to date on every use.
 * Only the most recently used few are kept: an index costs a few MB for a million-line log, and
 * reopening one costs about a second.
 */
final class LogViews {
    static final int KEPT = 8;

    private final LogStore store;
    private final Map<String, View> views = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, View> eldest) {
            return size() > KEPT;
        }
    };

    LogViews(LogStore store) {
        this.store = store;
    }

    LogStore store() {
        return store;
    }

    synchronized View view(String logId) {
        return views.computeIfAbsent(logId, View::new);
    }

    /** Forgets a log (it was deleted, or reading it failed). */
    synchronized void forget(String logId) {
        views.remove(logId);
    }

    final class View {
        private final String logId;
        private LogIndex index; // guarded by this
        private final LogOutline outline = new LogOutline();

        private View(String logId) {
            this.logId = logId;
        }

        /** The index, up to date with the log. */
        LogIndex index() throws IOException {
            LogIndex i;
            synchronized (this) {
                if (index == null) {
                    index = LogIndex.open(store, logId);
                    return index;
                }
                i = index;
            }
            i.update();
            return i;
        }

        /** The outline, up to date with the log. */
        LogOutline outline() throws IOException {
            outline.update(store, logId);
            return outline;
        }
    }
}
