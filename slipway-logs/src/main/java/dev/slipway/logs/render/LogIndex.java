package dev.slipway.logs.render;

import dev.slipway.core.SlipwayException;
import dev.slipway.logs.LogChunk;
import dev.slipway.logs.LogStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.function.BooleanSupplier;

/**
 * Random access to a rendered log, so that a viewer opens a log of a million lines at once and
 * pages through it: {@link #open} renders the log once, keeping no lines but a checkpoint every
 * {@link Options#checkpointLines()} lines (the byte offset and the terminal's state there, a few
 * hundred bytes each); {@link #lines} then renders a page from the nearest checkpoint before it,
 * and {@link #search} scans the whole log's text.
 *
 * <p>A checkpoint holds no screen content. Resuming from one with a blank screen gives the exact
 * lines from the checkpoint's line count on: those lines did not exist yet, and nothing moves
 * content from one line to another (there is no scroll region and no line insertion), so what
 * they hold comes only from later bytes.
 *
 * <p>A growing log: {@link #update} reads what was appended since (and the end, once the log is
 * finished); pages and searches cover the log up to there. Lines at or above
 * {@link Page#finalLineCount()} may still change. A live viewer takes {@link #tail}, a terminal at
 * the index's end holding the screen's lines, and follows the log from its offset with
 * {@code LogHub}; earlier lines it pages from here.
 *
 * <p>Thread-safe: one thread may update while others page and search.
 */
public final class LogIndex {
    /** The most lines one page may ask for. */
    public static final int MAX_PAGE = 10_000;
    /** The most matches one search returns. */
    public static final int MAX_MATCHES = 10_000;
    private static final int READ_BYTES = 256 * 1024;
    /** A page reads less at a time, so that it stops soon after its last line is final. */
    private static final int PAGE_READ_BYTES = 32 * 1024;

    private final LogStore store;
    private final String logId;
    private final Options options;
    /** Renders the log as it is read, holding no final lines. Guarded by this. */
    private final Terminal terminal;
    private final List<Checkpoint> checkpoints = new ArrayList<>();
    private boolean finished;

    /**
     * @param height the terminal's rows (see {@link Terminal#Terminal(int)})
     * @param checkpointLines a checkpoint after at least this many new lines
     * @param checkpointBytes or after this many bytes, if at least one line is new (logs of few, long lines)
     */
    public record Options(int height, int checkpointLines, long checkpointBytes) {
        public static final Options DEFAULT = new Options(Terminal.DEFAULT_HEIGHT, 1000, 4L << 20);

        public Options {
            if (height < 1 || height > Terminal.MAX_HEIGHT || checkpointLines < 1 || checkpointBytes < 1) {
                throw new IllegalArgumentException("invalid log index options");
            }
        }
    }

    /**
     * Lines of the log as far as it is indexed.
     *
     * @param lineCount the lines in the log so far
     * @param finalLineCount lines below this never change; all are final once the log is finished
     */
    public record Page(List<Line> lines, int lineCount, int finalLineCount, boolean finished) {
        public Page {
            lines = List.copyOf(lines);
        }
    }

    /**
     * @param lines the matching line numbers, ascending
     * @param truncated more lines match than were returned
     */
    public record SearchResult(List<Integer> lines, boolean truncated) {
        public SearchResult {
            lines = List.copyOf(lines);
        }
    }

    private record Checkpoint(int lineCount, long offset, Terminal.Snapshot snapshot) {}

    private LogIndex(LogStore store, String logId, Options options) {
        this.store = store;
        this.logId = logId;
        this.options = options;
        this.terminal = Terminal.withoutHistory(options.height());
        checkpoints.add(new Checkpoint(0, 0, terminal.snapshot()));
        terminal.watch(this::maybeCheckpoint);
    }

    /** Indexes the log as stored so far. */
    public static LogIndex open(LogStore store, String logId) throws IOException {
        return open(store, logId, Options.DEFAULT);
    }

