package dev.slipway.logs;

import dev.slipway.core.Clock;
import dev.slipway.core.SlipwayException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * Task logs on the local filesystem: append-only, byte-exact (any bytes, not only UTF-8 text),
 * each piece labelled with its stream and arrival time, and finished with the task's exit code.
 *
 * <p>A log id is a path of 1 to 16 segments separated by {@code /}, such as {@code runs/42/build};
 * each segment is 1 to 128 of {@code [A-Za-z0-9._-]}, starting with a letter or digit (so no
 * {@code .}, {@code ..} or hidden names). Other ids are refused with
 * {@link SlipwayException.BadRequest}. A log and logs below it ({@code runs/42} and
 * {@code runs/42/build}) may coexist.
 *
 * <p>Layout under the root, for a log {@code <id>}:
 * <pre>
 * &lt;id&gt;/_data      every byte of the log in arrival order, exactly as appended (the raw download)
 * &lt;id&gt;/_index     8 bytes of magic "SLWLOG1\n", then one 24-byte big-endian record per chunk:
 *                 offset u64, timestamp epoch millis i64, length u32, stream u8 (1 stdout,
 *                 2 stderr, 3 system), 3 zero bytes. Records are contiguous and in offset order.
 * &lt;id&gt;/_exit      the exit code in decimal and a newline; present once the log is finished
 * &lt;id&gt;/_exit.tmp  the exit file being written (a crash may leave it; it is ignored)
 * </pre>
 * The {@code _} names cannot clash with a child log's directory, whose names start with a letter or
 * digit. A log exists once its index does. Its content is what its whole index records cover: an
 * appender writes the data, then the record, so a record never points at missing bytes, and a
 * reader that sees part of a record, or a crash that leaves bytes without a record, just sees a
 * shorter log.
 *
 * <p>Durability: an append is written to the OS when it returns (no buffering in the process), so
 * readers and followers see it at once and it survives a crash of the server; a task printing
 * 200 MB costs no memory. Nothing is fsync'ed while a task runs, since a log is not worth a disk
 * flush per line. Finishing (or closing) a writer fsyncs data and index, then writes the exit file
 * by sync and atomic rename, so a finished log is complete on disk. After a power loss an
 * unfinished log may lack its last seconds; opening it again continues from what survived.
 *
 * <p>Thread-safety: all methods may be called from any thread. One writer per log may be open in
 * this store at a time; readers never block writers and see a consistent prefix of the log. One
 * server process owns a root (other processes may read, but not write, the same logs).
 */
public final class LogStore {
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final int MAX_SEGMENTS = 16;
    private static final int INDEX_BATCH = 256;

    private final Path root;
    final Clock clock;
    final Signals signals = new Signals();
    private final Map<String, FileLogWriter> writers = new ConcurrentHashMap<>();
    /** Serializes creating and deleting logs, which create and prune directories. */
    private final ReentrantLock structure = new ReentrantLock();

    public LogStore(Path root) throws IOException {
        this(root, Clock.system());
    }

    /** A store whose chunk timestamps come from {@code clock}. */
    public LogStore(Path root, Clock clock) throws IOException {
        this.root = Files.createDirectories(root);
        this.clock = clock;
    }

    /**
     * Opens a log for appending: creates it, or continues an unfinished one (for instance after a
     * restart; call {@link LogWriter#finish} to close it out).
     *
     * @throws SlipwayException.Conflict if the log is finished or already open for writing
     */
    public LogWriter open(String logId) throws IOException {
        Path dir = dir(logId);
        FileLogWriter writer;
        structure.lock();
        try {
            if (writers.containsKey(logId)) {
                throw new SlipwayException.Conflict("log " + logId + " is already open for writing");
            }
            if (Files.exists(dir.resolve(LogFiles.EXIT))) {
                throw new SlipwayException.Conflict("log " + logId + " is finished");
            }
            writer = FileLogWriter.open(this, logId, Files.createDirectories(dir));
            writers.put(logId, writer);
        } finally {
            structure.unlock();
        }
        signals.fire(logId);
        return writer;
    }

    public boolean exists(String logId) {
        return Files.exists(dir(logId).resolve(LogFiles.INDEX));
    }

    /** The number of bytes in the log so far. */
    public long size(String logId) throws IOException {
        try (FileChannel index = openIndex(logId)) {
            long records = LogFiles.count(index.size());
            return records == 0 ? 0 : LogFiles.read(index, records - 1).end();
        }
    }

    /** The exit code, once the log is finished. */
    public OptionalInt exitCode(String logId) throws IOException {
        Path dir = dir(logId);
        Path path = dir.resolve(LogFiles.EXIT);
        String text;
        try {
            text = Files.readString(path, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            requireExists(logId, dir);
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(text.strip()));
        } catch (NumberFormatException e) {
            throw new IOException("corrupt exit file " + path, e);
        }
    }

    /**
     * The log's bytes as appended so far, all streams interleaved as they arrived; bytes appended
     * after this call are not included. Streams the data file: nothing is held in memory.
     */
    public InputStream raw(String logId) throws IOException {
        long size = size(logId);
        return new RangeInputStream(openData(logId), 0, size);
    }

