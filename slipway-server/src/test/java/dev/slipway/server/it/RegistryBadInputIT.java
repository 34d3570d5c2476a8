package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input on {@code /v2/} (and a little of {@code /api/v1/}): every error is the spec's JSON body
 * {@code {"errors":[{"code","message","detail"}]}} with the spec's code and status, never a 500, and
 * nothing stored changes. Each case checks (a) the status, (b) {@code errors[0].code}, (c) the
 * JSON Content-Type and (d) that the committed blobs, upload sessions and, where it matters, the
 * tags and manifests are exactly as before.
 */
class RegistryBadInputIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_MANIFEST = 4 * 1024 * 1024;
    private static final String ZERO_DIGEST = "sha256:" + "0".repeat(64);

    static TestServer server;
    static String aliceToken;
    static Http alice;
    static RegistryPush push;
    static String aliceAuth;
    /** Images pushed by earlier cases, so parameterized cases do not push the same image again. */
    static final Map<String, RegistryPush.Image> IMAGES = new java.util.concurrent.ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
        server.createUser("alice", "alice-password");
        server.createUser("bob", "bob-password");
        aliceToken = server.token("alice", "write:package");
        alice = Http.basic(server.baseUrl(), "alice", aliceToken);
        push = new RegistryPush(alice);
        aliceAuth = basicHeader("alice", aliceToken);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    // =====================================================================================
    // positive controls: the helper really pushes, and pagination works

    @Test
    void positiveControlMonolithicAndChunkedUploadsManifestPutAndGet() throws Exception {
        String repo = "alice/control";
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{}}".getBytes(StandardCharsets.UTF_8);
        byte[] layer = new byte[300_000];
        new java.util.Random(7).nextBytes(layer);
        String configDigest = push.blob(repo, config);
        String layerDigest = push.chunkedBlob(repo, layer);
        assertThat(server.storedBlobs()).contains(blobFile(configDigest), blobFile(layerDigest));

        HttpResponse<byte[]> blob = alice.sendBytes(alice.request("/v2/" + repo + "/blobs/" + layerDigest).GET());
        assertThat(blob.statusCode()).isEqualTo(200);
        assertThat(blob.body()).isEqualTo(layer);
        assertThat(blob.headers().firstValue("Docker-Content-Digest")).contains(layerDigest);

        byte[] manifest = RegistryPush.imageManifest(RegistryPush.descriptor(RegistryPush.OCI_CONFIG, configDigest, config.length),
                RegistryPush.descriptor(RegistryPush.OCI_LAYER, layerDigest, layer.length));
        String digest = push.manifest(repo, "v1", RegistryPush.OCI_MANIFEST, manifest);
        for (String ref : List.of("v1", digest)) {
            HttpResponse<String> get = alice.get("/v2/" + repo + "/manifests/" + ref);
            assertThat(get.statusCode()).isEqualTo(200);
            assertThat(get.body().getBytes(StandardCharsets.UTF_8)).isEqualTo(manifest);
            assertThat(get.headers().firstValue("Content-Type")).contains(RegistryPush.OCI_MANIFEST);
            assertThat(get.headers().firstValue("Docker-Content-Digest")).contains(digest);
            HttpResponse<String> head = alice.head("/v2/" + repo + "/manifests/" + ref);
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
        }
        assertThat(tags(repo)).containsExactly("v1");

        // an index over it, by digest
        byte[] index = RegistryPush.index(RegistryPush.descriptor(RegistryPush.OCI_MANIFEST, digest, manifest.length));
        String indexDigest = push.manifest(repo, RegistryPush.sha256(index), RegistryPush.OCI_INDEX, index);
        assertThat(alice.get("/v2/" + repo + "/manifests/" + indexDigest).statusCode()).isEqualTo(200);
    }

    @Test
    void tagsListPaginatesWithNAndLastAndALinkHeader() throws Exception {
        String repo = "alice/paged";
        RegistryPush.Image img = push.image(repo, "a", "paged");
        for (String tag : List.of("b", "c", "d", "e")) {
            push.manifest(repo, tag, RegistryPush.OCI_MANIFEST, img.manifest());
        }
        HttpResponse<String> first = alice.get("/v2/" + repo + "/tags/list?n=2");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(strings(JSON.readTree(first.body()).path("tags"))).containsExactly("a", "b");
        String link = first.headers().firstValue("Link").orElseThrow(() -> new AssertionError("no Link header on a partial page"));
        assertThat(link).isEqualTo("</v2/" + repo + "/tags/list?n=2&last=b>; rel=\"next\"");

        String next = link.substring(1, link.indexOf('>'));
        HttpResponse<String> second = alice.get(next);
        assertThat(strings(JSON.readTree(second.body()).path("tags"))).containsExactly("c", "d");
        assertThat(second.headers().firstValue("Link")).isPresent();

        HttpResponse<String> last = alice.get("/v2/" + repo + "/tags/list?n=2&last=d");
        assertThat(strings(JSON.readTree(last.body()).path("tags"))).containsExactly("e");
        assertThat(last.headers().firstValue("Link")).isEmpty();

        HttpResponse<String> zero = alice.get("/v2/" + repo + "/tags/list?n=0");
        assertThat(zero.statusCode()).isEqualTo(200);
        assertThat(strings(JSON.readTree(zero.body()).path("tags"))).isEmpty();

        HttpResponse<String> all = alice.get("/v2/" + repo + "/tags/list");
        assertThat(strings(JSON.readTree(all.body()).path("tags"))).containsExactly("a", "b", "c", "d", "e");
        assertThat(all.headers().firstValue("Link")).isEmpty();
    }

    // =====================================================================================
    // repository names

    static Stream<Arguments> invalidNames() {
        return Stream.of(
                Arguments.of("uppercase owner", "/v2/Alice/app/manifests/latest"),
                Arguments.of("uppercase name", "/v2/alice/App/manifests/latest"),
                Arguments.of("single component", "/v2/onlyone/manifests/x"),
                Arguments.of("trailing slash", "/v2/alice/app//manifests/latest"),
                Arguments.of("trailing dash", "/v2/alice/app-/manifests/latest"),
                Arguments.of("trailing dot", "/v2/alice/app./manifests/latest"),
                Arguments.of("leading slash", "/v2//alice/app/manifests/latest"),
                Arguments.of("dot component", "/v2/alice/./app/manifests/latest"),
                Arguments.of("overlong (256)", "/v2/alice/" + "a".repeat(250) + "/manifests/latest"),
                Arguments.of("overlong (1000)", "/v2/alice/" + "a".repeat(1000) + "/manifests/latest"),
                Arguments.of("space", "/v2/alice/my%20app/manifests/latest"),
                Arguments.of("encoded slash", "/v2/alice%2fapp/manifests/latest"),
                Arguments.of("unicode", "/v2/alice/%C3%A9t%C3%A9/manifests/latest"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("invalidNames")
    void invalidRepositoryNameIsNameInvalid(String label, String rawPath) throws Exception {
        Snapshot before = snapshot();
        RegistryPush.Raw r = RegistryPush.raw(server.baseUrl(), "GET", rawPath, Map.of("Authorization", aliceAuth), null, false);
        assertOciError(r, 400, "NAME_INVALID");
        assertUnchanged(before);
    }

    @Test
    void exactly255CharacterNameIsAccepted() throws Exception {
        String repo = "alice/" + "a".repeat(255 - "alice/".length());
        HttpResponse<String> r = alice.get("/v2/" + repo + "/manifests/latest");
        assertOciError(r, 404, "MANIFEST_UNKNOWN", "NAME_UNKNOWN");
        assertOciError(alice.get("/v2/" + repo + "x/manifests/latest"), 400, "NAME_INVALID");
    }

    static Stream<Arguments> traversalPaths() {
        return Stream.of(
                Arguments.of("dot-dot", "/v2/alice/../../etc/passwd/manifests/latest"),
                Arguments.of("dot-dot to another user", "/v2/alice/../bob/app/manifests/latest"),
                Arguments.of("encoded dot-dot", "/v2/alice/%2e%2e/%2e%2e/etc/passwd/manifests/latest"),
                Arguments.of("upper-case encoded dot-dot", "/v2/alice/%2E%2E/%2E%2E/etc/passwd/manifests/latest"),
                Arguments.of("dot-dot with encoded slashes", "/v2/alice/..%2f..%2f..%2fetc%2fpasswd/manifests/latest"),
                Arguments.of("double-encoded dot-dot", "/v2/alice/%252e%252e/%252e%252e/etc/passwd/manifests/latest"),
                Arguments.of("backslashes", "/v2/alice/..\\..\\etc\\passwd/manifests/latest"),
                Arguments.of("dot-dot blob", "/v2/alice/../../etc/blobs/" + ZERO_DIGEST),
                Arguments.of("dot-dot tags", "/v2/alice/%2e%2e/%2e%2e/etc/tags/list"));
    }

    /** Traversal in names: NAME_INVALID (or at worst an OCI 404), never a 500, never a file outside the data dir. */
    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("traversalPaths")
    void pathTraversalInNamesIsRejected(String label, String rawPath) throws Exception {
        Snapshot before = snapshot();
        RegistryPush.Raw r = RegistryPush.raw(server.baseUrl(), "GET", rawPath, Map.of("Authorization", aliceAuth), null, false);
        assertThat(r.status()).as("%s -> %s %s", rawPath, r.status(), r.text()).isIn(400, 404);
        if (r.status() == 400) {
            assertOciError(r, 400, "NAME_INVALID");
        } else {
            assertOciError(r, 404, "NAME_UNKNOWN", "MANIFEST_UNKNOWN", "BLOB_UNKNOWN");
        }
        assertThat(r.text()).doesNotContain("root:x:0:0");
        assertUnchanged(before);
    }

    static Stream<Arguments> invalidNameWrites() {
        return Stream.of(
                Arguments.of("POST", "/v2/Alice/app/blobs/uploads/?digest=" + RegistryPush.sha256("x"), "x"),
                Arguments.of("POST", "/v2/alice/../bob/app/blobs/uploads/?digest=" + RegistryPush.sha256("x"), "x"),
                Arguments.of("POST", "/v2/alice/%2e%2e/bob/app/blobs/uploads/", ""),
                Arguments.of("PUT", "/v2/alice/%2e%2e/%2e%2e/tmp/x/manifests/v1", "{}"),
                Arguments.of("PUT", "/v2/onlyone/manifests/v1", "{}"),
                Arguments.of("DELETE", "/v2/alice/%2e%2e/bob/app/manifests/" + ZERO_DIGEST, null));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("invalidNameWrites")
    void writesToInvalidNamesStoreNothing(String method, String rawPath, String body) throws Exception {
        Snapshot before = snapshot();
        RegistryPush.Raw r = RegistryPush.raw(server.baseUrl(), method, rawPath,
                Map.of("Authorization", aliceAuth, "Content-Type", RegistryPush.OCI_MANIFEST),
                body == null ? null : body.getBytes(StandardCharsets.UTF_8), false);
        assertThat(r.status()).as("%s %s -> %s %s", method, rawPath, r.status(), r.text()).isIn(400, 404);
        assertOciError(r, r.status(), "NAME_INVALID", "NAME_UNKNOWN");
        assertUnchanged(before);
    }

    // =====================================================================================
    // references: tags and digests

    static Stream<Arguments> invalidTags() {
        return Stream.of(
                Arguments.of("dot-dot", ".."),
                Arguments.of("encoded dot-dot", "%2e%2e"),
                Arguments.of("leading dash", "-bad"),
                Arguments.of("leading dot", ".hidden"),
                Arguments.of("129 characters", "t".repeat(129)),
                Arguments.of("300 characters", "t".repeat(300)),
                Arguments.of("plus sign", "v1+build"),
                Arguments.of("encoded space", "v%201"),
                Arguments.of("encoded slash traversal", "..%2f..%2fetc%2fpasswd"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidTags")
    void manifestPutWithInvalidTagIsRejected(String label, String rawTag) throws Exception {
        String repo = "alice/tags-" + Integer.toHexString(label.hashCode());
        RegistryPush.Image img = push.image(repo, "v1", "tags-" + label);
        Snapshot before = snapshot();
        RegistryPush.Raw r = RegistryPush.raw(server.baseUrl(), "PUT", "/v2/" + repo + "/manifests/" + rawTag,
                Map.of("Authorization", aliceAuth, "Content-Type", RegistryPush.OCI_MANIFEST), img.manifest(), false);
        // a reference that decodes to something with a slash no longer matches the manifest endpoint
        assertOciError(r, 400, "TAG_INVALID", "MANIFEST_INVALID", "NAME_INVALID");
        assertUnchanged(before);
        assertThat(tags(repo)).containsExactly("v1");
    }

    @Test
    void tagOf128CharactersIsAccepted() throws Exception {
        String repo = "alice/longtag";
        RegistryPush.Image img = push.image(repo, "v1", "longtag");
        push.manifest(repo, "t".repeat(128), RegistryPush.OCI_MANIFEST, img.manifest());
        assertThat(tags(repo)).containsExactly("t".repeat(128), "v1");
    }

    static Stream<Arguments> invalidDigestReferences() {
        return Stream.of(
                Arguments.of("not hex", "sha256:xyz"),
                Arguments.of("md5", "md5:d41d8cd98f00b204e9800998ecf8427e"),
                Arguments.of("63 hex", "sha256:" + "a".repeat(63)),
                Arguments.of("upper-case hex", "sha256:" + "A".repeat(64)),
                Arguments.of("empty hex", "sha256:"),
                Arguments.of("sha512 of 64 hex", "sha512:" + "a".repeat(64)),
                Arguments.of("traversal", "sha256:..%2f..%2f..%2fetc%2fpasswd"));
    }

    @ParameterizedTest(name = "PUT {0}")
    @MethodSource("invalidDigestReferences")
    void manifestPutWithInvalidDigestIsDigestInvalid(String label, String reference) throws Exception {
        String repo = "alice/digestref";
        RegistryPush.Image img = image(repo, "digestref");
        Snapshot before = snapshot();
        RegistryPush.Raw r = RegistryPush.raw(server.baseUrl(), "PUT", "/v2/" + repo + "/manifests/" + reference,
                Map.of("Authorization", aliceAuth, "Content-Type", RegistryPush.OCI_MANIFEST), img.manifest(), false);
        assertOciError(r, 400, label.equals("traversal") ? new String[] {"DIGEST_INVALID", "NAME_INVALID"} : new String[] {"DIGEST_INVALID"});
        assertUnchanged(before);
        assertThat(tags(repo)).containsExactly("v1");
    }

    @ParameterizedTest(name = "GET {0}")
    @MethodSource("invalidDigestReferences")
    void manifestAndBlobGetWithInvalidDigestIsDigestInvalid(String label, String reference) throws Exception {
        String repo = "alice/digestref";
        image(repo, "digestref");
        String[] codes = label.equals("traversal") ? new String[] {"DIGEST_INVALID", "NAME_INVALID"} : new String[] {"DIGEST_INVALID"};
        for (String endpoint : List.of("manifests", "blobs", "referrers")) {
            RegistryPush.Raw r = RegistryPush.raw(server.baseUrl(), "GET", "/v2/" + repo + "/" + endpoint + "/" + reference,
                    Map.of("Authorization", aliceAuth), null, false);
            assertOciError(r, 400, codes);
            assertThat(r.text()).doesNotContain("root:x:0:0");
        }
    }

    // =====================================================================================
    // manifest content

    static Stream<Arguments> malformedManifests() {
        String cfg = RegistryPush.descriptor(RegistryPush.OCI_CONFIG, "%CFG%", -1);
        return Stream.of(
                Arguments.of("not JSON", RegistryPush.OCI_MANIFEST, "{\"schemaVersion\":2,"),
                Arguments.of("empty body", RegistryPush.OCI_MANIFEST, ""),
                Arguments.of("JSON array", RegistryPush.OCI_MANIFEST, "[{\"schemaVersion\":2}]"),
                Arguments.of("JSON string", RegistryPush.OCI_MANIFEST, "\"manifest\""),
                Arguments.of("JSON null", RegistryPush.OCI_MANIFEST, "null"),
                Arguments.of("trailing data", RegistryPush.OCI_MANIFEST, "%VALID% {}"),
                Arguments.of("schemaVersion 1", RegistryPush.OCI_MANIFEST,
                        "{\"schemaVersion\":1,\"mediaType\":\"" + RegistryPush.OCI_MANIFEST + "\",\"config\":%CONFIG%,\"layers\":[]}"),
                Arguments.of("schemaVersion as string", RegistryPush.OCI_MANIFEST,
                        "{\"schemaVersion\":\"2\",\"mediaType\":\"" + RegistryPush.OCI_MANIFEST + "\",\"config\":%CONFIG%,\"layers\":[]}"),
                Arguments.of("schemaVersion missing", RegistryPush.OCI_MANIFEST,
                        "{\"mediaType\":\"" + RegistryPush.OCI_MANIFEST + "\",\"config\":%CONFIG%,\"layers\":[]}"),
                Arguments.of("config missing", RegistryPush.OCI_MANIFEST,
                        "{\"schemaVersion\":2,\"mediaType\":\"" + RegistryPush.OCI_MANIFEST + "\",\"layers\":[%LAYER%]}"),
                Arguments.of("config not an object", RegistryPush.OCI_MANIFEST,
                        "{\"schemaVersion\":2,\"mediaType\":\"" + RegistryPush.OCI_MANIFEST + "\",\"config\":\"x\",\"layers\":[]}"),
                Arguments.of("layers not an array", RegistryPush.OCI_MANIFEST,
                        "{\"schemaVersion\":2,\"mediaType\":\"" + RegistryPush.OCI_MANIFEST + "\",\"config\":%CONFIG%,\"layers\":{}}"),
                Arguments.of("bad config digest", RegistryPush.OCI_MANIFEST,
                        "{\"schemaVersion\":2,\"mediaType\":\"" + RegistryPush.OCI_MANIFEST + "\",\"config\":"
                                + RegistryPush.descriptor(RegistryPush.OCI_CONFIG, "sha256:not-hex", 2) + ",\"layers\":[]}"),
                Arguments.of("md5 layer digest", RegistryPush.OCI_MANIFEST,
                        "{\"schemaVersion\":2,\"mediaType\":\"" + RegistryPush.OCI_MANIFEST + "\",\"config\":%CONFIG%,\"layers\":["
                                + RegistryPush.descriptor(RegistryPush.OCI_LAYER, "md5:d41d8cd98f00b204e9800998ecf8427e", 0) + "]}"),
                Arguments.of("traversal digest", RegistryPush.OCI_MANIFEST,
                        "{\"schemaVersion\":2,\"mediaType\":\"" + RegistryPush.OCI_MANIFEST + "\",\"config\":%CONFIG%,\"layers\":["
                                + RegistryPush.descriptor(RegistryPush.OCI_LAYER, "sha256:../../../../etc/passwd", 0) + "]}"),
                Arguments.of("negative size", RegistryPush.OCI_MANIFEST,
                        "{\"schemaVersion\":2,\"mediaType\":\"" + RegistryPush.OCI_MANIFEST + "\",\"config\":" + cfg + ",\"layers\":[]}"),
                Arguments.of("descriptor without mediaType", RegistryPush.OCI_MANIFEST,
                        "{\"schemaVersion\":2,\"mediaType\":\"" + RegistryPush.OCI_MANIFEST + "\",\"config\":{\"digest\":\"%CFG%\",\"size\":1},\"layers\":[]}"),
                Arguments.of("duplicate keys", RegistryPush.OCI_MANIFEST,
                        "{\"schemaVersion\":2,\"schemaVersion\":2,\"mediaType\":\"" + RegistryPush.OCI_MANIFEST
                                + "\",\"config\":%CONFIG%,\"layers\":[%LAYER%]}"),
                Arguments.of("duplicate config", RegistryPush.OCI_MANIFEST,
                        "{\"schemaVersion\":2,\"mediaType\":\"" + RegistryPush.OCI_MANIFEST
                                + "\",\"config\":%CONFIG%,\"config\":%CONFIG%,\"layers\":[%LAYER%]}"),
                Arguments.of("mediaType differs from Content-Type", RegistryPush.OCI_MANIFEST,
                        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\",\"config\":%CONFIG%,\"layers\":[%LAYER%]}"),
                Arguments.of("unknown mediaType", "application/json",
                        "{\"schemaVersion\":2,\"mediaType\":\"application/x-nonsense\",\"config\":%CONFIG%,\"layers\":[%LAYER%]}"),
                Arguments.of("Docker schema 1", "application/vnd.docker.distribution.manifest.v1+prettyjws",
                        "{\"schemaVersion\":1,\"name\":\"alice/app\",\"tag\":\"v1\",\"fsLayers\":[]}"),
                Arguments.of("annotation not a string", RegistryPush.OCI_MANIFEST,
                        "{\"schemaVersion\":2,\"mediaType\":\"" + RegistryPush.OCI_MANIFEST
                                + "\",\"config\":%CONFIG%,\"layers\":[%LAYER%],\"annotations\":{\"a\":1}}"),
                Arguments.of("index without manifests", RegistryPush.OCI_INDEX,
                        "{\"schemaVersion\":2,\"mediaType\":\"" + RegistryPush.OCI_INDEX + "\"}"),
                Arguments.of("binary garbage", RegistryPush.OCI_MANIFEST, "\u0000\u0001\u00ff\ufffe"),
                Arguments.of("schemaVersion 2.0", RegistryPush.OCI_MANIFEST,
                        "{\"schemaVersion\":2.0,\"mediaType\":\"" + RegistryPush.OCI_MANIFEST + "\",\"config\":%CONFIG%,\"layers\":[%LAYER%]}"),
                Arguments.of("size beyond a long", RegistryPush.OCI_MANIFEST,
                        "{\"schemaVersion\":2,\"mediaType\":\"" + RegistryPush.OCI_MANIFEST + "\",\"config\":"
                                + "{\"mediaType\":\"" + RegistryPush.OCI_CONFIG + "\",\"digest\":\"%CFG%\",\"size\":99999999999999999999999},\"layers\":[]}"),
                Arguments.of("deeply nested", RegistryPush.OCI_MANIFEST,
                        "{\"schemaVersion\":2,\"x\":" + "[".repeat(5000) + "]".repeat(5000) + ",\"config\":%CONFIG%,\"layers\":[]}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedManifests")
    void malformedManifestIsManifestInvalid(String label, String contentType, String template) throws Exception {
        String repo = "alice/malformed";
        RegistryPush.Image img = image(repo, "malformed");
        String body = template.replace("%VALID%", new String(img.manifest(), StandardCharsets.UTF_8))
                .replace("%CONFIG%", img.configDescriptor()).replace("%LAYER%", img.layerDescriptor())
                .replace("%CFG%", img.configDigest());
        Snapshot before = snapshot();
        for (String ref : List.of("v1", "v2", RegistryPush.sha256(body))) {
            HttpResponse<String> r = push.putManifest(repo, ref, contentType, body.getBytes(StandardCharsets.UTF_8));
            assertOciError(r, 400, "MANIFEST_INVALID");
            assertUnchanged(before);
        }
        assertThat(tags(repo)).containsExactly("v1");
        assertThat(manifestDigest(repo, "v1")).contains(img.digest());
    }

    @Test
    void manifestReferencingABlobNotPushedIsManifestBlobUnknown() throws Exception {
        String repo = "alice/missingblob";
        RegistryPush.Image img = push.image(repo, "v1", "missingblob");
        byte[] manifest = RegistryPush.imageManifest(img.configDescriptor(),
                RegistryPush.descriptor(RegistryPush.OCI_LAYER, RegistryPush.sha256("never pushed"), 12));
        Snapshot before = snapshot();
        HttpResponse<String> r = push.putManifest(repo, "v1", RegistryPush.OCI_MANIFEST, manifest);
        assertOciError(r, 400, "MANIFEST_BLOB_UNKNOWN");
        assertThat(manifestDigest(repo, "v1")).contains(img.digest());
        assertOciError(alice.get("/v2/" + repo + "/manifests/" + RegistryPush.sha256(manifest)), 404, "MANIFEST_UNKNOWN");
        assertUnchanged(before);
    }

    @Test
    void manifestReferencingABlobOfAnotherRepositoryIsManifestBlobUnknown() throws Exception {
        RegistryPush.Image other = push.image("alice/other-repo", "v1", "other-repo");
        String repo = "alice/borrower";
        RegistryPush.Image img = push.image(repo, "v1", "borrower");
        byte[] manifest = RegistryPush.imageManifest(img.configDescriptor(), other.layerDescriptor());
        Snapshot before = snapshot();
        assertOciError(push.putManifest(repo, "v2", RegistryPush.OCI_MANIFEST, manifest), 400, "MANIFEST_BLOB_UNKNOWN");
        assertThat(tags(repo)).containsExactly("v1");
        assertUnchanged(before);
    }

    @Test
    void manifestWithWrongLayerSizeIsRejected() throws Exception {
        String repo = "alice/wrongsize";
        RegistryPush.Image img = push.image(repo, "v1", "wrongsize");
        byte[] manifest = RegistryPush.imageManifest(img.configDescriptor(),
                RegistryPush.descriptor(RegistryPush.OCI_LAYER, img.layerDigest(), img.layerSize() + 1));
        Snapshot before = snapshot();
        assertOciError(push.putManifest(repo, "v2", RegistryPush.OCI_MANIFEST, manifest), 400, "MANIFEST_INVALID", "SIZE_INVALID");
        assertThat(tags(repo)).containsExactly("v1");
        assertUnchanged(before);
    }

    @Test
    void indexReferencingAMissingManifestIsManifestBlobUnknown() throws Exception {
        String repo = "alice/missingchild";
        RegistryPush.Image img = push.image(repo, "v1", "missingchild");
        byte[] index = RegistryPush.index(img.manifestDescriptor(),
                RegistryPush.descriptor(RegistryPush.OCI_MANIFEST, RegistryPush.sha256("no such manifest"), 100));
        Snapshot before = snapshot();
        assertOciError(push.putManifest(repo, "multi", RegistryPush.OCI_INDEX, index), 400, "MANIFEST_BLOB_UNKNOWN");
        assertThat(tags(repo)).containsExactly("v1");
        assertUnchanged(before);
    }

    @Test
    void childManifestOfAnIndexCannotBeDeletedWhileTheIndexListsIt() throws Exception {
        String repo = "alice/indexed";
        RegistryPush.Image img = push.image(repo, "amd64", "indexed");
        String index = push.manifest(repo, "multi", RegistryPush.OCI_INDEX, RegistryPush.index(img.manifestDescriptor()));
        Snapshot before = snapshot();
        HttpResponse<String> refused = alice.delete("/v2/" + repo + "/manifests/" + img.digest());
        assertOciError(refused, 403, "DENIED");
        assertThat(refused.body()).contains(index);
        assertThat(alice.get("/v2/" + repo + "/manifests/" + img.digest()).statusCode()).isEqualTo(200);
        assertUnchanged(before);
        // Once the index is gone, the child may go.
        assertThat(alice.delete("/v2/" + repo + "/manifests/" + index).statusCode()).isEqualTo(202);
        assertThat(alice.delete("/v2/" + repo + "/manifests/" + img.digest()).statusCode()).isEqualTo(202);
        assertOciError(alice.get("/v2/" + repo + "/manifests/" + img.digest()), 404, "MANIFEST_UNKNOWN");
    }

    @Test
    void manifestPutByDigestThatDoesNotMatchTheContentIsDigestInvalid() throws Exception {
        String repo = "alice/mismatch";
        RegistryPush.Image img = push.image(repo, "v1", "mismatch");
        byte[] other = RegistryPush.imageManifest(img.configDescriptor());
        Snapshot before = snapshot();
        for (String claimed : List.of(RegistryPush.sha256(other), ZERO_DIGEST, "sha512:" + "0".repeat(128))) {
            assertOciError(push.putManifest(repo, claimed, RegistryPush.OCI_MANIFEST, img.manifest()), 400, "DIGEST_INVALID");
            assertOciError(alice.get("/v2/" + repo + "/manifests/" + claimed), 404, "MANIFEST_UNKNOWN");
        }
        assertUnchanged(before);
        assertThat(tags(repo)).containsExactly("v1");
    }

    // ---- the 4 MiB manifest limit

    /** A valid image manifest of exactly {@code size} bytes (padded with an annotation). */
    private static byte[] paddedManifest(RegistryPush.Image img, int size) {
        String head = "{\"schemaVersion\":2,\"mediaType\":\"" + RegistryPush.OCI_MANIFEST + "\",\"config\":" + img.configDescriptor()
                + ",\"layers\":[" + img.layerDescriptor() + "],\"annotations\":{\"pad\":\"";
        String tail = "\"}}";
        int pad = size - head.length() - tail.length();
        return (head + "x".repeat(pad) + tail).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void manifestOverFourMiBIsTooLargeWithContentLength() throws Exception {
        String repo = "alice/huge";
        RegistryPush.Image img = push.image(repo, "v1", "huge");
        byte[] body = paddedManifest(img, MAX_MANIFEST + 1);
        Snapshot before = snapshot();
        HttpResponse<String> r = alice.send(alice.request("/v2/" + repo + "/manifests/v1")
                .header("Content-Type", RegistryPush.OCI_MANIFEST).PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
        assertOciError(r, 413, "SIZE_INVALID", "MANIFEST_INVALID");
        assertUnchanged(before);
        assertThat(manifestDigest(repo, "v1")).contains(img.digest());
    }

    @Test
    void manifestOverFourMiBIsTooLargeWithExpectContinue() throws Exception {
        String repo = "alice/huge";
        RegistryPush.Image img = push.image(repo, "v1", "huge");
        byte[] body = paddedManifest(img, MAX_MANIFEST + 1000);
        Snapshot before = snapshot();
        HttpResponse<String> r = alice.send(alice.request("/v2/" + repo + "/manifests/v1").expectContinue(true)
                .header("Content-Type", RegistryPush.OCI_MANIFEST).PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
        assertOciError(r, 413, "SIZE_INVALID", "MANIFEST_INVALID");
        assertUnchanged(before);
        assertThat(manifestDigest(repo, "v1")).contains(img.digest());
    }

    @Test
    void manifestOverFourMiBIsTooLargeWhenChunked() throws Exception {
        String repo = "alice/huge";
        RegistryPush.Image img = push.image(repo, "v1", "huge");
        byte[] body = paddedManifest(img, MAX_MANIFEST + 1);
        Snapshot before = snapshot();
        // an InputStream publisher has no length: the request goes out with Transfer-Encoding: chunked
        HttpResponse<String> r = alice.send(alice.request("/v2/" + repo + "/manifests/v1").header("Content-Type", RegistryPush.OCI_MANIFEST)
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))));
        assertOciError(r, 413, "SIZE_INVALID", "MANIFEST_INVALID");
        assertUnchanged(before);
        assertThat(manifestDigest(repo, "v1")).contains(img.digest());
    }

    @Test
    void manifestOfExactlyFourMiBIsAccepted() throws Exception {
        String repo = "alice/huge-ok";
        RegistryPush.Image img = push.image(repo, "v1", "huge-ok");
        byte[] body = paddedManifest(img, MAX_MANIFEST);
        assertThat(body).hasSize(MAX_MANIFEST);
        String digest = push.manifest(repo, "big", RegistryPush.OCI_MANIFEST, body);
        HttpResponse<byte[]> get = alice.sendBytes(alice.request("/v2/" + repo + "/manifests/big").GET());
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(RegistryPush.sha256(get.body())).isEqualTo(digest);
    }

    // =====================================================================================
    // blob uploads

    @Test
    void monolithicUploadWithWrongDigestIsDigestInvalidAndStoresNothing() throws Exception {
        String repo = "alice/mono";
        push.image(repo, "v1", "mono");
        byte[] content = "the real content".getBytes(StandardCharsets.UTF_8);
        String claimed = RegistryPush.sha256("something else");
        Snapshot before = snapshot();
        assertOciError(push.postBlob(repo, claimed, content), 400, "DIGEST_INVALID");
        assertUnchanged(before);
        assertThat(server.storedBlobs()).doesNotContain(blobFile(claimed), blobFile(RegistryPush.sha256(content)));
        for (String d : List.of(claimed, RegistryPush.sha256(content))) {
            assertOciError(alice.get("/v2/" + repo + "/blobs/" + d), 404, "BLOB_UNKNOWN");
        }
    }

    @ParameterizedTest(name = "digest={0}")
    @ValueSource(strings = {"sha256:xyz", "md5:d41d8cd98f00b204e9800998ecf8427e", "sha256:../../etc/passwd", "nonsense"})
    void monolithicUploadWithMalformedDigestIsDigestInvalidAndLeavesNoSession(String digest) throws Exception {
        String repo = "alice/mono-bad";
        image(repo, "mono-bad");
        Snapshot before = snapshot();
        assertOciError(push.postBlob(repo, digest, "content".getBytes(StandardCharsets.UTF_8)), 400, "DIGEST_INVALID");
        assertUnchanged(before);
    }

    @Test
    void chunkedUploadClosedWithWrongDigestIsDigestInvalidAndStoresNothing() throws Exception {
        String repo = "alice/chunked";
        push.image(repo, "v1", "chunked");
        byte[] content = "chunk-one|chunk-two".getBytes(StandardCharsets.UTF_8);
        String location = push.startUpload(repo);
        assertThat(push.patch(location, Arrays.copyOfRange(content, 0, 10), "0-9").statusCode()).isEqualTo(202);
        Set<String> blobsBefore = server.storedBlobs();
        String claimed = RegistryPush.sha256("not this");
        // with the last chunk in the PUT, and without
        assertOciError(push.finish(location, claimed, Arrays.copyOfRange(content, 10, content.length)), 400, "DIGEST_INVALID");
        assertThat(server.storedBlobs()).isEqualTo(blobsBefore);
        String location2 = push.startUpload(repo);
        assertThat(push.patch(location2, content, null).statusCode()).isEqualTo(202);
        assertOciError(push.finish(location2, claimed, null), 400, "DIGEST_INVALID");
        assertThat(server.storedBlobs()).isEqualTo(blobsBefore);
        assertOciError(alice.head("/v2/" + repo + "/blobs/" + RegistryPush.sha256(content)), 404, null);
        assertOciError(alice.head("/v2/" + repo + "/blobs/" + claimed), 404, null);
    }

    @Test
    void patchChunkOutOfOrderIsRangeNotSatisfiable() throws Exception {
        String repo = "alice/order";
        String location = push.startUpload(repo);
        assertThat(push.patch(location, bytes(10, 'a'), "0-9").statusCode()).isEqualTo(202);
        Snapshot before = snapshot();
        for (String range : List.of("20-29", "5-14", "0-9")) {
            HttpResponse<String> r = push.patch(location, bytes(10, 'b'), range);
            assertOciError(r, 416, "RANGE_INVALID", "BLOB_UPLOAD_INVALID");
            assertThat(r.headers().firstValue("Range")).as("Range header after %s", range).contains("0-9");
        }
        assertUnchanged(before);
        assertThat(uploadRange(location)).isEqualTo("0-9");
    }

    @Test
    void patchWithContentRangeNotMatchingTheBodyIsRejected() throws Exception {
        String repo = "alice/rangelen";
        String location = push.startUpload(repo);
        Snapshot before = snapshot();
        // Content-Range says 20 bytes, Content-Length (set by the client) says 10
        assertOciError(push.patch(location, bytes(10, 'a'), "0-19"), 416, "RANGE_INVALID", "SIZE_INVALID", "BLOB_UPLOAD_INVALID");
        // end before start
        assertOciError(push.patch(location, bytes(10, 'a'), "9-0"), 416, "RANGE_INVALID", "BLOB_UPLOAD_INVALID");
        // not a range at all
        for (String bad : List.of("bytes=abc", "0-", "-9", "0-9/10", "a-b")) {
            assertOciError(push.patch(location, bytes(10, 'a'), bad), 416, "RANGE_INVALID", "BLOB_UPLOAD_INVALID");
        }
        assertUnchanged(before);
        assertThat(uploadRange(location)).isEqualTo("0-0");
    }

    @Test
    void chunkedTransferLongerThanContentRangeIsRejected() throws Exception {
        String repo = "alice/rangelong";
        String location = push.startUpload(repo);
        Snapshot before = snapshot();
        byte[] body = bytes(10, 'a');
        HttpResponse<String> r = alice.send(alice.request(location).header("Content-Type", "application/octet-stream")
                .header("Content-Range", "0-4")
                .method("PATCH", HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))));
        assertOciError(r, r.statusCode() == 416 ? 416 : 400, "SIZE_INVALID", "RANGE_INVALID", "BLOB_UPLOAD_INVALID");
        assertUnchanged(before);
        assertThat(uploadRange(location)).isEqualTo("0-0");
    }

    @Test
    void patchBodyShorterThanContentLengthIsAClientErrorAndKeepsNothing() throws Exception {
        String repo = "alice/shortbody";
        String location = push.startUpload(repo);
        Snapshot before = snapshot();
        // the client promises 100 bytes, sends 10 and stops sending
        RegistryPush.Raw r = RegistryPush.raw(server.baseUrl(), "PATCH", location,
                Map.of("Authorization", aliceAuth, "Content-Type", "application/octet-stream", "Content-Length", "100"),
                bytes(10, 'a'), true);
        assertThat(r.status()).as("short body -> %s %s", r.status(), r.text()).isBetween(400, 499);
        assertOciError(r, r.status(), "SIZE_INVALID", "BLOB_UPLOAD_INVALID", "RANGE_INVALID");
        assertThat(server.storedBlobs()).isEqualTo(before.blobs());
        // either the session is untouched or it was dropped; it never holds the partial bytes
        HttpResponse<String> status = alice.get(location);
        if (status.statusCode() == 204) {
            assertThat(status.headers().firstValue("Range")).contains("0-0");
        } else {
            assertOciError(status, 404, "BLOB_UPLOAD_UNKNOWN");
        }
    }

    @Test
    void contentLengthSmallerThanTheBodyTakesOnlyContentLengthBytes() throws Exception {
        String repo = "alice/longbody";
        String location = push.startUpload(repo);
        Snapshot before = snapshot();
        // HTTP framing: the 5 extra bytes are not part of this request (Connection: close drops them)
        RegistryPush.Raw r = RegistryPush.raw(server.baseUrl(), "PATCH", location,
                Map.of("Authorization", aliceAuth, "Content-Type", "application/octet-stream", "Content-Length", "5"),
                bytes(10, 'a'), false);
        assertThat(r.status()).as("%s %s", r.status(), r.text()).isEqualTo(202);
        assertThat(uploadRange(location)).isEqualTo("0-4");
        assertThat(server.storedBlobs()).isEqualTo(before.blobs());
    }

    @Test
    void cancelledOrCompletedUploadIsBlobUploadUnknownAfterwards() throws Exception {
        String repo = "alice/finished";
        String cancelled = push.startUpload(repo);
        assertThat(alice.delete(cancelled).statusCode()).isEqualTo(204);
        assertOciError(alice.delete(cancelled), 404, "BLOB_UPLOAD_UNKNOWN");
        assertOciError(push.patch(cancelled, bytes(3, 'c'), "0-2"), 404, "BLOB_UPLOAD_UNKNOWN");
        assertOciError(alice.get(cancelled), 404, "BLOB_UPLOAD_UNKNOWN");

        byte[] content = bytes(3, 'd');
        String done = push.startUpload(repo);
        assertThat(push.finish(done, RegistryPush.sha256(content), content).statusCode()).isEqualTo(201);
        Snapshot before = snapshot();
        assertOciError(push.patch(done, bytes(3, 'e'), "3-5"), 404, "BLOB_UPLOAD_UNKNOWN");
        assertOciError(push.finish(done, RegistryPush.sha256(content), null), 404, "BLOB_UPLOAD_UNKNOWN");
        assertUnchanged(before);
    }

    static Stream<Arguments> uploadMethods() {
        return Stream.of(Arguments.of("GET"), Arguments.of("PATCH"), Arguments.of("PUT"), Arguments.of("DELETE"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("uploadMethods")
    void unknownUploadIdIsBlobUploadUnknown(String method) throws Exception {
        String repo = "alice/unknown-upload";
        image(repo, "unknown-upload");
        Snapshot before = snapshot();
        for (String id : List.of(java.util.UUID.randomUUID().toString(), "x".repeat(65), "..%2f..%2f..%2fslipway.db", "%2e%2e", "..")) {
            String path = "/v2/" + repo + "/blobs/uploads/" + id;
            if (method.equals("PUT")) {
                path += "?digest=" + RegistryPush.sha256("");
            }
            RegistryPush.Raw r = RegistryPush.raw(server.baseUrl(), method, path,
                    Map.of("Authorization", aliceAuth, "Content-Type", "application/octet-stream"),
                    method.equals("PATCH") ? bytes(4, 'z') : method.equals("PUT") ? new byte[0] : null, false);
            if (id.equals("..")) {
                // may be normalised to /v2/<repo>/blobs/ by the server
                assertThat(r.status()).as("%s %s -> %s %s", method, path, r.status(), r.text()).isBetween(400, 499);
                assertOciError(r, r.status(), "BLOB_UPLOAD_UNKNOWN", "NAME_INVALID", "UNSUPPORTED", "DIGEST_INVALID");
            } else {
                assertOciError(r, 404, "BLOB_UPLOAD_UNKNOWN");
            }
        }
        assertUnchanged(before);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("uploadMethods")
    void uploadIdOfAnotherRepositoryIsBlobUploadUnknown(String method) throws Exception {
        image("alice/up-one", "up-one");
        image("alice/up-two", "up-two");
        String location = push.startUpload("alice/up-one");
        assertThat(push.patch(location, bytes(10, 'a'), "0-9").statusCode()).isEqualTo(202);
        String id = location.substring(location.lastIndexOf('/') + 1).replaceAll("\\?.*", "");
        Snapshot before = snapshot();
        String path = "/v2/alice/up-two/blobs/uploads/" + id;
        HttpResponse<String> r = switch (method) {
            case "GET" -> alice.get(path);
            case "PATCH" -> push.patch(path, bytes(5, 'b'), "10-14");
            case "PUT" -> push.finish(path, RegistryPush.sha256(bytes(10, 'a')), null);
            default -> alice.delete(path);
        };
        assertOciError(r, 404, "BLOB_UPLOAD_UNKNOWN");
        assertUnchanged(before);
        assertThat(uploadRange(location)).isEqualTo("0-9");
        // another user's upload in another namespace is no better
        Http bob = Http.basic(server.baseUrl(), "bob", server.token("bob", "write:package"));
        assertOciError(bob.get("/v2/bob/app/blobs/uploads/" + id), 404, "BLOB_UPLOAD_UNKNOWN");
        assertThat(uploadRange(location)).isEqualTo("0-9");
    }

    @Test
    void putUploadWithoutDigestIsDigestInvalidAndTheSessionSurvives() throws Exception {
        String repo = "alice/nodigest";
        byte[] content = bytes(10, 'q');
        String location = push.startUpload(repo);
        assertThat(push.patch(location, content, "0-9").statusCode()).isEqualTo(202);
        Snapshot before = snapshot();
        assertOciError(alice.put(location, "application/octet-stream", new byte[0]), 400, "DIGEST_INVALID");
        assertOciError(alice.put(RegistryPush.withQuery(location, "digest", ""), "application/octet-stream", new byte[0]), 400, "DIGEST_INVALID");
        assertUnchanged(before);
        assertThat(uploadRange(location)).isEqualTo("0-9");
        assertThat(push.finish(location, RegistryPush.sha256(content), null).statusCode()).isEqualTo(201);
    }

    // =====================================================================================
    // reads of unknown things

    @Test
    void unknownBlobIsBlobUnknownAndHeadHasNoBody() throws Exception {
        String repo = "alice/reads";
        push.image(repo, "v1", "reads");
        assertOciError(alice.get("/v2/" + repo + "/blobs/" + ZERO_DIGEST), 404, "BLOB_UNKNOWN");
        HttpResponse<String> head = alice.head("/v2/" + repo + "/blobs/" + ZERO_DIGEST);
        assertThat(head.statusCode()).isEqualTo(404);
        assertThat(head.body()).isEmpty();
        // a blob that exists elsewhere is still unknown here
        RegistryPush.Image other = push.image("alice/reads-other", "v1", "reads-other");
        assertOciError(alice.get("/v2/" + repo + "/blobs/" + other.layerDigest()), 404, "BLOB_UNKNOWN");
        Snapshot before = snapshot();
        assertOciError(alice.delete("/v2/" + repo + "/blobs/" + ZERO_DIGEST), 404, "BLOB_UNKNOWN");
        assertOciError(alice.delete("/v2/" + repo + "/blobs/sha256:nope"), 400, "DIGEST_INVALID");
        assertUnchanged(before);
    }

    @Test
    void unknownManifestIsManifestUnknownAndHeadHasNoBody() throws Exception {
        String repo = "alice/reads";
        push.image(repo, "v1", "reads");
        for (String ref : List.of("nope", ZERO_DIGEST)) {
            assertOciError(alice.get("/v2/" + repo + "/manifests/" + ref), 404, "MANIFEST_UNKNOWN");
            HttpResponse<String> head = alice.head("/v2/" + repo + "/manifests/" + ref);
            assertThat(head.statusCode()).isEqualTo(404);
            assertThat(head.body()).isEmpty();
            assertOciError(alice.delete("/v2/" + repo + "/manifests/" + ref), 404, "MANIFEST_UNKNOWN");
        }
        // a repository that does not exist at all
        assertOciError(alice.get("/v2/alice/never-pushed/manifests/latest"), 404, "MANIFEST_UNKNOWN", "NAME_UNKNOWN");
        assertOciError(alice.get("/v2/alice/never-pushed/tags/list"), 404, "NAME_UNKNOWN");
    }

    @Test
    void unsatisfiableBlobRangeIs416() throws Exception {
        String repo = "alice/ranges";
        byte[] content = bytes(100, 'r');
        String digest = push.blob(repo, content);
        for (String range : List.of("bytes=200-300", "bytes=100-", "bytes=50-10", "bytes=abc", "items=0-1", "bytes=-")) {
            HttpResponse<String> r = alice.send(alice.request("/v2/" + repo + "/blobs/" + digest).header("Range", range).GET());
            assertOciError(r, 416, "RANGE_INVALID", "BLOB_UNKNOWN");
            assertThat(r.headers().firstValue("Content-Range")).as("Content-Range for %s", range).contains("bytes */100");
        }
        HttpResponse<byte[]> ok = alice.sendBytes(alice.request("/v2/" + repo + "/blobs/" + digest).header("Range", "bytes=90-").GET());
        assertThat(ok.statusCode()).isEqualTo(206);
        assertThat(ok.body()).hasSize(10);
        assertThat(ok.headers().firstValue("Content-Range")).contains("bytes 90-99/100");
    }

    @Test
    void unsupportedMethodIsUnsupported() throws Exception {
        String repo = "alice/methods";
        push.image(repo, "v1", "methods");
        assertOciError(alice.patch("/v2/" + repo + "/manifests/v1", "application/json", new byte[0]), 405, "UNSUPPORTED");
        assertOciError(alice.put("/v2/" + repo + "/tags/list", "application/json", new byte[0]), 405, "UNSUPPORTED");
        assertOciError(alice.post("/v2/" + repo + "/blobs/" + ZERO_DIGEST, "application/json", new byte[0]), 405, "UNSUPPORTED");
    }

    // =====================================================================================
    // authentication and authorization

    @Test
    void unauthenticatedBaseIs401WithABearerChallenge() throws Exception {
        HttpResponse<String> r = Http.anonymous(server.baseUrl()).get("/v2/");
        assertOciError(r, 401, "UNAUTHORIZED");
        String challenge = r.headers().firstValue("WWW-Authenticate").orElseThrow(() -> new AssertionError("no WWW-Authenticate"));
        assertThat(challenge).matches("Bearer realm=\"https?://[^\"]+/v2/token\",service=\"[^\"]+\"");
        assertThat(challenge).contains("realm=\"" + server.config().externalUrl() + "/v2/token\"");
        assertThat(r.headers().firstValue("Docker-Distribution-Api-Version")).contains("registry/2.0");
        assertOciError(Http.anonymous(server.baseUrl()).get("/v2"), 401, "UNAUTHORIZED");
    }

    @Test
    void badCredentialsAre401() throws Exception {
        List<Http> clients = List.of(
                Http.basic(server.baseUrl(), "alice", "wrong-password"),
                Http.basic(server.baseUrl(), "alice", "0123456789abcdef0123456789abcdef01234567"),
                Http.basic(server.baseUrl(), "nobody", aliceToken), // alice's token under another name
                Http.basic(server.baseUrl(), "", ""),
                Http.token(server.baseUrl(), "not-a-token"));
        for (Http client : clients) {
            HttpResponse<String> r = client.get("/v2/");
            assertOciError(r, 401, "UNAUTHORIZED");
            assertThat(r.headers().firstValue("WWW-Authenticate")).isPresent();
        }
        for (String header : List.of("Basic !!!not-base64!!!", "Basic " + Base64.getEncoder().encodeToString("no-colon".getBytes()),
                "Bearer garbage.jwt.value", "Digest username=\"alice\"", "Basic")) {
            RegistryPush.Raw r = RegistryPush.raw(server.baseUrl(), "GET", "/v2/", Map.of("Authorization", header), null, false);
            assertOciError(r, 401, "UNAUTHORIZED");
        }
        // a wrong password on a write stores nothing
        Snapshot before = snapshot();
        HttpResponse<String> w = new RegistryPush(Http.basic(server.baseUrl(), "alice", "wrong-password"))
                .postBlob("alice/badcreds", RegistryPush.sha256("x"), "x".getBytes(StandardCharsets.UTF_8));
        assertOciError(w, 401, "UNAUTHORIZED");
        assertUnchanged(before);
    }

    @Test
    void anonymousPullOfAPrivateRepositoryIs401WithAScopedChallenge() throws Exception {
        String repo = "alice/private";
        push.image(repo, "v1", "private");
        HttpResponse<String> r = Http.anonymous(server.baseUrl()).get("/v2/" + repo + "/manifests/v1");
        assertOciError(r, 401, "UNAUTHORIZED");
        assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("scope=\"repository:" + repo + ":pull\"");
    }

    @Test
    void pushingToAnotherUsersNamespaceIsDenied() throws Exception {
        byte[] content = "alice writes into bob".getBytes(StandardCharsets.UTF_8);
        Snapshot before = snapshot();
        assertOciError(push.postBlob("bob/app", RegistryPush.sha256(content), content), 403, "DENIED");
        assertOciError(alice.post("/v2/bob/app/blobs/uploads/", "application/octet-stream", new byte[0]), 403, "DENIED");
        RegistryPush.Image img = push.image("alice/forbob", "v1", "forbob");
        Snapshot afterOwn = snapshot();
        assertOciError(push.putManifest("bob/app", "v1", RegistryPush.OCI_MANIFEST, img.manifest()), 403, "DENIED");
        assertOciError(alice.post("/v2/bob/app/blobs/uploads/?mount=" + img.layerDigest() + "&from=alice/forbob",
                "application/octet-stream", new byte[0]), 403, "DENIED");
        assertUnchanged(afterOwn);
        assertThat(before.blobs()).isSubsetOf(afterOwn.blobs());
        assertThat(server.slipway().registry().repository("bob/app")).isEmpty();
    }

    @Test
    void readOnlyTokenCannotPush() throws Exception {
        RegistryPush reader = new RegistryPush(Http.basic(server.baseUrl(), "alice", server.token("alice", "read:package")));
        Snapshot before = snapshot();
        HttpResponse<String> r = reader.postBlob("alice/readonly", RegistryPush.sha256("r"), "r".getBytes(StandardCharsets.UTF_8));
        assertOciError(r, 403, "DENIED");
        assertThat(r.body()).contains("read:package");
        assertUnchanged(before);
    }

    @Test
    void adminPushingToANonExistentOwnerIsNameUnknown() throws Exception {
        RegistryPush admin = new RegistryPush(Http.basic(server.baseUrl(), "admin", TestServer.ADMIN_PASSWORD));
        RegistryPush.Image img = push.image("alice/foradmin", "v1", "foradmin");
        Snapshot before = snapshot();
        byte[] content = "ghost".getBytes(StandardCharsets.UTF_8);
        assertOciError(admin.postBlob("ghost/app", RegistryPush.sha256(content), content), 404, "NAME_UNKNOWN");
        assertOciError(admin.http().post("/v2/ghost/app/blobs/uploads/", "application/octet-stream", new byte[0]), 404, "NAME_UNKNOWN");
        assertOciError(admin.putManifest("ghost/app", "v1", RegistryPush.OCI_MANIFEST, img.manifest()), 404, "NAME_UNKNOWN");
        assertUnchanged(before);
        assertThat(server.slipway().registry().repository("ghost/app")).isEmpty();
    }

    // =====================================================================================
    // pagination

    @ParameterizedTest(name = "n={0}")
    @ValueSource(strings = {"-1", "abc", "1.5", "99999999999", "%20", "0x10"})
    void badPageSizeIsPaginationNumberInvalid(String n) throws Exception {
        String repo = "alice/pagebad";
        image(repo, "pagebad");
        assertOciError(alice.get("/v2/" + repo + "/tags/list?n=" + n), 400, "PAGINATION_NUMBER_INVALID");
        assertOciError(alice.get("/v2/_catalog?n=" + n), 400, "PAGINATION_NUMBER_INVALID");
    }

    // =====================================================================================
    // quota

    @Test
    void ownerQuotaDeniesABlobThatWouldExceedIt() throws Exception {
        try (TestServer quota = TestServer.start(Map.of("registry.owner-quota", "1MiB"))) {
            quota.createUser("carol", "carol-password");
            Http carol = Http.basic(quota.baseUrl(), "carol", quota.token("carol", "write:package"));
            RegistryPush p = new RegistryPush(carol);
            byte[] small = bytes(100_000, 's');
            p.blob("carol/app", small); // under the quota: fine

            byte[] big = new byte[2 * 1024 * 1024];
            new java.util.Random(1).nextBytes(big);
            String digest = RegistryPush.sha256(big);
            Set<String> before = quota.storedBlobs();

            HttpResponse<String> mono = p.postBlob("carol/app", digest, big);
            JsonNode err = assertOciError(mono, 403, "DENIED");
            assertThat(err.path("detail").asText() + " " + err.path("message").asText()).containsIgnoringCase("quota");
            assertThat(quota.storedBlobs()).isEqualTo(before);

            // chunked: the quota is checked when the upload is closed
            String location = p.startUpload("carol/app");
            HttpResponse<String> patched = p.patch(location, big, null);
            assertThat(patched.statusCode()).isEqualTo(202);
            HttpResponse<String> closed = p.finish(patched.headers().firstValue("Location").orElse(location), digest, null);
            JsonNode err2 = assertOciError(closed, 403, "DENIED");
            assertThat(err2.path("detail").asText()).containsIgnoringCase("quota");
            assertThat(quota.storedBlobs()).isEqualTo(before);
            assertOciError(carol.get("/v2/carol/app/blobs/" + digest), 404, "BLOB_UNKNOWN");

            // the small blob is still there and a second small one still fits
            p.blob("carol/app", bytes(100_000, 't'));
        }
    }

    // =====================================================================================
    // the REST API

    @Test
    void tokenApiRejectsBadInputWithJsonMessages() throws Exception {
        Http bob = Http.basic(server.baseUrl(), "bob", "bob-password");
        String path = "/api/v1/users/bob/tokens";
        int tokensBefore = JSON.readTree(bob.get(path).body()).size();

        for (String body : List.of("{\"name\":", "not json", "[]", "", "{\"name\":\"x\",\"scopes\":\"write:package\"}",
                "{\"name\":\"x\",\"scopes\":[]}", "{\"name\":\"\",\"scopes\":[\"write:package\"]}", "{\"name\":\"x\"}")) {
            assertApiError(bob.postJson(path, body), 400);
        }
        HttpResponse<String> unknownScope = bob.postJson(path, "{\"name\":\"x\",\"scopes\":[\"write:everything\"]}");
        assertThat(assertApiError(unknownScope, 400)).contains("write:everything");
        assertThat(JSON.readTree(bob.get(path).body()).size()).isEqualTo(tokensBefore);

        assertThat(bob.postJson(path, "{\"name\":\"ci\",\"scopes\":[\"write:package\"]}").statusCode()).isEqualTo(201);
        assertApiError(bob.postJson(path, "{\"name\":\"ci\",\"scopes\":[\"read:package\"]}"), 409);
        assertThat(JSON.readTree(bob.get(path).body()).size()).isEqualTo(tokensBefore + 1);

        assertApiError(Http.anonymous(server.baseUrl()).postJson(path, "{\"name\":\"y\",\"scopes\":[\"write:package\"]}"), 401);
        assertApiError(Http.basic(server.baseUrl(), "bob", "wrong").postJson(path, "{}"), 401);
        assertApiError(alice.postJson(path, "{\"name\":\"y\",\"scopes\":[\"write:package\"]}"), 403);
    }

    /**
     * Requests the HTTP parser itself rejects (never reaching the registry's handlers) still get a
     * 4xx with a JSON error body, not the servlet container's HTML page.
     */
    @Test
    void requestsRejectedBeforeTheHandlersStillGetAJsonError() throws Exception {
        Snapshot before = snapshot();
        record Case(String label, String path, Map<String, String> headers, int status) {}
        List<Case> cases = List.of(
                new Case("path above the root", "/v2/../../../../etc/passwd", Map.of(), 400),
                new Case("bad percent-encoding", "/v2/alice/a%zz/manifests/latest", Map.of(), 400),
                new Case("NUL byte", "/v2/alice/app%00/manifests/latest", Map.of(), 400),
                new Case("URI of 20 KB", "/v2/alice/" + "a".repeat(20_000) + "/manifests/latest", Map.of(), 414),
                new Case("header of 20 KB", "/v2/", Map.of("X-Filler", "a".repeat(20_000)), 431));
        for (Case c : cases) {
            Map<String, String> headers = new java.util.LinkedHashMap<>(c.headers());
            headers.put("Authorization", aliceAuth);
            RegistryPush.Raw r = RegistryPush.raw(server.baseUrl(), "GET", c.path(), headers, null, false);
            String what = c.label() + " -> " + r.status() + " " + r.header("Content-Type").orElse("") + " "
                    + (r.text().length() > 200 ? r.text().substring(0, 200) : r.text());
            assertThat(r.status()).as(what).isEqualTo(c.status());
            assertThat(r.header("Content-Type")).as(what).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
            JsonNode root = JSON.readTree(r.text());
            assertThat(root.path("errors").path(0).path("code").isTextual()).as(what).isTrue();
        }
        assertUnchanged(before);
    }

    /** Errors Javalin raises itself on /api/ (body over the limit, unknown route) are JSON like the rest. */
    @Test
    void apiErrorsRaisedByTheFrameworkAreJsonToo() throws Exception {
        Http bob = Http.basic(server.baseUrl(), "bob", "bob-password");
        String path = "/api/v1/users/bob/tokens";
        int tokensBefore = JSON.readTree(bob.get(path).body()).size();
        // A body over the limit announced with Expect: 100-continue, as curl sends large bodies: the
        // server answers 413 before any of it is sent. Spoken over a plain socket, so that the JDK
        // client's own handling of 100-continue (it may send the body anyway after a wait) is not
        // what is tested.
        int length = (3 << 19) + 64;
        java.net.URI base = java.net.URI.create(server.baseUrl());
        try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            String auth = java.util.Base64.getEncoder().encodeToString("bob:bob-password".getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: " + base.getAuthority() + "\r\nAuthorization: Basic " + auth
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + length + "\r\nExpect: 100-continue\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String status = in.readLine();
            assertThat(status).as("the answer to an oversized body").startsWith("HTTP/1.1 413");
            Map<String, String> headers = new java.util.HashMap<>();
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).strip().toLowerCase(java.util.Locale.ROOT), line.substring(colon + 1).strip());
            }
            assertThat(headers.get("content-type")).startsWith("application/json");
            char[] body = new char[Integer.parseInt(headers.get("content-length"))];
            int read = 0;
            while (read < body.length) {
                int n = in.read(body, read, body.length - read);
                assertThat(n).as("the 413's body ends early").isPositive();
                read += n;
            }
            assertThat(JSON.readTree(new String(body)).path("message").asText()).isNotBlank();
        }
        assertThat(JSON.readTree(bob.get(path).body()).size()).isEqualTo(tokensBefore);
        assertApiError(bob.get("/api/v1/no-such-endpoint"), 404);
    }

    // =====================================================================================
    // helpers

    /** The image tagged v1 in {@code repo}, pushed once per class. */
    private static RegistryPush.Image image(String repo, String seed) {
        return IMAGES.computeIfAbsent(repo + "|" + seed, k -> push.image(repo, "v1", seed));
    }

    private record Snapshot(Set<String> blobs, Set<String> uploads) {}

    private static Snapshot snapshot() throws IOException {
        return new Snapshot(new TreeSet<>(server.storedBlobs()), uploadFiles());
    }

    private static Set<String> uploadFiles() throws IOException {
        Path uploads = server.config().blobsDir().resolve("uploads");
        if (!Files.exists(uploads)) {
            return Set.of();
        }
        try (Stream<Path> s = Files.list(uploads)) {
            return s.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toCollection(TreeSet::new));
        }
    }

    private static void assertUnchanged(Snapshot before) throws IOException {
        Snapshot after = snapshot();
        assertThat(after.blobs()).as("committed blobs changed").isEqualTo(before.blobs());
        assertThat(after.uploads()).as("upload sessions changed").isEqualTo(before.uploads());
    }

    private static String blobFile(String digest) {
        String hex = digest.substring(digest.indexOf(':') + 1);
        return Path.of(digest.substring(0, digest.indexOf(':')), hex.substring(0, 2), hex).toString();
    }

    private static List<String> tags(String repo) throws IOException {
        HttpResponse<String> r = alice.get("/v2/" + repo + "/tags/list");
        assertThat(r.statusCode()).as("tags/list of %s: %s", repo, r.body()).isEqualTo(200);
        return strings(JSON.readTree(r.body()).path("tags"));
    }

    private static Optional<String> manifestDigest(String repo, String ref) {
        HttpResponse<String> r = alice.head("/v2/" + repo + "/manifests/" + ref);
        return r.statusCode() == 200 ? r.headers().firstValue("Docker-Content-Digest") : Optional.empty();
    }

    private static String uploadRange(String location) {
        HttpResponse<String> r = alice.get(location);
        assertThat(r.statusCode()).as("upload status %s: %s", location, r.body()).isEqualTo(204);
        return r.headers().firstValue("Range").orElseThrow();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static byte[] bytes(int n, char c) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) c);
        return b;
    }

    private static String basicHeader(String user, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Asserts an OCI error: status, JSON Content-Type, Docker-Distribution-Api-Version and
     * {@code errors[0]} with one of {@code codes} (for HEAD, no body, so {@code codes} is null).
     */
    private static JsonNode assertOciError(HttpResponse<String> r, int status, String... codes) throws IOException {
        return assertOciError(describe(r.request().method(), r.request().uri().toString(), r.statusCode(), r.body()), r.statusCode(),
                name -> r.headers().firstValue(name), r.body(), r.request().method().equals("HEAD"), status, codes);
    }

    private static JsonNode assertOciError(RegistryPush.Raw r, int status, String... codes) throws IOException {
        return assertOciError(describe("raw", "", r.status(), r.text()), r.status(), r::header, r.text(), false, status, codes);
    }

    private static JsonNode assertOciError(String what, int actualStatus, Function<String, Optional<String>> header, String body,
                                           boolean head, int status, String... codes) throws IOException {
        assertThat(actualStatus).as("status of %s", what).isEqualTo(status);
        assertThat(header.apply("Content-Type")).as("Content-Type of %s", what)
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
        assertThat(header.apply("Docker-Distribution-Api-Version")).as("API version header of %s", what).contains("registry/2.0");
        if (head) {
            assertThat(body).as("HEAD body of %s", what).isEmpty();
            return JSON.createObjectNode();
        }
        JsonNode root = JSON.readTree(body);
        assertThat(root.path("errors").isArray() && root.path("errors").size() >= 1).as("errors array in %s", what).isTrue();
        JsonNode err = root.path("errors").path(0);
        if (codes != null && codes.length > 0 && codes[0] != null) {
            assertThat(err.path("code").asText()).as("error code of %s", what).isIn((Object[]) codes);
        }
        assertThat(err.path("message").isTextual()).as("message in %s", what).isTrue();
        assertThat(err.has("detail")).as("detail in %s", what).isTrue();
        return err;
    }

    /** A non-/v2/ API error: status, JSON Content-Type and {@code {"message": ...}}; returns the message. */
    private static String assertApiError(HttpResponse<String> r, int status) throws IOException {
        String what = describe(r.request().method(), r.request().uri().toString(), r.statusCode(), r.body());
        assertThat(r.statusCode()).as("status of %s", what).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).as("Content-Type of %s", what)
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
        JsonNode root = JSON.readTree(r.body());
        assertThat(root.path("message").isTextual()).as("message in %s", what).isTrue();
        assertThat(root.path("message").asText()).as("message in %s", what).isNotBlank();
        return root.path("message").asText();
    }

    private static String describe(String method, String uri, int status, String body) {
        String b = body == null ? "" : body.length() > 300 ? body.substring(0, 300) + "..." : body;
        String u = uri.length() > 200 ? uri.substring(0, 200) + "..." : uri;
        return method + " " + u + " -> " + status + " " + b;
    }
}
