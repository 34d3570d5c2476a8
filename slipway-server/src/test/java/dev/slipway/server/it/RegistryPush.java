package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Pushes blobs and manifests over plain HTTP, the way a registry client does (no client library),
 * so tests can check each step of the OCI Distribution protocol and send deliberately bad input.
 * Digests are computed here, independently of the server's code.
 */
public final class RegistryPush {
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";

    private final Http http;

    public RegistryPush(Http http) {
        this.http = http;
    }

    public Http http() {
        return http;
    }

    // ---- digests and documents

    public static String sha256(byte[] content) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha256(String content) {
        return sha256(content.getBytes(StandardCharsets.UTF_8));
    }

    /** A descriptor object as JSON text. */
    public static String descriptor(String mediaType, String digest, long size) {
        return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + size + "}";
    }

    /** An OCI image manifest with the given config and layers (descriptor JSON texts). */
    public static byte[] imageManifest(String configDescriptor, String... layerDescriptors) {
        return ("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":" + configDescriptor
                + ",\"layers\":[" + String.join(",", layerDescriptors) + "]}").getBytes(StandardCharsets.UTF_8);
    }

    /** An OCI index over the given manifest descriptors (JSON texts). */
    public static byte[] index(String... manifestDescriptors) {
        return ("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_INDEX + "\",\"manifests\":["
                + String.join(",", manifestDescriptors) + "]}").getBytes(StandardCharsets.UTF_8);
    }

    /** Appends {@code key=value} to a Location that may already carry a query string. */
    public static String withQuery(String location, String key, String value) {
        return location + (location.contains("?") ? "&" : "?") + key + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    // ---- blobs

    /** Monolithic upload: {@code POST /v2/<repo>/blobs/uploads/?digest=<digest>} with the whole body. */
    public HttpResponse<String> postBlob(String repository, String digest, byte[] content) {
        return http.post("/v2/" + repository + "/blobs/uploads/?digest=" + URLEncoder.encode(digest, StandardCharsets.UTF_8),
                "application/octet-stream", content);
    }

    /** Pushes a blob in one request and returns its digest; fails unless the registry answers 201. */
    public String blob(String repository, byte[] content) {
        String digest = sha256(content);
        HttpResponse<String> r = postBlob(repository, digest, content);
        assertThat(r.statusCode()).as("monolithic upload of %s: %s", digest, r.body()).isEqualTo(201);
        assertThat(r.headers().firstValue("Docker-Content-Digest")).contains(digest);
        return digest;
    }

    /** Opens an upload session; returns its Location (a path under /v2/). */
    public String startUpload(String repository) {
        HttpResponse<String> r = http.post("/v2/" + repository + "/blobs/uploads/", "application/octet-stream", new byte[0]);
        assertThat(r.statusCode()).as("start upload in %s: %s", repository, r.body()).isEqualTo(202);
        String location = r.headers().firstValue("Location").orElseThrow();
        return location.startsWith("http") ? URI.create(location).getRawPath() + queryOf(location) : location;
    }

    private static String queryOf(String url) {
        String q = URI.create(url).getRawQuery();
        return q == null ? "" : "?" + q;
    }

    /** A PATCH chunk; {@code contentRange} may be null. */
    public HttpResponse<String> patch(String location, byte[] chunk, String contentRange) {
        HttpRequest.Builder b = http.request(location).header("Content-Type", "application/octet-stream")
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(chunk));
        if (contentRange != null) {
            b.header("Content-Range", contentRange);
        }
        return http.send(b);
    }

    /** Closes an upload with {@code PUT <location>?digest=}, with an optional last chunk. */
    public HttpResponse<String> finish(String location, String digest, byte[] lastChunk) {
        return http.put(withQuery(location, "digest", digest), "application/octet-stream", lastChunk == null ? new byte[0] : lastChunk);
    }

