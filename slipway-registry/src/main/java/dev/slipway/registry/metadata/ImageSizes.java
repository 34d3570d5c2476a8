package dev.slipway.registry.metadata;

import dev.slipway.core.Digest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * How many bytes an image takes in the registry: its distinct blobs (config and layers), and for an
 * index those of every manifest below it, each blob counted once. Manifests' own bytes are left out.
 */
public final class ImageSizes {
    private final Jdbi jdbi;

    public ImageSizes(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * The bytes of {@code blobs} (digest to size, as a manifest declares them) together with the
     * distinct blobs of the stored manifests {@code children} of the repository and their descendants.
     */
    public long bytes(String repository, Map<Digest, Long> blobs, Collection<Digest> children) {
        Map<String, Long> sizes = new HashMap<>();
        blobs.forEach((d, size) -> sizes.put(d.toString(), size));
        jdbi.useHandle(h -> {
            Set<String> seen = new HashSet<>();
            List<String> level = children.stream().map(Digest::toString).distinct().toList();
            while (!level.isEmpty()) {
                seen.addAll(level);
                List<String> next = new ArrayList<>();
                for (Child c : h.createQuery("SELECT mr.child_digest, mr.kind, b.size FROM manifest_references mr "
                                + "LEFT JOIN blobs b ON b.digest = mr.child_digest "
                                + "WHERE mr.repository = :r AND mr.manifest_digest IN (<m>)")
                        .bind("r", repository).bindList("m", level)
                        .map((rs, ctx) -> new Child(rs.getString(1), rs.getString(2), rs.getLong(3))).list()) {
                    if (c.kind().equals(Metadata.Reference.BLOB)) {
                        sizes.put(c.digest(), c.size());
                    } else if (!seen.contains(c.digest())) {
                        next.add(c.digest());
                    }
                }
                level = next.stream().distinct().toList();
            }
        });
        return sizes.values().stream().mapToLong(Long::longValue).sum();
    }

    private record Child(String digest, String kind, long size) {}
}
