package dev.slipway.logs.render;

import java.util.Arrays;

/**
 * The terminal's model: a window of {@code height} rows at the bottom of the log (the screen) and
 * the final lines above it. The cursor moves only within the screen, so a line that scrolls off
 * the top never changes again. Line numbers never move: a scroll makes the screen's top line
 * final, and nothing shifts content from one line to another.
 *
 * <p>Which lines exist: a screen row exists once something is written on it or the cursor has
 * moved down past it (so a log ending in a newline has no empty last line); erasing below the
 * cursor ({@code CSI J}) removes the rows below it again. The line count is the top line's number
 * plus the rows that exist.
 *
 * <p>Versions: the owner bumps {@link #version} once per feed; every row records when it came into
 * existence and when it last changed, which is what {@link #changedSince} reads.
 */
final class Screen {
    /** Cursor movement does not take the cursor past this column; printed text may go further. */
    static final int MOVE_LIMIT = 4096;
    private static final int[] DEC_GRAPHICS = {
        0x00A0, 0x25C6, 0x2592, 0x2409, 0x240C, 0x240D, 0x240A, 0x00B0, 0x00B1, 0x2424, 0x240B, 0x2518,
        0x2510, 0x250C, 0x2514, 0x253C, 0x23BA, 0x23BB, 0x2500, 0x23BC, 0x23BD, 0x251C, 0x2524, 0x2534,
        0x252C, 0x2502, 0x2264, 0x2265, 0x03C0, 0x2260, 0x00A3, 0x00B7,
    };

    /** Told about each line as it becomes final, before its row is reused. */
    interface Observer {
        void finalLine(int number, Row row);
    }

    /** What DECSC saves. */
    record Saved(int row, int col, long pen, String link, boolean lineDrawing) {}

    /** The screen's state without its content, for a checkpoint. */
    record State(int height, int top, int extent, int row, int col, long pen, String link, boolean lineDrawing,
            Saved saved) {}

    final int height;
    private final Row[] rows;
    /** Index in {@link #rows} of screen row 0. */
    private int base;
    int top;
    int extent;
    int row;
    int col;
    /** The style bits of the pen (no stream bits). */
    long pen;
    /** Stream bits of the bytes being processed. */
    long streamBits;
    String link;
    boolean lineDrawing;
    private Saved saved;
    long version;
    /** Lines below this are not known (a terminal restored from a checkpoint). */
    private int exactFrom;
    private final History history;
    Observer observer;
    final Pen.Styles styles = new Pen.Styles();

    Screen(int height, boolean retain) {
        this.height = height;
        this.rows = new Row[height];
        for (int i = 0; i < height; i++) {
            rows[i] = new Row();
        }
        this.history = new History(retain, 0);
    }

    private Screen(int height, History history) {
        this.height = height;
        this.rows = new Row[height];
        this.history = history;
    }

    // ---- state

    State state() {
        return new State(height, top, extent, row, col, pen, link, lineDrawing, saved);
    }

    /** A screen in state {@code s} whose existing rows are unknown (blank): lines from {@code top + extent} are exact. */
    static Screen restore(State s, boolean retain) {
        Screen screen = new Screen(s.height(), new History(retain, s.top() + s.extent()));
        for (int i = 0; i < s.height(); i++) {
            screen.rows[i] = new Row();
        }
        screen.top = s.top();
        screen.extent = s.extent();
        screen.row = s.row();
        screen.col = s.col();
        screen.pen = s.pen();
        screen.link = s.link();
        screen.lineDrawing = s.lineDrawing();
        screen.saved = s.saved();
        screen.exactFrom = s.top() + s.extent();
        return screen;
    }

    /** A copy holding this screen's rows but none of its final lines. */
    Screen copy(boolean retain) {
        Screen s = new Screen(height, new History(retain, top));
        for (int i = 0; i < height; i++) {
            s.rows[i] = at(i).copy();
        }
        s.top = top;
        s.extent = extent;
        s.row = row;
        s.col = col;
        s.pen = pen;
        s.link = link;
        s.lineDrawing = lineDrawing;
        s.saved = saved;
        s.version = version;
        s.exactFrom = Math.max(exactFrom, top);
        return s;
    }

