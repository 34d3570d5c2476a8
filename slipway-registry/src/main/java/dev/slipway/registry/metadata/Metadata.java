package dev.slipway.registry.metadata;

import dev.slipway.core.Clock;
import dev.slipway.core.Digest;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
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

    public Metadata(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    public Jdbi jdbi() {
        return jdbi;
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

    /** Creates the repository row if missing (the first push creates a repository). */
    public void ensureRepository(Handle h, String name, String owner) {
        h.createUpdate("INSERT INTO repositories(name, owner, is_public, created_at) VALUES (:n, :o, FALSE, :t) "
                        + "ON CONFLICT (name) DO NOTHING")
                .bind("n", name).bind("o", owner).bind("t", clock.millis()).execute();
    }

    public boolean setPublic(String name, boolean isPublic) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE repositories SET is_public = :p WHERE name = :n")
                .bind("p", isPublic).bind("n", name).execute()) > 0;
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
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT b.size FROM repository_blobs rb JOIN blobs b ON b.digest = rb.digest WHERE rb.repository = :r AND rb.digest = :d")
                .bind("r", repository).bind("d", digest.toString()).mapTo(Long.class).findOne().orElse(-1L));
    }

    /** Records a committed blob and links it to the repository (creating the repository if needed). */
    public void linkBlob(String repository, String owner, Digest digest, long size) {
        jdbi.useTransaction(h -> {
            ensureRepository(h, repository, owner);
            long now = clock.millis();
            h.createUpdate("INSERT INTO blobs(digest, size, created_at) VALUES (:d, :s, :t) ON CONFLICT (digest) DO NOTHING")
                    .bind("d", digest.toString()).bind("s", size).bind("t", now).execute();
            h.createUpdate("INSERT INTO repository_blobs(repository, digest, created_at) VALUES (:r, :d, :t) "
                            + "ON CONFLICT (repository, digest) DO NOTHING")
                    .bind("r", repository).bind("d", digest.toString()).bind("t", now).execute();
        });
    }

    public boolean unlinkBlob(String repository, Digest digest) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM repository_blobs WHERE repository = :r AND digest = :d")
                .bind("r", repository).bind("d", digest.toString()).execute()) > 0;
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

    /** Outcome of {@link #putManifest}: the references that were missing, or none if stored. */
    public record PutOutcome(List<Digest> missingBlobs, List<Digest> missingManifests, List<String> sizeMismatches) {
        public boolean stored() {
            return missingBlobs.isEmpty() && missingManifests.isEmpty() && sizeMismatches.isEmpty();
        }
    }

    public record Ref(Digest digest, long size, String kind) {}

    /**
     * In one transaction: checks that every reference exists in the repository with the declared
     * size, then stores the manifest, its references and the tag (if any). Stores nothing if a
     * reference is missing.
     */
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
                Optional<Long> size = h.createQuery("SELECT b.size FROM repository_blobs rb JOIN blobs b ON b.digest = rb.digest "
                                + "WHERE rb.repository = :r AND rb.digest = :d")
                        .bind("r", repository).bind("d", ref.digest().toString()).mapTo(Long.class).findOne();
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

    public PutOutcome putManifest(ManifestRow row, String owner, List<Ref> refs, String tag) {
        return putManifest(row, owner, refs, tag, h -> {});
    }

    /** As above; {@code alsoInTransaction} runs in the same transaction once the manifest is stored (the event outbox). */
    public PutOutcome putManifest(ManifestRow row, String owner, List<Ref> refs, String tag, Consumer<Handle> alsoInTransaction) {
        return jdbi.inTransaction(h -> {
            PutOutcome outcome = checkReferences(h, row.repository(), refs);
            if (!outcome.stored()) {
                return outcome;
            }
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
        return jdbi.withHandle(h -> h.createQuery("SELECT manifest_digest FROM manifest_references "
                        + "WHERE repository = :r AND child_digest = :d AND kind = 'manifest' ORDER BY manifest_digest")
                .bind("r", repository).bind("d", digest.toString()).map((rs, ctx) -> Digest.parse(rs.getString(1))).list());
    }

    /** Deletes a manifest, its references and every tag pointing at it. */
    public boolean deleteManifest(String repository, Digest digest) {
        return deleteManifest(repository, digest, (h, tags) -> {});
    }

    /** As above; {@code alsoInTransaction} gets the removed tags, in the same transaction, if the manifest was there. */
    public boolean deleteManifest(String repository, Digest digest, BiConsumer<Handle, List<String>> alsoInTransaction) {
        return jdbi.inTransaction(h -> {
            String d = digest.toString();
            List<String> tags = h.createQuery("SELECT name FROM tags WHERE repository = :r AND digest = :d ORDER BY name")
                    .bind("r", repository).bind("d", d).mapTo(String.class).list();
            h.createUpdate("DELETE FROM tags WHERE repository = :r AND digest = :d").bind("r", repository).bind("d", d).execute();
            h.createUpdate("DELETE FROM manifest_references WHERE repository = :r AND manifest_digest = :d").bind("r", repository).bind("d", d).execute();
            boolean deleted = h.createUpdate("DELETE FROM manifests WHERE repository = :r AND digest = :d").bind("r", repository).bind("d", d).execute() > 0;
            if (deleted) {
                alsoInTransaction.accept(h, tags);
            }
            return deleted;
        });
    }

    public boolean deleteTag(String repository, String tag) {
        return deleteTag(repository, tag, (h, digest) -> {});
    }

    /** As above; {@code alsoInTransaction} gets the digest the tag pointed at, in the same transaction, if it was there. */
    public boolean deleteTag(String repository, String tag, BiConsumer<Handle, Digest> alsoInTransaction) {
        return jdbi.inTransaction(h -> {
            Optional<String> digest = h.createQuery("SELECT digest FROM tags WHERE repository = :r AND name = :n")
                    .bind("r", repository).bind("n", tag).mapTo(String.class).findOne();
            if (digest.isEmpty()) {
                return false;
            }
            h.createUpdate("DELETE FROM tags WHERE repository = :r AND name = :n").bind("r", repository).bind("n", tag).execute();
            alsoInTransaction.accept(h, Digest.parse(digest.get()));
            return true;
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
