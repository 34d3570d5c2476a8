package dev.slipway.logs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.List;

/** Test helpers for reading logs back whole. */
final class Logs {
    private Logs() {}

    static byte[] raw(LogStore store, String logId) throws IOException {
        try (InputStream in = store.raw(logId)) {
            return in.readAllBytes();
        }
    }

    /** The SHA-256 of the log's raw bytes, read in a stream. */
    static String rawDigest(LogStore store, String logId) throws IOException {
        MessageDigest md = sha256();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = store.raw(logId)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** Every chunk of the log, read in pages of {@code pageBytes}. */
    static List<LogChunk> chunks(LogStore store, String logId, int pageBytes) throws IOException {
        List<LogChunk> all = new ArrayList<>();
        for (long offset = 0; ; ) {
            List<LogChunk> page = store.chunks(logId, offset, pageBytes);
            if (page.isEmpty()) {
                return all;
            }
            all.addAll(page);
            offset = page.getLast().end();
        }
    }

    static byte[] concat(List<LogChunk> chunks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        chunks.forEach(c -> out.writeBytes(c.bytes()));
        return out.toByteArray();
    }
}