    // ---- lines

    int lineCount() {
        return top + extent;
    }

    int firstLine() {
        return Math.min(Math.max(history.start, exactFrom), lineCount());
    }

    Row at(int screenRow) {
        int i = base + screenRow;
        return rows[i >= height ? i - height : i];
    }

    Line line(int number) {
        if (number < firstLine() || number >= lineCount()) {
            throw new IndexOutOfBoundsException("line " + number + " is not held: lines " + firstLine() + " to "
                    + (lineCount() - 1) + " are");
        }
        return number >= top ? at(number - top).toLine(number, styles) : history.get(number);
    }

    void release(int number) {
        history.release(number, top);
    }

    void retainBelow(int number) {
        history.retainBelow(number);
    }

    /** Lines changed since {@code since}, ascending. */
    int[] changedSince(long since) {
        int first = firstLine();
        int[] out = new int[16];
        int n = 0;
        int stop = first;
        boolean seenOld = false;
        for (int line = lineCount() - 1; line >= stop; line--) {
            long created;
            long modified;
            if (line >= top) {
                Row r = at(line - top);
                created = r.created;
                modified = r.modified;
            } else {
                created = history.created(line);
                modified = history.modified(line);
            }
            if (modified > since) {
                if (n == out.length) {
                    out = Arrays.copyOf(out, n * 2);
                }
                out[n++] = line;
            }
            if (!seenOld && created <= since) {
                // This line existed at `since`, so the screen then reached at most here: lines more
                // than a screen above were final and cannot have changed.
                seenOld = true;
                stop = Math.max(first, line + 1 - height);
            }
        }
        int[] result = new int[n];
        for (int i = 0; i < n; i++) {
            result[i] = out[n - 1 - i];
        }
        return result;
    }

    // ---- existence and finality

    /** Makes screen rows {@code [extent, n)} exist. */
    private void exist(int n) {
        while (extent < n) {
            Row r = at(extent++);
            r.created = version;
            r.modified = version;
        }
    }

    private Row touch(int screenRow) {
        Row r = at(screenRow);
        r.modified = version;
        return r;
    }

    private void makeFinal(int screenRow) {
        Row r = at(screenRow);
        int number = top + screenRow;
        if (observer != null) {
            observer.finalLine(number, r);
        }
        history.add(number, history.wants(number) ? r.toLine(number, styles) : null, r.created, r.modified);
        r.clear();
    }

    /** The top row scrolls into the history. */
    private void scroll() {
        makeFinal(0);
        base = base + 1 == height ? 0 : base + 1;
        top++;
        extent--;
    }

    /** Every row that exists goes into the history; the cursor stays where it is on a fresh screen. */
    void clearScreen() {
        for (int i = 0; i < extent; i++) {
            makeFinal(i);
        }
        base = (base + extent) % height;
        top += extent;
        extent = 0;
    }

    // ---- printing

    void print(int c) {
        if (lineDrawing && c >= 0x5f && c <= 0x7e) {
            c = DEC_GRAPHICS[c - 0x5f];
        }
        if (c >= 0x80 && c < 0xa0) {
            cell(Row.control(c), 1);
            return;
        }
        int width = Width.of(c);
        if (width == 0) {
            if (row < extent && at(row).join(col, c)) {
                touch(row);
                return;
            }
            width = 1;
        }
        cell(c, width);
    }

    void printAscii(byte[] b, int from, int to) {
        if (lineDrawing) {
            for (int i = from; i < to; i++) {
                print(b[i]);
            }
            return;
        }
        exist(row + 1);
        touch(row).putAscii(col, b, from, to, pen | streamBits, streamBits, link);
        col += to - from;
    }

    void printInvalid(int b) {
        cell(Row.invalid(b), 1);
    }

    void printControl(int c) {
        cell(Row.control(c), 1);
    }