    /**
     * Indexes the log as stored so far.
     *
     * @throws SlipwayException.NotFound if there is no such log
     */
    public static LogIndex open(LogStore store, String logId, Options options) throws IOException {
        LogIndex index = new LogIndex(Objects.requireNonNull(store, "store"), logId, Objects.requireNonNull(options, "options"));
        index.update();
        return index;
    }

    /** Reads what was appended since the last update, and the log's end if it is finished. True if anything changed. */
    public synchronized boolean update() throws IOException {
        if (finished) {
            return false;
        }
        long before = terminal.offset();
        while (true) {
            List<LogChunk> page = store.chunks(logId, terminal.offset(), READ_BYTES);
            if (page.isEmpty()) {
                // The exit file is written after the last append: read it first, then the log again.
                OptionalInt exit = store.exitCode(logId);
                if (exit.isEmpty()) {
                    break;
                }
                page = store.chunks(logId, terminal.offset(), READ_BYTES);
                if (page.isEmpty()) {
                    terminal.finish();
                    finished = true;
                    return true;
                }
            }
            page.forEach(terminal::feed);
        }
        return terminal.offset() != before;
    }

    private void maybeCheckpoint(Terminal t) {
        Checkpoint last = checkpoints.getLast();
        int lines = t.lineCount();
        if (lines >= last.lineCount() + options.checkpointLines()
                || lines > last.lineCount() && t.offset() - last.offset() >= options.checkpointBytes()) {
            checkpoints.add(new Checkpoint(lines, t.offset(), t.snapshot()));
        }
    }

    public synchronized int lineCount() {
        return terminal.lineCount();
    }

    public synchronized int finalLineCount() {
        return terminal.finalLineCount();
    }

    public synchronized boolean isFinished() {
        return finished;
    }

    /** The bytes indexed: the log's size at the last update. */
    public synchronized long offset() {
        return terminal.offset();
    }

    /**
     * A terminal at the index's end holding the screen's lines (from its {@link Terminal#firstLine()}):
     * feed it the log from its {@link Terminal#offset()} to follow the log live.
     */
    public synchronized Terminal tail() {
        return terminal.copy();
    }

    /**
     * Lines {@code [from, from + count)}, as far as they exist. Rendered from the nearest
     * checkpoint, so the cost is about the page plus up to a checkpoint interval, wherever it is.
     *
     * @throws SlipwayException.BadRequest for a negative {@code from} or a count outside 0..{@value #MAX_PAGE}
     */
    public Page lines(int from, int count) throws IOException {
        if (from < 0 || count < 0 || count > MAX_PAGE) {
            throw new SlipwayException.BadRequest("lines: from must be 0 or more and count 0 to " + MAX_PAGE);
        }
        View v = view(from);
        int to = (int) Math.min((long) from + count, v.lineCount);
        if (from >= to) {
            return new Page(List.of(), v.lineCount, v.finalLineCount, v.finished);
        }
        Terminal t = Terminal.restore(v.checkpoint.snapshot(), true);
        t.hold(from, to);
        replay(t, v, PAGE_READ_BYTES, () -> t.finalLineCount() >= to);
        List<Line> lines = new ArrayList<>(to - from);
        for (int n = from; n < to; n++) {
            lines.add(t.line(n));
        }
        return new Page(lines, v.lineCount, v.finalLineCount, v.finished);
    }

