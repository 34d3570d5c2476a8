package dev.slipway.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * Writes an OCI image layout directory ({@code oci-layout}, {@code index.json},
 * {@code blobs/sha256/...}) from Java, with no network and no tools, for clients such as skopeo
 * to push ({@code oci:DIR:TAG}).
 *
 * <p>Everything is deterministic: the same tag, seed and options always give the same bytes and
 * so the same digests, and different seeds give different layers, configs and manifests. Layers
 * are real ustar archives (written here by hand) holding a few small files, either gzip'd
 * ({@code application/vnd.oci.image.layer.v1.tar+gzip}) or plain
 * ({@code application/vnd.oci.image.layer.v1.tar}).
 *
 * <pre>{@code
 * OciLayout layout = OciLayout.create(dir);
 * OciLayout.Image image = layout.addImage("v1", "seed-a", 3);
 * OciLayout.Index index = layout.addIndex("multi", "seed-b", 2, OciLayout.Platform.LINUX_AMD64, OciLayout.Platform.LINUX_ARM64);
 * }</pre>
 */
public final class OciLayout {
    public static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String LAYER_TAR = "application/vnd.oci.image.layer.v1.tar";
    public static final String LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
    public static final String REF_NAME = "org.opencontainers.image.ref.name";

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A fixed time for tar headers and the config, so that output never depends on the clock. */
    private static final long EPOCH_SECONDS = 1_700_000_000L;

    public enum Compression { NONE, GZIP }

    public record Platform(String os, String architecture) {
        public static final Platform LINUX_AMD64 = new Platform("linux", "amd64");
        public static final Platform LINUX_ARM64 = new Platform("linux", "arm64");

        @Override
        public String toString() {
            return os + "/" + architecture;
        }
    }

    /** A content descriptor: what a manifest or index.json says about a blob. */
    public record Descriptor(String mediaType, String digest, long size) {}

    /**
     * An image manifest written to the layout.
     *
     * @param layers the layer blobs, in order
     * @param diffIds the digests of the uncompressed layer tars (the config's rootfs.diff_ids)
     */
    public record Image(Descriptor manifest, Descriptor config, List<Descriptor> layers, List<String> diffIds, Platform platform) {
        public String digest() {
            return manifest.digest();
        }

        /** Every blob the manifest references: config first, then layers. */
        public List<Descriptor> blobs() {
            List<Descriptor> all = new ArrayList<>();
            all.add(config);
            all.addAll(layers);
            return all;
        }
    }

    /** An image index written to the layout, with its platform manifests in order. */
    public record Index(Descriptor index, List<Image> manifests) {
        public String digest() {
            return index.digest();
        }
    }

    private final Path dir;
    /** The entries of the top-level index.json, by tag, in insertion order. */
    private final Map<String, ObjectNode> refs = new LinkedHashMap<>();

    private OciLayout(Path dir) {
        this.dir = dir;
    }