    private void cell(int c, int width) {
        exist(row + 1);
        touch(row).put(col, c, width, pen | streamBits, streamBits, link);
        col += width;
    }

    // ---- cursor

    /** LF, VT and FF: a log's newline is the terminal's CR LF (what a tty's ONLCR does). */
    void newline() {
        col = 0;
        index();
    }

    /** Down one row, scrolling at the bottom. */
    void index() {
        if (row == height - 1) {
            exist(height);
            scroll();
        } else {
            down(1);
        }
    }

    /** Up one row; at the top nothing happens (lines above the screen are final). */
    void reverseIndex() {
        if (row > 0) {
            row--;
        }
    }

    void carriageReturn() {
        col = 0;
    }

    void backspace() {
        if (col > 0) {
            col--;
        }
    }

    void tab() {
        col = (col / 8 + 1) * 8;
    }

    void up(int n) {
        row = Math.max(0, row - n);
    }

    void down(int n) {
        toRow(row + n);
    }

    /** To a screen row (clamped); moving down makes the rows passed exist. */
    void toRow(int r) {
        r = Math.clamp(r, 0, height - 1);
        if (r > row) {
            exist(r);
        }
        row = r;
    }

    void forward(int n) {
        col = Math.min(col + n, Math.max(col, MOVE_LIMIT - 1));
    }

    void back(int n) {
        col = Math.max(0, col - n);
    }

    void toColumn(int c) {
        col = Math.clamp(c, 0, MOVE_LIMIT - 1);
    }

    void save() {
        saved = new Saved(row, col, pen, link, lineDrawing);
    }

    /** DECRC; without a saved cursor, home and default rendition, as xterm does. */
    void restore() {
        Saved s = saved != null ? saved : new Saved(0, 0, 0, null, false);
        toRow(s.row());
        col = s.col();
        pen = s.pen();
        link = s.link();
        lineDrawing = s.lineDrawing();
    }

    /** RIS: a fresh screen below the log so far, default rendition, cursor home. */
    void reset() {
        clearScreen();
        row = 0;
        col = 0;
        pen = 0;
        link = null;
        lineDrawing = false;
        saved = null;
    }

    // ---- erasing

    void eraseLine(int mode) {
        if (row >= extent) {
            return; // a row that does not exist is blank already
        }
        switch (mode) {
            case 0 -> touch(row).truncate(col);
            case 1 -> touch(row).blank(0, col + 1, streamBits);
            case 2 -> touch(row).truncate(0);
            default -> { }
        }
    }

    void eraseDisplay(int mode) {
        switch (mode) {
            case 0 -> {
                eraseLine(0);
                for (int r = row + 1; r < extent; r++) {
                    at(r).clear();
                }
                extent = Math.min(extent, row + 1);
            }
            case 1 -> {
                for (int r = 0; r < Math.min(row, extent); r++) {
                    touch(r).truncate(0);
                }
                eraseLine(1);
            }
            case 2 -> clearScreen();
            default -> { } // 3 erases a terminal's scrollback; a log's history is never erased
        }
    }

    void eraseChars(int n) {
        if (row < extent) {
            touch(row).blank(col, col + n, streamBits);
        }
    }

    void deleteChars(int n) {
        if (row < extent) {
            touch(row).delete(col, n);
        }
    }

    void insertChars(int n) {
        if (row < extent) {
            touch(row).insert(col, Math.min(n, MOVE_LIMIT), streamBits);
        }
    }

    /**
     * End of the log: every line that exists becomes final, except a last line that holds only
     * blanks under the cursor (a spinner or status line erased at the end, where a terminal would
     * put its next prompt).
     */
    void finish() {
        if (extent == row + 1 && blank(at(row))) {
            at(row).clear();
            extent = row;
        }
        clearScreen();
    }

    private static boolean blank(Row r) {
        for (int i = 0; i < r.len; i++) {
            if (r.cp[i] != ' ' || (r.st[i] & Pen.STYLE_MASK) != 0 || r.links != null && r.links[i] != null) {
                return false;
            }
        }
        return true;
    }
}
