package dev.slipway.registry.browse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.core.Digest;
import dev.slipway.registry.metadata.ImageSizes;
import dev.slipway.registry.metadata.Metadata;
import dev.slipway.registry.oci.Descriptor;
import dev.slipway.registry.oci.Manifest;
import dev.slipway.registry.oci.MediaTypes;
import dev.slipway.registry.oci.RegistryException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;

/**
 * The registry as people browse it (the web UI's package pages): an owner's repositories with their
 * size, tag count and last push; a repository's tags with digest, size, platforms and the marks of
 * their referrers; one image's labels, layers and referrers. Read only; access is the caller's to
 * decide. Reached through {@link dev.slipway.registry.Registry#browse()}.
 */
public final class PackageBrowser {
    /** Config blobs larger than this are not read for labels (a real one is a few KiB). */
    private static final int MAX_CONFIG_BYTES = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How docker buildx marks the attestation manifests it puts into an index beside the images. */
    private static final String REFERENCE_TYPE = "vnd.docker.reference.type";

    /** A repository of an owner: its bytes are its distinct blobs (config and layers), each counted once. */
    public record Summary(String repository, String name, boolean isPublic, long bytes, int tags, Long lastPush) {}

    /**
     * A tag.
     *
     * @param platforms the images of an index (empty for a single image)
     * @param attestations how many attestation manifests an index holds beside its images
     * @param marks what its referrers are ("signature", "SBOM", "attestation", or their artifact type)
     */
    public record Tag(String name, Digest digest, String mediaType, long bytes, long updatedAt, List<Platform> platforms,
                      int attestations, List<String> marks) {
        public Tag {
            platforms = List.copyOf(platforms);
            marks = List.copyOf(marks);
        }

        public boolean isIndex() {
            return MediaTypes.INDEXES.contains(mediaType);
        }
    }

    /**
     * An entry of an index: an image for a platform, or an attestation manifest (which names the
     * image it attests in {@code attests}).
     */
    public record Platform(String os, String architecture, String variant, Digest digest, long size, Digest attests) {
        /** {@code linux/arm64/v8}. */
        public String label() {
            String s = (os == null ? "unknown" : os) + "/" + (architecture == null ? "unknown" : architecture);
            return variant == null ? s : s + "/" + variant;
        }
    }

    public record Layer(String mediaType, Digest digest, long size) {}

    /** A manifest whose subject is the image: a signature, an SBOM, an attestation or another artifact. */
    public record Referrer(Digest digest, String artifactType, String kind, long createdAt) {}

    /**
     * One image or index, by tag or digest.
     *
     * @param tags the tags that point at it
     * @param bytes its distinct blobs (for an index those of all its images)
     * @param os from an image's config (null for an index)
     * @param labels an image's config labels
     * @param layers an image's layers (config not included)
     */
    public record Image(String repository, String reference, Digest digest, String mediaType, long manifestSize, long bytes,
                        long createdAt, List<String> tags, List<Platform> platforms, List<Platform> attestations, String os,
                        String architecture, Map<String, String> labels, List<Layer> layers, List<Referrer> referrers) {
        public Image {
            tags = List.copyOf(tags);
            platforms = List.copyOf(platforms);
            attestations = List.copyOf(attestations);
            labels = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(labels));
            layers = List.copyOf(layers);
            referrers = List.copyOf(referrers);
        }

