package dev.slipway.registry.lifecycle;

import dev.slipway.core.Clock;
import dev.slipway.core.Digest;
import dev.slipway.registry.metadata.Metadata;
import dev.slipway.registry.storage.BlobStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Online garbage collection, in three sweeps: abandoned uploads; blob links and records nothing
 * uses; files in the blob store that no row names. Every deletion of content happens in its own
 * transaction under the content's lock (the one pushes take, see {@link Metadata#lock}), after
 * re-checking the condition that selected it, so it runs while pushes and pulls go on. Why that is
 * enough is argued in docs/gc.md.
 */
final class GarbageCollector {
    private static final int BATCH = 500;
    /** A link nothing in its repository uses, pushed before the cutoff. */
    private static final String UNUSED_LINK = "rb.created_at <= :c AND NOT EXISTS (SELECT 1 FROM manifest_references mr "
            + "WHERE mr.repository = rb.repository AND mr.child_digest = rb.digest)";

    private final Metadata metadata;
    private final Jdbi jdbi;
    private final BlobStore store;
    private final Clock clock;
    private final Duration grace;
    private final Duration uploadMaxAge;

    GarbageCollector(Metadata metadata, BlobStore store, Clock clock, Duration grace, Duration uploadMaxAge) {
        this.metadata = metadata;
        this.jdbi = metadata.jdbi();
        this.store = store;
        this.clock = clock;
        this.grace = grace;
        this.uploadMaxAge = uploadMaxAge;
    }

