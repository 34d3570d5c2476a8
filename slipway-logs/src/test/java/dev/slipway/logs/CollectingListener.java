package dev.slipway.logs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the digest of what a follow delivers (and the bytes, if asked: tests run in a small heap)
 * and notes any chunk that does not start where the previous one ended, or a page out of bounds.
 */
class CollectingListener implements LogListener {
    final CompletableFuture<Integer> end = new CompletableFuture<>();
    final List<String> gaps = new CopyOnWriteArrayList<>();
    private final ByteArrayOutputStream bytes;
    private final MessageDigest sha256 = Logs.sha256();
    private long next;
    private volatile int chunks;
    private volatile int pages;

    CollectingListener(long from, boolean keepBytes) {
        next = from;
        bytes = keepBytes ? new ByteArrayOutputStream() : null;
    }

    CollectingListener(long from) {
        this(from, true);
    }

    @Override
    public synchronized void onChunks(List<LogChunk> page) throws IOException {
        if (page.isEmpty() || page.stream().mapToInt(LogChunk::length).sum() > 64 * 1024) {
            gaps.add("a page of " + page.size() + " chunks and more than 64 KiB");
        }
        pages++;
        for (LogChunk chunk : page) {
            if (chunk.offset() != next) {
                gaps.add("chunk at " + chunk.offset() + ", expected " + next);
            }
            if (bytes != null) {
                bytes.writeBytes(chunk.bytes());
            }
            sha256.update(chunk.bytes());
            next = chunk.end();
            chunks++;
        }
    }

    @Override
    public void onEnd(int exitCode) {
        end.complete(exitCode);
    }

    @Override
    public void onError(Exception failure) {
        end.completeExceptionally(failure);
    }

    int awaitEnd() throws Exception {
        return end.get(30, TimeUnit.SECONDS);
    }

    synchronized byte[] bytes() {
        return bytes.toByteArray();
    }

    /** The SHA-256 of all delivered bytes, once the follow has ended. */
    synchronized String digest() {
        return HexFormat.of().formatHex(sha256.digest());
    }

    /** The offset after the last delivered byte. */
    synchronized long next() {
        return next;
    }

    int chunks() {
        return chunks;
    }

    int pages() {
        return pages;
    }
}
