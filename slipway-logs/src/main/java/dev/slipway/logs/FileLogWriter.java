package dev.slipway.logs;

import static dev.slipway.logs.LogFiles.RECORD;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@link LogWriter} of {@link LogStore}. Each piece of an append is written to the data file,
 * then its record to the index, at positions kept here: a failed write is overwritten by the next
 * append and never becomes visible, because readers trust only whole index records.
 *
 * <p>A ReentrantLock rather than synchronized: appends do file I/O and may run on virtual threads,
 * which synchronized would pin on Java 21.
 */
final class FileLogWriter implements LogWriter {
    private final LogStore store;
    private final String logId;
    private final Path dir;
    private final FileChannel data;
    private final FileChannel index;
    private final ReentrantLock lock = new ReentrantLock();
    private final ByteBuffer record = ByteBuffer.allocate(RECORD);
    private volatile long size;
    private long indexSize; // guarded by lock
    private boolean closed; // guarded by lock

    private FileLogWriter(LogStore store, String logId, Path dir, FileChannel data, FileChannel index, long size,
                          long indexSize) {
        this.store = store;
        this.logId = logId;
        this.dir = dir;
        this.data = data;
        this.index = index;
        this.size = size;
        this.indexSize = indexSize;
    }

    /**
     * Creates the log's files, or reopens them to continue: whatever a crash left beyond the last
     * whole index record whose bytes are all in the data file is cut off, so the log continues
     * exactly as readers saw it.
     */
    static FileLogWriter open(LogStore store, String logId, Path dir) throws IOException {
        Path indexPath = dir.resolve(LogFiles.INDEX);
        // Data first: a log exists once its index does, and then its data file exists too.
        FileChannel data = FileChannel.open(dir.resolve(LogFiles.DATA), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileChannel index = null;
        try {
            index = FileChannel.open(indexPath, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            if (index.size() < LogFiles.HEADER) {
                index.truncate(0);
                LogFiles.writeFully(index, LogFiles.header(), 0);
            }
            LogFiles.checkHeader(index, indexPath);
            long records = LogFiles.count(index.size());
            long dataSize = data.size();
            long end = 0;
            for (; records > 0; records--) {
                LogFiles.Entry last = LogFiles.read(index, records - 1);
                if (last.end() <= dataSize) {
                    end = last.end();
                    break;
                }
            }
            long indexSize = LogFiles.position(records);
            index.truncate(indexSize);
            data.truncate(end);
            return new FileLogWriter(store, logId, dir, data, index, end, indexSize);
        } catch (IOException | RuntimeException e) {
            closeQuietly(data, e);
            closeQuietly(index, e);
            throw e;
        }
    }

    @Override
    public void append(LogStream stream, byte[] bytes, int off, int len) throws IOException {
        Objects.requireNonNull(stream, "stream");
        Objects.checkFromIndexSize(off, len, bytes.length);
        lock.lock();
        try {
            ensureOpen();
            long now = store.clock.millis();
            for (int done = 0; done < len; ) {
                int n = Math.min(LogFiles.MAX_CHUNK, len - done);
                LogFiles.writeFully(data, ByteBuffer.wrap(bytes, off + done, n), size);
                LogFiles.encode(record, size, now, n, stream);
                LogFiles.writeFully(index, record, indexSize);
                indexSize += RECORD;
                size += n;
                done += n;
                store.signals.fire(logId);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void finish(int exitCode) throws IOException {
        lock.lock();
        try {
            ensureOpen();
            try {
                sync();
                Path tmp = dir.resolve(LogFiles.EXIT_TMP);
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
                    LogFiles.writeFully(ch, ByteBuffer.wrap((exitCode + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
                    ch.force(true);
                }
                Files.move(tmp, dir.resolve(LogFiles.EXIT), StandardCopyOption.ATOMIC_MOVE);
                LogFiles.fsyncDirectory(dir);
            } finally {
                release();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            try {
                sync();
            } finally {
                release();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Cuts off what failed appends left beyond the log and syncs both files. */
    private void sync() throws IOException {
        if (data.size() > size) {
            data.truncate(size);
        }
        if (index.size() > indexSize) {
            index.truncate(indexSize);
        }
        data.force(true);
        index.force(true);
    }

    private void release() throws IOException {
        closed = true;
        try (data; index) {
            store.released(logId, this);
        } finally {
            store.signals.fire(logId);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("log " + logId + " is closed");
        }
    }

    private static void closeQuietly(FileChannel ch, Exception failure) {
        if (ch == null) {
            return;
        }
        try {
            ch.close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }
}