        public boolean isIndex() {
            return MediaTypes.INDEXES.contains(mediaType);
        }
    }

    private final Jdbi jdbi;
    private final Metadata metadata;
    private final ImageSizes sizes;
    private final Function<Digest, byte[]> manifestContent;
    private final BiFunction<Digest, Long, InputStream> openBlob;

    /** @param manifestContent a manifest's bytes; @param openBlob a blob's bytes from an offset */
    public PackageBrowser(Metadata metadata, ImageSizes sizes, Function<Digest, byte[]> manifestContent,
                          BiFunction<Digest, Long, InputStream> openBlob) {
        this.jdbi = metadata.jdbi();
        this.metadata = metadata;
        this.sizes = sizes;
        this.manifestContent = manifestContent;
        this.openBlob = openBlob;
    }

    /** The owner's repositories, by name: all of them with {@code includePrivate}, else the public ones. */
    public List<Summary> repositories(String owner, boolean includePrivate) {
        return jdbi.withHandle(h -> h.createQuery("SELECT r.name, r.is_public, "
                        + "(SELECT COUNT(*) FROM tags t WHERE t.repository = r.name), "
                        + "(SELECT MAX(t.updated_at) FROM tags t WHERE t.repository = r.name), "
                        + "(SELECT MAX(m.created_at) FROM manifests m WHERE m.repository = r.name), "
                        + "(SELECT COALESCE(SUM(b.size), 0) FROM blobs b WHERE b.digest IN (SELECT mr.child_digest FROM manifest_references mr "
                        + "WHERE mr.repository = r.name AND mr.kind = 'blob')) "
                        + "FROM repositories r WHERE r.owner = :o" + (includePrivate ? "" : " AND r.is_public = TRUE") + " ORDER BY r.name")
                .bind("o", owner)
                .map((rs, ctx) -> {
                    long tagged = rs.getLong(4);
                    Long lastTag = rs.wasNull() ? null : tagged;
                    long pushed = rs.getLong(5);
                    Long lastManifest = rs.wasNull() ? null : pushed;
                    Long last = lastTag == null ? lastManifest : lastManifest == null ? lastTag : Math.max(lastTag, lastManifest);
                    String name = rs.getString(1);
                    return new Summary(name, name.substring(owner.length() + 1), rs.getBoolean(2), rs.getLong(6), rs.getInt(3), last);
                })
                .list());
    }

    /** The repository's tags, the newest first. */
    public List<Tag> tags(String repository) {
        List<Tag> out = new ArrayList<>();
        List<Metadata.TagRow> rows = new ArrayList<>(metadata.tagRows(repository));
        rows.sort((a, b) -> Long.compare(b.updatedAt(), a.updatedAt()));
        for (Metadata.TagRow t : rows) {
            Optional<Metadata.ManifestRow> m = metadata.manifest(repository, t.digest());
            if (m.isEmpty()) {
                continue; // deleted meanwhile
            }
            List<Platform> platforms = new ArrayList<>();
            List<Platform> attestations = new ArrayList<>();
            if (MediaTypes.INDEXES.contains(m.get().mediaType())) {
                entries(t.digest(), platforms, attestations);
            }
            List<String> marks = metadata.referrers(repository, t.digest()).stream().map(r -> kind(r.artifactType())).distinct().toList();
            out.add(new Tag(t.name(), t.digest(), m.get().mediaType(), bytes(repository, t.digest()), t.updatedAt(), platforms,
                    attestations.size(), marks));
        }
        return out;
    }

    /** An image or index by tag or digest; empty when the repository has no such tag or manifest. */
    public Optional<Image> image(String repository, String reference) {
        Optional<Metadata.ManifestRow> found = Digest.looksLikeDigest(reference)
                ? parse(reference).flatMap(d -> metadata.manifest(repository, d))
                : metadata.manifestByTag(repository, reference);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Metadata.ManifestRow m = found.get();
        List<String> tags = metadata.tagRows(repository).stream().filter(t -> t.digest().equals(m.digest())).map(Metadata.TagRow::name).toList();
        List<Platform> platforms = new ArrayList<>();
        List<Platform> attestations = new ArrayList<>();
        Map<String, String> labels = new LinkedHashMap<>();
        List<Layer> layers = new ArrayList<>();
        String os = null;
        String arch = null;
        if (MediaTypes.INDEXES.contains(m.mediaType())) {
            entries(m.digest(), platforms, attestations);
        } else {
            Manifest manifest = manifest(m.digest(), m.mediaType());
            if (manifest != null && !manifest.blobs().isEmpty()) {
                Descriptor config = manifest.blobs().getFirst();
                for (Descriptor d : manifest.blobs().subList(1, manifest.blobs().size())) {
                    layers.add(new Layer(d.mediaType(), d.digest(), d.size()));
                }
                JsonNode cfg = config(config);
                if (cfg != null) {
                    os = text(cfg, "os");
                    arch = text(cfg, "architecture");
                    JsonNode l = cfg.path("config").path("Labels");
                    if (l.isObject()) {
                        l.fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
                    }
                }
            }
        }
        List<Referrer> referrers = metadata.referrers(repository, m.digest()).stream()
                .map(r -> new Referrer(r.digest(), r.artifactType(), kind(r.artifactType()), r.createdAt())).toList();
        return Optional.of(new Image(repository, reference, m.digest(), m.mediaType(), m.size(), bytes(repository, m.digest()),
                m.createdAt(), tags, platforms, attestations, os, arch, labels, layers, referrers));
    }

    private long bytes(String repository, Digest digest) {
        return sizes.bytes(repository, Map.of(), List.of(digest));
    }

    /** An index's images and its attestation manifests, apart (buildx gives the latter the platform unknown/unknown). */
    private void entries(Digest index, List<Platform> platforms, List<Platform> attestations) {
        JsonNode root;
        try {
            root = JSON.readTree(manifestContent.apply(index));
        } catch (IOException | RegistryException e) {
            return;
        }
        for (JsonNode e : root.path("manifests")) {
            Digest d = parse(e.path("digest").asText("")).orElse(null);
            if (d == null) {
                continue;
            }
            JsonNode p = e.path("platform");
            JsonNode annotations = e.path("annotations");
            String type = annotations.path(REFERENCE_TYPE).asText("");
            Platform entry = new Platform(text(p, "os"), text(p, "architecture"), text(p, "variant"), d, e.path("size").asLong(),
                    parse(annotations.path("vnd.docker.reference.digest").asText("")).orElse(null));
            boolean attestation = type.equals("attestation-manifest")
                    || ("unknown".equals(entry.os()) && "unknown".equals(entry.architecture()));
            (attestation ? attestations : platforms).add(entry);
        }
    }

    private Manifest manifest(Digest digest, String mediaType) {
        try {
            return Manifest.parse(manifestContent.apply(digest), mediaType);
        } catch (RegistryException e) {
            return null; // stored before, so it parsed then; a missing file shows as no layers
        }
    }

    private JsonNode config(Descriptor config) {
        if (config.size() > MAX_CONFIG_BYTES || !config.mediaType().contains("config")) {
            return null;
        }
        try (InputStream in = openBlob.apply(config.digest(), 0L)) {
            return JSON.readTree(in.readNBytes(MAX_CONFIG_BYTES));
        } catch (IOException e) {
            return null;
        } catch (RegistryException | UncheckedIOException e) {
            return null; // not in storage (a pull-through cache fetches blobs when pulled)
        }
    }

    /** What a referrer is, from its artifact type: the marks a tag shows. */
    static String kind(String artifactType) {
        if (artifactType == null) {
            return "artifact";
        }
        String t = artifactType.toLowerCase(Locale.ROOT);
        if (t.contains("signature") || t.contains("cosign") || t.contains("sigstore")) {
            return "signature";
        }
        if (t.contains("spdx") || t.contains("cyclonedx") || t.contains("sbom") || t.contains("syft")) {
            return "SBOM";
        }
        if (t.contains("in-toto") || t.contains("attestation") || t.contains("provenance") || t.contains("slsa")) {
            return "attestation";
        }
        return artifactType;
    }

    private static Optional<Digest> parse(String text) {
        try {
            return Optional.of(Digest.parse(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || !v.isTextual() || v.asText().isEmpty() ? null : v.asText();
    }
}
