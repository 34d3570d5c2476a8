package dev.slipway.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.core.Digest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Online garbage collection on a server with a zero grace period and upload age limit, so that
 * everything unreferenced is collectable at once; and on a server with the default grace period,
 * which protects a push in progress.
 */
class GarbageCollectionIT {
    static TestServer server;
    static Http alice;
    static Http admin;
    static RegistryPush push;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(Map.of("registry.gc-grace", "0s", "registry.upload-max-age", "0s"));
        server.createUser("alice", "alice-password");
        alice = Http.basic(server.baseUrl(), "alice", server.token("alice", "write:package"));
        admin = Http.basic(server.baseUrl(), "admin", TestServer.ADMIN_PASSWORD);
        push = new RegistryPush(alice);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static boolean stored(String digest) throws Exception {
        String hex = digest.substring(digest.indexOf(':') + 1);
        return server.storedBlobs().stream().anyMatch(p -> p.endsWith(hex));
    }

    static Set<String> uploadFiles() throws Exception {
        try (var s = Files.list(server.config().blobsDir().resolve("uploads"))) {
            return s.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void aDeletedImageIsReclaimedAndADryRunReportsTheSameWithoutChangingAnything() throws Exception {
        String repo = "alice/gone";
        RegistryPush.Image image = push.image(repo, "v1", "gc-gone");
        RegistryPush.Image kept = push.image(repo, "v2", "gc-kept");
        LifecycleApi.gc(admin, false); // start from a clean store
        assertThat(alice.delete("/v2/" + repo + "/manifests/" + image.digest()).statusCode()).isEqualTo(202);

        Set<String> before = server.storedBlobs();
        JsonNode dry = LifecycleApi.gc(admin, true);
        assertThat(server.storedBlobs()).isEqualTo(before);
        assertThat(alice.head("/v2/" + repo + "/blobs/" + image.layerDigest()).statusCode()).as("the link is still there").isEqualTo(200);
        assertThat(dry.path("dry_run").asBoolean()).isTrue();
        assertThat(dry.path("files").asInt()).isEqualTo(3);
        long expectedBytes = image.configSize() + image.layerSize() + image.manifest().length;
        assertThat(dry.path("file_bytes").asLong()).isEqualTo(expectedBytes);
        assertThat(dry.path("links").asInt()).isEqualTo(2);
        assertThat(dry.path("blobs").asInt()).isEqualTo(2);

        JsonNode real = LifecycleApi.gc(admin, false);
        for (String field : new String[] {"files", "file_bytes", "links", "blobs", "uploads", "bytes"}) {
            assertThat(real.path(field)).as(field).isEqualTo(dry.path(field));
        }
        assertThat(stored(image.layerDigest())).isFalse();
        assertThat(stored(image.configDigest())).isFalse();
        assertThat(stored(image.digest())).isFalse();
        assertThat(AuthorizationIT.code(alice.get("/v2/" + repo + "/blobs/" + image.layerDigest()))).isEqualTo("BLOB_UNKNOWN");
        assertThat(RegistryPull.problems(alice, repo, "v2")).isEmpty();
        assertThat(kept.digest()).isNotNull();
        JsonNode nothing = LifecycleApi.gc(admin, false);
        assertThat(nothing.path("files").asInt()).isZero();
        assertThat(nothing.path("links").asInt()).isZero();
    }

    @Test
    void aLayerSharedWithAnotherRepositoryStaysForIt() throws Exception {
        byte[] shared = "a layer two repositories share".getBytes(StandardCharsets.UTF_8);
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"seed\":\"shared\"}".getBytes(StandardCharsets.UTF_8);
        String layer = push.blob("alice/one", shared);
        String cfg = push.blob("alice/one", config);
        byte[] manifest = RegistryPush.imageManifest(RegistryPush.descriptor(RegistryPush.OCI_CONFIG, cfg, config.length),
                RegistryPush.descriptor(RegistryPush.OCI_LAYER, layer, shared.length));
        String one = push.manifest("alice/one", "v1", RegistryPush.OCI_MANIFEST, manifest);
        // A cross-repository mount links the same blobs into alice/two.
        for (String d : new String[] {layer, cfg}) {
            HttpResponse<String> mount = alice.post("/v2/alice/two/blobs/uploads/?mount=" + d + "&from=alice/one", "application/octet-stream", new byte[0]);
            assertThat(mount.statusCode()).isEqualTo(201);
        }
        push.manifest("alice/two", "v1", RegistryPush.OCI_MANIFEST, manifest);
        assertThat(alice.delete("/v2/alice/one/manifests/" + one).statusCode()).isEqualTo(202);
        JsonNode gc = LifecycleApi.gc(admin, false);
        assertThat(gc.path("links").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(alice.head("/v2/alice/one/blobs/" + layer).statusCode()).isEqualTo(404);
        assertThat(stored(layer)).isTrue();
        // The manifest file is still named by alice/two's manifest row.
        assertThat(stored(one)).isTrue();
        assertThat(RegistryPull.problems(alice, "alice/two", "v1")).isEmpty();
    }

    @Test
    void aBlobCollectedBeforeItsManifestArrivesFailsThePushCleanlyAndARetryWorks() throws Exception {
        String repo = "alice/slow-push";
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"seed\":\"slow\"}".getBytes(StandardCharsets.UTF_8);
        byte[] layer = "the layer of a slow push".getBytes(StandardCharsets.UTF_8);
        String cfg = push.blob(repo, config);
        String lay = push.chunkedBlob(repo, layer);
        byte[] manifest = RegistryPush.imageManifest(RegistryPush.descriptor(RegistryPush.OCI_CONFIG, cfg, config.length),
                RegistryPush.descriptor(RegistryPush.OCI_LAYER, lay, layer.length));
        // With no grace period the uploaded but not yet referenced blobs are garbage.
        JsonNode gc = LifecycleApi.gc(admin, false);
        assertThat(gc.path("links").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(stored(lay)).isFalse();
        Set<String> before = server.storedBlobs();
        HttpResponse<String> refused = push.putManifest(repo, "v1", RegistryPush.OCI_MANIFEST, manifest);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(AuthorizationIT.code(refused)).isEqualTo("MANIFEST_BLOB_UNKNOWN");
        assertThat(server.storedBlobs()).isEqualTo(before);
        // The client pushes the blobs again and the manifest goes through.
        push.blob(repo, config);
        push.blob(repo, layer);
        push.manifest(repo, "v1", RegistryPush.OCI_MANIFEST, manifest);
        assertThat(RegistryPull.problems(alice, repo, "v1")).isEmpty();
    }

    @Test
    void abandonedUploadsAndStrayFilesAreRemoved() throws Exception {
        String repo = "alice/uploads";
        String location = push.startUpload(repo);
        assertThat(push.patch(location, "some bytes".getBytes(StandardCharsets.UTF_8), null).statusCode()).isEqualTo(202);
        String id = location.substring(location.lastIndexOf('/') + 1).split("\\?")[0];
        assertThat(uploadFiles()).contains(id);
        // A file a crash left in uploads/ with no session, and a manifest file no row names.
        Path stray = server.config().blobsDir().resolve("uploads").resolve("left-by-a-crash");
        Files.write(stray, new byte[1234]);
        byte[] orphan = "{\"schemaVersion\":2,\"orphan\":true}".getBytes(StandardCharsets.UTF_8);
        Digest orphanDigest = Digest.sha256(orphan);
        server.slipway().registry().store().put(orphanDigest, orphan);

        JsonNode dry = LifecycleApi.gc(admin, true);
        assertThat(dry.path("uploads").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(uploadFiles()).contains(id, "left-by-a-crash");
        JsonNode gc = LifecycleApi.gc(admin, false);
        assertThat(gc.path("uploads").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(gc.path("upload_bytes").asLong()).isGreaterThanOrEqualTo(1234 + 10);
        assertThat(uploadFiles()).doesNotContain(id, "left-by-a-crash");
        assertThat(stored(orphanDigest.toString())).isFalse();
        HttpResponse<String> late = push.patch(location, "more".getBytes(StandardCharsets.UTF_8), null);
        assertThat(late.statusCode()).isEqualTo(404);
        assertThat(AuthorizationIT.code(late)).isEqualTo("BLOB_UPLOAD_UNKNOWN");
    }

    @Test
    void theGracePeriodProtectsAPushInProgress() throws Exception {
        try (TestServer graceful = TestServer.start()) {
            graceful.createUser("alice", "alice-password");
            Http alice = Http.basic(graceful.baseUrl(), "alice", graceful.token("alice", "write:package"));
            RegistryPush push = new RegistryPush(alice);
            byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"seed\":\"grace\"}".getBytes(StandardCharsets.UTF_8);
            byte[] layer = "a layer whose manifest is still coming".getBytes(StandardCharsets.UTF_8);
            String cfg = push.blob("alice/grace", config);
            String lay = push.blob("alice/grace", layer);
            // Also an upload in progress: younger than registry.upload-max-age (24h by default).
            String location = push.startUpload("alice/grace");
            JsonNode gc = LifecycleApi.gc(Http.basic(graceful.baseUrl(), "admin", TestServer.ADMIN_PASSWORD), false);
            assertThat(gc.path("links").asInt()).isZero();
            assertThat(gc.path("files").asInt()).isZero();
            assertThat(gc.path("uploads").asInt()).isZero();
            byte[] manifest = RegistryPush.imageManifest(RegistryPush.descriptor(RegistryPush.OCI_CONFIG, cfg, config.length),
                    RegistryPush.descriptor(RegistryPush.OCI_LAYER, lay, layer.length));
            push.manifest("alice/grace", "v1", RegistryPush.OCI_MANIFEST, manifest);
            assertThat(RegistryPull.problems(alice, "alice/grace", "v1")).isEmpty();
            assertThat(push.patch(location, "still open".getBytes(StandardCharsets.UTF_8), null).statusCode()).isEqualTo(202);
        }
    }

    @Test
    void deletingABlobThatAManifestUsesIsRefused() throws Exception {
        String repo = "alice/in-use";
        RegistryPush.Image image = push.image(repo, "v1", "gc-in-use");
        HttpResponse<String> r = alice.delete("/v2/" + repo + "/blobs/" + image.layerDigest());
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(AuthorizationIT.code(r)).isEqualTo("DENIED");
        assertThat(r.body()).contains(image.digest());
        assertThat(RegistryPull.problems(alice, repo, "v1")).isEmpty();
        // Once the manifest is gone the blob may be deleted.
        assertThat(alice.delete("/v2/" + repo + "/manifests/" + image.digest()).statusCode()).isEqualTo(202);
        assertThat(alice.delete("/v2/" + repo + "/blobs/" + image.layerDigest()).statusCode()).isEqualTo(202);
    }

    @Test
    void onlyASiteAdminCollectsGarbage() {
        assertThat(alice.post("/api/v1/admin/registry/gc", "application/json", new byte[0]).statusCode()).isEqualTo(403);
        assertThat(Http.basic(server.baseUrl(), "admin", server.token("admin", "write:package"))
                .post("/api/v1/admin/registry/gc?dry_run=true", "application/json", new byte[0]).statusCode()).isEqualTo(403);
        assertThat(admin.post("/api/v1/admin/registry/gc?dry_run=true", "application/json", new byte[0]).statusCode()).isEqualTo(200);
    }
}
