package dev.slipway.logs.render;

import java.util.Arrays;

/**
 * The final lines a terminal still holds: {@code [start, end)}, where {@code end} is the screen's
 * top line. Lines below {@code retainFrom} or from {@code retainTo} on, or all lines when not
 * retaining, are dropped as they become final, so that following or paging through a big log holds
 * only what is asked for.
 */
final class History {
    private final boolean retain;
    private Line[] lines = new Line[16];
    private long[] created = new long[16];
    private long[] modified = new long[16];
    /** Index in the arrays of line {@link #start}. */
    private int head;
    private int size;
    int start;
    private int retainFrom;
    private int retainTo = Integer.MAX_VALUE;

    History(boolean retain, int start) {
        this.retain = retain;
        this.start = start;
        this.retainFrom = start;
    }

    boolean wants(int number) {
        return retain && number >= retainFrom && number < retainTo;
    }

    /** Keeps no lines from {@code number} on (a page needs no more). */
    void retainBelow(int number) {
        retainTo = number;
    }

    /** Line {@code number}, the next to become final; null if it is not wanted. */
    void add(int number, Line line, long createdAt, long modifiedAt) {
        if (line == null) {
            if (size == 0) {
                start = Math.max(start, number + 1);
            }
            return;
        }
        if (head + size == lines.length) {
            if (head > lines.length / 2) {
                compact();
            } else {
                int n = lines.length * 2;
                lines = Arrays.copyOf(lines, n);
                created = Arrays.copyOf(created, n);
                modified = Arrays.copyOf(modified, n);
            }
        }
        int i = head + size++;
        lines[i] = line;
        created[i] = createdAt;
        modified[i] = modifiedAt;
    }

    private void compact() {
        System.arraycopy(lines, head, lines, 0, size);
        System.arraycopy(created, head, created, 0, size);
        System.arraycopy(modified, head, modified, 0, size);
        Arrays.fill(lines, size, lines.length, null);
        head = 0;
    }

    /** Forgets lines below {@code number}, now and as they become final; {@code end} is the first non-final line. */
    void release(int number, int end) {
        retainFrom = Math.max(retainFrom, number);
        int drop = Math.min(Math.min(number, end) - start, size);
        if (drop > 0) {
            Arrays.fill(lines, head, head + drop, null);
            head += drop;
            size -= drop;
            start += drop;
        }
        if (size == 0) {
            start = Math.max(start, Math.min(number, end));
        }
    }

    Line get(int number) {
        return lines[head + number - start];
    }

    long created(int number) {
        return created[head + number - start];
    }

    long modified(int number) {
        return modified[head + number - start];
    }
}
