package dev.slipway.logs.render;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One line's cells while it is on the screen: a code point and a packed {@link Pen} per cell.
 * Cells that are not text are negative code points: an invalid byte {@code b} is {@code -1 - b}, a
 * control character {@code c} is {@code -1000 - c}, and the second cell of a wide character is
 * {@link #WIDE_TAIL}. Rows are reused when they scroll off, so they keep their arrays.
 */
final class Row {
    static final int WIDE_TAIL = Integer.MIN_VALUE;
    private static final int[] NO_CELLS = {};
    private static final long[] NO_STYLES = {};
    /** A row that grew larger than this gives its arrays back when reused. */
    private static final int KEEP = 1024;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    int[] cp = NO_CELLS;
    long[] st = NO_STYLES;
    int len;
    /** OSC 8 link targets per cell, allocated once a cell has one. */
    String[] links;
    /** Combining characters that follow a cell's code point, allocated once a cell has one. */
    String[] marks;
    /** The terminal's version when the row came into existence, and when it last changed. */
    long created;
    long modified;
    /** The last snapshot, valid while {@link #modified} equals {@link #cacheStamp}. */
    Line cache;
    long cacheStamp = -1;

    static int invalid(int b) {
        return -1 - b;
    }

    static int control(int c) {
        return -1000 - c;
    }

    void clear() {
        if (cp.length > KEEP) {
            cp = NO_CELLS;
            st = NO_STYLES;
        }
        len = 0;
        links = null;
        marks = null;
        cache = null;
        cacheStamp = -1;
    }

    Row copy() {
        Row r = new Row();
        r.cp = Arrays.copyOf(cp, len);
        r.st = Arrays.copyOf(st, len);
        r.len = len;
        r.links = links == null ? null : Arrays.copyOf(links, len);
        r.marks = marks == null ? null : Arrays.copyOf(marks, len);
        r.created = created;
        r.modified = modified;
        return r;
    }

    private void ensure(int n) {
        if (n > cp.length) {
            int size = Math.max(n, Math.max(16, cp.length + (cp.length >> 1)));
            cp = Arrays.copyOf(cp, size);
            st = Arrays.copyOf(st, size);
            if (links != null) {
                links = Arrays.copyOf(links, size);
            }
            if (marks != null) {
                marks = Arrays.copyOf(marks, size);
            }
        }
    }

    /** Makes cells {@code [len, col)} exist as blanks in style {@code pad}. */
    private void padTo(int col, long pad) {
        if (col > len) {
            ensure(col);
            Arrays.fill(cp, len, col, ' ');
            Arrays.fill(st, len, col, pad);
            clearExtras(len, col);
            len = col;
        }
    }

    /** Before cells {@code [from, to)} are overwritten: blanks the halves of wide characters they cut. */
    private void repair(int from, int to) {
        if (from > 0 && from < len && cp[from] == WIDE_TAIL) {
            cp[from - 1] = ' ';
        }
        if (to < len && cp[to] == WIDE_TAIL) {
            cp[to] = ' ';
        }
    }

    private void clearExtras(int from, int to) {
        if (links != null) {
            Arrays.fill(links, from, Math.min(to, links.length), null);
        }
        if (marks != null) {
            Arrays.fill(marks, from, Math.min(to, marks.length), null);
        }
    }

    private void setLinks(int from, int to, String link) {
        if (link != null) {
            if (links == null) {
                links = new String[cp.length];
            }
            Arrays.fill(links, from, to, link);
        }
    }

    /** Writes one character of {@code width} (1 or 2) cells at {@code col}. */
    void put(int col, int c, int width, long style, long pad, String link) {
        padTo(col, pad);
        int end = col + width;
        ensure(end);
        repair(col, end);
        cp[col] = c;
        st[col] = style;
        if (width == 2) {
            cp[col + 1] = WIDE_TAIL;
            st[col + 1] = style;
        }
        clearExtras(col, end);
        setLinks(col, end, link);
        len = Math.max(len, end);
    }

    /** Writes printable ASCII bytes {@code [from, to)} from {@code col}. */
    void putAscii(int col, byte[] b, int from, int to, long style, long pad, String link) {
        padTo(col, pad);
        int end = col + (to - from);
        ensure(end);
        repair(col, end);
        for (int i = from, c = col; i < to; i++, c++) {
            cp[c] = b[i];
        }
        Arrays.fill(st, col, end, style);
        clearExtras(col, end);
        setLinks(col, end, link);
        len = Math.max(len, end);
    }

    /** Appends a zero-width character to the cell before {@code col}; false if there is none to join. */
    boolean join(int col, int c) {
        int at = col - 1;
        if (at >= 0 && at < len && cp[at] == WIDE_TAIL) {
            at--;
        }
        if (at < 0 || at >= len || cp[at] < 0) {
            return false;
        }
        if (marks == null) {
            marks = new String[cp.length];
        }
        marks[at] = (marks[at] == null ? "" : marks[at]) + Character.toString(c);
        return true;
    }

    /** Erases from {@code col} to the end of the line. */
    void truncate(int col) {
        if (col < len) {
            repair(col, len);
            clearExtras(col, len);
            len = col;
        }
    }

    /** Blanks cells {@code [from, to)} that exist. */
    void blank(int from, int to, long pad) {
        to = Math.min(to, len);
        if (from < to) {
            repair(from, to);
            Arrays.fill(cp, from, to, ' ');
            Arrays.fill(st, from, to, pad);
            clearExtras(from, to);
        }
    }

    /** Deletes {@code n} cells at {@code col}, pulling the rest of the line left. */
    void delete(int col, int n) {
        if (col >= len) {
            return;
        }
        n = Math.min(n, len - col);
        repair(col, col + n);
        System.arraycopy(cp, col + n, cp, col, len - col - n);
        System.arraycopy(st, col + n, st, col, len - col - n);
        if (links != null) {
            System.arraycopy(links, col + n, links, col, len - col - n);
        }
        if (marks != null) {
            System.arraycopy(marks, col + n, marks, col, len - col - n);
        }
        clearExtras(len - n, len);
        len -= n;
        if (col < len && cp[col] == WIDE_TAIL) {
            cp[col] = ' ';
        }
    }

    /** Inserts {@code n} blanks at {@code col}, pushing the rest of the line right. */
    void insert(int col, int n, long pad) {
        if (col >= len) {
            return;
        }
        repair(col, col);
        ensure(len + n);
        System.arraycopy(cp, col, cp, col + n, len - col);
        System.arraycopy(st, col, st, col + n, len - col);
        if (links != null) {
            System.arraycopy(links, col, links, col + n, len - col);
        }
        if (marks != null) {
            System.arraycopy(marks, col, marks, col + n, len - col);
        }
        Arrays.fill(cp, col, col + n, ' ');
        Arrays.fill(st, col, col + n, pad);
        clearExtras(col, col + n);
        len += n;
    }

    /** Appends the row's plain text. */
    void appendText(StringBuilder sb) {
        for (int i = 0; i < len; i++) {
            appendCell(sb, i);
        }
    }

    private void appendCell(StringBuilder sb, int i) {
        int c = cp[i];
        if (c >= 0) {
            sb.appendCodePoint(c);
            if (marks != null && marks[i] != null) {
                sb.append(marks[i]);
            }
        } else if (c >= -256) {
            hex(sb.append("\\x"), -1 - c, 2);
        } else if (c != WIDE_TAIL) {
            int ctl = -1000 - c;
            if (ctl < 0x80) {
                hex(sb.append("\\x"), ctl, 2);
            } else {
                hex(sb.append("\\u"), ctl, 4);
            }
        }
    }

    private static void hex(StringBuilder sb, int v, int digits) {
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
            sb.append(HEX[v >>> shift & 0xf]);
        }
    }

    private static Run.Kind kind(int c) {
        return c >= -256 ? Run.Kind.INVALID_BYTES : Run.Kind.CONTROL;
    }

    /** The row as a {@link Line}, cut into runs where style, stream, kind or link change. */
    Line toLine(int number, Pen.Styles styles) {
        if (cache != null && cacheStamp == modified && cache.number() == number) {
            return cache;
        }
        List<Run> runs = new ArrayList<>(4);
        StringBuilder text = null;
        int start = 0;
        boolean plain = true; // only code points, so the run's text is new String(cp, start, n)
        for (int i = 0; i <= len; i++) {
            if (i < len) {
                if (cp[i] == WIDE_TAIL) {
                    plain = false;
                    continue;
                }
                if (i == start || sameRun(start, i)) {
                    plain &= cp[i] >= 0 && (marks == null || marks[i] == null);
                    continue;
                }
            }
            if (i > start) {
                String runText;
                if (plain) {
                    runText = new String(cp, start, i - start);
                } else {
                    text = text == null ? new StringBuilder(i - start + 8) : text;
                    for (int k = start; k < i; k++) {
                        appendCell(text, k);
                    }
                    runText = text.toString();
                    text.setLength(0);
                }
                int c = cp[start];
                runs.add(new Run(runText, styles.of(st[start]), Pen.streamOf(st[start]),
                        c >= 0 ? Run.Kind.TEXT : kind(c), links == null ? null : links[start]));
            }
            start = i;
            plain = i < len && cp[i] >= 0 && (marks == null || marks[i] == null);
        }
        Line line = new Line(number, runs);
        cache = line;
        cacheStamp = modified;
        return line;
    }

    private boolean sameRun(int a, int b) {
        int ca = cp[a];
        int cb = cp[b];
        boolean sameKind = ca >= 0 ? cb >= 0 : cb < 0 && kind(ca) == kind(cb);
        return sameKind && st[a] == st[b] && (links == null || Objects.equals(links[a], links[b]));
    }
}
