package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code registry.max-blob-size} and {@code registry.max-image-size} over HTTP: a blob over the
 * limit is refused with 413 SIZE_INVALID as soon as that is known (from Content-Length before
 * reading, else where the stream passes the limit) and its upload is discarded; an image over the
 * limit is refused with 403 DENIED and not stored; an index counts the distinct blobs of all its
 * images. Both messages name both sizes. (What docker and skopeo print: RefusedPushMessagesIT.)
 */
class UploadLimitsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BLOB = 1 << 20;

    static TestServer server;
    static String token;
    static Http alice;
    static RegistryPush push;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(Map.of("registry.max-blob-size", "1MiB", "registry.max-image-size", "2MiB"));
        server.createUser("alice", "alice-password");
        token = server.token("alice", "write:package");
        alice = Http.basic(server.baseUrl(), "alice", token);
        push = new RegistryPush(alice);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    // ---- blobs

    @Test
    void aBlobOfExactlyTheLimitIsStoredOneByteMoreIsRefused() throws Exception {
        push.blob("alice/edge", TestImages.randomBytes(MAX_BLOB, 1));
        Set<String> before = storage();
        byte[] over = TestImages.randomBytes(MAX_BLOB + 1, 2);
        JsonNode err = tooLarge(push.postBlob("alice/edge", RegistryPush.sha256(over), over));
        assertThat(err.path("message").asText()).isEqualTo("blob of 1.0 MiB (1048577 bytes) exceeds this registry's maximum blob size of "
                + "1.0 MiB (1048576 bytes); make the layer smaller or ask an admin to raise registry.max-blob-size");
        assertThat(storage()).isEqualTo(before);
        // in one PUT after POST, too
        String location = push.startUpload("alice/edge");
        tooLarge(push.finish(location, RegistryPush.sha256(over), over));
        assertUploadGone(location);
        assertThat(storage()).isEqualTo(before);
    }

    /** The body promises 10 GiB and carries 16 bytes: reading it would end in a short-body error, not this. */
    @Test
    void aContentLengthOverTheLimitIsRefusedBeforeTheBodyIsRead() throws Exception {
        Set<String> before = storage();
        byte[] sixteen = TestImages.randomBytes(16, 3);
        RegistryPush.Raw r = RegistryPush.raw(server.baseUrl(), "POST", "/v2/alice/huge/blobs/uploads/?digest=" + RegistryPush.sha256(sixteen),
                Map.of("Authorization", basic(), "Content-Type", "application/octet-stream", "Content-Length", Long.toString(10L << 30)),
                sixteen, true);
        assertThat(r.status()).as(r.text()).isEqualTo(413);
        JsonNode err = JSON.readTree(r.text()).path("errors").path(0);
        assertThat(err.path("code").asText()).isEqualTo("SIZE_INVALID");
        assertThat(err.path("message").asText()).startsWith("blob of 10.0 GiB (10737418240 bytes) exceeds this registry's maximum blob size "
                + "of 1.0 MiB (1048576 bytes)");
        assertThat(storage()).isEqualTo(before);
        assertThat(server.slipway().registry().repository("alice/huge")).isEmpty();
    }

    @Test
    void aChunkThatWouldCarryTheBlobPastTheLimitIsRefusedAndTheUploadDiscarded() throws Exception {
        Set<String> before = storage();
        String location = push.startUpload("alice/chunks");
        HttpResponse<String> first = push.patch(location, TestImages.randomBytes(800_000, 4), "0-799999");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        location = first.headers().firstValue("Location").orElse(location);
        JsonNode err = tooLarge(push.patch(location, TestImages.randomBytes(800_000, 5), "800000-1599999"));
        assertThat(err.path("message").asText()).startsWith("blob of 1.5 MiB (1600000 bytes) exceeds this registry's maximum blob size");
        assertUploadGone(location);
        assertThat(storage()).isEqualTo(before);
    }

    /**
     * A streamed PATCH (no Content-Length) that never ends: the answer comes once the stream passes
     * the limit, while the client is still sending, and the bytes received are not kept.
     */
    @Test
    void aStreamIsRefusedWhereItPassesTheLimitWithoutWaitingForItsEnd() throws Exception {
        Set<String> before = storage();
        String location = push.startUpload("alice/stream");
        URI base = URI.create(server.baseUrl());
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(60_000); // no answer at all fails the test instead of hanging it
            OutputStream out = socket.getOutputStream();
            out.write(("PATCH " + location + " HTTP/1.1\r\nHost: " + base.getAuthority() + "\r\nAuthorization: " + basic()
                    + "\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            Thread sender = Thread.ofVirtual().start(() -> {
                byte[] chunk = TestImages.randomBytes(64 * 1024, 6);
                try {
                    for (int sent = 0; sent < 3 * MAX_BLOB; sent += chunk.length) {
                        out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        out.write(chunk);
                        out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    }
                    out.flush(); // and never the last chunk: the request does not end
                } catch (IOException closed) {
                    // the server may close once it has answered
                }
            });
            String answer = readResponse(socket.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 413");
            assertThat(answer).contains("\"code\":\"SIZE_INVALID\"")
                    .contains("blob exceeds this registry's maximum blob size of 1.0 MiB (1048576 bytes): more than that was sent");
            socket.close();
            sender.join();
        }
        assertUploadGone(location);
        assertThat(storage()).isEqualTo(before);
    }

    // ---- images

    @Test
    void anImageOverTheLimitIsDeniedNamingBothSizesAndIsNotStored() throws Exception {
        String repo = "alice/wide";
        String config = configBlob(repo, "wide");
        String[] layers = new String[3];
        for (int i = 0; i < layers.length; i++) {
            layers[i] = layer(repo, 800_000, 10 + i);
        }
        byte[] manifest = RegistryPush.imageManifest(config, layers);
        Set<String> before = storage();
        HttpResponse<String> r = push.putManifest(repo, "v1", RegistryPush.OCI_MANIFEST, manifest);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
        JsonNode err = JSON.readTree(r.body()).path("errors").path(0);
        assertThat(err.path("code").asText()).isEqualTo("DENIED");
        assertThat(err.path("message").asText()).matches("image of 2\\.3 MiB \\(2400\\d\\d\\d bytes\\) exceeds this registry's maximum image size "
                + "of 2\\.0 MiB \\(2097152 bytes\\); make the image smaller or ask an admin to raise registry.max-image-size");
        assertThat(storage()).isEqualTo(before);
        assertThat(alice.get("/v2/" + repo + "/manifests/" + RegistryPush.sha256(manifest)).statusCode()).isEqualTo(404);
        assertThat(alice.get("/v2/" + repo + "/tags/list").body()).contains("\"tags\":[]");

        // Two of the layers fit.
        push.manifest(repo, "v2", RegistryPush.OCI_MANIFEST, RegistryPush.imageManifest(config, layers[0], layers[1]));
    }

    @Test
    void anIndexCountsTheDistinctBlobsOfAllItsImages() throws Exception {
        String repo = "alice/multi";
        String shared1 = layer(repo, 600_000, 20);
        String shared2 = layer(repo, 600_000, 21);
        String amd64 = image(repo, configBlob(repo, "amd64"), shared1, shared2);
        String arm64 = image(repo, configBlob(repo, "arm64"), shared1, shared2);
        // Two images sharing their layers: 1.2 MB of blobs, within the limit.
        push.manifest(repo, "shared", RegistryPush.OCI_INDEX, RegistryPush.index(amd64, arm64));

        String other = image(repo, configBlob(repo, "other"), layer(repo, 600_000, 22), layer(repo, 600_000, 23));
        byte[] index = RegistryPush.index(amd64, other);
        Set<String> before = storage();
        HttpResponse<String> r = push.putManifest(repo, "both", RegistryPush.OCI_INDEX, index);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
        assertThat(JSON.readTree(r.body()).path("errors").path(0).path("message").asText())
                .matches("index of 2 manifests with 2\\.3 MiB \\(2400\\d\\d\\d bytes\\) of blobs exceeds this registry's maximum image size of "
                        + "2\\.0 MiB \\(2097152 bytes\\).*");
        assertThat(storage()).isEqualTo(before);
        assertThat(alice.get("/v2/" + repo + "/manifests/both").statusCode()).isEqualTo(404);
    }

    // ---- helpers

    private static String basic() {
        return "Basic " + Base64.getEncoder().encodeToString(("alice:" + token).getBytes(StandardCharsets.UTF_8));
    }

    private static String configBlob(String repo, String seed) {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":[\"SEED=" + seed + "\"]}}").getBytes(StandardCharsets.UTF_8);
        return RegistryPush.descriptor(RegistryPush.OCI_CONFIG, push.blob(repo, config), config.length);
    }

    private static String layer(String repo, int size, long seed) {
        return RegistryPush.descriptor(RegistryPush.OCI_LAYER, push.blob(repo, TestImages.randomBytes(size, seed)), size);
    }

    /** Pushes an image manifest by digest; returns its descriptor for an index. */
    private static String image(String repo, String config, String... layers) {
        byte[] manifest = RegistryPush.imageManifest(config, layers);
        String digest = push.manifest(repo, RegistryPush.sha256(manifest), RegistryPush.OCI_MANIFEST, manifest);
        return RegistryPush.descriptor(RegistryPush.OCI_MANIFEST, digest, manifest.length);
    }

    private static JsonNode tooLarge(HttpResponse<String> r) throws IOException {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(413);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
        JsonNode err = JSON.readTree(r.body()).path("errors").path(0);
        assertThat(err.path("code").asText()).isEqualTo("SIZE_INVALID");
        assertThat(err.path("detail").asText()).isEqualTo(err.path("message").asText());
        return err;
    }

    private static void assertUploadGone(String location) throws IOException {
        HttpResponse<String> status = alice.get(location);
        assertThat(status.statusCode()).as(status.body()).isEqualTo(404);
        assertThat(JSON.readTree(status.body()).path("errors").path(0).path("code").asText()).isEqualTo("BLOB_UPLOAD_UNKNOWN");
    }

    /** Committed blobs and upload files: what a refused upload must not change. */
    private static Set<String> storage() throws IOException {
        Set<String> all = new TreeSet<>(server.storedBlobs());
        Path uploads = server.config().blobsDir().resolve("uploads");
        try (Stream<Path> s = Files.list(uploads)) {
            s.forEach(p -> all.add("uploads/" + p.getFileName()));
        }
        return all;
    }

    /** Reads one HTTP response (head and a Content-Length body) without waiting for the connection to close. */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int length = text.lines().filter(l -> l.regionMatches(true, 0, "Content-Length:", 0, 15))
                .map(l -> Integer.parseInt(l.substring(15).trim())).findFirst().orElse(0);
        return text + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