    /** Starts a new, empty layout in {@code dir} (created if needed). */
    public static OciLayout create(Path dir) {
        try {
            Files.createDirectories(dir.resolve("blobs").resolve("sha256"));
            Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        OciLayout layout = new OciLayout(dir);
        layout.writeIndexJson();
        return layout;
    }

    public Path dir() {
        return dir;
    }

    /** An image for linux/amd64 with {@code layers} gzip'd layers, tagged {@code tag}. */
    public Image addImage(String tag, String seed, int layers) {
        return addImage(tag, seed, layers, Platform.LINUX_AMD64, Compression.GZIP);
    }

    /** An image with {@code layers} layers for {@code platform}, tagged {@code tag} in index.json. */
    public Image addImage(String tag, String seed, int layers, Platform platform, Compression compression) {
        Image image = writeImage(seed, layers, platform, compression, 0);
        ref(tag, image.manifest());
        return image;
    }

    /**
     * An image whose uncompressed layers each carry {@code payloadBytes} of incompressible
     * pseudo-random bytes besides the usual files, so a layer is a little over that size (for size limits).
     */
    public Image addLargeImage(String tag, String seed, int layers, int payloadBytes) {
        Image image = writeImage(seed, layers, Platform.LINUX_AMD64, Compression.NONE, payloadBytes);
        ref(tag, image.manifest());
        return image;
    }

    /** An image index of one image per platform (each with its own config and layers), tagged {@code tag}. */
    public Index addIndex(String tag, String seed, int layersPerImage, Platform... platforms) {
        return addIndex(tag, seed, layersPerImage, Compression.GZIP, platforms);
    }

    public Index addIndex(String tag, String seed, int layersPerImage, Compression compression, Platform... platforms) {
        if (platforms.length == 0) {
            platforms = new Platform[] {Platform.LINUX_AMD64, Platform.LINUX_ARM64};
        }
        List<Image> images = new ArrayList<>();
        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", INDEX);
        ArrayNode manifests = index.putArray("manifests");
        for (Platform p : platforms) {
            Image image = writeImage(seed + "/" + p, layersPerImage, p, compression, 0);
            images.add(image);
            ObjectNode d = descriptorJson(image.manifest());
            d.putObject("platform").put("architecture", p.architecture()).put("os", p.os());
            manifests.add(d);
        }
        Descriptor desc = writeBlob(INDEX, bytes(index));
        ref(tag, desc);
        return new Index(desc, List.copyOf(images));
    }

    private Image writeImage(String seed, int layerCount, Platform platform, Compression compression, int payloadBytes) {
        List<Descriptor> layers = new ArrayList<>();
        List<String> diffIds = new ArrayList<>();
        for (int i = 0; i < layerCount; i++) {
            Map<String, byte[]> files = layerFiles(seed, i);
            if (payloadBytes > 0) {
                byte[] payload = new byte[payloadBytes];
                new java.util.Random((seed + "/" + i).hashCode()).nextBytes(payload);
                files.put("payload" + i + ".bin", payload);
            }
            byte[] tar = tar(files);
            diffIds.add(sha256(tar));
            layers.add(compression == Compression.GZIP ? writeBlob(LAYER_GZIP, gzip(tar)) : writeBlob(LAYER_TAR, tar));
        }
        ObjectNode config = JSON.createObjectNode();
        config.put("created", "2023-11-14T22:13:20Z");
        config.put("architecture", platform.architecture());
        config.put("os", platform.os());
        ObjectNode cfg = config.putObject("config");
        cfg.putArray("Env").add("PATH=/bin").add("SLIPWAY_SEED=" + seed);
        cfg.putArray("Cmd").add("/bin/sh");
        ObjectNode rootfs = config.putObject("rootfs");
        rootfs.put("type", "layers");
        ArrayNode ids = rootfs.putArray("diff_ids");
        diffIds.forEach(ids::add);
        ArrayNode history = config.putArray("history");
        for (int i = 0; i < layerCount; i++) {
            history.addObject().put("created", "2023-11-14T22:13:20Z").put("created_by", "OciLayout layer " + i + " of " + seed);
        }
        Descriptor configDesc = writeBlob(CONFIG, bytes(config));

        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", MANIFEST);
        manifest.set("config", descriptorJson(configDesc));
        ArrayNode l = manifest.putArray("layers");
        layers.forEach(d -> l.add(descriptorJson(d)));
        manifest.putObject("annotations").put("dev.slipway.test.seed", seed);
        Descriptor manifestDesc = writeBlob(MANIFEST, bytes(manifest));
        return new Image(manifestDesc, configDesc, List.copyOf(layers), List.copyOf(diffIds), platform);
    }

    /** A few small files whose content depends on the seed and the layer: every layer differs. */
    private static Map<String, byte[]> layerFiles(String seed, int layer) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        String dirName = "layer" + layer + "/";
        files.put(dirName, null); // a directory entry
        files.put(dirName + "hello.txt", ("hello from layer " + layer + " of " + seed + "\n").getBytes(StandardCharsets.UTF_8));
        files.put(dirName + "numbers.txt", numbers(seed, layer));
        files.put("etc/slipway-layer-" + layer, ("seed=" + seed + "\nlayer=" + layer + "\n").getBytes(StandardCharsets.UTF_8));
        return files;
    }

