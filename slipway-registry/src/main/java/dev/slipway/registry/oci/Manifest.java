package dev.slipway.registry.oci;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.slipway.core.Digest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed and validated image manifest or index.
 *
 * @param blobs config and layers of an image manifest (empty for an index)
 * @param children the manifests an index lists (empty for an image manifest)
 * @param artifactType the manifest's {@code artifactType}, else the config's media type (the
 *                     referrers API's rule), else null
 */
public record Manifest(String mediaType, String artifactType, Descriptor subject, List<Descriptor> blobs,
                       List<Descriptor> children, Map<String, String> annotations) {
    public static final int MAX_BYTES = 4 * 1024 * 1024;
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    public Manifest {
        blobs = List.copyOf(blobs);
        children = List.copyOf(children);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    public boolean isIndex() {
        return MediaTypes.INDEXES.contains(mediaType);
    }

    /**
     * Parses {@code body}, sent with {@code contentType} (may be null). The media type comes from the
     * Content-Type header or the body's {@code mediaType}; when both are given they must agree.
     */
    public static Manifest parse(byte[] body, String contentType) {
        JsonNode root;
        try (JsonParser p = JSON.createParser(body)) {
            root = JSON.readTree(p);
            if (p.nextToken() != null) {
                throw invalid("trailing data after the JSON document");
            }
        } catch (IOException e) {
            throw invalid("manifest is not valid JSON: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw invalid("manifest must be a JSON object");
        }
        String header = MediaTypes.base(contentType);
        String field = textOrNull(root, "mediaType");
        if (MediaTypes.DOCKER_SCHEMA1.equals(header) || MediaTypes.DOCKER_SCHEMA1_SIGNED.equals(header)
                || MediaTypes.DOCKER_SCHEMA1.equals(field) || MediaTypes.DOCKER_SCHEMA1_SIGNED.equals(field)) {
            throw invalid("Docker schema 1 manifests are not supported; push with a current client (schema 2 or OCI)");
        }
        String mediaType;
        if (header != null && MediaTypes.isManifest(header)) {
            if (field != null && !field.equals(header)) {
                throw invalid("mediaType '" + field + "' in the body does not match Content-Type '" + header + "'");
            }
            mediaType = header;
        } else if (field != null) {
            if (!MediaTypes.isManifest(field)) {
                throw invalid("unsupported manifest media type '" + field + "'");
            }
            mediaType = field;
        } else if (root.has("manifests")) {
            mediaType = MediaTypes.OCI_INDEX;
        } else if (root.has("config") || root.has("layers")) {
            mediaType = MediaTypes.OCI_MANIFEST;
        } else {
            throw invalid("cannot tell the manifest type: send a Content-Type or a mediaType field");
        }
        JsonNode schema = root.get("schemaVersion");
        if (schema == null || !schema.isInt() || schema.asInt() != 2) {
            throw invalid("schemaVersion must be 2");
        }
        Descriptor subject = root.has("subject") ? descriptor(root.get("subject"), "subject") : null;
        Map<String, String> annotations = annotations(root.get("annotations"), "annotations");
        String artifactType = textOrNull(root, "artifactType");
        List<Descriptor> blobs = new ArrayList<>();
        List<Descriptor> children = new ArrayList<>();
        if (MediaTypes.INDEXES.contains(mediaType)) {
            JsonNode list = root.get("manifests");
            if (list == null || !list.isArray()) {
                throw invalid("an index needs a 'manifests' array");
            }
            for (int i = 0; i < list.size(); i++) {
                children.add(descriptor(list.get(i), "manifests[" + i + "]"));
            }
        } else {
            JsonNode config = root.get("config");
            if (config == null) {
                throw invalid("an image manifest needs a 'config' descriptor");
            }
            Descriptor cfg = descriptor(config, "config");
            blobs.add(cfg);
            JsonNode layers = root.get("layers");
            if (layers == null || !layers.isArray()) {
                throw invalid("an image manifest needs a 'layers' array");
            }
            for (int i = 0; i < layers.size(); i++) {
                blobs.add(descriptor(layers.get(i), "layers[" + i + "]"));
            }
            if (artifactType == null) {
                artifactType = cfg.mediaType();
            }
        }
        return new Manifest(mediaType, artifactType, subject, blobs, children, annotations);
    }

    private static Descriptor descriptor(JsonNode node, String where) {
        if (node == null || !node.isObject()) {
            throw invalid(where + " must be a descriptor object");
        }
        String mediaType = textOrNull(node, "mediaType");
        if (mediaType == null) {
            throw invalid(where + ".mediaType is missing");
        }
        String digestText = textOrNull(node, "digest");
        Digest digest;
        try {
            digest = Digest.parse(digestText);
        } catch (IllegalArgumentException e) {
            throw invalid(where + ".digest: " + e.getMessage());
        }
        JsonNode size = node.get("size");
        if (size == null || !size.canConvertToLong() || !size.isIntegralNumber() || size.asLong() < 0) {
            throw invalid(where + ".size must be a non-negative integer");
        }
        JsonNode urls = node.get("urls");
        boolean foreign = urls != null && urls.isArray() && !urls.isEmpty();
        return new Descriptor(mediaType, digest, size.asLong(), textOrNull(node, "artifactType"),
                annotations(node.get("annotations"), where + ".annotations"), foreign);
    }

    private static Map<String, String> annotations(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw invalid(where + " must be an object of strings");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (var it = node.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().isTextual()) {
                throw invalid(where + "." + e.getKey() + " must be a string");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    private static String textOrNull(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw invalid("'" + field + "' must be a string");
        }
        return v.asText();
    }

    private static RegistryException invalid(String detail) {
        return OciError.MANIFEST_INVALID.with(detail);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
