package dev.slipway.logs.render;

import dev.slipway.logs.LogChunk;
import dev.slipway.logs.LogStream;
import java.util.Objects;

/**
 * A terminal with scrollback, fed a log's bytes in order, in pieces of any size: a piece may end in
 * the middle of a UTF-8 character or an escape sequence. What it shows is numbered {@link Line}s.
 *
 * <p>The screen is the last {@link #height()} lines; the cursor never leaves it, so lines above it
 * are final ({@link #finalLineCount()}) and never change again. Lines on the screen may still change
 * (a progress bar redrawn with {@code \r}, a block redrawn after {@code CSI A}); after each feed,
 * {@link #changedSince} tells which. See {@code docs/logs.md} for the sequences understood.
 *
 * <p>Memory: the screen, plus the final lines still held. Final lines are held until
 * {@link #release}d, so a caller following a long log releases what it has sent.
 *
 * <p>Not thread-safe: one thread feeds and reads at a time.
 */
public final class Terminal {
    public static final int DEFAULT_HEIGHT = 50;
    public static final int MAX_HEIGHT = 1000;

    private final Screen screen;
    private final Parser[] parsers;
    private long offset;
    private boolean finished;
    /** Called between bytes whenever the line count changed (checkpoints). */
    private Watcher watcher;
    private int watchedLines = -1;

    /** Gets a chance to look at the terminal between two bytes. */
    interface Watcher {
        void lineCountChanged(Terminal t);
    }

    /** Everything but the screen's content, enough to go on from {@link #offset()}; see {@link #restore}. */
    record Snapshot(long offset, Screen.State screen, Parser[] parsers) {}

    public Terminal() {
        this(DEFAULT_HEIGHT);
    }

    /** @param height the screen's rows: how far up the cursor can go (1 to {@value #MAX_HEIGHT}) */
    public Terminal(int height) {
        this(new Screen(checkHeight(height), true), newParsers(), 0);
    }

    private Terminal(Screen screen, Parser[] parsers, long offset) {
        this.screen = screen;
        this.parsers = parsers;
        this.offset = offset;
    }

    private static int checkHeight(int height) {
        if (height < 1 || height > MAX_HEIGHT) {
            throw new IllegalArgumentException("terminal height must be 1 to " + MAX_HEIGHT + ", got " + height);
        }
        return height;
    }

    private static Parser[] newParsers() {
        Parser[] p = new Parser[LogStream.values().length];
        for (int i = 0; i < p.length; i++) {
            p[i] = new Parser();
        }
        return p;
    }

    // ---- feeding

    /**
     * Feeds the next chunk of a log.
     *
     * @throws IllegalArgumentException if the chunk does not start at {@link #offset()}
     */
    public void feed(LogChunk chunk) {
        if (chunk.offset() != offset) {
            throw new IllegalArgumentException("chunk at offset " + chunk.offset() + " fed to a terminal at " + offset);
        }
        feed(chunk.stream(), chunk.bytes(), 0, chunk.length());
    }

    public void feed(LogStream stream, byte[] bytes) {
        feed(stream, bytes, 0, bytes.length);
    }

    /** Feeds {@code len} bytes of {@code bytes} from {@code off}, written to {@code stream}. */
    public void feed(LogStream stream, byte[] bytes, int off, int len) {
        Objects.checkFromIndexSize(off, len, bytes.length);
        if (finished) {
            throw new IllegalStateException("the log is finished");
        }
        screen.version++;
        screen.streamBits = Pen.stream(stream);
        Parser parser = parsers[stream.ordinal()];
        long start = offset - off;
        int end = off + len;
        int i = off;
        while (i < end) {
            int c = bytes[i] & 0xff;
            if (c >= 0x20 && c < 0x7f && parser.inGround()) {
                int j = i + 1;
                while (j < end && bytes[j] >= 0x20 && bytes[j] < 0x7f) {
                    j++;
                }
                screen.printAscii(bytes, i, j);
                i = j;
                continue;
            }
            parser.accept(c, screen);
            i++;
            if (watcher != null && screen.lineCount() != watchedLines) {
                watchedLines = screen.lineCount();
                offset = start + i;
                watcher.lineCountChanged(this);
            }
        }
        offset = start + end;
    }

