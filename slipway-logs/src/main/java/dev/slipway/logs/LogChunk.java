package dev.slipway.logs;

import java.util.Arrays;
import java.util.Objects;

/**
 * Bytes of one stream that arrived together, at {@code offset} in the log's raw bytes.
 *
 * <p>The array is not copied, for speed: the store hands each reader a fresh array, and neither
 * side may modify it afterwards. Chunks hold at most 64 KiB; longer appends are stored as several.
 *
 * @param offset position of the first byte in the log's raw bytes
 * @param timestampMillis when the bytes were appended (epoch milliseconds)
 */
public record LogChunk(long offset, long timestampMillis, LogStream stream, byte[] bytes) {
    public LogChunk {
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset");
        }
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(bytes, "bytes");
    }

    public int length() {
        return bytes.length;
    }

    /** The offset just past this chunk: where the next one starts. */
    public long end() {
        return offset + bytes.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogChunk c && c.offset == offset && c.timestampMillis == timestampMillis
                && c.stream == stream && Arrays.equals(c.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(offset, timestampMillis, stream, Arrays.hashCode(bytes));
    }

    @Override
    public String toString() {
        return "LogChunk[offset=" + offset + ", timestampMillis=" + timestampMillis + ", stream=" + stream
                + ", length=" + bytes.length + "]";
    }
}
