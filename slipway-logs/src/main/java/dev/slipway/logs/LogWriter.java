package dev.slipway.logs;

import java.io.Closeable;
import java.io.IOException;

/**
 * Appends to one log. Obtained from {@link LogStore#open}; at most one writer per log is open at a
 * time.
 *
 * <p>Contract:
 * <ul>
 *   <li>Thread-safe: a task's stdout and stderr may be pumped by two threads into one writer. Each
 *       append is stored contiguously; appends from different threads are ordered by arrival.</li>
 *   <li>An append is visible to readers and followers when it returns, and survives a crash of the
 *       server process; it is not fsync'ed, so a power loss may lose the tail of a running log.</li>
 *   <li>An append that throws leaves the log as it was before the append (or before the failed
 *       64 KiB piece of a longer one).</li>
 *   <li>{@link #finish} is the last call: it syncs the log to disk, records the exit code and closes
 *       the writer. {@link #close} without finishing leaves the log unfinished (to be continued or
 *       finished by a later {@code open}, for instance after a restart).</li>
 * </ul>
 */
public interface LogWriter extends Closeable {

    /** Appends {@code len} bytes of {@code bytes} from {@code off}, whatever they are. */
    void append(LogStream stream, byte[] bytes, int off, int len) throws IOException;

    default void append(LogStream stream, byte[] bytes) throws IOException {
        append(stream, bytes, 0, bytes.length);
    }

    /** The number of bytes in the log so far. */
    long size();

    /**
     * Marks the log finished with the task's exit code (any int: the CI engine gives meaning to
     * negative codes), syncs it to disk and closes the writer. Appending afterwards throws
     * {@link IllegalStateException}, as does finishing twice.
     */
    void finish(int exitCode) throws IOException;

    /** Syncs the log to disk and releases the writer, leaving the log unfinished unless finished; idempotent. */
    @Override
    void close() throws IOException;
}
