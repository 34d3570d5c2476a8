package dev.slipway.logs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/** 200 MB through a 64 MB heap (see the pom): it passes only if nothing holds a log in memory. */
class LargeLogTest {
    private static final String ID = "runs/1/big";
    private static final long SIZE = 200L << 20;

    @TempDir
    Path root;

    @Test
    void twoHundredMegabytesStreamThroughWriterFollowerRawAndChunks() throws Exception {
        LogStore store = new LogStore(root);
        CollectingListener follower = new CollectingListener(0, false);
        new LogHub(store).follow(ID, 0, follower);

        String written = write(store);

        assertThat(store.size(ID)).isEqualTo(SIZE);
        assertThat(Logs.rawDigest(store, ID)).isEqualTo(written);
        MessageDigest chunks = Logs.sha256();
        long offset = 0;
        for (List<LogChunk> page; !(page = store.chunks(ID, offset, 1 << 20)).isEmpty(); ) {
            for (LogChunk c : page) {
                assertThat(c.offset()).isEqualTo(offset);
                chunks.update(c.bytes());
                offset = c.end();
            }
        }
        assertThat(offset).isEqualTo(SIZE);
        assertThat(HexFormat.of().formatHex(chunks.digest())).isEqualTo(written);
        assertThat(follower.awaitEnd()).isZero();
        assertThat(follower.gaps).isEmpty();
        assertThat(follower.digest()).isEqualTo(written);
    }

    /** Run with -Dslipway.bench=true for throughput figures. */
    @Test
    @EnabledIfSystemProperty(named = "slipway.bench", matches = "true")
    void benchmark() throws Exception {
        LogStore store = new LogStore(root);
        long t0 = System.nanoTime();
        LogWriter w = store.open(ID);
        append(w, SIZE, null);
        long t1 = System.nanoTime();
        w.finish(0);
        long t2 = System.nanoTime();
        try (InputStream in = store.raw(ID)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        long t3 = System.nanoTime();
        long read = 0;
        for (List<LogChunk> page; !(page = store.chunks(ID, read, 1 << 20)).isEmpty(); ) {
            read = page.getLast().end();
        }
        long t4 = System.nanoTime();
        byte[] line = "  compiling module 42 of 1000: dev/slipway/logs/LogStore.java ... ok\n".getBytes(UTF_8);
        int lines = 500_000;
        try (LogWriter lw = store.open("runs/1/lines")) {
            for (int i = 0; i < lines; i++) {
                lw.append(LogStream.STDOUT, line);
            }
            long t5 = System.nanoTime();
            System.out.printf("200 MiB in ~64 KiB appends: append %.0f MB/s, finish (fsync) %d ms, raw read %.0f MB/s,"
                    + " chunk read %.0f MB/s; %d-byte lines: %.0f appends/s%n", mbPerSecond(SIZE, t1 - t0),
                    (t2 - t1) / 1_000_000, mbPerSecond(SIZE, t3 - t2), mbPerSecond(SIZE, t4 - t3), line.length,
                    lines / ((t5 - t4) / 1e9));
        }
    }

    private static double mbPerSecond(long bytes, long nanos) {
        return bytes / 1e6 / (nanos / 1e9);
    }

    private static String write(LogStore store) throws IOException {
        MessageDigest md = Logs.sha256();
        try (LogWriter w = store.open(ID)) {
            append(w, SIZE, md);
            w.finish(0);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * Appends {@code size} bytes in pieces of varying length cut from random data, adding them to
     * {@code md} unless it is null.
     */
    private static void append(LogWriter w, long size, MessageDigest md) throws IOException {
        byte[] pool = new byte[1 << 20];
        new Random(42).nextBytes(pool);
        long written = 0;
        for (int i = 0; written < size; i++) {
            int len = (int) Math.min(65536 - i % 1000, size - written);
            int from = (int) ((i * 7919L) % (pool.length - 65536));
            w.append(i % 2 == 0 ? LogStream.STDOUT : LogStream.STDERR, pool, from, len);
            if (md != null) {
                md.update(pool, from, len);
            }
            written += len;
        }
    }
}
