package dev.slipway.registry.metadata;

import dev.slipway.core.Clock;
import dev.slipway.core.Digest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Registry metadata in the database (schema: {@code db/migration/registry/V2__registry.sql}).
 *
 * <p>Content is visible in a repository only through rows here: {@code repository_blobs} links a
 * committed blob to a repository, {@code manifests} and {@code tags} name manifests, and
 * {@code manifest_references} records what each manifest points at. A manifest PUT checks its
 * references and writes all of its rows in one transaction, so a reader sees a manifest with all
 * of its references or not at all.
 *
 * <p>Content locks. Every transaction that creates a reference to content (a blob row, a link, a
 * manifest row, a manifest reference, a tag) or deletes content that may be referenced first takes
 * the lock of each digest (and tag) involved, with {@link #lock}, and checks its preconditions
 * after that. Garbage collection and retention take the same locks and re-check before deleting,
 * so a push and a deletion of the same content are serialized. On SQLite every write transaction
 * already holds the database's single write lock ({@code BEGIN IMMEDIATE}); on PostgreSQL the locks
 * are transaction-scoped advisory locks, because they must also cover rows and files that do not
 * exist yet. The argument is written out in docs/gc.md.
 */
public final class Metadata {
    public record RepositoryRow(String name, String owner, boolean isPublic, long createdAt) {}

    public record ManifestRow(String repository, Digest digest, String mediaType, long size, String artifactType,
                              String subject, long createdAt) {}

    public record TagRow(String name, Digest digest, long updatedAt) {}

    public record Reference(Digest digest, String kind) {
        public static final String BLOB = "blob";
        public static final String MANIFEST = "manifest";
    }

    private final Jdbi jdbi;
    private final Clock clock;
    private volatile Boolean sqlite;

    /** A step on content (the BlobStore) that must happen while the transaction holds the content's lock. */
    @FunctionalInterface
    public interface ContentStep {
        void run() throws IOException;
    }

    private static void run(ContentStep step) {
        try {
            step.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Metadata(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    // ---- content locks

    /** The lock name of content (blob or manifest bytes) with this digest; blobs and manifests share files. */
    public static String contentLock(Digest digest) {
        return "content:" + digest;
    }

    public static String tagLock(String repository, String tag) {
        return "tag:" + repository + ":" + tag;
    }

    /**
     * Takes the named locks until the end of the handle's transaction, in a fixed order (so two
     * transactions never wait on each other in a cycle). Call it first in the transaction.
     */
    public void lock(Handle h, Collection<String> names) {
        if (isSqlite(h)) {
            return; // the transaction began IMMEDIATE and holds the only write lock
        }
        names.stream().map(Metadata::lockKey).distinct().sorted().forEach(key ->
                h.createQuery("SELECT 1 FROM (SELECT pg_advisory_xact_lock(:k)) l").bind("k", key).mapTo(Integer.class).one());
    }

    /** A 64-bit key from the SHA-256 of the name; a collision only makes two unrelated names share a lock. */
    private static long lockKey(String name) {
        return Long.parseUnsignedLong(Digest.sha256(name).hex().substring(0, 16), 16);
    }

    private boolean isSqlite(Handle h) {
        Boolean known = sqlite;
        if (known == null) {
            try {
                known = h.getConnection().getMetaData().getURL().startsWith("jdbc:sqlite:");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            sqlite = known;
        }
        return known;
    }

    // ---- repositories

    public Optional<RepositoryRow> repository(String name) {
        return jdbi.withHandle(h -> repository(h, name));
    }

    private static Optional<RepositoryRow> repository(Handle h, String name) {
        return h.createQuery("SELECT name, owner, is_public, created_at FROM repositories WHERE name = :n")
                .bind("n", name)
                .map((rs, ctx) -> new RepositoryRow(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getLong(4)))
                .findOne();
    }

    /**
     * Creates the repository row if missing (the first push creates a repository), with the owner's
     * default visibility ({@link Visibility}).
     */
    public void ensureRepository(Handle h, String name, String owner) {
        h.createUpdate("INSERT INTO repositories(name, owner, is_public, created_at) VALUES (:n, :o, "
                        + "COALESCE((SELECT d.is_public FROM registry_owner_defaults d WHERE d.owner = :o), FALSE), :t) "
                        + "ON CONFLICT (name) DO NOTHING")
                .bind("n", name).bind("o", owner).bind("t", clock.millis()).execute();
    }

    /**
     * Repository names in order after {@code last}, at most {@code limit}: public ones, plus those
     * whose owner is in {@code owners} (null means every repository).
     */
    public List<String> catalog(Set<String> owners, String last, int limit) {
        return jdbi.withHandle(h -> {
            String visibility = owners == null ? "1=1" : owners.isEmpty() ? "is_public = TRUE" : "(is_public = TRUE OR owner IN (<owners>))";
            var q = h.createQuery("SELECT name FROM repositories WHERE " + visibility + " AND name > :last ORDER BY name LIMIT :lim")
                    .bind("last", last == null ? "" : last).bind("lim", limit);
            if (owners != null && !owners.isEmpty()) {
                q.bindList("owners", List.copyOf(owners));
            }
            return q.mapTo(String.class).list();
        });
    }

    public List<RepositoryRow> repositoriesOf(String owner) {
        return jdbi.withHandle(h -> h.createQuery("SELECT name, owner, is_public, created_at FROM repositories WHERE owner = :o ORDER BY name")
                .bind("o", owner)
                .map((rs, ctx) -> new RepositoryRow(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getLong(4)))
                .list());
    }

    // ---- blobs

    /** The size of a blob linked to the repository, or -1. */
    public long linkedBlobSize(String repository, Digest digest) {
        return jdbi.withHandle(h -> linkedSize(h, repository, digest).orElse(-1L));
    }

    private static Optional<Long> linkedSize(Handle h, String repository, Digest digest) {
        return h.createQuery("SELECT b.size FROM repository_blobs rb JOIN blobs b ON b.digest = rb.digest WHERE rb.repository = :r AND rb.digest = :d")
                .bind("r", repository).bind("d", digest.toString()).mapTo(Long.class).findOne();
    }

    /**
     * Links a blob into the repository (creating the repository if needed) and records it, in one
     * transaction under the digest's lock: {@code publish} runs first (it makes the blob's file
     * visible or checks it is there), so the file cannot be collected between being published and
     * being referenced. A re-upload refreshes the link's and the blob's {@code created_at}, which
     * restarts garbage collection's grace period for them.
     */
    public void linkBlob(String repository, String owner, Digest digest, long size, ContentStep publish) {
        jdbi.useTransaction(h -> {
            lock(h, List.of(contentLock(digest)));
            run(publish);
            ensureRepository(h, repository, owner);
            upsertLink(h, repository, digest, size);
        });
    }

    private void upsertLink(Handle h, String repository, Digest digest, long size) {
        long now = clock.millis();
        h.createUpdate("INSERT INTO blobs(digest, size, created_at) VALUES (:d, :s, :t) "
                        + "ON CONFLICT (digest) DO UPDATE SET created_at = excluded.created_at")
                .bind("d", digest.toString()).bind("s", size).bind("t", now).execute();
        h.createUpdate("INSERT INTO repository_blobs(repository, digest, created_at) VALUES (:r, :d, :t) "
                        + "ON CONFLICT (repository, digest) DO UPDATE SET created_at = excluded.created_at")
                .bind("r", repository).bind("d", digest.toString()).bind("t", now).execute();
    }

    /**
     * Links a blob that {@code from} has into {@code repository} (a cross-repository mount), under
     * the digest's lock; false if {@code from} no longer has it.
     */
    public boolean mountBlob(String from, String repository, String owner, Digest digest) {
        return jdbi.inTransaction(h -> {
            lock(h, List.of(contentLock(digest)));
            Optional<Long> size = linkedSize(h, from, digest);
            if (size.isEmpty()) {
                return false;
            }
            ensureRepository(h, repository, owner);
            upsertLink(h, repository, digest, size.get());
            return true;
        });
    }

    /** Outcome of {@link #unlinkBlob}: removed, not linked, or still used by a manifest of the repository. */
    public record Unlink(boolean removed, Digest usedBy) {}

    /** Removes a blob's link unless a manifest of the repository references it (that would break the manifest). */
    public Unlink unlinkBlob(String repository, Digest digest) {
        return jdbi.inTransaction(h -> {
            lock(h, List.of(contentLock(digest)));
            Optional<String> user = h.createQuery("SELECT manifest_digest FROM manifest_references "
                            + "WHERE repository = :r AND child_digest = :d AND kind = 'blob' ORDER BY manifest_digest")
                    .bind("r", repository).bind("d", digest.toString()).mapTo(String.class).findFirst();
            if (user.isPresent()) {
                return new Unlink(false, Digest.parse(user.get()));
            }
            boolean removed = h.createUpdate("DELETE FROM repository_blobs WHERE repository = :r AND digest = :d")
                    .bind("r", repository).bind("d", digest.toString()).execute() > 0;
            return new Unlink(removed, null);
        });
    }

    /** Bytes of distinct blobs linked to the owner's repositories. */
    public long ownerUsage(String owner) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT COALESCE(SUM(b.size), 0) FROM blobs b WHERE b.digest IN ("
                                + "SELECT rb.digest FROM repository_blobs rb JOIN repositories r ON r.name = rb.repository WHERE r.owner = :o)")
                .bind("o", owner).mapTo(Long.class).one());
    }

    public boolean ownerHasBlob(String owner, Digest digest) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT COUNT(*) FROM repository_blobs rb JOIN repositories r ON r.name = rb.repository WHERE r.owner = :o AND rb.digest = :d")
                .bind("o", owner).bind("d", digest.toString()).mapTo(Integer.class).one() > 0);
    }

    // ---- manifests and tags

    public Optional<ManifestRow> manifest(String repository, Digest digest) {
        return jdbi.withHandle(h -> manifest(h, repository, digest));
    }

    private static Optional<ManifestRow> manifest(Handle h, String repository, Digest digest) {
        return h.createQuery("SELECT repository, digest, media_type, size, artifact_type, subject, created_at FROM manifests "
                        + "WHERE repository = :r AND digest = :d")
                .bind("r", repository).bind("d", digest.toString())
                .map((rs, ctx) -> new ManifestRow(rs.getString(1), Digest.parse(rs.getString(2)), rs.getString(3), rs.getLong(4),
                        rs.getString(5), rs.getString(6), rs.getLong(7)))
                .findOne();
    }

    public Optional<ManifestRow> manifestByTag(String repository, String tag) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT m.repository, m.digest, m.media_type, m.size, m.artifact_type, m.subject, m.created_at "
                                + "FROM tags t JOIN manifests m ON m.repository = t.repository AND m.digest = t.digest "
                                + "WHERE t.repository = :r AND t.name = :t")
                .bind("r", repository).bind("t", tag)
                .map((rs, ctx) -> new ManifestRow(rs.getString(1), Digest.parse(rs.getString(2)), rs.getString(3), rs.getLong(4),
                        rs.getString(5), rs.getString(6), rs.getLong(7)))
                .findOne());
    }

    /**
     * Outcome of {@link #putManifest}: the references that were missing, or the digest an immutable
     * tag already points at; stored if there is none of these.
     */
    public record PutOutcome(List<Digest> missingBlobs, List<Digest> missingManifests, List<String> sizeMismatches,
                             Digest immutableTagAt) {
        public PutOutcome(List<Digest> missingBlobs, List<Digest> missingManifests, List<String> sizeMismatches) {
            this(missingBlobs, missingManifests, sizeMismatches, null);
        }

        public boolean stored() {
            return missingBlobs.isEmpty() && missingManifests.isEmpty() && sizeMismatches.isEmpty() && immutableTagAt == null;
        }
    }

    public record Ref(Digest digest, long size, String kind) {}

    /** Read-only check of a manifest's references, so a manifest that would be refused is never written to storage. */
    public PutOutcome checkReferences(String repository, List<Ref> refs) {
        return jdbi.withHandle(h -> checkReferences(h, repository, refs));
    }

    private static PutOutcome checkReferences(Handle h, String repository, List<Ref> refs) {
        List<Digest> missingBlobs = new java.util.ArrayList<>();
        List<Digest> missingManifests = new java.util.ArrayList<>();
        List<String> mismatches = new java.util.ArrayList<>();
        for (Ref ref : refs) {
            if (ref.kind().equals(Reference.BLOB)) {
                Optional<Long> size = linkedSize(h, repository, ref.digest());
                if (size.isEmpty()) {
                    missingBlobs.add(ref.digest());
                } else if (size.get() != ref.size()) {
                    mismatches.add(ref.digest() + " is " + size.get() + " bytes, the manifest says " + ref.size());
                }
            } else {
                Optional<ManifestRow> child = manifest(h, repository, ref.digest());
                if (child.isEmpty()) {
                    missingManifests.add(ref.digest());
                } else if (child.get().size() != ref.size()) {
                    mismatches.add(ref.digest() + " is " + child.get().size() + " bytes, the index says " + ref.size());
                }
            }
        }
        return new PutOutcome(missingBlobs, missingManifests, mismatches);
    }

    /**
     * In one transaction, under the locks of the manifest, everything it references and the tag:
     * runs {@code ensureContent} (the manifest's bytes must be in storage before a row names them),
     * checks that every reference exists in the repository with the declared size and, if the tag
     * is immutable, that it is new or already points at this manifest; then stores the manifest,
     * its references and the tag, and runs {@code alsoInTransaction} (the event outbox). Stores
     * nothing otherwise.
     */
    public PutOutcome putManifest(ManifestRow row, String owner, List<Ref> refs, String tag, boolean tagImmutable,
                                  ContentStep ensureContent, Consumer<Handle> alsoInTransaction) {
        return jdbi.inTransaction(h -> {
            List<String> locks = new java.util.ArrayList<>();
            locks.add(contentLock(row.digest()));
            refs.forEach(r -> locks.add(contentLock(r.digest())));
            if (tag != null) {
                locks.add(tagLock(row.repository(), tag));
            }
            lock(h, locks);
            PutOutcome outcome = checkReferences(h, row.repository(), refs);
            if (!outcome.stored()) {
                return outcome;
            }
            String digest = row.digest().toString();
            if (tag != null && tagImmutable) {
                Optional<String> current = h.createQuery("SELECT digest FROM tags WHERE repository = :r AND name = :n")
                        .bind("r", row.repository()).bind("n", tag).mapTo(String.class).findOne();
                if (current.isPresent() && !current.get().equals(digest)) {
                    return new PutOutcome(List.of(), List.of(), List.of(), Digest.parse(current.get()));
                }
            }
            run(ensureContent);
            store(h, row, owner, refs, tag);
            alsoInTransaction.accept(h);
            return outcome;
        });
    }

    /**
     * Stores a manifest the pull-through cache fetched. Its blobs and child manifests are fetched
     * when a client first asks for them, so they need not be present yet.
     */
    public void putCachedManifest(ManifestRow row, String owner, List<Ref> refs, String tag) {
        jdbi.useTransaction(h -> store(h, row, owner, refs, tag));
    }

    private void store(Handle h, ManifestRow row, String owner, List<Ref> refs, String tag) {
        ensureRepository(h, row.repository(), owner);
        String digest = row.digest().toString();
        int inserted = h.createUpdate("INSERT INTO manifests(repository, digest, media_type, size, artifact_type, subject, created_at) "
                        + "VALUES (:r, :d, :m, :s, :a, :sub, :t) ON CONFLICT (repository, digest) DO NOTHING")
                .bind("r", row.repository()).bind("d", digest).bind("m", row.mediaType()).bind("s", row.size())
                .bind("a", row.artifactType()).bind("sub", row.subject()).bind("t", row.createdAt()).execute();
        if (inserted > 0) {
            for (Ref ref : refs) {
                h.createUpdate("INSERT INTO manifest_references(repository, manifest_digest, child_digest, kind) "
                                + "VALUES (:r, :m, :c, :k) ON CONFLICT (repository, manifest_digest, child_digest) DO NOTHING")
                        .bind("r", row.repository()).bind("m", digest).bind("c", ref.digest().toString()).bind("k", ref.kind())
                        .execute();
            }
        }
        if (tag != null) {
            h.createUpdate("INSERT INTO tags(repository, name, digest, updated_at) VALUES (:r, :n, :d, :t) "
                            + "ON CONFLICT (repository, name) DO UPDATE SET digest = excluded.digest, updated_at = excluded.updated_at")
                    .bind("r", row.repository()).bind("n", tag).bind("d", digest).bind("t", clock.millis()).execute();
        }
    }

    /** Indexes in the repository that list {@code digest} as a child manifest. */
    public List<Digest> parentIndexes(String repository, Digest digest) {
        return jdbi.withHandle(h -> parentIndexes(h, repository, digest));
    }

    private static List<Digest> parentIndexes(Handle h, String repository, Digest digest) {
        return h.createQuery("SELECT manifest_digest FROM manifest_references "
                        + "WHERE repository = :r AND child_digest = :d AND kind = 'manifest' ORDER BY manifest_digest")
                .bind("r", repository).bind("d", digest.toString()).map((rs, ctx) -> Digest.parse(rs.getString(1))).list();
    }

    /** Outcome of {@link #deleteManifest}. */
    public sealed interface Deletion {
        /** Removed, with the tags that pointed at it. */
        record Deleted(List<String> tags) implements Deletion {}

        record Missing() implements Deletion {}

        /** Indexes of the repository still list it; deleting it would break them. */
        record InIndex(List<Digest> parents) implements Deletion {}

        /** A tag that may not be removed points at it. */
        record ProtectedTag(String tag) implements Deletion {}

        /** A tag or a referrer appeared since the caller decided it was unused (retention re-checks). */
        record InUse(String why) implements Deletion {}
    }

    /**
     * Deletes a manifest, its references and every tag pointing at it, under its lock, unless an
     * index lists it, {@code protectedTag} holds for one of its tags, or (with {@code onlyIfUnused})
     * a tag or a referrer points at it.
     */
    public Deletion deleteManifest(String repository, Digest digest, Predicate<String> protectedTag, boolean onlyIfUnused) {
        return deleteManifest(repository, digest, protectedTag, onlyIfUnused, (h, tags) -> {});
    }

    /** As above; {@code alsoInTransaction} gets the removed tags, in the same transaction, when the manifest goes. */
    public Deletion deleteManifest(String repository, Digest digest, Predicate<String> protectedTag, boolean onlyIfUnused,
                                   BiConsumer<Handle, List<String>> alsoInTransaction) {
        return jdbi.inTransaction(h -> {
            String d = digest.toString();
            lock(h, List.of(contentLock(digest)));
            if (manifest(h, repository, digest).isEmpty()) {
                return new Deletion.Missing();
            }
            List<Digest> parents = parentIndexes(h, repository, digest);
            if (!parents.isEmpty()) {
                return new Deletion.InIndex(parents);
            }
            List<String> tags = h.createQuery("SELECT name FROM tags WHERE repository = :r AND digest = :d ORDER BY name")
                    .bind("r", repository).bind("d", d).mapTo(String.class).list();
            for (String tag : tags) {
                if (protectedTag.test(tag)) {
                    return new Deletion.ProtectedTag(tag);
                }
            }
            if (onlyIfUnused) {
                if (!tags.isEmpty()) {
                    return new Deletion.InUse("tag '" + tags.getFirst() + "' points at it");
                }
                Optional<String> referrer = h.createQuery("SELECT digest FROM manifests WHERE repository = :r AND subject = :d")
                        .bind("r", repository).bind("d", d).mapTo(String.class).findFirst();
                if (referrer.isPresent()) {
                    return new Deletion.InUse("referrer " + referrer.get() + " points at it");
                }
            }
            h.createUpdate("DELETE FROM tags WHERE repository = :r AND digest = :d").bind("r", repository).bind("d", d).execute();
            h.createUpdate("DELETE FROM manifest_references WHERE repository = :r AND manifest_digest = :d").bind("r", repository).bind("d", d).execute();
            h.createUpdate("DELETE FROM manifests WHERE repository = :r AND digest = :d").bind("r", repository).bind("d", d).execute();
            alsoInTransaction.accept(h, tags);
            return new Deletion.Deleted(tags);
        });
    }

    public enum TagDeletion { DELETED, MISSING, MOVED, IMMUTABLE }

    /**
     * Deletes a tag under its lock: MISSING if there is none, IMMUTABLE (and kept) if
     * {@code immutable}, MOVED (and kept) if {@code expected} is given and a push has moved the tag
     * to another manifest since the caller looked.
     */
    public TagDeletion deleteTag(String repository, String tag, Digest expected, boolean immutable) {
        return deleteTag(repository, tag, expected, immutable, (h, digest) -> {});
    }

    /** As above; {@code alsoInTransaction} gets the digest the tag pointed at, in the same transaction, when it goes. */
    public TagDeletion deleteTag(String repository, String tag, Digest expected, boolean immutable,
                                 BiConsumer<Handle, Digest> alsoInTransaction) {
        return jdbi.inTransaction(h -> {
            lock(h, List.of(tagLock(repository, tag)));
            Optional<String> current = h.createQuery("SELECT digest FROM tags WHERE repository = :r AND name = :n")
                    .bind("r", repository).bind("n", tag).mapTo(String.class).findOne();
            if (current.isEmpty()) {
                return TagDeletion.MISSING;
            }
            if (expected != null && !current.get().equals(expected.toString())) {
                return TagDeletion.MOVED;
            }
            if (immutable) {
                return TagDeletion.IMMUTABLE;
            }
            h.createUpdate("DELETE FROM tags WHERE repository = :r AND name = :n").bind("r", repository).bind("n", tag).execute();
            alsoInTransaction.accept(h, Digest.parse(current.get()));
            return TagDeletion.DELETED;
        });
    }

    public List<String> tags(String repository, String last, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT name FROM tags WHERE repository = :r AND name > :l ORDER BY name LIMIT :n")
                .bind("r", repository).bind("l", last == null ? "" : last).bind("n", limit).mapTo(String.class).list());
    }

    public List<TagRow> tagRows(String repository) {
        return jdbi.withHandle(h -> h.createQuery("SELECT name, digest, updated_at FROM tags WHERE repository = :r ORDER BY name")
                .bind("r", repository)
                .map((rs, ctx) -> new TagRow(rs.getString(1), Digest.parse(rs.getString(2)), rs.getLong(3))).list());
    }

    public List<ManifestRow> referrers(String repository, Digest subject) {
        return jdbi.withHandle(h -> h.createQuery("SELECT repository, digest, media_type, size, artifact_type, subject, created_at FROM manifests "
                        + "WHERE repository = :r AND subject = :s ORDER BY created_at, digest")
                .bind("r", repository).bind("s", subject.toString())
                .map((rs, ctx) -> new ManifestRow(rs.getString(1), Digest.parse(rs.getString(2)), rs.getString(3), rs.getLong(4),
                        rs.getString(5), rs.getString(6), rs.getLong(7)))
                .list());
    }

    // ---- upload sessions

    public void createUpload(String id, String repository) {
        long now = clock.millis();
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO upload_sessions(id, repository, created_at, updated_at) VALUES (:i, :r, :t, :t)")
                .bind("i", id).bind("r", repository).bind("t", now).execute());
    }

    /** The repository an upload belongs to, if the session exists. */
    public Optional<String> uploadRepository(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT repository FROM upload_sessions WHERE id = :i")
                .bind("i", id).mapTo(String.class).findOne());
    }

    public void touchUpload(String id) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE upload_sessions SET updated_at = :t WHERE id = :i")
                .bind("t", clock.millis()).bind("i", id).execute());
    }

    public void deleteUpload(String id) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM upload_sessions WHERE id = :i").bind("i", id).execute());
    }
}
