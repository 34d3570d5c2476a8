package dev.slipway.logs;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/** The files of one log and the index record format; the layout itself is described in {@link LogStore}. */
final class LogFiles {
    static final String DATA = "_data";
    static final String INDEX = "_index";
    static final String EXIT = "_exit";
    static final String EXIT_TMP = "_exit.tmp";

    /** Longer appends are split so that no reader ever holds more than this for one chunk. */
    static final int MAX_CHUNK = 64 * 1024;

    private static final byte[] MAGIC = "SLWLOG1\n".getBytes(StandardCharsets.US_ASCII);
    static final int HEADER = MAGIC.length;
    static final int RECORD = 24;

    private LogFiles() {}

    /** One index record. */
    record Entry(long offset, long timestampMillis, int length, LogStream stream) {
        long end() {
            return offset + length;
        }
    }

    static ByteBuffer header() {
        return ByteBuffer.wrap(MAGIC.clone());
    }

    /** Fills {@code buf} with one record, ready to be written. */
    static void encode(ByteBuffer buf, long offset, long timestampMillis, int length, LogStream stream) {
        buf.clear();
        buf.putLong(offset).putLong(timestampMillis).putInt(length).put(stream.code).put((byte) 0).putShort((short) 0);
        buf.flip();
    }

    private static Entry decode(ByteBuffer buf) {
        long offset = buf.getLong();
        long timestamp = buf.getLong();
        int length = buf.getInt();
        LogStream stream = LogStream.ofCode(buf.get());
        buf.position(buf.position() + 3);
        return new Entry(offset, timestamp, length, stream);
    }

    /**
     * Whole records in an index of this size. A writer extends the file record by record and the
     * kernel grows the size only after copying the bytes, so a concurrent reader may see part of
     * the last record and must ignore it.
     */
    static long count(long indexSize) {
        return indexSize < HEADER ? 0 : (indexSize - HEADER) / RECORD;
    }

    static long position(long record) {
        return HEADER + record * RECORD;
    }

    /** Throws unless the index starts with the format's magic; an index shorter than that is empty. */
    static void checkHeader(FileChannel index, Path path) throws IOException {
        if (index.size() < HEADER) {
            return;
        }
        ByteBuffer buf = ByteBuffer.allocate(HEADER);
        readFully(index, buf, 0);
        if (!Arrays.equals(buf.array(), MAGIC)) {
            throw new IOException("not a Slipway log index: " + path);
        }
    }

    static Entry read(FileChannel index, long record) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(RECORD);
        readFully(index, buf, position(record));
        return decode(buf.flip());
    }

    /** Reads records {@code from} to {@code to} (exclusive), at most as many as {@code buf} holds. */
    static Entry[] read(FileChannel index, long from, long to, ByteBuffer buf) throws IOException {
        int n = (int) Math.min(to - from, buf.capacity() / RECORD);
        buf.clear().limit(n * RECORD);
        readFully(index, buf, position(from));
        buf.flip();
        Entry[] entries = new Entry[n];
        for (int i = 0; i < n; i++) {
            entries[i] = decode(buf);
        }
        return entries;
    }

    /** The last of the first {@code count} records that starts at or before {@code offset}. */
    static long find(FileChannel index, long count, long offset) throws IOException {
        long lo = 0;
        long hi = count - 1;
        while (lo < hi) {
            long mid = (lo + hi + 1) >>> 1;
            if (read(index, mid).offset() <= offset) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new EOFException("log file ends before its index says");
            }
            pos += n;
        }
    }

    static void writeFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            pos += ch.write(buf, pos);
        }
    }

    static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
