package dev.slipway.registry.lifecycle;

import dev.slipway.core.Digest;
import java.util.List;

/**
 * What a retention run removed, or in a dry run would remove. Bytes are the manifests' own sizes
 * and the sizes of the blobs they list; blobs shared with kept images stay, so the disk space
 * actually freed is what the next garbage collection reports.
 *
 * @param skipped items the plan named that a concurrent push or rule change saved, with the reason
 */
public record RetentionReport(boolean dryRun, List<Tag> tags, List<Manifest> manifests, List<String> skipped) {
    public RetentionReport {
        tags = List.copyOf(tags);
        manifests = List.copyOf(manifests);
        skipped = List.copyOf(skipped);
    }

    public record Tag(String repository, String tag, Digest digest) {}

    /** @param blobBytes the sizes of the config and layers it lists (shared blobs included) */
    public record Manifest(String repository, Digest digest, String mediaType, long size, long blobBytes, String reason) {}

    public long bytes() {
        return manifests.stream().mapToLong(m -> m.size() + m.blobBytes()).sum();
    }
}