    GcReport run(boolean dryRun) {
        try {
            long now = clock.millis();
            long[] uploads = sweepUploads(now - uploadMaxAge.toMillis(), dryRun);
            long cutoff = now - grace.toMillis();
            Map<Digest, List<String>> links = unusedLinks(cutoff);
            Set<Digest> blobs = unusedBlobs(cutoff);
            int linksRemoved = 0;
            int blobsRemoved = 0;
            if (dryRun) {
                linksRemoved = links.values().stream().mapToInt(List::size).sum();
                blobsRemoved = blobs.size();
            } else {
                Set<Digest> digests = new HashSet<>(links.keySet());
                digests.addAll(blobs);
                for (Digest d : digests) {
                    int[] removed = unlink(d, links.getOrDefault(d, List.of()), cutoff);
                    linksRemoved += removed[0];
                    blobsRemoved += removed[1];
                }
            }
            long[] files = sweepFiles(dryRun ? blobs : Set.of(), dryRun);
            return new GcReport(dryRun, (int) uploads[0], uploads[1], linksRemoved, blobsRemoved, (int) files[0], files[1]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sessions untouched since {@code cutoff}, and upload files that have no session (left by a crash). */
    private long[] sweepUploads(long cutoff, boolean dryRun) throws IOException {
        long count = 0;
        long bytes = 0;
        Set<String> stale = new HashSet<>(jdbi.withHandle(h -> h.createQuery("SELECT id FROM upload_sessions WHERE updated_at <= :c")
                .bind("c", cutoff).mapTo(String.class).list()));
        for (String id : stale) {
            long size = Math.max(0, store.uploadSize(id));
            // The row goes first and only if still stale: a chunk that arrived meanwhile keeps the session.
            boolean removed = dryRun || jdbi.withHandle(h -> h.createUpdate("DELETE FROM upload_sessions WHERE id = :i AND updated_at <= :c")
                    .bind("i", id).bind("c", cutoff).execute()) > 0;
            if (removed) {
                if (!dryRun) {
                    store.deleteUpload(id);
                }
                count++;
                bytes += size;
            }
        }
        // Sessions are created before their file and removed after it, so a file without a row is a leftover.
        List<String> files;
        try (Stream<String> s = store.uploads()) {
            files = s.toList();
        }
        Set<String> known = new HashSet<>(jdbi.withHandle(h -> h.createQuery("SELECT id FROM upload_sessions").mapTo(String.class).list()));
        for (String id : files) {
            if (!known.contains(id) && !stale.contains(id)) {
                long size = Math.max(0, store.uploadSize(id));
                if (!dryRun) {
                    store.deleteUpload(id);
                }
                count++;
                bytes += size;
            }
        }
        return new long[] {count, bytes};
    }

    private Map<Digest, List<String>> unusedLinks(long cutoff) {
        Map<Digest, List<String>> out = new LinkedHashMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT rb.repository, rb.digest FROM repository_blobs rb WHERE " + UNUSED_LINK)
                .bind("c", cutoff)
                .map((rs, ctx) -> out.computeIfAbsent(Digest.parse(rs.getString(2)), k -> new ArrayList<>()).add(rs.getString(1)))
                .list());
        return out;
    }

    /** Blob records past the cutoff all of whose links (if any) are unused. */
    private Set<Digest> unusedBlobs(long cutoff) {
        return new HashSet<>(jdbi.withHandle(h -> h.createQuery("SELECT b.digest FROM blobs b WHERE b.created_at <= :c AND NOT EXISTS ("
                        + "SELECT 1 FROM repository_blobs rb WHERE rb.digest = b.digest AND NOT (" + UNUSED_LINK + "))")
                .bind("c", cutoff).map((rs, ctx) -> Digest.parse(rs.getString(1))).list()));
    }

    /** Under the digest's lock: removes the links that are still unused, then the blob record if no link is left. */
    private int[] unlink(Digest digest, List<String> repositories, long cutoff) {
        return jdbi.inTransaction(h -> {
            metadata.lock(h, List.of(Metadata.contentLock(digest)));
            int links = 0;
            for (String repository : repositories) {
                links += h.createUpdate("DELETE FROM repository_blobs WHERE repository = :r AND digest = :d AND created_at <= :c "
                                + "AND NOT EXISTS (SELECT 1 FROM manifest_references mr WHERE mr.repository = :r AND mr.child_digest = :d)")
                        .bind("r", repository).bind("d", digest.toString()).bind("c", cutoff).execute();
            }
            int blobs = h.createUpdate("DELETE FROM blobs WHERE digest = :d AND created_at <= :c "
                            + "AND NOT EXISTS (SELECT 1 FROM repository_blobs rb WHERE rb.digest = :d)")
                    .bind("d", digest.toString()).bind("c", cutoff).execute();
            return new int[] {links, blobs};
        });
    }

    /**
     * Files no blob record and no manifest names. In a dry run, {@code goingRecords} are blob
     * records the run would have removed first.
     */
    private long[] sweepFiles(Set<Digest> goingRecords, boolean dryRun) throws IOException {
        long count = 0;
        long bytes = 0;
        try (Stream<Digest> all = store.list()) {
            Iterator<Digest> it = all.iterator();
            while (it.hasNext()) {
                List<Digest> batch = new ArrayList<>(BATCH);
                while (it.hasNext() && batch.size() < BATCH) {
                    batch.add(it.next());
                }
                Set<String> blobRows = present(batch, "blobs");
                Set<String> manifestRows = present(batch, "manifests");
                for (Digest d : batch) {
                    String key = d.toString();
                    boolean orphan = !manifestRows.contains(key) && (!blobRows.contains(key) || goingRecords.contains(d));
                    if (!orphan) {
                        continue;
                    }
                    long size = dryRun ? Math.max(0, store.size(d)) : deleteIfUnreferenced(d);
                    if (size >= 0) {
                        count++;
                        bytes += size;
                    }
                }
            }
        }
        return new long[] {count, bytes};
    }

    private Set<String> present(List<Digest> batch, String table) {
        return new HashSet<>(jdbi.withHandle(h -> h.createQuery("SELECT DISTINCT digest FROM " + table + " WHERE digest IN (<ds>)")
                .bindList("ds", batch.stream().map(Digest::toString).toList()).mapTo(String.class).list()));
    }

    /** Under the digest's lock, deletes the file if still nothing names it; its size, or -1 if kept or gone. */
    private long deleteIfUnreferenced(Digest d) throws IOException {
        return jdbi.inTransaction(h -> {
            metadata.lock(h, List.of(Metadata.contentLock(d)));
            if (referenced(h, d)) {
                return -1L;
            }
            long size = store.size(d);
            return size >= 0 && store.delete(d) ? size : -1L;
        });
    }

    private static boolean referenced(Handle h, Digest d) {
        return h.createQuery("SELECT (SELECT COUNT(*) FROM blobs WHERE digest = :d) + (SELECT COUNT(*) FROM manifests WHERE digest = :d)")
                .bind("d", d.toString()).mapTo(Long.class).one() > 0;
    }
}
