package dev.slipway.registry.metadata;

import dev.slipway.core.Digest;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * The registry seen as Gitea's packages: each repository {@code owner/name} is a container package
 * {@code name}, and each of its tags a version (untagged manifests are not listed, as in Gitea, but
 * can be addressed by digest).
 */
public final class PackageVersions {
    /** One version: a tag (or a digest) of a repository, with the time it was pushed or last moved. */
    public record Version(String repository, String version, Digest digest, long createdAt) {}

    public record Page(long total, List<Version> versions) {}

    private final Jdbi jdbi;

    public PackageVersions(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * The tags of {@code owner}'s repositories, newest first: of every repository with
     * {@code includePrivate}, else of public ones only; with a {@code nameFilter}, only packages
     * whose name contains it.
     */
    public Page list(String owner, boolean includePrivate, String nameFilter, int offset, int limit) {
        String where = "FROM tags t JOIN repositories r ON r.name = t.repository WHERE r.owner = :o"
                + (includePrivate ? "" : " AND r.is_public = TRUE")
                + (nameFilter == null || nameFilter.isEmpty() ? "" : " AND r.name LIKE :q ESCAPE '\\'");
        String like = nameFilter == null ? null
                : owner + "/%" + nameFilter.toLowerCase(java.util.Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        return jdbi.withHandle(h -> {
            var count = h.createQuery("SELECT COUNT(*) " + where).bind("o", owner);
            var page = h.createQuery("SELECT t.repository, t.name, t.digest, t.updated_at " + where
                            + " ORDER BY t.updated_at DESC, t.repository, t.name LIMIT :lim OFFSET :off")
                    .bind("o", owner).bind("lim", limit).bind("off", offset);
            if (like != null) {
                count.bind("q", like);
                page.bind("q", like);
            }
            long total = count.mapTo(Long.class).one();
            List<Version> versions = page.map((rs, ctx) -> new Version(rs.getString(1), rs.getString(2), Digest.parse(rs.getString(3)),
                    rs.getLong(4))).list();
            return new Page(total, versions);
        });
    }

    /** A tag, or a manifest by digest, of one repository. */
    public Optional<Version> find(String repository, String version) {
        return jdbi.withHandle(h -> {
            if (Digest.looksLikeDigest(version)) {
                return h.createQuery("SELECT repository, digest, digest, created_at FROM manifests WHERE repository = :r AND digest = :d")
                        .bind("r", repository).bind("d", version)
                        .map((rs, ctx) -> new Version(rs.getString(1), rs.getString(2), Digest.parse(rs.getString(3)), rs.getLong(4)))
                        .findOne();
            }
            return h.createQuery("SELECT repository, name, digest, updated_at FROM tags WHERE repository = :r AND name = :n")
                    .bind("r", repository).bind("n", version)
                    .map((rs, ctx) -> new Version(rs.getString(1), rs.getString(2), Digest.parse(rs.getString(3)), rs.getLong(4)))
                    .findOne();
        });
    }
}