    /**
     * The numbers of lines from {@code fromLine} whose plain text contains {@code text}: what the
     * lines show (after {@code \r} and cursor movement), not the raw bytes. Scans the log from the
     * checkpoint before {@code fromLine}, so searching on from a match is cheap.
     *
     * @param limit the most matches to return, 1 to {@value #MAX_MATCHES}
     */
    public SearchResult search(String text, boolean ignoreCase, int fromLine, int limit) throws IOException {
        if (text == null || text.isEmpty() || fromLine < 0 || limit < 1 || limit > MAX_MATCHES) {
            throw new SlipwayException.BadRequest("search: the text must not be empty, fromLine must be 0 or more"
                    + " and limit 1 to " + MAX_MATCHES);
        }
        View v = view(fromLine);
        Matcher matcher = new Matcher(text, ignoreCase, fromLine);
        Terminal t = Terminal.restore(v.checkpoint.snapshot(), false);
        t.observe(matcher);
        replay(t, v, READ_BYTES, () -> matcher.found.size() > limit);
        if (matcher.found.size() <= limit && !v.finished) {
            for (int n = Math.max(fromLine, t.finalLineCount()); n < t.lineCount(); n++) {
                matcher.test(n, t.screen().at(n - t.finalLineCount()));
            }
        }
        boolean truncated = matcher.found.size() > limit;
        return new SearchResult(truncated ? matcher.found.subList(0, limit) : matcher.found, truncated);
    }

    /** What a page or search reads: the index as of one moment. */
    private record View(Checkpoint checkpoint, long end, int lineCount, int finalLineCount, boolean finished) {}

    private synchronized View view(int line) {
        int lo = 0;
        int hi = checkpoints.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (checkpoints.get(mid).lineCount() <= line) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return new View(checkpoints.get(lo), terminal.offset(), terminal.lineCount(), terminal.finalLineCount(), finished);
    }

    /** Feeds {@code t} the log up to the view's end (finishing it if the log was), or until {@code done}. */
    private void replay(Terminal t, View v, int readBytes, BooleanSupplier done) throws IOException {
        while (t.offset() < v.end() && !done.getAsBoolean()) {
            List<LogChunk> page = store.chunks(logId, t.offset(), (int) Math.min(readBytes, v.end() - t.offset()));
            if (page.isEmpty()) {
                throw new IOException("log " + logId + " ends before the indexed offset " + v.end());
            }
            page.forEach(t::feed);
        }
        if (t.offset() == v.end() && v.finished()) {
            t.finish();
        }
    }

    /** Collects the final lines that contain the text. */
    private static final class Matcher implements Screen.Observer {
        private final String text;
        private final boolean ignoreCase;
        private final int fromLine;
        private final StringBuilder buffer = new StringBuilder(256);
        final List<Integer> found = new ArrayList<>();

        Matcher(String text, boolean ignoreCase, int fromLine) {
            this.text = text;
            this.ignoreCase = ignoreCase;
            this.fromLine = fromLine;
        }

        @Override
        public void finalLine(int number, Row row) {
            if (number >= fromLine) {
                test(number, row);
            }
        }

        void test(int number, Row row) {
            buffer.setLength(0);
            row.appendText(buffer);
            if (ignoreCase ? containsIgnoreCase(buffer, text) : buffer.indexOf(text) >= 0) {
                found.add(number);
            }
        }

        /** As {@link String#regionMatches(boolean, int, String, int, int)} compares, at every position. */
        private static boolean containsIgnoreCase(CharSequence haystack, String needle) {
            int n = needle.length();
            char upper = Character.toUpperCase(needle.charAt(0));
            char lower = Character.toLowerCase(needle.charAt(0));
            outer:
            for (int i = 0; i + n <= haystack.length(); i++) {
                char a = haystack.charAt(i);
                if (a != upper && a != lower && (a < 0x80 || !sameIgnoringCase(a, needle.charAt(0)))) {
                    continue; // most positions fail on the first character, most of them ASCII
                }
                for (int k = 1; k < n; k++) {
                    if (!sameIgnoringCase(haystack.charAt(i + k), needle.charAt(k))) {
                        continue outer;
                    }
                }
                return true;
            }
            return false;
        }

        private static boolean sameIgnoringCase(char a, char b) {
            return a == b || Character.toUpperCase(a) == Character.toUpperCase(b)
                    || Character.toLowerCase(a) == Character.toLowerCase(b);
        }
    }
}
