package dev.slipway.web;

import dev.slipway.logs.LogChunk;
import dev.slipway.logs.LogStore;
import dev.slipway.logs.render.Fold;
import dev.slipway.logs.render.LogIndex;
import dev.slipway.logs.render.Terminal;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * What a log viewer needs to know of a whole log besides its lines: where its foldable sections
 * (steps, {@code ::group::}) start and end, and when each line was written. Built by reading the
 * log once through a {@link Terminal} of the index's height, so line numbers are the index's, and
 * kept up to date as the log grows ({@link #update}).
 *
 * <p>A line's time is that of the chunk of the log in which the line first appeared (a progress
 * bar redrawn for a minute keeps the time of its first frame). Times are kept to the second, one
 * entry per second in which new lines appeared: a day-long log needs at most 86,400.
 *
 * <p>Thread-safe.
 */
final class LogOutline {
    private static final int READ_BYTES = 256 * 1024;
    /** Folding stops being recorded past this many markers (a log of nothing but group markers). */
    static final int MAX_MARKERS = 20_000;

    private final Terminal terminal = new Terminal(LogIndex.Options.DEFAULT.height());
    /** Markers of final lines (the rest are read from the screen when asked). */
    private final TreeMap<Integer, Fold> markers = new TreeMap<>();
    private int settled;
    private boolean finished;
    private boolean truncated;
    private int[] timeLines = new int[64];
    private long[] timeMillis = new long[64];
    private int times;

    /** The markers of every line so far, the line count, and whether the log is finished. */
    record Snapshot(Map<Integer, Fold> markers, int lineCount, boolean finished, boolean truncated) {}

    /** Reads what was appended since the last update (and the end, once the log is finished). */
    synchronized void update(LogStore store, String logId) throws IOException {
        while (!finished) {
            List<LogChunk> page = store.chunks(logId, terminal.offset(), READ_BYTES);
            if (page.isEmpty()) {
                // The exit file is written after the last append: read it first, then the log again.
                OptionalInt exit = store.exitCode(logId);
                if (exit.isEmpty()) {
                    return;
                }
                page = store.chunks(logId, terminal.offset(), READ_BYTES);
                if (page.isEmpty()) {
                    terminal.finish();
                    settle();
                    finished = true;
                    return;
                }
            }
            for (LogChunk c : page) {
                int before = terminal.lineCount();
                terminal.feed(c);
                if (terminal.lineCount() > before) {
                    recordTime(before, c.timestampMillis());
                }
            }
            settle();
        }
    }

    /** Notes the markers of lines that became final, and lets the terminal forget them. */
    private void settle() {
        int fin = terminal.finalLineCount();
        for (int n = Math.max(settled, terminal.firstLine()); n < fin; n++) {
            int line = n;
            terminal.line(n).fold().ifPresent(f -> mark(line, f));
        }
        settled = Math.max(settled, fin);
        terminal.release(fin);
    }

    private void mark(int line, Fold f) {
        if (markers.size() >= MAX_MARKERS) {
            truncated = true;
            return;
        }
        markers.put(line, f);
    }

    private void recordTime(int firstNewLine, long millis) {
        if (times > 0 && (firstNewLine <= timeLines[times - 1] || millis / 1000 == timeMillis[times - 1] / 1000)) {
            return;
        }
        if (times == timeLines.length) {
            timeLines = Arrays.copyOf(timeLines, times * 2);
            timeMillis = Arrays.copyOf(timeMillis, times * 2);
        }
        timeLines[times] = firstNewLine;
        timeMillis[times] = millis;
        times++;
    }

    /** When line {@code n} was first written (to the second), or -1 for a line not read yet. */
    synchronized long timeOf(int n) {
        int i = Arrays.binarySearch(timeLines, 0, times, n);
        if (i < 0) {
            i = -i - 2;
        }
        return i < 0 || n >= terminal.lineCount() ? -1 : timeMillis[i];
    }

    synchronized Snapshot snapshot() {
        TreeMap<Integer, Fold> all = new TreeMap<>(markers);
        for (int n = Math.max(settled, terminal.firstLine()); n < terminal.lineCount(); n++) {
            int line = n;
            terminal.line(n).fold().ifPresent(f -> all.put(line, f));
        }
        return new Snapshot(all, terminal.lineCount(), finished, truncated);
    }

    /** For tests: the lines at which a new second starts. */
    synchronized List<Integer> timeStarts() {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            out.add(timeLines[i]);
        }
        return out;
    }
}