    /** Pushes a blob in two PATCH chunks and a closing PUT; returns its digest. */
    public String chunkedBlob(String repository, byte[] content) {
        String digest = sha256(content);
        String location = startUpload(repository);
        int half = content.length / 2;
        HttpResponse<String> p1 = patch(location, java.util.Arrays.copyOfRange(content, 0, half), "0-" + (half - 1));
        assertThat(p1.statusCode()).as("first chunk: %s", p1.body()).isEqualTo(202);
        location = p1.headers().firstValue("Location").orElse(location);
        HttpResponse<String> p2 = patch(location, java.util.Arrays.copyOfRange(content, half, content.length),
                half + "-" + (content.length - 1));
        assertThat(p2.statusCode()).as("second chunk: %s", p2.body()).isEqualTo(202);
        location = p2.headers().firstValue("Location").orElse(location);
        HttpResponse<String> put = finish(location, digest, null);
        assertThat(put.statusCode()).as("closing PUT: %s", put.body()).isEqualTo(201);
        return digest;
    }

    /** Pushes a blob with a POST and one PUT carrying the whole body (every registry has this; CNCF distribution lacks single-POST uploads). */
    public String putBlob(String repository, byte[] content) {
        String digest = sha256(content);
        HttpResponse<String> put = finish(startUpload(repository), digest, content);
        assertThat(put.statusCode()).as("PUT upload of %s: %s", digest, put.body()).isEqualTo(201);
        return digest;
    }

    // ---- manifests

    public HttpResponse<String> putManifest(String repository, String reference, String mediaType, byte[] body) {
        return http.put("/v2/" + repository + "/manifests/" + reference, mediaType, body);
    }

    /** Pushes a manifest and returns its digest; fails unless the registry answers 201. */
    public String manifest(String repository, String reference, String mediaType, byte[] body) {
        HttpResponse<String> r = putManifest(repository, reference, mediaType, body);
        assertThat(r.statusCode()).as("manifest PUT %s:%s: %s", repository, reference, r.body()).isEqualTo(201);
        String digest = sha256(body);
        assertThat(r.headers().firstValue("Docker-Content-Digest")).contains(digest);
        return digest;
    }

    /** A tiny image as pushed: its config and layer blobs and its manifest. */
    public record Image(String configDigest, long configSize, String layerDigest, long layerSize, byte[] manifest, String digest) {
        public String configDescriptor() {
            return descriptor(OCI_CONFIG, configDigest, configSize);
        }

        public String layerDescriptor() {
            return descriptor(OCI_LAYER, layerDigest, layerSize);
        }

        public String manifestDescriptor() {
            return descriptor(OCI_MANIFEST, digest, manifest.length);
        }
    }

    /** Pushes a config and a layer (content unique to {@code seed}) and a manifest tagged {@code tag}. */
    public Image image(String repository, String tag, String seed) {
        return image(repository, tag, seed, ("layer-bytes-for-" + seed).getBytes(StandardCharsets.UTF_8), this::blob);
    }

    /** As {@link #image}, with the given layer bytes and blobs pushed by {@link #putBlob} (for CNCF distribution). */
    public Image imageWithPutUploads(String repository, String tag, String seed, byte[] layer) {
        return image(repository, tag, seed, layer, this::putBlob);
    }

    private Image image(String repository, String tag, String seed, byte[] layer, java.util.function.BiFunction<String, byte[], String> pushBlob) {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"seed\":\"" + seed + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        String configDigest = pushBlob.apply(repository, config);
        String layerDigest = pushBlob.apply(repository, layer);
        byte[] manifest = imageManifest(descriptor(OCI_CONFIG, configDigest, config.length), descriptor(OCI_LAYER, layerDigest, layer.length));
        String digest = manifest(repository, tag, OCI_MANIFEST, manifest);
        return new Image(configDigest, config.length, layerDigest, layer.length, manifest, digest);
    }

    public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";