    /** A few KiB of pseudo-random but deterministic bytes, so layers are not trivially tiny. */
    private static byte[] numbers(String seed, int layer) {
        StringBuilder sb = new StringBuilder();
        long x = (seed.hashCode() * 31L + layer) | 1;
        for (int i = 0; i < 300; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            sb.append(Long.toHexString(x)).append(i % 4 == 3 ? '\n' : ' ');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    // ---- tar (POSIX ustar), by hand

    /** A ustar archive of {@code files}; a null value (or a name ending in '/') is a directory. */
    public static byte[] tar(Map<String, byte[]> files) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        files.forEach((name, content) -> {
            boolean directory = content == null || name.endsWith("/");
            byte[] data = directory ? new byte[0] : content;
            out.writeBytes(tarHeader(directory && !name.endsWith("/") ? name + "/" : name, data.length, directory));
            out.writeBytes(data);
            int pad = (512 - data.length % 512) % 512;
            out.writeBytes(new byte[pad]);
        });
        out.writeBytes(new byte[1024]); // two zero blocks end the archive
        return out.toByteArray();
    }

    private static byte[] tarHeader(String name, long size, boolean directory) {
        byte[] h = new byte[512];
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        if (n.length > 100) {
            throw new IllegalArgumentException("tar name longer than 100 bytes: " + name);
        }
        System.arraycopy(n, 0, h, 0, n.length);
        octal(h, 100, 8, directory ? 0755 : 0644); // mode
        octal(h, 108, 8, 0); // uid
        octal(h, 116, 8, 0); // gid
        octal(h, 124, 12, size);
        octal(h, 136, 12, EPOCH_SECONDS); // mtime
        h[156] = (byte) (directory ? '5' : '0'); // typeflag
        put(h, 257, "ustar\0"); // magic
        put(h, 263, "00"); // version
        put(h, 265, "root"); // uname
        put(h, 297, "root"); // gname
        for (int i = 148; i < 156; i++) {
            h[i] = ' '; // the checksum is computed with its own field as spaces
        }
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        String chk = String.format("%06o", sum);
        put(h, 148, chk);
        h[154] = 0;
        h[155] = ' ';
        return h;
    }

    /** Zero-padded octal in {@code len - 1} digits followed by a NUL. */
    private static void octal(byte[] h, int offset, int len, long value) {
        String s = Long.toOctalString(value);
        if (s.length() > len - 1) {
            throw new IllegalArgumentException("value too large for a tar field: " + value);
        }
        put(h, offset, "0".repeat(len - 1 - s.length()) + s);
        h[offset + len - 1] = 0;
    }

    private static void put(byte[] h, int offset, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, offset, b.length);
    }

    /** Gzip with a fixed header (Java writes mtime 0), so the output depends only on the input. */
    public static byte[] gzip(byte[] data) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    // ---- blobs and index.json

    private Descriptor writeBlob(String mediaType, byte[] content) {
        String digest = sha256(content);
        Path file = blobPath(dir, digest);
        try {
            if (!Files.exists(file)) {
                Files.write(file, content);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Descriptor(mediaType, digest, content.length);
    }

    private void ref(String tag, Descriptor d) {
        ObjectNode entry = descriptorJson(d);
        entry.putObject("annotations").put(REF_NAME, tag);
        refs.put(tag, entry);
        writeIndexJson();
    }

    private void writeIndexJson() {
        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", INDEX);
        ArrayNode manifests = index.putArray("manifests");
        refs.values().forEach(manifests::add);
        try {
            Files.write(dir.resolve("index.json"), bytes(index));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode descriptorJson(Descriptor d) {
        ObjectNode o = JSON.createObjectNode();
        o.put("mediaType", d.mediaType());
        o.put("digest", d.digest());
        o.put("size", d.size());
        return o;
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- reading a layout back (e.g. one a client wrote)

    /** The descriptor index.json of the layout in {@code dir} gives for {@code tag}. */
    public static Descriptor resolve(Path dir, String tag) {
        JsonNode index = readJson(dir.resolve("index.json"));
        for (JsonNode m : index.path("manifests")) {
            if (tag.equals(m.path("annotations").path(REF_NAME).asText(null))) {
                return new Descriptor(m.path("mediaType").asText(null), m.path("digest").asText(), m.path("size").asLong());
            }
        }
        throw new AssertionError("no manifest tagged '" + tag + "' in " + dir.resolve("index.json") + ": " + index);
    }

    /** The bytes of blob {@code digest} in the layout in {@code dir}. */
    public static byte[] readBlob(Path dir, String digest) {
        try {
            return Files.readAllBytes(blobPath(dir, digest));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode readBlobJson(Path dir, String digest) {
        return readJson(blobPath(dir, digest));
    }

    /**
     * Every blob file in the layout in {@code dir}, as digest (from the file name) to the SHA-256 of
     * the file's content; equal keys and values mean the file really holds what its name says.
     */
    public static Map<String, String> blobs(Path dir) {
        Path root = dir.resolve("blobs").resolve("sha256");
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put("sha256:" + p.getFileName(), sha256(Files.readAllBytes(p)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    public static Path blobPath(Path dir, String digest) {
        if (!digest.startsWith("sha256:")) {
            throw new IllegalArgumentException("only sha256 digests: " + digest);
        }
        return dir.resolve("blobs").resolve("sha256").resolve(digest.substring("sha256:".length()));
    }

    private static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String sha256(byte[] data) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