    /**
     * The log has ended: an incomplete UTF-8 sequence at the end shows as invalid bytes, an
     * incomplete escape sequence is dropped, and every line becomes final. Idempotent.
     */
    public void finish() {
        if (finished) {
            return;
        }
        screen.version++;
        for (LogStream stream : LogStream.values()) {
            screen.streamBits = Pen.stream(stream);
            parsers[stream.ordinal()].finish(screen);
        }
        screen.finish();
        finished = true;
    }

    public boolean isFinished() {
        return finished;
    }

    /** The number of bytes fed so far: the log offset of the next byte. */
    public long offset() {
        return offset;
    }

    public int height() {
        return screen.height;
    }

    // ---- reading

    /** The number of lines so far. */
    public int lineCount() {
        return screen.lineCount();
    }

    /** Lines below this number are final: they never change again. All are once the log is finished. */
    public int finalLineCount() {
        return screen.top;
    }

    /** The first line still held: lines from here to {@link #lineCount()} can be read. */
    public int firstLine() {
        return screen.firstLine();
    }

    /**
     * Line {@code number} as it is now.
     *
     * @throws IndexOutOfBoundsException unless {@code firstLine() <= number < lineCount()}
     */
    public Line line(int number) {
        return screen.line(number);
    }

    /**
     * A counter that grows with every feed. Pass it to {@link #changedSince} after the next feeds
     * to learn what they changed.
     */
    public long version() {
        return screen.version;
    }

    /**
     * The numbers (ascending) of the held lines that were added or changed after {@code version}.
     * Lines at or above {@link #lineCount()} no longer exist (an erase below the cursor removed
     * them): a viewer drops its copies. Use 0 for every held line.
     */
    public int[] changedSince(long version) {
        return screen.changedSince(version);
    }

    /**
     * Forgets the final lines below {@code number}, and those that become final later: a live
     * viewer releases what it has shown, so that following a long log holds only the screen.
     */
    public void release(int number) {
        screen.release(number);
    }

    // ---- package-private: checkpoints and copies for LogIndex

    /** A terminal that keeps no final lines (building an index, searching). */
    static Terminal withoutHistory(int height) {
        return new Terminal(new Screen(checkHeight(height), false), newParsers(), 0);
    }

    /** Holds final lines only in {@code [from, to)}: a page renders no line it does not return. */
    void hold(int from, int to) {
        screen.release(from);
        screen.retainBelow(to);
    }

    void watch(Watcher w) {
        this.watcher = w;
        this.watchedLines = screen.lineCount();
    }

    void observe(Screen.Observer observer) {
        screen.observer = observer;
    }

    Screen screen() {
        return screen;
    }

    Snapshot snapshot() {
        Parser[] copies = new Parser[parsers.length];
        for (int i = 0; i < copies.length; i++) {
            copies[i] = parsers[i].copy();
        }
        return new Snapshot(offset, screen.state(), copies);
    }

    /**
     * A terminal that goes on from a snapshot. The screen's content at the snapshot is not in it,
     * so only lines from the snapshot's line count on are exact: they did not exist yet, and
     * nothing moves content between lines. {@link #firstLine()} starts there.
     */
    static Terminal restore(Snapshot s, boolean retain) {
        Parser[] copies = new Parser[s.parsers().length];
        for (int i = 0; i < copies.length; i++) {
            copies[i] = s.parsers()[i].copy();
        }
        return new Terminal(Screen.restore(s.screen(), retain), copies, s.offset());
    }

    /** An independent copy of this terminal's screen and state (not its final lines). */
    Terminal copy() {
        Parser[] copies = new Parser[parsers.length];
        for (int i = 0; i < copies.length; i++) {
            copies[i] = parsers[i].copy();
        }
        Terminal t = new Terminal(screen.copy(true), copies, offset);
        t.finished = finished;
        return t;
    }
}