    /**
     * The chunks holding the log's bytes from {@code fromOffset}, at most {@code maxBytes} of them:
     * a chunk that straddles either bound is cut to it. Contiguous: each starts where the previous
     * ends, the first at {@code fromOffset}. Empty when the log has no bytes there (yet). Page
     * through a log by passing the last chunk's {@link LogChunk#end()} as the next offset.
     */
    public List<LogChunk> chunks(String logId, long fromOffset, int maxBytes) throws IOException {
        if (fromOffset < 0) {
            throw new SlipwayException.BadRequest("negative log offset");
        }
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive");
        }
        try (FileChannel index = openIndex(logId)) {
            long records = LogFiles.count(index.size());
            if (records == 0) {
                return List.of();
            }
            long end = Math.min(LogFiles.read(index, records - 1).end(), fromOffset + maxBytes);
            if (fromOffset >= end) {
                return List.of();
            }
            List<LogFiles.Entry> entries = new ArrayList<>();
            ByteBuffer batch = ByteBuffer.allocate(INDEX_BATCH * LogFiles.RECORD);
            for (long i = LogFiles.find(index, records, fromOffset); i < records && entriesEndBefore(entries, end); ) {
                LogFiles.Entry[] read = LogFiles.read(index, i, records, batch);
                for (LogFiles.Entry e : read) {
                    if (e.offset() >= end) {
                        break;
                    }
                    entries.add(e);
                }
                i += read.length;
            }
            byte[] bytes = new byte[(int) (end - fromOffset)];
            try (FileChannel data = openData(logId)) {
                LogFiles.readFully(data, ByteBuffer.wrap(bytes), fromOffset);
            }
            return slice(entries, fromOffset, end, bytes);
        }
    }

    private static boolean entriesEndBefore(List<LogFiles.Entry> entries, long end) {
        return entries.isEmpty() || entries.getLast().end() < end;
    }

    /** Cuts {@code bytes}, the log from {@code from} to {@code end}, along the entries' bounds. */
    private static List<LogChunk> slice(List<LogFiles.Entry> entries, long from, long end, byte[] bytes) {
        List<LogChunk> chunks = new ArrayList<>(entries.size());
        for (LogFiles.Entry e : entries) {
            long start = Math.max(e.offset(), from);
            long stop = Math.min(e.end(), end);
            byte[] part = entries.size() == 1 ? bytes : Arrays.copyOfRange(bytes, (int) (start - from), (int) (stop - from));
            chunks.add(new LogChunk(start, e.timestampMillis(), e.stream(), part));
        }
        return chunks;
    }

    /**
     * Deletes a log (but not the logs below it) and the directories it leaves empty.
     *
     * @return false if there was no such log
     * @throws SlipwayException.Conflict if the log is open for writing
     */
    public boolean delete(String logId) throws IOException {
        Path dir = dir(logId);
        structure.lock();
        try {
            if (writers.containsKey(logId)) {
                throw new SlipwayException.Conflict("log " + logId + " is open for writing");
            }
            boolean existed = Files.deleteIfExists(dir.resolve(LogFiles.INDEX));
            for (String name : List.of(LogFiles.DATA, LogFiles.EXIT, LogFiles.EXIT_TMP)) {
                Files.deleteIfExists(dir.resolve(name));
            }
            for (Path d = dir; !d.equals(root); d = d.getParent()) {
                try {
                    Files.delete(d);
                } catch (DirectoryNotEmptyException | NoSuchFileException e) {
                    break;
                }
            }
            return existed;
        } finally {
            structure.unlock();
            signals.fire(logId);
        }
    }

    /** Called by a writer once it is closed, so the log may be opened again. */
    void released(String logId, FileLogWriter writer) {
        writers.remove(logId, writer);
    }

    private FileChannel openIndex(String logId) throws IOException {
        Path dir = dir(logId);
        Path path = dir.resolve(LogFiles.INDEX);
        FileChannel index;
        try {
            index = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw notFound(logId);
        }
        try {
            LogFiles.checkHeader(index, path);
            return index;
        } catch (IOException | RuntimeException e) {
            index.close();
            throw e;
        }
    }

    /** The data file, for a log whose index was found: missing now only if the log was just deleted. */
    private FileChannel openData(String logId) throws IOException {
        try {
            return FileChannel.open(dir(logId).resolve(LogFiles.DATA), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw notFound(logId);
        }
    }

    private void requireExists(String logId, Path dir) {
        if (!Files.exists(dir.resolve(LogFiles.INDEX))) {
            throw notFound(logId);
        }
    }

    private static SlipwayException.NotFound notFound(String logId) {
        return new SlipwayException.NotFound("no log " + logId);
    }

    /** The log's directory; the only place an id becomes a path. */
    private Path dir(String logId) {
        validate(logId);
        return root.resolve(logId);
    }

    static void validate(String logId) {
        if (logId == null) {
            throw new SlipwayException.BadRequest("missing log id");
        }
        String[] segments = logId.split("/", -1);
        if (segments.length > MAX_SEGMENTS || !Arrays.stream(segments).allMatch(s -> SEGMENT.matcher(s).matches())) {
            throw new SlipwayException.BadRequest("invalid log id: " + printable(logId));
        }
    }

    /** The id as safe to show in an error message. */
    private static String printable(String logId) {
        String shown = logId.length() > 80 ? logId.substring(0, 80) + "..." : logId;
        return shown.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
