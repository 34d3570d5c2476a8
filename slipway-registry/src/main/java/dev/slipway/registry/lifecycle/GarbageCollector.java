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
import org.jdbi.v3.core.Jdbi;

/**
 * Online garbage collection, in three sweeps: abandoned uploads; blob links and records nothing
 * uses; files in the blob store that no row names. Deletions happen in batches of up to
 * {@value #BATCH} digests, each batch one transaction that holds the locks of its digests (the
 * ones pushes take, see {@link Metadata#lock}) and re-checks, per digest, the condition that
 * selected it, so it runs while pushes and pulls go on. Why that is enough is argued in
 * docs/gc.md. After each batch the collector pauses as long as the batch took (at least
 * {@link #MIN_PAUSE}), so writers waiting for the database get at least half of it.
 */
final class GarbageCollector {
    static final int BATCH = 200;
    private static final Duration MIN_PAUSE = Duration.ofMillis(20);
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
                java.util.TreeSet<Digest> digests = new java.util.TreeSet<>(java.util.Comparator.comparing(Digest::toString));
                digests.addAll(links.keySet());
                digests.addAll(blobs);
                List<Digest> all = new ArrayList<>(digests);
                for (int i = 0; i < all.size(); i += BATCH) {
                    List<Digest> batch = all.subList(i, Math.min(all.size(), i + BATCH));
                    int[] removed = paced(() -> unlink(batch, links, cutoff));
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
                long size = store.uploadSize(id);
                if (size < 0) {
                    continue; // finished (or abandoned and swept) since the listing: its file has gone
                }
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

    /** Runs one batch, then pauses as long as it took (at least {@link #MIN_PAUSE}) to let waiting writers in. */
    private static <T> T paced(java.util.function.Supplier<T> batch) {
        long start = System.nanoTime();
        T result = batch.get();
        long pause = Math.max(System.nanoTime() - start, MIN_PAUSE.toNanos());
        try {
            java.util.concurrent.TimeUnit.NANOSECONDS.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("garbage collection interrupted", e);
        }
        return result;
    }

    /**
     * In one transaction holding the batch's locks: per digest, removes the links that are still
     * unused, then the blob record if no link is left.
     */
    private int[] unlink(List<Digest> batch, Map<Digest, List<String>> links, long cutoff) {
        return jdbi.inTransaction(h -> {
            metadata.lock(h, batch.stream().map(Metadata::contentLock).toList());
            int linksRemoved = 0;
            int blobsRemoved = 0;
            for (Digest digest : batch) {
                for (String repository : links.getOrDefault(digest, List.of())) {
                    linksRemoved += h.createUpdate("DELETE FROM repository_blobs WHERE repository = :r AND digest = :d AND created_at <= :c "
                                    + "AND NOT EXISTS (SELECT 1 FROM manifest_references mr WHERE mr.repository = :r AND mr.child_digest = :d)")
                            .bind("r", repository).bind("d", digest.toString()).bind("c", cutoff).execute();
                }
                blobsRemoved += h.createUpdate("DELETE FROM blobs WHERE digest = :d AND created_at <= :c "
                                + "AND NOT EXISTS (SELECT 1 FROM repository_blobs rb WHERE rb.digest = :d)")
                        .bind("d", digest.toString()).bind("c", cutoff).execute();
            }
            return new int[] {linksRemoved, blobsRemoved};
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
                List<Digest> orphans = batch.stream().filter(d -> !manifestRows.contains(d.toString())
                        && (!blobRows.contains(d.toString()) || goingRecords.contains(d))).toList();
                if (orphans.isEmpty()) {
                    continue;
                }
                long[] removed;
                if (dryRun) {
                    removed = new long[] {orphans.size(), 0};
                    for (Digest d : orphans) {
                        removed[1] += Math.max(0, store.size(d));
                    }
                } else {
                    removed = paced(() -> deleteUnreferenced(orphans));
                }
                count += removed[0];
                bytes += removed[1];
            }
        }
        return new long[] {count, bytes};
    }

    private Set<String> present(List<Digest> batch, String table) {
        return new HashSet<>(jdbi.withHandle(h -> h.createQuery("SELECT DISTINCT digest FROM " + table + " WHERE digest IN (<ds>)")
                .bindList("ds", batch.stream().map(Digest::toString).toList()).mapTo(String.class).list()));
    }

    /**
     * In one transaction holding the digests' locks, deletes each file that still no row names;
     * returns how many files and bytes went.
     */
    private long[] deleteUnreferenced(List<Digest> digests) {
        return jdbi.inTransaction(h -> {
            metadata.lock(h, digests.stream().map(Metadata::contentLock).toList());
            List<String> keys = digests.stream().map(Digest::toString).toList();
            Set<String> named = new HashSet<>(h.createQuery("SELECT digest FROM blobs WHERE digest IN (<ds>) "
                    + "UNION SELECT digest FROM manifests WHERE digest IN (<ds>)").bindList("ds", keys).mapTo(String.class).list());
            long files = 0;
            long bytes = 0;
            for (Digest d : digests) {
                if (named.contains(d.toString())) {
                    continue;
                }
                try {
                    long size = store.size(d);
                    if (size >= 0 && store.delete(d)) {
                        files++;
                        bytes += size;
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return new long[] {files, bytes};
        });
    }
}