    /**
     * Pushes an OCI 1.1 artifact (empty config, one layer of {@code payload}) whose subject is
     * {@code subjectDescriptor}, by digest, and returns its digest. Annotations are JSON text or null.
     */
    public String artifact(String repository, String subjectDescriptor, String artifactType, byte[] payload, String annotations) {
        String emptyDigest = blob(repository, "{}".getBytes(StandardCharsets.UTF_8));
        String payloadDigest = blob(repository, payload);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"artifactType\":\"" + artifactType + "\","
                + "\"config\":" + descriptor(OCI_EMPTY, emptyDigest, 2) + ",\"layers\":[" + descriptor(artifactType, payloadDigest, payload.length)
                + "],\"subject\":" + subjectDescriptor + (annotations == null ? "" : ",\"annotations\":" + annotations) + "}")
                .getBytes(StandardCharsets.UTF_8);
        String digest = sha256(manifest);
        HttpResponse<String> r = putManifest(repository, digest, OCI_MANIFEST, manifest);
        assertThat(r.statusCode()).as("artifact PUT: %s", r.body()).isEqualTo(201);
        assertThat(r.headers().firstValue("OCI-Subject")).as("OCI-Subject").contains(digestOf(subjectDescriptor));
        return digest;
    }

    private static String digestOf(String descriptorJson) {
        int i = descriptorJson.indexOf("\"digest\":\"") + 10;
        return descriptorJson.substring(i, descriptorJson.indexOf('"', i));
    }

    /** Pushes an index over the given images, tagged {@code tag}; returns its digest. */
    public String pushIndex(String repository, String tag, Image... images) {
        return manifest(repository, tag, OCI_INDEX, index(java.util.Arrays.stream(images).map(Image::manifestDescriptor).toArray(String[]::new)));
    }

    // ---- raw HTTP/1.1, for requests java.net.http will not send as written

    /** A response read off a raw socket; header names are lower-case. */
    public record Raw(int status, Map<String, String> headers, byte[] body) {
        public Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /**
     * Sends {@code method rawPath HTTP/1.1} exactly as given (no normalisation, no encoding) with
     * {@code Connection: close}, the given extra header lines and body, and reads the whole response.
     * With {@code halfClose}, the socket's output is shut down after the body (a client that stops
     * sending early).
     */
    public static Raw raw(String baseUrl, String method, String rawPath, Map<String, String> headers, byte[] body, boolean halfClose) {
        URI base = URI.create(baseUrl);
        try (Socket s = new Socket(base.getHost(), base.getPort())) {
            s.setSoTimeout(15_000);
            StringBuilder head = new StringBuilder();
            head.append(method).append(' ').append(rawPath).append(" HTTP/1.1\r\n");
            head.append("Host: ").append(base.getAuthority()).append("\r\n");
            head.append("Connection: close\r\n");
            Map<String, String> h = new LinkedHashMap<>(headers);
            if (body != null && h.keySet().stream().noneMatch(k -> k.equalsIgnoreCase("Content-Length"))) {
                h.put("Content-Length", Integer.toString(body.length));
            }
            h.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            head.append("\r\n");
            OutputStream out = s.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            if (halfClose) {
                s.shutdownOutput();
            }
            return parse(s.getInputStream(), method.equals("HEAD"));
        } catch (IOException e) {
            throw new IllegalStateException("raw request " + method + " " + rawPath + " failed: " + e, e);
        }
    }

    private static Raw parse(InputStream in, boolean head) throws IOException {
        byte[] all = in.readAllBytes();
        int end = indexOf(all, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), 0);
        if (end < 0) {
            throw new IOException("no complete response head in " + all.length + " bytes: "
                    + new String(all, StandardCharsets.ISO_8859_1));
        }
        String[] lines = new String(all, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.putIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        byte[] rest = java.util.Arrays.copyOfRange(all, end + 4, all.length);
        if (head) {
            return new Raw(status, headers, rest);
        }
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            rest = dechunk(rest);
        } else if (headers.containsKey("content-length")) {
            int n = Integer.parseInt(headers.get("content-length"));
            rest = java.util.Arrays.copyOf(rest, Math.min(n, rest.length));
        }
        return new Raw(status, headers, rest);
    }

    private static byte[] dechunk(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int pos = 0;
        while (pos < data.length) {
            int eol = indexOf(data, new byte[] {'\r', '\n'}, pos);
            if (eol < 0) {
                break;
            }
            String sizeText = new String(data, pos, eol - pos, StandardCharsets.ISO_8859_1).split(";")[0].trim();
            int size = Integer.parseInt(sizeText, 16);
            if (size == 0) {
                break;
            }
            out.write(data, eol + 2, Math.min(size, data.length - eol - 2));
            pos = eol + 2 + size + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] data, byte[] needle, int from) {
        outer:
        for (int i = from; i <= data.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (data[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
